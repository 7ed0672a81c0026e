"""Matrix multiplication and add_n."""

import functools

import numpy as np

from ..graph import ShapeError, convert_to_tensor, get_default_graph, is_tensor_like
from ..matmul_forms import product_transposed_b
from ..op_signature import FLOAT_INT_COMPLEX, NUMBERS, signature
from ..registry import register_op
from ..tensor_shape import TensorShape, unknown_shape
from .common import (
    binary_inputs,
    broadcast_static,
    make_op,
    merge_shapes,
)

# -- matrix multiplication ---------------------------------------------------------------------


def _matmul_transposed_b(a, b):
    if type(a) is np.ndarray and type(b) is np.ndarray and a.ndim == 2 and b.ndim == 2:
        return product_transposed_b(a, b)
    return np.matmul(a, b.swapaxes(-1, -2))


def _matmul_kernel(attrs):
    transpose_a = attrs["transpose_a"]
    transpose_b = attrs["transpose_b"]
    if not transpose_a and not transpose_b:
        return np.matmul
    if transpose_a and not transpose_b:
        return lambda a, b: np.matmul(a.swapaxes(-1, -2), b)
    if transpose_b and not transpose_a:
        return _matmul_transposed_b
    return lambda a, b: np.matmul(a.swapaxes(-1, -2), b.swapaxes(-1, -2))


def _matmul_static(op):
    a = op.inputs[0].shape
    b = op.inputs[1].shape
    if a.ndims is None or b.ndims is None:
        return [unknown_shape()]
    if op.type == "MatMul" and (a.ndims != 2 or b.ndims != 2):
        raise ShapeError(f"Shape must be rank 2 but is rank {a.ndims if a.ndims != 2 else b.ndims}")
    a_dims = a.as_list()
    b_dims = b.as_list()
    if op.attrs["transpose_a"]:
        a_dims[-1], a_dims[-2] = a_dims[-2], a_dims[-1]
    if op.attrs["transpose_b"]:
        b_dims[-1], b_dims[-2] = b_dims[-2], b_dims[-1]
    inner_a = a_dims[-1]
    inner_b = b_dims[-2]
    if inner_a is not None and inner_b is not None and inner_a != inner_b:
        raise ShapeError(f"Dimensions must be equal, but are {inner_a} and {inner_b}")
    batch = TensorShape([])
    if len(a_dims) > 2 or len(b_dims) > 2:
        batch = broadcast_static(TensorShape(a_dims[:-2]), TensorShape(b_dims[:-2]))
    return [batch.concatenate([a_dims[-2], b_dims[-1]])]


register_op("MatMul", _matmul_kernel, _matmul_static,
            signature=signature("a: T, b: T -> product: T", T=FLOAT_INT_COMPLEX))
register_op("BatchMatMulV2", _matmul_kernel, _matmul_static,
            signature=signature("x: T, y: T -> output: T", T=FLOAT_INT_COMPLEX))


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None):
    """Matrix product ``a @ b`` (batched when the ranks are above 2)."""
    if not (is_tensor_like(a) and is_tensor_like(b)) and not (name or "").endswith("/"):
        # Python operands become constants inside the op's scope (``MatMul/b``).
        with get_default_graph().name_scope(name or "MatMul") as scope:
            return matmul(a, b, transpose_a, transpose_b, adjoint_a, adjoint_b, a_is_sparse,
                          b_is_sparse, scope)
    for side, transpose, adjoint in (("a", transpose_a, adjoint_a), ("b", transpose_b,
                                                                      adjoint_b)):
        if transpose and adjoint:
            raise ValueError(f"Only one of transpose_{side} and adjoint_{side} can be True.")
    a, b = binary_inputs("MatMul", a, b, names=("a", "b"))
    # The adjoint is the conjugate transpose: a complex operand is conjugated, then
    # transposed by the op (a real one only transposed).
    if adjoint_a and a.dtype.is_complex:
        a = make_op("Conj", [a], [a.dtype], None, None, "Conj").outputs[0]
    if adjoint_b and b.dtype.is_complex:
        b = make_op("Conj", [b], [b.dtype], None, None, "Conj_1").outputs[0]
    attrs = {"transpose_a": bool(transpose_a or adjoint_a),
             "transpose_b": bool(transpose_b or adjoint_b)}
    rank_a = a.shape.ndims
    rank_b = b.shape.ndims
    # Rank 0 or 1 operands go to MatMul, whose shape function reports them as TF does.
    batched = (rank_a or 0) > 2 or (rank_b or 0) > 2
    op_type = "BatchMatMulV2" if batched else "MatMul"
    return make_op(op_type, [a, b], [a.dtype], attrs, name).outputs[0]


def _add_n_kernel(attrs):
    return lambda *values: functools.reduce(np.add, values)


register_op("AddN", _add_n_kernel, lambda op: [merge_shapes([t.shape for t in op.inputs])],
            signature=signature("inputs: N * T -> sum: T", T=NUMBERS))


def add_n(inputs, name=None):
    """Sum a list of tensors of one shape and dtype."""
    if not inputs or not isinstance(inputs, list | tuple):
        raise ValueError("inputs must be a list of at least one Tensor with the same dtype "
                         "and shape")
    tensors = [convert_to_tensor(t) for t in inputs]
    if len(tensors) == 1 and name is None:
        return tensors[0]
    for t in tensors[1:]:
        if t.dtype != tensors[0].dtype:
            raise TypeError(f"add_n: inputs must have one dtype, got {tensors[0].dtype.name} "
                            f"and {t.dtype.name}")
    return make_op("AddN", tensors, [tensors[0].dtype], None, name).outputs[0]


