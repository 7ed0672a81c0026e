"""Walk a smallflow graph from its outputs, fold constants, and build the ONNX ModelProto."""

import numpy as np

from smallflow import registry
from smallflow.onnx import _ops
from smallflow.onnx._common import UnsupportedOpError, display_name

# See the package docstring for why these two.
OPSET = 13
IR_VERSION = 7

SUPPORTED_OPS = tuple(sorted(_ops.CONVERTERS))

# Ops whose inputs past the first are not needed at inference (the keep probability and
# random mask of dropout; a placeholder's default is only used when it is not an input).
_FIRST_INPUT_ONLY = {"Dropout", "PlaceholderWithDefault"}
# Ops that hold values of the session: their current value is exported.
_VARIABLES = {"VariableV2", "Variable", "VarHandleOp", "ReadVariableOp"}
# Never evaluated at export time: their value changes from run to run (or must be fed).
_NOT_FOLDABLE = {"Placeholder", "Dropout"}


class Context:
    """What a converter uses: names of tensors, constant values, and the node list."""

    def __init__(self, onnx, constants):
        self.onnx = onnx
        self.nodes = []
        self.initializers = []
        self._constants = constants  # tensor -> numpy value, for folded tensors
        self._taken = set()
        self._serial = 0

    # -- values ------------------------------------------------------------------------------

    def value(self, tensor):
        """The NumPy value of ``tensor`` if it was folded to a constant, else None."""
        return self._constants.get(tensor)

    def name(self, tensor):
        """The ONNX name of ``tensor`` (folded constants become initializers on first use)."""
        name = display_name(tensor)
        value = self._constants.get(tensor)
        if value is not None and name not in self._taken:
            self._add_initializer(name, value)
        return name

    def constant(self, value, hint):
        """A new initializer holding ``value``; returns its name."""
        name = self.fresh(hint)
        self._add_initializer(name, np.asarray(value))
        return name

    def fresh(self, hint):
        """A value name no tensor of the graph uses."""
        self._serial += 1
        name = f"{hint}/onnx_{self._serial}"
        self._taken.add(name)
        return name

    def _add_initializer(self, name, value):
        self._taken.add(name)
        array = np.ascontiguousarray(value)
        self.initializers.append(self.onnx.numpy_helper.from_array(array, name))

    # -- nodes -------------------------------------------------------------------------------

    def node(self, op_type, inputs, outputs, name, **attrs):
        """Append an ONNX node; ``outputs`` is a list of names. Returns it."""
        self._serial += 1
        node_name = f"{name}/{op_type}_{self._serial}"
        node = self.onnx.helper.make_node(op_type, inputs, outputs, name=node_name, **attrs)
        self.nodes.append(node)
        return outputs

    def temp(self, op_type, inputs, name, **attrs):
        """A node with one fresh output; returns the output's name."""
        return self.node(op_type, inputs, [self.fresh(name)], name, **attrs)[0]


def build_model(onnx, sess, inputs, outputs, doc_string):
    """The ONNX ModelProto computing ``outputs`` from ``inputs`` in ``sess``'s graph."""
    _check_tensors(sess, inputs, "inputs")
    _check_tensors(sess, outputs, "outputs")
    input_set = set(inputs)
    order = _ops_needed(outputs, input_set)
    constant = _constness(order, input_set)
    chosen = _decided_selects(sess, order, constant)
    if chosen:
        # Walk again through the chosen branches only: the other side (training-time
        # augmentation, batch statistics) is not part of the inference graph.
        order = _ops_needed(outputs, input_set, chosen)
        constant = _constness(order, input_set, chosen)
    boundary = _boundary_constants(order, outputs, constant, chosen)
    # A decided select that folds is fed its chosen branch's value, so folding never runs
    # the branch that was left out (which may need the inputs).
    decided = {}
    for op in order:
        if op in chosen and constant.get(op.outputs[0], False):
            decided[op.outputs[0]] = sess.run(chosen[op], feed_dict=decided or None)
    values = sess.run(boundary, feed_dict=decided or None) if boundary else []
    constants = {tensor: np.asarray(value) for tensor, value in zip(boundary, values)}
    context = Context(onnx, constants)
    for op in order:
        if op.type in _VARIABLES or all(constant.get(t, False) for t in op.outputs):
            continue
        if any(t in input_set for t in op.outputs):
            continue
        if op in chosen:
            branch = context.name(chosen[op])
            context.node("Identity", [branch], [display_name(op.outputs[0])], op.name)
            continue
        convert = _ops.CONVERTERS.get(op.type)
        if convert is None:
            raise UnsupportedOpError(op, _no_mapping(op))
        convert(context, op)
    graph_outputs = []
    for tensor in outputs:
        name = display_name(tensor)
        if tensor in constants or tensor in input_set:
            # A graph output must be produced by a node.
            source = context.name(tensor)
            name = f"{name}/output"
            context.node("Identity", [source], [name], name)
        graph_outputs.append(_value_info(onnx, tensor, name))
    graph_inputs = [_value_info(onnx, tensor, display_name(tensor)) for tensor in inputs]
    graph = onnx.helper.make_graph(
        context.nodes, "smallflow", graph_inputs, graph_outputs, context.initializers
    )
    model = onnx.helper.make_model(
        graph,
        opset_imports=[onnx.helper.make_opsetid("", OPSET)],
        producer_name="smallflow",
        producer_version=_smallflow_version(),
        doc_string=doc_string,
    )
    model.ir_version = IR_VERSION
    return model


def _no_mapping(op):
    return f"no ONNX mapping for op type {op.type!r}; the exporter maps: " + ", ".join(
        SUPPORTED_OPS
    )


def _smallflow_version():
    from smallflow._version import SMALLFLOW_VERSION

    return SMALLFLOW_VERSION


def _check_tensors(sess, tensors, argument):
    if not tensors:
        raise ValueError(f"export: {argument} must name at least one tensor")
    for tensor in tensors:
        if not hasattr(tensor, "op") or not hasattr(tensor, "value_index"):
            raise TypeError(f"export: {argument} must be tensors, got {type(tensor).__name__}")
        if tensor.graph is not sess.graph:
            raise ValueError(
                f"export: {argument} tensor {tensor.name!r} is not in the session's graph"
            )


def _used_inputs(op, chosen=None):
    if chosen and op in chosen:
        return (chosen[op],)
    if op.type in _FIRST_INPUT_ONLY:
        return op.inputs[:1]
    return op.inputs


def _decided_selects(sess, order, constant):
    """Select ops whose condition is the same constant everywhere -> the input they pass on.

    A model that switches between training and inference with ``tf.where(training, ...)``
    (a placeholder_with_default that is False at inference) exports its inference side only.
    A select is decided only when the chosen branch already has the output's static shape.
    """
    candidates = [
        op for op in order
        if op.type in ("Select", "SelectV2") and constant.get(op.inputs[0], False)
    ]
    if not candidates:
        return {}
    conditions = sess.run([op.inputs[0] for op in candidates])
    chosen = {}
    for op, condition in zip(candidates, conditions):
        condition = np.asarray(condition)
        if condition.all():
            branch = op.inputs[1]
        elif not condition.any():
            branch = op.inputs[2]
        else:
            continue
        same_shape = branch.shape.as_list() == op.outputs[0].shape.as_list()
        if (same_shape and branch.shape.ndims) or (
                branch.shape.ndims == 0 and op.outputs[0].shape.ndims == 0):
            chosen[op] = branch
    return chosen


def _ops_needed(outputs, input_set, chosen=None):
    """The ops ``outputs`` need, inputs first (an iterative depth-first walk)."""
    order = []
    state = {}  # op -> "open" while its inputs are being visited, "done" after
    for start in outputs:
        stack = [(start.op, False)]
        while stack:
            op, inputs_done = stack.pop()
            if inputs_done:
                state[op] = "done"
                order.append(op)
                continue
            if op in state:
                continue
            state[op] = "open"
            stack.append((op, True))
            if any(t in input_set for t in op.outputs):
                continue  # fed: what computes it is not needed
            if op.type == "Placeholder":
                raise ValueError(
                    f"export: the outputs depend on placeholder {op.name!r}, which is not "
                    "among the inputs; list it in inputs (or give it a default with "
                    "tf.placeholder_with_default)"
                )
            for tensor in reversed(_used_inputs(op, chosen)):
                if tensor.op not in state:
                    stack.append((tensor.op, False))
    return order


def _is_random(op):
    if op.type in registry.OP_DEFS:
        return registry.OP_DEFS.lookup(op.type).stateful and op.type not in _VARIABLES
    return False


def _constness(order, input_set, chosen=None):
    """tensor -> True when its value does not depend on any input (and can be folded)."""
    constant = {}
    for op in order:
        if any(t in input_set for t in op.outputs):
            folds = False
        elif op.type in _VARIABLES or op.type == "Const":
            folds = True
        elif op.type in _NOT_FOLDABLE or _is_random(op):
            folds = False
        else:
            folds = all(constant.get(t, False) for t in _used_inputs(op, chosen))
        for tensor in op.outputs:
            constant[tensor] = folds and tensor not in input_set
    return constant


def _boundary_constants(order, outputs, constant, chosen=None):
    """Folded tensors that a computed op or the graph's outputs use: they need values."""
    needed = []
    seen = set()
    consumers = [
        (op, _used_inputs(op, chosen)) for op in order if not _all_constant(op, constant)
    ]
    for _, used in consumers:
        for tensor in used:
            if constant.get(tensor) and tensor not in seen:
                seen.add(tensor)
                needed.append(tensor)
    for tensor in outputs:
        if constant.get(tensor) and tensor not in seen:
            seen.add(tensor)
            needed.append(tensor)
    return needed


def _all_constant(op, constant):
    return all(constant.get(t, False) for t in op.outputs)


def _value_info(onnx, tensor, name):
    element_type = onnx.helper.np_dtype_to_tensor_dtype(np.dtype(tensor.dtype.as_numpy_dtype))
    dims = tensor.shape.as_list() if tensor.shape.ndims is not None else None
    if dims is not None:
        dims = [
            ("batch" if index == 0 else f"{name}_dim{index}") if size is None else size
            for index, size in enumerate(dims)
        ]
    return onnx.helper.make_tensor_value_info(name, element_type, dims)
