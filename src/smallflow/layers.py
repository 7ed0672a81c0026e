"""``tf.layers``: TensorFlow 1.x's functional layers, with its variable and op names.

Each call opens a variable scope named after the layer (``dense``, ``dense_1``, ...; or
``name``), creates its variables there with ``get_variable`` (``dense/kernel``,
``dense/bias``) and builds its ops under the same name scope (``dense/MatMul``,
``dense/BiasAdd``, ``dense/Relu``). Kernels default to Glorot-uniform, biases to zeros.
"""

import math

import numpy as np

from . import dtypes, init_ops
from .graph import Tensor, convert_to_tensor
from .ops import array_ops, math_ops, nn_ops
from .tensor_shape import TensorShape
from .variable_scope import get_variable, variable_scope

__all__ = [
    "average_pooling2d",
    "conv2d",
    "dense",
    "dropout",
    "flatten",
    "max_pooling2d",
]

_DATA_FORMATS = {"channels_last": "NHWC", "channels_first": "NCHW"}
# The default bias initializer (TensorFlow builds one in its signatures too).
_ZEROS = init_ops.zeros_initializer()


def _float_inputs(inputs, layer):
    inputs = convert_to_tensor(inputs)
    if not inputs.dtype.is_floating:
        raise TypeError(f"The inputs of {layer} must be floating point, got "
                        f"{inputs.dtype.name} ({inputs.name})")
    return inputs


def _pair(value, what):
    """An int or a pair of ints as a pair of positive ints (Keras' normalize_tuple)."""
    items = [value, value] if isinstance(value, int | np.integer) else list(value)
    if len(items) != 2 or not all(isinstance(v, int | np.integer) and v > 0 for v in items):
        raise ValueError(f"The `{what}` argument must be a tuple of 2 positive integers. "
                         f"Received: {value!r}")
    return [int(v) for v in items]


def _padding(padding):
    normalized = padding.upper() if isinstance(padding, str) else None
    if normalized not in ("SAME", "VALID"):
        raise ValueError('The `padding` argument must be one of "valid", "same". Received: '
                         f"{padding!r}")
    return normalized


def _data_format(data_format):
    if data_format not in _DATA_FORMATS:
        raise ValueError('The `data_format` argument must be one of "channels_last", '
                         f'"channels_first". Received: {data_format!r}')
    return _DATA_FORMATS[data_format]


def _bias_and_activation(outputs, units, use_bias, bias_initializer, bias_regularizer,
                         trainable, dtype, activation, data_format="NHWC"):
    if use_bias:
        bias = get_variable("bias", [units], dtype, bias_initializer, bias_regularizer,
                            trainable)
        outputs = nn_ops.bias_add(outputs, bias, data_format=data_format)
    if activation is not None:
        outputs = activation(outputs)
    return outputs


def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
          bias_initializer=_ZEROS, kernel_regularizer=None,
          bias_regularizer=None, trainable=True, name=None, reuse=None, **unsupported):
    """``activation(inputs @ kernel + bias)`` over the last axis of ``inputs``."""
    _refuse(unsupported, "dense")
    inputs = _float_inputs(inputs, "dense")
    dims = inputs.shape.as_tuple()
    if dims is None or not dims or dims[-1] is None:
        raise ValueError("The last dimension of the inputs to `Dense` should be defined. "
                         f"Found `None`. ({inputs.name} has shape {inputs.shape})")
    with variable_scope(name, default_name="dense", reuse=reuse):
        kernel = get_variable("kernel", [dims[-1], units], inputs.dtype, kernel_initializer,
                              kernel_regularizer, trainable)
        if len(dims) == 2:
            outputs = math_ops.matmul(inputs, kernel)
        else:
            flat = array_ops.reshape(inputs, [-1, dims[-1]])
            product = math_ops.matmul(flat, kernel)
            if all(d is not None for d in dims[:-1]):
                target = [*dims[:-1], units]
            else:
                target = array_ops.concat([array_ops.shape(inputs)[:-1], [units]], 0)
            outputs = array_ops.reshape(product, target)
            outputs.set_shape(TensorShape([*dims[:-1], units]))
        return _bias_and_activation(outputs, units, use_bias, bias_initializer,
                                    bias_regularizer, trainable, inputs.dtype, activation)


def conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
           data_format="channels_last", dilation_rate=(1, 1), activation=None, use_bias=True,
           kernel_initializer=None, bias_initializer=_ZEROS,
           kernel_regularizer=None, bias_regularizer=None, trainable=True, name=None,
           reuse=None, **unsupported):
    """A 2-D convolution layer: ``activation(conv2d(inputs, kernel) + bias)``."""
    _refuse(unsupported, "conv2d")
    inputs = _float_inputs(inputs, "conv2d")
    kernel_hw = _pair(kernel_size, "kernel_size")
    stride_hw = _pair(strides, "strides")
    if _pair(dilation_rate, "dilation_rate") != [1, 1]:
        raise ValueError(f"dilation_rate other than 1 is not supported, got {dilation_rate!r}")
    padding = _padding(padding)
    data_format = _data_format(data_format)
    channel_axis = 1 if data_format == "NCHW" else -1
    if inputs.shape.ndims != 4 or inputs.shape[channel_axis].value is None:
        raise ValueError("The channel dimension of the inputs to `Conv2D` should be defined "
                         f"and the inputs 4-D. Found shape {inputs.shape} ({inputs.name})")
    in_channels = inputs.shape[channel_axis].value
    with variable_scope(name, default_name="conv2d", reuse=reuse):
        kernel = get_variable("kernel", [*kernel_hw, in_channels, filters], inputs.dtype,
                              kernel_initializer, kernel_regularizer, trainable)
        outputs = nn_ops.conv2d(inputs, kernel, stride_hw, padding, data_format=data_format)
        return _bias_and_activation(outputs, filters, use_bias, bias_initializer,
                                    bias_regularizer, trainable, inputs.dtype, activation,
                                    data_format)


def _pooling(pool, default_name, inputs, pool_size, strides, padding, data_format, name):
    inputs = _float_inputs(inputs, default_name)
    size = _pair(pool_size, "pool_size")
    stride_hw = _pair(strides, "strides")
    padding = _padding(padding)
    data_format = _data_format(data_format)
    with variable_scope(name, default_name=default_name):
        return pool(inputs, size, stride_hw, padding, data_format=data_format)


def max_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                  name=None):
    """The maximum over each ``pool_size`` window."""
    return _pooling(nn_ops.max_pool, "max_pooling2d", inputs, pool_size, strides, padding,
                    data_format, name)


def average_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                      name=None):
    """The mean over each ``pool_size`` window."""
    return _pooling(nn_ops.avg_pool, "average_pooling2d", inputs, pool_size, strides, padding,
                    data_format, name)


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """Drop a fraction ``rate`` of the inputs when ``training`` (a bool or a bool tensor).

    With ``training=False`` the output is an identity of the inputs; a bool tensor decides
    at run time (dropout uses keep_prob 1 when it is False).
    """
    with variable_scope(name, default_name="dropout"):
        inputs = _float_inputs(inputs, "dropout")
        if isinstance(training, Tensor):
            if training.dtype != dtypes.bool:
                raise TypeError(f"training must be a Python bool or a bool tensor, got "
                                f"{training.dtype.name} ({training.name})")
            active = math_ops.cast(training, inputs.dtype)
            keep_prob = math_ops.subtract(1.0, math_ops.multiply(active, float(rate)))
            return nn_ops.dropout(inputs, keep_prob, noise_shape=noise_shape, seed=seed)
        if not training:
            return array_ops.identity(inputs)
        return nn_ops.dropout(inputs, rate=rate, noise_shape=noise_shape, seed=seed)


def flatten(inputs, name=None, data_format="channels_last"):
    """Reshape to ``[batch, everything else]``."""
    with variable_scope(name, default_name="flatten"):
        inputs = convert_to_tensor(inputs)
        if _data_format(data_format) == "NCHW" and inputs.shape.ndims is not None:
            rank = inputs.shape.ndims
            inputs = array_ops.transpose(inputs, [0, *range(2, rank), 1])
        dims = inputs.shape.as_tuple()
        if dims is not None and len(dims) >= 1 and all(d is not None for d in dims[1:]):
            return array_ops.reshape(inputs, [-1, math.prod(dims[1:])])
        batch = array_ops.shape(inputs)[0]
        return array_ops.reshape(inputs, array_ops.stack([batch, -1]))


def _refuse(unsupported, layer):
    if unsupported:
        raise TypeError(f"tf.layers.{layer} got arguments smallflow does not support: "
                        f"{sorted(unsupported)}")
