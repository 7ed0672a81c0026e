"""Array ops: placeholders, constants, shapes, casts and rearrangements, with kernels."""

import builtins
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
    binary_inputs,
    broadcast_static,
    bytes_array,
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
    if isinstance(value, str | bytes):
        return dtypes.string
    if isinstance(value, np.ndarray | np.generic):
        if value.dtype.kind in "SU" or (value.dtype == object and _all_strings(value)):
            return dtypes.string
        return dtypes.as_dtype(value.dtype)
    array = np.asarray(value)
    kind = array.dtype.kind
    if kind in "SU" or (kind == "O" and array.size and _all_strings(array)):
        return dtypes.string
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


def _all_strings(array):
    return all(isinstance(item, str | bytes) for item in np.asarray(array, dtype=object).flat)


def _to_array(value, dtype):
    """Convert ``value`` to an ndarray of ``dtype``, refusing lossy conversions."""
    if dtype == dtypes.string:
        return bytes_array(value)
    target = dtype.as_numpy_dtype
    source = np.asarray(value)
    if source.dtype.kind in "SUO" and _all_strings(source):
        shown = source.ravel()[0].item() if source.size else value
        raise TypeError(f"Expected {dtype.name}, got {shown!r} of type "
                        f"'{type(shown).__name__}' instead.")
    if source.dtype == object:
        raise TypeError(f"Failed to convert object of type {type(value)} to Tensor. "
                        f"Contents: {value!r}. Consider casting elements to a supported type.")
    if source.dtype == target:
        return source
    if dtype.is_integer or dtype.is_bool:
        lossy = source.dtype.kind in "fc" and not np.all(np.mod(source, 1) == 0)
        if lossy or (dtype.is_bool and source.dtype.kind != "b"):
            flat = source.ravel()
            bad = flat != np.round(flat) if source.dtype.kind in "fc" else flat == flat
            shown = flat[np.argmax(bad)].item()
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
    if dtype != dtypes.string:
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
    (list, tuple, np.ndarray, np.generic, numbers.Number, bool, str, bytes), _constant_conversion
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
    if is_tensor_like(shape) or _contains_tensor(shape):
        return _int_input(shape, name)
    return _int_input(np.asarray(shape, dtype=np.int64).reshape(-1), name)


def _int_input(value, name):
    """An index-like argument (nested lists may hold scalar tensors) as an int32 tensor, or
    int64 when a value needs it."""
    if is_tensor_like(value):
        return convert_to_tensor(value)
    if _contains_tensor(value):
        return _autopack(list(value), None, name)
    array = np.asarray(value, dtype=np.int64)
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
register_op("Size",
            lambda attrs: lambda x: np.array(x.size, dtype=attrs["out_type"].as_numpy_dtype),
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


# -- joining and splitting ----------------------------------------------------------------------


def _concat_static(op):
    values = op.inputs[:-1]
    axis = constant_value(op.inputs[-1])
    ranks = {t.shape.ndims for t in values} - {None}
    if len(ranks) > 1:
        low, high = sorted(ranks)[:2]
        raise ShapeError(f"Shape must be rank {high} but is rank {low}")
    if ranks == {0}:
        raise ShapeError("Can't concatenate scalars (use tf.stack instead)")
    rank = ranks.pop() if ranks else None
    if rank is None or axis is None:
        return [unknown_shape(rank)]
    axis = canonical_axis(axis, rank, "concatenating dimensions")
    others = [TensorShape(t.shape.as_list()[:axis] + [0] + t.shape.as_list()[axis + 1:])
              for t in values if t.shape.ndims is not None]
    merged = merge_shapes(others).as_list()
    sizes = [t.shape[axis].value for t in values]
    merged[axis] = None if None in sizes else sum(sizes)
    return [TensorShape(merged)]


def _concat_kernel(attrs):
    def concat_arrays(*args):
        axis = int(args[-1])
        rank = args[0].ndim
        if not -rank <= axis < rank:
            raise InvalidArgumentError(
                None, None, f"ConcatOp : Expected concatenating dimensions in the range "
                f"[{-rank}, {rank}), but got {axis}")
        return np.concatenate(args[:-1], axis=axis)

    return concat_arrays


register_op("ConcatV2", _concat_kernel, _concat_static)


def _same_dtype_tensors(values, op_type, arg="values"):
    """Convert a list of values to tensors of one dtype (the first tensor's)."""
    if not isinstance(values, list | tuple):
        raise TypeError(f"Expected list for '{arg}' argument to '{op_type}' Op, not {values!r}.")
    dtype = _first_tensor_dtype(list(values))
    tensors = [convert_to_tensor(v) if is_tensor_like(v) else convert_to_tensor(v, dtype=dtype)
               for v in values]
    if len({t.dtype for t in tensors}) > 1:
        names = ", ".join(t.dtype.name for t in tensors)
        raise TypeError(f"Tensors in list passed to '{arg}' of '{op_type}' Op have types "
                        f"[{names}] that don't all match.")
    return tensors


def concat(values, axis, name="concat"):
    """Join tensors along ``axis``; all other dimensions must agree."""
    if not isinstance(values, list | tuple):
        values = [values]
    if len(values) == 1:
        return identity(values[0], name=name)
    tensors = _same_dtype_tensors(values, "ConcatV2")
    axis_tensor = convert_to_tensor(axis, dtype=dtypes.int32, name="axis") if not (
        is_tensor_like(axis)) else convert_to_tensor(axis)
    return make_op("ConcatV2", [*tensors, axis_tensor], [tensors[0].dtype], None,
                   name).outputs[0]


def _pack_static(op):
    merged = merge_shapes([t.shape for t in op.inputs])
    if merged.ndims is None:
        return [unknown_shape()]
    dims = merged.as_list()
    axis = canonical_axis(op.attrs["axis"], len(dims) + 1)
    dims.insert(axis, len(op.inputs))
    return [TensorShape(dims)]


register_op("Pack", lambda attrs: lambda *values: np.stack(values, axis=attrs["axis"]),
            _pack_static)


def _pack(tensors, axis, name):
    return make_op("Pack", tensors, [tensors[0].dtype], {"axis": int(axis), "N": len(tensors)},
                   name, "stack").outputs[0]


def stack(values, axis=0, name="stack"):
    """Stack rank-R tensors into one rank-(R+1) tensor along a new ``axis``."""
    if not isinstance(values, list | tuple) or not values:
        raise ValueError(f"stack needs a non-empty list of tensors, got {values!r}")
    if axis == 0 and not _contains_tensor(values):
        try:
            return constant(values, name=name)
        except (TypeError, ValueError):
            pass  # ragged values: the Pack op below reports their shapes
    tensors = _same_dtype_tensors(values, "Pack")
    rank = tensors[0].shape.ndims
    if rank is not None and not -(rank + 1) <= axis < rank + 1:
        raise ValueError(f"axis = {axis} not in [{-(rank + 1)}, {rank + 1})")
    return _pack(tensors, axis, name)


def _unpack_static(op):
    known = op.inputs[0].shape
    if known.ndims is None:
        return [unknown_shape() for _ in op.outputs]
    dims = known.as_list()
    axis = canonical_axis(op.attrs["axis"], len(dims))
    if dims[axis] is not None and dims[axis] != op.attrs["num"]:
        raise ShapeError(f"Dimension must be {dims[axis]} but is {op.attrs['num']}")
    del dims[axis]
    return [TensorShape(dims) for _ in op.outputs]


def _unpack_kernel(attrs):
    axis = attrs["axis"]
    num = attrs["num"]

    def unpack(x):
        if x.shape[axis] != num:
            raise InvalidArgumentError(
                None, None, f"Input shape axis {axis % x.ndim} must equal {num}, got shape "
                f"{list(x.shape)}")
        parts = tuple(np.moveaxis(x, axis, 0))
        return parts[0] if num == 1 else parts

    return unpack


register_op("Unpack", _unpack_kernel, _unpack_static)


def unstack(value, num=None, axis=0, name="unstack"):
    """Split a rank-R tensor into a list of rank-(R-1) tensors along ``axis``."""
    value = convert_to_tensor(value)
    if num is None:
        dims = value.shape.as_tuple()
        if dims is None:
            raise ValueError(f"Cannot infer num from shape {value.shape}")
        if not -len(dims) <= axis < len(dims):
            raise ValueError(f"axis = {axis} not in [{-len(dims)}, {len(dims)})")
        num = dims[axis]
        if num is None:
            raise ValueError(f"Cannot infer num from shape {value.shape}")
    attrs = {"num": int(num), "axis": int(axis)}
    return make_op("Unpack", [value], [value.dtype] * int(num), attrs, name).outputs


def _split_static(op):
    axis = constant_value(op.inputs[0])
    known = op.inputs[1].shape
    num = op.attrs["num_split"]
    if known.ndims is None or axis is None:
        return [unknown_shape(known.ndims) for _ in range(num)]
    dims = known.as_list()
    axis = canonical_axis(axis, len(dims))
    if dims[axis] is not None:
        if dims[axis] % num:
            raise ShapeError(f"Dimension size must be evenly divisible by {num} but is "
                             f"{dims[axis]}")
        dims[axis] //= num
    return [TensorShape(dims) for _ in range(num)]


def _split_kernel(attrs):
    num = attrs["num_split"]

    def split_array(axis, x):
        axis = int(axis)
        if x.shape[axis] % num:
            raise InvalidArgumentError(
                None, None, f"Number of ways to split should evenly divide the split "
                f"dimension, but got split_dim {axis} (size = {x.shape[axis]}) and num_split "
                f"{num}")
        parts = tuple(np.split(x, num, axis=axis))
        return parts[0] if num == 1 else parts

    return split_array


register_op("Split", _split_kernel, _split_static)


def _resolve_split_sizes(sizes, total):
    """Fill in one -1 in ``sizes`` (a list of ints) so that they sum to ``total``."""
    if sizes.count(-1) > 1:
        raise ValueError("Only one dimensions can have a value of-1. Second one found at "
                         f"dimension {[i for i, s in enumerate(sizes) if s == -1][1]}")
    known = sum(s for s in sizes if s != -1)
    if -1 in sizes:
        if total is not None and known > total:
            raise ValueError(
                "Determined shape must either match input shape along split_dim exactly if "
                "fully specified, or be less than the size of the input along split_dim if "
                f"not fully specified.  Got: {known}")
        return [total - known if s == -1 and total is not None else s for s in sizes]
    if total is not None and known != total:
        raise ValueError(
            "Determined shape must either match input shape along split_dim exactly if fully "
            "specified, or be less than the size of the input along split_dim if not fully "
            f"specified.  Got: {known}")
    return sizes


def _split_v_static(op):
    known = op.inputs[0].shape
    sizes = constant_ints(op.inputs[1])
    axis = constant_value(op.inputs[2])
    num = op.attrs["num_split"]
    if known.ndims is None or axis is None:
        return [unknown_shape(known.ndims) for _ in range(num)]
    dims = known.as_list()
    axis = canonical_axis(axis, len(dims))
    if sizes is None or None in sizes:
        return [TensorShape(dims[:axis] + [None] + dims[axis + 1:]) for _ in range(num)]
    try:
        sizes = _resolve_split_sizes(sizes, dims[axis])
    except ValueError as err:
        raise ShapeError(str(err)) from None
    return [TensorShape(dims[:axis] + [None if s == -1 else s] + dims[axis + 1:])
            for s in sizes]


def _split_v_kernel(attrs):
    num = attrs["num_split"]

    def split_v(x, sizes, axis):
        axis = int(axis)
        try:
            sizes = _resolve_split_sizes([int(s) for s in sizes], x.shape[axis])
        except ValueError as err:
            raise InvalidArgumentError(None, None, str(err)) from None
        parts = tuple(np.split(x, np.cumsum(sizes)[:-1], axis=axis))
        return parts[0] if num == 1 else parts

    return split_v


register_op("SplitV", _split_v_kernel, _split_v_static)


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Split ``value`` along ``axis`` into equal parts (an int) or parts of given sizes."""
    value = convert_to_tensor(value)
    axis_tensor = convert_to_tensor(axis, dtype=dtypes.int32, name="split_dim") if not (
        is_tensor_like(axis)) else convert_to_tensor(axis)
    if isinstance(num_or_size_splits, numbers.Integral):
        count = int(num_or_size_splits)
        if count < 1:
            raise ValueError(f"num_or_size_splits must be at least 1, got {count}")
        op = make_op("Split", [axis_tensor, value], [value.dtype] * count,
                     {"num_split": count}, name)
        return op.outputs
    sizes = _shape_input(num_or_size_splits, name="size_splits")
    if sizes.shape.ndims == 0:
        raise ValueError("Rank-0 tensors are not supported as the num_or_size_splits argument "
                         f"to split. Argument provided: {num_or_size_splits}")
    if num is None:
        num = sizes.shape[0].value
        if num is None:
            raise ValueError(f"Cannot infer num from shape {num_or_size_splits}")
    op = make_op("SplitV", [value, sizes, axis_tensor], [value.dtype] * int(num),
                 {"num_split": int(num)}, name)
    return op.outputs


# -- slicing ------------------------------------------------------------------------------------


def _slice_static(op):
    known = op.inputs[0].shape
    begin = constant_ints(op.inputs[1])
    size = constant_ints(op.inputs[2])
    rank = known.ndims
    if rank is None:
        rank = len(begin) if begin is not None else None
        return [unknown_shape(rank)]
    for vector in (begin, size):
        if vector is not None and len(vector) != rank:
            raise ShapeError(f"Shape must be rank {rank} but is rank {len(vector)}")
    dims = known.as_list()
    out = []
    for axis in range(rank):
        b = None if begin is None else begin[axis]
        s = None if size is None else size[axis]
        dim = dims[axis]
        if b is not None and dim is not None and not 0 <= b <= dim:
            raise ShapeError(f"Expected begin[{axis}] in [0, {dim}], but got {b}")
        if s == -1:
            out.append(None if b is None or dim is None else dim - b)
            continue
        if s is not None and b is not None and dim is not None and not 0 <= s <= dim - b:
            raise ShapeError(f"Expected size[{axis}] in [0, {dim - b}], but got {s}")
        out.append(s)
    return [TensorShape(out)]


def _slice_kernel(attrs):
    def slice_array(x, begin, size):
        if len(begin) != x.ndim or len(size) != x.ndim:
            raise InvalidArgumentError(
                None, None, f"Expected begin and size arguments to be 1-D tensors of size "
                f"{x.ndim}, but got shapes [{len(begin)}] and [{len(size)}] instead.")
        index = []
        for axis, (b, s) in enumerate(zip(begin.tolist(), size.tolist(), strict=True)):
            dim = x.shape[axis]
            if not 0 <= b <= dim:
                raise InvalidArgumentError(
                    None, None, f"Expected begin[{axis}] in [0, {dim}], but got {b}")
            if s == -1:
                s = dim - b
            if not 0 <= s <= dim - b:
                raise InvalidArgumentError(
                    None, None, f"Expected size[{axis}] in [0, {dim - b}], but got {s}")
            index.append(builtins.slice(b, b + s))
        return x[tuple(index)]

    return slice_array


register_op("Slice", _slice_kernel, _slice_static)


def slice(input_, begin, size, name=None):  # noqa: A001 - TensorFlow's public name
    """The part of ``input_`` starting at ``begin`` with extent ``size`` (-1: to the end)."""
    input_ = convert_to_tensor(input_)
    begin = _shape_input(begin, name="begin")
    size = _shape_input(size, name="size")
    if begin.dtype != size.dtype:
        size = cast(size, begin.dtype)
    return make_op("Slice", [input_, begin, size], [input_.dtype], None, name,
                   "Slice").outputs[0]


_DYNAMIC = object()  # a slice bound known only when the graph runs
_MASKS = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")


def _index_tuple(begin, end, strides, attrs):
    """The NumPy index that TensorFlow's begin/end/strides and bit masks describe."""
    items = []
    for i, (b, e, s) in enumerate(zip(begin, end, strides, strict=True)):
        bit = 1 << i
        if attrs["ellipsis_mask"] & bit:
            items.append(Ellipsis)
        elif attrs["new_axis_mask"] & bit:
            items.append(None)
        elif attrs["shrink_axis_mask"] & bit:
            items.append(b)
        else:
            start = None if attrs["begin_mask"] & bit else b
            stop = None if attrs["end_mask"] & bit else e
            items.append(builtins.slice(start, stop, s))
    return tuple(items)


def _static_spec(op):
    """The index with bounds known at build time (others are _DYNAMIC), or None."""
    vectors = [constant_ints(t) for t in op.inputs[1:4]]
    lengths = {len(v) for v in vectors if v is not None}
    if len(lengths) > 1:
        raise ShapeError("Expected begin, end, and strides to be 1D equal size tensors")
    if not lengths:
        return None
    length = lengths.pop()
    filled = [[_DYNAMIC] * length if v is None else [_DYNAMIC if d is None else d for d in v]
              for v in vectors]
    return _index_tuple(*filled, op.attrs)


def _strided_slice_static(op):
    spec = _static_spec(op)
    known = op.inputs[0].shape
    if spec is None:
        return [unknown_shape()]
    if sum(item is Ellipsis for item in spec) > 1:
        raise ShapeError("Multiple ellipses in slice spec not allowed")
    consumed = sum(item is not None and item is not Ellipsis for item in spec)
    if known.ndims is None:
        return [unknown_shape()]
    dims = known.as_list()
    if consumed > len(dims):
        raise ShapeError(f"Index out of range using input dim {len(dims)}; input has only "
                         f"{len(dims)} dims")
    out = []
    axis = 0
    for item in spec:
        if item is Ellipsis:
            skipped = len(dims) - consumed
            out.extend(dims[axis:axis + skipped])
            axis += skipped
        elif item is None:
            out.append(1)
        elif isinstance(item, builtins.slice):
            out.append(_sliced_length(item, dims[axis], axis))
            axis += 1
        else:
            dim = dims[axis]
            if item is not _DYNAMIC and dim is not None and not -dim <= item < dim:
                raise ShapeError(f"slice index {item} of dimension {axis} out of bounds.")
            axis += 1
    out.extend(dims[axis:])
    return [TensorShape(out)]


def _sliced_length(item, dim, axis):
    parts = (item.start, item.stop, item.step)
    if item.step == 0:
        raise ShapeError(f"strides[{axis}] must be non-zero")
    if dim is None or any(p is _DYNAMIC for p in parts):
        return None
    return len(range(dim)[item])


def _out_of_bounds(x, index):
    """TensorFlow's message for a shrinking index outside its dimension, or None."""
    consumed = sum(item is not None and item is not Ellipsis for item in index)
    axis = 0
    for item in index:
        if item is Ellipsis:
            axis += x.ndim - consumed
        elif isinstance(item, builtins.slice):
            axis += 1
        elif item is not None:
            if axis < x.ndim and not -x.shape[axis] <= item < x.shape[axis]:
                return f"slice index {item} of dimension {axis} out of bounds."
            axis += 1
    return None


def _apply_index(x, index):
    try:
        return x[index]
    except IndexError as err:
        message = _out_of_bounds(x, index) or str(err)
        raise InvalidArgumentError(None, None, message) from None


def _strided_slice_kernel(attrs):
    spec = attrs["spec"]
    if spec is not None:
        return lambda x, begin, end, strides: _apply_index(x, spec)

    def strided_slice_array(x, begin, end, strides):
        index = _index_tuple(begin.tolist(), end.tolist(), strides.tolist(), attrs)
        return _apply_index(x, index)

    return strided_slice_array


register_op("StridedSlice", _strided_slice_kernel, _strided_slice_static)


def _strided_slice_grad_kernel(attrs):
    spec = attrs["spec"]

    def scatter(grad, x, begin, end, strides):
        index = spec
        if index is None:
            index = _index_tuple(begin.tolist(), end.tolist(), strides.tolist(), attrs)
        out = np.zeros(x.shape, dtype=grad.dtype)
        out[index] = grad
        return out

    return scatter


register_op("StridedSliceGrad", _strided_slice_grad_kernel, lambda op: [op.inputs[1].shape])


def _slice_attrs(begin, end, strides, masks):
    attrs = dict(masks)
    vectors = [constant_value(t) for t in (begin, end, strides)]
    known = all(v is not None for v in vectors)
    attrs["spec"] = _index_tuple(*[v.tolist() for v in vectors], attrs) if known else None
    return attrs


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """NumPy-style basic slicing described by ``begin``/``end``/``strides`` and bit masks."""
    input_ = convert_to_tensor(input_)
    begin = _shape_input(begin, name="begin")
    end = _shape_input(end, name="end")
    if strides is None:
        strides = ones_like(begin)
    strides = _shape_input(strides, name="strides")
    values = (begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask)
    masks = dict(zip(_MASKS, values, strict=True))
    attrs = _slice_attrs(begin, end, strides, masks)
    return make_op("StridedSlice", [input_, begin, end, strides], [input_.dtype], attrs, name,
                   "StridedSlice").outputs[0]


_INDEX_ERROR = ("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and "
                "scalar tf.int32/tf.int64 tensors are valid indices, got {!r}")


def _check_index(part):
    if is_tensor_like(part):
        tensor = convert_to_tensor(part)
        if tensor.dtype not in (dtypes.int32, dtypes.int64) or tensor.shape.ndims not in (0,
                                                                                         None):
            raise TypeError(_INDEX_ERROR.format(part))
        return tensor
    if not isinstance(part, numbers.Integral):
        raise TypeError(_INDEX_ERROR.format(part))
    return int(part)


def _getitem(tensor, key):
    """``tensor[key]`` for ints, slices, ``...``, ``tf.newaxis`` and scalar int tensors."""
    items = key if isinstance(key, tuple) else (key,)
    begin, end, strides = [], [], []
    masks = dict.fromkeys(_MASKS, 0)
    for index, item in enumerate(items):
        bit = 1 << index
        if isinstance(item, builtins.slice):
            start = 0 if item.start is None else _check_index(item.start)
            stop = 0 if item.stop is None else _check_index(item.stop)
            step = 1 if item.step is None else _check_index(item.step)
            masks["begin_mask"] |= bit if item.start is None else 0
            masks["end_mask"] |= bit if item.stop is None else 0
        elif item is Ellipsis:
            start, stop, step = 0, 0, 1
            masks["ellipsis_mask"] |= bit
        elif item is None:
            start, stop, step = 0, 0, 1
            masks["new_axis_mask"] |= bit
        else:
            start = _check_index(item)
            stop = start + 1
            step = 1
            masks["shrink_axis_mask"] |= bit
        begin.append(start)
        end.append(stop)
        strides.append(step)
    wide = any(is_tensor_like(v) and convert_to_tensor(v).dtype == dtypes.int64
               for v in begin + end + strides)
    if wide:
        begin, end, strides = ([cast(v, dtypes.int64) if is_tensor_like(v) else v for v in vs]
                               for vs in (begin, end, strides))
    with name_scope(None, "strided_slice") as scope:
        vectors = [_shape_input(v, name=n) for v, n in
                   ((begin, "stack"), (end, "stack_1"), (strides, "stack_2"))]
        vectors = [v if v.dtype == vectors[0].dtype else cast(v, vectors[0].dtype)
                   for v in vectors]
        attrs = _slice_attrs(*vectors, masks)
        return make_op("StridedSlice", [tensor, *vectors], [tensor.dtype], attrs,
                       scope).outputs[0]


Tensor._override_operator("__getitem__", _getitem)


# -- tiling, padding, reversing, broadcasting ---------------------------------------------------


def _tile_static(op):
    known = op.inputs[0].shape
    multiples = constant_ints(op.inputs[1])
    if known.ndims is None:
        return [unknown_shape(None if multiples is None else len(multiples))]
    if multiples is None:
        return [unknown_shape(known.ndims)]
    if len(multiples) != known.ndims:
        raise ShapeError(f"Shape must be rank {known.ndims} but is rank {len(multiples)}")
    dims = known.as_list()
    return [TensorShape([None if d is None or m is None else d * m
                         for d, m in zip(dims, multiples, strict=True)])]


def _tile_kernel(attrs):
    def tile_array(x, multiples):
        if multiples.shape != (x.ndim,):
            raise InvalidArgumentError(
                None, None, f"Expected multiples argument to be a vector of length {x.ndim} "
                f"but got length {multiples.size}")
        if np.any(multiples < 0):
            axis = int(np.argmax(multiples < 0))
            raise InvalidArgumentError(
                None, None, f"Expected multiples[{axis}] >= 0, but got {multiples[axis]}")
        return np.tile(x, multiples)

    return tile_array


register_op("Tile", _tile_kernel, _tile_static)


def tile(input, multiples, name=None):  # noqa: A002 - TensorFlow's argument name
    """Repeat ``input`` ``multiples[i]`` times along each axis i."""
    input = convert_to_tensor(input)  # noqa: A001
    return make_op("Tile", [input, _shape_input(multiples, name="multiples")], [input.dtype],
                   None, name).outputs[0]


def _paddings_value(op):
    """Paddings known at build time as an [n, 2] int array, or None; checks their shape."""
    paddings = op.inputs[1]
    rank = op.inputs[0].shape.ndims
    p_dims = paddings.shape.as_tuple()
    if p_dims is not None and (len(p_dims) != 2 or p_dims[1] not in (2, None)):
        raise ShapeError(f"Shape must be rank 2 and have 2 columns, but is "
                         f"{paddings.shape.bracket_str()}")
    if rank is not None and p_dims is not None and p_dims[0] not in (rank, None):
        raise ShapeError(f"Shape must be rank {rank} but is rank {p_dims[0]}")
    value = constant_value(paddings)
    return None if value is None else np.asarray(value, dtype=np.int64).reshape(-1, 2)


def _pad_static(op):
    known = op.inputs[0].shape
    paddings = _paddings_value(op)
    if paddings is None:
        rank = known.ndims if known.ndims is not None else op.inputs[1].shape[0].value
        return [unknown_shape(rank)]
    if np.any(paddings < 0):
        raise ShapeError(f"Paddings must be non-negative: {paddings.ravel().tolist()}")
    if known.ndims is None:
        return [unknown_shape(len(paddings))]
    mode = op.attrs.get("mode", "CONSTANT")
    out = []
    rows = zip(known.as_list(), paddings.tolist(), strict=True)
    for axis, (dim, (before, after)) in enumerate(rows):
        if dim is not None:
            _check_mirror_padding(mode, axis, dim, before, after, ShapeError)
        out.append(None if dim is None else dim + before + after)
    return [TensorShape(out)]


def _check_mirror_padding(mode, axis, dim, before, after, error):
    if mode == "REFLECT" and max(before, after) >= dim:
        raise error(f"paddings must be less than the dimension size: {before}, {after} not "
                    f"less than {dim}")
    if mode == "SYMMETRIC" and max(before, after) > dim:
        raise error(f"paddings must be no greater than the dimension size: {before}, {after} "
                    f"greater than {dim}")


def _check_paddings(x, paddings):
    if paddings.shape != (x.ndim, 2):
        raise InvalidArgumentError(
            None, None, f"The first dimension of paddings must be the rank of inputs"
            f"{list(paddings.shape)} {list(x.shape)}")
    if np.any(paddings < 0):
        raise InvalidArgumentError(
            None, None, f"Paddings must be non-negative: {' '.join(map(str, paddings.ravel()))}")


def _pad_constant(x, paddings, fill):
    _check_paddings(x, paddings)
    shape = tuple(int(d + b + a) for d, (b, a) in zip(x.shape, paddings, strict=True))
    out = np.full(shape, fill, dtype=x.dtype)
    rows = zip(x.shape, paddings, strict=True)
    inner = tuple(builtins.slice(int(b), int(b) + d) for d, (b, _) in rows)
    out[inner] = x
    return out


register_op("Pad", lambda attrs: lambda x, paddings: _pad_constant(x, paddings, 0), _pad_static)
register_op("PadV2", lambda attrs: _pad_constant, _pad_static)


def _mirror_pad_kernel(attrs):
    numpy_mode = attrs["mode"].lower()

    def mirror_pad(x, paddings):
        _check_paddings(x, paddings)
        for axis, (before, after) in enumerate(paddings.tolist()):
            _check_mirror_padding(attrs["mode"], axis, x.shape[axis], before, after,
                                  lambda message: InvalidArgumentError(None, None, message))
        return np.pad(x, paddings, mode=numpy_mode)

    return mirror_pad


register_op("MirrorPad", _mirror_pad_kernel, _pad_static)


def _mirror_source(size, before, after, mode):
    """For each position of a mirror-padded axis, the input position it copies."""
    positions = np.arange(-before, size + after)
    if mode == "REFLECT":
        positions = np.abs(positions)
        return np.where(positions >= size, 2 * (size - 1) - positions, positions)
    positions = np.where(positions < 0, -positions - 1, positions)
    return np.where(positions >= size, 2 * size - 1 - positions, positions)


def _mirror_pad_grad_kernel(attrs):
    mode = attrs["mode"]

    def fold(grad, paddings):
        out = grad
        for axis, (before, after) in enumerate(paddings.tolist()):
            size = out.shape[axis] - before - after
            source = _mirror_source(size, before, after, mode)
            folded = np.zeros(out.shape[:axis] + (size,) + out.shape[axis + 1:], out.dtype)
            index = (builtins.slice(None),) * axis + (source,)
            np.add.at(folded, index, out)
            out = folded
        return out

    return fold


def _mirror_pad_grad_static(op):
    known = op.inputs[0].shape
    paddings = constant_value(op.inputs[1])
    if known.ndims is None or paddings is None:
        return [unknown_shape(known.ndims)]
    paddings = np.asarray(paddings).reshape(-1, 2)
    return [TensorShape([None if d is None else d - int(b) - int(a)
                         for d, (b, a) in zip(known.as_list(), paddings, strict=True)])]


register_op("MirrorPadGrad", _mirror_pad_grad_kernel, _mirror_pad_grad_static)


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0):
    """Pad ``tensor`` by ``paddings[i] = [before, after]`` along each axis i.

    ``mode`` is ``"CONSTANT"`` (with ``constant_values``), ``"REFLECT"`` (mirror without the
    edge) or ``"SYMMETRIC"`` (mirror with the edge), in any letter case.
    """
    tensor = convert_to_tensor(tensor)
    paddings = _int_input(paddings, name="paddings")
    mode = str(mode).upper()
    if mode == "CONSTANT":
        fill = convert_to_tensor(constant_values, dtype=tensor.dtype, name="constant_values")
        if constant_value(fill) is not None and not np.any(constant_value(fill)):
            return make_op("Pad", [tensor, paddings], [tensor.dtype], None, name).outputs[0]
        return make_op("PadV2", [tensor, paddings, fill], [tensor.dtype], None,
                       name).outputs[0]
    if mode not in ("REFLECT", "SYMMETRIC"):
        raise ValueError(f"Unknown padding mode: {mode}")
    return make_op("MirrorPad", [tensor, paddings], [tensor.dtype], {"mode": mode},
                   name).outputs[0]


def _mirror_pad_grad(grad, paddings, mode):
    return make_op("MirrorPadGrad", [grad, paddings], [grad.dtype], {"mode": mode}).outputs[0]


def _reverse_axes(axes, rank, error):
    seen = set()
    for i, a in enumerate(axes):
        if rank is not None and not -rank <= a < rank:
            raise error(f"'axis'[{i}] = {a} is out of valid range [0, {rank - 1}")
        canonical = a % rank if rank else a
        if canonical in seen:
            raise error(f"axis {canonical} specified more than once.")
        seen.add(canonical)
    return tuple(sorted(seen))


def _reverse_static(op):
    axes = constant_ints(op.inputs[1])
    known = op.inputs[0].shape
    if axes is not None and None not in axes:
        _reverse_axes(axes, known.ndims, ShapeError)
    return [known]


def _reverse_kernel(attrs):
    def reverse_array(x, axis):
        error = lambda message: InvalidArgumentError(None, None, message)  # noqa: E731
        axes = _reverse_axes(axis.tolist(), x.ndim, error)
        return np.flip(x, axis=axes) if axes else x

    return reverse_array


register_op("ReverseV2", _reverse_kernel, _reverse_static)


def reverse(tensor, axis, name=None):
    """Reverse ``tensor`` along each axis listed in ``axis``."""
    tensor = convert_to_tensor(tensor)
    axis = _shape_input(axis, name="axis")
    return make_op("ReverseV2", [tensor, axis], [tensor.dtype], None, name).outputs[0]


reverse_v2 = reverse


def _broadcast_to_static(op):
    target = constant_ints(op.inputs[1])
    if target is None:
        return [unknown_shape()]
    target_shape = TensorShape(target)
    known = op.inputs[0].shape
    if known.ndims is not None and known.ndims > len(target):
        raise ShapeError(f"Rank of input ({known.ndims}) must be no greater than rank of "
                         f"output shape ({len(target)}).")
    merged = broadcast_static(known, target_shape)
    if merged.ndims is not None:
        for axis, (m, t) in enumerate(zip(merged.as_list(), target, strict=True)):
            if m is not None and t is not None and m != t:
                raise ShapeError(f"Dimensions must be equal, but are {m} and {t} "
                                 f"(broadcasting to dimension {axis} of the target shape)")
        merged = merged.merge_with(target_shape)
    return [merged]


def _broadcast_to_kernel(attrs):
    def broadcast_array(x, shape):
        try:
            return np.broadcast_to(x, tuple(shape.tolist()))
        except ValueError:
            raise InvalidArgumentError(
                None, None, f"Incompatible shapes: {list(x.shape)} vs. {shape.tolist()}"
            ) from None

    return broadcast_array


register_op("BroadcastTo", _broadcast_to_kernel, _broadcast_to_static)


def broadcast_to(input, shape, name=None):  # noqa: A002
    """``input`` broadcast (NumPy rules) to ``shape``."""
    input = convert_to_tensor(input)  # noqa: A001
    return make_op("BroadcastTo", [input, _shape_input(shape)], [input.dtype], None,
                   name).outputs[0]


# -- gathering and selecting --------------------------------------------------------------------


def _gather_static(op):
    params = op.inputs[0].shape
    indices = op.inputs[1].shape
    axis = constant_value(op.inputs[2])
    if params.ndims == 0:
        raise ShapeError("Shape must be at least rank 1 but is rank 0")
    if params.ndims is None or indices.ndims is None or axis is None:
        return [unknown_shape()]
    dims = params.as_list()
    axis = canonical_axis(axis, len(dims))
    return [TensorShape(dims[:axis] + indices.as_list() + dims[axis + 1:])]


def _index_text(flat_position, shape):
    return ",".join(str(int(i)) for i in np.unravel_index(flat_position, shape)) if shape else ""


def _gather_kernel(attrs):
    def gather_array(params, indices, axis):
        axis = int(axis)
        if not -params.ndim <= axis < params.ndim:
            raise InvalidArgumentError(
                None, None, f"Expected axis in the range [{-params.ndim}, {params.ndim}), "
                f"but got {axis}")
        limit = params.shape[axis]
        if indices.size and (indices.min() < 0 or indices.max() >= limit):
            bad = int(np.argmax((indices < 0) | (indices >= limit)))
            raise InvalidArgumentError(
                None, None, f"indices[{_index_text(bad, indices.shape)}] = "
                f"{indices.ravel()[bad]} is not in [0, {limit})")
        return np.take(params, indices, axis=axis)

    return gather_array


register_op("GatherV2", _gather_kernel, _gather_static)


def gather(params, indices, validate_indices=None, name=None, axis=0, batch_dims=0):
    """The slices of ``params`` along ``axis`` picked by ``indices`` (out of range: error)."""
    if batch_dims:
        raise NotImplementedError("smallflow's gather supports batch_dims=0 only")
    params = convert_to_tensor(params)
    indices = convert_to_tensor(indices)
    if indices.dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"Value passed to parameter 'indices' has DataType "
                        f"{indices.dtype.name} not in list of allowed values: int32, int64")
    axis = convert_to_tensor(axis, dtype=indices.dtype, name="axis") if not (
        is_tensor_like(axis)) else convert_to_tensor(axis)
    return make_op("GatherV2", [params, indices, axis], [params.dtype], None, name,
                   "GatherV2").outputs[0]


def _select_static(op):
    condition, then, otherwise = (t.shape for t in op.inputs)
    if op.type == "SelectV2":
        return [broadcast_static(broadcast_static(condition, then), otherwise)]
    values = merge_shapes([then, otherwise])
    if condition.ndims == 1 and values.ndims is not None and values.ndims > 1:
        first = merge_shapes([condition, TensorShape(values.as_list()[:1])])
        return [TensorShape(first.as_list() + values.as_list()[1:])]
    return [merge_shapes([condition, values])]


def _select_kernel(attrs):
    def select(condition, then, otherwise):
        if then.shape != otherwise.shape:
            raise InvalidArgumentError(
                None, None, f"'then' and 'else' must have the same size.  but are: "
                f"{list(then.shape)} vs. {list(otherwise.shape)}")
        if condition.shape != then.shape:
            if condition.ndim != 1 or then.ndim < 1 or condition.shape[0] != then.shape[0]:
                raise InvalidArgumentError(
                    None, None, f"'condition' must be a vector of size {then.shape[:1]} or "
                    f"have the shape of 'then': {list(condition.shape)} vs. {list(then.shape)}")
            condition = condition.reshape((-1,) + (1,) * (then.ndim - 1))
        return np.where(condition, then, otherwise)

    return select


register_op("Select", _select_kernel, _select_static)
register_op("SelectV2", lambda attrs: np.where, _select_static)
register_op("Where", lambda attrs: lambda x: np.argwhere(x).astype(np.int64, copy=False),
            lambda op: [TensorShape([None, op.inputs[0].shape.ndims])])


def _select_inputs(op_type, condition, x, y):
    condition = convert_to_tensor(condition, name="condition")
    if condition.dtype != dtypes.bool:
        raise TypeError(f"Input 'condition' of '{op_type}' Op has type "
                        f"{condition.dtype.name} that does not match expected type of bool.")
    then, otherwise = binary_inputs(op_type, x, y)
    return condition, then, otherwise


def where(condition, x=None, y=None, name=None):
    """With ``x`` and ``y``: elementwise choice (condition of their shape, or a vector picking
    rows). Alone: the int64 coordinates ``[num_true, rank]`` of the true entries."""
    if x is None and y is None:
        condition = convert_to_tensor(condition, name="condition")
        return make_op("Where", [condition], [dtypes.int64], None, name).outputs[0]
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    inputs = _select_inputs("Select", condition, x, y)
    return make_op("Select", list(inputs), [inputs[1].dtype], None, name).outputs[0]


select = where


def where_v2(condition, x=None, y=None, name=None):
    """As ``where``, with NumPy broadcasting of ``condition``, ``x`` and ``y``."""
    if x is None and y is None:
        return where(condition, name=name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    inputs = _select_inputs("SelectV2", condition, x, y)
    return make_op("SelectV2", list(inputs), [inputs[1].dtype], None, name).outputs[0]


def boolean_mask(tensor, mask, name="boolean_mask", axis=None):
    """The entries of ``tensor`` where ``mask`` (covering dims ``axis..``) is true, flattened
    over the masked dimensions."""
    with name_scope(name):
        tensor = convert_to_tensor(tensor, name="tensor")
        mask = convert_to_tensor(mask, name="mask")
        mask_shape = mask.shape
        mask_rank = mask_shape.ndims
        if mask_rank == 0:
            raise ValueError("mask cannot be scalar.")
        if mask_rank is None:
            raise ValueError("Number of mask dimensions must be specified, even if some "
                             "dimensions are None.  E.g. shape=[None] is ok, but shape=None "
                             "is not.")
        axis = 0 if axis is None else int(axis)
        static = tensor.shape
        static[axis:axis + mask_rank].assert_is_compatible_with(mask_shape)
        dynamic = shape(tensor)
        leading = _prod_of(dynamic[axis:axis + mask_rank])
        new_shape = concat([dynamic[:axis], [leading], dynamic[axis + mask_rank:]], 0)
        flat = reshape(tensor, new_shape)
        if static.ndims is not None:
            first = static[axis:axis + mask_rank].num_elements()
            flat.set_shape(static[:axis].concatenate([first]).concatenate(
                static[axis + mask_rank:]))
        positions = squeeze(where(reshape(mask, [-1])), axis=[1])
        return gather(flat, positions, axis=axis)


def _prod_of(vector):
    from . import math_ops

    return math_ops.reduce_prod(vector, axis=[0])


# -- diagonals ----------------------------------------------------------------------------------


def _diag_static(op):
    known = op.inputs[0].shape
    if known.ndims is None:
        return [unknown_shape()]
    if known.ndims == 0:
        raise ShapeError("Shape must be at least rank 1 but is rank 0")
    return [known.concatenate(known)]


def _diag(x):
    n = x.size
    out = np.zeros(n * n, dtype=x.dtype)
    out[:: n + 1] = x.ravel()
    return out.reshape(x.shape + x.shape)


register_op("Diag", lambda attrs: _diag, _diag_static)


def _diag_part_static(op):
    known = op.inputs[0].shape
    if known.ndims is None:
        return [unknown_shape()]
    if known.ndims % 2 or known.ndims == 0:
        raise ShapeError(f"Input must have even rank <= 6, input rank is {known.ndims}")
    half = known.ndims // 2
    merged = merge_shapes([known[:half], known[half:]])
    return [merged]


def _diag_part(x):
    half = x.ndim // 2
    if x.ndim % 2 or x.shape[:half] != x.shape[half:]:
        raise InvalidArgumentError(
            None, None, f"Invalid shape {list(x.shape)}: dimensions i and i + {half} must be "
            "equal")
    n = int(np.prod(x.shape[:half]))
    return x.reshape(n, n).diagonal().reshape(x.shape[:half]).copy()


register_op("DiagPart", lambda attrs: _diag_part, _diag_part_static)


def diag(diagonal, name=None):
    """A tensor of rank 2k with ``diagonal`` (rank k) on its diagonal and zeros elsewhere."""
    return make_unary("Diag", diagonal, name)


def diag_part(input, name=None):  # noqa: A002
    """The diagonal of a rank-2k tensor (the inverse of ``diag``)."""
    return make_unary("DiagPart", input, name)


# -- broadcasting helpers used by gradients ------------------------------------------------------


_BLAS_SUM_MIN = 1 << 16


def _size_of(shape):
    size = 1
    for d in shape:
        size *= d
    return size


def _reduce_to_shape_kernel(attrs):
    def reduce_to(grad, like):
        target = like.shape
        if grad.shape == target:
            return grad
        lead = grad.ndim - len(target)
        axes = tuple(range(lead)) + tuple(
            i + lead for i, d in enumerate(target) if d == 1 and grad.shape[i + lead] != 1
        )
        if (grad.size >= _BLAS_SUM_MIN and axes == tuple(range(len(axes)))
                and grad.flags.c_contiguous and grad.dtype.kind == "f"):
            # Summing leading axes of a large array (a conv bias gradient): one BLAS product
            # is several times faster than ufunc.reduce; small arrays keep the plain sum.
            rows = grad.reshape(-1, max(1, _size_of(target)))
            return (np.ones(rows.shape[0], dtype=grad.dtype) @ rows).reshape(target)
        return np.add.reduce(grad, axis=axes, keepdims=True).reshape(target)

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
