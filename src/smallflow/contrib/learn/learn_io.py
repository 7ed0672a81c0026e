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


def _shapes(x_shape, y_shape, batch_size):
    """Feature and label shapes of one batch, as TensorFlow 1.x's data feeder makes them."""
    if batch_size is None:
        batch_size = x_shape[0]
    elif batch_size <= 0:
        raise ValueError(f"Invalid batch_size {batch_size}.")
    features = [batch_size] + (list(x_shape[1:]) if len(x_shape) > 1 else [1])
    if y_shape is None:
        return features, None, batch_size
    label_tail = list(y_shape[1:]) if len(y_shape) > 1 else []
    if label_tail and label_tail[0] == 1:
        label_tail = label_tail[1:]
    return features, [batch_size] + label_tail, batch_size


class DataFeeder:
    """Batches of ``x`` (and ``y``) for two placeholders; see the module's docstring."""

    def __init__(self, x, y, n_classes=None, batch_size=None, shuffle=True,
                 random_state=None, epochs=None):
        if n_classes not in (None, 0, 1):
            raise NotImplementedError("a data feeder with one-hot labels (n_classes > 1) is "
                                      "not provided; pass class ids")
        self._x = _as_array(x, "x")
        self._y = None if y is None else _as_array(y, "y")
        if self._y is not None and len(self._y) != len(self._x):
            raise ValueError(f"x and y have different numbers of examples: {len(self._x)} "
                             f"and {len(self._y)}")
        self.n_classes = n_classes
        self.max_epochs = epochs
        self.input_shape, self.output_shape, self._batch_size = _shapes(
            self._x.shape, None if self._y is None else self._y.shape, batch_size)
        self._input_dtype = self._x.dtype
        self._output_dtype = None if self._y is None else (
            np.float32 if n_classes is not None else self._y.dtype)
        self._shuffle = shuffle
        self.random_state = np.random.RandomState(42) if random_state is None else random_state
        count = self._x.shape[0]
        self.indices = (self.random_state.permutation(count) if shuffle
                        else np.arange(count))
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

    def input_builder(self):
        """The ``input`` and ``output`` placeholders (``output`` is None without ``y``)."""
        self._input_placeholder = array_ops.placeholder(
            self._input_dtype, [None] + self.input_shape[1:], name="input")
        if self.output_shape is None:
            self._output_placeholder = None
        else:
            self._output_placeholder = array_ops.placeholder(
                self._output_dtype, [None] + self.output_shape[1:], name="output")
        return self._input_placeholder, self._output_placeholder

    def set_placeholders(self, input_placeholder, output_placeholder):
        self._input_placeholder = input_placeholder
        self._output_placeholder = output_placeholder

    def get_feed_params(self):
        return {"epoch": self.epoch, "offset": self.offset, "batch_size": self._batch_size}

    def get_feed_dict_fn(self):
        """A function giving the next batch's feed dict; StopIteration after ``epochs``."""

        def feed_dict_fn():
            if self.max_epochs is not None and self.epoch + 1 > self.max_epochs:
                raise StopIteration
            if self._input_placeholder is None:
                raise ValueError("the data feeder's placeholders are not built: call "
                                 "input_builder() (the input_fn) first")
            count = self._x.shape[0]
            rows = self.indices[self.offset:min(count, self.offset + self._batch_size)]
            features = np.asarray(self._x[rows])
            if self._x.ndim == 1:
                features = features.reshape(len(rows), 1)
            feed = {self._input_placeholder.name: features}
            self.offset += self._batch_size
            if self.offset >= count:
                self.indices = self.random_state.permutation(count)
                self.offset = 0
                self.epoch += 1
            if self._output_placeholder is not None:
                labels = np.asarray(self._y[rows], dtype=self._output_dtype)
                feed[self._output_placeholder.name] = labels.reshape(
                    [len(rows)] + self.output_shape[1:])
            return feed

        return feed_dict_fn


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
