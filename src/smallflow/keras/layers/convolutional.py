"""Keras's convolution and pooling layers (1-D and 2-D), global pooling, padding, upsampling.

Convolutions and the window poolings compute as ``tf.layers`` does; the Keras classes take
Keras's defaults (``pool_size=(2, 2)``, strides equal to the pool size, ``data_format`` from
``backend.image_data_format()``, string activations and initializers).
"""

from ...layers import convolutional as _conv
from ...ops import array_ops, image_resize_ops, math_ops
from .. import backend
from ..engine.base_layer import Layer
from ._args import attach_constraints, resolve

__all__ = ["AveragePooling1D", "AveragePooling2D", "AvgPool1D", "AvgPool2D", "Conv1D", "Conv2D",
           "Conv2DTranspose", "Convolution1D", "Convolution2D", "Convolution2DTranspose",
           "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAvgPool1D",
           "GlobalAvgPool2D", "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPooling1D",
           "GlobalMaxPooling2D", "MaxPool1D", "MaxPool2D", "MaxPooling1D", "MaxPooling2D",
           "UpSampling2D", "ZeroPadding2D"]


def _conv_class(base, rank):
    unit = (1,) * rank

    class KerasConv(base, Layer):
        def __init__(self, filters, kernel_size, strides=unit, padding="valid",
                     data_format=None, dilation_rate=unit, activation=None, use_bias=True,
                     kernel_initializer="glorot_uniform", bias_initializer="zeros",
                     kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                     kernel_constraint=None, bias_constraint=None, **kwargs):
            args = {"activation": activation, "kernel_initializer": kernel_initializer,
                    "bias_initializer": bias_initializer,
                    "kernel_regularizer": kernel_regularizer,
                    "bias_regularizer": bias_regularizer,
                    "kernel_constraint": kernel_constraint, "bias_constraint": bias_constraint}
            self._constraints = resolve(args)
            super().__init__(filters, kernel_size, strides=strides, padding=padding,
                             data_format=data_format or backend.image_data_format(),
                             dilation_rate=dilation_rate, use_bias=use_bias,
                             activity_regularizer=activity_regularizer, **args, **kwargs)

        def build(self, input_shape):
            super().build(input_shape)
            attach_constraints(self, self._constraints)

    return KerasConv


class Conv1D(_conv_class(_conv.Conv1D, 1)):
    """1-D convolution over ``[batch, steps, channels]``."""


class Conv2D(_conv_class(_conv.Conv2D, 2)):
    """2-D convolution over ``[batch, rows, cols, channels]`` (channels_last)."""


class Conv2DTranspose(_conv_class(_conv.Conv2DTranspose, 2)):
    """The transpose of a 2-D convolution (upsampling)."""


Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution2DTranspose = Conv2DTranspose


def _pool_class(base, rank):
    default = 2 if rank == 1 else (2,) * rank

    class KerasPool(base, Layer):
        def __init__(self, pool_size=default, strides=None, padding="valid", data_format=None,
                     **kwargs):
            super().__init__(pool_size, pool_size if strides is None else strides,
                             padding=padding,
                             data_format=data_format or backend.image_data_format(), **kwargs)

    return KerasPool


class MaxPooling1D(_pool_class(_conv.MaxPooling1D, 1)):
    """The maximum over windows of a sequence (``pool_size=2``)."""


class MaxPooling2D(_pool_class(_conv.MaxPooling2D, 2)):
    """The maximum over windows of an image (``pool_size=(2, 2)``)."""


class AveragePooling1D(_pool_class(_conv.AveragePooling1D, 1)):
    """The mean over windows of a sequence."""


class AveragePooling2D(_pool_class(_conv.AveragePooling2D, 2)):
    """The mean over windows of an image."""


MaxPool1D, MaxPool2D = MaxPooling1D, MaxPooling2D
AvgPool1D, AvgPool2D = AveragePooling1D, AveragePooling2D


class _GlobalPooling(Layer):
    _rank = 2
    _reduce = staticmethod(math_ops.reduce_mean)

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or backend.image_data_format()

    def call(self, inputs):
        first = 2 if self.data_format == "channels_first" else 1
        mask = getattr(inputs, "_keras_mask", None)
        if mask is not None and self._rank == 1 and self._reduce is math_ops.reduce_mean:
            # As Keras: the mean over the unmasked steps only.
            weights = math_ops.cast(mask, inputs.dtype)
            axis = 1 if first == 1 else 2
            weights = array_ops.expand_dims(weights, 2 if first == 1 else 1)
            total = math_ops.reduce_sum(math_ops.multiply(inputs, weights), axis)
            return math_ops.divide(total, math_ops.reduce_sum(weights, axis))
        return self._reduce(inputs, list(range(first, first + self._rank)))


class GlobalAveragePooling2D(_GlobalPooling):
    """The mean over rows and columns: ``[batch, channels]``."""


class GlobalMaxPooling2D(_GlobalPooling):
    """The maximum over rows and columns: ``[batch, channels]``."""

    _reduce = staticmethod(math_ops.reduce_max)


class GlobalAveragePooling1D(_GlobalPooling):
    """The mean over steps: ``[batch, channels]``."""

    _rank = 1


class GlobalMaxPooling1D(_GlobalPooling):
    """The maximum over steps: ``[batch, channels]``."""

    _rank = 1
    _reduce = staticmethod(math_ops.reduce_max)


GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D


class ZeroPadding2D(Layer):
    """Zeros around the rows and columns: ``padding`` is an int, 2 ints or 2 pairs."""

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(padding, int):
            padding = ((padding, padding), (padding, padding))
        elif isinstance(padding[0], int):
            padding = ((padding[0], padding[0]), (padding[1], padding[1]))
        self.padding = tuple(tuple(int(p) for p in pair) for pair in padding)
        self.data_format = data_format or backend.image_data_format()

    def call(self, inputs):
        rows, cols = self.padding
        if self.data_format == "channels_first":
            return array_ops.pad(inputs, [[0, 0], [0, 0], list(rows), list(cols)])
        return array_ops.pad(inputs, [[0, 0], list(rows), list(cols), [0, 0]])


class UpSampling2D(Layer):
    """Repeat rows and columns ``size`` times (nearest neighbour; ``interpolation`` may be
    ``'bilinear'``)."""

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.size = (size, size) if isinstance(size, int) else tuple(size)
        self.data_format = data_format or backend.image_data_format()
        self.interpolation = interpolation

    def call(self, inputs):
        nchw = self.data_format == "channels_first"
        if nchw:
            inputs = array_ops.transpose(inputs, [0, 2, 3, 1])
        dims = inputs.shape.as_list()
        new_size = [dims[1] * self.size[0], dims[2] * self.size[1]]
        if self.interpolation == "bilinear":
            outputs = image_resize_ops.resize_bilinear(inputs, new_size)
        else:
            outputs = image_resize_ops.resize_nearest_neighbor(inputs, new_size)
        return array_ops.transpose(outputs, [0, 3, 1, 2]) if nchw else outputs
