"""``tf.keras.metrics``: per-sample metric functions, and metric classes for ``compile``.

In ``fit``/``evaluate`` a metric's value is its mean over the samples seen so far in the
epoch (TensorFlow 1.x's stateful Keras metrics report the same). The history key of
``'accuracy'`` / ``'acc'`` is ``'acc'`` in TensorFlow 1.x (``'accuracy'`` only with v2
behaviour); other metrics are keyed by their function's or object's name.
"""

from ..ops import array_ops, math_ops, nn_ops
from . import backend
from .losses import (
    binary_crossentropy,
    categorical_crossentropy,
    cosine_proximity,
    hinge,
    kld,
    kullback_leibler_divergence,
    logcosh,
    mae,
    mape,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    mse,
    msle,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)

__all__ = ["Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "Metric",
           "SparseCategoricalAccuracy", "binary_accuracy", "binary_crossentropy",
           "categorical_accuracy", "categorical_crossentropy", "cosine_proximity", "get",
           "hinge", "kld", "kullback_leibler_divergence", "logcosh", "mae", "mape",
           "mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_error",
           "mean_squared_logarithmic_error", "mse", "msle", "poisson",
           "sparse_categorical_accuracy", "sparse_categorical_crossentropy",
           "sparse_top_k_categorical_accuracy", "squared_hinge", "top_k_categorical_accuracy"]


def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_true = math_ops.cast(y_true, y_pred.dtype)
    predicted = math_ops.cast(math_ops.greater(y_pred, threshold), y_pred.dtype)
    return math_ops.reduce_mean(math_ops.cast(math_ops.equal(y_true, predicted),
                                              backend.floatx()), -1)


def categorical_accuracy(y_true, y_pred):
    same = math_ops.equal(math_ops.argmax(y_true, -1), math_ops.argmax(y_pred, -1))
    return math_ops.cast(same, backend.floatx())


def sparse_categorical_accuracy(y_true, y_pred):
    if y_true.shape.ndims is not None and y_true.shape.ndims == y_pred.shape.ndims:
        y_true = array_ops.squeeze(y_true, [-1])
    predicted = math_ops.cast(math_ops.argmax(y_pred, -1), y_true.dtype)
    return math_ops.cast(math_ops.equal(y_true, predicted), backend.floatx())


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    targets = math_ops.cast(math_ops.argmax(y_true, -1), "int32")
    return math_ops.cast(nn_ops.in_top_k(y_pred, targets, k), backend.floatx())


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    targets = math_ops.cast(array_ops.reshape(y_true, [-1]), "int32")
    return math_ops.cast(nn_ops.in_top_k(y_pred, targets, k), backend.floatx())


class Metric:
    """A named metric for ``compile(metrics=[...])``: ``name`` keys the history."""

    def __init__(self, name=None, dtype=None, **kwargs):
        self.name = name
        self.dtype = dtype
        self._kwargs = kwargs

    def fn(self, y_true, y_pred):
        return self._function(y_true, y_pred, **self._kwargs)


def _metric_class(function, class_name, default_name):
    def __init__(self, name=default_name, dtype=None, **kwargs):
        Metric.__init__(self, name, dtype, **kwargs)

    return type(class_name, (Metric,), {"__init__": __init__,
                                        "_function": staticmethod(function),
                                        "__doc__": f"``{function.__name__}`` as a metric."})


def _accuracy(y_true, y_pred):
    y_true = math_ops.cast(y_true, y_pred.dtype)
    return math_ops.cast(math_ops.equal(y_true, y_pred), backend.floatx())


Accuracy = _metric_class(_accuracy, "Accuracy", "accuracy")
BinaryAccuracy = _metric_class(binary_accuracy, "BinaryAccuracy", "binary_accuracy")
CategoricalAccuracy = _metric_class(categorical_accuracy, "CategoricalAccuracy",
                                    "categorical_accuracy")
SparseCategoricalAccuracy = _metric_class(sparse_categorical_accuracy,
                                          "SparseCategoricalAccuracy",
                                          "sparse_categorical_accuracy")

_BY_NAME = {name: globals()[name] for name in __all__
            if name[0].islower() and name != "get"}


def get(identifier):
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(f"Unknown metric function:{identifier}")
        return _BY_NAME[identifier]
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric function identifier: {identifier!r}")


def resolve(metric, loss_function, output):
    """``(history name, per-sample function)`` for one entry of ``compile(metrics=...)``."""
    if metric in ("accuracy", "acc", "crossentropy", "ce"):
        binary = (output.shape.as_list()[-1] == 1 if output.shape.ndims else False) or \
            loss_function is binary_crossentropy
        sparse = loss_function is sparse_categorical_crossentropy
        accuracy = metric in ("accuracy", "acc")
        if binary:
            function = binary_accuracy if accuracy else binary_crossentropy
        elif sparse:
            function = sparse_categorical_accuracy if accuracy else \
                sparse_categorical_crossentropy
        else:
            function = categorical_accuracy if accuracy else categorical_crossentropy
        return ("acc" if accuracy else "ce"), function
    if isinstance(metric, Metric):
        return metric.name, metric.fn
    function = get(metric)
    return getattr(function, "__name__", type(function).__name__), function
