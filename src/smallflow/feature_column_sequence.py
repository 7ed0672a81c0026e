"""Sequence feature columns (TF 1.15's ``tf.feature_column.sequence_*`` and
``tf.contrib.feature_column.sequence_input_layer``): features that are sequences per
example, given as SparseTensors ``[batch, steps]`` (``[batch, steps * d]`` for a numeric
column of ``shape`` d), turned into a dense ``[batch, max steps, width]`` input for an RNN
plus each example's sequence length.

A sequence categorical column wraps an ordinary categorical column: its ids are taken step by
step (one id per step, -1 where a step is missing), so ``embedding_column`` and
``indicator_column`` of it give one vector per step (zeros for missing steps). An example's
length is the position of its last present value plus one, as TensorFlow counts it (for a
numeric column of ``shape`` d, that many values over d, rounded up). The columns of one
layer must agree on every example's length.
"""

import collections
import math

import numpy as np

from . import dtypes
from . import feature_column as _fc
from .graph import convert_to_tensor
from .ops import array_ops, math_ops
from .variable_scope import variable_scope

__all__ = [
    "sequence_categorical_column_with_hash_bucket",
    "sequence_categorical_column_with_identity",
    "sequence_categorical_column_with_vocabulary_file",
    "sequence_categorical_column_with_vocabulary_list",
    "sequence_input_layer",
    "sequence_numeric_column",
]


def _sparse_input(features, key):
    from .ops.sparse_tensor import SparseTensor

    value = features[key]
    if not isinstance(value, SparseTensor):
        raise ValueError(f"Input for a sequence column must be a SparseTensor (a "
                         f"VarLenFeature); feature '{key}' is {value!r}")
    return value


def _length_from_sparse(sparse, per_step):
    """Each row's last present index + 1, over ``per_step`` values a step (rounded up); rows
    after the last one with values get 0 (TensorFlow's rule: a segment max over the row ids,
    then zeros up to the batch size, so the static length is unknown as there)."""
    from .ops.segment_ops import segment_max

    rows = sparse.indices[:, 0]
    ends = sparse.indices[:, 1] + 1
    longest = segment_max(ends, rows)
    if per_step != 1:
        longest = math_ops.cast(
            math_ops.ceil(math_ops.cast(longest, dtypes.float64) / per_step), dtypes.int64)
    missing = array_ops.reshape(sparse.dense_shape[0] - array_ops.shape(
        longest, out_type=dtypes.int64)[0], [1])
    return array_ops.concat([longest, array_ops.zeros(missing, dtype=longest.dtype)], 0)


class _SequenceCategoricalColumn(_fc._Column, collections.namedtuple(
        "SequenceCategoricalColumn", ["categorical_column"])):
    """One category per step of a sequence."""

    @property
    def name(self):
        return self.categorical_column.name

    @property
    def key(self):
        return self.categorical_column.key

    @property
    def num_buckets(self):
        return self.categorical_column.num_buckets

    def ids(self, features):
        return self.categorical_column.ids(features)  # [batch, steps], -1 where missing

    def sequence_length(self, features):
        return _length_from_sparse(_sparse_input(features, self.key), 1)


def sequence_categorical_column_with_identity(key, num_buckets, default_value=None):
    return _SequenceCategoricalColumn(
        _fc.categorical_column_with_identity(key, num_buckets, default_value))


def sequence_categorical_column_with_hash_bucket(key, hash_bucket_size, dtype=dtypes.string):
    return _SequenceCategoricalColumn(
        _fc.categorical_column_with_hash_bucket(key, hash_bucket_size, dtype))


def sequence_categorical_column_with_vocabulary_list(key, vocabulary_list, dtype=None,
                                                     default_value=-1, num_oov_buckets=0):
    return _SequenceCategoricalColumn(_fc.categorical_column_with_vocabulary_list(
        key, vocabulary_list, dtype, default_value, num_oov_buckets))


def sequence_categorical_column_with_vocabulary_file(key, vocabulary_file, vocabulary_size=None,
                                                     num_oov_buckets=0, default_value=None,
                                                     dtype=dtypes.string):
    return _SequenceCategoricalColumn(_fc.categorical_column_with_vocabulary_file(
        key, vocabulary_file, vocabulary_size, num_oov_buckets, default_value, dtype))


class _SequenceNumericColumn(_fc._Column, collections.namedtuple(
        "SequenceNumericColumn", ["key", "shape", "default_value", "dtype", "normalizer_fn"])):
    """``shape`` real values per step."""

    @property
    def name(self):
        return self.key

    @property
    def width(self):
        return math.prod(self.shape)

    def sequence_dense(self, features):
        from .ops import sparse_ops

        sparse = _sparse_input(features, self.key)
        dense = sparse_ops.sparse_tensor_to_dense(
            sparse, default_value=np.array(self.default_value).astype(
                sparse.dtype.as_numpy_dtype))
        if self.normalizer_fn is not None:
            dense = self.normalizer_fn(dense)
        dense = math_ops.cast(dense, dtypes.float32)
        batch = array_ops.shape(dense)[0]
        return array_ops.reshape(dense, array_ops.stack([batch, -1, self.width]))

    def sequence_length(self, features):
        return _length_from_sparse(_sparse_input(features, self.key), self.width)


def sequence_numeric_column(key, shape=(1,), default_value=0.0, dtype=dtypes.float32,
                            normalizer_fn=None):
    """A sequence of real values (``shape`` of them per step) in ``features[key]``."""
    base = _fc.numeric_column(key, shape, None, dtype, normalizer_fn)
    return _SequenceNumericColumn(base.key, base.shape, default_value, base.dtype,
                                  base.normalizer_fn)


def _is_sequence(column):
    inner = getattr(column, "categorical_column", None)
    return isinstance(column, _SequenceNumericColumn) or isinstance(
        inner, _SequenceCategoricalColumn)


def _sequence_dense(column, features):
    """``[batch, steps, width]`` of a sequence column (numeric, or an embedding/indicator
    column over a sequence categorical column)."""
    if isinstance(column, _SequenceNumericColumn):
        return column.sequence_dense(features)
    inner = column.categorical_column
    ids = inner.ids(features)                                     # [batch, steps]
    if isinstance(column, _fc._IndicatorColumn):
        return array_ops.one_hot(ids, inner.num_buckets)          # -1 -> zeros
    rows = column.step_vectors(ids)                               # [batch, steps, dim]
    present = math_ops.cast(math_ops.greater_equal(ids, 0), rows.dtype)
    return rows * array_ops.expand_dims(present, 2)


def sequence_input_layer(features, feature_columns, weight_collections=None, trainable=True):
    """``(input_layer [batch, max steps, total width], sequence_length [batch] int64)`` of
    sequence columns (sorted by name, as ``input_layer`` orders its columns)."""
    columns = sorted(feature_columns, key=lambda c: c.name)
    if not columns:
        raise ValueError("feature_columns must not be empty.")
    for column in columns:
        if not _is_sequence(column):
            raise ValueError("All feature_columns must be sequence columns (a "
                             "sequence_numeric_column, or an embedding_column / "
                             "indicator_column of a sequence_categorical_column_*). "
                             f"Given: {column}")
    with variable_scope(None, default_name="sequence_input_layer"):
        parts, lengths = [], []
        for column in columns:
            with variable_scope(None, default_name=column.name):
                parts.append(_sequence_dense(column, features))
                source = column if isinstance(column, _SequenceNumericColumn) else \
                    column.categorical_column
                lengths.append(math_ops.cast(source.sequence_length(features), dtypes.int64))
        length = lengths[0]
        if len(lengths) > 1:
            from .ops.control_flow_ops import with_dependencies
            from .ops.debug_ops import assert_equal

            checks = [assert_equal(length, other, message="Feature columns have different "
                                   "sequence lengths") for other in lengths[1:]]
            length = with_dependencies(checks, length)
        return array_ops.concat(parts, -1), length


def concatenate_context_input(context_input, sequence_input):
    """``sequence_input`` [batch, steps, d] with ``context_input`` [batch, c] repeated at
    every step: [batch, steps, d + c]."""
    context_input = convert_to_tensor(context_input, name="context_input")
    sequence_input = convert_to_tensor(sequence_input, name="sequence_input")
    if context_input.shape.ndims != 2 or sequence_input.shape.ndims != 3:
        raise ValueError("context_input must be rank 2 and sequence_input rank 3, got "
                         f"{context_input.shape} and {sequence_input.shape}")
    steps = array_ops.shape(sequence_input)[1]
    tiled = array_ops.tile(array_ops.expand_dims(context_input, 1), array_ops.stack([1, steps, 1]))
    return array_ops.concat([sequence_input, math_ops.cast(tiled, sequence_input.dtype)], 2)
