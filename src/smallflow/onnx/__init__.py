"""Export the inference part of a smallflow graph as an ONNX model (extra ``smallflow[onnx]``).

``export(sess, inputs, outputs, path)`` writes any graph built from the ops listed in
``SUPPORTED_OPS``; ``export_model(model_path, path)`` does it for a model saved by
``smallflow train --save``. The ``onnx`` package is imported only when exporting, so
``import smallflow`` stays light; a missing package raises ImportError naming the extra.

Choices, and why:

- **Opset 13** (IR version 7). It is the first opset whose Softmax normalises one axis, as
  TensorFlow's does (older opsets flatten the trailing axes), and it is old enough that every
  onnxruntime build still in use runs it: desktop, onnxruntime-web, and the Android/iOS
  packages of phones. Nothing the tutorials use needs a newer one.
- **Inference graph only.** Only what ``outputs`` needs is exported. Dropout becomes the
  identity (its keep probability and random mask disappear), a ``placeholder_with_default``
  that is not listed in ``inputs`` becomes its default, and variables become initializers
  holding the session's current values.
- **Constant folding.** Every tensor that does not depend on an input (variables, shapes,
  anything computed from constants) is evaluated once by the session and stored as an
  initializer, so only the ops that touch the inputs need an ONNX mapping.
- **Layout.** TensorFlow's NHWC tensors stay NHWC in the exported graph; each convolution
  and pooling is wrapped in transposes to ONNX's NCHW and back (onnxruntime cancels the
  transposes between consecutive layers). Convolution filters are stored already transposed
  from HWIO to OIHW. SAME padding is ONNX's ``SAME_UPPER``: the odd extra pixel goes to the
  bottom/right, as in TensorFlow.
- **Dynamic batch.** An input's unknown dimensions become symbolic (``batch`` for the
  first), so the file runs any number of images per call.
"""

import os

from smallflow.onnx._convert import (
    IR_VERSION,
    OPSET,
    SUPPORTED_OPS,
    UnsupportedOpError,
    build_model,
)

__all__ = [
    "IR_VERSION",
    "OPSET",
    "SUPPORTED_OPS",
    "UnsupportedOpError",
    "export",
    "export_model",
    "require_onnx",
]

EXTRA = "smallflow[onnx]"


def require_onnx():
    """Import and return the ``onnx`` package, or raise ImportError naming the extra."""
    try:
        import onnx
    except ImportError as error:
        raise ImportError(
            f"exporting to ONNX needs the onnx package ({error}); "
            f"install it with: pip install '{EXTRA}'"
        ) from None
    return onnx


def export(sess, inputs, outputs, path=None, doc_string=""):
    """Write the part of ``sess``'s graph that computes ``outputs`` from ``inputs`` as ONNX.

    ``inputs`` and ``outputs`` are tensors (or lists of tensors) of ``sess.graph``; the
    ONNX graph's inputs and outputs are named after them (``images``, ``probabilities``;
    ``name:k`` for an op's output k > 0). Variables take their current values in ``sess``.
    With ``path`` the model is written there atomically; the ``onnx.ModelProto`` is
    returned either way, after ``onnx.checker`` has accepted it.

    Raises UnsupportedOpError naming the op when the graph holds an op type that has no
    ONNX mapping, and ValueError when an output depends on a placeholder not in ``inputs``.
    """
    onnx = require_onnx()
    model = build_model(onnx, sess, _as_list(inputs), _as_list(outputs), doc_string)
    onnx.checker.check_model(model)
    if path is not None:
        _write_atomically(os.fspath(path), model.SerializeToString())
    return model


def export_model(model_path, path):
    """Export a model saved by ``smallflow train --save``: ``images`` [N, 784] in,
    ``probabilities`` [N, 10] out. Returns the ``onnx.ModelProto``."""
    from smallflow import models

    require_onnx()
    sess, model_graph, metadata = models.load_model(model_path)
    with sess:
        about = f"smallflow {metadata['model']} model exported from {os.fspath(model_path)}"
        return export(sess, model_graph.images, model_graph.probabilities, path, about)


def _as_list(tensors):
    if isinstance(tensors, (list, tuple)):
        return list(tensors)
    return [tensors]


def _write_atomically(path, data):
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``."""
    directory = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
