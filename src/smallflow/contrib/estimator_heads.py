"""``tf.contrib.estimator``'s heads: the loss, predictions, metrics and train op of a model
given its logits, for custom ``model_fn``s (``head.create_estimator_spec(...)``).

As TensorFlow 1.15's contrib heads (which wrap the core ``head_lib`` ones):

- the training loss is ``tf.losses.compute_weighted_loss`` of the per-example loss with the
  ``weight_column`` weights, reduced by ``loss_reduction`` (``SUM_OVER_BATCH_SIZE`` by
  default), plus the ``regularization_losses`` given;
- binary: sigmoid cross entropy, predictions ``logits``, ``logistic``, ``probabilities``,
  ``class_ids``, ``classes``, ``all_class_ids``, ``all_classes``; multi-class: sparse softmax
  cross entropy, the same keys without ``logistic``; multi-label: sigmoid cross entropy
  averaged over the classes, ``logits`` and ``probabilities``; regression: squared error (or
  ``loss_fn``), ``predictions`` = ``inverse_link_fn(logits)`` (and ``logits`` when a link is
  given) — the Poisson head is ``log_poisson_loss`` with ``exp``, the logistic-regression head
  sigmoid cross entropy with ``sigmoid``;
- evaluation metrics are keyed ``key`` or, for a named head, ``key/name``;
- in training, ``optimizer.minimize(loss, global_step)`` or ``train_op_fn(loss)`` (exactly
  one of them), and a ``loss`` summary (``average_loss`` too under the ``SUM`` reduction).

``multi_head`` joins named heads: logits a dict by head name or one tensor split along its
last axis, labels a dict, the loss the (``head_weights``-weighted) sum, predictions keyed by
``(head name, key)`` tuples.
"""

import collections
import inspect

from .. import dtypes, metrics
from .. import losses as tf_losses
from ..estimator import export
from ..estimator.canned import _all_classes, _example_weights, _label_ids
from ..estimator.estimator import EstimatorSpec, ModeKeys
from ..graph import GraphKeys, control_dependencies, convert_to_tensor, get_collection, name_scope
from ..ops import array_ops, control_flow_ops, debug_ops, math_ops, nn_extra_ops, nn_ops, string_ops
from ..ops.sparse_tensor import SparseTensor
from ..train import training_util

__all__ = ["binary_classification_head", "logistic_regression_head", "multi_class_head",
           "multi_head", "multi_label_head", "poisson_regression_head", "regression_head"]

LossSpec = collections.namedtuple("LossSpec", ("training_loss", "unreduced_loss", "weights",
                                               "processed_labels"))

_DEFAULT_SERVING_KEY = "serving_default"
_SUM_OVER_BATCH = tf_losses.Reduction.SUM_OVER_BATCH_SIZE


def _key(name, key):
    return f"{key}/{name}" if name else key


def _check_reduction(loss_reduction):
    if loss_reduction not in tf_losses.Reduction.all() or \
            loss_reduction == tf_losses.Reduction.NONE:
        raise ValueError(f"Invalid loss_reduction: {loss_reduction}")
    return loss_reduction


def _check_loss_fn(loss_fn):
    if loss_fn is None:
        return None
    names = set(inspect.signature(loss_fn).parameters)
    for required in ("labels", "logits"):
        if required not in names:
            raise ValueError(f"loss_fn must contain argument: {required}. Given arguments: "
                             f"{tuple(names)}")
    unknown = names - {"labels", "logits", "features"}
    if unknown:
        raise ValueError(f"loss_fn has unexpected args: {sorted(unknown)}")
    return loss_fn


def _call_loss_fn(loss_fn, labels, logits, features, width):
    kwargs = {"labels": labels, "logits": logits}
    if "features" in inspect.signature(loss_fn).parameters:
        kwargs["features"] = features
    loss = convert_to_tensor(loss_fn(**kwargs))
    shape = loss.shape.as_list()
    if loss.shape.ndims is not None and (shape[-1] not in (None, width)
                                         or loss.shape.ndims < 2):
        raise ValueError(f"loss_fn must return Tensor of shape [D0, D1, ... DN, {width}]. "
                         f"Given shape: {loss.shape}")
    return loss


def _check_logits(logits, dimension):
    logits = convert_to_tensor(logits)
    if logits.shape.ndims is not None and logits.shape.ndims < 2:
        raise ValueError(f"logits shape must be [D0, D1, ... DN, logits_dimension], got "
                         f"{logits.shape}.")
    last = logits.shape.as_list()[-1] if logits.shape.ndims else None
    if last is not None and last != dimension:
        raise ValueError(f"logits shape must be [D0, D1, ... DN, logits_dimension], got "
                         f"{logits.shape}.")
    return logits


def _dense_labels(labels, width):
    if labels is None:
        raise ValueError("You must provide a labels Tensor. Given: None. Suggested "
                         "troubleshooting steps: Check that your data contain your label "
                         "feature. Check that your input_fn properly parses and returns "
                         "labels.")
    if isinstance(labels, SparseTensor):
        raise ValueError(f"SparseTensor labels are not supported. labels must be a Tensor "
                         f"of shape [D0, D1, ..., DN, {width}], e.g. [batch_size, {width}].")
    labels = convert_to_tensor(labels)
    if labels.shape.ndims == 1 and width == 1:
        labels = array_ops.expand_dims(labels, -1)
    last = labels.shape.as_list()[-1] if labels.shape.ndims else None
    if labels.shape.ndims is not None and last is not None and last != width:
        raise ValueError(f"Mismatched label shape. Expected labels dimension={width}.  "
                         f"Received {last}. Suggested Fix: If your classifier expects one-hot "
                         f"encoding label, check your n_classes argument to the estimator "
                         f"and/or the shape of your label. Otherwise, check the shape of "
                         f"your label.")
    return labels


def _in_range(labels, n_classes, message):
    checks = [debug_ops.assert_less(labels, math_ops.cast(n_classes, labels.dtype),
                                    message=message),
              debug_ops.assert_non_negative(labels, message=message)]
    with control_dependencies(checks):
        return array_ops.identity(labels)


def _loss_summaries(loss, mean_loss, head_name):
    """The ``loss`` (and, for the SUM reduction, ``average_loss``) scalars of a training head,
    suffixed by the head's name; nothing without the tensorboard extra."""
    import sys

    from .. import tb_protos

    summary = sys.modules.get("smallflow.summary")
    if summary is None or not tb_protos.available():
        return
    with name_scope(None):
        summary.scalar(_key(head_name, "loss"), loss)
        if mean_loss is not None:
            summary.scalar(_key(head_name, "average_loss"), mean_loss)


class _Head:
    """The parts every head shares: naming, the training spec and summaries."""

    def __init__(self, name, weight_column, loss_reduction, loss_fn):
        self._name = name
        self._weight_column = weight_column
        self._loss_reduction = _check_reduction(loss_reduction)
        self._loss_fn = _check_loss_fn(loss_fn)

    @property
    def name(self):
        return self._name

    @property
    def logits_dimension(self):
        return self._logits_dimension

    def _weights(self, features, logits):
        weights = _example_weights(features, self._weight_column)
        return 1.0 if weights is None else weights

    def _reduce(self, features, logits, unreduced, labels):
        weights = self._weights(features, logits)
        training = tf_losses.compute_weighted_loss(unreduced, weights=weights,
                                                   reduction=self._loss_reduction)
        return LossSpec(training, unreduced, weights, labels)

    def create_estimator_spec(self, features, mode, logits, labels=None, optimizer=None,
                              train_op_fn=None, regularization_losses=None):
        """The EstimatorSpec of ``mode`` for a model with these ``logits``."""
        with name_scope(self._name, "head"):
            logits = _check_logits(logits, self.logits_dimension)
            predictions, export_outputs, scores = self._predictions(logits)
            if mode == ModeKeys.PREDICT:
                return EstimatorSpec(mode, predictions=predictions,
                                     export_outputs=export_outputs)
            spec = self.create_loss(features, mode, logits, labels)
            regularization = None
            loss = spec.training_loss
            if regularization_losses:
                regularization = math_ops.add_n(list(regularization_losses))
                loss = math_ops.add_n([spec.training_loss, regularization])
            if mode == ModeKeys.EVAL:
                with name_scope(None, "metrics"):
                    metric_ops = self._metrics(spec, scores)
                    if regularization is not None:
                        metric_ops[_key(self._name, "regularization_loss")] = metrics.mean(
                            regularization)
                return EstimatorSpec(mode, predictions=predictions, loss=loss,
                                     eval_metric_ops=metric_ops)
            if optimizer is not None:
                if train_op_fn is not None:
                    raise ValueError("train_op_fn and optimizer cannot both be set.")
                train_op = optimizer.minimize(loss, global_step=training_util.get_global_step())
            elif train_op_fn is not None:
                train_op = train_op_fn(loss)
            else:
                raise ValueError("train_op_fn and optimizer cannot both be None.")
            update_ops = get_collection(GraphKeys.UPDATE_OPS)
            if update_ops:
                train_op = control_flow_ops.group(train_op, *update_ops)
        mean_loss = None
        if self._loss_reduction == tf_losses.Reduction.SUM:
            count = math_ops.reduce_sum(spec.weights * array_ops.ones_like(spec.unreduced_loss))
            mean_loss = spec.training_loss / count
        _loss_summaries(loss, mean_loss, self._name)
        return EstimatorSpec(mode, predictions=predictions, loss=loss, train_op=train_op)


class _ClassificationHead(_Head):
    """Binary (sigmoid, one logit) or multi-class (softmax, ``n_classes`` logits)."""

    def __init__(self, n_classes, weight_column, label_vocabulary, loss_reduction, loss_fn,
                 name, thresholds=()):
        super().__init__(name, weight_column, loss_reduction, loss_fn)
        self._n_classes = n_classes
        self._binary = n_classes == 2
        self._logits_dimension = 1 if self._binary else n_classes
        self._label_vocabulary = label_vocabulary
        self._thresholds = tuple(thresholds or ())

    def _predictions(self, logits):
        with name_scope(None, "predictions"):
            if self._binary:
                logistic = math_ops.sigmoid(logits, name="logistic")
                probabilities = array_ops.concat([1.0 - logistic, logistic], -1,
                                                 name="probabilities")
            else:
                probabilities = nn_ops.softmax(logits, name="probabilities")
            class_ids = array_ops.expand_dims(math_ops.argmax(probabilities, -1), -1)
            if self._label_vocabulary is None:
                classes = string_ops.as_string(class_ids, name="str_classes")
            else:
                names = convert_to_tensor([v.encode() if isinstance(v, str) else v
                                           for v in self._label_vocabulary])
                classes = array_ops.gather(names, class_ids)
            all_ids, all_names = _all_classes(logits, self._n_classes, self._label_vocabulary)
            predictions = {"logits": logits, "probabilities": probabilities,
                           "class_ids": class_ids, "classes": classes,
                           "all_class_ids": all_ids, "all_classes": all_names}
            if self._binary:
                predictions["logistic"] = logistic
        classification = export.ClassificationOutput(scores=probabilities, classes=all_names)
        outputs = {_DEFAULT_SERVING_KEY: classification, "classification": classification,
                   "predict": export.PredictOutput(predictions)}
        if self._binary:
            outputs["regression"] = export.RegressionOutput(value=logistic)
        return predictions, outputs, (class_ids, logistic if self._binary else None)

    def create_loss(self, features, mode, logits, labels):
        """LossSpec of the cross entropy of ``logits`` against ``labels``."""
        logits = _check_logits(logits, self._logits_dimension)
        labels = _dense_labels(labels, 1)
        ids = _label_ids(labels, self._label_vocabulary) if (
            self._label_vocabulary is not None or labels.dtype.is_integer) else None
        if ids is None:
            if self._binary:
                ids = labels
            else:
                raise ValueError(f"Labels dtype should be integer. Instead got "
                                 f"{labels.dtype.name}.")
        ids = _in_range(ids, self._n_classes, "Labels must <= n_classes - 1")
        target = math_ops.cast(ids, dtypes.float32) if self._binary else ids
        if self._loss_fn is not None:
            unreduced = _call_loss_fn(self._loss_fn, target, logits, features, 1)
        elif self._binary:
            unreduced = nn_ops.sigmoid_cross_entropy_with_logits(labels=target, logits=logits)
        else:
            unreduced = array_ops.expand_dims(nn_ops.sparse_softmax_cross_entropy_with_logits(
                labels=array_ops.squeeze(target, [-1]), logits=logits), -1)
        return self._reduce(features, logits, unreduced, target)

    def _metrics(self, spec, scores):
        class_ids, logistic = scores
        labels, weights = spec.processed_labels, spec.weights
        k = self._name
        ops = {_key(k, "average_loss"): metrics.mean(spec.unreduced_loss, weights=weights),
               _key(k, "accuracy"): metrics.accuracy(labels, class_ids, weights=weights)}
        if not self._binary:
            return ops
        label_mean = metrics.mean(labels, weights=weights)
        ops.update({
            _key(k, "precision"): metrics.precision(labels, class_ids, weights=weights),
            _key(k, "recall"): metrics.recall(labels, class_ids, weights=weights),
            _key(k, "prediction/mean"): metrics.mean(logistic, weights=weights),
            _key(k, "label/mean"): label_mean,
            _key(k, "accuracy_baseline"): (math_ops.maximum(label_mean[0], 1.0 - label_mean[0]),
                                           label_mean[1]),
            _key(k, "auc"): metrics.auc(labels, logistic, weights=weights),
            _key(k, "auc_precision_recall"): metrics.auc(labels, logistic, weights=weights,
                                                         curve="PR"),
        })
        for threshold in self._thresholds:
            decided = math_ops.cast(math_ops.greater_equal(logistic, threshold), dtypes.float32)
            ops[_key(k, f"accuracy/positive_threshold_{threshold:g}")] = metrics.accuracy(
                labels, decided, weights=weights)
            ops[_key(k, f"precision/positive_threshold_{threshold:g}")] = metrics.precision(
                labels, decided, weights=weights)
            ops[_key(k, f"recall/positive_threshold_{threshold:g}")] = metrics.recall(
                labels, decided, weights=weights)
        return ops


class _RegressionHead(_Head):
    """Squared error (or ``loss_fn``) on ``label_dimension`` outputs."""

    def __init__(self, label_dimension, weight_column, loss_reduction, loss_fn,
                 inverse_link_fn, name):
        super().__init__(name, weight_column, loss_reduction, loss_fn)
        if label_dimension < 1:
            raise ValueError(f"Invalid label_dimension {label_dimension}.")
        self._logits_dimension = label_dimension
        self._inverse_link_fn = inverse_link_fn

    def _predictions(self, logits):
        with name_scope(None, "predictions"):
            if self._inverse_link_fn is None:
                value = logits
                predictions = {"predictions": value}
            else:
                value = self._inverse_link_fn(logits)
                predictions = {"predictions": value, "logits": logits}
        regression = export.RegressionOutput(value=value)
        return predictions, {_DEFAULT_SERVING_KEY: regression, "regression": regression,
                             "predict": export.PredictOutput(predictions)}, value

    def create_loss(self, features, mode, logits, labels):
        logits = _check_logits(logits, self._logits_dimension)
        labels = math_ops.cast(_dense_labels(labels, self._logits_dimension), dtypes.float32)
        if self._loss_fn is not None:
            unreduced = _call_loss_fn(self._loss_fn, labels, logits, features,
                                      self._logits_dimension)
        else:
            unreduced = math_ops.squared_difference(logits, labels)
        return self._reduce(features, logits, unreduced, labels)

    def _metrics(self, spec, value):
        k, weights = self._name, spec.weights
        per_output = weights * array_ops.ones_like(spec.unreduced_loss)
        return {_key(k, "average_loss"): metrics.mean(spec.unreduced_loss, weights=per_output),
                _key(k, "prediction/mean"): metrics.mean(value, weights=per_output),
                _key(k, "label/mean"): metrics.mean(spec.processed_labels, weights=per_output)}


class _MultiLabelHead(_Head):
    """Independent sigmoid cross entropies, averaged over the ``n_classes`` labels."""

    def __init__(self, n_classes, weight_column, thresholds, label_vocabulary, loss_reduction,
                 loss_fn, name):
        super().__init__(name, weight_column, loss_reduction, loss_fn)
        if n_classes is None or n_classes < 2:
            raise ValueError(f"n_classes must be > 1 for multi-label classification. Given: "
                             f"{n_classes}")
        self._n_classes = self._logits_dimension = n_classes
        self._thresholds = tuple(thresholds or ())
        self._label_vocabulary = label_vocabulary

    def _predictions(self, logits):
        with name_scope(None, "predictions"):
            probabilities = math_ops.sigmoid(logits, name="probabilities")
            predictions = {"logits": logits, "probabilities": probabilities}
        _, all_names = _all_classes(logits, self._n_classes, self._label_vocabulary)
        classification = export.ClassificationOutput(scores=probabilities, classes=all_names)
        return predictions, {_DEFAULT_SERVING_KEY: classification,
                             "classification": classification,
                             "predict": export.PredictOutput(predictions)}, probabilities

    def create_loss(self, features, mode, logits, labels):
        logits = _check_logits(logits, self._logits_dimension)
        labels = _dense_labels(labels, self._n_classes)
        labels = _in_range(labels, 2, "labels must be an integer indicator Tensor with values "
                                      "in [0, 1]")
        if self._loss_fn is not None:
            unreduced = _call_loss_fn(self._loss_fn, labels, logits, features, 1)
        else:
            per_class = nn_ops.sigmoid_cross_entropy_with_logits(
                labels=math_ops.cast(labels, logits.dtype), logits=logits)
            unreduced = math_ops.reduce_mean(per_class, axis=-1, keepdims=True)
        return self._reduce(features, logits, unreduced, labels)

    def _metrics(self, spec, probabilities):
        k, weights, labels = self._name, spec.weights, spec.processed_labels
        ops = {_key(k, "average_loss"): metrics.mean(spec.unreduced_loss, weights=weights),
               _key(k, "auc"): metrics.auc(labels, probabilities, weights=weights),
               _key(k, "auc_precision_recall"): metrics.auc(labels, probabilities,
                                                            weights=weights, curve="PR")}
        for threshold in self._thresholds:
            decided = math_ops.cast(math_ops.greater_equal(probabilities, threshold),
                                    dtypes.int64)
            ops[_key(k, f"accuracy/positive_threshold_{threshold:g}")] = metrics.accuracy(
                labels, decided, weights=weights)
            ops[_key(k, f"precision/positive_threshold_{threshold:g}")] = metrics.precision(
                labels, decided, weights=weights)
            ops[_key(k, f"recall/positive_threshold_{threshold:g}")] = metrics.recall(
                labels, decided, weights=weights)
        return ops


def _check_vocabulary(label_vocabulary, n_classes):
    if label_vocabulary is None:
        return
    if not isinstance(label_vocabulary, list | tuple):
        raise ValueError(f"label_vocabulary should be a list or tuple. Given type: "
                         f"{type(label_vocabulary)}")
    if len(label_vocabulary) != n_classes:
        raise ValueError(f"label_vocabulary must have {n_classes} entries; got "
                         f"{len(label_vocabulary)}")


def multi_class_head(n_classes, weight_column=None, label_vocabulary=None,
                     loss_reduction=_SUM_OVER_BATCH, loss_fn=None, name=None):
    """A head for single-label classification into ``n_classes`` (> 2) classes."""
    if n_classes is None or n_classes <= 2:
        raise ValueError(f"n_classes must be > 2: {n_classes}.")
    _check_vocabulary(label_vocabulary, n_classes)
    return _ClassificationHead(n_classes, weight_column, label_vocabulary, loss_reduction,
                               loss_fn, name)


def binary_classification_head(weight_column=None, thresholds=None, label_vocabulary=None,
                               loss_reduction=_SUM_OVER_BATCH, loss_fn=None, name=None):
    """A head for two-class classification with one logit (sigmoid cross entropy)."""
    _check_vocabulary(label_vocabulary, 2)
    for threshold in thresholds or ():
        if not 0.0 < threshold < 1.0:
            raise ValueError(f"thresholds not in (0, 1): {thresholds}.")
    return _ClassificationHead(2, weight_column, label_vocabulary, loss_reduction, loss_fn,
                               name, thresholds)


def regression_head(weight_column=None, label_dimension=1, loss_reduction=_SUM_OVER_BATCH,
                    loss_fn=None, inverse_link_fn=None, name=None):
    """A head for regression on ``label_dimension`` outputs (squared error by default)."""
    return _RegressionHead(label_dimension, weight_column, loss_reduction, loss_fn,
                           inverse_link_fn, name)


def poisson_regression_head(weight_column=None, label_dimension=1,
                            loss_reduction=_SUM_OVER_BATCH, compute_full_loss=True, name=None):
    """Regression of counts: ``log_poisson_loss`` of the log-rate logits, predictions
    ``exp(logits)``."""
    def poisson_loss(labels, logits):
        return nn_extra_ops.log_poisson_loss(targets=labels, log_input=logits,
                                       compute_full_loss=compute_full_loss)

    return _RegressionHead(label_dimension, weight_column, loss_reduction, poisson_loss,
                           math_ops.exp, name)


def logistic_regression_head(weight_column=None, loss_reduction=_SUM_OVER_BATCH, name=None):
    """Regression of values in [0, 1]: sigmoid cross entropy, predictions ``sigmoid``."""
    def logistic_loss(labels, logits):
        checked = _in_range(labels, 2, "Labels must be in range [0, 1]")
        return nn_ops.sigmoid_cross_entropy_with_logits(labels=checked, logits=logits)

    return _RegressionHead(1, weight_column, loss_reduction, logistic_loss, math_ops.sigmoid,
                           name)


def multi_label_head(n_classes, weight_column=None, thresholds=None, label_vocabulary=None,
                     loss_reduction=_SUM_OVER_BATCH, loss_fn=None,
                     classes_for_class_based_metrics=None, name=None):
    """A head for multi-label classification: labels are ``[batch, n_classes]`` 0/1
    indicators."""
    _check_vocabulary(label_vocabulary, n_classes)
    for threshold in thresholds or ():
        if not 0.0 < threshold < 1.0:
            raise ValueError(f"thresholds must be in (0, 1) range. Given: {threshold}")
    return _MultiLabelHead(n_classes, weight_column, thresholds, label_vocabulary,
                           loss_reduction, loss_fn, name)


class _MultiHead:
    """Several named heads trained on one model's logits."""

    def __init__(self, heads, head_weights):
        self._heads = tuple(heads)
        self._head_weights = tuple(head_weights) if head_weights else None
        self._logits_dimension = sum(h.logits_dimension for h in self._heads)

    @property
    def name(self):
        return "_".join(h.name for h in self._heads)

    @property
    def logits_dimension(self):
        return self._logits_dimension

    def _split(self, logits):
        if isinstance(logits, dict):
            return logits
        with name_scope(None, "split_logits"):
            logits = convert_to_tensor(logits)
            widths = [h.logits_dimension for h in self._heads]
            last = logits.shape.as_list()[-1]
            if last is not None and last != sum(widths):
                raise ValueError(f"Could not split logits of shape {logits.shape.as_list()!r} "
                                 f"among the heads with individual logits dimensions: "
                                 f"{widths!r}. The last dimension of the logits tensor should "
                                 f"equal {sum(widths)} but is {last}.")
            parts, start = {}, 0
            for head, width in zip(self._heads, widths, strict=True):
                parts[head.name] = logits[..., start:start + width]
                start += width
            return parts

    def _merge(self, losses):
        with name_scope("merge_losses"):
            if self._head_weights:
                losses = [loss * weight
                          for loss, weight in zip(losses, self._head_weights, strict=True)]
            return math_ops.add_n(list(losses))

    def create_loss(self, features, mode, logits, labels):
        logits = self._split(logits)
        specs = [h.create_loss(features, mode, logits[h.name], labels[h.name])
                 for h in self._heads]
        weights = self._head_weights or (1.0,) * len(specs)
        return LossSpec(self._merge([s.training_loss for s in specs]),
                        {h.name: s.unreduced_loss * w
                         for h, s, w in zip(self._heads, specs, weights, strict=True)},
                        {h.name: s.weights * w
                         for h, s, w in zip(self._heads, specs, weights, strict=True)},
                        {h.name: s.processed_labels
                         for h, s in zip(self._heads, specs, strict=True)})

    def create_estimator_spec(self, features, mode, logits, labels=None, optimizer=None,
                              train_op_fn=None, regularization_losses=None):
        logits = self._split(logits)
        if labels is not None and not isinstance(labels, dict):
            raise ValueError(f"labels must be a dict. Given: {labels}")
        specs = [h.create_estimator_spec(features, mode, logits[h.name],
                                         labels[h.name] if labels else None,
                                         train_op_fn=lambda loss: control_flow_ops.no_op())
                 for h in self._heads]
        predictions = {(h.name, key): value for h, s in zip(self._heads, specs, strict=True)
                       for key, value in s.predictions.items()}
        if mode == ModeKeys.PREDICT:
            outputs = {_DEFAULT_SERVING_KEY: specs[0].export_outputs[_DEFAULT_SERVING_KEY]}
            merged = {}
            for head, spec in zip(self._heads, specs, strict=True):
                for key, output in spec.export_outputs.items():
                    outputs[head.name if key == _DEFAULT_SERVING_KEY
                            else f"{head.name}/{key}"] = output
                    if key == "predict":
                        merged.update({f"{head.name}/{k}": v
                                       for k, v in output.outputs.items()})
            outputs["predict"] = export.PredictOutput(merged)
            return EstimatorSpec(mode, predictions=predictions, export_outputs=outputs)
        loss = self._merge([s.loss for s in specs])
        if regularization_losses:
            loss = loss + math_ops.add_n(list(regularization_losses))
        if mode == ModeKeys.EVAL:
            metric_ops = {}
            with name_scope("merge_eval"):
                for head, spec in zip(self._heads, specs, strict=True):
                    metric_ops[_key(head.name, "loss")] = metrics.mean(spec.loss)
                    metric_ops.update(spec.eval_metric_ops or {})
            return EstimatorSpec(mode, predictions=predictions, loss=loss,
                                 eval_metric_ops=metric_ops)
        if optimizer is not None:
            if train_op_fn is not None:
                raise ValueError("train_op_fn and optimizer cannot both be set.")
            train_op = optimizer.minimize(loss, global_step=training_util.get_global_step())
        elif train_op_fn is not None:
            train_op = train_op_fn(loss)
        else:
            raise ValueError("train_op_fn and optimizer cannot both be None.")
        _loss_summaries(loss, None, None)
        return EstimatorSpec(mode, predictions=predictions, loss=loss, train_op=train_op)


def multi_head(heads, head_weights=None):
    """A head joining named ``heads`` (their losses summed, weighted by ``head_weights``)."""
    if head_weights and len(head_weights) != len(heads):
        raise ValueError(f"heads and head_weights must have the same size. Given "
                         f"len(heads): {len(heads)}. Given len(head_weights): "
                         f"{len(head_weights)}.")
    if not heads:
        raise ValueError(f"Must specify heads. Given: {heads}")
    for head in heads:
        if not head.name:
            raise ValueError(f"All given heads must have name specified. Given: {head}")
    return _MultiHead(heads, head_weights)
