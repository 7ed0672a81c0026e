"""``tf.contrib.metrics`` (also ``slim.metrics``): the ``streaming_*`` metrics of TF 1.x's
contrib, with their argument order (predictions first) onto ``tf.metrics``; ``accuracy``
(not streaming), ``aggregate_metrics`` and ``aggregate_metric_map``."""

from .. import dtypes, metrics
from ..graph import convert_to_tensor, name_scope
from ..ops import array_ops, math_ops, nn_ops
from ..ops.math_extra_ops import confusion_matrix
from ._missing import missing_attribute

__all__ = ["accuracy", "aggregate_metric_map", "aggregate_metrics", "confusion_matrix",
           "streaming_accuracy", "streaming_auc", "streaming_false_negatives",
           "streaming_false_positives", "streaming_mean", "streaming_mean_absolute_error",
           "streaming_mean_cosine_distance", "streaming_mean_iou",
           "streaming_mean_relative_error", "streaming_mean_squared_error",
           "streaming_mean_tensor", "streaming_percentage_less", "streaming_precision",
           "streaming_precision_at_thresholds", "streaming_recall", "streaming_recall_at_k",
           "streaming_recall_at_thresholds", "streaming_root_mean_squared_error",
           "streaming_sensitivity_at_specificity", "streaming_sparse_precision_at_k",
           "streaming_sparse_recall_at_k", "streaming_specificity_at_sensitivity",
           "streaming_true_negatives", "streaming_true_positives"]


def _pair(metric):
    """A contrib metric ``f(predictions, labels, ...)`` onto ``tf.metrics``' ``(labels,
    predictions, ...)``."""
    def streaming(predictions, labels, weights=None, metrics_collections=None,
                  updates_collections=None, name=None):
        return metric(labels, predictions, weights=weights,
                      metrics_collections=metrics_collections,
                      updates_collections=updates_collections, name=name)

    streaming.__name__ = f"streaming_{metric.__name__}"
    streaming.__doc__ = f"``tf.metrics.{metric.__name__}`` with predictions first."
    return streaming


streaming_accuracy = _pair(metrics.accuracy)
streaming_precision = _pair(metrics.precision)
streaming_recall = _pair(metrics.recall)
streaming_true_positives = _pair(metrics.true_positives)
streaming_false_positives = _pair(metrics.false_positives)
streaming_false_negatives = _pair(metrics.false_negatives)
streaming_true_negatives = _pair(metrics.true_negatives)
streaming_mean_absolute_error = _pair(metrics.mean_absolute_error)
streaming_mean_squared_error = _pair(metrics.mean_squared_error)
streaming_root_mean_squared_error = _pair(metrics.root_mean_squared_error)


def streaming_mean(values, weights=None, metrics_collections=None, updates_collections=None,
                   name=None):
    return metrics.mean(values, weights, metrics_collections, updates_collections, name)


def streaming_mean_tensor(values, weights=None, metrics_collections=None,
                          updates_collections=None, name=None):
    return metrics.mean_tensor(values, weights, metrics_collections, updates_collections, name)


def streaming_auc(predictions, labels, weights=None, num_thresholds=200,
                  metrics_collections=None, updates_collections=None, curve="ROC", name=None,
                  summation_method="trapezoidal"):
    return metrics.auc(labels, predictions, weights=weights, num_thresholds=num_thresholds,
                       metrics_collections=metrics_collections,
                       updates_collections=updates_collections, curve=curve, name=name,
                       summation_method=summation_method)


def streaming_mean_relative_error(predictions, labels, normalizer, weights=None,
                                  metrics_collections=None, updates_collections=None,
                                  name=None):
    return metrics.mean_relative_error(labels, predictions, normalizer, weights=weights,
                                       metrics_collections=metrics_collections,
                                       updates_collections=updates_collections, name=name)


def streaming_mean_iou(predictions, labels, num_classes, weights=None,
                       metrics_collections=None, updates_collections=None, name=None):
    return metrics.mean_iou(labels, predictions, num_classes, weights=weights,
                            metrics_collections=metrics_collections,
                            updates_collections=updates_collections, name=name)


def streaming_mean_cosine_distance(predictions, labels, dim, weights=None,
                                   metrics_collections=None, updates_collections=None,
                                   name=None):
    return metrics.mean_cosine_distance(labels, predictions, dim, weights=weights,
                                        metrics_collections=metrics_collections,
                                        updates_collections=updates_collections, name=name)


def streaming_percentage_less(values, threshold, weights=None, metrics_collections=None,
                              updates_collections=None, name=None):
    return metrics.percentage_below(values, threshold, weights=weights,
                                    metrics_collections=metrics_collections,
                                    updates_collections=updates_collections, name=name)


def _thresholds(metric):
    def streaming(predictions, labels, thresholds, weights=None, metrics_collections=None,
                  updates_collections=None, name=None):
        return metric(labels, predictions, thresholds, weights=weights,
                      metrics_collections=metrics_collections,
                      updates_collections=updates_collections, name=name)

    streaming.__name__ = f"streaming_{metric.__name__}"
    return streaming


streaming_precision_at_thresholds = _thresholds(metrics.precision_at_thresholds)
streaming_recall_at_thresholds = _thresholds(metrics.recall_at_thresholds)


def streaming_sensitivity_at_specificity(predictions, labels, specificity, weights=None,
                                         num_thresholds=200, metrics_collections=None,
                                         updates_collections=None, name=None):
    return metrics.sensitivity_at_specificity(
        labels, predictions, specificity, weights=weights, num_thresholds=num_thresholds,
        metrics_collections=metrics_collections, updates_collections=updates_collections,
        name=name)


def streaming_specificity_at_sensitivity(predictions, labels, sensitivity, weights=None,
                                         num_thresholds=200, metrics_collections=None,
                                         updates_collections=None, name=None):
    return metrics.specificity_at_sensitivity(
        labels, predictions, sensitivity, weights=weights, num_thresholds=num_thresholds,
        metrics_collections=metrics_collections, updates_collections=updates_collections,
        name=name)


def streaming_sparse_recall_at_k(predictions, labels, k, class_id=None, weights=None,
                                 metrics_collections=None, updates_collections=None,
                                 name=None):
    return metrics.recall_at_k(labels, predictions, k, class_id=class_id, weights=weights,
                               metrics_collections=metrics_collections,
                               updates_collections=updates_collections, name=name)


def streaming_sparse_precision_at_k(predictions, labels, k, class_id=None, weights=None,
                                    metrics_collections=None, updates_collections=None,
                                    name=None):
    return metrics.precision_at_k(labels, predictions, k, class_id=class_id, weights=weights,
                                  metrics_collections=metrics_collections,
                                  updates_collections=updates_collections, name=name)


def streaming_recall_at_k(predictions, labels, k, weights=None, metrics_collections=None,
                          updates_collections=None, name=None):
    """The running share of rows whose label is among the ``k`` largest predictions."""
    with name_scope(name or "recall_at_k"):
        hits = math_ops.cast(nn_ops.in_top_k(predictions, labels, k), dtypes.float32)
        return metrics.mean(hits, weights, metrics_collections, updates_collections,
                            name="recall_at_k")


def accuracy(predictions, labels, weights=None, name=None):
    """The (not streaming) share of equal entries, weighted by ``weights`` when given."""
    with name_scope(name or "accuracy"):
        predictions = convert_to_tensor(predictions, name="predictions")
        labels = convert_to_tensor(labels, name="labels")
        if predictions.dtype.base_dtype != labels.dtype.base_dtype:
            raise ValueError(f"Dtypes of predictions and labels should match. Given: "
                             f"predictions ({predictions.dtype.name}) and labels "
                             f"({labels.dtype.name})")
        correct = math_ops.cast(math_ops.equal(predictions, labels), dtypes.float32)
        if weights is None:
            return math_ops.reduce_mean(correct)
        weights = math_ops.cast(convert_to_tensor(weights, name="weights"), dtypes.float32)
        return math_ops.reduce_sum(correct * weights) / math_ops.reduce_sum(
            weights * array_ops.ones_like(correct))


def aggregate_metrics(*value_update_tuples):
    """``([values], [update_ops])`` from several ``(value, update_op)`` pairs."""
    if not value_update_tuples:
        raise ValueError("Expected at least one value_tensor/update_op pair")
    values, updates = zip(*value_update_tuples)
    return list(values), list(updates)


def aggregate_metric_map(names_to_tuples):
    """``({name: value}, {name: update_op})`` from ``{name: (value, update_op)}``."""
    names = list(names_to_tuples)
    values, updates = aggregate_metrics(*[names_to_tuples[n] for n in names])
    return dict(zip(names, values)), dict(zip(names, updates))


__getattr__ = missing_attribute(__name__, "tf.contrib.metrics")
