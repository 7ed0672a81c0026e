"""Keras's regularization-by-noise layers: GaussianNoise, GaussianDropout, AlphaDropout,
SpatialDropout1D/2D/3D.
Like Dropout, they act only in the training phase (``fit``) and are the identity otherwise."""

import numpy as np

from ...ops import array_ops, math_ops, random_ops
from .. import backend
from ..engine.base_layer import Layer
from .core import Dropout

__all__ = ["AlphaDropout", "GaussianDropout", "GaussianNoise", "SpatialDropout1D",
           "SpatialDropout2D", "SpatialDropout3D"]


def _in_training(layer, inputs, noisy, training):
    """``noisy()`` in the training phase, ``inputs`` otherwise (a bool tensor selects)."""
    training = backend.phase_of(training)
    if isinstance(training, bool):
        return noisy() if training else array_ops.identity(inputs)
    return array_ops.where_v2(training, noisy(), inputs)


class GaussianNoise(Layer):
    """Add zero-mean Gaussian noise of standard deviation ``stddev``."""

    def __init__(self, stddev, **kwargs):
        super().__init__(**kwargs)
        self.stddev = float(stddev)

    def call(self, inputs, training=None):
        def noisy():
            noise = random_ops.random_normal(array_ops.shape(inputs), 0.0, self.stddev,
                                             inputs.dtype)
            return math_ops.add(inputs, noise)

        return _in_training(self, inputs, noisy, training)


class GaussianDropout(Layer):
    """Multiply by 1-centred Gaussian noise of variance ``rate / (1 - rate)``."""

    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = float(rate)

    def call(self, inputs, training=None):
        stddev = np.sqrt(self.rate / (1.0 - self.rate))

        def noisy():
            noise = random_ops.random_normal(array_ops.shape(inputs), 1.0, stddev, inputs.dtype)
            return math_ops.multiply(inputs, noise)

        return _in_training(self, inputs, noisy, training)


class AlphaDropout(Layer):
    """Dropout for SELU networks: dropped units take SELU's negative saturation value and an
    affine map restores the inputs' mean and variance (Klambauer et al., 2017)."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = float(rate)
        self.noise_shape = noise_shape
        self.seed = seed

    def call(self, inputs, training=None):
        if not 0.0 < self.rate < 1.0:
            return inputs
        saturation = -1.6732632423543772 * 1.0507009873554805  # SELU's limit, -alpha * scale
        rate = self.rate
        scale = ((1 - rate) * (1 + rate * saturation ** 2)) ** -0.5
        shift = -scale * saturation * rate

        def noisy():
            shape = array_ops.shape(inputs) if self.noise_shape is None else self.noise_shape
            keep = math_ops.cast(math_ops.greater_equal(
                random_ops.random_uniform(shape, seed=self.seed), rate), inputs.dtype)
            dropped = math_ops.add(math_ops.multiply(inputs, keep),
                                   math_ops.multiply(saturation, math_ops.subtract(1.0, keep)))
            return math_ops.add(math_ops.multiply(scale, dropped), shift)

        return _in_training(self, inputs, noisy, training)


class SpatialDropout1D(Dropout):
    """Drop whole feature channels of ``[batch, steps, channels]`` (one mask per sample)."""

    def call(self, inputs, training=None):
        shape = array_ops.shape(inputs)
        self.noise_shape = array_ops.stack([shape[0], 1, shape[2]])
        return super().call(inputs, training)


class SpatialDropout2D(Dropout):
    """Drop whole feature maps of ``[batch, rows, cols, channels]``."""

    def __init__(self, rate, data_format=None, **kwargs):
        super().__init__(rate, **kwargs)
        self.data_format = data_format or backend.image_data_format()

    def call(self, inputs, training=None):
        shape = array_ops.shape(inputs)
        if self.data_format == "channels_first":
            self.noise_shape = array_ops.stack([shape[0], shape[1], 1, 1])
        else:
            self.noise_shape = array_ops.stack([shape[0], 1, 1, shape[3]])
        return super().call(inputs, training)




class SpatialDropout3D(Dropout):
    """Drop whole feature volumes of ``[batch, dim1, dim2, dim3, channels]``."""

    def __init__(self, rate, data_format=None, **kwargs):
        super().__init__(rate, **kwargs)
        self.data_format = data_format or backend.image_data_format()

    def call(self, inputs, training=None):
        shape = array_ops.shape(inputs)
        if self.data_format == "channels_first":
            self.noise_shape = array_ops.stack([shape[0], shape[1], 1, 1, 1])
        else:
            self.noise_shape = array_ops.stack([shape[0], 1, 1, 1, shape[4]])
        return super().call(inputs, training)
