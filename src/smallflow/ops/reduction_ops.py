"""Reductions (reduce_sum, reduce_max, ...) and argmax/argmin."""

import builtins

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import ShapeError, Tensor, convert_to_tensor, is_tensor_like
from ..op_signature import INDEX, NUMBERS, signature
from ..registry import register_op
from ..tensor_shape import TensorShape, unknown_shape
from .common import (
    blas_sum,
    composite_dispatch,
    constant_value,
    make_op,
    make_unary,
    normalize_axes,
)

# -- reductions ------------------------------------------------------------------------------


def _reduction_static(op):
    known = op.inputs[0].shape
    axes = op.attrs["axes"]
    keep = op.attrs["keep_dims"]
    if len(op.inputs) > 1:
        # Axes fed at run time: the rank is kept with keepdims, else nothing is known.
        return [unknown_shape(known.ndims if keep else None)]
    if known.ndims is None:
        # Reducing everything without keeping dims gives a scalar, whatever the rank.
        return [TensorShape([]) if axes is None and not keep else unknown_shape()]
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
# NumPy scalar types whose mean the kernel divides in Python, with the largest count that
# is exact in that type (so NumPy's division, which converts the count, divides the same).
_EXACT_COUNTS = {np.float32: 1 << 24, np.float64: 1 << 53}
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


def _checked_axes(axis, rank):
    """Axes fed at run time, made non-negative; TensorFlow's errors for bad or repeated ones."""
    positive = []
    for a in np.ravel(axis).tolist():
        if not -rank <= a < max(rank, 1):
            raise InvalidArgumentError(
                None, None,
                f"Invalid reduction dimension ({a} for input with {rank} dimension(s)")
        if a % max(rank, 1) in positive:
            raise InvalidArgumentError(
                None, None,
                f"Invalid reduction arguments: Axes contains duplicate dimension: {a}")
        positive.append(a % max(rank, 1))
    return tuple(sorted(positive))


def _duplicate_axes(axis):
    def refuse(x):
        raise InvalidArgumentError(
            None, None,
            f"Invalid reduction arguments: Axes contains duplicate dimension: {axis}")

    return refuse


def _reduction_kernel(numpy_fn):
    def factory(attrs):
        axes = attrs["axes"]
        keep = attrs["keep_dims"]
        if attrs.get("duplicate_axis") is not None:
            # TensorFlow accepts the graph and fails when it runs.
            return _duplicate_axes(attrs["duplicate_axis"])
        if attrs.get("dynamic_axes"):
            def reduce_over(x, axis):
                positive = _checked_axes(axis, x.ndim)
                return factory(dict(attrs, dynamic_axes=False, axes=positive))(x)

            return reduce_over

        reduce = _UFUNC_REDUCE.get(numpy_fn)
        by_rank = {}  # the axes made non-negative, per input rank (kernels run every step)

        def axis_of(ndim):
            if axes is None or not ndim:
                return None
            found = by_rank.get(ndim)
            if found is None:
                found = by_rank[ndim] = tuple(sorted(a % ndim for a in axes))
            return found

        if numpy_fn is np.mean:
            def reduce_mean_array(x):
                axis = axis_of(x.ndim)
                if x.dtype.kind in "iu":
                    return _int_mean(x, axis, keep)
                total = np.add.reduce(x, axis=axis, keepdims=keep)
                size = x.size
                if size and size <= _EXACT_COUNTS.get(type(total), 0):
                    # One number (a loss, every step): divided as a Python float and
                    # rounded once, which gives the float32/float64 quotient itself (a
                    # double carries over twice float32's digits; the count is exact in
                    # both) without the cost of a ufunc call.
                    return type(total)(float(total) / size)
                count = size // total.size if total.size else 0
                return np.true_divide(total, count, dtype=x.dtype)

            return reduce_mean_array
        if numpy_fn in (np.sum, np.prod):
            def reduce_keeping_dtype(x):
                axis = axis_of(x.ndim)
                if numpy_fn is np.sum and axis is not None:
                    summed = blas_sum(x, axis, keep)  # small float sums: one BLAS product
                    if summed is not None:
                        return summed
                return reduce(x, axis=axis, keepdims=keep, dtype=x.dtype)

            return reduce_keeping_dtype

        def reduce_array(x):
            if x.size == 0 and numpy_fn in (np.max, np.min):
                # TensorFlow's identity elements: the max of nothing is the lowest value.
                return reduce(x, axis=axis_of(x.ndim), keepdims=keep,
                              initial=_extreme(x.dtype, numpy_fn))
            return reduce(x, axis=axis_of(x.ndim), keepdims=keep)

        return reduce_array

    return factory


register_op("Sum", _reduction_kernel(np.sum), _reduction_static,
            signature=signature("input: T, reduction_indices: N * Tidx -> output: T",
                                T=NUMBERS, Tidx=INDEX))
register_op("Mean", _reduction_kernel(np.mean), _reduction_static,
            signature=signature("input: T, reduction_indices: N * Tidx -> output: T",
                                T=NUMBERS, Tidx=INDEX))
register_op("Max", _reduction_kernel(np.max), _reduction_static,
            signature=signature("input: T, reduction_indices: N * Tidx -> output: T",
                                T=NUMBERS, Tidx=INDEX))
register_op("Min", _reduction_kernel(np.min), _reduction_static,
            signature=signature("input: T, reduction_indices: N * Tidx -> output: T",
                                T=NUMBERS, Tidx=INDEX))
register_op("Prod", _reduction_kernel(np.prod), _reduction_static,
            signature=signature("input: T, reduction_indices: N * Tidx -> output: T",
                                T=NUMBERS, Tidx=INDEX))
register_op("All", _reduction_kernel(np.all), _reduction_static,
            signature=signature("input: bool, reduction_indices: N * Tidx -> output: bool",
                                Tidx=INDEX))
register_op("Any", _reduction_kernel(np.any), _reduction_static,
            signature=signature("input: bool, reduction_indices: N * Tidx -> output: bool",
                                Tidx=INDEX))


def _resolve_axis(axis, reduction_indices, keepdims, keep_dims):
    if axis is not None and reduction_indices is not None:
        raise ValueError("Cannot specify both 'reduction_indices' and 'axis'")
    if keepdims is not None and keep_dims is not None:
        raise ValueError("Cannot specify both 'keep_dims' and 'keepdims'")
    axis = reduction_indices if axis is None else axis
    keep = keep_dims if keepdims is None else keepdims
    if is_tensor_like(axis):
        axis = convert_to_tensor(axis)
        value = constant_value(axis)
        if value is None:
            return axis, bool(keep)  # known only when the session runs
        axis = value
    if axis is not None:
        axis = tuple(int(a) for a in np.asarray(axis).ravel())
    return axis, bool(keep)


def _reduce(op_type, default_name, input_tensor, axis, keepdims, name, reduction_indices,
            keep_dims, input_dtype=None):
    given = reduction_indices if axis is None else axis
    axis, keep = _resolve_axis(axis, reduction_indices, keepdims, keep_dims)
    dispatch = composite_dispatch(input_tensor)
    if dispatch is not None:  # a RaggedTensor
        return dispatch("reduce", op_type, input_tensor, axis, keep, name)
    if input_dtype is not None and not isinstance(input_tensor, Tensor):
        # An op whose input has one dtype (All, Any: bool) converts Python values to it, so
        # an empty list is an empty bool tensor.
        x = convert_to_tensor(input_tensor, dtype=input_dtype)
    else:
        x = convert_to_tensor(input_tensor)
    if isinstance(axis, Tensor):
        attrs = {"axes": None, "keep_dims": keep, "dynamic_axes": True}
        return make_op(op_type, [x, axis], [x.dtype], attrs, name, default_name).outputs[0]
    rank = x.shape.ndims
    # Out-of-range axes are kept as given: the shape function then reports them, naming the op.
    duplicate = None
    if axis is not None and rank is not None and all(-rank <= a < rank for a in axis):
        positive = [a % rank for a in axis]
        duplicate = next((a for i, a in enumerate(positive) if a in positive[:i]), None)
        axis = tuple(sorted(set(positive)))
    attrs = {"axes": axis, "keep_dims": keep, "duplicate_axis": duplicate}
    if given is not None and not is_tensor_like(given):
        # The axes as the program gave them (a scalar stays a scalar, -1 stays -1): what
        # TensorFlow's GraphDef holds in the op's reduction_indices constant.
        attrs["_py_axis_given"] = np.asarray(given, dtype=np.int32)
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
                   keep_dims, input_dtype=dtypes.bool)


def reduce_any(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    return _reduce("Any", "Any", input_tensor, axis, keepdims, name, reduction_indices,
                   keep_dims, input_dtype=dtypes.bool)


def _arg_kernel(numpy_fn):
    # TensorFlow never picks a NaN (its comparisons with NaN are false): NaNs count as the
    # worst value. The NaN scan is one pass, only for float inputs.
    worst = -np.inf if numpy_fn is np.argmax else np.inf

    def factory(attrs):
        axis = attrs["axis"]
        out = attrs["output_type"].as_numpy_dtype
        floating = attrs["T"].is_floating

        def arg(x, *fed_axis):
            where = axis
            if fed_axis:  # the axis as a tensor known only when the session runs
                where = int(fed_axis[0])
                if not -x.ndim <= where < x.ndim:
                    raise InvalidArgumentError(
                        None, None,
                        f"Expected dimension in the range [{-x.ndim}, {x.ndim}), but got {where}")
            if x.shape[where] == 0:
                raise InvalidArgumentError(
                    None, None, f"Reduction axis {where % x.ndim} is empty in shape "
                                f"[{','.join(str(d) for d in x.shape)}]")
            if floating:
                nan = np.isnan(x)
                if nan.any():
                    x = np.where(nan, worst, x)
            return numpy_fn(x, axis=where).astype(out, copy=False)

        return arg

    return factory


def _arg_static(op):
    known = op.inputs[0].shape
    if known.ndims is None:
        return [unknown_shape()]
    if len(op.inputs) > 1:
        return [unknown_shape(known.ndims - 1)]
    axis = op.attrs["axis"]
    if not -known.ndims <= axis < known.ndims:
        raise ShapeError(f"Expected dimension in the range [{-known.ndims}, {known.ndims}), "
                         f"but got {axis}")
    dims = known.as_list()
    del dims[axis]
    return [TensorShape(dims)]


register_op("ArgMax", _arg_kernel(np.argmax), _arg_static,
            signature=signature("input: T, dimension: N * Tidx -> output: output_type",
                                T=NUMBERS, Tidx=INDEX, output_type=INDEX))
register_op("ArgMin", _arg_kernel(np.argmin), _arg_static,
            signature=signature("input: T, dimension: N * Tidx -> output: output_type",
                                T=NUMBERS, Tidx=INDEX, output_type=INDEX))


def _arg(op_type, input, axis, name, dimension, output_type):  # noqa: A002
    if axis is not None and dimension is not None:
        raise ValueError("Cannot specify both 'axis' and 'dimension'")
    axis = dimension if axis is None else axis
    axis = 0 if axis is None else axis
    output_type = dtypes.as_dtype(output_type).base_dtype
    if is_tensor_like(axis):
        axis = convert_to_tensor(axis)
        if constant_value(axis) is None:
            if axis.shape.ndims not in (None, 0):
                raise ValueError(f"Shape must be rank 0 but is rank {axis.shape.ndims} for "
                                 f"'{op_type}' (the dimension argument)")
            x = convert_to_tensor(input)
            attrs = {"axis": None, "output_type": output_type}
            return make_op(op_type, [x, axis], [output_type], attrs, name).outputs[0]
        axis = constant_value(axis)
    if np.ndim(axis) != 0:
        raise ValueError(f"Shape must be rank 0 but is rank {np.ndim(axis)} for '{op_type}' "
                         f"(dimension {np.asarray(axis).tolist()}): the axis is one integer")
    output_type = dtypes.as_dtype(output_type).base_dtype
    attrs = {"axis": int(np.asarray(axis)), "output_type": output_type}
    return make_unary(op_type, input, name, out_dtype=output_type, attrs=attrs)


def argmax(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    """Index of the largest value along ``axis`` (ties go to the first index)."""
    return _arg("ArgMax", input, axis, name, dimension, output_type)


def argmin(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    return _arg("ArgMin", input, axis, name, dimension, output_type)


