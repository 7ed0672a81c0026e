"""Complex numbers and FFTs: values against NumPy, dtypes as TensorFlow 1.15, gradients
against numeric differences (TensorFlow's convention: dL/dRe + i dL/dIm)."""

import numpy as np
import pytest

import smallflow as tf

RS = np.random.RandomState(0)
X = RS.randn(3, 8)
Y = RS.randn(3, 8)
Z = (X + 1j * Y).astype(np.complex64)


def _run(fetches):
    with tf.Session() as sess:
        return sess.run(fetches)


@pytest.mark.parametrize(
    ("build", "reference", "dtype"),
    [
        (lambda z: tf.real(z), np.real(Z), tf.float32),
        (lambda z: tf.imag(z), np.imag(Z), tf.float32),
        (lambda z: tf.conj(z), np.conj(Z), tf.complex64),
        (lambda z: tf.angle(z), np.angle(Z), tf.float32),
        (lambda z: tf.abs(z), np.abs(Z), tf.float32),
        (lambda z: tf.matmul(z, z, transpose_b=True), Z @ Z.T, tf.complex64),
        (lambda z: tf.fft(z), np.fft.fft(Z), tf.complex64),
        (lambda z: tf.ifft(z), np.fft.ifft(Z), tf.complex64),
        (lambda z: tf.spectral.fft2d(z), np.fft.fft2(Z), tf.complex64),
        (lambda z: tf.signal.ifft2d(z), np.fft.ifft2(Z), tf.complex64),
        (lambda z: tf.fft3d(tf.reshape(z, [3, 2, 4])), np.fft.fftn(Z.reshape(3, 2, 4)),
         tf.complex64),
        (lambda z: tf.signal.rfft(tf.real(z)), np.fft.rfft(Z.real), tf.complex64),
        (lambda z: tf.signal.rfft(tf.real(z), [5]), np.fft.rfft(Z.real, 5), tf.complex64),
        (lambda z: tf.signal.rfft(tf.real(z), [12]), np.fft.rfft(Z.real, 12), tf.complex64),
        (lambda z: tf.signal.irfft(z), np.fft.irfft(Z), tf.float32),
        (lambda z: tf.signal.irfft(z, [9]), np.fft.irfft(Z, 9), tf.float32),
        (lambda z: tf.spectral.rfft2d(tf.real(z)), np.fft.rfft2(Z.real), tf.complex64),
        (lambda z: tf.spectral.irfft2d(z, [3, 6]), np.fft.irfft2(Z, (3, 6)), tf.float32),
    ],
)
def test_values_and_dtypes(build, reference, dtype):
    y = build(tf.constant(Z))
    assert y.dtype == dtype
    value = _run(y)
    assert list(value.shape) == y.shape.as_list()
    np.testing.assert_allclose(value, reference, rtol=1e-4, atol=1e-4)


def test_complex_builds_from_parts_with_tensorflows_types():
    assert tf.complex(1.0, 2.0).dtype == tf.complex64
    assert tf.complex(np.float64(1), np.float64(2)).dtype == tf.complex128
    with pytest.raises(TypeError, match="does not match"):
        tf.complex(tf.constant(1.0), tf.constant(1.0, tf.float64))
    with pytest.raises(TypeError, match="not in list of allowed values"):
        tf.complex(1, 2)


def test_real_tensors_pass_through_real_conj_and_get_zero_imag():
    x = tf.constant([-1.0, 2.0])
    assert tf.real(x) is x
    assert tf.conj(x) is x
    imag, angle = _run([tf.imag(x), tf.angle(x)])
    assert imag.tolist() == [0.0, 0.0]
    np.testing.assert_allclose(angle, [np.pi, 0.0])


def test_complex_ffts_refuse_real_input():
    with pytest.raises(TypeError):
        tf.fft(tf.constant([1.0, 2.0]))


def _numeric_grad(loss, x0, eps=1e-3):
    """dL/dx of a real loss of a real float64 array, by central differences."""
    grad = np.zeros_like(x0)
    for index in np.ndindex(*x0.shape):
        step = np.zeros_like(x0)
        step[index] = eps
        grad[index] = (loss(x0 + step) - loss(x0 - step)) / (2 * eps)
    return grad


W = RS.randn(3, 5, 2)


@pytest.mark.parametrize(
    ("name", "forward", "numpy_forward"),
    [
        ("abs", lambda z: tf.abs(z), np.abs),
        ("angle", lambda z: tf.angle(z), np.angle),
        ("conj_real", lambda z: tf.real(tf.conj(z) * z), lambda z: np.real(np.conj(z) * z)),
        ("matmul", lambda z: tf.real(tf.matmul(z, z, transpose_b=True))[:, :1],
         lambda z: np.real(z @ z.T)[:, :1]),
        ("imag", lambda z: tf.imag(z * z), lambda z: np.imag(z * z)),
        ("fft", lambda z: tf.real(tf.fft(z)) + tf.imag(tf.fft(z)),
         lambda z: np.real(np.fft.fft(z)) + np.imag(np.fft.fft(z))),
        ("ifft2d", lambda z: tf.abs(tf.ifft2d(z)), lambda z: np.abs(np.fft.ifft2(z))),
    ],
)
def test_complex_gradients_follow_tensorflows_convention(name, forward, numpy_forward):
    weights = W[..., 0]
    parts = tf.placeholder(tf.float64, [3, 5, 2])
    z = tf.complex(parts[..., 0], parts[..., 1])
    loss = tf.reduce_sum(forward(z) * weights)
    grad = tf.gradients(loss, parts)[0]
    x0 = RS.randn(3, 5, 2)
    with tf.Session() as sess:
        symbolic = sess.run(grad, {parts: x0})

    def numpy_loss(x):
        return float(np.sum(numpy_forward(x[..., 0] + 1j * x[..., 1]) * weights))

    np.testing.assert_allclose(symbolic, _numeric_grad(numpy_loss, x0), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(
    ("forward", "numpy_forward", "shape"),
    [
        (lambda x: tf.abs(tf.signal.rfft(x)), lambda x: np.abs(np.fft.rfft(x)), [2, 6]),
        (lambda x: tf.abs(tf.signal.rfft(x, [4])), lambda x: np.abs(np.fft.rfft(x, 4)), [2, 6]),
        (lambda x: tf.abs(tf.signal.rfft(x, [9])), lambda x: np.abs(np.fft.rfft(x, 9)), [2, 6]),
        (lambda x: tf.abs(tf.signal.rfft2d(x)), lambda x: np.abs(np.fft.rfft2(x)), [2, 3, 4]),
        (lambda x: tf.signal.irfft(tf.complex(x, x)),
         lambda x: np.fft.irfft(x + 1j * x), [2, 5]),
        (lambda x: tf.signal.irfft(tf.complex(x, x), [7]),
         lambda x: np.fft.irfft(x + 1j * x, 7), [2, 5]),
    ],
)
def test_real_fft_gradients(forward, numpy_forward, shape):
    x = tf.placeholder(tf.float32, shape)
    y = forward(x)
    weights = RS.randn(*y.shape.as_list())
    loss = tf.reduce_sum(y * weights.astype(np.float32))
    grad = tf.gradients(loss, x)[0]
    x0 = RS.randn(*shape)
    with tf.Session() as sess:
        symbolic = sess.run(grad, {x: x0})

    def numpy_loss(v):
        return float(np.sum(numpy_forward(v) * weights))

    np.testing.assert_allclose(symbolic, _numeric_grad(numpy_loss, x0), rtol=2e-2, atol=2e-3)
