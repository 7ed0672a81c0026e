"""``tf.contrib.feature_column``: TF 1.15's sequence feature columns and the layer that
reads them (smallflow.feature_column_sequence)."""

from ..feature_column_sequence import (
    concatenate_context_input,
    sequence_categorical_column_with_hash_bucket,
    sequence_categorical_column_with_identity,
    sequence_categorical_column_with_vocabulary_file,
    sequence_categorical_column_with_vocabulary_list,
    sequence_input_layer,
    sequence_numeric_column,
)
from ._missing import missing_attribute

__all__ = [
    "concatenate_context_input", "sequence_categorical_column_with_hash_bucket",
    "sequence_categorical_column_with_identity",
    "sequence_categorical_column_with_vocabulary_file",
    "sequence_categorical_column_with_vocabulary_list", "sequence_input_layer",
    "sequence_numeric_column",
]

__getattr__ = missing_attribute(__name__, "tf.contrib.feature_column")
