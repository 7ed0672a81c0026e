"""TensorFlow 1.15's contrib scalar continuous distributions: Logistic, HalfNormal, Cauchy,
Chi2 (and Chi2WithAbsDf), InverseGamma (and its softplus form), with the closed forms and
samplers of TensorFlow (a logistic by ``log(u) - log1p(-u)``, a Cauchy by ``tan`` of a
uniform, an inverse gamma as one over a gamma)."""

import math

import numpy as np

from ..ops import (
    array_ops,
    math_ops,
    nn_ops,
    random_ops,
    special_functions_ops,
    special_math_ops,
    stateless_random_ops,
)
from .distribution import (
    FULLY_REPARAMETERIZED,
    NOT_REPARAMETERIZED,
    Distribution,
    parameters_in_scope,
)
from .gamma_family import Gamma
from .kullback_leibler import RegisterKL
from .util import batch_of, nan_or_assert

__all__ = ["Cauchy", "Chi2", "Chi2WithAbsDf", "HalfNormal", "InverseGamma",
           "InverseGammaWithSoftplusConcentrationRate", "Logistic"]


def _tiny(dtype):
    return np.finfo(dtype.as_numpy_dtype).tiny


class _LocScale(Distribution):
    """A family with ``loc`` and ``scale`` broadcast against each other."""

    def __init__(self, loc, scale, reparameterization_type, validate_args, allow_nan_stats,
                 parameters, name):
        scope, (self._loc, self._scale), dtype = parameters_in_scope(
            name, ["loc", "scale"], [loc, scale])
        super().__init__(dtype=dtype, reparameterization_type=reparameterization_type,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._loc, self._scale],
                         name=scope)

    loc = property(lambda self: self._loc)
    scale = property(lambda self: self._scale)

    def _batch_shape(self):
        return batch_of(self._loc, self._scale)[0]

    def _batch_shape_tensor(self):
        return batch_of(self._loc, self._scale)[1]

    def _shape_n(self, n):
        return array_ops.concat([[n], self.batch_shape_tensor()], 0)

    def _z(self, x):
        return (x - self._loc) / self._scale

    def _broadcast(self, value):
        return value * array_ops.ones(self.batch_shape_tensor(), dtype=self.dtype)

    def _mode(self):
        return self._broadcast(self._loc)


class Logistic(_LocScale):
    """Density ``exp(-z) / (scale (1 + exp(-z))**2)``, ``z = (x - loc) / scale``."""

    def __init__(self, loc, scale, validate_args=False, allow_nan_stats=True,
                 name="Logistic"):
        super().__init__(loc, scale, FULLY_REPARAMETERIZED, validate_args, allow_nan_stats,
                         dict(locals()), name)

    def _sample_n(self, n, seed=None):
        uniform = random_ops.random_uniform(self._shape_n(n), minval=_tiny(self.dtype),
                                            maxval=1.0, dtype=self.dtype, seed=seed)
        return (math_ops.log(uniform) - math_ops.log1p(-uniform)) * self._scale + self._loc

    def _log_prob(self, x):
        z = self._z(x)
        return -z - 2.0 * nn_ops.softplus(-z) - math_ops.log(self._scale)

    def _log_cdf(self, x):
        return -nn_ops.softplus(-self._z(x))

    def _cdf(self, x):
        return math_ops.sigmoid(self._z(x))

    def _log_survival_function(self, x):
        return -nn_ops.softplus(self._z(x))

    def _survival_function(self, x):
        return math_ops.sigmoid(-self._z(x))

    def _entropy(self):
        return self._broadcast(math_ops.log(self._scale) + 2.0)

    def _mean(self):
        return self._broadcast(self._loc)

    def _stddev(self):
        return self._broadcast(self._scale * (math.pi / math.sqrt(3.0)))


class Cauchy(_LocScale):
    """Density ``1 / (pi scale (1 + z**2))``; no mean or variance (NaN)."""

    def __init__(self, loc, scale, validate_args=False, allow_nan_stats=True, name="Cauchy"):
        super().__init__(loc, scale, FULLY_REPARAMETERIZED, validate_args, allow_nan_stats,
                         dict(locals()), name)

    def _sample_n(self, n, seed=None):
        uniform = random_ops.random_uniform(self._shape_n(n), minval=0.0, maxval=1.0,
                                            dtype=self.dtype, seed=seed)
        return self._loc + self._scale * special_math_ops.tan(math.pi * (uniform - 0.5))

    def _log_prob(self, x):
        return (-math.log(math.pi) - math_ops.log(self._scale)
                - math_ops.log1p(math_ops.square(self._z(x))))

    def _cdf(self, x):
        return special_math_ops.atan(self._z(x)) / math.pi + 0.5

    def _log_cdf(self, x):
        return math_ops.log1p(2.0 / math.pi * special_math_ops.atan(self._z(x))) - math.log(2.0)

    def _quantile(self, p):
        return self._loc + self._scale * special_math_ops.tan(math.pi * (p - 0.5))

    def _entropy(self):
        return self._broadcast(math.log(4.0 * math.pi) + math_ops.log(self._scale))

    def _undefined(self, statistic):
        if self.allow_nan_stats:
            return array_ops.fill(self.batch_shape_tensor(),
                                  np.array(np.nan, self.dtype.as_numpy_dtype))
        raise ValueError(f"`{statistic}` is undefined for Cauchy distribution.")

    def _mean(self):
        return self._undefined("mean")

    def _variance(self):
        return self._undefined("variance")

    def _stddev(self):
        return self._undefined("stddev")


class HalfNormal(Distribution):
    """``|X|`` for X ~ N(0, scale**2)."""

    def __init__(self, scale, validate_args=False, allow_nan_stats=True, name="HalfNormal"):
        parameters = dict(locals())
        scope, (self._scale,), dtype = parameters_in_scope(name, ["scale"], [scale])
        super().__init__(dtype=dtype, reparameterization_type=FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._scale], name=scope)

    scale = property(lambda self: self._scale)

    def _batch_shape(self):
        return self._scale.shape

    def _batch_shape_tensor(self):
        return array_ops.shape(self._scale)

    def _sample_n(self, n, seed=None):
        shape = array_ops.concat([[n], self.batch_shape_tensor()], 0)
        draws = random_ops.random_normal(shape, dtype=self.dtype, seed=seed)
        return math_ops.abs(draws * self._scale)

    def _log_prob(self, x):
        value = (0.5 * math.log(2.0 / math.pi) - math_ops.log(self._scale)
                 - 0.5 * math_ops.square(x / self._scale))
        minus_inf = array_ops.fill(array_ops.shape(value),
                                   np.array(-np.inf, self.dtype.as_numpy_dtype))
        return array_ops.where(math_ops.less(x * array_ops.ones_like(value), 0.0), minus_inf,
                               value)

    def _cdf(self, x):
        return special_math_ops.erf(nn_ops.relu(x) / self._scale / math.sqrt(2.0))

    def _entropy(self):
        return 0.5 * math_ops.log(math.pi * math.e * math_ops.square(self._scale) / 2.0)

    def _mean(self):
        return self._scale * math.sqrt(2.0 / math.pi)

    def _variance(self):
        return math_ops.square(self._scale) * (1.0 - 2.0 / math.pi)

    def _mode(self):
        return array_ops.zeros(self.batch_shape_tensor(), dtype=self.dtype)

    def _quantile(self, p):
        return math.sqrt(2.0) * self._scale * special_functions_ops.erfinv(p)


@RegisterKL(HalfNormal, HalfNormal)
def _kl_half_normal(a, b, name=None):
    from ..graph import name_scope

    with name_scope(name or "kl_half_normal_half_normal"):
        return (math_ops.log(b.scale) - math_ops.log(a.scale)
                + (math_ops.square(a.scale) - math_ops.square(b.scale))
                / (2.0 * math_ops.square(b.scale)))


class Chi2(Gamma):
    """The chi-squared distribution: Gamma(df / 2, 1 / 2)."""

    def __init__(self, df, validate_args=False, allow_nan_stats=True, name="Chi2"):
        parameters = dict(locals())
        from ..graph import convert_to_tensor, get_default_graph

        with get_default_graph().name_scope(name) as scope:
            self._df = convert_to_tensor(df, name="df")
            super().__init__(concentration=0.5 * self._df,
                             rate=array_ops.constant(0.5, dtype=self._df.dtype),
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             name=scope)
        self._parameters = parameters

    df = property(lambda self: self._df)


class Chi2WithAbsDf(Chi2):
    """Chi2 with ``df = floor(|df|)``."""

    def __init__(self, df, validate_args=False, allow_nan_stats=True, name="Chi2WithAbsDf"):
        parameters = dict(locals())
        from ..graph import convert_to_tensor, get_default_graph

        with get_default_graph().name_scope(name) as scope:
            df = math_ops.floor(math_ops.abs(convert_to_tensor(df, name="df")), name="floor_abs_df")
            super().__init__(df=df, validate_args=validate_args,
                             allow_nan_stats=allow_nan_stats, name=scope)
        self._parameters = parameters


class InverseGamma(Distribution):
    """``1 / X`` for X ~ Gamma(concentration, rate): density
    ``rate**c / Gamma(c) x**(-c-1) exp(-rate / x)`` (TensorFlow 1.15 calls the scale
    ``rate``)."""

    def __init__(self, concentration, rate, validate_args=False, allow_nan_stats=True,
                 name="InverseGamma"):
        parameters = dict(locals())
        scope, (self._concentration, self._rate), dtype = parameters_in_scope(
            name, ["concentration", "rate"], [concentration, rate])
        super().__init__(dtype=dtype, reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._concentration, self._rate], name=scope)

    concentration = property(lambda self: self._concentration)
    rate = property(lambda self: self._rate)

    def _batch_shape(self):
        return batch_of(self._concentration, self._rate)[0]

    def _batch_shape_tensor(self):
        return batch_of(self._concentration, self._rate)[1]

    def _sample_n(self, n, seed=None):
        draws = stateless_random_ops.random_gamma([n], self._concentration, beta=self._rate,
                                                  dtype=self.dtype, seed=seed)
        return 1.0 / draws

    def _log_prob(self, x):
        return (-(1.0 + self._concentration) * math_ops.log(x) - self._rate / x
                + self._concentration * math_ops.log(self._rate)
                - special_math_ops.lgamma(self._concentration))

    def _cdf(self, x):
        return special_functions_ops.igammac(self._concentration, self._rate / x)

    def _entropy(self):
        c = self._concentration
        return (c + math_ops.log(self._rate) + special_math_ops.lgamma(c)
                - (1.0 + c) * special_math_ops.digamma(c))

    def _mean(self):
        c = self._concentration
        mean = self._rate / (c - 1.0)
        return nan_or_assert(self, math_ops.greater(c * array_ops.ones_like(mean), 1.0), mean,
                             "mean undefined when any concentration <= 1")

    def _variance(self):
        c = self._concentration
        variance = math_ops.square(self._rate) / (math_ops.square(c - 1.0) * (c - 2.0))
        return nan_or_assert(self, math_ops.greater(c * array_ops.ones_like(variance), 2.0),
                             variance, "variance undefined when any concentration <= 2")

    def _mode(self):
        return self._rate / (1.0 + self._concentration)


class InverseGammaWithSoftplusConcentrationRate(InverseGamma):
    """InverseGamma of ``softplus(concentration)`` and ``softplus(rate)``."""

    def __init__(self, concentration, rate, validate_args=False, allow_nan_stats=True,
                 name="InverseGammaWithSoftplusConcentrationRate"):
        parameters = dict(locals())
        from ..graph import get_default_graph

        with get_default_graph().name_scope(name) as scope:
            super().__init__(
                concentration=nn_ops.softplus(concentration, name="softplus_concentration"),
                rate=nn_ops.softplus(rate, name="softplus_rate"),
                validate_args=validate_args, allow_nan_stats=allow_nan_stats, name=scope)
        self._parameters = parameters
