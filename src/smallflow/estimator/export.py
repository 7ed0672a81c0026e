"""``tf.estimator.export``: what a served Estimator model receives and what it answers.

A ``serving_input_receiver_fn`` builds, in the export graph, the placeholders a server feeds
(``receiver_tensors``) and the features the ``model_fn`` sees (``features``, often parsed
from serialized ``tf.Example`` strings). The ``model_fn``'s PREDICT ``EstimatorSpec`` names
its answers as ``ExportOutput``s (``PredictOutput``, ``ClassificationOutput``,
``RegressionOutput``); each one becomes a SignatureDef of the SavedModel. Classification and
regression signatures are TensorFlow Serving's ``classify``/``regress`` APIs, which take one
string tensor of serialized examples: an output that cannot be served that way is left out
of the export with a log line, as TensorFlow 1.x does.
"""

import abc
import collections

from .. import dtypes, logging
from ..graph import Tensor
from ..ops import constant_op, control_flow_ops, parsing_ops
from ..ops.sparse_tensor import SparseTensor
from ..saved_model import signature_constants, signature_def_utils
from ..tensor_shape import TensorShape

__all__ = [
    "ClassificationOutput", "EvalOutput", "ExportOutput", "PredictOutput", "RegressionOutput",
    "ServingInputReceiver", "TensorServingInputReceiver", "TrainOutput",
    "build_parsing_serving_input_receiver_fn", "build_raw_serving_input_receiver_fn",
]

# The dict keys a single tensor is given when it is wrapped (TensorFlow's names).
SINGLE_FEATURE_DEFAULT_NAME = "feature"
SINGLE_RECEIVER_DEFAULT_NAME = "input"
SINGLE_LABEL_DEFAULT_NAME = "label"
_SINGLE_NAMES = {"feature": SINGLE_FEATURE_DEFAULT_NAME, "label": SINGLE_LABEL_DEFAULT_NAME,
                 "receiver_tensor": SINGLE_RECEIVER_DEFAULT_NAME,
                 "receiver_tensors_alternative": SINGLE_RECEIVER_DEFAULT_NAME}


def _check_tensor(tensor, name, label="feature"):
    if not isinstance(tensor, Tensor | SparseTensor):
        shown = f" {name}" if name else ""
        raise ValueError(f"{label}{shown} must be a Tensor or SparseTensor.")


def _wrap_and_check(tensors, label, allow_int_keys=False):
    """``tensors`` as a dict of name -> Tensor/SparseTensor (a single one is wrapped)."""
    if tensors is None:
        raise ValueError(f"{label}s must be defined.")
    if not isinstance(tensors, dict):
        tensors = {_SINGLE_NAMES[label]: tensors}
    for key, tensor in tensors.items():
        if not isinstance(key, str) and not (allow_int_keys and isinstance(key, int)):
            kinds = "strings or ints" if allow_int_keys else "strings"
            raise ValueError(f"{label} keys must be {kinds}: {key}.")
        _check_tensor(tensor, key, label)
    return tensors


class ServingInputReceiver(collections.namedtuple(
        "ServingInputReceiver", ["features", "receiver_tensors",
                                 "receiver_tensors_alternatives"])):
    """What a ``serving_input_receiver_fn`` returns: the model's ``features`` (a single
    tensor is wrapped as ``{'feature': t}``), the placeholders a server feeds
    (``receiver_tensors``, a single one named ``input``) and optional named alternative
    groups of receiver tensors (each gives extra signatures ``<name>:<output key>``)."""

    def __new__(cls, features, receiver_tensors, receiver_tensors_alternatives=None):
        features = _wrap_and_check(features, "feature", allow_int_keys=True)
        receiver_tensors = _wrap_and_check(receiver_tensors, "receiver_tensor")
        if receiver_tensors_alternatives is not None:
            if not isinstance(receiver_tensors_alternatives, dict):
                raise ValueError(f"receiver_tensors_alternatives must be a dict: "
                                 f"{receiver_tensors_alternatives}.")
            receiver_tensors_alternatives = {
                name: _wrap_and_check(group, "receiver_tensors_alternative")
                for name, group in receiver_tensors_alternatives.items()}
        return super().__new__(cls, features, receiver_tensors, receiver_tensors_alternatives)


class TensorServingInputReceiver(collections.namedtuple(
        "TensorServingInputReceiver", ["features", "receiver_tensors",
                                       "receiver_tensors_alternatives"])):
    """Like ``ServingInputReceiver``, for a ``model_fn`` whose features are one tensor: the
    tensor is passed as it is, not in a dict."""

    def __new__(cls, features, receiver_tensors, receiver_tensors_alternatives=None):
        if features is None:
            raise ValueError("features must be defined.")
        _check_tensor(features, None)
        receiver = ServingInputReceiver(features, receiver_tensors,
                                        receiver_tensors_alternatives)
        return super().__new__(cls, receiver.features[SINGLE_FEATURE_DEFAULT_NAME],
                               receiver.receiver_tensors,
                               receiver.receiver_tensors_alternatives)


class SupervisedInputReceiver(collections.namedtuple(
        "SupervisedInputReceiver", ["features", "labels", "receiver_tensors"])):
    """What a training/evaluation receiver returns: features, labels and the placeholders."""

    def __new__(cls, features, labels, receiver_tensors):
        _wrap_and_check(features, "feature", allow_int_keys=True)
        _wrap_and_check(labels, "label", allow_int_keys=True)
        receiver_tensors = _wrap_and_check(receiver_tensors, "receiver_tensor")
        return super().__new__(cls, features, labels, receiver_tensors)


def build_parsing_serving_input_receiver_fn(feature_spec, default_batch_size=None):
    """A receiver fn that takes serialized ``tf.Example`` strings (the ``examples`` input of
    a ``[default_batch_size]`` string placeholder ``input_example_tensor``) and parses them
    with ``feature_spec`` (``FixedLenFeature``/``VarLenFeature`` by name)."""

    def serving_input_receiver_fn():
        serialized = constant_op.placeholder(dtypes.string, [default_batch_size],
                                 name="input_example_tensor")
        features = parsing_ops.parse_example(serialized, feature_spec)
        return ServingInputReceiver(features, {"examples": serialized})

    return serving_input_receiver_fn


def _placeholder_like(tensor, default_batch_size):
    """A placeholder with ``tensor``'s dtype and shape (the batch axis made
    ``default_batch_size``) and its op's name; ``tensor`` may live in another graph."""
    shape = TensorShape([default_batch_size]).concatenate(tensor.get_shape()[1:])
    return constant_op.placeholder(tensor.dtype.base_dtype, shape, name=tensor.op.name)


def build_raw_serving_input_receiver_fn(features, default_batch_size=None):
    """A receiver fn whose inputs are the features themselves: one placeholder per entry of
    ``features`` (a dict of example tensors giving dtype, shape and name), fed directly."""
    if not isinstance(features, dict):
        features = {SINGLE_FEATURE_DEFAULT_NAME: features}
    for key, tensor in features.items():
        _check_tensor(tensor, key)

    def serving_input_receiver_fn():
        receiver = {name: _placeholder_like(t, default_batch_size)
                    for name, t in features.items()}
        return ServingInputReceiver(receiver, dict(receiver))

    return serving_input_receiver_fn


def build_raw_supervised_input_receiver_fn(features, labels, default_batch_size=None):
    """A receiver fn with placeholders for features and labels (exports for TRAIN/EVAL)."""
    feature_keys = features.keys() if isinstance(features, dict) else [
        SINGLE_RECEIVER_DEFAULT_NAME]
    label_keys = labels.keys() if isinstance(labels, dict) else [SINGLE_LABEL_DEFAULT_NAME]
    overlap = set(feature_keys) & set(label_keys)
    if overlap:
        raise ValueError(f"Features and labels must have distinct keys. Found overlapping "
                         f"keys: {overlap}")

    def placeholders(values, single_name):
        if isinstance(values, dict):
            made = {k: _placeholder_like(t, default_batch_size) for k, t in values.items()}
            return made, made
        made = _placeholder_like(values, default_batch_size)
        return made, {single_name: made}

    def supervised_input_receiver_fn():
        feats, feat_receivers = placeholders(features, SINGLE_RECEIVER_DEFAULT_NAME)
        labs, label_receivers = placeholders(labels, SINGLE_LABEL_DEFAULT_NAME)
        return SupervisedInputReceiver(feats, labs, {**feat_receivers, **label_receivers})

    return supervised_input_receiver_fn


# -- export outputs ------------------------------------------------------------------------------


_SERVING_INPUT_RULE = (
    "{kind} signatures can only accept a single tensor input of type tf.string. Please check "
    "to make sure that you have structured the serving_input_receiver_fn so that it creates "
    "a single string placeholder. If your model function expects multiple inputs, then use "
    "`tf.io.parse_example()` to parse the string into multiple tensors.\n Received: {got}")


class ExportOutput(abc.ABC):
    """One answer of a served model; ``as_signature_def(receiver_tensors)`` makes its
    SignatureDef."""

    _SEPARATOR_CHAR = "/"

    @abc.abstractmethod
    def as_signature_def(self, receiver_tensors):
        """The SignatureDef of this output with ``receiver_tensors`` as its inputs."""

    def _check_output_key(self, key, label):
        if isinstance(key, tuple):
            key = self._SEPARATOR_CHAR.join(key)
        if not isinstance(key, str):
            raise ValueError(f"{label} output key must be a string; got {key}.")
        return key

    def _wrap_and_check_outputs(self, outputs, single_name, label=None):
        if not isinstance(outputs, dict):
            outputs = {single_name: outputs}
        label = label or single_name
        checked = {}
        for key, value in outputs.items():
            key = self._check_output_key(key, label)
            if not isinstance(value, Tensor):
                raise ValueError(f"{label} output value must be a Tensor; got {value}.")
            checked[key] = value
        return checked


def _single_string_input(receiver_tensors, kind):
    if len(receiver_tensors) == 1:
        (examples,) = receiver_tensors.values()
        if isinstance(examples, Tensor) and examples.dtype.base_dtype == dtypes.string:
            return examples
    raise ValueError(_SERVING_INPUT_RULE.format(kind=kind, got=receiver_tensors))


class ClassificationOutput(ExportOutput):
    """A classification head's answer: float ``scores`` and/or string ``classes``
    (TensorFlow Serving's classify API)."""

    def __init__(self, scores=None, classes=None):
        if scores is not None and not (isinstance(scores, Tensor)
                                       and scores.dtype.is_floating):
            raise ValueError(f"Classification scores must be a float32 Tensor; got {scores}")
        if classes is not None and not (isinstance(classes, Tensor)
                                        and classes.dtype.base_dtype == dtypes.string):
            raise ValueError(f"Classification classes must be a string Tensor; got {classes}")
        if scores is None and classes is None:
            raise ValueError("At least one of scores and classes must be set.")
        self._scores = scores
        self._classes = classes

    @property
    def scores(self):
        return self._scores

    @property
    def classes(self):
        return self._classes

    def as_signature_def(self, receiver_tensors):
        examples = _single_string_input(receiver_tensors, "Classification")
        return signature_def_utils.classification_signature_def(examples, self._classes,
                                                                self._scores)


class RegressionOutput(ExportOutput):
    """A regression head's answer: one float tensor (TensorFlow Serving's regress API)."""

    def __init__(self, value):
        if not (isinstance(value, Tensor) and value.dtype.is_floating):
            raise ValueError(f"Regression output value must be a float32 Tensor; got {value}")
        self._value = value

    @property
    def value(self):
        return self._value

    def as_signature_def(self, receiver_tensors):
        examples = _single_string_input(receiver_tensors, "Regression")
        return signature_def_utils.regression_signature_def(examples, self._value)


class PredictOutput(ExportOutput):
    """Any named tensors (a single one is named ``output``): the predict API."""

    _SINGLE_OUTPUT_DEFAULT_NAME = "output"

    def __init__(self, outputs):
        self._outputs = self._wrap_and_check_outputs(outputs,
                                                     self._SINGLE_OUTPUT_DEFAULT_NAME,
                                                     label="Prediction")

    @property
    def outputs(self):
        return self._outputs

    def as_signature_def(self, receiver_tensors):
        return signature_def_utils.predict_signature_def(receiver_tensors, self._outputs)


class _SupervisedOutput(ExportOutput):
    """The loss, predictions and metrics of a TRAIN or EVAL export, flattened to named
    outputs (``loss``, ``predictions/<key>``, ``metrics/<name>/value`` and ``/update_op``)."""

    LOSS_NAME = "loss"
    PREDICTIONS_NAME = "predictions"
    METRICS_NAME = "metrics"
    METRIC_VALUE_SUFFIX = "value"
    METRIC_UPDATE_SUFFIX = "update_op"

    def __init__(self, loss=None, predictions=None, metrics=None):
        self._loss = self._prefixed(loss, self.LOSS_NAME)
        self._predictions = self._prefixed(predictions, self.PREDICTIONS_NAME)
        self._metrics = {}
        for name, pair in (metrics or {}).items():
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise ValueError(f"{self.METRICS_NAME} output value must be a "
                                 f"(value, update_op) tuple; got {pair}.")
            value, update = pair
            update = update if isinstance(update, Tensor) else _as_tensor(update)
            base = f"{self.METRICS_NAME}/{self._check_output_key(name, self.METRICS_NAME)}"
            self._metrics[f"{base}/{self.METRIC_VALUE_SUFFIX}"] = value
            self._metrics[f"{base}/{self.METRIC_UPDATE_SUFFIX}"] = update

    def _prefixed(self, outputs, prefix):
        if outputs is None:
            return {}
        if not isinstance(outputs, dict):
            return {prefix: self._wrap_and_check_outputs(outputs, prefix)[prefix]}
        checked = self._wrap_and_check_outputs(outputs, prefix)
        return {f"{prefix}/{key}": value for key, value in checked.items()}

    @property
    def loss(self):
        return self._loss

    @property
    def predictions(self):
        return self._predictions

    @property
    def metrics(self):
        return self._metrics

    def as_signature_def(self, receiver_tensors):
        return self._signature(receiver_tensors, self._loss, self._predictions,
                               self._metrics)


def _as_tensor(op):
    """An update op as a tensor a signature can name (TensorFlow names its output 0, or
    a constant made under its control)."""
    if getattr(op, "outputs", None):
        return op.outputs[0]
    with control_flow_ops.control_dependencies([op]):
        return constant_op.identity(constant_op.constant(0, name="update_done"))


class TrainOutput(_SupervisedOutput):
    """A TRAIN export's outputs (``tensorflow/supervised/training``)."""

    _signature = staticmethod(signature_def_utils.supervised_train_signature_def)


class EvalOutput(_SupervisedOutput):
    """An EVAL export's outputs (``tensorflow/supervised/eval``)."""

    _signature = staticmethod(signature_def_utils.supervised_eval_signature_def)


# -- signatures of an export ---------------------------------------------------------------------


def check_export_outputs(export_outputs, predictions):
    """``export_outputs`` checked, or ``{serving_default: PredictOutput(predictions)}``; a
    lone output is also made the default, several need one keyed ``serving_default``."""
    default_key = signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY
    if export_outputs is None:
        return {default_key: PredictOutput(predictions)}
    if not isinstance(export_outputs, dict):
        raise TypeError(f"export_outputs must be dict, given: {export_outputs}")
    for value in export_outputs.values():
        if not isinstance(value, ExportOutput):
            raise TypeError(f"Values in export_outputs must be ExportOutput objects. Given: "
                            f"{export_outputs}")
    export_outputs = dict(export_outputs)
    if len(export_outputs) == 1:
        ((key, value),) = export_outputs.items()
        export_outputs.setdefault(default_key, value)
    elif len(export_outputs) > 1 and default_key not in export_outputs:
        raise ValueError("Multiple export_outputs were provided, but none of them is "
                         "specified as the default.  Do this by naming one of them with "
                         "signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY.")
    return export_outputs


def build_all_signature_defs(receiver_tensors, export_outputs,
                             receiver_tensors_alternatives=None, serving_only=True):
    """``{signature key: SignatureDef}`` for every export output and receiver group; outputs
    that cannot be served from these inputs are left out (and logged)."""
    if not isinstance(receiver_tensors, dict):
        receiver_tensors = {SINGLE_RECEIVER_DEFAULT_NAME: receiver_tensors}
    if not isinstance(export_outputs, dict):
        raise ValueError(f"export_outputs must be a dict and not{type(export_outputs)}")
    groups = [(None, receiver_tensors)]
    for name, group in (receiver_tensors_alternatives or {}).items():
        if not isinstance(group, dict):
            group = {SINGLE_RECEIVER_DEFAULT_NAME: group}
        groups.append((name, group))
    signatures, excluded = {}, {}
    for group_name, group in groups:
        for key, output in export_outputs.items():
            name = f"{key or 'None'}" if group_name is None else (
                f"{group_name or 'None'}:{key or 'None'}")
            try:
                signatures[name] = output.as_signature_def(group)
            except ValueError as err:
                excluded[name] = str(err)
    _log_signature_report(signatures, excluded)
    if serving_only:
        signatures = {k: v for k, v in signatures.items()
                      if signature_def_utils.is_valid_signature(v)}
    return signatures


_FRIENDLY = {signature_constants.CLASSIFY_METHOD_NAME: "Classify",
             signature_constants.REGRESS_METHOD_NAME: "Regress",
             signature_constants.PREDICT_METHOD_NAME: "Predict"}


def _log_signature_report(signatures, excluded):
    by_method = {method: [] for method in _FRIENDLY}
    for name, signature in signatures.items():
        by_method.setdefault(signature.method_name, []).append(name)
    for method, names in by_method.items():
        logging.info("Signatures INCLUDED in export for %s: %s", _FRIENDLY.get(method, method),
                     names or "None")
    if excluded:
        logging.info("Signatures EXCLUDED from export because they cannot be be served via "
                     "TensorFlow Serving APIs:")
        for name, message in excluded.items():
            logging.info("'%s' : %s", name, message)
    if not signatures:
        logging.warning("Export includes no signatures!")
    elif signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY not in signatures:
        logging.warning("Export includes no default signature!")
