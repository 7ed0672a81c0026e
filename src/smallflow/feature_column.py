"""``tf.feature_column``: how features from an input_fn become a dense input layer or a
linear model.

Dense columns (``numeric_column``, ``bucketized_column``, ``indicator_column``,
``embedding_column``) feed ``input_layer``, which concatenates them in the order of their
sorted names (as TensorFlow does). Categorical columns (``..._with_identity``,
``..._with_vocabulary_list``/``_file``, ``..._with_hash_bucket``, ``crossed_column``,
``weighted_categorical_column``) give the ids of each example's values: a rank-1 feature has
one value per example, a ``[batch, n]`` one or a SparseTensor (a ``VarLenFeature``) several,
with ``''`` / -1 (padding) ignored as TensorFlow ignores them. ``indicator_column`` counts
each example's ids (multi-hot), ``embedding_column`` combines their vectors (``combiner``
mean, sum or sqrtn) and ``linear_model`` their weights (``sparse_combiner``), as TF1 does.

Hashed buckets (``hash_bucket``, out-of-vocabulary buckets, ``crossed_column``) are
TensorFlow's: FarmHash's Fingerprint64 of the value's string form (integers as decimal
text, as ``tf.as_string`` writes them) modulo the bucket count, and for crosses the
fingerprints (integers as themselves) chained with ``FingerprintCat64`` from the hash key
0xDECAFCAFFE, as ``sparse_cross_hashed`` does, so examples land in TensorFlow's buckets.
"""

import collections
import math

import numpy as np

from . import dtypes, init_ops
from .graph import convert_to_tensor
from .ops import array_ops, math_ops
from .ops.sparse_cross_ops import fingerprint_cat64
from .ops.string_hash_ops import fingerprint64
from .variable_scope import get_variable, variable_scope

__all__ = [
    "bucketized_column",
    "categorical_column_with_hash_bucket",
    "categorical_column_with_identity",
    "categorical_column_with_vocabulary_file",
    "categorical_column_with_vocabulary_list",
    "crossed_column",
    "embedding_column",
    "indicator_column",
    "input_layer",
    "linear_model",
    "make_parse_example_spec",
    "numeric_column",
    "shared_embedding_columns",
    "weighted_categorical_column",
]


class _Column:
    """Columns print as TensorFlow's do: ``NumericColumn(key='x', ...)``, the name of their
    namedtuple (TensorFlow 1.15's feature column classes) rather than the private class."""

    __slots__ = ()

    def __repr__(self):
        base = next(k for k in type(self).__mro__ if "_fields" in vars(k))
        fields = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields, self))
        return f"{base.__name__}({fields})"


class _NumericColumn(_Column, collections.namedtuple(
        "NumericColumn", ["key", "shape", "default_value", "dtype", "normalizer_fn"])):
    @property
    def name(self):
        return self.key

    @property
    def width(self):
        return math.prod(self.shape)

    def dense(self, features):
        value = math_ops.cast(convert_to_tensor(features[self.key]), self.dtype)
        if self.normalizer_fn is not None:
            value = self.normalizer_fn(value)
        return array_ops.reshape(math_ops.cast(value, dtypes.float32), [-1, self.width])


def numeric_column(key, shape=(1,), default_value=None, dtype=dtypes.float32,
                   normalizer_fn=None):
    """A real-valued feature ``features[key]`` of ``shape`` per example."""
    if not isinstance(key, str):
        raise ValueError(f"key must be a string. Given: {key!r}")
    shape = (shape,) if isinstance(shape, int) else tuple(int(d) for d in shape)
    if any(d <= 0 for d in shape):
        raise ValueError(f"shape dimensions must be greater than 0. shape: {shape}, key: {key}")
    dtype = dtypes.as_dtype(dtype)
    if not (dtype.is_floating or dtype.is_integer):
        raise ValueError(f"dtype must be convertible to float. dtype: {dtype}, key: {key}")
    if normalizer_fn is not None and not callable(normalizer_fn):
        raise TypeError(f"normalizer_fn must be a callable. Given: {normalizer_fn}")
    return _NumericColumn(key, shape, default_value, dtype, normalizer_fn)


class _BucketizedColumn(_Column, collections.namedtuple("BucketizedColumn",
                                               ["source_column", "boundaries"])):
    @property
    def name(self):
        return f"{self.source_column.name}_bucketized"

    @property
    def num_buckets(self):
        return (len(self.boundaries) + 1) * self.source_column.width

    @property
    def width(self):
        return self.num_buckets

    def ids(self, features):
        value = self.source_column.dense(features)
        bucket = array_ops.zeros_like(value, dtype=dtypes.int64)
        for boundary in self.boundaries:
            bucket = bucket + math_ops.cast(math_ops.greater_equal(value, boundary),
                                            dtypes.int64)
        return bucket

    def dense(self, features):
        hot = array_ops.one_hot(self.ids(features), len(self.boundaries) + 1)
        return array_ops.reshape(hot, [-1, self.width])


def bucketized_column(source_column, boundaries):
    """One-hot buckets of a numeric column split at sorted ``boundaries``."""
    if not isinstance(source_column, _NumericColumn):
        raise ValueError(f"source_column must be a column generated with numeric_column(). "
                         f"Given: {source_column}")
    boundaries = list(boundaries)
    if boundaries != sorted(boundaries):
        raise ValueError("boundaries must be a sorted list.")
    return _BucketizedColumn(source_column, tuple(boundaries))  # kept as given, as TF


class _IdentityColumn(_Column, collections.namedtuple("IdentityCategoricalColumn",
                                             ["key", "num_buckets", "default_value"])):
    @property
    def name(self):
        return self.key

    def ids(self, features):
        value = math_ops.cast(_id_matrix(features, self.key), dtypes.int64)
        if self.default_value is not None:
            outside = math_ops.logical_or(math_ops.less(value, 0),
                                          math_ops.greater_equal(value, self.num_buckets))
            value = array_ops.where(outside, array_ops.fill(array_ops.shape(value),
                                                            np.int64(self.default_value)),
                                    value)
        return _drop_missing(value, _id_matrix(features, self.key))


def categorical_column_with_identity(key, num_buckets, default_value=None):
    """Integer ids ``0 .. num_buckets - 1`` in ``features[key]`` as categories."""
    if num_buckets < 1:
        raise ValueError(f"num_buckets {num_buckets} < 1, column_name {key}")
    return _IdentityColumn(key, int(num_buckets), default_value)


_DEFAULT_HASH_KEY = 0xDECAFCAFFE  # sparse_cross_hashed's key when a cross gives none
_MASK64 = (1 << 64) - 1


def _hashed(values, buckets):
    """TensorFlow's ``string_to_hash_bucket_fast`` of each value's string form."""
    flat = np.asarray(values, dtype=object).reshape(-1)
    return np.array([fingerprint64(_as_bytes(v)) % buckets for v in flat], dtype=np.int64)


def _cross_feature(value):
    """What a cross hashes for one value: a string's Fingerprint64, an integer itself."""
    item = value.item() if isinstance(value, np.generic) else value
    if isinstance(item, bytes | str):
        return fingerprint64(_as_bytes(item))
    return int(item) & _MASK64


def _as_bytes(value):
    item = value.item() if isinstance(value, np.generic) else value
    return item if isinstance(item, bytes) else str(item).encode()


def _id_matrix(features, key):
    """``features[key]`` as a ``[batch, n]`` matrix of categorical values: a rank-1 input
    has one value per example, a ``[batch, ...]`` one (or a SparseTensor, made dense) several.
    Empty strings and -1 mark missing values, as TensorFlow's columns ignore them."""
    from .ops import sparse_ops
    from .ops.sparse_tensor import SparseTensor

    value = features[key]
    if isinstance(value, SparseTensor):
        value = sparse_ops.sparse_tensor_to_dense(
            value, default_value="" if value.dtype == dtypes.string else -1)
    value = convert_to_tensor(value)
    if value.shape.ndims == 0:
        raise ValueError(f"Feature (key: {key}) cannot have rank 0. Given: {value}")
    if value.shape.ndims == 1:
        return array_ops.expand_dims(value, 1)
    if value.shape.ndims == 2:
        return value
    return array_ops.reshape(value, array_ops.stack([array_ops.shape(value)[0], -1]))


def _missing(value):
    """Where a value matrix holds no category: '' for strings, -1 for integers."""
    if value.dtype == dtypes.string:
        return math_ops.equal(value, "")
    return math_ops.equal(value, array_ops.constant(-1, dtype=value.dtype))


def _drop_missing(ids, value):
    return array_ops.where(_missing(value), array_ops.fill(array_ops.shape(ids), np.int64(-1)),
                           ids)


class _VocabularyColumn(_Column, collections.namedtuple(
        "VocabularyListCategoricalColumn",
        ["key", "vocabulary_list", "dtype", "default_value", "num_oov_buckets"])):
    @property
    def name(self):
        return self.key

    @property
    def num_buckets(self):
        return len(self.vocabulary_list) + self.num_oov_buckets

    def ids(self, features):
        raw = _id_matrix(features, self.key)
        if raw.dtype != self.dtype and not (raw.dtype.is_integer and self.dtype.is_integer):
            raise ValueError(f"Column dtype and SparseTensors dtype must be compatible. key: "
                             f"{self.key}, column dtype: {self.dtype.name}, tensor dtype: "
                             f"{raw.dtype.name}")
        value = math_ops.cast(raw, dtypes.int64) if self.dtype.is_integer else raw
        vocabulary = convert_to_tensor(np.array(self.vocabulary_list, dtype=object)
                                       if self.dtype == dtypes.string else
                                       np.array(self.vocabulary_list, dtype=np.int64))
        # [batch, n, vocabulary]: which entry each value is
        matches = math_ops.equal(array_ops.expand_dims(value, 2),
                                 array_ops.reshape(vocabulary, [1, 1, -1]))
        found = math_ops.reduce_any(matches, 2)
        index = math_ops.argmax(math_ops.cast(matches, dtypes.int32), 2)
        if self.num_oov_buckets:
            from .ops.script_ops import py_func

            size = len(self.vocabulary_list)
            missing = py_func(lambda v: (_hashed(v, self.num_oov_buckets) + size).reshape(
                np.shape(v)), [value], dtypes.int64, stateful=False)
            missing = array_ops.reshape(missing, array_ops.shape(index))
        else:
            missing = array_ops.fill(array_ops.shape(index), np.int64(self.default_value))
        return _drop_missing(array_ops.where(found, index, missing), raw)


def categorical_column_with_vocabulary_list(key, vocabulary_list, dtype=None, default_value=-1,
                                            num_oov_buckets=0):
    """Categories named by ``vocabulary_list`` (strings or ints): id = position in the list;
    others go to ``default_value`` (-1: no category) or one of ``num_oov_buckets``."""
    vocabulary = list(vocabulary_list)
    if not vocabulary:
        raise ValueError(f"vocabulary_list {vocabulary_list} must be non-empty, column_name: "
                         f"{key}")
    if len(set(vocabulary)) != len(vocabulary):
        raise ValueError(f"Duplicate keys in vocabulary_list {vocabulary_list}, column_name: "
                         f"{key}")
    strings = isinstance(vocabulary[0], str | bytes)
    vocabulary = [v.encode() if isinstance(v, str) else v for v in vocabulary]
    inferred = dtypes.string if strings else dtypes.int64
    dtype = inferred if dtype is None else dtypes.as_dtype(dtype)
    if (dtype == dtypes.string) != strings:
        raise ValueError(f"dtype {dtype.name} and vocabulary dtype do not match, column_name: "
                         f"{key}")
    if num_oov_buckets < 0:
        raise ValueError(f"Invalid num_oov_buckets {num_oov_buckets}.")
    if num_oov_buckets and default_value != -1:
        raise ValueError("Can't specify both num_oov_buckets and default_value in " + key)
    return _VocabularyColumn(key, tuple(vocabulary), dtype, int(default_value),
                             int(num_oov_buckets))


def categorical_column_with_vocabulary_file(key, vocabulary_file, vocabulary_size=None,
                                            num_oov_buckets=0, default_value=None,
                                            dtype=dtypes.string):
    """As ``..._with_vocabulary_list`` with one vocabulary entry per line of a file."""
    if not vocabulary_file:
        raise ValueError(f"Missing vocabulary_file in {key}.")
    with open(vocabulary_file, encoding="utf-8") as handle:
        entries = [line.rstrip("\r\n") for line in handle]
    if vocabulary_size is not None:
        if vocabulary_size > len(entries):
            raise ValueError(f"vocabulary_size {vocabulary_size} is larger than the "
                             f"{len(entries)} lines of {vocabulary_file}")
        entries = entries[:vocabulary_size]
    dtype = dtypes.as_dtype(dtype)
    if dtype.is_integer:
        entries = [int(e) for e in entries]
    return categorical_column_with_vocabulary_list(
        key, entries, dtype, -1 if default_value is None else default_value, num_oov_buckets)


class _HashedColumn(_Column, collections.namedtuple("HashedCategoricalColumn",
                                           ["key", "hash_bucket_size", "dtype"])):
    @property
    def name(self):
        return self.key

    @property
    def num_buckets(self):
        return self.hash_bucket_size

    def ids(self, features):
        from .ops.script_ops import py_func

        value = _id_matrix(features, self.key)
        ids = py_func(lambda v: _hashed(v, self.hash_bucket_size).reshape(np.shape(v)),
                      [value], dtypes.int64, stateful=False)
        return _drop_missing(array_ops.reshape(ids, array_ops.shape(value)), value)


def categorical_column_with_hash_bucket(key, hash_bucket_size, dtype=dtypes.string):
    """Categories by a fingerprint of the value modulo ``hash_bucket_size``."""
    if hash_bucket_size is None or hash_bucket_size < 1:
        raise ValueError(f"hash_bucket_size must be at least 1. hash_bucket_size: "
                         f"{hash_bucket_size}, key: {key}")
    dtype = dtypes.as_dtype(dtype)
    if not (dtype == dtypes.string or dtype.is_integer):
        raise ValueError(f"dtype must be string or integer. dtype: {dtype}, column_name: {key}")
    return _HashedColumn(key, int(hash_bucket_size), dtype)


class _CrossedColumn(_Column, collections.namedtuple("CrossedColumn",
                                            ["keys", "hash_bucket_size", "hash_key"])):
    @property
    def name(self):
        return "_X_".join(sorted(k if isinstance(k, str) else k.name for k in self.keys))

    @property
    def num_buckets(self):
        return self.hash_bucket_size

    def ids(self, features):
        from .ops.script_ops import py_func
        from .ops.sparse_tensor import SparseTensor

        # TensorFlow's cross takes its sparse inputs (categorical columns' ids, SparseTensor
        # features) first and its dense ones (raw features) after them, and crosses every
        # value of a dense input: only sparse inputs have missing values to skip.
        sparse_parts, dense_parts = [], []
        for key in _leaf_keys(self):
            if isinstance(key, str):
                raw = _id_matrix(features, key)
                raw = raw if raw.dtype == dtypes.string else math_ops.cast(raw, dtypes.int64)
                is_sparse = isinstance(features[key], SparseTensor)
                (sparse_parts if is_sparse else dense_parts).append(raw)
            else:
                sparse_parts.append(key.ids(features))
        parts = sparse_parts + dense_parts
        skips_missing = [True] * len(sparse_parts) + [False] * len(dense_parts)

        def cross(*values):
            # Every combination of one value of each part, per example, padded with -1 to
            # the longest row.
            import itertools

            rows = []
            for row in zip(*(np.asarray(v, dtype=object).reshape(len(v), -1)
                             for v in values)):
                present = [[x for x in part if not (skip and x in (b"", -1))]
                           for part, skip in zip(row, skips_missing)]
                row_ids = []
                for combo in itertools.product(*present):
                    hashed = self.hash_key if self.hash_key is not None else (
                        _DEFAULT_HASH_KEY)
                    for x in combo:
                        hashed = fingerprint_cat64(hashed, _cross_feature(x))
                    row_ids.append(hashed % self.hash_bucket_size)
                rows.append(row_ids)
            width = max([len(r) for r in rows] + [1])
            return np.array([r + [-1] * (width - len(r)) for r in rows],
                            dtype=np.int64).reshape(len(rows), width)

        crossed = py_func(cross, parts, dtypes.int64, stateful=False)
        batch = next((p.shape.as_list()[0] for p in parts if p.shape.ndims), None)
        crossed.set_shape([batch, None])
        return crossed


def _leaf_keys(cross):
    """The keys a cross hashes: a crossed key contributes its own keys (TensorFlow
    flattens nested crosses)."""
    leaves = []
    for key in cross.keys:
        leaves.extend(_leaf_keys(key) if isinstance(key, _CrossedColumn) else [key])
    return leaves


def crossed_column(keys, hash_bucket_size, hash_key=None):
    """The combination of several categorical features as one hashed category."""
    keys = list(keys)
    if len(keys) < 2:
        raise ValueError(f"keys must be a list with length > 1. Given: {keys}")
    if hash_bucket_size is None or hash_bucket_size < 1:
        raise ValueError(f"hash_bucket_size must be > 1. hash_bucket_size: {hash_bucket_size}")
    for key in keys:
        if not isinstance(key, str) and not hasattr(key, "ids"):
            raise ValueError(f"Unsupported key type. All keys must be either string, or "
                             f"categorical column except HashedCategoricalColumn. Given: {key}")
    return _CrossedColumn(tuple(keys), int(hash_bucket_size), hash_key)


class _WeightedColumn(_Column, collections.namedtuple(
        "WeightedCategoricalColumn", ["categorical_column", "weight_feature_key", "dtype"])):
    @property
    def name(self):
        return f"{self.categorical_column.name}_weighted_by_{self.weight_feature_key}"

    @property
    def num_buckets(self):
        return self.categorical_column.num_buckets

    def ids(self, features):
        return self.categorical_column.ids(features)

    def weights(self, features):
        return math_ops.cast(_id_matrix(features, self.weight_feature_key), dtypes.float32)


def weighted_categorical_column(categorical_column, weight_feature_key, dtype=dtypes.float32):
    """A categorical column whose id counts ``features[weight_feature_key]`` times."""
    if not hasattr(categorical_column, "ids"):
        raise ValueError(f"categorical_column must be a categorical column. Given: "
                         f"{categorical_column}")
    return _WeightedColumn(categorical_column, weight_feature_key, dtypes.as_dtype(dtype))


class _IndicatorColumn(_Column, collections.namedtuple("IndicatorColumn", ["categorical_column"])):
    @property
    def name(self):
        return f"{self.categorical_column.name}_indicator"

    @property
    def width(self):
        return self.categorical_column.num_buckets

    def dense(self, features):
        _refuse_sequence(self)
        # Multi-hot: each present id counts once (its weight for a weighted column); -1
        # (missing) one-hots to zeros.
        ids = self.categorical_column.ids(features)
        if isinstance(self.categorical_column, _BucketizedColumn):
            return self.categorical_column.dense(features)
        hot = array_ops.one_hot(ids, self.width)
        if isinstance(self.categorical_column, _WeightedColumn):
            hot = hot * array_ops.expand_dims(self.categorical_column.weights(features), 2)
        return math_ops.reduce_sum(hot, 1)


def _refuse_sequence(column):
    inner = column.categorical_column
    if type(inner).__name__ == "_SequenceCategoricalColumn":
        raise ValueError(
            f"In {type(column).__name__[1:]}: {column.name}. categorical_column must not be "
            "of type SequenceCategoricalColumn. Suggested fix A: If you wish to use "
            "input_layer, use a non-sequence categorical_column_with_*. Suggested fix B: If "
            "you wish to create sequence input, use sequence_input_layer instead of "
            f"input_layer. Given (type {type(inner).__name__}): {inner}")


def indicator_column(categorical_column):
    """A one-hot (multi-hot) dense version of a categorical column."""
    return _IndicatorColumn(categorical_column)


def _combine(column, features, rows, ids, combiner):
    """``[batch, d]`` from the ``[batch, n, d]`` rows of each example's ids: their sum, mean
    or sum over the root of the summed squared weights (``sqrtn``); missing ids (-1) add
    nothing and an example without ids gets zeros."""
    weights = math_ops.cast(math_ops.greater_equal(ids, 0), rows.dtype)
    if isinstance(column, _WeightedColumn):
        weights = weights * column.weights(features)
    total = math_ops.reduce_sum(rows * array_ops.expand_dims(weights, 2), 1)
    if combiner == "sum":
        return total
    if combiner == "mean":
        scale = math_ops.reduce_sum(weights, 1, keepdims=True)
    else:
        scale = math_ops.sqrt(math_ops.reduce_sum(weights * weights, 1, keepdims=True))
    return math_ops.div_no_nan(total, scale)


def _check_combiner(combiner):
    if combiner not in ("mean", "sqrtn", "sum"):
        raise ValueError(f"combiner must be one of 'mean', 'sqrtn' or 'sum', got "
                         f"{combiner!r}")


class _EmbeddingColumn(_Column, collections.namedtuple(
        "EmbeddingColumn", ["categorical_column", "dimension", "initializer", "trainable",
                            "combiner"])):
    @property
    def name(self):
        return f"{self.categorical_column.name}_embedding"

    @property
    def width(self):
        return self.dimension

    def _weights(self):
        initializer = self.initializer or init_ops.truncated_normal_initializer(
            stddev=1 / math.sqrt(self.dimension))
        return get_variable("embedding_weights",
                            [self.categorical_column.num_buckets, self.dimension],
                            initializer=initializer, trainable=self.trainable)

    def step_vectors(self, ids):
        """The vector of each id (row 0's for a missing id, -1: the caller masks it)."""
        return array_ops.gather(self._weights(), math_ops.maximum(ids, 0))

    def dense(self, features):
        _refuse_sequence(self)
        column = self.categorical_column
        ids = column.ids(features)
        return _combine(column, features, self.step_vectors(ids), ids, self.combiner)


def embedding_column(categorical_column, dimension, combiner="mean", initializer=None,
                     ckpt_to_load_from=None, tensor_name_in_ckpt=None, max_norm=None,
                     trainable=True):
    """A learned ``dimension``-vector per category."""
    if dimension < 1:
        raise ValueError(f"Invalid dimension {dimension}.")
    _check_combiner(combiner)
    return _EmbeddingColumn(categorical_column, int(dimension), initializer, trainable,
                            combiner)


def make_parse_example_spec(feature_columns):
    """``{key: FixedLenFeature or VarLenFeature}`` to parse ``tf.train.Example`` protos
    holding the raw features of ``feature_columns``."""
    from .ops.parsing_ops import FixedLenFeature, VarLenFeature

    spec = {}

    def add(key, value):
        if key in spec and spec[key] != value:
            raise ValueError(f"feature_columns contain different parse_spec for key {key}. "
                             f"Given {value} and {spec[key]}")
        spec[key] = value

    def visit(column):
        if isinstance(column, _NumericColumn):
            add(column.key, FixedLenFeature(column.shape, column.dtype, column.default_value))
        elif isinstance(column, _BucketizedColumn):
            visit(column.source_column)
        elif isinstance(column, _IndicatorColumn | _EmbeddingColumn | _SharedEmbeddingColumn):
            visit(column.categorical_column)
        elif isinstance(column, _WeightedColumn):
            visit(column.categorical_column)
            add(column.weight_feature_key, VarLenFeature(column.dtype))
        elif isinstance(column, _CrossedColumn):
            for key in column.keys:
                if isinstance(key, str):
                    add(key, VarLenFeature(dtypes.string))
                else:
                    visit(key)
        elif isinstance(column, _IdentityColumn):
            add(column.key, VarLenFeature(dtypes.int64))
        elif isinstance(column, _VocabularyColumn | _HashedColumn):
            add(column.key, VarLenFeature(column.dtype))
        else:
            raise ValueError(f"All feature_columns must be feature columns. Given: {column}")

    for column in feature_columns:
        visit(column)
    return spec


def _column_weights(column, features, units, name, trainable, sparse_combiner="sum"):
    """``[batch, units]``: one column's part of a linear model, and its weights variable."""
    with variable_scope(name):
        if hasattr(column, "ids"):
            weights = get_variable("weights", [column.num_buckets, units],
                                   initializer=init_ops.zeros_initializer(),
                                   trainable=trainable)
            ids = column.ids(features)
            if isinstance(column, _BucketizedColumn):
                # Each value of the source has its own set of buckets, as TF numbers them.
                per_value = len(column.boundaries) + 1
                ids = array_ops.reshape(ids, [-1, column.source_column.width])
                ids = ids + math_ops.range(column.source_column.width,
                                           dtype=dtypes.int64) * per_value
                return _combine(column, features, array_ops.gather(weights, ids), ids, "sum")
            rows = array_ops.gather(weights, math_ops.maximum(ids, 0))  # [batch, n, units]
            return _combine(column, features, rows, ids, sparse_combiner)
        dense = column.dense(features)
        weights = get_variable("weights", [column.width, units],
                               initializer=init_ops.zeros_initializer(), trainable=trainable)
        return math_ops.matmul(dense, weights)


def linear_model(features, feature_columns, units=1, sparse_combiner="sum",
                 weight_collections=None, trainable=True, cols_to_vars=None):
    """``[batch, units]``: a weighted sum of the columns plus ``bias_weights``, TF1's
    ``linear_model`` (variables ``linear_model/<column>/weights``, zeros initially)."""
    columns = sorted(feature_columns, key=lambda c: c.name)
    if not columns:
        raise ValueError("feature_columns must not be empty.")
    if sparse_combiner not in ("sum", "mean", "sqrtn"):
        raise ValueError(f"sparse_combiner must be one of 'mean', 'sqrtn', 'sum', got "
                         f"{sparse_combiner!r}")
    with variable_scope(None, default_name="linear_model"):
        parts = [_column_weights(column, features, units, column.name, trainable,
                                 sparse_combiner) for column in columns]
        bias = get_variable("bias_weights", [units], initializer=init_ops.zeros_initializer(),
                            trainable=trainable)
        return math_ops.add(math_ops.add_n(parts) if len(parts) > 1 else parts[0], bias,
                            name="weighted_sum")


class _SharedEmbeddingColumn(_Column, collections.namedtuple(
        "SharedEmbeddingColumn", ["categorical_column", "dimension", "initializer",
                                  "trainable", "shared_name", "combiner"])):
    @property
    def name(self):
        return f"{self.categorical_column.name}_shared_embedding"

    @property
    def width(self):
        return self.dimension

    def dense(self, features):
        from .graph import get_default_graph

        graph = get_default_graph()
        shared = graph.get_collection(self.shared_name)
        if shared:
            weights = shared[0]  # made by the first column of the group, as TF1 does
        else:
            initializer = self.initializer or init_ops.truncated_normal_initializer(
                stddev=1 / math.sqrt(self.dimension))
            weights = get_variable("embedding_weights",
                                   [self.categorical_column.num_buckets, self.dimension],
                                   initializer=initializer, trainable=self.trainable)
            graph.add_to_collection(self.shared_name, weights)
        ids = self.categorical_column.ids(features)
        rows = array_ops.gather(weights, math_ops.maximum(ids, 0))
        return _combine(self.categorical_column, features, rows, ids, self.combiner)


def shared_embedding_columns(categorical_columns, dimension, combiner="mean", initializer=None,
                             shared_embedding_collection_name=None, ckpt_to_load_from=None,
                             tensor_name_in_ckpt=None, max_norm=None, trainable=True):
    """Embedding columns of several categorical columns that share one table of vectors
    (the columns must have the same number of buckets)."""
    columns = list(categorical_columns)
    if not columns:
        raise ValueError("categorical_columns must not be empty.")
    if dimension < 1:
        raise ValueError(f"Invalid dimension {dimension}.")
    sizes = {c.num_buckets for c in columns}
    if len(sizes) != 1:
        raise ValueError(f"To use shared_embedding_column, all categorical_columns must have "
                         f"the same number of buckets. Given column sizes: {sorted(sizes)}")
    name = shared_embedding_collection_name or "_".join(
        sorted(c.name for c in columns)) + "_shared_embedding"
    _check_combiner(combiner)
    return [_SharedEmbeddingColumn(c, int(dimension), initializer, trainable, name, combiner)
            for c in columns]


def input_layer(features, feature_columns, weight_collections=None, trainable=True,
                cols_to_vars=None, cols_to_output_tensors=None):
    """The dense ``[batch, total width]`` tensor of ``feature_columns`` over ``features``."""
    columns = sorted(feature_columns, key=lambda c: c.name)
    if not columns:
        raise ValueError("feature_columns must not be empty.")
    with variable_scope(None, default_name="input_layer"):
        parts = []
        for column in columns:
            if not hasattr(column, "dense"):
                raise ValueError("Items of feature_columns must be a _DenseColumn. You can "
                                 "wrap a categorical column with an embedding_column or "
                                 f"indicator_column. Given: {column}")
            with variable_scope(None, default_name=column.name):
                parts.append(column.dense(features))
        return array_ops.concat(parts, 1)


# TF 1.15 exports the sequence columns from tf.feature_column too (the layer that reads them,
# sequence_input_layer, lives in tf.contrib.feature_column).
from .feature_column_sequence import (  # noqa: E402 - built on the columns above
    sequence_categorical_column_with_hash_bucket,
    sequence_categorical_column_with_identity,
    sequence_categorical_column_with_vocabulary_file,
    sequence_categorical_column_with_vocabulary_list,
    sequence_numeric_column,
)

__all__ += [
    "sequence_categorical_column_with_hash_bucket", "sequence_categorical_column_with_identity",
    "sequence_categorical_column_with_vocabulary_file",
    "sequence_categorical_column_with_vocabulary_list", "sequence_numeric_column",
]
