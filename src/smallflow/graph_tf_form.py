"""GraphDef nodes in the form TensorFlow 1.x imports and runs.

``graph_io`` first writes each op as smallflow holds it; this module then rewrites the nodes
whose form differs from TensorFlow's, so that ``tf.import_graph_def`` and
``tf.train.import_meta_graph`` in TensorFlow accept the file and compute the same values:

- attributes TensorFlow's op does not declare (a variable's ``var_name``, an optimizer's
  ``var_names``, a random op's ``stream``, a reduction's static ``axes``), and attributes
  smallflow leaves unset, move under a ``_sf_`` prefix, which TensorFlow ignores;
- ops that take as an attribute what TensorFlow takes as an input (reductions' axes,
  ``ArgMax``'s dimension, ``ExpandDims``' axis) get that input as a ``Const`` node;
- smallflow's own fused ops become the standard ops TensorFlow builds for the same thing:
  ``ReduceToShapeOf`` (a broadcast gradient summed back: ``Shape``,
  ``BroadcastGradientArgs``, ``Sum``, ``Reshape``), ``BroadcastToShapeOf`` (a reduction's
  gradient spread back: ``Reshape``, ``BroadcastTo``, and for a mean a division by the
  count) and ``Dropout`` (TensorFlow's ``x / keep_prob * floor(keep_prob + U)``).

Everything smallflow needs to rebuild its own op is kept on the node: the original op type
(``_sf_op``) and inputs (``_sf_input``), the renamed attributes; nodes added only for
TensorFlow carry ``_sf_synthetic`` and are skipped by smallflow's importer.
"""

import numpy as np

from . import dtypes, tb_protos, tensor_util

PREFIX = "_sf_"
SYNTHETIC = "_sf_synthetic"
ORIGINAL_OP = "_sf_op"
ORIGINAL_INPUT = "_sf_input"

_HANDLE_PREFIX = "HandleTensorArray"
# Ops taking a list of inputs, with the number of inputs that are not in the list.
_LIST_INPUT_OPS = {"ConcatV2": 1, "Concat": 1, "Pack": 0, "AddN": 0}
_REDUCTIONS = frozenset({"Sum", "Mean", "Max", "Min", "Prod", "All", "Any"})


class _Writer:
    """Makes the extra nodes of one rewritten op, named under the op's name."""

    def __init__(self, node):
        self.node = node
        self.extra = []
        self._pb = tb_protos.load()

    def add(self, suffix, op_type, inputs, **attrs):
        node = self._pb.node_def_pb2.NodeDef(name=f"{self.node.name}/{suffix}", op=op_type,
                                             device=self.node.device)
        node.input.extend(inputs)
        for key, value in attrs.items():
            _set_attr(node.attr[key], value)
        node.attr[SYNTHETIC].b = True
        self.extra.append(node)
        return node.name

    def const(self, suffix, values, dtype=dtypes.int32):
        array = np.asarray(values, dtype=dtype.as_numpy_dtype)
        return self.add(suffix, "Const", [], dtype=dtype, value=array)


def _set_attr(attr, value):
    if isinstance(value, dtypes.DType):
        attr.type = tensor_util.as_datatype_enum(value)
    elif isinstance(value, bool):
        attr.b = value
    elif isinstance(value, np.ndarray):
        attr.tensor.CopyFrom(tensor_util.make_tensor_proto(value))
    else:
        raise TypeError(f"no AttrValue form for {value!r}")


def _remember_inputs(node):
    if ORIGINAL_INPUT not in node.attr:
        original = node.attr[ORIGINAL_INPUT].list
        original.SetInParent()
        original.s.extend(name.encode("utf-8") for name in node.input)


def _split_inputs(node):
    data = [name for name in node.input if not name.startswith("^")]
    controls = [name for name in node.input if name.startswith("^")]
    return data, controls


def _replace(node, op_type, data_inputs, controls):
    """Give ``node`` a new type and inputs, remembering the originals for smallflow."""
    _remember_inputs(node)
    if op_type != node.op:
        node.attr[ORIGINAL_OP].s = node.op.encode("utf-8")
        node.op = op_type
    del node.input[:]
    node.input.extend([*data_inputs, *controls])


def _static_axes(op, writer):
    """The reduction's axes as an int32 input (all axes when ``axes`` is None)."""
    axes = op.attrs.get("axes")
    given = op.attrs.get("_py_axis_given")
    if given is not None:
        return writer.const("reduction_indices", given)
    if axes is not None:
        return writer.const("reduction_indices", [int(a) for a in np.ravel(axes)])
    rank = op.inputs[0].shape.ndims
    if rank is not None:
        return writer.const("reduction_indices", list(range(rank)))
    rank_name = writer.add("rank", "Rank", [_tensor_name(op.inputs[0])],
                           T=op.inputs[0].dtype)
    start = writer.const("range/start", 0)
    delta = writer.const("range/delta", 1)
    return writer.add("reduction_indices", "Range", [start, rank_name, delta],
                      Tidx=dtypes.int32)


def _tensor_name(tensor):
    return tensor.op.name if tensor.value_index == 0 else tensor.name


def _imported_axis(op):
    """The axis tensor of a TensorFlow graph this op was imported from (graph_import keeps
    it): written back as the input, rather than as a new Const that would clash with the
    original node's name and, inside a TF1 loop, lack its frame's control input."""
    source = getattr(op, "_tf_axis_input", None)
    return None if source is None else (_tensor_name(source), source.dtype)


def _reduction(op, node, writer):
    data, controls = _split_inputs(node)
    if len(data) != 1:
        return
    imported = _imported_axis(op)
    axes, axes_type = imported or (_static_axes(op, writer), dtypes.int32)
    _replace(node, node.op, [data[0], axes], controls)
    node.attr["Tidx"].type = tensor_util.as_datatype_enum(axes_type)


def _axis_input(input_name, index_attr):
    def rewrite(op, node, writer):
        data, controls = _split_inputs(node)
        if len(data) != 1:
            return
        imported = _imported_axis(op)
        axis, axis_type = imported or (writer.const(input_name, int(op.attrs["axis"])),
                                       dtypes.int32)
        _replace(node, node.op, [data[0], axis], controls)
        node.attr[index_attr].type = tensor_util.as_datatype_enum(axis_type)

    return rewrite


def _reduce_to_shape_of(op, node, writer):
    data, controls = _split_inputs(node)
    if len(data) != 2:
        return
    grad, like = data
    grad_type, like_type = op.inputs[0].dtype, op.inputs[1].dtype
    like_shape = writer.add("shape_like", "Shape", [like], T=like_type, out_type=dtypes.int32)
    grad_shape = writer.add("shape_grad", "Shape", [grad], T=grad_type, out_type=dtypes.int32)
    # The second output lists the axes along which `like` was broadcast to grad's shape.
    axes = writer.add("BroadcastGradientArgs", "BroadcastGradientArgs",
                      [grad_shape, like_shape], T=dtypes.int32)
    summed = writer.add("Sum", "Sum", [grad, axes + ":1"], T=grad_type, Tidx=dtypes.int32,
                        keep_dims=False)
    _replace(node, "Reshape", [summed, like_shape], controls)
    node.attr["Tshape"].type = tensor_util.as_datatype_enum(dtypes.int32)


def _broadcast_to_shape_of(op, node, writer):
    data, controls = _split_inputs(node)
    axes = op.attrs.get("axes")
    rank = op.inputs[1].shape.ndims
    if len(data) != 2 or (isinstance(axes, tuple | list) and rank is None):
        return
    grad, like = data
    grad_type, like_type = op.inputs[0].dtype, op.inputs[1].dtype
    shape = writer.add("shape", "Shape", [like], T=like_type, out_type=dtypes.int32)
    reshaped = grad
    if axes == "all":
        kept = writer.add("kept_shape", "OnesLike", [shape], T=dtypes.int32)
        reshaped = writer.add("Reshape", "Reshape", [grad, kept], T=grad_type,
                              Tshape=dtypes.int32)
    elif axes is not None:
        reduced = {int(a) % max(rank, 1) for a in axes}
        keep = [0 if i in reduced else 1 for i in range(rank)]
        kept_dims = writer.add("kept_dims", "Mul", [shape, writer.const("keep", keep)],
                               T=dtypes.int32)
        ones = writer.const("ones_at_reduced", [1 - k for k in keep])
        kept = writer.add("kept_shape", "AddV2", [kept_dims, ones], T=dtypes.int32)
        reshaped = writer.add("Reshape", "Reshape", [grad, kept], T=grad_type,
                              Tshape=dtypes.int32)
    if not op.attrs.get("mean"):
        _replace(node, "BroadcastTo", [reshaped, shape], controls)
        node.attr["Tidx"].type = tensor_util.as_datatype_enum(dtypes.int32)
        return
    spread = writer.add("BroadcastTo", "BroadcastTo", [reshaped, shape], T=grad_type,
                        Tidx=dtypes.int32)
    first = writer.const("first_axis", [0])
    grad_shape = writer.add("shape_grad", "Shape", [grad], T=grad_type, out_type=dtypes.int32)
    size_like = writer.add("size_like", "Prod", [shape, first], T=dtypes.int32,
                           Tidx=dtypes.int32, keep_dims=False)
    size_grad = writer.add("size_grad", "Prod", [grad_shape, first], T=dtypes.int32,
                           Tidx=dtypes.int32, keep_dims=False)
    at_least_one = writer.add("size_grad_at_least_1", "Maximum",
                              [size_grad, writer.const("one", 1)], T=dtypes.int32)
    count = writer.add("count", "FloorDiv", [size_like, at_least_one], T=dtypes.int32)
    count = writer.add("count_as_grad", "Cast", [count], SrcT=dtypes.int32, DstT=grad_type)
    _replace(node, "RealDiv", [spread, count], controls)


def _dropout(op, node, writer):
    """TensorFlow 1.x's dropout: ``x / keep_prob * floor(keep_prob + U)``; the mask (our
    second output) is the floor, which consumers of ``op:1`` are pointed at."""
    data, controls = _split_inputs(node)
    x, keep_prob, uniform = data
    dtype = op.inputs[0].dtype
    total = writer.add("add", "AddV2", [keep_prob, uniform], T=dtype)
    mask = writer.add("mask", "Floor", [total], T=dtype)
    scaled = writer.add("truediv", "RealDiv", [x, keep_prob], T=dtype)
    _replace(node, "Mul", [scaled, mask], controls)
    return {f"{node.name}:1": mask}


def _parse_example(op, node, writer):
    """TensorFlow 1.x's ``ParseExample``, written as a node of its own (the feature keys,
    an empty ``names`` vector and the dense defaults, empty for a required feature, as
    ``Const`` inputs; the spec as its ``Nsparse``/``Ndense``/``sparse_types``/``Tdense``/
    ``dense_shapes``), while this node becomes an ``IdentityN`` of its outputs in
    smallflow's order. TensorFlow lists every sparse feature's indices, then the values,
    then the shapes, then the dense values; smallflow the dense values first, then each
    sparse feature's three: through the ``IdentityN`` every name a consumer, a signature
    or a collection holds (``ParseExample:3``) means the same tensor in both."""
    if op.attrs.get("single"):
        return None
    data, controls = _split_inputs(node)
    dense, sparse = op.attrs["_py_dense"], op.attrs["_py_sparse"]
    names = writer.const("names", np.array([], dtype=object), dtypes.string)
    sparse_keys = [writer.const(f"sparse_keys_{i}", np.array(key.encode(), dtype=object),
                                dtypes.string) for i, (key, _) in enumerate(sparse)]
    dense_keys, defaults = [], []
    for i, (key, dtype, shape, default) in enumerate(dense):
        dense_keys.append(writer.const(f"dense_keys_{i}", np.array(key.encode(), dtype=object),
                                       dtypes.string))
        value = (np.zeros([0], dtype.as_numpy_dtype) if default is None
                 else np.asarray(default, dtype.as_numpy_dtype).reshape(shape))
        defaults.append(writer.const(f"dense_defaults_{i}", value, dtype))
    parse_name = writer.add("ParseExample", "ParseExample",
                            [data[0], names, *sparse_keys, *dense_keys, *defaults])
    parse = writer.extra[-1]
    parse.attr["Nsparse"].i = len(sparse)
    parse.attr["Ndense"].i = len(dense)
    for key, types in (("sparse_types", [d for _, d in sparse]),
                       ("Tdense", [d[1] for d in dense])):
        parse.attr[key].list.SetInParent()
        parse.attr[key].list.type.extend(tensor_util.as_datatype_enum(d) for d in types)
    parse.attr["dense_shapes"].list.SetInParent()
    parse.attr["dense_shapes"].list.shape.extend(
        tensor_util.as_shape_proto(list(d[2])) for d in dense)
    count = len(sparse)
    order = [3 * count + index for index in range(len(dense))]
    for j in range(count):
        order.extend([j, count + j, 2 * count + j])
    _replace(node, "IdentityN", [f"{parse_name}:{index}" for index in order], controls)
    node.attr["T"].list.SetInParent()
    node.attr["T"].list.type.extend(tensor_util.as_datatype_enum(t.dtype) for t in op.outputs)
    return None


_REWRITES = {
    **dict.fromkeys(_REDUCTIONS, _reduction),
    "ArgMax": _axis_input("dimension", "Tidx"),
    "ArgMin": _axis_input("dimension", "Tidx"),
    "ExpandDims": _axis_input("dim", "Tdim"),
    "ReduceToShapeOf": _reduce_to_shape_of,
    "BroadcastToShapeOf": _broadcast_to_shape_of,
    "Dropout": _dropout,
    "ParseExample": _parse_example,
}


def _move_foreign_attrs(node):
    """Put attributes TensorFlow's op does not declare (or that are unset) under ``_sf_``."""
    from .tf_op_attrs import ATTRS  # a large table: loaded with the first GraphDef written

    known = ATTRS.get(node.op)
    for key in list(node.attr):
        if key.startswith("_"):
            continue
        attr = node.attr[key]
        unset = attr.WhichOneof("value") is None
        if unset or (known is not None and key not in known[0]):
            node.attr[PREFIX + key].CopyFrom(attr)
            del node.attr[key]


def rewrite(op, node):
    """``(nodes, renamed_outputs)``: ``node`` (the NodeDef of ``op``) in TensorFlow's form,
    preceded by the nodes it now reads, and the outputs now found under another name."""
    handler = _REWRITES.get(op.type)
    if op.type.startswith(_HANDLE_PREFIX):
        # TensorFlow's handle-passing TensorArray ops, imported under another type
        # (ops/tf1_control_flow_ops.py): written back as TensorFlow's.
        _replace(node, op.type[len("Handle"):], list(node.input), [])
    fixed = _LIST_INPUT_OPS.get(op.type)
    if fixed is not None and "N" not in node.attr:
        # TensorFlow's op takes its list of inputs with the count N (smallflow's has no N).
        node.attr["N"].i = len(_split_inputs(node)[0]) - fixed
    writer = _Writer(node)
    renamed = handler(op, node, writer) if handler is not None else None
    _move_foreign_attrs(node)
    return [*writer.extra, node], renamed or {}


def repoint(nodes, renamed):
    """Point inputs that name a renamed output at its new name (keeping the original)."""
    if not renamed:
        return
    for node in nodes:
        if not any(name in renamed for name in node.input):
            continue
        _remember_inputs(node)
        new = [renamed.get(name, name) for name in node.input]
        del node.input[:]
        node.input.extend(new)


def original_form(node):
    """``(op_type, inputs)`` smallflow wrote ``node`` with (its TensorFlow form undone)."""
    op_type = node.attr[ORIGINAL_OP].s.decode() if ORIGINAL_OP in node.attr else node.op
    if ORIGINAL_INPUT in node.attr:
        inputs = [s.decode("utf-8") for s in node.attr[ORIGINAL_INPUT].list.s]
    else:
        inputs = list(node.input)
    return op_type, inputs
