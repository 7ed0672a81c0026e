"""Separable and 3-D convolution layers and 3-D pooling, with TensorFlow 1.x's names.

``SeparableConv1D``/``SeparableConv2D`` keep TF1's two kernels (``depthwise_kernel``
``[k..., in, depth_multiplier]`` and ``pointwise_kernel`` ``[1..., in * multiplier,
filters]``) and run ``tf.nn.separable_conv2d``; the 1-D form works on a height-1 image, as
TensorFlow does. ``Conv3D``/``Conv3DTranspose`` and the 3-D pools run the NDHWC kernels of
``ops.volume_ops``; ``channels_first`` inputs are transposed around them, since those
kernels (like TensorFlow's CPU kernels) know the channels-last layout only.
"""

from .. import init_ops
from ..gradients import gradients
from ..ops import array_ops, nn_extra_ops, nn_ops, volume_ops
from ..tensor_shape import TensorShape
from .base import Layer, data_format_of, float_inputs, int_tuple, padding_of, refuse
from .convolutional import _Conv, _conv_function, _transpose_function, _transposed_size
from .core import bias_and_activation

__all__ = [
    "AveragePooling3D",
    "Conv3D",
    "Conv3DTranspose",
    "Convolution3D",
    "Convolution3DTranspose",
    "MaxPooling3D",
    "SeparableConv1D",
    "SeparableConv2D",
    "average_pooling3d",
    "conv3d",
    "conv3d_transpose",
    "max_pooling3d",
    "separable_conv1d",
    "separable_conv2d",
]

_ZEROS = init_ops.zeros_initializer()


def _to_channels_last(inputs, rank):
    """``[N, C, spatial...]`` -> ``[N, spatial..., C]``."""
    return array_ops.transpose(inputs, [0, *range(2, rank + 2), 1])


def _to_channels_first(outputs, rank):
    return array_ops.transpose(outputs, [0, rank + 1, *range(1, rank + 1)])


# -- separable convolutions ----------------------------------------------------------------------


class _SeparableConv(_Conv):
    """A depthwise convolution of each channel, then a 1x1 convolution mixing them."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, depth_multiplier=1,
                 activation=None, use_bias=True, depthwise_initializer=None,
                 pointwise_initializer=None, bias_initializer=_ZEROS, depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 trainable=True, name=None, **kwargs):
        refuse({"depthwise_constraint": depthwise_constraint,
                "pointwise_constraint": pointwise_constraint}, self._label)
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         activation, use_bias, None, bias_initializer, None, bias_regularizer,
                         activity_regularizer, None, bias_constraint, trainable, name, **kwargs)
        self.depth_multiplier = int(depth_multiplier)
        if self.depth_multiplier < 1:
            raise ValueError(f"depth_multiplier must be a positive integer, got "
                             f"{depth_multiplier!r}")
        self.depthwise_initializer = depthwise_initializer
        self.pointwise_initializer = pointwise_initializer
        self.depthwise_regularizer = depthwise_regularizer
        self.pointwise_regularizer = pointwise_regularizer
        self.depthwise_kernel = None
        self.pointwise_kernel = None

    def build(self, input_shape):
        channels = self._in_channels(input_shape)
        multiplier = self.depth_multiplier
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", [*self.kernel_size, channels, multiplier], None,
            self.depthwise_initializer, self.depthwise_regularizer)
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", [1] * self._rank + [channels * multiplier, self.filters], None,
            self.pointwise_initializer, self.pointwise_regularizer)
        if self.use_bias:
            self.bias = self.add_weight("bias", [self.filters], None, self.bias_initializer,
                                        self.bias_regularizer)
        self.built = True

    def _separable(self, image, depthwise, pointwise, strides):
        """NHWC image through the two kernels (channels-first inputs transposed around)."""
        nchw = self.data_format == "NCHW"
        if nchw:
            image = _to_channels_last(image, 2)
        outputs = nn_extra_ops.separable_conv2d(image, depthwise, pointwise, [1, *strides, 1],
                                                self.padding)
        return _to_channels_first(outputs, 2) if nchw else outputs


class SeparableConv2D(_SeparableConv):
    """``tf.layers.SeparableConv2D``: depthwise then pointwise 2-D convolution."""

    _label = "separable_conv2d"

    def call(self, inputs):
        inputs = float_inputs(inputs, self._label)
        outputs = self._separable(inputs, self.depthwise_kernel, self.pointwise_kernel,
                                  self.strides)
        return bias_and_activation(self, outputs, self.data_format)


class SeparableConv1D(_SeparableConv):
    """``tf.layers.SeparableConv1D``: the 2-D layer on a height-1 image."""

    _rank = 1
    _label = "separable_conv1d"

    def call(self, inputs):
        inputs = float_inputs(inputs, self._label)
        image_axis = 2 if self.data_format == "NCHW" else 1
        image = array_ops.expand_dims(inputs, image_axis)
        depthwise = array_ops.expand_dims(self.depthwise_kernel, 0)
        pointwise = array_ops.expand_dims(self.pointwise_kernel, 0)
        outputs = self._separable(image, depthwise, pointwise, [1, *self.strides])
        outputs = array_ops.squeeze(outputs, [image_axis])
        return bias_and_activation(self, outputs, self.data_format)


def _separable_function(layer_class, label):
    def build(inputs, filters, kernel_size, strides=1, padding="valid",
              data_format="channels_last", dilation_rate=1, depth_multiplier=1,
              activation=None, use_bias=True, depthwise_initializer=None,
              pointwise_initializer=None, bias_initializer=_ZEROS, depthwise_regularizer=None,
              pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
              depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
              trainable=True, name=None, reuse=None, **unsupported):
        refuse(unsupported, label)
        inputs = float_inputs(inputs, label)
        layer = layer_class(filters, kernel_size, strides, padding, data_format, dilation_rate,
                            depth_multiplier, activation, use_bias, depthwise_initializer,
                            pointwise_initializer, bias_initializer, depthwise_regularizer,
                            pointwise_regularizer, bias_regularizer, activity_regularizer,
                            depthwise_constraint, pointwise_constraint, bias_constraint,
                            trainable, name, _scope=name, _reuse=reuse)
        return layer(inputs)

    build.__name__ = label
    build.__doc__ = f"Functional form of ``{layer_class.__name__}``."
    return build


separable_conv1d = _separable_function(SeparableConv1D, "separable_conv1d")
separable_conv2d = _separable_function(SeparableConv2D, "separable_conv2d")


# -- 3-D convolutions ----------------------------------------------------------------------------


def _bias_then_activation(layer, outputs, nchw):
    """Bias on the channels-last result (``conv3d/BiasAdd``), back to channels first if
    the inputs were, then the activation."""
    if layer.use_bias:
        outputs = nn_ops.bias_add(outputs, layer.bias)
    if nchw:
        outputs = _to_channels_first(outputs, 3)
    return layer.activation(outputs) if layer.activation is not None else outputs


class Conv3D(_Conv):
    """``tf.layers.Conv3D``: ``activation(conv3d(inputs, kernel) + bias)`` over volumes."""

    _rank = 3
    _label = "conv3d"

    def call(self, inputs):
        inputs = float_inputs(inputs, self._label)
        nchw = self.data_format == "NCHW"
        volume = _to_channels_last(inputs, 3) if nchw else inputs
        outputs = volume_ops.conv3d(volume, self.kernel, [1, *self.strides, 1], self.padding)
        return _bias_then_activation(self, outputs, nchw)


class Conv3DTranspose(_Conv):
    """``tf.layers.Conv3DTranspose``: the transpose of a 3-D convolution (scales volumes up).

    The kernel is ``[kd, kh, kw, filters, in_channels]``, as TensorFlow's.
    """

    _rank = 3
    _label = "conv3d_transpose"

    def _kernel_shape(self, in_channels):
        return [*self.kernel_size, self.filters, in_channels]

    def call(self, inputs):
        inputs = float_inputs(inputs, self._label)
        nchw = self.data_format == "NCHW"
        volume = _to_channels_last(inputs, 3) if nchw else inputs
        dims = volume.shape.as_list()
        if any(d is None for d in dims[1:4]):
            raise ValueError(f"conv3d_transpose needs inputs with known spatial sizes, got "
                             f"{volume.shape}")
        sizes = [_transposed_size(size, k, s, self.padding)
                 for size, k, s in zip(dims[1:4], self.kernel_size, self.strides)]
        # The transpose is the input-gradient of the forward convolution of a zero volume of
        # the output's shape; its batch size is the inputs', known only when the graph runs.
        batch = array_ops.shape(volume)[:1]
        probe = array_ops.zeros(array_ops.concat([batch, [*sizes, self.filters]], 0),
                                dtype=volume.dtype)
        probe.set_shape(TensorShape([dims[0], *sizes, self.filters]))
        forward = volume_ops.conv3d(probe, self.kernel, [1, *self.strides, 1], self.padding)
        (outputs,) = gradients(forward, probe, grad_ys=volume)
        outputs.set_shape(TensorShape([dims[0], *sizes, self.filters]))
        return _bias_then_activation(self, outputs, nchw)


Convolution3D = Conv3D
Convolution3DTranspose = Conv3DTranspose


conv3d = _conv_function(Conv3D, "conv3d", (1, 1, 1))
conv3d_transpose = _transpose_function(Conv3DTranspose, "conv3d_transpose", (1, 1, 1))


# -- 3-D pooling ---------------------------------------------------------------------------------


class _Pooling3D(Layer):
    _pool = staticmethod(volume_ops.max_pool3d)

    def __init__(self, pool_size, strides, padding="valid", data_format="channels_last",
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_size = int_tuple(pool_size, 3, "pool_size")
        self.strides = int_tuple(strides, 3, "strides")
        self.padding = padding_of(padding)
        self.data_format = data_format_of(data_format)

    def call(self, inputs):
        inputs = float_inputs(inputs, self._base_name)
        nchw = self.data_format == "NCHW"
        volume = _to_channels_last(inputs, 3) if nchw else inputs
        pooled = self._pool(volume, [1, *self.pool_size, 1], [1, *self.strides, 1],
                            self.padding)
        return _to_channels_first(pooled, 3) if nchw else pooled


class MaxPooling3D(_Pooling3D):
    """The maximum over each ``pool_size`` window of a volume."""


class AveragePooling3D(_Pooling3D):
    """The mean over each ``pool_size`` window of a volume (padding not counted)."""

    _pool = staticmethod(volume_ops.avg_pool3d)


def _pool3d_function(layer_class, label):
    def build(inputs, pool_size, strides, padding="valid", data_format="channels_last",
              name=None):
        return layer_class(pool_size, strides, padding, data_format, name=name,
                           _scope=name)(inputs)

    build.__name__ = label
    build.__doc__ = f"Functional form of ``{layer_class.__name__}``."
    return build


max_pooling3d = _pool3d_function(MaxPooling3D, "max_pooling3d")
average_pooling3d = _pool3d_function(AveragePooling3D, "average_pooling3d")
