"""Keras's volume layers (Conv3D, Conv3DTranspose, 3-D pooling), separable and depthwise
convolutions, and the shape layers of every rank: UpSampling1D/3D, ZeroPadding1D/3D,
Cropping1D/2D/3D, global 3-D pooling.

The convolutions compute as the ``tf.layers`` classes do (``conv3d/kernel``, ...); the
shape layers are Keras's: upsampling repeats elements (nearest neighbour), padding adds
zeros, cropping slices, each over the spatial axes of ``data_format``.
"""

from ...layers import convolutional_extra as _extra
from ...ops import array_ops, math_ops, nn_extra_ops, nn_ops
from .. import backend
from ..engine.base_layer import Layer
from ._args import attach_constraints, resolve
from .convolutional import _conv_class, _GlobalPooling, _pool_class

__all__ = ["AveragePooling3D", "AvgPool3D", "Conv3D", "Conv3DTranspose", "Convolution3D",
           "Convolution3DTranspose", "Cropping1D", "Cropping2D", "Cropping3D", "DepthwiseConv2D",
           "GlobalAveragePooling3D", "GlobalAvgPool3D", "GlobalMaxPool3D", "GlobalMaxPooling3D",
           "MaxPool3D", "MaxPooling3D", "SeparableConv1D", "SeparableConv2D",
           "SeparableConvolution1D", "SeparableConvolution2D", "UpSampling1D", "UpSampling3D",
           "ZeroPadding1D", "ZeroPadding3D"]


class Conv3D(_conv_class(_extra.Conv3D, 3)):
    """3-D convolution over ``[batch, depth, rows, cols, channels]`` (channels_last)."""


class Conv3DTranspose(_conv_class(_extra.Conv3DTranspose, 3)):
    """The transpose of a 3-D convolution (scales volumes up)."""


Convolution3D = Conv3D
Convolution3DTranspose = Conv3DTranspose


class MaxPooling3D(_pool_class(_extra.MaxPooling3D, 3)):
    """The maximum over windows of a volume (``pool_size=(2, 2, 2)``)."""


class AveragePooling3D(_pool_class(_extra.AveragePooling3D, 3)):
    """The mean over windows of a volume."""


MaxPool3D, AvgPool3D = MaxPooling3D, AveragePooling3D


class GlobalAveragePooling3D(_GlobalPooling):
    """The mean over depth, rows and columns: ``[batch, channels]``."""

    _rank = 3


class GlobalMaxPooling3D(_GlobalPooling):
    """The maximum over depth, rows and columns: ``[batch, channels]``."""

    _rank = 3
    _reduce = staticmethod(math_ops.reduce_max)


GlobalAvgPool3D, GlobalMaxPool3D = GlobalAveragePooling3D, GlobalMaxPooling3D


def _separable_class(base):
    class KerasSeparable(base, Layer):
        def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                     dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                     depthwise_initializer="glorot_uniform",
                     pointwise_initializer="glorot_uniform", bias_initializer="zeros",
                     depthwise_regularizer=None, pointwise_regularizer=None,
                     bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                     pointwise_constraint=None, bias_constraint=None, **kwargs):
            args = {"activation": activation, "depthwise_initializer": depthwise_initializer,
                    "pointwise_initializer": pointwise_initializer,
                    "bias_initializer": bias_initializer,
                    "depthwise_regularizer": depthwise_regularizer,
                    "pointwise_regularizer": pointwise_regularizer,
                    "bias_regularizer": bias_regularizer}
            resolve(args)
            self._constraints = {"depthwise_kernel_constraint": depthwise_constraint,
                                 "pointwise_kernel_constraint": pointwise_constraint,
                                 "bias_constraint": bias_constraint}
            super().__init__(filters, kernel_size, strides=strides, padding=padding,
                             data_format=data_format or backend.image_data_format(),
                             dilation_rate=dilation_rate, depth_multiplier=depth_multiplier,
                             use_bias=use_bias, activity_regularizer=activity_regularizer,
                             **args, **kwargs)

        def build(self, input_shape):
            super().build(input_shape)
            attach_constraints(self, {k: v for k, v in self._constraints.items()
                                      if v is not None})

    return KerasSeparable


class SeparableConv1D(_separable_class(_extra.SeparableConv1D)):
    """A depthwise then a pointwise convolution over ``[batch, steps, channels]``."""


class SeparableConv2D(_separable_class(_extra.SeparableConv2D)):
    """A depthwise then a pointwise convolution over images."""


SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D


class DepthwiseConv2D(Layer):
    """Each input channel convolved with its own ``depth_multiplier`` filters (no mixing):
    ``depthwise_kernel`` ``[rows, cols, channels, depth_multiplier]``."""

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        args = {"activation": activation, "depthwise_initializer": depthwise_initializer,
                "bias_initializer": bias_initializer,
                "depthwise_regularizer": depthwise_regularizer,
                "bias_regularizer": bias_regularizer}
        resolve(args)
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.strides = _pair(strides, "strides")
        self.padding = padding.upper()
        self.depth_multiplier = int(depth_multiplier)
        self.data_format = data_format or backend.image_data_format()
        self.activation = args["activation"]
        self.use_bias = use_bias
        self.depthwise_initializer = args["depthwise_initializer"]
        self.bias_initializer = args["bias_initializer"]
        self.depthwise_regularizer = args["depthwise_regularizer"]
        self.bias_regularizer = args["bias_regularizer"]
        self._constraints = {"depthwise_kernel_constraint": depthwise_constraint,
                             "bias_constraint": bias_constraint}

    def build(self, input_shape):
        dims = list(input_shape)
        axis = 1 if self.data_format == "channels_first" else -1
        channels = dims[axis].value if hasattr(dims[axis], "value") else dims[axis]
        if channels is None:
            raise ValueError("The channel dimension of the inputs to `DepthwiseConv2D` should "
                             "be defined. Found `None`.")
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", (*self.kernel_size, int(channels), self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", (int(channels) * self.depth_multiplier,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer)
        attach_constraints(self, {k: v for k, v in self._constraints.items() if v is not None})
        self.built = True

    def call(self, inputs):
        nchw = self.data_format == "channels_first"
        image = array_ops.transpose(inputs, [0, 2, 3, 1]) if nchw else inputs
        outputs = nn_extra_ops.depthwise_conv2d(image, self.depthwise_kernel,
                                                [1, *self.strides, 1], self.padding)
        if self.bias is not None:
            outputs = nn_ops.bias_add(outputs, self.bias)
        if nchw:
            outputs = array_ops.transpose(outputs, [0, 3, 1, 2])
        return self.activation(outputs) if self.activation is not None else outputs


def _pair(value, what, rank=2):
    if isinstance(value, int):
        return (value,) * rank
    value = tuple(int(v) for v in value)
    if len(value) != rank:
        raise ValueError(f"The `{what}` argument must be a tuple of {rank} integers. "
                         f"Received: {value}")
    return value


def _pairs(padding, rank, what):
    """Keras's padding/cropping argument: an int, ``rank`` ints, or ``rank`` pairs."""
    if isinstance(padding, int):
        return ((padding, padding),) * rank
    padding = tuple(padding)
    if len(padding) != rank:
        raise ValueError(f"`{what}` should have {rank} elements. Found: {padding}")
    return tuple((int(p), int(p)) if isinstance(p, int) else _pair(p, what) for p in padding)


def _spatial_axes(layer, rank):
    first = 2 if layer.data_format == "channels_first" else 1
    return list(range(first, first + rank))


class _Spatial(Layer):
    _rank = 2

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = "channels_last" if self._rank == 1 \
            else data_format or backend.image_data_format()


class UpSampling1D(_Spatial):
    """Repeat each step ``size`` times: ``[batch, steps * size, features]``."""

    _rank = 1

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)

    def call(self, inputs):
        return backend.repeat_elements(inputs, self.size, axis=1)


class UpSampling3D(_Spatial):
    """Repeat depth, rows and columns ``size`` times (nearest neighbour)."""

    _rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(data_format, **kwargs)
        self.size = _pair(size, "size", 3)

    def call(self, inputs):
        outputs = inputs
        for axis, times in zip(_spatial_axes(self, 3), self.size):
            outputs = backend.repeat_elements(outputs, times, axis=axis)
        return outputs


def _one_pair(value, what):
    """A 1-D layer's argument: an int, a pair, or (from a saved config) a list of one pair."""
    if isinstance(value, int):
        return (value, value)
    value = list(value)
    if len(value) == 1 and not isinstance(value[0], int):
        value = list(value[0])
    return _pair(value, what)


class _Padding(_Spatial):
    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(data_format, **kwargs)
        if self._rank == 1:
            self.padding = _one_pair(padding, "padding")
            self._pairs = (self.padding,)
        else:
            self.padding = self._pairs = _pairs(padding, self._rank, "padding")

    def call(self, inputs):
        pads = [[0, 0]] * (self._rank + 2)
        for axis, pair in zip(_spatial_axes(self, self._rank), self._pairs):
            pads[axis] = list(pair)
        return array_ops.pad(inputs, pads)


class ZeroPadding1D(_Padding):
    """Zeros before and after the steps: ``padding`` is an int or a pair."""

    _rank = 1

    def __init__(self, padding=1, **kwargs):
        super().__init__(padding, **kwargs)


class ZeroPadding3D(_Padding):
    """Zeros around depth, rows and columns: an int, 3 ints or 3 pairs."""

    _rank = 3

    def __init__(self, padding=(1, 1, 1), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class _Cropping(_Spatial):
    def __init__(self, cropping, data_format=None, **kwargs):
        super().__init__(data_format, **kwargs)
        if self._rank == 1:
            self.cropping = _one_pair(cropping, "cropping")
            self._pairs = (self.cropping,)
        else:
            self.cropping = self._pairs = _pairs(cropping, self._rank, "cropping")

    def call(self, inputs):
        index = [slice(None)] * (self._rank + 2)
        for axis, (start, end) in zip(_spatial_axes(self, self._rank), self._pairs):
            index[axis] = slice(start, -end if end else None)
        return inputs[tuple(index)]


class Cropping1D(_Cropping):
    """Drop ``cropping = (start, end)`` steps at each end of the sequence."""

    _rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(cropping, **kwargs)


class Cropping2D(_Cropping):
    """Drop rows and columns at the edges: an int, 2 ints or 2 pairs."""

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)


class Cropping3D(_Cropping):
    """Drop edges of depth, rows and columns: an int, 3 ints or 3 pairs."""

    _rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)

