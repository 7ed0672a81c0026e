"""TensorBoard's protocol buffers, loaded on first use from the optional ``tensorboard`` extra.

smallflow does not define protocol buffers of its own: summaries, events, GraphDefs and
MetaGraphs are the message classes the ``tensorboard`` package ships, so TensorBoard (and
TensorFlow) read what we write. ``import smallflow`` never imports them; the first feature
that needs them calls ``load()``, which names the extra to install when it is missing.
"""

import importlib
import types

EXTRA_HINT = (
    "smallflow's TensorBoard support (tf.summary, FileWriter, GraphDef and MetaGraph files) "
    "needs the optional 'tensorboard' extra: pip install \"smallflow[tensorboard]\""
)

_MODULES = (
    "summary_pb2", "event_pb2", "graph_pb2", "node_def_pb2", "attr_value_pb2", "tensor_pb2",
    "tensor_shape_pb2", "types_pb2", "meta_graph_pb2", "saver_pb2", "config_pb2",
    "step_stats_pb2", "versions_pb2", "op_def_pb2", "variable_pb2", "cluster_pb2",
)
_loaded = None


def load():
    """A namespace of TensorBoard's ``*_pb2`` modules (``pb.summary_pb2.Summary``...)."""
    global _loaded
    if _loaded is None:
        try:
            modules = {
                name: importlib.import_module(f"tensorboard.compat.proto.{name}")
                for name in _MODULES
            }
        except ImportError as err:
            raise ImportError(f"{EXTRA_HINT} ({err})") from None
        _loaded = types.SimpleNamespace(**modules)
    return _loaded


def available():
    """True when the ``tensorboard`` extra can be imported."""
    try:
        load()
    except ImportError:
        return False
    return True


# TensorFlow 1.x exposes these message classes at ``tf.<Name>`` (and some at ``tf.summary``).
PUBLIC_MESSAGES = {
    "Summary": ("summary_pb2", "Summary"),
    "SummaryDescription": ("summary_pb2", "SummaryDescription"),
    "SummaryMetadata": ("summary_pb2", "SummaryMetadata"),
    "HistogramProto": ("summary_pb2", "HistogramProto"),
    "Event": ("event_pb2", "Event"),
    "SessionLog": ("event_pb2", "SessionLog"),
    "LogMessage": ("event_pb2", "LogMessage"),
    "TaggedRunMetadata": ("event_pb2", "TaggedRunMetadata"),
    "GraphDef": ("graph_pb2", "GraphDef"),
    "NodeDef": ("node_def_pb2", "NodeDef"),
    "AttrValue": ("attr_value_pb2", "AttrValue"),
    "NameAttrList": ("attr_value_pb2", "NameAttrList"),
    "TensorProto": ("tensor_pb2", "TensorProto"),
    "TensorShapeProto": ("tensor_shape_pb2", "TensorShapeProto"),
    "MetaGraphDef": ("meta_graph_pb2", "MetaGraphDef"),
    "SaverDef": ("saver_pb2", "SaverDef"),
    "OpDef": ("op_def_pb2", "OpDef"),
    "VersionDef": ("versions_pb2", "VersionDef"),
}


def public_message(name):
    """The message class TensorFlow exports as ``tf.<name>``; AttributeError for others."""
    found = PUBLIC_MESSAGES.get(name)
    if found is None:
        from .removed_names import missing

        raise missing("", name)
    module, attr = found
    return getattr(getattr(load(), module), attr)


def described_message(full_name, fields, dependencies=()):
    """A message class for a small TensorFlow message TensorBoard does not ship.

    ``fields`` is ``[(name, number, kind, repeated, message_type)]`` with ``kind`` a
    ``FieldDescriptorProto`` type name (``"TYPE_INT64"``...). The wire format depends only
    on field numbers and types, so the bytes are TensorFlow's; ``full_name`` is ours
    (``smallflow.<Name>``) so it never clashes with a class TensorBoard may ship later.
    """
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    pool = descriptor_pool.Default()
    try:
        found = pool.FindMessageTypeByName(full_name)
    except KeyError:
        package, _, name = full_name.rpartition(".")
        file_proto = descriptor_pb2.FileDescriptorProto(
            name=f"{package}/{name.lower()}.proto", package=package, syntax="proto3",
            dependency=list(dependencies))
        message = file_proto.message_type.add(name=name)
        field_type = descriptor_pb2.FieldDescriptorProto
        for field_name, number, kind, repeated, message_type in fields:
            field = message.field.add(
                name=field_name, number=number, type=getattr(field_type, kind),
                label=field_type.LABEL_REPEATED if repeated else field_type.LABEL_OPTIONAL)
            if message_type:
                field.type_name = "." + message_type
        pool.Add(file_proto)
        found = pool.FindMessageTypeByName(full_name)
    return message_factory.GetMessageClass(found)
