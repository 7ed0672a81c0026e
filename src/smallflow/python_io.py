"""``tf.python_io``: TFRecord files (``TFRecordWriter``, ``tf_record_iterator``).

A TFRecord file is a sequence of records, each framed as TensorFlow writes it: the
length (uint64, little-endian), the masked CRC-32C of those 8 bytes, the data, and the
masked CRC-32C of the data. We read and write exactly that format, so files are
interchangeable with TensorFlow's. Compression (GZIP/ZLIB) is supported with the stdlib.
"""

import gzip
import os
import struct
import zlib

from . import errors
from .atomic_files import open_temporary

__all__ = ["TFRecordCompressionType", "TFRecordOptions", "TFRecordWriter",
           "tf_record_iterator"]


def _crc32c_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _crc32c_table()


def _crc32c_python(data):
    crc = 0xFFFFFFFF
    table = _TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def crc32c(data):
    """CRC-32C (Castagnoli) of ``data``; google-crc32c's C code when it is installed."""
    try:
        import google_crc32c
    except ImportError:
        return _crc32c_python(data)
    return google_crc32c.value(bytes(data))


def masked_crc32c(data):
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


class TFRecordCompressionType:
    NONE = 0
    ZLIB = 1
    GZIP = 2


class TFRecordOptions:
    """Compression of a TFRecord file: ``TFRecordOptions("GZIP")`` or a compression type."""

    compression_type_map = {TFRecordCompressionType.ZLIB: "ZLIB",
                            TFRecordCompressionType.GZIP: "GZIP",
                            TFRecordCompressionType.NONE: ""}

    def __init__(self, compression_type=None, **unused):
        if compression_type in self.compression_type_map:
            compression_type = self.compression_type_map[compression_type]
        compression_type = compression_type or ""
        if compression_type not in ("", "ZLIB", "GZIP"):
            raise ValueError(f"Unknown TFRecord compression type: {compression_type!r}")
        self.compression_type = compression_type

    @classmethod
    def get_compression_type_string(cls, options):
        if options is None:
            return ""
        if isinstance(options, TFRecordOptions):
            return options.compression_type
        return TFRecordOptions(options).compression_type


def _frame(record):
    header = struct.pack("<Q", len(record))
    return (header + struct.pack("<I", masked_crc32c(header)) + record
            + struct.pack("<I", masked_crc32c(record)))


class TFRecordWriter:
    """Writes records to a TFRecord file; the file appears whole when the writer closes."""

    def __init__(self, path, options=None):
        self._path = os.fspath(path)
        self._compression = TFRecordOptions.get_compression_type_string(options)
        directory = os.path.dirname(os.path.abspath(self._path))
        if not os.path.isdir(directory):
            raise errors.NotFoundError(None, None, f"{self._path}; No such file or directory")
        handle, self._temp = open_temporary(directory, ".tfrecord-")
        self._file = os.fdopen(handle, "wb")
        self._chunks = [] if self._compression else None
        self._closed = False

    def write(self, record):
        if self._closed:
            raise ValueError("Writer is closed.")
        if isinstance(record, str):
            record = record.encode()
        framed = _frame(bytes(record))
        if self._chunks is not None:
            self._chunks.append(framed)
        else:
            self._file.write(framed)

    def flush(self):
        if self._chunks is None:
            self._file.flush()

    def close(self):
        if self._closed:
            return
        self._closed = True
        if self._chunks is not None:
            data = b"".join(self._chunks)
            data = gzip.compress(data) if self._compression == "GZIP" else zlib.compress(data)
            self._file.write(data)
        self._file.close()
        os.replace(self._temp, self._path)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _read_all(path, compression):
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{path}; No such file or directory") from None
    if compression == "GZIP":
        data = gzip.decompress(data)
    elif compression == "ZLIB":
        data = zlib.decompress(data)
    return data


def read_records(path, compression=""):
    """The records of a TFRecord file, checking lengths and checksums."""
    data = _read_all(os.fspath(path), compression)
    offset = 0
    while offset < len(data):
        if offset + 12 > len(data):
            raise errors.DataLossError(None, None, f"truncated record at {offset} in {path}")
        header = data[offset:offset + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", data[offset + 8:offset + 12])
        if length_crc != masked_crc32c(header):
            raise errors.DataLossError(None, None,
                                       f"corrupted record at {offset} in {path}")
        start = offset + 12
        end = start + length
        if end + 4 > len(data):
            raise errors.DataLossError(None, None, f"truncated record at {offset} in {path}")
        record = data[start:end]
        (data_crc,) = struct.unpack("<I", data[end:end + 4])
        if data_crc != masked_crc32c(record):
            raise errors.DataLossError(None, None,
                                       f"corrupted record at {offset} in {path}")
        yield record
        offset = end + 4


def tf_record_iterator(path, options=None):
    """An iterator over the records (``bytes``) of a TFRecord file."""
    return read_records(path, TFRecordOptions.get_compression_type_string(options))
