"""``tf.contrib.data``: TF1's home of the dataset transformations that became
``tf.data.experimental`` (``group_by_window`` for NMT's bucketing, ``map_and_batch``, ...),
plus the contrib-only ``batch_and_drop_remainder`` forms."""

from ..data.experimental import (
    Counter,
    CsvDataset,
    Optional,
    RandomDataset,
    Reducer,
    TFRecordWriter,
    bucket_by_sequence_length,
    choose_from_datasets,
    copy_to_device,
    enumerate_dataset,
    get_next_as_optional,
    get_single_element,
    group_by_window,
    ignore_errors,
    make_batched_features_dataset,
    make_csv_dataset,
    map_and_batch,
    parallel_interleave,
    parse_example_dataset,
    prefetch_to_device,
    sample_from_datasets,
    scan,
    shuffle_and_repeat,
    unbatch,
    unique,
)
from ._missing import missing_attribute

__all__ = ["Counter", "CsvDataset", "Optional", "RandomDataset", "Reducer", "TFRecordWriter",
           "batch_and_drop_remainder", "bucket_by_sequence_length", "choose_from_datasets",
           "copy_to_device", "enumerate_dataset", "get_next_as_optional", "get_single_element",
           "group_by_window", "ignore_errors", "make_batched_features_dataset",
           "make_csv_dataset", "map_and_batch", "padded_batch_and_drop_remainder",
           "parallel_interleave", "parse_example_dataset", "prefetch_to_device",
           "sample_from_datasets", "scan", "shuffle_and_repeat", "unbatch", "unique"]


def batch_and_drop_remainder(batch_size):
    """``dataset.apply(batch_and_drop_remainder(n))``: batches of exactly ``n`` elements."""
    return lambda dataset: dataset.batch(batch_size, drop_remainder=True)


def padded_batch_and_drop_remainder(batch_size, padded_shapes, padding_values=None):
    """As ``batch_and_drop_remainder``, padding each batch to ``padded_shapes``."""
    return lambda dataset: dataset.padded_batch(batch_size, padded_shapes, padding_values,
                                                drop_remainder=True)


__getattr__ = missing_attribute(__name__, "tf.contrib.data")
