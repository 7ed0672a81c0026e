"""Special functions: regularized incomplete gamma (``igamma``, ``igammac``) and beta
(``betainc``), Hurwitz ``zeta``, ``erfinv``/``ndtri``/``erfcinv`` and the modified Bessel
functions ``bessel_i0``/``i0e``/``i1``/``i1e``, with TensorFlow's gradients.

Kernels are float64 NumPy: series and continued fractions (Numerical Recipes' forms),
Cephes' Euler-Maclaurin sum for zeta, NumPy's ``i0`` and asymptotic expansions for the
Bessel functions, a rational first guess polished by Newton steps for the inverse error
function. SciPy stays a test-only reference. Outside a function's domain the result is NaN,
as in TensorFlow.
"""

import math

import numpy as np

from .. import dtypes
from ..graph import convert_to_tensor, name_scope
from ..op_signature import FLOATS, signature
from ..registry import NotDifferentiable, RegisterGradient, register_op
from . import array_ops, math_ops, special_math_ops
from .array_ops import reduce_to_shape_of, where_v2
from .common import binary_inputs, broadcast_shape_fn, make_op, same_shape

__all__ = ["bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e", "betainc", "erfcinv", "erfinv",
           "igamma", "igammac", "ndtri", "zeta"]

_TINY = 1e-300
_EPS = 1e-16
_LGAMMA = np.vectorize(lambda v: math.lgamma(v) if v > 0 else math.inf, otypes=[np.float64])
_ERF = np.vectorize(math.erf, otypes=[np.float64])
_ERFC = np.vectorize(math.erfc, otypes=[np.float64])


def _float64_kernel(fn):
    """A kernel computing ``fn`` in float64 on broadcast inputs, returning the input dtype."""

    def kernel(*args):
        dtype = np.result_type(*args)
        wide = [np.asarray(a, dtype=np.float64) for a in args]
        wide = np.broadcast_arrays(*wide)
        with np.errstate(all="ignore"):
            return np.asarray(fn(*wide)).astype(dtype)

    return lambda attrs: kernel


# -- incomplete gamma ----------------------------------------------------------------------------


def _incomplete_gamma(a, x):
    """``(P, Q)``: the regularized lower and upper incomplete gamma functions."""
    lower = np.full(a.shape, np.nan)
    upper = np.full(a.shape, np.nan)
    valid = (a > 0) & (x >= 0)
    log_front = -x + a * np.log(np.where(x > 0, x, 1.0)) - _LGAMMA(np.where(a > 0, a, 1.0))
    series = valid & (x < a + 1)
    if series.any():
        aa, xx = a[series], x[series]
        term = 1.0 / aa
        total = term.copy()
        shift = aa.copy()
        for _ in range(2000):
            shift += 1.0
            term *= xx / shift
            total += term
            if np.all(np.abs(term) < np.abs(total) * _EPS):
                break
        p = total * np.exp(log_front[series])
        lower[series], upper[series] = p, 1.0 - p
    fraction = valid & ~series
    if fraction.any():
        aa, xx = a[fraction], x[fraction]
        b = xx + 1.0 - aa
        c = np.full(aa.shape, 1.0 / _TINY)
        d = 1.0 / b
        h = d.copy()
        for i in range(1, 2000):
            an = -i * (i - aa)
            b = b + 2.0
            d = an * d + b
            d = np.where(np.abs(d) < _TINY, _TINY, d)
            c = b + an / c
            c = np.where(np.abs(c) < _TINY, _TINY, c)
            d = 1.0 / d
            delta = d * c
            h *= delta
            if np.all(np.abs(delta - 1.0) < _EPS):
                break
        q = np.exp(log_front[fraction]) * h
        lower[fraction], upper[fraction] = 1.0 - q, q
    zero = valid & (x == 0)
    lower[zero], upper[zero] = 0.0, 1.0
    infinite = valid & np.isinf(x)
    lower[infinite], upper[infinite] = 1.0, 0.0
    return lower, upper


def _igamma(a, x):
    return _incomplete_gamma(a, x)[0]


def _igammac(a, x):
    return _incomplete_gamma(a, x)[1]


def _igamma_grad_a(a, x):
    # d P / d a by Richardson-extrapolated central differences (TensorFlow differentiates
    # its series; both are accurate to ~1e-10 relative).
    step = 1e-3 * np.maximum(1.0, np.abs(a))

    def central(h):
        return (_igamma(a + h, x) - _igamma(a - h, x)) / (2.0 * h)

    return (4.0 * central(step / 2.0) - central(step)) / 3.0


# -- incomplete beta -------------------------------------------------------------------------------


def _beta_fraction(a, b, x):
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = np.ones(a.shape)
    d = 1.0 - qab * x / qap
    d = 1.0 / np.where(np.abs(d) < _TINY, _TINY, d)
    h = d.copy()
    for m in range(1, 3000):
        m2 = 2.0 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / np.where(np.abs(d) < _TINY, _TINY, d)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) < _TINY, _TINY, c)
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / np.where(np.abs(d) < _TINY, _TINY, d)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) < _TINY, _TINY, c)
        delta = d * c
        h *= delta
        if np.all(np.abs(delta - 1.0) < _EPS):
            break
    return h


def _betainc(a, b, x):
    out = np.full(a.shape, np.nan)
    valid = (a > 0) & (b > 0) & (x >= 0) & (x <= 1)
    inner = valid & (x > 0) & (x < 1)
    if inner.any():
        aa, bb, xx = a[inner], b[inner], x[inner]
        log_front = (_LGAMMA(aa + bb) - _LGAMMA(aa) - _LGAMMA(bb) + aa * np.log(xx)
                     + bb * np.log1p(-xx))
        front = np.exp(log_front)
        direct = xx < (aa + 1.0) / (aa + bb + 2.0)
        result = np.empty(aa.shape)
        if direct.any():
            result[direct] = front[direct] * _beta_fraction(
                aa[direct], bb[direct], xx[direct]) / aa[direct]
        mirror = ~direct
        if mirror.any():
            result[mirror] = 1.0 - front[mirror] * _beta_fraction(
                bb[mirror], aa[mirror], 1.0 - xx[mirror]) / bb[mirror]
        out[inner] = result
    out[valid & (x == 0)] = 0.0
    out[valid & (x == 1)] = 1.0
    return out


# -- Hurwitz zeta ----------------------------------------------------------------------------------

_ZETA_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9,
           7.47242496e10, -2.950130727918164224e12, 1.1646782814350067249e14,
           -4.5979787224074726105e15, 1.8152105401943546773e17, -7.1661652561756670113e18)


def _zeta(x, q):
    """``sum_k (k + q) ** -x`` (Cephes' Euler-Maclaurin summation)."""
    out = np.full(x.shape, np.nan)
    out[x == 1] = np.inf
    # At a pole (q a non-positive integer) Eigen, TensorFlow's kernel, gives +inf for even
    # integer x and NaN otherwise.
    pole = (x > 1) & (q <= 0) & (q == np.floor(q))
    out[pole & (x == np.floor(x)) & (np.fmod(x, 2.0) == 0)] = np.inf
    good = (x > 1) & ~((q <= 0) & (q == np.floor(q)))
    good &= ~((q < 0) & (x != np.floor(x)))  # a negative q needs an integer x
    if not good.any():
        return out
    xx, qq = x[good], q[good]
    total = np.power(qq, -xx)
    a = qq.copy()
    b = np.zeros_like(qq)
    count = 0
    # Sum directly until a > 9 (and at least nine terms), then add the asymptotic tail.
    while count < 9 or np.any(a <= 9.0):
        grow = (a <= 9.0) | (count < 9)
        a = np.where(grow, a + 1.0, a)
        b = np.where(grow, np.power(a, -xx), b)
        total = np.where(grow, total + b, total)
        count += 1
    w = a
    total += b * w / (xx - 1.0) - 0.5 * b
    factor = np.ones_like(xx)
    k = 0.0
    for coefficient in _ZETA_A:
        factor = factor * (xx + k)
        b = b / w
        term = factor * b / coefficient
        total += term
        k += 1.0
        factor = factor * (xx + k)
        b = b / w
        k += 1.0
    out[good] = total
    return out


# -- inverse error function ------------------------------------------------------------------------


def _erfinv(y):
    out = np.full(y.shape, np.nan)
    out[y == 1] = np.inf
    out[y == -1] = -np.inf
    inside = np.abs(y) < 1
    if not inside.any():
        return out
    v = y[inside]
    # Giles' single-precision approximation, then Newton steps on erf.
    w = -np.log((1.0 - v) * (1.0 + v))
    small = w < 5.0
    ws = w - 2.5
    p_small = 2.81022636e-08
    for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
              -0.00417768164, 0.246640727, 1.50140941):
        p_small = c + p_small * ws
    wl = np.sqrt(np.maximum(w, 5.0)) - 3.0
    p_large = -0.000200214257
    for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
              0.00943887047, 1.00167406, 2.83297682):
        p_large = c + p_large * wl
    x = np.where(small, p_small, p_large) * v
    for _ in range(3):
        error = _ERF(x) - v
        x = x - error / (2.0 / np.sqrt(np.pi) * np.exp(-x * x))
    out[inside] = x
    return out


def _ndtri(p):
    out = np.full(p.shape, np.nan)
    out[p == 0] = -np.inf
    out[p == 1] = np.inf
    inside = (p > 0) & (p < 1)
    if not inside.any():
        return out
    pp = p[inside]
    x = np.sqrt(2.0) * _erfinv(2.0 * pp - 1.0)
    x = np.where(np.isfinite(x), x, np.sign(pp - 0.5) * 38.0)
    # Newton on the normal CDF written with erfc, accurate in both tails.
    for _ in range(4):
        cdf = 0.5 * _ERFC(-x / np.sqrt(2.0))
        density = np.exp(-0.5 * x * x) / np.sqrt(2.0 * np.pi)
        x = x - (cdf - pp) / np.maximum(density, _TINY)
    out[inside] = x
    return out


# -- modified Bessel functions ---------------------------------------------------------------------


def _bessel_asymptotic(order, x):
    """``exp(-x) I_order(x)`` for large positive x (the asymptotic series)."""
    mu = 4.0 * order * order
    term = np.ones_like(x)
    total = np.ones_like(x)
    for k in range(1, 30):
        term = -term * (mu - (2 * k - 1) ** 2) / (k * 8.0 * x)
        total += term
    return total / np.sqrt(2.0 * np.pi * x)


def _i1_series(x):
    half = x / 2.0
    term = half.copy()
    total = term.copy()
    for k in range(1, 80):
        term = term * half * half / (k * (k + 1))
        total += term
    return total


def _bessel_i0e(x):
    ax = np.abs(x)
    near = ax <= 15.0
    out = np.empty_like(ax)
    out[near] = np.i0(ax[near]) * np.exp(-ax[near])
    out[~near] = _bessel_asymptotic(0, ax[~near])
    return out


def _bessel_i1e(x):
    ax = np.abs(x)
    near = ax <= 15.0
    out = np.empty_like(ax)
    out[near] = _i1_series(ax[near]) * np.exp(-ax[near])
    out[~near] = _bessel_asymptotic(1, ax[~near])
    return np.sign(x) * out


_UNARY = {"Erfinv": _erfinv, "Ndtri": _ndtri, "BesselI0e": _bessel_i0e,
          "BesselI1e": _bessel_i1e}
for _op_type, _fn in _UNARY.items():
    register_op(_op_type, _float64_kernel(_fn), same_shape,
                signature=signature("x: T -> y: T", T=FLOATS))
_BINARY = {"Igamma": _igamma, "Igammac": _igammac, "IgammaGradA": _igamma_grad_a,
           "Zeta": _zeta}
for _op_type, _fn in _BINARY.items():
    register_op(_op_type, _float64_kernel(_fn), broadcast_shape_fn,
                signature=signature("a: T, x: T -> z: T",
                                    T=(dtypes.float32, dtypes.float64)))
register_op("Betainc", _float64_kernel(_betainc), lambda op: [op.inputs[2].shape],
            signature=signature("a: T, b: T, x: T -> z: T", T=(dtypes.float32, dtypes.float64)))


def _unary(op_type, x, name):
    x = convert_to_tensor(x, name="x")
    return make_op(op_type, [x], [x.dtype], None, name).outputs[0]


def _binary(op_type, a, x, name):
    a, x = binary_inputs(op_type, a, x)
    return make_op(op_type, [a, x], [a.dtype], None, name).outputs[0]


def igamma(a, x, name=None):
    """The regularized lower incomplete gamma function ``P(a, x)``."""
    return _binary("Igamma", a, x, name)


def igammac(a, x, name=None):
    """The regularized upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``."""
    return _binary("Igammac", a, x, name)


def zeta(x, q, name=None):
    """The Hurwitz zeta function ``sum_k (k + q) ** -x``."""
    return _binary("Zeta", x, q, name)


def betainc(a, b, x, name=None):
    """The regularized incomplete beta function ``I_x(a, b)``; a, b, x of one shape (or
    scalars)."""
    x = convert_to_tensor(x, name="x")
    a = convert_to_tensor(a, dtype=x.dtype, name="a")
    b = convert_to_tensor(b, dtype=x.dtype, name="b")
    shapes = [t.shape for t in (a, b, x) if t.shape.ndims]
    for shape in shapes[1:]:
        if not shape.is_compatible_with(shapes[0]):
            raise ValueError(f"Shapes of a, b and x are inconsistent: {a.shape} vs. {b.shape} "
                             f"vs. {x.shape}")
    op = make_op("Betainc", [a, b, x], [x.dtype], None, name)
    if shapes:
        op.outputs[0].set_shape(shapes[0])
    return op.outputs[0]


def erfinv(x, name=None):
    """The inverse error function (``±inf`` at ±1, NaN outside)."""
    return _unary("Erfinv", x, name)


def ndtri(x, name=None):
    """The inverse of the standard normal CDF."""
    return _unary("Ndtri", x, name)


def erfcinv(x, name=None):
    """The inverse complementary error function: ``-ndtri(x / 2) / sqrt(2)``."""
    with name_scope(name or "erfcinv"):
        x = convert_to_tensor(x, name="x")
        return -ndtri(x * 0.5) * np.asarray(1.0 / np.sqrt(2.0), x.dtype.as_numpy_dtype)


def bessel_i0e(x, name=None):
    """``exp(-|x|) I0(x)``."""
    return _unary("BesselI0e", x, name)


def bessel_i1e(x, name=None):
    """``exp(-|x|) I1(x)``."""
    return _unary("BesselI1e", x, name)


def bessel_i0(x, name=None):
    """The modified Bessel function ``I0(x)`` (``exp(|x|) * bessel_i0e``)."""
    with name_scope(name or "bessel_i0"):
        x = convert_to_tensor(x, name="x")
        return math_ops.exp(math_ops.abs(x)) * bessel_i0e(x)


def bessel_i1(x, name=None):
    """The modified Bessel function ``I1(x)``."""
    with name_scope(name or "bessel_i1"):
        x = convert_to_tensor(x, name="x")
        return math_ops.exp(math_ops.abs(x)) * bessel_i1e(x)


# -- gradients -------------------------------------------------------------------------------------


def _gamma_density(a, x):
    # d P(a, x) / dx = exp(-x) x^(a - 1) / Gamma(a)
    return math_ops.exp(-x + (a - 1.0) * math_ops.log(x) - special_math_ops.lgamma(a))


@RegisterGradient("Igamma")
def _igamma_grad(op, grad):
    a, x = op.inputs
    grad_a = grad * make_op("IgammaGradA", [a, x], [a.dtype]).outputs[0]
    grad_x = grad * _gamma_density(a, x)
    return reduce_to_shape_of(grad_a, a), reduce_to_shape_of(grad_x, x)


@RegisterGradient("Igammac")
def _igammac_grad(op, grad):
    grad_a, grad_x = _igamma_grad(op, grad)
    return -grad_a, -grad_x


@RegisterGradient("Zeta")
def _zeta_grad(op, grad):
    # Only q gets a gradient, as in TensorFlow: d zeta(x, q) / dq = -x zeta(x + 1, q).
    x, q = op.inputs
    partial = grad * -x * zeta(x + 1.0, q)
    return None, reduce_to_shape_of(partial, q)


@RegisterGradient("Betainc")
def _betainc_grad(op, grad):
    # Only x gets a gradient, as in TensorFlow: x^(a-1) (1-x)^(b-1) / B(a, b).
    a, b, x = op.inputs
    lgamma = special_math_ops.lgamma
    log_beta = lgamma(a) + lgamma(b) - lgamma(a + b)
    density = math_ops.exp((a - 1.0) * math_ops.log(x) + (b - 1.0) * math_ops.log1p(-x)
                           - log_beta)
    return None, None, reduce_to_shape_of(grad * density, x)


@RegisterGradient("Erfinv")
def _erfinv_grad(op, grad):
    y = op.outputs[0]
    return grad * (np.sqrt(np.pi) / 2.0) * math_ops.exp(math_ops.square(y))


@RegisterGradient("Ndtri")
def _ndtri_grad(op, grad):
    y = op.outputs[0]
    return grad * np.sqrt(2.0 * np.pi) * math_ops.exp(math_ops.square(y) / 2.0)


@RegisterGradient("BesselI0e")
def _bessel_i0e_grad(op, grad):
    x, y = op.inputs[0], op.outputs[0]
    return grad * (bessel_i1e(x) - math_ops.sign(x) * y)


@RegisterGradient("BesselI1e")
def _bessel_i1e_grad(op, grad):
    x, y = op.inputs[0], op.outputs[0]
    # d/dx i1e = i0e - i1e (sign(x) + 1/x); at 0 the limit is 1/2.
    safe = where_v2(math_ops.equal(x, 0.0), array_ops.ones_like(x), x)
    slope = bessel_i0e(x) - y * (math_ops.sign(x) + math_ops.reciprocal(safe))
    limit = where_v2(math_ops.equal(x, 0.0), 0.5 * array_ops.ones_like(x), slope)
    return grad * limit


NotDifferentiable("IgammaGradA")
