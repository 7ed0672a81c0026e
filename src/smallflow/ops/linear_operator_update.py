"""Operators that are a simple change of another one or of the identity:
``LinearOperatorLowRankUpdate`` (``L + U D V^H``), ``LinearOperatorHouseholder`` (a
reflection), ``LinearOperatorPermutation`` and ``LinearOperatorTridiag``.

A low-rank update solves with the Woodbury identity and takes its determinant with the
matrix determinant lemma, so only the small ``K x K`` "capacitance" matrix
``D^-1 + V^H L^-1 U`` is factored; a reflection is its own inverse with determinant -1.
"""

import numpy as np

from .. import dtypes
from ..graph import convert_to_tensor
from . import array_ops, math_ops
from .complex_ops import conj
from .linalg_ops import matrix_determinant, matrix_diag, matrix_solve
from .linear_operator import (
    LinearOperator,
    LinearOperatorDiag,
    LinearOperatorIdentity,
    _adjoint,
)
from .linear_operator_block import static_batch_shape

__all__ = ["LinearOperatorHouseholder", "LinearOperatorLowRankUpdate",
           "LinearOperatorPermutation", "LinearOperatorTridiag"]


def _matmul(a, b, adjoint_a=False):
    return math_ops.matmul(a, b, adjoint_a=adjoint_a)


class LinearOperatorLowRankUpdate(LinearOperator):
    """``A = L + U D V^H``: ``base_operator`` ``L`` (``[..., M, M]``), ``u`` and ``v``
    (``[..., M, K]``, ``v`` defaulting to ``u``) and the diagonal ``diag_update``
    (``[..., K]``, defaulting to the identity)."""

    def __init__(self, base_operator, u, diag_update=None, v=None,
                 is_diag_update_positive=None, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name="LinearOperatorLowRankUpdate"):
        dtype = base_operator.dtype
        if diag_update is None:
            if is_diag_update_positive is False:
                raise ValueError("Default diagonal is the identity, which is positive.  "
                                 "However, user set 'is_diag_update_positive' to False.")
            is_diag_update_positive = True
        use_cholesky = bool(base_operator.is_positive_definite and
                            base_operator.is_self_adjoint and is_diag_update_positive and
                            v is None)
        if base_operator.is_self_adjoint and v is None and not dtype.is_complex:
            if is_self_adjoint is False:
                raise ValueError("A = L + UDU^H, with L self-adjoint and D real diagonal.  "
                                 "Since UDU^H is self-adjoint, this must be a self-adjoint "
                                 "operator.")
            is_self_adjoint = True
        if use_cholesky:
            if (is_positive_definite is False or is_self_adjoint is False
                    or is_non_singular is False):
                raise ValueError("Arguments imply this is self-adjoint positive-definite "
                                 "operator.")
            is_positive_definite = True
            is_self_adjoint = True
        self._base_operator = base_operator
        self._u = convert_to_tensor(u, dtype=dtype, name="u")
        self._v = self._u if v is None else convert_to_tensor(v, dtype=dtype, name="v")
        self._diag_update = (None if diag_update is None else
                             convert_to_tensor(diag_update, dtype=dtype, name="diag_update"))
        self._is_diag_update_positive = is_diag_update_positive
        for arg_name, arg in (("u", self._u), ("v", self._v)):
            if arg.shape.ndims is not None and arg.shape.ndims < 2:
                raise ValueError(f"Argument {arg_name} must have at least 2 dimensions, got "
                                 f"shape {arg.shape}")
        rank = self._u.shape[-1].value
        if self._diag_update is not None:
            if self._diag_update.shape.ndims == 0:
                raise ValueError("Argument diag_update must have at least 1 dimension")
            k = self._diag_update.shape[-1].value
            if rank is not None and k is not None and k != rank:
                raise ValueError(f"diag_update's last dimension ({k}) must be u's last "
                                 f"dimension ({rank})")
        self._rank = rank
        super().__init__(dtype, is_non_singular, is_self_adjoint, is_positive_definite,
                         is_square, name)

    @property
    def base_operator(self):
        return self._base_operator

    @property
    def u(self):
        return self._u

    @property
    def v(self):
        return self._v

    @property
    def diag_update(self):
        return self._diag_update

    @property
    def is_diag_update_positive(self):
        return self._is_diag_update_positive

    @property
    def diag_operator(self):
        if self._diag_update is None:
            return LinearOperatorIdentity(self._rank, dtype=self.dtype)
        return LinearOperatorDiag(self._diag_update,
                                  is_positive_definite=self._is_diag_update_positive)

    def _shape(self):
        base = self._base_operator.shape
        batch = static_batch_shape([base[:-2], self._u.shape[:-2], self._v.shape[:-2]] + (
            [] if self._diag_update is None else [self._diag_update.shape[:-1]]))
        return batch.concatenate(base[-2:])

    def _scaled(self, x, adjoint=False):
        """``D x`` (``D^H x`` with adjoint) for ``x`` of shape ``[..., K, R]``."""
        if self._diag_update is None:
            return x
        diag = conj(self._diag_update) if adjoint else self._diag_update
        return array_ops.expand_dims(diag, -1) * x

    def _to_dense(self):
        update = _matmul(self._u, self._scaled(_adjoint(self._v)))
        return self._base_operator.to_dense() + update

    def _matmul(self, x, adjoint, adjoint_arg):
        x = _adjoint(x) if adjoint_arg else x
        left, right = (self._v, self._u) if adjoint else (self._u, self._v)
        low_rank = _matmul(left, self._scaled(_matmul(right, x, adjoint_a=True), adjoint))
        return self._base_operator.matmul(x, adjoint=adjoint) + low_rank

    def _capacitance(self, adjoint=False):
        """``D^-1 + V^H L^-1 U`` (its adjoint's factors with ``adjoint``)."""
        left, right = (self._u, self._v) if adjoint else (self._v, self._u)
        inner = _matmul(left, self._base_operator.solve(right, adjoint=adjoint),
                        adjoint_a=True)
        if self._diag_update is None:
            return inner + _eye(self._rank, self.dtype)
        diag = conj(self._diag_update) if adjoint else self._diag_update
        return inner + matrix_diag(1.0 / diag)

    def _solve(self, rhs, adjoint):
        # Woodbury: A^-1 = L^-1 - L^-1 U C^-1 V^H L^-1 (U and V swapped for A^H).
        left, right = (self._v, self._u) if adjoint else (self._u, self._v)
        base_rhs = self._base_operator.solve(rhs, adjoint=adjoint)
        small = matrix_solve(self._capacitance(adjoint),
                             _matmul(right, base_rhs, adjoint_a=True))
        return base_rhs - self._base_operator.solve(_matmul(left, small), adjoint=adjoint)

    def _diag_determinant(self):
        if self._diag_update is None:
            return None
        return math_ops.reduce_prod(self._diag_update, -1)

    def _determinant(self):
        # The matrix determinant lemma: det(L + U D V^H) = det(C) det(D) det(L).
        result = self._base_operator.determinant() * matrix_determinant(self._capacitance())
        diag = self._diag_determinant()
        return result if diag is None else result * diag

    def _log_abs_determinant(self):
        capacitance = math_ops.log(math_ops.abs(matrix_determinant(self._capacitance())))
        if self.dtype.is_complex:
            capacitance = math_ops.cast(capacitance, self.dtype)
        result = capacitance + self._base_operator.log_abs_determinant()
        return result + self.diag_operator.log_abs_determinant()

    def _diag_part(self):
        scale = 1.0 if self._diag_update is None else array_ops.expand_dims(
            self._diag_update, -2)
        return self._base_operator.diag_part() + math_ops.reduce_sum(
            self._u * scale * conj(self._v), -1)


def _eye(size, dtype):
    from .linalg_ops import eye

    return eye(size, dtype=dtype)


class LinearOperatorHouseholder(LinearOperator):
    """The reflection ``I - 2 v v^H / (v^H v)`` about the hyperplane orthogonal to
    ``reflection_axis`` ``v`` (``[..., N]``)."""

    def __init__(self, reflection_axis, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name="LinearOperatorHouseholder"):
        self._axis = convert_to_tensor(reflection_axis, name="reflection_axis")
        if self._axis.shape.ndims is not None and self._axis.shape.ndims < 1:
            raise ValueError(f"Argument reflection_axis must have at least 1 dimension.  "
                             f"Found: {self._axis}")
        if is_self_adjoint is False:
            raise ValueError("A Householder operator is always self adjoint.")
        if is_positive_definite is True:
            raise ValueError("A Householder operator is always non-positive definite.")
        if is_square is False:
            raise ValueError("A Householder operator is always square.")
        super().__init__(self._axis.dtype, is_non_singular, True, False, True, name)

    @property
    def reflection_axis(self):
        return self._axis

    def _shape(self):
        dims = self._axis.shape
        return dims.concatenate(dims[-1:])

    def _unit(self):
        norm_sq = math_ops.reduce_sum(real_abs_sq(self._axis), -1, keepdims=True)
        return self._axis / math_ops.cast(math_ops.sqrt(norm_sq), self.dtype)

    def _matmul(self, x, adjoint, adjoint_arg):
        x = _adjoint(x) if adjoint_arg else x
        unit = array_ops.expand_dims(self._unit(), -1)  # [..., N, 1]
        return x - 2.0 * unit * _matmul(unit, x, adjoint_a=True)

    def _to_dense(self):
        unit = array_ops.expand_dims(self._unit(), -1)
        return _eye(self.shape[-1].value, self.dtype) - 2.0 * math_ops.matmul(
            unit, unit, adjoint_b=True)

    def _solve(self, rhs, adjoint):
        return self._matmul(rhs, adjoint, False)

    def _determinant(self):
        return -array_ops.ones(self.batch_shape_tensor(), dtype=self.dtype)

    def _log_abs_determinant(self):
        return array_ops.zeros(self.batch_shape_tensor(), dtype=self.dtype)

    def _diag_part(self):
        return 1.0 - 2.0 * math_ops.cast(real_abs_sq(self._unit()), self.dtype)

    def _trace(self):
        size = math_ops.cast(float(self.shape[-1].value), self.dtype)
        return (size - 2.0) * array_ops.ones(self.batch_shape_tensor(), dtype=self.dtype)

    def _singular_values(self):
        return array_ops.ones(self.shape_tensor()[:-1], dtype=self.dtype.real_dtype)

    def adjoint(self, name="adjoint"):
        return self

    def inverse(self, name="inverse"):
        return self


def real_abs_sq(x):
    """``|x|^2`` as a real tensor."""
    if x.dtype.is_complex:
        from .complex_ops import imag, real

        return real(x) * real(x) + imag(x) * imag(x)
    return x * x


class LinearOperatorPermutation(LinearOperator):
    """The permutation matrix with row ``i`` the ``perm[i]``-th unit vector, so
    ``(A x)[i] = x[perm[i]]``."""

    def __init__(self, perm, dtype=dtypes.float32, is_non_singular=None,
                 is_self_adjoint=None, is_positive_definite=None, is_square=None,
                 name="LinearOperatorPermutation"):
        self._perm = convert_to_tensor(perm, name="perm")
        if self._perm.shape.ndims is not None and self._perm.shape.ndims < 1:
            raise ValueError(f"Argument perm must have at least 1 dimension.  Found: "
                             f"{self._perm}")
        if not self._perm.dtype.is_integer:
            raise TypeError(f"Argument perm must be integer dtype.  Found: {self._perm}")
        if self._perm.shape[-1].value is None:
            raise ValueError("Argument perm must have a statically known last dimension")
        if is_non_singular is False:
            raise ValueError("A Permutation operator is always non-singular.")
        if is_square is False:
            raise ValueError("A Permutation operator is always square.")
        super().__init__(dtype, is_non_singular, is_self_adjoint, is_positive_definite, True,
                         name)

    @property
    def perm(self):
        return self._perm

    def _shape(self):
        dims = self._perm.shape
        return dims.concatenate(dims[-1:])

    def _to_dense(self):
        return array_ops.one_hot(self._perm, self._perm.shape[-1].value, dtype=self.dtype)

    def _solve(self, rhs, adjoint):
        return self._matmul(rhs, not adjoint, False)

    def _determinant(self):
        return matrix_determinant(self._to_dense())

    def _log_abs_determinant(self):
        return array_ops.zeros(array_ops.shape(self._perm)[:-1], dtype=self.dtype)

    def _diag_part(self):
        size = self._perm.shape[-1].value
        fixed = math_ops.equal(self._perm, math_ops.cast(np.arange(size), self._perm.dtype))
        return math_ops.cast(fixed, self.dtype)


class LinearOperatorTridiag(LinearOperator):
    """A tridiagonal matrix from its three diagonals, in the ``compact`` (``[..., 3, N]``:
    super-, main and sub-diagonal, the super's last and the sub's first entries unused),
    ``sequence`` (a list of the three) or ``matrix`` (``[..., N, N]``) format."""

    def __init__(self, diagonals, diagonals_format="compact", is_non_singular=None,
                 is_self_adjoint=None, is_positive_definite=None, is_square=None,
                 name="LinearOperatorTridiag"):
        if diagonals_format not in ("compact", "matrix", "sequence"):
            raise ValueError(f"Diagonals Format must be one of compact, matrix, sequence, "
                             f"got: {diagonals_format}")
        if diagonals_format == "sequence":
            parts = [convert_to_tensor(d, name="diagonals") for d in diagonals]
            dtype = parts[0].dtype
            self._parts = [math_ops.cast(p, dtype) for p in parts]
            self._diagonals = self._parts
        else:
            self._diagonals = convert_to_tensor(diagonals, name="diagonals")
            dtype = self._diagonals.dtype
        self._format = diagonals_format
        if is_square is False:
            raise ValueError("A tridiagonal operator is always square.")
        super().__init__(dtype, is_non_singular, is_self_adjoint, is_positive_definite,
                         True, name)

    @property
    def diagonals(self):
        return self._diagonals

    @property
    def diagonals_format(self):
        return self._format

    def _shape(self):
        if self._format == "matrix":
            return self._diagonals.shape
        if self._format == "compact":
            dims = self._diagonals.shape
            return dims[:-2].concatenate([dims[-1], dims[-1]])
        batch = static_batch_shape([p.shape[:-1] for p in self._parts])
        size = self._parts[1].shape[-1]
        return batch.concatenate([size, size])

    def _to_dense(self):
        if self._format == "matrix":
            return self._diagonals  # taken as it is, as TensorFlow does
        if self._format == "compact":
            sup, main, sub = (self._diagonals[..., i, :] for i in range(3))
        else:
            sup, main, sub = self._parts
        size = self.shape[-1].value
        if size is None:
            raise ValueError("LinearOperatorTridiag needs a statically known size")
        upper = np.eye(size, k=1, dtype=np.float64)
        lower = np.eye(size, k=-1, dtype=np.float64)
        cast = self.dtype.as_numpy_dtype
        # row i of the super-diagonal part holds sup[i] at column i + 1, of the sub-diagonal
        # part sub[i] at column i - 1.
        return (matrix_diag(main) + array_ops.expand_dims(sup, -1) * upper.astype(cast)
                + array_ops.expand_dims(sub, -1) * lower.astype(cast))


    def _banded(self):
        from .linalg_ops import matrix_band_part

        dense = self._to_dense()
        return matrix_band_part(dense, 1, 1) if self._format == "matrix" else dense

    def _matmul(self, x, adjoint, adjoint_arg):
        # the ``matrix`` format's entries off the three diagonals take no part
        x = _adjoint(x) if adjoint_arg else x
        return math_ops.matmul(self._banded(), x, adjoint_a=adjoint)

    def _solve(self, rhs, adjoint):
        return matrix_solve(self._banded(), rhs, adjoint=adjoint)
