"""``parse_single_sequence_example`` / ``parse_sequence_example``: ``tf.train.SequenceExample``
records to tensors. Context features parse as in ``parse_example``; sequence features
(``FixedLenSequenceFeature``: one value block per step, dense ``[steps, *shape]``;
``VarLenFeature``: a SparseTensor ``[steps, longest]``) come from the feature lists."""

import collections

import numpy as np

from .. import dtypes, errors
from ..example_proto import messages
from ..graph import convert_to_tensor, name_scope
from ..op_signature import signature, type_list
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, as_shape
from .common import make_op
from .parsing_ops import FixedLenFeature, VarLenFeature
from .sparse_tensor import SparseTensor

_KINDS = {dtypes.int64: "int64_list", dtypes.float32: "float_list", dtypes.string: "bytes_list"}


class FixedLenSequenceFeature(collections.namedtuple(
        "FixedLenSequenceFeature", ["shape", "dtype", "allow_missing", "default_value"])):
    """A sequence feature with ``shape`` values of ``dtype`` at every step."""

    def __new__(cls, shape, dtype, allow_missing=False, default_value=None):
        return super().__new__(cls, shape, dtype, allow_missing, default_value)


def _np(dtype):
    return object if dtype == dtypes.string else dtype.as_numpy_dtype


def _kind(dtype):
    if dtype not in _KINDS:
        raise ValueError(f"Unsupported dtype {dtype.name} for a feature: use tf.int64, "
                         "tf.float32 or tf.string")
    return _KINDS[dtype]


def _feature_values(feature, key, dtype, where):
    kind = feature.WhichOneof("kind")
    if kind is None:
        return []
    if kind != _kind(dtype):
        raise errors.InvalidArgumentError(
            None, None, f"Name: <unknown>, {where}: {key}, Index: 0.  Data types don't match. "
            f"Expected type: {dtype.name}, Feature is: {kind}")
    return list(getattr(feature, kind).value)


def _context(single, spec, batch):
    """Outputs of the context features of each record (``batch``: a list of records)."""
    out = []
    for key, kind, dtype, shape, default in spec:
        if kind == "dense":
            rows = []
            for record in batch:
                found = record.context.feature.get(key, None)
                if found is None:
                    if default is None:
                        raise errors.InvalidArgumentError(
                            None, None, f"Name: <unknown>, Context feature '{key}' is required "
                            f"but could not be found.")
                    rows.append(np.broadcast_to(default, shape))
                    continue
                values = _feature_values(found, key, dtype, "Key")
                if len(values) != int(np.prod(shape)):
                    raise errors.InvalidArgumentError(
                        None, None, f"Name: <unknown>, Key: {key}, Index: 0.  Number of values "
                        f"!= expected.  values size: {len(values)} but output shape: "
                        f"{list(shape)}")
                rows.append(np.array(values, dtype=_np(dtype)).reshape(shape))
            out.append(_stack(rows, shape, dtype, single))
        else:
            lists = [_feature_values(record.context.feature[key], key, dtype, "Key")
                     if key in record.context.feature else [] for record in batch]
            out.extend(_sparse([[values] for values in lists], dtype, single, steps=False))
    return out


def _stack(rows, shape, dtype, single):
    stacked = np.empty((len(rows), *shape), dtype=_np(dtype))
    for index, value in enumerate(rows):
        stacked[index] = value
    return stacked[0] if single else stacked


def _sparse(per_record, dtype, single, steps=True):
    """SparseTensor parts of lists of value lists (per record, per step)."""
    indices, values = [], []
    longest_steps = max((len(r) for r in per_record), default=0)
    longest = max((len(v) for r in per_record for v in r), default=0)
    for record, step_lists in enumerate(per_record):
        for step, found in enumerate(step_lists):
            for column, value in enumerate(found):
                position = [step, column] if steps else [column]
                indices.append(position if single else [record, *position])
                values.append(value)
    value_array = np.empty(len(values), dtype=_np(dtype))
    value_array[:] = values
    shape = ([longest_steps, longest] if steps else [longest])
    if not single:
        shape = [len(per_record), *shape]
    index_array = np.array(indices, dtype=np.int64).reshape(-1, len(shape))
    return [index_array, value_array, np.array(shape, dtype=np.int64)]


def _sequences(spec, batch, single):
    out = []
    lengths = []
    for key, kind, dtype, shape, extra in spec:
        present = [key in record.feature_lists.feature_list for record in batch]
        lists = [[_feature_values(f, key, dtype, "Feature list")
                  for f in record.feature_lists.feature_list[key].feature] if here else []
                 for record, here in zip(batch, present, strict=True)]
        if kind == "sparse":
            out.extend(_sparse(lists, dtype, single))
            continue
        allow_missing, default = extra
        if not all(present) and not allow_missing:
            raise errors.InvalidArgumentError(
                None, None, f"Name: <unknown>, Feature list '{key}' is required but could not "
                f"be found.  Did you mean to include it in "
                f"feature_list_dense_missing_assumed_empty or feature_list_dense_defaults?")
        size = int(np.prod(shape))
        for steps in lists:
            for step in steps:
                if len(step) != size:
                    raise errors.InvalidArgumentError(
                        None, None, f"Name: <unknown>, Key: {key}, Index: 0.  Number of "
                        f"values != expected.  values size: {len(step)} but output shape: "
                        f"{list(shape)}")
        longest = max((len(s) for s in lists), default=0)
        fill = default if default is not None else (b"" if dtype == dtypes.string else 0)
        block = np.empty((len(lists), longest, *shape), dtype=_np(dtype))
        block[...] = fill
        for record, steps in enumerate(lists):
            for step, values in enumerate(steps):
                block[record, step] = np.array(values, dtype=_np(dtype)).reshape(shape)
        out.append(block[0] if single else block)
        lengths.append(np.array([len(s) for s in lists], dtype=np.int64))
    return out, lengths


def _parse_kernel(attrs):
    single = attrs["single"]
    context = attrs["_py_context"]
    sequence = attrs["_py_sequence"]

    def parse(serialized):
        records = np.asarray(serialized, dtype=object).reshape(-1)
        SequenceExample = messages().SequenceExample  # noqa: N806 - a class
        batch = []
        for record in records:
            message = SequenceExample()
            try:
                message.ParseFromString(bytes(record))
            except Exception:  # noqa: BLE001 - protobuf's DecodeError and friends
                raise errors.InvalidArgumentError(
                    None, None, f"Could not parse example input, value: {record!r:.60}"
                    ) from None
            batch.append(message)
        outputs = _context(single, context, batch)
        sequences, lengths = _sequences(sequence, batch, single)
        outputs += sequences
        if not single:
            outputs += lengths
        return tuple(outputs) if len(outputs) != 1 else outputs[0]  # one output: its array

    return parse


def _parse_shapes(op):
    single = op.attrs["single"]
    records = op.inputs[0].shape
    first = records.as_list()[0] if records.ndims == 1 else None
    batch = [] if single else [first]
    shapes = []
    for _, kind, _, shape, _ in op.attrs["_py_context"]:
        if kind == "dense":
            shapes.append(TensorShape(batch + list(shape)))
        else:
            rank = 1 if single else 2
            shapes += [TensorShape([None, rank]), TensorShape([None]), TensorShape([rank])]
    dense_count = 0
    for _, kind, _, shape, _ in op.attrs["_py_sequence"]:
        if kind == "dense":
            shapes.append(TensorShape(batch + [None] + list(shape)))
            dense_count += 1
        else:
            rank = 2 if single else 3
            shapes += [TensorShape([None, rank]), TensorShape([None]), TensorShape([rank])]
    if not single:
        shapes += [TensorShape([first])] * dense_count
    return shapes


# Every output (context and sequence values, sparse parts, lengths) in one list whose
# elements are float32, int64 or string, as ParseExample declares its outputs.
register_op("ParseSequenceExample", _parse_kernel, _parse_shapes,
            signature=signature("serialized: string -> outputs: Tout",
                                Tout=type_list((dtypes.float32, dtypes.int64,
                                                dtypes.string))))
NotDifferentiable("ParseSequenceExample")


def _specs(features, allowed, what):
    out = []
    for key in sorted(features or {}):
        spec = features[key]
        dtype = dtypes.as_dtype(spec.dtype)
        _kind(dtype)
        if not isinstance(spec, allowed):
            raise ValueError(f"Unsupported {what} feature spec for {key!r}: {spec!r}")
        if isinstance(spec, VarLenFeature):
            out.append((key, "sparse", dtype, None, None))
            continue
        shape = tuple(as_shape(spec.shape).as_list())
        if None in shape:
            raise ValueError(f"{type(spec).__name__} {key!r} needs a fully defined shape, "
                             f"got {spec.shape}")
        default = spec.default_value
        if default is not None:
            default = np.broadcast_to(np.asarray(default, dtype=_np(dtype)), shape)
        extra = default if isinstance(spec, FixedLenFeature) else (spec.allow_missing,
                                                                   spec.default_value)
        out.append((key, "dense", dtype, shape, extra))
    return out


def _parse(serialized, context_features, sequence_features, single, name):
    if not context_features and not sequence_features:
        raise ValueError("Missing features.")
    context = _specs(context_features, (FixedLenFeature, VarLenFeature), "context")
    sequence = _specs(sequence_features, (FixedLenSequenceFeature, VarLenFeature), "sequence")
    out_types = []
    for _, kind, dtype, _, _ in context + sequence:
        out_types += [dtype] if kind == "dense" else [dtypes.int64, dtype, dtypes.int64]
    dense_sequences = [key for key, kind, *_ in sequence if kind == "dense"]
    if not single:
        out_types += [dtypes.int64] * len(dense_sequences)
    default_name = "ParseSingleSequenceExample" if single else "ParseSequenceExample"
    with name_scope(name, default_name, [serialized]):
        data = convert_to_tensor(serialized, dtype=dtypes.string, name="serialized")
        if single and data.shape.ndims not in (None, 0):
            raise ValueError(f"parse_single_sequence_example needs a scalar string, got "
                             f"shape {data.shape}")
        attrs = {"_py_context": context, "_py_sequence": sequence, "single": single,
                 "Tout": out_types}
        outputs = list(make_op("ParseSequenceExample", [data], out_types, attrs,
                               default_name).outputs)
    results = []
    for specs in (context, sequence):
        parsed = {}
        for key, kind, *_ in specs:
            if kind == "dense":
                parsed[key] = outputs.pop(0)
            else:
                parsed[key] = SparseTensor(*outputs[:3])
                del outputs[:3]
        results.append(parsed)
    if single:
        return results[0], results[1]
    return results[0], results[1], dict(zip(dense_sequences, outputs, strict=True))


def parse_single_sequence_example(serialized, context_features=None, sequence_features=None,
                                  example_name=None, name=None):
    """Parse one serialized SequenceExample: ``(context, sequences)`` dicts of tensors."""
    return _parse(serialized, context_features, sequence_features, True, name)


def parse_sequence_example(serialized, context_features=None, sequence_features=None,
                           example_names=None, name=None):
    """Parse a vector of SequenceExamples: ``(context, sequences, lengths)``; dense
    sequences are padded to the longest record (with their default value, else 0 or ''),
    ``lengths`` gives each record's number of steps per dense sequence feature."""
    return _parse(serialized, context_features, sequence_features, False, name)
