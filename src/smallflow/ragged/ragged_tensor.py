"""``tf.RaggedTensor`` and ``tf.ragged.RaggedTensorValue`` in graph mode.

A ragged tensor is a ``values`` tensor (or another ragged tensor, for more than one ragged
dimension) cut into rows by ``row_splits``, an int64 vector that starts at 0 and does not
decrease: row ``i`` is ``values[row_splits[i]:row_splits[i + 1]]``. Everything here builds
graph ops from the existing op families (gathers, segment sums, cumulative sums), so ragged
computations get gradients and run in any session; fetching a RaggedTensor gives a
RaggedTensorValue of NumPy arrays, as in TensorFlow 1.x.
"""

import numpy as np

from .. import dtypes
from ..graph import Tensor, convert_to_tensor, get_default_graph, get_default_session
from ..ops import array_ops as _array
from ..ops import math_ops as _math
from ..ops.array_extra_ops import searchsorted, sequence_mask
from ..ops.common import constant_value
from ..ops.sparse_tensor import SparseTensor
from ..tensor_shape import TensorShape

__all__ = ["RaggedTensor", "RaggedTensorValue", "is_ragged"]


class _RowPartitioned:
    """What a ragged tensor and its value share: values split into rows by ``row_splits``,
    themselves possibly ragged (one more level per nesting)."""

    values = property(lambda self: self._values)
    row_splits = property(lambda self: self._row_splits)

    @property
    def flat_values(self):
        values = self._values
        while isinstance(values, _RowPartitioned):
            values = values.values
        return values

    @property
    def nested_row_splits(self):
        splits = [self._row_splits]
        values = self._values
        while isinstance(values, _RowPartitioned):
            splits.append(values.row_splits)
            values = values.values
        return tuple(splits)

    @property
    def ragged_rank(self):
        return len(self.nested_row_splits)


class RaggedTensorValue(_RowPartitioned):
    """The value of a RaggedTensor that a session returns: NumPy ``values`` (or a nested
    RaggedTensorValue) and ``row_splits``."""

    def __init__(self, values, row_splits):
        if not (isinstance(values, np.ndarray | RaggedTensorValue)
                and isinstance(row_splits, np.ndarray)):
            raise TypeError("RaggedTensorValue takes a NumPy array (or RaggedTensorValue) of "
                            "values and a NumPy array of row_splits")
        self._values = values
        self._row_splits = row_splits

    @property
    def dtype(self):
        return self._values.dtype

    @property
    def shape(self):
        """``(nrows, None, ...)``: the row count, None for each ragged dimension, then the
        uniform dimensions of the flat values."""
        return (self._row_splits.shape[0] - 1, *((None,) * self.ragged_rank),
                *self.flat_values.shape[1:])

    def to_list(self):
        """Nested Python lists of the rows (strings as bytes)."""
        values = self._values.to_list() if isinstance(self._values, RaggedTensorValue) else (
            self._values.tolist())
        splits = self._row_splits
        return [values[splits[i]:splits[i + 1]] for i in range(len(splits) - 1)]

    def __str__(self):
        return f"<tf.RaggedTensorValue {self.to_list()}>"

    def __repr__(self):
        return f"tf.RaggedTensorValue(values={self._values!r}, row_splits={self._row_splits!r})"


def _value_from_parts(parts):
    """A session's fetch of a RaggedTensor: its flat values then its nested row splits."""
    value = parts[0]
    for splits in reversed(parts[1:]):
        value = RaggedTensorValue(value, splits)
    return value


def is_ragged(value):
    return isinstance(value, RaggedTensor | RaggedTensorValue)


def _splits_tensor(splits, name):
    splits = convert_to_tensor(splits, name=name, preferred_dtype=dtypes.int64) if not (
        isinstance(splits, Tensor)) else splits
    if splits.dtype not in (dtypes.int32, dtypes.int64):
        raise ValueError(f"{name} must have dtype int32 or int64, got {splits.dtype.name}")
    if splits.shape.ndims not in (None, 1):
        raise ValueError(f"{name} must be a vector, got shape {splits.shape}")
    return splits


def _values_tensor(values, name="values"):
    if isinstance(values, RaggedTensor):
        return values
    return values if isinstance(values, Tensor) else convert_to_tensor(values, name=name)


def _validated_splits(row_splits, nvals):
    """``row_splits`` behind a run-time check (as TensorFlow's assertions): it starts at 0,
    does not decrease and ends at the number of values."""
    from ..ops.control_flow_ops import with_dependencies
    from ..ops.debug_ops import Assert

    nvals = _math.cast(nvals, row_splits.dtype)
    valid = _math.logical_and(
        _math.logical_and(_math.equal(row_splits[0], 0), _math.equal(row_splits[-1], nvals)),
        _math.reduce_all(_math.greater_equal(row_splits[1:], row_splits[:-1])))
    check = Assert(valid, ["Arguments to from_row_splits do not form a valid RaggedTensor: "
                           "row_splits must start at 0, not decrease, and end at the number "
                           "of values"])
    return with_dependencies([check], row_splits)


def _nvals(values):
    """Number of rows of ``values`` (a Tensor or RaggedTensor) as an int64 scalar tensor."""
    if isinstance(values, RaggedTensor):
        return values.nrows()
    static = values.shape.as_list()[0] if values.shape.ndims else None
    if static is not None:
        return _array.constant(static, dtype=dtypes.int64)
    return _math.cast(_array.shape(values, out_type=dtypes.int64)[0], dtypes.int64)


class RaggedTensor(_RowPartitioned):
    """A tensor with ragged (variable-length) dimensions: ``values`` split into rows."""

    # The session flattens a fetched RaggedTensor into these parts and rebuilds its value.
    _fetch_type = staticmethod(_value_from_parts)

    def __init__(self, values, row_splits, internal=False):
        if not internal:
            raise ValueError("RaggedTensor constructor is private; please use one of the "
                             "factory methods instead (e.g., RaggedTensor.from_row_lengths())")
        self._values = values
        self._row_splits = row_splits

    # -- factories --------------------------------------------------------------------------
    @classmethod
    def from_row_splits(cls, values, row_splits, name=None, validate=True):
        with get_default_graph().name_scope(name or "RaggedFromRowSplits"):
            values = _values_tensor(values)
            row_splits = _splits_tensor(row_splits, "row_splits")
            if validate:
                row_splits = _validated_splits(row_splits, _nvals(values))
            return cls(values, row_splits, internal=True)

    @classmethod
    def from_row_lengths(cls, values, row_lengths, name=None, validate=True):
        with get_default_graph().name_scope(name or "RaggedFromRowLengths"):
            values = _values_tensor(values)
            row_lengths = _splits_tensor(row_lengths, "row_lengths")
            zero = _array.zeros([1], dtype=row_lengths.dtype)
            splits = _array.concat([zero, _math.cumsum(row_lengths)], axis=0)
            return cls.from_row_splits(values, splits, name="", validate=validate)

    @classmethod
    def from_row_starts(cls, values, row_starts, name=None, validate=True):
        with get_default_graph().name_scope(name or "RaggedFromRowStarts"):
            values = _values_tensor(values)
            row_starts = _splits_tensor(row_starts, "row_starts")
            nvals = _math.cast(_nvals(values), row_starts.dtype)
            splits = _array.concat([row_starts, _array.reshape(nvals, [1])], axis=0)
            return cls.from_row_splits(values, splits, name="", validate=validate)

    @classmethod
    def from_row_limits(cls, values, row_limits, name=None, validate=True):
        with get_default_graph().name_scope(name or "RaggedFromRowLimits"):
            values = _values_tensor(values)
            row_limits = _splits_tensor(row_limits, "row_limits")
            zero = _array.zeros([1], dtype=row_limits.dtype)
            splits = _array.concat([zero, row_limits], axis=0)
            return cls.from_row_splits(values, splits, name="", validate=validate)

    @classmethod
    def from_value_rowids(cls, values, value_rowids, nrows=None, name=None, validate=True):
        with get_default_graph().name_scope(name or "RaggedFromValueRowIds"):
            values = _values_tensor(values)
            value_rowids = _splits_tensor(value_rowids, "value_rowids")
            known = constant_value(value_rowids) if nrows is None else None
            if known is not None:
                nrows = int(np.max(known)) + 1 if np.size(known) else 0
            if nrows is None:
                last = _math.reduce_max(_array.concat(
                    [_array.constant([-1], dtype=value_rowids.dtype), value_rowids], axis=0))
                nrows = last + 1
            nrows = _math.cast(nrows, value_rowids.dtype)
            counts = _math.unsorted_segment_sum(_array.ones_like(value_rowids), value_rowids,
                                                nrows)
            return cls.from_row_lengths(values, counts, name="", validate=validate)

    @classmethod
    def from_nested_row_splits(cls, flat_values, nested_row_splits, name=None, validate=True):
        if isinstance(nested_row_splits, Tensor):
            raise TypeError("nested_row_splits must be a list of Tensors")
        with get_default_graph().name_scope(name or "RaggedFromNestedRowSplits"):
            result = flat_values
            for splits in reversed(list(nested_row_splits)):
                result = cls.from_row_splits(result, splits, validate=validate)
            return result

    @classmethod
    def from_nested_row_lengths(cls, flat_values, nested_row_lengths, name=None,
                                validate=True):
        with get_default_graph().name_scope(name or "RaggedFromNestedRowLengths"):
            result = flat_values
            for lengths in reversed(list(nested_row_lengths)):
                result = cls.from_row_lengths(result, lengths, validate=validate)
            return result

    @classmethod
    def from_tensor(cls, tensor, lengths=None, padding=None, ragged_rank=1, name=None):
        """Rows of a dense tensor, cut to ``lengths`` or with trailing ``padding`` dropped."""
        if lengths is not None and padding is not None:
            raise ValueError("Specify lengths or padding, but not both")
        if ragged_rank != 1:
            return cls._from_tensor_nested(tensor, lengths, padding, ragged_rank, name)
        with get_default_graph().name_scope(name or "RaggedFromTensor"):
            tensor = convert_to_tensor(tensor, name="tensor")
            if tensor.shape.ndims is not None and tensor.shape.ndims < 2:
                raise ValueError(f"tensor must have rank at least 2, got shape {tensor.shape}")
            dims = _array.shape(tensor, out_type=dtypes.int64)
            nrows = dims[0]
            ncols = dims[1]
            if padding is not None:
                padding = convert_to_tensor(padding, dtype=tensor.dtype, name="padding")
                keep = _math.not_equal(tensor, padding)
                rank = tensor.shape.ndims
                if rank is not None and rank > 2:
                    keep = _math.reduce_any(keep, axis=list(range(2, rank)))
                positions = _math.cast(_math.range(1, ncols + 1), dtypes.int64)
                marked = _array.where(keep, _array.broadcast_to(positions, _array.shape(
                    keep, out_type=dtypes.int64)), _array.zeros_like(keep, dtype=dtypes.int64))
                lengths = _math.reduce_max(marked, axis=1)
            elif lengths is None:
                lengths = _array.fill(_array.reshape(nrows, [1]), ncols)
            else:
                lengths = _math.cast(convert_to_tensor(lengths, name="lengths"), dtypes.int64)
            mask = sequence_mask(lengths, ncols)
            values = _array.boolean_mask(tensor, mask)
            return cls.from_row_lengths(values, lengths, name="")

    @classmethod
    def _from_tensor_nested(cls, tensor, lengths, padding, ragged_rank, name):
        """``from_tensor`` with ``ragged_rank > 1``: the outer ragged dimensions are the
        tensor's (every row full), the innermost one is cut by ``padding`` as with rank 1."""
        if not isinstance(ragged_rank, int | np.integer) or ragged_rank < 1:
            raise ValueError(f"ragged_rank must be greater than 0; got {ragged_rank}")
        if lengths is not None:
            raise NotImplementedError("smallflow's RaggedTensor.from_tensor takes lengths "
                                      "with ragged_rank=1 only")
        with get_default_graph().name_scope(name or "RaggedFromTensor"):
            tensor = convert_to_tensor(tensor, name="tensor")
            rank = tensor.shape.ndims
            if rank is None or rank <= ragged_rank:
                raise ValueError(f"ragged_rank={ragged_rank} must be less than the rank of "
                                 f"tensor, got shape {tensor.shape}")
            dims = _array.shape(tensor, out_type=dtypes.int64)
            merged = _array.reshape(tensor, _array.concat(
                [_array.constant([-1], dtype=dtypes.int64), dims[ragged_rank:]], axis=0))
            result = cls.from_tensor(merged, padding=padding, name="")
            static = tensor.shape.as_list()
            for level in range(ragged_rank - 1, 0, -1):
                if None not in static[: level + 1]:
                    # Known dimensions: constant splits, so the row count is static.
                    rows = int(np.prod(static[:level]))
                    splits = _array.constant(np.arange(rows + 1) * static[level],
                                             dtype=dtypes.int64)
                else:
                    rows = _math.reduce_prod(dims[:level])
                    splits = _math.range(rows + 1, dtype=dtypes.int64) * dims[level]
                result = cls.from_row_splits(result, splits, name="", validate=False)
            return result

    @classmethod
    def from_sparse(cls, st_input, name=None):
        """Rows of a 2-D SparseTensor whose indices are in row-major order with no gaps."""
        if not isinstance(st_input, SparseTensor):
            raise TypeError(f"st_input must be a SparseTensor, got {type(st_input).__name__}")
        with get_default_graph().name_scope(name or "RaggedFromSparse"):
            if st_input.indices.shape.ndims == 2 and st_input.indices.shape.as_list()[1] not in (
                    None, 2):
                raise ValueError("rank(st_input) must be 2")
            rowids = st_input.indices[:, 0]
            return cls.from_value_rowids(st_input.values, rowids, st_input.dense_shape[0],
                                         name="")

    # -- properties -------------------------------------------------------------------------
    @property
    def dtype(self):
        return self.flat_values.dtype

    @property
    def graph(self):
        return self.flat_values.graph

    @property
    def row_splits_dtype(self):
        return self._row_splits.dtype

    @property
    def shape(self):
        """``[nrows, None, ..., uniform dims]``: the row count when it is known statically."""
        splits = self._row_splits.shape.as_list()[0] if self._row_splits.shape.ndims else None
        nrows = None if splits is None else splits - 1
        inner = self.flat_values.shape
        inner_dims = inner.as_list()[1:] if inner.ndims is not None else None
        if inner_dims is None:
            return TensorShape(None)
        return TensorShape([nrows, *([None] * self.ragged_rank), *inner_dims])

    def get_shape(self):
        return self.shape

    def _fetch_parts(self):
        return [self.flat_values, *self.nested_row_splits]

    def _feed_parts(self, value):
        """The (tensor, value) feeds of feeding ``value`` to this RaggedTensor (a
        ``tf.ragged.placeholder``): flat values and row splits, level by level."""
        if not isinstance(value, RaggedTensorValue):
            raise TypeError(f"The value fed to a RaggedTensor must be a "
                            f"tf.ragged.RaggedTensorValue, got {type(value).__name__}")
        if value.ragged_rank != self.ragged_rank:
            raise ValueError(f"Cannot feed a RaggedTensorValue of ragged_rank "
                             f"{value.ragged_rank} to a RaggedTensor of ragged_rank "
                             f"{self.ragged_rank}")
        keys = [*self.nested_row_splits, self.flat_values]
        values = [*value.nested_row_splits, value.flat_values]
        return list(zip(keys, values, strict=True))

    # -- row partitions ---------------------------------------------------------------------
    def nrows(self, out_type=dtypes.int64, name=None):
        with get_default_graph().name_scope(name or "RaggedNRows"):
            static = self.shape.as_list()[0] if self.shape.ndims else None
            if static is not None:
                return _array.constant(static, dtype=out_type)
            size = _array.shape(self._row_splits, out_type=out_type)[0]
            return size - 1

    def row_starts(self, name=None):
        with get_default_graph().name_scope(name or "RaggedRowStarts"):
            return self._row_splits[:-1]

    def row_limits(self, name=None):
        with get_default_graph().name_scope(name or "RaggedRowLimits"):
            return self._row_splits[1:]

    def row_lengths(self, axis=1, name=None):
        if axis not in (1, -self.shape.ndims + 1 if self.shape.ndims else 1):
            if axis >= 2 and isinstance(self._values, RaggedTensor):
                return self.with_values(self._values.row_lengths(axis - 1))
            raise ValueError(f"axis={axis} is not a ragged dimension of this RaggedTensor")
        with get_default_graph().name_scope(name or "RaggedRowLengths"):
            return self._row_splits[1:] - self._row_splits[:-1]

    def nested_row_lengths(self, name=None):
        with get_default_graph().name_scope(name or "RaggedNestedRowLengths"):
            return tuple(splits[1:] - splits[:-1] for splits in self.nested_row_splits)

    def value_rowids(self, name=None):
        """The row of each value: ``[0, 0, 0, 0, 2, 2, 2, 3]`` for splits ``[0, 4, 4, 7, 8]``."""
        with get_default_graph().name_scope(name or "RaggedValueRowIds"):
            return row_splits_to_segment_ids(self._row_splits)

    def bounding_shape(self, axis=None, name=None, out_type=None):
        """The shape of the smallest dense tensor that holds this one: ``[nrows, longest row,
        ...]``, int64 unless ``out_type`` says otherwise."""
        out_type = out_type or self._row_splits.dtype
        with get_default_graph().name_scope(name or "RaggedBoundingBox"):
            dims = [_array.reshape(self.nrows(out_type=out_type), [1])]
            rt = self
            while isinstance(rt, RaggedTensor):
                lengths = rt.row_splits[1:] - rt.row_splits[:-1]
                longest = _math.reduce_max(_array.concat(
                    [_array.zeros([1], dtype=lengths.dtype), lengths], axis=0))
                dims.append(_array.reshape(_math.cast(longest, out_type), [1]))
                rt = rt.values
            inner = _math.cast(_array.shape(rt, out_type=dtypes.int64)[1:], out_type)
            shape = _array.concat([*dims, inner], axis=0)
            if axis is not None:
                return shape[axis]
            return shape

    # -- structure --------------------------------------------------------------------------
    def with_values(self, new_values):
        return RaggedTensor(new_values, self._row_splits, internal=True)

    def with_flat_values(self, new_values):
        if isinstance(self._values, RaggedTensor):
            return self.with_values(self._values.with_flat_values(new_values))
        return self.with_values(_values_tensor(new_values))

    def to_tensor(self, default_value=None, name=None):
        """A dense tensor of the bounding shape, rows padded with ``default_value`` (zero or
        the empty string by default)."""
        with get_default_graph().name_scope(name or "RaggedToTensor"):
            values = self._values
            if isinstance(values, RaggedTensor):
                values = values.to_tensor(default_value, name="")
            splits = _math.cast(self._row_splits, dtypes.int64)
            lengths = splits[1:] - splits[:-1]
            longest = _math.reduce_max(_array.concat(
                [_array.zeros([1], dtype=dtypes.int64), lengths], axis=0))
            if default_value is None:
                default_value = b"" if values.dtype == dtypes.string else 0
            default = convert_to_tensor(default_value, dtype=values.dtype, name="default_value")
            inner = _array.shape(values, out_type=dtypes.int64)[1:]
            padding_row = _array.fill(_array.concat([[1], inner], axis=0), default)
            # Each slot (row, column) takes value ``splits[row] + column`` or, past the row's
            # end, the padding row appended after the values.
            padded_values = _array.concat([values, padding_row], axis=0)
            columns = _math.range(longest, dtype=dtypes.int64)
            slots = _array.expand_dims(splits[:-1], 1) + _array.expand_dims(columns, 0)
            inside = _math.less(_array.expand_dims(columns, 0), _array.expand_dims(lengths, 1))
            past_end = _array.ones_like(slots) * _nvals(values)
            return _array.gather(padded_values, _array.where(inside, slots, past_end))

    def to_sparse(self, name=None):
        """A SparseTensor with one entry per value (rank ``ragged_rank + 1`` and up)."""
        if self.ragged_rank != 1 or self.flat_values.shape.ndims != 1:
            raise NotImplementedError("smallflow's RaggedTensor.to_sparse supports 2-D ragged "
                                      "tensors")
        with get_default_graph().name_scope(name or "RaggedToSparse"):
            rowids = _math.cast(row_splits_to_segment_ids(self._row_splits), dtypes.int64)
            splits = _math.cast(self._row_splits, dtypes.int64)
            columns = _math.range(_math.cast(_nvals(self._values), dtypes.int64),
                                  dtype=dtypes.int64) - _array.gather(splits, rowids)
            indices = _array.stack([rowids, columns], axis=1)
            shape = self.bounding_shape(out_type=dtypes.int64)
            return SparseTensor(indices, self._values, shape)

    def to_list(self):
        parts = self._fetch_parts()
        if all(hasattr(part, "numpy") for part in parts):  # eager: the parts hold values
            value = np.asarray(parts[0].numpy())
            for splits in reversed(parts[1:]):
                value = RaggedTensorValue(value, np.asarray(splits.numpy()))
            return value.to_list()
        raise ValueError("RaggedTensor.to_list() is only supported in eager mode; in graph "
                         "mode, evaluate the RaggedTensor first and use "
                         "RaggedTensorValue.to_list()")

    def eval(self, feed_dict=None, session=None):
        session = session or get_default_session()
        if session is None:
            raise ValueError("Cannot evaluate a RaggedTensor without a session: pass "
                             "session= or use `with sess.as_default():`")
        return session.run(self, feed_dict)

    def consumers(self):
        return [op for part in self._fetch_parts() for op in part.consumers()]

    def __repr__(self):
        return f"tf.RaggedTensor(values={self._values}, row_splits={self._row_splits})"

    __str__ = __repr__

    def __bool__(self):
        raise TypeError("RaggedTensor may not be used as a boolean.")

    def __iter__(self):
        raise TypeError("RaggedTensor objects are only iterable in eager mode.")

    # -- ops (ragged_ops.py implements them; imported late to keep this file the class) ----
    def __getitem__(self, key):
        from .ragged_getitem import ragged_getitem
        return ragged_getitem(self, key)

    def _dispatch_op(self, api_name, *args, **kwargs):
        from .ragged_ops import dispatch
        return dispatch(api_name, *args, **kwargs)


def row_splits_to_segment_ids(splits, name=None, out_type=None):
    """The row id of each value: row ``i`` repeated ``splits[i+1] - splits[i]`` times."""
    with get_default_graph().name_scope(name or "RaggedSplitsToSegmentIds"):
        splits = _splits_tensor(splits, "splits")
        out_type = out_type or splits.dtype
        # Value j belongs to the row whose limit is the first one above j.
        nvals = splits[-1]
        return searchsorted(splits[1:], _math.range(nvals, dtype=splits.dtype), side="right",
                            out_type=out_type)
