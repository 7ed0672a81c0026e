"""Gradients of the SVD, the symmetric eigendecomposition and the matrix exponential
(the formulas TensorFlow uses: Townsend's for the SVD, Giles' for eigh, the block-triangular
identity for expm). Like TensorFlow, ``Lu`` has none."""

from ..registry import RegisterGradient
from . import array_ops, math_ops
from .linalg_extra_ops import expm, self_adjoint_eig, svd
from .linalg_ops import (
    matrix_band_part,
    matrix_diag,
    matrix_diag_part,
    matrix_set_diag,
    matrix_transpose,
)


def _adjoint(x):
    return matrix_transpose(x)


def _zeros_if_none(grad, like):
    return array_ops.zeros_like(like) if grad is None else grad


def _reciprocal_gaps(values):
    """``f[i, j] = 1 / (values[j] - values[i])`` off the diagonal, 0 on it (chosen with
    ``where``: the diagonal's 1/0 must not reach the result as inf - inf)."""
    gaps = array_ops.expand_dims(values, -2) - array_ops.expand_dims(values, -1)
    diagonal = math_ops.cast(matrix_diag(array_ops.ones_like(values)), "bool")
    safe = array_ops.where_v2(diagonal, array_ops.ones_like(gaps), gaps)
    return array_ops.where_v2(diagonal, array_ops.zeros_like(gaps), math_ops.reciprocal(safe))


@RegisterGradient("SelfAdjointEigV2")
def _self_adjoint_eig_grad(op, grad_e, grad_v):
    e = op.outputs[0]
    grad_e = _zeros_if_none(grad_e, e)
    if op.attrs["compute_v"]:
        v = op.outputs[1]
        grad_v = _zeros_if_none(grad_v, v)
        f = _reciprocal_gaps(e)
        inner = matrix_diag(grad_e) + f * math_ops.matmul(v, grad_v, adjoint_a=True)
    else:
        _, v = self_adjoint_eig(op.inputs[0])
        inner = matrix_diag(grad_e)
    grad_a = math_ops.matmul(v, math_ops.matmul(inner, v, adjoint_b=True))
    # The op reads only the lower triangle: fold the upper part's gradient onto it.
    grad_a = matrix_band_part(grad_a + _adjoint(grad_a), -1, 0)
    return matrix_set_diag(grad_a, 0.5 * matrix_diag_part(grad_a))


@RegisterGradient("Svd")
def _svd_grad(op, grad_s, grad_u, grad_v):
    a = op.inputs[0]
    s = op.outputs[0]
    grad_s = _zeros_if_none(grad_s, s)
    grad_s_mat = matrix_diag(grad_s)
    if not op.attrs["compute_uv"]:
        _, u, v = svd(a, compute_uv=True)
        return math_ops.matmul(u, math_ops.matmul(grad_s_mat, v, adjoint_b=True))
    dims = a.shape.as_list()
    m, n = dims[-2], dims[-1]
    if m is None or n is None:
        raise NotImplementedError("SVD gradient needs the matrix dimensions known")
    full = op.attrs["full_matrices"]
    if full and abs(m - n) > 1:
        raise NotImplementedError("svd gradient is not implemented for abs(m - n) > 1 when "
                                  "full_matrices is True")
    u, v = op.outputs[1], op.outputs[2]
    grad_u = _zeros_if_none(grad_u, u)
    grad_v = _zeros_if_none(grad_v, v)
    transposed = m > n
    if transposed:
        m, n = n, m
        u, v = v, u
        grad_u, grad_v = grad_v, grad_u
    if full:
        u = u[..., :, :m]
        grad_u = grad_u[..., :, :m]
    s_mat = matrix_diag(s)
    f = _reciprocal_gaps(math_ops.square(s))
    v1 = v[..., :, :m]
    grad_v1 = grad_v[..., :, :m]
    f_u = f * math_ops.matmul(u, grad_u, adjoint_a=True)
    f_v = f * math_ops.matmul(v1, grad_v1, adjoint_a=True)
    middle = (grad_s_mat + math_ops.matmul(f_u + _adjoint(f_u), s_mat)
              + math_ops.matmul(s_mat, f_v + _adjoint(f_v)))
    grad_a = math_ops.matmul(u, math_ops.matmul(middle, v1, adjoint_b=True))
    if m != n:
        gv1t = _adjoint(grad_v1)
        rest = gv1t - math_ops.matmul(math_ops.matmul(gv1t, v1), v1, adjoint_b=True)
        if full:
            v2 = v[..., :, m:n]
            grad_v2 = grad_v[..., :, m:n]
            rest = rest - math_ops.matmul(math_ops.matmul(v1, grad_v2, adjoint_a=True), v2,
                                          adjoint_b=True)
        u_s_inv = math_ops.matmul(u, matrix_diag(math_ops.reciprocal(s)))
        grad_a = grad_a + math_ops.matmul(u_s_inv, rest)
    return _adjoint(grad_a) if transposed else grad_a


@RegisterGradient("MatrixExponential")
def _matrix_exponential_grad(op, grad):
    # d expm(A)[G] for the adjoint: the upper-right block of expm([[A^H, G], [0, A^H]]).
    a = op.inputs[0]
    size = a.shape.as_list()[-1]
    if size is None:
        raise NotImplementedError("expm gradient needs the matrix size known")
    a_h = _adjoint(a)
    top = array_ops.concat([a_h, grad], -1)
    bottom = array_ops.concat([array_ops.zeros_like(a_h), a_h], -1)
    block = expm(array_ops.concat([top, bottom], -2))
    return block[..., :size, size:]
