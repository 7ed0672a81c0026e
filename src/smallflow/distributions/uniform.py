"""``tf.distributions.Uniform`` on ``[low, high)``."""

import math

from ..ops import array_ops, math_ops, random_ops
from ..ops.math_extra_ops import broadcast_dynamic_shape, broadcast_static_shape
from .distribution import FULLY_REPARAMETERIZED, Distribution, parameters_in_scope

__all__ = ["Uniform"]


class Uniform(Distribution):
    """Constant density ``1 / (high - low)`` on ``[low, high)``."""

    def __init__(self, low=0.0, high=1.0, validate_args=False, allow_nan_stats=True,
                 name="Uniform"):
        parameters = dict(locals())
        scope, (self._low, self._high), dtype = parameters_in_scope(
            name, ["low", "high"], [low, high])
        super().__init__(dtype=dtype, reparameterization_type=FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._low, self._high],
                         name=scope)

    low = property(lambda self: self._low)
    high = property(lambda self: self._high)

    def range(self, name="range"):
        with self._scope(name):
            return self._high - self._low

    def _batch_shape(self):
        return broadcast_static_shape(self._low.shape, self._high.shape)

    def _batch_shape_tensor(self):
        return broadcast_dynamic_shape(array_ops.shape(self._low), array_ops.shape(self._high))

    def _sample_n(self, n, seed=None):
        shape = array_ops.concat([[n], self.batch_shape_tensor()], 0)
        samples = random_ops.random_uniform(shape=shape, dtype=self.dtype, seed=seed)
        return self._low + (self._high - self._low) * samples

    def _prob(self, x):
        broadcasted = x * array_ops.ones_like(self._low) * array_ops.ones_like(self._high)
        zeros = array_ops.zeros_like(broadcasted)
        ones = array_ops.ones_like(broadcasted)
        inside = array_ops.where(
            math_ops.logical_or(math_ops.less(broadcasted, self._low),
                                math_ops.greater_equal(broadcasted, self._high)),
            zeros, ones / (self._high - self._low) * ones)
        return array_ops.where(math_ops.is_nan(broadcasted), broadcasted, inside)

    def _log_prob(self, x):
        return math_ops.log(self._prob(x))

    def _cdf(self, x):
        broadcasted = x * array_ops.ones_like(self._low) * array_ops.ones_like(self._high)
        zeros = array_ops.zeros_like(broadcasted)
        ones = array_ops.ones_like(broadcasted)
        result = array_ops.where(math_ops.less(broadcasted, self._low), zeros,
                                 (broadcasted - self._low) / (self._high - self._low))
        return array_ops.where(math_ops.greater_equal(broadcasted, self._high), ones, result)

    def _entropy(self):
        return math_ops.log(self._high - self._low)

    def _mean(self):
        return (self._low + self._high) / 2.0

    def _variance(self):
        return math_ops.square(self._high - self._low) / 12.0

    def _stddev(self):
        return (self._high - self._low) / math.sqrt(12.0)
