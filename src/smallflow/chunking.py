"""Lean evaluation: run the row-wise part of a plan over a big batch a few rows at a time.

``accuracy.eval(feed_dict={x: mnist.test.images, ...})`` feeds 10,000 images at once. Run as
one plan, every intermediate of the whole batch exists at some point (the tutorial's CNN:
a 10,000 x 28 x 28 x 32 activation is 1 GB, and its im2col matrix 25 times the input): the
process peaked at 2.1 GB. Yet most of such a graph treats each example on its own: row ``i``
of a convolution's output depends only on row ``i`` of its input. This module finds that part
of a plan and the session runs it in chunks of rows, keeping only its outputs; the rest (the
accuracy's mean over the batch, dropout's noise, ...) then runs once on the concatenated
outputs, exactly as before.

How a plan is read. Each tensor the plan computes is one of:

* CONST: does not depend on the batch (variables, constants, fed scalars such as keep_prob);
* ROWS: its first dimension is the batch, and its row ``i`` depends only on row ``i`` of the
  fed batch (checked op by op with the rules of ``_ROW_RULES``, and only for tensors whose
  static first dimension is unknown, like the placeholders' ``None``);
* MIXED: anything else (a reduction over the batch, a shape read from the batch, random
  numbers, an op without a rule here).

Fed tensors with an unknown first dimension are ROWS. The *frontier* is the set of ROWS
tensors that a non-ROWS op reads or the caller fetches: those are computed chunk by chunk and
concatenated, then fed to the rest of the plan.

Why these rules, and where it stops: only a plan without side effects is split (its stateful
ops may only read variables or draw random numbers), because a chunk recomputes the CONST
tensors it needs; random ops are MIXED, so their draws happen once, with the same shapes, in
the same order as without chunking, and results are the same (up to the rounding of matrix
products of a different height). Ops with control inputs stop the split too. Chunks hold
about ``_CHUNK_BYTES`` of the largest row-wise tensor; batches that fit in one chunk (every
training step) run as one plan, untouched.
"""

import math
from typing import NamedTuple

import numpy as np

from .registry import OP_DEFS

_CONST, _ROWS, _MIXED = 0, 1, 2

# Rows per chunk: the largest row-wise tensor of a chunk holds about this many bytes.
_CHUNK_BYTES = 32 * 2**20
_MIN_CHUNK_ROWS = 64

# Ops passing their input through (the session does not run them).
_PASS_THROUGH = frozenset({"Identity", "StopGradient", "PlaceholderWithDefault"})
# Stateful ops a split plan may contain: reading variables (CONST), drawing numbers (MIXED).
_VARIABLE_READS = frozenset({"VariableV2"})
_RANDOM = frozenset({"RandomStandardNormal", "TruncatedNormal", "RandomUniform",
                     "RandomUniformInt"})

_ELEMENTWISE = frozenset({
    "Neg", "Abs", "Square", "Sqrt", "Rsqrt", "Exp", "Log", "Log1p", "Sign", "Reciprocal",
    "Tanh", "Sigmoid", "Floor", "Ceil", "Round", "LogicalNot", "IsNan", "IsInf", "IsFinite",
    "Cast", "Relu", "Relu6", "Elu", "Softplus", "LeakyRelu", "ZerosLike", "OnesLike",
    "Add", "AddV2", "Sub", "Mul", "RealDiv", "FloorDiv", "FloorMod", "Pow", "Maximum",
    "Minimum", "DivNoNan", "SquaredDifference", "Equal", "NotEqual", "Less", "LessEqual",
    "Greater", "GreaterEqual", "LogicalAnd", "LogicalOr", "BiasAdd", "Select", "SelectV2",
    "AddN",
})
_LAST_AXIS = frozenset({"Softmax", "LogSoftmax"})
_FIRST_INPUT_ONLY = frozenset({"Conv2D", "MaxPool", "AvgPool"})
_REDUCTIONS = frozenset({"Sum", "Mean", "Max", "Min", "Prod", "All", "Any"})
_ALL_INPUTS_ROWS = frozenset({
    "SoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits",
})


class Split(NamedTuple):
    """How to run a plan in chunks: which feeds are cut, what is kept, how many rows a go."""

    rows_feeds: tuple  # indices (into the plan's feeds) of the feeds cut into chunks
    frontier: tuple  # the ROWS tensors computed chunk by chunk
    chunk_rows: int


def find_split(order, feed_tensors, elements):
    """The :class:`Split` of a plan (ops in ``order``), or None when it has no row-wise part."""
    kinds = {}
    for tensor in feed_tensors:
        dims = tensor.shape.as_tuple()
        kinds[tensor] = _ROWS if dims and dims[0] is None else _CONST
    rows_ops = 0
    for op in order:
        if op.control_inputs:
            return None
        if OP_DEFS.lookup(op.type).stateful and op.type not in _VARIABLE_READS | _RANDOM:
            return None
        outputs = [t for t in op.outputs if t not in kinds]
        if not outputs:
            continue
        in_kinds = [kinds.get(t, _MIXED) for t in op.inputs]
        if op.type in _RANDOM or _MIXED in in_kinds:
            kind = _MIXED
        elif _ROWS not in in_kinds:
            kind = _CONST
        elif op.type in _PASS_THROUGH:
            kind = in_kinds[0]
        elif _row_wise(op, in_kinds) and all(_batch_first(t) for t in op.outputs):
            kind = _ROWS
            rows_ops += 1
        else:
            kind = _MIXED
        for tensor in outputs:
            kinds[tensor] = kind
    if not rows_ops:
        return None
    frontier = []
    seen = set(feed_tensors)
    consumers_done = set()
    for op in order:
        if op in consumers_done:
            continue
        consumers_done.add(op)
        op_kind = max((kinds.get(t, _MIXED) for t in op.outputs), default=_MIXED)
        if op_kind == _ROWS or op.type in _PASS_THROUGH:
            continue
        for tensor in op.inputs:
            if kinds.get(tensor) == _ROWS and tensor not in seen:
                seen.add(tensor)
                frontier.append(tensor)
    for element in elements:
        fetched_rows = getattr(element, "op", None) is not None and kinds.get(element) == _ROWS
        if fetched_rows and element not in seen:
            seen.add(element)
            frontier.append(element)
    frontier = [t for t in frontier if t not in set(feed_tensors)]
    if not frontier:
        return None
    rows_feeds = tuple(i for i, t in enumerate(feed_tensors) if kinds[t] == _ROWS)
    row_bytes = max(_row_bytes(t) for t, kind in kinds.items() if kind == _ROWS)
    chunk_rows = max(_MIN_CHUNK_ROWS, _CHUNK_BYTES // row_bytes)
    return Split(rows_feeds, tuple(frontier), chunk_rows)


def batch_rows(split, feed_values):
    """The common first dimension of the feeds a split cuts, or None if they disagree."""
    sizes = {len(feed_values[i]) if np.ndim(feed_values[i]) else None for i in split.rows_feeds}
    if len(sizes) != 1:
        return None
    (size,) = sizes
    return size


def _batch_first(tensor):
    dims = tensor.shape.as_tuple()
    return bool(dims) and dims[0] is None


def _rank(tensor):
    dims = tensor.shape.as_tuple()
    return None if dims is None else len(dims)


def _row_bytes(tensor):
    dims = tensor.shape.as_tuple() or (None,)
    size = math.prod(d if d is not None else 1 for d in dims[1:])
    return max(1, size * np.dtype(tensor.dtype.as_numpy_dtype).itemsize)


def _const_value(tensor):
    if tensor.op.type == "Const":
        return np.asarray(tensor.op.attrs.get("value"))
    return None


def _axes_exclude_batch(axes, rank):
    """Are ``axes`` (ints, possibly negative) all different from the batch axis 0?"""
    if axes is None or rank is None:
        return False
    values = np.asarray(axes).reshape(-1).tolist()
    if not values:
        return False  # no axes: a reduction over everything
    return all(isinstance(a, int) and a % rank != 0 for a in values)


def _broadcast_rows(op, in_kinds):
    """Elementwise with broadcasting: ROWS inputs have the output's rank; CONST inputs have
    a lower rank or a first dimension of 1, so they never line up with the batch."""
    rank = _rank(op.outputs[0])
    if rank is None or rank == 0:
        return False
    for tensor, kind in zip(op.inputs, in_kinds):
        dims = tensor.shape.as_tuple()
        if dims is None:
            return False
        if kind == _ROWS and len(dims) != rank:
            return False
        if kind == _CONST and len(dims) == rank and dims[0] != 1:
            return False
    return True


def _row_wise(op, in_kinds):
    """Does row ``i`` of each output of ``op`` depend only on row ``i`` of its ROWS inputs?"""
    kind = op.type
    attrs = op.attrs
    if kind in _ELEMENTWISE:
        return _broadcast_rows(op, in_kinds)
    if kind in _LAST_AXIS:
        return (_rank(op.inputs[0]) or 0) >= 2
    if kind in _FIRST_INPUT_ONLY:
        return in_kinds[0] == _ROWS and all(k == _CONST for k in in_kinds[1:])
    if kind == "MatMul":
        return (in_kinds == [_ROWS, _CONST] and not attrs.get("transpose_a")
                and _rank(op.inputs[0]) == 2)
    if kind in _ALL_INPUTS_ROWS:
        return all(k == _ROWS for k in in_kinds)
    if kind == "Reshape":
        return in_kinds[0] == _ROWS and _same_row_size(op.inputs[0], op.outputs[0])
    if kind in _REDUCTIONS:
        axes = attrs.get("axis")
        if axes is None and len(op.inputs) > 1 and in_kinds[1] == _CONST:
            axes = _const_value(op.inputs[1])
        return in_kinds[0] == _ROWS and _axes_exclude_batch(axes, _rank(op.inputs[0]))
    if kind in ("ArgMax", "ArgMin"):
        axis = attrs.get("axis")
        if axis is None and len(op.inputs) > 1:
            axis = _const_value(op.inputs[1])
        return in_kinds[0] == _ROWS and _axes_exclude_batch(axis, _rank(op.inputs[0]))
    if kind == "ExpandDims":
        axis = attrs.get("axis")
        rank = _rank(op.outputs[0])
        return axis is not None and rank is not None and int(axis) % rank != 0
    if kind == "Squeeze":
        dims = attrs.get("squeeze_dims")
        return bool(dims) and _axes_exclude_batch(list(dims), _rank(op.inputs[0]))
    return False


def _same_row_size(before, after):
    """A reshape keeps the batch dimension: both have a known, equal size per row."""
    a = before.shape.as_tuple()
    b = after.shape.as_tuple()
    if not a or not b or None in a[1:] or None in b[1:]:
        return False
    return math.prod(a[1:]) == math.prod(b[1:])
