"""Readers and input functions of ``tf.contrib.timeseries``.

A reader holds a whole series in NumPy (``read_full()``: ``times`` [N] int64, ``values``
[N, num_features] float, other columns as exogenous features); the input functions turn it
into a ``tf.data`` pipeline: ``RandomWindowInputFn`` yields batches of random contiguous
windows forever, ``WholeDatasetInputFn`` yields the whole series once as a batch of one.
"""

import csv

import numpy as np

from .feature_keys import TrainEvalFeatures

_TIMES = TrainEvalFeatures.TIMES
_VALUES = TrainEvalFeatures.VALUES


def _finish(columns):
    """Sort the series by time and shape values [N, num_features]."""
    if _TIMES not in columns:
        raise ValueError(f"Time series data must have a '{_TIMES}' column.")
    if _VALUES not in columns:
        raise ValueError(f"Time series data must have a '{_VALUES}' column.")
    times = np.asarray(columns[_TIMES]).reshape(-1).astype(np.int64)
    order = np.argsort(times, kind="stable")
    out = {}
    for key, column in columns.items():
        array = np.asarray(column)
        if array.shape[:1] != times.shape:
            raise ValueError(f"Feature '{key}' has {array.shape[:1]} rows but '{_TIMES}' has "
                             f"{times.shape[0]}.")
        if key == _VALUES and array.ndim == 1:
            array = array[:, None]
        out[key] = array[order]
    out[_TIMES] = times[order]
    return out


class TimeSeriesReader:
    """Base of the readers: ``read_full()`` gives the whole series as NumPy arrays."""

    def read_full(self):
        raise NotImplementedError


class NumpyReader(TimeSeriesReader):
    """A series from a dict of arrays (``times`` [N], ``values`` [N] or [N, F], more
    columns as exogenous features)."""

    def __init__(self, data, read_num_records_hint=4096):
        if not isinstance(data, dict):
            raise TypeError(f"NumpyReader's data must be a dict of arrays, got {type(data)}.")
        self._data = _finish({key: np.asarray(value) for key, value in data.items()})
        self._data[_VALUES] = self._data[_VALUES].astype(
            np.float32 if self._data[_VALUES].dtype != np.float64 else np.float64)
        self._read_num_records_hint = read_num_records_hint

    def read_full(self):
        return dict(self._data)


_DTYPE_TO_NUMPY = {"float32": np.float32, "float64": np.float64, "int32": np.int32,
                   "int64": np.int64, "string": object}


def _numpy_dtype(dtype):
    name = getattr(dtype, "name", dtype)
    if name not in _DTYPE_TO_NUMPY:
        raise ValueError(f"Unsupported CSVReader column dtype {dtype!r}.")
    return _DTYPE_TO_NUMPY[name]


class CSVReader(TimeSeriesReader):
    """A series from CSV files: ``column_names`` name each column (``times`` once,
    ``values`` one or more times, others are exogenous features), ``column_dtypes`` their
    types (default int64 for times, float32 otherwise), ``skip_header_lines`` lines skipped
    at each file's start."""

    def __init__(self, filenames, column_names=(_TIMES, _VALUES), column_dtypes=None,
                 skip_header_lines=None, read_num_records_hint=4096):
        if isinstance(filenames, (str, bytes)):
            filenames = [filenames]
        column_names = tuple(column_names)
        if column_names.count(_TIMES) != 1:
            raise ValueError(f"Got {column_names.count(_TIMES)} columns named '{_TIMES}', "
                             "expected exactly one.")
        if _VALUES not in column_names:
            raise ValueError(f"column_names must include '{_VALUES}'.")
        if column_dtypes is not None and len(column_dtypes) != len(column_names):
            raise ValueError(f"column_dtypes has {len(column_dtypes)} entries but "
                             f"column_names has {len(column_names)}.")
        if column_dtypes is None:
            column_dtypes = ["int64" if name == _TIMES else "float32" for name in column_names]
        self._filenames = list(filenames)
        self._column_names = column_names
        self._dtypes = [_numpy_dtype(d) for d in column_dtypes]
        self._skip = int(skip_header_lines or 0)
        self._read_num_records_hint = read_num_records_hint

    def read_full(self):
        from .....io_gfile import GFile

        rows = []
        for filename in self._filenames:
            name = filename.decode() if isinstance(filename, bytes) else filename
            with GFile(name, "r") as handle:
                lines = handle.read().splitlines()[self._skip:]
            for row in csv.reader(line for line in lines if line.strip()):
                if len(row) != len(self._column_names):
                    raise ValueError(f"{name}: a row has {len(row)} fields, expected "
                                     f"{len(self._column_names)} (column_names).")
                rows.append(row)
        columns = {}
        for index, (name, dtype) in enumerate(zip(self._column_names, self._dtypes)):
            cells = [row[index].strip() for row in rows]
            array = (np.array(cells, dtype=object) if dtype is object
                     else np.array([float(c) for c in cells]).astype(dtype))
            columns.setdefault(name, []).append(array)
        data = {name: (np.stack(arrays, axis=1) if name == _VALUES else arrays[0])
                for name, arrays in columns.items()}
        return _finish(data)


def _dataset_of(generator, example, batch_dims):
    """A tf.data Dataset of dict elements shaped like ``example`` (numpy)."""
    from ..... import dtypes
    from .....data import Dataset

    types = {k: dtypes.as_dtype(v.dtype) if v.dtype != object else dtypes.string
             for k, v in example.items()}
    shapes = {k: tuple(batch_dims) + v.shape[1:] for k, v in example.items()}
    return Dataset.from_generator(generator, types, shapes)


class TimeSeriesInputFn:
    """Base of the input functions: calling one gives ``(features, None)``."""

    def __call__(self):
        raise NotImplementedError


class RandomWindowInputFn(TimeSeriesInputFn):
    """Batches of ``batch_size`` random contiguous windows of ``window_size`` steps, forever
    (``shuffle_seed`` makes the sequence repeatable)."""

    def __init__(self, time_series_reader, window_size, batch_size,
                 queue_capacity_multiplier=1000, shuffle_min_after_dequeue_multiplier=2,
                 discard_out_of_order=True, discard_consecutive_batches_limit=1000,
                 jitter=True, num_threads=2, shuffle_seed=None):
        if window_size <= 0 or batch_size <= 0:
            raise ValueError(f"window_size ({window_size}) and batch_size ({batch_size}) "
                             "must be positive.")
        self._reader = time_series_reader
        self._window_size = int(window_size)
        self._batch_size = int(batch_size)
        self._seed = shuffle_seed

    def __call__(self):
        data = self._reader.read_full()
        length = data[_TIMES].shape[0]
        window = self._window_size
        if length < window:
            raise ValueError(f"RandomWindowInputFn: window_size={window} is longer than the "
                             f"series ({length} steps).")
        batch = self._batch_size
        seed = self._seed

        def windows():
            rng = np.random.RandomState(seed)
            while True:
                starts = rng.randint(0, length - window + 1, size=batch)
                index = starts[:, None] + np.arange(window)[None, :]
                yield {key: value[index] for key, value in data.items()}

        dataset = _dataset_of(windows, data, (batch, window))
        return dataset.make_one_shot_iterator().get_next(), None


class WholeDatasetInputFn(TimeSeriesInputFn):
    """The whole series once, as a batch of one (times [1, N], values [1, N, F])."""

    def __init__(self, time_series_reader):
        self._reader = time_series_reader

    def __call__(self):
        data = self._reader.read_full()
        length = data[_TIMES].shape[0]

        def whole():
            yield {key: value[None] for key, value in data.items()}

        dataset = _dataset_of(whole, data, (1, length))
        return dataset.make_one_shot_iterator().get_next(), None
