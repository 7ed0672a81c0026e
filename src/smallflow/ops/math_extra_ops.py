"""More of ``tf.math``, composed from existing ops (gradients come with them): log_sigmoid,
xlogy/xdivy/xlog1py, the no-NaN products and reciprocals, variance and standard deviation,
cumulative logsumexp, polyval, lbeta, bincount, confusion_matrix, invert_permutation,
tensor_scatter updates, roll, repeat and other small helpers."""

import numpy as np

from .. import dtypes
from ..graph import Tensor, convert_to_tensor, name_scope
from ..tensor_shape import as_shape
from . import array_extra_ops, array_ops, math_ops, nn_ops
from .common import constant_value


def log_sigmoid(x, name=None):
    """``log(1 / (1 + exp(-x)))`` computed as ``-softplus(-x)``."""
    with name_scope(name or "LogSigmoid"):
        x = convert_to_tensor(x, name="x")
        return math_ops.negative(nn_ops.softplus(math_ops.negative(x)))


def _constant_like(value, like):
    return array_ops.constant(value, dtype=like.dtype)


def _x_guarded(x, y, fn, safe_value):
    """``fn(x, y)`` where ``x != 0`` and 0 where ``x == 0``; ``y`` there is replaced by
    ``safe_value`` so that neither the value nor its gradient becomes NaN."""
    zero_x = math_ops.equal(x, _constant_like(0, x))
    safe_y = array_ops.where_v2(zero_x, _constant_like(safe_value, y), y)
    return array_ops.where_v2(zero_x, _constant_like(0, x), fn(x, safe_y))


def _operands(x, y):
    x = convert_to_tensor(x, name="x")
    return x, convert_to_tensor(y, dtype=x.dtype, name="y")


def xlogy(x, y, name=None):
    """``x * log(y)``, and 0 where ``x`` is 0."""
    with name_scope(name or "xlogy"):
        x, y = _operands(x, y)
        return _x_guarded(x, y, lambda a, b: a * math_ops.log(b), 1)


def xlog1py(x, y, name=None):
    """``x * log1p(y)``, and 0 where ``x`` is 0."""
    with name_scope(name or "xlog1py"):
        x, y = _operands(x, y)
        return _x_guarded(x, y, lambda a, b: a * math_ops.log1p(b), 0)


def xdivy(x, y, name=None):
    """``x / y``, and 0 where ``x`` is 0."""
    with name_scope(name or "xdivy"):
        x, y = _operands(x, y)
        return _x_guarded(x, y, lambda a, b: a / b, 1)


def multiply_no_nan(x, y, name=None):
    """``x * y``, and 0 where ``y`` is 0 even if ``x`` is NaN or infinite."""
    with name_scope(name or "multiply_no_nan"):
        x, y = _operands(x, y)
        zero_y = math_ops.equal(y, _constant_like(0, y))
        safe_x = array_ops.where_v2(zero_y, _constant_like(0, x), x)
        return safe_x * y


def reciprocal_no_nan(x, name=None):
    """``1 / x``, and 0 where ``x`` is 0."""
    with name_scope(name or "reciprocal_no_nan"):
        x = convert_to_tensor(x, name="x")
        return math_ops.div_no_nan(array_ops.ones_like(x), x)


def scalar_mul(scalar, x, name=None):
    """``scalar * x`` for a scalar (Python number or 0-d tensor)."""
    scalar = convert_to_tensor(scalar, dtype=convert_to_tensor(x).dtype, name="scalar")
    if scalar.shape.ndims not in (0, None):
        raise ValueError(f"Only scalar multiply works, got shape {scalar.shape}")
    with name_scope(name or "scalar_mul"):
        return scalar * x


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """The variance over ``axis`` (about the mean, divided by the count)."""
    with name_scope(name or "reduce_variance"):
        x = convert_to_tensor(input_tensor, name="input_tensor")
        mean = math_ops.reduce_mean(x, axis, keepdims=True)
        return math_ops.reduce_mean(math_ops.squared_difference(x, mean), axis,
                                    keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    with name_scope(name or "reduce_std"):
        return math_ops.sqrt(reduce_variance(input_tensor, axis, keepdims))


def cumulative_logsumexp(x, axis=0, exclusive=False, reverse=False, name=None):
    """``log(cumsum(exp(x)))`` along ``axis``, shifted by the maximum to avoid overflow."""
    with name_scope(name or "CumulativeLogsumexp"):
        x = convert_to_tensor(x, name="x")
        shift = array_ops.stop_gradient(math_ops.reduce_max(x, axis, keepdims=True))
        summed = math_ops.cumsum(math_ops.exp(x - shift), axis=axis, exclusive=exclusive,
                                 reverse=reverse)
        return math_ops.log(summed) + shift


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None):
    """The elementwise sum of ``inputs`` (``add_n`` with optional shape and dtype checks)."""
    tensors = [convert_to_tensor(t) for t in inputs]
    if tensor_dtype is not None and any(t.dtype != dtypes.as_dtype(tensor_dtype)
                                        for t in tensors):
        raise TypeError(f"tensor_dtype is {tensor_dtype}, but input is of a different type")
    if shape is not None and not all(as_shape(shape).is_compatible_with(t.shape)
                                     for t in tensors):
        raise ValueError(f"Shape {as_shape(shape)} is incompatible with the inputs' shapes")
    return math_ops.add_n(tensors, name=name)


def polyval(coeffs, x, name=None):
    """``coeffs[0] * x**(n-1) + ... + coeffs[n-1]`` by Horner's rule."""
    if not isinstance(coeffs, list | tuple):
        raise ValueError(f"Argument coeffs must be list type found {type(coeffs)}.")
    with name_scope(name or "polyval"):
        x = convert_to_tensor(x, name="x")
        if not coeffs:
            return array_ops.zeros_like(x)
        result = convert_to_tensor(coeffs[0], dtype=x.dtype)
        for c in coeffs[1:]:
            result = result * x + convert_to_tensor(c, dtype=x.dtype)
        return result + array_ops.zeros_like(x)


def lbeta(x, name=None):
    """``log(|Beta(x)|)`` over the last axis: ``sum(lgamma(x)) - lgamma(sum(x))``."""
    from .special_math_ops import lgamma

    with name_scope(name or "lbeta"):
        x = convert_to_tensor(x, name="x")
        return (math_ops.reduce_sum(lgamma(x), -1)
                - lgamma(math_ops.reduce_sum(x, -1)))


_COUNT_TYPES = (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64)


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=dtypes.int32,
             name=None):
    """How often each value ``0..n-1`` occurs in ``arr`` (weights summed if given)."""
    with name_scope(name or "bincount"):
        arr = convert_to_tensor(arr, dtype=dtypes.int32, name="arr")
        flat = array_ops.reshape(arr, [-1])
        length = math_ops.reduce_max(flat) + 1
        length = math_ops.maximum(length, 0)
        if minlength is not None:
            length = math_ops.maximum(length, minlength)
        if maxlength is not None:
            length = math_ops.minimum(length, maxlength)
        if weights is None:
            values = array_ops.ones_like(flat, dtype=dtypes.as_dtype(dtype))
        else:
            weights = convert_to_tensor(weights, name="weights")
            if weights.dtype not in _COUNT_TYPES:  # TensorFlow's Bincount weights
                raise TypeError(f"Value passed to parameter 'weights' has DataType "
                                f"{weights.dtype.name} not in list of allowed values: "
                                f"int32, int64, float32, float64")
            values = array_ops.reshape(weights, [-1])
        keep = math_ops.less(flat, length)
        ids = array_ops.where(keep, flat, -array_ops.ones_like(flat))
        counts = math_ops.unsorted_segment_sum(values, ids, length)
        known = _static_bincount_length(arr, minlength, maxlength)
        if known is not None:
            counts.set_shape([known])
        return counts


def _static_bincount_length(arr, minlength, maxlength):
    """The output length when ``arr`` and the bounds are known while the graph is built
    (TensorFlow's shape inference evaluates that constant subgraph), else None."""
    values = constant_value(arr)
    bounds = [b if b is None or isinstance(b, int | np.integer) else
              constant_value(b) if isinstance(b, Tensor) else None
              for b in (minlength, maxlength)]
    if values is None or any(b is None and given is not None
                             for b, given in zip(bounds, (minlength, maxlength))):
        return None
    length = int(np.max(values)) + 1 if np.size(values) else 0
    length = max(length, 0)
    if bounds[0] is not None:
        length = max(length, int(bounds[0]))
    if bounds[1] is not None:
        length = min(length, int(bounds[1]))
    return length


def confusion_matrix(labels, predictions, num_classes=None, dtype=dtypes.int32, name=None,
                     weights=None):
    """``m[i, j]`` = how many examples of label ``i`` were predicted as ``j``.

    TensorFlow 1.x's argument order (``dtype`` and ``name`` before ``weights``;
    TensorFlow 2 moved ``weights`` up), so positional calls mean what they meant there."""
    with name_scope(name or "confusion_matrix"):
        labels = math_ops.cast(convert_to_tensor(labels), dtypes.int64)
        predictions = math_ops.cast(convert_to_tensor(predictions), dtypes.int64)
        if num_classes is None:
            num_classes = math_ops.maximum(math_ops.reduce_max(labels),
                                           math_ops.reduce_max(predictions)) + 1
        count = math_ops.cast(convert_to_tensor(num_classes), dtypes.int64)
        dtype = dtypes.as_dtype(dtype)
        if weights is None:
            values = array_ops.ones_like(predictions, dtype=dtype)
        else:
            values = math_ops.cast(convert_to_tensor(weights), dtype)
        indices = array_ops.stack([labels, predictions], axis=1)
        shape = array_ops.stack([count, count])
        return array_extra_ops.scatter_nd(indices, values, shape)


def invert_permutation(x, name=None):
    """``y`` with ``y[x[i]] = i``."""
    with name_scope(name or "InvertPermutation"):
        x = convert_to_tensor(x, name="x")
        size = array_ops.shape(x, out_type=x.dtype)
        ramp = math_ops.range(size[0], dtype=x.dtype)
        return array_extra_ops.scatter_nd(array_ops.expand_dims(x, 1), ramp, size)


def tensor_scatter_nd_add(tensor, indices, updates, name=None):
    """``tensor`` with ``updates`` added at ``indices`` (a new tensor; duplicates sum)."""
    with name_scope(name or "TensorScatterAdd"):
        tensor = convert_to_tensor(tensor, name="tensor")
        if not (tensor.dtype.is_floating or tensor.dtype.is_integer or tensor.dtype.is_complex):
            raise TypeError(f"tensor_scatter_nd_add needs a numeric tensor, got "
                            f"{tensor.dtype.name} ({tensor.name})")
        updates = convert_to_tensor(updates, dtype=tensor.dtype, name="updates")
        indices = convert_to_tensor(indices, name="indices")
        shape = array_ops.shape(tensor, out_type=indices.dtype)
        return tensor + array_extra_ops.scatter_nd(indices, updates, shape)


def tensor_scatter_nd_sub(tensor, indices, updates, name=None):
    with name_scope(name or "TensorScatterSub"):
        return tensor_scatter_nd_add(tensor, indices, -convert_to_tensor(updates))


def tensor_scatter_nd_update(tensor, indices, updates, name=None):
    """``tensor`` with the entries (or slices) at ``indices`` replaced by ``updates``."""
    with name_scope(name or "TensorScatterUpdate"):
        tensor = convert_to_tensor(tensor, name="tensor")
        updates = convert_to_tensor(updates, dtype=tensor.dtype, name="updates")
        indices = convert_to_tensor(indices, name="indices")
        shape = array_ops.shape(tensor, out_type=indices.dtype)
        # Where an update lands, counted in int32 so that every dtype can be updated.
        ones = array_ops.ones_like(updates, dtype=dtypes.int32)
        hit = math_ops.greater(array_extra_ops.scatter_nd(indices, ones, shape), 0)
        placed = array_extra_ops.scatter_nd(indices, updates, shape)
        return array_ops.where(hit, placed, tensor)


def roll(input, shift, axis, name=None):  # noqa: A002
    """Rotate the entries along ``axis`` by ``shift`` places (shifts known when building)."""
    with name_scope(name or "Roll"):
        x = convert_to_tensor(input, name="input")
        shifts = np.atleast_1d(constant_value(convert_to_tensor(shift)))
        axes = np.atleast_1d(constant_value(convert_to_tensor(axis)))
        if shifts is None or axes is None:
            raise ValueError("roll needs shift and axis known when the graph is built")
        shifts, axes = np.broadcast_arrays(shifts, axes)
        for amount, dim in zip(shifts.tolist(), axes.tolist()):
            size = x.shape.as_list()[dim]
            if size is None:
                raise ValueError(f"roll needs the size of axis {dim} known")
            amount %= size
            if amount:
                rank = x.shape.ndims
                begin = [slice(None)] * rank
                end = [slice(None)] * rank
                begin[dim] = slice(size - amount, None)
                end[dim] = slice(0, size - amount)
                x = array_ops.concat([x[tuple(begin)], x[tuple(end)]], dim)
        return x


def repeat(input, repeats, axis=None, name=None):  # noqa: A002
    """Repeat each entry ``repeats`` times (an int, or one count per entry along ``axis``)."""
    with name_scope(name or "Repeat"):
        x = convert_to_tensor(input, name="input")
        if axis is None:
            x = array_ops.reshape(x, [-1])
            axis = 0
        counts = constant_value(convert_to_tensor(repeats))
        if counts is None:
            raise ValueError("repeat needs repeats known when the graph is built")
        size = x.shape.as_list()[axis]
        counts = np.broadcast_to(np.asarray(counts), (size,))
        positions = np.repeat(np.arange(size), counts).astype(np.int32)
        return array_ops.gather(x, positions, axis=axis)


def saturate_cast(value, dtype, name=None):
    """Cast, clamping to the target dtype's range first."""
    with name_scope(name or "saturate_cast"):
        value = convert_to_tensor(value, name="value")
        dtype = dtypes.as_dtype(dtype)
        if value.dtype.is_floating and dtype.is_integer or value.dtype.is_integer and \
                dtype.is_integer:
            info = np.iinfo(dtype.as_numpy_dtype)
            source = value.dtype.as_numpy_dtype
            low = max(info.min, _limit(source, "min"))
            high = min(info.max, _limit(source, "max"))
            value = math_ops.clip_by_value(value, np.asarray(low).astype(source),
                                           np.asarray(high).astype(source))
        return math_ops.cast(value, dtype)


def _limit(numpy_dtype, which):
    info = np.finfo(numpy_dtype) if np.issubdtype(numpy_dtype, np.floating) else \
        np.iinfo(numpy_dtype)
    return getattr(info, which)


def broadcast_static_shape(shape_x, shape_y):
    from .common import broadcast_static

    return broadcast_static(as_shape(shape_x), as_shape(shape_y))


def broadcast_dynamic_shape(shape_x, shape_y):
    """The broadcast of two shape vectors, as a tensor."""
    x = convert_to_tensor(shape_x, name="shape_x")
    y = convert_to_tensor(shape_y, dtype=x.dtype, name="shape_y")
    ones_x = array_ops.fill(x, array_ops.constant(0, dtype=dtypes.int8))
    ones_y = array_ops.fill(y, array_ops.constant(0, dtype=dtypes.int8))
    return array_ops.shape(ones_x + ones_y, out_type=x.dtype)


def shape_n(input, out_type=dtypes.int32, name=None):  # noqa: A002
    input = [convert_to_tensor(t) for t in input]  # noqa: A001
    if len({t.dtype for t in input}) > 1:
        # ShapeN's inputs share one type attribute T, as in TensorFlow.
        raise TypeError(f"Tensors in list passed to 'input' of 'ShapeN' Op have types "
                        f"[{', '.join(t.dtype.name for t in input)}] that don't all match.")
    with name_scope(name or "ShapeN"):
        return [array_ops.shape(t, out_type=out_type) for t in input]


def ensure_shape(x, shape, name=None):
    """``x`` with its static shape refined to ``shape``; a ValueError if incompatible."""
    x = convert_to_tensor(x, name="x")
    shape = as_shape(shape)
    if not x.shape.is_compatible_with(shape):
        raise ValueError(f"Shape of tensor {x.name} {x.shape} is not compatible with expected "
                         f"shape {shape}.")
    result = array_ops.identity(x, name=name or "EnsureShape")
    result.set_shape(x.shape.merge_with(shape))
    return result


def get_static_value(tensor, partial=False):
    """The value of ``tensor`` if it can be known when the graph is built, else None."""
    if not isinstance(tensor, Tensor):
        return np.asarray(tensor)
    return constant_value(tensor)


def batch_gather(params, indices, name=None):
    """``params[b, indices[b, ...]]`` for each leading batch index ``b``."""
    with name_scope(name or "BatchGather"):
        params = convert_to_tensor(params, name="params")
        indices = math_ops.cast(convert_to_tensor(indices, name="indices"), dtypes.int32)
        rank = indices.shape.ndims
        if rank is None:
            raise ValueError("batch_gather needs indices of known rank")
        shape = array_ops.shape(indices)
        grids = []
        for dim in range(rank - 1):
            view = [1] * rank
            view[dim] = -1
            grids.append(array_ops.reshape(math_ops.range(shape[dim]), view)
                         + array_ops.zeros_like(indices))
        return array_extra_ops.gather_nd(params, array_ops.stack([*grids, indices], -1))


def cross(a, b, name=None):
    """The cross product of 3-vectors in the last axis."""
    with name_scope(name or "Cross"):
        a = convert_to_tensor(a, name="a")
        b = convert_to_tensor(b, dtype=a.dtype, name="b")
        a0, a1, a2 = array_ops.unstack(a, 3, axis=-1)
        b0, b1, b2 = array_ops.unstack(b, 3, axis=-1)
        return array_ops.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], -1)


def unravel_index(indices, dims, name=None):
    """The coordinates of flat ``indices`` in an array of shape ``dims`` (``[rank, n]``)."""
    with name_scope(name or "UnravelIndex"):
        indices = convert_to_tensor(indices, name="indices")
        dims = convert_to_tensor(dims, dtype=indices.dtype, name="dims")
        strides = math_ops.cumprod(dims, exclusive=True, reverse=True)
        flat = array_ops.expand_dims(indices, 0)
        column = array_ops.expand_dims(strides, -1) if indices.shape.ndims else strides
        dims_column = array_ops.expand_dims(dims, -1) if indices.shape.ndims else dims
        coords = math_ops.floormod(math_ops.floordiv(flat, column), dims_column)
        return coords if indices.shape.ndims else array_ops.reshape(coords, [-1])
