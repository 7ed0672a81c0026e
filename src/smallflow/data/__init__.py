"""``tf.data``: input pipelines (``Dataset``, ``Iterator``) that run inside ``Session.run``."""

from . import experimental
from .dataset_ops import Dataset
from .iterator_ops import (
    Iterator,
    get_output_classes,
    get_output_shapes,
    get_output_types,
    make_initializable_iterator,
    make_one_shot_iterator,
)
from .readers import FixedLengthRecordDataset, TFRecordDataset, TextLineDataset

__all__ = [
    "Dataset",
    "FixedLengthRecordDataset",
    "TFRecordDataset",
    "TextLineDataset",
    "Iterator",
    "experimental",
    "get_output_classes",
    "get_output_shapes",
    "get_output_types",
    "make_initializable_iterator",
    "make_one_shot_iterator",
]
