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
_FILE_NAME = "smallflow/saved_model.proto"
_classes = {}


def _protos():
    try:
        return tb_protos.load()
    except ImportError as err:
        raise ImportError(f"{EXTRA_HINT} ({err})") from None


def _describe_saved_model(pb):
    """Register ``smallflow.SavedModel`` (fields 1 and 2 as in TensorFlow) in the pool."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    pool = descriptor_pool.Default()
    try:
        found = pool.FindMessageTypeByName("smallflow.SavedModel")
    except KeyError:
        meta_file = pb.meta_graph_pb2.DESCRIPTOR
        file_proto = descriptor_pb2.FileDescriptorProto(
            name=_FILE_NAME, package="smallflow", syntax="proto3",
            dependency=[meta_file.name])
        message = file_proto.message_type.add(name="SavedModel")
        field = descriptor_pb2.FieldDescriptorProto
        message.field.add(name="saved_model_schema_version", number=1,
                          type=field.TYPE_INT64, label=field.LABEL_OPTIONAL)
        message.field.add(name="meta_graphs", number=2, type=field.TYPE_MESSAGE,
                          label=field.LABEL_REPEATED,
                          type_name="." + pb.meta_graph_pb2.MetaGraphDef.DESCRIPTOR.full_name)
        pool.Add(file_proto)
        found = pool.FindMessageTypeByName("smallflow.SavedModel")
    return message_factory.GetMessageClass(found)


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
