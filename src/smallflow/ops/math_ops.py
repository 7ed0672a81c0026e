"""Math ops: elementwise arithmetic, matmul, reductions and comparisons, with kernels."""

import builtins
import functools

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import ShapeError, Tensor, convert_to_tensor, is_tensor_like, name_scope
from ..registry import register_op
from ..tensor_shape import TensorShape, unknown_shape
from . import array_ops
from .common import (
    binary_inputs,
    broadcast_shape_fn,
    broadcast_static,
    canonical_axis,
    constant_value,
    make_op,
    make_unary,
    merge_shapes,
    normalize_axes,
    require_float,
    same_shape,
)

# TensorFlow spells these math_ops.cast, to_float, ...; the Cast kernel lives with the array ops.
cast = array_ops.cast
to_float = array_ops.to_float
to_int32 = array_ops.to_int32
to_int64 = array_ops.to_int64

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


register_op("IsNan", lambda attrs: np.isnan, same_shape)
register_op("IsInf", lambda attrs: np.isinf, same_shape)
register_op("IsFinite", lambda attrs: np.isfinite, same_shape)


def _float_test(op_type, x, name):
    x = convert_to_tensor(x)
    require_float(op_type, x)
    return make_unary(op_type, x, name, out_dtype=dtypes.bool)


def is_nan(x, name=None):
    """True where ``x`` is NaN (floating-point inputs only)."""
    return _float_test("IsNan", x, name)


def is_inf(x, name=None):
    return _float_test("IsInf", x, name)


def is_finite(x, name=None):
    """True where ``x`` is neither infinite nor NaN."""
    return _float_test("IsFinite", x, name)


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


def logical_xor(x, y, name="LogicalXor"):
    """``x`` or ``y`` but not both, built from and/or/not as TensorFlow does."""
    either = logical_or(x, y)
    both = logical_and(x, y)
    return logical_and(either, logical_not(both), name=name)


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
    # Rank 0 or 1 operands go to MatMul, whose shape function reports them as TF does.
    batched = (rank_a or 0) > 2 or (rank_b or 0) > 2
    op_type = "BatchMatMulV2" if batched else "MatMul"
    return make_op(op_type, [a, b], [a.dtype], attrs, name).outputs[0]


def _add_n_kernel(attrs):
    return lambda *values: functools.reduce(np.add, values)


register_op("AddN", _add_n_kernel, lambda op: [merge_shapes([t.shape for t in op.inputs])])


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
    axes = tuple(builtins.range(rank)) if axes is None else normalize_axes(axes, rank)
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


def _extreme(dtype, numpy_fn):
    """The identity of max (lowest value) or min (highest value) for ``dtype``."""
    if dtype.kind == "f":
        return -np.inf if numpy_fn is np.max else np.inf
    if dtype.kind == "b":
        return numpy_fn is np.min
    info = np.iinfo(dtype)
    return info.min if numpy_fn is np.max else info.max


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
            if x.size == 0 and numpy_fn in (np.max, np.min):
                # TensorFlow's identity elements: the max of nothing is the lowest value.
                return reduce(x, axis=axis, keepdims=keep, initial=_extreme(x.dtype, numpy_fn))
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
    # Out-of-range axes are kept as given: the shape function then reports them, naming the op.
    if axis is not None and rank is not None and all(-rank <= a < rank for a in axis):
        axis = tuple(sorted({a % rank for a in axis}))
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


# -- scans, sequences and segment sums ---------------------------------------------------------


def _scan_kernel(ufunc, identity):
    def factory(attrs):
        exclusive = attrs["exclusive"]
        reverse = attrs["reverse"]

        def scan(x, axis):
            axis = int(axis)
            if not -x.ndim <= axis < x.ndim:
                raise InvalidArgumentError(
                    None, None, f"ScanOp: Expected scan axis in the range [{-x.ndim}, "
                    f"{x.ndim}), but got {axis}")
            if reverse:
                x = np.flip(x, axis)
            out = ufunc.accumulate(x, axis=axis, dtype=x.dtype)
            if exclusive:
                shifted = np.full_like(out, identity)
                body = [slice(None)] * x.ndim
                head = [slice(None)] * x.ndim
                body[axis] = slice(1, None)
                head[axis] = slice(None, -1)
                shifted[tuple(body)] = out[tuple(head)]
                out = shifted
            return np.flip(out, axis) if reverse else out

        return scan

    return factory


def _scan_static(op):
    known = op.inputs[0].shape
    axis = constant_value(op.inputs[1])
    if known.ndims is not None and axis is not None:
        canonical_axis(axis, known.ndims)
    return [known]


register_op("Cumsum", _scan_kernel(np.add, 0), _scan_static)
register_op("Cumprod", _scan_kernel(np.multiply, 1), _scan_static)


def _scan(op_type, x, axis, exclusive, reverse, name):
    x = convert_to_tensor(x, name="x")
    axis = convert_to_tensor(axis, dtype=dtypes.int32, name="axis") if not (
        is_tensor_like(axis)) else convert_to_tensor(axis)
    attrs = {"exclusive": bool(exclusive), "reverse": bool(reverse)}
    return make_op(op_type, [x, axis], [x.dtype], attrs, name).outputs[0]


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running sums along ``axis``; ``exclusive`` leaves out the current entry, ``reverse``
    runs from the end."""
    return _scan("Cumsum", x, axis, exclusive, reverse, name)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Running products along ``axis`` (options as for ``cumsum``)."""
    return _scan("Cumprod", x, axis, exclusive, reverse, name)


def _range_size(start, limit, delta):
    """TensorFlow's Range checks and its number of entries (computed in the input dtype)."""
    if delta == 0:
        raise ValueError(f"Requires delta != 0: {delta}")
    if delta > 0 and start > limit:
        raise ValueError(f"Requires start <= limit when delta > 0: {start}/{limit}")
    if delta < 0 and start < limit:
        raise ValueError(f"Requires start >= limit when delta < 0: {start}/{limit}")
    if np.issubdtype(np.asarray(start).dtype, np.integer):
        return int((np.abs(limit - start) + np.abs(delta) - 1) // np.abs(delta))
    return int(np.ceil(np.abs((limit - start) / delta)))


def _range_kernel(attrs):
    def range_array(start, limit, delta):
        try:
            size = _range_size(start, limit, delta)
        except ValueError as err:
            raise InvalidArgumentError(None, None, str(err)) from None
        if size == 0:
            return np.zeros(0, dtype=start.dtype)
        if start.dtype.kind in "iu":
            return np.arange(start, limit, delta, dtype=start.dtype)
        # TensorFlow adds delta step by step in the input dtype; accumulate does the same.
        steps = np.full(size, delta, dtype=start.dtype)
        steps[0] = start
        return np.add.accumulate(steps, dtype=start.dtype)

    return range_array


def _range_static(op):
    values = [constant_value(t) for t in op.inputs]
    if any(v is None for v in values):
        return [unknown_shape(1)]
    try:
        return [TensorShape([_range_size(*values)])]
    except ValueError as err:
        raise ShapeError(str(err)) from None


register_op("Range", _range_kernel, _range_static)

_RANGE_DTYPES = (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64)


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001
    """``[start, start + delta, ...]`` up to but excluding ``limit`` (``range(n)``: 0..n-1)."""
    if limit is None:
        start, limit = 0, start
    with name_scope(name) as scope:
        args = [convert_to_tensor(v, dtype=dtype, name=n)
                for v, n in ((start, "start"), (limit, "limit"), (delta, "delta"))]
        if dtype is None:
            if any(a.dtype not in _RANGE_DTYPES for a in args):
                raise TypeError(f"range arguments must be int32, int64, float32 or float64, "
                                f"got {[a.dtype.name for a in args]}")
            widest = max((a.dtype for a in args), key=_RANGE_DTYPES.index)
            args = [a if a.dtype == widest else array_ops.cast(a, widest) for a in args]
        return make_op("Range", args, [args[0].dtype], None, scope).outputs[0]


def _linspace_kernel(attrs):
    def linspace_array(start, stop, num):
        num = int(num)
        if num <= 0:
            raise InvalidArgumentError(None, None, f"Requires num > 0: {num}")
        out = np.empty(num, dtype=start.dtype)
        out[0] = start
        if num > 1:
            step = (stop - start) / start.dtype.type(num - 1)
            out[1:-1] = start + step * np.arange(1, num - 1, dtype=start.dtype)
            out[-1] = stop
        return out

    return linspace_array


def _linspace_static(op):
    num = constant_value(op.inputs[2])
    if num is None:
        return [unknown_shape(1)]
    if int(num) <= 0:
        raise ShapeError(f"Requires num > 0: {int(num)}")
    return [TensorShape([int(num)])]


register_op("LinSpace", _linspace_kernel, _linspace_static)


def linspace(start, stop, num, name=None):
    """``num`` evenly spaced values from ``start`` to ``stop`` inclusive."""
    start = convert_to_tensor(start, name="start")
    require_float("LinSpace", start, "start")
    stop = convert_to_tensor(stop, dtype=start.dtype, name="stop")
    num = convert_to_tensor(num, name="num")
    return make_op("LinSpace", [start, stop, num], [start.dtype], None, name).outputs[0]


lin_space = linspace


def _segment_sum_static(op):
    data, ids = (t.shape for t in op.inputs[:2])
    count = constant_value(op.inputs[2])
    if data.ndims is None or ids.ndims is None:
        return [unknown_shape()]
    merge_shapes([data[:ids.ndims], ids])
    rows = None if count is None else int(count)
    return [TensorShape([rows] + data.as_list()[ids.ndims:])]


def _segment_sum_kernel(attrs):
    def segment_sum(data, ids, count):
        count = int(count)
        if data.shape[:ids.ndim] != ids.shape:
            raise InvalidArgumentError(
                None, None, f"data.shape = {list(data.shape)} does not start with "
                f"segment_ids.shape = {list(ids.shape)}")
        if ids.size and ids.max() >= count:
            bad = int(np.argmax(ids.ravel() >= count))
            raise InvalidArgumentError(
                None, None, f"segment_ids[{bad}] = {ids.ravel()[bad]} is out of range "
                f"[0, {count})")
        inner = data.shape[ids.ndim:]
        out = np.zeros((count, *inner), dtype=data.dtype)
        flat_ids = ids.ravel()
        rows = data.reshape((flat_ids.size, *inner))
        keep = flat_ids >= 0  # negative ids are dropped, as in TensorFlow
        np.add.at(out, flat_ids[keep], rows[keep])
        return out

    return segment_sum


register_op("UnsortedSegmentSum", _segment_sum_kernel, _segment_sum_static)


def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """``out[i] = sum of data[j] over j with segment_ids[j] == i`` for i < num_segments."""
    data = convert_to_tensor(data)
    segment_ids = convert_to_tensor(segment_ids)
    num_segments = convert_to_tensor(num_segments, name="num_segments")
    return make_op("UnsortedSegmentSum", [data, segment_ids, num_segments], [data.dtype], None,
                   name).outputs[0]


# -- composites (no kernels or gradients of their own) ----------------------------------------


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """``t`` limited to ``[clip_value_min, clip_value_max]`` elementwise."""
    with name_scope(name or "clip_by_value") as scope:
        t = convert_to_tensor(t, name="t")
        t_min = minimum(t, clip_value_max)
        t.shape.merge_with(t_min.shape)
        t_max = maximum(t_min, clip_value_min, name=scope)
        t.shape.merge_with(t_max.shape)
        return t_max


def count_nonzero(input_tensor=None, axis=None, keepdims=None, dtype=dtypes.int64, name=None,
                  reduction_indices=None, keep_dims=None, input=None):  # noqa: A002
    """The number of non-zero entries over ``axis`` (as ``dtype``, int64 by default)."""
    if input_tensor is None:
        input_tensor = input
    with name_scope(name or "count_nonzero"):
        x = convert_to_tensor(input_tensor)
        zero = array_ops.zeros([], dtype=x.dtype)
        nonzero = array_ops.cast(not_equal(x, zero), dtypes.int64)
        counts = reduce_sum(nonzero, axis=axis, keepdims=keepdims,
                            reduction_indices=reduction_indices, keep_dims=keep_dims)
        return array_ops.cast(counts, dtype)


def reduce_logsumexp(input_tensor, axis=None, keepdims=None, name=None,
                     reduction_indices=None, keep_dims=None):
    """``log(sum(exp(x)))`` over ``axis``, computed without overflow (the max is factored
    out, and an infinite max is left out of the shift)."""
    axis, keep = _resolve_axis(axis, reduction_indices, keepdims, keep_dims)
    with name_scope(name or "ReduceLogSumExp"):
        x = convert_to_tensor(input_tensor)
        raw_max = reduce_max(x, axis=axis, keepdims=True)
        finite_max = array_ops.where(is_finite(raw_max), raw_max,
                                     array_ops.zeros_like(raw_max))
        shift = array_ops.stop_gradient(finite_max)
        result = log(reduce_sum(exp(x - shift), axis=axis, keepdims=keep))
        if not keep:
            shift = array_ops.reshape(shift, array_ops.shape(result))
        return add(result, shift)


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
