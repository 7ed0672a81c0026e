"""The broadcasting helpers gradients use.

Reduce a gradient to an input's shape, broadcast it back (ours); and TensorFlow's own
``BroadcastGradientArgs`` and ``PreventGradient``, which graphs TensorFlow wrote contain.
"""

import numpy as np

from .. import errors
from ..graph import Tensor, convert_to_tensor
from ..op_signature import ALL, INDEX, NUMBERS, signature
from ..registry import register_op
from ..tensor_shape import TensorShape
from .common import blas_sum, make_op

# -- broadcasting helpers used by gradients ------------------------------------------------------


_BLAS_SUM_MIN = 1 << 16


def _size_of(shape):
    size = 1
    for d in shape:
        size *= d
    return size


def _summed_axes(shape, target):
    """The axes of ``shape`` to sum for ``target``, and whether they lead (BLAS-summable)."""
    lead = len(shape) - len(target)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, d in enumerate(target) if d == 1 and shape[i + lead] != 1
    )
    return axes, axes == tuple(range(len(axes)))


def _reduce_to_shape_kernel(attrs):
    plans = {}  # (grad shape, target) -> _summed_axes: the same shapes come every step

    def reduce_to(grad, like):
        target = like.shape
        shape = grad.shape
        if shape == target:
            return grad
        plan = plans.get((shape, target))
        if plan is None:
            plan = plans[(shape, target)] = _summed_axes(shape, target)
        axes, leading = plan
        if leading and grad.size < _BLAS_SUM_MIN:
            # A small bias gradient (the tutorial's [100, 10] to [10]): ops/common.py.
            summed = blas_sum(grad, axes, False)
            if summed is not None:
                return summed.reshape(target)
        if (leading and grad.size >= _BLAS_SUM_MIN and grad.flags.c_contiguous
                and grad.dtype.kind == "f"):
            # Summing leading axes of a large array (a conv bias gradient): one BLAS product
            # is several times faster than ufunc.reduce; small arrays keep the plain sum.
            rows = grad.reshape(-1, max(1, _size_of(target)))
            return (np.ones(rows.shape[0], dtype=grad.dtype) @ rows).reshape(target)
        summed = np.add.reduce(grad, axis=axes, keepdims=True, dtype=grad.dtype)
        # Small ints sum in their own dtype, as the op keeps its input's dtype.
        return summed.reshape(target)

    return reduce_to


register_op("ReduceToShapeOf", _reduce_to_shape_kernel, lambda op: [op.inputs[1].shape],
            signature=signature("grad: T, like: L, axes: N * Tidx -> output: T", T=NUMBERS,
                                Tidx=INDEX))


def reduce_to_shape_of(grad, like, name=None):
    """Sum ``grad`` over the axes along which ``like`` was broadcast (ours, for gradients)."""
    if grad.shape.is_fully_defined() and grad.shape == like.shape:
        return grad
    return make_op("ReduceToShapeOf", [grad, like], [grad.dtype], None, name).outputs[0]


def _broadcast_to_shape_kernel(attrs):
    axes = attrs["axes"]
    mean = attrs["mean"]

    kept_shapes = {}  # target shape -> the shape with the reduced axes kept as 1

    def broadcast_to(grad, like, *fed_axes):
        target = like.shape
        if fed_axes:  # the reduction's axes, known only when the session runs
            reduced = sorted({a % max(len(target), 1) for a in np.ravel(fed_axes[0]).tolist()})
            kept = list(target)
            for a in reduced:
                kept[a] = 1
            grad = grad.reshape(kept)
        elif axes is not None:
            kept = kept_shapes.get(target)
            if kept is None:
                kept = list(target)
                for a in range(len(target)) if axes == "all" else axes:
                    kept[a] = 1
                kept = kept_shapes[target] = tuple(kept)
            grad = grad.reshape(kept)
        if mean:
            count = like.size // max(grad.size, 1) if like.size else 1
            grad = np.true_divide(grad, count, dtype=grad.dtype)
        out = np.empty(target, dtype=grad.dtype)
        out[...] = grad
        return out

    return broadcast_to


register_op("BroadcastToShapeOf", _broadcast_to_shape_kernel, lambda op: [op.inputs[1].shape],
            signature=signature("grad: T, like: L, axes: N * Tidx -> output: T", T=NUMBERS,
                                Tidx=INDEX))


def broadcast_to_shape_of(grad, like, axes=None, mean=False, name=None):
    """Spread ``grad`` over ``like``'s shape, re-inserting reduced ``axes`` (ours).

    ``axes`` is None when the reduced axes were kept (size 1), the string ``"all"`` for a
    full reduction, or a tuple of non-negative axes; ``mean`` divides by the count.
    """
    if isinstance(axes, Tensor):
        attrs = {"axes": None, "mean": mean}
        inputs = [grad, like, axes]
    else:
        attrs = {"axes": axes, "mean": mean}
        inputs = [grad, like]
    return make_op("BroadcastToShapeOf", inputs, [grad.dtype], attrs, name).outputs[0]


# -- TensorFlow's own gradient helpers (in graphs TensorFlow wrote) -----------------------------


def _broadcast_gradient_args_kernel(attrs):
    def reduction_axes(s0, s1):
        if s0.ndim != 1 or s1.ndim != 1:
            bad = 0 if s0.ndim != 1 else 1
            raise errors.InvalidArgumentError(
                None, None, f"In[{bad}] must be a vector.{list((s0, s1)[bad].shape)}")
        left, right = s0.tolist(), s1.tolist()
        if left == right:
            empty = np.zeros(0, dtype=s0.dtype)
            return empty, empty.copy()
        rank = max(len(left), len(right))
        left = [1] * (rank - len(left)) + left
        right = [1] * (rank - len(right)) + right
        r0, r1 = [], []
        for axis, (a, b) in enumerate(zip(left, right)):
            # An axis of size 1 on one side was broadcast: its gradient is summed there.
            # Where both are 1, TensorFlow lists the axis for both (summing it is harmless).
            if a == 1:
                r0.append(axis)
            if b == 1:
                r1.append(axis)
            if a != b and a != 1 and b != 1:
                raise errors.InvalidArgumentError(
                    None, None, f"Incompatible shapes: [{','.join(map(str, s0.tolist()))}] "
                    f"vs. [{','.join(map(str, s1.tolist()))}]")
        return np.array(r0, dtype=s0.dtype), np.array(r1, dtype=s0.dtype)

    return reduction_axes


def _vector_of_unknown_length(op):
    return [TensorShape([None]), TensorShape([None])]


register_op("BroadcastGradientArgs", _broadcast_gradient_args_kernel, _vector_of_unknown_length,
            signature=signature("s0: T, s1: T -> r0: T, r1: T", T=INDEX))


def broadcast_gradient_args(s0, s1, name=None):
    """The axes to sum a broadcast result's gradient over for each of two inputs of shapes
    ``s0`` and ``s1`` (TensorFlow's gradient helper; graphs TensorFlow wrote use it)."""
    s0 = convert_to_tensor(s0, name="s0")
    s1 = convert_to_tensor(s1, name="s1")
    return tuple(make_op("BroadcastGradientArgs", [s0, s1], [s0.dtype, s0.dtype], None,
                         name).outputs)


def _prevent_gradient_kernel(attrs):
    return lambda x: x


register_op("PreventGradient", _prevent_gradient_kernel, lambda op: [op.inputs[0].shape],
            signature=signature("input: T -> output: T", T=ALL))


def prevent_gradient(input, message="", name=None):  # noqa: A002 - TensorFlow's name
    """Identity whose gradient is an error carrying ``message``."""
    input = convert_to_tensor(input, name="input")
    return make_op("PreventGradient", [input], [input.dtype], {"message": message},
                   name).outputs[0]
