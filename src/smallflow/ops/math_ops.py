"""Math ops: elementwise arithmetic, matmul, reductions and comparisons, with kernels."""

import functools

import numpy as np

from .. import dtypes
from ..graph import ShapeError, Tensor, convert_to_tensor, is_tensor_like
from ..registry import register_op
from ..tensor_shape import TensorShape, unknown_shape
from . import array_ops
from .common import (
    binary_inputs,
    broadcast_shape_fn,
    broadcast_static,
    constant_value,
    make_op,
    make_unary,
    normalize_axes,
    same_shape,
)

# -- elementwise unary ---------------------------------------------------------------------------


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _rsqrt(x):
    return 1 / np.sqrt(x)


def _reciprocal(x):
    return 1 / x


_UNARY_KERNELS = {
    "Neg": np.negative,
    "Abs": np.abs,
    "Square": np.square,
    "Sqrt": np.sqrt,
    "Rsqrt": _rsqrt,
    "Exp": np.exp,
    "Log": np.log,
    "Log1p": np.log1p,
    "Sign": np.sign,
    "Reciprocal": _reciprocal,
    "Tanh": np.tanh,
    "Sigmoid": _sigmoid,
    "Floor": np.floor,
    "Ceil": np.ceil,
    "Round": np.rint,
    "LogicalNot": np.logical_not,
}

# Written out so that every registration can be found by reading.
register_op("Neg", lambda attrs: _UNARY_KERNELS["Neg"], same_shape)
register_op("Abs", lambda attrs: _UNARY_KERNELS["Abs"], same_shape)
register_op("Square", lambda attrs: _UNARY_KERNELS["Square"], same_shape)
register_op("Sqrt", lambda attrs: _UNARY_KERNELS["Sqrt"], same_shape)
register_op("Rsqrt", lambda attrs: _UNARY_KERNELS["Rsqrt"], same_shape)
register_op("Exp", lambda attrs: _UNARY_KERNELS["Exp"], same_shape)
register_op("Log", lambda attrs: _UNARY_KERNELS["Log"], same_shape)
register_op("Log1p", lambda attrs: _UNARY_KERNELS["Log1p"], same_shape)
register_op("Sign", lambda attrs: _UNARY_KERNELS["Sign"], same_shape)
register_op("Reciprocal", lambda attrs: _UNARY_KERNELS["Reciprocal"], same_shape)
register_op("Tanh", lambda attrs: _UNARY_KERNELS["Tanh"], same_shape)
register_op("Sigmoid", lambda attrs: _UNARY_KERNELS["Sigmoid"], same_shape)
register_op("Floor", lambda attrs: _UNARY_KERNELS["Floor"], same_shape)
register_op("Ceil", lambda attrs: _UNARY_KERNELS["Ceil"], same_shape)
register_op("Round", lambda attrs: _UNARY_KERNELS["Round"], same_shape)
register_op("LogicalNot", lambda attrs: _UNARY_KERNELS["LogicalNot"], same_shape)


def negative(x, name=None):
    return make_unary("Neg", x, name)


def abs(x, name=None):  # noqa: A001 - TensorFlow's public name
    return make_unary("Abs", x, name)


def square(x, name=None):
    return make_unary("Square", x, name)


def sqrt(x, name=None):
    return make_unary("Sqrt", x, name)


def rsqrt(x, name=None):
    return make_unary("Rsqrt", x, name)


def exp(x, name=None):
    return make_unary("Exp", x, name)


def log(x, name=None):
    """Natural logarithm; ``log(0)`` is ``-inf``."""
    return make_unary("Log", x, name)


def log1p(x, name=None):
    return make_unary("Log1p", x, name)


def sign(x, name=None):
    return make_unary("Sign", x, name)


def reciprocal(x, name=None):
    return make_unary("Reciprocal", x, name)


def tanh(x, name=None):
    return make_unary("Tanh", x, name)


def sigmoid(x, name=None):
    return make_unary("Sigmoid", x, name)


def floor(x, name=None):
    return make_unary("Floor", x, name)


def ceil(x, name=None):
    return make_unary("Ceil", x, name)


def round(x, name=None):  # noqa: A001
    """Round half to even, as TensorFlow does."""
    return make_unary("Round", x, name)


def logical_not(x, name=None):
    return make_unary("LogicalNot", x, name)


# -- elementwise binary (NumPy broadcasting) ---------------------------------------------------


def _div_no_nan(x, y):
    safe = np.where(y == 0, np.ones_like(y), y)
    return np.where(y == 0, np.zeros_like(x), x / safe)


register_op("Add", lambda attrs: np.add, broadcast_shape_fn)
register_op("AddV2", lambda attrs: np.add, broadcast_shape_fn)
register_op("Sub", lambda attrs: np.subtract, broadcast_shape_fn)
register_op("Mul", lambda attrs: np.multiply, broadcast_shape_fn)
register_op("RealDiv", lambda attrs: np.true_divide, broadcast_shape_fn)
register_op("FloorDiv", lambda attrs: np.floor_divide, broadcast_shape_fn)
register_op("FloorMod", lambda attrs: np.mod, broadcast_shape_fn)
register_op("Pow", lambda attrs: np.power, broadcast_shape_fn)
register_op("Maximum", lambda attrs: np.maximum, broadcast_shape_fn)
register_op("Minimum", lambda attrs: np.minimum, broadcast_shape_fn)
register_op("DivNoNan", lambda attrs: _div_no_nan, broadcast_shape_fn)
register_op("SquaredDifference", lambda attrs: lambda x, y: np.square(x - y), broadcast_shape_fn)
register_op("Equal", lambda attrs: np.equal, broadcast_shape_fn)
register_op("NotEqual", lambda attrs: np.not_equal, broadcast_shape_fn)
register_op("Less", lambda attrs: np.less, broadcast_shape_fn)
register_op("LessEqual", lambda attrs: np.less_equal, broadcast_shape_fn)
register_op("Greater", lambda attrs: np.greater, broadcast_shape_fn)
register_op("GreaterEqual", lambda attrs: np.greater_equal, broadcast_shape_fn)
register_op("LogicalAnd", lambda attrs: np.logical_and, broadcast_shape_fn)
register_op("LogicalOr", lambda attrs: np.logical_or, broadcast_shape_fn)

_BOOL_OUTPUT = frozenset(
    {"Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual", "LogicalAnd",
     "LogicalOr"}
)


def _binary(op_type, x, y, name=None, default_name=None):
    x, y = binary_inputs(op_type, x, y)
    out_dtype = dtypes.bool if op_type in _BOOL_OUTPUT else x.dtype
    return make_op(op_type, [x, y], [out_dtype], None, name, default_name).outputs[0]


def add(x, y, name=None):
    return _binary("Add", x, y, name)


def subtract(x, y, name=None):
    return _binary("Sub", x, y, name)


def multiply(x, y, name=None):
    return _binary("Mul", x, y, name)


def _truediv(x, y, name=None, default_name="truediv"):
    x, y = binary_inputs("RealDiv", x, y)
    if x.dtype.is_integer:
        small = x.dtype.size <= 2
        target = dtypes.float32 if small else dtypes.float64
        x = array_ops.cast(x, target)
        y = array_ops.cast(y, target)
    return _binary("RealDiv", x, y, name, default_name)


def truediv(x, y, name=None):
    return _truediv(x, y, name)


def divide(x, y, name=None):
    """``x / y`` with true division (integers are converted to floats first)."""
    return _truediv(x, y, name)


def realdiv(x, y, name=None):
    return _binary("RealDiv", x, y, name)


def div_no_nan(x, y, name=None):
    """``x / y``, or 0 where ``y`` is 0."""
    return _binary("DivNoNan", x, y, name)


def div(x, y, name=None):
    """Python 2 style division: floor division for integers, true division for floats."""
    x, y = binary_inputs("Div", x, y)
    if x.dtype.is_integer:
        return _binary("FloorDiv", x, y, name, "div")
    return _binary("RealDiv", x, y, name, "div")


def floordiv(x, y, name=None):
    return _binary("FloorDiv", x, y, name, "floordiv")


def floormod(x, y, name=None):
    return _binary("FloorMod", x, y, name)


mod = floormod


def pow(x, y, name=None):  # noqa: A001
    return _binary("Pow", x, y, name)


def maximum(x, y, name=None):
    return _binary("Maximum", x, y, name)


def minimum(x, y, name=None):
    return _binary("Minimum", x, y, name)


def squared_difference(x, y, name=None):
    return _binary("SquaredDifference", x, y, name)


def equal(x, y, name=None):
    return _binary("Equal", x, y, name)


def not_equal(x, y, name=None):
    return _binary("NotEqual", x, y, name)


def less(x, y, name=None):
    return _binary("Less", x, y, name)


def less_equal(x, y, name=None):
    return _binary("LessEqual", x, y, name)


def greater(x, y, name=None):
    return _binary("Greater", x, y, name)


def greater_equal(x, y, name=None):
    return _binary("GreaterEqual", x, y, name)


def logical_and(x, y, name=None):
    return _binary("LogicalAnd", x, y, name)


def logical_or(x, y, name=None):
    return _binary("LogicalOr", x, y, name)


# -- matrix multiplication ---------------------------------------------------------------------


def _matmul_kernel(attrs):
    transpose_a = attrs["transpose_a"]
    transpose_b = attrs["transpose_b"]
    if not transpose_a and not transpose_b:
        return np.matmul
    if transpose_a and not transpose_b:
        return lambda a, b: np.matmul(a.swapaxes(-1, -2), b)
    if transpose_b and not transpose_a:
        return lambda a, b: np.matmul(a, b.swapaxes(-1, -2))
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


register_op("MatMul", _matmul_kernel, _matmul_static)
register_op("BatchMatMulV2", _matmul_kernel, _matmul_static)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None):
    """Matrix product ``a @ b`` (batched when the ranks are above 2)."""
    a, b = binary_inputs("MatMul", a, b)
    attrs = {"transpose_a": bool(transpose_a or adjoint_a),
             "transpose_b": bool(transpose_b or adjoint_b)}
    rank_a = a.shape.ndims
    rank_b = b.shape.ndims
    op_type = "MatMul" if rank_a in (2, None) and rank_b in (2, None) else "BatchMatMulV2"
    return make_op(op_type, [a, b], [a.dtype], attrs, name).outputs[0]


def _add_n_kernel(attrs):
    return lambda *values: functools.reduce(np.add, values)


register_op("AddN", _add_n_kernel,
            lambda op: [functools.reduce(lambda s, t: s.merge_with(t.shape),
                                         op.inputs, TensorShape(None))])


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


# -- reductions ------------------------------------------------------------------------------


def _reduction_static(op):
    known = op.inputs[0].shape
    axes = op.attrs["axes"]
    keep = op.attrs["keep_dims"]
    if known.ndims is None:
        return [unknown_shape()]
    rank = known.ndims
    axes = tuple(range(rank)) if axes is None else normalize_axes(axes, rank)
    dims = known.as_list()
    if keep:
        return [TensorShape([1 if i in axes else d for i, d in enumerate(dims)])]
    return [TensorShape([d for i, d in enumerate(dims) if i not in axes])]


def _int_mean(x, axis, keepdims):
    total = np.sum(x, axis=axis, keepdims=keepdims, dtype=np.int64)
    count = x.size // max(np.size(total), 1) if x.size else 1
    return (np.sign(total) * (np.abs(total) // max(count, 1))).astype(x.dtype)


# The ufuncs' own reduce methods skip NumPy's Python-level wrappers (this is the hot path).
_UFUNC_REDUCE = {
    np.sum: np.add.reduce,
    np.prod: np.multiply.reduce,
    np.max: np.maximum.reduce,
    np.min: np.minimum.reduce,
    np.all: np.logical_and.reduce,
    np.any: np.logical_or.reduce,
}


def _reduction_kernel(numpy_fn):
    def factory(attrs):
        axes = attrs["axes"]
        keep = attrs["keep_dims"]

        reduce = _UFUNC_REDUCE.get(numpy_fn)

        def reduce_array(x):
            axis = axes if axes is None else tuple(a % x.ndim for a in axes) if x.ndim else None
            if numpy_fn is np.mean:
                if x.dtype.kind in "iu":
                    return _int_mean(x, axis, keep)
                total = np.add.reduce(x, axis=axis, keepdims=keep)
                count = x.size // total.size if total.size else 0
                return np.true_divide(total, count, dtype=x.dtype)
            if numpy_fn in (np.sum, np.prod):
                return reduce(x, axis=axis, keepdims=keep, dtype=x.dtype)
            return reduce(x, axis=axis, keepdims=keep)

        return reduce_array

    return factory


register_op("Sum", _reduction_kernel(np.sum), _reduction_static)
register_op("Mean", _reduction_kernel(np.mean), _reduction_static)
register_op("Max", _reduction_kernel(np.max), _reduction_static)
register_op("Min", _reduction_kernel(np.min), _reduction_static)
register_op("Prod", _reduction_kernel(np.prod), _reduction_static)
register_op("All", _reduction_kernel(np.all), _reduction_static)
register_op("Any", _reduction_kernel(np.any), _reduction_static)


def _resolve_axis(axis, reduction_indices, keepdims, keep_dims):
    if axis is not None and reduction_indices is not None:
        raise ValueError("Cannot specify both 'reduction_indices' and 'axis'")
    if keepdims is not None and keep_dims is not None:
        raise ValueError("Cannot specify both 'keep_dims' and 'keepdims'")
    axis = reduction_indices if axis is None else axis
    keep = keep_dims if keepdims is None else keepdims
    if isinstance(axis, Tensor):
        value = constant_value(axis)
        if value is None:
            raise TypeError("smallflow needs reduction axes known when the graph is built "
                            f"(a Python int or list), got the tensor {axis.name}")
        axis = value
    if axis is not None:
        axis = tuple(int(a) for a in np.asarray(axis).ravel())
    return axis, bool(keep)


def _reduce(op_type, default_name, input_tensor, axis, keepdims, name, reduction_indices,
            keep_dims):
    axis, keep = _resolve_axis(axis, reduction_indices, keepdims, keep_dims)
    x = convert_to_tensor(input_tensor)
    rank = x.shape.ndims
    if axis is not None and rank is not None:
        for a in axis:
            if not -rank <= a < rank:
                raise ValueError(
                    f"Invalid reduction dimension {a} for input with {rank} dimensions. for "
                    f"'{default_name}' (op: '{op_type}') with input shapes: "
                    f"{x.shape.bracket_str()}."
                )
        axis = tuple(sorted({a % rank for a in axis})) if rank else ()
    attrs = {"axes": axis, "keep_dims": keep}
    return make_op(op_type, [x], [x.dtype], attrs, name, default_name).outputs[0]


def reduce_sum(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Sum over ``axis`` (all axes when None); ``reduction_indices`` is the old name."""
    return _reduce("Sum", "Sum", input_tensor, axis, keepdims, name, reduction_indices,
                   keep_dims)


def reduce_mean(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                keep_dims=None):
    """Mean over ``axis``; an integer input gives a truncated integer mean."""
    return _reduce("Mean", "Mean", input_tensor, axis, keepdims, name, reduction_indices,
                   keep_dims)


def reduce_max(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    return _reduce("Max", "Max", input_tensor, axis, keepdims, name, reduction_indices,
                   keep_dims)


def reduce_min(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    return _reduce("Min", "Min", input_tensor, axis, keepdims, name, reduction_indices,
                   keep_dims)


def reduce_prod(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                keep_dims=None):
    return _reduce("Prod", "Prod", input_tensor, axis, keepdims, name, reduction_indices,
                   keep_dims)


def reduce_all(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    return _reduce("All", "All", input_tensor, axis, keepdims, name, reduction_indices,
                   keep_dims)


def reduce_any(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    return _reduce("Any", "Any", input_tensor, axis, keepdims, name, reduction_indices,
                   keep_dims)


def _arg_kernel(numpy_fn):
    def factory(attrs):
        axis = attrs["axis"]
        out = attrs["output_type"].as_numpy_dtype
        return lambda x: numpy_fn(x, axis=axis).astype(out, copy=False)

    return factory


def _arg_static(op):
    known = op.inputs[0].shape
    if known.ndims is None:
        return [unknown_shape()]
    axis = op.attrs["axis"]
    if not -known.ndims <= axis < known.ndims:
        raise ShapeError(f"Expected dimension in the range [{-known.ndims}, {known.ndims}), "
                         f"but got {axis}")
    dims = known.as_list()
    del dims[axis]
    return [TensorShape(dims)]


register_op("ArgMax", _arg_kernel(np.argmax), _arg_static)
register_op("ArgMin", _arg_kernel(np.argmin), _arg_static)


def _arg(op_type, input, axis, name, dimension, output_type):  # noqa: A002
    if axis is not None and dimension is not None:
        raise ValueError("Cannot specify both 'axis' and 'dimension'")
    axis = dimension if axis is None else axis
    axis = 0 if axis is None else axis
    if isinstance(axis, Tensor):
        axis = constant_value(axis)
    output_type = dtypes.as_dtype(output_type)
    attrs = {"axis": int(np.asarray(axis)), "output_type": output_type}
    return make_unary(op_type, input, name, out_dtype=output_type, attrs=attrs)


def argmax(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    """Index of the largest value along ``axis`` (ties go to the first index)."""
    return _arg("ArgMax", input, axis, name, dimension, output_type)


def argmin(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    return _arg("ArgMin", input, axis, name, dimension, output_type)


# -- operators on Tensor ---------------------------------------------------------------------


def _operator(op_type, default_name, func=None):
    def forward(x, y):
        if func is not None:
            return func(x, y, None, default_name)
        return _binary(op_type, x, y, None, default_name)

    def reverse(y, x):
        if func is not None:
            return func(x, y, None, default_name)
        return _binary(op_type, x, y, None, default_name)

    return forward, reverse


def _matmul_operator(x, y, name, default_name):
    return matmul(x, y, name=default_name)


def _pow_operator(x, y, name, default_name):
    return _binary("Pow", x, y, None, default_name)


_add_op, _radd_op = _operator("AddV2", "add")
_sub_op, _rsub_op = _operator("Sub", "sub")
_mul_op, _rmul_op = _operator("Mul", "mul")
_div_op, _rdiv_op = _operator("RealDiv", "truediv", _truediv)
_floordiv_op, _rfloordiv_op = _operator("FloorDiv", "floordiv")
_mod_op, _rmod_op = _operator("FloorMod", "mod")
_pow_op, _rpow_op = _operator("Pow", "pow", _pow_operator)
_matmul_op, _rmatmul_op = _operator("MatMul", "matmul", _matmul_operator)
_and_op, _rand_op = _operator("LogicalAnd", "and")
_or_op, _ror_op = _operator("LogicalOr", "or")

Tensor._override_operator("__add__", _add_op)
Tensor._override_operator("__radd__", _radd_op)
Tensor._override_operator("__sub__", _sub_op)
Tensor._override_operator("__rsub__", _rsub_op)
Tensor._override_operator("__mul__", _mul_op)
Tensor._override_operator("__rmul__", _rmul_op)
Tensor._override_operator("__truediv__", _div_op)
Tensor._override_operator("__rtruediv__", _rdiv_op)
Tensor._override_operator("__floordiv__", _floordiv_op)
Tensor._override_operator("__rfloordiv__", _rfloordiv_op)
Tensor._override_operator("__mod__", _mod_op)
Tensor._override_operator("__rmod__", _rmod_op)
Tensor._override_operator("__pow__", _pow_op)
Tensor._override_operator("__rpow__", _rpow_op)
Tensor._override_operator("__matmul__", _matmul_op)
Tensor._override_operator("__rmatmul__", _rmatmul_op)
Tensor._override_operator("__and__", _and_op)
Tensor._override_operator("__rand__", _rand_op)
Tensor._override_operator("__or__", _or_op)
Tensor._override_operator("__ror__", _ror_op)
Tensor._override_operator("__neg__", lambda x: make_unary("Neg", x, None, "Neg"))
Tensor._override_operator("__abs__", lambda x: make_unary("Abs", x, None, "Abs"))
Tensor._override_operator("__invert__", lambda x: make_unary("LogicalNot", x, None, "LogicalNot"))
Tensor._override_operator("__lt__", lambda x, y: _binary("Less", x, y, None, "Less"))
Tensor._override_operator("__le__", lambda x, y: _binary("LessEqual", x, y, None, "LessEqual"))
Tensor._override_operator("__gt__", lambda x, y: _binary("Greater", x, y, None, "Greater"))
Tensor._override_operator("__ge__",
                          lambda x, y: _binary("GreaterEqual", x, y, None, "GreaterEqual"))


def is_tensor(x):
    return is_tensor_like(x)
