"""Constants, placeholders, identities and casts (with kernels)."""

import numbers

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import (
    Tensor,
    convert_to_tensor,
    is_tensor_like,
    name_scope,
    register_tensor_conversion_function,
)
from ..op_signature import ALL, NUMBERS, signature
from ..registry import register_op
from ..tensor_shape import Dimension, TensorShape, as_shape, unknown_shape
from .common import (
    bytes_array,
    canonical_axis,
    composite_dispatch,
    make_op,
    make_unary,
    merge_shapes,
    same_shape,
)

# -- constants -------------------------------------------------------------------------------


def _infer_dtype(value):
    """TensorFlow's dtype for a Python or NumPy value: floats float32, ints int32, complex
    numbers complex128."""
    if isinstance(value, str | bytes):
        return dtypes.string
    if isinstance(value, np.ndarray | np.generic):
        if value.dtype.kind in "SU" or (value.dtype == object and _all_strings(value)):
            return dtypes.string
        return dtypes.as_dtype(value.dtype).base_dtype
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
    if kind == "c":  # Python complex numbers stay complex128 (only floats and ints narrow)
        return dtypes.complex128
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
    numpy_value = isinstance(value, np.ndarray | np.generic) and source.dtype.kind in "biufc"
    if (dtype.is_integer or dtype.is_bool) and not numpy_value:
        # Python values must fit; NumPy arrays are cast, as TensorFlow's make_tensor_proto does
        # (``tf.constant(np.array([1.5]), dtype=tf.int32)`` is [1]).
        lossy = source.dtype.kind in "fc" and not np.all(np.mod(source, 1) == 0)
        # An empty list has no element to lose: it converts to any dtype.
        if source.size and (lossy or (dtype.is_bool and source.dtype.kind != "b")):
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


register_op("Const", _const_kernel, lambda op: [TensorShape(op.attrs["value"].shape)],
            signature=signature("-> output: dtype"))


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False):
    """A tensor with a fixed value; a scalar fills ``shape``, a short list is padded."""
    if isinstance(value, Tensor):
        raise TypeError(f"Expected a Python or NumPy value for constant, got Tensor {value}")
    if value is None:
        raise ValueError("None values not supported.")  # TensorFlow's error and message
    dtype = dtypes.as_dtype(dtype).base_dtype if dtype is not None else _infer_dtype(value)
    array = _to_array(value, dtype)
    attrs = {}
    if shape is not None:
        given = array
        array = _fit_to_shape(array, [int(d) for d in as_shape(shape).as_list()], verify_shape)
        if given.size < array.size:
            # Fewer values than the shape holds (a scalar filling it): TensorFlow's GraphDef
            # keeps the values as given (``float_val: 0`` for ``tf.zeros([10])``), the reader
            # repeating the last one; graph_io writes these instead of the filled array.
            attrs["_py_given"] = given.ravel()
    if dtype != dtypes.string:
        array = np.array(array, dtype=dtype.as_numpy_dtype, copy=True)
    array.flags.writeable = False
    op = make_op("Const", [], [dtype], {"value": array, "dtype": dtype, **attrs}, name)
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
    requested = dtype is not None
    dtype = (dtypes.as_dtype(dtype).base_dtype if requested else _first_tensor_dtype(value))
    with name_scope(name) as scope:
        parts = []
        for index, item in enumerate(value):
            if isinstance(item, list | tuple) and _contains_tensor(item):
                parts.append(_autopack(item, dtype, str(index)))
                continue
            if is_tensor_like(item):
                tensor = convert_to_tensor(item)
                if tensor.dtype != dtype and requested:
                    # A dtype asked for casts the tensors of the list (TensorFlow's
                    # conversion of nested sequences); an inferred one must match.
                    tensor = cast(tensor, dtype)
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


def _shape_dtype(what, dtype, largest):
    """The integer dtype a known shape converts to: int32 unless asked for int64 (or a size
    does not fit in int32); any other dtype is refused, as in TensorFlow."""
    if dtype is None:
        return dtypes.int64 if largest >= 2**31 else dtypes.int32
    if dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"Cannot convert {what} to dtype {dtype}. Allowed dtypes are "
                        "tf.int32 and tf.int64.")
    if dtype == dtypes.int32 and largest >= 2**31:
        raise ValueError(f"Cannot convert {what} to dtype int32; a dimension is too large. "
                         "Consider using tf.int64.")
    return dtype


def _tensor_shape_conversion(value, dtype, name):
    """A fully known ``TensorShape`` as a 1-D integer constant (``tf.zeros(x.shape)``)."""
    if not value.is_fully_defined():
        raise ValueError(f"Cannot convert a partially known TensorShape {value} to a Tensor.")
    sizes = value.as_list()
    dtype = _shape_dtype(f"TensorShape {value}", dtype, max(sizes, default=0))
    return constant(sizes, dtype=dtype, name=name or "shape_as_tensor")


def _dimension_conversion(value, dtype, name):
    """A known ``Dimension`` (``x.get_shape()[0]`` in TF1) as a scalar integer constant:
    im2txt's ``cell.zero_state(batch_size=images.get_shape()[0], ...)``."""
    if value.value is None:
        raise ValueError(f"Cannot convert unknown Dimension {value} to a Tensor.")
    dtype = _shape_dtype(f"Dimension {value}", dtype, 0)
    return constant(value.value, dtype=dtype, name=name or "shape_as_tensor")


register_tensor_conversion_function(TensorShape, _tensor_shape_conversion)
register_tensor_conversion_function(Dimension, _dimension_conversion)

# -- placeholders and identities -------------------------------------------------------------


def _placeholder_kernel(attrs):
    def unfed():
        raise InvalidArgumentError(None, None, "You must feed a value for a placeholder tensor")

    return unfed


register_op("Placeholder", _placeholder_kernel, lambda op: [op.attrs["shape"]],
            signature=signature("-> output: dtype"))


def placeholder(dtype, shape=None, name=None):
    """A tensor whose value must be fed to ``Session.run``; None sizes match any size."""
    dtype = dtypes.as_dtype(dtype).base_dtype
    static = unknown_shape() if shape is None else as_shape(shape)
    op = make_op("Placeholder", [], [dtype], {"dtype": dtype, "shape": static}, name)
    return op.outputs[0]


def _identity_kernel(attrs):
    return _identity


def _identity(x):
    return x


register_op("Identity", _identity_kernel, same_shape,
            signature=signature("input: T -> output: T", T=ALL))
register_op("StopGradient", _identity_kernel, same_shape,
            signature=signature("input: T -> output: T", T=ALL))
register_op("PlaceholderWithDefault", _identity_kernel, lambda op: [op.attrs["shape"]],
            signature=signature("input: dtype -> output: dtype"))


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
    drop_imaginary = attrs["SrcT"].is_complex and not attrs["DstT"].is_complex

    def cast_array(x):
        if drop_imaginary:
            x = x.real  # as TensorFlow (NumPy would warn)
        with np.errstate(invalid="ignore", over="ignore"):
            return x.astype(target)

    return cast_array


# Strings are not castable (TensorFlow fails when the session runs; we refuse when built).
_CASTABLE = NUMBERS + (dtypes.bool,)
register_op("Cast", _cast_kernel, same_shape,
            signature=signature("x: SrcT -> y: DstT", SrcT=_CASTABLE, DstT=_CASTABLE))


def cast(x, dtype, name=None):
    """Convert ``x`` to ``dtype``: bool gives 0/1, float to int truncates toward zero."""
    dtype = dtypes.as_dtype(dtype).base_dtype
    dispatch = composite_dispatch(x)
    if dispatch is not None:  # a RaggedTensor: its flat values are cast
        return dispatch("unary", lambda v: cast(v, dtype, name), x)
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




# -- the Pack op (stack's kernel; autopacking needs it) --------------------------------------


def _pack_static(op):
    merged = merge_shapes([t.shape for t in op.inputs])
    if merged.ndims is None:
        return [unknown_shape()]
    dims = merged.as_list()
    axis = canonical_axis(op.attrs["axis"], len(dims) + 1)
    dims.insert(axis, len(op.inputs))
    return [TensorShape(dims)]


register_op("Pack", lambda attrs: lambda *values: np.stack(values, axis=attrs["axis"]),
            _pack_static, signature=signature("values: N * T -> output: T", T=ALL))


def _pack(tensors, axis, name):
    return make_op("Pack", tensors, [tensors[0].dtype], {"axis": int(axis), "N": len(tensors)},
                   name, "stack").outputs[0]
