"""``tf.import_graph_def``: add the nodes of a GraphDef to the default graph.

It reads GraphDefs smallflow wrote (``graph_io``: every node carries ``_output_types``, and
its attributes are smallflow's own), and GraphDefs TensorFlow wrote whose ops smallflow
has. For the latter, the output dtypes come from TensorFlow's conventions (``T``,
``dtype``, ``out_type``...), and the ops whose inputs or attributes smallflow spells
differently (reductions, ``ArgMax``, ``ExpandDims``, variables, assignments) are built
through smallflow's own builders.
"""

import json

import numpy as np

from . import dtypes, graph_io, graph_tf_form, tb_protos, tensor_util
from .graph import Operation, get_default_graph
from .ops import control_flow_context, tf1_control_flow_ops, tf_graph_ops
from .registry import OP_DEFS

# Attributes that hold names of graph state; an import under a prefix renames them too.
_STATE_NAME_ATTRS = ("var_name", "var_names", "stream")
_RANDOM_OPS = frozenset({"RandomStandardNormal", "TruncatedNormal", "RandomUniform",
                         "RandomUniformInt"})

_BOOL_OUTPUT = frozenset({
    "Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual", "LogicalAnd",
    "LogicalOr", "LogicalNot", "IsNan", "IsInf", "IsFinite", "InTopK", "InTopKV2",
    "IsVariableInitialized", "StaticRegexFullMatch", "RegexFullMatch",
})
_NO_OUTPUT = frozenset({"NoOp", "Assert", "SaveV2", "Save"})
_REF_FORWARDERS = frozenset({"Identity", "RefIdentity", "Enter", "RefEnter", "Switch",
                             "RefSwitch"})
# TensorFlow 2's control flow: ops calling functions of the GraphDef's library.
_FUNCTIONAL_CONTROL_FLOW = frozenset({"If", "StatelessIf", "While", "StatelessWhile", "Case",
                                      "StatelessCase"})
# What graph_tf_form records about a node it rewrote for TensorFlow.
_FORM_ATTRS = frozenset({graph_tf_form.SYNTHETIC, graph_tf_form.ORIGINAL_OP,
                         graph_tf_form.ORIGINAL_INPUT})


def _tf_output_dtypes(node, attrs, inputs):
    """The output dtypes TensorFlow's op registry gives a node it wrote."""
    op = node.op
    if op in _NO_OUTPUT:
        return []
    if op in _BOOL_OUTPUT:
        return [dtypes.bool]
    if op in ("SoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits"):
        return [attrs["T"]] * 2
    if op == "BroadcastGradientArgs":
        return [attrs.get("T", dtypes.int32)] * 2
    if op in ("Split", "SplitV"):
        return [attrs["T"]] * attrs["num_split"]
    if op == "Unpack":
        return [attrs["T"]] * attrs["num"]
    if op == "Rank":
        return [dtypes.int32]
    if op in tf_graph_ops.OUTPUT_DTYPES:
        return tf_graph_ops.OUTPUT_DTYPES[op](attrs)
    if op in tf1_control_flow_ops.OUTPUT_DTYPES:
        return tf1_control_flow_ops.OUTPUT_DTYPES[op](attrs)
    if op == "Where":
        return [dtypes.int64]
    for key in ("out_type", "output_type", "DstT", "dtype", "T"):
        if key in attrs and isinstance(attrs[key], dtypes.DType):
            return [attrs[key]]
    if inputs:
        return [inputs[0].dtype]
    raise ValueError(f"Cannot tell the output types of node '{node.name}' (op {op})")


def _const_ints(tensor, node, what):
    from .ops.common import constant_value

    value = constant_value(tensor)
    if value is None:
        raise ValueError(f"Node '{node.name}' ({node.op}): smallflow needs its {what} as a "
                         "constant")
    return value


def _reduction(builder):
    def build(node, inputs, attrs, name):
        from .ops.common import constant_value

        axes = constant_value(inputs[1])
        # Axes known only when the graph runs (TensorFlow's gradients compute them with
        # BroadcastGradientArgs) stay a tensor.
        axis = inputs[1] if axes is None else [int(a) for a in np.ravel(axes)]
        op = builder(inputs[0], axis=axis, keepdims=bool(attrs.get("keep_dims", False)),
                     name=name).op
        return _keeping_axis_input(op, inputs[1], axes)

    return build


def _arg_reduction(builder):
    def build(node, inputs, attrs, name):
        axis = int(_const_ints(inputs[1], node, "dimension"))
        output_type = attrs.get("output_type", dtypes.int64)
        op = builder(inputs[0], axis=axis, output_type=output_type, name=name).op
        return _keeping_axis_input(op, inputs[1], axis)

    return build


def _expand_dims(node, inputs, attrs, name):
    from .ops import array_ops

    axis = int(np.ravel(_const_ints(inputs[1], node, "dimension"))[0])
    op = array_ops.expand_dims(inputs[0], axis, name=name).op
    return _keeping_axis_input(op, inputs[1], axis)


def _keeping_axis_input(op, axis_tensor, static_axis):
    """Remember the TensorFlow axis input an op now holds as an attribute, so that the
    GraphDef writer reads that node again (graph_tf_form._imported_axis)."""
    if static_axis is not None and op.type != "Identity":
        op._tf_axis_input = axis_tensor
    return op


def _variable(node, inputs, attrs, name):
    from .ops import state_ops

    full_name = get_default_graph().unique_name(name)
    return state_ops.variable_op(attrs["shape"], attrs["dtype"], full_name)


def _assign(node, inputs, attrs, name):
    from .ops import state_ops

    ref = inputs[0].op
    # TF1 control flow passes the reference on (into a loop's frame, a cond's branch).
    while ref.type in _REF_FORWARDERS and ref.inputs:
        ref = ref.inputs[0].op
    if ref.type != "VariableV2":
        raise ValueError(f"Node '{node.name}' ({node.op}) assigns to {ref.name}, which is "
                         "not a variable")
    return state_ops.assign_op(ref, inputs[1], node.op,
                               bool(attrs.get("validate_shape", True)), name).op


def _strided_slice(node, inputs, attrs, name):
    from .ops import slice_ops

    masks = {key: int(attrs.get(key, 0)) for key in (
        "begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")}
    return slice_ops.strided_slice(*inputs, name=name, **masks).op


def _tf_translations():
    from .ops import math_ops

    return {
        "Sum": _reduction(math_ops.reduce_sum),
        "Mean": _reduction(math_ops.reduce_mean),
        "Max": _reduction(math_ops.reduce_max),
        "Min": _reduction(math_ops.reduce_min),
        "Prod": _reduction(math_ops.reduce_prod),
        "All": _reduction(math_ops.reduce_all),
        "Any": _reduction(math_ops.reduce_any),
        "ArgMax": _arg_reduction(math_ops.argmax),
        "ArgMin": _arg_reduction(math_ops.argmin),
        "ExpandDims": _expand_dims,
        "StridedSlice": _strided_slice,
        "VariableV2": _variable,
        "Assign": _assign,
        "AssignAdd": _assign,
        "AssignSub": _assign,
    }


def _parse_input(name):
    """``("op", index)`` of an input string; index -1 for a ``^control`` input."""
    if name.startswith("^"):
        return name[1:], -1
    op_name, _, index = name.partition(":")
    return op_name, int(index) if index else 0


def _ordered(nodes):
    """The nodes with every node after the nodes it reads (GraphDefs may list any order).

    A TensorFlow 1.x while loop is a cycle closed by its ``NextIteration`` nodes: their
    edges into ``Merge`` are left out here (``_import_node`` links them afterwards).
    """
    by_name = {node.name: node for node in nodes}
    order = []
    state = {}
    for root in nodes:
        stack = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                state[node.name] = "done"
                order.append(node)
                continue
            if state.get(node.name) == "done":
                continue
            if state.get(node.name) == "open":
                raise ValueError(f"GraphDef has a cycle through node '{node.name}': smallflow "
                                 "imports only acyclic graphs")
            state[node.name] = "open"
            stack.append((node, True))
            for name in node.input:
                source, _ = _parse_input(name)
                dep = by_name.get(source)
                if _is_back_edge(dep):
                    continue
                if dep is not None and state.get(source) != "done":
                    stack.append((dep, False))
    return order


def _is_back_edge(source_node):
    return source_node is not None and source_node.op in ("NextIteration", "RefNextIteration")


def _node_attrs(node):
    attrs = {}
    tuples = set()
    if "_tuples" in node.attr:
        tuples = {s.decode("utf-8") for s in node.attr["_tuples"].list.s}
    for key, attr in node.attr.items():
        if key.startswith(graph_tf_form.PREFIX) and key not in _FORM_ATTRS:
            name = key[len(graph_tf_form.PREFIX):]  # an attribute TensorFlow's op lacks
            value = graph_io.decode_attr(attr)
            attrs[name] = tuple(value) if name in tuples else value
        elif key.startswith("_json_"):
            attrs[key[len("_json_"):]] = graph_io.from_jsonable(json.loads(attr.s.decode()))
        elif key.startswith("_repr_"):
            raise ValueError(f"Node '{node.name}' ({node.op}): its attribute "
                             f"'{key[len('_repr_'):]}' was written as a description only "
                             f"({attr.s.decode()!r}) and cannot be imported")
        elif not key.startswith("_"):
            value = graph_io.decode_attr(attr)
            attrs[key] = tuple(value) if key in tuples else value
    return attrs


def _prefixed_state_names(attrs, prefix):
    for key in _STATE_NAME_ATTRS:
        value = attrs.get(key)
        if isinstance(value, str):
            attrs[key] = prefix + value
        elif isinstance(value, list | tuple):
            attrs[key] = type(value)(prefix + v for v in value)


def import_graph_def(graph_def, input_map=None, return_elements=None, name=None,
                     op_dict=None, producer_op_list=None):
    """``tf.import_graph_def``: add the nodes of ``graph_def`` to the default graph.

    Names get the prefix ``name/`` (``import/`` by default, none for ``name=""``).
    ``input_map`` replaces inputs (``"x:0"`` or ``"^op"`` keys) by tensors or ops of this
    graph; ``return_elements`` names the tensors (``"op:0"``) and operations to return.
    """
    pb = tb_protos.load()
    if not isinstance(graph_def, pb.graph_pb2.GraphDef):
        if isinstance(graph_def, bytes):
            graph_def = pb.graph_pb2.GraphDef.FromString(graph_def)
        else:
            raise TypeError(f"graph_def must be a GraphDef proto, got "
                            f"{type(graph_def).__name__}")
    graph = get_default_graph()
    mapped = _normalized_input_map(graph, input_map)
    nodes = list(graph_def.node)
    own_graph = any("_output_types" in node.attr for node in nodes)
    if own_graph:
        # Written by smallflow: the nodes added for TensorFlow's sake are not ours, and a
        # rewritten node is rebuilt as the op smallflow wrote.
        nodes = [_own_form(node) for node in nodes if graph_tf_form.SYNTHETIC not in node.attr]
    names = {node.name for node in nodes}
    missing = sorted(k for k in mapped if _parse_input(k)[0] not in names)
    if missing:
        raise ValueError(f"Attempted to map inputs that were not found in graph_def: "
                         f"[{', '.join(missing)}]")
    for node in nodes:
        if not own_graph and node.op in _FUNCTIONAL_CONTROL_FLOW:
            raise ValueError(
                f"Node '{node.name}' is TensorFlow 2's functional control flow ({node.op} with "
                "its branches or body in the GraphDef's function library), which smallflow "
                "does not import. Write the graph with TensorFlow 1.x's control flow instead: "
                "call tf.compat.v1.disable_control_flow_v2() before building it")
        if node.op not in OP_DEFS:
            raise ValueError(f"NodeDef mentions an op smallflow does not have: Op type not "
                             f"registered '{node.op}' (node '{node.name}')")
    translations = {} if own_graph else _tf_translations()
    created = {}
    back_edges = []
    by_name = {node.name: node for node in nodes}
    with graph.name_scope(name if name is not None else "import") as scope, \
            graph.control_dependencies(None):
        for node in _ordered(nodes):
            created[node.name] = _import_node(graph, node, created, mapped, scope,
                                              translations, by_name, back_edges)
    for merge, position, source, index in back_edges:
        _link_back_edge(created[merge], position, created[source].outputs[index])
    control_flow_context.revive(created)
    if return_elements is None:
        return None
    return [_return_element(graph, created, element) for element in return_elements]


def _own_form(node):
    marks = node.attr
    if graph_tf_form.ORIGINAL_OP not in marks and graph_tf_form.ORIGINAL_INPUT not in marks:
        return node
    op_type, inputs = graph_tf_form.original_form(node)
    original = type(node)()
    original.CopyFrom(node)
    original.op = op_type
    del original.input[:]
    original.input.extend(inputs)
    return original


def _normalized_input_map(graph, input_map):
    mapped = {}
    for key, value in (input_map or {}).items():
        if not isinstance(key, str):
            raise TypeError(f"input_map keys must be strings, got {key!r}")
        if not key.startswith("^") and ":" not in key:
            key += ":0"
        element = graph.as_graph_element(value, allow_tensor=True, allow_operation=True)
        if key.startswith("^") != isinstance(element, Operation):
            raise ValueError(f"input_map entry {key!r}: a control input maps to an "
                             "Operation, a data input to a Tensor")
        mapped[key] = element
    return mapped


def _link_back_edge(op, position, tensor):
    """Make ``tensor`` (a NextIteration's output) input ``position`` of ``op`` (a Merge)."""
    inputs = list(op._inputs)
    inputs[position] = tensor
    op._inputs = tuple(inputs)
    tensor._consumers.append(op)


def _import_node(graph, node, created, mapped, scope, translations, by_name, back_edges):
    inputs = []
    controls = []
    for text in node.input:
        source, index = _parse_input(text)
        key = f"^{source}" if index < 0 else f"{source}:{index}"
        if key in mapped:
            (controls if index < 0 else inputs).append(mapped[key])
            continue
        if index >= 0 and _is_back_edge(by_name.get(source)) and source not in created:
            # The loop's edge back into its Merge: linked once the NextIteration exists; a
            # stand-in of the same dtype (the Merge's other input) holds the place until then.
            back_edges.append((node.name, len(inputs), source, index))
            inputs.append(None)
            continue
        op = created.get(source)
        if op is None:
            raise ValueError(f"Node '{node.name}': input '{text}' is not in the graph_def")
        if index < 0:
            controls.append(op)
        elif index >= len(op.outputs):
            raise ValueError(f"Node '{node.name}': input '{text}' names output {index} of an "
                             f"op with {len(op.outputs)} outputs")
        else:
            inputs.append(op.outputs[index])
    if None in inputs:
        stand_in = next((t for t in inputs if t is not None), None)
        if stand_in is None:
            raise ValueError(f"Node '{node.name}' ({node.op}) reads only NextIteration "
                             "outputs: a while loop's Merge needs its Enter input")
        inputs = [stand_in if t is None else t for t in inputs]
    attrs = _node_attrs(node)
    translate = translations.get(node.op)
    if translate is not None:
        op = translate(node, inputs, attrs, node.name)
    else:
        if scope:
            _prefixed_state_names(attrs, scope)
        if "_output_types" in node.attr:
            out_types = [tensor_util.from_datatype_enum(t)
                         for t in node.attr["_output_types"].list.type]
        else:
            out_types = _tf_output_dtypes(node, attrs, inputs)
        if node.op.startswith("Apply") and "var_names" not in attrs:
            attrs["var_names"] = _updated_variables(inputs)
        if node.op in _RANDOM_OPS and attrs.get("seed") == 0 and attrs.get("seed2") == 0:
            attrs["seed"] = attrs["seed2"] = None  # TensorFlow's "no seed"
        if node.op == "Const" and isinstance(attrs.get("value"), np.ndarray):
            attrs["value"] = np.array(attrs["value"], dtype=out_types[0].as_numpy_dtype)
            attrs["value"].flags.writeable = False
            given = tensor_util.given_values(node.attr["value"].tensor)
            if given is not None:  # written again as given (see constant_op.constant)
                attrs["_py_given"] = given
        op_type = node.op
        if translations:  # a graph TensorFlow wrote: its TensorArrays pass handles
            op_type = tf1_control_flow_ops.HANDLE_TENSOR_ARRAY_OPS.get(op_type, op_type)
        op = graph.create_op(op_type, inputs, out_types, attrs, node.name)
        if node.op in _RANDOM_OPS:
            op.attrs["stream"] = op.name
    for control in controls:
        op._add_control_input(control)
    return op


def _updated_variables(inputs):
    """The variables a TensorFlow ``Apply*`` op updates: its leading inputs read straight
    from ``VariableV2`` ops (smallflow's training kernels keep their names)."""
    names = []
    for tensor in inputs:
        if tensor.op.type != "VariableV2":
            break
        names.append(tensor.op.attrs["var_name"])
    return tuple(names)


def _return_element(graph, created, element):
    if not isinstance(element, str):
        raise TypeError(f"return_elements must be names, got {element!r}")
    source, index = _parse_input(element if ":" in element else element)
    op = created.get(source)
    if op is None:
        raise ValueError(f"Requested return_element {element!r} not found in graph_def.")
    if ":" not in element:
        return op
    if index >= len(op.outputs):
        raise ValueError(f"Requested return_element {element!r} not found in graph_def.")
    return op.outputs[index]
