"""tf.Print, tf.print, check_numerics, Assert and assert_*, py_func with an overridden
gradient, and custom_gradient."""

import sys

import numpy as np
import pytest

import smallflow as tf
from smallflow import errors


def test_print_writes_message_and_values_to_stderr_when_run(capsys):
    x = tf.constant([1, 2, 3, 4])
    y = tf.Print(x, [x, tf.constant(5)], message="x is ")
    with tf.Session() as sess:
        assert sess.run(y).tolist() == [1, 2, 3, 4]
    assert capsys.readouterr().err == "x is [1 2 3...][5]\n"


def test_print_first_n_and_summarize(capsys):
    x = tf.constant([1.5, 2.5])
    y = tf.Print(x, [x], "v", first_n=2, summarize=5)
    with tf.Session() as sess:
        for _ in range(3):
            sess.run(y)
    assert capsys.readouterr().err == "v[1.5 2.5]\nv[1.5 2.5]\n"


def test_print_passes_the_gradient_through():
    x = tf.constant(3.0)
    (grad,) = tf.gradients(tf.Print(x, [x]) * 2.0, x)
    with tf.Session() as sess:
        assert sess.run(grad) == 2.0


def test_tf_print_op_prints_like_numpy_with_summarize(capsys):
    op = tf.print("values:", tf.range(10), output_stream=sys.stdout, summarize=2)
    with tf.Session() as sess:
        sess.run(op)
    assert capsys.readouterr().out == "values: [0 1 ... 8 9]\n"


def test_tf_print_to_a_file(tmp_path):
    path = tmp_path / "log.txt"
    op = tf.print(tf.constant(7), output_stream=f"file://{path}")
    with tf.Session() as sess:
        sess.run(op)
        sess.run(op)
    assert path.read_text() == "7\n7\n"


@pytest.mark.parametrize(("value", "problem"), [([1.0, np.nan], "NaN"), ([np.inf], "Inf")])
def test_check_numerics_names_the_problem(value, problem):
    checked = tf.check_numerics(tf.constant(value), "bad input")
    with pytest.raises(errors.InvalidArgumentError, match=f"bad input : Tensor had {problem}"):
        tf.Session().run(checked)


def test_add_check_numerics_ops_finds_a_nan_anywhere():
    x = tf.placeholder(tf.float32, [2])
    tf.log(x)
    check = tf.add_check_numerics_ops()
    with tf.Session() as sess:
        sess.run(check, {x: [1.0, 2.0]})
        with pytest.raises(errors.InvalidArgumentError, match="Log"):
            sess.run(check, {x: [-1.0, 2.0]})


def test_assert_fails_when_run_with_its_data():
    x = tf.placeholder(tf.int32, [2])
    check = tf.Assert(tf.reduce_all(x > 0), ["x must be positive", x])
    with tf.Session() as sess:
        sess.run(check, {x: [1, 2]})
        with pytest.raises(errors.InvalidArgumentError,
                           match=r"assertion failed: \[x must be positive\] \[1 -2\]"):
            sess.run(check, {x: [1, -2]})


ASSERTS = [
    (tf.assert_equal, [1, 2], [1, 2], [1, 3]),
    (tf.assert_none_equal, [1, 2], [3, 4], [1, 4]),
    (tf.assert_less, [1, 2], [2, 3], [2, 2]),
    (tf.assert_less_equal, [1, 2], [1, 2], [0, 2]),
    (tf.assert_greater, [3, 4], [2, 3], [3, 5]),
    (tf.assert_greater_equal, [3, 4], [3, 4], [3, 5]),
]


@pytest.mark.parametrize(("fn", "x", "good_y", "bad_y"), ASSERTS,
                         ids=lambda v: getattr(v, "__name__", ""))
def test_binary_asserts_at_run_time_and_build_time(fn, x, good_y, bad_y):
    y = tf.placeholder(tf.int32, [2])
    check = fn(tf.constant(x), y)
    with tf.Session() as sess:
        sess.run(check, {y: good_y})
        with pytest.raises(errors.InvalidArgumentError, match="did not hold element-wise"):
            sess.run(check, {y: bad_y})
    with pytest.raises(errors.InvalidArgumentError, match="did not hold"):
        fn(tf.constant(x), tf.constant(bad_y))


@pytest.mark.parametrize(("fn", "good", "bad"), [
    (tf.assert_positive, [1, 2], [0, 1]), (tf.assert_negative, [-1], [0]),
    (tf.assert_non_negative, [0, 1], [-1]), (tf.assert_non_positive, [0, -1], [1]),
], ids=lambda v: getattr(v, "__name__", ""))
def test_sign_asserts(fn, good, bad):
    x = tf.placeholder(tf.int32, [None])
    check = fn(x)
    with tf.Session() as sess:
        sess.run(check, {x: good})
        with pytest.raises(errors.InvalidArgumentError):
            sess.run(check, {x: bad})


def test_assert_near_and_static_rank_checks():
    x = tf.placeholder(tf.float32, [2])
    check = tf.assert_near(x, [1.0, 2.0], atol=0.1, rtol=0.0)
    with tf.Session() as sess:
        sess.run(check, {x: [1.05, 2.0]})
        with pytest.raises(errors.InvalidArgumentError, match="not equal to tolerance"):
            sess.run(check, {x: [1.2, 2.0]})
    with pytest.raises(ValueError, match="must have rank 3"):
        tf.assert_rank(x, 3)
    tf.assert_rank_at_least(x, 1)
    with pytest.raises(TypeError, match="must be of type"):
        tf.assert_type(x, tf.int32)


def test_py_func_runs_python_and_its_gradient_is_mapped_in():
    @tf.RegisterGradient("SquareViaPython")
    def _grad(op, grad):
        return grad * 2.0 * op.inputs[0]

    x = tf.placeholder(tf.float32, [3])
    with tf.get_default_graph().gradient_override_map({"PyFunc": "SquareViaPython"}):
        y = tf.py_func(lambda v: v * v, [x], tf.float32)
    (grad,) = tf.gradients(tf.reduce_sum(y), x)
    with tf.Session() as sess:
        value, slope = sess.run([y, grad], {x: [1.0, 2.0, 3.0]})
    assert value.tolist() == [1.0, 4.0, 9.0]
    assert slope.tolist() == [2.0, 4.0, 6.0]


def test_py_func_without_a_gradient_says_so():
    x = tf.constant([1.0])
    y = tf.py_func(np.sin, [x], tf.float32)
    with pytest.raises(LookupError, match="No gradient defined for operation"):
        tf.gradients(y, x)


def test_py_func_errors_and_several_outputs():
    a, b = tf.py_func(lambda v: (v + 1, v.astype(np.float64) * 2), [tf.constant([1, 2])],
                      [tf.int32, tf.float64])
    failing = tf.numpy_function(lambda v: 1 / 0, [tf.constant(1.0)], tf.float32)
    with tf.Session() as sess:
        first, second = sess.run([a, b])
        assert first.tolist() == [2, 3]
        assert second.dtype == np.float64
        with pytest.raises(errors.UnknownError, match="ZeroDivisionError"):
            sess.run(failing)


def test_custom_gradient_replaces_the_gradient():
    @tf.custom_gradient
    def clip_gradient(x):
        def grad(dy):
            return tf.clip_by_value(dy, -0.5, 0.5)

        return tf.identity(x), grad

    x = tf.constant([1.0, 2.0])
    (grad,) = tf.gradients(tf.reduce_sum(clip_gradient(x) * 3.0), x)
    with tf.Session() as sess:
        assert sess.run(grad).tolist() == [0.5, 0.5]


def test_report_uninitialized_variables_lists_names():
    a = tf.Variable(1.0, name="a")
    tf.Variable(2.0, name="b")
    report = tf.report_uninitialized_variables()
    with tf.Session() as sess:
        assert sess.run(report).tolist() == [b"a", b"b"]
        sess.run(a.initializer)
        assert sess.run(report).tolist() == [b"b"]
        with pytest.raises(errors.InvalidArgumentError, match="Uninitialized"):
            sess.run(tf.assert_variables_initialized())
        sess.run(tf.tables_initializer())
