"""Helpers of the contrib distributions (``tf.contrib.distributions.softplus_inverse``,
``fill_triangular``, ``matrix_diag_transform``, ``reduce_weighted_logsumexp``, ``tridiag``)
and the shape and statistics helpers the distribution families share."""

import numpy as np

from ..graph import control_dependencies, convert_to_tensor, name_scope
from ..ops import array_ops, linalg_ops, math_ops, special_math_ops
from ..ops.math_extra_ops import broadcast_dynamic_shape, broadcast_static_shape

__all__ = ["fill_triangular", "fill_triangular_inverse", "matrix_diag_transform",
           "reduce_weighted_logsumexp", "softplus_inverse", "tridiag"]


def softplus_inverse(x, name=None):
    """``log(exp(x) - 1)``, the inverse of softplus, without overflow for large ``x`` or
    loss of precision for small ``x``."""
    with name_scope(name or "softplus_inverse"):
        x = convert_to_tensor(x, name="x")
        eps = np.finfo(x.dtype.as_numpy_dtype).eps
        # Below exp(log(eps) + 2) the answer is log(x) to machine precision; above
        # -(log(eps) + 2) it is x itself.
        threshold = np.log(eps) + 2.0
        small = math_ops.less(x, np.exp(threshold))
        large = math_ops.greater(x, -threshold)
        safe = array_ops.where(math_ops.logical_or(small, large), array_ops.ones_like(x), x)
        middle = safe + math_ops.log(-special_math_ops.expm1(-safe))
        return array_ops.where(small, math_ops.log(x), array_ops.where(large, x, middle))


def fill_triangular(x, upper=False, name=None):
    """The ``[..., n, n]`` triangular matrix whose ``n(n+1)/2`` entries are the last axis of
    ``x``, laid out as TensorFlow lays them (a lower matrix ends with the vector's first
    entries reversed in its last row)."""
    with name_scope(name or "fill_triangular"):
        x = convert_to_tensor(x, name="x")
        m = x.shape[-1].value if x.shape.ndims else None
        if m is None:
            raise ValueError("fill_triangular needs the size of x's last axis to be known "
                             f"statically, got shape {x.shape}")
        n = int(np.sqrt(0.25 + 2.0 * m) - 0.5)
        if n * (n + 1) // 2 != m:
            raise ValueError(f"Input right-most shape ({m}) does not correspond to a "
                             "triangular matrix.")
        if upper:
            pieces = [x, array_ops.reverse(x[..., n:], axis=[-1])]
        else:
            pieces = [x[..., n:], array_ops.reverse(x, axis=[-1])]
        square = array_ops.reshape(array_ops.concat(pieces, axis=-1),
                                   array_ops.concat([array_ops.shape(x)[:-1], [n, n]], 0))
        if x.shape.ndims is not None:
            square.set_shape(x.shape[:-1].concatenate([n, n]))
        if upper:
            return linalg_ops.matrix_band_part(square, 0, -1)
        return linalg_ops.matrix_band_part(square, -1, 0)


def fill_triangular_inverse(x, upper=False, name=None):
    """The ``n(n+1)/2`` vector ``fill_triangular`` would turn into the triangle of ``x``."""
    with name_scope(name or "fill_triangular_inverse"):
        x = convert_to_tensor(x, name="x")
        n = x.shape[-1].value if x.shape.ndims else None
        if n is None:
            raise ValueError("fill_triangular_inverse needs the size of x's last axis known "
                             f"statically, got shape {x.shape}")
        m = n * (n + 1) // 2
        if upper:
            first = x[..., 0, :]
            rest = x[..., 1:, :]
        else:
            first = array_ops.reverse(x[..., -1, :], axis=[-1])
            rest = x[..., :-1, :]
        # Each remaining row pairs with its mirror image: the triangle's entries fill them.
        folded = rest + array_ops.reverse(array_ops.reverse(rest, axis=[-1]), axis=[-2])
        flat = array_ops.reshape(folded, array_ops.concat(
            [array_ops.shape(x)[:-2], [n * (n - 1)]], 0))
        result = array_ops.concat([first, flat[..., :m - n]], axis=-1)
        if x.shape.ndims is not None:
            result.set_shape(x.shape[:-2].concatenate([m]))
        return result


def matrix_diag_transform(matrix, transform=None, name=None):
    """``matrix`` with ``transform`` applied to its diagonal (e.g. ``tf.exp`` or
    ``tf.nn.softplus`` to make a Cholesky factor's diagonal positive)."""
    with name_scope(name or "matrix_diag_transform"):
        matrix = convert_to_tensor(matrix, name="matrix")
        if transform is None:
            return matrix
        diag = linalg_ops.matrix_diag_part(matrix)
        return linalg_ops.matrix_set_diag(matrix, transform(diag))


def reduce_weighted_logsumexp(logx, w=None, axis=None, keep_dims=False, return_sign=False,
                              name=None):
    """``log(|sum(w * exp(logx))|)`` over ``axis``, computed around the largest term; with
    ``return_sign`` also the sign of the sum."""
    with name_scope(name or "reduce_weighted_logsumexp"):
        logx = convert_to_tensor(logx, name="logx")
        if w is None:
            result = math_ops.reduce_logsumexp(logx, axis=axis, keepdims=keep_dims)
            if return_sign:
                return result, array_ops.ones_like(result)
            return result
        w = convert_to_tensor(w, dtype=logx.dtype, name="w")
        log_terms = logx + math_ops.log(math_ops.abs(w))
        biggest = math_ops.reduce_max(log_terms, axis=axis, keepdims=True)
        # An all -inf (or +inf) slice would give inf - inf: use no shift there.
        biggest = array_ops.where(math_ops.is_inf(biggest), array_ops.zeros_like(biggest),
                                  biggest)
        scaled = math_ops.sign(w) * math_ops.exp(log_terms - biggest)
        total = math_ops.reduce_sum(scaled, axis=axis, keepdims=keep_dims)
        if not keep_dims:
            biggest = (array_ops.reshape(biggest, []) if axis is None
                       else array_ops.squeeze(biggest, axis if isinstance(axis, (list, tuple))
                                              else [axis]))
        sign = math_ops.sign(total)
        result = biggest + math_ops.log(sign * total)
        return (result, sign) if return_sign else result


def tridiag(below=None, diag=None, above=None, name=None):
    """The ``[..., n, n]`` tridiagonal matrix with ``below``, ``diag`` and ``above`` on its
    sub-, main and super-diagonals (``n - 1``, ``n`` and ``n - 1`` entries)."""
    with name_scope(name or "tridiag"):
        parts = []
        if below is not None:
            below = convert_to_tensor(below, name="below")
            padded = array_ops.pad(below, _last_axis_padding(below, 1, 0))
            parts.append(array_ops.expand_dims(padded, -1) * _shifted_eye(padded, -1))
        if diag is not None:
            diag = convert_to_tensor(diag, name="diag")
            parts.append(linalg_ops.matrix_diag(diag))
        if above is not None:
            above = convert_to_tensor(above, name="above")
            padded = array_ops.pad(above, _last_axis_padding(above, 0, 1))
            parts.append(array_ops.expand_dims(padded, -1) * _shifted_eye(padded, 1))
        if not parts:
            raise ValueError("Must specify at least one of `below`, `diag`, `above`.")
        total = parts[0]
        for part in parts[1:]:
            total = total + part
        return total


def _last_axis_padding(tensor, before, after):
    rank = tensor.shape.ndims
    if rank is None:
        raise ValueError("tridiag needs tensors of known rank")
    return [[0, 0]] * (rank - 1) + [[before, after]]


def _shifted_eye(row_values, offset):
    """The ``n x n`` matrix with ones at (i, i + offset), ``n`` from ``row_values``."""
    n = row_values.shape[-1].value
    return np.eye(n, k=offset).astype(row_values.dtype.as_numpy_dtype)


# -- shared by the families ---------------------------------------------------------------------

def batch_of(*tensors):
    """The broadcast static and dynamic shapes of ``tensors``."""
    static = tensors[0].shape
    dynamic = array_ops.shape(tensors[0])
    for tensor in tensors[1:]:
        static = broadcast_static_shape(static, tensor.shape)
        dynamic = broadcast_dynamic_shape(dynamic, array_ops.shape(tensor))
    return static, dynamic


def nan_or_assert(distribution, condition, value, message):
    """``value`` where ``condition`` holds and NaN elsewhere (``allow_nan_stats``), or
    ``value`` after an assertion that ``condition`` holds everywhere."""
    if distribution.allow_nan_stats:
        nan = array_ops.fill(array_ops.shape(value),
                             np.array(np.nan, distribution.dtype.as_numpy_dtype))
        return array_ops.where(condition, value, nan)
    from ..ops import debug_ops

    check = debug_ops.Assert(math_ops.reduce_all(condition), [message])
    with control_dependencies([check]):
        return array_ops.identity(value)


def log_combinations(n, counts):
    """``log(n! / prod(counts!))`` over the last axis of ``counts``."""
    total = special_math_ops.lgamma(n + 1.0)
    parts = math_ops.reduce_sum(special_math_ops.lgamma(counts + 1.0), axis=-1)
    return total - parts

