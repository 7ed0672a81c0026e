"""``serialize_sparse``, ``serialize_many_sparse``, ``deserialize_many_sparse``: SparseTensors
as string tensors of serialized TensorProtos (indices, values, dense shape), TensorFlow's
bytes (written by io_extra_ops' TensorProto encoder)."""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor, name_scope
from ..op_signature import ALL, signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape
from .common import make_op
from .io_extra_ops import parse_array, serialize_array
from .sparse_tensor import SparseTensor


def _triple(indices, values, shape):
    out = np.empty(3, dtype=object)
    out[:] = [serialize_array(np.asarray(indices, np.int64)), serialize_array(values),
              serialize_array(np.asarray(shape, np.int64))]
    return out


def _serialize_sparse_kernel(attrs):
    return _triple


def _serialize_many_kernel(attrs):
    def serialize_many(indices, values, shape):
        if len(shape) < 2:
            raise InvalidArgumentError(None, None, f"Rank of input SparseTensor should be > "
                                                   f"1, but saw rank: {len(shape)}")
        _check_order(indices)
        rows = np.empty((int(shape[0]), 3), dtype=object)
        for batch in range(len(rows)):
            chosen = np.flatnonzero(indices[:, 0] == batch)
            rows[batch] = _triple(indices[chosen][:, 1:], values[chosen], shape[1:])
        return rows

    return serialize_many


def _check_order(indices):
    """TensorFlow's check: entries in strictly increasing row-major order of their indices."""
    for row in range(1, len(indices)):
        if tuple(indices[row]) <= tuple(indices[row - 1]):
            shown = ",".join(str(int(v)) for v in indices[row])
            raise InvalidArgumentError(None, None, f"indices[{row}] = [{shown}] is out of "
                                                   f"order. Many sparse ops require sorted "
                                                   f"indices.\n    Use `tf.sparse.reorder` "
                                                   f"to create a correctly ordered copy.\n\n")


_SPARSE_INPUTS = "sparse_indices: int64, sparse_values: T, sparse_shape: int64"
register_op("SerializeSparse", _serialize_sparse_kernel, lambda op: [TensorShape([3])],
            signature=signature(f"{_SPARSE_INPUTS} -> serialized_sparse: string", T=ALL))
register_op("SerializeManySparse", _serialize_many_kernel,
            lambda op: [TensorShape([None, 3])],
            signature=signature(f"{_SPARSE_INPUTS} -> serialized_sparse: string", T=ALL))
NotDifferentiable("SerializeSparse")
NotDifferentiable("SerializeManySparse")


def _sparse_parts(sp_input):
    for part in ("indices", "values", "dense_shape"):
        if not hasattr(sp_input, part):
            raise TypeError(f"Input must be a SparseTensor, got {type(sp_input).__name__}")
    return (convert_to_tensor(sp_input.indices, dtype=dtypes.int64, name="sparse_indices"),
            convert_to_tensor(sp_input.values, name="sparse_values"),
            convert_to_tensor(sp_input.dense_shape, dtype=dtypes.int64, name="sparse_shape"))


def _serialize(op_type, sp_input, out_type, name):
    if dtypes.as_dtype(out_type) != dtypes.string:
        raise TypeError(f"out_type {out_type!r}: smallflow serializes SparseTensors as "
                        f"strings only (tf.string)")
    with name_scope(name, op_type, []) as scope:
        parts = _sparse_parts(sp_input)
        return make_op(op_type, list(parts), [dtypes.string], None, scope).outputs[0]


def serialize_sparse(sp_input, name=None, out_type=dtypes.string):
    """A SparseTensor as a string vector of three serialized TensorProtos."""
    return _serialize("SerializeSparse", sp_input, out_type, name)


def serialize_many_sparse(sp_input, name=None, out_type=dtypes.string):
    """A rank >= 2 SparseTensor as ``[N, 3]`` strings: one serialized SparseTensor per entry
    of its first dimension (which the entries lose)."""
    return _serialize("SerializeManySparse", sp_input, out_type, name)


def _deserialize_many_kernel(attrs):
    dtype = attrs["dtype"]

    def deserialize(serialized):
        if serialized.ndim != 2 or serialized.shape[1] != 3:
            raise InvalidArgumentError(None, None, f"Serialized sparse should be a matrix "
                                                   f"with 3 columns, got shape "
                                                   f"{list(serialized.shape)}")
        all_indices, all_values, shapes = [], [], []
        for batch, row in enumerate(serialized):
            try:
                (indices, _), (values, value_type), (shape, _) = (
                    parse_array(bytes(item)) for item in row)
            except ValueError as err:
                raise InvalidArgumentError(None, None, f"Could not parse serialized sparse "
                                                       f"tensor {batch}: {err}") from None
            if value_type != dtype.name:
                raise InvalidArgumentError(None, None, f"Requested SparseTensor of type "
                                                       f"{dtype.name} but SparseTensor[{batch}]"
                                                       f".values.dtype() == {value_type}")
            batch_column = np.full((len(indices), 1), batch, np.int64)
            all_indices.append(np.hstack([batch_column, indices.reshape(len(indices),
                                                                        len(shape))]))
            all_values.append(values)
            shapes.append(shape)
        ranks = {len(s) for s in shapes}
        if len(ranks) > 1:
            raise InvalidArgumentError(None, None, "Inconsistent rank across SparseTensors")
        rank = ranks.pop() if ranks else 0
        indices = (np.vstack(all_indices) if all_indices else
                   np.zeros((0, rank + 1), np.int64))
        values = (np.concatenate(all_values) if all_values else
                  np.zeros(0, dtype.as_numpy_dtype if dtype != dtypes.string else object))
        dense = np.max(np.stack(shapes), axis=0) if shapes else np.zeros(rank, np.int64)
        return indices, values, np.concatenate([[len(serialized)], dense]).astype(np.int64)

    return deserialize


def _deserialize_shapes(op):
    rank = op.attrs.get("rank")
    width = None if rank is None else rank
    return [TensorShape([None, width]), TensorShape([None]), TensorShape([width])]


register_op("DeserializeManySparse", _deserialize_many_kernel, _deserialize_shapes,
            signature=signature("serialized_sparse: string -> sparse_indices: int64, "
                                "sparse_values: dtype, sparse_shape: int64", dtype=ALL))
NotDifferentiable("DeserializeManySparse")


def deserialize_many_sparse(serialized_sparse, dtype, rank=None, name=None):
    """``[N, 3]`` serialized SparseTensors (of ``dtype``) joined into one SparseTensor whose
    first dimension is N and whose other sizes are the largest of the parts."""
    x = convert_to_tensor(serialized_sparse, dtype=dtypes.string, name="serialized_sparse")
    dtype = dtypes.as_dtype(dtype).base_dtype
    attrs = {"dtype": dtype, "rank": rank}
    op = make_op("DeserializeManySparse", [x], [dtypes.int64, dtype, dtypes.int64], attrs,
                 name)
    return SparseTensor(*op.outputs)

