"""conv3d, max_pool3d, avg_pool3d and conv3d_transpose against NumPy loops, with gradients."""

import numpy as np
import pytest

import smallflow as tf
from smallflow.gradient_checker import compute_gradient_error

RNG = np.random.default_rng(12)


def run(fetches):
    with tf.Session() as sess:
        return sess.run(fetches)


def _pad_same(x, kernel, strides, fill=0.0):
    pads = []
    for size, k, s in zip(x.shape[1:4], kernel, strides):
        n = -(-size // s)
        total = max((n - 1) * s + k - size, 0)
        pads.append((total // 2, total - total // 2))
    return np.pad(x, [(0, 0), *pads, (0, 0)], constant_values=fill)


def _windows(x, kernel, strides):
    out = [(size - k) // s + 1 for size, k, s in zip(x.shape[1:4], kernel, strides)]
    for i in range(out[0]):
        for j in range(out[1]):
            for k in range(out[2]):
                d, h, w = i * strides[0], j * strides[1], k * strides[2]
                yield (i, j, k), x[:, d:d + kernel[0], h:h + kernel[1], w:w + kernel[2], :]


def _out_shape(x, kernel, strides):
    return [(size - k) // s + 1 for size, k, s in zip(x.shape[1:4], kernel, strides)]


@pytest.mark.parametrize(("padding", "strides"), [("VALID", [1, 1, 1]), ("SAME", [2, 1, 2])])
def test_conv3d_matches_loops(padding, strides):
    x = RNG.normal(size=(2, 4, 5, 3, 2))
    w = RNG.normal(size=(2, 3, 2, 2, 3))
    result = run(tf.nn.conv3d(x, w, [1, *strides, 1], padding))
    source = _pad_same(x, w.shape[:3], strides) if padding == "SAME" else x
    expected = np.zeros((2, *_out_shape(source, w.shape[:3], strides), 3))
    for (i, j, k), window in _windows(source, w.shape[:3], strides):
        expected[:, i, j, k] = np.tensordot(window, w, axes=([1, 2, 3, 4], [0, 1, 2, 3]))
    np.testing.assert_allclose(result, expected, rtol=1e-10)


@pytest.mark.parametrize("padding", ["VALID", "SAME"])
def test_pool3d_matches_loops(padding):
    x = RNG.normal(size=(1, 3, 4, 5, 2)).astype(np.float32)
    kernel, strides = [2, 2, 2], [1, 2, 2]
    maximum = run(tf.nn.max_pool3d(x, [1, *kernel, 1], [1, *strides, 1], padding))
    mean = run(tf.nn.avg_pool3d(x, [1, *kernel, 1], [1, *strides, 1], padding))
    source = _pad_same(x, kernel, strides, np.nan) if padding == "SAME" else x
    shape = _out_shape(source, kernel, strides)
    expected_max = np.zeros((1, *shape, 2))
    expected_mean = np.zeros((1, *shape, 2))
    for (i, j, k), window in _windows(source, kernel, strides):
        expected_max[:, i, j, k] = np.nanmax(window, axis=(1, 2, 3))
        expected_mean[:, i, j, k] = np.nanmean(window, axis=(1, 2, 3))
    np.testing.assert_allclose(maximum, expected_max)
    np.testing.assert_allclose(mean, expected_mean, rtol=1e-6)


def test_pool3d_refuses_float64_as_tensorflow():
    with pytest.raises(TypeError, match="float64 not in list of allowed values"):
        tf.nn.max_pool3d(np.zeros((1, 2, 2, 2, 1)), [1, 1, 1, 1, 1], [1, 1, 1, 1, 1], "VALID")


def test_conv3d_transpose_is_the_adjoint_of_conv3d():
    x = RNG.normal(size=(1, 4, 4, 4, 2))
    w = RNG.normal(size=(3, 3, 3, 2, 3))
    y = RNG.normal(size=(1, 2, 2, 2, 3))
    forward = run(tf.nn.conv3d(x, w, [1, 2, 2, 2, 1], "SAME"))
    backward = run(tf.nn.conv3d_transpose(y, w, [1, 4, 4, 4, 2], [1, 2, 2, 2, 1], "SAME"))
    # <conv(x), y> == <x, conv^T(y)>
    assert np.sum(forward * y) == pytest.approx(np.sum(x * backward), rel=1e-10)


# Pools exist in float32 only (as in TensorFlow): piecewise linear, so a large step is exact
# up to float32 rounding.
GRADIENT_CASES = [("conv3d", tf.float64, 1e-3, 1e-6), ("max_pool3d", tf.float32, 1e-2, 1e-3),
                  ("avg_pool3d", tf.float32, 1e-2, 1e-3)]


@pytest.mark.parametrize(("op", "dtype", "delta", "tolerance"), GRADIENT_CASES,
                         ids=[c[0] for c in GRADIENT_CASES])
def test_gradients_are_numerically_right(op, dtype, delta, tolerance):
    x = tf.placeholder(dtype, [1, 3, 3, 3, 2])
    if op == "conv3d":
        y = tf.nn.conv3d(x, tf.constant(RNG.normal(size=(2, 2, 2, 2, 2))), [1, 1, 1, 1, 1],
                         "SAME")
    else:
        y = getattr(tf.nn, op)(x, [1, 2, 2, 2, 1], [1, 1, 1, 1, 1], "VALID")
    init = (RNG.permutation(54).reshape(1, 3, 3, 3, 2) * 0.1).astype(dtype.as_numpy_dtype)
    error = compute_gradient_error(x, [1, 3, 3, 3, 2], y, y.shape.as_list(), x_init_value=init,
                                   delta=delta)
    assert error < tolerance
