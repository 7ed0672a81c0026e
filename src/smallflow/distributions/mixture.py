"""TensorFlow 1.15's compound distributions: ``Mixture`` (a Categorical over a list of
components), ``MixtureSameFamily`` (a Categorical over the last batch axis of one
distribution) and ``Independent`` (batch axes reinterpreted as event axes).

Mixtures sample every component and keep the chosen one (TensorFlow's ``use_static_graph``
way); the samples have the same law as TensorFlow's partitioned draw, not its numbers."""

from ..graph import get_default_graph
from ..ops import array_ops, math_ops, nn_ops
from ..ops.math_extra_ops import broadcast_static_shape
from .bernoulli import Categorical
from .distribution import NOT_REPARAMETERIZED, Distribution
from .kullback_leibler import RegisterKL, kl_divergence

__all__ = ["Independent", "Mixture", "MixtureSameFamily"]


def _scope_name(scope):
    return scope if scope.endswith("/") else scope + "/"


def _ndims(shape, what):
    if shape.ndims is None:
        raise ValueError(f"smallflow needs the rank of {what} known when the graph is built")
    return shape.ndims


class Mixture(Distribution):
    """``p(x) = sum_k cat.probs[k] components[k].prob(x)``."""

    def __init__(self, cat, components, validate_args=False, allow_nan_stats=True,
                 use_static_graph=False, name="Mixture"):
        parameters = dict(locals())
        if not isinstance(cat, Categorical):
            raise TypeError(f"cat must be a Categorical distribution, but saw: {cat}")
        if not components:
            raise ValueError("components must be a non-empty list or tuple")
        if not isinstance(components, (list, tuple)):
            raise TypeError(f"components must be a list or tuple, but saw: {components}")
        if not all(isinstance(c, Distribution) for c in components):
            raise TypeError("all entries in components must be Distribution instances, "
                            f"but saw: {components}")
        kinds = {c.dtype for c in components}
        if len(kinds) != 1:
            raise TypeError("All components must have the same dtype, but saw dtypes: "
                            f"{[c.dtype.name for c in components]}")
        batch = cat.batch_shape
        for component in components:
            batch = broadcast_static_shape(batch, component.batch_shape) \
                if batch.ndims is not None else batch
        size = cat.logits.shape[-1].value if cat.logits.shape.ndims else None
        if size is not None and size != len(components):
            raise ValueError(f"components length must match cat event size: {size} vs. "
                             f"{len(components)}")
        self._cat = cat
        self._components = list(components)
        self._static_batch = batch
        self._use_static_graph = use_static_graph
        with get_default_graph().name_scope(name) as scope:
            pass
        super().__init__(dtype=components[0].dtype,
                         reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, name=_scope_name(scope))

    cat = property(lambda self: self._cat)
    components = property(lambda self: list(self._components))
    num_components = property(lambda self: len(self._components))

    def _batch_shape(self):
        return self._static_batch

    def _batch_shape_tensor(self):
        return self._cat.batch_shape_tensor()

    def _event_shape(self):
        return self._components[0].event_shape

    def _event_shape_tensor(self):
        return self._components[0].event_shape_tensor()

    def _cat_probs(self, log):
        logits = self._cat.logits
        values = nn_ops.log_softmax(logits) if log else nn_ops.softmax(logits)
        return array_ops.unstack(values, num=len(self._components), axis=-1)

    def _expand_to_event(self, value):
        for _ in range(_ndims(self.event_shape, "the event")):
            value = array_ops.expand_dims(value, -1)
        return value

    def _mean(self):
        total = None
        for prob, component in zip(self._cat_probs(False), self._components):
            term = self._expand_to_event(prob) * component.mean()
            total = term if total is None else total + term
        return total

    def _variance(self):
        mean = self._mean()
        total = None
        for prob, component in zip(self._cat_probs(False), self._components):
            spread = component.variance() + math_ops.square(component.mean() - mean)
            term = self._expand_to_event(prob) * spread
            total = term if total is None else total + term
        return total

    def _log_prob(self, x):
        terms = [log_p + component.log_prob(x)
                 for log_p, component in zip(self._cat_probs(True), self._components)]
        return math_ops.reduce_logsumexp(array_ops.stack(terms, axis=0), axis=0)

    def _prob(self, x):
        return math_ops.exp(self._log_prob(x))

    def _sample_n(self, n, seed=None):
        chosen = self._cat.sample(n, seed=seed)
        draws = [component.sample(n, seed=seed) for component in self._components]
        stacked = array_ops.stack(draws, axis=-1 - _ndims(self.event_shape, "the event"))
        mask = array_ops.one_hot(chosen, depth=len(self._components), dtype=self.dtype)
        mask = self._expand_to_event(mask)
        return math_ops.reduce_sum(stacked * mask,
                                   axis=-1 - _ndims(self.event_shape, "the event"))

    def entropy_lower_bound(self, name="entropy_lower_bound"):
        """``sum_k cat.probs[k] components[k].entropy()`` (a lower bound of the entropy)."""
        with self._scope(name):
            total = None
            for prob, component in zip(self._cat_probs(False), self._components):
                term = prob * component.entropy()
                total = term if total is None else total + term
            return total


class MixtureSameFamily(Distribution):
    """A Categorical ``mixture_distribution`` choosing along the last batch axis of
    ``components_distribution`` (batch ``[..., k]``)."""

    def __init__(self, mixture_distribution, components_distribution, validate_args=False,
                 allow_nan_stats=True, name="MixtureSameFamily"):
        parameters = dict(locals())
        self._mixture = mixture_distribution
        self._components = components_distribution
        count = mixture_distribution.logits.shape[-1].value \
            if mixture_distribution.logits.shape.ndims else None
        batch = components_distribution.batch_shape
        if count is not None and batch.ndims and batch[-1].value is not None and \
                batch[-1].value != count:
            raise ValueError(f"`mixture_distribution components` ({count}) does not equal "
                             f"`components_distribution.batch_shape[-1]` ({batch[-1].value})")
        if mixture_distribution.event_shape.ndims not in (None, 0):
            raise ValueError("`mixture_distribution` must have scalar `event_dim`s")
        with get_default_graph().name_scope(name) as scope:
            pass
        super().__init__(dtype=components_distribution.dtype,
                         reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, name=_scope_name(scope))

    mixture_distribution = property(lambda self: self._mixture)
    components_distribution = property(lambda self: self._components)

    def _event_rank(self):
        return _ndims(self._components.event_shape, "the components' event")

    def _batch_shape(self):
        return self._components.batch_shape[:-1]

    def _batch_shape_tensor(self):
        return self._components.batch_shape_tensor()[:-1]

    def _event_shape(self):
        return self._components.event_shape

    def _event_shape_tensor(self):
        return self._components.event_shape_tensor()

    def _pad(self, value, axis_from_end):
        return array_ops.expand_dims(value, axis=axis_from_end)

    def _weights(self):
        """The mixture's probabilities shaped ``[..., k]`` + ones for the event axes."""
        probs = nn_ops.softmax(self._mixture.logits)
        for _ in range(self._event_rank()):
            probs = array_ops.expand_dims(probs, -1)
        return probs

    def _log_prob(self, x):
        x = self._pad(x, -1 - self._event_rank())
        log_prob_x = self._components.log_prob(x)
        log_mix = nn_ops.log_softmax(self._mixture.logits)
        return math_ops.reduce_logsumexp(log_prob_x + log_mix, axis=-1)

    def _prob(self, x):
        return math_ops.exp(self._log_prob(x))

    def _cdf(self, x):
        x = self._pad(x, -1 - self._event_rank())
        cdf_x = self._components.cdf(x)
        return math_ops.reduce_sum(cdf_x * nn_ops.softmax(self._mixture.logits), axis=-1)

    def _mean(self):
        axis = -1 - self._event_rank()
        return math_ops.reduce_sum(self._weights() * self._components.mean(), axis=axis)

    def _variance(self):
        axis = -1 - self._event_rank()
        weights = self._weights()
        means = self._components.mean()
        mean = math_ops.reduce_sum(weights * means, axis=axis, keepdims=True)
        spread = self._components.variance() + math_ops.square(means - mean)
        return math_ops.reduce_sum(weights * spread, axis=axis)

    def _covariance(self):
        if self._event_rank() != 1:
            raise NotImplementedError("covariance is implemented for vector events only")
        weights = self._weights()
        means = self._components.mean()
        mean = math_ops.reduce_sum(weights * means, axis=-2, keepdims=True)
        centered = means - mean
        outer = array_ops.expand_dims(centered, -1) * array_ops.expand_dims(centered, -2)
        matrix_weights = array_ops.expand_dims(weights, -1)
        total = self._components.covariance() + outer
        return math_ops.reduce_sum(matrix_weights * total, axis=-3)

    def _sample_n(self, n, seed=None):
        chosen = self._mixture.sample(n, seed=seed)  # [n, batch]
        draws = self._components.sample(n, seed=seed)  # [n, batch, k, event]
        count = array_ops.shape(self._mixture.logits)[-1]
        mask = array_ops.one_hot(chosen, depth=count, dtype=self.dtype)
        for _ in range(self._event_rank()):
            mask = array_ops.expand_dims(mask, -1)
        return math_ops.reduce_sum(draws * mask, axis=-1 - self._event_rank())


class Independent(Distribution):
    """``distribution`` with its rightmost ``reinterpreted_batch_ndims`` batch axes read as
    event axes (all but the first batch axis when None): log densities sum over them."""

    def __init__(self, distribution, reinterpreted_batch_ndims=None, validate_args=False,
                 name=None):
        parameters = dict(locals())
        name = name or "Independent" + distribution.name
        batch_rank = _ndims(distribution.batch_shape, "distribution's batch")
        if reinterpreted_batch_ndims is None:
            reinterpreted_batch_ndims = max(0, batch_rank - 1)
        reinterpreted_batch_ndims = int(reinterpreted_batch_ndims)
        if reinterpreted_batch_ndims < 0:
            raise ValueError("reinterpreted_batch_ndims must be non-negative (got "
                             f"{reinterpreted_batch_ndims})")
        if reinterpreted_batch_ndims > batch_rank:
            raise ValueError(f"reinterpreted_batch_ndims({reinterpreted_batch_ndims}) > "
                             f"distribution.batch_ndims({batch_rank})")
        self._distribution = distribution
        self._reinterpreted = reinterpreted_batch_ndims
        with get_default_graph().name_scope(name.replace("/", "_")) as scope:
            pass
        super().__init__(dtype=distribution.dtype,
                         reparameterization_type=distribution.reparameterization_type,
                         validate_args=validate_args,
                         allow_nan_stats=distribution.allow_nan_stats,
                         parameters=parameters, name=_scope_name(scope))

    distribution = property(lambda self: self._distribution)
    reinterpreted_batch_ndims = property(lambda self: self._reinterpreted)

    def _split(self):
        return _ndims(self._distribution.batch_shape, "batch") - self._reinterpreted

    def _batch_shape(self):
        return self._distribution.batch_shape[:self._split()]

    def _batch_shape_tensor(self):
        return self._distribution.batch_shape_tensor()[:self._split()]

    def _event_shape(self):
        moved = self._distribution.batch_shape[self._split():]
        return moved.concatenate(self._distribution.event_shape)

    def _event_shape_tensor(self):
        return array_ops.concat([self._distribution.batch_shape_tensor()[self._split():],
                                 self._distribution.event_shape_tensor()], 0)

    def _reduce(self, value):
        if self._reinterpreted == 0:
            return value
        return math_ops.reduce_sum(value, axis=list(range(-self._reinterpreted, 0)))

    def _sample_n(self, n, seed=None):
        return self._distribution.sample(n, seed=seed)

    def _log_prob(self, x):
        return self._reduce(self._distribution.log_prob(x))

    def _prob(self, x):
        value = self._distribution.prob(x)
        if self._reinterpreted == 0:
            return value
        return math_ops.reduce_prod(value, axis=list(range(-self._reinterpreted, 0)))

    def _log_cdf(self, x):
        return self._reduce(self._distribution.log_cdf(x))

    def _entropy(self):
        return self._reduce(self._distribution.entropy())

    def _mean(self):
        return self._distribution.mean()

    def _variance(self):
        return self._distribution.variance()

    def _stddev(self):
        return self._distribution.stddev()

    def _mode(self):
        return self._distribution.mode()


@RegisterKL(Independent, Independent)
def _kl_independent(a, b, name=None):
    """The base distributions' KL summed over the reinterpreted axes (TensorFlow's rule:
    equal event shapes required)."""
    p, q = a.distribution, b.distribution
    if a.event_shape.is_fully_defined() and b.event_shape.is_fully_defined():
        if a.event_shape != b.event_shape:
            raise ValueError("Event shapes do not match.")
        if p.event_shape != q.event_shape:
            raise NotImplementedError("KL between Independents with different event shapes "
                                      "not supported.")
        count = a.event_shape.ndims - p.event_shape.ndims
        value = kl_divergence(p, q, name=name or "kl_independent")
        if count == 0:
            return value
        return math_ops.reduce_sum(value, axis=[-i - 1 for i in range(count)])
    raise NotImplementedError("KL between Independents needs fully defined event shapes in "
                              "smallflow")

