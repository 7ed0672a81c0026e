"""Keras's activation layers: LeakyReLU, PReLU (a learned slope), ELU, ReLU, Softmax,
ThresholdedReLU."""

from ...ops import math_ops, nn_ops
from .. import activations
from ..engine.base_layer import Layer

__all__ = ["ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax", "ThresholdedReLU"]


class LeakyReLU(Layer):
    """``x`` for ``x > 0``, ``alpha * x`` otherwise (Keras's default alpha is 0.3)."""

    def __init__(self, alpha=0.3, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs):
        return nn_ops.leaky_relu(inputs, alpha=self.alpha)


class PReLU(Layer):
    """A leaky ReLU whose slopes (one per feature, ``prelu/alpha``) are learned."""

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None,
                 alpha_constraint=None, shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = alpha_initializer
        self.alpha_regularizer = alpha_regularizer
        self.shared_axes = [shared_axes] if isinstance(shared_axes, int) else shared_axes

    def build(self, input_shape):
        shape = [d.value if hasattr(d, "value") else d for d in list(input_shape)[1:]]
        for axis in self.shared_axes or []:
            shape[axis - 1] = 1
        self.alpha = self.add_weight("alpha", shape, initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer)
        self.built = True

    def call(self, inputs):
        positive = nn_ops.relu(inputs)
        negative = math_ops.multiply(math_ops.negative(self.alpha),
                                     nn_ops.relu(math_ops.negative(inputs)))
        return math_ops.add(positive, negative)


class ELU(Layer):
    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs):
        return activations.elu(inputs, self.alpha)


class ReLU(Layer):
    """``relu`` with Keras's options: ``max_value``, ``negative_slope``, ``threshold``."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold

    def call(self, inputs):
        return activations.relu(inputs, alpha=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)


class Softmax(Layer):
    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return activations.softmax(inputs, axis=self.axis)


class ThresholdedReLU(Layer):
    """``x`` where ``x > theta``, else 0."""

    def __init__(self, theta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.theta = float(theta)

    def call(self, inputs):
        kept = math_ops.cast(math_ops.greater(inputs, self.theta), inputs.dtype)
        return math_ops.multiply(inputs, kept)
