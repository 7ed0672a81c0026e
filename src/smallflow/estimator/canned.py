"""Canned estimators: ``DNNClassifier``, ``DNNRegressor``, ``LinearClassifier``,
``LinearRegressor`` over ``tf.feature_column`` inputs.

They follow TensorFlow 1.x's canned heads: the training loss is summed over the batch
(``Reduction.SUM``), evaluation reports ``loss`` (its mean over batches), ``average_loss``
(per example) and, for classifiers, ``accuracy`` (plus ``auc``, ``precision``, ``recall``
and the label/prediction means for two classes). Predictions are dicts with ``logits``,
``probabilities``, ``class_ids`` and ``classes`` (or ``predictions`` for regressors).
"""

import numpy as np

from .. import dtypes, feature_column, layers, metrics, nn, train
from ..graph import convert_to_tensor
from ..ops import array_ops, math_ops, nn_ops, string_ops
from .estimator import Estimator, EstimatorSpec, ModeKeys

__all__ = ["DNNClassifier", "DNNRegressor", "LinearClassifier", "LinearRegressor"]

_OPTIMIZERS = {
    "Adagrad": lambda rate: train.AdagradOptimizer(rate),
    "Adam": lambda rate: train.AdamOptimizer(rate),
    "RMSProp": lambda rate: train.RMSPropOptimizer(rate),
    "SGD": lambda rate: train.GradientDescentOptimizer(rate),
}


def _optimizer(optimizer, default_rate):
    if isinstance(optimizer, str):
        if optimizer == "Ftrl":
            ftrl = getattr(train, "FtrlOptimizer", None)
            if ftrl is not None:
                return ftrl(default_rate)
            # Without an FTRL optimizer, Adagrad (FTRL's per-coordinate rates, no L1) stands in.
            return train.AdagradOptimizer(default_rate)
        if optimizer not in _OPTIMIZERS:
            raise ValueError(f"Unsupported optimizer name: {optimizer}. Supported names are: "
                             f"{sorted([*_OPTIMIZERS, 'Ftrl'])}")
        return _OPTIMIZERS[optimizer](default_rate)
    if callable(optimizer) and not hasattr(optimizer, "minimize"):
        return optimizer()
    return optimizer


def _classifier_spec(features, labels, mode, logits, n_classes, optimizer):
    binary = n_classes == 2
    if binary:
        logistic = math_ops.sigmoid(logits)
        probabilities = array_ops.concat([1.0 - logistic, logistic], 1)
        class_ids = array_ops.reshape(
            math_ops.cast(math_ops.greater(logits, 0.0), dtypes.int64), [-1, 1])
    else:
        probabilities = nn_ops.softmax(logits)
        class_ids = array_ops.expand_dims(math_ops.argmax(logits, 1), 1)
    predictions = {"logits": logits, "probabilities": probabilities, "class_ids": class_ids,
                   "classes": string_ops.as_string(class_ids)}
    if binary:
        predictions["logistic"] = logistic
    if mode == ModeKeys.PREDICT:
        return EstimatorSpec(mode, predictions=predictions)
    labels = array_ops.reshape(math_ops.cast(convert_to_tensor(labels), dtypes.int64), [-1, 1])
    if binary:
        per_example = nn_ops.sigmoid_cross_entropy_with_logits(
            labels=math_ops.cast(labels, logits.dtype), logits=logits)
    else:
        per_example = array_ops.expand_dims(nn_ops.sparse_softmax_cross_entropy_with_logits(
            labels=array_ops.reshape(labels, [-1]), logits=logits), 1)
    loss = math_ops.reduce_sum(per_example)
    if mode == ModeKeys.TRAIN:
        train_op = optimizer.minimize(loss, global_step=train.get_global_step())
        return EstimatorSpec(mode, loss=loss, train_op=train_op, predictions=predictions)
    eval_ops = {
        "accuracy": metrics.accuracy(labels, class_ids),
        "average_loss": metrics.mean(per_example),
        "loss": metrics.mean(loss),
    }
    if binary:
        label_float = math_ops.cast(labels, dtypes.float32)
        eval_ops.update({
            "auc": metrics.auc(labels, logistic),
            "auc_precision_recall": metrics.auc(labels, logistic, curve="PR"),
            "precision": metrics.precision(labels, class_ids),
            "recall": metrics.recall(labels, class_ids),
            "label/mean": metrics.mean(label_float),
            "prediction/mean": metrics.mean(logistic),
        })
    return EstimatorSpec(mode, loss=loss, eval_metric_ops=eval_ops, predictions=predictions)


def _regressor_spec(features, labels, mode, predictions_tensor, label_dimension, optimizer):
    predictions = {"predictions": predictions_tensor}
    if mode == ModeKeys.PREDICT:
        return EstimatorSpec(mode, predictions=predictions)
    labels = array_ops.reshape(math_ops.cast(convert_to_tensor(labels), dtypes.float32),
                               [-1, label_dimension])
    per_example = math_ops.squared_difference(predictions_tensor, labels)
    loss = math_ops.reduce_sum(per_example)
    if mode == ModeKeys.TRAIN:
        train_op = optimizer.minimize(loss, global_step=train.get_global_step())
        return EstimatorSpec(mode, loss=loss, train_op=train_op, predictions=predictions)
    eval_ops = {"average_loss": metrics.mean(per_example), "loss": metrics.mean(loss),
                "label/mean": metrics.mean(labels),
                "prediction/mean": metrics.mean(predictions_tensor)}
    return EstimatorSpec(mode, loss=loss, eval_metric_ops=eval_ops, predictions=predictions)


def _dnn_logits(features, mode, feature_columns, hidden_units, units, activation_fn,
                dropout, batch_norm=False):
    net = feature_column.input_layer(features, feature_columns)
    training = mode == ModeKeys.TRAIN
    for index, width in enumerate(hidden_units):
        net = layers.dense(net, width, activation=activation_fn,
                           name=f"dnn/hiddenlayer_{index}")
        if dropout is not None and training:
            net = layers.dropout(net, rate=dropout, training=True)
    return layers.dense(net, units, name="dnn/logits")


def _linear_logits(features, feature_columns, units):
    net = feature_column.input_layer(features, feature_columns)
    return layers.dense(net, units, name="linear/linear_model",
                        kernel_initializer=_zeros())


def _zeros():
    from .. import init_ops

    return init_ops.zeros_initializer()


def _check_classes(n_classes, label_vocabulary):
    if n_classes < 2:
        raise ValueError(f"n_classes must be > 1: {n_classes}")
    if label_vocabulary is not None:
        raise NotImplementedError("label_vocabulary is not supported by smallflow; give "
                                  "integer class ids as labels")


class DNNClassifier(Estimator):
    """A feed-forward network classifier (ReLU hidden layers, Adagrad at 0.05 by default)."""

    def __init__(self, hidden_units, feature_columns, model_dir=None, n_classes=2,
                 weight_column=None, label_vocabulary=None, optimizer="Adagrad",
                 activation_fn=nn.relu, dropout=None, input_layer_partitioner=None,
                 config=None, warm_start_from=None, loss_reduction=None, batch_norm=False):
        _check_classes(n_classes, label_vocabulary)
        columns = list(feature_columns)

        def model_fn(features, labels, mode, config):
            units = 1 if n_classes == 2 else n_classes
            logits = _dnn_logits(features, mode, columns, hidden_units, units, activation_fn,
                                 dropout)
            return _classifier_spec(features, labels, mode, logits, n_classes,
                                    _optimizer(optimizer, 0.05))

        super().__init__(model_fn, model_dir, config, warm_start_from=warm_start_from)


class DNNRegressor(Estimator):
    """A feed-forward network regressor (squared error summed over the batch)."""

    def __init__(self, hidden_units, feature_columns, model_dir=None, label_dimension=1,
                 weight_column=None, optimizer="Adagrad", activation_fn=nn.relu, dropout=None,
                 input_layer_partitioner=None, config=None, warm_start_from=None,
                 loss_reduction=None, batch_norm=False):
        columns = list(feature_columns)

        def model_fn(features, labels, mode, config):
            outputs = _dnn_logits(features, mode, columns, hidden_units, label_dimension,
                                  activation_fn, dropout)
            return _regressor_spec(features, labels, mode, outputs, label_dimension,
                                   _optimizer(optimizer, 0.05))

        super().__init__(model_fn, model_dir, config, warm_start_from=warm_start_from)


def _linear_rate(columns):
    width = sum(getattr(c, "width", 1) for c in columns)
    return min(0.2, 1.0 / np.sqrt(max(width, 1)))


class LinearClassifier(Estimator):
    """A linear (logistic / softmax regression) classifier."""

    def __init__(self, feature_columns, model_dir=None, n_classes=2, weight_column=None,
                 label_vocabulary=None, optimizer="Ftrl", config=None, partitioner=None,
                 warm_start_from=None, loss_reduction=None, sparse_combiner="sum"):
        _check_classes(n_classes, label_vocabulary)
        columns = list(feature_columns)

        def model_fn(features, labels, mode, config):
            units = 1 if n_classes == 2 else n_classes
            logits = _linear_logits(features, columns, units)
            return _classifier_spec(features, labels, mode, logits, n_classes,
                                    _optimizer(optimizer, _linear_rate(columns)))

        super().__init__(model_fn, model_dir, config, warm_start_from=warm_start_from)


class LinearRegressor(Estimator):
    """A linear regressor (squared error summed over the batch)."""

    def __init__(self, feature_columns, model_dir=None, label_dimension=1, weight_column=None,
                 optimizer="Ftrl", config=None, partitioner=None, warm_start_from=None,
                 loss_reduction=None, sparse_combiner="sum"):
        columns = list(feature_columns)

        def model_fn(features, labels, mode, config):
            outputs = _linear_logits(features, columns, label_dimension)
            return _regressor_spec(features, labels, mode, outputs, label_dimension,
                                   _optimizer(optimizer, _linear_rate(columns)))

        super().__init__(model_fn, model_dir, config, warm_start_from=warm_start_from)
