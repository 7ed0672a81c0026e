"""More linear algebra: SVD, symmetric eigendecomposition, LU (solve, inverse,
reconstruction), pseudo-inverse, rank, matrix exponential, logarithm and square root,
tridiagonal solves and products.

Kernels are NumPy's LAPACK routines (``svd``, ``eigh``) or written here (partial-pivoting
LU, Pade scaling-and-squaring for ``expm``); composites (pinv, rank, LU solves, tridiagonal
ops) are built from ops that have gradients. Gradients live in ``linalg_extra_grad.py``.
"""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import ShapeError, convert_to_tensor, name_scope
from ..op_signature import COMPLEX, FLOAT_COMPLEX, signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, unknown_shape
from . import array_ops, math_ops
from .common import make_op
from .linalg_ops import (
    matrix_band_part,
    matrix_diag,
    matrix_diag_part,
    matrix_set_diag,
    matrix_solve,
    matrix_transpose,
    matrix_triangular_solve,
)

__all__ = [
    "eigh", "eigvalsh", "expm", "logm", "lu", "lu_matrix_inverse", "lu_reconstruct", "lu_solve",
    "matrix_rank", "matrix_square_root", "pinv", "self_adjoint_eig", "self_adjoint_eigvals",
    "svd", "tridiagonal_matmul", "tridiagonal_solve",
]

_FLOAT_TYPES = (dtypes.float64, dtypes.float32, dtypes.float16, *COMPLEX)


def _real(dtype):
    """The real dtype of a complex one (itself otherwise)."""
    return {dtypes.complex64: dtypes.float32, dtypes.complex128: dtypes.float64}.get(dtype,
                                                                                   dtype)


def _dims(op, index=0):
    dims = op.inputs[index].shape.as_tuple()
    if dims is not None and len(dims) < 2:
        raise ShapeError(f"Shape must be at least rank 2 but is rank {len(dims)} for "
                         f"'{op.name}' (op: '{op.type}')")
    return dims


def _square_dims(op):
    dims = _dims(op)
    if dims is not None and None not in dims[-2:] and dims[-1] != dims[-2]:
        raise ShapeError(f"Dimensions must be equal, but are {dims[-2]} and {dims[-1]} for "
                         f"'{op.name}' (op: '{op.type}')")
    return dims


# -- SVD ------------------------------------------------------------------------------------------


def _svd_kernel(attrs):
    full = attrs["full_matrices"]
    with_uv = attrs["compute_uv"]

    def svd(x):
        original = x.dtype
        if original == np.float16:  # LAPACK has no half precision
            x = x.astype(np.float32)
        s, u, v = _svd_values(x)
        return s.astype(original), u.astype(original), v.astype(original)

    def _svd_values(x):
        if not with_uv:
            s = np.linalg.svd(x, compute_uv=False)
            return s.astype(x.dtype), np.zeros((0,), x.dtype), np.zeros((0,), x.dtype)
        u, s, vh = np.linalg.svd(x, full_matrices=full)
        v = np.swapaxes(vh, -1, -2).conj()
        return s.astype(x.dtype), u.astype(x.dtype), v.astype(x.dtype)

    return svd


def _svd_shape(op):
    dims = _dims(op)
    if dims is None:
        return [unknown_shape(), unknown_shape(), unknown_shape()]
    *batch, m, n = dims
    k = None if m is None or n is None else min(m, n)
    s = TensorShape([*batch, k])
    if not op.attrs["compute_uv"]:
        return [s, TensorShape([0]), TensorShape([0])]
    full = op.attrs["full_matrices"]
    return [s, TensorShape([*batch, m, m if full else k]),
            TensorShape([*batch, n, n if full else k])]


register_op("Svd", _svd_kernel, _svd_shape,
            signature=signature("input: T -> s: T, u: T, v: T", T=_FLOAT_TYPES))


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """Singular values ``s`` (descending) and, with ``compute_uv``, ``u`` and ``v`` with
    ``tensor = u @ diag(s) @ adjoint(v)``; returns ``(s, u, v)`` or ``s``."""
    x = convert_to_tensor(tensor, name="tensor")
    attrs = {"full_matrices": bool(full_matrices), "compute_uv": bool(compute_uv)}
    # As TensorFlow's: complex inputs give complex singular values (zero imaginary parts).
    op = make_op("Svd", [x], [x.dtype, x.dtype, x.dtype], attrs, name)
    if compute_uv:
        return op.outputs[0], op.outputs[1], op.outputs[2]
    return op.outputs[0]


# -- symmetric eigendecomposition ------------------------------------------------------------------


def _eig_kernel(attrs):
    with_v = attrs["compute_v"]

    def eigh(x):
        # Only the lower triangle is read, as TensorFlow (Eigen) does.
        wide = np.float32 if x.dtype == np.float16 else x.dtype  # no half in LAPACK
        values, vectors = np.linalg.eigh(x.astype(wide), UPLO="L")
        values = values.astype(x.dtype)
        if not with_v:
            return values, np.zeros((0,), x.dtype)
        return values, vectors.astype(x.dtype)

    return eigh


def _eig_shape(op):
    dims = _square_dims(op)
    if dims is None:
        return [unknown_shape(), unknown_shape()]
    values = TensorShape(list(dims[:-1]))
    vectors = TensorShape(list(dims)) if op.attrs["compute_v"] else TensorShape([0])
    return [values, vectors]


register_op("SelfAdjointEigV2", _eig_kernel, _eig_shape,
            signature=signature("input: T -> e: T, v: T", T=_FLOAT_TYPES))


def _eig_op(tensor, compute_v, name):
    x = convert_to_tensor(tensor, name="tensor")
    # Eigenvalues of complex Hermitian matrices come out complex, as TensorFlow declares.
    return make_op("SelfAdjointEigV2", [x], [x.dtype, x.dtype], {"compute_v": compute_v}, name)


def self_adjoint_eig(tensor, name=None):
    """``(e, v)``: ascending eigenvalues and eigenvectors (columns) of Hermitian matrices
    (only the lower triangle is read)."""
    op = _eig_op(tensor, True, name)
    return op.outputs[0], op.outputs[1]


def self_adjoint_eigvals(tensor, name=None):
    """The ascending eigenvalues of Hermitian matrices."""
    return _eig_op(tensor, False, name).outputs[0]


eigh = self_adjoint_eig
eigvalsh = self_adjoint_eigvals


# -- LU --------------------------------------------------------------------------------------------


def _lu_one(a):
    """Doolittle LU with partial pivoting (LAPACK's getrf): ``a[perm] = L @ U``."""
    lu = a.copy()
    n = lu.shape[0]
    perm = np.arange(n)
    for k in range(n):
        pivot = k + int(np.argmax(np.abs(lu[k:, k])))
        if lu[pivot, k] == 0:
            raise InvalidArgumentError(None, None, "Input is not invertible.")
        if pivot != k:
            lu[[k, pivot]] = lu[[pivot, k]]
            perm[[k, pivot]] = perm[[pivot, k]]
        lu[k + 1:, k] /= lu[k, k]
        lu[k + 1:, k + 1:] -= np.outer(lu[k + 1:, k], lu[k, k + 1:])
    return lu, perm


def _lu_kernel(attrs):
    index = attrs["output_idx_type"].as_numpy_dtype

    def lu(x):
        flat = x.reshape(-1, *x.shape[-2:])
        results = [_lu_one(m) for m in flat]
        packed = np.stack([r[0] for r in results]) if results else flat.copy()
        perms = np.stack([r[1] for r in results]) if results else np.zeros(
            (0, x.shape[-1]), np.int64)
        return packed.reshape(x.shape), perms.reshape(x.shape[:-1]).astype(index)

    return lu


def _lu_shape(op):
    dims = _square_dims(op)
    if dims is None:
        return [unknown_shape(), unknown_shape()]
    return [TensorShape(list(dims)), TensorShape(list(dims[:-1]))]


register_op("Lu", _lu_kernel, _lu_shape,
            signature=signature("input: T -> lu: T, p: output_idx_type", T=_FLOAT_TYPES,
                                output_idx_type=(dtypes.int32, dtypes.int64)))


def lu(input, output_idx_type=dtypes.int32, name=None):  # noqa: A002
    """``(lu, p)``: ``L`` (unit diagonal, below) and ``U`` packed in one matrix, and the
    permutation ``p`` with ``input[p] = L @ U``."""
    x = convert_to_tensor(input, name="input")
    output_idx_type = dtypes.as_dtype(output_idx_type)
    op = make_op("Lu", [x], [x.dtype, output_idx_type], {"output_idx_type": output_idx_type},
                 name)
    return op.outputs[0], op.outputs[1]


def _unpack_lu(lower_upper):
    eye = array_ops.ones_like(matrix_diag_part(lower_upper))
    lower = matrix_set_diag(matrix_band_part(lower_upper, -1, 0), eye)
    upper = matrix_band_part(lower_upper, 0, -1)
    return lower, upper


def _permute_rows(x, perm):
    """``x[..., perm, :]`` for batches of permutations: a product with their one-hot
    matrices (``P[i, perm[i]] = 1``)."""
    size = perm.shape.as_list()[-1]
    if size is None:
        size = array_ops.shape(perm)[-1]
    chooser = array_ops.one_hot(perm, size, dtype=x.dtype)
    return math_ops.matmul(chooser, x)


def lu_reconstruct(lower_upper, perm, validate_args=False, name=None):
    """The matrix ``lu`` and ``perm`` came from: ``inverse_permutation(perm)`` rows of
    ``L @ U``."""
    with name_scope(name or "lu_reconstruct"):
        lower_upper = convert_to_tensor(lower_upper, name="lower_upper")
        perm = convert_to_tensor(perm, name="perm")
        lower, upper = _unpack_lu(lower_upper)
        product = math_ops.matmul(lower, upper)
        inverse = _invert_permutation(perm)
        return _permute_rows(product, inverse)


def _invert_permutation(perm):
    # argsort of a permutation is its inverse (works on batches, unlike InvertPermutation).
    from .array_extra_ops import argsort

    return math_ops.cast(argsort(perm, axis=-1), perm.dtype)


def lu_solve(lower_upper, perm, rhs, validate_args=False, name=None):
    """``X`` with ``A @ X = rhs`` for ``A``'s LU factorization ``(lower_upper, perm)``."""
    with name_scope(name or "lu_solve"):
        lower_upper = convert_to_tensor(lower_upper, name="lower_upper")
        perm = convert_to_tensor(perm, name="perm")
        rhs = convert_to_tensor(rhs, dtype=lower_upper.dtype, name="rhs")
        lower, upper = _unpack_lu(lower_upper)
        permuted = _permute_rows(rhs, perm)
        y = matrix_triangular_solve(lower, permuted, lower=True)
        return matrix_triangular_solve(upper, y, lower=False)


def lu_matrix_inverse(lower_upper, perm, validate_args=False, name=None):
    """The inverse of ``A`` from its LU factorization."""
    with name_scope(name or "lu_matrix_inverse"):
        lower_upper = convert_to_tensor(lower_upper, name="lower_upper")
        eye = array_ops.ones_like(matrix_diag_part(lower_upper))
        return lu_solve(lower_upper, perm, matrix_diag(eye))


# -- composites over the SVD -----------------------------------------------------------------------


def _epsilon(dtype):
    return float(np.finfo(_real(dtype).as_numpy_dtype).eps)


def pinv(a, rcond=None, validate_args=False, name=None):
    """Moore-Penrose pseudo-inverse through the SVD; singular values at most
    ``rcond * max(s)`` (default ``10 * max(m, n) * eps``) count as zero."""
    with name_scope(name or "pinv"):
        a = convert_to_tensor(a, name="a")
        if not (a.dtype.is_floating or a.dtype.is_complex):
            raise TypeError(f"pinv needs a float or complex matrix, got {a.dtype.name}")
        if rcond is None:
            dims = a.shape.as_list()[-2:]
            if None in dims:
                shape = math_ops.cast(array_ops.shape(a)[-2:], _real(a.dtype))
                rcond = 10.0 * math_ops.reduce_max(shape) * _epsilon(a.dtype)
            else:
                rcond = 10.0 * max(dims) * _epsilon(a.dtype)
        s, u, v = svd(a, full_matrices=False, compute_uv=True)
        cutoff = rcond * math_ops.reduce_max(s, -1, keepdims=True)
        big = math_ops.greater(s, cutoff)
        inverse_s = array_ops.where_v2(big, math_ops.reciprocal(
            array_ops.where_v2(big, s, array_ops.ones_like(s))), array_ops.zeros_like(s))
        if a.dtype.is_complex:
            inverse_s = math_ops.cast(inverse_s, a.dtype)
        scaled = v * array_ops.expand_dims(inverse_s, -2)
        return math_ops.matmul(scaled, u, adjoint_b=True)


def matrix_rank(a, tol=None, validate_args=False, name=None):
    """The number of singular values above ``tol`` (default ``eps * max(m, n) * max(s)``)."""
    with name_scope(name or "matrix_rank"):
        a = convert_to_tensor(a, name="a")
        s = svd(a, compute_uv=False)
        if tol is None:
            dims = a.shape.as_list()[-2:]
            if None in dims:
                size = math_ops.cast(math_ops.reduce_max(array_ops.shape(a)[-2:]), s.dtype)
            else:
                size = float(max(dims))
            tol = _epsilon(a.dtype) * size * math_ops.reduce_max(s, -1, keepdims=True)
        above = math_ops.greater(s, tol)
        return math_ops.reduce_sum(math_ops.cast(above, dtypes.int32), -1)


# -- matrix functions ------------------------------------------------------------------------------

# Pade coefficients of degree 13 and the 1-norm bound below which scaling is not needed
# (Higham, "The scaling and squaring method for the matrix exponential revisited", 2005).
_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
           129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
           40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_THETA13 = 5.371920351148152


def _expm_one(a):
    norm = np.abs(a).sum(axis=0).max() if a.size else 0.0
    squarings = max(0, int(np.ceil(np.log2(norm / _THETA13)))) if norm > _THETA13 else 0
    a = a / (2.0 ** squarings)
    eye = np.eye(a.shape[0], dtype=a.dtype)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    b = _PADE13
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2
             + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 \
        + b[0] * eye
    result = np.linalg.solve(v - u, v + u)
    for _ in range(squarings):
        result = result @ result
    return result


def _expm_kernel(attrs):
    def expm(x):
        wide = np.complex128 if np.iscomplexobj(x) else np.float64
        flat = x.reshape(-1, *x.shape[-2:]).astype(wide)
        out = np.stack([_expm_one(m) for m in flat]) if len(flat) else flat
        return out.reshape(x.shape).astype(x.dtype)

    return expm


def _logm_kernel(attrs):
    def logm(x):
        values, vectors = np.linalg.eig(x.astype(np.complex128))
        logs = vectors @ (np.log(values)[..., None] * np.linalg.inv(vectors))
        return logs.astype(x.dtype)

    return logm


def _sqrtm_kernel(attrs):
    def sqrtm(x):
        values, vectors = np.linalg.eig(x.astype(np.complex128))
        roots = vectors @ (np.sqrt(values)[..., None] * np.linalg.inv(vectors))
        if not np.iscomplexobj(x):
            # A real matrix with eigenvalues on the negative axis has no real root: NaN, as
            # TensorFlow's real Schur method gives.
            negative = np.any((np.abs(values.imag) <= 1e-12 * np.abs(values).max(initial=1))
                              & (values.real < 0), axis=-1)
            roots = np.where(negative[..., None, None], np.nan, roots.real)
        return roots.astype(x.dtype)

    return sqrtm


def _same_square(op):
    dims = _square_dims(op)
    return [unknown_shape() if dims is None else TensorShape(list(dims))]


register_op("MatrixExponential", _expm_kernel, _same_square,
            signature=signature("input: T -> output: T", T=_FLOAT_TYPES))
register_op("MatrixLogarithm", _logm_kernel, _same_square,
            signature=signature("input: T -> output: T", T=COMPLEX))
register_op("MatrixSquareRoot", _sqrtm_kernel, _same_square,
            signature=signature("input: T -> output: T", T=FLOAT_COMPLEX))
NotDifferentiable("MatrixLogarithm")
NotDifferentiable("MatrixSquareRoot")


def expm(input, name=None):  # noqa: A002
    """The matrix exponential ``sum_k input**k / k!`` (Pade approximation with scaling and
    squaring, in float64 whatever the input's precision)."""
    x = convert_to_tensor(input, name="input")
    return make_op("MatrixExponential", [x], [x.dtype], None, name).outputs[0]


def logm(input, name=None):  # noqa: A002
    """The principal matrix logarithm of complex matrices (TensorFlow takes complex only)."""
    x = convert_to_tensor(input, name="input")
    return make_op("MatrixLogarithm", [x], [x.dtype], None, name).outputs[0]


def matrix_square_root(input, name=None):  # noqa: A002
    """The principal square root ``r`` with ``r @ r = input``."""
    x = convert_to_tensor(input, name="input")
    return make_op("MatrixSquareRoot", [x], [x.dtype], None, name).outputs[0]


# -- tridiagonal matrices --------------------------------------------------------------------------


def _dense_tridiagonal(superdiag, maindiag, subdiag):
    """The dense matrix with the three diagonals (``superdiag[..., -1]`` and
    ``subdiag[..., 0]`` are ignored)."""
    size = maindiag.shape.as_list()[-1]
    if size is None:
        raise ValueError("tridiagonal ops need the matrix size known when the graph is built")
    dtype = maindiag.dtype.as_numpy_dtype
    up = convert_to_tensor(np.eye(size, k=1, dtype=dtype))
    down = convert_to_tensor(np.eye(size, k=-1, dtype=dtype))
    return (matrix_diag(maindiag) + array_ops.expand_dims(superdiag, -1) * up
            + array_ops.expand_dims(subdiag, -1) * down)


def _diagonals(diagonals, diagonals_format):
    if diagonals_format == "compact":
        diagonals = convert_to_tensor(diagonals, name="diagonals")
        dims = diagonals.shape.as_list()
        if dims and dims[-2] not in (None, 3):
            raise ValueError(f"Expected diagonals to have shape [..., 3, M], got {dims}")
        return diagonals[..., 0, :], diagonals[..., 1, :], diagonals[..., 2, :]
    if diagonals_format == "sequence":
        if not isinstance(diagonals, list | tuple) or len(diagonals) != 3:
            raise ValueError("Expected diagonals to be a sequence of length 3.")
        main = convert_to_tensor(diagonals[1], name="maindiag")
        return (convert_to_tensor(diagonals[0], dtype=main.dtype, name="superdiag"), main,
                convert_to_tensor(diagonals[2], dtype=main.dtype, name="subdiag"))
    if diagonals_format == "matrix":
        matrix = convert_to_tensor(diagonals, name="diagonals")
        main = matrix_diag_part(matrix)
        zero = array_ops.zeros_like(main[..., :1])
        upper = matrix_diag_part(matrix[..., :-1, 1:])
        lower = matrix_diag_part(matrix[..., 1:, :-1])
        return (array_ops.concat([upper, zero], -1), main,
                array_ops.concat([zero, lower], -1))
    raise ValueError(f"Unrecognized diagonals_format: {diagonals_format}")


def tridiagonal_solve(diagonals, rhs, diagonals_format="compact", transpose_rhs=False,
                      conjugate_rhs=False, name=None, partial_pivoting=True):
    """Solve ``A X = rhs`` for a tridiagonal ``A`` given as its three diagonals
    (``compact``: ``[..., 3, M]``; ``sequence``: three ``[..., M]``; ``matrix``)."""
    with name_scope(name or "tridiagonal_solve"):
        superdiag, maindiag, subdiag = _diagonals(diagonals, diagonals_format)
        rhs = convert_to_tensor(rhs, dtype=maindiag.dtype, name="rhs")
        if transpose_rhs:
            rhs = matrix_transpose(rhs)
        if conjugate_rhs and rhs.dtype.is_complex:
            rhs = math_ops.conj(rhs)  # complex support: math_ops.conj (tf.conj)
        vector = rhs.shape.ndims == maindiag.shape.ndims
        if vector:
            rhs = array_ops.expand_dims(rhs, -1)
        matrix = _dense_tridiagonal(superdiag, maindiag, subdiag)
        solution = matrix_solve(matrix, rhs)
        return array_ops.squeeze(solution, [-1]) if vector else solution


def tridiagonal_matmul(diagonals, rhs, diagonals_format="compact", name=None):
    """``A @ rhs`` for a tridiagonal ``A`` given as its diagonals."""
    with name_scope(name or "tridiagonal_matmul"):
        superdiag, maindiag, subdiag = _diagonals(diagonals, diagonals_format)
        rhs = convert_to_tensor(rhs, dtype=maindiag.dtype, name="rhs")
        return math_ops.matmul(_dense_tridiagonal(superdiag, maindiag, subdiag), rhs)
