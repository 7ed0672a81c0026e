"""Gradients of the linear-algebra ops (the formulas of Giles 2008, as TensorFlow uses)."""

from ..registry import RegisterGradient
from . import array_ops, linalg_ops, math_ops


def _t(x):
    return linalg_ops.matrix_transpose(x)


@RegisterGradient("MatrixInverse")
def _matrix_inverse_grad(op, grad):
    inverse = op.outputs[0]
    if op.attrs["adjoint"]:
        return -math_ops.matmul(inverse, math_ops.matmul(grad, inverse, adjoint_a=True))
    return -math_ops.matmul(inverse, math_ops.matmul(grad, inverse, adjoint_b=True),
                            adjoint_a=True)


@RegisterGradient("MatrixDeterminant")
def _matrix_determinant_grad(op, grad):
    a = op.inputs[0]
    scale = array_ops.expand_dims(array_ops.expand_dims(grad * op.outputs[0], -1), -1)
    return scale * linalg_ops.matrix_inverse(a, adjoint=True)


@RegisterGradient("LogMatrixDeterminant")
def _log_matrix_determinant_grad(op, _sign_grad, grad):
    a = op.inputs[0]
    scale = array_ops.expand_dims(array_ops.expand_dims(grad, -1), -1)
    return scale * linalg_ops.matrix_inverse(a, adjoint=True)


@RegisterGradient("MatrixSolve")
def _matrix_solve_grad(op, grad):
    a = op.inputs[0]
    adjoint = op.attrs["adjoint"]
    x = op.outputs[0]
    grad_b = linalg_ops.matrix_solve(a, grad, adjoint=not adjoint)
    if adjoint:
        grad_a = -math_ops.matmul(x, grad_b, adjoint_b=True)
    else:
        grad_a = -math_ops.matmul(grad_b, x, adjoint_b=True)
    return grad_a, grad_b


@RegisterGradient("MatrixTriangularSolve")
def _matrix_triangular_solve_grad(op, grad):
    a = op.inputs[0]
    lower = op.attrs["lower"]
    adjoint = op.attrs["adjoint"]
    c = op.outputs[0]
    grad_b = linalg_ops.matrix_triangular_solve(a, grad, lower=lower, adjoint=not adjoint)
    if adjoint:
        grad_a = -math_ops.matmul(c, grad_b, adjoint_b=True)
    else:
        grad_a = -math_ops.matmul(grad_b, c, adjoint_b=True)
    if lower:
        grad_a = linalg_ops.matrix_band_part(grad_a, -1, 0)
    else:
        grad_a = linalg_ops.matrix_band_part(grad_a, 0, -1)
    return grad_a, grad_b


@RegisterGradient("Cholesky")
def _cholesky_grad(op, grad):
    lower = op.outputs[0]
    size = lower.shape.as_list()[-1]
    if size is None:
        raise ValueError(f"The gradient of {op.name} needs the matrix size known")
    identity = linalg_ops.eye(size, dtype=lower.dtype)
    identity = identity + array_ops.zeros_like(lower)
    lower_inverse = linalg_ops.matrix_triangular_solve(lower, identity)
    middle = math_ops.matmul(lower, grad, adjoint_a=True)
    middle = middle - 0.5 * linalg_ops.matrix_band_part(middle, 0, 0)
    middle = linalg_ops.matrix_band_part(middle, -1, 0)
    grad_a = math_ops.matmul(math_ops.matmul(lower_inverse, middle, adjoint_a=True),
                             lower_inverse)
    grad_a = grad_a + _t(grad_a)
    return grad_a * 0.5


@RegisterGradient("Einsum")
def _einsum_grad(op, grad):
    """Each operand's gradient is an einsum of the output's gradient with the other
    operands; axes summed in that operand alone are broadcast back."""
    subscripts, output = linalg_ops._parse_equation(op.attrs["equation"], len(op.inputs))
    grads = []
    for index, (full, tensor) in enumerate(zip(subscripts, op.inputs)):
        # A repeated subscript ('ii') reads a diagonal: differentiate w.r.t. the diagonal
        # (each letter once), then put that back on the diagonal.
        subscript = "".join(c for k, c in enumerate(full) if c == "." or c not in full[:k])
        others = [(s, t) for k, (s, t) in enumerate(zip(subscripts, op.inputs)) if k != index]
        available = set(output + "".join(s for s, _ in others))
        present = "".join(c for c in subscript if c in available or c == ".")
        equation = ",".join([output] + [s for s, _ in others]) + "->" + present
        partial = linalg_ops.einsum(equation, grad, *[t for _, t in others])
        if present != subscript:
            # Axes that appear only in this operand were summed: each entry gets the grad.
            expanded = partial
            for axis, c in enumerate(subscript):
                if c not in available:
                    expanded = array_ops.expand_dims(expanded, axis)
            partial = expanded + array_ops.zeros_like(_diagonal_shaped(tensor, full, subscript))
        if subscript != full:
            partial = _onto_diagonal(partial, tensor, full, subscript, op.attrs["equation"])
        grads.append(partial)
    return grads


def _diagonal_shaped(tensor, full, subscript):
    """``tensor`` read with each repeated subscript once (its diagonal), for its shape."""
    if subscript == full:
        return tensor
    return linalg_ops.einsum(f"{full}->{subscript}", tensor)


def _onto_diagonal(partial, tensor, full, subscript, equation):
    """``partial`` (indexed by ``subscript``) placed on the diagonals of ``tensor``'s shape
    (indexed by ``full``, which repeats letters), zeros elsewhere."""
    unused = [c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
              if c not in equation]
    renamed = []
    identities = []
    for axis, c in enumerate(full):
        if c == "." or c not in full[:axis]:
            renamed.append(c)
            continue
        fresh = unused.pop(0)
        renamed.append(fresh)
        size = tensor.shape[axis].value if "." not in full else None
        if size is not None:
            identity = linalg_ops.eye(size, dtype=tensor.dtype)
        else:
            size = array_ops.shape(tensor)[axis - len(full)]
            identity = linalg_ops.matrix_diag(array_ops.ones([size], dtype=tensor.dtype))
        identities.append((c + fresh, identity))
    spec = ",".join([subscript] + [s for s, _ in identities]) + "->" + "".join(renamed)
    return linalg_ops.einsum(spec, partial, *[t for _, t in identities])


@RegisterGradient("Qr")
def _qr_grad(op, dq, dr):
    """For QR of a square or (reduced) tall matrix, as TensorFlow 1.15 supports: a square
    matrix's full and reduced factorizations are the same."""
    a = op.inputs[0]
    q, r = op.outputs
    rows, cols = a.shape.as_list()[-2:]
    if (rows is None or cols is None or rows < cols
            or (op.attrs["full_matrices"] and rows != cols)):
        raise NotImplementedError("QrGrad not implemented when ncols > nrows or "
                                  "full_matrices is true and ncols != nrows.")
    dq = array_ops.zeros_like(q) if dq is None else dq
    dr = array_ops.zeros_like(r) if dr is None else dr
    qdq = math_ops.matmul(q, dq, adjoint_a=True)
    qdq_skew = qdq - _t(qdq)
    rdr = math_ops.matmul(r, dr, adjoint_b=True)
    rdr_skew = rdr - _t(rdr)
    lower = linalg_ops.matrix_band_part(qdq_skew + rdr_skew, -1, 0)

    def solve_right(x):
        # x @ inv(r)^H, as a triangular solve with r.
        return _t(linalg_ops.matrix_triangular_solve(r, _t(x), lower=False, adjoint=False))

    grad_a = math_ops.matmul(q, dr + solve_right(lower))
    grad_b = solve_right(dq - math_ops.matmul(q, qdq))
    return grad_a + grad_b


@RegisterGradient("MatrixSolveLs")
def _matrix_solve_ls_grad(op, grad):
    # Only the robust path (fast=False) is an op; TensorFlow defines no gradient for it.
    raise ValueError("Gradient not defined for fast=False")
