"""Array ops: placeholders, constants, shapes, casts and rearrangements, with kernels."""

import numbers

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import (
    ShapeError,
    Tensor,
    convert_to_tensor,
    is_tensor_like,
    name_scope,
    register_tensor_conversion_function,
)
from ..registry import register_op
from ..tensor_shape import TensorShape, as_shape, unknown_shape
from .common import (
    broadcast_static,
    canonical_axis,
    constant_ints,
    constant_value,
    make_op,
    make_unary,
    merge_shapes,
    normalize_axes,
    same_shape,
)

# -- constants -------------------------------------------------------------------------------


def _infer_dtype(value):
    """TensorFlow's dtype for a Python or NumPy value: floats float32, ints int32."""
    if isinstance(value, np.ndarray | np.generic):
        return dtypes.as_dtype(value.dtype)
    array = np.asarray(value)
    kind = array.dtype.kind
    if kind == "b":
        return dtypes.bool
    if kind in "iu":
        in_int32 = array.size == 0 or (array.min() >= -(2**31) and array.max() < 2**31)
        return dtypes.int32 if in_int32 else dtypes.int64
    if kind == "f":
        return dtypes.float32
    if kind == "c":
        return dtypes.complex64
    raise TypeError(f"Failed to convert object of type {type(value)} to Tensor. "
                    f"Contents: {value!r}. Consider casting elements to a supported type.")


def _to_array(value, dtype):
    """Convert ``value`` to an ndarray of ``dtype``, refusing lossy conversions."""
    target = dtype.as_numpy_dtype
    source = np.asarray(value)
    if source.dtype == object:
        raise TypeError(f"Failed to convert object of type {type(value)} to Tensor. "
                        f"Contents: {value!r}. Consider casting elements to a supported type.")
    if source.dtype == target:
        return source
    if dtype.is_integer or dtype.is_bool:
        lossy = source.dtype.kind in "fc" and not np.all(np.mod(source, 1) == 0)
        if lossy or (dtype.is_bool and source.dtype.kind != "b"):
            shown = value if source.ndim == 0 else source.ravel()[0]
            raise TypeError(
                f"Expected {dtype.name}, got {shown!r} of type '{type(shown).__name__}' instead."
            )
    with np.errstate(all="ignore"):
        return source.astype(target)


def _const_kernel(attrs):
    value = attrs["value"]
    return lambda: value


register_op("Const", _const_kernel, lambda op: [TensorShape(op.attrs["value"].shape)])


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False):
    """A tensor with a fixed value; a scalar fills ``shape``, a short list is padded."""
    if isinstance(value, Tensor):
        raise TypeError(f"Expected a Python or NumPy value for constant, got Tensor {value}")
    dtype = dtypes.as_dtype(dtype) if dtype is not None else _infer_dtype(value)
    array = _to_array(value, dtype)
    if shape is not None:
        array = _fit_to_shape(array, [int(d) for d in as_shape(shape).as_list()], verify_shape)
    array = np.array(array, dtype=dtype.as_numpy_dtype, copy=True)
    array.flags.writeable = False
    op = make_op("Const", [], [dtype], {"value": array, "dtype": dtype}, name)
    return op.outputs[0]


def _fit_to_shape(array, shape, verify_shape):
    needed = int(np.prod(shape))
    if array.shape == tuple(shape):
        return array
    if verify_shape:
        raise TypeError(f"Expected Tensor's shape: {tuple(shape)}, got {array.shape}.")
    if array.size == 1:
        return np.full(shape, array.reshape(()), dtype=array.dtype)
    if array.size > needed:
        raise ValueError(f"Too many elements provided. Needed at most {needed}, "
                         f"but received {array.size}")
    flat = array.ravel()
    if array.size < needed:
        flat = np.concatenate([flat, np.full(needed - flat.size, flat[-1], dtype=array.dtype)])
    return flat.reshape(shape)


def _contains_tensor(value):
    if isinstance(value, list | tuple):
        return any(_contains_tensor(item) for item in value)
    return is_tensor_like(value)


def _first_tensor_dtype(value):
    if isinstance(value, list | tuple):
        for item in value:
            found = _first_tensor_dtype(item)
            if found is not None:
                return found
        return None
    return convert_to_tensor(value).dtype if is_tensor_like(value) else None


def _autopack(value, dtype, name):
    """A (nested) list holding tensors as one tensor, by stacking (TensorFlow's autopacking)."""
    dtype = dtypes.as_dtype(dtype) if dtype is not None else _first_tensor_dtype(value)
    with name_scope(name) as scope:
        parts = []
        for index, item in enumerate(value):
            if isinstance(item, list | tuple) and _contains_tensor(item):
                parts.append(_autopack(item, dtype, str(index)))
                continue
            if is_tensor_like(item):
                tensor = convert_to_tensor(item)
                if tensor.dtype != dtype:
                    raise TypeError(f"Cannot convert a list containing a tensor of dtype "
                                    f"{tensor.dtype.name} to {dtype.name} (Tensor is: {tensor!r})")
                parts.append(tensor)
            else:
                parts.append(constant(item, dtype=dtype, name=str(index)))
        return _pack(parts, 0, scope)


def _constant_conversion(value, dtype, name):
    if isinstance(value, list | tuple) and _contains_tensor(value):
        return _autopack(value, dtype, name or "packed")
    return constant(value, dtype=dtype, name=name or "Const")


register_tensor_conversion_function(
    (list, tuple, np.ndarray, np.generic, numbers.Number, bool), _constant_conversion
)

# -- placeholders and identities -------------------------------------------------------------


def _placeholder_kernel(attrs):
    def unfed():
        raise InvalidArgumentError(None, None, "You must feed a value for a placeholder tensor")

    return unfed


register_op("Placeholder", _placeholder_kernel, lambda op: [op.attrs["shape"]])


def placeholder(dtype, shape=None, name=None):
    """A tensor whose value must be fed to ``Session.run``; None sizes match any size."""
    dtype = dtypes.as_dtype(dtype)
    static = unknown_shape() if shape is None else as_shape(shape)
    op = make_op("Placeholder", [], [dtype], {"dtype": dtype, "shape": static}, name)
    return op.outputs[0]


def _identity_kernel(attrs):
    return _identity


def _identity(x):
    return x


register_op("Identity", _identity_kernel, same_shape)
register_op("StopGradient", _identity_kernel, same_shape)
register_op("PlaceholderWithDefault", _identity_kernel, lambda op: [op.attrs["shape"]])


def placeholder_with_default(input, shape, name=None):  # noqa: A002 - TF's argument name
    value = convert_to_tensor(input)
    static = as_shape(shape)
    op = make_op("PlaceholderWithDefault", [value], [value.dtype],
                 {"dtype": value.dtype, "shape": static}, name)
    return op.outputs[0]


def identity(input, name=None):  # noqa: A002
    return make_unary("Identity", input, name)


def stop_gradient(input, name=None):  # noqa: A002
    return make_unary("StopGradient", input, name)


# -- casts -----------------------------------------------------------------------------------


def _cast_kernel(attrs):
    target = attrs["DstT"].as_numpy_dtype

    def cast_array(x):
        with np.errstate(invalid="ignore", over="ignore"):
            return x.astype(target)

    return cast_array


register_op("Cast", _cast_kernel, same_shape)


def cast(x, dtype, name=None):
    """Convert ``x`` to ``dtype``: bool gives 0/1, float to int truncates toward zero."""
    dtype = dtypes.as_dtype(dtype)
    x = convert_to_tensor(x)
    if x.dtype == dtype:
        return x
    return make_unary("Cast", x, name, out_dtype=dtype, attrs={"SrcT": x.dtype, "DstT": dtype})


def to_float(x, name="ToFloat"):
    return cast(x, dtypes.float32, name=name)


def to_double(x, name="ToDouble"):
    return cast(x, dtypes.float64, name=name)


def to_int32(x, name="ToInt32"):
    return cast(x, dtypes.int32, name=name)


def to_int64(x, name="ToInt64"):
    return cast(x, dtypes.int64, name=name)


# -- shapes ----------------------------------------------------------------------------------


def _shape_input(shape, name="shape"):
    """A shape argument as an int tensor (lists, tuples, TensorShapes, tensors, or lists
    mixing ints and scalar tensors, which are stacked)."""
    if isinstance(shape, TensorShape):
        shape = shape.as_list()
    if is_tensor_like(shape):
        return convert_to_tensor(shape)
    if _contains_tensor(shape):
        return _autopack(list(shape), None, name)
    array = np.asarray(shape, dtype=np.int64).reshape(-1)
    fits = array.size == 0 or (array.min() >= -(2**31) and array.max() < 2**31)
    return constant(array.astype(np.int32) if fits else array, name=name)


def _reshape_static(op):
    target = constant_ints(op.inputs[1])
    if target is None:
        return [unknown_shape()]
    known = op.inputs[0].shape
    if target.count(-1) > 1:
        raise ShapeError("Cannot infer multiple unknown dimensions in reshape")
    if None in target:
        return [TensorShape([None if d == -1 else d for d in target])]
    if known.is_fully_defined():
        total = known.num_elements()
        fixed = int(np.prod([d for d in target if d != -1]))
        if -1 in target:
            if fixed == 0 or total % fixed:
                raise ShapeError(f"Cannot reshape a tensor with {total} elements to shape "
                                 f"{target} ({fixed} elements)")
            target = [total // fixed if d == -1 else d for d in target]
        elif fixed != total:
            raise ShapeError(f"Cannot reshape a tensor with {total} elements to shape "
                             f"{target} ({fixed} elements)")
    return [TensorShape([None if d == -1 else d for d in target])]


def _reshape_kernel(attrs):
    def reshape_array(x, shape):
        try:
            return x.reshape(shape)
        except ValueError:
            requested = int(np.prod([d for d in shape if d != -1]))
            raise InvalidArgumentError(
                None, None,
                f"Input to reshape is a tensor with {x.size} values, but the requested shape "
                f"{'requires a multiple of' if -1 in shape else 'has'} {requested}",
            ) from None

    return reshape_array


register_op("Reshape", _reshape_kernel, _reshape_static)


def reshape(tensor, shape, name=None):
    """Give ``tensor`` a new shape with the same number of elements (one -1 is inferred)."""
    tensor = convert_to_tensor(tensor)
    return make_op("Reshape", [tensor, _shape_input(shape)], [tensor.dtype], None,
                   name).outputs[0]


def _shape_kernel(attrs):
    out = attrs["out_type"].as_numpy_dtype
    return lambda x: np.array(x.shape, dtype=out)


register_op("Shape", _shape_kernel, lambda op: [TensorShape([op.inputs[0].shape.ndims])])
register_op("Size", lambda attrs: lambda x: np.array(x.size, dtype=attrs["out_type"].as_numpy_dtype),
            lambda op: [TensorShape([])])
register_op("Rank", lambda attrs: lambda x: np.array(x.ndim, dtype=np.int32),
            lambda op: [TensorShape([])])


def shape(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """The dynamic shape of ``input`` as a 1-D tensor."""
    out_type = dtypes.as_dtype(out_type)
    return make_unary("Shape", input, name, out_dtype=out_type, attrs={"out_type": out_type})


def size(input, name=None, out_type=dtypes.int32):  # noqa: A002
    out_type = dtypes.as_dtype(out_type)
    return make_unary("Size", input, name, out_dtype=out_type, attrs={"out_type": out_type})


def rank(input, name=None):  # noqa: A002
    return make_unary("Rank", input, name, out_dtype=dtypes.int32)


# -- filled tensors ------------------------------------------------------------------------------


def _fill_kernel(attrs):
    return lambda dims, value: np.full(tuple(dims), value, dtype=value.dtype)


def _fill_static(op):
    dims = constant_ints(op.inputs[0])
    return [unknown_shape() if dims is None else TensorShape(dims)]


register_op("Fill", _fill_kernel, _fill_static)


def fill(dims, value, name=None):
    value = convert_to_tensor(value)
    return make_op("Fill", [_shape_input(dims), value], [value.dtype], None, name).outputs[0]


def _filled(shape, dtype, fill_value, name, default_name):
    dtype = dtypes.as_dtype(dtype)
    if is_tensor_like(shape) or _contains_tensor(shape):
        dims = _shape_input(shape)
        value = constant(fill_value, dtype=dtype)
        return make_op("Fill", [dims, value], [dtype], None, name, default_name).outputs[0]
    dims = [int(d) for d in as_shape(shape).as_list()]
    array = np.full(dims, fill_value, dtype=dtype.as_numpy_dtype)
    return constant(array, dtype=dtype, name=name or default_name)


def zeros(shape, dtype=dtypes.float32, name=None):
    """A tensor of zeros."""
    return _filled(shape, dtype, 0, name, "zeros")


def ones(shape, dtype=dtypes.float32, name=None):
    """A tensor of ones."""
    return _filled(shape, dtype, 1, name, "ones")


register_op("ZerosLike", lambda attrs: np.zeros_like, same_shape)
register_op("OnesLike", lambda attrs: np.ones_like, same_shape)


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    tensor = convert_to_tensor(tensor)
    if dtype is not None and dtypes.as_dtype(dtype) != tensor.dtype:
        return zeros(shape(tensor), dtype=dtype, name=name)
    return make_unary("ZerosLike", tensor, name)


def ones_like(tensor, dtype=None, name=None, optimize=True):
    tensor = convert_to_tensor(tensor)
    if dtype is not None and dtypes.as_dtype(dtype) != tensor.dtype:
        return ones(shape(tensor), dtype=dtype, name=name)
    return make_unary("OnesLike", tensor, name)


# -- rearrangements ---------------------------------------------------------------------------


def _transpose_static(op):
    perm = constant_value(op.inputs[1])
    known = op.inputs[0].shape
    if known.ndims is None:
        return [unknown_shape(None if perm is None else len(perm))]
    if perm is None:
        return [unknown_shape(known.ndims)]
    if sorted(int(p) for p in perm) != list(range(known.ndims)):
        raise ShapeError(f"Invalid permutation {list(perm)} for a tensor of rank {known.ndims}")
    dims = known.as_list()
    return [TensorShape([dims[int(p)] for p in perm])]


register_op("Transpose", lambda attrs: np.transpose, _transpose_static)


def transpose(a, perm=None, name="transpose", conjugate=False):
    """Permute dimensions; the default reverses them."""
    a = convert_to_tensor(a)
    if perm is None:
        if a.shape.ndims is None:
            raise ValueError(f"transpose of {a.name} needs a known rank or an explicit perm")
        perm = list(range(a.shape.ndims))[::-1]
    perm_tensor = perm if isinstance(perm, Tensor) else constant(np.asarray(perm, np.int32))
    return make_op("Transpose", [a, perm_tensor], [a.dtype], None, name).outputs[0]


def _expand_dims_static(op):
    known = op.inputs[0].shape
    if known.ndims is None:
        return [unknown_shape()]
    axis = op.attrs["axis"]
    rank = known.ndims + 1
    if not -rank <= axis < rank:
        raise ShapeError(f"Tried to expand dim index {axis} for tensor with {known.ndims} "
                         "dimensions.")
    dims = known.as_list()
    dims.insert(axis % rank, 1)
    return [TensorShape(dims)]


register_op("ExpandDims", lambda attrs: lambda x: np.expand_dims(x, attrs["axis"]),
            _expand_dims_static)


def expand_dims(input, axis=None, name=None, dim=None):  # noqa: A002
    """Insert a dimension of size 1 at ``axis``."""
    if axis is None:
        axis = dim
    if axis is None:
        raise ValueError("Must specify an axis argument to tf.expand_dims()")
    return make_unary("ExpandDims", input, name, attrs={"axis": int(axis)})


def _squeeze_static(op):
    known = op.inputs[0].shape
    axes = op.attrs["squeeze_dims"]
    if known.ndims is None:
        return [unknown_shape()]
    dims = known.as_list()
    if not axes:
        if None in dims:
            return [unknown_shape()]
        return [TensorShape([d for d in dims if d != 1])]
    wanted = normalize_axes(axes, len(dims))
    for a in wanted:
        if dims[a] not in (1, None):
            raise ShapeError(f"Can not squeeze dim[{a}], expected a dimension of 1, got {dims[a]}")
    return [TensorShape([d for i, d in enumerate(dims) if i not in wanted])]


def _squeeze_kernel(attrs):
    axes = attrs["squeeze_dims"]
    if not axes:
        return np.squeeze
    return lambda x: np.squeeze(x, axis=tuple(a % x.ndim for a in axes))


register_op("Squeeze", _squeeze_kernel, _squeeze_static)


def squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002
    """Remove dimensions of size 1 (all of them, or those in ``axis``)."""
    if axis is None:
        axis = squeeze_dims
    if isinstance(axis, int):
        axis = [axis]
    return make_unary("Squeeze", input, name, attrs={"squeeze_dims": tuple(axis or ())})


def _one_hot_kernel(attrs):
    depth = attrs["depth"]
    axis = attrs["axis"]

    def one_hot_array(indices, on_value, off_value):
        hot = indices[..., None] == np.arange(depth)
        out = np.where(hot, on_value, off_value).astype(on_value.dtype, copy=False)
        return out if axis == -1 else np.moveaxis(out, -1, axis)

    return one_hot_array


def _one_hot_static(op):
    known = op.inputs[0].shape
    if known.ndims is None:
        return [unknown_shape()]
    dims = known.as_list()
    axis = op.attrs["axis"]
    dims.insert(len(dims) if axis == -1 else axis, op.attrs["depth"])
    return [TensorShape(dims)]


register_op("OneHot", _one_hot_kernel, _one_hot_static)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """Rows of ``depth`` values: ``on_value`` at each index, ``off_value`` elsewhere."""
    indices = convert_to_tensor(indices)
    if dtype is None:
        dtype = convert_to_tensor(on_value).dtype if on_value is not None else dtypes.float32
    dtype = dtypes.as_dtype(dtype)
    on = convert_to_tensor(1 if on_value is None else on_value, dtype=dtype, name="on_value")
    off = convert_to_tensor(0 if off_value is None else off_value, dtype=dtype,
                            name="off_value")
    attrs = {"depth": int(depth), "axis": -1 if axis is None else int(axis)}
    return make_op("OneHot", [indices, on, off], [dtype], attrs, name).outputs[0]


# -- slicing (Tensor.__getitem__) ----------------------------------------------------------------


def _slice_spec(key):
    items = key if isinstance(key, tuple) else (key,)
    for item in items:
        parts = (item.start, item.stop, item.step) if isinstance(item, slice) else (item,)
        for part in parts:
            if isinstance(part, Tensor):
                raise TypeError("Slicing with a Tensor index is not supported by smallflow; "
                                "use tf.gather or a Python integer.")
            if part is not None and part is not Ellipsis and not isinstance(
                    part, numbers.Integral):
                raise TypeError(f"Only integers, slices, `...` and `tf.newaxis` are valid "
                                f"indices, got {part!r}")
    return items


def _strided_slice_static(op):
    known = op.inputs[0].shape
    if not known.is_fully_defined():
        return [_partial_slice_shape(known, op.attrs["spec"])]
    probe = np.empty(known.as_list(), dtype=np.bool_)
    try:
        return [TensorShape(np.shape(probe[op.attrs["spec"]]))]
    except IndexError as err:
        raise ShapeError(f"slice index out of bounds: {err}") from None


def _partial_slice_shape(known, spec):
    """Shape of a basic slice when some sizes are unknown (unknown sizes stay unknown)."""
    if known.ndims is None or Ellipsis in spec:
        return unknown_shape()
    dims = known.as_list()
    out = []
    axis = 0
    for item in spec:
        if item is None:
            out.append(1)
            continue
        if isinstance(item, slice):
            size = dims[axis]
            out.append(None if size is None else len(range(size)[item]))
        axis += 1
    out.extend(dims[axis:])
    return TensorShape(out)


register_op("StridedSlice", lambda attrs: lambda x: x[attrs["spec"]], _strided_slice_static)


def _strided_slice_grad_kernel(attrs):
    spec = attrs["spec"]

    def scatter(grad, x):
        out = np.zeros(x.shape, dtype=grad.dtype)
        out[spec] = grad
        return out

    return scatter


register_op("StridedSliceGrad", _strided_slice_grad_kernel, lambda op: [op.inputs[1].shape])


def _getitem(tensor, key):
    spec = _slice_spec(key)
    return make_op("StridedSlice", [tensor], [tensor.dtype], {"spec": spec}, None,
                   "strided_slice").outputs[0]


Tensor._override_operator("__getitem__", _getitem)


# -- broadcasting helpers used by gradients ------------------------------------------------------


def _reduce_to_shape_kernel(attrs):
    def reduce_to(grad, like):
        target = like.shape
        if grad.shape == target:
            return grad
        lead = grad.ndim - len(target)
        axes = tuple(range(lead)) + tuple(
            i + lead for i, d in enumerate(target) if d == 1 and grad.shape[i + lead] != 1
        )
        return grad.sum(axis=axes, keepdims=True).reshape(target)

    return reduce_to


register_op("ReduceToShapeOf", _reduce_to_shape_kernel, lambda op: [op.inputs[1].shape])


def reduce_to_shape_of(grad, like, name=None):
    """Sum ``grad`` over the axes along which ``like`` was broadcast (ours, for gradients)."""
    if grad.shape.is_fully_defined() and grad.shape == like.shape:
        return grad
    return make_op("ReduceToShapeOf", [grad, like], [grad.dtype], None, name).outputs[0]


def _broadcast_to_shape_kernel(attrs):
    axes = attrs["axes"]
    mean = attrs["mean"]

    def broadcast_to(grad, like):
        target = like.shape
        if axes is not None:
            reduced = range(len(target)) if axes == "all" else axes
            kept = list(target)
            for a in reduced:
                kept[a] = 1
            grad = grad.reshape(kept)
        if mean:
            count = like.size // max(grad.size, 1) if like.size else 1
            grad = np.true_divide(grad, count, dtype=grad.dtype)
        out = np.empty(target, dtype=grad.dtype)
        out[...] = grad
        return out

    return broadcast_to


register_op("BroadcastToShapeOf", _broadcast_to_shape_kernel, lambda op: [op.inputs[1].shape])


def broadcast_to_shape_of(grad, like, axes=None, mean=False, name=None):
    """Spread ``grad`` over ``like``'s shape, re-inserting reduced ``axes`` (ours).

    ``axes`` is None when the reduced axes were kept (size 1), the string ``"all"`` for a
    full reduction, or a tuple of non-negative axes; ``mean`` divides by the count.
    """
    attrs = {"axes": axes, "mean": mean}
    return make_op("BroadcastToShapeOf", [grad, like], [grad.dtype], attrs, name).outputs[0]
