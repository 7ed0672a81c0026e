"""Linear algebra: inverse, determinant, log-determinant, solve, triangular solve, Cholesky
(NumPy kernels, batched over leading axes), einsum, and composites built on them: eye,
band parts and diagonals, trace, tensordot, norm."""

import string

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import ShapeError, convert_to_tensor, name_scope
from ..op_signature import FLOAT_COMPLEX, FLOAT_INT_COMPLEX, signature
from ..registry import register_op
from ..tensor_shape import TensorShape, unknown_shape
from . import array_ops, math_ops
from .common import check_dtype, constant_value, make_op, make_unary
from .complex_ops import conj
from .control_flow_ops import cond

_FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64, dtypes.complex64, dtypes.complex128)
# TensorFlow 1.15's linear-algebra ops take {half, float, double, complex64, complex128}.
_UNARY_FLOAT_COMPLEX = signature("input: T -> output: T", T=FLOAT_COMPLEX)
_SOLVE = signature("matrix: T, rhs: T -> output: T", T=FLOAT_COMPLEX)


def _square_shape(op, drop=0):
    dims = op.inputs[0].shape.as_tuple()
    if dims is None:
        return unknown_shape()
    if len(dims) < 2:
        raise ShapeError(f"Shape must be at least rank 2 but is rank {len(dims)}")
    if dims[-1] is not None and dims[-2] is not None and dims[-1] != dims[-2]:
        raise ShapeError(f"Dimensions must be equal, but are {dims[-2]} and {dims[-1]}")
    return TensorShape(list(dims[: len(dims) - drop]))


def _half_in_single(fn):
    """``fn`` on float16 arrays computed in float32 (NumPy's linalg has no half precision),
    with the results cast back to float16."""
    def kernel(*args):
        if not any(np.asarray(a).dtype == np.float16 for a in args):
            return fn(*args)
        out = fn(*(np.asarray(a, np.float32) for a in args))
        if isinstance(out, tuple):
            return tuple(np.asarray(o, np.float16) for o in out)
        return np.asarray(out, np.float16)

    return kernel


def _invertible(fn, what):
    fn = _half_in_single(fn)

    def kernel(*args):
        try:
            return fn(*args)
        except np.linalg.LinAlgError as error:
            raise InvalidArgumentError(None, None, f"{what}: {error}") from None

    return kernel


def _inverse(x):
    return np.linalg.inv(x).astype(x.dtype)


def _determinant(x):
    return np.asarray(np.linalg.det(x), dtype=x.dtype)


def _log_determinant(x):
    sign, log_abs = np.linalg.slogdet(x)
    # Both outputs have the input's dtype (a complex log|det| has a zero imaginary part).
    return np.asarray(sign, dtype=x.dtype), np.asarray(log_abs, dtype=x.dtype)


def _cholesky(x):
    return np.linalg.cholesky(x).astype(x.dtype)


register_op("MatrixInverse", lambda attrs: _invertible(
    (lambda x: _inverse(np.swapaxes(x, -1, -2).conj())) if attrs["adjoint"] else _inverse,
    "Input is not invertible."), lambda op: [_square_shape(op)],
            signature=_UNARY_FLOAT_COMPLEX)
register_op("MatrixDeterminant", lambda attrs: _half_in_single(_determinant),
            lambda op: [_square_shape(op, drop=2)],
            signature=_UNARY_FLOAT_COMPLEX)
register_op("LogMatrixDeterminant", lambda attrs: _half_in_single(_log_determinant),
            lambda op: [_square_shape(op, drop=2)] * 2,
            signature=signature("input: T -> sign: T, log_abs_determinant: T",
                                T=FLOAT_COMPLEX))
register_op("Cholesky", lambda attrs: _invertible(
    _cholesky, "Cholesky decomposition was not successful. The input might not be valid."),
    lambda op: [_square_shape(op)],
            signature=_UNARY_FLOAT_COMPLEX)


def _float_matrix(op_type, x, arg="input"):
    x = convert_to_tensor(x, name=arg)
    check_dtype(op_type, x, _FLOATS, arg)
    return x


def matrix_inverse(input, adjoint=False, name=None):  # noqa: A002
    """The inverse of each square matrix in the last two axes."""
    x = _float_matrix("MatrixInverse", input)
    return make_unary("MatrixInverse", x, name, attrs={"adjoint": bool(adjoint)})


def matrix_determinant(input, name=None):  # noqa: A002
    x = _float_matrix("MatrixDeterminant", input)
    return make_unary("MatrixDeterminant", x, name)


def log_matrix_determinant(input, name=None):  # noqa: A002
    """``(sign, log(|det|))`` of each square matrix: stable for large or tiny determinants."""
    x = _float_matrix("LogMatrixDeterminant", input)
    op = make_op("LogMatrixDeterminant", [x], [x.dtype, x.dtype], None, name)
    return op.outputs[0], op.outputs[1]


def slogdet(input, name=None):  # noqa: A002
    return log_matrix_determinant(input, name)


def cholesky(input, name=None):  # noqa: A002
    """The lower-triangular ``L`` with ``L @ L^H = input`` (input symmetric positive definite)."""
    x = _float_matrix("Cholesky", input)
    return make_unary("Cholesky", x, name)


# -- solves -------------------------------------------------------------------------------------


def _solve_kernel(attrs):
    adjoint = attrs["adjoint"]

    def solve(matrix, rhs):
        a = np.swapaxes(matrix, -1, -2).conj() if adjoint else matrix
        return np.linalg.solve(a, rhs).astype(rhs.dtype)

    return _invertible(solve, "Input matrix is not invertible.")


def _triangular_kernel(attrs):
    lower = attrs["lower"]
    adjoint = attrs["adjoint"]

    def triangular_solve(matrix, rhs):
        # Only the named triangle is read, as in TensorFlow.
        tri = np.tril(matrix) if lower else np.triu(matrix)
        a = np.swapaxes(tri, -1, -2).conj() if adjoint else tri
        return np.linalg.solve(a, rhs).astype(rhs.dtype)

    return _invertible(triangular_solve, "Input matrix is not invertible.")


def _solve_shape(op):
    _square_shape(op)
    matrix = op.inputs[0].shape.as_tuple()
    rhs = op.inputs[1].shape.as_tuple()
    if rhs is None:
        return [unknown_shape()]
    if matrix is not None and matrix[-2] is not None and rhs[-2] is not None \
            and matrix[-2] != rhs[-2]:
        raise ShapeError(f"Dimensions must be equal, but are {matrix[-2]} and {rhs[-2]}")
    return [TensorShape(list(rhs))]


register_op("MatrixSolve", _solve_kernel, _solve_shape,
            signature=_SOLVE)
register_op("MatrixTriangularSolve", _triangular_kernel, _solve_shape,
            signature=_SOLVE)


def matrix_solve(matrix, rhs, adjoint=False, name=None):
    """``X`` with ``matrix @ X = rhs`` (``matrix^H`` with ``adjoint``)."""
    matrix = _float_matrix("MatrixSolve", matrix, "matrix")
    rhs = convert_to_tensor(rhs, dtype=matrix.dtype, name="rhs")
    return make_op("MatrixSolve", [matrix, rhs], [matrix.dtype], {"adjoint": bool(adjoint)},
                   name).outputs[0]


def matrix_triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """Solve with the lower (or upper) triangle of ``matrix``; the other triangle is ignored."""
    matrix = _float_matrix("MatrixTriangularSolve", matrix, "matrix")
    rhs = convert_to_tensor(rhs, dtype=matrix.dtype, name="rhs")
    attrs = {"lower": bool(lower), "adjoint": bool(adjoint)}
    return make_op("MatrixTriangularSolve", [matrix, rhs], [matrix.dtype], attrs,
                   name).outputs[0]


def cholesky_solve(chol, rhs, name=None):
    """Solve ``A X = rhs`` given ``chol = cholesky(A)``."""
    with name_scope(name or "cholesky_solve"):
        y = matrix_triangular_solve(chol, rhs, lower=True, adjoint=False)
        return matrix_triangular_solve(chol, y, lower=True, adjoint=True)


# -- einsum ------------------------------------------------------------------------------------


def _parse_equation(equation, count):
    equation = equation.replace(" ", "")
    if "->" in equation:
        inputs, output = equation.split("->")
    else:
        inputs = equation
        letters = inputs.replace(",", "").replace(".", "")
        output = ("..." if "..." in inputs else "") + "".join(
            sorted(c for c in set(letters) if letters.count(c) == 1))
    subscripts = inputs.split(",")
    if len(subscripts) != count:
        raise ValueError(f"Input subscripts {equation!r} name {len(subscripts)} operands but "
                         f"{count} were given")
    return subscripts, output


def _einsum_shape(op):
    subscripts, output = _parse_equation(op.attrs["equation"], len(op.inputs))
    if any("..." in s for s in [*subscripts, output]):
        return [unknown_shape()]
    sizes = {}
    for subscript, tensor in zip(subscripts, op.inputs):
        dims = tensor.shape.as_tuple()
        if dims is None:
            continue
        if len(dims) != len(subscript):
            raise ShapeError(f"einsum: operand {tensor.name} has rank {len(dims)} but "
                             f"subscript {subscript!r} names {len(subscript)} axes")
        for letter, dim in zip(subscript, dims):
            if dim is None:
                continue
            if sizes.get(letter, dim) != dim:
                raise ShapeError(f"einsum: axis {letter!r} has sizes {sizes[letter]} and {dim}")
            sizes[letter] = dim
    return [TensorShape([sizes.get(letter) for letter in output])]


def _einsum_kernel(attrs):
    equation = attrs["full_equation"]
    return lambda *operands: np.asarray(np.einsum(equation, *operands, optimize=True))


register_op("Einsum", _einsum_kernel, _einsum_shape,
            signature=signature("inputs: N * T -> output: T", T=FLOAT_INT_COMPLEX))


def einsum(equation, *inputs, **kwargs):
    """Einstein summation, as ``numpy.einsum`` (implicit output: the letters used once)."""
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"invalid keyword arguments for einsum: {sorted(kwargs)}")
    inputs = [convert_to_tensor(x, name="inputs") for x in inputs]
    if not inputs:
        raise ValueError("einsum needs at least one operand")
    for other in inputs[1:]:
        if other.dtype != inputs[0].dtype:
            raise TypeError(f"einsum operands must share a dtype, got {inputs[0].dtype.name} "
                            f"and {other.dtype.name}")
    subscripts, output = _parse_equation(equation, len(inputs))
    attrs = {"equation": equation, "full_equation": ",".join(subscripts) + "->" + output}
    return make_op("Einsum", inputs, [inputs[0].dtype], attrs, name).outputs[0]


def tensordot(a, b, axes, name=None):
    """Sum over ``axes`` of ``a`` and ``b`` (an int: the last/first ``axes`` axes; or a pair
    of lists of axes)."""
    with name_scope(name or "Tensordot"):
        a = convert_to_tensor(a, name="a")
        b = convert_to_tensor(b, name="b")
        rank_a, rank_b = a.shape.ndims, b.shape.ndims
        if rank_a is None or rank_b is None:
            return _tensordot_unknown_rank(a, b, axes)
        if np.ndim(axes) == 0:
            count = int(axes)
            if count < 0 or count > min(rank_a, rank_b):
                raise ValueError(f"'axes' must be at most {min(rank_a, rank_b)}, got {axes}")
            axes_a = list(range(rank_a - count, rank_a))
            axes_b = list(range(count))
        else:
            axes_a, axes_b = ([int(v)] if np.ndim(v) == 0 else [int(i) for i in v]
                              for v in axes)
            if len(axes_a) != len(axes_b):
                raise ValueError(f"Different number of contraction axes 'a' and 'b', "
                                 f"{len(axes_a)} != {len(axes_b)}.")
        letters = iter(string.ascii_letters)
        sub_a = [next(letters) for _ in range(rank_a)]
        sub_b = [next(letters) for _ in range(rank_b)]
        for i, j in zip(axes_a, axes_b):
            sub_b[j % rank_b] = sub_a[i % rank_a]
        kept_a = [c for k, c in enumerate(sub_a) if k not in {i % rank_a for i in axes_a}]
        kept_b = [c for k, c in enumerate(sub_b) if k not in {j % rank_b for j in axes_b}]
        equation = f"{''.join(sub_a)},{''.join(sub_b)}->{''.join(kept_a + kept_b)}"
        return einsum(equation, a, b)


def _tensordot_unknown_rank(a, b, axes):
    """tensordot when a rank is known only at run time, as TensorFlow computes it then: each
    operand transposed to (free axes, contracted axes), flattened to a matrix, multiplied,
    and the product reshaped to the free dimensions of ``a`` then ``b``."""
    if np.ndim(axes) == 0:
        count = int(axes)
        if count < 0:
            raise ValueError(f"'axes' must be at least 0, got {axes}")
        axes_a, axes_b = list(range(-count, 0)), list(range(count))
    else:
        axes_a, axes_b = ([int(v)] if np.ndim(v) == 0 else [int(i) for i in v] for v in axes)
        if len(axes_a) != len(axes_b):
            raise ValueError(f"Different number of contraction axes 'a' and 'b', "
                             f"{len(axes_a)} != {len(axes_b)}.")
    matrix_a, free_a = _as_matrix(a, axes_a, contracted_last=True)
    matrix_b, free_b = _as_matrix(b, axes_b, contracted_last=False)
    from .join_split_ops import concat

    product = math_ops.matmul(matrix_a, matrix_b)
    return array_ops.reshape(product, concat([free_a, free_b], 0))


def _as_matrix(x, axes, contracted_last):
    from .array_extra_ops import setdiff1d
    from .join_split_ops import concat, stack
    from .reduction_ops import reduce_prod
    from .selection_ops import gather

    rank = array_ops.rank(x)
    given = convert_to_tensor(np.array(axes, np.int32).reshape(-1))
    contracted = given + rank * math_ops.cast(math_ops.less(given, 0), dtypes.int32)
    free = setdiff1d(math_ops.range(rank), contracted)[0]
    shape = array_ops.shape(x)
    free_dims = gather(shape, free)
    size_free = reduce_prod(free_dims)
    size_contracted = reduce_prod(gather(shape, contracted))
    if contracted_last:
        perm, dims = concat([free, contracted], 0), [size_free, size_contracted]
    else:
        perm, dims = concat([contracted, free], 0), [size_contracted, size_free]
    return array_ops.reshape(array_ops.transpose(x, perm), stack(dims)), free_dims


# -- composites: eye, band parts, diagonals, trace, norm ---------------------------------------


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """An identity matrix (``[*batch_shape, rows, columns]``)."""
    columns = num_rows if num_columns is None else num_columns
    rows_known, columns_known = (_known_size(d) for d in (num_rows, columns))
    batch_known = None if batch_shape is None else _known_size(batch_shape)
    if rows_known is None or columns_known is None or (batch_shape is not None
                                                       and batch_known is None):
        return _dynamic_eye(num_rows, columns, batch_shape, dtype, name)
    value = np.eye(int(rows_known), int(columns_known),
                   dtype=dtypes.as_dtype(dtype).as_numpy_dtype)
    if batch_shape is not None:
        value = np.broadcast_to(value, (*[int(d) for d in batch_known], *value.shape)).copy()
    return array_ops.constant(value, name=name or "eye")


def _known_size(value):
    """A size (or a list of sizes) known when the graph is built, else None."""
    if isinstance(value, int | np.integer) or (isinstance(value, list | tuple) and all(
            isinstance(v, int | np.integer) for v in value)):
        return value
    return constant_value(convert_to_tensor(value))


def _dynamic_eye(num_rows, num_columns, batch_shape, dtype, name):
    """``eye`` of sizes known only when the graph runs (``tf.eye(tf.shape(x)[0])``)."""
    with name_scope(name or "eye"):
        rows = math_ops.range(math_ops.cast(convert_to_tensor(num_rows), dtypes.int32))
        cols = math_ops.range(math_ops.cast(convert_to_tensor(num_columns), dtypes.int32))
        ones = math_ops.cast(math_ops.equal(array_ops.expand_dims(rows, 1),
                                            array_ops.expand_dims(cols, 0)), dtype)
        if batch_shape is None:
            return ones
        batch = math_ops.cast(convert_to_tensor(batch_shape), dtypes.int32)
        result = array_ops.broadcast_to(ones, array_ops.concat([batch, array_ops.shape(ones)],
                                                                0))
        known = _known_size(batch_shape)
        rank = batch.shape.as_list()[0] if batch.shape.ndims == 1 else None
        if rank is not None:
            dims = [None] * rank if known is None else [int(d) for d in known]
            result.set_shape([*dims, *ones.shape.as_list()])
        return result


def _band_mask(x, num_lower, num_upper):
    shape = array_ops.shape(x, out_type=dtypes.int64)
    rows = math_ops.range(shape[-2])
    cols = math_ops.range(shape[-1])
    offset = array_ops.expand_dims(rows, 1) - array_ops.expand_dims(cols, 0)
    lower = math_ops.cast(convert_to_tensor(num_lower), dtypes.int64)
    upper = math_ops.cast(convert_to_tensor(num_upper), dtypes.int64)
    below = math_ops.logical_or(math_ops.less(lower, 0), math_ops.less_equal(offset, lower))
    above = math_ops.logical_or(math_ops.less(upper, 0), math_ops.less_equal(-offset, upper))
    return math_ops.logical_and(below, above)


def matrix_band_part(input, num_lower, num_upper, name=None):  # noqa: A002
    """Keep ``num_lower`` sub-diagonals and ``num_upper`` super-diagonals (negative: all)."""
    with name_scope(name or "MatrixBandPart"):
        x = convert_to_tensor(input, name="input")
        mask = _band_mask(x, num_lower, num_upper)
        return array_ops.where_v2(mask, x, array_ops.zeros_like(x))


def _matrix_dims(x, what):
    dims = x.shape.as_tuple()
    if dims is None or len(dims) < 2 or dims[-1] is None or dims[-2] is None:
        raise ValueError(f"{what} needs a tensor of rank >= 2 with its last two dimensions "
                         f"known, got {x.name} of shape {x.shape}")
    return dims[-2], dims[-1]


def matrix_diag_part(input, name=None):  # noqa: A002
    """The main diagonal of each matrix in the last two axes (any dtype, any shape)."""
    with name_scope(name or "matrix_diag_part"):
        x = convert_to_tensor(input, name="input")
        rows, cols = _matrix_dims(x, "matrix_diag_part")
        size = min(rows, cols)
        # Element (i, i) of a row-major matrix is entry i * (cols + 1) of its flattening.
        batch = array_ops.shape(x)[:-2]
        flat = array_ops.reshape(x, array_ops.concat([batch, [rows * cols]], 0))
        diagonal = flat[..., :: cols + 1][..., :size]
        diagonal.set_shape(x.shape[:-2].concatenate([size]))
        return diagonal


def _diagonal_mask(rows, cols):
    return array_ops.constant(np.eye(rows, cols, dtype=bool))


def matrix_diag(diagonal, name=None):
    """Square matrices with ``diagonal`` (last axis) on the main diagonal, zeros elsewhere."""
    with name_scope(name or "matrix_diag"):
        d = convert_to_tensor(diagonal, name="diagonal")
        size = d.shape.as_tuple()[-1] if d.shape.ndims else None
        if size is None:
            raise ValueError("matrix_diag needs the diagonal's length known")
        # A selection, not a product: NaN and inf stay on the diagonal, strings work too.
        column = array_ops.expand_dims(d, -1)
        return array_ops.where_v2(_diagonal_mask(size, size), column,
                                  array_ops.zeros_like(column))


def matrix_set_diag(input, diagonal, name=None):  # noqa: A002
    """``input`` with the main diagonal of each matrix replaced by ``diagonal``."""
    with name_scope(name or "matrix_set_diag"):
        x = convert_to_tensor(input, name="input")
        d = convert_to_tensor(diagonal, dtype=x.dtype, name="diagonal")
        rows, cols = _matrix_dims(x, "matrix_set_diag")
        size = min(rows, cols)
        # Row i of the replacement holds d[i] (rows past the diagonal repeat the last one,
        # which the mask never selects).
        picks = np.minimum(np.arange(rows), max(size - 1, 0))
        spread = array_ops.expand_dims(array_ops.gather(d, picks, axis=-1), -1)
        return array_ops.where_v2(_diagonal_mask(rows, cols), spread, x)


def trace(x, name=None):
    """The sum of the main diagonal of each matrix in the last two axes."""
    with name_scope(name or "Trace"):
        return math_ops.reduce_sum(matrix_diag_part(x), -1)


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """Swap the last two axes."""
    with name_scope(name):
        a = convert_to_tensor(a, name="a")
        rank = a.shape.ndims
        if rank is None or rank < 2:
            raise ValueError(f"Argument 'a' should be a (batch) matrix, with rank >= 2. Found: "
                             f"{a.shape}")
        perm = [*range(rank - 2), rank - 1, rank - 2]
        return array_ops.transpose(a, perm, conjugate=conjugate)


def adjoint(matrix, name=None):
    """The conjugate transpose of the innermost matrices (``tf.linalg.adjoint``)."""
    with name_scope(name or "adjoint"):
        return matrix_transpose(convert_to_tensor(matrix, name="matrix"), conjugate=True)


_AXIS_ERROR = "'axis' must be None, an integer, or a tuple of 2 unique integers"
_MATRIX_NORMS = ["euclidean", "fro", 1, 2, np.inf]


def _norm_axis(axis):
    """``(axis, is_matrix_norm)`` checked as TensorFlow 1.x's ``norm`` checks them."""
    if isinstance(axis, tuple | list) and len(axis) == 2:
        if (not all(isinstance(a, int | np.integer) and not isinstance(a, bool) for a in axis)
                or axis[0] == axis[1]):
            raise ValueError(_AXIS_ERROR)
        return tuple(int(a) for a in axis), True
    if axis is None:
        return None, False
    if not isinstance(axis, int | np.integer) or isinstance(axis, bool):
        raise ValueError(_AXIS_ERROR)
    return (int(axis),), False


def _matrix_2_norm(x, axis):
    """The largest singular value of the matrices over the pair ``axis`` (kept as size-1
    dimensions), moving those axes last and back; the rank may be known only at run time."""
    from .array_extra_ops import setdiff1d  # noqa: PLC0415 - modules of the layer above
    from .math_extra_ops import invert_permutation  # noqa: PLC0415

    rank = array_ops.rank(x)
    positive = math_ops.floormod(convert_to_tensor(list(axis), dtype=dtypes.int32), rank)
    others = setdiff1d(math_ops.range(rank), positive)[0]
    perm_before = array_ops.concat([others, positive], 0)
    # The Svd op (linalg_extra_ops registers it) without its vectors.
    singular = make_op("Svd", [array_ops.transpose(x, perm_before)], [x.dtype] * 3,
                       {"full_matrices": False, "compute_uv": False}).outputs[0]
    largest = math_ops.reduce_max(math_ops.abs(singular), -1, keepdims=True)
    return array_ops.transpose(array_ops.expand_dims(largest, -1),
                               invert_permutation(perm_before))


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None,  # noqa: A002
         keep_dims=None):
    """Vector norms (``ord`` 1, 2 / 'euclidean', inf, any p > 0) and matrix norms ('fro',
    'euclidean', 1, 2, inf over a pair of axes). Complex tensors: the norms of their moduli
    (the 2-norm as ``sqrt(sum(x * conj(x)))``, complex-typed as TensorFlow's)."""
    keep = bool(keepdims if keepdims is not None else keep_dims)
    axis, matrix = _norm_axis(axis)
    if matrix and ord not in _MATRIX_NORMS:
        raise ValueError(f"'ord' must be a supported matrix norm in ['euclidean', 'fro', 1, "
                         f"2, inf], got {ord}")
    if not matrix and (ord == "fro" or not isinstance(ord, int | float | str)
                       or (not isinstance(ord, str) and ord <= 0)
                       or (isinstance(ord, str) and ord != "euclidean")):
        raise ValueError(f"'ord' must be a supported vector norm, got {ord}")
    with name_scope(name or "norm"):
        x = convert_to_tensor(tensor, name="tensor")
        if ord in ("euclidean", "fro", 2) and not (matrix and ord == 2):
            squares = x * conj(x) if x.dtype.is_complex else x * x
            result = math_ops.sqrt(math_ops.reduce_sum(squares, axis, keepdims=True))
        elif matrix and ord == 2:
            result = _matrix_2_norm(x, axis)
        else:
            magnitude = math_ops.abs(x)
            if ord == 1:
                sums = math_ops.reduce_sum(magnitude, None if axis is None else axis[0],
                                           keepdims=True)
                result = math_ops.reduce_max(sums, axis[-1], keepdims=True) if matrix else sums
            elif ord == np.inf:
                rows = (math_ops.reduce_sum(magnitude, axis[1], keepdims=True) if matrix
                        else magnitude)
                result = math_ops.reduce_max(rows, None if axis is None else axis[0],
                                             keepdims=True)
            else:
                p = float(ord)
                total = math_ops.reduce_sum(math_ops.pow(magnitude, p), axis, keepdims=True)
                result = math_ops.pow(total, 1.0 / p)
        if not keep:
            result = array_ops.squeeze(result, None if axis is None else list(axis))
        return result


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=None, name=None, keep_dims=None):
    """``sqrt(sum(x ** 2))`` over ``axis``."""
    keep = bool(keepdims if keepdims is not None else keep_dims)
    with name_scope(name or "EuclideanNorm"):
        x = convert_to_tensor(input_tensor, name="input_tensor")
        return math_ops.sqrt(math_ops.reduce_sum(x * x, axis, keepdims=keep))


def logdet(matrix, name=None):
    """``log(det(matrix))`` of a Hermitian positive definite matrix, via Cholesky."""
    with name_scope(name or "logdet"):
        chol = cholesky(matrix)
        return 2.0 * math_ops.reduce_sum(math_ops.log(matrix_diag_part(chol)), -1)


def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False,
           name=None):
    """``a @ b`` for a (batch of) matrix ``a`` and vector ``b`` in the last axis."""
    with name_scope(name or "MatVec"):
        column = array_ops.expand_dims(convert_to_tensor(b, name="b"), -1)
        product = math_ops.matmul(a, column, transpose_a=transpose_a, adjoint_a=adjoint_a)
        return array_ops.squeeze(product, [-1])


def normalize(tensor, ord="euclidean", axis=None, name=None):  # noqa: A002
    """``(tensor / norm, norm)`` with the norm kept for broadcasting."""
    with name_scope(name or "normalize"):
        tensor = convert_to_tensor(tensor, name="tensor")
        size = norm(tensor, ord=ord, axis=axis, keepdims=True)
        return tensor / size, size


def _lstsq_kernel(attrs):
    def solve_ls(matrix, rhs, l2_regularizer):
        # The robust path (fast=False): the minimum-norm least-squares solution, also for
        # rank-deficient matrices; TensorFlow ignores the regularizer there.
        *batch, _, cols = matrix.shape
        out = np.zeros((*batch, cols, rhs.shape[-1]), dtype=matrix.dtype)
        if out.size and matrix.shape[-2]:
            for index in np.ndindex(*batch):
                out[index] = np.linalg.lstsq(matrix[index], rhs[index], rcond=None)[0]
        return out

    return _half_in_single(solve_ls)


def _lstsq_shape(op):
    a, b = (op.inputs[i].shape.as_tuple() for i in (0, 1))
    if a is None or b is None:
        return [unknown_shape()]
    if len(a) < 2 or len(b) < 2:
        raise ShapeError(f"Shape must be at least rank 2 but is rank {min(len(a), len(b))}")
    return [TensorShape([*a[:-2], a[-1], b[-1]])]


register_op("MatrixSolveLs", _lstsq_kernel, _lstsq_shape,
            signature=signature("matrix: T, rhs: T, l2_regularizer: double -> output: T",
                                T=FLOAT_COMPLEX))


def _solve_overdetermined(matrix, rhs, l2):
    """``(A^H A + l2 I)^-1 A^H b`` by Cholesky (rows >= columns)."""
    gram = math_ops.matmul(matrix, matrix, adjoint_a=True)
    if l2 is not None:
        gram = gram + l2 * eye(array_ops.shape(matrix)[-1], dtype=matrix.dtype)
    return cholesky_solve(cholesky(gram), math_ops.matmul(matrix, rhs, adjoint_a=True))


def _solve_underdetermined(matrix, rhs, l2):
    """``A^H (A A^H + l2 I)^-1 b`` by Cholesky: the minimum-norm solution (rows < columns)."""
    gram = math_ops.matmul(matrix, matrix, adjoint_b=True)
    if l2 is not None:
        gram = gram + l2 * eye(array_ops.shape(matrix)[-2], dtype=matrix.dtype)
    return math_ops.matmul(matrix, cholesky_solve(cholesky(gram), rhs), adjoint_a=True)


def matrix_solve_ls(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """Least squares ``argmin |matrix @ X - rhs|^2 + l2 |X|^2``. ``fast`` (TensorFlow's
    default): the normal equations by Cholesky, ``A^H A`` for rows >= columns and ``A A^H``
    (the minimum-norm solution) otherwise, chosen at run time when the shape is unknown.
    ``fast=False``: the minimum-norm solution of a robust decomposition, ``l2`` ignored."""
    with name_scope(name or "matrix_solve_ls"):
        matrix = _float_matrix("MatrixSolveLs", matrix, "matrix")
        rhs = convert_to_tensor(rhs, dtype=matrix.dtype, name="rhs")
        if not fast:
            l2 = convert_to_tensor(l2_regularizer, dtype=dtypes.float64, name="l2_regularizer")
            return make_op("MatrixSolveLs", [matrix, rhs, l2], [matrix.dtype],
                           {"fast": False}, "MatrixSolveLs").outputs[0]
        known = constant_value(convert_to_tensor(l2_regularizer))
        l2 = None if known is not None and float(known) == 0 else math_ops.cast(
            l2_regularizer, matrix.dtype)
        dims = matrix.shape.as_tuple()
        if dims is not None and len(dims) >= 2 and None not in dims[-2:]:
            solve = _solve_overdetermined if dims[-2] >= dims[-1] else _solve_underdetermined
            return solve(matrix, rhs, l2)
        shape = array_ops.shape(matrix)
        return cond(shape[-2] >= shape[-1], lambda: _solve_overdetermined(matrix, rhs, l2),
                    lambda: _solve_underdetermined(matrix, rhs, l2))


def _qr_kernel(attrs):
    mode = "complete" if attrs["full_matrices"] else "reduced"

    def qr(x):
        q, r = np.linalg.qr(x, mode=mode)
        return q.astype(x.dtype), r.astype(x.dtype)

    return _half_in_single(qr)


def _qr_shape(op):
    dims = op.inputs[0].shape.as_tuple()
    if dims is None:
        return [unknown_shape(), unknown_shape()]
    *batch, m, n = dims
    full = op.attrs["full_matrices"]
    k = None if m is None or n is None else min(m, n)
    q = [*batch, m, m if full else k]
    r = [*batch, m if full else k, n]
    return [TensorShape(q), TensorShape(r)]


register_op("Qr", _qr_kernel, _qr_shape,
            signature=signature("input: T -> q: T, r: T", T=FLOAT_COMPLEX))


def qr(input, full_matrices=False, name=None):  # noqa: A002
    """``(q, r)`` with ``input = q @ r``, ``q`` orthonormal columns, ``r`` upper triangular."""
    x = _float_matrix("Qr", input)
    op = make_op("Qr", [x], [x.dtype, x.dtype], {"full_matrices": bool(full_matrices)}, name)
    return op.outputs[0], op.outputs[1]
