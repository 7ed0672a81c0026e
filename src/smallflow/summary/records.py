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
from ..ops.summary_ops import _varint

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


def _load_crc32c():
    global _crc32c
    if _crc32c is None:
        _crc32c = _crc32c_function()
    return _crc32c


def masked_crc32c(data):
    """The CRC32C of ``data``, rotated and offset as TFRecord files store it."""
    crc = (_crc32c or _load_crc32c())(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


_HEADERS = {}  # record length -> header bytes (a run's events are mostly of a few lengths)


def frame(data):
    """One record's bytes: header (length and its checksum), ``data``, footer (its checksum)."""
    size = len(data)
    header = _HEADERS.get(size) or _header(size)
    return b"".join((header, data, _FOOTER.pack(masked_crc32c(data))))


def _header(size):
    header = _HEADERS.get(size)
    if header is None:
        if len(_HEADERS) > 4096:
            _HEADERS.clear()
        length = _LENGTH.pack(size)
        header = _HEADERS[size] = length + _FOOTER.pack(masked_crc32c(length))
    return header


# Event{wall_time (key 0x09, a double), step (key 0x10, a varint), summary (key 0x2a, its
# length)} up to the summary's bytes, for the usual steps (below 2**14) and summaries
# (below 128 bytes): one pack makes the whole head.
_HEAD_STEP_1 = struct.Struct("<BdBBBB").pack
_HEAD_STEP_2 = struct.Struct("<BdBBBBB").pack
_WALL_TIME = struct.Struct("<Bd").pack
_STEP_MASK = 0xFFFFFFFFFFFFFFFF  # a negative int64 is encoded as its two's complement


def frame_events(items):
    """The records of a batch of events, in order, as one bytes object. Each item is a
    serialized ``Event`` or a ``(serialized Summary, step, wall_time)`` triple, framed as
    ``Event{wall_time, step, summary}`` (fields 1: double, 2: varint, 5: message, in
    protobuf's order) without encoding the summary again.

    One loop for the batch (no call per event but the checksum's): this runs for every
    summary a training loop writes.
    """
    crc32c = _crc32c or _load_crc32c()
    headers = _HEADERS
    footer = _FOOTER.pack
    head_1 = _HEAD_STEP_1
    head_2 = _HEAD_STEP_2
    parts = []
    append = parts.append
    for item in items:
        if type(item) is tuple:
            summary, step, wall_time = item
            if step is None or not 0 < step < 0x4000 or len(summary) >= 0x80:
                event = _summary_event(summary, step, wall_time)
            elif step < 0x80:
                event = head_1(0x09, wall_time, 0x10, step, 0x2A, len(summary)) + summary
            else:
                event = head_2(0x09, wall_time, 0x10, step & 0x7F | 0x80, step >> 7, 0x2A,
                               len(summary)) + summary
        else:
            event = item
        size = len(event)
        crc = crc32c(event)
        append(headers.get(size) or _header(size))
        append(event)
        append(footer((((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF))
    return b"".join(parts)


def _summary_event(summary, step, wall_time):
    """The general case of ``frame_events``' Event: any step (or none), any summary."""
    step_bytes = b"\x10" + _varint(step & _STEP_MASK) if step else b""
    return b"".join((_WALL_TIME(0x09, wall_time), step_bytes, b"\x2a", _varint(len(summary)),
                     summary))


def frame_summary_event(summary, step, wall_time):
    """The record of ``Event{wall_time, step, summary}`` (see ``frame_events``)."""
    return frame_events(((summary, step, wall_time),))


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
