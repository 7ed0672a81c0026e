"""Initializers: objects that build a variable's initial value for a given shape and dtype."""

import math

import numpy as np

from . import dtypes
from .ops import array_ops, random_ops


class Initializer:
    """Called as ``init(shape, dtype=None, partition_info=None)``; returns a tensor."""

    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype).base_dtype

    def _dtype(self, dtype):
        return self.dtype if dtype is None else dtypes.as_dtype(dtype).base_dtype

    def get_config(self):
        return {}


class Zeros(Initializer):
    def __call__(self, shape, dtype=None, partition_info=None):
        return array_ops.zeros(shape, dtype=self._dtype(dtype))


class Ones(Initializer):
    def __call__(self, shape, dtype=None, partition_info=None):
        return array_ops.ones(shape, dtype=self._dtype(dtype))


class Constant(Initializer):
    """A scalar fills the shape; a list or array must fit it (padded like ``tf.constant``)."""

    def __init__(self, value=0, dtype=dtypes.float32, verify_shape=False):
        super().__init__(dtype)
        self.value = value
        self.verify_shape = verify_shape

    def __call__(self, shape, dtype=None, partition_info=None):
        return array_ops.constant(self.value, dtype=self._dtype(dtype), shape=shape,
                                  verify_shape=self.verify_shape)


class RandomNormal(Initializer):
    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=dtypes.float32):
        super().__init__(dtype)
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype=None, partition_info=None):
        return random_ops.random_normal(shape, self.mean, self.stddev, self._dtype(dtype),
                                        seed=self.seed)


class TruncatedNormal(RandomNormal):
    def __call__(self, shape, dtype=None, partition_info=None):
        return random_ops.truncated_normal(shape, self.mean, self.stddev, self._dtype(dtype),
                                           seed=self.seed)


class RandomUniform(Initializer):
    def __init__(self, minval=0.0, maxval=None, seed=None, dtype=dtypes.float32):
        super().__init__(dtype)
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape, dtype=None, partition_info=None):
        return random_ops.random_uniform(shape, self.minval, self.maxval, self._dtype(dtype),
                                         seed=self.seed)


class VarianceScaling(Initializer):
    """Scale / fan, as TensorFlow 1.x: modes fan_in, fan_out, fan_avg; normal or uniform."""

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 dtype=dtypes.float32):
        super().__init__(dtype)
        if scale <= 0.0:
            raise ValueError("`scale` must be positive float.")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid `mode` argument: {mode}")
        distribution = "truncated_normal" if distribution == "normal" else distribution
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError(f"Invalid `distribution` argument: {distribution}")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed

    def __call__(self, shape, dtype=None, partition_info=None):
        dims = [int(d) for d in shape]
        fan_in, fan_out = _fans(dims)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}
        variance = self.scale / max(1.0, fan[self.mode])
        dtype = self._dtype(dtype)
        if self.distribution == "truncated_normal":
            # The stddev of a unit normal truncated at two standard deviations.
            stddev = math.sqrt(variance) / 0.87962566103423978
            return random_ops.truncated_normal(dims, 0.0, stddev, dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return random_ops.random_normal(dims, 0.0, math.sqrt(variance), dtype,
                                            seed=self.seed)
        limit = math.sqrt(3.0 * variance)
        return random_ops.random_uniform(dims, -limit, limit, dtype, seed=self.seed)


def _fans(dims):
    if not dims:
        return 1, 1
    if len(dims) == 1:
        return dims[0], dims[0]
    if len(dims) == 2:
        return dims[0], dims[1]
    receptive = int(np.prod(dims[:-2]))
    return dims[-2] * receptive, dims[-1] * receptive


def glorot_uniform_initializer(seed=None, dtype=dtypes.float32):
    return VarianceScaling(1.0, "fan_avg", "uniform", seed, dtype)


def glorot_normal_initializer(seed=None, dtype=dtypes.float32):
    return VarianceScaling(1.0, "fan_avg", "truncated_normal", seed, dtype)


def he_normal(seed=None):
    return VarianceScaling(2.0, "fan_in", "truncated_normal", seed)


zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
random_normal_initializer = RandomNormal
truncated_normal_initializer = TruncatedNormal
random_uniform_initializer = RandomUniform
variance_scaling_initializer = VarianceScaling


def he_uniform(seed=None):
    return VarianceScaling(2.0, "fan_in", "uniform", seed)


def lecun_normal(seed=None):
    return VarianceScaling(1.0, "fan_in", "truncated_normal", seed)


def lecun_uniform(seed=None):
    return VarianceScaling(1.0, "fan_in", "uniform", seed)


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only)."""

    def __init__(self, gain=1.0, dtype=dtypes.float32):
        super().__init__(dtype)
        self.gain = gain

    def __call__(self, shape, dtype=None, partition_info=None):
        dims = [int(d) for d in shape]
        if len(dims) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices.")
        value = self.gain * np.eye(*dims)
        return array_ops.constant(value, dtype=self._dtype(dtype))


class Orthogonal(Initializer):
    """A random orthogonal matrix (rows or columns orthonormal), times ``gain``; for more
    than two dimensions the shape is flattened to ``[prod(shape[:-1]), shape[-1]]``."""

    def __init__(self, gain=1.0, seed=None, dtype=dtypes.float32):
        super().__init__(dtype)
        self.gain, self.seed = gain, seed

    def __call__(self, shape, dtype=None, partition_info=None):
        from .ops import linalg_ops, math_ops

        dims = [int(d) for d in shape]
        if len(dims) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional")
        dtype = self._dtype(dtype)
        rows = int(np.prod(dims[:-1]))
        cols = dims[-1]
        flat = (max(rows, cols), min(rows, cols))
        sample = random_ops.random_normal(list(flat), dtype=dtype, seed=self.seed)
        q, r = linalg_ops.qr(sample)
        # Signs of r's diagonal make the distribution uniform over orthogonal matrices.
        q = q * math_ops.sign(linalg_ops.matrix_diag_part(r))
        if rows < cols:
            q = linalg_ops.matrix_transpose(q)
        return self.gain * array_ops.reshape(q, dims)


class UniformUnitScaling(Initializer):
    """Uniform in ``+-sqrt(3 / fan_in) * factor`` (fan_in = product of all but the last dim)."""

    def __init__(self, factor=1.0, seed=None, dtype=dtypes.float32):
        super().__init__(dtype)
        self.factor, self.seed = factor, seed

    def __call__(self, shape, dtype=None, partition_info=None):
        dims = [int(d) for d in shape]
        fan_in = float(np.prod(dims[:-1])) if len(dims) > 1 else float(dims[0] if dims else 1)
        limit = math.sqrt(3.0 / fan_in) * self.factor
        return random_ops.random_uniform(dims, -limit, limit, self._dtype(dtype),
                                         seed=self.seed)


identity_initializer = Identity
orthogonal_initializer = Orthogonal
uniform_unit_scaling_initializer = UniformUnitScaling
