"""``tf.saved_model.signature_def_utils``: the SignatureDefs TensorFlow Serving looks up.

A signature names a MetaGraph's inputs and outputs (``TensorInfo`` protos, by tensor name)
and the serving method: predict takes and returns any tensors; classify and regress take
serialized ``tf.Example`` strings, as TensorFlow Serving's APIs of those names do.
"""

from .. import dtypes
from . import _proto, signature_constants
from .utils import build_tensor_info

_SC = signature_constants


def build_signature_def(inputs=None, outputs=None, method_name=None, defaults=None):
    """A ``SignatureDef`` from dicts of ``TensorInfo`` protos and a method name."""
    signature = _proto.meta_graph_pb2().SignatureDef()
    for key, info in (inputs or {}).items():
        signature.inputs[key].CopyFrom(info)
    for key, info in (outputs or {}).items():
        signature.outputs[key].CopyFrom(info)
    if method_name is not None:
        signature.method_name = method_name
    for key, value in (defaults or {}).items():
        if value.op.type != "Const":
            raise ValueError(f"Unable to convert object {value} of type {type(value)} to "
                             "TensorProto.")
        from .. import tensor_util

        signature.defaults[key].CopyFrom(tensor_util.make_tensor_proto(value.op.attrs["value"]))
    return signature


def _is_tensor(value):
    from ..graph import Tensor

    return isinstance(value, Tensor)


def regression_signature_def(examples, predictions):
    """The ``tensorflow/serving/regress`` signature: string examples -> float predictions."""
    if examples is None:
        raise ValueError("Regression `examples` cannot be None.")
    if not _is_tensor(examples):
        raise ValueError(f"Expected regression `examples` to be of type Tensor. Found "
                         f"`examples` of type {type(examples)}.")
    if predictions is None:
        raise ValueError("Regression `predictions` cannot be None.")
    inputs = build_tensor_info(examples)
    if examples.dtype.base_dtype != dtypes.string:
        raise ValueError(f"Regression input tensors must be of type string. Found tensors "
                         f"with type {examples.dtype.name}.")
    outputs = build_tensor_info(predictions)
    if predictions.dtype.base_dtype != dtypes.float32:
        raise ValueError(f"Regression output tensors must be of type float. Found tensors "
                         f"with type {predictions.dtype.name}.")
    return build_signature_def({_SC.REGRESS_INPUTS: inputs}, {_SC.REGRESS_OUTPUTS: outputs},
                               _SC.REGRESS_METHOD_NAME)


def classification_signature_def(examples, classes, scores):
    """``tensorflow/serving/classify``: string examples -> string classes and/or scores."""
    if examples is None:
        raise ValueError("Classification `examples` cannot be None.")
    if not _is_tensor(examples):
        raise ValueError(f"Classification `examples` must be a string Tensor. Found "
                         f"`examples` of type {type(examples)}.")
    if classes is None and scores is None:
        raise ValueError("Classification `classes` and `scores` cannot both be None.")
    if examples.dtype.base_dtype != dtypes.string:
        raise ValueError(f"Classification input tensors must be of type string. Found "
                         f"tensors of type {examples.dtype.name}")
    outputs = {}
    if classes is not None:
        if classes.dtype.base_dtype != dtypes.string:
            raise ValueError(f"Classification classes must be of type string Tensor. Found "
                             f"tensors of type {classes.dtype.name}.")
        outputs[_SC.CLASSIFY_OUTPUT_CLASSES] = build_tensor_info(classes)
    if scores is not None:
        if scores.dtype.base_dtype != dtypes.float32:
            raise ValueError("Classification scores must be a float Tensor.")
        outputs[_SC.CLASSIFY_OUTPUT_SCORES] = build_tensor_info(scores)
    return build_signature_def({_SC.CLASSIFY_INPUTS: build_tensor_info(examples)}, outputs,
                               _SC.CLASSIFY_METHOD_NAME)


def predict_signature_def(inputs, outputs):
    """``tensorflow/serving/predict``: dicts of named tensors in and out."""
    if not inputs:
        raise ValueError("Prediction `inputs` cannot be None or empty.")
    if not outputs:
        raise ValueError("Prediction `outputs` cannot be None or empty.")
    return build_signature_def(
        {key: build_tensor_info(tensor) for key, tensor in inputs.items()},
        {key: build_tensor_info(tensor) for key, tensor in outputs.items()},
        _SC.PREDICT_METHOD_NAME)


def _supervised(method_name, inputs, loss, predictions, metrics):
    if not inputs:
        raise ValueError(f"{method_name} `inputs` cannot be None or empty.")
    outputs = {}
    for group in (loss, predictions, metrics):
        outputs.update({key: build_tensor_info(t) for key, t in (group or {}).items()})
    return build_signature_def({k: build_tensor_info(t) for k, t in inputs.items()},
                               outputs, method_name)


def supervised_train_signature_def(inputs, loss, predictions=None, metrics=None):
    return _supervised(_SC.SUPERVISED_TRAIN_METHOD_NAME, inputs, loss, predictions, metrics)


def supervised_eval_signature_def(inputs, loss, predictions=None, metrics=None):
    return _supervised(_SC.SUPERVISED_EVAL_METHOD_NAME, inputs, loss, predictions, metrics)


def _dtype_is(info, name):
    return info.dtype == getattr(_proto.types_pb2(), name)


def _valid_predict(signature):
    return bool(signature.inputs) and bool(signature.outputs)


def _valid_regress(signature):
    return (set(signature.inputs) == {_SC.REGRESS_INPUTS}
            and _dtype_is(signature.inputs[_SC.REGRESS_INPUTS], "DT_STRING")
            and set(signature.outputs) == {_SC.REGRESS_OUTPUTS}
            and _dtype_is(signature.outputs[_SC.REGRESS_OUTPUTS], "DT_FLOAT"))


def _valid_classify(signature):
    allowed = {_SC.CLASSIFY_OUTPUT_CLASSES: "DT_STRING", _SC.CLASSIFY_OUTPUT_SCORES: "DT_FLOAT"}
    if set(signature.inputs) != {_SC.CLASSIFY_INPUTS}:
        return False
    if not _dtype_is(signature.inputs[_SC.CLASSIFY_INPUTS], "DT_STRING"):
        return False
    if not signature.outputs or set(signature.outputs) - set(allowed):
        return False
    return all(_dtype_is(signature.outputs[key], dtype) for key, dtype in allowed.items()
               if key in signature.outputs)


_VALIDATORS = {
    _SC.PREDICT_METHOD_NAME: _valid_predict,
    _SC.REGRESS_METHOD_NAME: _valid_regress,
    _SC.CLASSIFY_METHOD_NAME: _valid_classify,
}


def is_valid_signature(signature_def):
    """True for a well-formed predict, classify or regress signature."""
    if signature_def is None:
        return False
    validator = _VALIDATORS.get(signature_def.method_name)
    return validator is not None and validator(signature_def)


class MethodNameUpdater:
    """Not available: it edits SavedModels in place through TensorFlow's file APIs."""

    def __init__(self, export_dir):
        raise NotImplementedError(
            "smallflow does not provide tf.saved_model.signature_def_utils.MethodNameUpdater; "
            "rebuild the signature with build_signature_def(..., method_name=...) and "
            "export again")
