"""Gradients of the neural-network ops."""

import numpy as np

from ..registry import RegisterGradient
from . import array_ops, math_ops, nn_ops
from .broadcast_ops import prevent_gradient, reduce_to_shape_of
from .common import make_op


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
    logits = op.inputs[0]
    grad_logits = None
    grad_labels = None
    if grad_loss is not None:
        expanded = array_ops.expand_dims(grad_loss, -1)
        grad_logits = expanded * op.outputs[1]
        # Labels may broadcast against the logits: their gradient is summed back to their shape.
        grad_labels = reduce_to_shape_of(expanded * -nn_ops.log_softmax(logits), op.inputs[1])
    if grad_backprop is not None:
        # A second derivative: backprop = softmax(logits) - labels, so the gradient reaching
        # it goes back through softmax's Jacobian (TensorFlow adds no labels term for it).
        softmax = nn_ops.softmax(logits)
        inner = math_ops.reduce_sum(grad_backprop * softmax, axis=-1, keepdims=True)
        through_softmax = (grad_backprop - inner) * softmax
        grad_logits = through_softmax if grad_logits is None else grad_logits + through_softmax
    if grad_labels is None:
        # TensorFlow fills the loss's missing gradient with zeros: the labels get zeros too.
        grad_labels = array_ops.zeros_like(op.inputs[1])
    return grad_logits, grad_labels


@RegisterGradient("SparseSoftmaxCrossEntropyWithLogits")
def _sparse_xent_grad(op, grad_loss, grad_backprop):
    # TensorFlow refuses the second derivative of the fused sparse op (its backprop output
    # passes through PreventGradient): tf.gradients of this gradient is a LookupError.
    backprop = prevent_gradient(
        op.outputs[1], message="Currently there is no way to take the second derivative of "
        "sparse_softmax_cross_entropy_with_logits due to the fused implementation's "
        "interaction with tf.gradients()")
    expanded = array_ops.expand_dims(grad_loss, -1)
    return expanded * backprop, None


@RegisterGradient("Relu")
def _relu_grad(op, grad):
    return make_op("ReluGrad", [grad, op.outputs[0]], [grad.dtype]).outputs[0]


@RegisterGradient("Relu6")
def _relu6_grad(op, grad):
    return make_op("Relu6Grad", [grad, op.inputs[0]], [grad.dtype]).outputs[0]


def _zeros_of(tensor):
    """Zeros for a piecewise-linear op's kink input: TensorFlow gives zeros, not None, so a
    second derivative through relu, relu6, leaky_relu or max_pool is a zero tensor."""
    return array_ops.zeros(array_ops.shape(tensor), dtype=tensor.dtype)


@RegisterGradient("ReluGrad")
def _relu_grad_grad(op, grad):
    x = op.inputs[1]
    return make_op("ReluGrad", [grad, x], [grad.dtype]).outputs[0], _zeros_of(x)


@RegisterGradient("Relu6Grad")
def _relu6_grad_grad(op, grad):
    x = op.inputs[1]
    return make_op("Relu6Grad", [grad, x], [grad.dtype]).outputs[0], _zeros_of(x)


@RegisterGradient("Elu")
def _elu_grad(op, grad):
    return make_op("EluGrad", [grad, op.outputs[0]], [grad.dtype]).outputs[0]


@RegisterGradient("EluGrad")
def _elu_grad_grad(op, grad):
    upstream, y = op.inputs
    d_upstream = make_op("EluGrad", [grad, y], [grad.dtype]).outputs[0]
    d_y = array_ops.where(y < 0.0, grad * upstream, array_ops.zeros_like(y))
    return d_upstream, d_y


@RegisterGradient("Softplus")
def _softplus_grad(op, grad):
    return make_op("SoftplusGrad", [grad, op.inputs[0]], [grad.dtype]).outputs[0]


@RegisterGradient("SoftplusGrad")
def _softplus_grad_grad(op, grad):
    upstream, x = op.inputs
    d_upstream = make_op("SoftplusGrad", [grad, x], [grad.dtype]).outputs[0]
    # d/dx sigmoid(x) = 1 / (exp(-x) + 2 + exp(x)).
    d_x = grad * upstream / (math_ops.exp(-x) + 2.0 + math_ops.exp(x))
    return d_upstream, d_x


@RegisterGradient("LeakyRelu")
def _leaky_relu_grad(op, grad):
    return make_op("LeakyReluGrad", [grad, op.inputs[0]], [grad.dtype],
                          {"alpha": op.attrs["alpha"]}).outputs[0]


@RegisterGradient("LeakyReluGrad")
def _leaky_relu_grad_grad(op, grad):
    x = op.inputs[1]
    d_upstream = make_op("LeakyReluGrad", [grad, x], [grad.dtype],
                         {"alpha": op.attrs["alpha"]}).outputs[0]
    return d_upstream, _zeros_of(x)


# -- convolution and pooling -------------------------------------------------------------------


def _shape_of(tensor):
    """``tensor``'s shape as an int32 tensor: a constant when it is known at build time."""
    if tensor.shape.is_fully_defined():
        return array_ops.constant(np.array(tensor.shape.as_list(), dtype=np.int32))
    return array_ops.shape(tensor)


def _conv_args(op):
    return {
        "strides": op.attrs["strides"],
        "padding": op.attrs["padding"],
        "data_format": op.attrs["data_format"],
        "dilations": op.attrs["dilations"],
    }


@RegisterGradient("Conv2D")
def _conv2d_grad(op, grad):
    x, w = op.inputs
    args = _conv_args(op)
    d_x = nn_ops.conv2d_backprop_input(_shape_of(x), w, grad, **args)
    d_w = nn_ops.conv2d_backprop_filter(x, _shape_of(w), grad, **args)
    return d_x, d_w


@RegisterGradient("Conv2DBackpropInput")
def _conv2d_backprop_input_grad(op, grad):
    # The op is linear in the filter and in out_backprop; grad has the input's shape.
    _, w, out_backprop = op.inputs
    args = _conv_args(op)
    d_w = nn_ops.conv2d_backprop_filter(grad, _shape_of(w), out_backprop, **args)
    d_out = nn_ops.conv2d(grad, w, **args)
    return None, d_w, d_out


@RegisterGradient("Conv2DBackpropFilter")
def _conv2d_backprop_filter_grad(op, grad):
    # grad has the filter's shape.
    x, _, out_backprop = op.inputs
    args = _conv_args(op)
    d_x = nn_ops.conv2d_backprop_input(_shape_of(x), grad, out_backprop, **args)
    d_out = nn_ops.conv2d(x, grad, **args)
    return d_x, None, d_out


@RegisterGradient("MaxPool")
def _max_pool_grad(op, grad):
    return nn_ops.max_pool_grad(op.inputs[0], op.outputs[0], grad, **nn_ops.pool_attrs_of(op))


@RegisterGradient("MaxPoolGrad")
def _max_pool_grad_grad(op, grad):
    # Where the maxima sit is piecewise constant in orig_input: only `grad` has a gradient.
    x, y, _ = op.inputs
    return _zeros_of(x), _zeros_of(y), nn_ops.max_pool_grad_grad(x, y, grad,
                                                                 **nn_ops.pool_attrs_of(op))


@RegisterGradient("MaxPoolGradGrad")
def _max_pool_grad_grad_grad(op, grad):
    x, y, _ = op.inputs
    return _zeros_of(x), _zeros_of(y), nn_ops.max_pool_grad(x, y, grad,
                                                            **nn_ops.pool_attrs_of(op))


@RegisterGradient("AvgPool")
def _avg_pool_grad(op, grad):
    return nn_ops.avg_pool_grad(_shape_of(op.inputs[0]), grad, **nn_ops.pool_attrs_of(op))


@RegisterGradient("AvgPoolGrad")
def _avg_pool_grad_grad(op, grad):
    return None, nn_ops.avg_pool(grad, **nn_ops.pool_attrs_of(op))


# -- bias_add, l2_loss, dropout ----------------------------------------------------------------


@RegisterGradient("BiasAdd")
def _bias_add_grad(op, grad):
    return grad, nn_ops.bias_add_grad(grad, op.attrs["data_format"])


@RegisterGradient("BiasAddGrad")
def _bias_add_grad_grad(op, grad):
    # Spread the channel gradient back over every position of the incoming gradient's shape.
    upstream = op.inputs[0]
    rank = upstream.shape.ndims
    if op.attrs["data_format"] == "NCHW":
        if rank is None:
            raise ValueError(f"the gradient of {op.name} (NCHW) needs a tensor of known rank")
        grad = array_ops.reshape(grad, [-1] + [1] * (rank - 2))
    return grad + array_ops.zeros_like(upstream)


@RegisterGradient("L2Loss")
def _l2_loss_grad(op, grad):
    return op.inputs[0] * grad


@RegisterGradient("Dropout")
def _dropout_grad(op, grad, grad_mask):
    x, keep_prob, _ = op.inputs
    mask = op.outputs[1]
    # As TensorFlow's composite differentiates x / keep_prob * mask.
    d_x = math_ops.divide(grad * mask, keep_prob)
    # y = x * mask / keep_prob, so dy/dkeep_prob = -y / keep_prob.
    d_keep_prob = -math_ops.reduce_sum(grad * op.outputs[0]) / keep_prob
    return d_x, d_keep_prob, None
