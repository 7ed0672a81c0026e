"""``tf.ragged``'s functions, and TensorFlow's ops applied to RaggedTensors.

``constant`` builds a RaggedTensor from nested Python lists; ``map_flat_values`` applies an
op to the flat values. The elementwise ops (``tf.add``, ``+``, ``tf.equal``...), the
reductions (``tf.reduce_sum``... over a ragged or uniform axis) and ``tf.concat`` accept
RaggedTensors: those ops hand a ragged argument to ``dispatch`` here (through the
RaggedTensor's ``_dispatch_op``), as TensorFlow's ops dispatch to its ragged versions.
"""

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor, convert_to_tensor, get_default_graph
from ..ops import array_ops as _array
from ..ops import math_ops as _math
from ..ops.array_extra_ops import argsort
from ..ops.common import constant_value as _known_value
from ..ops.segment_ops import unsorted_segment_max, unsorted_segment_min, unsorted_segment_prod
from .ragged_getitem import gather_rows
from .ragged_tensor import RaggedTensor, RaggedTensorValue, is_ragged, row_splits_to_segment_ids

__all__ = ["constant", "constant_value", "dispatch", "map_flat_values", "range",
           "row_splits_to_segment_ids", "segment_ids_to_row_splits"]

_range = range


# -- constant ------------------------------------------------------------------------------

def _depths(pylist, depth=0):
    """The nesting depths of the scalars in ``pylist`` (a set)."""
    if isinstance(pylist, list | tuple):
        found = set()
        for item in pylist:
            found |= _depths(item, depth + 1)
        return found
    return {depth}


def _list_depth(pylist):
    """The deepest list nesting, empty lists included (``[[]]`` is 2 deep)."""
    if not isinstance(pylist, list | tuple):
        return 0
    return 1 + max((_list_depth(item) for item in pylist), default=0)


def _nested_splits(pylist, ragged_rank):
    """Row splits per ragged dimension, and the items below the last ragged dimension."""
    nested = []
    rows = list(pylist)
    for _ in _range(ragged_rank):
        splits = [0]
        items = []
        for row in rows:
            if not isinstance(row, list | tuple):
                raise ValueError("all scalar values must have the same nesting depth")
            items.extend(row)
            splits.append(len(items))
        nested.append(splits)
        rows = items
    return nested, rows


def constant_value(pylist, dtype=None, ragged_rank=None, inner_shape=None,
                   row_splits_dtype="int64"):
    """A RaggedTensorValue (NumPy arrays) of nested Python lists."""
    if isinstance(pylist, np.ndarray):
        return pylist
    if is_ragged(pylist):
        raise TypeError("pylist may not be a RaggedTensor or RaggedTensorValue.")
    if not isinstance(pylist, list | tuple):
        # A scalar: a dense value, as TensorFlow's (ragged_rank must be 0 or unset).
        if ragged_rank not in (None, 0):
            raise ValueError(f"Invalid pylist={pylist!r}: incompatible with ragged_rank="
                             f"{ragged_rank}")
        return _dense_value(pylist, dtype)
    depths = _depths(pylist)
    if len(depths) > 1:
        raise ValueError("all scalar values must have the same nesting depth")
    max_depth = depths.pop() if depths else 1
    inner_rank = len(inner_shape) if inner_shape is not None else 0
    if ragged_rank == 0 or (ragged_rank is None and _list_depth(pylist) - inner_rank < 2):
        # Nothing ragged: a dense value (TensorFlow gives a Tensor / an array too).
        return _dense_value(pylist, dtype, inner_shape)
    if ragged_rank is None:
        inner_rank = len(inner_shape) if inner_shape is not None else 0
        ragged_rank = max(1, max_depth - 1 - inner_rank)
    if ragged_rank < 1:
        raise ValueError(f"Invalid ragged_rank={ragged_rank}: must be at least 1")
    if ragged_rank >= max_depth and max_depth > 1:
        raise ValueError(f"Invalid pylist={pylist!r}: incompatible with ragged_rank="
                         f"{ragged_rank}")
    nested, items = _nested_splits(pylist, ragged_rank)
    np_dtype = None if dtype is None else dtypes.as_dtype(dtype).as_numpy_dtype
    if items:
        values = np.asarray(items, dtype=np_dtype) if np_dtype is not None else (
            _default_array(items))
    else:
        empty_inner = tuple(inner_shape) if inner_shape is not None else ()
        values = np.zeros((0, *empty_inner), dtype=np_dtype or np.float32)
    if inner_shape is not None and values.shape[1:] != tuple(inner_shape):
        values = values.reshape((-1, *inner_shape))
    splits_type = dtypes.as_dtype(row_splits_dtype).as_numpy_dtype
    result = values
    for splits in reversed(nested):
        result = RaggedTensorValue(result, np.asarray(splits, dtype=splits_type))
    return result


def _dense_value(pylist, dtype, inner_shape=None):
    """The array of a list with no ragged dimension (TensorFlow's default dtypes)."""
    if dtype is not None:
        value = np.asarray(pylist, dtype=dtypes.as_dtype(dtype).as_numpy_dtype)
    else:
        value = _default_array(pylist)
    if inner_shape is not None and value.shape[1:] != tuple(inner_shape):
        value = value.reshape((-1, *inner_shape))
    return value


def _default_array(items):
    """TensorFlow's default dtypes for Python values: int32, float32, string, bool."""
    try:
        array = np.asarray(items)
    except ValueError as err:
        raise ValueError(f"inner values of a ragged constant must have a uniform shape: {err}"
                         ) from None
    flat = np.ravel(np.asarray(items, dtype=object)).tolist()
    kinds = {type(x) for x in flat}
    if kinds & {str, bytes} and kinds - {str, bytes}:
        raise TypeError(f"Failed to convert elements of {flat} to Tensor. Consider casting "
                        "elements to a supported type.")
    if array.dtype.kind in "US":
        return np.asarray(items, dtype=object)
    if array.dtype.kind == "i":
        return array.astype(np.int32)
    if array.dtype.kind == "f":
        return array.astype(np.float32)
    return array


def constant(pylist, dtype=None, ragged_rank=None, inner_shape=None, name=None,
             row_splits_dtype=dtypes.int64):
    """A RaggedTensor of constants from nested Python lists: ``ragged_rank`` defaults to
    the nesting depth minus one (minus the length of ``inner_shape``)."""
    value = constant_value(pylist, dtype, ragged_rank, inner_shape, row_splits_dtype)
    with get_default_graph().name_scope(name or "RaggedConstant"):
        if isinstance(value, np.ndarray):
            return _array.constant(value, dtype=dtypes.string if value.dtype == object
                                   else dtype, name="values")
        flat = value.flat_values
        tf_dtype = dtypes.string if flat.dtype == object else dtype
        flat_values = _array.constant(flat, dtype=tf_dtype, name="values")
        # The innermost splits are made first (``Const``), as TensorFlow does.
        result = flat_values
        for splits in reversed(value.nested_row_splits):
            row_splits = _array.constant(splits, dtype=row_splits_dtype)
            result = RaggedTensor(result, row_splits, internal=True)
        return result


# -- functions of tf.ragged -----------------------------------------------------------------

def segment_ids_to_row_splits(segment_ids, num_segments=None, out_type=None, name=None):
    """Row splits of sorted segment ids: ``[0, 0, 2]`` -> ``[0, 2, 2, 3]``."""
    with get_default_graph().name_scope(name or "SegmentIdsToRaggedSplits"):
        segment_ids = convert_to_tensor(segment_ids, name="segment_ids")
        out_type = out_type or (dtypes.int64 if segment_ids.dtype == dtypes.int64 else
                                dtypes.int64)
        if num_segments is None:
            num_segments = _math.reduce_max(_array.concat(
                [_array.constant([-1], dtype=segment_ids.dtype), segment_ids], 0)) + 1
        counts = _math.unsorted_segment_sum(_array.ones_like(segment_ids, dtype=out_type),
                                            segment_ids, num_segments)
        return _array.concat([_array.zeros([1], dtype=out_type), _math.cumsum(counts)], 0)


def range(starts, limits=None, deltas=1, dtype=None, name=None,  # noqa: A001
          row_splits_dtype=dtypes.int64):
    """Row ``i`` is ``range(starts[i], limits[i], deltas[i])`` (``range(starts[i])`` when
    no limits are given); scalars broadcast."""
    with get_default_graph().name_scope(name or "RaggedRange"):
        if limits is None:
            starts, limits = 0, starts
        limits = convert_to_tensor(limits, dtype=dtype, name="limits")
        dtype = dtype or limits.dtype
        starts = convert_to_tensor(starts, dtype=dtype, name="starts")
        deltas = convert_to_tensor(deltas, dtype=dtype, name="deltas")
        shape = _array.shape(starts + limits + deltas)
        starts = _array.broadcast_to(starts, shape)
        limits = _array.broadcast_to(limits, shape)
        deltas = _array.broadcast_to(deltas, shape)
        span = _math.cast(limits - starts, dtypes.float64)
        step = _math.cast(deltas, dtypes.float64)
        counts = _math.cast(_math.maximum(_math.ceil(span / step), 0.0), row_splits_dtype)
        splits = _array.concat([_array.zeros([1], dtype=row_splits_dtype),
                                _math.cumsum(counts)], 0)
        rowids = row_splits_to_segment_ids(splits)
        offsets = _math.range(splits[-1], dtype=row_splits_dtype) - _array.gather(splits,
                                                                                rowids)
        values = (_array.gather(starts, rowids)
                  + _math.cast(offsets, dtype) * _array.gather(deltas, rowids))
        return RaggedTensor.from_row_splits(values, splits, validate=False)


def _ragged_leaves(structure, found):
    if isinstance(structure, RaggedTensor):
        found.append(structure)
    elif isinstance(structure, list | tuple):
        for item in structure:
            _ragged_leaves(item, found)
    elif isinstance(structure, dict):
        for item in structure.values():
            _ragged_leaves(item, found)
    return found


def _flatten_ragged(structure):
    if isinstance(structure, RaggedTensor):
        return structure.flat_values
    if isinstance(structure, list | tuple):
        return type(structure)(_flatten_ragged(item) for item in structure)
    if isinstance(structure, dict):
        return {key: _flatten_ragged(item) for key, item in structure.items()}
    return structure


def _check_same_splits(first, other):
    if first.ragged_rank != other.ragged_rank:
        raise ValueError("Inputs must have identical ragged splits (ragged ranks "
                         f"{first.ragged_rank} and {other.ragged_rank})")
    for mine, theirs in zip(first.nested_row_splits, other.nested_row_splits):
        if mine is theirs:
            continue
        known_mine, known_theirs = _known_value(mine), _known_value(theirs)
        if known_mine is not None and known_theirs is not None and not np.array_equal(
                known_mine, known_theirs):
            raise errors.InvalidArgumentError(None, None,
                                              "Inputs must have identical ragged splits")


def map_flat_values(op, *args, **kwargs):
    """``op`` applied to the flat values of the RaggedTensors among ``args``/``kwargs``; the
    result has their row partition (which must be the same for all of them)."""
    ragged = _ragged_leaves([args, kwargs], [])
    if not ragged:
        return op(*args, **kwargs)
    for other in ragged[1:]:
        _check_same_splits(ragged[0], other)
    result = op(*_flatten_ragged(args), **_flatten_ragged(kwargs))
    return ragged[0].with_flat_values(result)


# -- TensorFlow's ops on RaggedTensors -----------------------------------------------------

def dispatch(api_name, *args, **kwargs):
    """The ragged version of one of TensorFlow's ops (called by the op's builder)."""
    handler = _HANDLERS.get(api_name)
    if handler is None:
        raise TypeError(f"{api_name} does not support RaggedTensor arguments in smallflow")
    return handler(*args, **kwargs)


def _rank(value):
    if isinstance(value, Tensor):
        return value.shape.ndims
    return np.ndim(value)


def _elementwise(fn, x, y):
    """``fn(x, y)`` where one or both are RaggedTensors: the flat values combine, and a dense
    operand broadcasts into them (scalars, trailing uniform dimensions, or one value per
    row for a ``[nrows, 1]`` operand)."""
    if isinstance(x, RaggedTensor) and isinstance(y, RaggedTensor):
        _check_same_splits(x, y)
        return x.with_flat_values(fn(x.flat_values, y.flat_values))
    ragged, dense = (x, y) if isinstance(x, RaggedTensor) else (y, x)
    flat = ragged.flat_values
    rank = _rank(dense)
    inner_rank = flat.shape.ndims - 1 if flat.shape.ndims is not None else None
    if rank is None or inner_rank is None:
        raise ValueError("Unable to broadcast a dense tensor of unknown rank with a "
                         "RaggedTensor")
    shape = dense.shape.as_list() if isinstance(dense, Tensor) else list(np.shape(dense))
    if rank > inner_rank and all(d == 1 for d in shape[:rank - inner_rank]):
        # Leading dimensions of size 1 broadcast over the ragged ones: drop them.
        dense = _array.reshape(convert_to_tensor(dense, dtype=ragged.dtype), shape[rank -
                                                                                inner_rank:])
        rank = inner_rank
    if rank <= inner_rank:
        per_value = dense
    elif ragged.ragged_rank == 1 and rank == inner_rank + 2:
        dense = convert_to_tensor(dense, dtype=ragged.dtype)
        width = dense.shape.as_list()[1]
        if width != 1:
            raise errors.InvalidArgumentError(
                None, None, "Unable to broadcast: dimension 1 of the dense tensor is "
                f"{width}, which does not match the RaggedTensor's ragged dimension")
        by_row = dense[:, 0]
        rows = by_row.shape.as_list()[0]
        rowids = ragged.value_rowids()
        per_value = by_row[0] if rows == 1 else _array.gather(by_row, rowids)
    else:
        raise ValueError(f"smallflow cannot broadcast a dense tensor of rank {rank} with a "
                         f"RaggedTensor of shape {ragged.shape}")
    if ragged is x:
        return ragged.with_flat_values(fn(flat, per_value))
    return ragged.with_flat_values(fn(per_value, flat))


_SEGMENT_REDUCERS = {
    "Sum": _math.unsorted_segment_sum,
    "Max": unsorted_segment_max,
    "Min": unsorted_segment_min,
    "Prod": unsorted_segment_prod,
}
_DENSE_REDUCERS = {
    "Sum": _math.reduce_sum, "Max": _math.reduce_max, "Min": _math.reduce_min,
    "Prod": _math.reduce_prod, "Mean": _math.reduce_mean,
}


def _reduce_axis(kind, rt, axis):
    """``kind`` ("Sum", "Max", ...) over one axis of ``rt``."""
    if axis == 0 and rt.ragged_rank == 1 and not isinstance(rt.values, RaggedTensor):
        splits = rt.row_splits
        rowids = row_splits_to_segment_ids(splits)
        columns = (_math.range(_math.cast(_array.shape(rt.values, out_type=splits.dtype)[0],
                                          splits.dtype), dtype=splits.dtype)
                   - _array.gather(splits, rowids))
        lengths = splits[1:] - splits[:-1]
        width = _math.reduce_max(_array.concat([_array.zeros([1], dtype=splits.dtype),
                                                lengths], 0))
        return _SEGMENT_REDUCERS[kind](rt.values, columns, width)
    if axis == 1 and not isinstance(rt.values, RaggedTensor):
        return _SEGMENT_REDUCERS[kind](rt.values, rt.value_rowids(), rt.nrows(
            out_type=rt.row_splits.dtype))
    if axis >= 2 and axis <= rt.ragged_rank:
        return rt.with_values(_reduce_axis(kind, rt.values, axis - 1))
    if axis > rt.ragged_rank:
        return rt.with_flat_values(_DENSE_REDUCERS[kind](rt.flat_values,
                                                         axis=axis - rt.ragged_rank))
    raise ValueError(f"smallflow cannot reduce axis {axis} of a RaggedTensor with "
                     f"ragged_rank {rt.ragged_rank} and shape {rt.shape}")


def _reduce(op_type, rt, axis, keepdims, name):
    if keepdims:
        raise ValueError("smallflow's ragged reductions do not support keepdims=True")
    kind = {"Sum": "Sum", "Mean": "Mean", "Max": "Max", "Min": "Min", "Prod": "Prod"}.get(
        op_type)
    if kind is None:
        raise TypeError(f"reduce over RaggedTensor: {op_type} is not supported in smallflow")
    with get_default_graph().name_scope(name or f"RaggedReduce{kind}"):
        if kind == "Mean":
            total = _reduce("Sum", rt, axis, False, "RaggedReduceSum/")
            count = _reduce("Sum", rt.with_flat_values(_array.ones_like(rt.flat_values)), axis,
                            False, "RaggedReduceSum_1/")
            return _math.truediv(total, count)
        rank = rt.shape.ndims
        if axis is None:
            return _DENSE_REDUCERS[kind](rt.flat_values)
        axes = sorted({a % rank for a in axis}, reverse=True)
        if axes == list(_range(rank))[::-1]:
            return _DENSE_REDUCERS[kind](rt.flat_values)
        result = rt
        for single in axes:
            if not isinstance(result, RaggedTensor):
                return _DENSE_REDUCERS[kind](result, axis=[a for a in axes if a <= single])
            result = _reduce_axis(kind, result, single)
        return result


def _as_ragged(value, splits_dtype):
    if isinstance(value, RaggedTensor):
        return value
    dense = RaggedTensor.from_tensor(convert_to_tensor(value))
    return RaggedTensor.from_row_splits(dense.values, _math.cast(dense.row_splits,
                                                                 splits_dtype), validate=False)


def _concat(values, axis, name):
    values = list(values)
    first = next(v for v in values if isinstance(v, RaggedTensor))
    with get_default_graph().name_scope(name if name and name != "concat" else
                                        "RaggedConcat"):
        ragged = [_as_ragged(v, first.row_splits.dtype) for v in values]
        rank = first.shape.ndims
        axis = axis % rank if rank is not None else axis
        if axis == 0:
            flat_rows = [gather_rows(r.values, _math.range(
                _math.cast(r.row_splits[-1], dtypes.int64), dtype=dtypes.int64))
                for r in ragged]
            lengths = [r.row_splits[1:] - r.row_splits[:-1] for r in ragged]
            joined = _join_rows(flat_rows)
            return RaggedTensor.from_row_lengths(joined, _array.concat(lengths, 0),
                                                 validate=False)
        if axis == 1 and all(not isinstance(r.values, RaggedTensor) for r in ragged):
            return _concat_rows(ragged)
        raise ValueError(f"smallflow's ragged concat supports axis 0, or axis 1 of 2-D "
                         f"RaggedTensors; got axis={axis}")


def _join_rows(parts):
    if all(not isinstance(p, RaggedTensor) for p in parts):
        return _array.concat(parts, 0)
    parts = [p if isinstance(p, RaggedTensor) else None for p in parts]
    if any(p is None for p in parts):
        raise ValueError("Cannot concatenate RaggedTensors of different ragged ranks")
    inner = _join_rows([p.values for p in parts])
    lengths = _array.concat([p.row_splits[1:] - p.row_splits[:-1] for p in parts], 0)
    return RaggedTensor.from_row_lengths(inner, lengths, validate=False)


def _concat_rows(ragged):
    """Row ``i`` of the result is row ``i`` of each input, one after another."""
    nvalues = [_math.cast(r.row_splits[-1], dtypes.int64) for r in ragged]
    total = _math.add_n(nvalues) if len(nvalues) > 1 else nvalues[0]
    bound = total + 1
    keys = []
    for index, r in enumerate(ragged):
        splits = _math.cast(r.row_splits, dtypes.int64)
        rowids = row_splits_to_segment_ids(splits)
        position = _math.range(nvalues[index], dtype=dtypes.int64) - _array.gather(splits,
                                                                                   rowids)
        keys.append((rowids * len(ragged) + index) * bound + position)
    order = argsort(_array.concat(keys, 0), stable=True)
    values = _array.gather(_array.concat([r.values for r in ragged], 0), order)
    lengths = _math.add_n([r.row_splits[1:] - r.row_splits[:-1] for r in ragged])
    return RaggedTensor.from_row_lengths(values, lengths, validate=False)


def _unary(fn, rt):
    """An elementwise one-input op (``tf.sqrt``, ``tf.cast``, ...) on the flat values."""
    return rt.with_flat_values(fn(rt.flat_values))


def _tile(rt, multiples, name):
    """``tf.tile`` of a 2-D RaggedTensor: each row repeats its own values ``multiples[1]``
    times, then the rows repeat ``multiples[0]`` times."""
    known = _known_value(convert_to_tensor(multiples)) if not isinstance(
        multiples, list | tuple) else multiples
    if known is None or rt.ragged_rank != 1 or rt.shape.ndims != 2:
        raise ValueError("smallflow's tf.tile of a RaggedTensor needs a 2-D RaggedTensor and "
                         "multiples known when the graph is built")
    rows, columns = (int(m) for m in np.asarray(known).reshape(-1))
    with get_default_graph().name_scope(name or "RaggedTile"):
        splits = _math.cast(rt.row_splits, dtypes.int64)
        lengths = splits[1:] - splits[:-1]
        new_lengths = lengths * columns
        new_splits = _array.concat([_array.zeros([1], dtype=dtypes.int64),
                                    _math.cumsum(new_lengths)], 0)
        rowids = row_splits_to_segment_ids(new_splits)
        offsets = _math.range(new_splits[-1], dtype=dtypes.int64) - _array.gather(
            new_splits, rowids)
        # offset k of row i reads value k mod length_i of that row
        lengths_of = _math.maximum(_array.gather(lengths, rowids), 1)
        picks = _array.gather(splits, rowids) + _math.floormod(offsets, lengths_of)
        tiled = RaggedTensor.from_row_lengths(
            _array.gather(rt.values, picks),
            _math.cast(new_lengths, rt.row_splits.dtype), validate=False)
        if rows == 1:
            return tiled
        return _concat([tiled] * rows, 0, "")


def _map_flat_values(fn, *inputs):
    return map_flat_values(fn, *inputs)


_HANDLERS = {
    "tile": _tile,
    "map_flat_values": _map_flat_values,
    "unary": _unary,
    "elementwise": _elementwise,
    "reduce": _reduce,
    "concat": _concat,
}


# -- Python operators on RaggedTensor --------------------------------------------------------

def _binary_operator(fn):
    def forward(self, other):
        return _elementwise(fn, self, other)

    def reverse(self, other):
        return _elementwise(fn, other, self)

    return forward, reverse


RaggedTensor.__add__, RaggedTensor.__radd__ = _binary_operator(_math.add)
RaggedTensor.__sub__, RaggedTensor.__rsub__ = _binary_operator(_math.subtract)
RaggedTensor.__mul__, RaggedTensor.__rmul__ = _binary_operator(_math.multiply)
RaggedTensor.__truediv__, RaggedTensor.__rtruediv__ = _binary_operator(_math.truediv)
RaggedTensor.__floordiv__, RaggedTensor.__rfloordiv__ = _binary_operator(_math.floordiv)
RaggedTensor.__mod__, RaggedTensor.__rmod__ = _binary_operator(_math.floormod)
RaggedTensor.__pow__, RaggedTensor.__rpow__ = _binary_operator(_math.pow)
RaggedTensor.__lt__ = _binary_operator(_math.less)[0]
RaggedTensor.__le__ = _binary_operator(_math.less_equal)[0]
RaggedTensor.__gt__ = _binary_operator(_math.greater)[0]
RaggedTensor.__ge__ = _binary_operator(_math.greater_equal)[0]
RaggedTensor.__and__, RaggedTensor.__rand__ = _binary_operator(_math.logical_and)
RaggedTensor.__or__, RaggedTensor.__ror__ = _binary_operator(_math.logical_or)
RaggedTensor.__neg__ = _math.negative
RaggedTensor.__abs__ = _math.abs
RaggedTensor.__invert__ = _math.logical_not
