"""GraphDef files: ``Graph.as_graph_def``, ``tf.import_graph_def`` and ``tf.train.write_graph``.

A node keeps its op's name, type, inputs (``op``, ``op:1``, ``^control``) and attributes,
then ``graph_tf_form`` puts it in the form TensorFlow itself imports (keeping what smallflow
needs to rebuild its own op under ``_sf_`` attributes).
Attributes are written with TensorFlow's ``AttrValue`` kinds (``type``, ``shape``, ``i``,
``f``, ``b``, ``s``, ``tensor``, lists); an attribute smallflow leaves unset (None) is an
empty ``AttrValue``. Each node also carries ``_output_types`` (the outputs' dtypes, which
TensorFlow derives from its op registry and smallflow cannot) and, on request,
``_output_shapes`` for TensorBoard; attributes starting with ``_`` are ignored by
TensorFlow's graph importer.

Importing is ``graph_import``'s job (it builds ops, so it sits above the op modules).
"""

import json
import os

import numpy as np

from . import dtypes, graph_tf_control_flow, graph_tf_form, tb_protos, tensor_util
from .atomic_files import open_temporary
from .tensor_shape import TensorShape

GRAPH_DEF_VERSION = 134  # TensorFlow 1.15's producer version
GRAPH_DEF_VERSION_MIN_CONSUMER = 0
GRAPH_DEF_VERSION_MIN_PRODUCER = 0  # TensorFlow 1.15's: the oldest GraphDef it reads


# -- attribute values --------------------------------------------------------------------------


def _is_int(value):
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _is_float(value):
    return isinstance(value, float | np.floating)


def _encode_attr(value):
    """An ``AttrValue`` for ``value``; None when the value has no AttrValue form."""
    pb = tb_protos.load()
    attr = pb.attr_value_pb2.AttrValue()
    if value is None:
        return attr
    if isinstance(value, dtypes.DType) or getattr(value, "name", None) == "string" and (
            hasattr(value, "as_numpy_dtype")):
        attr.type = tensor_util.as_datatype_enum(value)
    elif isinstance(value, TensorShape):
        attr.shape.CopyFrom(tensor_util.as_shape_proto(value))
    elif isinstance(value, bool | np.bool_):
        attr.b = bool(value)
    elif _is_int(value):
        attr.i = int(value)
    elif _is_float(value):
        attr.f = float(value)
    elif isinstance(value, str):
        attr.s = value.encode("utf-8")
    elif isinstance(value, bytes):
        attr.s = value
    elif isinstance(value, np.ndarray):
        attr.tensor.CopyFrom(tensor_util.make_tensor_proto(value))
    elif isinstance(value, list | tuple):
        return _encode_list(attr, value)
    else:
        return None
    return attr


def _encode_list(attr, values):
    items = list(values)
    attr.list.SetInParent()
    if not items:
        return attr
    if all(isinstance(v, bool | np.bool_) for v in items):
        attr.list.b.extend(bool(v) for v in items)
    elif all(_is_int(v) for v in items):
        attr.list.i.extend(int(v) for v in items)
    elif all(_is_int(v) or _is_float(v) for v in items):
        attr.list.f.extend(float(v) for v in items)
    elif all(isinstance(v, str) for v in items):
        attr.list.s.extend(v.encode("utf-8") for v in items)
    elif all(isinstance(v, bytes) for v in items):
        attr.list.s.extend(items)
    elif all(isinstance(v, dtypes.DType) for v in items):
        attr.list.type.extend(tensor_util.as_datatype_enum(v) for v in items)
    elif all(isinstance(v, TensorShape) for v in items):
        attr.list.shape.extend(tensor_util.as_shape_proto(v) for v in items)
    else:
        return None
    return attr


def decode_attr(attr):
    kind = attr.WhichOneof("value")
    if kind is None:
        return None
    if kind == "type":
        return tensor_util.from_datatype_enum(attr.type)
    if kind == "shape":
        return tensor_util.from_shape_proto(attr.shape)
    if kind == "s":
        try:
            return attr.s.decode("utf-8")
        except UnicodeDecodeError:
            return attr.s
    if kind == "tensor":
        array = tensor_util.make_ndarray(attr.tensor)
        array.flags.writeable = False
        return array
    if kind == "list":
        values = attr.list
        for field in ("i", "f", "b", "type", "shape", "s", "tensor"):
            items = getattr(values, field)
            if not items:
                continue
            if field == "type":
                return [tensor_util.from_datatype_enum(v) for v in items]
            if field == "shape":
                return [tensor_util.from_shape_proto(v) for v in items]
            if field == "s":
                return [v.decode("utf-8") for v in items]
            if field == "tensor":
                return [tensor_util.make_ndarray(v) for v in items]
            return list(items)
        return []
    if kind in ("i", "f", "b"):
        return getattr(attr, kind)
    raise ValueError(f"smallflow cannot read attribute values of kind '{kind}'")


def to_jsonable(value):
    """``value`` as JSON-able data, with tuples, slices, dtypes... tagged so they come back."""
    if value is None or isinstance(value, bool | str):
        return value
    if _is_int(value):
        return int(value)
    if _is_float(value):
        return float(value)
    if isinstance(value, list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, tuple):
        return {"__tuple__": [to_jsonable(v) for v in value]}
    if isinstance(value, slice):
        return {"__slice__": [to_jsonable(v) for v in (value.start, value.stop, value.step)]}
    if value is Ellipsis:
        return {"__ellipsis__": True}
    if isinstance(value, dtypes.DType):
        return {"__dtype__": value.name}
    if isinstance(value, TensorShape):
        return {"__shape__": value.as_list() if value.ndims is not None else None}
    if isinstance(value, np.ndarray) and value.dtype != object:
        return {"__array__": value.tolist(), "dtype": value.dtype.str}
    if isinstance(value, np.ndarray) and all(isinstance(v, bytes | str) for v in value.flat):
        # String tensors' values (bytes, one latin-1 character per byte in JSON).
        return {"__strings__": [(v.encode() if isinstance(v, str) else v).decode("latin-1")
                                for v in value.flat], "shape": list(value.shape)}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"__dict__": {k: to_jsonable(v) for k, v in value.items()}}
    raise TypeError(f"{type(value).__name__} values have no JSON form")


def from_jsonable(data):
    """The inverse of ``to_jsonable``."""
    if isinstance(data, list):
        return [from_jsonable(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "__tuple__" in data:
        return tuple(from_jsonable(v) for v in data["__tuple__"])
    if "__slice__" in data:
        return slice(*(from_jsonable(v) for v in data["__slice__"]))
    if "__ellipsis__" in data:
        return Ellipsis
    if "__dtype__" in data:
        return dtypes.as_dtype(data["__dtype__"])
    if "__shape__" in data:
        return TensorShape(data["__shape__"])
    if "__array__" in data:
        return np.array(data["__array__"], dtype=np.dtype(data["dtype"]))
    if "__strings__" in data:
        flat = np.empty(len(data["__strings__"]), dtype=object)
        flat[:] = [v.encode("latin-1") for v in data["__strings__"]]
        return flat.reshape(data["shape"])
    if "__dict__" in data:
        return {k: from_jsonable(v) for k, v in data["__dict__"].items()}
    raise ValueError(f"unknown tagged value in a GraphDef attribute: {sorted(data)}")


# -- export ------------------------------------------------------------------------------------


def _input_name(tensor):
    return tensor.op.name if tensor.value_index == 0 else tensor.name


def _given_values_attr(given, value, dtype):
    """A constant built from fewer values than its shape holds, as TensorFlow writes it: the
    values given (typed ``*_val`` fields), the shape, and no ``tensor_content``."""
    attr = tb_protos.load().attr_value_pb2.AttrValue()
    attr.tensor.CopyFrom(tensor_util.make_tensor_proto(given, dtype=dtype, shape=value.shape))
    return attr


def node_def(op, add_shapes=False):
    """The ``NodeDef`` of one Operation."""
    pb = tb_protos.load()
    node = pb.node_def_pb2.NodeDef(name=op.name, op=op.type, device=op.device or "")
    node.input.extend(_input_name(t) for t in op.inputs)
    node.input.extend("^" + c.name for c in op.control_inputs)
    tuples = []
    for key, value in op.attrs.items():
        if key.startswith("_py_"):
            # A Python object held by the op (a tf.data pipeline, a queue's spec). A queue's
            # spec is plain data: written, so that queues survive export_meta_graph and
            # import_meta_graph (tensorflow/models' PTB tutorial does that); so is a
            # ParseExample's feature spec (Estimator exports parse tf.Example input).
            if op.type.startswith("Queue") or op.type == "ParseExample":
                node.attr["_json_" + key].s = json.dumps(to_jsonable(value)).encode("utf-8")
            continue
        if key == "value" and "_py_given" in op.attrs:
            attr = _given_values_attr(op.attrs["_py_given"], value, op.attrs["dtype"])
        else:
            attr = _encode_attr(value)
        if attr is None:
            # No AttrValue form (nested structures, slices): typed JSON under a private name,
            # or, failing that, a description that TensorBoard shows and import refuses.
            try:
                node.attr["_json_" + key].s = json.dumps(to_jsonable(value)).encode("utf-8")
            except TypeError:
                node.attr["_repr_" + key].s = repr(value).encode("utf-8")
            continue
        node.attr[key].CopyFrom(attr)
        if isinstance(value, tuple):
            tuples.append(key)
    if tuples:
        node.attr["_tuples"].list.s.extend(k.encode("utf-8") for k in tuples)
    output_types = node.attr["_output_types"].list
    output_types.SetInParent()
    output_types.type.extend(tensor_util.as_datatype_enum(t.dtype) for t in op.outputs)
    if add_shapes and op.outputs:
        shapes = node.attr["_output_shapes"].list
        shapes.shape.extend(tensor_util.as_shape_proto(t.shape) for t in op.outputs)
    return node


def as_graph_def(graph, from_version=None, add_shapes=False):
    """``Graph.as_graph_def``: a ``GraphDef`` of the ops added after ``from_version``."""
    pb = tb_protos.load()
    graph_def = pb.graph_pb2.GraphDef()
    graph_def.versions.producer = GRAPH_DEF_VERSION
    graph_def.versions.min_consumer = GRAPH_DEF_VERSION_MIN_CONSUMER
    with graph._lock:
        ops = graph.get_operations()
    renamed = {}
    written = []
    for op in ops:
        if from_version is None or op._id > from_version:
            nodes, moved = graph_tf_form.rewrite(op, node_def(op, add_shapes))
            graph_def.node.extend(nodes)
            renamed.update(moved)
            written.append(op)
    # smallflow's conds and loops in TensorFlow 1.x's form (graph_tf_control_flow.py)
    renamed.update(graph_tf_control_flow.lower(graph_def, written))
    graph_tf_form.repoint(graph_def.node, renamed)
    return graph_def


def write_atomically(path, data):
    directory = os.path.dirname(path) or "."
    handle, temporary = open_temporary(directory, ".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def write_graph(graph_or_graph_def, logdir, name, as_text=True):
    """``tf.train.write_graph``: write a graph to ``logdir/name`` (text or binary proto)."""
    from google.protobuf import text_format

    pb = tb_protos.load()
    if isinstance(graph_or_graph_def, pb.graph_pb2.GraphDef):
        graph_def = graph_or_graph_def
    elif hasattr(graph_or_graph_def, "as_graph_def"):
        graph_def = graph_or_graph_def.as_graph_def()
    else:
        raise TypeError(f"write_graph expects a Graph or a GraphDef, got "
                        f"{type(graph_or_graph_def).__name__}")
    logdir = os.fspath(logdir)
    os.makedirs(logdir, exist_ok=True)
    path = os.path.join(logdir, name)
    data = (text_format.MessageToString(graph_def).encode("utf-8") if as_text
            else graph_def.SerializeToString())
    write_atomically(path, data)
    return path


def read_graph_def(path):
    """A ``GraphDef`` from a file written by ``write_graph`` (binary or text format)."""
    from google.protobuf import message, text_format

    pb = tb_protos.load()
    with open(path, "rb") as stream:
        data = stream.read()
    graph_def = pb.graph_pb2.GraphDef()
    try:
        graph_def.ParseFromString(data)
        return graph_def
    except message.DecodeError:
        pass
    try:
        return text_format.Parse(data.decode("utf-8"), pb.graph_pb2.GraphDef())
    except (UnicodeDecodeError, text_format.ParseError) as err:
        raise ValueError(f"{path} is neither a binary nor a text GraphDef: {err}") from None
