"""The ``SavedModel`` protocol buffer message, built on TensorBoard's ``MetaGraphDef``.

TensorBoard's package (the ``tensorboard`` extra) ships TensorFlow's ``meta_graph.proto`` but,
in the versions we know, not ``saved_model.proto``. That message is two fields (a schema
version and the list of MetaGraphDefs), so when TensorBoard lacks it we describe it here with
protobuf's descriptor API: the bytes on disk are what TensorFlow writes and reads, because the
wire format depends on field numbers and types only, not on the package name.
"""

import importlib

from .. import tb_protos

EXTRA_HINT = (
    "tf.saved_model reads and writes TensorFlow's protocol buffers, which smallflow takes "
    "from the optional 'tensorboard' extra: pip install \"smallflow[tensorboard]\""
)
_classes = {}


def _protos():
    try:
        return tb_protos.load()
    except ImportError as err:
        raise ImportError(f"{EXTRA_HINT} ({err})") from None


def _describe_saved_model(pb):
    """``smallflow.SavedModel``: fields 1 and 2 as in TensorFlow's saved_model.proto."""
    meta_graph = pb.meta_graph_pb2.MetaGraphDef.DESCRIPTOR
    return tb_protos.described_message(
        "smallflow.SavedModel",
        [("saved_model_schema_version", 1, "TYPE_INT64", False, None),
         ("meta_graphs", 2, "TYPE_MESSAGE", True, meta_graph.full_name)],
        dependencies=[meta_graph.file.name])


def saved_model_class():
    """The ``SavedModel`` message class (TensorBoard's when it ships one)."""
    if "SavedModel" not in _classes:
        pb = _protos()
        try:
            module = importlib.import_module("tensorboard.compat.proto.saved_model_pb2")
            _classes["SavedModel"] = module.SavedModel
        except ImportError:
            _classes["SavedModel"] = _describe_saved_model(pb)
    return _classes["SavedModel"]


def meta_graph_pb2():
    """TensorBoard's ``meta_graph_pb2`` (MetaGraphDef, SignatureDef, TensorInfo, ...)."""
    return _protos().meta_graph_pb2


def types_pb2():
    return _protos().types_pb2
