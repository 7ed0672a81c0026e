"""Gradients of the sparse ops with respect to their ``values`` (and dense operands), as
TensorFlow defines them; indices and shapes get None."""

from .. import dtypes
from ..registry import RegisterGradient
from . import array_extra_ops, array_ops, math_ops
from .common import make_op
from .sparse_math_ops import sparse_reduce_sum, sparse_tensor_dense_matmul
from .sparse_tensor import SparseTensor


@RegisterGradient("SparseToDense")
def _sparse_to_dense_grad(op, grad):
    indices = op.inputs[0]
    if indices.shape.ndims == 1:
        indices = array_ops.expand_dims(indices, 1)
    values_grad = array_extra_ops.gather_nd(grad, indices)
    if op.inputs[0].shape.ndims == 0:
        values_grad = array_ops.reshape(values_grad, [])
    default_grad = math_ops.reduce_sum(grad) - math_ops.reduce_sum(values_grad)
    return None, None, values_grad, default_grad


@RegisterGradient("SparseReorder")
def _sparse_reorder_grad(op, _indices_grad, values_grad):
    # Sorting the positions 0..n-1 the same way tells where each input value went.
    indices = op.inputs[0]
    count = array_ops.shape(indices, out_type=dtypes.int64)[0]
    positions = math_ops.range(count)
    _, moved = make_op("SparseReorder", [indices, positions, op.inputs[2]],
                       [dtypes.int64, dtypes.int64]).outputs
    inverse = _invert(moved)
    grad = array_ops.gather(values_grad, inverse)
    grad.set_shape(op.inputs[1].shape)
    return None, grad, None


@RegisterGradient("SparseSlice")
def _sparse_slice_grad(op, _indices_grad, values_grad, _shape_grad):
    # Slicing the positions 0..n-1 the same way tells which input values were kept; their
    # gradients come back there, the others get zero (TensorFlow's SparseSliceGrad).
    indices, _, shape, start, size = op.inputs
    count = array_ops.shape(indices, out_type=dtypes.int64)[0]
    _, kept, _ = make_op("SparseSlice", [indices, math_ops.range(count), shape, start, size],
                         [dtypes.int64, dtypes.int64, dtypes.int64]).outputs
    grad = array_extra_ops.scatter_nd(array_ops.expand_dims(kept, 1), values_grad,
                                      array_ops.expand_dims(count, 0))
    grad.set_shape(op.inputs[1].shape)
    return None, grad, None, None, None


def _invert(permutation):
    from .array_extra_ops import argsort

    return argsort(permutation)


@RegisterGradient("SparseAdd")
def _sparse_add_grad(op, _indices_grad, values_grad, _shape_grad):
    a_indices, b_indices = op.inputs[0], op.inputs[3]
    a_grad, b_grad = make_op("SparseAddGrad", [values_grad, a_indices, b_indices,
                                               op.outputs[0]],
                             [values_grad.dtype, values_grad.dtype]).outputs
    return None, a_grad, None, None, b_grad, None, None


@RegisterGradient("SparseTensorDenseAdd")
def _sparse_dense_add_grad(op, grad):
    return None, array_extra_ops.gather_nd(grad, op.inputs[0]), None, grad


@RegisterGradient("SparseReduceSum")
def _sparse_reduce_sum_grad(op, grad):
    # Each value receives the output gradient of the cell it was summed into.
    indices, _, shape, axes = op.inputs
    keep_shape = make_op("SparseReduceSum", [indices, array_ops.ones_like(op.inputs[1]), shape,
                                             axes], [op.inputs[1].dtype],
                         {"keep_dims": True}).outputs[0]
    kept = array_ops.reshape(grad, array_ops.shape(keep_shape))
    scale = math_ops.cast(math_ops.equal(array_ops.shape(keep_shape, out_type=dtypes.int64),
                                         shape), dtypes.int64)
    return None, array_extra_ops.gather_nd(kept, indices * scale), None, None


@RegisterGradient("SparseSoftmax")
def _sparse_softmax_grad(op, grad):
    indices, _, shape = op.inputs
    out = op.outputs[0]
    product = SparseTensor(indices, out * grad, shape)
    row_sums = sparse_reduce_sum(product, [-1], keepdims=True)
    rank = array_ops.shape(indices, out_type=dtypes.int64)[1]
    last = math_ops.cast(math_ops.equal(math_ops.range(rank), rank - 1), dtypes.int64)
    at_row = indices * (1 - last)  # the row's cell in the [..., 1] sums
    return None, (grad - array_extra_ops.gather_nd(row_sums, at_row)) * out, None


@RegisterGradient("SparseTensorDenseMatMul")
def _sparse_dense_matmul_grad(op, grad):
    indices, values, shape, b = op.inputs
    adjoint_a, adjoint_b = op.attrs["adjoint_a"], op.attrs["adjoint_b"]
    sp_a = SparseTensor(indices, values, shape)
    # d b: A^H grad (transposed back when b was used adjoint).
    b_grad = sparse_tensor_dense_matmul(sp_a, grad, adjoint_a=not adjoint_a)
    if adjoint_b:
        b_grad = math_ops.conj(array_ops.transpose(b_grad)) if b.dtype.is_complex else \
            array_ops.transpose(b_grad)
    rows = indices[:, 0]
    cols = indices[:, 1]
    if adjoint_a:
        rows, cols = cols, rows
    dense_b = array_ops.transpose(b) if adjoint_b else b
    picked_b = array_ops.gather(dense_b, cols)
    picked_grad = array_ops.gather(grad, rows)
    values_grad = math_ops.reduce_sum(picked_grad * picked_b, 1)
    return None, values_grad, None, b_grad


@RegisterGradient("SparseFillEmptyRows")
def _sparse_fill_empty_rows_grad(op, _indices_grad, values_grad, _empty_grad, _map_grad):
    reverse = op.outputs[3]
    kept = array_ops.gather(values_grad, reverse)
    default_grad = math_ops.reduce_sum(values_grad) - math_ops.reduce_sum(kept)
    return None, kept, None, default_grad
