"""``tf.contrib.distributions.MultivariateNormalDiag``: a normal over the last axis with a
diagonal covariance (``scale_diag**2``), the VAE posterior of TF1 programs."""

import math

from ..graph import convert_to_tensor, get_default_graph
from ..ops import array_ops, math_ops, random_ops
from ..ops.math_extra_ops import broadcast_dynamic_shape, broadcast_static_shape
from ..tensor_shape import TensorShape
from .distribution import FULLY_REPARAMETERIZED, Distribution, same_float_dtype
from .kullback_leibler import RegisterKL
from .normal import normal_kl

__all__ = ["MultivariateNormalDiag"]


def standard_normal_log_prob(z):
    """The standard normal's log density summed over the last axis, in TensorFlow 1.15's
    order of arithmetic (its multivariate normals are a standard normal pushed through an
    affine bijector: per-coordinate densities summed, then the log-determinant added), so
    a value agrees with TensorFlow's to the last bit."""
    return math_ops.reduce_sum(-0.5 * math_ops.square(z) - 0.5 * math.log(2.0 * math.pi), -1)


class MultivariateNormalDiag(Distribution):
    """N(loc, diag(scale_diag)**2) over vectors of the last axis; ``scale_identity_multiplier``
    (a scalar per batch member) multiplies the identity when ``scale_diag`` is None."""

    def __init__(self, loc=None, scale_diag=None, scale_identity_multiplier=None,
                 validate_args=False, allow_nan_stats=True, name="MultivariateNormalDiag"):
        parameters = dict(locals())
        if loc is None and scale_diag is None:
            raise ValueError("Must specify at least one of loc and scale_diag (the event "
                             "size comes from their last axis).")
        with get_default_graph().name_scope(name) as scope:
            tensors = []
            if loc is not None:
                loc = convert_to_tensor(loc, name="loc")
                tensors.append(loc)
            if scale_diag is not None:
                scale_diag = convert_to_tensor(scale_diag, name="scale_diag",
                                               dtype=loc.dtype if loc is not None else None)
                tensors.append(scale_diag)
            dtype = same_float_dtype(tensors)
            if scale_diag is None:
                scale_diag = array_ops.ones_like(loc)
            if scale_identity_multiplier is not None:
                multiplier = convert_to_tensor(scale_identity_multiplier, dtype=dtype,
                                               name="scale_identity_multiplier")
                scale_diag = scale_diag * array_ops.expand_dims(multiplier, -1)
            if loc is None:
                loc = array_ops.zeros_like(scale_diag)
            self._loc = array_ops.identity(loc, name="loc")
            self._scale_diag = array_ops.identity(scale_diag, name="scale_diag")
        super().__init__(dtype=dtype, reparameterization_type=FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._loc, self._scale_diag],
                         name=scope if scope.endswith("/") else scope + "/")

    loc = property(lambda self: self._loc)
    scale_diag = property(lambda self: self._scale_diag)

    @property
    def scale(self):
        """The scale as TensorFlow's ``LinearOperatorDiag``."""
        from ..ops.linear_operator import LinearOperatorDiag

        return LinearOperatorDiag(self._scale_diag, is_non_singular=True)

    def _batch_shape(self):
        return broadcast_static_shape(self._loc.shape[:-1], self._scale_diag.shape[:-1])

    def _batch_shape_tensor(self):
        return broadcast_dynamic_shape(array_ops.shape(self._loc)[:-1],
                                       array_ops.shape(self._scale_diag)[:-1])

    def _event_shape(self):
        size = self._loc.shape[-1].merge_with(self._scale_diag.shape[-1]) \
            if self._loc.shape.ndims and self._scale_diag.shape.ndims else None
        return TensorShape([size])

    def _event_shape_tensor(self):
        return array_ops.shape(self._loc)[-1:]

    def _sample_n(self, n, seed=None):
        shape = array_ops.concat([[n], self.batch_shape_tensor(), self.event_shape_tensor()],
                                 0)
        noise = random_ops.random_normal(shape, dtype=self.dtype, seed=seed)
        return noise * self._scale_diag + self._loc

    def _log_prob(self, x):
        z = (x - self._loc) / self._scale_diag
        return standard_normal_log_prob(z) - math_ops.reduce_sum(
            math_ops.log(math_ops.abs(self._scale_diag)), -1)

    def _entropy(self):
        size = math_ops.cast(array_ops.shape(self._scale_diag)[-1], self.dtype)
        entropy = (0.5 * (1.0 + math.log(2.0 * math.pi)) * size
                   + math_ops.reduce_sum(math_ops.log(math_ops.abs(self._scale_diag)), -1))
        return entropy * array_ops.ones(self.batch_shape_tensor(), dtype=self.dtype)

    def _mean(self):
        return self._loc * array_ops.ones_like(self._scale_diag)

    def _mode(self):
        return self._mean()

    def _stddev(self):
        return math_ops.abs(self._scale_diag) * array_ops.ones_like(self._loc)

    def _covariance(self):
        from ..ops.linalg_ops import matrix_diag

        return matrix_diag(math_ops.square(self._stddev()))


@RegisterKL(MultivariateNormalDiag, MultivariateNormalDiag)
def _kl_mvn_diag(a, b, name=None):
    """KL of two diagonal normals: the per-coordinate normal KLs summed over the event."""
    with get_default_graph().name_scope(name or "kl_mvn_diag"):
        return math_ops.reduce_sum(normal_kl(a.loc, a.scale_diag, b.loc, b.scale_diag), -1)
