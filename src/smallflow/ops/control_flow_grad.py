"""Gradients of If, While and the TensorArray ops.

The gradient of an If is another If on the same predicate whose branches hold the
gradients of the forward branches; values from inside the forward branch come out of the
forward If (``expose``). The gradient of a While is a WhileGrad op: it runs a body holding
the gradient of one forward iteration as many times as the forward loop ran, last
iteration first, reading each iteration's forward values from the While's history.
"""

from ..registry import RegisterGradient
from . import array_ops, control_flow_ops, tensor_array_ops
from .common import make_op
from .control_flow_context import FunctionContext, loop_var
from .indexed_slices import IndexedSlices, densify


def _differentiable(tensor):
    return tensor.dtype.is_floating or tensor.dtype.is_complex


def _gradients(ys, xs, grad_ys):
    """d(ys)/d(xs) treating every x as independent (no path from one x through another)."""
    from ..gradients import gradients  # noqa: PLC0415 - gradients.py imports the op modules

    if not ys or not xs:
        return [None] * len(xs)
    found = gradients(ys, xs, grad_ys=grad_ys, stop_gradients=xs, name="grad")
    # Branch and loop-body gradients are carried and accumulated as plain tensors: a row
    # gather's IndexedSlices inside a branch or loop body is summed into its dense form.
    return [densify(g) if isinstance(g, IndexedSlices) else g for g in found]


def _branch_grad(ctx, sources, wanted, pairs, reached):
    """A cond branch function: d(ys)/d(sources[wanted]) inside ``ctx`` for (y, grad)
    ``pairs`` of its inner tensors, zeros for a source the ys do not depend on; the
    indices of the sources they do depend on are added to ``reached``."""

    def grad_fn():
        inner_of = {source: inner for inner, source, _ in ctx.captures}
        xs = [inner_of.get(sources[i]) for i in wanted]
        present = [x for x in xs if x is not None]
        found = dict(zip(present, _gradients([y for y, _ in pairs], present,
                                             [g for _, g in pairs])))
        results = []
        for i, x in zip(wanted, xs):
            grad = found.get(x) if x is not None else None
            if grad is not None:
                reached.add(i)
            results.append(grad if grad is not None
                           else tensor_array_ops.zeros_like_value(sources[i]))
        return results

    return grad_fn


def _cond_of_grads(op, pairs_of):
    """The gradients of an If's sources, as another If on its predicate (each branch's
    from ``pairs_of(ctx)``); None for the predicate and sources of other types."""
    sources = op.inputs[1:]
    wanted = [i for i, t in enumerate(sources) if _differentiable(t)]
    in_grads = [None] * len(op.inputs)
    if not wanted:
        return in_grads
    true_ctx, false_ctx = op.attrs["branches"]
    reached = set()
    results = control_flow_ops.cond(
        op.inputs[0], _branch_grad(true_ctx, sources, wanted, pairs_of(true_ctx), reached),
        _branch_grad(false_ctx, sources, wanted, pairs_of(false_ctx), reached), strict=True)
    for i, grad in zip(wanted, results):
        # None, as in TensorFlow, for a source no differentiated value depends on in either
        # branch (its zeros output is left unused).
        in_grads[1 + i] = grad if i in reached else None
    return in_grads


@RegisterGradient("If")
def _if_grad(op, *grads):
    out_grads = grads[:-1]
    if all(g is None for g in out_grads):
        return [None] * len(op.inputs)

    def pairs_of(ctx):
        return [(y, g) for y, g in zip(ctx.outputs, out_grads)
                if g is not None and _differentiable(y)]

    return _cond_of_grads(op, pairs_of)


@RegisterGradient("ControlFlowValue")
def _value_grad(op, grad):
    """A value a gradient read from inside an If's branch, differentiated (a second
    derivative through a cond): its gradient reaches the If's inputs through that branch,
    when it is the one taken; the reader takes those inputs for this."""
    owner = op.inputs[0].op
    if owner.type != "If" or grad is None:
        return [None] * len(op.inputs)
    value_name = op.attrs["key"]

    def pairs_of(ctx):
        return [(t, grad) for t in ctx.exposed if t.name == value_name]

    # The reader's inputs are the If's bundle and then the If's inputs but the predicate.
    return [None, *_cond_of_grads(owner, pairs_of)[1:]]


@RegisterGradient("While")
def _while_grad(op, *grads):
    ctx = op.attrs["context"]
    count = len(ctx.inputs)
    sources = op.inputs[count:count + len(ctx.captures)]
    in_grads = [None] * len(op.inputs)
    if not op.attrs["back_prop"]:
        return in_grads
    out_grads = grads[:count]
    var_ids = [i for i in range(count) if _differentiable(ctx.inputs[i])]
    cap_ids = [j for j, (inner, _, _) in enumerate(ctx.captures) if _differentiable(inner)]
    if all(out_grads[i] is None for i in var_ids) or not (var_ids or cap_ids):
        return in_grads
    initial = [out_grads[i] if out_grads[i] is not None
               else tensor_array_ops.zeros_like_value(op.outputs[i]) for i in var_ids]
    initial += [tensor_array_ops.zeros_like_value(sources[j]) for j in cap_ids]
    gctx = FunctionContext("while_grad", op.attrs["name"] + "_grad")
    gctx.forward = op
    with gctx:
        state = [loop_var(t.dtype, t.shape, gctx.name, "Identity") for t in initial]
        gctx.inputs = state
        var_grads = state[:len(var_ids)]
        totals = state[len(var_ids):]
        body_outputs = ctx.outputs[1:]
        xs = [ctx.inputs[i] for i in var_ids] + [ctx.captures[j][0] for j in cap_ids]
        found = _gradients([body_outputs[i] for i in var_ids], xs, var_grads)
        new_state = []
        for grad, previous in zip(found[:len(var_ids)], var_grads):
            new_state.append(grad if grad is not None
                             else tensor_array_ops.zeros_like_value(previous))
        for grad, total in zip(found[len(var_ids):], totals):
            new_state.append(total if grad is None else tensor_array_ops.accumulate(total, grad))
    gctx.close(new_state)
    captured = [source for _, source, _ in gctx.captures]
    grad_op = make_op("WhileGrad", [op.outputs[count], *initial, *captured],
                      [t.dtype for t in initial], {"context": gctx}, name="WhileGrad")
    for dep in gctx.control_captures:
        grad_op._add_control_input(dep)
    gctx.owner = grad_op
    results = grad_op.outputs
    for k, i in enumerate(var_ids):
        in_grads[i] = results[k]
    for k, j in enumerate(cap_ids):
        in_grads[count + j] = results[len(var_ids) + k]
    return in_grads


@RegisterGradient("WhileGrad")
def _while_grad_grad(op, *grads):
    # TensorFlow 1.x's while loops (v1 control flow) refuse a gradient of their gradient
    # when the graph is built, with this TypeError.
    raise TypeError("Second-order gradient for while loops not supported.")


# -- TensorArray ---------------------------------------------------------------------------


def _ta_grad_op(op_type, inputs, dtype):
    return make_op(op_type, inputs, [dtype], None, name=op_type).outputs[0]


@RegisterGradient("TensorArrayWriteV3")
def _write_grad(op, grad):
    value = op.inputs[2]
    return [grad, None, _ta_grad_op("TensorArrayGradRead", [grad, op.inputs[1], value],
                                    value.dtype)]


@RegisterGradient("TensorArrayReadV3")
def _read_grad(op, grad):
    return [_ta_grad_op("TensorArrayGradWrite", [op.inputs[1], grad], grad.dtype), None]


@RegisterGradient("TensorArrayStack")
def _stack_grad(op, grad):
    return [_ta_grad_op("TensorArrayGradUnstack", [grad], grad.dtype)]


@RegisterGradient("TensorArrayGatherV3")
def _gather_grad(op, grad):
    return [_ta_grad_op("TensorArrayGradScatter", [op.inputs[1], grad], grad.dtype), None]


@RegisterGradient("TensorArrayUnstack")
def _unstack_grad(op, grad):
    value = op.inputs[1]
    return [grad, _ta_grad_op("TensorArrayGradStack", [grad, value], value.dtype)]


@RegisterGradient("TensorArrayScatterV3")
def _scatter_grad(op, grad):
    value = op.inputs[2]
    return [grad, None, _ta_grad_op("TensorArrayGradGather", [grad, op.inputs[1], value],
                                    value.dtype)]


@RegisterGradient("TensorArrayConcatV3")
def _concat_grad(op, grad, lengths_grad):
    return [_ta_grad_op("TensorArrayGradSplit", [grad, op.outputs[1]], grad.dtype)]


@RegisterGradient("TensorArraySplitV3")
def _split_grad(op, grad):
    value = op.inputs[1]
    return [grad, _ta_grad_op("TensorArrayGradConcat", [grad, op.inputs[2], value],
                              value.dtype), None]


# Identity passes a TensorArray's gradient along unchanged; the flow's zeros are ours.
_ = array_ops
