"""How ``tf.contrib.learn`` turns NumPy ``x`` / ``y`` into a model's inputs (its data feeder).

``fit(x, y)``, ``evaluate(x, y)`` and ``SKCompat`` do not build a queue or a dataset: they
make two placeholders (``input`` for the features, ``output`` for the labels) and a feed
function that hands the next batch to each ``Session.run`` through a ``FeedFnHook``. The
rules are TensorFlow 1.x's, so the same program sees the same batches:

- batches are ``batch_size`` rows (by default all of ``x``); the last batch of a pass may be
  shorter (the placeholders' first dimension is unknown);
- with shuffling, the rows are visited in the order of a ``numpy.random.RandomState(42)``
  permutation, a new permutation from the same generator for every pass;
- a 1-D ``x`` becomes one column (``[n] -> [n, 1]``); labels keep ``y``'s dtype and lose a
  second dimension of 1 (``[n, 1] -> [n]``);
- after ``epochs`` passes the feed function raises ``StopIteration``, which ends evaluation
  and prediction (a monitored session treats it as the end of the input).
"""

import math

import numpy as np

from ...ops import array_ops

__all__ = ["DataFeeder", "extract_pandas_data", "extract_pandas_labels",
           "extract_pandas_matrix", "setup_predict_data_feeder", "setup_train_data_feeder"]


def _pandas_types():
    try:
        import pandas
    except ImportError:
        return ()
    return pandas.DataFrame, pandas.Series


def extract_pandas_data(data):
    """A DataFrame's values as a float array (other inputs are returned as they are)."""
    if isinstance(data, _pandas_types()):
        return np.asarray(data.values)
    return data


extract_pandas_matrix = extract_pandas_data
extract_pandas_labels = extract_pandas_data


def _as_array(value, what):
    value = extract_pandas_data(value)
    if isinstance(value, list):
        value = np.array(value)
    if not hasattr(value, "shape") or not hasattr(value, "dtype"):
        raise TypeError(f"{what} must be a NumPy array, a list or a pandas DataFrame/Series, "
                        f"got {type(value).__name__}")
    if np.ndim(value) == 0:
        raise ValueError(f"{what} must have a first (example) dimension, got a scalar")
    return value


def _batch_size(count, batch_size):
    if batch_size is None:
        return count
    if batch_size <= 0:
        raise ValueError(f"Invalid batch_size {batch_size}.")
    return batch_size


def _feature_shape(shape, batch_size):
    return [batch_size] + (list(shape[1:]) if len(shape) > 1 else [1])


def _label_shape(shape, batch_size):
    tail = list(shape[1:]) if len(shape) > 1 else []
    if tail and tail[0] == 1:
        tail = tail[1:]
    return [batch_size] + tail


def _per_key(value, fn):
    """``fn`` applied to an array, or to each array of a dict."""
    if isinstance(value, dict):
        return {key: fn(item) for key, item in value.items()}
    return fn(value)


class DataFeeder:
    """Batches of ``x`` (and ``y``) for placeholders; see the module's docstring. ``x`` and
    ``y`` may be arrays or dicts of arrays (one placeholder per key, ``input_<key>``)."""

    def __init__(self, x, y, n_classes=None, batch_size=None, shuffle=True,
                 random_state=None, epochs=None):
        if n_classes not in (None, 0, 1):
            raise NotImplementedError("a data feeder with one-hot labels (n_classes > 1) is "
                                      "not provided; pass class ids")
        self._x = _arrays(x, "x")
        self._y = None if y is None else _arrays(y, "y")
        count = _count(self._x, "x")
        if self._y is not None and _count(self._y, "y") != count:
            raise ValueError(f"x and y have different numbers of examples: {count} and "
                             f"{_count(self._y, 'y')}")
        self._count = count
        self.n_classes = n_classes
        self.max_epochs = epochs
        self._batch_size = _batch_size(count, batch_size)
        self.input_shape = _per_key(self._x, lambda a: _feature_shape(a.shape,
                                                                      self._batch_size))
        self.output_shape = None if self._y is None else _per_key(
            self._y, lambda a: _label_shape(a.shape, self._batch_size))
        self._input_dtype = _per_key(self._x, lambda a: a.dtype)
        self._output_dtype = None if self._y is None else _per_key(
            self._y, lambda a: np.dtype(np.float32) if n_classes is not None else a.dtype)
        self._shuffle = shuffle
        self.random_state = np.random.RandomState(42) if random_state is None else random_state
        self.indices = self.random_state.permutation(count) if shuffle else np.arange(count)
        self.offset = 0
        self.epoch = 0
        self._input_placeholder = None
        self._output_placeholder = None

    x = property(lambda self: self._x)
    y = property(lambda self: self._y)
    shuffle = property(lambda self: self._shuffle)
    input_dtype = property(lambda self: self._input_dtype)
    output_dtype = property(lambda self: self._output_dtype)
    batch_size = property(lambda self: self._batch_size)

    @staticmethod
    def _placeholders(shape, dtype, prefix):
        if shape is None:
            return None
        if isinstance(shape, dict):
            return {key: array_ops.placeholder(dtype[key], [None] + shape[key][1:],
                                               name=f"{prefix}_{key}") for key in shape}
        return array_ops.placeholder(dtype, [None] + shape[1:], name=prefix)

    def input_builder(self):
        """The ``input`` and ``output`` placeholders (``output`` is None without ``y``)."""
        self._input_placeholder = self._placeholders(self.input_shape, self._input_dtype,
                                                     "input")
        self._output_placeholder = self._placeholders(self.output_shape, self._output_dtype,
                                                      "output")
        return self._input_placeholder, self._output_placeholder

    def set_placeholders(self, input_placeholder, output_placeholder):
        self._input_placeholder = input_placeholder
        self._output_placeholder = output_placeholder

    def get_feed_params(self):
        return {"epoch": self.epoch, "offset": self.offset, "batch_size": self._batch_size}

    def get_feed_dict_fn(self):
        """A function giving the next batch's feed dict; StopIteration after ``epochs``."""

        def rows_of(array, rows, shape, dtype):
            return np.asarray(array[rows], dtype=dtype).reshape([len(rows)] + shape[1:])

        def put(feed, placeholder, arrays, rows, shapes, dtypes):
            if isinstance(placeholder, dict):
                for key, item in placeholder.items():
                    feed[item.name] = rows_of(arrays[key], rows, shapes[key], dtypes[key])
            else:
                feed[placeholder.name] = rows_of(arrays, rows, shapes, dtypes)

        def feed_dict_fn():
            if self.max_epochs is not None and self.epoch + 1 > self.max_epochs:
                raise StopIteration
            if self._input_placeholder is None:
                raise ValueError("the data feeder's placeholders are not built: call "
                                 "input_builder() (the input_fn) first")
            rows = self.indices[self.offset:min(self._count, self.offset + self._batch_size)]
            feed = {}
            put(feed, self._input_placeholder, self._x, rows, self.input_shape,
                self._input_dtype)
            self.offset += self._batch_size
            if self.offset >= self._count:
                self.indices = self.random_state.permutation(self._count)
                self.offset = 0
                self.epoch += 1
            if self._output_placeholder is not None:
                put(feed, self._output_placeholder, self._y, rows, self.output_shape,
                    self._output_dtype)
            return feed

        return feed_dict_fn


def _arrays(value, what):
    if isinstance(value, dict):
        if not value:
            raise ValueError(f"{what} is an empty dict")
        return {key: _as_array(item, f"{what}[{key!r}]") for key, item in value.items()}
    return _as_array(value, what)


def _count(value, what):
    if isinstance(value, dict):
        counts = {len(item) for item in value.values()}
        if len(counts) != 1:
            raise ValueError(f"the arrays of {what} have different numbers of examples: "
                             f"{sorted(counts)}")
        return counts.pop()
    return len(value)


def setup_train_data_feeder(x, y, n_classes, batch_size=None, shuffle=True, epochs=None):
    """The data feeder ``fit``/``evaluate`` use for NumPy (or pandas) ``x`` and ``y``."""
    if hasattr(x, "__next__"):
        raise NotImplementedError("iterators as x/y (contrib.learn's streaming data feeder) "
                                  "are not provided; pass arrays or an input_fn")
    return DataFeeder(x, y, n_classes, batch_size, shuffle=shuffle, epochs=epochs)


def setup_predict_data_feeder(x, batch_size=None):
    """``x`` cut into batches of ``batch_size`` rows (one batch by default)."""
    x = _as_array(x, "x")
    if x.ndim == 1:
        x = np.reshape(x, (-1, 1))
    if batch_size is None:
        return [x]
    if batch_size <= 0:
        raise ValueError(f"Invalid batch_size {batch_size}.")
    count = int(math.ceil(len(x) / batch_size))
    return [x[i * batch_size:(i + 1) * batch_size] for i in range(count)]
