"""The sorted string table (LevelDB's "table" format) that TensorFlow's ``.index`` files use.

A table is a run of blocks followed by a fixed-size footer::

    data block 0 | data block 1 | ... | metaindex block | index block | footer (48 bytes)

Every block is followed by a 5-byte trailer: its compression type (0: none) and the masked
CRC-32C of the block and that type byte. Inside a block, key/value entries are stored in
key order with each key's prefix shared with the previous key left out; every
``restart_interval`` entries a key is stored whole (a restart point), and the block ends
with the offsets of the restart points and their count, all little-endian uint32. Entries
are ``varint shared | varint unshared | varint value length | key suffix | value``.

The index block maps, for each data block, a key at or after its last key and before the
next block's first key, to the block's handle (varint64 offset and size). The footer
holds the metaindex and index handles, zero-padded to 40 bytes, then the table's 64-bit
magic number. TensorFlow writes bundle indexes uncompressed, with 256 KiB data blocks and
a restart point every 16 keys (every key in the index block); we do the same, so the
files we write are byte for byte what TensorFlow writes for the same entries.

The reader checks every length, offset and checksum against the bytes really present and
raises ``errors.DataLossError`` naming the file; it never allocates more than the file's
own size, whatever a damaged footer or block claims.
"""

import struct

from .. import errors

MAGIC = 0xDB4775248B80FB57
FOOTER_SIZE = 48
_TRAILER_SIZE = 5
_NO_COMPRESSION = 0
_SNAPPY = 1
BLOCK_SIZE = 256 * 1024
RESTART_INTERVAL = 16
_UINT32 = struct.Struct("<I")


# -- checksums and varints ------------------------------------------------------------------------


def _crc32c_module():
    try:
        import google_crc32c
    except ImportError as err:
        raise ImportError(
            "TensorFlow checkpoints need the google-crc32c package (a smallflow dependency): "
            f"pip install google-crc32c ({err})"
        ) from None
    return google_crc32c


_CHUNK = 1 << 22


def crc32c(data, crc=0):
    """The CRC-32C of ``data`` (any bytes-like object), continuing from ``crc``.

    google-crc32c reads only immutable bytes, so other buffers are copied a few MiB at a
    time rather than whole.
    """
    module = _crc32c_module()
    if isinstance(data, bytes):
        return module.extend(crc, data)
    view = memoryview(data).cast("B")
    for start in range(0, len(view), _CHUNK):
        crc = module.extend(crc, bytes(view[start : start + _CHUNK]))
    return crc


def mask(crc):
    """Rotate and offset a CRC as LevelDB and TensorFlow store it (a CRC of data holding
    CRCs stays informative)."""
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def unmask(masked):
    rotated = (masked - 0xA282EAD8) & 0xFFFFFFFF
    return ((rotated >> 17) | (rotated << 15)) & 0xFFFFFFFF


def put_varint(out, value):
    """Append ``value`` (a non-negative int) to bytearray ``out`` as a base-128 varint."""
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def get_varint(data, position, limit, bits=64):
    """``(value, next position)`` of the varint at ``data[position:limit]``, or None if it is
    cut short or longer than ``bits`` allow."""
    result = 0
    shift = 0
    while position < limit and shift < bits:
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, position
        shift += 7
    return None


# -- writing --------------------------------------------------------------------------------------


class _BlockBuilder:
    def __init__(self, restart_interval):
        self._interval = restart_interval
        self.reset()

    def reset(self):
        self._buffer = bytearray()
        self._restarts = [0]
        self._counter = 0
        self._last_key = b""

    def empty(self):
        return not self._buffer

    def size_estimate(self):
        return len(self._buffer) + 4 * len(self._restarts) + 4

    def add(self, key, value):
        shared = 0
        if self._counter < self._interval:
            limit = min(len(key), len(self._last_key))
            while shared < limit and key[shared] == self._last_key[shared]:
                shared += 1
        else:
            self._restarts.append(len(self._buffer))
            self._counter = 0
        put_varint(self._buffer, shared)
        put_varint(self._buffer, len(key) - shared)
        put_varint(self._buffer, len(value))
        self._buffer += key[shared:]
        self._buffer += value
        self._last_key = key
        self._counter += 1

    def finish(self):
        out = self._buffer
        for restart in self._restarts:
            out += _UINT32.pack(restart)
        out += _UINT32.pack(len(self._restarts))
        return bytes(out)


def _shortest_separator(start, limit):
    """A short key >= ``start`` and < ``limit`` (LevelDB's bytewise comparator rule)."""
    common = 0
    shortest = min(len(start), len(limit))
    while common < shortest and start[common] == limit[common]:
        common += 1
    if common >= shortest:
        return start  # one is a prefix of the other: keep the key as it is
    byte = start[common]
    if byte < 0xFF and byte + 1 < limit[common]:
        return start[:common] + bytes([byte + 1])
    return start


def _short_successor(key):
    """A short key >= ``key``: its first byte that can be incremented, incremented."""
    for index, byte in enumerate(key):
        if byte != 0xFF:
            return key[:index] + bytes([byte + 1])
    return key


def _handle(offset, size):
    out = bytearray()
    put_varint(out, offset)
    put_varint(out, size)
    return bytes(out)


def build_table(items, block_size=BLOCK_SIZE):
    """The bytes of a table holding ``items``: (key bytes, value bytes) in increasing order."""
    out = bytearray()
    data_block = _BlockBuilder(RESTART_INTERVAL)
    index_block = _BlockBuilder(1)
    pending = None  # handle of the last data block, waiting for the next block's first key
    last_key = None

    def write_block(contents):
        offset = len(out)
        out.extend(contents)
        trailer = bytes([_NO_COMPRESSION])
        out.extend(trailer)
        out.extend(_UINT32.pack(mask(crc32c(trailer, crc32c(contents)))))
        return offset, len(contents)

    def flush():
        nonlocal pending
        if data_block.empty():
            return
        pending = write_block(data_block.finish())
        data_block.reset()

    for key, value in items:
        if last_key is not None:
            if key <= last_key:
                raise ValueError(f"table keys must increase: {key!r} after {last_key!r}")
            if len(key) + len(value) >= 2 * block_size:
                flush()
        if pending is not None:
            index_block.add(_shortest_separator(last_key, key), _handle(*pending))
            pending = None
        last_key = key
        data_block.add(key, value)
        if data_block.size_estimate() >= block_size:
            flush()
    flush()
    metaindex = write_block(_BlockBuilder(RESTART_INTERVAL).finish())
    if pending is not None:
        index_block.add(_short_successor(last_key), _handle(*pending))
    index = write_block(index_block.finish())
    footer = bytearray(_handle(*metaindex) + _handle(*index))
    footer.extend(bytes(40 - len(footer)))
    footer.extend(struct.pack("<Q", MAGIC))
    out.extend(footer)
    return bytes(out)


# -- reading --------------------------------------------------------------------------------------


class _Corrupt(Exception):
    """A problem found in a table; turned into a DataLossError naming the file."""


def _read_handle(data, position, limit):
    offset = get_varint(data, position, limit)
    if offset is None:
        raise _Corrupt("bad block handle")
    size = get_varint(data, offset[1], limit)
    if size is None:
        raise _Corrupt("bad block handle")
    return offset[0], size[0], size[1]


def _block(data, offset, size, what):
    """The contents of the block at ``offset`` (``size`` bytes), its checksum checked."""
    end = offset + size + _TRAILER_SIZE
    if end > len(data) - FOOTER_SIZE:
        raise _Corrupt(f"truncated block read: the {what} block at {offset} runs past the end")
    contents = data[offset : offset + size]
    kind = data[offset + size]
    (stored,) = _UINT32.unpack_from(data, offset + size + 1)
    if crc32c(data[offset : offset + size + 1]) != unmask(stored):
        raise _Corrupt(f"block checksum mismatch in the {what} block at {offset}")
    if kind == _SNAPPY:
        raise _Corrupt(f"the {what} block is Snappy-compressed, which smallflow does not read")
    if kind != _NO_COMPRESSION:
        raise _Corrupt(f"bad block type {kind} in the {what} block at {offset}")
    return contents


def _entries(block, what):
    """The (key, value) pairs of a block's contents, in order."""
    if len(block) < 4:
        raise _Corrupt(f"bad block contents: the {what} block is too short")
    (count,) = _UINT32.unpack_from(block, len(block) - 4)
    limit = len(block) - 4 - 4 * count
    if count == 0 or limit < 0:
        raise _Corrupt(f"bad block contents: the {what} block's restart array is damaged")
    position = 0
    key = b""
    while position < limit:
        fields = []
        for _ in range(3):
            decoded = get_varint(block, position, limit, bits=32)
            if decoded is None:
                raise _Corrupt(f"bad entry in the {what} block")
            fields.append(decoded[0])
            position = decoded[1]
        shared, unshared, value_length = fields
        end = position + unshared + value_length
        if shared > len(key) or end > limit:
            raise _Corrupt(f"bad entry in the {what} block")
        key = key[:shared] + block[position : position + unshared]
        yield key, block[position + unshared : end]
        position = end


def read_table(path, data):
    """``[(key, value), ...]`` of the table ``data`` (the bytes of the file ``path``)."""
    try:
        return list(_read(data))
    except _Corrupt as problem:
        raise errors.DataLossError(
            None, None, f"Unable to read checkpoint index file {path}: {problem}. The file "
            "is damaged (truncated or overwritten) or is not a TensorFlow checkpoint index."
        ) from None


def _read(data):
    if len(data) < FOOTER_SIZE:
        raise _Corrupt(f"the file is {len(data)} bytes, shorter than a table's footer")
    footer = len(data) - FOOTER_SIZE
    (magic,) = struct.unpack_from("<Q", data, len(data) - 8)
    if magic != MAGIC:
        raise _Corrupt("not an sstable (bad magic number)")
    _, _, position = _read_handle(data, footer, footer + 40)
    index_offset, index_size, _ = _read_handle(data, position, footer + 40)
    index = _block(data, index_offset, index_size, "index")
    previous = None
    for separator, handle in _entries(index, "index"):
        offset, size, _ = _read_handle(handle, 0, len(handle))
        for key, value in _entries(_block(data, offset, size, "data"), "data"):
            if previous is not None and key <= previous:
                raise _Corrupt("keys out of order")
            if key > separator:
                raise _Corrupt("a data block holds a key beyond its index entry")
            previous = key
            yield key, value
