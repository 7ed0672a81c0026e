"""``tf.sets``: set operations along the last dimension (TensorFlow 1.x's set ops).

A rank-n tensor is a batch of sets: each vector along its last dimension is one set (every
value counts, duplicates once). A SparseTensor is a batch of sets too, each set being the
values present in one row of its last dimension. ``set_intersection``/``union``/
``difference`` return a SparseTensor whose rows hold each result set's values in ascending
order, with a dense shape of the batch dimensions and the largest result's size (the ops
``DenseToDenseSetOperation``, ``DenseToSparseSetOperation``, ``SparseToSparseSetOperation``);
``set_size`` counts the distinct values of each set of a SparseTensor (``SetSize``).
Integers of up to 64 bits and strings are accepted, as in TensorFlow; a sparse first
argument with a dense second is turned around (a difference then swaps its sides), as
TensorFlow does.
"""

import itertools

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor
from ..op_signature import signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape
from .common import make_op
from .sparse_tensor import SparseTensor, SparseTensorValue

__all__ = ["set_difference", "set_intersection", "set_size", "set_union"]

_VALID = (dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64, dtypes.uint8, dtypes.uint16,
          dtypes.string)


def _dense_sets(array):
    """{batch index tuple: set} of a dense array (its last axis holds the sets)."""
    array = np.asarray(array)
    if array.ndim < 2:
        raise InvalidArgumentError(None, None, f"Expected rank >= 2, got {array.ndim}.")
    sets = {}
    for index in itertools.product(*(range(n) for n in array.shape[:-1])):
        sets[index] = set(array[index].tolist())
    return sets, tuple(array.shape[:-1])


def _sparse_sets(indices, values, shape, validate):
    indices = np.asarray(indices, dtype=np.int64).reshape(-1, np.size(shape))
    shape = tuple(int(d) for d in np.asarray(shape))
    if len(shape) < 2:
        raise InvalidArgumentError(None, None, f"Expected rank >= 2, got {len(shape)}.")
    if validate and len(indices) > 1:
        flat = np.ravel_multi_index(indices.T, shape)
        if np.any(np.diff(flat) <= 0):
            raise InvalidArgumentError(None, None, "indices are not in row-major order (or "
                                                   "repeat); set validate_indices=False only "
                                                   "for sorted, unique indices")
    sets = {}
    for row, value in zip(indices, np.asarray(values).tolist()):
        sets.setdefault(tuple(int(i) for i in row[:-1]), set()).add(value)
    return sets, shape[:-1]


def _combine(first, second, operation):
    (a_sets, a_batch), (b_sets, b_batch) = first, second
    if a_batch != b_batch:
        raise InvalidArgumentError(None, None, f"Shapes of the two sets differ in their "
                                               f"batch dimensions: {list(a_batch)} vs "
                                               f"{list(b_batch)}")
    result = {}
    for index in itertools.product(*(range(n) for n in a_batch)):
        a, b = a_sets.get(index, set()), b_sets.get(index, set())
        if operation == "intersection":
            members = a & b
        elif operation == "union":
            members = a | b
        elif operation == "a-b":
            members = a - b
        else:
            members = b - a
        if members:
            result[index] = sorted(members)
    return result, a_batch


def _as_sparse(result, batch, np_dtype):
    sets, _ = result
    width = max((len(v) for v in sets.values()), default=0)
    rows = [(*index, column) for index in sorted(sets) for column in range(len(sets[index]))]
    values = [value for index in sorted(sets) for value in sets[index]]
    indices = np.array(rows, dtype=np.int64).reshape(-1, len(batch) + 1)
    if np_dtype.kind == "O":
        out = np.empty(len(values), dtype=object)
        out[:] = values
    else:
        out = np.array(values, dtype=np_dtype)
    return indices, out, np.array([*batch, width], dtype=np.int64)


def _kernel(kind):
    def build(attrs):
        operation, validate = attrs["set_operation"], attrs["validate_indices"]

        def run(*inputs):
            np_dtype = np.asarray(inputs[0]).dtype if kind != "sparse_sparse" else \
                np.asarray(inputs[1]).dtype
            if kind == "dense_dense":
                first, second = _dense_sets(inputs[0]), _dense_sets(inputs[1])
            elif kind == "dense_sparse":
                first = _dense_sets(inputs[0])
                second = _sparse_sets(*inputs[1:4], validate)
            else:
                first = _sparse_sets(*inputs[0:3], validate)
                second = _sparse_sets(*inputs[3:6], validate)
            result = _combine(first, second, operation)
            return _as_sparse(result, result[1], np_dtype)

        return run

    return build


def _set_shapes(op):
    # The result's rank is the inputs' rank: the first operand's dense shape (a sparse one's
    # dense_shape vector has as many entries as it has dimensions).
    if op.type == "SparseToSparseSetOperation":
        rank = op.inputs[2].shape.as_list()[0] if op.inputs[2].shape.ndims == 1 else None
    else:
        rank = op.inputs[0].shape.ndims
    return [TensorShape([None, rank]), TensorShape([None]), TensorShape([rank])]


_RESULT = "result_indices: int64, result_values: T, result_shape: int64"
_SIGNATURES = {
    "dense_dense": f"set1: T, set2: T -> {_RESULT}",
    "dense_sparse": f"set1: T, set2_indices: int64, set2_values: T, set2_shape: int64 -> "
                    f"{_RESULT}",
    "sparse_sparse": f"set1_indices: int64, set1_values: T, set1_shape: int64, "
                     f"set2_indices: int64, set2_values: T, set2_shape: int64 -> {_RESULT}",
}
for _name, _kind in (("DenseToDenseSetOperation", "dense_dense"),
                     ("DenseToSparseSetOperation", "dense_sparse"),
                     ("SparseToSparseSetOperation", "sparse_sparse")):
    register_op(_name, _kernel(_kind), _set_shapes,
                signature=signature(_SIGNATURES[_kind], T=_VALID))
    NotDifferentiable(_name)


def _set_size_kernel(attrs):
    validate = attrs["validate_indices"]

    def run(indices, values, shape):
        sets, batch = _sparse_sets(indices, values, shape, validate)
        out = np.zeros(batch, dtype=np.int32)
        for index, members in sets.items():
            out[index] = len(members)
        return out

    return run


def _set_size_shape(op):
    # TensorFlow's SetSize gives no static shape, even for a constant dense shape.
    return [TensorShape(None)]


register_op("SetSize", _set_size_kernel, _set_size_shape,
            signature=signature("set_indices: int64, set_values: T, set_shape: int64 -> "
                                "size: int32", T=_VALID))
NotDifferentiable("SetSize")


def _convert(value, name):
    if isinstance(value, SparseTensorValue):
        value = SparseTensor.from_value(value)
    if not isinstance(value, SparseTensor):
        value = convert_to_tensor(value, name=name)
    return value


def _operands(a, b):
    a = _convert(a, "a")
    if a.dtype.base_dtype not in _VALID:
        raise TypeError(f"'a' invalid dtype {a.dtype}.")
    b = _convert(b, "b")
    if b.dtype.base_dtype != a.dtype.base_dtype:
        raise TypeError(f"Types don't match, {a.dtype} vs {b.dtype}.")
    if isinstance(a, SparseTensor) and not isinstance(b, SparseTensor):
        return b, a, True
    return a, b, False


def _operation(a, b, operation, validate_indices, name):
    attrs = {"set_operation": operation, "validate_indices": bool(validate_indices),
             "T": a.dtype.base_dtype}
    out = [dtypes.int64, a.dtype.base_dtype, dtypes.int64]
    if isinstance(a, SparseTensor):
        op = make_op("SparseToSparseSetOperation",
                     [a.indices, a.values, a.dense_shape, b.indices, b.values, b.dense_shape],
                     out, attrs, name)
    elif isinstance(b, SparseTensor):
        op = make_op("DenseToSparseSetOperation", [a, b.indices, b.values, b.dense_shape],
                     out, attrs, name)
    else:
        op = make_op("DenseToDenseSetOperation", [a, b], out, attrs, name)
    return SparseTensor(*op.outputs)


def set_size(a, validate_indices=True):
    """The number of distinct values of each set (last dimension) of the SparseTensor ``a``."""
    a = _convert(a, "a")
    if not isinstance(a, SparseTensor):
        raise TypeError(f"Expected `SparseTensor`, got {a}.")
    if a.values.dtype.base_dtype not in _VALID:
        raise TypeError(f"Invalid dtype {a.values.dtype}.")
    op = make_op("SetSize", [a.indices, a.values, a.dense_shape], [dtypes.int32],
                 {"validate_indices": bool(validate_indices), "T": a.dtype.base_dtype}, None)
    return op.outputs[0]


def set_intersection(a, b, validate_indices=True):
    """The values in both ``a`` and ``b`` (each a Tensor or SparseTensor), set by set."""
    a, b, _ = _operands(a, b)
    return _operation(a, b, "intersection", validate_indices, None)


def set_union(a, b, validate_indices=True):
    """The values in ``a`` or ``b``, set by set."""
    a, b, _ = _operands(a, b)
    return _operation(a, b, "union", validate_indices, None)


def set_difference(a, b, aminusb=True, validate_indices=True):
    """The values of ``a`` not in ``b`` (``aminusb=False``: of ``b`` not in ``a``)."""
    a, b, flipped = _operands(a, b)
    if flipped:
        aminusb = not aminusb
    return _operation(a, b, "a-b" if aminusb else "b-a", validate_indices, None)

