"""Gradients of the segment max, min and product."""

from .. import dtypes
from ..registry import RegisterGradient
from . import array_ops, math_ops, segment_ops


def _gather_rows(values, ids):
    """``values[ids]`` with negative (dropped) ids reading row 0; callers mask those out."""
    safe = math_ops.maximum(ids, array_ops.zeros_like(ids))
    return array_ops.gather(values, safe)


def _valid_mask(ids, like):
    valid = math_ops.greater_equal(ids, array_ops.zeros_like(ids))
    extra = like.shape.ndims - ids.shape.ndims
    for _ in range(extra):
        valid = array_ops.expand_dims(valid, -1)
    return math_ops.logical_and(valid, math_ops.cast(array_ops.ones_like(like), dtypes.bool))


def _min_or_max_grad(op, grad):
    """Share each segment's gradient equally among the entries equal to its extremum."""
    data, ids, count = op.inputs
    picked = _gather_rows(op.outputs[0], ids)
    selected = math_ops.logical_and(math_ops.equal(data, picked), _valid_mask(ids, data))
    hits = math_ops.unsorted_segment_sum(math_ops.cast(selected, grad.dtype), ids, count)
    shares = math_ops.div_no_nan(grad, hits)
    spread = _gather_rows(shares, ids)
    return array_ops.where(selected, spread, array_ops.zeros_like(spread)), None, None


RegisterGradient("UnsortedSegmentMax")(_min_or_max_grad)
RegisterGradient("UnsortedSegmentMin")(_min_or_max_grad)


@RegisterGradient("UnsortedSegmentProd")
def _unsorted_segment_prod_grad(op, grad):
    """The product of the other entries of the segment, computed without dividing by zero."""
    data, ids, count = op.inputs
    is_zero = math_ops.equal(data, array_ops.zeros_like(data))
    zeros_in_segment = math_ops.unsorted_segment_sum(math_ops.cast(is_zero, dtypes.int32), ids,
                                                     count)
    nonzero_data = array_ops.where(is_zero, array_ops.ones_like(data), data)
    nonzero_product = segment_ops.unsorted_segment_prod(nonzero_data, ids, count)
    zero_count = _gather_rows(zeros_in_segment, ids)
    others = array_ops.where(
        math_ops.greater(zero_count, 1), array_ops.zeros_like(data),
        array_ops.where(is_zero, _gather_rows(nonzero_product, ids),
                        math_ops.div_no_nan(_gather_rows(op.outputs[0], ids), nonzero_data)))
    result = others * _gather_rows(grad, ids)
    return (array_ops.where(_valid_mask(ids, data), result, array_ops.zeros_like(result)),
            None, None)
