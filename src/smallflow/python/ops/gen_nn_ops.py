"""``tensorflow.python.ops.gen_nn_ops``: the raw op builders TF1 programs call directly.

Guided backpropagation (``gen_nn_ops.relu_grad`` inside a registered gradient), unpooling
with ``max_pool_grad`` / ``max_pool_grad_with_argmax``, and second derivatives of max
pooling use these. TensorFlow 1.x spelled hidden ops with a leading underscore until 1.5
(``gen_nn_ops._relu_grad``); both spellings answer here. Other names come from ``tf.nn``.
"""

from ... import dtypes
from ...graph import convert_to_tensor
from ...ops import conv_ops, nn_ops
from ...ops.common import make_op
from .._public import public_getattr

_public = public_getattr(__name__, ("nn", ""))


def _grad_op(op_type, gradients, other, name, attrs=None):
    gradients = convert_to_tensor(gradients, name="gradients")
    other = convert_to_tensor(other, dtype=gradients.dtype, name="features")
    return make_op(op_type, [gradients, other], [gradients.dtype], attrs, name).outputs[0]


def relu_grad(gradients, features, name=None):
    """``gradients`` where ``features > 0``, else 0 (ReLU's backward op)."""
    return _grad_op("ReluGrad", gradients, features, name)


def relu6_grad(gradients, features, name=None):
    return _grad_op("Relu6Grad", gradients, features, name)


def elu_grad(gradients, outputs, name=None):
    return _grad_op("EluGrad", gradients, outputs, name)


def softplus_grad(gradients, features, name=None):
    return _grad_op("SoftplusGrad", gradients, features, name)


def leaky_relu_grad(gradients, features, alpha=0.2, name=None):
    return _grad_op("LeakyReluGrad", gradients, features, name, {"alpha": float(alpha)})


max_pool_grad = conv_ops.max_pool_grad
max_pool_grad_grad = conv_ops.max_pool_grad_grad
avg_pool_grad = conv_ops.avg_pool_grad
bias_add_grad = nn_ops.bias_add_grad


def _argmax_op(op_type, input, grad, argmax, ksize, strides, padding,  # noqa: A002
               include_batch_in_index, name):
    input = convert_to_tensor(input, name="input")  # noqa: A001
    grad = convert_to_tensor(grad, dtype=input.dtype, name="grad")
    argmax = convert_to_tensor(argmax, name="argmax")
    if argmax.dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"Value passed to parameter 'argmax' has DataType {argmax.dtype.name} "
                        "not in list of allowed values: int32, int64")
    attrs = {"ksize": [int(k) for k in ksize], "strides": [int(s) for s in strides],
             "padding": padding, "Targmax": argmax.dtype,
             "include_batch_in_index": bool(include_batch_in_index)}
    return make_op(op_type, [input, grad, argmax], [input.dtype], attrs,
                   name or op_type).outputs[0]


def max_pool_with_argmax(input, ksize, strides, padding, Targmax=dtypes.int64,  # noqa: A002, N803
                         include_batch_in_index=False, name=None):
    from ...ops.pool_argmax_ops import max_pool_with_argmax as build

    return build(input, ksize, strides, padding, Targmax=Targmax, name=name,
                 include_batch_in_index=include_batch_in_index)


def max_pool_grad_with_argmax(input, grad, argmax, ksize, strides, padding,  # noqa: A002
                              include_batch_in_index=False, name=None):
    """Route ``grad`` (pooled-shaped) to the input positions ``argmax`` recorded."""
    return _argmax_op("MaxPoolGradWithArgmax", input, grad, argmax, ksize, strides, padding,
                      include_batch_in_index, name)


def max_pool_grad_grad_with_argmax(input, grad, argmax, ksize, strides,  # noqa: A002
                                   padding, include_batch_in_index=False, name=None):
    """Read ``grad`` (input-shaped) at the positions ``argmax`` recorded."""
    return _argmax_op("MaxPoolGradGradWithArgmax", input, grad, argmax, ksize, strides,
                      padding, include_batch_in_index, name)


def _raw_xent(op_type, features, labels, labels_rank, name):
    """The raw cross-entropy op: 2-D ``features`` (rows of logits); ``(loss, backprop)``."""
    features = convert_to_tensor(features, name="features")
    labels_dtype = features.dtype if labels_rank == 2 else None
    labels = convert_to_tensor(labels, dtype=labels_dtype, name="labels")
    for tensor, want in ((features, 2), (labels, labels_rank)):
        rank = tensor.shape.ndims
        if rank is not None and rank != want:
            # The dense op broadcasts its inputs to each other first: TensorFlow words that.
            how = "broadcasted with rank" if labels_rank == 2 else "rank"
            raise ValueError(f"Shape must be {how} {want}{',' if labels_rank == 2 else ''} "
                             f"but is rank {rank} for "
                             f"'{name or op_type}' (op: '{op_type}') with input shapes: "
                             f"{features.shape.bracket_str()}, {labels.shape.bracket_str()}.")
    op = make_op(op_type, [features, labels], [features.dtype] * 2, None, name or op_type)
    return op.outputs[0], op.outputs[1]


def softmax_cross_entropy_with_logits(features, labels, name=None):
    """TensorFlow's raw op: rows of logits ``features`` against label distributions (2-D,
    broadcast to each other); the loss per row and its gradient with respect to features."""
    return _raw_xent("SoftmaxCrossEntropyWithLogits", features, labels, 2, name)


def sparse_softmax_cross_entropy_with_logits(features, labels, name=None):
    """TensorFlow's raw op: rows of logits ``features`` (2-D) against class indices
    ``labels`` (1-D); the loss per row and its gradient with respect to features."""
    return _raw_xent("SparseSoftmaxCrossEntropyWithLogits", features, labels, 1, name)


def fractional_max_pool_grad(orig_input, orig_output, out_backprop, row_pooling_sequence,
                             col_pooling_sequence, overlapping=False, name=None):
    """The gradient of ``FractionalMaxPool`` given its regions (the forward op's sequences)."""
    orig_input = convert_to_tensor(orig_input, name="orig_input")
    inputs = [orig_input, convert_to_tensor(orig_output, dtype=orig_input.dtype),
              convert_to_tensor(out_backprop, dtype=orig_input.dtype),
              convert_to_tensor(row_pooling_sequence, dtype=dtypes.int64),
              convert_to_tensor(col_pooling_sequence, dtype=dtypes.int64)]
    return make_op("FractionalMaxPoolGrad", inputs, [orig_input.dtype],
                   {"overlapping": bool(overlapping)}, name).outputs[0]


def fractional_avg_pool_grad(orig_input_tensor_shape, out_backprop, row_pooling_sequence,
                             col_pooling_sequence, overlapping=False, name=None):
    """The gradient of ``FractionalAvgPool`` given the input's shape and its regions."""
    out_backprop = convert_to_tensor(out_backprop, name="out_backprop")
    inputs = [convert_to_tensor(orig_input_tensor_shape, dtype=dtypes.int64), out_backprop,
              convert_to_tensor(row_pooling_sequence, dtype=dtypes.int64),
              convert_to_tensor(col_pooling_sequence, dtype=dtypes.int64)]
    return make_op("FractionalAvgPoolGrad", inputs, [out_backprop.dtype],
                   {"overlapping": bool(overlapping)}, name).outputs[0]


def __getattr__(name):
    # TF <= 1.4's hidden spelling (``_relu_grad``) of the names above.
    if name.startswith("_") and not name.startswith("__") and name[1:] in globals():
        return globals()[name[1:]]
    return _public(name)
