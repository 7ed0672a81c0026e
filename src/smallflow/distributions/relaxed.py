"""TensorFlow 1.15's one-hot and relaxed (Concrete / Gumbel-softmax) distributions:
OneHotCategorical, ExpRelaxedOneHotCategorical, RelaxedOneHotCategorical and
RelaxedBernoulli. The relaxed ones are reparameterized: a sample is a differentiable
function of the logits and temperature (Gumbel noise pushed through a softmax, or a
logistic through a sigmoid), the property Gumbel-softmax VAEs train through."""

import numpy as np

from .. import dtypes
from ..graph import convert_to_tensor, get_default_graph
from ..ops import (
    array_ops,
    linalg_ops,
    math_ops,
    nn_ops,
    random_ops,
    special_math_ops,
)
from ..ops.random_extra_ops import multinomial
from .bernoulli import _logits_and_probs
from .bijectors_basic import Exp, Sigmoid
from .continuous import Logistic
from .distribution import FULLY_REPARAMETERIZED, NOT_REPARAMETERIZED, Distribution
from .kullback_leibler import RegisterKL
from .transformed import TransformedDistribution

__all__ = ["ExpRelaxedOneHotCategorical", "OneHotCategorical", "RelaxedBernoulli",
           "RelaxedOneHotCategorical"]


def _scope_name(scope):
    return scope if scope.endswith("/") else scope + "/"


class _OverClasses(Distribution):
    """Shapes shared by the one-hot families: the classes are the last axis of logits."""

    def _setup_logits(self, logits, probs, dtype=None):
        self._logits, self._probs = _logits_and_probs(logits, probs, True, dtype)
        rank = self._logits.shape.ndims
        if rank is not None and rank < 1:
            raise ValueError("logits must have rank at least 1 (the classes' axis)")
        size = self._logits.shape[-1].value if rank else None
        self._event_size = (array_ops.constant(size, dtype=dtypes.int32, name="event_size")
                            if size is not None else array_ops.shape(self._logits)[-1])

    logits = property(lambda self: self._logits)
    probs = property(lambda self: self._probs)
    event_size = property(lambda self: self._event_size)

    def _batch_shape(self):
        return self._logits.shape[:-1]

    def _batch_shape_tensor(self):
        return array_ops.shape(self._logits)[:-1]

    def _event_shape(self):
        return self._logits.shape[-1:]

    def _event_shape_tensor(self):
        return array_ops.shape(self._logits)[-1:]

    def _broadcast_with(self, x, logits):
        """``x`` and ``logits`` broadcast against each other."""
        if x.shape.is_fully_defined() and logits.shape.is_fully_defined() and \
                x.shape == logits.shape:
            return x, logits
        logits = array_ops.ones_like(x, dtype=logits.dtype) * logits
        x = array_ops.ones_like(logits, dtype=x.dtype) * x
        return x, logits


class OneHotCategorical(_OverClasses):
    """A Categorical whose samples are one-hot vectors over the last axis."""

    def __init__(self, logits=None, probs=None, dtype=dtypes.int32, validate_args=False,
                 allow_nan_stats=True, name="OneHotCategorical"):
        parameters = dict(locals())
        with get_default_graph().name_scope(name) as scope:
            self._setup_logits(logits, probs)
        super().__init__(dtype=dtypes.as_dtype(dtype),
                         reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._logits, self._probs],
                         name=_scope_name(scope))

    def _value(self, value):
        return convert_to_tensor(value, name="value")

    def _sample_n(self, n, seed=None):
        logits_2d = array_ops.reshape(self._logits, [-1, self._event_size])
        draws = multinomial(logits_2d, n, seed=seed)
        draws = array_ops.transpose(draws)
        shape = array_ops.concat([[n], self.batch_shape_tensor()], 0)
        draws = array_ops.reshape(draws, shape)
        return array_ops.one_hot(draws, depth=self._event_size, dtype=self.dtype)

    def _log_prob(self, x):
        x = math_ops.cast(x, self._logits.dtype)
        x, logits = self._broadcast_with(x, self._logits)
        return -nn_ops.softmax_cross_entropy_with_logits(labels=x, logits=logits)

    def _entropy(self):
        return -math_ops.reduce_sum(nn_ops.log_softmax(self._logits) * self._probs, axis=-1)

    def _mean(self):
        return array_ops.identity(self._probs)

    def _mode(self):
        index = math_ops.argmax(self._logits, axis=-1)
        return array_ops.one_hot(index, depth=self._event_size, dtype=self.dtype)

    def _covariance(self):
        p = self._probs
        outer = array_ops.expand_dims(p, -1) * array_ops.expand_dims(p, -2)
        return linalg_ops.matrix_diag(p) - outer

    def _variance(self):
        return self._probs * (1.0 - self._probs)


@RegisterKL(OneHotCategorical, OneHotCategorical)
def _kl_onehot(a, b, name=None):
    with get_default_graph().name_scope(name or "kl_categorical_categorical"):
        delta = nn_ops.log_softmax(a.logits) - nn_ops.log_softmax(b.logits)
        return math_ops.reduce_sum(nn_ops.softmax(a.logits) * delta, axis=-1)


class ExpRelaxedOneHotCategorical(_OverClasses):
    """The log of a RelaxedOneHotCategorical sample: ``(logits + Gumbel noise) /
    temperature`` normalized by its log-sum-exp (numerically safer for small
    temperatures)."""

    def __init__(self, temperature, logits=None, probs=None, dtype=None, validate_args=False,
                 allow_nan_stats=True, name="ExpRelaxedOneHotCategorical"):
        parameters = dict(locals())
        with get_default_graph().name_scope(name) as scope:
            self._setup_logits(logits, probs, dtype)
            self._temperature = convert_to_tensor(temperature, name="temperature",
                                                  dtype=self._logits.dtype)
        kind = dtypes.as_dtype(dtype) if dtype is not None else self._logits.dtype.base_dtype
        super().__init__(dtype=kind, reparameterization_type=FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._logits, self._probs, self._temperature],
                         name=_scope_name(scope))

    temperature = property(lambda self: self._temperature)

    def _sample_n(self, n, seed=None):
        shape = array_ops.concat([[n], array_ops.shape(self._logits)], 0)
        logits = self._logits * array_ops.ones(shape, dtype=self.dtype)
        uniform = random_ops.random_uniform(
            shape, minval=np.finfo(self.dtype.as_numpy_dtype).tiny, maxval=1.0,
            dtype=self.dtype, seed=seed)
        gumbel = -math_ops.log(-math_ops.log(uniform))
        noisy = (logits + gumbel) / array_ops.expand_dims(self._temperature, -1)
        return noisy - math_ops.reduce_logsumexp(noisy, axis=-1, keepdims=True)

    def _log_prob(self, x):
        x, logits = self._broadcast_with(x, self._logits)
        k = math_ops.cast(self._event_size, x.dtype)
        temperature = array_ops.expand_dims(self._temperature, -1)
        log_normalizer = (special_math_ops.lgamma(k)
                          + (k - 1.0) * math_ops.log(self._temperature))
        unnormalized = math_ops.reduce_sum(nn_ops.log_softmax(logits - x * temperature),
                                           axis=-1)
        return log_normalizer + unnormalized

    def _batch_shape(self):
        from ..ops.math_extra_ops import broadcast_static_shape

        return broadcast_static_shape(self._logits.shape[:-1], self._temperature.shape)

    def _batch_shape_tensor(self):
        from ..ops.math_extra_ops import broadcast_dynamic_shape

        return broadcast_dynamic_shape(array_ops.shape(self._logits)[:-1],
                                       array_ops.shape(self._temperature))


class RelaxedOneHotCategorical(TransformedDistribution):
    """The Concrete / Gumbel-softmax distribution on the simplex:
    ``softmax((logits + Gumbel noise) / temperature)``."""

    def __init__(self, temperature, logits=None, probs=None, dtype=None, validate_args=False,
                 allow_nan_stats=True, name="RelaxedOneHotCategorical"):
        base = ExpRelaxedOneHotCategorical(temperature, logits=logits, probs=probs,
                                           dtype=dtype, validate_args=validate_args,
                                           allow_nan_stats=allow_nan_stats)
        super().__init__(distribution=base, bijector=Exp(validate_args=validate_args),
                         validate_args=validate_args, name=name)
        self._parameters = {"temperature": temperature, "logits": logits, "probs": probs,
                            "dtype": dtype, "validate_args": validate_args,
                            "allow_nan_stats": allow_nan_stats, "name": name}

    temperature = property(lambda self: self.distribution.temperature)
    logits = property(lambda self: self.distribution.logits)
    probs = property(lambda self: self.distribution.probs)
    event_size = property(lambda self: self.distribution.event_size)


class RelaxedBernoulli(TransformedDistribution):
    """The binary Concrete distribution on (0, 1): ``sigmoid((logits + L) / temperature)``
    for a standard logistic L."""

    def __init__(self, temperature, logits=None, probs=None, validate_args=False,
                 allow_nan_stats=True, name="RelaxedBernoulli"):
        with get_default_graph().name_scope(name + "_params"):
            logits, probs = _logits_and_probs(logits, probs, False)
            temperature = convert_to_tensor(temperature, name="temperature",
                                            dtype=logits.dtype)
        self._temperature = temperature
        self._logits = logits
        self._probs = probs
        base = Logistic(logits / temperature, 1.0 / temperature,
                        validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                        name=name + "/Logistic")
        super().__init__(distribution=base, bijector=Sigmoid(validate_args=validate_args),
                         validate_args=validate_args, name=name)
        self._parameters = {"temperature": temperature, "logits": logits, "probs": probs,
                            "validate_args": validate_args,
                            "allow_nan_stats": allow_nan_stats, "name": name}

    temperature = property(lambda self: self._temperature)
    logits = property(lambda self: self._logits)
    probs = property(lambda self: self._probs)
