"""More ``tf.io`` ops: ``serialize_tensor``/``parse_tensor`` (TensorFlow's TensorProto bytes),
``decode_compressed`` (ZLIB/GZIP), ``write_file``, ``decode_json_example``.

TensorProto bytes are written and read here by hand (the protobuf wire format of the few
fields involved: dtype, shape, ``tensor_content``, the typed ``*_val`` lists), so serializing
a tensor needs no protobuf installation and gives TensorFlow's exact bytes.
"""

import base64
import binascii
import gzip
import json
import os
import struct
import zlib

import numpy as np

from .. import dtypes
from ..atomic_files import open_temporary
from ..errors import InvalidArgumentError, NotFoundError
from ..graph import convert_to_tensor
from ..op_signature import ALL, signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, unknown_shape
from .common import make_op, same_shape

# TensorFlow's DataType enum (types.proto) for the dtypes smallflow has.
DATATYPE_ENUM = {
    "float32": 1, "float64": 2, "int32": 3, "uint8": 4, "int16": 5, "int8": 6, "string": 7,
    "complex64": 8, "int64": 9, "bool": 10, "uint16": 17, "complex128": 18, "float16": 19,
    "uint32": 22, "uint64": 23,
}
_DTYPE_OF_ENUM = {number: name for name, number in DATATYPE_ENUM.items()}
# TensorProto's typed value fields: field number, wire form, element dtype.
_TYPED_FIELDS = {
    5: ("float32", "fixed32"), 6: ("float64", "fixed64"), 7: ("int32", "varint"),
    9: ("float32", "fixed32"), 10: ("int64", "varint"), 11: ("bool", "varint"),
    12: ("float64", "fixed64"), 13: ("uint16", "varint"), 16: ("uint32", "varint"),
    17: ("uint64", "varint"),
}


# -- protobuf wire format ------------------------------------------------------------------


def _varint(value):
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number, wire_type):
    return _varint((number << 3) | wire_type)


def _length_delimited(number, payload):
    return _field(number, 2) + _varint(len(payload)) + payload


def _shape_proto(shape):
    return b"".join(_length_delimited(2, _field(1, 0) + _varint(size) if size else b"")
                    for size in shape)


def serialize_array(array):
    """A NumPy array (object arrays hold bytes) as TensorProto bytes, as TensorFlow's
    ``SerializeTensor`` writes them."""
    name = "string" if array.dtype == object else dtypes.as_dtype(array.dtype).name
    out = _field(1, 0) + _varint(DATATYPE_ENUM[name])
    out += _length_delimited(2, _shape_proto(array.shape))
    if name == "string":
        for item in array.reshape(-1):
            out += _length_delimited(8, bytes(item))
    elif array.size:
        content = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
        out += _length_delimited(4, content)
    return out


def _read_varint(data, pos):
    result = 0
    shift = 0
    while True:
        if pos >= len(data):
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _fields(data):
    """Yield (field number, wire type, value) of a serialized message."""
    pos = 0
    while pos < len(data):
        key, pos = _read_varint(data, pos)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, pos = _read_varint(data, pos)
        elif wire_type == 1:
            value, pos = data[pos : pos + 8], pos + 8
        elif wire_type == 2:
            size, pos = _read_varint(data, pos)
            value, pos = data[pos : pos + size], pos + size
        elif wire_type == 5:
            value, pos = data[pos : pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported wire type {wire_type}")
        if pos > len(data):
            raise ValueError("truncated field")
        yield number, wire_type, value


def _parse_shape(data):
    dims = []
    for number, _, value in _fields(data):
        if number == 2:
            size = 0
            for dim_number, _, dim_value in _fields(value):
                if dim_number == 1:
                    size = dim_value - (1 << 64) if dim_value >= 1 << 63 else dim_value
            dims.append(size)
        elif number == 3 and value:
            raise ValueError("a tensor of unknown rank cannot be parsed")
    return dims


def _typed_values(number, wire_type, value, into):
    dtype, form = _TYPED_FIELDS[number]
    if form == "varint":
        if wire_type == 2:  # packed
            pos = 0
            while pos < len(value):
                item, pos = _read_varint(value, pos)
                into.append(item)
        else:
            into.append(value)
        return dtype
    size = 4 if form == "fixed32" else 8
    code = "<f" if size == 4 else "<d"
    chunk = value if wire_type == 2 else value
    into.extend(struct.unpack(code[0] + code[1] * (len(chunk) // size), chunk))
    return dtype


def parse_array(data):
    """TensorProto bytes back to a NumPy array (typed ``*_val`` lists are accepted too; a
    shorter list is filled with its last value, as TensorFlow does)."""
    enum = None
    shape = []
    content = None
    strings = []
    values = []
    for number, wire_type, value in _fields(data):
        if number == 1:
            enum = value
        elif number == 2:
            shape = _parse_shape(value)
        elif number == 4:
            content = value
        elif number == 8:
            strings.append(bytes(value))
        elif number in _TYPED_FIELDS:
            _typed_values(number, wire_type, value, values)
    if enum not in _DTYPE_OF_ENUM:
        raise ValueError(f"unsupported dtype enum {enum}")
    name = _DTYPE_OF_ENUM[enum]
    size = int(np.prod(shape, dtype=np.int64))
    if name == "string":
        out = np.empty(size, dtype=object)
        out[:] = _filled(strings, size, b"")
        return out.reshape(shape), name
    np_dtype = np.dtype(dtypes.as_dtype(name).as_numpy_dtype)
    if content is not None:
        array = np.frombuffer(content, dtype=np_dtype.newbyteorder("<")).astype(np_dtype)
        if array.size != size:
            raise ValueError(f"tensor_content holds {array.size} values for shape {shape}")
        return array.reshape(shape), name
    if np_dtype.kind == "c":
        values = [complex(r, i) for r, i in zip(values[::2], values[1::2], strict=True)]
    if np_dtype == np.float16:
        values = np.array(values, dtype=np.uint16).view(np.float16).tolist()
    array = np.array(_filled(values, size, 0), dtype=np.int64 if np_dtype.kind in "iu"
                     else None)
    return array.astype(np_dtype).reshape(shape), name


def _filled(values, size, empty):
    if not values:
        return [empty] * size
    return list(values[:size]) + [values[-1]] * max(0, size - len(values))


# -- serialize_tensor / parse_tensor ---------------------------------------------------------


def _serialize_kernel(attrs):
    def serialize(tensor):
        return np.array(serialize_array(np.asarray(tensor)), dtype=object)

    return serialize


register_op("SerializeTensor", _serialize_kernel, lambda op: [TensorShape([])],
            signature=signature("tensor: T -> serialized: string", T=ALL))
NotDifferentiable("SerializeTensor")


def serialize_tensor(tensor, name=None):
    """The tensor as a serialized ``TensorProto`` (a string scalar), TensorFlow's bytes."""
    x = convert_to_tensor(tensor, name="tensor")
    return make_op("SerializeTensor", [x], [dtypes.string], None, name).outputs[0]


def _parse_kernel(attrs):
    out_type = attrs["out_type"]

    def parse(serialized):
        data = bytes(np.asarray(serialized, dtype=object).item())
        try:
            array, name = parse_array(data)
        except (ValueError, struct.error) as err:
            raise InvalidArgumentError(None, None, f"Could not parse `serialized` as "
                                                   f"TensorProto: '{data[:40]!r}' ({err})"
                                       ) from None
        if name != out_type.name:
            wanted = dtypes.type_string(out_type)
            got = dtypes.type_string(name)
            raise InvalidArgumentError(None, None, f"Type mismatch between parsed tensor "
                                                   f"({got}) and dtype ({wanted})")
        return array

    return parse


register_op("ParseTensor", _parse_kernel, lambda op: [unknown_shape()],
            signature=signature("serialized: string -> output: out_type", out_type=ALL))
NotDifferentiable("ParseTensor")


def parse_tensor(serialized, out_type, name=None):
    """A tensor of ``out_type`` from serialized ``TensorProto`` bytes (a string scalar)."""
    data = convert_to_tensor(serialized, dtype=dtypes.string, name="serialized")
    out_type = dtypes.as_dtype(out_type).base_dtype
    return make_op("ParseTensor", [data], [out_type], {"out_type": out_type},
                   name).outputs[0]


# -- decode_compressed -----------------------------------------------------------------------


def _decompress(compression):
    def one(item):
        try:
            if compression == "GZIP":
                return gzip.decompress(item)
            if compression == "ZLIB":
                return zlib.decompress(item)
        except (OSError, EOFError, zlib.error) as err:
            raise InvalidArgumentError(None, None, f"Could not decompress the input as "
                                                   f"{compression}: {err}") from None
        return item

    return one


def _decode_compressed_kernel(attrs):
    one = _decompress(attrs["compression_type"])

    def decode(x):
        out = np.empty(x.shape, dtype=object)
        flat = out.reshape(-1)
        for index, item in enumerate(x.flat):
            flat[index] = one(bytes(item))
        return out

    return decode


register_op("DecodeCompressed", _decode_compressed_kernel, same_shape,
            signature=signature("bytes: string -> output: string"))
NotDifferentiable("DecodeCompressed")


def decode_compressed(bytes, compression_type="", name=None):  # noqa: A002 - TF's name
    """Decompress each string: ``"ZLIB"``, ``"GZIP"``, or ``""`` (unchanged)."""
    if compression_type not in ("", "ZLIB", "GZIP"):
        raise ValueError(f"Attr 'compression_type' must be '', 'ZLIB' or 'GZIP', got "
                         f"{compression_type!r}")
    x = convert_to_tensor(bytes, dtype=dtypes.string, name="bytes")
    attrs = {"compression_type": compression_type}
    return make_op("DecodeCompressed", [x], [dtypes.string], attrs, name).outputs[0]


# -- write_file ------------------------------------------------------------------------------


def _scalar_bytes(value):
    return bytes(np.asarray(value, dtype=object).item())


def _write_file_kernel(attrs, state=None):
    def write(filename, contents):
        path = _scalar_bytes(filename).decode("utf-8")
        folder = os.path.dirname(path) or "."
        try:
            os.makedirs(folder, exist_ok=True)
            # Written to a temporary file in the same folder, then renamed over the target:
            # a reader never sees half a file.
            handle, temporary = open_temporary(folder, ".write_file.")
            with os.fdopen(handle, "wb") as out:
                out.write(_scalar_bytes(contents))
            os.replace(temporary, path)
        except OSError as err:
            raise NotFoundError(None, None, f"{path}; {err.strerror}") from None
        return ()

    return write


register_op("WriteFile", _write_file_kernel, lambda op: [], stateful=True,
            signature=signature("filename: string, contents: string ->"))


def write_file(filename, contents, name=None):
    """An op that writes ``contents`` to the file ``filename`` (both string scalars),
    creating missing folders."""
    path = convert_to_tensor(filename, dtype=dtypes.string, name="filename")
    data = convert_to_tensor(contents, dtype=dtypes.string, name="contents")
    return make_op("WriteFile", [path, data], [], None, name)


# -- decode_json_example ---------------------------------------------------------------------

# tf.train.Example's JSON names (proto and lowerCamelCase spellings) -> field numbers.
_FEATURE_KINDS = {"bytesList": 1, "bytes_list": 1, "floatList": 2, "float_list": 2,
                  "int64List": 3, "int64_list": 3}


def _json_object(value, what):
    if not isinstance(value, dict):
        raise ValueError(f"{what} must be a JSON object")
    return value


def _only_key(obj, names, what):
    unknown = set(obj) - set(names)
    if unknown:
        raise ValueError(f"unknown field {sorted(unknown)[0]!r} in {what}")
    for name in names:
        if name in obj:
            return obj[name]
    return None


def _json_float(value):
    if isinstance(value, str):
        special = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}
        return special[value] if value in special else float(value)
    return float(value)


def _encode_feature(feature):
    kinds = [k for k in _json_object(feature, "Feature") if k in _FEATURE_KINDS]
    if len(kinds) != len(feature) or len(kinds) > 1:
        raise ValueError("a Feature holds one of bytesList, floatList, int64List")
    if not kinds:
        return b""
    number = _FEATURE_KINDS[kinds[0]]
    values = _only_key(_json_object(feature[kinds[0]], kinds[0]), ["value"], kinds[0]) or []
    body = b""
    for value in values:
        # Written unpacked, one field per value: what TensorFlow's JSON converter writes.
        if number == 1:
            body += _length_delimited(1, base64.b64decode(value, validate=True))
        elif number == 2:
            body += _field(1, 5) + struct.pack("<f", _json_float(value))
        else:
            body += _field(1, 0) + _varint(int(value))
    return _length_delimited(number, body)


def json_example_to_binary(text):
    """A ``tf.train.Example`` in JSON to its wire bytes, map entries in JSON order."""
    example = _json_object(json.loads(text), "Example")
    features = _only_key(example, ["features"], "Example")
    if features is None:
        return b""
    feature_map = _only_key(_json_object(features, "Features"), ["feature"], "Features") or {}
    body = b""
    for key, feature in _json_object(feature_map, "feature").items():
        entry = _length_delimited(1, key.encode("utf-8"))
        entry += _length_delimited(2, _encode_feature(feature))
        body += _length_delimited(1, entry)
    return _length_delimited(1, body)


def _decode_json_example_kernel(attrs):
    def decode(x):
        out = np.empty(x.shape, dtype=object)
        flat = out.reshape(-1)
        for index, item in enumerate(x.flat):
            try:
                flat[index] = json_example_to_binary(bytes(item).decode("utf-8"))
            except (ValueError, TypeError, KeyError, binascii.Error) as err:
                raise InvalidArgumentError(None, None, f"Error while parsing JSON: {err}"
                                           ) from None
        return out

    return decode


register_op("DecodeJSONExample", _decode_json_example_kernel, same_shape,
            signature=signature("json_examples: string -> binary_examples: string"))
NotDifferentiable("DecodeJSONExample")


def decode_json_example(json_examples, name=None):
    """JSON-encoded ``tf.train.Example`` messages to their binary (wire) form."""
    x = convert_to_tensor(json_examples, dtype=dtypes.string, name="json_examples")
    return make_op("DecodeJSONExample", [x], [dtypes.string], None, name).outputs[0]
