"""``tf.data.experimental``: the helpers TF1 programs use with datasets.

Transformations are functions returning ``dataset -> dataset`` (for ``Dataset.apply``);
the datasets behind them live in ``experimental_ops.py`` and ``csv_ops.py``. Options and
device placement only tune performance in TensorFlow: here they are accepted and change
nothing (one CPU device).
"""

from .csv_ops import CsvDataset, make_csv_dataset
from .experimental_ops import (
    INFINITE,
    UNKNOWN,
    Optional,
    TFRecordWriter,
    _AssertCardinalityDataset,
    _CounterDataset,
    _DirectedInterleaveDataset,
    _GroupByWindowDataset,
    _IgnoreErrorsDataset,
    _RandomDataset,
    _ScanDataset,
    _TakeWhileDataset,
    _UniqueDataset,
    cardinality,
    dense_to_sparse_batch,
    get_next_as_optional,
    get_single_element,
    group_by_reducer,
)
from .iterator_ops import make_initializable_iterator, make_one_shot_iterator
from .resampling import rejection_resample
from .sql_ops import SqlDataset

__all__ = [
    "AUTOTUNE",
    "Counter",
    "CsvDataset",
    "INFINITE_CARDINALITY",
    "dense_to_sparse_batch",
    "group_by_reducer",
    "OptimizationOptions",
    "Optional",
    "Options",
    "RandomDataset",
    "Reducer",
    "SqlDataset",
    "TFRecordWriter",
    "ThreadingOptions",
    "UNKNOWN_CARDINALITY",
    "assert_cardinality",
    "bucket_by_sequence_length",
    "cardinality",
    "choose_from_datasets",
    "copy_to_device",
    "enumerate_dataset",
    "get_next_as_optional",
    "get_single_element",
    "group_by_window",
    "ignore_errors",
    "make_batched_features_dataset",
    "make_csv_dataset",
    "make_initializable_iterator",
    "make_one_shot_iterator",
    "rejection_resample",
    "map_and_batch",
    "parallel_interleave",
    "parse_example_dataset",
    "prefetch_to_device",
    "sample_from_datasets",
    "scan",
    "shuffle_and_repeat",
    "take_while",
    "unbatch",
    "unique",
]

# TensorFlow's sentinel for "pick the parallelism yourself": map uses one thread per core,
# prefetch a small buffer.
AUTOTUNE = -1
INFINITE_CARDINALITY = INFINITE
UNKNOWN_CARDINALITY = UNKNOWN


def shuffle_and_repeat(buffer_size, count=None, seed=None):
    """``dataset.shuffle(buffer_size, seed).repeat(count)`` as a transformation."""
    return lambda dataset: dataset.shuffle(buffer_size, seed).repeat(count)


def map_and_batch(map_func, batch_size, num_parallel_batches=None, drop_remainder=False,
                  num_parallel_calls=None):
    """``dataset.map(map_func).batch(batch_size, drop_remainder)`` as a transformation;
    ``num_parallel_calls`` (or ``num_parallel_batches``) maps in that many threads."""
    parallel = num_parallel_calls if num_parallel_calls is not None else num_parallel_batches
    return lambda dataset: dataset.map(map_func, parallel).batch(batch_size, drop_remainder)


def unbatch():
    """Split each element's first dimension into separate elements."""
    return lambda dataset: dataset.unbatch()


def enumerate_dataset(start=0):
    """``(index, element)`` pairs, as ``Dataset.enumerate``."""
    return lambda dataset: dataset.enumerate(start)


def scan(initial_state, scan_func):
    """``scan_func(state, element) -> (new_state, output)`` carried through the dataset."""
    return lambda dataset: _ScanDataset(dataset, initial_state, scan_func)


def take_while(predicate):
    """The elements up to the first for which ``predicate`` is False."""
    return lambda dataset: _TakeWhileDataset(dataset, predicate)


def unique():
    """Each distinct element once, at its first occurrence."""
    return lambda dataset: _UniqueDataset(dataset)


def ignore_errors():
    """Drop the elements whose map or filter function (or CSV parsing) fails."""
    return lambda dataset: _IgnoreErrorsDataset(dataset)


def parallel_interleave(map_func, cycle_length, block_length=1, sloppy=False,
                        buffer_output_elements=None, prefetch_input_elements=None):
    """``interleave`` (deterministic order, whatever ``sloppy`` says)."""
    return lambda dataset: dataset.interleave(map_func, cycle_length, block_length)


def group_by_window(key_func, reduce_func, window_size=None, window_size_func=None):
    """Group elements by the int64 ``key_func``; each window of ``window_size`` elements
    (and what is left of each group at the end) becomes ``reduce_func(key, window)``."""
    return lambda dataset: _GroupByWindowDataset(dataset, key_func, reduce_func, window_size,
                                                 window_size_func)


def bucket_by_sequence_length(element_length_func, bucket_boundaries, bucket_batch_sizes,
                              padded_shapes=None, padding_values=None,
                              pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False):
    """Batch elements of similar length together: bucket i holds lengths in
    ``[boundaries[i-1], boundaries[i])`` and is padded-batched by ``bucket_batch_sizes[i]``."""
    from ..ops import array_ops, math_ops

    boundaries = [int(b) for b in bucket_boundaries]
    sizes = [int(b) for b in bucket_batch_sizes]
    if len(sizes) != len(boundaries) + 1:
        raise ValueError("len(bucket_batch_sizes) must equal len(bucket_boundaries) + 1")
    if pad_to_bucket_boundary:
        raise NotImplementedError("bucket_by_sequence_length: pad_to_bucket_boundary is not "
                                  "supported by smallflow")

    def key(*element):
        length = math_ops.cast(element_length_func(*element), "int64")
        above = math_ops.cast(math_ops.greater_equal(length, boundaries), "int64") \
            if boundaries else array_ops.zeros([0], "int64")
        return math_ops.reduce_sum(above)

    def size_of(bucket):
        return array_ops.gather(array_ops.constant(sizes, "int64"), bucket)

    def batch(bucket, window):
        size = size_of(bucket)
        if no_padding:
            return window.batch(size, drop_remainder=drop_remainder)
        shapes = padded_shapes
        if shapes is None:
            from . import nest

            shapes = nest.map_structure(lambda s: [None] * (s.ndims or 0),
                                        window.output_shapes)
        return window.padded_batch(size, shapes, padding_values,
                                   drop_remainder=drop_remainder)

    return group_by_window(key, batch, window_size_func=size_of)


def sample_from_datasets(datasets, weights=None, seed=None):
    """Elements drawn at random from ``datasets`` (by ``weights``) until all are spent."""
    return _DirectedInterleaveDataset(datasets, weights=weights, seed=seed)


def choose_from_datasets(datasets, choice_dataset):
    """Elements of ``datasets[i]`` for each int64 ``i`` of ``choice_dataset``."""
    from .. import dtypes

    if choice_dataset.output_types != dtypes.int64 or (
            choice_dataset.output_shapes.ndims not in (None, 0)):
        raise TypeError("`choice_dataset` must be a dataset of scalar `tf.int64` tensors.")
    return _DirectedInterleaveDataset(datasets, choices=choice_dataset)


def RandomDataset(seed=None):  # noqa: N802 - TensorFlow's public name (a class there)
    """Endless random int64 values, reproducible with ``seed``."""
    return _RandomDataset(seed)


def assert_cardinality(expected_cardinality):
    """The dataset, failing (FailedPreconditionError) unless it has exactly that many
    elements; ``cardinality`` then reports the number."""
    return lambda dataset: _AssertCardinalityDataset(dataset, expected_cardinality)


def parse_example_dataset(features, num_parallel_calls=1, deterministic=None):
    """Batches of serialized ``tf.train.Example`` protos parsed into feature dicts."""
    from ..ops.parsing_ops import parse_example

    if features is None:
        raise ValueError("Argument `features` is required, but not specified.")
    return lambda dataset: dataset.map(lambda serialized: parse_example(serialized, features),
                                       num_parallel_calls)


def make_batched_features_dataset(file_pattern, batch_size, features, reader=None,
                                  label_key=None, reader_args=None, num_epochs=None,
                                  shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
                                  prefetch_buffer_size=None, reader_num_threads=None,
                                  parser_num_threads=None, sloppy_ordering=False,
                                  drop_final_batch=False):
    """Batches of feature dicts (and a label) parsed from the ``tf.train.Example`` records
    of the files matching ``file_pattern`` (TFRecord files unless ``reader`` says)."""
    from .readers import TFRecordDataset, list_files

    if label_key is not None and label_key not in features:
        raise ValueError(f"The `label_key` provided ({label_key}) must be one of the "
                         f"`features` keys.")
    reader = reader or TFRecordDataset
    files = list_files(file_pattern, shuffle=shuffle, seed=shuffle_seed)
    dataset = files.flat_map(lambda name: reader(name, *(reader_args or [])))
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer_size, seed=shuffle_seed)
    if num_epochs != 1:
        dataset = dataset.repeat(num_epochs)
    dataset = dataset.batch(batch_size, drop_remainder=drop_final_batch)
    dataset = dataset.apply(parse_example_dataset(features, parser_num_threads))
    if label_key is not None:
        def split(parsed):
            parsed = dict(parsed)
            return parsed, parsed.pop(label_key)

        dataset = dataset.map(split)
    return dataset.prefetch(prefetch_buffer_size or 1)


def Counter(start=0, step=1, dtype="int64"):  # noqa: N802 - TensorFlow's public name
    """``start``, ``start + step``, ... without end."""
    return _CounterDataset(start, step, dtype)


def copy_to_device(target_device, source_device="/cpu:0"):
    """The dataset itself: smallflow has one (CPU) device."""
    return lambda dataset: dataset


def prefetch_to_device(device, buffer_size=None):
    """``prefetch`` (smallflow has one CPU device)."""
    return lambda dataset: dataset.prefetch(1 if buffer_size is None else buffer_size)


class Reducer:
    """``init_func``, ``reduce_func``, ``finalize_func`` of a grouping reduction."""

    def __init__(self, init_func, reduce_func, finalize_func):
        self.init_func = init_func
        self.reduce_func = reduce_func
        self.finalize_func = finalize_func


class _OptionsBase:
    """A fixed set of performance settings; setting an unknown one is an AttributeError."""

    _FIELDS = {}

    def __init__(self):
        for name, default in self._FIELDS.items():
            object.__setattr__(self, name, default() if callable(default) else default)

    def __setattr__(self, name, value):
        if name not in self._FIELDS:
            raise AttributeError(f"Cannot set the property {name} on {type(self).__name__}.")
        object.__setattr__(self, name, value)

    def __eq__(self, other):
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def merge(self, other):
        merged = type(self)()
        merged.__dict__.update(self.__dict__)
        merged.__dict__.update({k: v for k, v in other.__dict__.items() if v is not None})
        return merged


class ThreadingOptions(_OptionsBase):
    _FIELDS = {"max_intra_op_parallelism": None, "private_threadpool_size": None}


class OptimizationOptions(_OptionsBase):
    _FIELDS = {"apply_default_optimizations": None, "autotune": None,
               "autotune_buffers": None, "autotune_cpu_budget": None,
               "map_and_batch_fusion": None, "map_parallelization": None,
               "map_fusion": None, "noop_elimination": None, "parallel_batch": None,
               "shuffle_and_repeat_fusion": None, "filter_fusion": None,
               "hoist_random_uniform": None, "map_and_filter_fusion": None,
               "map_vectorization": None}


class Options(_OptionsBase):
    """``tf.data.Options``: accepted by ``Dataset.with_options``; they tune nothing here."""

    _FIELDS = {"experimental_deterministic": None, "experimental_optimization":
               OptimizationOptions, "experimental_threading": ThreadingOptions,
               "experimental_slack": None, "experimental_stats": None,
               "experimental_distribute": None, "experimental_external_state_policy": None,
               "deterministic": None, "threading": ThreadingOptions}

