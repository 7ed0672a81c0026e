"""Random ops and their seeds, initializers, variable_scope and get_variable."""

import numpy as np
import pytest

import smallflow as tf


def _values(tensors, runs=1):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return [sess.run(tensors) for _ in range(runs)]


def test_random_ops_draw_fresh_values_each_run():
    sample = tf.random_normal([100])
    first, second = _values(sample, runs=2)
    assert not np.array_equal(first, second)


def test_graph_seed_makes_a_rebuilt_graph_repeat_its_numbers():
    def build():
        tf.reset_default_graph()
        tf.set_random_seed(1234)
        return _values([tf.random_uniform([5]), tf.truncated_normal([5])], runs=2)

    assert np.array_equal(np.array(build()), np.array(build()))


def test_op_seed_alone_is_reproducible_and_a_new_session_restarts_it():
    sample = tf.random_normal([4], seed=7)
    first_session = _values(sample, runs=2)
    second_session = _values(sample, runs=2)
    np.testing.assert_array_equal(first_session[0], second_session[0])
    assert not np.array_equal(first_session[0], first_session[1])


@pytest.mark.parametrize(
    ("build", "check"),
    [
        (lambda: tf.truncated_normal([20000], mean=1.0, stddev=0.5),
         lambda v: abs(v - 1.0).max() <= 1.0 and abs(v.mean() - 1.0) < 0.02),
        (lambda: tf.random_normal([20000], mean=-2.0, stddev=3.0),
         lambda v: abs(v.mean() + 2.0) < 0.1 and abs(v.std() - 3.0) < 0.1),
        (lambda: tf.random_uniform([20000], minval=-1.0, maxval=3.0),
         lambda v: v.min() >= -1.0 and v.max() < 3.0 and abs(v.mean() - 1.0) < 0.05),
        (lambda: tf.random_uniform([1000], 0, 5, dtype=tf.int32),
         lambda v: v.dtype == np.int32 and set(np.unique(v)) == {0, 1, 2, 3, 4}),
    ],
)
def test_random_distributions(build, check):
    tf.set_random_seed(0)
    (value,) = _values(build())
    assert check(value)


def test_random_ops_are_float32_by_default():
    (value,) = _values(tf.truncated_normal([3, 3], stddev=0.1))
    assert value.dtype == np.float32


def test_integer_uniform_needs_maxval():
    with pytest.raises(ValueError, match="Must specify maxval"):
        tf.random_uniform([3], dtype=tf.int32)


def test_get_variable_names_and_reuse():
    with tf.variable_scope("layer1"):
        w = tf.get_variable("w", [784, 10], initializer=tf.zeros_initializer())
        out = tf.matmul(tf.zeros([1, 784]), w)
    with tf.variable_scope("layer1", reuse=True):
        again = tf.get_variable("w")
    assert w.name == "layer1/w:0"
    assert out.name.startswith("layer1/")
    assert again is w


def test_get_variable_refuses_duplicates_and_missing_reuse():
    with tf.variable_scope("s"):
        tf.get_variable("v", [2])
    with tf.variable_scope("s"), pytest.raises(ValueError, match="already exists, disallowed"):
        tf.get_variable("v", [2])
    with tf.variable_scope("s", reuse=True), pytest.raises(ValueError, match="does not exist"):
        tf.get_variable("nope", [2])


def test_auto_reuse_creates_once():
    with tf.variable_scope("s", reuse=tf.AUTO_REUSE):
        first = tf.get_variable("v", [2])
    with tf.variable_scope("s", reuse=tf.AUTO_REUSE):
        second = tf.get_variable("v", [2])
    assert first is second


@pytest.mark.parametrize(
    ("initializer", "check"),
    [
        (tf.zeros_initializer(), lambda v: not v.any()),
        (tf.ones_initializer(), lambda v: (v == 1).all()),
        (tf.constant_initializer(0.1), lambda v: np.allclose(v, 0.1)),
        (tf.truncated_normal_initializer(stddev=0.1), lambda v: abs(v).max() <= 0.2),
        (tf.random_uniform_initializer(-0.5, 0.5), lambda v: abs(v).max() <= 0.5),
        (None, lambda v: abs(v).max() <= np.sqrt(6.0 / (30 + 20))),  # glorot uniform
    ],
)
def test_initializers(initializer, check):
    variable = tf.get_variable("v", [30, 20], initializer=initializer)
    (value,) = _values(variable)
    assert value.shape == (30, 20)
    assert value.dtype == np.float32
    assert check(value)
