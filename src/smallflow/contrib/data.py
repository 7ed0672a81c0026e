"""``tf.contrib.data``: TF1's home of the dataset transformations that became
``tf.data.experimental`` (``group_by_window`` for NMT's bucketing, ``map_and_batch``, ...),
plus the contrib-only forms: ``batch_and_drop_remainder``, ``sliding_window_batch``,
``assert_element_shape``, ``reduce_dataset``, ``sloppy_interleave``, ``read_batch_features``."""

import numpy as np

from .. import nest
from ..data.dataset_ops import Dataset
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
from ..ops.math_extra_ops import ensure_shape
from ..tensor_shape import as_shape
from ._missing import missing_attribute

__all__ = ["Counter", "CsvDataset", "Optional", "RandomDataset", "Reducer", "TFRecordWriter",
           "assert_element_shape", "batch_and_drop_remainder", "bucket_by_sequence_length",
           "choose_from_datasets", "copy_to_device", "enumerate_dataset",
           "get_next_as_optional", "get_single_element", "group_by_window", "ignore_errors",
           "make_batched_features_dataset", "make_csv_dataset", "map_and_batch",
           "padded_batch_and_drop_remainder", "parallel_interleave", "parse_example_dataset",
           "prefetch_to_device", "read_batch_features", "reduce_dataset",
           "sample_from_datasets", "scan", "shuffle_and_repeat", "sliding_window_batch",
           "sloppy_interleave", "unbatch", "unique"]


def batch_and_drop_remainder(batch_size):
    """``dataset.apply(batch_and_drop_remainder(n))``: batches of exactly ``n`` elements."""
    return lambda dataset: dataset.batch(batch_size, drop_remainder=True)


def padded_batch_and_drop_remainder(batch_size, padded_shapes, padding_values=None):
    """As ``batch_and_drop_remainder``, padding each batch to ``padded_shapes``."""
    return lambda dataset: dataset.padded_batch(batch_size, padded_shapes, padding_values,
                                                drop_remainder=True)


def sliding_window_batch(window_size, stride=None, window_shift=None, window_stride=1):
    """``dataset.apply(sliding_window_batch(n))``: batches of ``n`` consecutive elements
    (``window_stride`` apart within a window), a new one every ``window_shift`` (alias
    ``stride``, default 1) elements; a last window that cannot be filled is dropped."""
    if stride is not None and window_shift is not None:
        raise ValueError("Cannot specify both `stride` and `window_shift`")
    shift = window_shift if window_shift is not None else (1 if stride is None else stride)

    def batch_window(*parts):
        window = parts[0] if len(parts) == 1 else parts
        if not isinstance(window, Dataset):
            window = Dataset.zip(window)
        return window.batch(window_size)

    def apply(dataset):
        windows = dataset.window(window_size, shift, window_stride, drop_remainder=True)
        return windows.flat_map(batch_window)

    return apply


def assert_element_shape(expected_shapes):
    """``dataset.apply(assert_element_shape(shapes))``: each element's components get the
    static shapes ``expected_shapes`` (a nest like the element's; unknown dimensions are
    left as they are), checked when the elements are produced."""
    flat_expected = [None if shape is None else as_shape(shape)
                     for shape in nest.flatten(expected_shapes)]

    def check(*parts):
        element = parts[0] if len(parts) == 1 else parts
        flat = nest.flatten(element)
        if len(flat) != len(flat_expected):
            raise ValueError(f"assert_element_shape: the elements have {len(flat)} components "
                             f"but expected_shapes has {len(flat_expected)}")
        checked = [tensor if shape is None or shape.ndims is None
                   else ensure_shape(tensor, shape)
                   for tensor, shape in zip(flat, flat_expected)]
        return nest.pack_sequence_as(element, checked)

    return lambda dataset: dataset.map(check)


def reduce_dataset(dataset, reducer):
    """``reducer.reduce_func`` folded over ``dataset`` from ``reducer.init_func(0)`` (the
    finalize function is not applied, as in contrib)."""
    if not isinstance(dataset, Dataset):
        raise TypeError("`dataset` must be a `tf.data.Dataset` object.")
    return dataset.reduce(reducer.init_func(np.int64(0)), reducer.reduce_func)


def sloppy_interleave(map_func, cycle_length, block_length=1):
    """``parallel_interleave(..., sloppy=True)`` (smallflow's order is deterministic)."""
    return parallel_interleave(map_func, cycle_length, block_length, sloppy=True)


def read_batch_features(file_pattern, batch_size, features, reader=None, reader_args=None,
                        randomize_input=True, num_epochs=None, capacity=10000):
    """The next batch (a dict of features) of ``make_batched_features_dataset`` through a
    one-shot iterator."""
    dataset = make_batched_features_dataset(
        file_pattern, batch_size, features, reader=reader, reader_args=reader_args,
        shuffle=randomize_input, num_epochs=num_epochs, shuffle_buffer_size=capacity)
    return dataset.make_one_shot_iterator().get_next()


__getattr__ = missing_attribute(__name__, "tf.contrib.data")
