"""Reverse-mode differentiation: adds the backward ops of ``ys`` w.r.t. ``xs`` to the graph."""

import collections
import enum

from .graph import Tensor, convert_to_tensor, get_default_graph, name_scope
from .ops import array_ops, math_ops, shape_ops
from .ops.indexed_slices import IndexedSlices, aggregate_gradients
from .registry import GRADIENTS


def _as_list(value):
    return list(value) if isinstance(value, list | tuple) else [value]


def _is_differentiable_dtype(tensor):
    return tensor.dtype.is_floating or tensor.dtype.is_complex


def _ops_between(y_ops, x_tensors, stop_ops):
    """Ops on some path from an x to a y (TensorFlow's "between" set)."""
    reached = set()
    x_ops = {t.op for t in x_tensors}
    queue = collections.deque(x_ops)
    while queue:
        op = queue.popleft()
        if op in reached:
            continue
        reached.add(op)
        if op in stop_ops and op not in x_ops:  # an x that is also a stop still has a gradient
            continue
        for output in op.outputs:
            queue.extend(output.consumers())
    between = set()
    queue = collections.deque(op for op in y_ops if op in reached)
    while queue:
        op = queue.popleft()
        if op in between:
            continue
        between.add(op)
        if op in stop_ops:
            continue
        queue.extend(t.op for t in op.inputs if t.op in reached)
    return between


def _seed(y, grad_y):
    if grad_y is not None:
        grad_y = convert_to_tensor(grad_y, dtype=y.dtype)
        if not y.shape.is_compatible_with(grad_y.shape):
            raise ValueError(f"Incompatible shapes between op input and calculated input "
                             f"gradient: {grad_y.shape} and {y.shape} for {y.name}")
        return grad_y
    if y.dtype.is_complex:
        # A complex y has no single "direction" to start from: TensorFlow asks for grad_ys.
        raise TypeError(f"Gradients of complex tensors ({y}) must set grad_ys (y.dtype = "
                        f"{y.dtype.name})")
    if y.shape.is_fully_defined():
        return array_ops.ones(y.shape, dtype=y.dtype, name=f"grad_ys_{y.value_index}")
    return array_ops.ones_like(y, name=f"grad_ys_{y.value_index}")


def _aggregate(grads):
    """Several gradients of one tensor as one: added, or IndexedSlices concatenated."""
    return aggregate_gradients(grads, math_ops.add_n)


# Op types whose gradient functions take IndexedSlices as they are (they pass them on, as
# TensorFlow's do); every other gradient function gets them made dense first.
_TAKES_INDEXED_SLICES = frozenset({"Identity", "Snapshot", "Cast"})


class UnconnectedGradients(enum.Enum):
    """What ``gradients`` gives for an x that no y depends on: None, or zeros."""

    NONE = "none"
    ZERO = "zero"


def _unconnected(value):
    try:
        return UnconnectedGradients(value)
    except ValueError:
        raise ValueError(f"Unknown value for unconnected_gradients: {value!r}") from None


def gradients(ys, xs, grad_ys=None, name="gradients", colocate_gradients_with_ops=False,
              gate_gradients=False, aggregation_method=None, stop_gradients=None,
              unconnected_gradients=UnconnectedGradients.NONE):
    """Symbolic partial derivatives of ``sum(ys)`` with respect to each of ``xs``.

    Adds the backward ops to the default graph (named ``gradients/...``) and returns one
    tensor per x, or None where no path leads from that x to any y. The gradient of a
    tensor read only through row gathers (``gather``, ``embedding_lookup``) is an
    ``IndexedSlices`` of the rows read, as in TensorFlow 1.x.
    """
    unconnected = _unconnected(unconnected_gradients)
    ys = [convert_to_tensor(y) for y in _as_list(ys)]
    xs = [x._gradient_source() if hasattr(x, "_gradient_source") else convert_to_tensor(x)
          for x in _as_list(xs)]
    grad_ys = [None] * len(ys) if grad_ys is None else _as_list(grad_ys)
    if len(grad_ys) != len(ys):
        raise ValueError(f"Passed {len(grad_ys)} grad_ys for {len(ys)} ys")
    stop_ops = {convert_to_tensor(t).op for t in _as_list(stop_gradients or [])}
    graph = get_default_graph()
    for tensor in ys + xs:
        if tensor.graph is not graph:
            raise ValueError(f"Tensor {tensor} is not an element of this graph.")

    with name_scope(name or "gradients"):
        grads = collections.defaultdict(list)
        for y, grad_y in zip(ys, grad_ys):
            grads[y].append(_seed(y, grad_y))
        between = _ops_between({y.op for y in ys}, xs, stop_ops)
        pending = collections.Counter()
        for op in between:
            for tensor in op.inputs:
                if tensor.op in between:
                    pending[tensor.op] += 1
        # In the order ys were given (not a set's): every process that builds the same
        # graph then adds the same gradient ops in the same order (MPI ranks rely on it).
        y_ops = dict.fromkeys(y.op for y in ys)
        ready = collections.deque(op for op in y_ops if pending[op] == 0)
        x_ops = {x.op for x in xs}
        done = set()
        while ready:
            op = ready.popleft()
            if op in done:
                continue
            done.add(op)
            _backprop_op(op, grads, between, stop_ops, x_ops)
            for tensor in op.inputs:
                if tensor.op in between:
                    pending[tensor.op] -= 1
                    if pending[tensor.op] == 0:
                        ready.append(tensor.op)
        results = [_aggregate(grads.get(x, [])) for x in xs]
    if unconnected is UnconnectedGradients.ZERO:
        # Made outside the gradients scope, as TensorFlow makes them (``zeros_like``).
        results = [shape_ops.zeros_like(x) if g is None else g for g, x in zip(results, xs)]
    return results


def _backprop_op(op, grads, between, stop_ops, x_ops):
    """Add the gradient ops of one op, accumulating into ``grads`` of its inputs."""
    out_grads = []
    for output in op.outputs:
        aggregated = _aggregate(grads.get(output, []))
        if aggregated is not None:
            grads[output] = [aggregated]
        out_grads.append(aggregated)
    if all(g is None for g in out_grads) or op in stop_ops or op not in between:
        return
    if not any(_is_differentiable_dtype(t) for t in op.inputs):
        return
    if op in x_ops and not any(t.op in between for t in op.inputs):
        return
    try:
        grad_fn = GRADIENTS.lookup(op.attrs.get("_gradient_op_type", op.type))
    except KeyError:
        raise LookupError(
            f"No gradient defined for operation '{op.name}' (op type: {op.type})"
        ) from None
    if grad_fn is None:
        return
    if op.type not in _TAKES_INDEXED_SLICES:
        out_grads = [convert_to_tensor(g) if isinstance(g, IndexedSlices) else g
                     for g in out_grads]
    with name_scope(op.name + "_grad"):
        in_grads = grad_fn(op, *out_grads)
    in_grads = _as_list(in_grads) if isinstance(in_grads, list | tuple) else [in_grads]
    if len(in_grads) != len(op.inputs):
        raise ValueError(
            f"Num gradients {len(in_grads)} generated for op {op.name} do not match num "
            f"inputs {len(op.inputs)}"
        )
    for tensor, grad in zip(op.inputs, in_grads):
        if grad is None or not _is_differentiable_dtype(tensor):
            continue
        if isinstance(grad, Tensor | IndexedSlices) and tensor.op in between:
            grads[tensor].append(grad)
