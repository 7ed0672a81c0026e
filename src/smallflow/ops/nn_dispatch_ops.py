"""``tf.nn`` functions that choose among the convolutions and pools by rank (``convolution``,
``pool``, ``max_pool_v2``, ``avg_pool_v2``), their 1-D forms, the transposed 1-D and atrous
convolutions (built with ``tf.gradients`` of the forward convolution), and
``batch_norm_with_global_normalization``."""

import numpy as np

from ..gradients import gradients
from ..graph import convert_to_tensor, name_scope
from . import array_ops, nn_extra_ops, nn_ops, volume_ops
from .common import renamed_argument


def _spatial_rank(x, filter=None):  # noqa: A002
    """The number of spatial axes: the filter's rank less two when it is known (TensorFlow's
    ``Convolution`` looks at the filter first), else the input's."""
    rank = None if filter is None else convert_to_tensor(filter).shape.ndims
    if rank is None:
        rank = convert_to_tensor(x).shape.ndims
    if rank is None or rank not in (3, 4, 5):
        raise ValueError(f"input must have rank 3, 4 or 5 (1-D, 2-D or 3-D data with batch "
                         f"and channels), got {rank}")
    return rank - 2


def _full(values, count, what):
    items = [int(values)] * count if np.ndim(values) == 0 else [int(v) for v in values]
    if len(items) == count + 2:
        return items
    if len(items) == 1:
        items = items * count
    if len(items) != count:
        raise ValueError(f"{what} must have 1, {count} or {count + 2} entries, got {values!r}")
    return [1, *items, 1]


def _pool_1d(pool, value, ksize, strides, padding, data_format, name):
    if data_format not in ("NWC", None):
        raise ValueError("1-D pooling supports data_format NWC only")
    with name_scope(name):
        image = array_ops.expand_dims(convert_to_tensor(value, name="input"), 1)
        kernel = [1, 1, _full(ksize, 1, "ksize")[1], 1]
        stride = [1, 1, _full(strides, 1, "strides")[1], 1]
        return array_ops.squeeze(pool(image, kernel, stride, padding), [1])


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    return _pool_1d(nn_ops.max_pool, input, ksize, strides, padding, data_format,
                    name or "MaxPool1d")


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    return _pool_1d(nn_ops.avg_pool, input, ksize, strides, padding, data_format,
                    name or "AvgPool1D")


def _pool_nd(kind, input, ksize, strides, padding, data_format, name):  # noqa: A002
    spatial = _spatial_rank(input)
    kernel = _full(ksize, spatial, "ksize")
    stride = _full(strides, spatial, "strides")
    if spatial == 1:
        pool = max_pool1d if kind == "MAX" else avg_pool1d
        return pool(input, kernel, stride, padding, name=name)
    if spatial == 2:
        pool = nn_ops.max_pool if kind == "MAX" else nn_ops.avg_pool
        return pool(input, kernel, stride, padding, data_format=data_format or "NHWC",
                    name=name)
    pool = volume_ops.max_pool3d if kind == "MAX" else volume_ops.avg_pool3d
    return pool(input, kernel, stride, padding, name=name)


def max_pool_v2(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    """Max pooling of 1-D, 2-D or 3-D data, chosen by the input's rank."""
    return _pool_nd("MAX", input, ksize, strides, padding, data_format, name)


def avg_pool_v2(input, ksize, strides, padding, data_format=None, name=None):  # noqa: A002
    return _pool_nd("AVG", input, ksize, strides, padding, data_format, name)


def pool(input, window_shape, pooling_type, padding, dilation_rate=None,  # noqa: A002
         strides=None, name=None, data_format=None, dilations=None):
    """``MAX`` or ``AVG`` pooling over ``window_shape`` (dilation 1 only; ``dilations`` is
    TensorFlow 2's name of ``dilation_rate``)."""
    dilation_rate = renamed_argument("dilations", dilations, "dilation_rate", dilation_rate)
    if pooling_type not in ("MAX", "AVG"):
        raise ValueError(f"Invalid pooling_type: {pooling_type}")
    if dilation_rate is not None and any(int(r) != 1 for r in np.ravel(dilation_rate)):
        raise ValueError("pool: dilation_rate other than 1 is not supported")
    # TensorFlow's default: stride 1 in every spatial dimension (not the window's size).
    strides = [1] * len(window_shape) if strides is None else strides
    return _pool_nd(pooling_type, input, window_shape, strides, padding, data_format, name)


def convolution(input, filter, padding, strides=None, dilation_rate=None,  # noqa: A002
                name=None, data_format=None, filters=None, dilations=None):
    """The convolution for the input's rank: 1-D, 2-D (dilated with ``dilation_rate``) or 3-D."""
    filter = filters if filter is None else filter  # noqa: A001
    rate = dilation_rate if dilation_rate is not None else dilations
    spatial = _spatial_rank(input, filter)
    steps = [1] * spatial if strides is None else [int(s) for s in np.ravel(strides)]
    rates = [1] * spatial if rate is None else [int(r) for r in np.ravel(rate)]
    if len(rates) == 1:
        rates = rates * spatial
    if any(r != 1 for r in rates):
        if any(s != 1 for s in steps):
            raise ValueError("strides > 1 not supported in conjunction with dilation_rate > 1")
        if len(rates) != spatial or min(rates) < 1:
            raise ValueError(f"dilation_rate must be {spatial} positive integers, got {rate!r}")
        return _dilated_convolution(input, filter, padding, rates, spatial, data_format, name)
    if spatial == 1:
        return nn_extra_ops.conv1d(input, filter, steps[0], padding, name=name)
    if spatial == 2:
        return nn_ops.conv2d(input, filter, [1, *steps, 1], padding,
                             data_format=data_format or "NHWC", name=name)
    return volume_ops.conv3d(input, filter, [1, *steps, 1], padding, name=name)


def _dilated_convolution(x, w, padding, rates, spatial, data_format, name):
    """A convolution whose filter taps are ``rates`` apart along each spatial axis: the
    convolution with the filter spread out by ``rate - 1`` zeros between its taps, which is
    what TensorFlow's space-to-batch formulation computes (VALID and SAME alike)."""
    with name_scope(name or "convolution"):
        x = convert_to_tensor(x, name="input")
        w = convert_to_tensor(w, name="filter")
        if w.shape.ndims != spatial + 2 or not w.shape[:spatial].is_fully_defined():
            raise ValueError(f"convolution: filter must be rank {spatial + 2} with known "
                             f"spatial dimensions, got shape {w.shape}")
        for axis, rate in enumerate(rates):
            if rate == 1:
                continue
            taps = w.shape.as_list()[axis]
            gaps = [[0, 0]] * (spatial + 3)
            gaps[axis + 1] = [0, rate - 1]
            spread = array_ops.pad(array_ops.expand_dims(w, axis + 1), gaps)
            shape = [-1 if d is None else d for d in w.shape.as_list()]
            shape[axis] = taps * rate
            index = [slice(None)] * (spatial + 2)
            index[axis] = slice(0, (taps - 1) * rate + 1)
            w = array_ops.reshape(spread, shape)[tuple(index)]
        if spatial == 1:
            return nn_extra_ops.conv1d(x, w, 1, padding, data_format=data_format or "NWC")
        if spatial == 2:
            return nn_ops.conv2d(x, w, [1, 1, 1, 1], padding, data_format=data_format or "NHWC")
        if (data_format or "NDHWC") != "NDHWC":
            raise ValueError("convolution: 3-D data supports data_format NDHWC only")
        return volume_ops.conv3d(x, w, [1, 1, 1, 1, 1], padding)


def _transpose_of(forward, value, output_shape, name):
    """The transpose of the linear map ``forward`` applied to ``value`` (a gradient)."""
    with name_scope(name):
        value = convert_to_tensor(value, name="value")
        shape = [int(d) for d in np.ravel(output_shape)]
        probe = array_ops.zeros(shape, dtype=value.dtype)
        image = forward(probe)
        if not image.shape.is_compatible_with(value.shape):
            raise ValueError(f"value of shape {value.shape} does not match the forward "
                             f"convolution of output_shape {shape} ({image.shape})")
        (result,) = gradients(image, probe, grad_ys=value)
        return result


def conv1d_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NWC", dilations=None, name=None):
    """The transpose of ``conv1d``: ``filters`` is ``[k, out_channels, in_channels]``."""
    step = _full(strides, 1, "strides")[1]
    return _transpose_of(lambda x: nn_extra_ops.conv1d(x, filters, step, padding), input,
                         output_shape, name or "conv1d_transpose")


def atrous_conv2d_transpose(value, filters, output_shape, rate, padding, name=None):
    """The transpose of ``atrous_conv2d``."""
    return _transpose_of(lambda x: nn_extra_ops.atrous_conv2d(x, filters, rate, padding),
                         value, output_shape, name or "AtrousConv2DTranspose")


def batch_norm_with_global_normalization(t=None, m=None, v=None, beta=None, gamma=None,
                                         variance_epsilon=None,
                                         scale_after_normalization=None, name=None,
                                         input=None, mean=None, variance=None):  # noqa: A002
    """The older batch normalization: ``gamma`` is applied only with
    ``scale_after_normalization``."""
    t = input if t is None else t
    m = mean if m is None else m
    v = variance if v is None else v
    return nn_extra_ops.batch_normalization(
        t, m, v, beta, gamma if scale_after_normalization else None, variance_epsilon,
        name or "batchnorm")
