"""The normal distribution's CDF and its logarithm in TensorFlow's formulation
(``ndtr`` through erf/erfc by region; ``log_ndtr`` with an asymptotic series far in the
lower tail, where ``log(ndtr(x))`` would underflow)."""

import math

import numpy as np

from .. import dtypes
from ..graph import convert_to_tensor, name_scope
from ..ops import array_ops, math_ops, special_math_ops

__all__ = ["log_ndtr", "ndtr"]

# Where log_ndtr switches method, per dtype (TensorFlow's constants).
_LOWER = {dtypes.float64: -20.0, dtypes.float32: -10.0}
_UPPER = {dtypes.float64: 8.0, dtypes.float32: 5.0}


def ndtr(x, name="ndtr"):
    """P(Z <= x) for a standard normal Z."""
    with name_scope(name):
        x = convert_to_tensor(x, name="x")
        half_sqrt_2 = array_ops.constant(0.5 * math.sqrt(2.0), dtype=x.dtype,
                                         name="half_sqrt_2")
        w = x * half_sqrt_2
        z = math_ops.abs(w)
        erfc_z = special_math_ops.erfc(z)
        y = array_ops.where(math_ops.less(z, half_sqrt_2), 1.0 + special_math_ops.erf(w),
                            array_ops.where(math_ops.greater(w, 0.0), 2.0 - erfc_z, erfc_z))
        return 0.5 * y


def _double_factorial(n):
    return int(np.prod(np.arange(n, 1, -2))) if n > 1 else 1


def _asymptotic_series(x, order):
    x_2 = math_ops.square(x)
    even, odd = 0.0, 0.0
    x_2n = x_2
    for n in range(1, order + 1):
        term = _double_factorial(2 * n - 1) / x_2n
        if n % 2:
            odd = odd + term
        else:
            even = even + term
        x_2n = x_2n * x_2
    return 1.0 + even - odd


def log_ndtr(x, series_order=3, name="log_ndtr"):
    """log P(Z <= x), accurate far into both tails."""
    if not isinstance(series_order, int) or series_order < 0 or series_order > 30:
        raise ValueError("series_order must be a non-negative integer at most 30, got "
                         f"{series_order!r}")
    with name_scope(name):
        x = convert_to_tensor(x, name="x")
        if x.dtype not in _LOWER:
            raise TypeError(f"x.dtype={x.dtype.name} is not supported.")
        lower, upper = _LOWER[x.dtype], _UPPER[x.dtype]
        far = math_ops.minimum(x, lower)
        tail = (-0.5 * math_ops.square(far) - math_ops.log(-far) - 0.5 * math.log(2.0 * math.pi)
                + math_ops.log(_asymptotic_series(far, series_order)))
        return array_ops.where(
            math_ops.greater(x, upper), -ndtr(-x),
            array_ops.where(math_ops.greater(x, lower),
                            math_ops.log(ndtr(math_ops.maximum(x, lower))), tail))
