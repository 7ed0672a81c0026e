"""``parse_example`` / ``parse_single_example``: ``tf.train.Example`` records to tensors.

``FixedLenFeature(shape, dtype, default_value)`` gives a dense tensor per example (the
default when the feature is absent; an error when it is absent without a default);
``VarLenFeature(dtype)`` gives a ``SparseTensor`` (``indices``, ``values``,
``dense_shape``) of however many values each example has.
"""

import collections

import numpy as np

from .. import dtypes, errors
from ..example_proto import messages
from ..graph import Tensor, convert_to_tensor, name_scope
from ..op_signature import signature, type_list
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, as_shape
from .common import constant_value, make_op
from .sparse_tensor import SparseTensor, SparseTensorValue  # noqa: F401

__all__ = ["FixedLenFeature", "SparseTensor", "VarLenFeature", "parse_example",
           "parse_single_example"]


class FixedLenFeature(collections.namedtuple("FixedLenFeature",
                                             ["shape", "dtype", "default_value"])):
    """A feature with ``shape`` values of ``dtype`` in every example."""

    def __new__(cls, shape, dtype, default_value=None):
        return super().__new__(cls, shape, dtype, default_value)


class VarLenFeature(collections.namedtuple("VarLenFeature", ["dtype"])):
    """A feature with any number of values of ``dtype``: parsed into a SparseTensor."""


# SparseTensor lives in sparse_tensor.py; kept importable from here.

_KINDS = {dtypes.int64: "int64_list", dtypes.float32: "float_list"}


def _kind(dtype):
    if dtype == dtypes.string:
        return "bytes_list"
    if dtype not in _KINDS:
        raise ValueError(f"Unsupported dtype {dtype.name} for a feature: use tf.int64, "
                         "tf.float32 or tf.string")
    return _KINDS[dtype]


def _values(example, key, dtype):
    """The values of feature ``key`` (None if absent), checked to be of the right list kind."""
    feature_map = example.features.feature
    if key not in feature_map:
        return None
    feature = feature_map[key]
    kind = feature.WhichOneof("kind")
    if kind is None:
        return []
    if kind != _kind(dtype):
        raise errors.InvalidArgumentError(
            None, None, f"Name: <unknown>, Key: {key}, Index: 0.  Data types don't match. "
            f"Expected type: {dtype.name}, Feature is: {kind}")
    return list(getattr(feature, kind).value)


def _parse_kernel(attrs):
    dense = attrs["_py_dense"]
    sparse = attrs["_py_sparse"]
    single = attrs["single"]

    def parse(serialized):
        records = np.asarray(serialized, dtype=object).reshape(-1)
        Example = messages().Example  # noqa: N806 - a class
        parsed = []
        for record in records:
            example = Example()
            try:
                example.ParseFromString(bytes(record))
            except Exception:  # noqa: BLE001 - protobuf's DecodeError and friends
                raise errors.InvalidArgumentError(
                    None, None, f"Could not parse example input, value: {record!r:.60}"
                    ) from None
            parsed.append(example)
        outputs = []
        for key, dtype, shape, default in dense:
            rows = []
            for index, example in enumerate(parsed):
                values = _values(example, key, dtype)
                if values is None:
                    if default is None:
                        raise errors.InvalidArgumentError(
                            None, None, f"Name: <unknown>, Feature: {key} (data type: "
                            f"{dtype.name}) is required but could not be found.")
                    rows.append(np.broadcast_to(default, shape))
                    continue
                size = int(np.prod(shape))
                if len(values) != size:
                    raise errors.InvalidArgumentError(
                        None, None, f"Name: <unknown>, Key: {key}, Index: {index}.  Number of "
                        f"{'bytes' if dtype == dtypes.string else 'values'} values != "
                        f"expected.  values size: {len(values)} but output shape: "
                        f"{list(shape)}")
                rows.append(np.array(values, dtype=_np(dtype)).reshape(shape))
            stacked = np.empty((len(rows), *shape), dtype=_np(dtype))
            for row, value in enumerate(rows):
                # ``[row, ...]``: a scalar feature's 0-d row is copied in, not stored whole
                # as one object.
                stacked[row, ...] = value
            # ``[0, ...]`` keeps a 0-d array (a bare bytes object for a scalar string).
            outputs.append(stacked[0, ...] if single else stacked)
        for key, dtype in sparse:
            indices, values = [], []
            longest = 0
            for row, example in enumerate(parsed):
                found = _values(example, key, dtype) or []
                longest = max(longest, len(found))
                for column, value in enumerate(found):
                    indices.append([column] if single else [row, column])
                    values.append(value)
            value_array = np.empty(len(values), dtype=_np(dtype))
            value_array[:] = values
            rank = 1 if single else 2
            index_array = np.array(indices, dtype=np.int64).reshape(-1, rank)
            shape = [longest] if single else [len(parsed), longest]
            outputs.extend([index_array, value_array, np.array(shape, dtype=np.int64)])
        return tuple(outputs) if len(outputs) != 1 else outputs[0]

    return parse


def _np(dtype):
    return object if dtype == dtypes.string else dtype.as_numpy_dtype


def _parse_shapes(op):
    single = op.attrs["single"]
    # The batch is the length of a vector of records, when that is known when built.
    serialized = op.inputs[0].shape
    batch = serialized.as_list()[0] if serialized.ndims == 1 else None
    shapes = []
    for _, _, shape, _ in op.attrs["_py_dense"]:
        shapes.append(TensorShape(list(shape)) if single else TensorShape([batch, *shape]))
    for _ in op.attrs["_py_sparse"]:
        rank = 1 if single else 2
        shapes.extend([TensorShape([None, rank]), TensorShape([None]), TensorShape([rank])])
    return shapes


# TensorFlow's dense_values, sparse_indices, sparse_values and sparse_shapes as one list:
# every element is float32, int64 or string.
register_op("ParseExample", _parse_kernel, _parse_shapes,
            signature=signature("serialized: string -> outputs: Tout",
                                Tout=type_list((dtypes.float32, dtypes.int64, dtypes.string))))
NotDifferentiable("ParseExample")


def _default_value(key, value):
    """A FixedLenFeature default: a Python/NumPy value, or a tensor whose value is known when
    the graph is built (TF-Slim's datasets pass ``tf.zeros([1], dtype=tf.int64)``)."""
    if not isinstance(value, Tensor):
        return value
    known = constant_value(value)
    if known is None:
        raise ValueError(f"The default_value of FixedLenFeature {key!r} is the tensor "
                         f"{value.name}, whose value is not known when the graph is built; "
                         f"smallflow needs a constant default")
    return known


def _parse(serialized, features, single, name):
    if not features:
        raise ValueError("Missing: features was empty.")
    dense, sparse, out_types = [], [], []
    for key in sorted(features):
        spec = features[key]
        dtype = dtypes.as_dtype(spec.dtype)
        _kind(dtype)
        if isinstance(spec, FixedLenFeature):
            shape = tuple(as_shape(spec.shape).as_list())
            if None in shape:
                raise ValueError(f"FixedLenFeature {key!r} needs a fully defined shape, "
                                 f"got {spec.shape}")
            default = None
            if spec.default_value is not None:
                default = np.asarray(_default_value(key, spec.default_value), dtype=_np(dtype))
                if dtype == dtypes.string:
                    # Strings are bytes in tensors, as TensorFlow converts the default.
                    default = np.vectorize(lambda v: v.encode() if isinstance(v, str) else v,
                                           otypes=[object])(default)
                default = np.broadcast_to(default, shape)
            dense.append((key, dtype, shape, default))
        elif isinstance(spec, VarLenFeature):
            sparse.append((key, dtype))
        else:
            raise ValueError(f"Unsupported feature spec for {key!r}: {spec!r}")
    out_types = [d[1] for d in dense]
    for _, dtype in sparse:
        out_types.extend([dtypes.int64, dtype, dtypes.int64])
    with name_scope(name or ("ParseSingleExample" if single else "ParseExample")):
        serialized = convert_to_tensor(serialized, dtype=dtypes.string, name="serialized")
        if single and serialized.shape.ndims not in (None, 0):
            raise ValueError(f"parse_single_example needs a scalar string, got shape "
                             f"{serialized.shape}")
        op = make_op("ParseExample", [serialized], out_types,
                     {"_py_dense": dense, "_py_sparse": sparse, "single": single,
                      "Tout": out_types}, "ParseExample")
    outputs = list(op.outputs) if len(op.outputs) != 1 else [op.outputs[0]]
    # TensorFlow's dict holds the sparse features first, then the dense ones (each sorted):
    # the order a program sees when it iterates over the result.
    result = {}
    rest = outputs[len(dense):]
    for index, (key, _) in enumerate(sparse):
        result[key] = SparseTensor(*rest[3 * index:3 * index + 3])
    for (key, *_), tensor in zip(dense, outputs):
        result[key] = tensor
    return result


def parse_example(serialized, features, name=None, example_names=None):
    """Parse a vector of serialized Examples: each dense feature gets a leading batch axis."""
    return _parse(serialized, features, single=False, name=name)


def parse_single_example(serialized, features, name=None, example_names=None):
    """Parse one serialized Example (a string scalar) into a dict of tensors."""
    return _parse(serialized, features, single=True, name=name)
