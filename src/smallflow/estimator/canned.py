"""Canned estimators: ``DNNClassifier``, ``DNNRegressor``, ``LinearClassifier``,
``LinearRegressor``, ``DNNLinearCombinedClassifier``/``Regressor`` over
``tf.feature_column`` inputs.

Defaults as TensorFlow 1.x: the DNN part trains with Adagrad at 0.05, the linear part with
FTRL at ``min(0.2, 1 / sqrt(number of linear columns))``; the linear part is
``feature_column.linear_model`` (categorical columns get a weight per bucket).
``weight_column`` weighs each example's loss and metrics; with ``label_vocabulary`` the
labels are strings and the predicted ``classes`` are those strings.

They follow TensorFlow 1.x's canned heads: the training loss is summed over the batch
(``Reduction.SUM``; ``loss_reduction`` picks another ``tf.losses.Reduction``), evaluation
reports ``loss`` (its mean over batches), ``average_loss``
(per example) and, for classifiers, ``accuracy`` (plus ``auc``, ``precision``, ``recall``
and the label/prediction means for two classes). Predictions are dicts with ``logits``,
``probabilities``, ``class_ids`` and ``classes`` (or ``predictions`` for regressors).
"""

import numpy as np

from .. import dtypes, feature_column, layers, metrics, nn, train
from ..graph import convert_to_tensor, name_scope
from ..ops import array_ops, math_ops, nn_ops, string_ops
from . import export
from .estimator import Estimator, EstimatorSpec, ModeKeys

__all__ = ["DNNClassifier", "DNNLinearCombinedClassifier", "DNNLinearCombinedRegressor",
           "DNNRegressor", "LinearClassifier", "LinearRegressor"]

_OPTIMIZERS = {
    "Adagrad": lambda rate: train.AdagradOptimizer(rate),
    "Ftrl": lambda rate: train.FtrlOptimizer(rate),
    "Adam": lambda rate: train.AdamOptimizer(rate),
    "RMSProp": lambda rate: train.RMSPropOptimizer(rate),
    "SGD": lambda rate: train.GradientDescentOptimizer(rate),
}


def _optimizer(optimizer, default_rate):
    if isinstance(optimizer, str):
        if optimizer not in _OPTIMIZERS:
            raise ValueError(f"Unsupported optimizer name: {optimizer}. Supported names are: "
                             f"{sorted(_OPTIMIZERS)}")
        return _OPTIMIZERS[optimizer](default_rate)
    if callable(optimizer) and not hasattr(optimizer, "minimize"):
        return optimizer()
    return optimizer


def _minimize(optimizer, loss):
    """One optimizer, or (optimizer, variables) pairs of a combined model: each trains its
    own variables and the global step moves once per step."""
    if not isinstance(optimizer, list):
        return optimizer.minimize(loss, global_step=train.get_global_step())
    from ..ops import control_flow_ops

    updates = [opt.minimize(loss, var_list=variables) for opt, variables in optimizer
               if variables]
    with control_flow_ops.control_dependencies(updates):
        return train.get_global_step().assign_add(1).op


def _example_weights(features, weight_column):
    """``[batch, 1]`` float weights from ``features`` (a key or a numeric column), or None."""
    if weight_column is None:
        return None
    key = weight_column if isinstance(weight_column, str) else getattr(weight_column, "key",
                                                                       None)
    if key is None or key not in features:
        raise ValueError(f"weight_column {weight_column!r} is not among the features "
                         f"{sorted(features)}")
    return array_ops.reshape(math_ops.cast(convert_to_tensor(features[key]), dtypes.float32),
                             [-1, 1])


def _label_ids(labels, label_vocabulary):
    """Class ids ``[batch, 1]`` of integer labels, or of string labels in the vocabulary."""
    labels = convert_to_tensor(labels)
    if label_vocabulary is None:
        if labels.dtype == dtypes.string:
            raise ValueError("Labels are strings: give label_vocabulary to the estimator "
                             "(or integer class ids as labels).")
        return array_ops.reshape(math_ops.cast(labels, dtypes.int64), [-1, 1])
    if labels.dtype != dtypes.string:
        raise ValueError(f"Labels dtype should be string when label_vocabulary is given; got "
                         f"{labels.dtype.name}")
    vocabulary = convert_to_tensor(np.array([v.encode() if isinstance(v, str) else v
                                             for v in label_vocabulary], dtype=object))
    flat = array_ops.reshape(labels, [-1, 1])
    matches = math_ops.equal(flat, array_ops.expand_dims(vocabulary, 0))
    from ..ops import control_flow_ops, debug_ops

    check = debug_ops.Assert(math_ops.reduce_all(math_ops.reduce_any(matches, 1)),
                                    ["Labels must be <= n_classes - 1 and in "
                                     "label_vocabulary", flat], name="check_label_range")
    with control_flow_ops.control_dependencies([check]):
        return array_ops.reshape(math_ops.argmax(math_ops.cast(matches, dtypes.int32), 1),
                                 [-1, 1])


_DEFAULT_SERVING_KEY = "serving_default"


def _check_loss_reduction(loss_reduction):
    """``None`` is TensorFlow 1.x's default (``SUM``); ``NONE`` and unknown keys are refused,
    as TensorFlow's heads refuse them."""
    from ..losses import Reduction

    if loss_reduction is None:
        return Reduction.SUM
    if loss_reduction not in Reduction.all() or loss_reduction == Reduction.NONE:
        raise ValueError(f"Invalid loss_reduction: {loss_reduction}")
    return loss_reduction


def _head_losses(per_example, weights, loss_reduction=None):
    """TF1's canned-head losses, under the caller's ``head`` scope with TensorFlow's op
    names (programs log them by name, e.g. tensorflow/models' wide_deep logs
    ``head/weighted_loss/Sum`` and ``head/truediv``): the training loss is the weighted
    sum over the batch reduced as ``loss_reduction`` says (``SUM`` by default; ``MEAN``
    divides by the summed weights, ``SUM_OVER_BATCH_SIZE`` by the number of losses,
    ``SUM_BY_NONZERO_WEIGHTS`` by the number of nonzero weights), the average loss that sum
    over the summed example weights."""
    from ..losses import Reduction

    reduction = _check_loss_reduction(loss_reduction)
    example_weights = (array_ops.ones_like(per_example) if weights is None
                       else weights * array_ops.ones_like(per_example))
    with name_scope("weighted_loss"):
        weighted = per_example if weights is None else math_ops.multiply(per_example, weights)
        total = math_ops.reduce_sum(weighted, name="Sum")
        if reduction == Reduction.SUM:
            loss = total
        else:
            if reduction == Reduction.MEAN:
                count = math_ops.reduce_sum(example_weights)
            elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                count = math_ops.cast(array_ops.size(per_example), per_example.dtype,
                                      name="num_elements")
            else:
                nonzero = math_ops.not_equal(example_weights, 0.0)
                count = math_ops.reduce_sum(math_ops.cast(nonzero, per_example.dtype),
                                            name="num_present")
            loss = math_ops.div_no_nan(total, count, name="value")
    return loss, math_ops.truediv(total, math_ops.reduce_sum(example_weights))


def _loss_summaries(loss, average_loss):
    """The ``loss`` and ``average_loss`` scalars TensorFlow's heads add while training."""
    import sys

    from .. import tb_protos

    summary = sys.modules.get("smallflow.summary")
    # Without the tensorboard extra no summary can be made, and training goes on without.
    if summary is None or not tb_protos.available():
        return
    with name_scope(None):
        summary.scalar("loss", loss)
        summary.scalar("average_loss", average_loss)


def _all_classes(logits, n_classes, label_vocabulary):
    """``[batch, n_classes]`` int32 class ids 0..n-1 and their names (the vocabulary, or the
    ids as strings) on every row: the canned heads' ``all_class_ids``/``all_classes``."""
    rows = array_ops.stack([array_ops.shape(logits)[0], 1])
    ids = array_ops.tile(array_ops.expand_dims(math_ops.range(n_classes), 0), rows)
    if label_vocabulary is None:
        names = string_ops.as_string(math_ops.range(n_classes))
    else:
        names = convert_to_tensor(np.array(
            [v.encode() if isinstance(v, str) else v for v in label_vocabulary], dtype=object))
    return ids, array_ops.tile(array_ops.expand_dims(names, 0), rows)


def _classifier_exports(probabilities, all_classes, predictions, logistic):
    """TensorFlow 1.x's canned classifier signatures: classify (the default, and under
    ``classification``; scores with each class's name), ``predict`` (every prediction)
    and, for two classes, ``regression`` of the positive class's probability."""
    classification = export.ClassificationOutput(scores=probabilities, classes=all_classes)
    outputs = {_DEFAULT_SERVING_KEY: classification, "classification": classification,
               "predict": export.PredictOutput(predictions)}
    if logistic is not None:
        outputs["regression"] = export.RegressionOutput(value=logistic)
    return outputs


def _classifier_spec(features, labels, mode, logits, n_classes, optimizer, weight_column=None,
                     label_vocabulary=None, loss_reduction=None):
    binary = n_classes == 2
    if binary:
        logistic = math_ops.sigmoid(logits)
        probabilities = array_ops.concat([1.0 - logistic, logistic], 1)
        class_ids = array_ops.reshape(
            math_ops.cast(math_ops.greater(logits, 0.0), dtypes.int64), [-1, 1])
    else:
        probabilities = nn_ops.softmax(logits)
        class_ids = array_ops.expand_dims(math_ops.argmax(logits, 1), 1)
    if label_vocabulary is None:
        classes = string_ops.as_string(class_ids)
    else:
        names = np.array([v.encode() if isinstance(v, str) else v for v in label_vocabulary],
                         dtype=object)
        classes = array_ops.gather(convert_to_tensor(names), class_ids)
    all_class_ids, all_classes = _all_classes(logits, n_classes, label_vocabulary)
    predictions = {"logits": logits, "probabilities": probabilities, "class_ids": class_ids,
                   "classes": classes, "all_class_ids": all_class_ids,
                   "all_classes": all_classes}
    if binary:
        predictions["logistic"] = logistic
    if mode == ModeKeys.PREDICT:
        return EstimatorSpec(mode, predictions=predictions, export_outputs=_classifier_exports(
            probabilities, all_classes, predictions, logistic if binary else None))
    labels = _label_ids(labels, label_vocabulary)
    weights = _example_weights(features, weight_column)
    with name_scope("head"):
        if binary:
            per_example = nn_ops.sigmoid_cross_entropy_with_logits(
                labels=math_ops.cast(labels, logits.dtype), logits=logits)
        else:
            per_example = array_ops.expand_dims(
                nn_ops.sparse_softmax_cross_entropy_with_logits(
                    labels=array_ops.reshape(labels, [-1]), logits=logits), 1)
        loss, average_loss = _head_losses(per_example, weights, loss_reduction)
    if mode == ModeKeys.TRAIN:
        _loss_summaries(loss, average_loss)
        train_op = _minimize(optimizer, loss)
        return EstimatorSpec(mode, loss=loss, train_op=train_op, predictions=predictions)
    eval_ops = {
        "accuracy": metrics.accuracy(labels, class_ids, weights=weights),
        "average_loss": metrics.mean(per_example, weights=weights),
        "loss": metrics.mean(loss),
    }
    if binary:
        label_float = math_ops.cast(labels, dtypes.float32)
        label_mean = metrics.mean(label_float, weights=weights)
        eval_ops.update({
            # The accuracy of always answering the more frequent class.
            "accuracy_baseline": (math_ops.maximum(label_mean[0], 1.0 - label_mean[0]),
                                  label_mean[1]),
            "auc": metrics.auc(labels, logistic, weights=weights),
            "auc_precision_recall": metrics.auc(labels, logistic, weights=weights, curve="PR"),
            "precision": metrics.precision(labels, class_ids, weights=weights),
            "recall": metrics.recall(labels, class_ids, weights=weights),
            "label/mean": label_mean,
            "prediction/mean": metrics.mean(logistic, weights=weights),
        })
    return EstimatorSpec(mode, loss=loss, eval_metric_ops=eval_ops, predictions=predictions)


def _regressor_spec(features, labels, mode, predictions_tensor, label_dimension, optimizer,
                    weight_column=None, loss_reduction=None):
    predictions = {"predictions": predictions_tensor}
    if mode == ModeKeys.PREDICT:
        regression = export.RegressionOutput(predictions_tensor)
        return EstimatorSpec(mode, predictions=predictions, export_outputs={
            _DEFAULT_SERVING_KEY: regression, "regression": regression,
            "predict": export.PredictOutput(predictions)})
    labels = array_ops.reshape(math_ops.cast(convert_to_tensor(labels), dtypes.float32),
                               [-1, label_dimension])
    weights = _example_weights(features, weight_column)
    with name_scope("head"):
        per_example = math_ops.squared_difference(predictions_tensor, labels)
        loss, average_loss = _head_losses(per_example, weights, loss_reduction)
    if mode == ModeKeys.TRAIN:
        _loss_summaries(loss, average_loss)
        train_op = _minimize(optimizer, loss)
        return EstimatorSpec(mode, loss=loss, train_op=train_op, predictions=predictions)
    column_weights = None if weights is None else weights * array_ops.ones_like(per_example)
    eval_ops = {"average_loss": metrics.mean(per_example, weights=column_weights),
                "loss": metrics.mean(loss),
                "label/mean": metrics.mean(labels, weights=column_weights),
                "prediction/mean": metrics.mean(predictions_tensor, weights=column_weights)}
    return EstimatorSpec(mode, loss=loss, eval_metric_ops=eval_ops, predictions=predictions)


def _dnn_logits(features, mode, feature_columns, hidden_units, units, activation_fn,
                dropout, batch_norm=False):
    from ..variable_scope import variable_scope

    # TensorFlow's DNN estimators build the input layer in this scope, so its variables are
    # dnn/input_from_feature_columns/input_layer/<column>/... (programs read them by name).
    with variable_scope("dnn"), variable_scope("input_from_feature_columns"):
        net = feature_column.input_layer(features, feature_columns)
    training = mode == ModeKeys.TRAIN
    for index, width in enumerate(hidden_units):
        net = layers.dense(net, width, activation=activation_fn,
                           name=f"dnn/hiddenlayer_{index}")
        if dropout is not None and training:
            net = layers.dropout(net, rate=dropout, training=True)
    return layers.dense(net, units, name="dnn/logits")


def _linear_logits(features, feature_columns, units, sparse_combiner="sum"):
    from ..variable_scope import variable_scope

    with variable_scope("linear"):
        return feature_column.linear_model(features, feature_columns, units,
                                           sparse_combiner=sparse_combiner)


def _check_classes(n_classes, label_vocabulary):
    if n_classes < 2:
        raise ValueError(f"n_classes must be > 1: {n_classes}")
    if label_vocabulary is not None:
        if not isinstance(label_vocabulary, list | tuple):
            raise ValueError(f"label_vocabulary should be a list. Given type: "
                             f"{type(label_vocabulary)}")
        if len(label_vocabulary) != n_classes:
            raise ValueError(f"label_vocabulary length ({len(label_vocabulary)}) must equal "
                             f"n_classes ({n_classes})")


class DNNClassifier(Estimator):
    """A feed-forward network classifier (ReLU hidden layers, Adagrad at 0.05 by default)."""

    def __init__(self, hidden_units, feature_columns, model_dir=None, n_classes=2,
                 weight_column=None, label_vocabulary=None, optimizer="Adagrad",
                 activation_fn=nn.relu, dropout=None, input_layer_partitioner=None,
                 config=None, warm_start_from=None, loss_reduction=None, batch_norm=False):
        _check_loss_reduction(loss_reduction)
        _check_classes(n_classes, label_vocabulary)
        columns = list(feature_columns)

        def model_fn(features, labels, mode, config):
            units = 1 if n_classes == 2 else n_classes
            logits = _dnn_logits(features, mode, columns, hidden_units, units, activation_fn,
                                 dropout)
            return _classifier_spec(features, labels, mode, logits, n_classes,
                                    _optimizer(optimizer, 0.05), weight_column,
                                    label_vocabulary,
                                    loss_reduction=loss_reduction)

        super().__init__(model_fn, model_dir, config, warm_start_from=warm_start_from)


class DNNRegressor(Estimator):
    """A feed-forward network regressor (squared error summed over the batch)."""

    def __init__(self, hidden_units, feature_columns, model_dir=None, label_dimension=1,
                 weight_column=None, optimizer="Adagrad", activation_fn=nn.relu, dropout=None,
                 input_layer_partitioner=None, config=None, warm_start_from=None,
                 loss_reduction=None, batch_norm=False):
        _check_loss_reduction(loss_reduction)
        columns = list(feature_columns)

        def model_fn(features, labels, mode, config):
            outputs = _dnn_logits(features, mode, columns, hidden_units, label_dimension,
                                  activation_fn, dropout)
            return _regressor_spec(features, labels, mode, outputs, label_dimension,
                                   _optimizer(optimizer, 0.05), weight_column,
                                   loss_reduction=loss_reduction)

        super().__init__(model_fn, model_dir, config, warm_start_from=warm_start_from)


def _linear_rate(columns):
    """TensorFlow's default FTRL rate: ``min(0.2, 1 / sqrt(number of columns))``."""
    return min(0.2, 1.0 / np.sqrt(max(len(columns), 1)))


class LinearClassifier(Estimator):
    """A linear (logistic / softmax regression) classifier."""

    def __init__(self, feature_columns, model_dir=None, n_classes=2, weight_column=None,
                 label_vocabulary=None, optimizer="Ftrl", config=None, partitioner=None,
                 warm_start_from=None, loss_reduction=None, sparse_combiner="sum"):
        _check_loss_reduction(loss_reduction)
        _check_classes(n_classes, label_vocabulary)
        columns = list(feature_columns)

        def model_fn(features, labels, mode, config):
            units = 1 if n_classes == 2 else n_classes
            logits = _linear_logits(features, columns, units, sparse_combiner)
            return _classifier_spec(features, labels, mode, logits, n_classes,
                                    _optimizer(optimizer, _linear_rate(columns)),
                                    weight_column, label_vocabulary,
                                    loss_reduction=loss_reduction)

        super().__init__(model_fn, model_dir, config, warm_start_from=warm_start_from)


class LinearRegressor(Estimator):
    """A linear regressor (squared error summed over the batch)."""

    def __init__(self, feature_columns, model_dir=None, label_dimension=1, weight_column=None,
                 optimizer="Ftrl", config=None, partitioner=None, warm_start_from=None,
                 loss_reduction=None, sparse_combiner="sum"):
        _check_loss_reduction(loss_reduction)
        columns = list(feature_columns)

        def model_fn(features, labels, mode, config):
            outputs = _linear_logits(features, columns, label_dimension, sparse_combiner)
            return _regressor_spec(features, labels, mode, outputs, label_dimension,
                                   _optimizer(optimizer, _linear_rate(columns)), weight_column,
                                   loss_reduction=loss_reduction)

        super().__init__(model_fn, model_dir, config, warm_start_from=warm_start_from)


def _combined_outputs(features, mode, linear_columns, dnn_columns, hidden_units, units,
                      activation_fn, dropout, linear_optimizer, dnn_optimizer):
    """The summed logits of the linear and DNN parts, and each part's optimizer with its
    variables (``linear/...`` and ``dnn/...``)."""
    from ..graph import GraphKeys, get_collection

    if not linear_columns and not dnn_columns:
        raise ValueError("Either linear_feature_columns or dnn_feature_columns must be "
                         "defined.")
    parts = []
    optimizers = []
    if dnn_columns:
        if not hidden_units:
            raise ValueError("dnn_hidden_units must be defined when dnn_feature_columns is "
                             "specified.")
        before = set(get_collection(GraphKeys.TRAINABLE_VARIABLES))
        parts.append(_dnn_logits(features, mode, dnn_columns, hidden_units, units,
                                 activation_fn, dropout))
        variables = [v for v in get_collection(GraphKeys.TRAINABLE_VARIABLES)
                     if v not in before]
        optimizers.append((_optimizer(dnn_optimizer, 0.05), variables))
    if linear_columns:
        before = set(get_collection(GraphKeys.TRAINABLE_VARIABLES))
        parts.append(_linear_logits(features, linear_columns, units))
        variables = [v for v in get_collection(GraphKeys.TRAINABLE_VARIABLES)
                     if v not in before]
        optimizers.append((_optimizer(linear_optimizer, _linear_rate(linear_columns)),
                           variables))
    logits = parts[0] if len(parts) == 1 else math_ops.add(parts[0], parts[1])
    return logits, optimizers


class DNNLinearCombinedClassifier(Estimator):
    """A wide (linear, FTRL) and deep (DNN, Adagrad) classifier: their logits are summed."""

    def __init__(self, model_dir=None, linear_feature_columns=None, linear_optimizer="Ftrl",
                 dnn_feature_columns=None, dnn_optimizer="Adagrad", dnn_hidden_units=None,
                 dnn_activation_fn=nn.relu, dnn_dropout=None, n_classes=2, weight_column=None,
                 label_vocabulary=None, input_layer_partitioner=None, config=None,
                 warm_start_from=None, loss_reduction=None, batch_norm=False,
                 linear_sparse_combiner="sum"):
        _check_loss_reduction(loss_reduction)
        _check_classes(n_classes, label_vocabulary)
        linear_columns = list(linear_feature_columns or [])
        dnn_columns = list(dnn_feature_columns or [])
        units = 1 if n_classes == 2 else n_classes
        if not linear_columns and not dnn_columns:
            raise ValueError("Either linear_feature_columns or dnn_feature_columns must be "
                             "defined.")

        def model_fn(features, labels, mode, config):
            logits, optimizers = _combined_outputs(
                features, mode, linear_columns, dnn_columns, dnn_hidden_units, units,
                dnn_activation_fn, dnn_dropout, linear_optimizer, dnn_optimizer)
            return _classifier_spec(features, labels, mode, logits, n_classes, optimizers,
                                    weight_column, label_vocabulary,
                                    loss_reduction=loss_reduction)

        super().__init__(model_fn, model_dir, config, warm_start_from=warm_start_from)


class DNNLinearCombinedRegressor(Estimator):
    """A wide (linear, FTRL) and deep (DNN, Adagrad) regressor: their outputs are summed."""

    def __init__(self, model_dir=None, linear_feature_columns=None, linear_optimizer="Ftrl",
                 dnn_feature_columns=None, dnn_optimizer="Adagrad", dnn_hidden_units=None,
                 dnn_activation_fn=nn.relu, dnn_dropout=None, label_dimension=1,
                 weight_column=None, input_layer_partitioner=None, config=None,
                 warm_start_from=None, loss_reduction=None, batch_norm=False,
                 linear_sparse_combiner="sum"):
        _check_loss_reduction(loss_reduction)
        linear_columns = list(linear_feature_columns or [])
        dnn_columns = list(dnn_feature_columns or [])
        if not linear_columns and not dnn_columns:
            raise ValueError("Either linear_feature_columns or dnn_feature_columns must be "
                             "defined.")

        def model_fn(features, labels, mode, config):
            outputs, optimizers = _combined_outputs(
                features, mode, linear_columns, dnn_columns, dnn_hidden_units,
                label_dimension, dnn_activation_fn, dnn_dropout, linear_optimizer,
                dnn_optimizer)
            return _regressor_spec(features, labels, mode, outputs, label_dimension,
                                   optimizers, weight_column,
                                   loss_reduction=loss_reduction)

        super().__init__(model_fn, model_dir, config, warm_start_from=warm_start_from)
