"""``tf.keras.metrics``: per-sample metric functions, and metric classes for ``compile``.

In ``fit``/``evaluate`` a metric's value is its mean over the samples seen so far in the
epoch (TensorFlow 1.x's stateful Keras metrics report the same). The history key of
``'accuracy'`` / ``'acc'`` is ``'acc'`` in TensorFlow 1.x (``'accuracy'`` only with v2
behaviour); other metrics are keyed by their function's or object's name.
"""

import numpy as np

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

__all__ = ["AUC", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "FalseNegatives",
           "FalsePositives", "Metric", "Precision", "Recall", "SparseCategoricalAccuracy",
           "TrueNegatives", "TruePositives", "binary_accuracy", "binary_crossentropy",
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


class _Counts:
    """A metric made of counts over the epoch (confusion-matrix entries at thresholds):
    ``statistics`` gives one batch's counts, ``result`` the value from the summed counts.
    In ``compile(metrics=[...])`` only (not as a standalone stateful object)."""

    _default_name = None
    _needs = ("tp",)

    def __init__(self, thresholds=None, name=None, dtype=None, top_k=None, class_id=None):
        if top_k is not None:
            raise NotImplementedError(f"{type(self).__name__}(top_k=...) is not supported")
        self.thresholds = [0.5] if thresholds is None else (
            list(thresholds) if isinstance(thresholds, list | tuple) else [thresholds])
        self.class_id = class_id
        self.name = name or self._default_name
        self.dtype = dtype

    def _counts(self, y_true, y_pred):
        """``{tp, fp, tn, fn}``: each ``[len(thresholds)]``, summed over the batch."""
        if self.class_id is not None:
            y_true = y_true[..., self.class_id]
            y_pred = y_pred[..., self.class_id]
        labels = array_ops.reshape(math_ops.cast(y_true, "bool"), [1, -1])
        scores = array_ops.reshape(math_ops.cast(y_pred, "float32"), [1, -1])
        cuts = array_ops.reshape(array_ops.constant(self.thresholds, "float32"), [-1, 1])
        predicted = math_ops.greater(scores, cuts)
        negative = math_ops.logical_not(labels)
        not_predicted = math_ops.logical_not(predicted)

        def count(a, b):
            return math_ops.reduce_sum(math_ops.cast(math_ops.logical_and(a, b), "float32"), 1)

        table = {"tp": (labels, predicted), "fp": (negative, predicted),
                 "tn": (negative, not_predicted), "fn": (labels, not_predicted)}
        return {key: count(*table[key]) for key in self._needs}

    def statistics(self, y_true, y_pred):
        counts = self._counts(y_true, y_pred)
        n = len(self.thresholds)
        if n == 1:
            return [counts[key][0] for key in self._needs]
        return [counts[key][i] for key in self._needs for i in range(n)]

    def _split(self, sums):
        n = len(self.thresholds)
        return {key: np.asarray(sums[i * n: (i + 1) * n]) for i, key in enumerate(self._needs)}

    def result(self, sums):
        value = self._value(self._split(sums))
        return value[0] if len(value) == 1 else value

    def _value(self, counts):
        return counts[self._needs[0]]


def _ratio(top, bottom):
    return np.where(bottom > 0, top / np.maximum(bottom, 1e-38), 0.0)


def _count_class(key, class_name):
    return type(class_name, (_Counts,), {"_default_name": _snake(class_name),
                                         "_needs": (key,),
                                         "__doc__": f"The number of {_snake(class_name)}."})


def _snake(name):
    import re

    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


TruePositives = _count_class("tp", "TruePositives")
FalsePositives = _count_class("fp", "FalsePositives")
TrueNegatives = _count_class("tn", "TrueNegatives")
FalseNegatives = _count_class("fn", "FalseNegatives")


class Precision(_Counts):
    """``tp / (tp + fp)`` over the epoch (predictions above ``thresholds``, default 0.5)."""

    _default_name = "precision"
    _needs = ("tp", "fp")

    def _value(self, counts):
        return _ratio(counts["tp"], counts["tp"] + counts["fp"])


class Recall(_Counts):
    """``tp / (tp + fn)`` over the epoch."""

    _default_name = "recall"
    _needs = ("tp", "fn")

    def _value(self, counts):
        return _ratio(counts["tp"], counts["tp"] + counts["fn"])


class AUC(_Counts):
    """Area under the ROC (or precision-recall, ``curve='PR'``) curve from counts at
    ``num_thresholds`` evenly spaced thresholds, trapezoids between them, as TF 1.15."""

    _default_name = "auc"
    _needs = ("tp", "fp", "tn", "fn")

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None):
        if curve not in ("ROC", "PR"):
            raise ValueError(f'Invalid AUC curve value "{curve}".')
        if thresholds is None:
            epsilon = 1e-7
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            thresholds = [0.0 - epsilon, *inner, 1.0 + epsilon]
        super().__init__(thresholds, name, dtype)
        self.curve = curve

    def _value(self, counts):
        tp, fp, tn, fn = (counts[k] for k in ("tp", "fp", "tn", "fn"))
        if self.curve == "ROC":
            x = _ratio(fp, fp + tn)
            y = _ratio(tp, tp + fn)
        else:
            x = _ratio(tp, tp + fn)
            y = _ratio(tp, tp + fp)
        return np.array([np.sum((x[:-1] - x[1:]) * (y[:-1] + y[1:]) / 2.0)])


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
    if isinstance(metric, _Counts):
        return metric.name, metric
    function = get(metric)
    if isinstance(function, type) and issubclass(function, _Counts):
        counting = function()
        return counting.name, counting
    return getattr(function, "__name__", type(function).__name__), function
