"""``tf.linalg.LinearOperator`` and a small set of its subclasses: FullMatrix, Diag,
Identity, ScaledIdentity, LowerTriangular, Zeros, Composition, Adjoint, Inversion.

An operator stands for a (batch of) matrix without necessarily storing it. Every operator
can give its dense matrix (``to_dense``); the generic methods (``matmul``, ``solve``,
``determinant``, ...) go through it with the dense linear-algebra ops, and the structured
operators override what their structure makes cheap (a diagonal multiplies element-wise,
an identity returns its argument, a triangle solves by substitution). All results are
tensors built in the graph, so they have gradients wherever the ops under them do.
"""

import numpy as np

from .. import dtypes
from ..graph import convert_to_tensor, name_scope
from ..tensor_shape import TensorShape
from . import array_ops, math_ops
from .complex_ops import conj
from .linalg_ops import (
    cholesky,
    eye,
    matrix_band_part,
    matrix_determinant,
    matrix_diag,
    matrix_diag_part,
    matrix_inverse,
    matrix_solve,
    matrix_transpose,
    matrix_triangular_solve,
)

__all__ = [
    "LinearOperator", "LinearOperatorAdjoint", "LinearOperatorComposition",
    "LinearOperatorDiag", "LinearOperatorFullMatrix", "LinearOperatorIdentity",
    "LinearOperatorInversion", "LinearOperatorLowerTriangular",
    "LinearOperatorScaledIdentity", "LinearOperatorZeros",
]


def _adjoint(x):
    return matrix_transpose(x, conjugate=x.dtype.is_complex)


def _real_to_dtype(x, dtype):
    """A real result (a log-determinant) in the operator's dtype (complex ones included)."""
    return math_ops.cast(x, dtype) if x.dtype != dtype else x


def _combine_hint(operator, hint, given, message):
    """The operator's hint or the given one; a ValueError when they contradict."""
    own = getattr(operator, hint)
    if own is not None and given is not None and bool(own) != bool(given):
        raise ValueError(message)
    return own if given is None else given


class LinearOperator:
    """Base class: a linear map ``x -> A x`` with ``A`` of shape ``[..., M, N]``."""

    def __init__(self, dtype, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name=None):
        # TensorFlow's implications between the hints, and its errors when they conflict.
        if is_positive_definite:
            if is_non_singular is False:
                raise ValueError("A positive definite matrix is always non-singular.")
            is_non_singular = True
        if is_non_singular:
            if is_square is False:
                raise ValueError("A non-singular matrix is always square.")
            is_square = True
        if is_self_adjoint:
            if is_square is False:
                raise ValueError("A self-adjoint matrix is always square.")
            is_square = True
        self._dtype = dtypes.as_dtype(dtype)
        self._is_non_singular = is_non_singular
        self._is_self_adjoint = is_self_adjoint
        self._is_positive_definite = is_positive_definite
        self._is_square = is_square
        self._name = name or type(self).__name__

    # -- what a subclass provides ---------------------------------------------------------

    def _to_dense(self):
        raise NotImplementedError(f"{type(self).__name__} must define _to_dense")

    def _shape(self):
        return self.to_dense().shape

    # -- properties --------------------------------------------------------------------------

    @property
    def dtype(self):
        return self._dtype

    @property
    def name(self):
        return self._name

    @property
    def shape(self):
        return TensorShape(self._shape())

    @property
    def batch_shape(self):
        return self.shape[:-2]

    @property
    def tensor_rank(self):
        return self.shape.ndims

    @property
    def domain_dimension(self):
        return self.shape[-1]

    @property
    def range_dimension(self):
        return self.shape[-2]

    @property
    def is_non_singular(self):
        return self._is_non_singular

    @property
    def is_self_adjoint(self):
        return self._is_self_adjoint

    @property
    def is_positive_definite(self):
        return self._is_positive_definite

    @property
    def is_square(self):
        dims = self.shape
        rows, cols = (None, None) if dims.ndims is None else dims.as_list()[-2:]
        auto = None if rows is None or cols is None else rows == cols
        if auto and self._is_square is False:
            raise ValueError("User set is_square hint to False, but the operator was square.")
        return auto if self._is_square is None else self._is_square

    def shape_tensor(self, name="shape_tensor"):
        with name_scope(f"{self._name}/{name}"):
            if self.shape.is_fully_defined():
                return convert_to_tensor(np.array(self.shape.as_list(), np.int32))
            return self._shape_tensor()

    def _shape_tensor(self):
        return array_ops.shape(self.to_dense())

    def batch_shape_tensor(self, name="batch_shape_tensor"):
        """The batch dimensions as a run-time int32 vector."""
        with name_scope(f"{self._name}/{name}"):
            return self.shape_tensor()[:-2]

    def tensor_rank_tensor(self, name="tensor_rank_tensor"):
        with name_scope(f"{self._name}/{name}"):
            return array_ops.size(self.shape_tensor())

    def domain_dimension_tensor(self, name="domain_dimension_tensor"):
        """The number of columns (the domain's dimension) as a run-time scalar."""
        with name_scope(f"{self._name}/{name}"):
            return self.shape_tensor()[-1]

    def range_dimension_tensor(self, name="range_dimension_tensor"):
        """The number of rows (the range's dimension) as a run-time scalar."""
        with name_scope(f"{self._name}/{name}"):
            return self.shape_tensor()[-2]

    # -- properties checked at run time (TensorFlow's dense defaults) ----------------------------

    def _singular_values(self):
        from .linalg_extra_ops import svd

        return svd(self.to_dense(), compute_uv=False)

    def cond(self, name="cond"):
        """The condition number: largest over smallest singular value."""
        with name_scope(f"{self._name}/{name}"):
            values = self._singular_values()
            return math_ops.reduce_max(values, axis=-1) / math_ops.reduce_min(values, axis=-1)

    def eigvals(self, name="eigvals"):
        """The eigenvalues of a self-adjoint operator, ascending."""
        from .linalg_extra_ops import self_adjoint_eigvals

        if not self.is_self_adjoint:
            raise NotImplementedError("Only self-adjoint matrices are supported.")
        with name_scope(f"{self._name}/{name}"):
            return self_adjoint_eigvals(self.to_dense())

    def assert_non_singular(self, name="assert_non_singular"):
        """An op failing when the condition number reaches 1 / (max(100, rows, cols) *
        machine epsilon) (a Cholesky check for self-adjoint positive definite operators)."""
        from .debug_ops import assert_less

        with name_scope(f"{self._name}/{name}"):
            if self.is_self_adjoint and self.is_positive_definite:
                return self.assert_positive_definite()
            values = self._singular_values()
            ratio = math_ops.reduce_max(values, axis=-1) / math_ops.reduce_min(values, axis=-1)
            epsilon = np.finfo(self.dtype.as_numpy_dtype).eps
            size = math_ops.reduce_max(array_ops.stack([
                math_ops.cast(100.0, self.dtype),
                math_ops.cast(self.range_dimension_tensor(), self.dtype),
                math_ops.cast(self.domain_dimension_tensor(), self.dtype)]))
            return assert_less(ratio, 1.0 / (size * epsilon),
                               message="Singular matrix up to precision epsilon.")

    def assert_positive_definite(self, name="assert_positive_definite"):
        """An op failing unless the (self-adjoint) operator is positive definite."""
        from .debug_ops import assert_positive

        if not self.is_self_adjoint:
            raise NotImplementedError("assert_positive_definite is not implemented.")
        with name_scope(f"{self._name}/{name}"):
            return assert_positive(matrix_diag_part(cholesky(self.to_dense())),
                                   message="Matrix was not positive definite.")

    def assert_self_adjoint(self, name="assert_self_adjoint"):
        """An op failing unless the operator equals its adjoint."""
        from .debug_ops import assert_equal

        with name_scope(f"{self._name}/{name}"):
            dense = self.to_dense()
            return assert_equal(dense, _adjoint(dense),
                                message="Matrix was not equal to its adjoint.")

    # -- operations ----------------------------------------------------------------------------

    def to_dense(self, name="to_dense"):
        with name_scope(f"{self._name}/{name}"):
            return self._to_dense()

    def matmul(self, x, adjoint=False, adjoint_arg=False, name="matmul"):
        """``A @ x`` (``A^H`` with ``adjoint``, ``x^H`` with ``adjoint_arg``); ``x`` a
        tensor or another operator (then a Composition)."""
        if isinstance(x, LinearOperator):
            left = LinearOperatorAdjoint(self) if adjoint else self
            right = LinearOperatorAdjoint(x) if adjoint_arg else x
            return LinearOperatorComposition([left, right])
        with name_scope(f"{self._name}/{name}"):
            x = convert_to_tensor(x, dtype=self.dtype, name="x")
            return self._matmul(x, adjoint, adjoint_arg)

    def _matmul(self, x, adjoint, adjoint_arg):
        return math_ops.matmul(self.to_dense(), x, adjoint_a=adjoint, adjoint_b=adjoint_arg)

    def matvec(self, x, adjoint=False, name="matvec"):
        with name_scope(f"{self._name}/{name}"):
            x = convert_to_tensor(x, dtype=self.dtype, name="x")
            column = array_ops.expand_dims(x, -1)
            return array_ops.squeeze(self._matmul(column, adjoint, False), [-1])

    def solve(self, rhs, adjoint=False, adjoint_arg=False, name="solve"):
        """``X`` with ``A X = rhs`` (square, non-singular operators)."""
        if self.is_non_singular is False:
            raise NotImplementedError("Exact solve not implemented for an operator that is "
                                      "expected to be singular.")
        if self.is_square is False:
            raise NotImplementedError("Exact solve not implemented for an operator that is "
                                      "expected to not be square.")
        with name_scope(f"{self._name}/{name}"):
            rhs = convert_to_tensor(rhs, dtype=self.dtype, name="rhs")
            if adjoint_arg:
                rhs = _adjoint(rhs)
            return self._solve(rhs, adjoint)

    def _solve(self, rhs, adjoint):
        return matrix_solve(self.to_dense(), rhs, adjoint=adjoint)

    def solvevec(self, rhs, adjoint=False, name="solve"):
        with name_scope(f"{self._name}/{name}"):
            rhs = convert_to_tensor(rhs, dtype=self.dtype, name="rhs")
            column = array_ops.expand_dims(rhs, -1)
            return array_ops.squeeze(self.solve(column, adjoint=adjoint), [-1])

    def determinant(self, name="det"):
        if self.is_square is False:
            raise NotImplementedError("Determinant not implemented for an operator that is "
                                      "expected to not be square.")
        with name_scope(f"{self._name}/{name}"):
            return self._determinant()

    def _determinant(self):
        return matrix_determinant(self.to_dense())

    def log_abs_determinant(self, name="log_abs_det"):
        if self.is_square is False:
            raise NotImplementedError("Determinant not implemented for an operator that is "
                                      "expected to not be square.")
        with name_scope(f"{self._name}/{name}"):
            return self._log_abs_determinant()

    def _log_abs_determinant(self):
        if self.is_positive_definite and self.is_self_adjoint:
            chol = cholesky(self.to_dense())
            return 2.0 * math_ops.reduce_sum(math_ops.log(matrix_diag_part(chol)), -1)
        # TensorFlow's slogdet: the log-magnitude in the operator's dtype (complex included).
        return _real_to_dtype(math_ops.log(math_ops.abs(self._determinant())), self.dtype)

    def trace(self, name="trace"):
        with name_scope(f"{self._name}/{name}"):
            return self._trace()

    def _trace(self):
        return math_ops.reduce_sum(self.diag_part(), -1)

    def diag_part(self, name="diag_part"):
        with name_scope(f"{self._name}/{name}"):
            return self._diag_part()

    def _diag_part(self):
        return matrix_diag_part(self.to_dense())

    def add_to_tensor(self, mat, name="add_to_tensor"):
        """``A + mat`` (TensorFlow's argument name ``mat``)."""
        with name_scope(f"{self._name}/{name}"):
            return self.to_dense() + convert_to_tensor(mat, dtype=self.dtype, name="mat")

    def adjoint(self, name="adjoint"):
        if self.is_self_adjoint:
            return self
        return LinearOperatorAdjoint(self)

    H = property(lambda self: self.adjoint())

    def inverse(self, name="inverse"):
        if self.is_square is False:
            raise ValueError("Cannot take the Inverse: This operator represents a non square "
                             "matrix.")
        if self.is_non_singular is False:
            raise ValueError("Cannot take the Inverse: This operator represents a singular "
                             "matrix.")
        return LinearOperatorInversion(self)

    def cholesky(self, name="cholesky"):
        if not (self.is_positive_definite and self.is_self_adjoint):
            raise ValueError("Cholesky decomposition only makes sense on self-adjoint "
                             "positive definite operators")
        return LinearOperatorLowerTriangular(cholesky(self.to_dense()), is_non_singular=True)

    def __matmul__(self, other):
        return self.matmul(other)


class LinearOperatorFullMatrix(LinearOperator):
    """An operator holding its whole ``[..., M, N]`` matrix."""

    def __init__(self, matrix, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None,
                 name="LinearOperatorFullMatrix"):
        self._matrix = convert_to_tensor(matrix, name="matrix")
        if self._matrix.shape.ndims is not None and self._matrix.shape.ndims < 2:
            raise ValueError(f"matrix must have at least 2 dimensions, got "
                             f"{self._matrix.shape}")
        super().__init__(self._matrix.dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name)

    def _shape(self):
        return self._matrix.shape

    def _to_dense(self):
        return self._matrix


class LinearOperatorLowerTriangular(LinearOperatorFullMatrix):
    """The lower triangle of ``tril`` (the rest is ignored); solves by substitution and its
    determinant is the product of the diagonal."""

    def __init__(self, tril, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None,
                 name="LinearOperatorLowerTriangular"):
        if is_square is False:
            raise ValueError("Only square lower triangular operators supported at this time.")
        super().__init__(tril, is_non_singular, is_self_adjoint, is_positive_definite, True,
                         name)
        self._tril = matrix_band_part(self._matrix, -1, 0)

    def _to_dense(self):
        return self._tril

    def _solve(self, rhs, adjoint):
        return matrix_triangular_solve(self._tril, rhs, lower=True, adjoint=adjoint)

    def _determinant(self):
        return math_ops.reduce_prod(matrix_diag_part(self._tril), -1)

    def _log_abs_determinant(self):
        return math_ops.reduce_sum(math_ops.log(math_ops.abs(matrix_diag_part(self._tril))),
                                   -1)


class LinearOperatorDiag(LinearOperator):
    """The diagonal matrix with ``diag`` (``[..., N]``) on its diagonal."""

    def __init__(self, diag, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name="LinearOperatorDiag"):
        self._diag = convert_to_tensor(diag, name="diag")
        if self._diag.shape.ndims == 0:
            raise ValueError("diag must have at least 1 dimension")
        if is_square is False:
            raise ValueError("Only square diagonal operators currently supported.")
        if is_self_adjoint is None and not self._diag.dtype.is_complex:
            is_self_adjoint = True
        super().__init__(self._diag.dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, True, name)

    def _shape(self):
        dims = self._diag.shape
        return dims.concatenate(dims[-1:]) if dims.ndims is not None else TensorShape(None)

    def _to_dense(self):
        return matrix_diag(self._diag)

    def _matmul(self, x, adjoint, adjoint_arg):
        x = _adjoint(x) if adjoint_arg else x
        diag = conj(self._diag) if adjoint else self._diag
        return array_ops.expand_dims(diag, -1) * x

    def _solve(self, rhs, adjoint):
        diag = conj(self._diag) if adjoint else self._diag
        return rhs / array_ops.expand_dims(diag, -1)

    def _determinant(self):
        return math_ops.reduce_prod(self._diag, -1)

    def _log_abs_determinant(self):
        # complex diagonals give a complex result, as in TensorFlow
        return _real_to_dtype(math_ops.reduce_sum(math_ops.log(math_ops.abs(self._diag)), -1),
                              self.dtype)

    def _diag_part(self):
        return self._diag


class LinearOperatorScaledIdentity(LinearOperator):
    """``multiplier * I`` of size ``num_rows`` (``multiplier`` may be a batch)."""

    def __init__(self, num_rows, multiplier, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=True, assert_proper_shapes=False,
                 name="LinearOperatorScaledIdentity"):
        if is_square is False:
            raise ValueError("A ScaledIdentity operator is always square.")
        self._num_rows = int(num_rows)
        if self._num_rows < 0:
            raise ValueError(f"num_rows must be non-negative, got {num_rows}")
        self._multiplier = convert_to_tensor(multiplier, name="multiplier")
        super().__init__(self._multiplier.dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, True, name)

    @property
    def multiplier(self):
        return self._multiplier

    def _shape(self):
        return self._multiplier.shape.concatenate([self._num_rows, self._num_rows])

    def _scale(self):
        return array_ops.expand_dims(array_ops.expand_dims(self._multiplier, -1), -1)

    def _to_dense(self):
        return self._scale() * eye(self._num_rows, dtype=self.dtype)

    def _matmul(self, x, adjoint, adjoint_arg):
        x = _adjoint(x) if adjoint_arg else x
        return (conj(self._scale()) if adjoint else self._scale()) * x

    def _solve(self, rhs, adjoint):
        return rhs / (conj(self._scale()) if adjoint else self._scale())

    def _determinant(self):
        return math_ops.pow(self._multiplier, float(self._num_rows))

    def _log_abs_determinant(self):
        return float(self._num_rows) * math_ops.log(math_ops.abs(self._multiplier))

    def _diag_part(self):
        ones = array_ops.ones([self._num_rows], dtype=self.dtype)
        return array_ops.expand_dims(self._multiplier, -1) * ones


class LinearOperatorIdentity(LinearOperatorScaledIdentity):
    """The identity of size ``num_rows`` (optionally a ``batch_shape`` of them)."""

    def __init__(self, num_rows, batch_shape=None, dtype=None, is_non_singular=True,
                 is_self_adjoint=True, is_positive_definite=True, is_square=True,
                 assert_proper_shapes=False, name="LinearOperatorIdentity"):
        dtype = dtypes.as_dtype(dtype or dtypes.float32)
        shape = [] if batch_shape is None else [int(d) for d in batch_shape]
        ones = convert_to_tensor(np.ones(shape, dtype=dtype.as_numpy_dtype))
        super().__init__(num_rows, ones, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name=name)

    def _matmul(self, x, adjoint, adjoint_arg):
        x = _adjoint(x) if adjoint_arg else x
        if self.batch_shape.ndims:
            return self._scale() * x  # broadcast to the batch
        return x

    def _solve(self, rhs, adjoint):
        return self._matmul(rhs, adjoint, False)

    def _log_abs_determinant(self):
        return array_ops.zeros(self.batch_shape.as_list(), dtype=self.dtype)


class LinearOperatorZeros(LinearOperator):
    """The ``num_rows x num_columns`` zero matrix (singular)."""

    def __init__(self, num_rows, num_columns=None, batch_shape=None, dtype=None,
                 is_non_singular=False, is_self_adjoint=True, is_positive_definite=False,
                 is_square=True, assert_proper_shapes=False, name="LinearOperatorZeros"):
        if not is_self_adjoint and is_square:
            raise ValueError("A zero operator is always self adjoint.")
        if is_non_singular:
            raise ValueError("A zero operator is always singular.")
        if is_positive_definite:
            raise ValueError("A zero operator is always not positive-definite.")
        self._rows = int(num_rows)
        self._cols = self._rows if num_columns is None else int(num_columns)
        if self._rows < 0 or self._cols < 0:
            raise ValueError(f"num_rows and num_columns must be non-negative, got "
                             f"{self._rows} and {self._cols}")
        if is_square and self._rows != self._cols:
            raise ValueError(f"LinearOperatorZeros initialized as is_square=True, but got "
                             f"num_rows({self._rows}) != num_columns({self._cols})")
        self._batch = [] if batch_shape is None else [int(d) for d in batch_shape]
        super().__init__(dtype or dtypes.float32, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name)

    def add_to_tensor(self, mat, name="add_to_tensor"):
        with name_scope(f"{self._name}/{name}"):
            return convert_to_tensor(mat, dtype=self.dtype, name="mat")

    def _shape(self):
        return TensorShape([*self._batch, self._rows, self._cols])

    def _to_dense(self):
        return array_ops.zeros([*self._batch, self._rows, self._cols], dtype=self.dtype)

    def _matmul(self, x, adjoint, adjoint_arg):
        x = _adjoint(x) if adjoint_arg else x
        return math_ops.matmul(self._to_dense(), x, adjoint_a=adjoint)


class LinearOperatorComposition(LinearOperator):
    """The product ``A1 @ A2 @ ... @ An`` of operators, applied right to left."""

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name=None):
        self._operators = list(operators)
        if not self._operators:
            raise ValueError("Expected a non-empty list of operators.")
        dtype = self._operators[0].dtype
        if any(op.dtype != dtype for op in self._operators):
            raise TypeError("Expected all operators to have the same dtype.")
        if is_non_singular is None and all(op.is_non_singular for op in self._operators):
            is_non_singular = True
        name = name or "_o_".join(op.name for op in self._operators)
        super().__init__(dtype, is_non_singular, is_self_adjoint, is_positive_definite,
                         is_square, name)

    @property
    def operators(self):
        return self._operators

    def _shape(self):
        first = self._operators[0].shape
        last = self._operators[-1].shape
        return first[:-1].concatenate(last[-1:])

    def _to_dense(self):
        dense = self._operators[-1].to_dense()
        for op in reversed(self._operators[:-1]):
            dense = op.matmul(dense)
        return dense

    def _matmul(self, x, adjoint, adjoint_arg):
        x = _adjoint(x) if adjoint_arg else x
        order = self._operators if adjoint else list(reversed(self._operators))
        for op in order:
            x = op.matmul(x, adjoint=adjoint)
        return x

    def _solve(self, rhs, adjoint):
        order = list(reversed(self._operators)) if adjoint else self._operators
        for op in order:
            rhs = op.solve(rhs, adjoint=adjoint)
        return rhs

    def _determinant(self):
        result = self._operators[0].determinant()
        for op in self._operators[1:]:
            result = result * op.determinant()
        return result


class LinearOperatorAdjoint(LinearOperator):
    """The adjoint (conjugate transpose) of another operator."""

    def __init__(self, operator, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name=None):
        self._operator = operator
        hints = [_combine_hint(operator, hint, given,
                               f"An operator is {word} if and only if its adjoint is {word}.")
                 for hint, given, word in (
                     ("is_non_singular", is_non_singular, "non-singular"),
                     ("is_self_adjoint", is_self_adjoint, "self-adjoint"),
                     ("is_positive_definite", is_positive_definite, "positive-definite"),
                     ("is_square", is_square, "square"))]
        super().__init__(operator.dtype, *hints, name=name or operator.name + "_adjoint")

    @property
    def operator(self):
        return self._operator

    def _shape(self):
        dims = self._operator.shape
        return dims[:-2].concatenate([dims[-1], dims[-2]])

    def _to_dense(self):
        return _adjoint(self._operator.to_dense())

    def _matmul(self, x, adjoint, adjoint_arg):
        return self._operator.matmul(x, adjoint=not adjoint, adjoint_arg=adjoint_arg)

    def _solve(self, rhs, adjoint):
        return self._operator.solve(rhs, adjoint=not adjoint)

    def _determinant(self):
        return conj(self._operator.determinant())

    def _log_abs_determinant(self):
        return self._operator.log_abs_determinant()

    def _diag_part(self):
        return conj(self._operator.diag_part())

    def _trace(self):
        return conj(self._operator.trace())


class LinearOperatorInversion(LinearOperator):
    """The inverse of a (square, non-singular) operator."""

    def __init__(self, operator, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name=None):
        if operator.is_non_singular is False or is_non_singular is False:
            raise ValueError("operator and supplied hints must be non-singular")
        if operator.is_square is False or is_square is False:
            raise ValueError("operator and supplied hints must be square")
        self._operator = operator
        hints = [_combine_hint(operator, hint, given,
                               f"An operator is {word} if and only if its inverse is {word}.")
                 for hint, given, word in (
                     ("is_non_singular", is_non_singular, "non-singular"),
                     ("is_self_adjoint", is_self_adjoint, "self-adjoint"),
                     ("is_positive_definite", is_positive_definite, "positive-definite"),
                     ("is_square", is_square, "square"))]
        super().__init__(operator.dtype, *hints, name=name or operator.name + "_inv")

    @property
    def operator(self):
        return self._operator

    def _shape(self):
        return self._operator.shape

    def _to_dense(self):
        return matrix_inverse(self._operator.to_dense())

    def _matmul(self, x, adjoint, adjoint_arg):
        x = _adjoint(x) if adjoint_arg else x
        return self._operator.solve(x, adjoint=adjoint)

    def _solve(self, rhs, adjoint):
        return self._operator.matmul(rhs, adjoint=adjoint)

    def _determinant(self):
        return 1.0 / self._operator.determinant()

    def _log_abs_determinant(self):
        return -self._operator.log_abs_determinant()
