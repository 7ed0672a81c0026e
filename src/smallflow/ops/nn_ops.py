"""Neural-network ops: softmax, cross entropies and activations, with kernels."""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import ShapeError, convert_to_tensor
from ..registry import register_op
from ..tensor_shape import TensorShape, unknown_shape
from . import array_ops, math_ops
from .common import make_op, make_unary, require_float, same_shape

# -- softmax ------------------------------------------------------------------------------------


def _softmax(x):
    shifted = x - x.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    e /= e.sum(axis=-1, keepdims=True)
    return e


def _log_softmax(x):
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _rank_at_least_1(op):
    known = op.inputs[0].shape
    if known.ndims == 0:
        raise ShapeError("Shape must be at least rank 1 but is rank 0")
    return [known]


register_op("Softmax", lambda attrs: _softmax, _rank_at_least_1)
register_op("LogSoftmax", lambda attrs: _log_softmax, _rank_at_least_1)


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
    moved = array_ops.transpose(logits, perm)
    result = make_unary(op_type, moved, None, default_name)
    return array_ops.transpose(result, perm, name=name)


def softmax(logits, axis=None, name=None, dim=None):
    """exp(x - max) / sum along ``axis`` (last by default); ``dim`` is the old name."""
    axis = dim if axis is None else axis
    return _last_axis_op("Softmax", "Softmax", logits, axis, name)


def log_softmax(logits, axis=None, name=None, dim=None):
    axis = dim if axis is None else axis
    return _last_axis_op("LogSoftmax", "LogSoftmax", logits, axis, name)


# -- cross entropies ----------------------------------------------------------------------------


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
    merged = logits.merge_with(labels) if logits.is_compatible_with(labels) else None
    if merged is None:
        raise ShapeError(f"logits and labels must be broadcastable: logits_size="
                         f"{logits.bracket_str()} labels_size={labels.bracket_str()}")
    if merged.ndims is None:
        return [unknown_shape(), merged]
    return [TensorShape(merged.as_list()[:-1]), merged]


register_op("SoftmaxCrossEntropyWithLogits", _xent_kernel, _xent_static)


def _sparse_xent_kernel(attrs):
    def sparse_xent(logits, labels):
        classes = logits.shape[-1]
        bad = (labels < 0) | (labels >= classes)
        if np.any(bad):
            value = labels[bad].ravel()[0]
            raise InvalidArgumentError(
                None, None,
                f"Received a label value of {value} which is outside the valid range of "
                f"[0, {classes}).  Label values: {' '.join(str(v) for v in labels.ravel())}",
            )
        shifted = logits - logits.max(axis=-1, keepdims=True)
        exp_shifted = np.exp(shifted)
        total = exp_shifted.sum(axis=-1, keepdims=True)
        picked = np.take_along_axis(shifted, labels[..., None].astype(np.intp), axis=-1)
        loss = (np.log(total) - picked)[..., 0]
        backprop = exp_shifted / total
        np.put_along_axis(backprop, labels[..., None].astype(np.intp),
                          np.take_along_axis(backprop, labels[..., None].astype(np.intp), -1) - 1,
                          axis=-1)
        return loss, backprop

    return sparse_xent


def _sparse_xent_static(op):
    logits = op.inputs[0].shape
    labels = op.inputs[1].shape
    if logits.ndims is not None and labels.ndims is not None:
        if labels.ndims != logits.ndims - 1 or not labels.is_compatible_with(logits[:-1]):
            raise ShapeError(
                f"Rank mismatch: Rank of labels (received {labels.ndims}) should equal rank "
                f"of logits minus 1 (received {logits.ndims})."
            )
    return [labels.merge_with(logits[:-1]) if logits.ndims is not None else labels, logits]


register_op("SparseSoftmaxCrossEntropyWithLogits", _sparse_xent_kernel, _sparse_xent_static)


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
    return array_ops.transpose(tensor, perm), perm


def softmax_cross_entropy_with_logits_v2(_sentinel=None, labels=None, logits=None, axis=-1,
                                         name=None, dim=None):
    """Per-row cross entropy of softmax(logits) against ``labels``; gradient reaches labels."""
    _ensure_named("softmax_cross_entropy_with_logits_v2", _sentinel)
    if labels is None or logits is None:
        raise ValueError("Both labels=... and logits=... must be provided")
    axis = dim if dim is not None else axis
    logits = convert_to_tensor(logits)
    require_float("SoftmaxCrossEntropyWithLogits", logits, "logits")
    labels = convert_to_tensor(labels, dtype=logits.dtype)
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
    labels = array_ops.stop_gradient(convert_to_tensor(labels, dtype=logits_tensor.dtype))
    return softmax_cross_entropy_with_logits_v2(
        labels=labels, logits=logits_tensor, axis=dim if axis is None else axis, name=name)


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


# -- activations ----------------------------------------------------------------------------


def _relu(x):
    return np.maximum(x, 0, dtype=x.dtype)


def _relu6(x):
    return np.clip(x, 0, 6).astype(x.dtype, copy=False)


register_op("Relu", lambda attrs: _relu, same_shape)
register_op("Relu6", lambda attrs: _relu6, same_shape)
register_op("ReluGrad", lambda attrs: lambda g, x: g * (x > 0), same_shape)
register_op("Relu6Grad", lambda attrs: lambda g, x: g * ((x > 0) & (x < 6)), same_shape)


def relu(features, name=None):
    """max(features, 0)."""
    return make_unary("Relu", features, name)


def relu6(features, name=None):
    """min(max(features, 0), 6)."""
    return make_unary("Relu6", features, name)


def sigmoid(x, name=None):
    return math_ops.sigmoid(x, name)


def tanh(x, name=None):
    return math_ops.tanh(x, name)
