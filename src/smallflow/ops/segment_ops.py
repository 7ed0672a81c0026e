"""Segment reductions: ``unsorted_segment_max/min/prod`` kernels, and the sorted
``segment_*`` and ``unsorted_segment_mean/sqrt_n`` built from them and from
``unsorted_segment_sum``."""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import control_dependencies, convert_to_tensor, name_scope
from ..op_signature import INDEX, NUMBERS, REALS, signature
from ..registry import register_op
from . import array_ops, debug_ops, math_ops, special_math_ops
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
            flat, rows = flat[keep], rows[keep]
            if ufunc in (np.maximum, np.minimum) and rows.dtype.kind == "f" and \
                    np.isnan(rows).any():
                return _running_extreme(ufunc, out, flat, rows)
            ufunc.at(out, flat, rows)
            return out

        return reduce

    return factory


def _running_extreme(ufunc, out, ids, rows):
    """TensorFlow's running max (min): each element replaces the running value unless that is
    strictly larger (smaller), so a NaN is taken, and dropped again by the next element. The
    result is the extreme of what follows a segment's last NaN, or NaN if nothing does."""
    order = np.arange(len(ids)).reshape((-1,) + (1,) * (rows.ndim - 1))
    nan = np.isnan(rows)
    last_nan = np.full(out.shape, -1, dtype=np.int64)
    np.maximum.at(last_nan, ids, np.where(nan, order, -1))
    after = order > last_nan[ids]
    ufunc.at(out, ids, np.where(after, rows, out[ids]))
    followed = np.zeros(out.shape, dtype=bool)
    np.logical_or.at(followed, ids, after)
    out[(last_nan >= 0) & ~followed] = np.nan
    return out


# An empty segment holds the dtype's lowest (highest) finite value, as in TensorFlow.
def _lowest(dtype):
    return np.finfo(dtype).min if np.issubdtype(dtype, np.floating) else np.iinfo(dtype).min


def _highest(dtype):
    return np.finfo(dtype).max if np.issubdtype(dtype, np.floating) else np.iinfo(dtype).max


def _segment_signature(types):
    return signature("data: T, segment_ids: Tindices, num_segments: Tnumsegments -> output: T",
                     T=types, Tindices=INDEX, Tnumsegments=INDEX)


def _segment_shape(op):
    # The same static shape as UnsortedSegmentSum's.
    return _segment_sum_static(op)


register_op("UnsortedSegmentMax", _segment_kernel(np.maximum, _lowest), _segment_shape,
            signature=_segment_signature(REALS))
register_op("UnsortedSegmentMin", _segment_kernel(np.minimum, _highest), _segment_shape,
            signature=_segment_signature(REALS))
register_op("UnsortedSegmentProd", _segment_kernel(np.multiply, lambda d: 1), _segment_shape,
            signature=_segment_signature(NUMBERS))


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


def _sizes(data, segment_ids, num_segments):
    """Each segment's size (at least 1), counted in int32, in the data's dtype (so complex
    and unsigned data work too)."""
    size = _counts(array_ops.zeros_like(segment_ids), segment_ids, num_segments)
    if data.shape.ndims is not None and segment_ids.shape.ndims is not None:
        extra = data.shape.ndims - segment_ids.shape.ndims
        if extra:
            size = array_ops.reshape(size, [-1] + [1] * extra)
    return math_ops.cast(math_ops.maximum(size, 1), data.dtype)


def unsorted_segment_mean(data, segment_ids, num_segments, name=None):
    """The mean of each segment (0 for an empty one)."""
    with name_scope(name or "UnsortedSegmentMean"):
        data = convert_to_tensor(data, name="data")
        segment_ids = convert_to_tensor(segment_ids, name="segment_ids")
        total = math_ops.unsorted_segment_sum(data, segment_ids, num_segments)
        return total / _sizes(data, segment_ids, num_segments)


def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None):
    """The sum of each segment divided by the square root of its size."""
    with name_scope(name or "UnsortedSegmentSqrtN"):
        data = convert_to_tensor(data, name="data")
        segment_ids = convert_to_tensor(segment_ids, name="segment_ids")
        total = math_ops.unsorted_segment_sum(data, segment_ids, num_segments)
        count = _counts(data, segment_ids, num_segments)
        return total * math_ops.rsqrt(math_ops.maximum(count, 1.0))


def _sorted(reduce, default_name, data, segment_ids, name, empty_is_zero=False):
    """Sorted segments: ``num_segments`` is the last id + 1. As in TensorFlow, ids that are
    negative or decrease are an InvalidArgumentError when the graph runs."""
    with name_scope(name or default_name):
        data = convert_to_tensor(data, name="data")
        segment_ids = convert_to_tensor(segment_ids, name="segment_ids")
        if segment_ids.shape.ndims not in (None, 1):
            raise ValueError(f"segment_ids should be a vector, got shape {segment_ids.shape}")
        ordered = debug_ops.Assert(math_ops.reduce_all(math_ops.logical_and(
            segment_ids[1:] >= segment_ids[:-1], segment_ids[:1] >= 0)),
            ["segment ids are not increasing"], name="SegmentIdsIncreasing")
        with control_dependencies([ordered]):
            count = math_ops.reduce_max(segment_ids) + 1
        count = math_ops.maximum(count, array_ops.zeros_like(count))
        out = reduce(data, segment_ids, count)
        if not empty_is_zero:
            return out
        # TensorFlow's SegmentMax/SegmentMin leave an empty segment (a gap in the ids) at 0.
        filled = _counts(data, segment_ids, count) > 0
        return array_ops.where_v2(filled, out, array_ops.zeros_like(out))


def segment_sum(data, segment_ids, name=None):
    """``out[i] = sum of data[j] with segment_ids[j] == i``; ids sorted, from 0."""
    return _sorted(math_ops.unsorted_segment_sum, "SegmentSum", data, segment_ids, name)


def _integer_mean(data, segment_ids, count):
    """Integer segments: the sum divided by the size, truncated, in the data's dtype."""
    total = math_ops.unsorted_segment_sum(data, segment_ids, count)
    return special_math_ops.truncatediv(total, _sizes(data, segment_ids, count))


def segment_mean(data, segment_ids, name=None):
    data = convert_to_tensor(data, name="data")
    mean = _integer_mean if data.dtype.is_integer else unsorted_segment_mean
    return _sorted(mean, "SegmentMean", data, segment_ids, name)


def segment_max(data, segment_ids, name=None):
    return _sorted(unsorted_segment_max, "SegmentMax", data, segment_ids, name, True)


def segment_min(data, segment_ids, name=None):
    return _sorted(unsorted_segment_min, "SegmentMin", data, segment_ids, name, True)


def segment_prod(data, segment_ids, name=None):
    return _sorted(unsorted_segment_prod, "SegmentProd", data, segment_ids, name)
