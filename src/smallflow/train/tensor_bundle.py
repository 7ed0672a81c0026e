"""TensorFlow's V2 checkpoint format (a "tensor bundle"), written and read without TensorFlow.

A checkpoint with prefix ``P`` is::

    P.index                   a sorted string table (see ``sstable``): key "" holds a
                              BundleHeaderProto (number of data files, byte order, format
                              version); every other key is a tensor's name and holds its
                              BundleEntryProto (dtype, shape, data file, offset, size,
                              masked CRC-32C of its bytes)
    P.data-00000-of-00001     the tensors' bytes, one after the other: numbers as raw
                              little-endian arrays; strings as the varint64 length of each
                              element, the masked CRC-32C of the lengths (taken over them as
                              uint32), then the elements' bytes

This is what TensorFlow 1.x's ``Saver`` writes by default (``SaverDef.V2``); we write the
same bytes for the same tensors, so TensorFlow reads our checkpoints and we read its
(including sharded ones, ``P.data-0000i-of-0000N``). The two protocol buffer messages are
built at run time from their field numbers with protobuf's descriptor API, in a private
descriptor pool (TensorBoard's own ``tensorflow.*`` messages, when loaded, cannot clash).

Reading checks every entry against the files before allocating anything: a damaged or
hostile index cannot make us allocate more than the data file really holds. Problems are
``errors.DataLossError`` naming the file, as TensorFlow reports them.
"""

import math
import os
import struct
import types

import numpy as np

from .. import errors
from . import sstable

HEADER_KEY = b""
INDEX_SUFFIX = ".index"
_VERSION = 1  # the bundle format version TensorFlow writes and reads (kTensorBundleVersion)
_LITTLE, _BIG = 0, 1
_STRING = 7

# TensorFlow's DataType numbers (types.proto) -> (smallflow dtype name, NumPy type code).
_DTYPES = {
    1: ("float32", "f4"), 2: ("float64", "f8"), 3: ("int32", "i4"), 4: ("uint8", "u1"),
    5: ("int16", "i2"), 6: ("int8", "i1"), 7: ("string", None), 8: ("complex64", "c8"),
    9: ("int64", "i8"), 10: ("bool", "?"), 11: ("qint8", "i1"), 12: ("quint8", "u1"),
    13: ("qint32", "i4"), 15: ("qint16", "i2"), 16: ("quint16", "u2"), 17: ("uint16", "u2"),
    18: ("complex128", "c16"), 19: ("float16", "f2"), 22: ("uint32", "u4"),
    23: ("uint64", "u8"),
}
_ENUM_OF = {name: enum for enum, (name, _) in _DTYPES.items()}
# TensorFlow's names for its DataType numbers, as DebugString prints them.
_ENUM_NAMES = {enum: "DT_" + {"float32": "FLOAT", "float64": "DOUBLE", "float16": "HALF"}.get(
    name, name.upper()) for enum, (name, _) in _DTYPES.items()}
_ENUM_NAMES.update({14: "DT_BFLOAT16", 20: "DT_RESOURCE", 21: "DT_VARIANT"})


def data_filename(prefix, shard=0, num_shards=1):
    """``P.data-00000-of-00001``: the name of one of a checkpoint's data files."""
    return f"{prefix}.data-{shard:05d}-of-{num_shards:05d}"


def index_filename(prefix):
    return f"{prefix}{INDEX_SUFFIX}"


# -- the protocol buffer messages ----------------------------------------------------------------

_messages = None


def messages():
    """A namespace with the message classes ``BundleHeaderProto`` and ``BundleEntryProto``."""
    global _messages
    if _messages is None:
        _messages = _build_messages()
    return _messages


def _build_messages():
    try:
        from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    except ImportError as err:
        raise ImportError(
            "TensorFlow checkpoints need the protobuf package (a smallflow dependency): "
            f"pip install protobuf ({err})"
        ) from None
    field = descriptor_pb2.FieldDescriptorProto
    optional, repeated = field.LABEL_OPTIONAL, field.LABEL_REPEATED
    file = descriptor_pb2.FileDescriptorProto(
        name="smallflow/tensor_bundle.proto", package="tensorflow", syntax="proto3"
    )

    def message(name, *fields, nested=(), oneofs=()):
        proto = file.message_type.add(name=name) if isinstance(name, str) else name
        for spec in fields:
            proto.field.add(**spec)
        for oneof in oneofs:
            proto.oneof_decl.add(name=oneof)
        return proto

    def scalar(name, number, kind, label=optional, **more):
        return {"name": name, "number": number, "type": kind, "label": label, **more}

    def nested(name, number, type_name, label=optional):
        return {"name": name, "number": number, "type": field.TYPE_MESSAGE, "label": label,
                "type_name": f".tensorflow.{type_name}"}

    # Enums are declared as int32: the same varint on the wire, and no unknown-value rules.
    shape = message("TensorShapeProto",
                    nested("dim", 2, "TensorShapeProto.Dim", repeated),
                    scalar("unknown_rank", 3, field.TYPE_BOOL))
    message(shape.nested_type.add(name="Dim"),
            scalar("size", 1, field.TYPE_INT64), scalar("name", 2, field.TYPE_STRING))
    slices = message("TensorSliceProto",
                     nested("extent", 1, "TensorSliceProto.Extent", repeated))
    message(slices.nested_type.add(name="Extent"),
            scalar("start", 1, field.TYPE_INT64),
            scalar("length", 2, field.TYPE_INT64, oneof_index=0),
            oneofs=("has_length",))
    message("VersionDef",
            scalar("producer", 1, field.TYPE_INT32), scalar("min_consumer", 2, field.TYPE_INT32),
            scalar("bad_consumers", 3, field.TYPE_INT32, repeated))
    message("BundleHeaderProto",
            scalar("num_shards", 1, field.TYPE_INT32), scalar("endianness", 2, field.TYPE_INT32),
            nested("version", 3, "VersionDef"))
    message("BundleEntryProto",
            scalar("dtype", 1, field.TYPE_INT32), nested("shape", 2, "TensorShapeProto"),
            scalar("shard_id", 3, field.TYPE_INT32), scalar("offset", 4, field.TYPE_INT64),
            scalar("size", 5, field.TYPE_INT64), scalar("crc32c", 6, field.TYPE_FIXED32),
            nested("slices", 7, "TensorSliceProto", repeated))
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)

    def message_class(name):
        descriptor = pool.FindMessageTypeByName(f"tensorflow.{name}")
        if hasattr(message_factory, "GetMessageClass"):
            return message_factory.GetMessageClass(descriptor)
        return message_factory.MessageFactory(pool).GetPrototype(descriptor)  # protobuf < 4.21

    return types.SimpleNamespace(
        BundleHeaderProto=message_class("BundleHeaderProto"),
        BundleEntryProto=message_class("BundleEntryProto"),
        TensorSliceProto=message_class("TensorSliceProto"),
    )


# -- keys of the slices of partitioned variables --------------------------------------------------
# TensorFlow saves each slice under a key in its "ordered code" (keys that sort by their
# parts): 0, the variable's name, the rank, then the start and length of each dimension
# (-1: all of it). A leading NUL byte keeps these keys apart from variables' names.

# The first two bytes' length marks of a signed number encoded in 1..10 bytes.
_SIGNED_HEADERS = [(0, 0), (0x80, 0), (0xC0, 0), (0xE0, 0), (0xF0, 0), (0xF8, 0), (0xFC, 0),
                   (0xFE, 0), (0xFF, 0), (0xFF, 0x80), (0xFF, 0xC0)]


def _unsigned_increasing(value):
    body = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return bytes([len(body)]) + body


def _signed_increasing(value):
    magnitude = ~value if value < 0 else value
    if magnitude < 64:
        return bytes([(0x80 ^ value) & 0xFF])
    length = min(1 + magnitude.bit_length() // 7, 10)
    body = bytearray(value.to_bytes(10, "big", signed=True)[10 - length :])
    body[0] ^= _SIGNED_HEADERS[length][0]
    body[1] ^= _SIGNED_HEADERS[length][1]
    return bytes(body)


def _string_increasing(text):
    return text.replace(b"\xff", b"\xff\x00").replace(b"\x00", b"\x00\xff") + b"\x00\x01"


def slice_key(name, extents):
    """The checkpoint key of the slice ``extents`` ([(start, length or -1), ...]) of ``name``."""
    parts = [_unsigned_increasing(0), _string_increasing(name.encode("utf-8")),
             _unsigned_increasing(len(extents))]
    for start, length in extents:
        parts += [_signed_increasing(start), _signed_increasing(length)]
    return b"".join(parts)


# -- writing --------------------------------------------------------------------------------------


def dtype_enum(array):
    """TensorFlow's DataType number for a NumPy array's values (ValueError if it has none)."""
    from .. import dtypes

    if array.dtype == object:
        return _STRING
    try:
        name = dtypes.as_dtype(array.dtype).name
    except TypeError:
        name = None
    if name not in _ENUM_OF:
        raise ValueError(f"TensorFlow checkpoints cannot hold values of dtype {array.dtype}")
    return _ENUM_OF[name]


def enum_name_of(array):
    """TensorFlow's name of an array's dtype (``DT_FLOAT``), as its debug strings print it."""
    return _ENUM_NAMES[dtype_enum(array)]


def _string_bytes(array, name):
    """The data-file layout of a string tensor, and its CRC-32C (unmasked)."""
    elements = []
    for item in array.ravel(order="C").tolist():
        if isinstance(item, str):
            item = item.encode("utf-8")
        if not isinstance(item, bytes | bytearray | np.bytes_):
            raise TypeError(
                f"String tensor {name!r} holds {type(item).__name__} {item!r}, not bytes"
            )
        elements.append(bytes(item))
    lengths = bytearray()
    crc = 0
    for element in elements:
        sstable.put_varint(lengths, len(element))
        # The lengths' checksum is taken over them as uint32 (uint64 past 4 GiB), not varints.
        size_format = "<I" if len(element) <= 0xFFFFFFFF else "<Q"
        crc = sstable.crc32c(struct.pack(size_format, len(element)), crc)
    length_checksum = struct.pack("<I", sstable.mask(crc))
    crc = sstable.crc32c(length_checksum, crc)
    body = b"".join(elements)
    crc = sstable.crc32c(body, crc)
    return bytes(lengths) + length_checksum + body, crc


def _shape_of(entry, shape):
    entry.shape.SetInParent()  # present even for a scalar, as TensorFlow writes it
    for size in shape:
        entry.shape.dim.add(size=int(size))


class BundleWriter:
    """Writes tensors into one data file and then the index (``write_data``, ``index_bytes``).

    The two steps are separate so that the caller decides how the files reach the disk
    (smallflow writes both under temporary names and renames them together).
    """

    def __init__(self, arrays):
        self._arrays = sorted(
            ((str(name).encode("utf-8"), name, value) for name, value in arrays.items()),
            key=lambda item: item[0],
        )
        for key, name, _ in self._arrays:
            if not key:
                raise ValueError("A checkpoint key must be a non-empty string")
            if key.startswith(b"\x00"):
                raise ValueError(f"Checkpoint key {name!r} may not start with a NUL byte")
        self._entries = None

    def write_data(self, file):
        """Write every tensor's bytes to the binary ``file``, recording its entry."""
        pb = messages()
        entries = []
        offset = 0
        for key, name, value in self._arrays:
            # A bytes scalar kept whole: np.asarray would make it a fixed-width 'S' array,
            # whose elements lose their trailing NUL bytes.
            array = (np.array(value, dtype=object) if isinstance(value, bytes | bytearray | str)
                     else np.asarray(value))
            entry = pb.BundleEntryProto(dtype=dtype_enum(array), shard_id=0, offset=offset)
            _shape_of(entry, array.shape)
            if entry.dtype == _STRING:
                blob, crc = _string_bytes(array, name)
                file.write(blob)
                size = len(blob)
            else:
                little = np.ascontiguousarray(array, array.dtype.newbyteorder("<"))
                view = memoryview(little.reshape(-1).view(np.uint8))
                file.write(view)
                crc = sstable.crc32c(view)
                size = len(view)
            entry.size = size
            entry.crc32c = sstable.mask(crc)
            offset += size
            entries.append((key, entry.SerializeToString()))
        self._entries = entries

    def index_bytes(self):
        """The ``.index`` file's bytes (after ``write_data``)."""
        if self._entries is None:
            raise RuntimeError("write_data must run before index_bytes")
        pb = messages()
        header = pb.BundleHeaderProto(num_shards=1, endianness=_LITTLE)
        header.version.producer = _VERSION
        items = [(HEADER_KEY, header.SerializeToString()), *self._entries]
        return sstable.build_table(items)


# -- reading --------------------------------------------------------------------------------------


def _data_loss(path, problem):
    return errors.DataLossError(
        None, None, f"Unable to read checkpoint file {path}: {problem}. The file is damaged "
        "(truncated or overwritten) or does not belong to this checkpoint."
    )


def _read_file(path):
    try:
        with open(path, "rb") as file:
            return file.read()
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"Checkpoint file {path} not found") from None
    except OSError as err:
        raise _data_loss(path, err) from None


class BundleReader:
    """The entries of one V2 checkpoint; tensors are read from the data files on request."""

    def __init__(self, prefix):
        self.prefix = os.fspath(prefix)
        self.index_path = index_filename(self.prefix)
        table = sstable.read_table(self.index_path, _read_file(self.index_path))
        pb = messages()
        if not table or table[0][0] != HEADER_KEY:
            raise _data_loss(self.index_path, "it has no bundle header entry")
        header = self._parse(pb.BundleHeaderProto, table[0][1], "the header")
        version = header.version
        if version.min_consumer > _VERSION or _VERSION in version.bad_consumers:
            raise _data_loss(
                self.index_path,
                f"its format version needs a reader of version {version.min_consumer} (this "
                f"one is {_VERSION}); was it written by a newer TensorFlow?",
            )
        if header.num_shards < 1 or header.endianness not in (_LITTLE, _BIG):
            raise _data_loss(self.index_path, "its header is invalid")
        self._num_shards = header.num_shards
        self._order = "<" if header.endianness == _LITTLE else ">"
        self._entries = {}
        self._slice_keys = {}
        for key, value in table[1:]:
            entry = self._parse(pb.BundleEntryProto, value, f"the entry {key!r}")
            self._check_entry(key, entry)
            if key.startswith(b"\x00"):  # one slice of a partitioned variable
                self._slice_keys[key] = entry
                continue
            try:
                name = key.decode("utf-8")
            except UnicodeDecodeError:
                name = key.decode("latin-1")
            self._entries[name] = entry

    def _parse(self, message_class, value, what):
        message = message_class()
        try:
            message.ParseFromString(value)
        except Exception as err:  # protobuf's DecodeError has no stable import path
            raise _data_loss(self.index_path, f"{what} is not parseable ({err})") from None
        return message

    def _check_entry(self, key, entry):
        if entry.shape.unknown_rank or any(dim.size < 0 for dim in entry.shape.dim):
            raise _data_loss(self.index_path, f"invalid tensor shape for key {key!r}")
        if entry.dtype not in _DTYPES:
            name = _ENUM_NAMES.get(entry.dtype, f"DataType {entry.dtype}")
            raise _data_loss(
                self.index_path, f"key {key!r} holds {name} values, which smallflow cannot read"
            )
        if not entry.slices and not 0 <= entry.shard_id < self._num_shards:
            raise _data_loss(self.index_path, f"key {key!r} names data file {entry.shard_id}")

    # -- what is in it ---------------------------------------------------------------------------
    def names(self):
        return list(self._entries)

    def has_tensor(self, name):
        return name in self._entries

    def shape(self, name):
        return [int(dim.size) for dim in self._entries[name].shape.dim]

    def dtype_name(self, name):
        return _DTYPES[self._entries[name].dtype][0]

    def dtype_enum_name(self, name):
        return _ENUM_NAMES[self._entries[name].dtype]

    # -- values ----------------------------------------------------------------------------------
    def get_tensor(self, name):
        """The value of tensor ``name`` as a NumPy array (strings as an array of bytes)."""
        entry = self._entries[name]
        if entry.slices:
            return self._assemble(name, entry)
        return self._value(entry, name)

    def _value(self, entry, name):
        shape = tuple(int(dim.size) for dim in entry.shape.dim)
        count = math.prod(shape)
        path = data_filename(self.prefix, entry.shard_id, self._num_shards)
        if entry.dtype == _STRING:
            # Each element takes at least one length byte; the lengths' checksum 4 more.
            if count and entry.size < count + 4:
                raise _data_loss(
                    self.index_path, f"invalid size in bundle entry: key {name}; stored size "
                    f"{entry.size}; expected size is at least {count + 4}"
                )
            raw = self._read(path, entry, name)
            values, crc = self._strings(path, raw, count, name)
        else:
            code = _DTYPES[entry.dtype][1]
            dtype = np.dtype(self._order + code)
            if entry.size != count * dtype.itemsize:
                raise _data_loss(
                    self.index_path, f"invalid size in bundle entry: key {name}; stored size "
                    f"{entry.size}; expected size {count * dtype.itemsize}"
                )
            raw = self._read(path, entry, name)
            crc = sstable.crc32c(raw)
            values = np.frombuffer(raw, dtype=dtype)
            values = values.astype(dtype.newbyteorder("="), copy=self._order != "<")
            values = self._as_smallflow(values, entry.dtype)
        if sstable.unmask(entry.crc32c) != crc:
            raise _data_loss(
                path, f"checksum does not match for tensor {name} ({entry.size} bytes at offset "
                f"{entry.offset}): the data file is damaged"
            )
        return values.reshape(shape)

    @staticmethod
    def _as_smallflow(values, enum):
        name = _DTYPES[enum][0]
        if name.startswith(("qint", "quint")):
            from .. import dtypes

            return values.view(np.dtype(dtypes.as_dtype(name).as_numpy_dtype))
        return values

    def _read(self, path, entry, name):
        """``entry``'s bytes of the data file, after checking the file holds them."""
        try:
            with open(path, "rb") as file:
                available = os.fstat(file.fileno()).st_size
                if entry.offset < 0 or entry.size < 0 or entry.offset + entry.size > available:
                    raise _data_loss(
                        path, f"tensor {name} lies at bytes {entry.offset}.."
                        f"{entry.offset + entry.size} but the file has {available} bytes "
                        "(truncated?)"
                    )
                file.seek(entry.offset)
                raw = bytearray(entry.size)
                if file.readinto(raw) != entry.size:
                    raise _data_loss(path, f"tensor {name} was cut short")
                return raw
        except FileNotFoundError:
            raise errors.NotFoundError(
                None, None, f"Data file {path} of checkpoint {self.prefix} not found (its "
                f"index {self.index_path} exists): was the checkpoint copied only in part?"
            ) from None
        except OSError as err:
            raise _data_loss(path, err) from None

    def _strings(self, path, raw, count, name):
        lengths = []
        position = 0
        crc = 0
        for _ in range(count):
            decoded = sstable.get_varint(raw, position, len(raw))
            if decoded is None:
                raise _data_loss(path, f"the string lengths of tensor {name} are damaged")
            length, position = decoded
            lengths.append(length)
            size_format = self._order + ("I" if length <= 0xFFFFFFFF else "Q")
            crc = sstable.crc32c(struct.pack(size_format, length), crc)
        if raw:  # even no strings have a lengths' checksum (TensorFlow writes one)
            if position + 4 > len(raw):
                raise _data_loss(path, f"the string lengths of tensor {name} are cut short")
            checksum = bytes(raw[position : position + 4])
            (stored,) = struct.unpack(self._order + "I", checksum)
            if sstable.unmask(stored) != crc:
                raise _data_loss(path, f"the string lengths' checksum of tensor {name} fails")
            crc = sstable.crc32c(checksum, crc)
            position += 4
        if position + sum(lengths) != len(raw):
            raise _data_loss(path, f"the strings of tensor {name} do not fill its {len(raw)} "
                             "bytes")
        values = np.empty(count, dtype=object)
        for index, length in enumerate(lengths):
            values[index] = bytes(raw[position : position + length])
            position += length
        crc = sstable.crc32c(raw[position - sum(lengths) : position], crc)
        return values, crc

    def _assemble(self, name, entry):
        """A partitioned variable's full value, from the slices TensorFlow saved under
        their own keys (``slice_key``)."""
        shape = [int(dim.size) for dim in entry.shape.dim]
        code = _DTYPES[entry.dtype][1]
        if code is None:
            full = np.empty(shape, dtype=object)
        else:
            full = self._as_smallflow(np.zeros(shape, np.dtype(code)), entry.dtype)
        covered = 0
        for piece in entry.slices:
            extents = [(e.start, e.length if e.HasField("length") else -1) for e in piece.extent]
            if len(extents) != len(shape):
                raise _data_loss(self.index_path, f"a slice of {name} has the wrong rank")
            key = slice_key(name, extents)
            stored = self._slice_keys.get(key)
            if stored is None:
                raise _data_loss(self.index_path, f"the slice {extents} of {name} is missing")
            region = tuple(
                slice(0, size) if length < 0 else slice(start, start + length)
                for (start, length), size in zip(extents, shape)
            )
            value = self._value(stored, f"{name} (slice {extents})")
            if stored.dtype != entry.dtype or value.shape != full[region].shape:
                raise _data_loss(self.index_path, f"the slice {extents} of {name} does not fit")
            full[region] = value
            covered += value.size
        if covered != full.size:
            raise _data_loss(self.index_path, f"the slices of {name} do not cover it exactly")
        return full

    def debug_string(self):
        """``name (DT_FLOAT) [2,3]`` lines, as TensorFlow's reader prints them (bytes)."""
        lines = [
            f"{name} ({self.dtype_enum_name(name)}) [{','.join(map(str, self.shape(name)))}]\n"
            for name in self._entries
        ]
        return "".join(lines).encode("utf-8")
