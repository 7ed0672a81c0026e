"""``tf.contrib.layers``' feature columns of TensorFlow 1.0 (``real_valued_column``,
``sparse_column_with_keys``, ...), as the contrib.learn tutorials build them: each returns the
``tf.feature_column`` column of TF 1.x's later API that means the same, so both estimator
APIs accept them. ``combiner`` of a sparse column is the one its embedding uses."""

from .. import dtypes
from .. import feature_column as _fc
from ._missing import missing_attribute

__all__ = ["bucketized_column", "create_feature_spec_for_parsing", "crossed_column",
           "embedding_column", "one_hot_column",
           "real_valued_column", "sparse_column_with_hash_bucket",
           "sparse_column_with_integerized_feature", "sparse_column_with_keys",
           "weighted_sparse_column"]


def real_valued_column(column_name, dimension=1, default_value=None, dtype=dtypes.float32,
                       normalizer=None):
    """A dense column of ``dimension`` values (``""`` names a features tensor given alone)."""
    if dimension is None or int(dimension) < 1:
        raise ValueError(f"dimension must be a positive integer, got {dimension!r} for "
                         f"real_valued_column({column_name!r})")
    return _fc.numeric_column(column_name, shape=(int(dimension),), default_value=default_value,
                              dtype=dtypes.as_dtype(dtype), normalizer_fn=normalizer)


def sparse_column_with_keys(column_name, keys, default_value=-1, combiner="sum",
                            dtype=dtypes.string):
    return _fc.categorical_column_with_vocabulary_list(column_name, list(keys),
                                                       dtype=dtypes.as_dtype(dtype),
                                                       default_value=default_value)


def sparse_column_with_hash_bucket(column_name, hash_bucket_size, combiner="sum",
                                   dtype=dtypes.string, hash_keys=None):
    if hash_keys is not None:
        raise NotImplementedError("sparse_column_with_hash_bucket(hash_keys=...) is not "
                                  "provided")
    return _fc.categorical_column_with_hash_bucket(column_name, hash_bucket_size,
                                                   dtype=dtypes.as_dtype(dtype))


def sparse_column_with_integerized_feature(column_name, bucket_size, combiner="sum",
                                           dtype=dtypes.int64):
    return _fc.categorical_column_with_identity(column_name, bucket_size)


def weighted_sparse_column(sparse_id_column, weight_column_name, dtype=dtypes.float32):
    return _fc.weighted_categorical_column(sparse_id_column, weight_column_name,
                                           dtype=dtypes.as_dtype(dtype))


def embedding_column(sparse_id_column, dimension, combiner="mean", initializer=None,
                     ckpt_to_load_from=None, tensor_name_in_ckpt=None, max_norm=None,
                     trainable=True):
    return _fc.embedding_column(sparse_id_column, dimension, combiner=combiner,
                                initializer=initializer, ckpt_to_load_from=ckpt_to_load_from,
                                tensor_name_in_ckpt=tensor_name_in_ckpt, max_norm=max_norm,
                                trainable=trainable)


def one_hot_column(sparse_id_column):
    return _fc.indicator_column(sparse_id_column)


def bucketized_column(source_column, boundaries):
    return _fc.bucketized_column(source_column, list(boundaries))


def crossed_column(columns, hash_bucket_size, combiner="sum", ckpt_to_load_from=None,
                   tensor_name_in_ckpt=None, hash_key=None):
    return _fc.crossed_column(list(columns), hash_bucket_size, hash_key=hash_key)


__getattr__ = missing_attribute(__name__, "tf.contrib.layers")


def create_feature_spec_for_parsing(feature_columns):
    """The ``tf.parse_example`` spec of these columns (a dict of FixedLenFeature /
    VarLenFeature), as TensorFlow 1.0's contrib.layers made it for serving functions."""
    if isinstance(feature_columns, dict):
        feature_columns = list(feature_columns.values())
    return _fc.make_parse_example_spec(list(feature_columns))
