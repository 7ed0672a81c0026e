"""``tf.contrib.losses`` (also ``slim.losses``): TF 1.x's older loss API, with its argument
order (predictions or logits first) onto ``tf.losses``.

The weighting and reduction are the same as ``tf.losses``' default (the weighted sum over
the number of non-zero weights) and each loss is added to the ``LOSSES`` collection, as
contrib did; ``hinge_loss`` returns the unreduced per-element losses, as contrib's did.
"""

from .. import losses as _losses
from ..graph import convert_to_tensor, name_scope
from ..ops import math_ops, nn_ops
from . import losses_metric_learning as metric_learning
from ._missing import missing_attribute

__all__ = ["absolute_difference", "add_loss", "compute_weighted_loss", "cosine_distance",
           "get_losses", "get_regularization_losses", "get_total_loss", "hinge_loss",
           "log_loss", "mean_pairwise_squared_error", "mean_squared_error", "metric_learning",
           "sigmoid_cross_entropy", "softmax_cross_entropy", "sparse_softmax_cross_entropy",
           "sum_of_pairwise_squares", "sum_of_squares"]

add_loss = _losses.add_loss
get_losses = _losses.get_losses
get_regularization_losses = _losses.get_regularization_losses


def get_total_loss(add_regularization_losses=True, name="total_loss"):
    return _losses.get_total_loss(add_regularization_losses=add_regularization_losses, name=name)


def compute_weighted_loss(losses, weights=1.0, scope=None):
    return _losses.compute_weighted_loss(losses, weights, scope=scope)


def softmax_cross_entropy(logits, onehot_labels, weights=1.0, label_smoothing=0, scope=None):
    return _losses.softmax_cross_entropy(onehot_labels, logits, weights,
                                         label_smoothing=label_smoothing, scope=scope)


def sparse_softmax_cross_entropy(logits, labels, weights=1.0, scope=None):
    return _losses.sparse_softmax_cross_entropy(labels, logits, weights, scope=scope)


def sigmoid_cross_entropy(logits, multi_class_labels, weights=1.0, label_smoothing=0,
                          scope=None):
    return _losses.sigmoid_cross_entropy(multi_class_labels, logits, weights,
                                         label_smoothing=label_smoothing, scope=scope)


def _labels(labels, name):
    if labels is None:
        raise ValueError(f"{name}: labels must not be None")
    return labels


def mean_squared_error(predictions, labels=None, weights=1.0, scope=None):
    return _losses.mean_squared_error(_labels(labels, "mean_squared_error"), predictions,
                                      weights, scope=scope)


sum_of_squares = mean_squared_error  # its name before TensorFlow 1.0


def absolute_difference(predictions, labels=None, weights=1.0, scope=None):
    return _losses.absolute_difference(_labels(labels, "absolute_difference"), predictions,
                                       weights, scope=scope)


def log_loss(predictions, labels=None, weights=1.0, epsilon=1e-7, scope=None):
    return _losses.log_loss(_labels(labels, "log_loss"), predictions, weights, epsilon,
                            scope=scope)


def cosine_distance(predictions, labels=None, dim=None, weights=1.0, scope=None):
    return _losses.cosine_distance(_labels(labels, "cosine_distance"), predictions, axis=dim,
                                   weights=weights, scope=scope)


def mean_pairwise_squared_error(predictions, labels=None, weights=1.0, scope=None):
    return _losses.mean_pairwise_squared_error(_labels(labels, "mean_pairwise_squared_error"),
                                               predictions, weights, scope=scope)


sum_of_pairwise_squares = mean_pairwise_squared_error


def hinge_loss(logits, labels=None, scope=None):
    """``relu(1 - (2 labels - 1) * logits)`` per element (0/1 labels), not reduced."""
    with name_scope(scope or "hinge_loss"):
        logits = convert_to_tensor(logits, name="logits")
        labels = math_ops.cast(convert_to_tensor(_labels(labels, "hinge_loss"), name="labels"),
                               logits.dtype)
        if not logits.shape.is_compatible_with(labels.shape):
            raise ValueError(f"Shapes {logits.shape} and {labels.shape} are incompatible")
        signs = 2.0 * labels - 1.0
        return nn_ops.relu(1.0 - signs * logits)


__getattr__ = missing_attribute(__name__, "tf.contrib.losses")
