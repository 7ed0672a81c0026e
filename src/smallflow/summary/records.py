"""The TFRecord framing of event files: length, masked CRC32C of the length, data, its CRC.

The checksum is taken by the ``google-crc32c`` C extension (part of the ``tensorboard``
extra) when it is installed: TensorBoard's own ``RecordWriter`` uses a pure-Python CRC that
costs about half a microsecond per byte, more than a small training step; it remains the
fallback.
Reading stops quietly at a record cut short (a writer killed mid-write), as TensorFlow's
reader does, and raises ``DataLossError`` for a complete record whose checksum is wrong.
"""

import array
import struct

import numpy as np

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
    protobuf's order) without encoding the summary again. (A step of 0 or None is left
    out, as protobuf leaves out a field at its default.)

    Runs of many triples (a training loop's summaries, queued by the writer until a big
    batch) are framed by NumPy, a whole run at a time (:func:`_frame_triples`); the rest
    by one loop with no call per event but the checksum's.
    """
    if len(items) >= _VECTOR_MIN:
        types = list(map(type, items))
        triples = types.count(tuple)
        if triples == len(items):
            framed = _frame_triples(items)
            if framed is not None:
                return framed
        elif triples >= _VECTOR_MIN and triples + types.count(bytes) == len(items):
            return b"".join(_frame_runs(items, types))
    return _frame_loop(items)


def _frame_runs(items, types):
    """``frame_events`` of a batch mixing serialized events (a graph) and triples, in runs
    of one kind."""
    start, count = 0, len(items)
    while start < count:
        kind = types[start]
        try:
            end = types.index(bytes if kind is tuple else tuple, start)
        except ValueError:
            end = count
        run = items[start:end]
        yield frame_events(run) if kind is tuple else _frame_loop(run)
        start = end


def _frame_loop(items):
    """``frame_events`` one event at a time."""
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


# Below this many events the loop of frame_events is quicker than NumPy's fixed costs.
_VECTOR_MIN = 64
# Longer events (histograms, images) are framed by the loop: the checksum tables of the
# vector path grow with the length (1 KiB a byte).
_MAX_VECTOR_EVENT = 512
# Varint lengths: a number needs k bytes from 2**(7 * (k - 1)) on (a step of 0: no field).
_VARINT_STARTS = np.array([1 << (7 * k) for k in range(9)], dtype=np.int64)


def _frame_triples(items):
    """``frame_events`` of ``(bytes, step, wall_time)`` triples with steps in [0, 2**63)
    or None, by NumPy; None when the batch is not of that kind (the loop frames it).

    The batch is cut into runs of events of one length (one summary's length, one step
    varint length: a training loop's scalar summaries change length twice in 16,384
    steps); a run's records are built as the rows of a byte matrix, column by column, and
    checksummed by table (:func:`_crc32c_rows`). The Python work per event is a few C
    steps: framing ten events every ten steps in a loop of Python cost about as much as
    the summary op itself.
    """
    count = len(items)
    try:
        summaries, steps, wall_times = zip(*items, strict=True)
        if set(map(type, summaries)) != {bytes}:
            return None
        if None in steps:
            steps = [0 if step is None else step for step in steps]  # (the same encoding)
        steps = np.frombuffer(array.array("q", steps), np.int64)
        times = np.frombuffer(array.array("d", wall_times), np.float64).astype("<f8")
    except (TypeError, ValueError, OverflowError):
        return None
    if steps.min() < 0:
        return None  # a negative step is a ten-byte varint: left to the loop
    sizes = np.array(list(map(len, summaries)), dtype=np.int64)
    step_bytes = np.searchsorted(_VARINT_STARTS, steps, side="right")
    size_bytes = np.maximum(np.searchsorted(_VARINT_STARTS, sizes, side="right"), 1)
    # Event: 0x09 + double, [0x10 + step varint], 0x2A + size varint, summary.
    lengths = 10 + np.where(step_bytes > 0, 1 + step_bytes, 0) + size_bytes + sizes
    kinds = lengths * 256 + step_bytes * 16 + size_bytes
    bounds = (np.flatnonzero(kinds[1:] != kinds[:-1]) + 1).tolist()
    if len(bounds) * 8 > count or lengths.max() > _MAX_VECTOR_EVENT:
        return None  # long summaries (histograms), or lengths changing often: the loop
    summary_bytes = np.frombuffer(b"".join(summaries), dtype=np.uint8)
    summary_ends = np.cumsum(sizes).tolist()
    time_bytes = times.view(np.uint8).reshape(count, 8)
    parts = []
    for start, end in zip([0, *bounds], [*bounds, count], strict=True):
        first = summary_ends[start] - int(sizes[start])
        block = _records_of_kind(int(kinds[start]), steps[start:end],
                                 summary_bytes[first : summary_ends[end - 1]],
                                 time_bytes[start:end])
        parts.append(block.tobytes())
    return b"".join(parts)


def _records_of_kind(kind, steps, summary_bytes, time_bytes):
    """The records of a run of events of one length and varint lengths, one per row of a
    uint8 matrix: header, event, footer."""
    length, step_bytes, size_bytes = kind >> 8, (kind >> 4) & 15, kind & 15
    count = len(steps)
    block = np.empty((count, 16 + length), dtype=np.uint8)
    block[:, :12] = np.frombuffer(_HEADERS.get(length) or _header(length), dtype=np.uint8)
    block[:, 12] = 0x09
    block[:, 13:21] = time_bytes
    at = 21
    if step_bytes:
        block[:, at] = 0x10
        for byte in range(step_bytes):
            more = 0x80 if byte < step_bytes - 1 else 0
            block[:, at + 1 + byte] = (steps >> (7 * byte)) & 0x7F | more
        at += 1 + step_bytes
    size = length - (at - 12) - 1 - size_bytes
    block[:, at] = 0x2A
    block[:, at + 1 : at + 1 + size_bytes] = np.frombuffer(_varint(size), dtype=np.uint8)
    at += 1 + size_bytes
    block[:, at : 12 + length] = summary_bytes.reshape(count, size)
    crcs = _crc32c_rows(block[:, 12 : 12 + length])
    masked = ((crcs >> 15) | (crcs << 17)) + np.uint32(0xA282EAD8)
    block[:, 12 + length :] = masked.astype("<u4").view(np.uint8).reshape(count, 4)
    return block


# CRC32C (Castagnoli, reflected) by table: its register is linear in the message's bits, so
# the checksum of a row of ``length`` bytes is a constant (that of ``length`` zero bytes)
# xor, for each byte, that byte's contribution at its distance from the row's end.
_CRC_TABLES = {}  # length -> (constant, flat table[position * 256 + byte], position * 256)
_CRC_POLY = 0x82F63B78
# Row d: the register's change by a byte followed by d zero bytes (grown when needed).
_CRC_DISTANCES = []


def _crc_distance_rows(count):
    if not _CRC_DISTANCES:
        table = np.arange(256, dtype=np.uint32)
        for _ in range(8):
            table = np.where(table & 1, (table >> 1) ^ np.uint32(_CRC_POLY), table >> 1)
        _CRC_DISTANCES.append(table.astype(np.uint32))
    byte_table = _CRC_DISTANCES[0]
    while len(_CRC_DISTANCES) < count:  # each zero byte moves the register on once
        previous = _CRC_DISTANCES[-1]
        _CRC_DISTANCES.append(byte_table.take(previous & 0xFF) ^ (previous >> 8))
    return _CRC_DISTANCES


def _crc_tables(length):
    found = _CRC_TABLES.get(length)
    if found is not None:
        return found
    if len(_CRC_TABLES) >= 64:
        _CRC_TABLES.clear()
    distances = _crc_distance_rows(length)
    byte_table = distances[0]
    register = 0xFFFFFFFF  # the initial register, moved on by ``length`` zero bytes
    for _ in range(length):
        register = int(byte_table[register & 0xFF]) ^ (register >> 8)
    found = _CRC_TABLES[length] = (np.uint32(register ^ 0xFFFFFFFF),
                                   np.concatenate(distances[length - 1 :: -1]),
                                   np.arange(0, 256 * length, 256))
    return found


def _crc32c_rows(rows):
    """The CRC32C of each row of a uint8 matrix (bit for bit the C CRC32C's, tested)."""
    constant, table, offsets = _crc_tables(rows.shape[1])
    contributions = table.take(rows + offsets)
    return np.bitwise_xor.reduce(contributions, axis=1) ^ constant


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
