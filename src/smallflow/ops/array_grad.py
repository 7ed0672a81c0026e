"""Gradients of the array ops."""

from ..registry import NotDifferentiable, RegisterGradient
from . import array_ops, math_ops
from .array_ops import broadcast_to_shape_of, reduce_to_shape_of
from .common import constant_value, make_op


@RegisterGradient("Identity")
def _identity_grad(op, grad):
    return grad


RegisterGradient("PlaceholderWithDefault")(_identity_grad)
NotDifferentiable("StopGradient")
NotDifferentiable("Const")
NotDifferentiable("Placeholder")
NotDifferentiable("Shape")
NotDifferentiable("Size")
NotDifferentiable("Rank")
NotDifferentiable("ZerosLike")
NotDifferentiable("OnesLike")
NotDifferentiable("OneHot")


@RegisterGradient("Cast")
def _cast_grad(op, grad):
    source = op.inputs[0].dtype
    if source.is_floating and op.outputs[0].dtype.is_floating:
        return array_ops.cast(grad, source)
    return None


@RegisterGradient("Reshape")
def _reshape_grad(op, grad):
    return array_ops.reshape(grad, array_ops.shape(op.inputs[0])), None


@RegisterGradient("ExpandDims")
def _expand_dims_grad(op, grad):
    return array_ops.reshape(grad, array_ops.shape(op.inputs[0]))


@RegisterGradient("Squeeze")
def _squeeze_grad(op, grad):
    return array_ops.reshape(grad, array_ops.shape(op.inputs[0]))


@RegisterGradient("Transpose")
def _transpose_grad(op, grad):
    perm = constant_value(op.inputs[1])
    inverse = [0] * len(perm)
    for i, p in enumerate(perm):
        inverse[int(p)] = i
    return array_ops.transpose(grad, inverse), None


@RegisterGradient("Fill")
def _fill_grad(op, grad):
    return None, math_ops.reduce_sum(grad)


@RegisterGradient("StridedSlice")
def _strided_slice_grad(op, grad):
    x = op.inputs[0]
    attrs = {"spec": op.attrs["spec"]}
    return make_op("StridedSliceGrad", [grad, x], [grad.dtype], attrs).outputs[0]


@RegisterGradient("StridedSliceGrad")
def _strided_slice_grad_grad(op, grad):
    sliced = make_op("StridedSlice", [grad], [grad.dtype],
                               {"spec": op.attrs["spec"]}).outputs[0]
    return sliced, None


@RegisterGradient("ReduceToShapeOf")
def _reduce_to_shape_grad(op, grad):
    return broadcast_to_shape_of(grad, op.inputs[0]), None


@RegisterGradient("BroadcastToShapeOf")
def _broadcast_to_shape_grad(op, grad):
    axes = op.attrs["axes"]
    if axes is None:
        summed = grad
    else:
        summed = math_ops.reduce_sum(grad, axis=None if axes == "all" else list(axes))
    if op.attrs["mean"]:
        count = math_ops.cast(array_ops.size(op.inputs[1]), grad.dtype) / math_ops.cast(
            math_ops.maximum(array_ops.size(op.inputs[0]), 1), grad.dtype)
        summed = summed / count
    return reduce_to_shape_of(summed, op.inputs[0]), None
