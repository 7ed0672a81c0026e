"""The shipped gradient checker: Jacobian layout, lists of inputs, sessions, and its errors."""

import re

import numpy as np
import pytest

import smallflow as tf
from smallflow.gradient_checker import compute_gradient, compute_gradient_error


def test_jacobians_of_a_linear_map_are_its_transposed_matrix():
    matrix = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    x = tf.placeholder(tf.float64, [3])
    y = tf.reshape(tf.matmul(tf.constant(matrix), tf.reshape(x, [3, 1])), [2])

    theoretical, numerical = compute_gradient(x, [3], y, [2])

    assert theoretical.shape == (3, 2)
    np.testing.assert_allclose(theoretical, matrix.T, rtol=0, atol=1e-12)
    np.testing.assert_allclose(numerical, matrix.T, rtol=0, atol=1e-9)


def test_jacobian_rows_follow_x_entries_and_columns_follow_y_entries():
    x = tf.placeholder(tf.float64, [2, 2])
    y = x * tf.constant([[1.0, 10.0], [100.0, 1000.0]], dtype=tf.float64)

    theoretical, numerical = compute_gradient(x, [2, 2], y, [2, 2])

    np.testing.assert_allclose(theoretical, np.diag([1.0, 10.0, 100.0, 1000.0]), atol=1e-12)
    np.testing.assert_allclose(numerical, theoretical, rtol=1e-9, atol=1e-9)


def test_a_list_of_inputs_gives_one_pair_per_input():
    a = tf.placeholder(tf.float64, [2, 3])
    b = tf.placeholder(tf.float64, [3])
    y = a * b

    pairs = compute_gradient([a, b], [[2, 3], [3]], y, [2, 3])

    assert [p[0].shape for p in pairs] == [(6, 6), (3, 6)]
    for theoretical, numerical in pairs:
        np.testing.assert_allclose(theoretical, numerical, atol=1e-9)


def test_a_wrong_gradient_is_detected():
    # y = x * stop_gradient(x): the symbolic gradient is x, the true derivative 2x.
    x = tf.placeholder(tf.float64, [4])
    y = x * tf.stop_gradient(x)
    init = np.array([1.0, 2.0, 3.0, 4.0])

    error = compute_gradient_error(x, [4], y, [4], x_init_value=init)

    assert error == pytest.approx(4.0, rel=1e-6)


def test_an_input_without_a_path_has_a_zero_theoretical_jacobian():
    x = tf.placeholder(tf.float64, [2])
    other = tf.placeholder(tf.float64, [2])
    y = other * 3.0

    theoretical, numerical = compute_gradient(
        x, [2], y, [2], extra_feed_dict={other: np.ones(2)})

    assert not theoretical.any()
    assert not numerical.any()


def test_extra_feed_dict_feeds_the_other_placeholders():
    x = tf.placeholder(tf.float64, [3])
    scale = tf.placeholder(tf.float64, [])
    y = x * scale

    theoretical, numerical = compute_gradient(x, [3], y, [3], extra_feed_dict={scale: 2.5})

    np.testing.assert_allclose(theoretical, 2.5 * np.eye(3), atol=1e-12)
    np.testing.assert_allclose(numerical, 2.5 * np.eye(3), atol=1e-9)


def test_x_init_value_is_the_point_of_differentiation():
    x = tf.placeholder(tf.float64, [2])
    y = tf.square(x)

    theoretical, _ = compute_gradient(x, [2], y, [2], x_init_value=np.array([3.0, -1.0]))

    np.testing.assert_allclose(theoretical, np.diag([6.0, -2.0]), atol=1e-12)


def test_the_random_point_is_reproducible_from_the_seed():
    x = tf.placeholder(tf.float64, [3])
    y = tf.exp(x)

    first = compute_gradient(x, [3], y, [3], seed=7)[0]
    again = compute_gradient(x, [3], y, [3], seed=7)[0]
    other = compute_gradient(x, [3], y, [3], seed=8)[0]

    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_float32_graphs_are_checked_against_the_representable_step():
    x = tf.placeholder(tf.float32, [2, 3])
    y = tf.exp(x) * 2.0

    assert compute_gradient_error(x, [2, 3], y, [2, 3], delta=1e-2) < 1e-3


def test_uses_the_default_session_and_init_targets_there():
    v = tf.Variable([1.0, 2.0], dtype=tf.float64)
    x = tf.placeholder(tf.float64, [2])
    y = x * v
    with tf.Session() as sess:
        sess.run(v.initializer)
        sess.run(v.assign([5.0, 7.0]))
        theoretical, _ = compute_gradient(x, [2], y, [2])

    np.testing.assert_allclose(theoretical, np.diag([5.0, 7.0]), atol=1e-12)


def test_without_a_default_session_init_targets_initialize_variables():
    v = tf.Variable([1.0, 2.0], dtype=tf.float64)
    x = tf.placeholder(tf.float64, [2])

    theoretical, _ = compute_gradient(x, [2], x * v, [2], init_targets=[v.initializer])

    np.testing.assert_allclose(theoretical, np.diag([1.0, 2.0]), atol=1e-12)


@pytest.mark.parametrize(
    ("x_shape", "y_shape", "init", "message"),
    [
        ([4], [3], None, "x_shape [4] does not fit"),
        ([3], [4], None, "y_shape [4] does not fit"),
        ([3], [3], np.zeros(4), "x_init_value has shape (4,)"),
    ],
)
def test_mismatched_shapes_are_named(x_shape, y_shape, init, message):
    x = tf.placeholder(tf.float64, [3])
    y = x * 2.0

    with pytest.raises(ValueError, match=re.escape(message)):
        compute_gradient(x, x_shape, y, y_shape, x_init_value=init)


def test_a_nan_in_the_jacobian_makes_the_error_nan_not_zero():
    """TensorFlow's compute_gradient_error takes np.maximum, so NaN propagates; a broken
    gradient that yields NaN must never pass a ``< tol`` check."""
    import math

    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [3])
        y = tf.sqrt(x)   # at 0 the analytic gradient is inf, inf - finite differences -> nan
        with tf.Session():
            err = tf.test.compute_gradient_error(x, [3], y, [3],
                                                 x_init_value=np.array([0.0, -1.0, 4.0]))
    assert math.isnan(err)
