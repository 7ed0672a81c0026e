"""smallflow's ``If``/``While`` ops written as TensorFlow 1.x's Switch/Merge/Enter/Exit.

smallflow runs ``tf.cond`` and ``tf.while_loop`` as ops holding sub-graphs (docs/architecture.md,
"Control flow"); the branch and body ops are ordinary nodes of the GraphDef, and the ``If`` or
``While`` node names them in a description only smallflow reads. For TensorFlow, the GraphDef
writer lowers each of them to the dataflow form TensorFlow 1.x builds itself, which
TensorFlow 2.21's ``compat.v1`` still imports and runs:

- a cond: one ``Switch`` on the predicate per value a branch reads from outside (the true
  branch reads output 1, the false branch output 0), pivots (``Identity`` of the predicate's
  ``Switch``) as control inputs of branch ops with no inputs (constants), and one ``Merge`` per
  result;
- a loop: ``Enter`` (into the frame ``<name>/while_context``) and ``Merge`` per loop variable,
  the condition's ops reading the ``Merge`` outputs, ``LoopCond``, ``Switch`` (output 0 to
  ``Exit``, output 1 into the body: the ``LoopVar`` node becomes that ``Identity``, TensorFlow's
  name and role for it), ``NextIteration`` back into the ``Merge``; values read from outside
  enter as loop invariants (``is_constant``); an iteration counter (TensorFlow's form of
  ``maximum_iterations``) gives the trip count output.

Everything added is marked ``_sf_synthetic`` and every node changed keeps its smallflow form
(``_sf_op``, ``_sf_input``), so smallflow's importer reads the file back as the ``If``/``While``
graph it was. The ``If``/``While`` node itself becomes a ``NoOp`` (a control input of the first
``Merge``/``Enter``, so pruning such as ``extract_sub_graph`` keeps it). What has no TensorFlow
1.x form: the gradient ops of smallflow's loops (``WhileGrad``, ``ControlFlowValue``) stay as
they are, so TensorFlow refuses a file holding them (a training graph with a loop or cond)
naming the op.
"""

import numpy as np

from . import dtypes, tensor_util
from .graph_tf_form import (
    SYNTHETIC,
    _move_foreign_attrs,
    _remember_inputs,
    _replace,
    _split_inputs,
    _tensor_name,
)


def lower(graph_def, ops):
    """Rewrite the If/While nodes of ``graph_def`` (made from ``ops``) in TensorFlow 1.x's
    form; returns the outputs now found under another name (for ``repoint``)."""
    owners = [op for op in ops if op.type in ("If", "While") and _live(op)]
    if not owners and not any(op.type in _TA_INPUTS for op in ops):
        return {}
    lowering = _Lowering(graph_def)
    lowering.tensor_arrays([op for op in ops if op.type in _TA_INPUTS])
    # An enclosing cond or loop is made after the ones in its body: outermost first, so an
    # inner one reads its outside values through the Enter/Switch nodes of the outer one.
    for op in reversed(owners):
        if op.name not in lowering.nodes:
            continue
        if op.type == "If":
            lowering.cond(op)
        else:
            lowering.loop(op)
    graph_def.node.extend(lowering.extra)
    return lowering.renamed


def _live(op):
    contexts = op.attrs.get("branches") or [op.attrs.get("context")]
    return all(hasattr(ctx, "ops") and hasattr(ctx, "captures") for ctx in contexts)


def _set(attr, value):
    if isinstance(value, dtypes.DType):
        attr.type = tensor_util.as_datatype_enum(value)
    elif isinstance(value, bool):
        attr.b = value
    elif isinstance(value, int):
        attr.i = value
    elif isinstance(value, str):
        attr.s = value.encode("utf-8")
    elif isinstance(value, np.ndarray):
        attr.tensor.CopyFrom(tensor_util.make_tensor_proto(value))
    else:
        raise TypeError(f"no AttrValue form for {value!r}")


def _op_name(input_name):
    return input_name.lstrip("^").split(":")[0]


class _Lowering:
    def __init__(self, graph_def):
        self.nodes = {node.name: node for node in graph_def.node}
        self.extra = []
        self.renamed = {}

    def add(self, name, op_type, inputs, device="", **attrs):
        from . import tb_protos

        node = tb_protos.load().node_def_pb2.NodeDef(name=name, op=op_type, device=device)
        node.input.extend(inputs)
        for key, value in attrs.items():
            _set(node.attr[key], value)
        node.attr[SYNTHETIC].b = True
        self.extra.append(node)
        self.nodes[name] = node
        return name

    def reroute(self, op, mapping, pivot):
        """Point ``op``'s inputs named in ``mapping`` at their new names; an op with no data
        input gets ``pivot`` as a control input (it must run in the branch's frame)."""
        node = self.nodes.get(op.name)
        if node is None:
            return
        data, controls = _split_inputs(node)
        new = [mapping.get(name, name) for name in data]
        self.pin_helpers(new, pivot)
        if new == data and data:
            return
        _remember_inputs(node)
        if not data and f"^{pivot}" not in controls:
            controls = [*controls, f"^{pivot}"]
        del node.input[:]
        node.input.extend([*new, *controls])

    def pin_helpers(self, inputs, pivot):
        """Nodes the GraphDef writer added for an op of a branch or body (a reduction's axes,
        ...) that read nothing run in the branch's frame too: ``pivot`` becomes their control
        input."""
        stack = [_op_name(name) for name in inputs]
        seen = set()
        while stack:
            helper = self.nodes.get(stack.pop())
            if helper is None or helper.name in seen or SYNTHETIC not in helper.attr:
                continue
            seen.add(helper.name)
            if not helper.input:
                helper.input.append(f"^{pivot}")
            stack.extend(_op_name(name) for name in helper.input if not name.startswith("^"))

    def retire(self, op, node, controls, anchor):
        """The If/While node becomes a NoOp waiting on ``anchor`` (a node of its frame)."""
        _replace(node, "NoOp", [], [*controls, f"^{anchor}"])
        _move_foreign_attrs(node)
        if "_output_shapes" in node.attr:
            del node.attr["_output_shapes"]  # a NoOp has no outputs

    # -- TensorArrays ----------------------------------------------------------------------

    def tensor_arrays(self, ops):
        self.handles = {}
        for op in ops:
            node = self.nodes.get(op.name)
            if node is None:
                continue
            if op.type == "TensorArrayV3":
                # TensorFlow's outputs are (handle, flow): smallflow's flow is output 1 there.
                self.renamed[_tensor_name(op.outputs[0])] = f"{op.name}:1"
                node.attr["identical_element_shapes"].b = False
                if "_output_shapes" in node.attr:
                    del node.attr["_output_shapes"]  # TensorFlow's has two outputs
                continue
            origin = _origin(op.inputs[0])
            if origin is None:
                raise ValueError(f"The TensorArray op '{op.name}' reads a flow that does not "
                                 "come from a TensorArray: it cannot be written in "
                                 "TensorFlow's form")
            handle = self.handle_for(origin, op)
            data, controls = _split_inputs(node)
            flow = data[0]
            rest = [data[i] for i in _TA_INPUTS[op.type]]
            device = node.device
            op_type = op.type
            if op.type == "TensorArrayStack":
                size = self.add(f"{op.name}/size", "TensorArraySizeV3", [handle, flow], device)
                rest = [self.range(op.name, size, flow, device)]
                op_type = "TensorArrayGatherV3"
            elif op.type == "TensorArrayUnstack":
                value = rest[0]
                shape = self.add(f"{op.name}/shape", "Shape", [value], device,
                                 T=op.inputs[1].dtype, out_type=dtypes.int32)
                count = self.add(f"{op.name}/count", "StridedSlice",
                                 [shape, *(self.const(f"{op.name}/{part}", [v], flow, device)
                                           for part, v in (("begin", 0), ("end", 1),
                                                           ("stride", 1)))],
                                 device, T=dtypes.int32, Index=dtypes.int32,
                                 shrink_axis_mask=1)
                rest = [self.range(op.name, count, flow, device), value]
                op_type = "TensorArrayScatterV3"
                node.attr["T"].type = tensor_util.as_datatype_enum(op.inputs[1].dtype)
            _replace(node, op_type, [handle, *rest, flow], controls)
            _move_foreign_attrs(node)

    def const(self, name, values, anchor, device):
        """An int32 constant run where ``anchor`` (a tensor name) is: in its frame."""
        return self.add(name, "Const", [f"^{_op_name(anchor)}"], device, dtype=dtypes.int32,
                        value=np.asarray(values, np.int32))

    def range(self, name, limit, anchor, device):
        start = self.const(f"{name}/range_start", 0, anchor, device)
        delta = self.const(f"{name}/range_delta", 1, anchor, device)
        return self.add(f"{name}/range", "Range", [start, limit, delta], device,
                        Tidx=dtypes.int32)

    def handle_for(self, origin, op):
        """``origin``'s handle where ``op`` runs: entered into each loop between them."""
        around_origin = set()
        ctx = origin._control_flow_context
        while ctx is not None:
            around_origin.add(ctx)
            ctx = ctx.outer
        loops = []
        ctx = op._control_flow_context
        while ctx is not None and ctx not in around_origin:
            if ctx.kind == "while" and ctx.owner is not None:
                loops.append(ctx.owner)
            ctx = ctx.outer
        handle = f"{origin.name}:0"
        for loop in reversed(loops):
            key = (origin.name, loop.name)
            entered = self.handles.get(key)
            if entered is None:
                entered = self.handles[key] = self.add(
                    f"{loop.name}/Enter_handle_{len(self.handles)}", "Enter", [handle],
                    self.nodes[loop.name].device, T=dtypes.resource, is_constant=True,
                    **_frame(loop))
            handle = entered
        return handle

    # -- tf.cond ----------------------------------------------------------------------------

    def cond(self, op):
        name = op.name
        node = self.nodes[name]
        device = node.device
        data, controls = _split_inputs(node)
        pred = data[0]
        sources = list(op.inputs[1:])
        switch_pred = self.add(f"{name}/switch_pred", "Switch", [pred, pred], device,
                               T=dtypes.bool)
        pivots = (self.add(f"{name}/pivot_t", "Identity", [f"{switch_pred}:1"], device,
                           T=dtypes.bool),
                  self.add(f"{name}/pivot_f", "Identity", [switch_pred], device,
                           T=dtypes.bool))
        switches = {}
        results = []
        for ctx, side, pivot in zip(op.attrs["branches"], (":1", ""), pivots):
            mapping = {}
            for inner, source, _ in ctx.captures:
                position = _position(sources, source, op)
                switch = switches.get(position)
                if switch is None:
                    switch = switches[position] = self.add(
                        f"{name}/Switch_{position}", "Switch", [data[1 + position], pred],
                        device, T=_tf_dtype(source))
                mapping[_tensor_name(inner)] = switch + side
            for inner_op in ctx.ops:
                self.reroute(inner_op, mapping, pivot)
            results.append([mapping.get(_tensor_name(t), _tensor_name(t))
                            for t in ctx.outputs])
        true_out, false_out = results
        for index in range(op.attrs["num_outputs"]):
            merge = self.add(f"{name}/Merge_{index}", "Merge",
                             [false_out[index], true_out[index]], device,
                             T=_tf_dtype(op.outputs[index]), N=2)
            if index == 0:
                self.nodes[merge].input.append(f"^{name}")
            self.renamed[_tensor_name(op.outputs[index])] = merge
        self.retire(op, node, controls, _op_name(pred))

    # -- tf.while_loop ----------------------------------------------------------------------

    def loop(self, op):
        name = op.name
        node = self.nodes[name]
        device = node.device
        ctx = op.attrs["context"]
        data, controls = _split_inputs(node)
        count = len(ctx.inputs)
        max_index = op.attrs.get("max_index")
        frame = _frame(op)
        kinds = [_tf_dtype(t) for t in ctx.inputs] + [dtypes.int32]
        start = self.add(f"{name}/counter/start", "Const", [f"^{_op_name(data[0])}"], device,
                         dtype=dtypes.int32, value=np.array(0, np.int32))
        initial = [*data[:count], start]
        merges = []
        for k, (value, kind) in enumerate(zip(initial, kinds)):
            enter = self.add(f"{name}/Enter_{k}", "Enter", [value], device, T=kind,
                             is_constant=False, **frame)
            if k == 0:
                self.nodes[enter].input.append(f"^{name}")
            merges.append(self.add(f"{name}/Merge_{k}", "Merge",
                                   [enter, f"{name}/NextIteration_{k}"], device, T=kind, N=2))
        sources = list(op.inputs[count:max_index])
        mapping = {}
        for inner, source, _ in ctx.captures:
            position = _position(sources, source, op)
            mapping[_tensor_name(inner)] = self.add(
                f"{name}/Enter_invariant_{position}", "Enter", [data[count + position]],
                device, T=_tf_dtype(source), is_constant=True, **frame)
        loop_vars = {t.op for t in ctx.inputs}
        cond_ops = _closure(ctx.outputs[0].op, ctx.ops) - loop_vars
        cond_mapping = dict(mapping)
        cond_mapping.update({_tensor_name(t): m for t, m in zip(ctx.inputs, merges)})
        for inner_op in cond_ops:
            self.reroute(inner_op, cond_mapping, merges[0])
        pred_name = _tensor_name(ctx.outputs[0])
        pred = cond_mapping.get(pred_name, pred_name)
        counter = merges[count]
        if max_index is not None:
            limit = self.add(f"{name}/Enter_limit", "Enter", [data[max_index]], device,
                             T=op.inputs[max_index].dtype, is_constant=True, **frame)
            if op.inputs[max_index].dtype != dtypes.int32:
                limit = self.add(f"{name}/limit_int32", "Cast", [limit], device,
                                 SrcT=op.inputs[max_index].dtype, DstT=dtypes.int32,
                                 Truncate=False)
            below = self.add(f"{name}/below_limit", "Less", [counter, limit], device,
                             T=dtypes.int32)
            pred = self.add(f"{name}/pred_and_limit", "LogicalAnd", [below, pred], device)
        loop_cond = self.add(f"{name}/LoopCond", "LoopCond", [pred], device)
        switches = []
        for k, (merge, kind) in enumerate(zip(merges, kinds)):
            switch = self.add(f"{name}/Switch_{k}", "Switch", [merge, loop_cond], device,
                              T=kind)
            switches.append(switch)
            exit_name = self.add(f"{name}/Exit_{k}", "Exit", [switch], device, T=kind)
            self.renamed[_tensor_name(op.outputs[k])] = exit_name
        for k, tensor in enumerate(ctx.inputs):
            var_node = self.nodes[tensor.op.name]
            _replace(var_node, "Identity", [f"{switches[k]}:1"], [])
            var_node.attr["T"].type = tensor_util.as_datatype_enum(_tf_dtype(tensor))
            _move_foreign_attrs(var_node)
        pivot = ctx.inputs[0].op.name if ctx.inputs else merges[0]
        for inner_op in ctx.ops - cond_ops - loop_vars:
            self.reroute(inner_op, mapping, pivot)
        results = [mapping.get(_tensor_name(t), _tensor_name(t)) for t in ctx.outputs[1:]]
        step = self.add(f"{name}/counter/Identity", "Identity", [f"{switches[count]}:1"],
                        device, T=dtypes.int32)
        one = self.add(f"{name}/counter/one", "Const", [f"^{step}"], device,
                       dtype=dtypes.int32, value=np.array(1, np.int32))
        results.append(self.add(f"{name}/counter/add", "AddV2", [step, one], device,
                                T=dtypes.int32))
        for k, (value, kind) in enumerate(zip(results, kinds)):
            self.add(f"{name}/NextIteration_{k}", "NextIteration", [value], device, T=kind)
        self.retire(op, node, controls, _op_name(data[0]))


def _frame(op):
    return {"frame_name": f"{op.attrs.get('name', op.name)}/while_context",
            "parallel_iterations": int(op.attrs.get("parallel_iterations", 10))}


# -- TensorArrays ------------------------------------------------------------------------------

# smallflow's TensorArray ops pass the array as a value along the flow (input 0); TensorFlow's
# pass a handle (output 0 of TensorArrayV3) plus a float32 flow. Positions of the other inputs:
_TA_INPUTS = {
    "TensorArrayV3": None,
    "TensorArrayWriteV3": (1, 2),
    "TensorArrayReadV3": (1,),
    "TensorArrayGatherV3": (1,),
    "TensorArrayScatterV3": (1, 2),
    "TensorArraySizeV3": (),
    "TensorArrayConcatV3": (),
    "TensorArraySplitV3": (1, 2),
    "TensorArrayStack": (),
    "TensorArrayUnstack": (1,),
}
_FLOW_MAKERS = frozenset({"TensorArrayV3", "TensorArrayWriteV3", "TensorArrayScatterV3",
                          "TensorArraySplitV3", "TensorArrayUnstack"})


def _origin(tensor, seen=None):
    """The TensorArrayV3 op a flow tensor comes from (through writes, loops, conds), or None."""
    seen = set() if seen is None else seen
    while tensor not in seen:
        seen.add(tensor)
        op = tensor.op
        if op.type == "TensorArrayV3":
            return op
        if op.type in _FLOW_MAKERS or (op.type == "Identity" and op.inputs):
            tensor = op.inputs[0]
        elif op.type == "LoopVar":
            owner = op._control_flow_context.owner if op._control_flow_context else None
            if owner is None:
                return None
            tensor = owner.inputs[op._control_flow_context.inputs.index(tensor)]
        elif op.type == "While" and tensor.value_index < len(op.attrs["context"].inputs):
            tensor = op.inputs[tensor.value_index]
        elif op.type == "If" and tensor.value_index < op.attrs.get("num_outputs", 0):
            branch = op.attrs["branches"][0]
            tensor = branch.outputs[tensor.value_index]
        else:
            return None
    return None


def _tf_dtype(tensor):
    """The dtype TensorFlow's form gives ``tensor``: float32 for a TensorArray's flow."""
    try:
        return dtypes.float32 if _origin(tensor) is not None else tensor.dtype
    except (AttributeError, KeyError, ValueError, IndexError):
        return tensor.dtype


def _position(sources, source, op):
    for index, candidate in enumerate(sources):
        if candidate is source:
            return index
    raise ValueError(f"The {op.type} op '{op.name}' reads '{source.name}', which is not among "
                     "its inputs: it cannot be written in TensorFlow's form")


def _closure(root, members):
    """``root`` and the ops of ``members`` it depends on."""
    seen = {root}
    stack = [root]
    while stack:
        op = stack.pop()
        for dep in [*(t.op for t in op.inputs), *op.control_inputs]:
            if dep in members and dep not in seen:
                seen.add(dep)
                stack.append(dep)
    return seen
