"""``tf.nn``'s explicit gradient functions of the convolutions TF 1.x exports
(``conv3d_backprop_filter``, ``depthwise_conv2d_native_backprop_input`` / ``_filter``),
``conv_transpose`` (by rank), and the CTC label helpers ``collapse_repeated`` and
``ctc_unique_labels``. The gradients are ``tf.gradients`` of the forward op on a probe of
the requested shape, so they are exactly the ones training uses."""

import numpy as np

from .. import dtypes
from ..gradients import gradients
from ..graph import convert_to_tensor, name_scope
from . import array_ops, math_ops, nn_dispatch_ops, nn_extra_ops, volume_ops
from .array_extra_ops import gather_nd, scatter_nd, unique
from .common import constant_value
from .conv_ops import conv2d_transpose
from .selection_ops import where


def _static_sizes(sizes, what):
    value = constant_value(convert_to_tensor(sizes, name=what))
    if value is None:
        raise ValueError(f"{what} must be known when the graph is built (a constant), got "
                         f"{sizes!r}")
    return [int(d) for d in np.ravel(value)]


def _gradient_wrt(forward, wrt_shape, wrt_dtype, other, out_backprop, name):
    """d(sum(forward(probe, other) * out_backprop)) / d(probe), probe of ``wrt_shape``."""
    with name_scope(name):
        out_backprop = convert_to_tensor(out_backprop, name="out_backprop")
        probe = array_ops.zeros(wrt_shape, dtype=wrt_dtype)
        image = forward(probe, other)
        if not image.shape.is_compatible_with(out_backprop.shape):
            raise ValueError(f"out_backprop of shape {out_backprop.shape} does not match the "
                             f"forward op's output shape {image.shape}")
        (result,) = gradients(image, probe, grad_ys=out_backprop)
        return result


def conv3d_backprop_filter_v2(input, filter_sizes, out_backprop, strides, padding,  # noqa: A002
                              data_format="NDHWC", dilations=(1, 1, 1, 1, 1), name=None):
    """The gradient of ``conv3d`` with respect to its filter, of shape ``filter_sizes``."""
    x = convert_to_tensor(input, name="input")
    return _gradient_wrt(
        lambda w, x: volume_ops.conv3d(x, w, strides, padding, data_format, dilations),
        _static_sizes(filter_sizes, "filter_sizes"), x.dtype, x, out_backprop,
        name or "Conv3DBackpropFilterV2")


def conv3d_backprop_filter(input, filter, out_backprop, strides, padding,  # noqa: A002
                           name=None):
    """The deprecated form: ``filter``'s shape gives the result's."""
    filter = convert_to_tensor(filter, name="filter")  # noqa: A001
    return conv3d_backprop_filter_v2(input, filter.shape.as_list(), out_backprop, strides,
                                     padding, name=name or "Conv3DBackpropFilter")


def depthwise_conv2d_native_backprop_input(input_sizes, filter, out_backprop,  # noqa: A002
                                           strides, padding, data_format="NHWC",
                                           dilations=(1, 1, 1, 1), name=None):
    """The gradient of the depthwise convolution with respect to its input."""
    w = convert_to_tensor(filter, name="filter")
    rate = list(dilations)[1:3]
    return _gradient_wrt(
        lambda x, w: nn_extra_ops.depthwise_conv2d(x, w, strides, padding, rate=rate,
                                                   data_format=data_format),
        _static_sizes(input_sizes, "input_sizes"), w.dtype, w, out_backprop,
        name or "DepthwiseConv2dNativeBackpropInput")


def depthwise_conv2d_native_backprop_filter(input, filter_sizes, out_backprop,  # noqa: A002
                                            strides, padding, data_format="NHWC",
                                            dilations=(1, 1, 1, 1), name=None):
    """The gradient of the depthwise convolution with respect to its filter."""
    x = convert_to_tensor(input, name="input")
    rate = list(dilations)[1:3]
    return _gradient_wrt(
        lambda w, x: nn_extra_ops.depthwise_conv2d(x, w, strides, padding, rate=rate,
                                                   data_format=data_format),
        _static_sizes(filter_sizes, "filter_sizes"), x.dtype, x, out_backprop,
        name or "DepthwiseConv2dNativeBackpropFilter")


def conv_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                   data_format=None, dilations=None, name=None):
    """The transposed convolution for 1-D, 2-D or 3-D data, chosen by ``output_shape``'s
    length (3, 4 or 5)."""
    if dilations is not None and any(int(d) != 1 for d in np.ravel(dilations)):
        raise ValueError("conv_transpose: dilations other than 1 are not supported")
    if constant_value(convert_to_tensor(output_shape)) is not None:
        rank = len(np.ravel(constant_value(convert_to_tensor(output_shape))))
    else:
        rank = convert_to_tensor(output_shape).shape.num_elements()
    if rank == 3:
        return nn_dispatch_ops.conv1d_transpose(input, filters, output_shape, strides, padding,
                                                data_format=data_format or "NWC",
                                                name=name or "conv1d_transpose")
    if rank == 4:
        steps = nn_dispatch_ops._full(strides, 2, "strides")
        return conv2d_transpose(input, filters, output_shape, steps, padding,
                                data_format=data_format or "NHWC",
                                name=name or "conv2d_transpose")
    if rank == 5:
        steps = nn_dispatch_ops._full(strides, 3, "strides")
        return volume_ops.conv3d_transpose(input, filters, output_shape, steps, padding,
                                           data_format=data_format or "NDHWC",
                                           name=name or "conv3d_transpose")
    raise ValueError(f"output_shape must have length 3, 4 or 5, got {rank}")


def collapse_repeated(labels, seq_length, name=None):
    """Merge runs of a repeated label within each row: ``labels`` [batch, max_len] with
    ``seq_length`` [batch] -> (collapsed labels zero-padded to the longest new row, the new
    lengths)."""
    with name_scope(name or "collapse_repeated_labels"):
        labels = convert_to_tensor(labels, name="labels")
        seq_length = convert_to_tensor(seq_length, name="seq_length")
        width = array_ops.shape(labels)[1]
        # A label starts a run when it differs from the one before it (the first always).
        differs = math_ops.not_equal(labels[:, 1:], labels[:, :-1])
        starts = array_ops.concat([array_ops.ones_like(labels[:, :1], dtype=dtypes.bool),
                                   differs], 1)
        in_row = math_ops.less(math_ops.range(width), array_ops.expand_dims(seq_length, 1))
        keep = math_ops.logical_and(starts, in_row)
        new_length = math_ops.reduce_sum(math_ops.cast(keep, dtypes.int32), 1)
        new_width = math_ops.reduce_max(new_length)
        # Each kept label goes to its position among the kept labels of its row.
        position = math_ops.cumsum(math_ops.cast(keep, dtypes.int32), 1) - 1
        kept = where(keep)
        rows = kept[:, 0]
        columns = math_ops.cast(gather_nd(position, kept), dtypes.int64)
        values = gather_nd(labels, kept)
        shape = math_ops.cast(array_ops.stack([array_ops.shape(labels)[0], new_width]),
                              dtypes.int64)
        collapsed = scatter_nd(array_ops.stack([rows, columns], 1), values, shape)
        return collapsed, math_ops.cast(new_length, seq_length.dtype)


def ctc_unique_labels(labels, name=None):
    """Each row's distinct labels in order of first appearance (int64, zero-padded to
    ``labels``' width), and for every position the index of its label among them (int32):
    ``tf.unique`` row by row."""
    with name_scope(name or "ctc_unique_labels"):
        labels = convert_to_tensor(labels, name="labels")
        width = array_ops.shape(labels)[1]

        def one_row(row):
            found, index = unique(row)
            padded = array_ops.pad(found, [[0, width - array_ops.shape(found)[0]]])
            return math_ops.cast(padded, dtypes.int64), index

        from .functional_ops import map_fn

        return map_fn(one_row, labels, dtype=(dtypes.int64, dtypes.int32))
