"""Branches and loop bodies as sub-graphs, and the If / While / WhileGrad ops that run them.

A branch of ``tf.cond`` or the body of ``tf.while_loop`` is built into the same Graph as
everything else, but while it is built the graph's control flow context is a
``FunctionContext``: every op created then is recorded as belonging to it. When the branch
is finished, the context walks back from the branch's outputs and lists what the branch
reads from outside (its *captures*). The op that runs the branch (``If``, ``While``,
``WhileGrad``) takes those outside tensors as inputs, so a session plan that needs the
result first computes the captures, then calls the op's kernel; the kernel runs the branch
through a compiled sub-plan of the same session (``state.subgraph``). Ops of a branch are
never in the enclosing plan, which is how only the branch taken runs.

Gradients need values from inside a branch or an iteration. They ask for them with
``expose``: an If op hands out the requested inner values of the branch it ran (its last
output, a dict), a While op keeps them for every iteration (its history, a dict of lists),
and the gradient reads them back with a ``ControlFlowValue`` op.
"""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import get_default_graph
from ..op_signature import signature
from ..registry import OP_DEFS, NotDifferentiable, register_op
from ..tensor_shape import TensorShape, unknown_shape
from .common import make_op


class FunctionContext(dict):
    """The ops of one branch or loop body, its inputs, outputs and captured outside values.

    As a dict it holds a plain description by names (what a GraphDef or ``.meta`` file
    records for the If/While op that owns it); the live objects are its attributes.
    """

    __hash__ = object.__hash__

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    def __init__(self, kind, name):
        super().__init__(kind=kind, name=name)
        self.graph = get_default_graph()
        self.kind = kind  # "cond", "while" or "while_grad"
        self.name = name
        self.outer = self.graph._control_flow_context
        self.ops = set()
        self.inputs = []  # tensors fed each call (loop variables), made inside the context
        self.outputs = []
        self.captures = []  # (tensor fed inside, tensor outside, one value per iteration?)
        self.control_captures = []
        self.owner = None  # the op that runs this context, once made
        self.forward = None  # while_grad: the forward While op it runs backwards
        self.exposed = []  # inner tensors whose values gradients asked for
        self._readers = {}

    def add_op(self, op):
        self.ops.add(op)

    def __enter__(self):
        self._saved = self.graph._control_flow_context
        self.graph._control_flow_context = self
        return self

    def __exit__(self, *exc):
        self.graph._control_flow_context = self._saved
        return False

    def encloses(self, context):
        """Is ``context`` this context or one it is nested in?"""
        current = self
        while current is not None:
            if current is context:
                return True
            current = current.outer
        return False

    def close(self, outputs, extra_outputs=()):
        """Record ``outputs`` and find the captures of everything they depend on."""
        self.outputs = list(outputs)
        captured = {}
        seen = set()
        stack = []

        def visit(tensor):
            if tensor.op in self.ops:
                if tensor.op not in seen:
                    seen.add(tensor.op)
                    stack.append(tensor.op)
            elif tensor not in captured:
                captured[tensor] = self._source_of(tensor)

        for tensor in [*self.outputs, *extra_outputs]:
            visit(tensor)
        while stack:
            op = stack.pop()
            for tensor in op.inputs:
                visit(tensor)
            for dep in op.control_inputs:
                if dep in self.ops:
                    if dep not in seen:
                        seen.add(dep)
                        stack.append(dep)
                elif dep not in self.control_captures:
                    self.control_captures.append(dep)
        self.captures = [(inner, source, sliced) for inner, (source, sliced) in captured.items()]
        self._describe()

    def _describe(self):
        """Write the plain description by names (what a GraphDef records)."""
        self.update(
            inputs=[t.name for t in self.inputs],
            outputs=[t.name for t in self.outputs],
            captures=[[inner.name, None if source is None else source.name, sliced]
                      for inner, source, sliced in self.captures],
            control_captures=[op.name for op in self.control_captures],
            ops=sorted(op.name for op in self.ops),
        )

    def _source_of(self, tensor):
        """Where a captured value comes from: (outside tensor, one value per iteration?)."""
        home = tensor.op._control_flow_context
        if home is None or self.encloses(home):
            return tensor, False
        owner = home.owner
        if owner is None:
            raise ValueError(f"Cannot use '{tensor.name}' here: it is inside a branch or loop "
                             "that is still being built.")
        if owner.type == "If":
            return expose(owner, home, tensor), False
        if self.kind == "while_grad" and self.forward is owner:
            return expose(owner, home, tensor), True
        return tensor, False  # the enclosing context resolves it when it closes


def revive(created):
    """Make the If/While/WhileGrad ops of an imported graph runnable again.

    A GraphDef or ``.meta`` file records each branch or loop body as a description by names
    (the ``FunctionContext`` dict), and the body's ops as ordinary nodes. ``created`` maps
    every node name of the GraphDef to the op the import made for it; from those this rebuilds
    the live contexts (their ops, loop variables, outputs and captures as tensors of the new
    graph, nesting, owners) and the values gradients had asked the forward ops to keep, so
    ``import_meta_graph`` followed by ``Session.run`` works for RNNs, conds and their
    gradients (a restored training step included), under any import prefix.
    """

    def tensor(name):
        if name is None:
            return None
        op_name, _, index = name.rpartition(":")
        op = created.get(op_name)
        return None if op is None else op.outputs[int(index)]

    owners = [op for op in created.values() if op.type in ("If", "While", "WhileGrad")]
    contexts = []
    for op in owners:
        key = "branches" if op.type == "If" else "context"
        described = op.attrs.get(key)
        if described is None:
            continue
        several = op.type == "If"
        live = []
        for desc in (described if several else [described]):
            if isinstance(desc, FunctionContext):
                live.append(desc)
                continue
            ctx = FunctionContext(desc["kind"], desc["name"])
            ctx.ops = {created[name] for name in desc["ops"] if name in created}
            ctx.inputs = [tensor(name) for name in desc["inputs"]]
            ctx.outputs = [tensor(name) for name in desc["outputs"]]
            ctx.captures = [(tensor(inner), tensor(source), sliced)
                            for inner, source, sliced in desc["captures"]]
            ctx.control_captures = [created[name] for name in desc["control_captures"]
                                    if name in created]
            ctx.owner = op
            missing = [t for t in [*ctx.inputs, *ctx.outputs] if t is None]
            missing += [inner for inner, _, _ in ctx.captures if inner is None]
            if missing:
                raise ValueError(f"The {op.type} op '{op.name}' cannot be rebuilt: its "
                                 f"{desc['kind']} body names tensors the graph does not hold")
            for inner in ctx.ops:
                inner._control_flow_context = ctx
            ctx._describe()
            contexts.append(ctx)
            live.append(ctx)
        op.attrs[key] = live if several else live[0]
    for ctx in contexts:
        ctx.outer = ctx.owner._control_flow_context
    for op in created.values():
        if op.type != "ControlFlowValue":
            continue
        owner = op.inputs[0].op
        homes = owner.attrs.get("branches") or [owner.attrs.get("context")]
        value = tensor(op.attrs["key"])
        home = next((h for h in homes if value is not None and value.op in h.ops), None)
        if home is None:
            continue
        if value not in home.exposed:
            home.exposed.append(value)
        op.attrs["key"] = value.name
        home._readers[(value, op._control_flow_context)] = op.outputs[0]


def expose(owner, home, tensor):
    """A tensor, next to ``owner``'s caller, holding ``tensor``'s value(s) from inside ``home``.

    For an If op, the value of the branch that ran; for a While op, the list of its values,
    one per iteration.
    """
    if tensor not in home.exposed:
        home.exposed.append(tensor)
    graph = owner.graph
    place = graph._control_flow_context
    key = (tensor, place)
    reader = home._readers.get(key)
    if reader is None:
        bundle = owner.outputs[-1]
        # An If's reader also takes the If's inputs (not read when run): a gradient of the
        # value (a second derivative through the cond) reaches them along these edges.
        sources = list(owner.inputs[1:]) if owner.type == "If" else []
        reader = make_op("ControlFlowValue", [bundle, *sources], [tensor.dtype],
                         {"key": tensor.name}, name=tensor.op.name + "/Exposed").outputs[0]
        if owner.type == "If":
            reader.set_shape(tensor.shape)  # the one value of the branch that ran
        home._readers[key] = reader
    return reader


def _value_kernel(attrs):
    key = attrs["key"]
    return lambda bundle, *sources: bundle.get(key)  # None when its branch did not run


# Its gradient (through an If's branch) is in control_flow_grad.py.
register_op("ControlFlowValue", _value_kernel, lambda op: [unknown_shape()])


# -- tf.case's run-time checks ---------------------------------------------------------------------


def _case_check_kernel(attrs):
    mode = attrs["mode"]
    names = attrs["names"]

    def check(*values):
        truths = [bool(v) for v in values]
        if mode == "none" and not any(truths):
            raise InvalidArgumentError(
                None, None, "None of the conditions evaluated as True. Conditions: "
                f"({', '.join(names)}), Values: {truths}")
        if mode == "exclusive" and sum(truths) > 1:
            raise InvalidArgumentError(
                None, None, "More than one condition evaluated as True but exclusive=True. "
                f"Conditions: ({', '.join(names)}), Values: {truths}")
        return np.array(True)

    return check


register_op("CaseCheck", _case_check_kernel, lambda op: [TensorShape([])],
            signature=signature("preds: N * bool -> ok: bool"))
NotDifferentiable("CaseCheck")


def case_check(preds, mode):
    """A bool op that fails unless the predicates' values suit ``case`` (``mode``)."""
    attrs = {"mode": mode, "names": [p.name for p in preds]}
    return make_op("CaseCheck", preds, [dtypes.bool], attrs, name=f"Assert_{mode}").outputs[0]


# -- loop variables --------------------------------------------------------------------------


def _loop_var_kernel(attrs):
    def fail():
        raise InvalidArgumentError(
            None, None,
            f"'{attrs['loop']}' loop variable has a value only inside the loop; fetch the "
            "loop's results instead.",
        )

    return fail


register_op("LoopVar", _loop_var_kernel, lambda op: [op.attrs["shape"]])
NotDifferentiable("LoopVar")


def loop_var(dtype, shape, loop, name):
    """The tensor standing for one loop variable inside a body."""
    attrs = {"dtype": dtype, "shape": shape, "loop": loop}
    return make_op("LoopVar", [], [dtype], attrs, name=name).outputs[0]


# -- the ops ---------------------------------------------------------------------------------


def _live(context, op_type):
    """``context`` itself, or a clear error for an If/While read back from a GraphDef."""
    if not isinstance(context, FunctionContext):
        raise InvalidArgumentError(
            None, None, f"This {op_type} op came from a GraphDef or .meta file: smallflow keeps "
            "the branches and loop bodies of tf.cond/tf.while_loop only in graphs built in "
            "Python, so rebuild the graph with the code that made it.")
    return context


def _reads_variable(tensor):
    """Is ``tensor`` a variable's value (the variable op, or its ``read`` identity)?"""
    op = tensor.op
    if op.type == "Identity" and op.inputs:
        op = op.inputs[0].op
    return op.type == "VariableV2"


def written_inside(contexts):
    """Names of the variables the ops of ``contexts`` may assign (nested If/While too)."""
    names = set()
    for context in contexts:
        for inner in getattr(context, "ops", ()):  # a GraphDef's context has no ops
            if inner.type in ("If", "While"):
                names |= written_inside(inner.attrs.get("branches") or [inner.attrs["context"]])
            elif inner.type != "VariableV2" and OP_DEFS.lookup(inner.type).stateful:
                own = inner.attrs.get("var_names") or (inner.attrs.get("var_name"),)
                names |= {name for name in own if name is not None}
    return names


def _variable_name(tensor):
    op = tensor.op
    if op.type == "Identity" and op.inputs:
        op = op.inputs[0].op
    return op.attrs["var_name"]


def subgraph_function(state, context, outputs):
    """``state.subgraph`` for a context: values in the order [*inputs, *captures].

    A captured variable (or its ``read`` identity) that the context assigns stays an input
    of the op, so gradients flow to it, but the sub-plan reads it afresh each call: an
    iteration sees what earlier ones assigned, as TensorFlow 1.x's reference variables do.
    One it never assigns is taken as passed in, so a value fed for it in the run is used.
    """
    captured = [inner for inner, _, _ in context.captures]
    assigned = written_inside([context])
    keep = list(range(len(context.inputs)))
    keep += [len(context.inputs) + j for j, inner in enumerate(captured)
             if not _reads_variable(inner) or _variable_name(inner) not in assigned]
    feeds = [*context.inputs, *captured]
    call = state.subgraph(outputs, [feeds[i] for i in keep], context.control_captures)
    if len(keep) == len(feeds):
        return call
    return lambda values: call([values[i] for i in keep])


class _Runner:
    """Compiles a context's sub-plan in one session; recompiles when more is exposed."""

    def __init__(self, state, context, outputs):
        self._state = state
        self._context = context
        self._outputs = outputs
        self._exposed_count = -1
        self.call = None

    def ready(self):
        if self._exposed_count != len(self._context.exposed):
            self._exposed_count = len(self._context.exposed)
            self.exposed = list(self._context.exposed)
            self.exposed_names = [t.name for t in self.exposed]
            fetches = [*self._outputs, *self.exposed]
            self.call = subgraph_function(self._state, self._context, fetches)
        return self.call


def _if_kernel(attrs, state):
    branches = [_live(ctx, "If") for ctx in attrs["branches"]]
    count = attrs["num_outputs"]
    runners = [_Runner(state, ctx, ctx.outputs) for ctx in branches]
    picks = attrs["input_indices"]

    def run(pred, *inputs):
        index = 0 if pred else 1
        runner = runners[index]
        call = runner.ready()
        values = call([inputs[i] for i in picks[index]])
        bundle = dict(zip(runner.exposed_names, values[count:]))
        return (*values[:count], bundle)

    return run


def _if_shapes(op):
    return [*op.attrs["shapes"], unknown_shape()]


register_op("If", _if_kernel, _if_shapes, stateful=True)


def _while_kernel(attrs, state):
    ctx = _live(attrs["context"], "While")
    count = len(ctx.inputs)
    max_index = attrs["max_index"]
    body = _Runner(state, ctx, ctx.outputs[1:])
    cond = subgraph_function(state, ctx, [ctx.outputs[0]])
    name = attrs["name"]

    def run(*inputs):
        values = list(inputs[:count])
        captured = list(inputs[count:max_index])
        limit = None if max_index is None else int(inputs[max_index])
        call = body.ready()
        history = [[] for _ in body.exposed]
        trips = 0
        while limit is None or trips < limit:
            feed = values + captured
            (pred,) = cond(feed)
            if np.ndim(pred) != 0:
                raise InvalidArgumentError(None, None, f"The condition of while loop '{name}' "
                                           f"must be a scalar, got shape {np.shape(pred)}.")
            if not pred:
                break
            out = call(feed)
            values = out[:count]
            for kept, value in zip(history, out[count:]):
                kept.append(value)
            trips += 1
        return (*values, np.int32(trips), dict(zip(body.exposed_names, history)))

    return run


def _while_shapes(op):
    ctx = op.attrs["context"]
    if not isinstance(ctx, FunctionContext):  # read back from a GraphDef
        return [unknown_shape() for _ in op.outputs]
    return [*(t.shape for t in ctx.inputs), TensorShape([]), unknown_shape()]


def _while_grad_shapes(op):
    ctx = op.attrs["context"]
    if not isinstance(ctx, FunctionContext):
        return [unknown_shape() for _ in op.outputs]
    return [t.shape for t in ctx.inputs]


register_op("While", _while_kernel, _while_shapes, stateful=True)


def _while_grad_kernel(attrs, state):
    ctx = _live(attrs["context"], "WhileGrad")
    count = len(ctx.inputs)
    sliced = [s for _, _, s in ctx.captures]
    runner = subgraph_function(state, ctx, ctx.outputs)

    def run(trips, *inputs):
        values = list(inputs[:count])
        captured = inputs[count:]
        for step in range(int(trips) - 1, -1, -1):
            feed = [value[step] if each else value for value, each in zip(captured, sliced)]
            values = runner(values + feed)
        return tuple(values) if count != 1 else values[0]

    return run


register_op("WhileGrad", _while_grad_kernel, _while_grad_shapes, stateful=True)


def bundle_dtype():
    """The dtype given to the last output of If/While (a dict, never differentiated)."""
    return dtypes.int32
