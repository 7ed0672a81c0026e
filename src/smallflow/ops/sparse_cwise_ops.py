"""Element-wise SparseTensor-by-dense arithmetic: the ``SparseDenseCwiseMul``/``Div`` ops,
their gradients, and the ``*`` and ``/`` operators of SparseTensor that build them.

As in TensorFlow 1.x, only the dense side broadcasts (to the sparse operand's dense shape),
the result keeps the sparse operand's indices and shape, and only the stored entries are
computed: ``sp * dense`` leaves the missing entries missing (zero), which is what sparse
dropout (``sparse_retain`` then ``* (1 / keep_prob)``) relies on.
"""

import numpy as np

from .. import dtypes
from ..graph import convert_to_tensor, get_default_graph
from ..op_signature import NUMBERS, signature
from ..registry import RegisterGradient, register_op
from . import array_extra_ops, array_ops, math_ops
from .common import make_op
from .sparse_math_ops import sparse_add
from .sparse_ops import _error
from .sparse_tensor import SparseTensor

__all__ = []



def _dense_at_entries(indices, shape, dense):
    """The dense operand broadcast to the sparse shape, read at the stored entries."""
    shape = tuple(int(d) for d in shape)
    if dense.ndim > len(shape) or any(
            d != 1 and d != s for d, s in zip(dense.shape[::-1], shape[::-1])):
        raise _error(f"SparseDenseBinaryOpShared broadcasts dense to sparse only; got "
                     f"incompatible shapes: [{','.join(map(str, dense.shape))}] vs. "
                     f"[{','.join(map(str, shape))}]")
    if len(indices) == 0:
        return np.zeros(0, dense.dtype)
    return np.broadcast_to(dense, shape)[tuple(indices.T)]


def _cwise_kernel(op_type):
    def kernel(attrs):
        def run(sp_indices, sp_values, sp_shape, dense):
            other = _dense_at_entries(sp_indices, sp_shape, dense)
            if op_type == "SparseDenseCwiseMul":
                return (sp_values * other).astype(sp_values.dtype)
            if sp_values.dtype.kind in "iu":
                if np.any(other == 0):
                    raise _error("Integer division by zero")
                # C's truncating division, as TensorFlow's integer kernels
                quotient = np.abs(sp_values) // np.abs(other)
                return (quotient * np.sign(sp_values) * np.sign(other)).astype(sp_values.dtype)
            with np.errstate(divide="ignore", invalid="ignore"):
                return (sp_values / other).astype(sp_values.dtype)

        return run

    return kernel


for _op_type in ("SparseDenseCwiseMul", "SparseDenseCwiseDiv"):
    register_op(_op_type, _cwise_kernel(_op_type), lambda op: [op.inputs[1].shape],
                signature=signature("sp_indices: int64, sp_values: T, sp_shape: int64, "
                                    "dense: T -> output: T", T=NUMBERS))


def _cwise(op_type, sp_x, y, name):
    values = make_op(op_type, [sp_x.indices, sp_x.values, sp_x.dense_shape, y],
                     [sp_x.dtype], None, name).outputs[0]
    return SparseTensor(sp_x.indices, values, sp_x.dense_shape)


def _sparse_operator(op_type, default_name, true_division=False):
    # TensorFlow's SparseTensor operators: the scope opens first, so a Python operand
    # becomes ``mul/y``; the op takes the scope's name.
    def operator(sp_x, y):
        with get_default_graph().name_scope(default_name) as scope:
            y = convert_to_tensor(y, dtype=sp_x.dtype.base_dtype, name="y")
            if true_division and sp_x.dtype.is_integer:
                target = dtypes.float32 if sp_x.dtype.size <= 2 else dtypes.float64
                sp_x = SparseTensor(sp_x.indices, math_ops.cast(sp_x.values, target),
                                    sp_x.dense_shape)
                y = math_ops.cast(y, target)
            return _cwise(op_type, sp_x, y, scope)

    return operator


SparseTensor.__mul__ = _sparse_operator("SparseDenseCwiseMul", "mul")
SparseTensor.__truediv__ = _sparse_operator("SparseDenseCwiseDiv", "truediv",
                                            true_division=True)
SparseTensor.__div__ = _sparse_operator("SparseDenseCwiseDiv", "div")


def _mul_or_div_grad(op, grad, is_mul):
    # The dense operand's entries each stored value met (after broadcasting), as TensorFlow
    # computes them: the sparse indices divided by the broadcast factor per dimension.
    x_indices, x_values, x_shape, y = op.inputs
    y_shape = math_ops.cast(array_ops.shape(y), dtypes.int64)
    added = array_ops.expand_dims(array_ops.size(x_shape) - array_ops.size(y_shape), 0)
    padded_y_shape = array_ops.concat(
        [array_ops.ones(added, dtype=dtypes.int64), y_shape], 0)
    scaling = math_ops.floordiv(x_shape, padded_y_shape)
    scaled = math_ops.floordiv(x_indices, scaling)
    scaled = array_ops.slice(scaled, array_ops.concat([[0], math_ops.cast(added, dtypes.int32)],
                                                      0), [-1, -1])
    dense_values = array_extra_ops.gather_nd(y, scaled)
    if is_mul:
        x_grad = grad * dense_values
        y_values_grad = grad * x_values
    else:
        x_grad = grad / dense_values
        y_values_grad = grad * (-x_values / math_ops.square(dense_values))
    y_grad = sparse_add(array_ops.zeros_like(y), SparseTensor(scaled, y_values_grad, y_shape))
    return None, x_grad, None, y_grad


@RegisterGradient("SparseDenseCwiseMul")
def _sparse_dense_cwise_mul_grad(op, grad):
    return _mul_or_div_grad(op, grad, True)


@RegisterGradient("SparseDenseCwiseDiv")
def _sparse_dense_cwise_div_grad(op, grad):
    return _mul_or_div_grad(op, grad, False)

