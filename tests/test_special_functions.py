"""Incomplete gamma/beta, Hurwitz zeta, inverse error functions and modified Bessel
functions against SciPy (a test-only dependency), their domains, and their gradients."""

import numpy as np
import pytest
import scipy.special as sp

import smallflow as tf
from smallflow.gradient_checker import compute_gradient

A = np.array([0.5, 1.0, 3.0, 10.0, 0.1, 50.0, 7.0])
X = np.array([0.2, 1.0, 2.5, 12.0, 5.0, 45.0, 0.0])
P = np.array([1e-12, 0.01, 0.5, 0.9, 1 - 1e-9])
B = np.array([-30.0, -1.0, 0.0, 2.0, 14.0, 16.0, 100.0])


def run(fetches):
    with tf.Session() as sess:
        return sess.run(fetches)


CASES = [
    ("igamma", lambda: tf.igamma(A, X), lambda: sp.gammainc(A, X)),
    ("igammac", lambda: tf.math.igammac(A, X), lambda: sp.gammaincc(A, X)),
    ("igamma_domain", lambda: tf.igamma([-1.0, 1.0], [1.0, -1.0]), lambda: [np.nan, np.nan]),
    ("zeta", lambda: tf.zeta(A + 1.5, X + 0.5), lambda: sp.zeta(A + 1.5, X + 0.5)),
    ("zeta_at_one", lambda: tf.zeta([1.0, 0.5], [2.0, 2.0]), lambda: [np.inf, np.nan]),
    ("betainc", lambda: tf.betainc(A, A[::-1], X / 50.1),
     lambda: sp.betainc(A, A[::-1], X / 50.1)),
    ("erfinv", lambda: tf.math.erfinv(np.linspace(-0.999, 0.999, 9)),
     lambda: sp.erfinv(np.linspace(-0.999, 0.999, 9))),
    ("ndtri", lambda: tf.math.ndtri(P), lambda: sp.ndtri(P)),
    ("erfcinv", lambda: tf.math.erfcinv(np.array([0.1, 1.0, 1.9])),
     lambda: sp.erfcinv([0.1, 1.0, 1.9])),
    ("bessel_i0e", lambda: tf.math.bessel_i0e(B), lambda: sp.i0e(B)),
    ("bessel_i1e", lambda: tf.math.bessel_i1e(B), lambda: sp.i1e(B)),
    ("bessel_i0", lambda: tf.math.bessel_i0(B[1:5]), lambda: sp.i0(B[1:5])),
    ("bessel_i1", lambda: tf.math.bessel_i1(B[1:5]), lambda: sp.i1(B[1:5])),
]


@pytest.mark.parametrize(("name", "build", "expected"), CASES, ids=[c[0] for c in CASES])
def test_special_function_matches_scipy(name, build, expected):
    np.testing.assert_allclose(run(build()), expected(), rtol=1e-8, atol=1e-300)


def test_float32_inputs_give_float32():
    out = run(tf.igamma(np.float32([2.0]), np.float32([1.0])))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, sp.gammainc(2.0, 1.0), rtol=1e-6)


GRADIENTS = [
    ("igamma_a", lambda v: tf.igamma(v, tf.constant([1.5, 2.0, 4.0], tf.float64))),
    ("igamma_x", lambda v: tf.igamma(tf.constant([1.5, 2.0, 4.0], tf.float64), v)),
    ("igammac_a", lambda v: tf.igammac(v, tf.constant([1.5, 2.0, 4.0], tf.float64))),
    ("zeta_q", lambda v: tf.zeta(tf.constant([2.0, 3.0, 4.5], tf.float64), v)),
    ("betainc_x", lambda v: tf.betainc(tf.constant([2.0, 1.5, 0.5], tf.float64),
                                       tf.constant([3.0, 1.0, 2.0], tf.float64), v / 3.0)),
    ("erfinv", lambda v: tf.math.erfinv(v / 3.0)),
    ("ndtri", lambda v: tf.math.ndtri(v / 3.0)),
    ("bessel_i0e", lambda v: tf.math.bessel_i0e(v - 1.0)),
    ("bessel_i1e", lambda v: tf.math.bessel_i1e(v - 1.0)),
]


@pytest.mark.parametrize(("name", "fn"), GRADIENTS, ids=[g[0] for g in GRADIENTS])
def test_gradients_match_numeric_jacobians(name, fn):
    v = tf.placeholder(tf.float64, [3])
    y = fn(v)
    symbolic, numeric = compute_gradient(v, [3], y, [3], x_init_value=np.array([0.7, 1.3, 2.2]))
    assert not np.isnan(symbolic).any()
    np.testing.assert_allclose(symbolic, numeric, rtol=1e-5, atol=1e-7)


def test_zeta_and_betainc_have_no_gradient_for_their_first_arguments():
    x = tf.constant([2.0, 3.0], tf.float64)
    assert tf.gradients(tf.zeta(x, tf.constant([1.0, 2.0], tf.float64)), x) == [None]
    a = tf.constant([2.0], tf.float64)
    assert tf.gradients(tf.betainc(a, a, tf.constant([0.5], tf.float64)), a) == [None]
