"""MetaGraphs: a graph with its collections and saver, as TensorFlow's ``.meta`` files.

``export_meta_graph`` writes a ``MetaGraphDef`` (GraphDef + collections + SaverDef);
``import_meta_graph`` adds its graph to the default graph, refills the collections
(variables come back as ``Variable`` objects, tensors and ops by name) and returns a
Saver for the imported variables, so that the TF1 idiom
``saver = tf.train.import_meta_graph("model.ckpt.meta"); saver.restore(sess, "model.ckpt")``
works. Collections of values smallflow cannot describe are left out, with a log line.
"""

import logging
import numbers
import os

from . import graph_import, graph_io, graph_tf_form, tb_protos
from .graph import GraphKeys, Operation, Tensor, get_default_graph

_LOG = logging.getLogger("smallflow")
_META_GRAPH_VERSION = "smallflow"


def _scoped(name, scope):
    return f"{scope}/{name}" if scope else name


def _unscoped(name, scope):
    if not scope:
        return name
    prefix = scope.rstrip("/") + "/"
    if not name.startswith(prefix):
        raise ValueError(f"{name!r} is not under the export scope {scope!r}")
    return name[len(prefix):]


# -- variables ----------------------------------------------------------------------------------


def variable_def(variable, export_scope=None):
    """A ``VariableDef`` naming a Variable's op, initializer, snapshot and initial value."""
    pb = tb_protos.load()
    proto = pb.variable_pb2.VariableDef()
    proto.variable_name = _unscoped(variable.name, export_scope)
    proto.initializer_name = _unscoped(variable.initializer.name, export_scope)
    proto.snapshot_name = _unscoped(variable.value().name, export_scope)
    proto.initial_value_name = _unscoped(variable.initial_value.name, export_scope)
    proto.trainable = variable.trainable
    return proto


def _variable_from_def(serialized, graph, import_scope):
    from .variables import Variable

    proto = tb_protos.load().variable_pb2.VariableDef.FromString(serialized)
    return Variable._from_graph(
        graph.get_tensor_by_name(_scoped(proto.variable_name, import_scope)).op,
        graph.get_operation_by_name(_scoped(proto.initializer_name, import_scope)),
        graph.get_tensor_by_name(_scoped(proto.snapshot_name, import_scope)),
        graph.get_tensor_by_name(_scoped(proto.initial_value_name, import_scope))
        if proto.initial_value_name else None,
        proto.trainable,
    )


# -- collections --------------------------------------------------------------------------------


def queue_runner_def_class():
    """TensorFlow's ``QueueRunnerDef`` (queue_runner.proto; TensorBoard does not ship it)."""
    return tb_protos.described_message("smallflow.QueueRunnerDef", [
        ("queue_name", 1, "TYPE_STRING", False, None),
        ("enqueue_op_name", 2, "TYPE_STRING", True, None),
        ("close_op_name", 3, "TYPE_STRING", False, None),
        ("cancel_op_name", 4, "TYPE_STRING", False, None),
        ("queue_closed_exception_types", 5, "TYPE_INT32", True, None),  # error codes
    ])


def _queue_runner_def(runner, export_scope):
    proto = queue_runner_def_class()(
        queue_name=_unscoped(runner.name, export_scope),
        close_op_name=_unscoped(runner.close_op.name, export_scope),
        cancel_op_name=_unscoped(runner.cancel_op.name, export_scope))
    proto.enqueue_op_name.extend(_unscoped(op.name, export_scope)
                                 for op in runner.enqueue_ops)
    proto.queue_closed_exception_types.extend(t.error_code for t in runner._closed_types)
    return proto


def _queue_runner_from_def(serialized, graph, import_scope):
    from . import errors
    from .train.queue_runner_impl import QueueRunner

    proto = queue_runner_def_class().FromString(serialized)
    ops = [graph.get_operation_by_name(_scoped(n, import_scope)) for n in proto.enqueue_op_name]
    codes = {cls.error_code: cls for cls in (errors.OutOfRangeError, errors.CancelledError)}
    return QueueRunner(
        queue=_ImportedQueue(graph.get_operation_by_name(_scoped(proto.queue_name,
                                                                 import_scope))),
        enqueue_ops=ops,
        close_op=graph.get_operation_by_name(_scoped(proto.close_op_name, import_scope)),
        cancel_op=graph.get_operation_by_name(_scoped(proto.cancel_op_name, import_scope)),
        queue_closed_exception_types=[codes[c] for c in proto.queue_closed_exception_types
                                      if c in codes] or None)


class _ImportedQueue:
    """The queue of an imported QueueRunner: its op (the runner needs only its name)."""

    def __init__(self, op):
        self.queue_ref = op
        self.name = op.name


def _add_collection_def(meta_graph_def, key, items, export_scope):
    try:
        _fill_collection_def(meta_graph_def, key, items, export_scope)
    except (TypeError, ValueError, AttributeError) as err:
        # As TensorFlow: a collection that cannot be serialized is left out with a warning
        # and the export goes on (wavenet's `tf.Variable(init, name)` passes its name as
        # `trainable`, which no VariableDef can hold).
        _LOG.warning("Issue encountered when serializing: %s.\nType is unsupported, or the "
                     "types of the items don't match field type in CollectionDef. Note this "
                     "is a warning and probably safe to ignore.\n%s", key, err)
        if key in meta_graph_def.collection_def:
            del meta_graph_def.collection_def[key]


def _fill_collection_def(meta_graph_def, key, items, export_scope):
    from .train.queue_runner_impl import QueueRunner
    from .variables import Variable

    collection = meta_graph_def.collection_def[key]
    if all(isinstance(item, QueueRunner) for item in items):
        collection.bytes_list.value.extend(
            _queue_runner_def(r, export_scope).SerializeToString() for r in items)
    elif all(isinstance(item, Variable) for item in items) and _is_variable_collection(key):
        collection.bytes_list.value.extend(
            variable_def(v, export_scope).SerializeToString() for v in items)
    elif all(isinstance(item, Tensor | Operation | Variable) for item in items):
        # A variable in another collection (PTB's "lr") goes by its tensor's name, as in
        # TensorFlow, and comes back as that tensor.
        collection.node_list.value.extend(_unscoped(item.name, export_scope) for item in items)
    elif all(isinstance(item, bool) is False and isinstance(item, numbers.Integral)
             for item in items):
        collection.int64_list.value.extend(int(item) for item in items)
    elif all(isinstance(item, numbers.Real) for item in items):
        collection.float_list.value.extend(float(item) for item in items)
    elif all(isinstance(item, bytes | str) for item in items):
        collection.bytes_list.value.extend(
            item.encode("utf-8") if isinstance(item, str) else item for item in items)
    else:
        del meta_graph_def.collection_def[key]
        _LOG.info("Collection %r is not written to the MetaGraph: smallflow cannot describe "
                  "its items", key)


def _in_scope(item, export_scope):
    if not export_scope:
        return True
    return getattr(item, "name", "").startswith(export_scope.rstrip("/") + "/")


# -- export -------------------------------------------------------------------------------------


_SAVER_SETTINGS = "_smallflow_saver_def"


def create_meta_graph_def(meta_info_def=None, graph_def=None, saver_def=None,
                          collection_list=None, graph=None, export_scope=None,
                          exclude_nodes=None, clear_extraneous_savers=False,
                          strip_default_attrs=False):
    """A ``MetaGraphDef`` of ``graph`` (or of ``graph_def`` alone)."""
    pb = tb_protos.load()
    meta = pb.meta_graph_pb2.MetaGraphDef()
    if meta_info_def is not None:
        meta.meta_info_def.CopyFrom(meta_info_def)
    meta.meta_info_def.meta_graph_version = meta.meta_info_def.meta_graph_version or (
        _META_GRAPH_VERSION)
    if graph is None and graph_def is None:
        graph = get_default_graph()
    if graph_def is None:
        graph_def = graph_io.as_graph_def(graph, add_shapes=True)
        if export_scope:
            graph_def = _scoped_graph_def(graph_def, export_scope)
    meta.graph_def.CopyFrom(graph_def)
    if saver_def is not None and saver_def.filename_tensor_name:
        meta.saver_def.CopyFrom(saver_def)
    elif saver_def is not None:
        # smallflow's Saver has no save/restore ops in the graph for TensorFlow to run, and
        # TensorFlow refuses a saver_def without them: its settings travel in a private
        # collection, and TensorFlow makes a default Saver over the imported variables.
        settings = meta.collection_def[_SAVER_SETTINGS].bytes_list
        settings.value.append(saver_def.SerializeToString())
    if graph is not None:
        keys = collection_list if collection_list is not None else (
            graph.get_all_collection_keys())
        for key in keys:
            items = [i for i in graph.get_collection(key) if _in_scope(i, export_scope)]
            if key == GraphKeys.SAVERS or not items:
                continue
            _add_collection_def(meta, key, items, export_scope)
    return meta


def _scoped_graph_def(graph_def, scope):
    """The nodes under ``scope/``, renamed without it (inputs from outside are dropped)."""
    pb = tb_protos.load()
    prefix = scope.rstrip("/") + "/"
    out = pb.graph_pb2.GraphDef()
    out.versions.CopyFrom(graph_def.versions)
    for node in graph_def.node:
        if not node.name.startswith(prefix):
            continue
        copy = out.node.add()
        copy.CopyFrom(node)
        copy.name = node.name[len(prefix):]
        del copy.input[:]
        copy.input.extend(_unscoped_inputs(node, node.input, prefix, scope))
        if graph_tf_form.ORIGINAL_INPUT in copy.attr:  # smallflow's own op's inputs
            original = copy.attr[graph_tf_form.ORIGINAL_INPUT]
            names = [s.decode("utf-8") for s in original.list.s]
            del original.list.s[:]
            original.list.s.extend(n.encode("utf-8")
                                   for n in _unscoped_inputs(node, names, prefix, scope))
    return out


def _unscoped_inputs(node, names, prefix, scope):
    out = []
    for name in names:
        bare = name.lstrip("^")
        if not bare.startswith(prefix):
            raise ValueError(f"Node {node.name!r} reads {name!r}, outside the export "
                             f"scope {scope!r}")
        out.append(("^" if name.startswith("^") else "") + bare[len(prefix):])
    return out


def _write(path, meta, as_text):
    from google.protobuf import text_format

    data = (text_format.MessageToString(meta).encode("utf-8") if as_text
            else meta.SerializeToString())
    graph_io.write_atomically(os.fspath(path), data)


def export_meta_graph(filename=None, meta_info_def=None, graph_def=None, saver_def=None,
                      collection_list=None, as_text=False, graph=None, export_scope=None,
                      clear_devices=False, clear_extraneous_savers=False,
                      strip_default_attrs=False, save_debug_info=False, **kwargs):
    """``tf.train.export_meta_graph``: the MetaGraphDef, also written to ``filename``."""
    graph = graph if graph is not None else get_default_graph()
    if saver_def is None:
        savers = graph.get_collection(GraphKeys.SAVERS)
        if savers:
            saver_def = savers[-1].as_saver_def()
    meta = create_meta_graph_def(meta_info_def, graph_def, saver_def, collection_list,
                                 graph=graph, export_scope=export_scope)
    if clear_devices:
        for node in meta.graph_def.node:
            node.device = ""
    if filename:
        _write(filename, meta, as_text)
    return meta


def read_meta_graph_file(filename):
    """A ``MetaGraphDef`` from a binary or text ``.meta`` file."""
    from google.protobuf import message, text_format

    pb = tb_protos.load()
    filename = os.fspath(filename)
    if not os.path.isfile(filename):
        raise OSError(f"File {filename} does not exist.")
    with open(filename, "rb") as stream:
        data = stream.read()
    meta = pb.meta_graph_pb2.MetaGraphDef()
    try:
        meta.ParseFromString(data)
        return meta
    except message.DecodeError:
        pass
    try:
        return text_format.Parse(data.decode("utf-8"), pb.meta_graph_pb2.MetaGraphDef())
    except (UnicodeDecodeError, text_format.ParseError) as err:
        raise OSError(f"Cannot parse file {filename}: {err}.") from None


# -- import -------------------------------------------------------------------------------------


def import_scoped_meta_graph(meta_graph_or_file, clear_devices=False, graph=None,
                             import_scope=None, input_map=None):
    """Add the MetaGraph's graph and collections to ``graph``; return ``{name: Variable}``."""
    pb = tb_protos.load()
    meta = meta_graph_or_file
    if not isinstance(meta, pb.meta_graph_pb2.MetaGraphDef):
        meta = read_meta_graph_file(meta)
    graph = graph if graph is not None else get_default_graph()
    with graph.as_default():
        graph_import.import_graph_def(meta.graph_def, input_map=input_map,
                                  name=import_scope or "")
    scope = import_scope or ""
    variables = {}
    for key in sorted(meta.collection_def):
        collection = meta.collection_def[key]
        kind = collection.WhichOneof("kind")
        if key == _SAVER_SETTINGS:
            continue
        if kind == "node_list":
            for name in collection.node_list.value:
                graph.add_to_collection(key, graph.as_graph_element(_scoped(name, scope)))
        elif kind == "bytes_list" and key == GraphKeys.QUEUE_RUNNERS:
            for serialized in collection.bytes_list.value:
                graph.add_to_collection(key, _queue_runner_from_def(serialized, graph, scope))
        elif kind == "bytes_list" and _is_variable_collection(key, meta):
            for serialized in collection.bytes_list.value:
                if serialized not in variables:
                    variables[serialized] = _variable_from_def(serialized, graph, scope)
                graph.add_to_collection(key, variables[serialized])
        elif kind in ("bytes_list", "int64_list", "float_list"):
            for value in getattr(collection, kind).value:
                graph.add_to_collection(key, value)
    return {v.op.name: v for v in variables.values()}


_VARIABLE_COLLECTIONS = frozenset({
    GraphKeys.GLOBAL_VARIABLES, GraphKeys.TRAINABLE_VARIABLES, GraphKeys.LOCAL_VARIABLES,
    GraphKeys.MODEL_VARIABLES, GraphKeys.GLOBAL_STEP, "moving_average_variables",
})


def _is_variable_collection(key, meta=None):
    return key in _VARIABLE_COLLECTIONS or key.endswith("variables")


def import_meta_graph(meta_graph_or_file, clear_devices=False, import_scope=None, **kwargs):
    """``tf.train.import_meta_graph``: import a ``.meta`` file; return a Saver (or None).

    The Saver restores the imported variables from checkpoints written by the original
    graph (checkpoint keys are the variables' names without ``import_scope``).
    """
    from .train.saver import Saver

    pb = tb_protos.load()
    meta = meta_graph_or_file
    if not isinstance(meta, pb.meta_graph_pb2.MetaGraphDef):
        meta = read_meta_graph_file(meta)
    graph = get_default_graph()
    imported = import_scoped_meta_graph(meta, clear_devices, graph, import_scope,
                                        kwargs.get("input_map"))
    if not imported:
        return None
    global_names = set()
    for serialized in meta.collection_def[GraphKeys.GLOBAL_VARIABLES].bytes_list.value:
        name = pb.variable_pb2.VariableDef.FromString(serialized).variable_name
        global_names.add(_scoped(name.split(":")[0], import_scope or ""))
    var_list = {
        _unscoped(name, import_scope): variable
        for name, variable in imported.items() if name in global_names
    }
    if not var_list:
        return None
    saver_def = meta.saver_def if meta.HasField("saver_def") else None
    settings = meta.collection_def[_SAVER_SETTINGS].bytes_list.value
    if saver_def is None and settings:
        saver_def = pb.saver_pb2.SaverDef.FromString(settings[-1])
    max_to_keep = saver_def.max_to_keep if saver_def is not None else 5
    hours = saver_def.keep_checkpoint_every_n_hours if saver_def is not None else 10000.0
    return Saver(var_list, max_to_keep=max_to_keep,
                 keep_checkpoint_every_n_hours=hours or 10000.0)


def saver_def_of(saver):
    """The ``SaverDef`` of a smallflow Saver (the names of its restore op and settings)."""
    pb = tb_protos.load()
    proto = pb.saver_pb2.SaverDef()
    if saver._restore_op is not None:
        proto.restore_op_name = saver._restore_op.name
    proto.max_to_keep = saver._max_to_keep or 0
    proto.keep_checkpoint_every_n_hours = saver._keep_every_seconds / 3600
    proto.version = pb.saver_pb2.SaverDef.V2
    return proto


def _variable_from_proto(variable_def, import_scope=None):
    """``tf.Variable(variable_def=...)``: a VariableDef message or its serialized bytes."""
    serialized = variable_def if isinstance(variable_def, bytes) else (
        variable_def.SerializeToString())
    return _variable_from_def(serialized, get_default_graph(), import_scope)


def _install_variable_protos():
    from .variables import Variable

    Variable._from_proto_hook = staticmethod(_variable_from_proto)
    Variable._to_proto_hook = staticmethod(variable_def)


_install_variable_protos()
