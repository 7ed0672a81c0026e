"""Segment reductions: ``unsorted_segment_max/min/prod`` kernels, and the sorted
``segment_*`` and ``unsorted_segment_mean/sqrt_n`` built from them and from
``unsorted_segment_sum``."""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor, name_scope
from ..registry import register_op
from . import array_ops, math_ops
from .common import make_op
from .sequence_ops import _segment_sum_static


def _segment_kernel(ufunc, fill):
    def factory(attrs):
        def reduce(data, ids, count):
            count = int(count)
            if data.shape[:ids.ndim] != ids.shape:
                raise InvalidArgumentError(
                    None, None, f"data.shape = {list(data.shape)} does not start with "
                                f"segment_ids.shape = {list(ids.shape)}")
            flat = ids.ravel()
            if flat.size and flat.max() >= count:
                bad = int(np.argmax(flat >= count))
                raise InvalidArgumentError(None, None, f"segment_ids[{bad}] = {flat[bad]} is "
                                                       f"out of range [0, {count})")
            inner = data.shape[ids.ndim:]
            out = np.full((count, *inner), fill(data.dtype), dtype=data.dtype)
            rows = data.reshape((flat.size, *inner))
            keep = flat >= 0
            ufunc.at(out, flat[keep], rows[keep])
            return out

        return reduce

    return factory


def _lowest(dtype):
    return -np.inf if np.issubdtype(dtype, np.floating) else np.iinfo(dtype).min


def _highest(dtype):
    return np.inf if np.issubdtype(dtype, np.floating) else np.iinfo(dtype).max


def _segment_shape(op):
    # The same static shape as UnsortedSegmentSum's.
    return _segment_sum_static(op)


register_op("UnsortedSegmentMax", _segment_kernel(np.maximum, _lowest), _segment_shape)
register_op("UnsortedSegmentMin", _segment_kernel(np.minimum, _highest), _segment_shape)
register_op("UnsortedSegmentProd", _segment_kernel(np.multiply, lambda d: 1), _segment_shape)


def _unsorted(op_type, data, segment_ids, num_segments, name):
    data = convert_to_tensor(data, name="data")
    segment_ids = convert_to_tensor(segment_ids, name="segment_ids")
    if segment_ids.dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"segment_ids must be int32 or int64, got {segment_ids.dtype.name}")
    num_segments = convert_to_tensor(num_segments, name="num_segments")
    return make_op(op_type, [data, segment_ids, num_segments], [data.dtype], None,
                   name).outputs[0]


def unsorted_segment_max(data, segment_ids, num_segments, name=None):
    """The maximum of each segment; an empty segment holds the dtype's lowest value."""
    return _unsorted("UnsortedSegmentMax", data, segment_ids, num_segments, name)


def unsorted_segment_min(data, segment_ids, num_segments, name=None):
    return _unsorted("UnsortedSegmentMin", data, segment_ids, num_segments, name)


def unsorted_segment_prod(data, segment_ids, num_segments, name=None):
    """The product of each segment; an empty segment holds 1."""
    return _unsorted("UnsortedSegmentProd", data, segment_ids, num_segments, name)


def _counts(data, segment_ids, num_segments):
    ones = array_ops.ones_like(segment_ids, dtype=data.dtype)
    counts = math_ops.unsorted_segment_sum(ones, segment_ids, num_segments)
    rank = data.shape.ndims
    id_rank = segment_ids.shape.ndims
    extra = 0 if rank is None or id_rank is None else rank - id_rank
    return array_ops.reshape(counts, array_ops.concat([[-1], [1] * extra], 0)) if extra \
        else counts


def unsorted_segment_mean(data, segment_ids, num_segments, name=None):
    """The mean of each segment (0 for an empty one)."""
    with name_scope(name or "UnsortedSegmentMean"):
        data = convert_to_tensor(data, name="data")
        segment_ids = convert_to_tensor(segment_ids, name="segment_ids")
        total = math_ops.unsorted_segment_sum(data, segment_ids, num_segments)
        count = _counts(data, segment_ids, num_segments)
        return total / math_ops.maximum(count, 1.0)


def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None):
    """The sum of each segment divided by the square root of its size."""
    with name_scope(name or "UnsortedSegmentSqrtN"):
        data = convert_to_tensor(data, name="data")
        segment_ids = convert_to_tensor(segment_ids, name="segment_ids")
        total = math_ops.unsorted_segment_sum(data, segment_ids, num_segments)
        count = _counts(data, segment_ids, num_segments)
        return total * math_ops.rsqrt(math_ops.maximum(count, 1.0))


def _sorted(reduce, default_name, data, segment_ids, name):
    """Sorted segments: ``num_segments`` is the last id + 1 (ids must be sorted)."""
    with name_scope(name or default_name):
        segment_ids = convert_to_tensor(segment_ids, name="segment_ids")
        if segment_ids.shape.ndims not in (None, 1):
            raise ValueError(f"segment_ids should be a vector, got shape {segment_ids.shape}")
        count = math_ops.reduce_max(segment_ids) + 1
        count = math_ops.maximum(count, array_ops.zeros_like(count))
        return reduce(data, segment_ids, count)


def segment_sum(data, segment_ids, name=None):
    """``out[i] = sum of data[j] with segment_ids[j] == i``; ids sorted, from 0."""
    return _sorted(math_ops.unsorted_segment_sum, "SegmentSum", data, segment_ids, name)


def segment_mean(data, segment_ids, name=None):
    return _sorted(unsorted_segment_mean, "SegmentMean", data, segment_ids, name)


def segment_max(data, segment_ids, name=None):
    return _sorted(unsorted_segment_max, "SegmentMax", data, segment_ids, name)


def segment_min(data, segment_ids, name=None):
    return _sorted(unsorted_segment_min, "SegmentMin", data, segment_ids, name)


def segment_prod(data, segment_ids, name=None):
    return _sorted(unsorted_segment_prod, "SegmentProd", data, segment_ids, name)
