"""Rank-dispatching convolutions and pools, 1-D pools, transposed 1-D/atrous convolutions."""

import numpy as np
import pytest

import smallflow as tf

RNG = np.random.default_rng(30)


def run(fetches):
    with tf.Session() as sess:
        return sess.run(fetches)


def test_pool1d_matches_numpy():
    x = RNG.normal(size=(2, 6, 3)).astype(np.float32)
    maximum = run(tf.nn.max_pool1d(x, 2, 2, "VALID"))
    mean = run(tf.nn.avg_pool1d(x, 2, 2, "VALID"))
    np.testing.assert_allclose(maximum, x.reshape(2, 3, 2, 3).max(2))
    np.testing.assert_allclose(mean, x.reshape(2, 3, 2, 3).mean(2), rtol=1e-6)


@pytest.mark.parametrize(("shape", "expected"), [((1, 4, 2), (1, 2, 2)), ((1, 4, 4, 2),
                                                   (1, 2, 2, 2)),
                                                  ((1, 4, 4, 4, 2), (1, 2, 2, 2, 2))])
def test_pool_v2_and_pool_choose_by_rank(shape, expected):
    x = np.ones(shape, np.float32)
    assert run(tf.nn.max_pool_v2(x, 2, 2, "VALID")).shape == expected
    window = [2] * (len(shape) - 2)
    assert run(tf.nn.pool(x, window, "AVG", "VALID", strides=window)).shape == expected
    # Without strides the windows move one step at a time (TensorFlow's default).
    ones = tuple(n - 1 for n in shape[1:-1])
    assert run(tf.nn.pool(x, window, "MAX", "VALID")).shape == (1, *ones, 2)


def test_convolution_dispatches_and_dilates():
    x = RNG.normal(size=(1, 7, 7, 2))
    w = RNG.normal(size=(2, 2, 2, 3))
    np.testing.assert_allclose(run(tf.nn.convolution(x, w, "SAME")),
                               run(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME")))
    np.testing.assert_allclose(run(tf.nn.convolution(x, w, "VALID", dilation_rate=[2, 2])),
                               run(tf.nn.atrous_conv2d(x, w, 2, "VALID")))
    assert run(tf.nn.convolution(RNG.normal(size=(1, 5, 2)), RNG.normal(size=(3, 2, 4)),
                                 "VALID")).shape == (1, 3, 4)


@pytest.mark.parametrize("kind", ["conv1d", "atrous"])
def test_transposes_are_adjoints(kind):
    if kind == "conv1d":
        x = RNG.normal(size=(1, 8, 2))
        w = RNG.normal(size=(3, 2, 4))
        forward = tf.nn.conv1d(x, w, 2, "SAME")
        y = RNG.normal(size=(1, 4, 4))
        back = tf.nn.conv1d_transpose(y, w, [1, 8, 2], 2, "SAME")
    else:
        x = RNG.normal(size=(1, 6, 6, 2))
        w = RNG.normal(size=(2, 2, 2, 3))
        forward = tf.nn.atrous_conv2d(x, w, 2, "SAME")
        y = RNG.normal(size=(1, 6, 6, 3))
        back = tf.nn.atrous_conv2d_transpose(y, w, [1, 6, 6, 2], 2, "SAME")
    fx, by = run([forward, back])
    assert np.sum(fx * y) == pytest.approx(np.sum(x * by), rel=1e-9)


def test_batch_norm_with_global_normalization():
    x = RNG.normal(size=(2, 3))
    y = run(tf.nn.batch_norm_with_global_normalization(x, 0.5, 4.0, 0.1, 3.0, 0.0, False))
    np.testing.assert_allclose(y, (x - 0.5) / 2.0 + 0.1)
    scaled = run(tf.nn.batch_norm_with_global_normalization(x, 0.5, 4.0, 0.1, 3.0, 0.0, True))
    np.testing.assert_allclose(scaled, 3.0 * (x - 0.5) / 2.0 + 0.1)


def test_depthwise_conv2d_native_argument_order():
    x = RNG.normal(size=(1, 4, 4, 2))
    w = RNG.normal(size=(2, 2, 2, 1))
    np.testing.assert_allclose(
        run(tf.nn.depthwise_conv2d_native(x, w, [1, 1, 1, 1], "VALID", "NHWC")),
        run(tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "VALID")))
