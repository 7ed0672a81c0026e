"""Convolution and pooling ops: attributes, static shapes, kernels, builders."""

import numbers
import operator

import numpy as np

from ..graph import ShapeError, Tensor, convert_to_tensor, name_scope
from ..op_signature import FLOATS, signature
from ..registry import register_op
from ..tensor_shape import TensorShape
from . import conv_kernels, pool_kernels
from .common import (
    constant_ints,
    make_op,
    renamed_argument,
    require_float,
)
from .constant_op import constant

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


_max_pool_kernel = _pool_kernel(pool_kernels.max_pool)
_avg_pool_kernel = _pool_kernel(conv_kernels.avg_pool)


def _max_pool_grad_kernel(attrs):
    ksize, strides, padding, nchw = _pool_args(attrs)
    backprop = pool_kernels.max_pool_grad
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


register_op("Conv2D", _conv2d_kernel, _conv2d_shape,
            signature=signature("input: T, filter: T -> output: T", T=FLOATS))
register_op("Conv2DBackpropInput", _conv2d_backprop_input_kernel, _conv2d_backprop_input_shape,
            signature=signature("input_sizes: int32, filter: T, out_backprop: T -> output: T",
                                T=FLOATS))
register_op("Conv2DBackpropFilter", _conv2d_backprop_filter_kernel,
            _conv2d_backprop_filter_shape,
            signature=signature("input: T, filter_sizes: int32, out_backprop: T -> output: T",
                                T=FLOATS))
register_op("MaxPool", _max_pool_kernel, _pool_shape,
            signature=signature("input: T -> output: T", T=FLOATS))
register_op("MaxPoolGrad", _max_pool_grad_kernel, _max_pool_grad_shape,
            signature=signature("orig_input: T, orig_output: T, grad: T -> output: T",
                                T=FLOATS))
register_op("MaxPoolGradGrad", _max_pool_grad_grad_kernel, _max_pool_grad_grad_shape,
            signature=signature("orig_input: T, orig_output: T, grad: T -> output: T",
                                T=FLOATS))
register_op("AvgPool", _avg_pool_kernel, _pool_shape,
            signature=signature("value: T -> output: T", T=FLOATS))
register_op("AvgPoolGrad", _avg_pool_grad_kernel, _avg_pool_grad_shape,
            signature=signature("orig_input_shape: int32, grad: T -> output: T", T=FLOATS))


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
    return constant(np.asarray(value, dtype=np.int32), name=name)


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


def conv2d_transpose(value=None, filter=None, output_shape=None, strides=None,  # noqa: A002
                     padding="SAME", data_format="NHWC", name=None, input=None,  # noqa: A002
                     filters=None, dilations=None):
    """The transpose (gradient) of ``conv2d``: maps ``value`` to a tensor of ``output_shape``.

    TensorFlow 1.15's arguments: ``input``/``filters`` are TensorFlow 2's names of
    ``value``/``filter``; ``dilations`` an int or 1, 2 or 4 ints, as ``strides``."""
    value = renamed_argument("input", input, "value", value)
    filter = renamed_argument("filters", filters, "filter", filter)  # noqa: A001
    dilations = (1, 1, 1, 1) if dilations is None else _four(
        dilations, "dilations", data_format, "Conv2DBackpropInput")
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
                                     data_format=data_format, dilations=dilations, name=scope)


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


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """``tf.nn.max_pool2d``: ``max_pool`` with TensorFlow 1.15's argument name ``input``."""
    return _pool("MaxPool", input, ksize, strides, padding, data_format, name)


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


