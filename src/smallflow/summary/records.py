"""The TFRecord framing of event files: length, masked CRC32C of the length, data, its CRC.

The checksum is taken by the ``google-crc32c`` C extension (part of the ``tensorboard``
extra) when it is installed: TensorBoard's own ``RecordWriter`` uses a pure-Python CRC that
costs about half a microsecond per byte, more than a small training step; it remains the
fallback.
Reading stops quietly at a record cut short (a writer killed mid-write), as TensorFlow's
reader does, and raises ``DataLossError`` for a complete record whose checksum is wrong.
"""

import struct

from .. import errors

_HEADER = struct.Struct("<QI")
_FOOTER = struct.Struct("<I")


def _crc32c_function():
    try:
        import google_crc32c

        if google_crc32c.implementation == "c":
            return google_crc32c.value
    except ImportError:
        pass
    from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import crc32c

    return crc32c


_crc32c = None
_LENGTH = struct.Struct("<Q")


def masked_crc32c(data):
    """The CRC32C of ``data``, rotated and offset as TFRecord files store it."""
    global _crc32c
    if _crc32c is None:
        _crc32c = _crc32c_function()
    crc = _crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


_HEADERS = {}  # record length -> header bytes (a run's events are mostly of a few lengths)


def frame(data):
    """One record's bytes: header (length and its checksum), ``data``, footer (its checksum)."""
    size = len(data)
    header = _HEADERS.get(size)
    if header is None:
        if len(_HEADERS) > 4096:
            _HEADERS.clear()
        length = _LENGTH.pack(size)
        header = _HEADERS[size] = length + _FOOTER.pack(masked_crc32c(length))
    return b"".join((header, data, _FOOTER.pack(masked_crc32c(data))))


def read_records(path):
    """Yield the data of each record in the file at ``path``, checking both checksums."""
    with open(path, "rb") as stream:
        offset = 0
        while True:
            header = stream.read(_HEADER.size)
            if len(header) < _HEADER.size:
                return  # end of file, or a header cut short by a killed writer
            length, length_crc = _HEADER.unpack(header)
            if masked_crc32c(header[:8]) != length_crc:
                raise errors.DataLossError(
                    None, None, f"corrupted record at {offset} in {path}: bad length checksum")
            data = stream.read(length)
            footer = stream.read(_FOOTER.size)
            if len(data) < length or len(footer) < _FOOTER.size:
                return  # the last record was cut short
            if masked_crc32c(data) != _FOOTER.unpack(footer)[0]:
                raise errors.DataLossError(
                    None, None, f"corrupted record at {offset} in {path}: bad data checksum")
            offset += _HEADER.size + length + _FOOTER.size
            yield data


def summary_iterator(path):
    """``tf.train.summary_iterator``: yield the ``Event`` protos of an event file in order."""
    from .. import tb_protos

    parse = tb_protos.load().event_pb2.Event.FromString
    for data in read_records(path):
        yield parse(data)
