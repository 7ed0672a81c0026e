"""What a ``tf.contrib.learn`` model function returns, and how metrics are asked for.

``ModelFnOps`` is TensorFlow 1.x's contrib-era ``EstimatorSpec`` (checked as TensorFlow
checks it: a loss with one element becomes a scalar, a train "op" given as a tensor becomes
its op, EVAL and INFER need predictions). ``MetricSpec`` names which prediction, label and
weight tensors a metric function receives, adapting to the function's argument names
(``labels``/``targets``, ``predictions``, ``weights``) the way TensorFlow's did, so both
``tf.metrics.accuracy(labels, predictions)`` and the older
``tf.contrib.metrics.streaming_accuracy(predictions, labels)`` work.
"""

import collections
import inspect

from ... import logging
from ...graph import Operation, convert_to_tensor
from ...ops import array_ops
from ...train.session_run_hook import SessionRunHook

__all__ = ["MetricKey", "MetricSpec", "ModeKeys", "ModelFnOps", "PredictionKey",
           "make_metrics_ops"]


class ModeKeys:
    """The modes a contrib.learn model function is built in."""

    TRAIN = "train"
    EVAL = "eval"
    INFER = "infer"


class PredictionKey:
    """The keys of contrib.learn's canned estimators' prediction dicts."""

    CLASSES = "classes"
    PROBABILITIES = "probabilities"
    LOGITS = "logits"
    LOGISTIC = "logistic"
    SCORES = "scores"
    TOP_K = "top_k"
    GENERIC = "output"


class MetricKey:
    """The names of contrib.learn's canned metrics."""

    LOSS = "loss"
    AUC = "auc"
    AUC_PR = "auc_precision_recall"
    CLASS_AUC = "auc/class%d"
    CLASS_AUC_PR = "auc_precision_recall/class%d"
    PREDICTION_MEAN = "labels/prediction_mean"
    CLASS_PREDICTION_MEAN = "labels/prediction_mean/class%d"
    CLASS_LOGITS_MEAN = "labels/logits_mean/class%d"
    CLASS_PROBABILITY_MEAN = "labels/probability_mean/class%d"
    LABEL_MEAN = "labels/actual_label_mean"
    CLASS_LABEL_MEAN = "labels/actual_label_mean/class%d"
    ACCURACY = "accuracy"
    ACCURACY_BASELINE = "accuracy/baseline_label_mean"
    ACCURACY_MEAN = "accuracy/threshold_%f_mean"
    PRECISION_MEAN = "precision/positive_threshold_%f_mean"
    RECALL_MEAN = "recall/positive_threshold_%f_mean"


_FIELDS = ["predictions", "loss", "train_op", "eval_metric_ops", "output_alternatives",
           "training_chief_hooks", "training_hooks", "scaffold", "mode"]


class ModelFnOps(collections.namedtuple("ModelFnOps", _FIELDS)):
    """The ops a contrib.learn ``model_fn`` built for ``mode``; see the module's docstring."""

    def __new__(cls, mode, predictions=None, loss=None, train_op=None, eval_metric_ops=None,
                output_alternatives=None, training_chief_hooks=None, training_hooks=None,
                scaffold=None):
        if mode not in (ModeKeys.TRAIN, ModeKeys.EVAL, ModeKeys.INFER):
            raise ValueError(f"mode={mode!r} is not one of ModeKeys.TRAIN, EVAL, INFER")
        if train_op is None:
            if mode == ModeKeys.TRAIN:
                raise ValueError("Missing train_op.")
        elif not isinstance(train_op, Operation):
            train_op = convert_to_tensor(train_op).op
        if loss is None:
            if mode in (ModeKeys.TRAIN, ModeKeys.EVAL):
                raise ValueError("Missing loss.")
        else:
            loss = convert_to_tensor(loss)
            elements = loss.shape.num_elements()
            if elements not in (None, 1):
                raise ValueError(f"Loss must be scalar: {loss}.")
            if loss.shape.ndims != 0:
                loss = array_ops.reshape(loss, [])
        if predictions is None:
            if mode in (ModeKeys.INFER, ModeKeys.EVAL):
                raise ValueError("Missing predictions.")
        elif isinstance(predictions, dict):
            predictions = {key: _tensor_or_sparse(value) for key, value in predictions.items()}
        else:
            predictions = _tensor_or_sparse(predictions)
        if eval_metric_ops is None:
            eval_metric_ops = {}
        elif not isinstance(eval_metric_ops, dict):
            raise ValueError("eval_metric_ops must be a dict.")
        training_chief_hooks = list(training_chief_hooks or [])
        training_hooks = list(training_hooks or [])
        for hook in training_hooks + training_chief_hooks:
            if not isinstance(hook, SessionRunHook):
                raise TypeError(f"All hooks returned from model_fn must be SessionRunHook "
                                f"instances, got instance of {type(hook)}: {hook}")
        return super().__new__(cls, predictions, loss, train_op, eval_metric_ops,
                               output_alternatives, training_chief_hooks, training_hooks,
                               scaffold, mode)

    def estimator_spec(self, default_serving_output_alternative_key=None):
        """The same ops as a ``tf.estimator.EstimatorSpec``."""
        from ...estimator import EstimatorSpec

        return EstimatorSpec(
            self.mode, predictions=self.predictions, loss=self.loss, train_op=self.train_op,
            eval_metric_ops=self.eval_metric_ops, training_chief_hooks=self.training_chief_hooks,
            training_hooks=self.training_hooks, scaffold=self.scaffold)


def _tensor_or_sparse(value):
    from ...ops.sparse_tensor import SparseTensor

    return value if isinstance(value, SparseTensor) else convert_to_tensor(value)


_LABEL_NAMES = ("labels", "label", "targets", "target")
_PREDICTION_NAMES = ("predictions", "prediction")
_WEIGHT_NAMES = ("weights", "weight")


def _arguments(fn):
    try:
        return [name for name, p in inspect.signature(fn).parameters.items()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    except (TypeError, ValueError):
        return []


def _matching(fn_name, arguments, names, required, what):
    found = [name for name in names if name in arguments]
    if len(found) > 1:
        raise ValueError(f"Ambiguous arg {found} in {fn_name}: the metric function takes "
                         f"more than one {what} argument")
    if found:
        return found[0]
    if required:
        raise ValueError(f"{fn_name} has no {what} argument (one of {list(names)})")
    return None


def _adapt(metric_fn, fn_name, labels_required, weights_required):
    """``metric_fn`` as a function of ``labels=``, ``predictions=``, ``weights=``, calling it
    by its own argument names (positionally, predictions first, where it has none)."""
    arguments = _arguments(metric_fn)
    labels_arg = _matching(fn_name, arguments, _LABEL_NAMES, labels_required, "labels")
    predictions_arg = _matching(fn_name, arguments, _PREDICTION_NAMES, False, "predictions")
    weights_arg = _matching(fn_name, arguments, _WEIGHT_NAMES, weights_required, "weights")

    def call(labels=None, predictions=None, weights=None):
        kwargs = {}
        if weights is not None:
            if weights_arg is None:
                raise ValueError(f"{fn_name} takes no weights argument")
            kwargs[weights_arg] = weights
        if labels_arg and predictions_arg:
            kwargs[labels_arg], kwargs[predictions_arg] = labels, predictions
            return metric_fn(**kwargs)
        if labels_arg:
            if arguments and arguments[0] == labels_arg:
                return metric_fn(labels, predictions, **kwargs)
            kwargs[labels_arg] = labels
            return metric_fn(predictions, **kwargs)
        if predictions_arg:
            if arguments and arguments[0] == predictions_arg:
                return metric_fn(predictions, labels, **kwargs)
            kwargs[predictions_arg] = predictions
            return metric_fn(labels, **kwargs)
        return metric_fn(predictions, labels, **kwargs)

    return call


class MetricSpec:
    """A metric function and which prediction / label / weight it is given."""

    def __init__(self, metric_fn, prediction_key=None, label_key=None, weight_key=None):
        if not callable(metric_fn):
            raise TypeError(f"metric_fn must be callable, got {metric_fn!r}")
        self._fn_name = getattr(metric_fn, "__name__", None) or repr(metric_fn)
        self._metric_fn = _adapt(metric_fn, self._fn_name, label_key is not None,
                                 weight_key is not None)
        self._prediction_key = prediction_key
        self._label_key = label_key
        self._weight_key = weight_key

    prediction_key = property(lambda self: self._prediction_key)
    label_key = property(lambda self: self._label_key)
    weight_key = property(lambda self: self._weight_key)
    metric_fn = property(lambda self: self._metric_fn)

    def __str__(self):
        return (f"MetricSpec(metric_fn={self._fn_name}, prediction_key={self._prediction_key}, "
                f"label_key={self._label_key}, weight_key={self._weight_key})")

    def _pick(self, what, value, key):
        if key:
            if not isinstance(value, dict):
                raise ValueError(f"MetricSpec with {what}_key specified requires {what}s "
                                 f"dict, got {value}.\nYou must not provide a {what}_key if "
                                 f"you only have a single Tensor as {what}s.")
            if key not in value:
                raise KeyError(f"Key '{key}' missing from {sorted(value)}.")
            return value[key]
        if isinstance(value, dict):
            if len(value) != 1:
                raise ValueError(f"MetricSpec without specified {what}_key requires {what}s "
                                 f"tensor or single element dict, got {value}")
            return next(iter(value.values()))
        return value

    def create_metric_ops(self, inputs, labels, predictions):
        """The ``(value, update_op)`` pair of the metric on these tensors."""
        prediction = self._pick("prediction", predictions, self._prediction_key)
        label = self._pick("label", labels, self._label_key)
        try:
            return self._metric_fn(labels=label, predictions=prediction,
                                   weights=inputs[self._weight_key] if self._weight_key
                                   else None)
        except Exception as error:
            logging.error("Could not create metric ops for %s, %s.", self, error)
            raise


def make_metrics_ops(metrics, features, labels, predictions):
    """The metric pairs ``evaluate(metrics=...)`` asks for: MetricSpecs, or (deprecated) bare
    functions of ``(predictions, labels)`` keyed by name or by ``(name, prediction_key)``."""
    if isinstance(labels, dict) and len(labels) == 1:
        labels = next(iter(labels.values()))
    result = {}
    for name, metric in (metrics or {}).items():
        if isinstance(metric, MetricSpec):
            result[name] = metric.create_metric_ops(features, labels, predictions)
            continue
        logging.warning("Please specify metrics using MetricSpec. Using bare functions or "
                        "(key, fn) tuples is deprecated and support for it will be removed "
                        "on Oct 1, 2016.")
        if isinstance(name, tuple):
            if len(name) != 2:
                raise ValueError(f"Invalid metric for {name}. It returned a tuple with len "
                                 f"{len(name)}, expected 2.")
            if not isinstance(predictions, dict):
                raise ValueError(f"Metrics passed provide (name, prediction), but "
                                 f"predictions are not dict. Metrics: {metrics}, "
                                 f"Predictions: {predictions}.")
            if isinstance(labels, dict) and name[1] in labels:
                result[name[0]] = metric(predictions[name[1]], labels[name[1]])
            else:
                result[name[0]] = metric(predictions[name[1]], labels)
        else:
            if isinstance(predictions, dict):
                raise ValueError(f"Metrics passed provide only name, no prediction, but "
                                 f"predictions are dict. Metrics: {metrics}, Labels: {labels}.")
            result[name] = metric(predictions, labels)
    return result
