"""The ``tf.contrib.learn`` heads ``TensorForestEstimator`` builds on (TensorFlow 1.15's
``contrib/learn/.../head.py``: ``multi_class_head``, ``regression_head``), reduced to what a
forest needs: the logits are given (no centered bias, no ``logits_input``).

As TensorFlow's contrib heads:

- the training loss is the batch mean of the per-example loss times its weight (the weight
  column, if any); the evaluation ``loss`` metric is the streaming mean of the per-batch
  weighted average (sum of weighted losses over the sum of weights);
- more than two classes: sparse softmax cross entropy of the logits, predictions
  ``logits``, ``probabilities`` (their softmax) and ``classes`` (int64 argmax), metrics
  ``loss`` and ``accuracy``;
- two classes: one logit, sigmoid cross entropy, predictions ``logits``, ``logistic``,
  ``probabilities`` (softmax of ``[0, logit]``), ``classes``; metrics ``loss``, ``accuracy``,
  ``prediction/mean``, ``label/mean``, ``accuracy/baseline_label_mean``, ``auc``,
  ``auc_precision_recall`` and, per threshold (0.5), accuracy, precision and recall;
- regression: squared error, prediction ``scores`` (squeezed to [batch] for one output),
  metric ``loss``;
- a named head suffixes its metric keys with ``/name``.
"""

from ....graph import convert_to_tensor, name_scope
from ....ops import array_ops, math_ops, nn_ops
from ... import learn

_model_fn = learn.model_fn
ModeKeys = _model_fn.ModeKeys
PredictionKey = _model_fn.PredictionKey
MetricKey = _model_fn.MetricKey

__all__ = ["multi_class_head", "regression_head"]


def _summary_key(head_name, key):
    return f"{key}/{head_name}" if head_name else key


def _weighted_loss(unweighted, weights):
    """(training loss, weighted average) as TensorFlow's contrib heads compute them."""
    from .... import reduce_mean, reduce_sum

    if weights is None:
        loss = reduce_mean(unweighted, name="loss")
        return loss, loss
    weights = math_ops.cast(convert_to_tensor(weights), unweighted.dtype)
    if weights.shape.ndims == 1 and unweighted.shape.ndims == 2:
        weights = array_ops.expand_dims(weights, 1)
    weighted = unweighted * weights
    return (reduce_mean(weighted, name="loss"),
            math_ops.div(reduce_sum(weighted), reduce_sum(weights * array_ops.ones_like(
                unweighted)), name="weighted_average_loss"))


def _labels_tensor(labels, label_name):
    if isinstance(labels, dict):
        if label_name is None:
            raise ValueError(f"label_name is required to pick one of the labels {sorted(labels)}")
        labels = labels[label_name]
    return convert_to_tensor(labels)


class _ForestHead:
    """One contrib.learn head over given logits; ``create_model_fn_ops`` as TensorFlow's."""

    loss_fn = None

    def __init__(self, logits_dimension, label_name, weight_column_name, head_name):
        self.logits_dimension = logits_dimension
        self.label_name = label_name
        self.weight_column_name = weight_column_name
        self.head_name = head_name

    def create_model_fn_ops(self, features, mode, labels=None, train_op_fn=None, logits=None,
                            logits_input=None, scope=None):
        from .... import summary

        if logits is None or logits_input is not None:
            raise ValueError("the forest's heads take logits (and no logits_input)")
        if mode not in (ModeKeys.TRAIN, ModeKeys.EVAL, ModeKeys.INFER):
            raise ValueError(f"mode={mode!r} unrecognized.")
        with name_scope(scope or self.head_name or self._default_name):
            logits = convert_to_tensor(logits, name="logits")
            predictions = self._predictions(logits)
            loss = train_op = metrics = None
            if mode != ModeKeys.INFER and labels is not None:
                labels = _labels_tensor(labels, self.label_name)
                weights = None
                if self.weight_column_name:
                    weights = math_ops.cast(features[self.weight_column_name], "float32")
                if self.loss_fn is not None:
                    # A custom loss (contrib's loss_fn) is the training and evaluation loss.
                    loss = average = (self.loss_fn(labels, logits) if weights is None
                                      else self.loss_fn(labels, logits, weights))
                else:
                    loss, average = _weighted_loss(self._loss(labels, logits), weights)
                with name_scope(""):
                    summary.scalar(_summary_key(self.head_name, MetricKey.LOSS),
                                   array_ops.identity(average))
                if mode == ModeKeys.TRAIN:
                    if train_op_fn is None:
                        raise ValueError("train_op_fn can not be None in TRAIN mode")
                    train_op = train_op_fn(loss)
                metrics = self._metrics(average, predictions, labels, weights)
        return _model_fn.ModelFnOps(mode=mode, predictions=predictions, loss=loss,
                                    train_op=train_op, eval_metric_ops=metrics)


class _MultiClassHead(_ForestHead):
    _default_name = "multi_class_head"

    def __init__(self, n_classes, label_name, weight_column_name, head_name):
        super().__init__(n_classes, label_name, weight_column_name, head_name)

    def _loss(self, labels, logits):
        if not labels.dtype.is_integer:
            raise ValueError(f"Labels dtype should be integer Instead got {labels.dtype}.")
        squeezed = labels.shape.ndims == 2
        if squeezed:
            labels = array_ops.squeeze(labels, axis=[1])
        loss = nn_ops.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        return array_ops.expand_dims(loss, 1) if squeezed else loss

    def _predictions(self, logits):
        with name_scope("predictions"):
            return {PredictionKey.LOGITS: logits,
                    PredictionKey.PROBABILITIES: nn_ops.softmax(
                        logits, name=PredictionKey.PROBABILITIES),
                    PredictionKey.CLASSES: math_ops.argmax(logits, 1,
                                                           name=PredictionKey.CLASSES)}

    def _metrics(self, eval_loss, predictions, labels, weights):
        from .... import metrics as metrics_lib

        with name_scope("metrics"):
            return {
                _summary_key(self.head_name, MetricKey.LOSS): metrics_lib.mean(eval_loss),
                _summary_key(self.head_name, MetricKey.ACCURACY): metrics_lib.accuracy(
                    labels, predictions[PredictionKey.CLASSES], weights)}


class _BinaryHead(_ForestHead):
    _default_name = "binary_logistic_head"

    def __init__(self, label_name, weight_column_name, head_name, thresholds=None):
        super().__init__(1, label_name, weight_column_name, head_name)
        self.thresholds = thresholds or (0.5,)

    def _loss(self, labels, logits):
        labels = math_ops.cast(labels, "float32")
        if labels.shape.ndims == 1:
            labels = array_ops.expand_dims(labels, 1)
        return nn_ops.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)

    def _predictions(self, logits):
        with name_scope("predictions"):
            two = array_ops.concat([array_ops.zeros_like(logits), logits], 1)
            return {PredictionKey.LOGITS: logits,
                    PredictionKey.LOGISTIC: math_ops.sigmoid(logits,
                                                             name=PredictionKey.LOGISTIC),
                    PredictionKey.PROBABILITIES: nn_ops.softmax(
                        two, name=PredictionKey.PROBABILITIES),
                    PredictionKey.CLASSES: math_ops.argmax(two, 1, name=PredictionKey.CLASSES)}

    def _metrics(self, eval_loss, predictions, labels, weights):
        from .... import metrics as metrics_lib

        key = self.head_name
        logistic = predictions[PredictionKey.LOGISTIC]
        with name_scope("metrics"):
            float_labels = math_ops.cast(labels, "float32")
            if float_labels.shape.ndims == 1:
                float_labels = array_ops.expand_dims(float_labels, 1)
            if weights is not None and weights.shape.ndims == 1:
                weights = array_ops.expand_dims(weights, 1)
            classes = array_ops.reshape(predictions[PredictionKey.CLASSES], [-1, 1])
            result = {
                _summary_key(key, MetricKey.LOSS): metrics_lib.mean(eval_loss),
                _summary_key(key, MetricKey.ACCURACY): metrics_lib.accuracy(
                    math_ops.cast(float_labels, "int64"), classes, weights),
                _summary_key(key, MetricKey.PREDICTION_MEAN): metrics_lib.mean(
                    logistic, weights),
                _summary_key(key, MetricKey.LABEL_MEAN): metrics_lib.mean(
                    float_labels, weights),
                _summary_key(key, MetricKey.ACCURACY_BASELINE): metrics_lib.mean(
                    float_labels, weights),
                _summary_key(key, MetricKey.AUC): metrics_lib.auc(
                    float_labels, logistic, weights),
                _summary_key(key, MetricKey.AUC_PR): metrics_lib.auc(
                    float_labels, logistic, weights, curve="PR"),
            }
            for threshold in self.thresholds:
                decided = math_ops.cast(logistic >= threshold, "float32")
                result[_summary_key(key, MetricKey.ACCURACY_MEAN % threshold)] = (
                    metrics_lib.accuracy(float_labels, decided, weights))
                for metric_key, fn in ((MetricKey.PRECISION_MEAN,
                                        metrics_lib.precision_at_thresholds),
                                       (MetricKey.RECALL_MEAN,
                                        metrics_lib.recall_at_thresholds)):
                    value, update = fn(float_labels, logistic, [threshold], weights)
                    result[_summary_key(key, metric_key % threshold)] = (
                        array_ops.squeeze(value), array_ops.squeeze(update))
            return result


class _RegressionHead(_ForestHead):
    _default_name = "regression_head"

    def _loss(self, labels, logits):
        labels = math_ops.cast(labels, "float32")
        if labels.shape.ndims == 1:
            labels = array_ops.expand_dims(labels, 1)
        if logits.shape.ndims == 1:
            logits = array_ops.expand_dims(logits, 1)
        return math_ops.square(logits - labels)

    def _predictions(self, logits):
        with name_scope("predictions"):
            if self.logits_dimension == 1:
                logits = array_ops.squeeze(logits, axis=[1], name=PredictionKey.SCORES)
            return {PredictionKey.SCORES: logits}

    def _metrics(self, eval_loss, predictions, labels, weights):
        from .... import metrics as metrics_lib

        with name_scope("metrics"):
            return {_summary_key(self.head_name, MetricKey.LOSS): metrics_lib.mean(eval_loss)}


def multi_class_head(n_classes, label_name=None, weight_column_name=None,
                     enable_centered_bias=False, head_name=None, thresholds=None,
                     metric_class_ids=None, loss_fn=None, label_keys=None):
    """contrib.learn's classification head: binary for 2 classes, softmax for more."""
    if n_classes is None or n_classes < 2:
        raise ValueError(f"n_classes must be > 1 for classification: {n_classes}.")
    for name, value in (("enable_centered_bias", enable_centered_bias),
                        ("metric_class_ids", metric_class_ids), ("label_keys", label_keys)):
        if value:
            raise NotImplementedError(f"tensor_forest's multi_class_head: {name} is not "
                                      "provided by smallflow")
    if n_classes == 2:
        head = _BinaryHead(label_name, weight_column_name, head_name, thresholds)
    else:
        head = _MultiClassHead(n_classes, label_name, weight_column_name, head_name)
    head.loss_fn = loss_fn
    return head


def regression_head(label_name=None, weight_column_name=None, label_dimension=1,
                    enable_centered_bias=False, head_name=None):
    """contrib.learn's squared-error regression head over ``label_dimension`` outputs."""
    if enable_centered_bias:
        raise NotImplementedError("tensor_forest's regression_head: enable_centered_bias is "
                                  "not provided by smallflow")
    return _RegressionHead(label_dimension, label_name, weight_column_name, head_name)
