"""More of TensorFlow 1.15's contrib bijectors: the matrix ones (FillTriangular,
TransformDiagonal, ScaleTriL, CholeskyOuterProduct, MatrixInverseTriL) and the scalar CDFs
and orderings (Ordered, Weibull, Kumaraswamy)."""

import math

import numpy as np

from ..graph import convert_to_tensor, name_scope
from ..ops import array_ops, linalg_ops, math_ops, sequence_ops, special_math_ops
from .bijector import Bijector
from .bijectors_basic import AffineScalar, Chain, Softplus
from .util import fill_triangular, fill_triangular_inverse

__all__ = ["CholeskyOuterProduct", "FillTriangular", "Kumaraswamy", "MatrixInverseTriL",
           "Ordered", "ScaleTriL", "TransformDiagonal", "Weibull"]


def _triangle_size(m):
    """``n`` with ``n (n + 1) / 2 == m``, or None."""
    n = int(math.sqrt(0.25 + 2.0 * m) - 0.5)
    return n if n * (n + 1) // 2 == m else None


class FillTriangular(Bijector):
    """A vector of ``n(n+1)/2`` entries to the ``n x n`` triangular matrix
    ``fill_triangular`` lays out (and back)."""

    def __init__(self, upper=False, validate_args=False, name="fill_triangular"):
        self._upper = upper
        super().__init__(forward_min_event_ndims=1, inverse_min_event_ndims=2,
                         is_constant_jacobian=True, validate_args=validate_args, name=name)

    def _forward(self, x):
        return fill_triangular(x, upper=self._upper)

    def _inverse(self, y):
        return fill_triangular_inverse(y, upper=self._upper)

    def _forward_log_det_jacobian(self, x):
        return array_ops.zeros_like(x[..., 0])

    def _inverse_log_det_jacobian(self, y):
        return array_ops.zeros_like(y[..., 0, 0])

    def _forward_event_shape(self, input_shape):
        m = input_shape[-1].value if input_shape.ndims else None
        n = None if m is None else _triangle_size(m)
        if m is not None and n is None:
            raise ValueError(f"Input right-most shape ({m}) does not correspond to a "
                             "triangular matrix.")
        return input_shape[:-1].concatenate([n, n])

    def _inverse_event_shape(self, output_shape):
        n = output_shape[-1].value if output_shape.ndims else None
        return output_shape[:-2].concatenate([None if n is None else n * (n + 1) // 2])


class TransformDiagonal(Bijector):
    """``diag_bijector`` applied to a matrix's diagonal, the rest unchanged."""

    def __init__(self, diag_bijector, validate_args=False, name=None):
        self._diag_bijector = diag_bijector
        super().__init__(forward_min_event_ndims=2, validate_args=validate_args,
                         name=name or "transform_diagonal")

    diag_bijector = property(lambda self: self._diag_bijector)

    def _forward(self, x):
        diag = self._diag_bijector.forward(linalg_ops.matrix_diag_part(x))
        return linalg_ops.matrix_set_diag(x, diag)

    def _inverse(self, y):
        diag = self._diag_bijector.inverse(linalg_ops.matrix_diag_part(y))
        return linalg_ops.matrix_set_diag(y, diag)

    def _forward_log_det_jacobian(self, x):
        return self._diag_bijector.forward_log_det_jacobian(linalg_ops.matrix_diag_part(x),
                                                            event_ndims=1)

    def _inverse_log_det_jacobian(self, y):
        return self._diag_bijector.inverse_log_det_jacobian(linalg_ops.matrix_diag_part(y),
                                                            event_ndims=1)


class ScaleTriL(Chain):
    """A vector to a lower-triangular matrix with a positive diagonal (a Cholesky factor):
    ``FillTriangular`` then ``diag_bijector`` (softplus by default) plus ``diag_shift`` on
    the diagonal."""

    def __init__(self, diag_bijector=None, diag_shift=1e-5, validate_args=False,
                 name="scale_tril"):
        diag = diag_bijector if diag_bijector is not None else Softplus(
            validate_args=validate_args)
        if diag_shift is not None:
            diag = Chain([AffineScalar(shift=diag_shift), diag])
        super().__init__([TransformDiagonal(diag_bijector=diag),
                          FillTriangular(validate_args=validate_args)],
                         validate_args=validate_args, name=name)


class CholeskyOuterProduct(Bijector):
    """``y = x x^T`` for a lower-triangular ``x`` with a positive diagonal; the inverse is
    the Cholesky factor."""

    def __init__(self, validate_args=False, name="cholesky_outer_product"):
        super().__init__(forward_min_event_ndims=2, validate_args=validate_args, name=name)

    def _forward(self, x):
        tril = linalg_ops.matrix_band_part(x, -1, 0)
        return math_ops.matmul(tril, tril, transpose_b=True)

    def _inverse(self, y):
        return linalg_ops.cholesky(y)

    def _forward_log_det_jacobian(self, x):
        # d(x x^T) over the lower triangle: 2^n prod_k x_kk^(n - k) (k from 0).
        n = x.shape[-1].value
        if n is None:
            raise ValueError("CholeskyOuterProduct needs the matrix size known statically")
        powers = array_ops.constant([float(n - k) for k in range(n)], dtype=x.dtype)
        log_diag = math_ops.log(math_ops.abs(linalg_ops.matrix_diag_part(x)))
        return n * math.log(2.0) + math_ops.reduce_sum(powers * log_diag, axis=-1)


class MatrixInverseTriL(Bijector):
    """``y = x^-1`` for a lower-triangular ``x`` (its own inverse)."""

    def __init__(self, validate_args=False, name="matrix_inverse_tril"):
        super().__init__(forward_min_event_ndims=2, validate_args=validate_args, name=name)

    def _invert(self, x):
        tril = linalg_ops.matrix_band_part(x, -1, 0)
        eye = array_ops.zeros_like(tril) + _eye_like(tril)
        return linalg_ops.matrix_triangular_solve(tril, eye, lower=True)

    def _forward(self, x):
        return self._invert(x)

    def _inverse(self, y):
        return self._invert(y)

    def _forward_log_det_jacobian(self, x):
        n = x.shape[-1].value
        if n is None:
            raise ValueError("MatrixInverseTriL needs the matrix size known statically")
        log_diag = math_ops.log(math_ops.abs(linalg_ops.matrix_diag_part(x)))
        return -(n + 1.0) * math_ops.reduce_sum(log_diag, axis=-1)


def _eye_like(matrix):
    n = matrix.shape[-1].value
    return np.eye(n).astype(matrix.dtype.as_numpy_dtype)


class Ordered(Bijector):
    """An increasing vector to an unconstrained one: ``y_0 = x_0``,
    ``y_i = log(x_i - x_(i-1))``."""

    def __init__(self, validate_args=False, name="ordered"):
        super().__init__(forward_min_event_ndims=1, validate_args=validate_args, name=name)

    def _forward(self, x):
        gaps = math_ops.log(x[..., 1:] - x[..., :-1])
        return array_ops.concat([x[..., :1], gaps], axis=-1)

    def _inverse(self, y):
        steps = array_ops.concat([y[..., :1], math_ops.exp(y[..., 1:])], axis=-1)
        return sequence_ops.cumsum(steps, axis=-1)

    def _inverse_log_det_jacobian(self, y):
        return math_ops.reduce_sum(y[..., 1:], axis=-1)

    def _forward_log_det_jacobian(self, x):
        return -math_ops.reduce_sum(math_ops.log(x[..., 1:] - x[..., :-1]), axis=-1)


class Weibull(Bijector):
    """The Weibull CDF: ``y = 1 - exp(-(x / scale)**concentration)`` on ``x >= 0``."""

    def __init__(self, scale=1.0, concentration=1.0, validate_args=False, name="weibull"):
        with name_scope(name):
            self._scale = convert_to_tensor(scale, name="scale")
            self._concentration = convert_to_tensor(concentration, name="concentration",
                                                    dtype=self._scale.dtype)
        super().__init__(graph_parents=[self._scale, self._concentration],
                         forward_min_event_ndims=0, validate_args=validate_args, name=name)

    scale = property(lambda self: self._scale)
    concentration = property(lambda self: self._concentration)

    def _forward(self, x):
        return -special_math_ops.expm1(-((x / self._scale) ** self._concentration))

    def _inverse(self, y):
        return self._scale * (-math_ops.log1p(-y)) ** (1.0 / self._concentration)

    def _inverse_log_det_jacobian(self, y):
        k = self._concentration
        return (-math_ops.log1p(-y) + (1.0 / k - 1.0) * math_ops.log(-math_ops.log1p(-y))
                + math_ops.log(self._scale / k))

    def _forward_log_det_jacobian(self, x):
        k = self._concentration
        z = x / self._scale
        return -z ** k + (k - 1.0) * math_ops.log(z) + math_ops.log(k / self._scale)


class Kumaraswamy(Bijector):
    """The Kumaraswamy distribution's inverse CDF on [0, 1]:
    ``y = (1 - (1 - x)**(1 / concentration0))**(1 / concentration1)``."""

    def __init__(self, concentration1=None, concentration0=None, validate_args=False,
                 name="kumaraswamy"):
        with name_scope(name):
            self._a = convert_to_tensor(1.0 if concentration1 is None else concentration1,
                                        name="concentration1")
            self._b = convert_to_tensor(1.0 if concentration0 is None else concentration0,
                                        name="concentration0", dtype=self._a.dtype)
        super().__init__(graph_parents=[self._a, self._b], forward_min_event_ndims=0,
                         validate_args=validate_args, name=name)

    concentration1 = property(lambda self: self._a)
    concentration0 = property(lambda self: self._b)

    def _forward(self, x):
        return (-special_math_ops.expm1(math_ops.log1p(-x) / self._b)) ** (1.0 / self._a)

    def _inverse(self, y):
        return -special_math_ops.expm1(self._b * math_ops.log1p(-(y ** self._a)))

    def _inverse_log_det_jacobian(self, y):
        a, b = self._a, self._b
        return (math_ops.log(a) + math_ops.log(b) + (a - 1.0) * math_ops.log(y)
                + (b - 1.0) * math_ops.log1p(-(y ** a)))

