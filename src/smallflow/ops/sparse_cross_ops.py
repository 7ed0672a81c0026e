"""``tf.sparse.cross`` and ``tf.sparse.cross_hashed``: TensorFlow's ``SparseCross`` op.

For each example (row), every combination of one value from each input, the last input
varying fastest. Sparse inputs come first, dense (``[batch, n]``) ones after them, as
TensorFlow's kernel takes them. ``cross`` joins the values' text with ``_X_``; the hashed
form chains FarmHash fingerprints with ``FingerprintCat64`` from the hash key (strings by
their Fingerprint64, integers as themselves) and takes the result modulo ``num_buckets``
(modulo the largest int64 when it is 0).
"""

import itertools

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor, name_scope
from ..op_signature import signature, type_list
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape
from .common import make_op
from .sparse_tensor import SparseTensor
from .string_hash_ops import fingerprint64

__all__ = ["fingerprint_cat64", "sparse_cross", "sparse_cross_hashed"]

_MASK64 = (1 << 64) - 1
_DEFAULT_HASH_KEY = 0xDECAFCAFFE  # TensorFlow's key when none is given
_INT64_MAX = (1 << 63) - 1


def _shift_mix(value):
    return value ^ (value >> 47)


def fingerprint_cat64(first, second):
    """FarmHash's FingerprintCat64: two 64-bit fingerprints combined into one."""
    mul = 0xC6A4A7935BD1E995
    result = first ^ mul
    result ^= (_shift_mix((second * mul) & _MASK64) * mul) & _MASK64
    result = (result * mul) & _MASK64
    result = (_shift_mix(result) * mul) & _MASK64
    return _shift_mix(result)


def _as_bytes(value):
    return value if isinstance(value, bytes) else str(value).encode()


def _hash_feature(value):
    if isinstance(value, bytes | str):
        return fingerprint64(_as_bytes(value))
    return int(value) & _MASK64


def _cross_kernel(attrs):
    count = attrs["N"]
    hashed = attrs["hashed_output"]
    buckets = attrs["num_buckets"]
    key = attrs["hash_key"]

    def cross(*inputs):
        indices = inputs[:count]
        values = inputs[count:2 * count]
        shapes = inputs[2 * count:3 * count]
        dense = inputs[3 * count:]
        batch = int(shapes[0][0]) if count else (dense[0].shape[0] if dense else 0)
        columns = []
        for idx, val in zip(indices, values):
            rows = [[] for _ in range(batch)]
            for (row, _), item in zip(np.asarray(idx).reshape(-1, 2), val):
                rows[int(row)].append(item)
            columns.append(rows)
        for matrix in dense:
            columns.append([list(matrix[row]) for row in range(batch)])
        out_indices, out_values = [], []
        width = 0
        for row in range(batch):
            crosses = []
            for combo in itertools.product(*(column[row] for column in columns)):
                if hashed:
                    value = key
                    for item in combo:
                        value = fingerprint_cat64(value, _hash_feature(item))
                    crosses.append(value % buckets if buckets > 0 else value % _INT64_MAX)
                else:
                    crosses.append(b"_X_".join(_as_bytes(item.item() if isinstance(
                        item, np.generic) and not isinstance(item, np.bytes_) else item)
                        for item in combo))
            width = max(width, len(crosses))
            out_indices.extend([row, i] for i in range(len(crosses)))
            out_values.extend(crosses)
        out_type = np.int64 if hashed else object
        return (np.array(out_indices, dtype=np.int64).reshape(-1, 2),
                np.array(out_values, dtype=out_type).reshape(-1),
                np.array([batch, width], dtype=np.int64))

    return cross


def _cross_shapes(op):
    return [TensorShape([None, 2]), TensorShape([None]), TensorShape([2])]


# TensorFlow's op has four input lists (sparse indices, values, shapes, dense inputs); they
# are declared here as one list of int64 and string tensors, split by the attr N.
register_op("SparseCross", _cross_kernel, _cross_shapes,
            signature=signature(
                "inputs: Tin -> output_indices: int64, output_values: out_type, "
                "output_shape: int64", Tin=type_list((dtypes.int64, dtypes.string)),
                out_type=(dtypes.int64, dtypes.string)))
NotDifferentiable("SparseCross")


def _cross(inputs, hashed, num_buckets, hash_key, name, default_name):
    if not isinstance(inputs, list | tuple):
        raise TypeError("Inputs must be a list")
    if not inputs:
        raise ValueError("Inputs must not be empty")
    sparse = [value for value in inputs if isinstance(value, SparseTensor)]
    with name_scope(name or default_name):
        dense = [convert_to_tensor(value) for value in inputs
                 if not isinstance(value, SparseTensor)]
        for tensor in dense:
            if tensor.shape.ndims not in (None, 2):
                raise ValueError(f"Dense inputs of a cross must be [batch, n] matrices, got "
                                 f"shape {tensor.shape}")
        strings = [v.values.dtype == dtypes.string for v in sparse] + [
            t.dtype == dtypes.string for t in dense]
        if not all(strings):  # integers cross as int64 (TensorFlow casts them)
            from .constant_op import cast

            sparse = [v if v.values.dtype in (dtypes.string, dtypes.int64) else
                      SparseTensor(v.indices, cast(v.values, dtypes.int64), v.dense_shape)
                      for v in sparse]
            dense = [t if t.dtype in (dtypes.string, dtypes.int64) else cast(t, dtypes.int64)
                     for t in dense]
        internal = dtypes.string if all(strings) else dtypes.int64
        out_type = dtypes.int64 if hashed else dtypes.string
        attrs = {"N": len(sparse), "hashed_output": hashed, "num_buckets": int(num_buckets),
                 "hash_key": _DEFAULT_HASH_KEY if hash_key is None else int(hash_key),
                 "out_type": out_type, "internal_type": internal}
        op = make_op("SparseCross", [*(v.indices for v in sparse), *(v.values for v in sparse),
                                     *(v.dense_shape for v in sparse), *dense],
                     [dtypes.int64, out_type, dtypes.int64], attrs, name or "SparseCross")
        return SparseTensor(*op.outputs)


def sparse_cross(inputs, name=None):
    """The string crosses (``a_X_b``) of the values of ``inputs`` row by row."""
    return _cross(inputs, False, 0, None, name, "SparseCross")


def sparse_cross_hashed(inputs, num_buckets=0, hash_key=None, name=None):
    """The hashed crosses of the values of ``inputs`` row by row."""
    if num_buckets < 0:
        raise InvalidArgumentError(None, None, "num_buckets must be non-negative")
    return _cross(inputs, True, num_buckets, hash_key, name, "SparseCross")
