"""TensorFlow 1.15's contrib count and point-mass distributions: Poisson, Geometric,
Binomial, NegativeBinomial, Deterministic and VectorDeterministic (values are floats, as in
TensorFlow; a count's log density is -inf off the non-negative integers)."""

import numpy as np

from .. import dtypes
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
from ..tensor_shape import TensorShape
from .bernoulli import _logits_and_probs
from .distribution import NOT_REPARAMETERIZED, Distribution
from .util import batch_of, log_combinations

__all__ = ["Binomial", "Deterministic", "Geometric", "NegativeBinomial", "Poisson",
           "VectorDeterministic"]


def _scope_name(scope):
    return scope if scope.endswith("/") else scope + "/"


def _minus_inf_off_support(x, value, integer=True):
    """``value`` where ``x`` is a non-negative (integer) count, -inf elsewhere."""
    x = x * array_ops.ones_like(value)
    supported = math_ops.greater_equal(x, 0.0)
    if integer:
        supported = math_ops.logical_and(supported, math_ops.equal(x, math_ops.floor(x)))
    minus_inf = array_ops.fill(array_ops.shape(value),
                               np.array(-np.inf, value.dtype.as_numpy_dtype))
    return array_ops.where(supported, value, minus_inf)


class Poisson(Distribution):
    """P(k) = rate**k exp(-rate) / k!; ``rate`` or ``log_rate``. With
    ``interpolate_nondiscrete`` (the default) a non-integer count gets the continuous
    extension of the density instead of -inf."""

    def __init__(self, rate=None, log_rate=None, interpolate_nondiscrete=True,
                 validate_args=False, allow_nan_stats=True, name="Poisson"):
        parameters = dict(locals())
        if (rate is None) == (log_rate is None):
            raise ValueError("Must specify exactly one of `rate` and `log_rate`.")
        with get_default_graph().name_scope(name) as scope:
            if rate is not None:
                self._rate = convert_to_tensor(rate, name="rate")
                self._log_rate = math_ops.log(self._rate, name="log_rate")
            else:
                self._log_rate = convert_to_tensor(log_rate, name="log_rate")
                self._rate = math_ops.exp(self._log_rate, name="rate")
        if not self._rate.dtype.is_floating:
            raise TypeError("rate.dtype must be a floating dtype, got "
                            f"{self._rate.dtype.name}")
        self._interpolate_nondiscrete = interpolate_nondiscrete
        super().__init__(dtype=self._rate.dtype.base_dtype,
                         reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._rate],
                         name=_scope_name(scope))

    rate = property(lambda self: self._rate)
    log_rate = property(lambda self: self._log_rate)
    interpolate_nondiscrete = property(lambda self: self._interpolate_nondiscrete)

    def _batch_shape(self):
        return self._rate.shape

    def _batch_shape_tensor(self):
        return array_ops.shape(self._rate)

    def _sample_n(self, n, seed=None):
        return stateless_random_ops.random_poisson(self._rate, [n], dtype=self.dtype,
                                                   seed=seed)

    def _log_prob(self, x):
        counts = x if self._interpolate_nondiscrete else math_ops.floor(x)
        safe = math_ops.maximum(counts, 0.0)
        value = safe * self._log_rate - special_math_ops.lgamma(1.0 + safe) - self._rate
        return _minus_inf_off_support(x, value, integer=not self._interpolate_nondiscrete)

    def _cdf(self, x):
        safe = math_ops.maximum(math_ops.floor(x), 0.0)
        value = special_functions_ops.igammac(1.0 + safe, self._rate)
        return array_ops.where(math_ops.less(x * array_ops.ones_like(value), 0.0),
                               array_ops.zeros_like(value), value)

    def _mean(self):
        return array_ops.identity(self._rate)

    def _variance(self):
        return array_ops.identity(self._rate)

    def _mode(self):
        return math_ops.floor(self._rate)


class Geometric(Distribution):
    """The number of failures before the first success: P(k) = (1 - p)**k p."""

    def __init__(self, logits=None, probs=None, validate_args=False, allow_nan_stats=True,
                 name="Geometric"):
        parameters = dict(locals())
        with get_default_graph().name_scope(name) as scope:
            self._logits, self._probs = _logits_and_probs(logits, probs, False)
        super().__init__(dtype=self._probs.dtype.base_dtype,
                         reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._logits, self._probs],
                         name=_scope_name(scope))

    logits = property(lambda self: self._logits)
    probs = property(lambda self: self._probs)

    def _batch_shape(self):
        return self._probs.shape

    def _batch_shape_tensor(self):
        return array_ops.shape(self._probs)

    def _sample_n(self, n, seed=None):
        shape = array_ops.concat([[n], self.batch_shape_tensor()], 0)
        uniform = random_ops.random_uniform(
            shape, minval=np.finfo(self.dtype.as_numpy_dtype).tiny, maxval=1.0,
            dtype=self.dtype, seed=seed)
        return math_ops.floor(math_ops.log(uniform) / math_ops.log1p(-self._probs))

    def _log_prob(self, x):
        probs = self._probs * array_ops.ones_like(x)
        safe = array_ops.where(math_ops.equal(x * array_ops.ones_like(probs), 0.0),
                               array_ops.zeros_like(probs), probs)
        value = x * math_ops.log1p(-safe) + math_ops.log(probs)
        return _minus_inf_off_support(x, value)

    def _cdf(self, x):
        floored = math_ops.floor(x)
        value = -special_math_ops.expm1((floored + 1.0) * math_ops.log1p(-self._probs))
        return array_ops.where(math_ops.less(x * array_ops.ones_like(value), 0.0),
                               array_ops.zeros_like(value), value)

    def _entropy(self):
        p = self._probs
        return (-(1.0 - p) * math_ops.log1p(-p) - p * math_ops.log(p)) / p

    def _mean(self):
        return math_ops.exp(-self._logits)

    def _variance(self):
        return self._mean() / self._probs

    def _mode(self):
        return array_ops.zeros_like(self._probs)


class _CountFamily(Distribution):
    """A ``total_count`` with ``logits`` or ``probs``, broadcast together."""

    def __init__(self, total_count, logits, probs, validate_args, allow_nan_stats,
                 parameters, name):
        with get_default_graph().name_scope(name) as scope:
            self._logits, self._probs = _logits_and_probs(logits, probs, False)
            self._total_count = convert_to_tensor(total_count, name="total_count",
                                                  dtype=self._probs.dtype)
        super().__init__(dtype=self._probs.dtype.base_dtype,
                         reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._total_count, self._logits, self._probs],
                         name=_scope_name(scope))

    total_count = property(lambda self: self._total_count)
    logits = property(lambda self: self._logits)
    probs = property(lambda self: self._probs)

    def _batch_shape(self):
        return batch_of(self._total_count, self._probs)[0]

    def _batch_shape_tensor(self):
        return batch_of(self._total_count, self._probs)[1]


class Binomial(_CountFamily):
    """Successes in ``total_count`` trials of probability ``probs``. As in TensorFlow 1.15,
    it has no sampler."""

    def __init__(self, total_count, logits=None, probs=None, validate_args=False,
                 allow_nan_stats=True, name="Binomial"):
        super().__init__(total_count, logits, probs, validate_args, allow_nan_stats,
                         dict(locals()), name)

    def _log_prob(self, counts):
        n = self._total_count
        value = (counts * math_extra_ops.log_sigmoid(self._logits)
                 + (n - counts) * math_extra_ops.log_sigmoid(-self._logits))
        combinations = log_combinations(n, array_ops.stack(
            [counts * array_ops.ones_like(value), (n - counts) * array_ops.ones_like(value)],
            axis=-1))
        return combinations + value

    def _cdf(self, counts):
        floored = math_ops.floor(counts)
        n = self._total_count * array_ops.ones_like(floored)
        return special_functions_ops.betainc(n - floored, floored + 1.0, 1.0 - self._probs)

    def _mean(self):
        return self._total_count * self._probs

    def _variance(self):
        return self._mean() * (1.0 - self._probs)

    def _mode(self):
        return math_ops.minimum(math_ops.floor((1.0 + self._total_count) * self._probs),
                                self._total_count * array_ops.ones_like(self._probs))


class NegativeBinomial(_CountFamily):
    """Successes (of probability ``probs``) before ``total_count`` failures."""

    def __init__(self, total_count, logits=None, probs=None, validate_args=False,
                 allow_nan_stats=True, name="NegativeBinomial"):
        super().__init__(total_count, logits, probs, validate_args, allow_nan_stats,
                         dict(locals()), name)

    def _sample_n(self, n, seed=None):
        rates = stateless_random_ops.random_gamma(
            [n], self._total_count, beta=math_ops.exp(-self._logits), dtype=self.dtype,
            seed=seed)
        return stateless_random_ops.random_poisson(rates, [], dtype=self.dtype, seed=seed)

    def _log_prob(self, x):
        n = self._total_count
        unnormalized = (n * math_extra_ops.log_sigmoid(-self._logits)
                        + x * math_extra_ops.log_sigmoid(self._logits))
        normalization = (special_math_ops.lgamma(n) + special_math_ops.lgamma(1.0 + x)
                         - special_math_ops.lgamma(n + x))
        return unnormalized - normalization

    def _cdf(self, x):
        floored = math_ops.floor(x)
        n = self._total_count * array_ops.ones_like(floored)
        return special_functions_ops.betainc(n, 1.0 + floored,
                                             math_ops.sigmoid(-self._logits))

    def _mean(self):
        return self._total_count * math_ops.exp(self._logits)

    def _variance(self):
        return self._mean() / math_ops.sigmoid(-self._logits)

    def _mode(self):
        n = self._total_count * array_ops.ones_like(self._logits)
        return array_ops.where(math_ops.greater(n, 1.0),
                               math_ops.floor((n - 1.0) * math_ops.exp(self._logits)),
                               array_ops.zeros_like(n))


class _PointMass(Distribution):
    def __init__(self, loc, atol, rtol, is_vector, validate_args, allow_nan_stats,
                 parameters, name):
        with get_default_graph().name_scope(name) as scope:
            self._loc = convert_to_tensor(loc, name="loc")
            self._atol = convert_to_tensor(0 if atol is None else atol, name="atol",
                                           dtype=self._loc.dtype)
            self._rtol = convert_to_tensor(0 if rtol is None else rtol, name="rtol",
                                           dtype=self._loc.dtype)
            if is_vector and self._loc.shape.ndims == 0:
                raise ValueError("Argument loc must be at least rank 1.")
        self._is_vector = is_vector
        super().__init__(dtype=self._loc.dtype.base_dtype,
                         reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._loc, self._atol, self._rtol],
                         name=_scope_name(scope))

    loc = property(lambda self: self._loc)
    atol = property(lambda self: self._atol)
    rtol = property(lambda self: self._rtol)

    def _slack(self):
        return self._atol + self._rtol * math_ops.abs(self._loc)

    def _batch_shape(self):
        return self._loc.shape[:-1] if self._is_vector else self._loc.shape

    def _batch_shape_tensor(self):
        shape = array_ops.shape(self._loc)
        return shape[:-1] if self._is_vector else shape

    def _event_shape(self):
        return self._loc.shape[-1:] if self._is_vector else TensorShape([])

    def _event_shape_tensor(self):
        if self._is_vector:
            return array_ops.shape(self._loc)[-1:]
        return array_ops.constant([], dtype=dtypes.int32)

    def _sample_n(self, n, seed=None):
        ones = array_ops.ones(array_ops.concat([[n], array_ops.shape(self._loc)], 0),
                              dtype=self.dtype)
        return ones * self._loc

    def _close(self, x):
        return math_ops.less_equal(math_ops.abs(x - self._loc), self._slack())

    def _prob(self, x):
        close = self._close(x)
        if self._is_vector:
            close = math_ops.reduce_all(close, axis=-1)
        return math_ops.cast(close, self.dtype)

    def _log_prob(self, x):
        return math_ops.log(self._prob(x))

    def _mean(self):
        return array_ops.identity(self._loc)

    def _mode(self):
        return array_ops.identity(self._loc)

    def _variance(self):
        return array_ops.zeros_like(self._loc)

    def _entropy(self):
        return array_ops.zeros(self.batch_shape_tensor(), dtype=self.dtype)


class Deterministic(_PointMass):
    """All mass at ``loc`` (within ``atol + rtol |loc|``)."""

    def __init__(self, loc, atol=None, rtol=None, validate_args=False, allow_nan_stats=True,
                 name="Deterministic"):
        super().__init__(loc, atol, rtol, False, validate_args, allow_nan_stats,
                         dict(locals()), name)

    def _cdf(self, x):
        return math_ops.cast(math_ops.greater_equal(x, self._loc - self._slack()), self.dtype)


class VectorDeterministic(_PointMass):
    """All mass at the vector ``loc`` (its last axis is the event)."""

    def __init__(self, loc, atol=None, rtol=None, validate_args=False, allow_nan_stats=True,
                 name="VectorDeterministic"):
        super().__init__(loc, atol, rtol, True, validate_args, allow_nan_stats,
                         dict(locals()), name)
