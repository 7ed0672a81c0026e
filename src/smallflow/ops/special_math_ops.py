"""Elementwise math beyond arithmetic: trigonometric and hyperbolic functions, erf, lgamma,
digamma, polygamma, softsign, rint, truncated division, atan2. Kernels are NumPy ufuncs
where NumPy has one, else vectorised series written here (no SciPy at run time)."""

import math

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor
from ..op_signature import FLOAT_COMPLEX, FLOATS, INDEX, REAL_ARITHMETIC_TYPES, signature
from ..registry import register_op
from .common import (
    binary_inputs,
    broadcast_shape_fn,
    make_op,
    make_unary,
    same_shape,
)

# TensorFlow 1.15's type lists: the trigonometric and hyperbolic functions take complex
# numbers too; erf, the gamma family, softsign and rint only real floats.
_FLOAT_COMPLEX_UNARY = signature("x: T -> y: T", T=FLOAT_COMPLEX)
_FLOAT_UNARY = signature("x: T -> y: T", T=FLOATS)

# -- kernels NumPy lacks ------------------------------------------------------------------------

_ERF = np.frompyfunc(math.erf, 1, 1)
_ERFC = np.frompyfunc(math.erfc, 1, 1)
def _lgamma_scalar(v):
    if math.isnan(v):
        return v
    if math.isinf(v) or (v <= 0 and v == math.floor(v)):
        return math.inf  # the poles 0, -1, -2, ... and both infinities
    return math.lgamma(v)


_LGAMMA = np.frompyfunc(_lgamma_scalar, 1, 1)


def _via_python(fn):
    def kernel(x):
        x = np.asarray(x)
        return np.asarray(fn(x.astype(np.float64)), dtype=np.float64).astype(x.dtype)

    return kernel


# Bernoulli numbers B_2k for the asymptotic series of the polygamma functions.
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)
_SHIFT = 10.0  # recur until x >= _SHIFT, where eight series terms give double precision


def _digamma64(x):
    x = np.array(x, dtype=np.float64)
    out = np.zeros_like(x)
    poles = (x <= 0) & (x == np.floor(x))
    reflect = x < 0.5
    # psi(x) = psi(1 - x) - pi / tan(pi x) for x < 1/2.
    z = np.where(reflect, 1.0 - x, x)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(reflect, -np.pi / np.tan(np.pi * x), 0.0)
    while True:
        small = z < _SHIFT
        if not small.any():
            break
        out = out - np.where(small, 1.0 / np.where(small, z, 1.0), 0.0)
        z = np.where(small, z + 1.0, z)
    inv2 = 1.0 / (z * z)
    series = 0.0
    power = inv2
    for k, b in enumerate(_BERNOULLI, start=1):
        series = series + b / (2 * k) * power
        power = power * inv2
    out = out + np.log(z) - 0.5 / z - series
    return np.where(poles, np.nan, out)


def _polygamma64(n, x):
    """psi^(n)(x) for integer n >= 1 and x > 0 (NaN elsewhere, as TensorFlow)."""
    n = np.asarray(n, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    n, x = np.broadcast_arrays(n, x)
    out = np.full(x.shape, np.nan)
    valid = (n >= 1) & (n == np.floor(n)) & (x > 0)
    if not valid.any():
        return out
    nv = n[valid]
    z = x[valid].copy()
    sign = np.where(nv % 2 == 1, 1.0, -1.0)  # (-1) ** (n + 1)
    fact = np.array([math.factorial(int(k)) for k in nv])
    total = np.zeros_like(z)
    while True:
        small = z < _SHIFT + nv
        if not small.any():
            break
        total = total + np.where(small, fact / np.where(small, z, 1.0) ** (nv + 1), 0.0)
        z = np.where(small, z + 1.0, z)
    lead = np.array([math.factorial(int(k) - 1) for k in nv])
    series = lead / z**nv + fact / (2 * z ** (nv + 1))
    for k, b in enumerate(_BERNOULLI, start=1):
        coeff = np.array([math.factorial(2 * k + int(m) - 1) for m in nv]) / math.factorial(2 * k)
        series = series + b * coeff / z ** (2 * k + nv)
    out[valid] = sign * (total + series)
    return out


def _float_kernel(fn64):
    def kernel(*args):
        dtype = np.asarray(args[-1]).dtype
        return np.asarray(fn64(*args)).astype(dtype)

    return kernel


def _softsign(x):
    return x / (1 + np.abs(x))


def _check_integer_divisor(x, y):
    used = np.size(x) and np.size(y)  # an empty result divides nothing
    if used and np.issubdtype(np.asarray(x).dtype, np.integer) and np.any(np.asarray(y) == 0):
        raise InvalidArgumentError(None, None, "Integer division by zero")


def _truncate_div(x, y):
    _check_integer_divisor(x, y)
    if np.issubdtype(np.asarray(x).dtype, np.integer):
        quotient = np.trunc(np.true_divide(x, y))
        return quotient.astype(np.asarray(x).dtype)
    return np.trunc(x / y)


def _truncate_mod(x, y):
    _check_integer_divisor(x, y)
    return np.fmod(x, y)


_UNARY = {
    "Sin": np.sin,
    "Cos": np.cos,
    "Tan": np.tan,
    "Asin": np.arcsin,
    "Acos": np.arccos,
    "Atan": np.arctan,
    "Sinh": np.sinh,
    "Cosh": np.cosh,
    "Asinh": np.arcsinh,
    "Acosh": np.arccosh,
    "Atanh": np.arctanh,
    "Expm1": np.expm1,
    "Erf": _via_python(_ERF),
    "Erfc": _via_python(_ERFC),
    "Lgamma": _via_python(_LGAMMA),
    "Digamma": _float_kernel(_digamma64),
    "Softsign": _softsign,
    "Rint": np.rint,
}

register_op("Sin", lambda attrs: _UNARY["Sin"], same_shape,
            signature=_FLOAT_COMPLEX_UNARY)
register_op("Cos", lambda attrs: _UNARY["Cos"], same_shape,
            signature=_FLOAT_COMPLEX_UNARY)
register_op("Tan", lambda attrs: _UNARY["Tan"], same_shape,
            signature=_FLOAT_COMPLEX_UNARY)
register_op("Asin", lambda attrs: _UNARY["Asin"], same_shape,
            signature=_FLOAT_COMPLEX_UNARY)
register_op("Acos", lambda attrs: _UNARY["Acos"], same_shape,
            signature=_FLOAT_COMPLEX_UNARY)
register_op("Atan", lambda attrs: _UNARY["Atan"], same_shape,
            signature=_FLOAT_COMPLEX_UNARY)
register_op("Sinh", lambda attrs: _UNARY["Sinh"], same_shape,
            signature=_FLOAT_COMPLEX_UNARY)
register_op("Cosh", lambda attrs: _UNARY["Cosh"], same_shape,
            signature=_FLOAT_COMPLEX_UNARY)
register_op("Asinh", lambda attrs: _UNARY["Asinh"], same_shape,
            signature=_FLOAT_COMPLEX_UNARY)
register_op("Acosh", lambda attrs: _UNARY["Acosh"], same_shape,
            signature=_FLOAT_COMPLEX_UNARY)
register_op("Atanh", lambda attrs: _UNARY["Atanh"], same_shape,
            signature=_FLOAT_COMPLEX_UNARY)
register_op("Expm1", lambda attrs: _UNARY["Expm1"], same_shape,
            signature=_FLOAT_COMPLEX_UNARY)
def _softsign_grad_kernel(grad, x):
    return (grad / np.square(1 + np.abs(x))).astype(grad.dtype, copy=False)


register_op("Erf", lambda attrs: _UNARY["Erf"], same_shape,
            signature=_FLOAT_UNARY)
register_op("Erfc", lambda attrs: _UNARY["Erfc"], same_shape,
            signature=_FLOAT_UNARY)
register_op("Lgamma", lambda attrs: _UNARY["Lgamma"], same_shape,
            signature=_FLOAT_UNARY)
register_op("Digamma", lambda attrs: _UNARY["Digamma"], same_shape,
            signature=_FLOAT_UNARY)
register_op("Softsign", lambda attrs: _UNARY["Softsign"], same_shape,
            signature=_FLOAT_UNARY)
# Softsign's gradient is its own op, as in TensorFlow, which registers no gradient for it:
# a second derivative of softsign is a LookupError there and here.
register_op("SoftsignGrad", lambda attrs: _softsign_grad_kernel, same_shape,
            signature=signature("gradients: T, features: T -> backprops: T", T=FLOATS))
register_op("Rint", lambda attrs: _UNARY["Rint"], same_shape,
            signature=_FLOAT_UNARY)
register_op("Atan2", lambda attrs: np.arctan2, broadcast_shape_fn,
            signature=signature("y: T, x: T -> z: T", T=FLOATS))
register_op("Polygamma", lambda attrs: _float_kernel(_polygamma64), broadcast_shape_fn,
            signature=signature("a: T, x: T -> z: T", T=(dtypes.float32, dtypes.float64)))
register_op("TruncateDiv", lambda attrs: _truncate_div, broadcast_shape_fn,
            signature=signature("x: T, y: T -> z: T", T=REAL_ARITHMETIC_TYPES))
register_op("TruncateMod", lambda attrs: _truncate_mod, broadcast_shape_fn,
            signature=signature("x: T, y: T -> z: T", T=FLOATS + INDEX))


def _float_unary(op_type, x, name):
    # The op's signature checks the dtype (with TensorFlow's wording) when it is built.
    x = convert_to_tensor(x, name="x")
    return make_unary(op_type, x, name)


def sin(x, name=None):
    return _float_unary("Sin", x, name)


def cos(x, name=None):
    return _float_unary("Cos", x, name)


def tan(x, name=None):
    return _float_unary("Tan", x, name)


def asin(x, name=None):
    return _float_unary("Asin", x, name)


def acos(x, name=None):
    return _float_unary("Acos", x, name)


def atan(x, name=None):
    return _float_unary("Atan", x, name)


def sinh(x, name=None):
    return _float_unary("Sinh", x, name)


def cosh(x, name=None):
    return _float_unary("Cosh", x, name)


def asinh(x, name=None):
    return _float_unary("Asinh", x, name)


def acosh(x, name=None):
    return _float_unary("Acosh", x, name)


def atanh(x, name=None):
    return _float_unary("Atanh", x, name)


def expm1(x, name=None):
    """``exp(x) - 1``, accurate for small ``x``."""
    return _float_unary("Expm1", x, name)


def erf(x, name=None):
    """The Gauss error function."""
    return _float_unary("Erf", x, name)


def erfc(x, name=None):
    """``1 - erf(x)``, accurate for large ``x``."""
    return _float_unary("Erfc", x, name)


def lgamma(x, name=None):
    """``log(|Gamma(x)|)``; ``inf`` at the poles 0, -1, -2, ..."""
    return _float_unary("Lgamma", x, name)


def digamma(x, name=None):
    """``Psi(x)``, the derivative of ``lgamma``."""
    return _float_unary("Digamma", x, name)


def softsign(features, name=None):
    """``features / (abs(features) + 1)``."""
    return _float_unary("Softsign", features, name)


def rint(x, name=None):
    """The nearest integer, halves to even."""
    return _float_unary("Rint", x, name)


def atan2(y, x, name=None):
    """The angle of the point ``(x, y)``, elementwise, in ``[-pi, pi]``."""
    y, x = binary_inputs("Atan2", y, x)
    return make_op("Atan2", [y, x], [y.dtype], None, name).outputs[0]


def polygamma(a, x, name=None):
    """The ``a``-th derivative of ``digamma`` at ``x`` (``a`` an integer >= 1 as a float)."""
    a, x = binary_inputs("Polygamma", a, x)
    return make_op("Polygamma", [a, x], [x.dtype], None, name).outputs[0]


def truncatediv(x, y, name=None):
    """Division rounding towards zero (C's ``/`` for integers)."""
    x, y = binary_inputs("TruncateDiv", x, y)
    return make_op("TruncateDiv", [x, y], [x.dtype], None, name).outputs[0]


def truncatemod(x, y, name=None):
    """The remainder of ``truncatediv``: it has the sign of ``x`` (C's ``fmod``)."""
    x, y = binary_inputs("TruncateMod", x, y)
    return make_op("TruncateMod", [x, y], [x.dtype], None, name).outputs[0]
