"""``tf.distributions.Normal``: the normal distribution with ``loc`` and ``scale``."""

import math

from .. import dtypes
from ..graph import convert_to_tensor, get_default_graph
from ..ops import array_ops, math_ops, random_ops, special_functions_ops
from ..ops.math_extra_ops import broadcast_dynamic_shape, broadcast_static_shape
from .distribution import FULLY_REPARAMETERIZED, Distribution, parameters_in_scope
from .kullback_leibler import RegisterKL
from .special_math import log_ndtr, ndtr

__all__ = ["Normal", "NormalWithSoftplusScale"]


class Normal(Distribution):
    """N(loc, scale**2), batched by broadcasting ``loc`` against ``scale``."""

    def __init__(self, loc, scale, validate_args=False, allow_nan_stats=True, name="Normal"):
        parameters = dict(locals())
        scope, (self._loc, self._scale), dtype = parameters_in_scope(
            name, ["loc", "scale"], [loc, scale])
        super().__init__(dtype=dtype, reparameterization_type=FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._loc, self._scale],
                         name=scope)

    @staticmethod
    def _param_shapes(sample_shape):
        shape = convert_to_tensor(sample_shape, dtype=dtypes.int32)
        return {"loc": shape, "scale": shape}

    loc = property(lambda self: self._loc)
    scale = property(lambda self: self._scale)

    def _batch_shape(self):
        return broadcast_static_shape(self._loc.shape, self._scale.shape)

    def _batch_shape_tensor(self):
        return broadcast_dynamic_shape(array_ops.shape(self._loc), array_ops.shape(self._scale))

    def _sample_n(self, n, seed=None):
        shape = array_ops.concat([[n], self.batch_shape_tensor()], 0)
        sampled = random_ops.random_normal(shape=shape, mean=0.0, stddev=1.0,
                                           dtype=self._loc.dtype, seed=seed)
        return sampled * self._scale + self._loc

    def _z(self, x):
        with get_default_graph().name_scope("standardize"):
            return (x - self._loc) / self._scale

    def _log_prob(self, x):
        return self._log_unnormalized_prob(x) - self._log_normalization()

    def _log_unnormalized_prob(self, x):
        return -0.5 * math_ops.square(self._z(x))

    def _log_normalization(self):
        return 0.5 * math.log(2.0 * math.pi) + math_ops.log(self._scale)

    def _log_cdf(self, x):
        return log_ndtr(self._z(x))

    def _cdf(self, x):
        return ndtr(self._z(x))

    def _log_survival_function(self, x):
        return log_ndtr(-self._z(x))

    def _survival_function(self, x):
        return ndtr(-self._z(x))

    def _quantile(self, p):
        return self._inv_z(special_functions_ops.ndtri(p))

    def _inv_z(self, z):
        with get_default_graph().name_scope("reconstruct"):
            return z * self._scale + self._loc

    def _entropy(self):
        # broadcast scale against loc's shape
        scale = self._scale * array_ops.ones_like(self._loc)
        return 0.5 * math.log(2.0 * math.pi * math.e) + math_ops.log(scale)

    def _mean(self):
        return self._loc * array_ops.ones_like(self._scale)

    def _stddev(self):
        return self._scale * array_ops.ones_like(self._loc)

    def _mode(self):
        return self._mean()


class NormalWithSoftplusScale(Normal):
    """Normal with ``scale = softplus(scale)`` (TF 1.x's convenience class)."""

    def __init__(self, loc, scale, validate_args=False, allow_nan_stats=True,
                 name="NormalWithSoftplusScale"):
        parameters = dict(locals())
        from ..ops import nn_ops

        with get_default_graph().name_scope(name) as scope:
            super().__init__(loc=loc, scale=nn_ops.softplus(scale, name="softplus_scale"),
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             name=scope)
        self._parameters = parameters


def normal_kl(loc_a, scale_a, loc_b, scale_b):
    """KL(N(loc_a, scale_a) || N(loc_b, scale_b)) elementwise, in closed form."""
    s_a_squared = math_ops.square(scale_a)
    s_b_squared = math_ops.square(scale_b)
    ratio = s_a_squared / s_b_squared
    return (math_ops.square(loc_a - loc_b) / (2.0 * s_b_squared)
            + 0.5 * (ratio - 1.0 - math_ops.log(ratio)))


@RegisterKL(Normal, Normal)
def _kl_normal_normal(n_a, n_b, name=None):
    """KL(a || b) of two normals, in closed form."""
    with get_default_graph().name_scope(name or "kl_normal_normal"):
        return normal_kl(n_a.loc, n_a.scale, n_b.loc, n_b.scale)
