"""TensorFlow 1.15's multivariate normals over a linear-operator scale:
``MultivariateNormalLinearOperator`` (``loc + scale @ z``), ``MultivariateNormalTriL``
(a Cholesky factor), ``MultivariateNormalFullCovariance`` (its Cholesky is taken) and
``MultivariateNormalDiagWithSoftplusScale``, with the KL divergence TensorFlow registers
between any two of them (MultivariateNormalDiag included)."""

import math

from ..graph import convert_to_tensor, get_default_graph
from ..ops import array_ops, linalg_ops, math_ops, nn_ops, random_ops
from ..ops.linear_operator import (
    LinearOperatorDiag,
    LinearOperatorLowerTriangular,
)
from ..ops.math_extra_ops import broadcast_dynamic_shape, broadcast_static_shape
from ..tensor_shape import TensorShape
from .distribution import FULLY_REPARAMETERIZED, Distribution, same_float_dtype
from .kullback_leibler import RegisterKL
from .mvn_diag import MultivariateNormalDiag, standard_normal_log_prob

__all__ = ["MultivariateNormalDiagWithSoftplusScale", "MultivariateNormalFullCovariance",
           "MultivariateNormalLinearOperator", "MultivariateNormalTriL"]


def _scope_name(scope):
    return scope if scope.endswith("/") else scope + "/"


def _dense_scale(distribution):
    """A ``[..., k, k]`` lower-triangular (or diagonal) matrix for ``distribution``'s
    scale: a MultivariateNormalDiag's diagonal, or the operator's matrix."""
    if isinstance(distribution, MultivariateNormalDiag):
        return linalg_ops.matrix_diag(distribution.scale_diag)
    return distribution.scale.to_dense()


def _matvec(matrix, x):
    """``matrix @ x`` over the last axis, broadcasting the matrix's batch against x's."""
    return math_ops.reduce_sum(matrix * array_ops.expand_dims(x, -2), axis=-1)


def _solve_lower(tril, x):
    """``tril^-1 x`` over the last axis of ``x``, batches broadcast against each other."""
    column = array_ops.expand_dims(x, -1)
    tril = tril + array_ops.zeros_like(column)
    column = column + array_ops.zeros_like(tril[..., :1])
    return array_ops.squeeze(linalg_ops.matrix_triangular_solve(tril, column, lower=True),
                             [-1])


class MultivariateNormalLinearOperator(Distribution):
    """N(loc, scale scale^T): samples ``loc + scale @ z`` for standard normal ``z``; the
    ``scale`` a lower-triangular or diagonal ``tf.linalg.LinearOperator``."""

    def __init__(self, loc=None, scale=None, validate_args=False, allow_nan_stats=True,
                 name="MultivariateNormalLinearOperator"):
        parameters = dict(locals())
        if scale is None:
            raise ValueError("Missing required `scale` parameter.")
        if not scale.dtype.is_floating:
            raise TypeError(f"`scale` parameter must have floating-point dtype, got "
                            f"{scale.dtype.name}")
        with get_default_graph().name_scope(name) as scope:
            self._setup(loc, scale)
        super().__init__(dtype=self._scale.dtype,
                         reparameterization_type=FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._loc],
                         name=_scope_name(scope))

    def _setup(self, loc, scale):
        self._scale = scale
        self._tril = scale.to_dense()
        if loc is None:
            loc = array_ops.zeros_like(self._tril[..., 0])
        self._loc = convert_to_tensor(loc, name="loc", dtype=scale.dtype)
        same_float_dtype([self._loc, self._tril])

    loc = property(lambda self: self._loc)
    scale = property(lambda self: self._scale)

    def _batch_shape(self):
        return broadcast_static_shape(self._loc.shape[:-1], self._tril.shape[:-2])

    def _batch_shape_tensor(self):
        return broadcast_dynamic_shape(array_ops.shape(self._loc)[:-1],
                                       array_ops.shape(self._tril)[:-2])

    def _event_shape(self):
        return TensorShape([self._tril.shape[-1].merge_with(self._loc.shape[-1])
                            if self._loc.shape.ndims else self._tril.shape[-1]])

    def _event_shape_tensor(self):
        return array_ops.shape(self._tril)[-1:]

    def _sample_n(self, n, seed=None):
        shape = array_ops.concat([[n], self.batch_shape_tensor(), self.event_shape_tensor()],
                                 0)
        noise = random_ops.random_normal(shape, dtype=self.dtype, seed=seed)
        return _matvec(self._tril, noise) + self._loc

    def _log_prob(self, x):
        z = _solve_lower(self._tril, x - self._loc)
        return standard_normal_log_prob(z) - self._log_abs_det()

    def _log_abs_det(self):
        diag = linalg_ops.matrix_diag_part(self._tril)
        return math_ops.reduce_sum(math_ops.log(math_ops.abs(diag)), -1)

    def _entropy(self):
        size = math_ops.cast(array_ops.shape(self._tril)[-1], self.dtype)
        entropy = 0.5 * (1.0 + math.log(2.0 * math.pi)) * size + self._log_abs_det()
        return entropy * array_ops.ones(self.batch_shape_tensor(), dtype=self.dtype)

    def _ones_like_batch_event(self):
        shape = array_ops.concat([self.batch_shape_tensor(), self.event_shape_tensor()], 0)
        return array_ops.ones(shape, dtype=self.dtype)

    def _mean(self):
        return self._loc * self._ones_like_batch_event()

    def _mode(self):
        return self._mean()

    def _covariance(self):
        tril = self._tril
        covariance = math_ops.matmul(tril, tril, transpose_b=True)
        return covariance * array_ops.expand_dims(self._ones_like_batch_event(), -1)

    def _variance(self):
        row_sums = math_ops.reduce_sum(math_ops.square(self._tril), -1)
        return row_sums * self._ones_like_batch_event()

    def _stddev(self):
        return math_ops.sqrt(self._variance())


class MultivariateNormalTriL(MultivariateNormalLinearOperator):
    """N(loc, scale_tril scale_tril^T) for a lower-triangular ``scale_tril`` (its upper
    triangle is ignored)."""

    def __init__(self, loc=None, scale_tril=None, validate_args=False, allow_nan_stats=True,
                 name="MultivariateNormalTriL"):
        parameters = dict(locals())
        if loc is None and scale_tril is None:
            raise ValueError("Must specify one or both of `loc`, `scale_tril`.")
        with get_default_graph().name_scope(name) as scope:
            loc = None if loc is None else convert_to_tensor(loc, name="loc")
            if scale_tril is None:
                scale = LinearOperatorDiag(array_ops.ones_like(loc), is_non_singular=True)
                tril = scale.to_dense()
            else:
                tril = convert_to_tensor(scale_tril, name="scale_tril",
                                         dtype=None if loc is None else loc.dtype)
            scale = LinearOperatorLowerTriangular(tril, is_non_singular=True)
        super().__init__(loc=loc, scale=scale, validate_args=validate_args,
                         allow_nan_stats=allow_nan_stats, name=scope)
        self._parameters = parameters


class MultivariateNormalFullCovariance(MultivariateNormalTriL):
    """N(loc, covariance_matrix), through the Cholesky factor of the (symmetric positive
    definite) ``covariance_matrix``."""

    def __init__(self, loc=None, covariance_matrix=None, validate_args=False,
                 allow_nan_stats=True, name="MultivariateNormalFullCovariance"):
        parameters = dict(locals())
        if loc is None and covariance_matrix is None:
            raise ValueError("Must specify one or both of `loc`, `covariance_matrix`.")
        with get_default_graph().name_scope(name) as scope:
            loc = None if loc is None else convert_to_tensor(loc, name="loc")
            tril = None
            if covariance_matrix is not None:
                covariance = convert_to_tensor(covariance_matrix, name="covariance_matrix",
                                               dtype=None if loc is None else loc.dtype)
                tril = linalg_ops.cholesky(covariance)
        super().__init__(loc=loc, scale_tril=tril, validate_args=validate_args,
                         allow_nan_stats=allow_nan_stats, name=scope)
        self._parameters = parameters


class MultivariateNormalDiagWithSoftplusScale(MultivariateNormalDiag):
    """MultivariateNormalDiag with ``scale_diag = softplus(scale_diag)``."""

    def __init__(self, loc, scale_diag, validate_args=False, allow_nan_stats=True,
                 name="MultivariateNormalDiagWithSoftplusScale"):
        parameters = dict(locals())
        with get_default_graph().name_scope(name) as scope:
            super().__init__(loc=loc, scale_diag=nn_ops.softplus(scale_diag),
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             name=scope)
        self._parameters = parameters


def _kl_mvn(a, b, name=None):
    """KL(a || b) = 0.5 (tr(B^-1 A A^T B^-T) + |B^-1 (mu_b - mu_a)|^2 - k
    + 2 log|det B| - 2 log|det A|) for scales A and B."""
    with get_default_graph().name_scope(name or "kl_mvn"):
        scale_a = _dense_scale(a)
        scale_b = _dense_scale(b)
        size = math_ops.cast(array_ops.shape(scale_a)[-1], a.dtype)
        b_matrix = scale_b + array_ops.zeros_like(scale_a)
        a_matrix = scale_a + array_ops.zeros_like(scale_b)
        ratio = linalg_ops.matrix_triangular_solve(b_matrix, a_matrix, lower=True)
        trace = math_ops.reduce_sum(math_ops.square(ratio), axis=[-2, -1])
        mahalanobis = math_ops.reduce_sum(math_ops.square(_solve_lower(scale_b,
                                                                       b.loc - a.loc)), -1)
        log_det_a = math_ops.reduce_sum(math_ops.log(math_ops.abs(
            linalg_ops.matrix_diag_part(scale_a))), -1)
        log_det_b = math_ops.reduce_sum(math_ops.log(math_ops.abs(
            linalg_ops.matrix_diag_part(scale_b))), -1)
        return 0.5 * (trace + mahalanobis - size) + log_det_b - log_det_a


RegisterKL(MultivariateNormalLinearOperator, MultivariateNormalLinearOperator)(_kl_mvn)
RegisterKL(MultivariateNormalLinearOperator, MultivariateNormalDiag)(_kl_mvn)
RegisterKL(MultivariateNormalDiag, MultivariateNormalLinearOperator)(_kl_mvn)
