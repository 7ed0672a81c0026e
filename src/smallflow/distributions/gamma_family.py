"""``tf.distributions`` Gamma, Exponential, Beta, Dirichlet, Laplace and StudentT, with
TensorFlow 1.x's formulas (log densities through lgamma/lbeta, CDFs through the incomplete
gamma and beta functions) and samplers (gammas for Gamma, Beta and Dirichlet; ``-log(u) /
rate`` for Exponential; ``loc - scale sign(u) log1p(-|u|)`` for Laplace; a normal over the
root of a gamma for StudentT). Statistics that do not exist (a Gamma's mode for
concentration < 1, a StudentT's mean for df <= 1, ...) are NaN with ``allow_nan_stats``
(the default) and an InvalidArgumentError when run otherwise, as in TensorFlow."""

import math

import numpy as np

from ..graph import convert_to_tensor, get_default_graph
from ..ops import (
    array_ops,
    math_extra_ops,
    math_ops,
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
from .kullback_leibler import RegisterKL
from .util import batch_of, nan_or_assert

__all__ = ["Beta", "Dirichlet", "Exponential", "Gamma", "Laplace", "StudentT"]

_random_gamma = stateless_random_ops.random_gamma


class Gamma(Distribution):
    """Density ``rate**c / Gamma(c) x**(c-1) exp(-rate x)``."""

    def __init__(self, concentration, rate, validate_args=False, allow_nan_stats=True,
                 name="Gamma"):
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
        return _random_gamma(shape=[n], alpha=self._concentration, beta=self._rate,
                             dtype=self.dtype, seed=seed)

    def _log_prob(self, x):
        return self._log_unnormalized_prob(x) - self._log_normalization()

    def _log_unnormalized_prob(self, x):
        return math_extra_ops.xlogy(self._concentration - 1.0, x) - self._rate * x

    def _log_normalization(self):
        return (special_math_ops.lgamma(self._concentration)
                - self._concentration * math_ops.log(self._rate))

    def _cdf(self, x):
        return special_functions_ops.igamma(self._concentration, self._rate * x)

    def _entropy(self):
        c = self._concentration
        return (c - math_ops.log(self._rate) + special_math_ops.lgamma(c)
                + (1.0 - c) * special_math_ops.digamma(c))

    def _mean(self):
        return self._concentration / self._rate

    def _variance(self):
        return self._concentration / math_ops.square(self._rate)

    def _stddev(self):
        return math_ops.sqrt(self._concentration) / self._rate

    def _mode(self):
        mode = (self._concentration - 1.0) / self._rate
        return nan_or_assert(self, self._concentration > 1.0, mode,
                              "mode not defined when any concentration <= 1")


@RegisterKL(Gamma, Gamma)
def _kl_gamma_gamma(g0, g1, name=None):
    with get_default_graph().name_scope(name or "kl_gamma_gamma"):
        return (((g0.concentration - g1.concentration)
                 * special_math_ops.digamma(g0.concentration))
                + special_math_ops.lgamma(g1.concentration)
                - special_math_ops.lgamma(g0.concentration)
                + g1.concentration * math_ops.log(g0.rate)
                - g1.concentration * math_ops.log(g1.rate)
                + g0.concentration * (g1.rate / g0.rate - 1.0))


class Exponential(Gamma):
    """Density ``rate exp(-rate x)``: a Gamma of concentration 1."""

    def __init__(self, rate, validate_args=False, allow_nan_stats=True, name="Exponential"):
        parameters = dict(locals())
        with get_default_graph().name_scope(name) as scope:
            self._rate_param = convert_to_tensor(rate, name="rate")
        super().__init__(concentration=array_ops.ones_like(self._rate_param),
                         rate=self._rate_param, validate_args=validate_args,
                         allow_nan_stats=allow_nan_stats, name=scope)
        self._parameters = parameters

    def _sample_n(self, n, seed=None):
        shape = array_ops.concat([[n], array_ops.shape(self._rate)], 0)
        tiny = np.finfo(self.dtype.as_numpy_dtype).tiny
        sampled = random_ops.random_uniform(shape, minval=tiny, maxval=1.0, seed=seed,
                                            dtype=self.dtype)
        return -math_ops.log(sampled) / self._rate


class Beta(Distribution):
    """Density ``x**(a-1) (1-x)**(b-1) / B(a, b)`` on [0, 1] (a = concentration1,
    b = concentration0)."""

    def __init__(self, concentration1=None, concentration0=None, validate_args=False,
                 allow_nan_stats=True, name="Beta"):
        parameters = dict(locals())
        scope, (self._concentration1, self._concentration0), dtype = parameters_in_scope(
            name, ["concentration1", "concentration0"], [concentration1, concentration0])
        with get_default_graph().name_scope(scope):
            self._total_concentration = self._concentration1 + self._concentration0
        super().__init__(dtype=dtype, reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._concentration1, self._concentration0],
                         name=scope)

    concentration1 = property(lambda self: self._concentration1)
    concentration0 = property(lambda self: self._concentration0)
    total_concentration = property(lambda self: self._total_concentration)

    def _batch_shape(self):
        return self._total_concentration.shape

    def _batch_shape_tensor(self):
        return array_ops.shape(self._total_concentration)

    def _sample_n(self, n, seed=None):
        ones = array_ops.ones_like(self._total_concentration)
        gamma1 = _random_gamma(shape=[n], alpha=self._concentration1 * ones,
                               dtype=self.dtype, seed=seed)
        gamma2 = _random_gamma(shape=[n], alpha=self._concentration0 * ones,
                               dtype=self.dtype, seed=None if seed is None else seed + 1)
        return gamma1 / (gamma1 + gamma2)

    def _log_prob(self, x):
        return self._log_unnormalized_prob(x) - self._log_normalization()

    def _log_unnormalized_prob(self, x):
        return (math_extra_ops.xlogy(self._concentration1 - 1.0, x)
                + (self._concentration0 - 1.0) * math_ops.log1p(-x))

    def _log_normalization(self):
        return (special_math_ops.lgamma(self._concentration1)
                + special_math_ops.lgamma(self._concentration0)
                - special_math_ops.lgamma(self._total_concentration))

    def _cdf(self, x):
        return special_functions_ops.betainc(self._concentration1, self._concentration0, x)

    def _entropy(self):
        return (self._log_normalization()
                - (self._concentration1 - 1.0) * special_math_ops.digamma(self._concentration1)
                - (self._concentration0 - 1.0) * special_math_ops.digamma(self._concentration0)
                + ((self._total_concentration - 2.0)
                   * special_math_ops.digamma(self._total_concentration)))

    def _mean(self):
        return self._concentration1 / self._total_concentration

    def _variance(self):
        mean = self._mean()
        return mean * (1.0 - mean) / (1.0 + self._total_concentration)

    def _mode(self):
        mode = (self._concentration1 - 1.0) / (self._total_concentration - 2.0)
        return nan_or_assert(
            self, math_ops.logical_and(self._concentration1 > 1.0,
                                       self._concentration0 > 1.0), mode,
            "Mode undefined for concentration1 <= 1 or concentration0 <= 1.")


@RegisterKL(Beta, Beta)
def _kl_beta_beta(d1, d2, name=None):
    with get_default_graph().name_scope(name or "kl_beta_beta"):
        return (d2._log_normalization() - d1._log_normalization()
                - special_math_ops.digamma(d1.concentration1)
                * (d2.concentration1 - d1.concentration1)
                - special_math_ops.digamma(d1.concentration0)
                * (d2.concentration0 - d1.concentration0)
                + special_math_ops.digamma(d1.total_concentration)
                * (d2.total_concentration - d1.total_concentration))


class Dirichlet(Distribution):
    """Density ``prod x_i**(a_i-1) / B(a)`` on the simplex of the last axis."""

    def __init__(self, concentration, validate_args=False, allow_nan_stats=True,
                 name="Dirichlet"):
        parameters = dict(locals())
        scope, (self._concentration,), dtype = parameters_in_scope(name, ["concentration"],
                                                      [concentration])
        with get_default_graph().name_scope(scope):
            self._total_concentration = math_ops.reduce_sum(self._concentration, -1)
        super().__init__(dtype=dtype, reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._concentration],
                         name=scope)

    concentration = property(lambda self: self._concentration)
    total_concentration = property(lambda self: self._total_concentration)

    def _batch_shape(self):
        return self._total_concentration.shape

    def _batch_shape_tensor(self):
        return array_ops.shape(self._total_concentration)

    def _event_shape(self):
        from ..tensor_shape import TensorShape

        return TensorShape(self._concentration.shape[-1:]) \
            if self._concentration.shape.ndims else TensorShape([None])

    def _event_shape_tensor(self):
        return array_ops.shape(self._concentration)[-1:]

    def _sample_n(self, n, seed=None):
        gamma = _random_gamma(shape=[n], alpha=self._concentration, dtype=self.dtype,
                              seed=seed)
        return gamma / math_ops.reduce_sum(gamma, -1, keepdims=True)

    def _log_prob(self, x):
        return (math_ops.reduce_sum(math_extra_ops.xlogy(self._concentration - 1.0, x), -1)
                - math_extra_ops.lbeta(self._concentration))

    def _entropy(self):
        k = math_ops.cast(array_ops.shape(self._concentration)[-1], self.dtype)
        return (math_extra_ops.lbeta(self._concentration)
                + ((self._total_concentration - k)
                   * special_math_ops.digamma(self._total_concentration))
                - math_ops.reduce_sum((self._concentration - 1.0)
                                      * special_math_ops.digamma(self._concentration), -1))

    def _mean(self):
        return self._concentration / array_ops.expand_dims(self._total_concentration, -1)

    def _variance(self):
        mean = self._mean()
        return mean * (1.0 - mean) / array_ops.expand_dims(1.0 + self._total_concentration, -1)


class Laplace(Distribution):
    """Density ``exp(-|x - loc| / scale) / (2 scale)``."""

    def __init__(self, loc, scale, validate_args=False, allow_nan_stats=True, name="Laplace"):
        parameters = dict(locals())
        scope, (self._loc, self._scale), dtype = parameters_in_scope(name, ["loc", "scale"],
                                                                     [loc, scale])
        super().__init__(dtype=dtype, reparameterization_type=FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._loc, self._scale],
                         name=scope)

    loc = property(lambda self: self._loc)
    scale = property(lambda self: self._scale)

    def _batch_shape(self):
        return batch_of(self._loc, self._scale)[0]

    def _batch_shape_tensor(self):
        return batch_of(self._loc, self._scale)[1]

    def _sample_n(self, n, seed=None):
        shape = array_ops.concat([[n], self.batch_shape_tensor()], 0)
        low = np.nextafter(np.array(-1.0, self.dtype.as_numpy_dtype),
                           np.array(0.0, self.dtype.as_numpy_dtype))
        uniform = random_ops.random_uniform(shape, minval=low, maxval=1.0, dtype=self.dtype,
                                            seed=seed)
        return (self._loc - self._scale * math_ops.sign(uniform)
                * math_ops.log1p(-math_ops.abs(uniform)))

    def _log_prob(self, x):
        return (-math.log(2.0) - math_ops.log(self._scale)
                - math_ops.abs(x - self._loc) / self._scale)

    def _cdf(self, x):
        z = (x - self._loc) / self._scale
        return 0.5 - 0.5 * math_ops.sign(z) * special_math_ops.expm1(-math_ops.abs(z))

    def _entropy(self):
        return (math.log(2.0) + 1.0 + math_ops.log(self._scale)) * array_ops.ones_like(
            self._loc)

    def _mean(self):
        return self._loc + array_ops.zeros_like(self._scale)

    def _stddev(self):
        return math.sqrt(2.0) * self._scale + array_ops.zeros_like(self._loc)

    def _mode(self):
        return self._mean()


class StudentT(Distribution):
    """Student's t with ``df`` degrees of freedom, location ``loc`` and scale ``scale``."""

    def __init__(self, df, loc, scale, validate_args=False, allow_nan_stats=True,
                 name="StudentT"):
        parameters = dict(locals())
        scope, (self._df, self._loc, self._scale), dtype = parameters_in_scope(
            name, ["df", "loc", "scale"], [df, loc, scale])
        super().__init__(dtype=dtype, reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._df, self._loc, self._scale], name=scope)

    df = property(lambda self: self._df)
    loc = property(lambda self: self._loc)
    scale = property(lambda self: self._scale)

    def _batch_shape(self):
        return batch_of(self._df, self._loc, self._scale)[0]

    def _batch_shape_tensor(self):
        return batch_of(self._df, self._loc, self._scale)[1]

    def _sample_n(self, n, seed=None):
        shape = array_ops.concat([[n], self.batch_shape_tensor()], 0)
        normal = random_ops.random_normal(shape, dtype=self.dtype, seed=seed)
        df = self._df * array_ops.ones(self.batch_shape_tensor(), dtype=self.dtype)
        gamma = _random_gamma([n], 0.5 * df, beta=0.5, dtype=self.dtype,
                              seed=None if seed is None else seed + 1)
        samples = normal * math_ops.rsqrt(gamma / df)
        return samples * self._scale + self._loc

    def _log_prob(self, x):
        y = (x - self._loc) / self._scale
        unnormalized = -0.5 * (self._df + 1.0) * math_ops.log1p(math_ops.square(y) / self._df)
        normalization = (math_ops.log(math_ops.abs(self._scale)) + 0.5 * math_ops.log(self._df)
                         + 0.5 * math.log(math.pi) + special_math_ops.lgamma(0.5 * self._df)
                         - special_math_ops.lgamma(0.5 * (self._df + 1.0)))
        return unnormalized - normalization

    def _cdf(self, x):
        y = (x - self._loc) / self._scale
        x_t = self._df / (math_ops.square(y) + self._df)
        negative_half = 0.5 * special_functions_ops.betainc(0.5 * self._df, 0.5, x_t)
        return array_ops.where(math_ops.less(y, 0.0), negative_half, 1.0 - negative_half)

    def _entropy(self):
        df = self._df * array_ops.ones(self.batch_shape_tensor(), dtype=self.dtype)
        halves = array_ops.stack([df, array_ops.ones_like(df)], -1) / 2.0  # B(df/2, 1/2)
        return (math_ops.log(math_ops.abs(self._scale)) + 0.5 * math_ops.log(df)
                + math_extra_ops.lbeta(halves)
                + 0.5 * (df + 1.0) * (special_math_ops.digamma(0.5 * (df + 1.0))
                                      - special_math_ops.digamma(0.5 * df)))

    def _mean(self):
        mean = self._loc * array_ops.ones(self.batch_shape_tensor(), dtype=self.dtype)
        return nan_or_assert(self, self._df > 1.0, mean,
                              "mean not defined for components of df <= 1")

    def _variance(self):
        df = self._df * array_ops.ones(self.batch_shape_tensor(), dtype=self.dtype)
        denominator = array_ops.where(df > 2.0, df - 2.0, array_ops.ones_like(df))
        variance = (math_ops.square(self._scale) * array_ops.ones_like(df) * df / denominator)
        infinite = array_ops.fill(array_ops.shape(df),
                                  np.array(np.inf, self.dtype.as_numpy_dtype))
        variance = array_ops.where(df > 2.0, variance, infinite)
        return nan_or_assert(self, df > 1.0, variance,
                              "variance not defined for components of df <= 1")

    def _mode(self):
        return self._loc * array_ops.ones(self.batch_shape_tensor(), dtype=self.dtype)

