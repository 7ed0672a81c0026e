"""The graph ``tf.function`` traces a Python function into (TensorFlow's ``FuncGraph``).

A traced function lives in a graph of its own, as in TensorFlow: its op names are its own
(an argument ``a`` is the placeholder ``a:0`` whatever the calling graph holds), and the
calling graph sees one call op (``PartitionedCall``) instead of the body's ops. Whatever
the body reads from outside is *captured* when it is first used:

- a tensor of an enclosing graph (or an eager value) becomes a placeholder of this graph,
  and the call op takes the outside tensor as an input;
- a variable (a ``VariableV2`` output, its ``read``, or an eager variable's handle) becomes
  a ``VariableV2`` op of this graph with the same store key, so the body reads and assigns
  the very value the session (or the eager context) holds, at the time it runs; the call op
  takes the variable's read as an input, so gradients with respect to it flow through the
  call.

Stateful ops of a body run in program order (TensorFlow's automatic control
dependencies): each one waits for the previous stateful op of its branch, and each read of a
variable for the stateful op before it, so ``v.assign_add(1); return v.read_value()`` sees
the new value. Variables made while a body is traced are made outside it (``init_scope``):
in the calling graph, or as eager variables.
"""

from . import dtypes as _dtypes
from .graph import Graph, Tensor
from .ops import constant_op
from .registry import OP_DEFS

# Ops that are stateful but are not program steps: they are not chained.
_NOT_STEPS = frozenset({"VariableV2", "Placeholder", "Const", "VarIsInitializedOp"})


_CONTAINERS = frozenset({"If", "While", "PartitionedCall"})


def _holds_state(op):
    """Does an If/While/PartitionedCall op run a stateful op (TensorFlow's StatelessIf)?"""
    if op.type == "PartitionedCall":
        return False
    contexts = op.attrs.get("branches") or [op.attrs.get("context")]
    for context in contexts:
        for inner in getattr(context, "ops", ()):
            if inner.type in _CONTAINERS:
                if _holds_state(inner):
                    return True
            elif inner.type not in _NOT_STEPS and inner.type != "LoopVar" and \
                    OP_DEFS.lookup(inner.type).stateful:
                return True
    return False


def _variable_op_of(tensor):
    """The VariableV2 op ``tensor`` is (or is the ``read`` identity of), else None."""
    op = tensor.op
    if op.type == "VariableV2":
        return op
    if op.type == "Identity" and op.inputs and op.inputs[0].op.type == "VariableV2":
        return op.inputs[0].op
    return None


class FuncGraph(Graph):
    """A graph holding one trace of a Python function; see the module docstring."""

    def __init__(self, name, outer):
        super().__init__()
        self.name = name
        self._outer_graph = outer
        self.seed = outer.seed
        # Eager values used in the body are captured too (Graph.create_op asks _captured).
        self._capture_eager = True
        self.inputs = []  # the argument placeholders, in call order
        self.captures = []  # (outside tensor, placeholder inside)
        self._capture_of = {}
        self.mirrors = {}  # store key -> (VariableV2 op inside, outside tensor for the call)
        self._last_step = {}  # control flow context -> last stateful op made in it
        self.writes = set()  # store keys of the variables the body may assign
        self.stateful = False
        self.auto_control = True
        # Set by tf.function while tracing: a function(cls, args, kwargs) making a variable
        # outside the body (variables.Variable.__new__ calls it), or None.
        self._lift_variable = None
        self.allow_variables = True
        self.created_variables = 0

    def variable_made(self):
        """Count a variable made while this trace is made; refuse it on a later trace."""
        if not self.allow_variables:
            raise ValueError("tf.function-decorated function tried to create variables on "
                             "non-first call.")
        self.created_variables += 1

    @property
    def building_function(self):
        return True

    @property
    def outer_graph(self):
        return self._outer_graph

    def _encloses(self, graph):
        outer = self._outer_graph
        while outer is not None:
            if outer is graph:
                return True
            outer = getattr(outer, "_outer_graph", None)
        return False

    # -- building -------------------------------------------------------------------------------
    def create_op(self, op_type, inputs, dtypes, attrs=None, name=None):
        op_def = OP_DEFS.lookup(op_type)
        writes_ref = op_def.stateful and op_type not in _NOT_STEPS
        inputs = [self._capture(t, as_ref=writes_ref and i == 0) for i, t in enumerate(inputs)]
        op = super().create_op(op_type, inputs, dtypes, attrs, name)
        if writes_ref:
            if op_type not in _CONTAINERS or _holds_state(op):
                self.stateful = True
            names = op.attrs.get("var_names") or (op.attrs.get("var_name"),)
            self.writes.update(n for n in names if n is not None)
            if op_type in ("PartitionedCall", "StatefulPartitionedCall", "If", "While"):
                self.writes.update(op.attrs.get("var_names") or ())
            if self.auto_control:
                self._chain(op)
        return op

    def _chain(self, op):
        context = self._control_flow_context
        last = self._last_step.get(context)
        if last is not None and last is not op and last not in op.control_inputs:
            op._add_control_input(last)
        self._last_step[context] = op

    def _captured(self, tensor):
        """An eager value used by the body (Graph.create_op and EagerVariable.value)."""
        return self._capture(tensor, as_ref=False)

    def _capture(self, tensor, as_ref):
        if not isinstance(tensor, Tensor):
            return tensor
        eager = getattr(tensor, "_is_eager", False)
        if not eager and tensor.graph is self:
            return tensor
        if not eager and not self._encloses(tensor.graph):
            return tensor  # Graph.create_op refuses it with TensorFlow's message
        if eager:
            key = getattr(tensor, "_key", None)  # an eager variable's handle
            if key is not None:
                return self._variable(tensor.op, key, tensor, as_ref)
        else:
            var_op = _variable_op_of(tensor)
            if var_op is not None:
                return self._variable(var_op, var_op.attrs["var_name"], _read_of(var_op, tensor),
                                      as_ref)
        found = self._capture_of.get(id(tensor))
        if found is None:
            with self._outside_contexts():
                label = "captured" if eager else tensor.op.name.rpartition("/")[2]
                inner = constant_op.placeholder(tensor.dtype, tensor.shape, name=label)
            self.captures.append((tensor, inner))
            self._capture_of[id(tensor)] = found = inner
        return found

    def _variable(self, var_op, key, outside, as_ref):
        mirror = self.mirrors.get(key)
        if mirror is None:
            with self._outside_contexts():
                attrs = {"shape": var_op.attrs["shape"], "dtype": var_op.attrs["dtype"],
                         "var_name": key}
                inner = Graph.create_op(self, "VariableV2", [], [attrs["dtype"]], attrs,
                                        var_op.name.rpartition("/")[2])
            mirror = self.mirrors[key] = (inner, outside)
        ref = mirror[0].outputs[0]
        if as_ref:
            return ref
        # A read of its own, after the stateful op made last (TensorFlow's ReadVariableOp).
        read = Graph.create_op(self, "Identity", [ref], [ref.dtype.base_dtype], None,
                               "ReadVariableOp")
        if self.auto_control:
            last = self._last_step.get(self._control_flow_context)
            if last is not None:
                read._add_control_input(last)
        return read.outputs[0]

    def _outside_contexts(self):
        """Build at the top of this graph: no branch, no control dependencies, no scope."""
        graph = self

        class _Top:
            def __enter__(self):
                self._saved = (graph._control_flow_context, graph._control_stack,
                               graph._name_stack)
                graph._control_flow_context = None
                graph._control_stack = []
                graph._name_stack = ""

            def __exit__(self, *exc):
                (graph._control_flow_context, graph._control_stack,
                 graph._name_stack) = self._saved
                return False

        return _Top()

    def placeholder_for(self, tensor_or_spec, name):
        """The argument placeholder standing for one tensor argument."""
        dtype = _dtypes.as_dtype(tensor_or_spec.dtype).base_dtype
        inner = constant_op.placeholder(dtype, tensor_or_spec.shape, name=name)
        self.inputs.append(inner)
        return inner


def _read_of(var_op, tensor):
    """The outside tensor a call op takes for a captured graph variable: its ``read``."""
    if tensor.op.type == "Identity":
        return tensor
    for consumer in tensor._consumers:
        if consumer.type == "Identity" and consumer.name == var_op.name + "/read":
            return consumer.outputs[0]
    return tensor
