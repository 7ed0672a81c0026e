"""Gradients of the neural-network ops."""

from ..registry import RegisterGradient
from . import array_ops, math_ops, nn_ops


@RegisterGradient("Softmax")
def _softmax_grad(op, grad):
    y = op.outputs[0]
    inner = math_ops.reduce_sum(grad * y, axis=-1, keepdims=True)
    return (grad - inner) * y


@RegisterGradient("LogSoftmax")
def _log_softmax_grad(op, grad):
    softmax = math_ops.exp(op.outputs[0])
    return grad - math_ops.reduce_sum(grad, axis=-1, keepdims=True) * softmax


@RegisterGradient("SoftmaxCrossEntropyWithLogits")
def _xent_grad(op, grad_loss, grad_backprop):
    backprop = op.outputs[1]
    expanded = array_ops.expand_dims(grad_loss, -1)
    grad_logits = expanded * backprop
    logits = op.inputs[0]
    grad_labels = expanded * -nn_ops.log_softmax(logits)
    return grad_logits, grad_labels


@RegisterGradient("SparseSoftmaxCrossEntropyWithLogits")
def _sparse_xent_grad(op, grad_loss, grad_backprop):
    expanded = array_ops.expand_dims(grad_loss, -1)
    return expanded * op.outputs[1], None


@RegisterGradient("Relu")
def _relu_grad(op, grad):
    return array_ops.make_op("ReluGrad", [grad, op.outputs[0]], [grad.dtype]).outputs[0]


@RegisterGradient("Relu6")
def _relu6_grad(op, grad):
    return array_ops.make_op("Relu6Grad", [grad, op.inputs[0]], [grad.dtype]).outputs[0]


@RegisterGradient("ReluGrad")
def _relu_grad_grad(op, grad):
    return array_ops.make_op("ReluGrad", [grad, op.inputs[1]], [grad.dtype]).outputs[0], None


@RegisterGradient("Relu6Grad")
def _relu6_grad_grad(op, grad):
    return array_ops.make_op("Relu6Grad", [grad, op.inputs[1]], [grad.dtype]).outputs[0], None
