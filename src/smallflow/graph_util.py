"""``tf.graph_util``: freezing and pruning GraphDefs.

``convert_variables_to_constants`` is how TF1 programs "freeze" a trained model: the part of
the GraphDef that computes the named outputs is kept and each variable in it becomes a
``Const`` node holding the value the session has for it, so the file runs with no
checkpoint. ``extract_sub_graph`` is that pruning step alone, ``remove_training_nodes``
drops ``CheckNumerics`` and splices out ``Identity`` nodes. All work on TensorFlow's
``GraphDef`` messages (what ``Graph.as_graph_def`` gives), so frozen files load in
TensorFlow too; node order is kept, as TensorFlow keeps it.
"""

import copy

from . import logging, tb_protos, tensor_util
from .graph_import import import_graph_def

__all__ = [
    "convert_variables_to_constants",
    "extract_sub_graph",
    "import_graph_def",
    "must_run_on_cpu",
    "remove_training_nodes",
    "tensor_shape_from_node_def_name",
]

# Ops that hold or update variable state (TensorFlow's list for pinning variables on CPU).
_VARIABLE_OPS = frozenset(["Assign", "AssignAdd", "AssignSub", "Queue", "ScatterAdd",
                           "ScatterSub", "ScatterUpdate", "TruncatedNormal", "Variable",
                           "VariableV2"])
_FREEZABLE = ("Variable", "VariableV2", "VarHandleOp")


def _node_name(input_name):
    """``^a``, ``a:1`` and ``a`` all name node ``a``."""
    name = input_name[1:] if input_name.startswith("^") else input_name
    return name.split(":", 1)[0]


def _check_graph_def(graph_def):
    if not isinstance(graph_def, tb_protos.load().graph_pb2.GraphDef):
        raise TypeError("graph_def must be a graph_pb2.GraphDef proto.")


def extract_sub_graph(graph_def, dest_nodes):
    """The nodes of ``graph_def`` that ``dest_nodes`` depend on (data and control inputs)."""
    _check_graph_def(graph_def)
    if isinstance(dest_nodes, str | bytes):
        raise TypeError("dest_nodes must be a list.")
    by_name = {node.name: node for node in graph_def.node}
    wanted = set()
    pending = []
    for name in dest_nodes:
        if name not in by_name:
            raise AssertionError(f"{name} is not in graph")
        pending.append(name)
    while pending:
        name = pending.pop()
        if name in wanted:
            continue
        wanted.add(name)
        pending.extend(_node_name(i) for i in by_name[name].input)
    out = tb_protos.load().graph_pb2.GraphDef()
    out.node.extend(copy.deepcopy(node) for node in graph_def.node if node.name in wanted)
    out.library.CopyFrom(graph_def.library)
    out.versions.CopyFrom(graph_def.versions)
    return out


def convert_variables_to_constants(sess, input_graph_def, output_node_names,
                                   variable_names_whitelist=None,
                                   variable_names_blacklist=None):
    """``input_graph_def`` cut down to ``output_node_names``, its variables made constants.

    Variable values are read from ``sess``; ``variable_names_whitelist`` limits the
    conversion to those variable node names, ``variable_names_blacklist`` leaves the named
    ones as variables.
    """
    pruned = extract_sub_graph(input_graph_def, output_node_names)
    allowed = None if variable_names_whitelist is None else set(variable_names_whitelist)
    refused = set(variable_names_blacklist or ())
    to_freeze = [node.name for node in pruned.node
                 if node.op in _FREEZABLE
                 and (allowed is None or node.name in allowed) and node.name not in refused]
    values = dict(zip(to_freeze, sess.run([name + ":0" for name in to_freeze])))
    pb = tb_protos.load()
    out = pb.graph_pb2.GraphDef()
    for node in pruned.node:
        if node.name in values:
            frozen = pb.node_def_pb2.NodeDef(name=node.name, op="Const")
            dtype = node.attr["dtype"].type
            frozen.attr["dtype"].type = dtype
            frozen.attr["value"].tensor.CopyFrom(tensor_util.make_tensor_proto(
                values[node.name], dtype=tensor_util.from_datatype_enum(dtype),
                shape=values[node.name].shape))
            if node.device:
                frozen.device = node.device
            out.node.append(frozen)
        else:
            out.node.append(copy.deepcopy(node))
    out.library.CopyFrom(pruned.library)
    out.versions.CopyFrom(pruned.versions)
    logging.info("Froze %d variables.", len(values))
    logging.info("Converted %d variables to const ops.", len(values))
    return out


def remove_training_nodes(input_graph, protected_nodes=None):
    """``input_graph`` without ``CheckNumerics`` nodes and with ``Identity`` nodes spliced out.

    Nodes in ``protected_nodes`` stay; so do Identity nodes that take or give a control
    dependency (removing them could change what runs before what).
    """
    protected = set(protected_nodes or ())
    dropped = {node.name for node in input_graph.node
               if node.op == "CheckNumerics" and node.name not in protected}
    kept = []
    for node in input_graph.node:
        if node.name in dropped:
            continue
        node = copy.deepcopy(node)
        inputs = [i for i in node.input if _node_name(i) not in dropped]
        del node.input[:]
        node.input.extend(inputs)
        kept.append(node)
    control_sources = set()
    control_takers = set()
    for node in kept:
        for name in node.input:
            if name.startswith("^"):
                control_sources.add(name[1:])
                control_takers.add(node.name)
    # Identity name -> the input it forwards.
    spliced = {node.name: node.input[0] for node in kept
               if node.op == "Identity" and node.name not in protected and node.input
               and node.name not in control_takers and node.name not in control_sources}
    out = tb_protos.load().graph_pb2.GraphDef()
    for node in kept:
        if node.name in spliced:
            continue
        inputs = []
        for name in node.input:
            # Control inputs never name a spliced node (those Identities are kept).
            while not name.startswith("^") and _node_name(name) in spliced:
                name = spliced[_node_name(name)]
            inputs.append(name)
        del node.input[:]
        node.input.extend(inputs)
        out.node.append(node)
    return out


def must_run_on_cpu(node, pin_variables_on_cpu=False):
    """Whether TensorFlow's GPU placement would keep ``node`` (Operation or NodeDef) on CPU."""
    node_def = node.node_def if hasattr(node, "node_def") else node
    pb = tb_protos.load()
    if not isinstance(node_def, pb.node_def_pb2.NodeDef):
        raise TypeError(f"must_run_on_cpu expects an Operation or a NodeDef, got "
                        f"{type(node).__name__}")
    if pin_variables_on_cpu and node_def.op in _VARIABLE_OPS:
        return True
    int32, string = pb.types_pb2.DT_INT32, pb.types_pb2.DT_STRING
    if node_def.op == "Const":
        return node_def.attr["dtype"].type in (int32, string)
    if node_def.op in ("DynamicStitch", "ParallelDynamicStitch"):
        return node_def.attr["T"].type == int32
    if node_def.op == "Cast":
        return node_def.attr["SrcT"].type == int32
    return False


def tensor_shape_from_node_def_name(graph, input_name):
    """Static shape of tensor ``input_name`` (``op`` meaning ``op:0``) in ``graph``."""
    name = input_name if ":" in input_name else input_name + ":0"
    return graph.get_tensor_by_name(name).get_shape()
