"""``tf.distributions.Bernoulli`` (``logits`` or ``probs``; samples of ``dtype``, int32 by
default) and ``tf.distributions.Categorical`` (over the last axis of ``logits``/``probs``)."""

from .. import dtypes
from ..graph import convert_to_tensor, get_default_graph
from ..ops import array_ops, math_ops, nn_ops, random_ops
from ..ops.math_extra_ops import broadcast_dynamic_shape
from ..ops.random_extra_ops import multinomial
from .distribution import NOT_REPARAMETERIZED, Distribution
from .kullback_leibler import RegisterKL

__all__ = ["Bernoulli", "Categorical"]


def _logits_and_probs(logits, probs, multidimensional, dtype=None):
    """Both parametrizations from the one given (TensorFlow's get_logits_and_probs)."""
    if (logits is None) == (probs is None):
        raise ValueError("Must pass probs or logits, but not both.")
    if probs is None:
        logits = convert_to_tensor(logits, name="logits", dtype=dtype)
        if not logits.dtype.is_floating:
            raise TypeError("logits must having floating type.")
        with get_default_graph().name_scope("probs"):
            probs = nn_ops.softmax(logits) if multidimensional else math_ops.sigmoid(logits)
        return logits, probs
    probs = convert_to_tensor(probs, name="probs", dtype=dtype)
    if not probs.dtype.is_floating:
        raise TypeError("probs must having floating type.")
    with get_default_graph().name_scope("logits"):
        if multidimensional:
            return math_ops.log(probs), probs
        return math_ops.log(probs) - math_ops.log1p(-1.0 * probs), probs


class Bernoulli(Distribution):
    """P(1) = probs = sigmoid(logits)."""

    def __init__(self, logits=None, probs=None, dtype=dtypes.int32, validate_args=False,
                 allow_nan_stats=True, name="Bernoulli"):
        parameters = dict(locals())
        with get_default_graph().name_scope(name) as scope:
            self._logits, self._probs = _logits_and_probs(logits, probs, False)
        super().__init__(dtype=dtypes.as_dtype(dtype),
                         reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._logits, self._probs],
                         name=scope if scope.endswith("/") else scope + "/")

    logits = property(lambda self: self._logits)
    probs = property(lambda self: self._probs)

    def _batch_shape(self):
        return self._logits.shape

    def _batch_shape_tensor(self):
        return array_ops.shape(self._logits)

    def _value(self, value):
        return convert_to_tensor(value, name="value")

    def _sample_n(self, n, seed=None):
        shape = array_ops.concat([[n], self.batch_shape_tensor()], 0)
        uniform = random_ops.random_uniform(shape, seed=seed, dtype=self._probs.dtype)
        return math_ops.cast(math_ops.less(uniform, self._probs), self.dtype)

    def _log_prob(self, event):
        event = math_ops.cast(event, self._logits.dtype)
        logits = self._logits
        # Broadcast the event and the logits against each other, as TensorFlow does.
        if not (event.shape.is_fully_defined() and logits.shape.is_fully_defined()
                and event.shape == logits.shape):
            logits = array_ops.ones_like(event) * logits
            event = array_ops.ones_like(logits) * event
        return -nn_ops.sigmoid_cross_entropy_with_logits(labels=event, logits=logits)

    def _entropy(self):
        return (-self._logits * (math_ops.sigmoid(self._logits) - 1.0)
                + nn_ops.softplus(-self._logits))

    def _mean(self):
        return array_ops.identity(self._probs)

    def _variance(self):
        return self._mean() * (1.0 - self._probs)

    def _mode(self):
        return math_ops.cast(math_ops.greater(self._probs, 0.5), self.dtype)


@RegisterKL(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(a, b, name=None):
    with get_default_graph().name_scope(name or "kl_bernoulli_bernoulli"):
        delta_probs0 = nn_ops.softplus(-b.logits) - nn_ops.softplus(-a.logits)
        delta_probs1 = nn_ops.softplus(b.logits) - nn_ops.softplus(a.logits)
        return (math_ops.sigmoid(a.logits) * delta_probs0
                + math_ops.sigmoid(-a.logits) * delta_probs1)


class Categorical(Distribution):
    """One of ``event_size`` classes: P(k) = softmax(logits)[..., k]."""

    def __init__(self, logits=None, probs=None, dtype=dtypes.int32, validate_args=False,
                 allow_nan_stats=True, name="Categorical"):
        parameters = dict(locals())
        with get_default_graph().name_scope(name) as scope:
            self._logits, self._probs = _logits_and_probs(logits, probs, True)
            rank = self._logits.shape.ndims
            if rank is not None and rank < 1:
                raise ValueError("logits must have rank at least 1 (the classes' axis)")
            size = self._logits.shape.as_list()[-1] if rank else None
            self._event_size = (convert_to_tensor(size, dtype=dtypes.int32, name="event_size")
                                if size is not None else
                                array_ops.shape(self._logits)[-1])
        super().__init__(dtype=dtypes.as_dtype(dtype),
                         reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._logits, self._probs],
                         name=scope if scope.endswith("/") else scope + "/")

    logits = property(lambda self: self._logits)
    probs = property(lambda self: self._probs)
    event_size = property(lambda self: self._event_size)

    def _batch_shape(self):
        return self._logits.shape[:-1]

    def _batch_shape_tensor(self):
        return array_ops.shape(self._logits)[:-1]

    def _value(self, value):
        return convert_to_tensor(value, name="value")

    def _sample_n(self, n, seed=None):
        logits_2d = array_ops.reshape(self._logits, [-1, self._event_size]) \
            if self._logits.shape.ndims != 2 else self._logits
        sample_dtype = dtypes.int64 if self.dtype.size > 4 else dtypes.int32
        draws = multinomial(logits_2d, n, seed=seed, output_dtype=sample_dtype)
        draws = array_ops.reshape(array_ops.transpose(draws),
                                  array_ops.concat([[n], self.batch_shape_tensor()], 0))
        return math_ops.cast(draws, self.dtype)

    def _log_prob(self, k):
        k = convert_to_tensor(k, name="k")
        if self._validate_args:
            k = math_ops.cast(k, dtypes.int32)
        logits = self._logits
        if k.shape.ndims is not None and logits.shape.ndims is not None and \
                k.shape.is_fully_defined() and logits.shape[:-1].is_fully_defined() and \
                k.shape == logits.shape[:-1]:
            labels = k
        else:
            shape = broadcast_dynamic_shape(array_ops.shape(k),
                                            array_ops.shape(logits)[:-1])
            labels = k * array_ops.ones(shape, dtype=k.dtype)
            logits = logits * array_ops.ones(array_ops.concat(
                [shape, array_ops.reshape(self._event_size, [1])], 0), dtype=logits.dtype)
        return -nn_ops.sparse_softmax_cross_entropy_with_logits(
            labels=math_ops.cast(labels, dtypes.int32), logits=logits)

    def _entropy(self):
        return -math_ops.reduce_sum(nn_ops.log_softmax(self._logits) * self._probs, axis=-1)

    def _mode(self):
        return math_ops.cast(math_ops.argmax(self._logits, axis=-1), self.dtype)


@RegisterKL(Categorical, Categorical)
def _kl_categorical_categorical(a, b, name=None):
    with get_default_graph().name_scope(name or "kl_categorical_categorical"):
        delta_log_probs = nn_ops.log_softmax(a.logits) - nn_ops.log_softmax(b.logits)
        return math_ops.reduce_sum(nn_ops.softmax(a.logits) * delta_log_probs, axis=-1)
