"""Special math ops against NumPy and SciPy (SciPy is a test-only reference)."""

import numpy as np
import pytest
from scipy import special

import smallflow as tf

RNG = np.random.default_rng(11)


def run(fetches):
    with tf.Session() as sess:
        return sess.run(fetches)


UNARY = [
    (tf.sin, np.sin, (-3, 3)),
    (tf.cos, np.cos, (-3, 3)),
    (tf.tan, np.tan, (-1.2, 1.2)),
    (tf.asin, np.arcsin, (-1, 1)),
    (tf.acos, np.arccos, (-1, 1)),
    (tf.atan, np.arctan, (-5, 5)),
    (tf.sinh, np.sinh, (-3, 3)),
    (tf.cosh, np.cosh, (-3, 3)),
    (tf.asinh, np.arcsinh, (-5, 5)),
    (tf.acosh, np.arccosh, (1, 5)),
    (tf.atanh, np.arctanh, (-0.99, 0.99)),
    (tf.expm1, np.expm1, (-1e-3, 1e-3)),
    (tf.erf, special.erf, (-3, 3)),
    (tf.erfc, special.erfc, (-3, 6)),
    (tf.lgamma, special.gammaln, (0.01, 30)),
    (tf.lgamma, special.gammaln, (-4.9, -0.1)),
    (tf.digamma, special.digamma, (0.01, 30)),
    (tf.digamma, special.digamma, (-4.9, -0.1)),
    (tf.nn.softsign, lambda x: x / (1 + np.abs(x)), (-4, 4)),
    (tf.rint, np.rint, (-4, 4)),
]


@pytest.mark.parametrize(("tf_fn", "reference", "domain"), UNARY,
                         ids=lambda v: getattr(v, "__name__", str(v)))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unary_matches_reference_and_keeps_dtype(tf_fn, reference, domain, dtype):
    x = RNG.uniform(*domain, size=(4, 5)).astype(dtype)
    result = run(tf_fn(tf.constant(x)))
    assert result.dtype == dtype
    tolerance = 2e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(result, reference(x.astype(np.float64)), rtol=tolerance * 10,
                               atol=tolerance)


def test_gamma_family_at_poles():
    values = run([tf.lgamma([0.0, -1.0, -2.0]), tf.digamma([0.0, -1.0])])
    assert np.all(np.isinf(values[0]))
    assert np.all(np.isnan(values[1]))


@pytest.mark.parametrize("order", [1, 2, 3])
def test_polygamma_matches_scipy(order):
    x = RNG.uniform(0.05, 20, size=10)
    result = run(tf.polygamma(tf.constant(float(order), tf.float64), tf.constant(x)))
    np.testing.assert_allclose(result, special.polygamma(order, x), rtol=1e-10)


def test_polygamma_outside_its_domain_is_nan():
    assert np.isnan(run(tf.polygamma(1.5, tf.constant([1.0])))).all()


BINARY = [
    (tf.atan2, np.arctan2, [[1.0, -1.0], [0.5, -2.0]], [[2.0, -3.0], [-0.5, 0.0]]),
    (tf.truncatediv, lambda a, b: np.trunc(a / b), [7.0, -7.0, 7.5], [2.0, 2.0, -2.0]),
    (tf.truncatemod, np.fmod, [7.0, -7.0, 7.5], [2.0, 2.0, -2.0]),
]


@pytest.mark.parametrize(("tf_fn", "reference", "a", "b"), BINARY,
                         ids=lambda v: getattr(v, "__name__", ""))
def test_binary_matches_reference(tf_fn, reference, a, b):
    result = run(tf_fn(tf.constant(a), tf.constant(b)))
    np.testing.assert_allclose(result, reference(np.array(a, np.float32), np.array(b, np.float32)),
                               rtol=1e-6)


def test_integer_truncated_division_rounds_towards_zero():
    a = tf.constant([7, -7, 7, -7])
    b = tf.constant([2, 2, -2, -2])
    assert run(tf.truncatediv(a, b)).tolist() == [3, -3, -3, 3]
    assert run(tf.truncatemod(a, b)).tolist() == [1, -1, 1, -1]
    assert run(tf.floordiv(a, b)).tolist() == [3, -4, -4, 3]


def test_trigonometry_refuses_integers():
    with pytest.raises(TypeError, match="int32 not in list of allowed values"):
        tf.sin(tf.constant([1, 2]))
