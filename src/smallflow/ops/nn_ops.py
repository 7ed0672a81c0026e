"""Neural-network ops: softmax, cross entropies, activations, convolution, pooling, dropout."""

import numbers
import operator

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import ShapeError, Tensor, convert_to_tensor, name_scope
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, unknown_shape
from . import array_ops, conv_kernels, math_ops, random_ops
from .common import (
    broadcast_static,
    constant_ints,
    constant_value,
    make_op,
    make_unary,
    normalize_axes,
    require_float,
    same_shape,
)

# -- softmax -----------------------------------------------------------------------------------


def _softmax(x):
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
    known = logits.ndims is not None and labels.ndims is not None
    if known and (labels.ndims != logits.ndims - 1
                  or not labels.is_compatible_with(logits[:-1])):
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


# -- activations -------------------------------------------------------------------------------


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


register_op("Elu", lambda attrs: _elu, same_shape)
register_op("EluGrad", lambda attrs: _elu_grad, same_shape)
register_op("Softplus", lambda attrs: _softplus, same_shape)
register_op("SoftplusGrad", lambda attrs: _softplus_grad, same_shape)
register_op("LeakyRelu", _leaky_relu_kernel, same_shape)
register_op("LeakyReluGrad", _leaky_relu_grad_kernel, same_shape)


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
            features = math_ops.cast(features, dtypes.float32)
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
        zeros = array_ops.zeros_like(logits)
        relu_logits = array_ops.where(logits >= zeros, logits, zeros)
        neg_abs_logits = array_ops.where(logits >= zeros, -logits, logits)
        return math_ops.add(relu_logits - logits * labels,
                            math_ops.log1p(math_ops.exp(neg_abs_logits)), name=scope)


# -- convolution and pooling: attributes and static shapes -------------------------------------
#
# Attributes follow TensorFlow: ``strides``/``ksize``/``dilations`` are 4-lists in the order of
# ``data_format`` ("NHWC", or "NCHW" which the kernels serve by transposing), ``padding`` is
# "SAME" or "VALID". The builders accept TensorFlow 1.15's short forms (an int, or one or two
# ints); the shape functions check everything, so errors name the op and its input shapes.

_LAYOUTS = {"NHWC": (1, 2, 3), "NCHW": (2, 3, 1)}  # axes of height, width and channels
_PADDINGS = ("SAME", "VALID")


def _four(value, name, data_format, op_type):
    """TensorFlow 1.15's ``_get_sequence``: an int or 1, 2 or 4 ints as a 4-list."""
    if isinstance(value, Tensor):
        raise TypeError(f"{name} of {op_type} must be a list of ints known when the graph is "
                        f"built, not a Tensor ({value.name})")
    try:
        if isinstance(value, numbers.Integral) or np.ndim(value) == 0:
            items = [operator.index(value)]
        else:
            items = [operator.index(v) for v in value]
    except TypeError:
        raise TypeError(f"{name} of {op_type} must be an int or a list of ints, got "
                        f"{value!r}") from None
    if len(items) == 4:
        return items
    if len(items) == 1:
        items = items * 2
    elif len(items) != 2:
        raise ValueError(f"{name} should be of length 1, 2 or 4 but was {len(items)} "
                         f"({op_type})")
    return [1, 1, *items] if data_format == "NCHW" else [1, *items, 1]


def _layout(op):
    data_format = op.attrs["data_format"]
    layout = _LAYOUTS.get(data_format)
    if layout is None:
        raise ShapeError(f"Invalid data format string: {data_format!r} (use \"NHWC\" or "
                         "\"NCHW\")")
    return layout


def _padding(op):
    padding = op.attrs["padding"]
    if isinstance(padding, str) and padding in _PADDINGS:
        return padding
    shown = f'"{padding}"' if isinstance(padding, str) else repr(padding)
    raise ShapeError(f"Value for attr 'padding' of {shown} is not in the list of allowed "
                     'values: "SAME", "VALID"')


def _window(op, attr, batch_depth_message):
    """``(height, width)`` of a 4-entry attribute, after checking its batch and depth entries."""
    values = op.attrs[attr]
    h, w, c = _layout(op)
    if len(values) != 4:
        raise ShapeError(f"{op.type} requires the {attr} attribute to contain 4 values, but "
                         f"got: {len(values)}")
    if values[0] != 1 or values[c] != 1:
        raise ShapeError(f"{batch_depth_message} ({attr} = {list(values)})")
    if min(values) < 1:
        raise ShapeError(f"{attr} must be > 0 in every dimension, but got {list(values)}")
    return values[h], values[w]


def _conv_strides(op):
    strides = _window(op, "strides", "Current implementation does not yet support strides in "
                      "the batch and depth dimensions.")
    dilations = op.attrs["dilations"]
    if len(dilations) != 4 or any(d != 1 for d in dilations):
        raise ShapeError(f"dilations other than 1 are not supported, got {list(dilations)}")
    return strides


def _pool_windows(op):
    message = "Pooling is not yet supported on the batch or depth dimension."
    return _window(op, "ksize", message), _window(op, "strides", message)


def _rank4(shape):
    dims = shape.as_tuple()
    if dims is None:
        return (None,) * 4
    if len(dims) != 4:
        raise ShapeError(f"Shape must be rank 4 but is rank {len(dims)}")
    return dims


def _merge_dim(a, b):
    if a is not None and b is not None and a != b:
        raise ShapeError(f"Dimensions must be equal, but are {a} and {b}")
    return a if a is not None else b


def _out_size(size, k, stride, padding):
    """One spatial output size, as TensorFlow's shape inference computes it (None if unknown)."""
    if size is None or k is None:
        return None
    if padding == "VALID":
        if k > size:
            raise ShapeError(f"Negative dimension size caused by subtracting {k} from {size}")
        return (size - k) // stride + 1
    return -(-size // stride)


def _image_shape(layout, batch, height, width, channels):
    dims = [batch, None, None, None]
    h, w, c = layout
    dims[h], dims[w], dims[c] = height, width, channels
    return TensorShape(dims)


def _size_input(tensor, what):
    """A 4-vector input (``input_sizes`` and the like): its known entries, or four Nones."""
    dims = constant_ints(tensor)
    if dims is None:
        return (None,) * 4
    if len(dims) != 4:
        raise ShapeError(f"{what} must be a 4-vector, got {len(dims)} entries")
    if any(d is not None and d < 0 for d in dims):
        raise ShapeError(f"{what} must be non-negative, got {dims}")
    return tuple(dims)


def _conv_geometry(op, x, f):
    """Output dims of a convolution of input dims ``x`` with filter dims ``f`` (checked)."""
    layout = _layout(op)
    h, w, c = layout
    sh, sw = _conv_strides(op)
    padding = _padding(op)
    _merge_dim(x[c], f[2])
    if 0 in (f[0], f[1]):
        raise ShapeError(f"Filter height and width must be positive, got {f[0]}x{f[1]}")
    out_h = _out_size(x[h], f[0], sh, padding)
    out_w = _out_size(x[w], f[1], sw, padding)
    return _image_shape(layout, x[0], out_h, out_w, f[3])


def _conv2d_shape(op):
    x = _rank4(op.inputs[0].shape)
    f = _rank4(op.inputs[1].shape)
    return [_conv_geometry(op, x, f)]


def _check_out_backprop(op, expected, out_backprop):
    """The gradient input must fit the forward output's shape."""
    given = _rank4(out_backprop)
    for a, b in zip(expected.as_tuple(), given):
        _merge_dim(a, b)


def _conv2d_backprop_input_shape(op):
    sizes = _size_input(op.inputs[0], "input_sizes")
    f = _rank4(op.inputs[1].shape)
    expected = _conv_geometry(op, sizes, f)
    _check_out_backprop(op, expected, op.inputs[2].shape)
    return [TensorShape(sizes)]


def _conv2d_backprop_filter_shape(op):
    x = _rank4(op.inputs[0].shape)
    sizes = _size_input(op.inputs[1], "filter_sizes")
    expected = _conv_geometry(op, x, sizes)
    _check_out_backprop(op, expected, op.inputs[2].shape)
    return [TensorShape(sizes)]


def _pool_geometry(op, x):
    layout = _layout(op)
    h, w, c = layout
    (kh, kw), (sh, sw) = _pool_windows(op)
    padding = _padding(op)
    out_h = _out_size(x[h], kh, sh, padding)
    out_w = _out_size(x[w], kw, sw, padding)
    return _image_shape(layout, x[0], out_h, out_w, x[c])


def _pool_shape(op):
    return [_pool_geometry(op, _rank4(op.inputs[0].shape))]


def _max_pool_grad_shape(op):
    x = _rank4(op.inputs[0].shape)
    expected = _pool_geometry(op, x)
    _check_out_backprop(op, expected, op.inputs[1].shape)
    _check_out_backprop(op, expected, op.inputs[2].shape)
    return [TensorShape(x)]


def _max_pool_grad_grad_shape(op):
    x = _rank4(op.inputs[0].shape)
    expected = _pool_geometry(op, x)
    _check_out_backprop(op, expected, op.inputs[1].shape)
    for a, b in zip(x, _rank4(op.inputs[2].shape)):
        _merge_dim(a, b)
    return [expected]


def _avg_pool_grad_shape(op):
    sizes = _size_input(op.inputs[0], "orig_input_shape")
    expected = _pool_geometry(op, sizes)
    _check_out_backprop(op, expected, op.inputs[1].shape)
    return [TensorShape(sizes)]


# -- convolution and pooling: kernels ----------------------------------------------------------
#
# conv_kernels works in NHWC; NCHW arrays are transposed on the way in and out.


def _to_nhwc(x):
    return np.ascontiguousarray(x.transpose(0, 2, 3, 1))


def _to_nchw(x):
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))


def _nhwc_sizes(sizes):
    n, c, h, w = (int(d) for d in sizes)
    return (n, h, w, c)


def _nhwc_filter_sizes(sizes):
    return tuple(int(d) for d in sizes)


def _pair(values, data_format):
    h, w, _ = _LAYOUTS[data_format]
    return (values[h], values[w])


def _conv2d_kernel(attrs):
    strides = _pair(attrs["strides"], attrs["data_format"])
    padding = attrs["padding"]
    conv2d = conv_kernels.conv2d
    if attrs["data_format"] == "NCHW":
        return lambda x, w: _to_nchw(conv2d(_to_nhwc(x), w, strides, padding))

    def conv2d_nhwc(x, w):
        return conv2d(x, w, strides, padding)

    return conv2d_nhwc


def _conv2d_backprop_input_kernel(attrs):
    strides = _pair(attrs["strides"], attrs["data_format"])
    padding = attrs["padding"]
    backprop = conv_kernels.conv2d_backprop_input
    if attrs["data_format"] == "NCHW":
        return lambda sizes, w, grad: _to_nchw(
            backprop(_nhwc_sizes(sizes), w, _to_nhwc(grad), strides, padding))

    def conv2d_backprop_input(sizes, w, grad):
        return backprop(sizes, w, grad, strides, padding)

    return conv2d_backprop_input


def _conv2d_backprop_filter_kernel(attrs):
    strides = _pair(attrs["strides"], attrs["data_format"])
    padding = attrs["padding"]
    backprop = conv_kernels.conv2d_backprop_filter
    if attrs["data_format"] == "NCHW":
        return lambda x, sizes, grad: backprop(
            _to_nhwc(x), _nhwc_filter_sizes(sizes), _to_nhwc(grad), strides, padding)

    def conv2d_backprop_filter(x, sizes, grad):
        return backprop(x, sizes, grad, strides, padding)

    return conv2d_backprop_filter


def _pool_args(attrs):
    data_format = attrs["data_format"]
    ksize = _pair(attrs["ksize"], data_format)
    strides = _pair(attrs["strides"], data_format)
    return ksize, strides, attrs["padding"], data_format == "NCHW"


def _pool_kernel(pool):
    """The kernel factory of a pooling op computed by ``pool`` (NHWC) in either layout."""

    def factory(attrs):
        ksize, strides, padding, nchw = _pool_args(attrs)
        if nchw:
            return lambda x: _to_nchw(pool(_to_nhwc(x), ksize, strides, padding))
        return lambda x: pool(x, ksize, strides, padding)

    return factory


_max_pool_kernel = _pool_kernel(conv_kernels.max_pool)
_avg_pool_kernel = _pool_kernel(conv_kernels.avg_pool)


def _max_pool_grad_kernel(attrs):
    ksize, strides, padding, nchw = _pool_args(attrs)
    backprop = conv_kernels.max_pool_grad
    if nchw:
        return lambda x, y, grad: _to_nchw(backprop(
            _to_nhwc(x), _to_nhwc(y), _to_nhwc(grad), ksize, strides, padding))
    return lambda x, y, grad: backprop(x, y, grad, ksize, strides, padding)


def _max_pool_grad_grad(x, y, grad, ksize, strides, padding):
    """For each window, the entry of ``grad`` (input-shaped) at the window's first maximum."""
    n, h, w, c = x.shape
    (kh, kw), (sh, sw) = ksize, strides
    out_h, top, bottom = conv_kernels.padding_sizes(h, kh, sh, padding)
    out_w, left, right = conv_kernels.padding_sizes(w, kw, sw, padding)
    if y.shape != (n, out_h, out_w, c) or grad.shape != x.shape:
        raise ValueError(f"orig_output {list(y.shape)} and grad {list(grad.shape)} do not fit "
                         f"orig_input {list(x.shape)}")
    padded = (n, h + top + bottom, w + left + right, c)
    # NaN padding never equals a maximum, so padded cells are never chosen.
    xp = np.full(padded, np.nan, dtype=x.dtype)
    xp[:, top : top + h, left : left + w] = x
    gp = np.zeros(padded, dtype=grad.dtype)
    gp[:, top : top + h, left : left + w] = grad
    out = np.zeros(y.shape, dtype=grad.dtype)
    taken = np.zeros(y.shape, dtype=bool)
    zero = grad.dtype.type(0)
    for i in range(kh):
        rows = slice(i, i + (out_h - 1) * sh + 1, sh)
        for j in range(kw):
            cols = slice(j, j + (out_w - 1) * sw + 1, sw)
            hit = (xp[:, rows, cols] == y) & ~taken
            out += np.where(hit, gp[:, rows, cols], zero)
            taken |= hit
    return out


def _max_pool_grad_grad_kernel(attrs):
    ksize, strides, padding, nchw = _pool_args(attrs)
    if nchw:
        return lambda x, y, grad: _to_nchw(_max_pool_grad_grad(
            _to_nhwc(x), _to_nhwc(y), _to_nhwc(grad), ksize, strides, padding))
    return lambda x, y, grad: _max_pool_grad_grad(x, y, grad, ksize, strides, padding)


def _avg_pool_grad_kernel(attrs):
    ksize, strides, padding, nchw = _pool_args(attrs)
    backprop = conv_kernels.avg_pool_grad
    if nchw:
        return lambda sizes, grad: _to_nchw(
            backprop(_nhwc_sizes(sizes), _to_nhwc(grad), ksize, strides, padding))
    return lambda sizes, grad: backprop(sizes, grad, ksize, strides, padding)


register_op("Conv2D", _conv2d_kernel, _conv2d_shape)
register_op("Conv2DBackpropInput", _conv2d_backprop_input_kernel, _conv2d_backprop_input_shape)
register_op("Conv2DBackpropFilter", _conv2d_backprop_filter_kernel,
            _conv2d_backprop_filter_shape)
register_op("MaxPool", _max_pool_kernel, _pool_shape)
register_op("MaxPoolGrad", _max_pool_grad_kernel, _max_pool_grad_shape)
register_op("MaxPoolGradGrad", _max_pool_grad_grad_kernel, _max_pool_grad_grad_shape)
register_op("AvgPool", _avg_pool_kernel, _pool_shape)
register_op("AvgPoolGrad", _avg_pool_grad_kernel, _avg_pool_grad_shape)


# -- convolution and pooling: builders ---------------------------------------------------------


def _float_input(op_type, value, arg):
    tensor = convert_to_tensor(value, name=arg)
    require_float(op_type, tensor, arg)
    return tensor


def _matching(op_type, value, dtype, arg, other_arg):
    """``value`` as a tensor of ``dtype``; a tensor of another dtype is TensorFlow's TypeError."""
    if isinstance(value, Tensor) or hasattr(value, "_as_graph_element"):
        tensor = convert_to_tensor(value)
        if tensor.dtype != dtype:
            raise TypeError(f"Input '{arg}' of '{op_type}' Op has type {tensor.dtype.name} that "
                            f"does not match type {dtype.name} of argument '{other_arg}'.")
        return tensor
    return convert_to_tensor(value, dtype=dtype, name=arg)


def _sizes_input(value, name):
    if isinstance(value, Tensor):
        return value
    if isinstance(value, TensorShape):
        value = value.as_list()
    return array_ops.constant(np.asarray(value, dtype=np.int32), name=name)


def _conv_attrs(op_type, strides, padding, data_format, dilations, use_cudnn_on_gpu=True):
    data_format = "NHWC" if data_format is None else data_format
    return {
        "strides": _four(strides, "strides", data_format, op_type),
        "padding": padding,
        "data_format": data_format,
        "dilations": _four([1] if dilations is None else dilations, "dilations", data_format,
                           op_type),
        "use_cudnn_on_gpu": bool(use_cudnn_on_gpu),
    }


def conv2d(input, filter=None, strides=None, padding=None, use_cudnn_on_gpu=True,  # noqa: A002
           data_format="NHWC", dilations=(1, 1, 1, 1), name=None, filters=None):
    """Cross-correlate ``input`` [batch, h, w, in] with ``filter`` [kh, kw, in, out].

    SAME pads ``max((out - 1) * stride + k - in, 0)`` in total, the smaller half first.
    """
    if filters is not None:
        if filter is not None:
            raise ValueError("Cannot specify both 'filters' and 'filter'")
        filter = filters  # noqa: A001
    if padding is None:
        raise ValueError("conv2d needs padding=\"SAME\" or padding=\"VALID\"")
    attrs = _conv_attrs("Conv2D", strides, padding, data_format, dilations, use_cudnn_on_gpu)
    input = _float_input("Conv2D", input, "input")  # noqa: A001
    filter = _matching("Conv2D", filter, input.dtype, "filter", "input")  # noqa: A001
    return make_op("Conv2D", [input, filter], [input.dtype], attrs, name).outputs[0]


def conv2d_backprop_input(input_sizes, filter, out_backprop, strides, padding,  # noqa: A002
                          use_cudnn_on_gpu=True, data_format="NHWC", dilations=(1, 1, 1, 1),
                          name=None, filters=None):
    """The gradient of ``conv2d`` with respect to its input, of shape ``input_sizes``."""
    filter = filters if filters is not None else filter  # noqa: A001
    attrs = _conv_attrs("Conv2DBackpropInput", strides, padding, data_format, dilations,
                        use_cudnn_on_gpu)
    filter = _float_input("Conv2DBackpropInput", filter, "filter")  # noqa: A001
    out_backprop = _matching("Conv2DBackpropInput", out_backprop, filter.dtype, "out_backprop",
                             "filter")
    sizes = _sizes_input(input_sizes, "input_sizes")
    return make_op("Conv2DBackpropInput", [sizes, filter, out_backprop], [filter.dtype], attrs,
                   name).outputs[0]


def conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding,  # noqa: A002
                           use_cudnn_on_gpu=True, data_format="NHWC", dilations=(1, 1, 1, 1),
                           name=None):
    """The gradient of ``conv2d`` with respect to its filter, of shape ``filter_sizes``."""
    attrs = _conv_attrs("Conv2DBackpropFilter", strides, padding, data_format, dilations,
                        use_cudnn_on_gpu)
    input = _float_input("Conv2DBackpropFilter", input, "input")  # noqa: A001
    out_backprop = _matching("Conv2DBackpropFilter", out_backprop, input.dtype, "out_backprop",
                             "input")
    sizes = _sizes_input(filter_sizes, "filter_sizes")
    return make_op("Conv2DBackpropFilter", [input, sizes, out_backprop], [input.dtype], attrs,
                   name).outputs[0]


def conv2d_transpose(value, filter, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NHWC", name=None):
    """The transpose (gradient) of ``conv2d``: maps ``value`` to a tensor of ``output_shape``."""
    with name_scope(name or "conv2d_transpose") as scope:
        value = _float_input("Conv2DBackpropInput", value, "value")
        filter = _matching("Conv2DBackpropInput", filter, value.dtype, "filter",  # noqa: A001
                           "value")
        channel_axis = 1 if data_format == "NCHW" else 3
        in_c = value.shape[channel_axis].value if value.shape.ndims == 4 else None
        f_out = filter.shape[3].value if filter.shape.ndims == 4 else None
        if in_c is not None and f_out is not None and in_c != f_out:
            raise ValueError(f"input channels does not match filter's input channels, "
                             f"{in_c} != {f_out}")
        return conv2d_backprop_input(output_shape, filter, value, strides, padding,
                                     data_format=data_format, name=scope)


def _pool(op_type, value, ksize, strides, padding, data_format, name):
    data_format = "NHWC" if data_format is None else data_format
    attrs = {
        "ksize": _four(ksize, "ksize", data_format, op_type),
        "strides": _four(strides, "strides", data_format, op_type),
        "padding": padding,
        "data_format": data_format,
    }
    value = _float_input(op_type, value, "input")
    return make_op(op_type, [value], [value.dtype], attrs, name).outputs[0]


def max_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa: A002
    """The maximum of each window; padding never wins."""
    value = input if input is not None else value
    return _pool("MaxPool", value, ksize, strides, padding, data_format, name)


def avg_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):  # noqa: A002
    """The mean of each window; with SAME padding only real elements are counted."""
    value = input if input is not None else value
    return _pool("AvgPool", value, ksize, strides, padding, data_format, name)


def pool_attrs_of(op):
    """The window attributes of a pooling op, as keyword arguments for its gradient builders."""
    return {key: op.attrs[key] for key in ("ksize", "strides", "padding", "data_format")}


def _pool_grad(op_type, inputs, ksize, strides, padding, data_format, name):
    data_format = "NHWC" if data_format is None else data_format
    attrs = {
        "ksize": _four(ksize, "ksize", data_format, op_type),
        "strides": _four(strides, "strides", data_format, op_type),
        "padding": padding,
        "data_format": data_format,
    }
    grad = inputs[-1]
    return make_op(op_type, inputs, [grad.dtype], attrs, name).outputs[0]


def max_pool_grad(orig_input, orig_output, grad, ksize, strides, padding, data_format="NHWC",
                  name=None):
    """MaxPoolGrad: each entry of ``grad`` goes to the first maximum of its window."""
    orig_input = _float_input("MaxPoolGrad", orig_input, "orig_input")
    orig_output = _matching("MaxPoolGrad", orig_output, orig_input.dtype, "orig_output",
                            "orig_input")
    grad = _matching("MaxPoolGrad", grad, orig_input.dtype, "grad", "orig_input")
    return _pool_grad("MaxPoolGrad", [orig_input, orig_output, grad], ksize, strides, padding,
                      data_format, name)


def max_pool_grad_grad(orig_input, orig_output, grad, ksize, strides, padding,
                       data_format="NHWC", name=None):
    """MaxPoolGradGrad: input-shaped ``grad`` read at the first maximum of each window."""
    orig_input = _float_input("MaxPoolGradGrad", orig_input, "orig_input")
    orig_output = _matching("MaxPoolGradGrad", orig_output, orig_input.dtype, "orig_output",
                            "orig_input")
    grad = _matching("MaxPoolGradGrad", grad, orig_input.dtype, "grad", "orig_input")
    return _pool_grad("MaxPoolGradGrad", [orig_input, orig_output, grad], ksize, strides,
                      padding, data_format, name)


def avg_pool_grad(orig_input_shape, grad, ksize, strides, padding, data_format="NHWC",
                  name=None):
    """AvgPoolGrad: each output's gradient shared out over its window's real elements."""
    grad = _float_input("AvgPoolGrad", grad, "grad")
    sizes = _sizes_input(orig_input_shape, "orig_input_shape")
    return _pool_grad("AvgPoolGrad", [sizes, grad], ksize, strides, padding, data_format, name)


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


register_op("BiasAdd", _bias_add_kernel, _bias_add_shape)
register_op("BiasAddGrad", _bias_add_grad_kernel, _bias_add_grad_shape)


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
        product = math_ops.matmul(x, weights)
        return bias_add(product, biases, name=scope)


def _l2_loss(x):
    flat = x.reshape(-1)
    return np.asarray(np.dot(flat, flat) / 2, dtype=x.dtype)


register_op("L2Loss", lambda attrs: _l2_loss, lambda op: [TensorShape([])])


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


register_op("InTopKV2", lambda attrs: _in_top_k, _in_top_k_shape)
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
        mean = math_ops.reduce_mean(x, axes, keepdims=True, name="mean")
        deviation = math_ops.squared_difference(x, array_ops.stop_gradient(mean))
        variance = math_ops.reduce_mean(deviation, axes, keepdims=True, name="variance")
        if not keep:
            squeezed = list(normalize_axes(axes, x.shape.ndims))
            mean = array_ops.squeeze(mean, squeezed)
            variance = array_ops.squeeze(variance, squeezed)
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


register_op("Dropout", _dropout_kernel, _dropout_shape)


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
        return array_ops.shape(x)
    if isinstance(noise_shape, TensorShape):
        noise_shape = noise_shape.as_list()
    dims = list(noise_shape)
    if x_dims is not None and len(dims) == len(x_dims):
        dims = [x_dims[i] if d is None else d for i, d in enumerate(dims)]
    if all(d is not None for d in dims):
        return [int(d) for d in dims]
    dynamic = array_ops.shape(x)
    return array_ops.stack([dynamic[i] if d is None else d for i, d in enumerate(dims)])


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
