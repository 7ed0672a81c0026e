"""Operators built from other operators: ``LinearOperatorKronecker`` (the Kronecker product),
``LinearOperatorBlockDiag`` (the direct sum) and ``LinearOperatorBlockLowerTriangular``.

The factors' batch shapes broadcast against each other. Each structure computes what it
makes cheap from its factors (a Kronecker determinant from the factors' determinants, a
block-diagonal solve block by block, a block-triangular solve by forward substitution);
the dense matrix is assembled from the factors' dense matrices when asked for.
"""

import numpy as np

from ..tensor_shape import Dimension, TensorShape
from . import array_ops, math_ops
from .linear_operator import LinearOperator, _adjoint

__all__ = ["LinearOperatorBlockDiag", "LinearOperatorBlockLowerTriangular",
           "LinearOperatorKronecker"]


# -- helpers shared with the other structured-operator modules ---------------------------------

def _broadcast_dim(a, b):
    if a == 1 or a is None and b not in (None, 1):
        return b
    if b == 1 or b is None or a == b:
        return a
    raise ValueError(f"Incompatible batch dimensions {a} and {b}")


def static_batch_shape(shapes):
    """The broadcast of several static batch shapes (``TensorShape``), or a ValueError."""
    dims = []
    for shape in shapes:
        if shape.ndims is None:
            return TensorShape(None)
        new = shape.as_list()
        if len(new) > len(dims):
            dims = [1] * (len(new) - len(dims)) + dims
        new = [1] * (len(dims) - len(new)) + new
        try:
            dims = [_broadcast_dim(a, b) for a, b in zip(dims, new)]
        except ValueError:
            raise ValueError(f"Incompatible batch shapes {TensorShape(dims)} and "
                             f"{shape}") from None
    return TensorShape(dims)


def broadcast_matrices(matrices):
    """The matrices with their batch dimensions broadcast to a common batch shape."""
    matrices = list(matrices)
    static = [m.shape for m in matrices]
    if all(s.ndims is not None for s in static):
        batches = {tuple(s.as_list()[:-2]) for s in static}
        if len(batches) == 1 and None not in next(iter(batches)):
            return matrices
    from .math_extra_ops import broadcast_dynamic_shape

    batch = array_ops.shape(matrices[0])[:-2]
    for matrix in matrices[1:]:
        batch = broadcast_dynamic_shape(batch, array_ops.shape(matrix)[:-2])
    return [array_ops.broadcast_to(m, array_ops.concat([batch, array_ops.shape(m)[-2:]], 0))
            for m in matrices]


def _check_operators(operators, what):
    operators = list(operators)
    if not operators:
        raise ValueError(f"Expected a list of >=1 operators. Found: {operators}")
    for op in operators:
        if not isinstance(op, LinearOperator):
            raise TypeError(f"{what}: expected LinearOperators, got {type(op).__name__}")
    dtype = operators[0].dtype
    if any(op.dtype != dtype for op in operators):
        found = "   ".join(str((op.name, op.dtype)) for op in operators)
        raise TypeError(f"Expected all operators to have the same dtype.  Found {found}")
    return operators, dtype


def _auto_hint(operators, hint, given, message):
    """True when every factor has the hint (a ValueError if the caller said False)."""
    if all(getattr(op, hint) for op in operators):
        if given is False:
            raise ValueError(message)
        return True
    return given


def _dim(value):
    return value.value if isinstance(value, Dimension) else value


def _matrix_dims(operator, what):
    rows, cols = (_dim(d) for d in operator.shape[-2:])
    if rows is None or cols is None:
        raise ValueError(f"{what} needs operators of statically known matrix dimensions, "
                         f"got {operator.name} of shape {operator.shape}")
    return rows, cols


def _reshape_last(x, count, new_dims):
    """``x`` with its last ``count`` dimensions replaced by ``new_dims`` (static ints)."""
    head = array_ops.shape(x)[:-count]
    return array_ops.reshape(x, array_ops.concat(
        [head, np.array(new_dims, np.int32)], 0))


# -- Kronecker -------------------------------------------------------------------------------

def _kron(a, b, rows_a, cols_a, rows_b, cols_b):
    outer = (array_ops.expand_dims(array_ops.expand_dims(a, -1), -3)
             * array_ops.expand_dims(array_ops.expand_dims(b, -2), -4))
    # outer[..., i, k, j, l] = a[..., i, j] * b[..., k, l]
    return _reshape_last(outer, 4, [rows_a * rows_b, cols_a * cols_b])


class LinearOperatorKronecker(LinearOperator):
    """``A1 (x) A2 (x) ... (x) An``: the Kronecker product of operators."""

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name=None):
        operators, dtype = _check_operators(operators, "LinearOperatorKronecker")
        self._operators = operators
        is_non_singular = _auto_hint(
            operators, "is_non_singular", is_non_singular,
            "The Kronecker product of non-singular operators is always non-singular.")
        is_self_adjoint = _auto_hint(
            operators, "is_self_adjoint", is_self_adjoint,
            "The Kronecker product of self-adjoint operators is always self-adjoint.")
        is_positive_definite = _auto_hint(
            operators, "is_positive_definite", is_positive_definite,
            "The Kronecker product of positive-definite operators is always "
            "positive-definite.")
        self._dims = [_matrix_dims(op, "LinearOperatorKronecker") for op in operators]
        super().__init__(dtype, is_non_singular, is_self_adjoint, is_positive_definite,
                         is_square, name or "_x_".join(op.name for op in operators))

    @property
    def operators(self):
        return self._operators

    def _shape(self):
        batch = static_batch_shape([op.batch_shape for op in self._operators])
        rows = int(np.prod([r for r, _ in self._dims]))
        cols = int(np.prod([c for _, c in self._dims]))
        return batch.concatenate([rows, cols])

    def _to_dense(self):
        dense = self._operators[0].to_dense()
        rows, cols = self._dims[0]
        for op, (r, c) in zip(self._operators[1:], self._dims[1:]):
            dense = _kron(dense, op.to_dense(), rows, cols, r, c)
            rows, cols = rows * r, cols * c
        return dense

    def _diag_part(self):
        if any(rows != cols for rows, cols in self._dims):
            return super()._diag_part()  # the factors' diagonals do not line up
        diag = self._operators[0].diag_part()
        size = min(self._dims[0])
        for op, (r, c) in zip(self._operators[1:], self._dims[1:]):
            outer = array_ops.expand_dims(diag, -1) * array_ops.expand_dims(op.diag_part(), -2)
            size *= min(r, c)
            diag = _reshape_last(outer, 2, [size])
        return diag

    def _trace(self):
        if any(rows != cols for rows, cols in self._dims):
            return super()._trace()
        result = self._operators[0].trace()
        for op in self._operators[1:]:
            result = result * op.trace()
        return result

    def _determinant(self):
        # det(A (x) B) = det(A)^m det(B)^n for A n x n, B m x m.
        total = int(np.prod([r for r, _ in self._dims]))
        result = None
        for op, (rows, _) in zip(self._operators, self._dims):
            power = math_ops.pow(op.determinant(),
                                 math_ops.cast(float(total // rows), self.dtype))
            result = power if result is None else result * power
        return result

    def _log_abs_determinant(self):
        total = int(np.prod([r for r, _ in self._dims]))
        result = None
        for op, (rows, _) in zip(self._operators, self._dims):
            term = op.log_abs_determinant() * math_ops.cast(float(total // rows),
                                                            self.dtype)
            result = term if result is None else result + term
        return result

    def adjoint(self, name="adjoint"):
        if self.is_self_adjoint:
            return self
        return LinearOperatorKronecker([op.adjoint() for op in self._operators],
                                       self.is_non_singular, self.is_self_adjoint,
                                       self.is_positive_definite, True)

    def inverse(self, name="inverse"):
        super().inverse()  # TensorFlow's checks of the hints
        return LinearOperatorKronecker([op.inverse() for op in self._operators],
                                       self.is_non_singular, self.is_self_adjoint,
                                       self.is_positive_definite, True)

    def cholesky(self, name="cholesky"):
        super().cholesky()
        return LinearOperatorKronecker([op.cholesky() for op in self._operators],
                                       True, None, None, True)


# -- block diagonal -------------------------------------------------------------------------

def _split_rows(x, sizes):
    """``x`` ([..., sum(sizes), R]) cut along its rows into blocks of the given sizes."""
    return array_ops.split(x, sizes, axis=-2)


class LinearOperatorBlockDiag(LinearOperator):
    """The direct sum of square operators: their matrices along the diagonal of one."""

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=True, name=None):
        operators, dtype = _check_operators(operators, "LinearOperatorBlockDiag")
        self._operators = operators
        is_non_singular = _auto_hint(
            operators, "is_non_singular", is_non_singular,
            "The direct sum of non-singular operators is always non-singular.")
        is_self_adjoint = _auto_hint(
            operators, "is_self_adjoint", is_self_adjoint,
            "The direct sum of self-adjoint operators is always self-adjoint.")
        is_positive_definite = _auto_hint(
            operators, "is_positive_definite", is_positive_definite,
            "The direct sum of positive definite operators is always positive definite.")
        if is_square is False:
            raise ValueError("The direct sum of square operators is always square.")
        self._dims = [_matrix_dims(op, "LinearOperatorBlockDiag") for op in operators]
        for op, (rows, cols) in zip(operators, self._dims):
            if rows != cols or op.is_square is False:
                raise ValueError(f"Expected all operators to be square, got {op.name} of "
                                 f"shape {op.shape}")
        super().__init__(dtype, is_non_singular, is_self_adjoint, is_positive_definite,
                         True, name or "_ds_".join(op.name for op in operators))

    @property
    def operators(self):
        return self._operators

    def _sizes(self):
        return [rows for rows, _ in self._dims]

    def _shape(self):
        batch = static_batch_shape([op.batch_shape for op in self._operators])
        size = sum(self._sizes())
        return batch.concatenate([size, size])

    def _to_dense(self):
        sizes = self._sizes()
        dense = broadcast_matrices([op.to_dense() for op in self._operators])
        rows = []
        for index, block in enumerate(dense):
            pieces = []
            for other, size in enumerate(sizes):
                if other == index:
                    pieces.append(block)
                elif size:
                    pieces.append(array_ops.zeros(array_ops.concat(
                        [array_ops.shape(block)[:-1], [size]], 0), dtype=self.dtype))
            rows.append(array_ops.concat(pieces, -1) if len(pieces) > 1 else pieces[0])
        return array_ops.concat(rows, -2) if len(rows) > 1 else rows[0]

    def _blockwise(self, x, apply):
        if len(self._operators) == 1:
            return apply(self._operators[0], x)
        parts = _split_rows(x, self._sizes())
        results = broadcast_matrices([apply(op, part)
                                      for op, part in zip(self._operators, parts)])
        return array_ops.concat(results, -2)

    def _matmul(self, x, adjoint, adjoint_arg):
        x = _adjoint(x) if adjoint_arg else x
        return self._blockwise(x, lambda op, part: op.matmul(part, adjoint=adjoint))

    def _solve(self, rhs, adjoint):
        return self._blockwise(rhs, lambda op, part: op.solve(part, adjoint=adjoint))

    def _diag_part(self):
        parts = [op.diag_part() for op in self._operators]
        if len(parts) == 1:
            return parts[0]
        columns = broadcast_matrices([array_ops.expand_dims(p, -1) for p in parts])
        return array_ops.squeeze(array_ops.concat(columns, -2), [-1])

    def _trace(self):
        result = self._operators[0].trace()
        for op in self._operators[1:]:
            result = result + op.trace()
        return result

    def _determinant(self):
        result = self._operators[0].determinant()
        for op in self._operators[1:]:
            result = result * op.determinant()
        return result

    def _log_abs_determinant(self):
        result = self._operators[0].log_abs_determinant()
        for op in self._operators[1:]:
            result = result + op.log_abs_determinant()
        return result

    def adjoint(self, name="adjoint"):
        if self.is_self_adjoint:
            return self
        return LinearOperatorBlockDiag([op.adjoint() for op in self._operators],
                                       self.is_non_singular, self.is_self_adjoint,
                                       self.is_positive_definite, True)

    def inverse(self, name="inverse"):
        super().inverse()
        return LinearOperatorBlockDiag([op.inverse() for op in self._operators],
                                       self.is_non_singular, self.is_self_adjoint,
                                       self.is_positive_definite, True)

    def cholesky(self, name="cholesky"):
        super().cholesky()
        return LinearOperatorBlockDiag([op.cholesky() for op in self._operators],
                                       True, None, None, True)


# -- block lower triangular ---------------------------------------------------------------------

class LinearOperatorBlockLowerTriangular(LinearOperator):
    """A square block lower-triangular operator: ``operators[i]`` is row ``i`` of blocks,
    ``i + 1`` operators whose last is the (square) diagonal block."""

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None,
                 name="LinearOperatorBlockLowerTriangular"):
        rows = [list(row) for row in operators]
        if not rows:
            raise ValueError(f"Expected a list of >=1 operators. Found: {rows}")
        for index, row in enumerate(rows):
            if len(row) != index + 1:
                raise ValueError(f"Argument `operators[{index}]` must contain `{index + 1}` "
                                 f"blocks. Received: {len(row)} blocks.")
        _, dtype = _check_operators([op for row in rows for op in row],
                                    "LinearOperatorBlockLowerTriangular")
        self._rows = rows
        self._diagonal = [row[-1] for row in rows]
        self._sizes = []
        for index, op in enumerate(self._diagonal):
            size, cols = _matrix_dims(op, "LinearOperatorBlockLowerTriangular")
            if size != cols or op.is_square is False:
                raise ValueError(f"The diagonal block operators[{index}][{index}] must be "
                                 f"square, got shape {op.shape}")
            self._sizes.append(size)
        for i, row in enumerate(rows):
            for j, op in enumerate(row[:-1]):
                if _matrix_dims(op, "LinearOperatorBlockLowerTriangular") != (
                        self._sizes[i], self._sizes[j]):
                    raise ValueError(
                        f"Argument `operators[{i}][{j}]` must have shape [..., "
                        f"{self._sizes[i]}, {self._sizes[j]}], got {op.shape}")
        if all(op.is_non_singular for op in self._diagonal):
            if is_non_singular is False:
                raise ValueError("A blockwise lower-triangular operator with non-singular "
                                 "operators on the main diagonal is always non-singular.")
            is_non_singular = True
        if is_square is False:
            raise ValueError("A blockwise lower-triangular operator is always square.")
        super().__init__(dtype, is_non_singular, is_self_adjoint, is_positive_definite,
                         True, name)

    @property
    def operators(self):
        return self._rows

    def _shape(self):
        batch = static_batch_shape([op.batch_shape for row in self._rows for op in row])
        size = sum(self._sizes)
        return batch.concatenate([size, size])

    def _to_dense(self):
        flat = broadcast_matrices([op.to_dense() for row in self._rows for op in row])
        rows, start = [], 0
        for i, row in enumerate(self._rows):
            blocks = flat[start:start + len(row)]
            start += len(row)
            pieces = list(blocks)
            later = sum(self._sizes[i + 1:])
            if later:
                pieces.append(array_ops.zeros(array_ops.concat(
                    [array_ops.shape(blocks[-1])[:-1], [later]], 0), dtype=self.dtype))
            rows.append(array_ops.concat(pieces, -1) if len(pieces) > 1 else pieces[0])
        return array_ops.concat(rows, -2) if len(rows) > 1 else rows[0]

    def _matmul(self, x, adjoint, adjoint_arg):
        x = _adjoint(x) if adjoint_arg else x
        parts = _split_rows(x, self._sizes) if len(self._sizes) > 1 else [x]
        count = len(self._rows)
        out = []
        for i in range(count):
            if adjoint:  # row i of A^H: the adjoints of column i of A
                terms = [self._rows[k][i].matmul(parts[k], adjoint=True)
                         for k in range(i, count)]
            else:
                terms = [op.matmul(parts[j]) for j, op in enumerate(self._rows[i])]
            total = terms[0]
            for term in terms[1:]:
                total = total + term
            out.append(total)
        out = broadcast_matrices(out)
        return array_ops.concat(out, -2) if len(out) > 1 else out[0]

    def _solve(self, rhs, adjoint):
        parts = _split_rows(rhs, self._sizes) if len(self._sizes) > 1 else [rhs]
        count = len(self._rows)
        solution = [None] * count
        order = range(count - 1, -1, -1) if adjoint else range(count)
        for i in order:
            residual = parts[i]
            if adjoint:  # upper triangular: back substitution with the adjoint blocks
                for k in range(i + 1, count):
                    residual = residual - self._rows[k][i].matmul(solution[k], adjoint=True)
            else:
                for j in range(i):
                    residual = residual - self._rows[i][j].matmul(solution[j])
            solution[i] = self._diagonal[i].solve(residual, adjoint=adjoint)
        solution = broadcast_matrices(solution)
        return array_ops.concat(solution, -2) if count > 1 else solution[0]

    def _diag_part(self):
        parts = [op.diag_part() for op in self._diagonal]
        if len(parts) == 1:
            return parts[0]
        columns = broadcast_matrices([array_ops.expand_dims(p, -1) for p in parts])
        return array_ops.squeeze(array_ops.concat(columns, -2), [-1])

    def _trace(self):
        result = self._diagonal[0].trace()
        for op in self._diagonal[1:]:
            result = result + op.trace()
        return result

    def _determinant(self):
        result = self._diagonal[0].determinant()
        for op in self._diagonal[1:]:
            result = result * op.determinant()
        return result

    def _log_abs_determinant(self):
        result = self._diagonal[0].log_abs_determinant()
        for op in self._diagonal[1:]:
            result = result + op.log_abs_determinant()
        return result

