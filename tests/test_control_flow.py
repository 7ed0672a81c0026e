"""tf.cond, tf.case, tf.while_loop, TensorArray and map_fn/scan/foldl/foldr.

Forward values against Python/NumPy, gradients against numeric differences (including
loops whose trip count depends on the data, nested loops and conds inside loops), only the
taken branch running, side effects inside branches and bodies, and TF1's errors.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf
from smallflow import errors
from smallflow.gradient_checker import compute_gradient_error

RNG = np.random.default_rng(7)


def _run(fetches, feeds=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feeds)


def _grad_error(x, value, y):
    with tf.Session():
        y_shape = y.shape.as_list() if y.shape.ndims is not None else []
        return compute_gradient_error(x, list(value.shape), y, y_shape,
                                      x_init_value=value, delta=1e-6)


# -- cond --------------------------------------------------------------------------------------

COND_CASES = [
    # (name, builder(pred, x) -> result, reference(pred, x))
    ("scalars", lambda p, x: tf.cond(p, lambda: x * 2.0, lambda: x * x),
     lambda p, x: x * 2 if p else x * x),
    ("fn1_fn2_names", lambda p, x: tf.cond(p, fn1=lambda: x + 1.0, fn2=lambda: x - 1.0),
     lambda p, x: x + 1 if p else x - 1),
    ("nested_structure", lambda p, x: tf.cond(
        p, lambda: {"a": x, "b": (x + 1.0, x * 3.0)}, lambda: {"a": -x, "b": (x, x)}),
     lambda p, x: {"a": x, "b": (x + 1, x * 3)} if p else {"a": -x, "b": (x, x)}),
    ("singleton_list_unpacked", lambda p, x: tf.cond(p, lambda: [x], lambda: [x + 1.0]),
     lambda p, x: x if p else x + 1),
    ("strict_keeps_list", lambda p, x: tf.cond(p, lambda: [x], lambda: [x + 1.0], strict=True),
     lambda p, x: [x if p else x + 1]),
    ("outside_tensor_returned",
     lambda p, x: tf.cond(p, lambda: x, lambda: tf.constant(5.0, tf.float64)),
     lambda p, x: x if p else 5.0),
]


@pytest.mark.parametrize(("name", "build", "reference"), COND_CASES,
                         ids=[c[0] for c in COND_CASES])
@pytest.mark.parametrize("pred", [True, False])
def test_cond_forward_matches_python(name, build, reference, pred):
    p = tf.placeholder(tf.bool, [])
    x = tf.placeholder(tf.float64, [])
    result = _run(build(p, x), {p: pred, x: 1.5})
    expected = reference(pred, 1.5)
    np.testing.assert_equal(result, expected)


@pytest.mark.parametrize("pred", [True, False])
def test_cond_gradient_matches_numeric_even_when_captures_depend_on_each_other(pred):
    x = tf.placeholder(tf.float64, [3])
    h = tf.tanh(x)  # captured together with x: no double counting through h
    y = tf.cond(tf.constant(pred), lambda: tf.reduce_sum(h * x * x), lambda: tf.reduce_sum(
        tf.exp(h) + x))
    assert _grad_error(x, RNG.normal(size=3), y) < 1e-6


def test_only_the_taken_branch_runs_its_side_effects():
    counter = tf.Variable(0, name="counter")
    p = tf.placeholder(tf.bool, [])
    result = tf.cond(p, lambda: counter.assign_add(1), lambda: counter.assign_add(10))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(result, {p: True}) == 1
        assert sess.run(result, {p: False}) == 11
        assert sess.run(result, {p: True}) == 12


def test_the_untaken_branch_does_not_run_even_if_it_would_fail():
    p = tf.placeholder(tf.bool, [])
    x = tf.placeholder(tf.float32, [None])
    bad = lambda: tf.reshape(x, [7])  # noqa: E731 - fails for any other length
    y = tf.cond(p, bad, lambda: x * 2.0)
    assert _run(y, {p: False, x: [1.0, 2.0]}).tolist() == [2.0, 4.0]
    with pytest.raises(errors.InvalidArgumentError):
        _run(y, {p: True, x: [1.0, 2.0]})


def test_branch_returning_an_op_gives_a_bool_tensor_after_it_ran():
    v = tf.Variable(1.0)
    done = tf.cond(tf.constant(True), lambda: v.assign(5.0).op, lambda: tf.no_op())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(done)
        assert sess.run(v) == 5.0


def test_cond_names_follow_tf1():
    x = tf.constant(1.0)
    y = tf.cond(tf.constant(True), lambda: x + 1.0, lambda: x)
    assert y.name == "cond/Merge:0"
    ops = tf.get_default_graph().get_operations()
    assert "cond/add" in [op.name for op in ops]


COND_ERRORS = [
    (lambda: tf.cond(True, lambda: 1.0, lambda: 2.0), TypeError, "Python bool"),
    (lambda: tf.cond(tf.constant(True), lambda: 1.0), TypeError, "false_fn"),
    (lambda: tf.cond(tf.constant(True), 1.0, lambda: 1.0), TypeError, "callable"),
    (lambda: tf.cond(tf.constant(1.0), lambda: 1.0, lambda: 2.0), TypeError, "bool"),
    (lambda: tf.cond(tf.constant([True]), lambda: 1.0, lambda: 2.0), ValueError, "rank 0"),
    (lambda: tf.cond(tf.constant(True), lambda: 1.0, lambda: 2), ValueError, "same type"),
    (lambda: tf.cond(tf.constant(True), lambda: (1.0, 2.0), lambda: 2.0), ValueError,
     "same structure"),
    (lambda: tf.cond(tf.constant(True), lambda: None, lambda: 2.0), ValueError,
     "return value"),
    (lambda: tf.cond(tf.constant(True), lambda: 1.0, lambda: 2.0, fn1=lambda: 1.0), TypeError,
     "simultaneously"),
]


@pytest.mark.parametrize(("build", "error", "words"), COND_ERRORS)
def test_cond_rejects_bad_arguments_with_tf1_errors(build, error, words):
    with pytest.raises(error, match=words):
        build()


# -- case --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("x", "expected"), [(1, 10.0), (5, 20.0), (9, 30.0)])
def test_case_picks_the_first_true_predicate_or_the_default(x, expected):
    v = tf.placeholder(tf.int32, [])
    pairs = [(tf.less(v, 3), lambda: tf.constant(10.0)), (tf.less(v, 7), lambda: tf.constant(20.0))]
    result = tf.case(pairs, default=lambda: tf.constant(30.0))
    assert _run(result, {v: x}) == expected


def test_case_dict_and_exclusive_check():
    v = tf.placeholder(tf.int32, [])
    pairs = {tf.less(v, 3): lambda: tf.constant(1), tf.less(v, 7): lambda: tf.constant(2)}
    result = tf.case(pairs, default=lambda: tf.constant(3), exclusive=True)
    assert _run(result, {v: 5}) == 2
    with pytest.raises(errors.InvalidArgumentError, match="exclusive"):
        _run(result, {v: 1})


def test_case_without_default_requires_a_true_predicate():
    v = tf.placeholder(tf.int32, [])
    result = tf.case([(tf.less(v, 3), lambda: tf.constant(1)),
                      (tf.less(v, 7), lambda: tf.constant(2))])
    assert _run(result, {v: 4}) == 2
    with pytest.raises(errors.InvalidArgumentError, match="None of the conditions"):
        _run(result, {v: 9})


# -- while_loop --------------------------------------------------------------------------------


def _collatz_steps(n):
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


WHILE_CASES = [
    ("counter", lambda n: tf.while_loop(lambda i: i < n, lambda i: i + 1, [0]),
     lambda n: max(n, 0)),
    ("sum_of_squares", lambda n: tf.while_loop(
        lambda i, s: i < n, lambda i, s: (i + 1, s + i * i), (0, 0))[1],
     lambda n: sum(i * i for i in range(n))),
    ("data_dependent_collatz", lambda n: tf.while_loop(
        lambda v, k: tf.not_equal(v, 1),
        lambda v, k: (tf.cond(tf.equal(v % 2, 0), lambda: v // 2, lambda: 3 * v + 1), k + 1),
        [n, 0])[1], _collatz_steps),
    ("maximum_iterations", lambda n: tf.while_loop(
        lambda i: i < 1000, lambda i: i + 1, [0], maximum_iterations=n), lambda n: n),
    ("nested_dict_vars", lambda n: tf.while_loop(
        lambda s: s["i"] < n, lambda s: {"i": s["i"] + 1, "acc": (s["acc"][0] * 2,)},
        [{"i": 0, "acc": (1,)}])[0]["acc"][0], lambda n: 2 ** n),
]


@pytest.mark.parametrize(("name", "build", "reference"), WHILE_CASES,
                         ids=[c[0] for c in WHILE_CASES])
@pytest.mark.parametrize("n", [1, 6, 27])
def test_while_loop_forward_matches_python(name, build, reference, n):
    placeholder = tf.placeholder(tf.int32, [])
    assert _run(build(placeholder), {placeholder: n}) == reference(n)


@settings(max_examples=10, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=1, max_size=8), st.floats(0.1, 0.9))
def test_a_discounted_sum_loop_matches_python_for_any_sequence(values, decay):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [None])
        length = tf.shape(x)[0]
        _, total = tf.while_loop(lambda i, s: i < length,
                                 lambda i, s: (i + 1, s * decay + x[i]), [0, tf.constant(
                                     0.0, tf.float64)])
        (grad,) = tf.gradients(total, x)
        with tf.Session() as sess:
            got, got_grad = sess.run([total, grad], {x: values})
    expected = 0.0
    for value in values:
        expected = expected * decay + value
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    weights = [decay ** (len(values) - 1 - k) for k in range(len(values))]
    np.testing.assert_allclose(got_grad, weights, rtol=1e-12)


def test_while_loop_gradient_with_data_dependent_trip_count():
    # Repeated squaring until the value exceeds a threshold: the number of iterations
    # depends on x itself, and the gradient must use each iteration's forward value.
    x = tf.placeholder(tf.float64, [])
    _, y = tf.while_loop(lambda i, v: v < 50.0, lambda i, v: (i + 1, v * v + 0.5 * v),
                         [0, x])
    for value in (1.3, 2.2, 4.0):
        assert _grad_error(x, np.array(value), y) < 1e-4


def test_gradient_through_nested_loops_with_cond_and_captures():
    x = tf.placeholder(tf.float64, [2])
    w = tf.placeholder(tf.float64, [2])
    n = tf.constant(3)

    def outer(j, a):
        def inner(k, b):
            return k + 1, tf.cond(tf.reduce_sum(b) > 3.0, lambda: b * 0.5 + w,
                                  lambda: tf.tanh(b * x) * 2.0)

        _, a2 = tf.while_loop(lambda k, b: k < j + 1, inner, [0, a])
        return j + 1, a2 * x

    _, y = tf.while_loop(lambda j, a: j < n, outer, [0, tf.ones([2], tf.float64)])
    loss = tf.reduce_sum(y * y)
    value_x = np.array([0.7, -1.1])
    value_w = np.array([0.3, 0.9])
    with tf.Session():
        error_x = compute_gradient_error(x, [2], loss, [], x_init_value=value_x,
                                         extra_feed_dict={w: value_w}, delta=1e-6)
        error_w = compute_gradient_error(w, [2], loss, [], x_init_value=value_w,
                                         extra_feed_dict={x: value_x}, delta=1e-6)
    assert error_x < 1e-5
    assert error_w < 1e-5


def test_loop_body_side_effects_run_once_per_iteration():
    total = tf.Variable(0)

    def body(i):
        with tf.control_dependencies([total.assign_add(i)]):
            return i + 1

    loop = tf.while_loop(lambda i: i < 5, body, [0])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(loop) == 5
        assert sess.run(total) == 0 + 1 + 2 + 3 + 4


def test_variables_made_in_a_body_live_outside_the_loop():
    def body(i, x):
        w = tf.get_variable("w", [], initializer=tf.constant_initializer(2.0))
        return i + 1, x * w

    _, y = tf.while_loop(lambda i, x: i < 3, body, [0, tf.constant(1.0)])
    (w,) = tf.trainable_variables()
    assert w.name == "w:0"
    (grad,) = tf.gradients(y, [w])
    assert _run([y, grad]) == [8.0, 12.0]


def test_while_loop_names_and_single_variable_result():
    i = tf.while_loop(lambda i: i < 3, lambda i: i + 1, [tf.constant(0)])
    assert i.name == "while/Exit:0"
    both = tf.while_loop(lambda i: i < 3, lambda i: i + 1, [tf.constant(0)],
                         return_same_structure=True)
    assert isinstance(both, list)


def test_shape_invariants_allow_a_growing_loop_variable():
    x = tf.constant([1.0])
    grown = tf.while_loop(lambda v: tf.size(v) < 5, lambda v: tf.concat([v, v[-1:] * 2], 0),
                          [x], shape_invariants=[tf.TensorShape([None])])
    assert grown.shape.as_list() == [None]
    assert _run(grown).tolist() == [1.0, 2.0, 4.0, 8.0, 16.0]


WHILE_ERRORS = [
    (lambda: tf.while_loop(1, lambda i: i, [0]), TypeError, "cond must be callable"),
    (lambda: tf.while_loop(lambda i: i < 3, 1, [0]), TypeError, "body must be callable"),
    (lambda: tf.while_loop(lambda i: i < 3, lambda i: i, []), ValueError, "No loop variables"),
    (lambda: tf.while_loop(lambda i: tf.size(i) < 3, lambda i: tf.concat([i, i], 0),
                           [tf.constant([1])]), ValueError, "shape_invariants"),
    (lambda: tf.while_loop(lambda i: i < 3, lambda i: tf.cast(i, tf.float32), [0]), ValueError,
     "dtype"),
    (lambda: tf.while_loop(lambda i: i, lambda i: i + 1, [0]), TypeError, "bool"),
    (lambda: tf.while_loop(lambda i, j: i < 3, lambda i, j: i + 1, [0, 0]), ValueError,
     "same structure"),
]


@pytest.mark.parametrize(("build", "error", "words"), WHILE_ERRORS)
def test_while_loop_rejects_bad_loops_with_tf1_errors(build, error, words):
    with pytest.raises(error, match=words):
        build()


def test_fetching_a_loop_variable_from_outside_names_the_loop():
    tf.while_loop(lambda i: i < 3, lambda i: i + 1, [0])
    inside = tf.get_default_graph().get_tensor_by_name("while/Identity:0")
    with pytest.raises(errors.InvalidArgumentError, match="only inside the loop"):
        _run(inside)


def test_errors_inside_a_body_name_the_failing_op():
    x = tf.placeholder(tf.float32, [None])
    loop = tf.while_loop(lambda i, v: i < 2, lambda i, v: (i + 1, tf.reshape(v, [3])), [0, x],
                         shape_invariants=[tf.TensorShape([]), tf.TensorShape(None)])
    with pytest.raises(errors.InvalidArgumentError, match="while/Reshape"):
        _run(loop, {x: [1.0, 2.0]})


# -- TensorArray -------------------------------------------------------------------------------


def test_tensor_array_write_read_stack_size_in_a_loop_with_gradient():
    x = tf.placeholder(tf.float64, [4, 3])
    steps = tf.TensorArray(tf.float64, size=4).unstack(x)
    out = tf.TensorArray(tf.float64, size=0, dynamic_size=True)

    def body(t, h, out):
        h = tf.tanh(h * 0.5 + steps.read(t))
        return t + 1, h, out.write(t, h)

    _, _, out = tf.while_loop(lambda t, h, o: t < 4, body,
                              [0, tf.zeros([3], tf.float64), out])
    stacked = out.stack()
    value = RNG.normal(size=(4, 3))
    expected = []
    h = np.zeros(3)
    for row in value:
        h = np.tanh(h * 0.5 + row)
        expected.append(h)
    result, size = _run([stacked, out.size()], {x: value})
    np.testing.assert_allclose(result, np.array(expected))
    assert size == 4
    assert stacked.shape.as_list() == [None, 3]
    assert _grad_error(x, value, tf.reduce_sum(stacked * stacked)) < 1e-6


def test_tensor_array_gather_scatter_concat_split_with_gradients():
    x = tf.placeholder(tf.float64, [3, 2])
    ta = tf.TensorArray(tf.float64, size=3, clear_after_read=False).scatter([2, 0, 1], x)
    gathered = ta.gather([1, 2, 1])
    pieces = tf.TensorArray(tf.float64, size=2).split(tf.reshape(x, [6]), [2, 4])
    joined = pieces.concat()
    value = RNG.normal(size=(3, 2))
    got, flat = _run([gathered, joined], {x: value})
    np.testing.assert_allclose(got, value[[2, 0, 2]])
    np.testing.assert_allclose(flat, value.ravel())
    loss = tf.reduce_sum(gathered * gathered) + tf.reduce_sum(tf.tanh(joined))
    assert _grad_error(x, value, loss) < 1e-6


TENSOR_ARRAY_ERRORS = [
    (lambda: tf.TensorArray(tf.float32, size=2).write(2, 1.0).stack(), "not resizeable"),
    (lambda: tf.TensorArray(tf.float32, size=2).write(0, 1.0).write(0, 2.0).stack(),
     "already been written"),
    (lambda: tf.TensorArray(tf.float32, size=2).write(0, 1.0).read(1), "not yet been written"),
    (lambda: tf.TensorArray(tf.float32, size=2).unstack([1.0, 2.0]).gather([0, 0]),
     "cleared after a previous read"),
    (lambda: tf.TensorArray(tf.float32, size=2, infer_shape=False).write(0, [1.0])
     .write(1, [1.0, 2.0]).stack(), "one shape"),
]


@pytest.mark.parametrize(("build", "words"), TENSOR_ARRAY_ERRORS)
def test_tensor_array_misuse_fails_at_run_time_with_tf1_wording(build, words):
    with pytest.raises(errors.InvalidArgumentError, match=words):
        _run(build())


def test_tensor_array_rejects_a_wrong_dtype_when_building():
    with pytest.raises(TypeError, match="dtype"):
        tf.TensorArray(tf.float32, size=1).write(0, tf.constant(1))


# -- map_fn, scan, foldl, foldr --------------------------------------------------------------

VALUES = np.arange(1.0, 7.0).reshape(3, 2)

HIGHER_ORDER = [
    ("map_fn", lambda x: tf.map_fn(lambda r: r * r + 1.0, x), VALUES ** 2 + 1),
    ("map_fn_nested_dtype", lambda x: tf.map_fn(
        lambda pair: (pair[0] + pair[1], tf.reduce_sum(pair[0])), (x, x * 2.0),
        dtype=(tf.float64, tf.float64))[1], VALUES.sum(axis=1)),
    ("scan", lambda x: tf.scan(lambda a, r: a * 0.5 + r, x), np.array(
        [VALUES[0], VALUES[0] * 0.5 + VALUES[1], (VALUES[0] * 0.5 + VALUES[1]) * 0.5
         + VALUES[2]])),
    ("scan_initializer_reverse", lambda x: tf.scan(
        lambda a, r: a + r, x, initializer=tf.zeros([2], tf.float64), reverse=True),
     np.cumsum(VALUES[::-1], axis=0)[::-1]),
    ("foldl", lambda x: tf.foldl(lambda a, r: a * r, x), VALUES.prod(axis=0)),
    ("foldr", lambda x: tf.foldr(lambda a, r: a * 2.0 - r, x,
                                 initializer=tf.zeros([2], tf.float64)),
     ((0 * 2 - VALUES[2]) * 2 - VALUES[1]) * 2 - VALUES[0]),
]


@pytest.mark.parametrize(("name", "build", "expected"), HIGHER_ORDER,
                         ids=[c[0] for c in HIGHER_ORDER])
def test_higher_order_functions_match_numpy_and_numeric_gradients(name, build, expected):
    x = tf.placeholder(tf.float64, [3, 2])
    y = build(x)
    np.testing.assert_allclose(_run(y, {x: VALUES}), expected)
    assert _grad_error(x, VALUES * 0.3, tf.reduce_sum(tf.tanh(y))) < 1e-6


def test_map_fn_keeps_the_static_length():
    x = tf.placeholder(tf.float32, [5, 2])
    assert tf.map_fn(lambda r: r * 2.0, x).shape.as_list() == [5, 2]


def test_graph_without_control_flow_has_no_control_flow_ops():
    x = tf.placeholder(tf.float32, [2])
    tf.gradients(tf.reduce_sum(x * x), x)
    types = {op.type for op in tf.get_default_graph().get_operations()}
    assert not types & {"If", "While", "WhileGrad"}


def test_a_saver_writes_graphs_with_loops_and_branches(tmp_path):
    # The .meta file and GraphDef protos come from the tensorboard extra.
    pytest.importorskip("tensorboard",
                        reason="needs the tensorboard extra (smallflow[tensorboard])")
    x = tf.placeholder(tf.float32, [None, 3, 2], name="x")
    outputs, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicRNNCell(4), x, dtype=tf.float32)
    loss = tf.reduce_sum(tf.cond(tf.constant(True), lambda: outputs * 2.0, lambda: outputs))
    tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        tf.train.Saver().save(sess, str(tmp_path / "model"))
    assert (tmp_path / "model.meta").exists()
    node = {n.name: n for n in tf.get_default_graph().as_graph_def().node}["rnn/while/While"]
    assert b"rnn/while/Identity:0" in node.attr["_json_context"].s


@pytest.mark.parametrize("read", [tf.identity, lambda v: v.read_value()],
                         ids=["identity", "read_value"])
def test_a_loop_body_reads_what_earlier_iterations_assigned(read):
    v = tf.Variable(0)

    def body(i, acc):
        with tf.control_dependencies([v.assign_add(1)]):
            return i + 1, acc + read(v)

    loop = tf.while_loop(lambda i, a: i < 3, body, [0, 0], parallel_iterations=1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(loop)[1] == 1 + 2 + 3


# A feed overrides a variable's value for one run, also where a branch or a loop body reads
# it (TF1 feeds the variable's tensor, which the body receives); a body that assigns the
# variable keeps re-reading it instead, so each iteration sees the previous assignment.
FED_VARIABLE_READERS = {
    "while_loop": lambda v: tf.while_loop(lambda i, acc: i < 3, lambda i, acc: (i + 1, acc + v),
                                          [0, tf.constant(0.0)])[1],
    "cond": lambda v: tf.cond(tf.constant(True), lambda: v * 3.0, lambda: v),
}


@pytest.mark.parametrize("reader", sorted(FED_VARIABLE_READERS))
def test_a_fed_variable_is_seen_inside_branches_and_loop_bodies(reader):
    v = tf.Variable(1.0)
    result = FED_VARIABLE_READERS[reader](v)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(result, {v: 5.0}) == 15.0
        assert sess.run(result) == 3.0


def test_a_read_after_a_cond_sees_what_its_branch_assigned():
    counter = tf.Variable(0)
    result = tf.cond(tf.constant(False), lambda: counter.assign_add(1),
                     lambda: counter.assign_add(10))
    with tf.control_dependencies([result]):
        after = tf.identity(counter.read_value())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(after) == 10
