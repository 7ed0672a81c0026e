"""Indexing a RaggedTensor (``rt[i]``, ``rt[a:b]``, ``rt[:, a:b]``, ``rt[i, j]``).

The first index picks or slices rows; each later index applies inside every row, as in
TensorFlow: a slice on a ragged dimension cuts each row to its own bounds (Python's rules
per row), an integer on a ragged dimension is refused, and indices past the ragged
dimensions go to the uniform dimensions of the values.
"""

from .. import dtypes
from ..graph import Tensor, get_default_graph
from ..ops import array_ops as _array
from ..ops import math_ops as _math
from .ragged_tensor import RaggedTensor, row_splits_to_segment_ids

__all__ = ["gather_rows", "ragged_getitem"]


def ragged_getitem(rt, key):
    keys = list(key) if isinstance(key, tuple) else [key]
    for item in keys:
        if item is Ellipsis or item is None:
            raise ValueError("smallflow's RaggedTensor indexing supports integers and slices "
                             "(no Ellipsis or tf.newaxis)")
        if isinstance(item, slice) and item.step not in (None, 1):
            raise ValueError("smallflow's RaggedTensor indexing supports slices with step 1")
    with get_default_graph().name_scope("RaggedGetItem"):
        return _getitem(rt, keys)


def _getitem(rt, keys):
    if not keys:
        return rt
    first, rest = keys[0], keys[1:]
    if isinstance(first, slice):
        rows = _slice_rows(rt, first)
        return _inside_rows(rows, rest) if rest else rows
    row = _row(rt, first)
    if not rest:
        return row
    if isinstance(row, RaggedTensor):
        return _getitem(row, rest)
    return row[tuple(rest)]


def _range_positions(starts, lengths):
    """``concat([range(s, s + n) for s, n in zip(starts, lengths)])`` as int64."""
    starts = _math.cast(starts, dtypes.int64)
    lengths = _math.cast(lengths, dtypes.int64)
    splits = _array.concat([_array.zeros([1], dtype=dtypes.int64), _math.cumsum(lengths)], 0)
    rowids = row_splits_to_segment_ids(splits)
    offsets = _math.range(splits[-1], dtype=dtypes.int64) - _array.gather(splits, rowids)
    return _array.gather(starts, rowids) + offsets


def gather_rows(values, indices):
    """Rows ``indices`` of ``values`` (a Tensor, or a RaggedTensor whose rows are kept)."""
    if not isinstance(values, RaggedTensor):
        return _array.gather(values, indices)
    splits = _math.cast(values.row_splits, dtypes.int64)
    lengths = _array.gather(splits[1:] - splits[:-1], indices)
    inner = _range_positions(_array.gather(splits[:-1], indices), lengths)
    return RaggedTensor.from_row_lengths(gather_rows(values.values, inner),
                                         _math.cast(lengths, values.row_splits.dtype),
                                         validate=False)


def _row(rt, index):
    nrows = rt.nrows(out_type=dtypes.int64)
    index = _math.cast(index, dtypes.int64) if isinstance(index, Tensor) else (
        index if index >= 0 else nrows + index)
    splits = _math.cast(rt.row_splits, dtypes.int64)
    start = splits[index]
    limit = splits[index + 1]
    if isinstance(rt.values, RaggedTensor):
        return gather_rows(rt.values, _math.range(start, limit, dtype=dtypes.int64))
    return rt.values[start:limit]


def _bound(value, length, default):
    """Python's slice bound ``value`` for sequences of ``length`` (a tensor), clamped."""
    if value is None:
        return default
    value = _math.cast(value, dtypes.int64) if isinstance(value, Tensor) else value
    if isinstance(value, int) and value < 0:
        bound = length + value
    else:
        bound = value + _array.zeros_like(length)
    return _math.minimum(_math.maximum(bound, 0), length)


def _slice_rows(rt, item):
    static_rows = rt.shape.as_list()[0] if rt.shape.ndims else None
    splits = _math.cast(rt.row_splits, dtypes.int64)
    if static_rows is not None and not any(isinstance(b, Tensor) for b in (item.start,
                                                                           item.stop)):
        # Python bounds and a known row count: plain slices, so static shapes follow.
        start, stop, _ = item.indices(static_rows)
        stop = max(stop, start)
    else:
        nrows = rt.nrows(out_type=dtypes.int64)
        start = _bound(item.start, nrows, _array.zeros_like(nrows))
        stop = _math.maximum(_bound(item.stop, nrows, nrows), start)
    new_splits = splits[start:stop + 1]
    if isinstance(rt.values, RaggedTensor):
        values = gather_rows(rt.values, _math.range(new_splits[0], new_splits[-1],
                                                    dtype=dtypes.int64))
    else:
        values = rt.values[new_splits[0]:new_splits[-1]]
    new_splits = _math.cast(new_splits - new_splits[0], rt.row_splits.dtype)
    return RaggedTensor.from_row_splits(values, new_splits, validate=False)


def _inside_rows(rt, keys):
    """Apply ``keys`` to axis 1 and up of every row of ``rt``."""
    first, rest = keys[0], keys[1:]
    if not isinstance(first, slice):
        raise ValueError("Cannot index into an inner ragged dimension.")
    splits = _math.cast(rt.row_splits, dtypes.int64)
    lengths = splits[1:] - splits[:-1]
    start = _bound(first.start, lengths, _array.zeros_like(lengths))
    stop = _math.maximum(_bound(first.stop, lengths, lengths), start)
    kept = stop - start
    values = gather_rows(rt.values, _range_positions(splits[:-1] + start, kept))
    if rest:
        if isinstance(values, RaggedTensor):
            values = _inside_rows(values, rest)
        else:
            values = values[(slice(None), *rest)]
    return RaggedTensor.from_row_lengths(values, _math.cast(kept, rt.row_splits.dtype),
                                         validate=False)

