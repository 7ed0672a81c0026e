"""TensorFlow 1.x's documented behaviour where smallflow used to differ (issue 8's list).

Each table row is one program fragment with TensorFlow's answer: a value, or the error class
(and the gist of its message) at the stage TensorFlow raises it: ``build`` (making the
graph) or ``run`` (``Session.run``). The TensorFlow oracle (tests/oracle) checks the same
things against TensorFlow itself when it is available.
"""

import numpy as np
import pytest

import smallflow as tf

BUILD_ERRORS = {
    "sqrt of int32": (lambda: tf.sqrt(tf.placeholder(tf.int32)), TypeError, "allowed values"),
    "div_no_nan on ints": (lambda: tf.div_no_nan(tf.constant([1]), tf.constant([0])),
                           TypeError, "allowed values"),
    "add on bools": (lambda: tf.add(tf.constant([True]), tf.constant([False])), TypeError,
                     "allowed values"),
    "multiply on bools": (lambda: tf.constant([True]) * tf.constant([False]), TypeError,
                          "allowed values"),
    "matmul on bools": (lambda: tf.matmul(tf.constant([[True]]), tf.constant([[True]])),
                        TypeError, "allowed values"),
    "reduce_all on floats": (lambda: tf.reduce_all(tf.constant([1.0])), TypeError,
                             "expected type of bool"),
    "one_hot with float indices": (lambda: tf.one_hot(tf.constant([0.0, 1.0]), 3), TypeError,
                                   "allowed values"),
    "logical_and on ints": (lambda: tf.logical_and(tf.constant([1]), tf.constant([0])),
                            TypeError, "expected type of bool"),
    "python int with a float tensor": (lambda: tf.add(2, tf.constant([1.5])), TypeError,
                                       "does not match type int32"),
    "invert on floats": (lambda: ~tf.constant([1.5]), TypeError, "allowed values"),
    "argmax over a list of axes": (lambda: tf.argmax(tf.constant([[1.0]]), [0, 1]),
                                   ValueError, "rank 0"),
    "python float list as int32": (lambda: tf.constant([1.5], dtype=tf.int32), TypeError,
                                   "Expected int32"),
}


@pytest.mark.parametrize("case", list(BUILD_ERRORS), ids=list(BUILD_ERRORS))
def test_refused_when_the_graph_is_built(case):
    build, error, gist = BUILD_ERRORS[case]
    with pytest.raises(error, match=gist):
        build()


def _run(fetch, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetch, feed)


RUN_ERRORS = {
    "int floordiv by zero": (lambda: tf.floordiv(tf.constant([3]), tf.constant([0])),
                             "Integer division by zero"),
    "int // by zero": (lambda: tf.constant([3]) // tf.constant([0]), "Integer division by zero"),
    "int % by zero": (lambda: tf.constant([3, 1]) % tf.constant([1, 0]),
                      "Integer division by zero"),
    "int floormod by zero": (lambda: tf.floormod(tf.constant([3], tf.int64),
                                                 tf.constant([0], tf.int64)),
                             "Integer division by zero"),
    "int mod by zero": (lambda: tf.mod(tf.constant([3]), 0), "Integer division by zero"),
    "int div by zero": (lambda: tf.div(tf.constant([3]), tf.constant([0])),
                        "Integer division by zero"),
    "int pow to a negative power": (lambda: tf.pow(tf.constant([2]), tf.constant([-1])),
                                    "negative integer powers"),
    "duplicate reduction axes": (lambda: tf.reduce_sum(tf.ones([2, 3]), axis=[1, 1]),
                                 "duplicate dimension: 1"),
}


@pytest.mark.parametrize("case", list(RUN_ERRORS), ids=list(RUN_ERRORS))
def test_refused_when_the_session_runs(case):
    build, gist = RUN_ERRORS[case]
    fetch = build()  # builds without complaint, as in TensorFlow
    with pytest.raises(tf.errors.InvalidArgumentError, match=gist):
        _run(fetch)


VALUES = {
    "& on ints is bitwise": (lambda: tf.constant([12, 10]) & tf.constant([10, 6]), [8, 2]),
    "| on ints is bitwise": (lambda: tf.constant([12, 10]) | tf.constant([10, 6]), [14, 14]),
    "^ on ints is bitwise": (lambda: tf.constant([12, 10]) ^ tf.constant([10, 6]), [6, 12]),
    "~ on ints is bitwise": (lambda: ~tf.constant([12, -1]), [-13, 0]),
    "& on bools is logical": (lambda: tf.constant([True, True]) & [True, False],
                              [True, False]),
    "^ on bools is logical": (lambda: tf.constant([True, True]) ^ tf.constant([True, False]),
                              [False, True]),
    "~ on bools is logical": (lambda: ~tf.constant([True, False]), [False, True]),
    "round keeps int32": (lambda: tf.round(tf.constant([1, -2])), np.array([1, -2], np.int32)),
    "argmax skips NaN": (lambda: tf.argmax(tf.constant([[1.5, np.nan, -2.0]]), 1), [0]),
    "argmin skips NaN": (lambda: tf.argmin(tf.constant([[1.5, np.nan, -2.0]]), 1), [2]),
    "int tensor + float NumPy array casts": (
        lambda: tf.constant([1, 2]) + np.array([2.5, 1.0]), [3, 3]),
    "NumPy floats as int32 constant cast": (
        lambda: tf.constant(np.array([1.5, -1.5]), dtype=tf.int32), [1, -1]),
    "python int + float tensor": (lambda: 2 + tf.constant([1.5]), [3.5]),
    "float floordiv is floor of the quotient": (
        lambda: tf.floordiv(tf.constant([-2.5]), np.inf), [-0.0]),
    "xent with int labels": (
        lambda: tf.nn.softmax_cross_entropy_with_logits_v2(
            labels=tf.constant([[0, 1]]), logits=tf.constant([[0.0, 0.0]])), [np.log(2)]),
    "xent with labels that broadcast": (
        lambda: tf.nn.softmax_cross_entropy_with_logits_v2(
            labels=[[0.0, 1.0]], logits=tf.constant([[0.0, 0.0], [0.0, 0.0]])),
        [np.log(2)] * 2),
    "get_variable with a tensor initializer": (
        lambda: tf.get_variable("w", initializer=tf.constant([1.0, 2.0])).read_value(),
        [1.0, 2.0]),
}


@pytest.mark.parametrize("case", list(VALUES), ids=list(VALUES))
def test_computes_what_tensorflow_computes(case):
    build, expected = VALUES[case]
    got = _run(build())
    expected = np.asarray(expected)
    assert np.asarray(got).dtype.kind == expected.dtype.kind or expected.dtype.kind == "f"
    np.testing.assert_allclose(np.asarray(got, dtype=float), expected.astype(float), rtol=1e-6)


def test_floormod_has_a_gradient():
    x = tf.constant([5.5, -3.0])
    y = tf.constant([2.0, 2.0])
    dx, dy = tf.gradients(tf.floormod(x, y), [x, y])
    got_dx, got_dy = _run([dx, dy])
    assert got_dx.tolist() == [1.0, 1.0]
    assert got_dy.tolist() == [-2.0, 2.0]  # -floor(x / y)


STATIC_SHAPES = {
    "full reduction of an unknown rank": (
        lambda: tf.reduce_sum(tf.placeholder(tf.float32)), []),
    "gradient of gather": (
        lambda: tf.gradients(tf.gather(x := tf.ones([2, 3]), [1]), x)[0], [2, 3]),
    "gradient of slice": (
        lambda: tf.gradients(tf.slice(x := tf.ones([2, 3]), [0, 1], [1, 2]), x)[0], [2, 3]),
}


@pytest.mark.parametrize("case", list(STATIC_SHAPES), ids=list(STATIC_SHAPES))
def test_static_shapes_are_kept(case):
    build, expected = STATIC_SHAPES[case]
    assert build().shape.as_list() == expected


def test_transpose_of_an_unknown_rank_builds_and_runs():
    x = tf.placeholder(tf.float32)
    transposed = tf.transpose(x)
    assert transposed.shape.ndims is None
    assert _run(transposed, {x: np.zeros((2, 3, 4))}).shape == (4, 3, 2)


def test_bitwise_namespace():
    a = tf.constant([5], tf.int64)
    got = _run([tf.bitwise.bitwise_and(a, 3), tf.bitwise.left_shift(a, 2),
                tf.bitwise.right_shift(a, 1), tf.bitwise.invert(tf.constant([0], tf.uint8))])
    assert [g.tolist() for g in got] == [[1], [20], [2], [255]]


AXIS_TENSORS = {
    "reduce_sum": (lambda x, a: tf.reduce_sum(x, axis=a), 1, [3.0, 12.0]),
    "reduce_mean keepdims": (lambda x, a: tf.reduce_mean(x, axis=a, keepdims=True), 0,
                             [[1.5, 2.5, 3.5]]),
    "reduce_max": (lambda x, a: tf.reduce_max(x, reduction_indices=a), 0, [3.0, 4.0, 5.0]),
    "argmax": (lambda x, a: tf.argmax(x, a), 1, [2, 2]),
    "argmin": (lambda x, a: tf.argmin(x, axis=a), 0, [0, 0, 0]),
}


@pytest.mark.parametrize("case", list(AXIS_TENSORS), ids=list(AXIS_TENSORS))
def test_axes_may_be_tensors_fed_at_run_time(case):
    build, axis, expected = AXIS_TENSORS[case]
    x = tf.constant(np.arange(6.0).reshape(2, 3))
    a = tf.placeholder(tf.int32, [])
    np.testing.assert_allclose(_run(build(x, a), {a: axis}), expected)


def test_a_fed_axis_out_of_range_fails_at_run_time():
    a = tf.placeholder(tf.int32, [])
    total = tf.reduce_sum(tf.ones([2, 3]), axis=a)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid reduction dimension"):
        _run(total, {a: 5})


def test_gradient_through_a_fed_axis():
    x = tf.constant(np.arange(6.0).reshape(2, 3))
    a = tf.placeholder(tf.int32, [])
    grad = tf.gradients(tf.reduce_mean(x, axis=a), x)[0]
    np.testing.assert_allclose(_run(grad, {a: 1}), np.full((2, 3), 1 / 3))
