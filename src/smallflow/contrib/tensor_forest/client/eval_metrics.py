"""``tensorflow.contrib.tensor_forest.client.eval_metrics`` (TensorFlow 1.15): streaming
metrics by name for forest predictions (``get_metric``), and the prediction key each one
reads (``get_prediction_key``). Each metric takes ``(predictions, targets, weights=None)``
and returns ``(value, update_op)``, as ``tf.contrib.metrics.streaming_*`` do."""

import numpy as np

from ...learn.model_fn import PredictionKey

INFERENCE_PROB_NAME = PredictionKey.PROBABILITIES
INFERENCE_PRED_NAME = PredictionKey.CLASSES

FEATURE_IMPORTANCE_NAME = "global_feature_importance"

__all__ = ["FEATURE_IMPORTANCE_NAME", "INFERENCE_PRED_NAME", "INFERENCE_PROB_NAME",
           "get_metric", "get_prediction_key"]


def _ops():
    import smallflow as tf

    return tf


def _top_k_generator(k):
    def top_k(probabilities, targets):
        tf = _ops()
        targets = tf.to_int32(targets)
        if targets.shape.ndims > 1:
            targets = tf.squeeze(targets, axis=[1])
        return tf.contrib.metrics.streaming_mean(tf.nn.in_top_k(probabilities, targets, k))
    return top_k


def _accuracy(predictions, targets, weights=None):
    return _ops().contrib.metrics.streaming_accuracy(predictions, targets, weights=weights)


def _r2(probabilities, targets, weights=None):
    """One minus the residual over the total sum of squares of this batch, summed over the
    outputs; the streaming mean of that over the batches."""
    tf = _ops()
    targets = tf.to_float(targets)
    mean = tf.reduce_mean(targets, 0)
    total = tf.reduce_sum(tf.square(targets - mean), 0)
    residual = tf.reduce_sum(tf.square(targets - probabilities), 0)
    score = 1 - tf.reduce_sum(residual / total)
    return tf.contrib.metrics.streaming_mean(score, weights=weights)


def _one_hot_targets(targets, depth):
    tf = _ops()
    return tf.one_hot(tf.to_int32(tf.squeeze(targets, axis=[1])), depth)


def _sigmoid_entropy(probabilities, targets, weights=None):
    tf = _ops()
    loss = tf.contrib.losses.sigmoid_cross_entropy(
        probabilities, _one_hot_targets(targets, tf.shape(probabilities)[1]))
    return tf.contrib.metrics.streaming_mean(loss, weights=weights)


def _softmax_entropy(probabilities, targets, weights=None):
    tf = _ops()
    loss = tf.contrib.losses.sparse_softmax_cross_entropy(probabilities, tf.to_int32(targets))
    return tf.contrib.metrics.streaming_mean(loss, weights=weights)


def _predictions(predictions, unused_targets, **unused_kwargs):
    return predictions


def _class_log_loss(probabilities, targets, weights=None):
    tf = _ops()
    loss = tf.contrib.losses.log_loss(
        probabilities, _one_hot_targets(targets, tf.shape(probabilities)[1]))
    return tf.contrib.metrics.streaming_mean(loss, weights=weights)


def _precision(predictions, targets, weights=None):
    return _ops().contrib.metrics.streaming_precision(predictions, targets, weights=weights)


def _recall(predictions, targets, weights=None):
    return _ops().contrib.metrics.streaming_recall(predictions, targets, weights=weights)


def _positive_column(probabilities):
    return _ops().slice(probabilities, [0, 1], [-1, 1])


def _precision_at_thresholds(predictions, targets, weights=None):
    return _ops().contrib.metrics.streaming_precision_at_thresholds(
        _positive_column(predictions), targets, np.arange(0, 1, 0.01, dtype=np.float32),
        weights=weights)


def _recall_at_thresholds(predictions, targets, weights=None):
    return _ops().contrib.metrics.streaming_recall_at_thresholds(
        _positive_column(predictions), targets, np.arange(0, 1, 0.01, dtype=np.float32),
        weights=weights)


def _auc(probabilities, targets, weights=None):
    return _ops().contrib.metrics.streaming_auc(_positive_column(probabilities), targets,
                                                weights=weights)


_EVAL_METRICS = {
    "auc": _auc,
    "sigmoid_entropy": _sigmoid_entropy,
    "softmax_entropy": _softmax_entropy,
    "accuracy": _accuracy,
    "r2": _r2,
    "predictions": _predictions,
    "classification_log_loss": _class_log_loss,
    "precision": _precision,
    "precision_at_thresholds": _precision_at_thresholds,
    "recall": _recall,
    "recall_at_thresholds": _recall_at_thresholds,
    "top_5": _top_k_generator(5),
}

_PREDICTION_KEYS = {
    "auc": INFERENCE_PROB_NAME,
    "sigmoid_entropy": INFERENCE_PROB_NAME,
    "softmax_entropy": INFERENCE_PROB_NAME,
    "accuracy": INFERENCE_PRED_NAME,
    "r2": PredictionKey.SCORES,
    "predictions": INFERENCE_PRED_NAME,
    "classification_log_loss": INFERENCE_PROB_NAME,
    "precision": INFERENCE_PRED_NAME,
    "precision_at_thresholds": INFERENCE_PROB_NAME,
    "recall": INFERENCE_PRED_NAME,
    "recall_at_thresholds": INFERENCE_PROB_NAME,
    "top_5": INFERENCE_PROB_NAME,
}


def get_metric(metric_name):
    """The metric function named ``metric_name`` (KeyError for an unknown name, as TF)."""
    return _EVAL_METRICS[metric_name]


def get_prediction_key(metric_name):
    """The prediction key the metric ``metric_name`` reads."""
    return _PREDICTION_KEYS[metric_name]
