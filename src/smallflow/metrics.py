"""``tf.metrics``: streaming metrics, each a ``(value, update_op)`` pair over local variables.

Every metric keeps running sums in variables of the ``LOCAL_VARIABLES`` and
``METRIC_VARIABLES`` collections, named after its scope (``accuracy/total``,
``accuracy/count``). Running ``update_op`` adds one batch and returns the metric so far;
``value`` reads it without updating. ``tf.local_variables_initializer()`` starts again.
Like TensorFlow, a metric over nothing yet is 0 (divisions guarded), not NaN.
"""

from . import dtypes
from .graph import GraphKeys, add_to_collections, control_dependencies, convert_to_tensor
from .ops import array_ops, math_ops
from .variable_scope import variable_scope
from .variables import Variable

__all__ = [
    "accuracy",
    "auc",
    "false_negatives",
    "false_positives",
    "mean",
    "mean_absolute_error",
    "mean_iou",
    "mean_per_class_accuracy",
    "mean_relative_error",
    "mean_squared_error",
    "mean_tensor",
    "precision",
    "precision_at_thresholds",
    "recall",
    "recall_at_thresholds",
    "root_mean_squared_error",
    "true_negatives",
    "true_positives",
]

_EPSILON = 1e-7


def _metric_variable(shape, dtype, name):
    """A zero-initialised local variable counted in ``METRIC_VARIABLES``."""
    return Variable(array_ops.zeros(shape, dtype=dtype), trainable=False,
                    collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES],
                    name=name)


def _publish(value, update, metrics_collections, updates_collections):
    if metrics_collections:
        add_to_collections(metrics_collections, value)
    if updates_collections:
        add_to_collections(updates_collections, update)
    return value, update


def _float(tensor):
    tensor = convert_to_tensor(tensor)
    return tensor if tensor.dtype == dtypes.float32 else math_ops.cast(tensor, dtypes.float32)


def _squeeze_pair(labels, predictions):
    """Drop a trailing size-1 dimension from whichever of the two has one rank more."""
    labels = convert_to_tensor(labels)
    predictions = convert_to_tensor(predictions)
    l_rank, p_rank = labels.shape.ndims, predictions.shape.ndims
    if l_rank is not None and p_rank is not None:
        if p_rank == l_rank + 1 and predictions.shape[-1].value == 1:
            predictions = array_ops.squeeze(predictions, [-1])
        elif l_rank == p_rank + 1 and labels.shape[-1].value == 1:
            labels = array_ops.squeeze(labels, [-1])
        l_dims, p_dims = labels.shape, predictions.shape
        if not l_dims.is_compatible_with(p_dims):
            raise ValueError(f"Shapes {p_dims} and {l_dims} are incompatible "
                             f"(predictions {predictions.name}, labels {labels.name})")
    return labels, predictions


def _weights_like(values, weights):
    ones = array_ops.ones_like(values)
    if weights is None:
        return ones
    return math_ops.multiply(ones, _float(weights))


def mean(values, weights=None, metrics_collections=None, updates_collections=None, name=None):
    """The (weighted) mean of every element of ``values`` seen so far."""
    with variable_scope(name, default_name="mean"):
        values = _float(values)
        total = _metric_variable([], dtypes.float32, "total")
        count = _metric_variable([], dtypes.float32, "count")
        weights = _weights_like(values, weights)
        batch_total = math_ops.reduce_sum(math_ops.multiply(values, weights))
        batch_count = math_ops.reduce_sum(weights)
        update_total = total.assign_add(batch_total)
        update_count = count.assign_add(batch_count)
        value = math_ops.div_no_nan(total.value(), count.value(), name="value")
        update = math_ops.div_no_nan(update_total, update_count, name="update_op")
    return _publish(value, update, metrics_collections, updates_collections)


def mean_tensor(values, weights=None, metrics_collections=None, updates_collections=None,
                name=None):
    """The element-wise (weighted) mean of ``values`` over the batches seen so far."""
    with variable_scope(name, default_name="mean"):
        values = _float(values)
        if not values.shape.is_fully_defined():
            raise ValueError(f"mean_tensor needs a fully defined shape, got {values.shape}")
        shape = values.shape.as_list()
        total = _metric_variable(shape, dtypes.float32, "total_tensor")
        count = _metric_variable(shape, dtypes.float32, "count_tensor")
        weights = _weights_like(values, weights)
        update_total = total.assign_add(math_ops.multiply(values, weights))
        update_count = count.assign_add(weights)
        value = math_ops.div_no_nan(total.value(), count.value(), name="value")
        update = math_ops.div_no_nan(update_total, update_count, name="update_op")
    return _publish(value, update, metrics_collections, updates_collections)


def accuracy(labels, predictions, weights=None, metrics_collections=None,
             updates_collections=None, name=None):
    """The fraction of ``predictions`` equal to ``labels`` (class ids, not one-hot rows)."""
    labels, predictions = _squeeze_pair(labels, predictions)
    if predictions.dtype != labels.dtype:
        predictions = math_ops.cast(predictions, labels.dtype)
    is_correct = array_ops.to_float(math_ops.equal(predictions, labels))
    return mean(is_correct, weights, metrics_collections, updates_collections,
                name or "accuracy")


def _error_metric(default_name, error_fn):
    def metric(labels, predictions, weights=None, metrics_collections=None,
               updates_collections=None, name=None):
        labels, predictions = _squeeze_pair(labels, predictions)
        error = error_fn(_float(labels), _float(predictions))
        return mean(error, weights, metrics_collections, updates_collections,
                    name or default_name)

    metric.__name__ = default_name
    return metric


mean_absolute_error = _error_metric(
    "mean_absolute_error", lambda labels, predictions: math_ops.abs(predictions - labels))
mean_absolute_error.__doc__ = "The mean of ``|predictions - labels|``."
mean_squared_error = _error_metric("mean_squared_error", math_ops.squared_difference)
mean_squared_error.__doc__ = "The mean of ``(predictions - labels) ** 2``."


def mean_relative_error(labels, predictions, normalizer, weights=None,
                        metrics_collections=None, updates_collections=None, name=None):
    """The mean of ``|predictions - labels| / normalizer`` (0 where the normalizer is 0)."""
    labels, predictions = _squeeze_pair(labels, predictions)
    relative = math_ops.div_no_nan(math_ops.abs(_float(predictions) - _float(labels)),
                                   _float(normalizer))
    return mean(relative, weights, metrics_collections, updates_collections,
                name or "mean_relative_error")


def root_mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                            updates_collections=None, name=None):
    """The square root of the streaming mean squared error."""
    value, update = mean_squared_error(labels, predictions, weights, None, None,
                                       name or "root_mean_squared_error")
    value = math_ops.sqrt(value)
    update = math_ops.sqrt(update)
    return _publish(value, update, metrics_collections, updates_collections)


# -- counts of a binary decision -------------------------------------------------------------------


def _as_bool(tensor):
    tensor = convert_to_tensor(tensor)
    if tensor.dtype == dtypes.bool:
        return tensor
    return math_ops.cast(tensor, dtypes.bool)


def _count(condition, weights, name, collections=(None, None)):
    """Streaming (weighted) number of elements where ``condition`` holds, as ``name/count``."""
    with variable_scope(name):
        count = _metric_variable([], dtypes.float32, "count")
        hits = array_ops.to_float(condition)
        if weights is not None:
            hits = math_ops.multiply(hits, _float(weights))
        update = count.assign_add(math_ops.reduce_sum(hits))
        value = array_ops.identity(count.value(), name="value")
    return _publish(value, update, *collections)


def _binary_pair(labels, predictions):
    labels, predictions = _squeeze_pair(labels, predictions)
    return _as_bool(labels), _as_bool(predictions)


def _count_metric(default_name, label_value, prediction_value):
    def metric(labels, predictions, weights=None, metrics_collections=None,
               updates_collections=None, name=None):
        labels, predictions = _binary_pair(labels, predictions)
        wanted_labels = labels if label_value else math_ops.logical_not(labels)
        wanted_predictions = predictions if prediction_value else math_ops.logical_not(
            predictions)
        condition = math_ops.logical_and(wanted_labels, wanted_predictions)
        with variable_scope(None, default_name=default_name) as scope:
            pass
        return _count(condition, weights, _scope_base(scope),
                      (metrics_collections, updates_collections))

    metric.__name__ = default_name
    metric.__doc__ = f"The streaming (weighted) number of {default_name.replace('_', ' ')}."
    return metric


def _scope_base(scope):
    return scope.name.rpartition("/")[2] if scope.name else scope.name


true_positives = _count_metric("true_positives", True, True)
false_positives = _count_metric("false_positives", False, True)
true_negatives = _count_metric("true_negatives", False, False)
false_negatives = _count_metric("false_negatives", True, False)


def _ratio_metric(default_name, other, other_label, other_prediction):
    def metric(labels, predictions, weights=None, metrics_collections=None,
               updates_collections=None, name=None):
        labels, predictions = _binary_pair(labels, predictions)
        with variable_scope(name, default_name=default_name):
            positives = math_ops.logical_and(labels, predictions)
            tp_value, tp_update = _count(positives, weights, "true_positives")
            wanted_labels = labels if other_label else math_ops.logical_not(labels)
            wanted_predictions = predictions if other_prediction else math_ops.logical_not(
                predictions)
            others = math_ops.logical_and(wanted_labels, wanted_predictions)
            other_value, other_update = _count(others, weights, other)
            value = math_ops.div_no_nan(tp_value, tp_value + other_value, name="value")
            update = math_ops.div_no_nan(tp_update, tp_update + other_update,
                                         name="update_op")
        return _publish(value, update, metrics_collections, updates_collections)

    metric.__name__ = default_name
    return metric


precision = _ratio_metric("precision", "false_positives", False, True)
precision.__doc__ = "``tp / (tp + fp)`` of boolean predictions against boolean labels."
recall = _ratio_metric("recall", "false_negatives", True, False)
recall.__doc__ = "``tp / (tp + fn)`` of boolean predictions against boolean labels."


# -- thresholded counts: auc, precision/recall at thresholds ------------------------------------


def _confusion_at_thresholds(labels, predictions, thresholds, weights, wanted):
    """Variables and updates of tp/fn/tn/fp counted at each threshold (``pred > t``)."""
    labels, predictions = _squeeze_pair(labels, predictions)
    if weights is not None:
        # Weights broadcast to the predictions (one weight per row, say), then flattened
        # with them, as TensorFlow's weights_broadcast_ops.broadcast_weights does.
        weights = math_ops.multiply(_float(weights), array_ops.ones_like(_float(predictions)))
    labels = array_ops.reshape(_as_bool(labels), [1, -1])
    predictions = array_ops.reshape(_float(predictions), [1, -1])
    column = array_ops.reshape(convert_to_tensor(thresholds, dtype=dtypes.float32), [-1, 1])
    above = math_ops.greater(predictions, column)
    below = math_ops.logical_not(above)
    is_true = math_ops.logical_and(array_ops.ones_like(above), labels)
    is_false = math_ops.logical_not(is_true)
    conditions = {
        "tp": math_ops.logical_and(is_true, above),
        "fn": math_ops.logical_and(is_true, below),
        "tn": math_ops.logical_and(is_false, below),
        "fp": math_ops.logical_and(is_false, above),
    }
    names = {"tp": "true_positives", "fn": "false_negatives", "tn": "true_negatives",
             "fp": "false_positives"}
    size = len(thresholds)
    values, updates = {}, {}
    for key in wanted:
        variable = _metric_variable([size], dtypes.float32, names[key])
        hits = array_ops.to_float(conditions[key])
        if weights is not None:
            hits = math_ops.multiply(hits, array_ops.reshape(_float(weights), [1, -1]))
        updates[key] = variable.assign_add(math_ops.reduce_sum(hits, 1))
        values[key] = variable.value()
    return values, updates


def _auc_thresholds(num_thresholds):
    if num_thresholds < 2:
        raise ValueError("`num_thresholds` must be > 1.")
    inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [0.0 - _EPSILON, *inner, 1.0 + _EPSILON]


def _area(counts, curve, summation_method):
    tp, fn, tn, fp = counts["tp"], counts["fn"], counts["tn"], counts["fp"]
    recall_ = math_ops.divide(tp + _EPSILON, tp + fn + _EPSILON)
    if curve == "ROC":
        x = math_ops.divide(fp, fp + tn + _EPSILON)
        y = recall_
    else:
        x = recall_
        y = math_ops.divide(tp + _EPSILON, tp + fp + _EPSILON)
    width = x[:-1] - x[1:]
    if summation_method in ("trapezoidal", "careful_interpolation"):
        height = (y[:-1] + y[1:]) / 2.0
    elif summation_method == "minoring":
        height = math_ops.minimum(y[:-1], y[1:])
    elif summation_method == "majoring":
        height = math_ops.maximum(y[:-1], y[1:])
    else:
        raise ValueError(f"Invalid summation_method: {summation_method}")
    return math_ops.reduce_sum(math_ops.multiply(width, height))


def auc(labels, predictions, weights=None, num_thresholds=200, metrics_collections=None,
        updates_collections=None, curve="ROC", name=None, summation_method="trapezoidal",
        thresholds=None):
    """Area under the ROC (or ``curve="PR"``) curve, by a Riemann sum over thresholds."""
    if curve not in ("ROC", "PR"):
        raise ValueError(f'curve must be either ROC or PR, {curve} unknown')
    with variable_scope(name, default_name="auc"):
        cuts = (_auc_thresholds(num_thresholds) if thresholds is None
                else [0.0 - _EPSILON, *thresholds, 1.0 + _EPSILON])
        values, updates = _confusion_at_thresholds(labels, predictions, cuts, weights,
                                                   ("tp", "fn", "tn", "fp"))
        value = array_ops.identity(_area(values, curve, summation_method), name="value")
        update = array_ops.identity(_area(updates, curve, summation_method),
                                    name="update_op")
    return _publish(value, update, metrics_collections, updates_collections)


def precision_at_thresholds(labels, predictions, thresholds, weights=None,
                            metrics_collections=None, updates_collections=None, name=None):
    """Precision of ``predictions > t`` for each ``t`` in ``thresholds``."""
    with variable_scope(name, default_name="precision_at_thresholds"):
        values, updates = _confusion_at_thresholds(labels, predictions, thresholds, weights,
                                                   ("tp", "fp"))
        value = math_ops.divide(values["tp"], values["tp"] + values["fp"] + _EPSILON,
                                name="value")
        update = math_ops.divide(updates["tp"], updates["tp"] + updates["fp"] + _EPSILON,
                                 name="update_op")
    return _publish(value, update, metrics_collections, updates_collections)


def recall_at_thresholds(labels, predictions, thresholds, weights=None,
                         metrics_collections=None, updates_collections=None, name=None):
    """Recall of ``predictions > t`` for each ``t`` in ``thresholds``."""
    with variable_scope(name, default_name="recall_at_thresholds"):
        values, updates = _confusion_at_thresholds(labels, predictions, thresholds, weights,
                                                   ("tp", "fn"))
        value = math_ops.divide(values["tp"], values["tp"] + values["fn"] + _EPSILON,
                                name="value")
        update = math_ops.divide(updates["tp"], updates["tp"] + updates["fn"] + _EPSILON,
                                 name="update_op")
    return _publish(value, update, metrics_collections, updates_collections)


# -- per-class metrics ------------------------------------------------------------------------


def _confusion_update(labels, predictions, num_classes, weights):
    """A ``[num_classes, num_classes]`` float64 variable and the op adding one batch to it."""
    labels, predictions = _squeeze_pair(labels, predictions)
    labels = array_ops.to_int64(array_ops.reshape(labels, [-1]))
    predictions = array_ops.to_int64(array_ops.reshape(predictions, [-1]))
    cells = labels * num_classes + predictions
    counts = array_ops.ones_like(cells, dtype=dtypes.float64)
    if weights is not None:
        counts = math_ops.multiply(counts, math_ops.cast(array_ops.reshape(weights, [-1]),
                                                         dtypes.float64))
    batch = math_ops.unsorted_segment_sum(counts, cells, num_classes * num_classes)
    matrix = _metric_variable([num_classes, num_classes], dtypes.float64,
                              "total_confusion_matrix")
    update = matrix.assign_add(array_ops.reshape(batch, [num_classes, num_classes]))
    return matrix, update


def _mean_iou_of(matrix):
    rows = math_ops.reduce_sum(matrix, 0)
    columns = math_ops.reduce_sum(matrix, 1)
    diagonal = array_ops.diag_part(matrix)
    denominator = rows + columns - diagonal
    present = math_ops.reduce_sum(math_ops.cast(math_ops.not_equal(denominator, 0),
                                                dtypes.float32))
    iou = math_ops.div_no_nan(math_ops.cast(diagonal, dtypes.float32),
                              math_ops.cast(denominator, dtypes.float32))
    return math_ops.div_no_nan(math_ops.reduce_sum(iou), present)


def mean_iou(labels, predictions, num_classes, weights=None, metrics_collections=None,
             updates_collections=None, name=None):
    """The mean over classes of intersection-over-union (classes never seen are skipped)."""
    with variable_scope(name, default_name="mean_iou"):
        matrix, update_matrix = _confusion_update(labels, predictions, num_classes, weights)
        value = array_ops.identity(_mean_iou_of(matrix.value()), name="mean_iou")
        update = array_ops.identity(update_matrix, name="update_op")
    _publish(value, update, metrics_collections, updates_collections)
    return value, update


def mean_per_class_accuracy(labels, predictions, num_classes, weights=None,
                            metrics_collections=None, updates_collections=None, name=None):
    """The mean over classes of the per-class accuracy (recall of each class)."""
    with variable_scope(name, default_name="mean_accuracy"):
        labels, predictions = _squeeze_pair(labels, predictions)
        labels = array_ops.to_int64(array_ops.reshape(labels, [-1]))
        predictions = array_ops.to_int64(array_ops.reshape(predictions, [-1]))
        counts = array_ops.ones_like(labels, dtype=dtypes.float32)
        if weights is not None:
            counts = math_ops.multiply(counts, _float(array_ops.reshape(weights, [-1])))
        right = math_ops.multiply(counts, array_ops.to_float(math_ops.equal(labels,
                                                                           predictions)))
        total = _metric_variable([num_classes], dtypes.float32, "total")
        count = _metric_variable([num_classes], dtypes.float32, "count")
        update_total = total.assign_add(math_ops.unsorted_segment_sum(counts, labels,
                                                                      num_classes))
        update_count = count.assign_add(math_ops.unsorted_segment_sum(right, labels,
                                                                      num_classes))

        def per_class_mean(seen, correct):
            # As TensorFlow: the mean over all num_classes (a class never seen counts 0).
            return math_ops.reduce_mean(math_ops.div_no_nan(correct, seen))

        value = array_ops.identity(per_class_mean(total.value(), count.value()),
                                   name="mean_accuracy")
        # TF 1.x's update op gives the per-class accuracies ([num_classes]), the value
        # their mean.
        with control_dependencies([update_total, update_count]):
            update = math_ops.div_no_nan(update_count, update_total, name="update_op")
    return _publish(value, update, metrics_collections, updates_collections)


# The rest of tf.metrics (thresholds, targets, ranking) lives in its own module.
from . import metrics_extra  # noqa: E402 - needs the helpers above
from .metrics_extra import *  # noqa: E402, F403

__all__ += metrics_extra.__all__
