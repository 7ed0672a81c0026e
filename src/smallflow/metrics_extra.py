"""The rest of ``tf.metrics``: confusion counts at thresholds, sensitivity/specificity at a
target, cosine distance, percentage below, and the top-k ranking metrics
(``precision_at_k``, ``recall_at_k``, ``precision_at_top_k``, ``average_precision_at_k``).

Same conventions as ``metrics.py``: local variables in ``LOCAL_VARIABLES`` and
``METRIC_VARIABLES``, a ``(value, update_op)`` pair, TensorFlow 1.x's default names.
Ranking metrics take class-id labels ``[batch]`` or ``[batch, n]`` (ids outside
``[0, num_classes)``, e.g. -1 padding, count as no label) and scores ``[batch, classes]``.
"""

from . import dtypes
from .graph import convert_to_tensor
from .metrics import (
    _EPSILON,
    _confusion_at_thresholds,
    _float,
    _metric_variable,
    _publish,
    mean,
)
from .ops import array_extra_ops, array_ops, math_ops
from .variable_scope import variable_scope

__all__ = [
    "average_precision_at_k",
    "false_negatives_at_thresholds",
    "false_positives_at_thresholds",
    "mean_cosine_distance",
    "percentage_below",
    "precision_at_k",
    "precision_at_top_k",
    "recall_at_k",
    "recall_at_top_k",
    "sensitivity_at_specificity",
    "sparse_average_precision_at_k",
    "sparse_precision_at_k",
    "specificity_at_sensitivity",
    "true_negatives_at_thresholds",
    "true_positives_at_thresholds",
]


def _counts_at_thresholds(default_name, key):
    def metric(labels, predictions, thresholds, weights=None, metrics_collections=None,
               updates_collections=None, name=None):
        with variable_scope(name, default_name=default_name):
            values, updates = _confusion_at_thresholds(labels, predictions, thresholds,
                                                       weights, (key,))
        return _publish(values[key], updates[key], metrics_collections, updates_collections)

    metric.__name__ = default_name
    metric.__doc__ = f"Streaming {default_name.replace('_', ' ')} (``predictions > t``)."
    return metric


true_positives_at_thresholds = _counts_at_thresholds("true_positives", "tp")
false_positives_at_thresholds = _counts_at_thresholds("false_positives", "fp")
true_negatives_at_thresholds = _counts_at_thresholds("true_negatives", "tn")
false_negatives_at_thresholds = _counts_at_thresholds("false_negatives", "fn")


def _target_thresholds(num_thresholds):
    """TensorFlow's: just below 0, ``num_thresholds - 2`` inside (0, 1), just above 1."""
    inside = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [0.0 - _EPSILON] + inside + [1.0 + _EPSILON]


def _at_target(default_name, target_name, find, report, labels, predictions, target, weights,
               num_thresholds, metrics_collections, updates_collections, name, last=False):
    if not 0 <= target <= 1:
        raise ValueError(f"`{target_name}` must be in the range [0, 1]. Currently, "
                         f"`{target_name}` is {target}.")
    with variable_scope(name, default_name=default_name):
        values, updates = _confusion_at_thresholds(
            labels, predictions, _target_thresholds(num_thresholds), weights,
            ("tp", "fn", "tn", "fp"))

        def compute(counts, label):
            tp, fn, tn, fp = (counts[k] for k in ("tp", "fn", "tn", "fp"))
            # The threshold whose rate is nearest the target; report the other rate there.
            # Ties: TF takes the first for sensitivity_at_specificity, the last for
            # specificity_at_sensitivity.
            distance = math_ops.abs(find(tp, fn, tn, fp) - target)
            if last:
                nearest = math_ops.cast(math_ops.equal(
                    distance, math_ops.reduce_min(distance)), dtypes.int64)
                index = math_ops.argmax(math_ops.cumsum(nearest), 0)
            else:
                index = math_ops.argmin(distance, 0)
            picked = [array_ops.gather(c, index) for c in (tp, fn, tn, fp)]
            return array_ops.identity(report(*picked), name=label)

        value = compute(values, "value")
        update = compute(updates, "update_op")
    return _publish(value, update, metrics_collections, updates_collections)


def _specificity(tp, fn, tn, fp):
    return tn / (tn + fp + _EPSILON)


def _sensitivity(tp, fn, tn, fp):
    return tp / (tp + fn + _EPSILON)


def sensitivity_at_specificity(labels, predictions, specificity, weights=None,
                               num_thresholds=200, metrics_collections=None,
                               updates_collections=None, name=None):
    """The recall (sensitivity) at the threshold whose specificity is nearest
    ``specificity`` (TensorFlow's argument names: programs pass ``specificity=``)."""
    return _at_target("sensitivity_at_specificity", "specificity", _specificity, _sensitivity,
                      labels, predictions, specificity, weights, num_thresholds,
                      metrics_collections, updates_collections, name)


def specificity_at_sensitivity(labels, predictions, sensitivity, weights=None,
                               num_thresholds=200, metrics_collections=None,
                               updates_collections=None, name=None):
    """The specificity at the threshold whose sensitivity is nearest ``sensitivity``."""
    return _at_target("specificity_at_sensitivity", "sensitivity", _sensitivity, _specificity,
                      labels, predictions, sensitivity, weights, num_thresholds,
                      metrics_collections, updates_collections, name, last=True)


def mean_cosine_distance(labels, predictions, dim, weights=None, metrics_collections=None,
                         updates_collections=None, name=None):
    """``1 - mean(sum(labels * predictions, dim))`` of unit-normalised vectors."""
    labels = _float(labels)
    predictions = _float(predictions)
    if not labels.shape.is_compatible_with(predictions.shape):
        raise ValueError(f"Shapes {labels.shape} and {predictions.shape} are incompatible")
    products = math_ops.reduce_sum(math_ops.multiply(labels, predictions), axis=[dim],
                                   keepdims=True)
    with variable_scope(name, default_name="mean_cosine_distance"):
        value, update = mean(products, weights, name="mean")
        value = math_ops.subtract(1.0, value, name="value")
        update = math_ops.subtract(1.0, update, name="update_op")
    return _publish(value, update, metrics_collections, updates_collections)


def percentage_below(values, threshold, weights=None, metrics_collections=None,
                     updates_collections=None, name=None):
    """The (weighted) share of ``values`` below ``threshold``."""
    below = math_ops.cast(math_ops.less(_float(values), threshold), dtypes.float32)
    with variable_scope(name, default_name="percentage_below_threshold"):
        value, update = mean(below, weights, name="mean")
    return _publish(value, update, metrics_collections, updates_collections)


# -- top-k ranking metrics -------------------------------------------------------------------


def _label_matrix(labels):
    labels = math_ops.cast(convert_to_tensor(labels), dtypes.int64)
    if labels.shape.ndims == 1:
        labels = array_ops.expand_dims(labels, 1)
    return labels


def _hits(labels, top, num_classes):
    """``[batch, k]``: does each of the top-k ids appear among the example's labels?"""
    top = math_ops.cast(top, dtypes.int64)
    matches = math_ops.equal(array_ops.expand_dims(top, 2), array_ops.expand_dims(labels, 1))
    valid = math_ops.logical_and(math_ops.greater_equal(labels, 0),
                                 math_ops.less(labels, num_classes))
    matches = math_ops.logical_and(matches, array_ops.expand_dims(valid, 1))
    return math_ops.reduce_any(matches, 2), valid


def _ranking_counts(labels, top, k, class_id, num_classes):
    """Per-example true positives, false positives and false negatives of the top-k."""
    labels = _label_matrix(labels)
    top = math_ops.cast(top, dtypes.int64)
    hits, valid = _hits(labels, top, num_classes)
    hit = math_ops.cast(hits, dtypes.float32)
    if class_id is None:
        tp = math_ops.reduce_sum(hit, 1)
        fp = math_ops.cast(k, dtypes.float32) - tp
        fn = math_ops.reduce_sum(math_ops.cast(valid, dtypes.float32), 1) - tp
        return tp, fp, fn
    chosen = math_ops.cast(math_ops.equal(top, class_id), dtypes.float32)
    labelled = math_ops.cast(math_ops.reduce_any(math_ops.logical_and(
        math_ops.equal(labels, class_id), valid), 1), dtypes.float32)
    tp = math_ops.reduce_sum(chosen * hit, 1)
    fp = math_ops.reduce_sum(chosen, 1) - tp
    fn = labelled - tp
    return tp, fp, fn


def _ratio_of_counts(tp, other, weights, name, metrics_collections, updates_collections):
    """Streaming ``sum(tp) / (sum(tp) + sum(other))`` (NaN-free: 0 before any count)."""
    total_tp = _metric_variable([], dtypes.float64, "true_positives")
    total_other = _metric_variable([], dtypes.float64, "other")
    if weights is not None:
        w = array_ops.reshape(_float(weights), [-1])
        tp, other = tp * w, other * w
    update_tp = total_tp.assign_add(math_ops.cast(math_ops.reduce_sum(tp), dtypes.float64))
    update_other = total_other.assign_add(math_ops.cast(math_ops.reduce_sum(other),
                                                        dtypes.float64))
    value = math_ops.div_no_nan(total_tp.value(), total_tp.value() + total_other.value(),
                                name="value")
    update = math_ops.div_no_nan(update_tp, update_tp + update_other, name="update_op")
    return _publish(value, update, metrics_collections, updates_collections)


def _top_ids(predictions, k):
    return array_extra_ops.top_k(_float(predictions), k)[1]


def _num_classes(predictions):
    return convert_to_tensor(predictions).shape[-1].value or 2**62


def precision_at_top_k(labels, predictions_idx, k=None, class_id=None, weights=None,
                       metrics_collections=None, updates_collections=None, name=None):
    """Precision of given top-k class ids ``predictions_idx [batch, k]`` (float64)."""
    predictions_idx = convert_to_tensor(predictions_idx)
    k = predictions_idx.shape[-1].value if k is None else k
    with variable_scope(name, default_name="precision_at_top_k"
                        + (f"_class{class_id}" if class_id is not None else "")):
        tp, fp, _ = _ranking_counts(labels, predictions_idx, k, class_id, 2**62)
        return _ratio_of_counts(tp, fp, weights, name, metrics_collections,
                                updates_collections)


def precision_at_k(labels, predictions, k, class_id=None, weights=None,
                   metrics_collections=None, updates_collections=None, name=None):
    """Precision of the ``k`` highest-scored classes against the labels (float64)."""
    with variable_scope(name, default_name=f"precision_at_{k}"
                        + (f"_class{class_id}" if class_id is not None else "")):
        tp, fp, _ = _ranking_counts(labels, _top_ids(predictions, k), k, class_id,
                                    _num_classes(predictions))
        return _ratio_of_counts(tp, fp, weights, name, metrics_collections,
                                updates_collections)


sparse_precision_at_k = precision_at_k


def recall_at_top_k(labels, predictions_idx, k=None, class_id=None, weights=None,
                    metrics_collections=None, updates_collections=None, name=None):
    """Recall of given top-k class ids ``predictions_idx [batch, k]`` (float64)."""
    predictions_idx = convert_to_tensor(predictions_idx)
    k = predictions_idx.shape[-1].value if k is None else k
    with variable_scope(name, default_name="recall_at_top_k"
                        + (f"_class{class_id}" if class_id is not None else "")):
        tp, _, fn = _ranking_counts(labels, predictions_idx, k, class_id, 2**62)
        return _ratio_of_counts(tp, fn, weights, name, metrics_collections,
                                updates_collections)


def recall_at_k(labels, predictions, k, class_id=None, weights=None, metrics_collections=None,
                updates_collections=None, name=None):
    """Recall of the ``k`` highest-scored classes: labels found among them (float64)."""
    with variable_scope(name, default_name=f"recall_at_{k}"
                        + (f"_class{class_id}" if class_id is not None else "")):
        tp, _, fn = _ranking_counts(labels, _top_ids(predictions, k), k, None
                                    if class_id is None else class_id,
                                    _num_classes(predictions))
        return _ratio_of_counts(tp, fn, weights, name, metrics_collections,
                                updates_collections)


def average_precision_at_k(labels, predictions, k, weights=None, metrics_collections=None,
                           updates_collections=None, name=None):
    """Mean over examples of the average precision of the top ``k`` (float64):
    ``sum_i precision@i * relevant(i) / min(k, number of labels)``."""
    if k < 1:
        raise ValueError(f"Invalid k={k}.")
    with variable_scope(name, default_name=f"average_precision_at_{k}"):
        labels = _label_matrix(labels)
        hits, valid = _hits(labels, _top_ids(predictions, k), _num_classes(predictions))
        relevant = math_ops.cast(hits, dtypes.float64)
        ranks = math_ops.cast(math_ops.range(1, k + 1), dtypes.float64)
        precisions = math_ops.cumsum(relevant, axis=1) / ranks
        count = math_ops.cast(math_ops.reduce_sum(math_ops.cast(valid, dtypes.int32), 1),
                              dtypes.float64)
        per_example = math_ops.div_no_nan(math_ops.reduce_sum(precisions * relevant, 1),
                                          math_ops.minimum(count, float(k)))
        total = _metric_variable([], dtypes.float64, "total")
        examples = _metric_variable([], dtypes.float64, "max")
        w = (array_ops.ones_like(per_example) if weights is None
             else math_ops.cast(array_ops.reshape(convert_to_tensor(weights), [-1]),
                                dtypes.float64))
        update_total = total.assign_add(math_ops.reduce_sum(per_example * w))
        update_examples = examples.assign_add(math_ops.reduce_sum(w))
        value = math_ops.div_no_nan(total.value(), examples.value(), name="value")
        update = math_ops.div_no_nan(update_total, update_examples, name="update_op")
    return _publish(value, update, metrics_collections, updates_collections)


sparse_average_precision_at_k = average_precision_at_k
