"""Sessions: fetch structures, feeds, defaults, pruning and errors (tf1-semantics §5)."""

import collections

import numpy as np
import pytest

import smallflow as tf
from smallflow import errors


def test_run_returns_numpy_values_in_the_fetch_structure():
    a = tf.constant([1.0, 2.0])
    b = tf.constant(3.0)
    pair = collections.namedtuple("pair", "first second")
    with tf.Session() as sess:
        result = sess.run({"a": a, "nested": [b, (a, b)], "pair": pair(a, b)})
    assert result["a"].tolist() == [1.0, 2.0]
    assert result["nested"][1][1] == 3.0
    assert isinstance(result["nested"][1], tuple)
    assert isinstance(result["pair"], pair)


def test_zero_d_fetch_is_a_numpy_scalar():
    with tf.Session() as sess:
        value = sess.run(tf.constant(2.5))
    assert isinstance(value, np.float32)


def test_fetching_an_operation_gives_none():
    with tf.Session() as sess:
        assert sess.run(tf.no_op()) is None


def test_fetch_by_name_strings():
    tf.constant(4.0, name="c")
    with tf.Session() as sess:
        assert sess.run("c:0") == 4.0
        assert sess.run("c") is None


def test_fetch_none_is_a_type_error():
    with tf.Session() as sess, pytest.raises(
        TypeError, match="Fetch argument None has invalid type <class 'NoneType'>"
    ):
        sess.run(None)


def test_fetch_of_an_unknown_name_is_a_value_error_naming_it():
    with tf.Session() as sess, pytest.raises(ValueError, match="nothere:0"):
        sess.run("nothere:0")


def test_fetch_from_another_graph_is_refused():
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(1.0)
    with tf.Session() as sess, pytest.raises(ValueError, match="not an element of this graph"):
        sess.run(c)


def test_feed_float64_labels_are_converted_to_the_placeholder_dtype():
    y = tf.placeholder(tf.float32, [None, 10])
    with tf.Session() as sess:
        value = sess.run(y * 1.0, feed_dict={y: np.eye(10)[:3]})
    assert value.dtype == np.float32


def test_feed_by_tensor_name_and_feeding_an_intermediate():
    x = tf.placeholder(tf.float32, [None], name="x")
    doubled = x * 2.0
    result = doubled + 1.0
    with tf.Session() as sess:
        assert sess.run(result, feed_dict={"x:0": [1.0]}).tolist() == [3.0]
        assert sess.run(result, feed_dict={doubled: [10.0]}).tolist() == [11.0]


def test_a_fetched_tensor_that_is_fed_returns_the_fed_value():
    x = tf.placeholder(tf.float32, [2])
    with tf.Session() as sess:
        assert sess.run(x, feed_dict={x: [5.0, 6.0]}).tolist() == [5.0, 6.0]


def test_feed_of_wrong_shape_names_the_tensor_and_both_shapes():
    x = tf.placeholder(tf.float32, [None, 784])
    with tf.Session() as sess, pytest.raises(ValueError, match="Cannot feed value") as info:
        sess.run(x, feed_dict={x: np.zeros((3, 10))})
    assert str(info.value) == (
        "Cannot feed value of shape (3, 10) for Tensor 'Placeholder:0', which has shape "
        "'(?, 784)'"
    )


def test_a_tensor_as_a_feed_value_is_a_type_error():
    x = tf.placeholder(tf.float32)
    with tf.Session() as sess, pytest.raises(TypeError, match="cannot be a tf.Tensor"):
        sess.run(x, feed_dict={x: tf.constant(1.0)})


def test_unfed_placeholder_names_the_placeholder():
    x = tf.placeholder(tf.float32, [None, 784])
    with tf.Session() as sess, pytest.raises(errors.InvalidArgumentError) as info:
        sess.run(x * 2.0)
    assert ("You must feed a value for placeholder tensor 'Placeholder' with dtype float "
            "and shape [?,784]") in str(info.value)
    assert info.value.op is x.op


def test_only_the_ops_the_fetches_need_run():
    x = tf.placeholder(tf.float32)
    unused = x * 2.0
    needed = tf.constant(3.0)
    with tf.Session() as sess:
        assert sess.run(needed) == 3.0
    assert unused is not None


def test_uninitialised_variable_is_a_failed_precondition_naming_it():
    v = tf.Variable(1.0)
    with tf.Session() as sess, pytest.raises(errors.FailedPreconditionError,
                                             match="Attempting to use uninitialized value "
                                                   "Variable"):
        sess.run(v)


def test_closed_session_is_refused():
    sess = tf.Session()
    sess.close()
    with pytest.raises(RuntimeError, match="Attempted to use a closed Session."):
        sess.run(tf.constant(1.0))


def test_eval_without_default_session_explains_what_to_do():
    with pytest.raises(ValueError, match="No default session is registered"):
        tf.constant(1.0).eval()


def test_with_session_makes_it_the_default_for_eval_and_run():
    c = tf.constant(2.0)
    v = tf.Variable(3.0)
    with tf.Session():
        tf.global_variables_initializer().run()
        assert c.eval() == 2.0
        assert v.eval() == 3.0
    assert tf.get_default_session() is None


def test_eval_takes_the_feed_dict_positionally():
    x = tf.placeholder(tf.float32)
    with tf.Session():
        assert (x + 1.0).eval({x: 1.0}) == 2.0


def test_interactive_session_is_default_until_closed():
    sess = tf.InteractiveSession()
    assert tf.get_default_session() is sess
    assert tf.constant(1.0).eval() == 1.0
    sess.close()
    assert tf.get_default_session() is None


def test_session_with_a_graph_makes_that_graph_default_inside_with():
    g = tf.Graph()
    with tf.Session(graph=g) as sess:
        assert tf.get_default_graph() is g
        c = tf.constant(1.0)
        assert sess.run(c) == 1.0


def test_variables_live_in_the_session():
    v = tf.Variable(1.0)
    inc = v.assign_add(1.0)
    with tf.Session() as first, tf.Session() as second:
        first.run(tf.global_variables_initializer())
        second.run(tf.global_variables_initializer())
        first.run(inc)
        assert first.run(v) == 2.0
        assert second.run(v) == 1.0


def test_fetched_variable_values_are_copies():
    v = tf.Variable([1.0, 2.0])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        value = sess.run(v)
        value[0] = 100.0
        assert sess.run(v).tolist() == [1.0, 2.0]


def test_duplicate_fetches_are_computed_once():
    v = tf.Variable(0.0)
    inc = v.assign_add(1.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first, second = sess.run([inc, inc])
        assert first == second == 1.0


def test_run_time_kernel_errors_name_the_op():
    x = tf.placeholder(tf.float32, [None, None])
    y = tf.matmul(x, x, name="square_it")
    with tf.Session() as sess, pytest.raises(errors.InvalidArgumentError, match="square_it"):
        sess.run(y, feed_dict={x: np.ones((2, 3))})


def test_make_callable_runs_like_run():
    x = tf.placeholder(tf.float32, [None])
    y = x * 3.0
    with tf.Session() as sess:
        step = sess.make_callable(y, [x])
        assert step([1.0, 2.0]).tolist() == [3.0, 6.0]
