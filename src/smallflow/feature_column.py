"""``tf.feature_column``: how features from an input_fn become a dense input layer.

Supported: ``numeric_column``, ``bucketized_column``, ``categorical_column_with_identity``,
``indicator_column``, ``embedding_column`` and ``input_layer``, which concatenates the
columns' dense tensors in the order of their sorted names (as TensorFlow does).
"""

import collections
import math

from . import dtypes, init_ops
from .graph import convert_to_tensor
from .ops import array_ops, math_ops
from .variable_scope import get_variable, variable_scope

__all__ = [
    "bucketized_column",
    "categorical_column_with_identity",
    "embedding_column",
    "indicator_column",
    "input_layer",
    "numeric_column",
]


class _NumericColumn(collections.namedtuple(
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
        raise ValueError(f"shape dimensions must be greater than 0. Given: {shape}")
    dtype = dtypes.as_dtype(dtype)
    if not (dtype.is_floating or dtype.is_integer):
        raise ValueError(f"dtype must be convertible to float. dtype: {dtype}, key: {key}")
    if normalizer_fn is not None and not callable(normalizer_fn):
        raise TypeError(f"normalizer_fn must be a callable. Given: {normalizer_fn}")
    return _NumericColumn(key, shape, default_value, dtype, normalizer_fn)


class _BucketizedColumn(collections.namedtuple("BucketizedColumn",
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
    return _BucketizedColumn(source_column, tuple(float(b) for b in boundaries))


class _IdentityColumn(collections.namedtuple("IdentityCategoricalColumn",
                                             ["key", "num_buckets", "default_value"])):
    @property
    def name(self):
        return self.key

    def ids(self, features):
        return math_ops.cast(array_ops.reshape(convert_to_tensor(features[self.key]), [-1]),
                             dtypes.int64)


def categorical_column_with_identity(key, num_buckets, default_value=None):
    """Integer ids ``0 .. num_buckets - 1`` in ``features[key]`` as categories."""
    if num_buckets < 1:
        raise ValueError(f"num_buckets {num_buckets} < 1, column_name {key}")
    return _IdentityColumn(key, int(num_buckets), default_value)


class _IndicatorColumn(collections.namedtuple("IndicatorColumn", ["categorical_column"])):
    @property
    def name(self):
        return f"{self.categorical_column.name}_indicator"

    @property
    def width(self):
        return self.categorical_column.num_buckets

    def dense(self, features):
        ids = self.categorical_column.ids(features)
        return array_ops.reshape(array_ops.one_hot(ids, self.width), [-1, self.width])


def indicator_column(categorical_column):
    """A one-hot (multi-hot) dense version of a categorical column."""
    return _IndicatorColumn(categorical_column)


class _EmbeddingColumn(collections.namedtuple(
        "EmbeddingColumn", ["categorical_column", "dimension", "initializer", "trainable"])):
    @property
    def name(self):
        return f"{self.categorical_column.name}_embedding"

    @property
    def width(self):
        return self.dimension

    def dense(self, features):
        column = self.categorical_column
        initializer = self.initializer or init_ops.truncated_normal_initializer(
            stddev=1 / math.sqrt(self.dimension))
        weights = get_variable("embedding_weights", [column.num_buckets, self.dimension],
                               initializer=initializer, trainable=self.trainable)
        return array_ops.gather(weights, column.ids(features))


def embedding_column(categorical_column, dimension, combiner="mean", initializer=None,
                     ckpt_to_load_from=None, tensor_name_in_ckpt=None, max_norm=None,
                     trainable=True):
    """A learned ``dimension``-vector per category."""
    if dimension < 1:
        raise ValueError(f"Invalid dimension {dimension}.")
    return _EmbeddingColumn(categorical_column, int(dimension), initializer, trainable)


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
                raise ValueError(f"Items of feature_columns must be a dense column. Given: "
                                 f"{column}")
            with variable_scope(None, default_name=column.name):
                parts.append(column.dense(features))
        return array_ops.concat(parts, 1)
