"""Neural-network ops.

Softmax, cross entropies, activations, bias_add, l2_loss, in_top_k, moments, dropout
(convolution is in conv_ops).
"""

import numbers

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import ShapeError, Tensor, convert_to_tensor, name_scope
from ..op_signature import FLOATS, INDEX, NUMBERS, REALS, signature
from ..ownership import takes_dead_inputs, writable_alone
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, unknown_shape
from . import random_ops
from .common import (
    blas_sum,
    broadcast_static,
    constant_value,
    make_op,
    make_unary,
    normalize_axes,
    require_float,
    same_shape,
)
from .constant_op import cast, stop_gradient
from .conv_ops import _LAYOUTS, _float_input, _matching, _merge_dim
from .cwise_ops import add, exp, log1p, squared_difference
from .join_split_ops import stack
from .matmul_ops import matmul
from .reduction_ops import reduce_mean
from .selection_ops import where
from .shape_ops import shape, squeeze, transpose, zeros_like

# -- softmax -----------------------------------------------------------------------------------


# Logits inside (-bound, bound) need no shift by their row's maximum: every exp(x) and every
# row sum is a normal float (float32: exp(30) = 1.1e13, exp(-30) = 9.4e-14, and their ratio
# stays far above the smallest normal), so exp(x) / sum is as accurate as the shifted form.
_UNSHIFTED_BOUND = {"f": 30.0, "d": 300.0}


def _softmax(x):
    if type(x) is np.ndarray and x.dtype.char in "fd" and x.size:
        # Two whole-array reductions cost less than one maximum per row (a [100, 10] batch:
        # 2.4 us against 8.8 us). NaN and inf fail the test and take the shifted path.
        bound = _UNSHIFTED_BOUND[x.dtype.char]
        if -bound < np.minimum.reduce(x, axis=None) and np.maximum.reduce(x, axis=None) < bound:
            e = np.exp(x)
            sums = blas_sum(e, (x.ndim - 1,), True)
            e /= np.add.reduce(e, axis=-1, keepdims=True) if sums is None else sums
            return e
    # The ufuncs' reduce methods: ndarray.max/sum go through Python-level wrappers.
    shifted = x - np.maximum.reduce(x, axis=-1, keepdims=True)
    e = np.exp(shifted, out=shifted)
    e /= np.add.reduce(e, axis=-1, keepdims=True)
    return e


def _log_softmax(x):
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _rank_at_least_1(op):
    known = op.inputs[0].shape
    if known.ndims == 0:
        raise ShapeError("Shape must be at least rank 1 but is rank 0")
    return [known]


register_op("Softmax", lambda attrs: _softmax, _rank_at_least_1,
            signature=signature("logits: T -> softmax: T", T=FLOATS))
register_op("LogSoftmax", lambda attrs: _log_softmax, _rank_at_least_1,
            signature=signature("logits: T -> logsoftmax: T", T=FLOATS))


def _last_axis_op(op_type, default_name, logits, axis, name):
    """Apply a last-axis op along ``axis`` by moving that axis last and back."""
    logits = convert_to_tensor(logits)
    require_float(op_type, logits, "logits")
    rank = logits.shape.ndims
    if axis is None or axis == -1 or (rank is not None and axis == rank - 1):
        return make_unary(op_type, logits, name, default_name)
    if rank is None:
        raise ValueError(f"{default_name} over axis {axis} needs a tensor of known rank")
    axis %= rank
    perm = list(range(rank))
    perm[axis], perm[-1] = perm[-1], perm[axis]
    moved = transpose(logits, perm)
    result = make_unary(op_type, moved, None, default_name)
    return transpose(result, perm, name=name)


def softmax(logits, axis=None, name=None, dim=None):
    """exp(x - max) / sum along ``axis`` (last by default); ``dim`` is the old name."""
    axis = dim if axis is None else axis
    return _last_axis_op("Softmax", "Softmax", logits, axis, name)


def log_softmax(logits, axis=None, name=None, dim=None):
    axis = dim if axis is None else axis
    return _last_axis_op("LogSoftmax", "LogSoftmax", logits, axis, name)


# -- cross entropies ---------------------------------------------------------------------------


def _xent_kernel(attrs):
    def xent(logits, labels):
        shifted = logits - logits.max(axis=-1, keepdims=True)
        exp_shifted = np.exp(shifted)
        total = exp_shifted.sum(axis=-1, keepdims=True)
        loss = (labels * (np.log(total) - shifted)).sum(axis=-1)
        backprop = exp_shifted / total - labels
        return loss, backprop

    return xent


def _xent_static(op):
    logits = op.inputs[0].shape
    labels = op.inputs[1].shape
    try:
        merged = broadcast_static(logits, labels)
    except ShapeError:
        raise ShapeError(f"logits and labels must be broadcastable: logits_size="
                         f"{logits.bracket_str()} labels_size={labels.bracket_str()}") from None
    if merged.ndims is None:
        return [unknown_shape(), merged]
    return [TensorShape(merged.as_list()[:-1]), merged]


register_op("SoftmaxCrossEntropyWithLogits", _xent_kernel, _xent_static,
            signature=signature("features: T, labels: T -> loss: T, backprop: T", T=FLOATS))


def _sparse_xent_kernel(attrs):
    def sparse_xent(logits, labels):
        if labels.shape != logits.shape[:-1]:
            # Shapes known only when the graph runs (fed placeholders).
            if logits.ndim == 2 and labels.ndim != 1:
                raise InvalidArgumentError(None, None, f"labels must be 1-D, but got shape "
                                                       f"{list(labels.shape)}")
            raise InvalidArgumentError(
                None, None, f"logits and labels must have the same first dimension, got "
                            f"logits shape {list(logits.shape)} and labels shape "
                            f"{list(labels.shape)}")
        classes = logits.shape[-1]
        bad = (labels < 0) | (labels >= classes)
        if np.any(bad):
            value = labels[bad].ravel()[0]
            raise InvalidArgumentError(
                None, None,
                f"Received a label value of {value} which is outside the valid range of "
                f"[0, {classes}).  Label values: {' '.join(str(v) for v in labels.ravel())}",
            )
        index = labels[..., None].astype(np.intp)
        # One buffer the size of the logits, worked on in place (the shifted logits become
        # their exponentials, then the softmax, then the gradient): a language model's
        # [batch*steps, vocabulary] logits are tens of megabytes.
        backprop = logits - logits.max(axis=-1, keepdims=True)
        picked = np.take_along_axis(backprop, index, axis=-1)
        np.exp(backprop, out=backprop)
        total = backprop.sum(axis=-1, keepdims=True)
        loss = (np.log(total) - picked)[..., 0]
        np.divide(backprop, total, out=backprop)
        np.put_along_axis(backprop, index, np.take_along_axis(backprop, index, -1) - 1,
                          axis=-1)
        return loss, backprop

    return sparse_xent


def _sparse_xent_static(op):
    logits = op.inputs[0].shape
    labels = op.inputs[1].shape
    if logits.ndims == 0:
        raise ShapeError(f"Logits cannot be scalars - received shape {logits}.")
    known = logits.ndims is not None and labels.ndims is not None
    if known and (labels.ndims != logits.ndims - 1
                  or not labels.is_compatible_with(logits[:-1])):
        raise ShapeError(
            f"Rank mismatch: Rank of labels (received {labels.ndims}) should equal rank "
            f"of logits minus 1 (received {logits.ndims})."
        )
    return [labels.merge_with(logits[:-1]) if logits.ndims is not None else labels, logits]


register_op("SparseSoftmaxCrossEntropyWithLogits", _sparse_xent_kernel, _sparse_xent_static,
            signature=signature("features: T, labels: Tlabels -> loss: T, backprop: T",
                                T=FLOATS,
                                Tlabels=INDEX))


def _ensure_named(fn_name, sentinel):
    if sentinel is not None:
        raise ValueError(
            f"Only call `{fn_name}` with named arguments (labels=..., logits=..., ...)"
        )


def _move_class_axis_last(tensor, axis):
    rank = tensor.shape.ndims
    if axis in (-1, None) or (rank is not None and axis == rank - 1):
        return tensor, None
    if rank is None:
        raise ValueError("cross entropy over a non-last axis needs a tensor of known rank")
    # Move the class axis last, keeping the other axes in order (the loss keeps their order).
    perm = [a for a in range(rank) if a != axis % rank] + [axis % rank]
    return transpose(tensor, perm), perm


def softmax_cross_entropy_with_logits_v2(_sentinel=None, labels=None, logits=None, axis=-1,
                                         name=None, dim=None):
    """Per-row cross entropy of softmax(logits) against ``labels``; gradient reaches labels."""
    _ensure_named("softmax_cross_entropy_with_logits_v2", _sentinel)
    if labels is None or logits is None:
        raise ValueError("Both labels=... and logits=... must be provided")
    axis = dim if dim is not None else axis
    logits = convert_to_tensor(logits)
    require_float("SoftmaxCrossEntropyWithLogits", logits, "logits")
    labels = convert_to_tensor(labels, preferred_dtype=logits.dtype)
    if labels.dtype != logits.dtype:
        labels = cast(labels, logits.dtype)  # as TensorFlow: labels take the logits' type
    logits, _ = _move_class_axis_last(logits, axis)
    labels, _ = _move_class_axis_last(labels, axis)
    op = make_op("SoftmaxCrossEntropyWithLogits", [logits, labels], [logits.dtype] * 2, None,
                 name, "softmax_cross_entropy_with_logits")
    return op.outputs[0]


def softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, dim=-1,
                                      name=None, axis=None):
    """As ``_v2`` but no gradient flows into ``labels`` (TensorFlow 1.x's first version)."""
    _ensure_named("softmax_cross_entropy_with_logits", _sentinel)
    if labels is None or logits is None:
        raise ValueError("Both labels=... and logits=... must be provided")
    logits_tensor = convert_to_tensor(logits)
    # A label tensor of another float type (float64 one-hot labels) is cast by ``_v2``.
    # TensorFlow 1.x names this version's op ``softmax_cross_entropy_with_logits_sg`` (the
    # labels' stop_gradient inside that scope), as its graphs and checkpoints show.
    with name_scope(name or "softmax_cross_entropy_with_logits_sg") as scope:
        labels = stop_gradient(convert_to_tensor(labels, preferred_dtype=logits_tensor.dtype),
                               name="labels_stop_gradient")
    return softmax_cross_entropy_with_logits_v2(
        labels=labels, logits=logits_tensor, axis=dim if axis is None else axis, name=scope)


def sparse_softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None,
                                             name=None):
    """Cross entropy against integer class ``labels`` (one per row)."""
    _ensure_named("sparse_softmax_cross_entropy_with_logits", _sentinel)
    if labels is None or logits is None:
        raise ValueError("Both labels=... and logits=... must be provided")
    logits = convert_to_tensor(logits)
    require_float("SparseSoftmaxCrossEntropyWithLogits", logits, "logits")
    labels = convert_to_tensor(labels)
    if labels.dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"Value passed to parameter 'labels' has DataType {labels.dtype.name} "
                        "not in list of allowed values: int32, int64")
    op = make_op("SparseSoftmaxCrossEntropyWithLogits", [logits, labels], [logits.dtype] * 2,
                 None, name, "SparseSoftmaxCrossEntropyWithLogits")
    return op.outputs[0]


# -- activations -------------------------------------------------------------------------------


_IN_PLACE_MIN = 1 << 15  # elements; smaller arrays are cheaper to allocate than to check


@takes_dead_inputs
def _relu(x):
    # A large dead input, e.g. conv + bias, is overwritten (ownership.py).
    if type(x) is np.ndarray and x.size >= _IN_PLACE_MIN and writable_alone(x):
        return np.maximum(x, 0, out=x)
    return np.maximum(x, 0, dtype=x.dtype)


@takes_dead_inputs
def _relu_grad(g, x):
    # TensorFlow's gradients * (features > 0): an infinite gradient at features <= 0 is NaN.
    if (type(g) is np.ndarray and g.size >= _IN_PLACE_MIN and writable_alone(g)
            and g.shape == np.shape(x) and g.dtype.kind == "f"):
        return np.multiply(g, x > 0, out=g)
    return g * (x > 0)


def _relu6(x):
    return np.clip(x, 0, 6).astype(x.dtype, copy=False)


register_op("Relu", lambda attrs: _relu, same_shape,
            signature=signature("features: T -> activations: T", T=REALS))
register_op("Relu6", lambda attrs: _relu6, same_shape,
            signature=signature("features: T -> activations: T", T=REALS))
register_op("ReluGrad", lambda attrs: _relu_grad, same_shape,
            signature=signature("gradients: T, features: T -> backprops: T", T=REALS))
register_op("Relu6Grad", lambda attrs: lambda g, x: g * ((x > 0) & (x < 6)), same_shape,
            signature=signature("gradients: T, features: T -> backprops: T", T=REALS))


def relu(features, name=None):
    """max(features, 0)."""
    return make_unary("Relu", features, name)


def relu6(features, name=None):
    """min(max(features, 0), 6)."""
    return make_unary("Relu6", features, name)


def sigmoid(x, name=None):
    return sigmoid(x, name)


def tanh(x, name=None):
    return tanh(x, name)


def _elu(x):
    return np.where(x < 0, np.expm1(x), x)


def _elu_grad(grad, y):
    return np.where(y < 0, grad * (y + 1), grad)


def _softplus(x):
    # log(1 + exp(x)) without overflow: logaddexp keeps the dtype and is exact for large |x|.
    return np.logaddexp(x, x.dtype.type(0))


def _softplus_grad(grad, x):
    return grad / (1 + np.exp(-x))


def _leaky_relu_kernel(attrs):
    alpha = attrs["alpha"]

    def leaky_relu(x):
        return np.where(x > 0, x, x * x.dtype.type(alpha))

    return leaky_relu


def _leaky_relu_grad_kernel(attrs):
    alpha = attrs["alpha"]

    def leaky_relu_grad(grad, x):
        return np.where(x > 0, grad, grad * grad.dtype.type(alpha))

    return leaky_relu_grad


register_op("Elu", lambda attrs: _elu, same_shape,
            signature=signature("features: T -> activations: T", T=FLOATS))
register_op("EluGrad", lambda attrs: _elu_grad, same_shape,
            signature=signature("gradients: T, outputs: T -> backprops: T", T=FLOATS))
register_op("Softplus", lambda attrs: _softplus, same_shape,
            signature=signature("features: T -> activations: T", T=FLOATS))
register_op("SoftplusGrad", lambda attrs: _softplus_grad, same_shape,
            signature=signature("gradients: T, features: T -> backprops: T", T=FLOATS))
register_op("LeakyRelu", _leaky_relu_kernel, same_shape,
            signature=signature("features: T -> activations: T", T=FLOATS))
register_op("LeakyReluGrad", _leaky_relu_grad_kernel, same_shape,
            signature=signature("gradients: T, features: T -> backprops: T", T=FLOATS))


def _float_unary(op_type, features, name, attrs=None):
    features = convert_to_tensor(features, name="features")
    require_float(op_type, features, "features")
    return make_unary(op_type, features, name, attrs=attrs)


def elu(features, name=None):
    """exp(features) - 1 where features < 0, else features."""
    return _float_unary("Elu", features, name)


def softplus(features, name=None):
    """log(exp(features) + 1), computed without overflow."""
    return _float_unary("Softplus", features, name)


def leaky_relu(features, alpha=0.2, name=None):
    """features where features > 0, else alpha * features (integers are cast to float32)."""
    with name_scope(name or "LeakyRelu") as scope:
        features = convert_to_tensor(features, name="features")
        if features.dtype.is_integer:
            features = cast(features, dtypes.float32)
        if isinstance(alpha, np.ndarray):
            alpha = alpha.item()
        require_float("LeakyRelu", features, "features")
        return make_op("LeakyRelu", [features], [features.dtype], {"alpha": float(alpha)},
                       scope).outputs[0]


def sigmoid_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """Per-element logistic loss: max(x, 0) - x * z + log(1 + exp(-|x|)), stable for any x."""
    _ensure_named("sigmoid_cross_entropy_with_logits", _sentinel)
    if labels is None or logits is None:
        raise ValueError("Both labels=... and logits=... must be provided")
    with name_scope(name or "logistic_loss") as scope:
        logits = convert_to_tensor(logits, name="logits")
        labels = convert_to_tensor(labels, dtype=logits.dtype, name="labels")
        if not logits.shape.is_compatible_with(labels.shape):
            raise ValueError(f"logits and labels must have the same shape ({logits.shape} vs "
                             f"{labels.shape})")
        zeros = zeros_like(logits)
        relu_logits = where(logits >= zeros, logits, zeros)
        neg_abs_logits = where(logits >= zeros, -logits, logits)
        return add(relu_logits - logits * labels,
                            log1p(exp(neg_abs_logits)), name=scope)


# -- bias_add, l2_loss, in_top_k ---------------------------------------------------------------


def _bias_axis(op):
    return 1 if op.attrs["data_format"] == "NCHW" else -1


def _bias_add_shape(op):
    value = op.inputs[0].shape
    bias = op.inputs[1].shape
    if op.attrs["data_format"] not in _LAYOUTS:
        raise ShapeError(f"Invalid data format string: {op.attrs['data_format']!r}")
    if bias.ndims is not None and bias.ndims != 1:
        raise ShapeError(f"Shape must be rank 1 but is rank {bias.ndims}")
    if value.ndims is None:
        return [value]
    if value.ndims < 2:
        raise ShapeError(f"Shape must be at least rank 2 but is rank {value.ndims}")
    dims = list(value.as_tuple())
    axis = _bias_axis(op)
    dims[axis] = _merge_dim(dims[axis], bias[0].value if bias.ndims else None)
    return [TensorShape(dims)]


def _bias_add_kernel(attrs):
    if attrs["data_format"] != "NCHW":
        return np.add

    def bias_add_nchw(value, bias):
        return value + bias.reshape((-1,) + (1,) * (value.ndim - 2))

    return bias_add_nchw


def _bias_add_grad_shape(op):
    grad = op.inputs[0].shape
    if grad.ndims is None:
        return [unknown_shape(1)]
    if grad.ndims < 2:
        raise ShapeError(f"Shape must be at least rank 2 but is rank {grad.ndims}")
    return [TensorShape([grad[_bias_axis(op)].value])]


def _bias_add_grad_kernel(attrs):
    nchw = attrs["data_format"] == "NCHW"

    def bias_add_grad(grad):
        if nchw:
            axes = (0, *range(2, grad.ndim))
            return grad.sum(axis=axes)
        rows = grad.reshape(-1, grad.shape[-1])
        # A matrix-vector product (BLAS) sums the rows far faster than a reduction over axis 0.
        return np.ones(rows.shape[0], dtype=grad.dtype) @ rows

    return bias_add_grad


register_op("BiasAdd", _bias_add_kernel, _bias_add_shape,
            signature=signature("value: T, bias: T -> output: T", T=NUMBERS))
register_op("BiasAddGrad", _bias_add_grad_kernel, _bias_add_grad_shape,
            signature=signature("out_backprop: T -> output: T", T=NUMBERS))


def bias_add(value, bias, data_format=None, name=None):
    """``value + bias`` with the 1-D ``bias`` along the channel axis (last, or 1 for NCHW)."""
    with name_scope(name or "BiasAdd") as scope:
        value = convert_to_tensor(value, name="input")
        bias = _matching("BiasAdd", bias, value.dtype, "bias", "value")
        attrs = {"data_format": "NHWC" if data_format is None else data_format}
        return make_op("BiasAdd", [value, bias], [value.dtype], attrs, scope).outputs[0]


def bias_add_grad(out_backprop, data_format="NHWC", name=None):
    """BiasAddGrad: ``out_backprop`` summed over every axis but the channel axis."""
    attrs = {"data_format": "NHWC" if data_format is None else data_format}
    return make_op("BiasAddGrad", [out_backprop], [out_backprop.dtype], attrs,
                   name).outputs[0]


def xw_plus_b(x, weights, biases, name=None):
    """``matmul(x, weights) + biases``, the biases added with BiasAdd."""
    with name_scope(name or "xw_plus_b") as scope:
        product = matmul(x, weights)
        return bias_add(product, biases, name=scope)


def _l2_loss(x):
    flat = x.reshape(-1)
    return np.asarray(np.dot(flat, flat) / 2, dtype=x.dtype)


register_op("L2Loss", lambda attrs: _l2_loss, lambda op: [TensorShape([])],
            signature=signature("t: T -> output: T", T=FLOATS))


def l2_loss(t, name=None):
    """sum(t ** 2) / 2, a scalar."""
    return _float_unary("L2Loss", t, name)


def _in_top_k(predictions, targets, k):
    batch, classes = predictions.shape
    if targets.shape != (batch,):
        raise InvalidArgumentError(None, None, f"First dimension of predictions {batch} must "
                                   f"match length of targets {targets.shape[0]}")
    valid = (targets >= 0) & (targets < classes)
    picked = predictions[np.arange(batch), np.where(valid, targets, 0)]
    # As TensorFlow: a row holding a non-finite score, or an out-of-range target, is False.
    finite = np.isfinite(predictions).all(axis=1)
    above = (predictions > picked[:, None]).sum(axis=1)
    return valid & finite & (above < k)


def _in_top_k_shape(op):
    predictions = op.inputs[0].shape
    targets = op.inputs[1].shape
    k = op.inputs[2].shape
    if predictions.ndims is not None and predictions.ndims != 2:
        raise ShapeError(f"Shape must be rank 2 but is rank {predictions.ndims}")
    if targets.ndims is not None and targets.ndims != 1:
        raise ShapeError(f"Shape must be rank 1 but is rank {targets.ndims}")
    if k.ndims is not None and k.ndims != 0:
        raise ShapeError(f"Shape must be rank 0 but is rank {k.ndims}")
    batch = predictions[0].value if predictions.ndims else None
    return [TensorShape([_merge_dim(batch, targets[0].value if targets.ndims else None)])]


register_op("InTopKV2", lambda attrs: _in_top_k, _in_top_k_shape,
            signature=signature("predictions: float32, targets: T, k: T -> precision: bool",
                                T=INDEX))
NotDifferentiable("InTopKV2")


def in_top_k(predictions, targets, k, name=None):
    """Whether each target's score is among the ``k`` largest of its row (bool [batch]).

    Ties count in the target's favour: only strictly larger scores push it out.
    """
    with name_scope(name or "in_top_k"):
        predictions = _float_input("InTopKV2", predictions, "predictions")
        targets = convert_to_tensor(targets, name="targets")
        if targets.dtype not in (dtypes.int32, dtypes.int64):
            raise TypeError(f"Value passed to parameter 'targets' has DataType "
                            f"{targets.dtype.name} not in list of allowed values: int32, int64")
        k = _matching("InTopKV2", k, targets.dtype, "k", "targets")
        op = make_op("InTopKV2", [predictions, targets, k], [dtypes.bool], None, None)
        return op.outputs[0]


def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """The mean and variance of ``x`` over ``axes`` (the variance about the mean)."""
    keep = bool(keepdims if keepdims is not None else keep_dims)
    with name_scope(name or "moments"):
        x = convert_to_tensor(x, name="x")
        mean = reduce_mean(x, axes, keepdims=True, name="mean")
        deviation = squared_difference(x, stop_gradient(mean))
        variance = reduce_mean(deviation, axes, keepdims=True, name="variance")
        if not keep:
            squeezed = list(normalize_axes(axes, x.shape.ndims))
            mean = squeeze(mean, squeezed)
            variance = squeeze(variance, squeezed)
        return mean, variance


# -- dropout -----------------------------------------------------------------------------------
#
# TensorFlow 1.x builds dropout from RandomUniform, Add, Floor, RealDiv and Mul:
# ``x / keep_prob * floor(keep_prob + U[0, 1))``. We keep its RandomUniform op (same seeding)
# and fuse the rest into one ``Dropout`` op (ours), which keeps an element when
# ``U >= 1 - keep_prob`` (what the floor decides, without its rounding to 2 at keep_prob 1),
# checks a fed keep_prob at run time, and hands the 0/1 mask to the gradient.


def _dropout_kernel(attrs):
    def dropout(x, keep_prob, uniform):
        if keep_prob.size != 1:
            raise InvalidArgumentError(None, None, f"keep_prob must be a scalar, got shape "
                                       f"{list(keep_prob.shape)}")
        p = keep_prob.reshape(())
        if not 0 < p <= 1:
            raise InvalidArgumentError(None, None, "keep_prob must be a scalar tensor or a float "
                                       f"in the range (0, 1], got {float(p):g}")
        if p == 1:
            return x, np.broadcast_to(np.ones((), dtype=x.dtype), uniform.shape)
        mask = np.greater_equal(uniform, x.dtype.type(1) - p).astype(x.dtype)
        out = np.divide(x, p)
        out *= mask
        return out, mask

    return dropout


def _dropout_shape(op):
    x, keep_prob, uniform = (t.shape for t in op.inputs)
    if keep_prob.ndims not in (None, 0):
        raise ShapeError(f"Shape must be rank 0 but is rank {keep_prob.ndims}")
    try:
        fits = broadcast_static(x, uniform).is_compatible_with(x)
    except ShapeError:
        fits = False
    if not fits:
        raise ShapeError(f"noise_shape {uniform.bracket_str()} does not broadcast to the shape "
                         f"of x {x.bracket_str()}")
    return [x, uniform]


register_op("Dropout", _dropout_kernel, _dropout_shape,
            signature=signature("x: T, keep_prob: T, uniform: T -> output: T, mask: T", T=FLOATS))


def _keep_prob_value(keep_prob, rate):
    """keep_prob as given, or derived from rate; numbers are checked here."""
    if rate is not None and keep_prob is not None:
        raise ValueError("Cannot specify both 'keep_prob' and 'rate'")
    if rate is None and keep_prob is None:
        raise ValueError("You must provide keep_prob (or rate) to dropout.")
    if rate is not None:
        if isinstance(rate, numbers.Real) and not 0 <= rate < 1:
            raise ValueError(f"rate must be a scalar tensor or a float in the range [0, 1), got "
                             f"{rate:g}")
        return 1 - rate
    if isinstance(keep_prob, numbers.Real) and not 0 < keep_prob <= 1:
        raise ValueError(f"keep_prob must be a scalar tensor or a float in the range (0, 1], got "
                         f"{keep_prob:g}")
    return keep_prob


def _noise_shape(x, noise_shape):
    """The shape of the random draw: x's own (static when known) or ``noise_shape``."""
    if isinstance(noise_shape, Tensor):
        return noise_shape
    x_dims = x.shape.as_tuple()
    if noise_shape is None:
        if x.shape.is_fully_defined():
            return list(x_dims)
        return shape(x)
    if isinstance(noise_shape, TensorShape):
        noise_shape = noise_shape.as_list()
    dims = list(noise_shape)
    if x_dims is not None and len(dims) == len(x_dims):
        dims = [x_dims[i] if d is None else d for i, d in enumerate(dims)]
    if all(d is not None for d in dims):
        return [int(d) for d in dims]
    dynamic = shape(x)
    return stack([dynamic[i] if d is None else d for i, d in enumerate(dims)])


def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """Keep each element with probability ``keep_prob`` scaled by ``1 / keep_prob``, else 0.

    A keep_prob of 1 known at build time returns ``x`` itself. A keep_prob outside (0, 1] is
    a ValueError when known at build time and an InvalidArgumentError when fed.
    """
    with name_scope(name or "dropout") as scope:
        keep_prob = _keep_prob_value(keep_prob, rate)
        x = convert_to_tensor(x, name="x")
        if not x.dtype.is_floating:
            raise ValueError("x has to be a floating point tensor since it's going to be scaled. "
                             f"Got a {x.dtype.name} tensor instead.")
        if isinstance(keep_prob, numbers.Real) and keep_prob == 1:
            return x
        keep_prob = convert_to_tensor(keep_prob, dtype=x.dtype, name="keep_prob")
        if not keep_prob.shape.is_compatible_with(TensorShape([])):
            raise ValueError(f"keep_prob must be a scalar, got shape {keep_prob.shape}")
        known = constant_value(keep_prob)
        if known is not None:
            _keep_prob_value(float(known), None)
            if known == 1:
                return x
        uniform = random_ops.random_uniform(_noise_shape(x, noise_shape), seed=seed,
                                           dtype=x.dtype)
        op = make_op("Dropout", [x, keep_prob, uniform], [x.dtype, x.dtype], None, scope)
        return op.outputs[0]


# Convolution and pooling live in conv_ops; tf.nn and the gradients find them here too.
from .conv_ops import (  # noqa: E402
    avg_pool,
    avg_pool_grad,
    conv2d,
    conv2d_backprop_filter,
    conv2d_backprop_input,
    conv2d_transpose,
    max_pool,
    max_pool2d,
    max_pool_grad,
    max_pool_grad_grad,
    pool_attrs_of,
)

__all__ = [
    "avg_pool",
    "avg_pool_grad",
    "bias_add",
    "bias_add_grad",
    "conv2d",
    "conv2d_backprop_filter",
    "conv2d_backprop_input",
    "conv2d_transpose",
    "dropout",
    "elu",
    "in_top_k",
    "l2_loss",
    "leaky_relu",
    "log_softmax",
    "max_pool",
    "max_pool2d",
    "max_pool_grad",
    "max_pool_grad_grad",
    "moments",
    "pool_attrs_of",
    "relu",
    "relu6",
    "sigmoid",
    "sigmoid_cross_entropy_with_logits",
    "softmax",
    "softmax_cross_entropy_with_logits",
    "softmax_cross_entropy_with_logits_v2",
    "softplus",
    "sparse_softmax_cross_entropy_with_logits",
    "tanh",
    "xw_plus_b",
]
