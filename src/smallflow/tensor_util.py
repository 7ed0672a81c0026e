"""NumPy arrays <-> ``TensorProto`` messages, dtypes <-> ``DataType`` enums, shapes <-> protos.

These are TensorFlow's ``tf.make_tensor_proto`` and ``tf.make_ndarray``, written on
TensorBoard's message classes (loaded lazily from the ``tensorboard`` extra). Numbers are
stored as TensorFlow 1.x stores them: raw little-endian bytes (``tensor_content``) for
several numbers, the typed ``*_val`` fields for single values, broadcast values, booleans,
complex numbers and half floats; reading accepts both, a short list padded with its last value.
"""

import numpy as np

from . import dtypes, tb_protos
from .tensor_shape import TensorShape, as_shape

# Our dtype names -> the DataType enum's names (types.proto).
_ENUM_NAMES = {
    "float16": "DT_HALF", "float32": "DT_FLOAT", "float64": "DT_DOUBLE", "int8": "DT_INT8",
    "int16": "DT_INT16", "int32": "DT_INT32", "int64": "DT_INT64", "uint8": "DT_UINT8",
    "uint16": "DT_UINT16", "uint32": "DT_UINT32", "uint64": "DT_UINT64", "bool": "DT_BOOL",
    "complex64": "DT_COMPLEX64", "complex128": "DT_COMPLEX128", "string": "DT_STRING",
    "resource": "DT_RESOURCE", "variant": "DT_VARIANT",
}
_REF_OFFSET = 100  # DT_FLOAT_REF = DT_FLOAT + 100, and so on


def string_dtype():
    """The dtype of string tensors (``tf.string``)."""
    return dtypes.string


def as_datatype_enum(dtype):
    """The ``DataType`` enum value of a smallflow dtype."""
    pb = tb_protos.load()
    name = dtypes.as_dtype(dtype).name if not _is_string(dtype) else "string"
    base = name[:-4] if name.endswith("_ref") else name
    enum = pb.types_pb2.DataType.Value(_ENUM_NAMES[base])
    return enum + _REF_OFFSET if name.endswith("_ref") else enum


def _is_string(dtype):
    return getattr(dtype, "name", None) == "string" or dtype in ("string", object, bytes)


def from_datatype_enum(enum):
    """The smallflow dtype of a ``DataType`` enum value (ref types give their base type)."""
    pb = tb_protos.load()
    if enum > _REF_OFFSET:
        enum -= _REF_OFFSET
    enum_name = pb.types_pb2.DataType.Name(enum)
    for name, candidate in _ENUM_NAMES.items():
        if candidate == enum_name:
            return string_dtype() if name == "string" else dtypes.as_dtype(name)
    raise TypeError(f"smallflow has no dtype for TensorFlow's {enum_name}")


def as_shape_proto(shape):
    """A ``TensorShapeProto``: unknown rank, or dims with -1 for unknown sizes."""
    pb = tb_protos.load()
    shape = as_shape(shape)
    proto = pb.tensor_shape_pb2.TensorShapeProto()
    if shape.ndims is None:
        proto.unknown_rank = True
        return proto
    for dim in shape.as_list():
        proto.dim.add(size=-1 if dim is None else dim)
    return proto


def from_shape_proto(proto):
    if proto.unknown_rank:
        return TensorShape(None)
    return TensorShape([None if d.size < 0 else d.size for d in proto.dim])


# Dtypes TensorFlow 1.x stores as raw bytes when a proto holds more than one value (its
# tensor_util's content types; float16 joined them only in TensorFlow 2). Everything else, and
# any proto of at most one value or of one value broadcast to its shape, uses the typed fields.
_CONTENT_DTYPES = frozenset(("float32", "float64", "int32", "uint8", "int16", "int8", "int64",
                             "uint32", "uint64"))


def make_tensor_proto(values, dtype=None, shape=None, verify_shape=False,
                      allow_broadcast=False):
    """``tf.make_tensor_proto``: a ``TensorProto`` holding ``values``.

    As TensorFlow 1.x: Python floats become float32 and Python ints int32 (int64 when they do
    not fit) unless ``dtype`` says otherwise; a single value given with a larger ``shape`` is
    stored once; several numbers of a content dtype are stored as bytes (``tensor_content``),
    anything else in the typed ``*_val`` fields.
    """
    pb = tb_protos.load()
    python_values = not isinstance(values, np.ndarray | np.generic)
    if dtype is not None and _is_string(dtype):
        array = _as_bytes_array(values)
    elif dtype is not None:
        array = np.asarray(values, dtype=dtypes.as_dtype(dtype).as_numpy_dtype)
    else:
        array = np.asarray(values)
        if array.dtype.kind in "USO":
            array = _as_bytes_array(values)
        elif python_values and array.dtype == np.float64:
            array = array.astype(np.float32)
        elif python_values and array.dtype == np.int64:
            narrowed = array.astype(np.int32)
            array = narrowed if np.array_equal(narrowed, array) else array
    dims = list(array.shape)
    if shape is not None:
        dims = [int(d) for d in as_shape(shape).as_list()]
        if verify_shape and list(array.shape) != dims:
            raise TypeError(f"Expected Tensor's shape: {tuple(dims)}, got {array.shape}.")
        size = int(np.prod(dims))
        if array.size > size:
            raise ValueError(f"Too many elements provided. Needed at most {size}, "
                             f"but received {array.size}")
        if allow_broadcast and array.size not in (1, size):
            raise TypeError(f"Expected Tensor's shape: {tuple(dims)}, got {array.shape}.")
        # Fewer values than the shape holds are stored as given: a reader pads them with the
        # last one (a single value fills the shape).
    proto = pb.tensor_pb2.TensorProto()
    proto.tensor_shape.CopyFrom(as_shape_proto(dims))
    if array.dtype == object:
        proto.dtype = pb.types_pb2.DT_STRING
        proto.string_val.extend(array.ravel().tolist())
        return proto
    if array.dtype.kind == "U":
        raise TypeError(f"Cannot store {array.dtype} values in a tensor")
    smallflow_dtype = dtypes.as_dtype(array.dtype)
    proto.dtype = as_datatype_enum(smallflow_dtype)
    same_size = array.size == int(np.prod(dims))
    if same_size and array.size > 1 and smallflow_dtype.name in _CONTENT_DTYPES:
        proto.tensor_content = np.ascontiguousarray(array, array.dtype.newbyteorder("<")).tobytes()
        return proto
    _set_typed_values(proto, smallflow_dtype, array.ravel())
    return proto


def _set_typed_values(proto, dtype, flat):
    field = getattr(proto, _VAL_FIELDS[dtype.name])
    if dtype.name == "float16":
        field.extend(flat.view(np.uint16).tolist())
    elif dtype.is_complex:
        field.extend(np.column_stack([flat.real, flat.imag]).ravel().tolist())
    else:
        field.extend(flat.tolist())


def _as_bytes_array(values):
    array = np.asarray(values, dtype=object)
    flat = [v.encode("utf-8") if isinstance(v, str) else v for v in array.ravel().tolist()]
    for item in flat:
        if not isinstance(item, bytes | np.bytes_):
            raise TypeError(f"Expected string or bytes for a string tensor, got {item!r}")
    out = np.empty(len(flat), dtype=object)
    out[:] = [bytes(item) for item in flat]
    return out.reshape(array.shape)


# Typed value fields, by dtype name, and how to turn them into NumPy values.
_VAL_FIELDS = {
    "float32": "float_val", "float64": "double_val", "int32": "int_val", "int16": "int_val",
    "int8": "int_val", "uint8": "int_val", "uint16": "int_val", "int64": "int64_val",
    "bool": "bool_val", "uint32": "uint32_val", "uint64": "uint64_val", "float16": "half_val",
    "complex64": "scomplex_val", "complex128": "dcomplex_val",
}


def make_ndarray(tensor):
    """``tf.make_ndarray``: the NumPy value of a ``TensorProto``."""
    dtype = from_datatype_enum(tensor.dtype)
    shape = [d.size for d in tensor.tensor_shape.dim]
    size = int(np.prod(shape))
    if dtype.name == "string":
        values = list(tensor.string_val)
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return _filled(out, size, "string_val", np.empty(0, dtype=object)).reshape(shape)
    np_dtype = np.dtype(dtype.as_numpy_dtype)
    if tensor.tensor_content:
        flat = np.frombuffer(tensor.tensor_content, dtype=np_dtype.newbyteorder("<"))
        return flat.astype(np_dtype).reshape(shape)
    field = _VAL_FIELDS[dtype.name]
    raw = list(getattr(tensor, field))
    if dtype.name == "float16":
        values = np.array(raw, dtype=np.uint16).view(np.float16)
    elif dtype.is_complex:
        # Real and imaginary parts set apart: ``x + 1j * inf`` would make the real part NaN.
        values = np.empty(len(raw) // 2, dtype=np_dtype)
        values.real = raw[0::2]
        values.imag = raw[1::2]
    else:
        values = np.array(raw, dtype=np_dtype)
    return _filled(values, size, field, np.zeros(0, dtype=np_dtype)).reshape(shape)


def given_values(tensor):
    """The flat values a ``TensorProto`` stores when they are fewer than its shape holds (a
    reader repeats the last one), else None: what a Const re-exported keeps as given."""
    if tensor.tensor_content:
        return None
    dtype = from_datatype_enum(tensor.dtype)
    field = "string_val" if dtype.name == "string" else _VAL_FIELDS[dtype.name]
    count = len(getattr(tensor, field)) // (2 if dtype.is_complex else 1)
    if count == 0 or count >= int(np.prod([d.size for d in tensor.tensor_shape.dim])):
        return None
    short = type(tensor)()
    short.CopyFrom(tensor)
    del short.tensor_shape.dim[:]
    short.tensor_shape.dim.add().size = count
    return make_ndarray(short)


def _filled(values, size, field, empty):
    if values.size == size:
        return values
    if values.size == 0:
        return np.zeros(size, dtype=empty.dtype) if empty.dtype != object else np.full(
            size, b"", dtype=object)
    if values.size > size:
        raise ValueError(f"TensorProto has {values.size} values in {field} for {size} elements")
    return np.concatenate([values, np.full(size - values.size, values[-1], dtype=values.dtype)])
