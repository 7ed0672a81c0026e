"""Math functions written from other ops (no kernels or gradients of their own).

Clip_by_value, count_nonzero, reduce_logsumexp.
"""

from .. import dtypes
from ..graph import convert_to_tensor, name_scope
from .constant_op import cast, stop_gradient
from .cwise_ops import add, exp, is_finite, log, maximum, minimum, not_equal
from .indexed_slices import IndexedSlices
from .reduction_ops import _resolve_axis, reduce_max, reduce_sum
from .selection_ops import where
from .shape_ops import reshape, shape, zeros, zeros_like

# -- composites (no kernels or gradients of their own) ----------------------------------------


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """``t`` limited to ``[clip_value_min, clip_value_max]`` elementwise.

    An IndexedSlices (an embedding's gradient) is clipped slice by slice and stays sparse, as
    in TensorFlow: a row looked up twice is clipped twice, then summed when applied, which is
    not the same as clipping the dense sum (``[(tf.clip_by_value(g, -1., 1.), v) ...]`` over
    ``compute_gradients`` gives different updates either way).
    """
    sliced = t if isinstance(t, IndexedSlices) else None
    with name_scope(name or "clip_by_value") as scope:
        t = convert_to_tensor(t.values if sliced is not None else t, name="t")
        t_min = minimum(t, clip_value_max)
        t.shape.merge_with(t_min.shape)
        t_max = maximum(t_min, clip_value_min, name=scope)
        t.shape.merge_with(t_max.shape)
        if sliced is not None:
            return IndexedSlices(t_max, sliced.indices, sliced.dense_shape)
        return t_max


def count_nonzero(input_tensor=None, axis=None, keepdims=None, dtype=dtypes.int64, name=None,
                  reduction_indices=None, keep_dims=None, input=None):  # noqa: A002
    """The number of non-zero entries over ``axis`` (as ``dtype``, int64 by default)."""
    if input_tensor is None:
        input_tensor = input
    with name_scope(name or "count_nonzero"):
        x = convert_to_tensor(input_tensor)
        zero = zeros([], dtype=x.dtype)
        nonzero = cast(not_equal(x, zero), dtypes.int64)
        counts = reduce_sum(nonzero, axis=axis, keepdims=keepdims,
                            reduction_indices=reduction_indices, keep_dims=keep_dims)
        return cast(counts, dtype)


def reduce_logsumexp(input_tensor, axis=None, keepdims=None, name=None,
                     reduction_indices=None, keep_dims=None):
    """``log(sum(exp(x)))`` over ``axis``, computed without overflow (the max is factored
    out, and an infinite max is left out of the shift)."""
    axis, keep = _resolve_axis(axis, reduction_indices, keepdims, keep_dims)
    with name_scope(name or "ReduceLogSumExp"):
        x = convert_to_tensor(input_tensor)
        raw_max = reduce_max(x, axis=axis, keepdims=True)
        finite_max = where(is_finite(raw_max), raw_max,
                                     zeros_like(raw_max))
        shift = stop_gradient(finite_max)
        result = log(reduce_sum(exp(x - shift), axis=axis, keepdims=keep))
        if not keep:
            shift = reshape(shift, shape(result))
        return add(result, shift)


