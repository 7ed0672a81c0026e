"""``tf.distributions.Multinomial`` and ``DirichletMultinomial`` (counts over the last axis
summing to ``total_count``), and the Dirichlet's KL divergence TensorFlow 1.15 registers."""

from ..graph import convert_to_tensor, get_default_graph
from ..ops import array_ops, linalg_ops, math_extra_ops, math_ops, nn_ops, special_math_ops
from ..ops.math_extra_ops import broadcast_dynamic_shape, broadcast_static_shape
from ..ops.random_extra_ops import multinomial
from .bernoulli import _logits_and_probs
from .distribution import NOT_REPARAMETERIZED, Distribution, parameters_in_scope
from .gamma_family import Dirichlet
from .kullback_leibler import RegisterKL
from .util import log_combinations

__all__ = ["DirichletMultinomial", "Multinomial"]


def _scope_name(scope):
    return scope if scope.endswith("/") else scope + "/"


def _draw_counts(logits, total_count, n, seed, dtype):
    """``n`` count vectors per batch member: ``max(total_count)`` categorical draws each,
    the draws past a member's own ``total_count`` masked out."""
    size = array_ops.shape(logits)[-1]
    total = total_count * array_ops.ones_like(logits[..., 0])
    batch_shape = array_ops.shape(total)
    logits = logits * array_ops.ones_like(array_ops.expand_dims(total, -1))
    flat_logits = array_ops.reshape(logits, array_ops.stack([-1, size]))
    flat_total = math_ops.cast(array_ops.reshape(total, [-1]), "int32")
    most = math_ops.reduce_max(flat_total)
    draws = multinomial(flat_logits, n * most, seed=seed)  # [B, n * most]
    draws = array_ops.reshape(draws, array_ops.stack([-1, n, most]))
    keep = math_ops.less(math_ops.range(most), array_ops.reshape(flat_total, [-1, 1, 1]))
    hot = array_ops.one_hot(draws, depth=size, dtype=dtype)
    counts = math_ops.reduce_sum(hot * array_ops.expand_dims(math_ops.cast(keep, dtype), -1),
                                 axis=-2)  # [B, n, size]
    counts = array_ops.transpose(counts, [1, 0, 2])
    return array_ops.reshape(counts, array_ops.concat([[n], batch_shape, [size]], 0))


class Multinomial(Distribution):
    """Counts of ``total_count`` draws from a Categorical(``logits``/``probs``)."""

    def __init__(self, total_count, logits=None, probs=None, validate_args=False,
                 allow_nan_stats=True, name="Multinomial"):
        parameters = dict(locals())
        with get_default_graph().name_scope(name) as scope:
            self._logits, self._probs = _logits_and_probs(logits, probs, True)
            self._total_count = convert_to_tensor(total_count, name="total_count",
                                                  dtype=self._probs.dtype)
            with get_default_graph().name_scope("mean"):
                self._mean_val = array_ops.expand_dims(self._total_count, -1) * self._probs
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
        return self._mean_val.shape[:-1]

    def _batch_shape_tensor(self):
        return array_ops.shape(self._mean_val)[:-1]

    def _event_shape(self):
        return self._mean_val.shape[-1:]

    def _event_shape_tensor(self):
        return array_ops.shape(self._mean_val)[-1:]

    def _sample_n(self, n, seed=None):
        return _draw_counts(self._logits, self._total_count, n, seed, self.dtype)

    def _log_prob(self, counts):
        unnormalized = math_ops.reduce_sum(counts * nn_ops.log_softmax(self._logits), -1)
        return unnormalized + log_combinations(self._total_count, counts)

    def _mean(self):
        return array_ops.identity(self._mean_val)

    def _covariance(self):
        p = self._probs * array_ops.ones_like(array_ops.expand_dims(self._total_count, -1))
        outer = -array_ops.expand_dims(self._mean_val, -1) * array_ops.expand_dims(p, -2)
        return linalg_ops.matrix_set_diag(outer, self._mean_val * (1.0 - p))

    def _variance(self):
        p = self._probs * array_ops.ones_like(array_ops.expand_dims(self._total_count, -1))
        return self._mean_val * (1.0 - p)


class DirichletMultinomial(Distribution):
    """Counts of ``total_count`` draws from a Categorical whose probabilities are drawn
    from a Dirichlet(``concentration``)."""

    def __init__(self, total_count, concentration, validate_args=False,
                 allow_nan_stats=True, name="DirichletMultinomial"):
        parameters = dict(locals())
        scope, (self._total_count, self._concentration), dtype = parameters_in_scope(
            name, ["total_count", "concentration"], [total_count, concentration])
        with get_default_graph().name_scope(scope):
            self._total_concentration = math_ops.reduce_sum(self._concentration, -1)
        super().__init__(dtype=dtype, reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._total_count, self._concentration], name=scope)

    total_count = property(lambda self: self._total_count)
    concentration = property(lambda self: self._concentration)
    total_concentration = property(lambda self: self._total_concentration)

    def _batch_shape(self):
        return broadcast_static_shape(self._total_count.shape,
                                      self._concentration.shape[:-1])

    def _batch_shape_tensor(self):
        return broadcast_dynamic_shape(array_ops.shape(self._total_count),
                                       array_ops.shape(self._concentration)[:-1])

    def _event_shape(self):
        return self._concentration.shape[-1:]

    def _event_shape_tensor(self):
        return array_ops.shape(self._concentration)[-1:]

    def _sample_n(self, n, seed=None):
        from ..ops import stateless_random_ops

        gammas = stateless_random_ops.random_gamma([n], self._concentration, dtype=self.dtype,
                                                   seed=seed)
        logits = math_ops.log(gammas)  # [n, batch, k]: one Categorical per draw
        total = self._total_count * array_ops.ones_like(logits[..., 0])
        counts = _draw_counts(logits, total, 1, seed, self.dtype)  # [1, n, batch, k]
        return counts[0]

    def _log_prob(self, counts):
        ordered = (math_extra_ops.lbeta(self._concentration + counts)
                   - math_extra_ops.lbeta(self._concentration))
        return ordered + log_combinations(self._total_count, counts)

    def _shares(self):
        return self._concentration / array_ops.expand_dims(self._total_concentration, -1)

    def _mean(self):
        return array_ops.expand_dims(self._total_count, -1) * self._shares()

    def _spread(self):
        n = self._total_count
        a0 = self._total_concentration
        return array_ops.expand_dims(n * (n + a0) / (1.0 + a0), -1)

    def _covariance(self):
        p = self._shares()
        outer = -array_ops.expand_dims(p, -1) * array_ops.expand_dims(p, -2)
        matrix = linalg_ops.matrix_set_diag(outer, p * (1.0 - p))
        return array_ops.expand_dims(self._spread(), -1) * matrix

    def _variance(self):
        p = self._shares()
        return self._spread() * p * (1.0 - p)


@RegisterKL(Dirichlet, Dirichlet)
def _kl_dirichlet_dirichlet(d1, d2, name=None):
    """KL of two Dirichlets through digamma and lgamma, as TensorFlow writes it."""
    with get_default_graph().name_scope(name or "kl_dirichlet_dirichlet"):
        a = d1.concentration
        b = d2.concentration
        a0 = math_ops.reduce_sum(a, -1)
        b0 = math_ops.reduce_sum(b, -1)
        digamma_gap = special_math_ops.digamma(a) - array_ops.expand_dims(
            special_math_ops.digamma(a0), -1)
        return (special_math_ops.lgamma(a0) - special_math_ops.lgamma(b0)
                - math_ops.reduce_sum(special_math_ops.lgamma(a), -1)
                + math_ops.reduce_sum(special_math_ops.lgamma(b), -1)
                + math_ops.reduce_sum((a - b) * digamma_gap, -1))
