"""Fake quantization as TensorFlow computes it (nudged range, float32 rounding, the
straight-through gradient); the oracle compares a wider case with TensorFlow itself."""

import numpy as np
import pytest

import smallflow as tf


def _reference(x, low, high, num_bits=8, narrow_range=False):
    # TensorFlow computes in float32; so does this reference (ties round alike).
    f = np.float32
    x, low, high = f(x), f(low), f(high)
    quant_min = f(1.0 if narrow_range else 0.0)
    quant_max = f(2.0**num_bits - 1)
    scale = (high - low) / (quant_max - quant_min)
    zero_point = np.clip(np.round(quant_min - low / scale), quant_min, quant_max)
    nudged_min = (quant_min - zero_point) * scale
    nudged_max = (quant_max - zero_point) * scale
    clamped = np.clip(x, nudged_min, nudged_max)
    return np.floor((clamped - nudged_min) * (f(1) / scale) + f(0.5)) * scale + nudged_min


X = np.linspace(-7.0, 7.0, 29).astype(np.float32)


@pytest.mark.parametrize(
    ("low", "high", "num_bits", "narrow_range"),
    [(-6.0, 6.0, 8, False), (-1.0, 3.0, 4, False), (0.5, 4.0, 8, True), (-6.0, -1.0, 2, False)],
)
def test_fake_quant_matches_the_nudged_rounding(low, high, num_bits, narrow_range):
    kwargs = {"num_bits": num_bits, "narrow_range": narrow_range}
    args = tf.fake_quant_with_min_max_args(X, low, high, **kwargs)
    tensors = tf.fake_quant_with_min_max_vars(X, tf.constant(low), tf.constant(high), **kwargs)
    with tf.Session() as sess:
        got_args, got_vars = sess.run([args, tensors])
    expected = _reference(X.astype(np.float64), low, high, num_bits, narrow_range)
    np.testing.assert_allclose(got_args, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(got_args, got_vars)


def test_straight_through_gradient_and_range_gradients():
    x = tf.constant(X)
    low, high = tf.constant(-2.0), tf.constant(2.0)
    y = tf.fake_quant_with_min_max_vars(x, low, high)
    dx, dlow, dhigh = tf.gradients(tf.reduce_sum(y), [x, low, high])
    with tf.Session() as sess:
        dx, dlow, dhigh = sess.run([dx, dlow, dhigh])
    # The range is nudged so that 0 is a level: its ends are where far values clamp to.
    nudged_min, nudged_max = _reference(np.array([-100.0, 100.0]), -2.0, 2.0)
    inside = (nudged_min <= X) & (nudged_max >= X)
    assert dx.tolist() == inside.astype(np.float32).tolist()
    assert dlow == np.sum(nudged_min > X)
    assert dhigh == np.sum(nudged_max < X)


def test_per_channel_ranges_apply_to_the_last_dimension():
    x = np.tile(X[:, None], (1, 2))
    y = tf.fake_quant_with_min_max_vars_per_channel(x, [-1.0, -4.0], [1.0, 4.0])
    value = tf.Session().run(y)
    np.testing.assert_allclose(value[:, 0], _reference(X, -1.0, 1.0), atol=1e-5)
    np.testing.assert_allclose(value[:, 1], _reference(X, -4.0, 4.0), atol=1e-5)


@pytest.mark.parametrize(
    ("call", "message"),
    [(lambda: tf.fake_quant_with_min_max_args(X, 1.0, -1.0), "min has to be smaller"),
     (lambda: tf.fake_quant_with_min_max_args(X, num_bits=1), "num_bits is out of range"),
     (lambda: tf.fake_quant_with_min_max_vars(X, [0.0], [1.0]), "must be scalars")],
)
def test_bad_ranges_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()
