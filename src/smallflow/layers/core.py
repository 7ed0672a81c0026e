"""``Dense``, ``Dropout``, ``Flatten`` and their functional forms, with TF1's names.

``tf.layers.dense(x, 10)`` makes the variables ``dense/kernel`` and ``dense/bias`` and the ops
``dense/MatMul``, ``dense/BiasAdd`` (and ``dense/Relu`` for an activation). Kernels default
to Glorot-uniform, biases to zeros. The functions build a layer object and call it once, as
TensorFlow does; ``name`` plus ``reuse=True`` finds the variables of an earlier call.
"""

import math

from .. import init_ops
from ..graph import Tensor, convert_to_tensor
from ..ops import array_ops, math_ops, nn_ops
from ..tensor_shape import TensorShape
from .base import Layer, data_format_of, float_inputs, known_training, refuse

__all__ = ["Dense", "Dropout", "Flatten", "dense", "dropout", "flatten"]

_ZEROS = init_ops.zeros_initializer()


def bias_and_activation(layer, outputs, data_format="NHWC"):
    """Add the layer's bias (if any) and apply its activation (if any)."""
    if layer.use_bias:
        outputs = nn_ops.bias_add(outputs, layer.bias, data_format=data_format)
    if layer.activation is not None:
        outputs = layer.activation(outputs)
    return outputs


class Dense(Layer):
    """``activation(inputs @ kernel + bias)`` over the last axis of the inputs."""

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=_ZEROS, kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 trainable=True, name=None, **kwargs):
        refuse({"kernel_constraint": kernel_constraint, "bias_constraint": bias_constraint},
               "dense")
        super().__init__(trainable=trainable, name=name,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.units = int(units)
        self.activation = activation
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer
        self.kernel = None
        self.bias = None

    def build(self, input_shape):
        dims = TensorShape(input_shape).as_tuple()
        if dims is None or not dims or dims[-1] is None:
            raise ValueError("The last dimension of the inputs to `Dense` should be defined. "
                             f"Found `None`. (inputs of shape {TensorShape(input_shape)})")
        self.kernel = self.add_weight("kernel", [dims[-1], self.units], None,
                                      self.kernel_initializer, self.kernel_regularizer)
        if self.use_bias:
            self.bias = self.add_weight("bias", [self.units], None, self.bias_initializer,
                                        self.bias_regularizer)
        self.built = True

    def call(self, inputs):
        inputs = float_inputs(inputs, "dense")
        dims = inputs.shape.as_tuple()
        if len(dims) == 2:
            outputs = math_ops.matmul(inputs, self.kernel)
        else:
            flat = array_ops.reshape(inputs, [-1, dims[-1]])
            product = math_ops.matmul(flat, self.kernel)
            if all(d is not None for d in dims[:-1]):
                target = [*dims[:-1], self.units]
            else:
                target = array_ops.concat([array_ops.shape(inputs)[:-1], [self.units]], 0)
            outputs = array_ops.reshape(product, target)
            outputs.set_shape(TensorShape([*dims[:-1], self.units]))
        return bias_and_activation(self, outputs)

    def compute_output_shape(self, input_shape):
        return TensorShape([*TensorShape(input_shape).as_list()[:-1], self.units])


def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
          bias_initializer=_ZEROS, kernel_regularizer=None, bias_regularizer=None,
          activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
          trainable=True, name=None, reuse=None, **unsupported):
    """Functional form of ``Dense``."""
    refuse(unsupported, "dense")
    inputs = float_inputs(inputs, "dense")
    layer = Dense(units, activation, use_bias, kernel_initializer, bias_initializer,
                  kernel_regularizer, bias_regularizer, activity_regularizer,
                  kernel_constraint, bias_constraint, trainable, name, _scope=name,
                  _reuse=reuse)
    return layer(inputs)


class Dropout(Layer):
    """Drop a fraction ``rate`` of the inputs when called with ``training=True``."""

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed

    def call(self, inputs, training=False):
        inputs = float_inputs(inputs, "dropout")
        training = known_training(training)
        if isinstance(training, Tensor):
            active = math_ops.cast(training, inputs.dtype)
            keep_prob = math_ops.subtract(1.0, math_ops.multiply(active, float(self.rate)))
            return nn_ops.dropout(inputs, keep_prob, noise_shape=self.noise_shape,
                                  seed=self.seed)
        if not training:
            return array_ops.identity(inputs)
        return nn_ops.dropout(inputs, rate=self.rate, noise_shape=self.noise_shape,
                              seed=self.seed)


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """Functional form of ``Dropout``: the identity unless ``training`` (bool or bool tensor)."""
    layer = Dropout(rate, noise_shape=noise_shape, seed=seed, name=name, _scope=name)
    return layer(inputs, training=training)


class Flatten(Layer):
    """Reshape to ``[batch, everything else]``."""

    def __init__(self, data_format="channels_last", name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.data_format = data_format_of(data_format)

    def call(self, inputs):
        inputs = convert_to_tensor(inputs)
        if self.data_format == "NCHW" and inputs.shape.ndims is not None:
            rank = inputs.shape.ndims
            inputs = array_ops.transpose(inputs, [0, *range(2, rank), 1])
        dims = inputs.shape.as_tuple()
        if dims is not None and len(dims) >= 1 and all(d is not None for d in dims[1:]):
            return array_ops.reshape(inputs, [-1, math.prod(dims[1:])])
        batch = array_ops.shape(inputs)[0]
        return array_ops.reshape(inputs, array_ops.stack([batch, -1]))


def flatten(inputs, name=None, data_format="channels_last"):
    """Functional form of ``Flatten``."""
    return Flatten(data_format=data_format, name=name, _scope=name)(inputs)
