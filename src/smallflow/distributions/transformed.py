"""``tf.contrib.distributions.TransformedDistribution``: the distribution of
``bijector.forward(X)`` for X of ``distribution``, as in TensorFlow 1.15.

``log_prob(y) = distribution.log_prob(bijector.inverse(y)) +
bijector.inverse_log_det_jacobian(y, event_ndims)``. ``batch_shape``/``event_shape``
make a scalar base distribution a batch (or an event) of independent copies, the way
``TransformedDistribution(Normal(0., 1.), flow, event_shape=[d])`` programs build a flow's
base.
"""

import numpy as np

from .. import dtypes
from ..graph import convert_to_tensor, get_default_graph
from ..ops import array_ops, math_ops
from ..ops.common import constant_value
from ..tensor_shape import TensorShape
from .bijectors_basic import Identity
from .distribution import Distribution

__all__ = ["TransformedDistribution"]


def _static_override(shape, label):
    if shape is None:
        return None
    values = np.reshape(np.asarray(shape, dtype=np.int64), [-1])
    if np.any(values < 0):
        raise ValueError(f"{label} must have non-negative sizes (got {list(values)})")
    return [int(v) for v in values]


class TransformedDistribution(Distribution):
    """See the module's docstring."""

    def __init__(self, distribution, bijector=None, batch_shape=None, event_shape=None,
                 validate_args=False, name=None):
        parameters = dict(locals())
        bijector = bijector if bijector is not None else Identity(validate_args=validate_args)
        name = name or (bijector.name + distribution.name).replace("/", "_")
        self._distribution = distribution
        self._bijector = bijector
        self._batch_override = _static_override(batch_shape, "batch_shape")
        self._event_override = _static_override(event_shape, "event_shape")
        if self._batch_override is not None and distribution.batch_shape.ndims != 0:
            raise ValueError("Base distribution is not scalar (batch shape "
                             f"{distribution.batch_shape}): cannot override batch_shape.")
        if self._event_override is not None and distribution.event_shape.ndims != 0:
            raise ValueError("Base distribution is not scalar (event shape "
                             f"{distribution.event_shape}): cannot override event_shape.")
        with get_default_graph().name_scope(name) as scope:
            pass
        super().__init__(dtype=distribution.dtype,
                         reparameterization_type=distribution.reparameterization_type,
                         validate_args=validate_args,
                         allow_nan_stats=distribution.allow_nan_stats,
                         parameters=parameters, name=scope if scope.endswith("/")
                         else scope + "/")

    distribution = property(lambda self: self._distribution)
    bijector = property(lambda self: self._bijector)

    # -- shapes -----------------------------------------------------------------------------
    def _base_event_shape(self):
        if self._event_override is not None:
            return TensorShape(self._event_override)
        return self._distribution.event_shape

    def _batch_shape(self):
        if self._batch_override is not None:
            return TensorShape(self._batch_override)
        return self._distribution.batch_shape

    def _batch_shape_tensor(self):
        if self._batch_override is not None:
            return convert_to_tensor(self._batch_override, dtype=dtypes.int32)
        return self._distribution.batch_shape_tensor()

    def _event_shape(self):
        return self._bijector.forward_event_shape(self._base_event_shape())

    def _event_shape_tensor(self):
        if self._event_override is not None:
            base = convert_to_tensor(self._event_override, dtype=dtypes.int32)
        else:
            base = self._distribution.event_shape_tensor()
        return self._bijector.forward_event_shape_tensor(base)

    def _event_ndims(self):
        ndims = self.event_shape.ndims
        if ndims is None:
            raise ValueError("smallflow needs the transformed event's rank known when the "
                             "graph is built")
        return ndims

    def _extra_ndims(self):
        return len(self._event_override or [])

    # -- sampling ---------------------------------------------------------------------------
    def sample(self, sample_shape=(), seed=None, name="sample"):
        """``bijector.forward`` of the base's samples, returned as the bijector made them
        (so ``log_prob`` of a sample finds its source in the bijector's cache)."""
        with self._scope(name):
            if self._batch_override is None and self._event_override is None:
                return self._bijector.forward(self._distribution.sample(sample_shape,
                                                                        seed=seed))
            shape = convert_to_tensor(sample_shape, dtype=dtypes.int32, name="sample_shape")
            static = constant_value(shape)
            if static is None:
                raise ValueError("smallflow needs sample_shape known when the graph is built "
                                 "for a TransformedDistribution with shape overrides")
            static = [int(d) for d in np.reshape(static, [-1])]
            overrides = list(self._batch_override or []) + list(self._event_override or [])
            x = self._distribution.sample(static + overrides, seed=seed)
            base_batch = self._distribution.batch_shape.ndims or 0
            if self._batch_override is None and base_batch:
                # drawn as [sample, event..., batch...]: the event axes go last
                outer = len(static)
                event_rank = len(self._event_override)
                order = [*range(outer), *range(outer + event_rank,
                                               outer + event_rank + base_batch),
                         *range(outer, outer + event_rank)]
                x = array_ops.transpose(x, order)
            return self._bijector.forward(x)

    # -- densities --------------------------------------------------------------------------
    def _base_log_value(self, method, x):
        value = getattr(self._distribution, method)(x)
        extra = self._extra_ndims()
        if extra:
            if self._batch_override is None and self._distribution.batch_shape.ndims:
                raise NotImplementedError("smallflow: log_prob of an event_shape override "
                                          "over a batched base distribution")
            value = math_ops.reduce_sum(value, axis=list(range(-extra, 0)))
        return value

    def _log_prob(self, y):
        x = self._bijector.inverse(y)
        ildj = self._bijector.inverse_log_det_jacobian(y, event_ndims=self._event_ndims())
        log_prob = self._base_log_value("log_prob", x)
        return log_prob + math_ops.cast(ildj, log_prob.dtype)

    def _prob(self, y):
        return math_ops.exp(self._log_prob(y))

    def _scalar_only(self, method):
        if self._extra_ndims() or self._bijector.forward_min_event_ndims != 0 or \
                self.event_shape.ndims != 0:
            raise NotImplementedError(f"{method} is only implemented for scalar events and "
                                      "elementwise bijectors")

    def _cdf(self, y):
        self._scalar_only("cdf")
        return self._distribution.cdf(self._bijector.inverse(y))

    def _log_cdf(self, y):
        self._scalar_only("log_cdf")
        return self._distribution.log_cdf(self._bijector.inverse(y))

    def _survival_function(self, y):
        self._scalar_only("survival_function")
        return self._distribution.survival_function(self._bijector.inverse(y))

    def _log_survival_function(self, y):
        self._scalar_only("log_survival_function")
        return self._distribution.log_survival_function(self._bijector.inverse(y))

    def _quantile(self, p):
        self._scalar_only("quantile")
        return self._bijector.forward(self._distribution.quantile(p))

    def _entropy(self):
        if not self._bijector.is_constant_jacobian:
            raise NotImplementedError("entropy is not implemented when the bijector is not "
                                      "affine (its Jacobian is not constant)")
        entropy = self._distribution.entropy()
        if self._extra_ndims():
            entropy = entropy * float(np.prod(self._event_override))
        if self._batch_override is not None:
            entropy = entropy * array_ops.ones(self._batch_override, dtype=entropy.dtype)
        # A constant Jacobian: the log-det at any point (zeros of the base event's shape).
        shape = array_ops.concat([self.batch_shape_tensor(),
                                  self._base_event_shape_tensor()], 0)
        x = array_ops.zeros(shape, dtype=self.dtype)
        base_ndims = self._base_event_shape().ndims
        fldj = self._bijector.forward_log_det_jacobian(x, event_ndims=base_ndims)
        return entropy + fldj

    def _base_event_shape_tensor(self):
        if self._event_override is not None:
            return convert_to_tensor(self._event_override, dtype=dtypes.int32)
        return self._distribution.event_shape_tensor()
