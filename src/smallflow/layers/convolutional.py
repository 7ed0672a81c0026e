"""Convolution and pooling layers (1-D and 2-D, and the 2-D transposed convolution).

1-D layers run the 2-D kernels on a height-1 image, so they share their speed; their
variables keep TensorFlow's 1-D shapes (``conv1d/kernel`` is ``[width, in, filters]``).
"""

from .. import init_ops
from ..ops import array_ops, nn_ops
from ..tensor_shape import TensorShape
from .base import Layer, data_format_of, float_inputs, int_tuple, padding_of, refuse
from .core import bias_and_activation

__all__ = [
    "AveragePooling1D",
    "AveragePooling2D",
    "Conv1D",
    "Conv2D",
    "Conv2DTranspose",
    "Convolution1D",
    "Convolution2D",
    "Convolution2DTranspose",
    "MaxPooling1D",
    "MaxPooling2D",
    "average_pooling1d",
    "average_pooling2d",
    "conv1d",
    "conv2d",
    "conv2d_transpose",
    "max_pooling1d",
    "max_pooling2d",
]

_ZEROS = init_ops.zeros_initializer()


class _Conv(Layer):
    """What Conv1D, Conv2D and Conv2DTranspose share: arguments, bias, activation."""

    _rank = 2
    _label = "conv2d"

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer=None, bias_initializer=_ZEROS, kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        refuse({"kernel_constraint": kernel_constraint, "bias_constraint": bias_constraint},
               self._label)
        super().__init__(trainable=trainable, name=name,
                         activity_regularizer=activity_regularizer, **kwargs)
        rank = self._rank
        self.filters = int(filters)
        self.kernel_size = int_tuple(kernel_size, rank, "kernel_size")
        self.strides = int_tuple(strides, rank, "strides")
        if int_tuple(dilation_rate, rank, "dilation_rate") != [1] * rank:
            raise ValueError(f"dilation_rate other than 1 is not supported, got "
                             f"{dilation_rate!r}")
        self.padding = padding_of(padding)
        self.data_format = data_format_of(data_format)
        self.activation = activation
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer
        self.kernel = None
        self.bias = None

    def _in_channels(self, input_shape):
        shape = TensorShape(input_shape)
        axis = 1 if self.data_format == "NCHW" else -1
        if shape.ndims != self._rank + 2 or shape[axis].value is None:
            raise ValueError(
                f"The channel dimension of the inputs to `{type(self).__name__}` should be "
                f"defined and the inputs {self._rank + 2}-D. Found shape {shape}")
        return shape[axis].value

    def _kernel_shape(self, in_channels):
        return [*self.kernel_size, in_channels, self.filters]

    def build(self, input_shape):
        in_channels = self._in_channels(input_shape)
        self.kernel = self.add_weight("kernel", self._kernel_shape(in_channels), None,
                                      self.kernel_initializer, self.kernel_regularizer)
        if self.use_bias:
            self.bias = self.add_weight("bias", [self.filters], None, self.bias_initializer,
                                        self.bias_regularizer)
        self.built = True


class Conv2D(_Conv):
    """A 2-D convolution layer: ``activation(conv2d(inputs, kernel) + bias)``."""

    def call(self, inputs):
        inputs = float_inputs(inputs, "conv2d")
        outputs = nn_ops.conv2d(inputs, self.kernel, self.strides, self.padding,
                                data_format=self.data_format)
        return bias_and_activation(self, outputs, self.data_format)


class Conv1D(_Conv):
    """A 1-D convolution over ``[batch, width, channels]`` (or channels first)."""

    _rank = 1
    _label = "conv1d"

    def call(self, inputs):
        inputs = float_inputs(inputs, "conv1d")
        image_axis = 2 if self.data_format == "NCHW" else 1
        image = array_ops.expand_dims(inputs, image_axis)
        kernel = array_ops.expand_dims(self.kernel, 0)
        outputs = nn_ops.conv2d(image, kernel, [1, *self.strides], self.padding,
                                data_format=self.data_format)
        outputs = array_ops.squeeze(outputs, [image_axis])
        data_format = "NCHW" if self.data_format == "NCHW" else "NHWC"
        return bias_and_activation(self, outputs, data_format)


def _transposed_size(size, kernel, stride, padding):
    if size is None:
        return None
    if padding == "VALID":
        return size * stride + max(kernel - stride, 0)
    return size * stride


class Conv2DTranspose(_Conv):
    """The transpose of a 2-D convolution (a "deconvolution"): it scales images up."""

    _label = "conv2d_transpose"

    def _kernel_shape(self, in_channels):
        return [*self.kernel_size, self.filters, in_channels]

    def call(self, inputs):
        inputs = float_inputs(inputs, "conv2d_transpose")
        nchw = self.data_format == "NCHW"
        h_axis, w_axis = (2, 3) if nchw else (1, 2)
        dims = inputs.shape.as_list()
        sizes = [
            _transposed_size(dims[axis], k, s, self.padding)
            for axis, k, s in zip((h_axis, w_axis), self.kernel_size, self.strides)
        ]
        dynamic = array_ops.shape(inputs)
        parts = [dynamic[0]]
        for axis, size, k, s in zip((h_axis, w_axis), sizes, self.kernel_size, self.strides):
            if size is None:
                extra = max(k - s, 0) if self.padding == "VALID" else 0
                size = dynamic[axis] * s + extra
            parts.append(size)
        out_parts = [parts[0], self.filters, parts[1], parts[2]] if nchw else [*parts,
                                                                               self.filters]
        output_shape = array_ops.stack(out_parts)
        outputs = nn_ops.conv2d_transpose(inputs, self.kernel, output_shape,
                                          [1, 1, *self.strides] if nchw else
                                          [1, *self.strides, 1], self.padding,
                                          data_format=self.data_format)
        static = ([dims[0], self.filters, *sizes] if nchw else [dims[0], *sizes, self.filters])
        outputs.set_shape(TensorShape(static))
        return bias_and_activation(self, outputs, self.data_format)


Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution2DTranspose = Conv2DTranspose


def _conv_function(layer_class, label, unit=1):
    """The functional form of a convolution layer class (``unit``: default strides/dilation)."""

    def build(inputs, filters, kernel_size, strides=unit, padding="valid",
              data_format="channels_last", dilation_rate=unit, activation=None, use_bias=True,
              kernel_initializer=None, bias_initializer=_ZEROS, kernel_regularizer=None,
              bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
              bias_constraint=None, trainable=True, name=None, reuse=None, **unsupported):
        refuse(unsupported, label)
        inputs = float_inputs(inputs, label)
        layer = layer_class(filters, kernel_size, strides, padding, data_format,
                            dilation_rate, activation, use_bias, kernel_initializer,
                            bias_initializer, kernel_regularizer, bias_regularizer,
                            activity_regularizer, kernel_constraint, bias_constraint,
                            trainable, name, _scope=name, _reuse=reuse)
        return layer(inputs)

    build.__name__ = label
    build.__doc__ = f"Functional form of ``{layer_class.__name__}``."
    return build


def _transpose_function(layer_class, label, unit):
    """The functional form of a transposed convolution class (no dilation, as in TF)."""

    def build(inputs, filters, kernel_size, strides=unit, padding="valid",
              data_format="channels_last", activation=None, use_bias=True,
              kernel_initializer=None, bias_initializer=_ZEROS, kernel_regularizer=None,
              bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
              bias_constraint=None, trainable=True, name=None, reuse=None, **unsupported):
        refuse(unsupported, label)
        inputs = float_inputs(inputs, label)
        layer = layer_class(filters, kernel_size, strides, padding, data_format, 1, activation,
                            use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
                            bias_regularizer, activity_regularizer, kernel_constraint,
                            bias_constraint, trainable, name, _scope=name, _reuse=reuse)
        return layer(inputs)

    build.__name__ = label
    build.__doc__ = (f"Functional form of ``{layer_class.__name__}`` "
                     "(no dilation argument, as in TensorFlow).")
    return build


conv1d = _conv_function(Conv1D, "conv1d")
conv2d = _conv_function(Conv2D, "conv2d")
conv2d_transpose = _transpose_function(Conv2DTranspose, "conv2d_transpose", (1, 1))


class _Pooling(Layer):
    _rank = 2
    _pool = staticmethod(nn_ops.max_pool)

    def __init__(self, pool_size, strides, padding="valid", data_format="channels_last",
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_size = int_tuple(pool_size, self._rank, "pool_size")
        self.strides = int_tuple(strides, self._rank, "strides")
        self.padding = padding_of(padding)
        self.data_format = data_format_of(data_format)

    def call(self, inputs):
        inputs = float_inputs(inputs, self._base_name)
        if self._rank == 2:
            return self._pool(inputs, self.pool_size, self.strides, self.padding,
                              data_format=self.data_format)
        image_axis = 2 if self.data_format == "NCHW" else 1
        image = array_ops.expand_dims(inputs, image_axis)
        pooled = self._pool(image, [1, *self.pool_size], [1, *self.strides], self.padding,
                            data_format=self.data_format)
        return array_ops.squeeze(pooled, [image_axis])


class MaxPooling2D(_Pooling):
    """The maximum over each ``pool_size`` window."""


class AveragePooling2D(_Pooling):
    """The mean over each ``pool_size`` window."""

    _pool = staticmethod(nn_ops.avg_pool)


class MaxPooling1D(_Pooling):
    """The maximum over each ``pool_size`` window of a sequence."""

    _rank = 1


class AveragePooling1D(_Pooling):
    """The mean over each ``pool_size`` window of a sequence."""

    _rank = 1
    _pool = staticmethod(nn_ops.avg_pool)


def _pool_function(layer_class, label):
    def build(inputs, pool_size, strides, padding="valid", data_format="channels_last",
              name=None):
        return layer_class(pool_size, strides, padding, data_format, name=name,
                           _scope=name)(inputs)

    build.__name__ = label
    build.__doc__ = f"Functional form of ``{layer_class.__name__}``."
    return build


max_pooling1d = _pool_function(MaxPooling1D, "max_pooling1d")
max_pooling2d = _pool_function(MaxPooling2D, "max_pooling2d")
average_pooling1d = _pool_function(AveragePooling1D, "average_pooling1d")
average_pooling2d = _pool_function(AveragePooling2D, "average_pooling2d")
