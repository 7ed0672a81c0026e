"""``tf.io.SparseFeature`` in ``parse_example`` / ``parse_single_example``: a SparseTensor
assembled from an index feature and a value feature of the same examples.

``SparseFeature(index_key, value_key, dtype, size, already_sorted=False)``: each example's
``index_key`` feature holds int64 positions (one list per dimension when ``index_key`` is a
list of keys, with ``size`` a list of the same length) and its ``value_key`` feature the
values at those positions. The parsed result has dense shape ``[batch, size...]`` (``[size
...]`` for a single example); the entries are put in row-major order unless
``already_sorted``. The index and value features are parsed as VarLenFeatures and dropped
from the result unless asked for themselves, as TensorFlow 1.x does.
"""

import collections

from .. import dtypes
from ..graph import convert_to_tensor, name_scope
from . import parsing_ops
from .array_ops import concat, expand_dims, reshape
from .math_ops import cast
from .sparse_ops import sparse_reorder
from .sparse_tensor import SparseTensor

__all__ = ["SparseFeature", "parse_example", "parse_single_example"]


class SparseFeature(collections.namedtuple(
        "SparseFeature", ["index_key", "value_key", "dtype", "size", "already_sorted"])):
    """A sparse feature from an index feature (or several) and a value feature."""

    def __new__(cls, index_key, value_key, dtype, size, already_sorted=False):
        return super().__new__(cls, index_key, value_key, dtype, size, already_sorted)


def _index_keys(key, feature):
    """The index keys and sizes of ``feature`` as lists (checked)."""
    if isinstance(feature.index_key, str):
        if not isinstance(feature.size, int) or isinstance(feature.size, bool):
            raise ValueError(f"SparseFeature {key!r}: size must be an int when index_key is "
                             f"a string, got {feature.size!r}")
        return [feature.index_key], [feature.size]
    keys = list(feature.index_key)
    sizes = list(feature.size) if isinstance(feature.size, list | tuple) else None
    if not keys or not all(isinstance(k, str) for k in keys):
        raise ValueError(f"Unsupported index_key for SparseFeature {key!r}: "
                         f"{feature.index_key!r} (a string or a list of strings)")
    if sizes is None or len(sizes) != len(keys):
        raise ValueError(f"SparseFeature {key!r}: size must be a list as long as index_key "
                         f"({len(keys)} keys), got {feature.size!r}")
    return keys, sizes


def _raw_features(features):
    """The features to parse: SparseFeatures become VarLenFeatures of their index and value
    keys (a key given twice must agree on its type, as in TensorFlow)."""
    raw = {}

    def add(key, spec, owner):
        old = raw.get(key)
        if old is not None and (type(old) is not type(spec) or
                                dtypes.as_dtype(old.dtype) != dtypes.as_dtype(spec.dtype)):
            raise ValueError(f"Conflicting type for {key!r} ({owner}): {old} vs {spec}")
        raw[key] = spec

    for key, feature in features.items():
        if not isinstance(feature, SparseFeature):
            add(key, feature, key)
    for key, feature in features.items():
        if isinstance(feature, SparseFeature):
            index_keys, _ = _index_keys(key, feature)
            for index_key in index_keys:
                add(index_key, parsing_ops.VarLenFeature(dtypes.int64), key)
            add(feature.value_key, parsing_ops.VarLenFeature(feature.dtype), key)
    return raw


def _merge(ids, values, sizes, already_sorted):
    """One SparseTensor: the rows of ``ids[0]`` extended by each id list's positions."""
    with name_scope("SparseMerge"):
        rows = ids[0].indices[:, :-1]
        columns = [expand_dims(cast(part.values, dtypes.int64), 1) for part in ids]
        indices = concat([rows, *columns], 1)
        size = convert_to_tensor(sizes, dtype=dtypes.int64, name="vocab_size")
        shape = concat([ids[0].dense_shape[:-1], reshape(size, [len(sizes)])], 0)
        merged = SparseTensor(indices, values.values, shape)
        return merged if already_sorted else sparse_reorder(merged)


def _parse(parse, serialized, features, name, example_names):
    if not features:
        raise ValueError("Missing: features was empty.")
    if not any(isinstance(f, SparseFeature) for f in features.values()):
        return parse(serialized, features, name=name, example_names=example_names)
    result = parse(serialized, _raw_features(features), name=name,
                   example_names=example_names)
    for key, feature in features.items():
        if isinstance(feature, SparseFeature):
            index_keys, sizes = _index_keys(key, feature)
            ids = [result[k] for k in index_keys]
            result[key] = _merge(ids, result[feature.value_key], sizes, feature.already_sorted)
    for key in [k for k in result if k not in features]:
        del result[key]
    return result


def parse_example(serialized, features, name=None, example_names=None):
    """Parse a vector of serialized Examples (FixedLen, VarLen and Sparse features)."""
    return _parse(parsing_ops.parse_example, serialized, features, name, example_names)


def parse_single_example(serialized, features, name=None, example_names=None):
    """Parse one serialized Example (FixedLen, VarLen and Sparse features)."""
    return _parse(parsing_ops.parse_single_example, serialized, features, name,
                  example_names)
