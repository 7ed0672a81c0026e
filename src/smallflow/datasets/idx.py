"""Read and write IDX files (the container format of MNIST), plain or gzip-compressed."""

import contextlib
import gzip
import hashlib
import logging
import os
import secrets
import stat
import zlib

import numpy as np

# The IDX type byte -> element type.  Multi-byte types are stored big-endian.
IDX_TYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_TYPE_OF = {dtype.newbyteorder("<"): code for code, dtype in IDX_TYPES.items()}
_TYPE_OF.update({dtype.newbyteorder(">"): code for code, dtype in IDX_TYPES.items()})

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 18  # compressed bytes read per step, and the cap on each decompressed piece
# Deflate cannot expand data by more than about 1032:1; a header that promises more than
# this many bytes per compressed byte describes data the file cannot hold.
_MAX_DEFLATE_RATIO = 1100


_log = logging.getLogger(__name__)


class IDXError(ValueError):
    """A file is not a well-formed IDX file; the message names the file and the fault."""


def read_idx(source, *, magic=None, kind="IDX", hasher=None, name=None, cache_dir=None):
    """Read a whole IDX file into one native-endian NumPy array of the shape in its header.

    ``source`` is a path or a binary file object; gzip compression is recognised from the
    content, not the name.  ``magic`` (e.g. 2051 for MNIST images) makes any other magic
    number an error worded as TensorFlow's, with ``kind`` naming the expected file type.
    ``hasher`` (e.g. ``hashlib.sha256()``) is fed every decompressed byte, header included.
    ``name`` replaces the path or file name in error messages.  With ``cache_dir``, a path
    is first looked up among the arrays cached there (see :func:`cache_array`), and a
    freshly read array is cached.
    Raises :class:`IDXError` for a damaged, truncated, over-long or non-IDX file.
    """
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        label = name or path
        use_cache = cache_dir is not None and hasher is None
        source_key = None
        if use_cache:
            source_key, array = _cached(path, cache_dir)
            if array is not None:
                found_magic = _magic_of(array)
                if magic is not None and found_magic != magic:
                    raise IDXError(f"Invalid magic number {found_magic} in {kind} file: {label}")
                return array
        with open(path, "rb") as file:
            array = _read(file, label, magic, kind, hasher)
        if use_cache:
            cache_array(path, array, cache_dir, source_key)
        return array
    label = name or str(getattr(source, "name", repr(source)))
    return _read(source, label, magic, kind, hasher)


def write_idx(target, array, *, compresslevel=None):
    """Write ``array`` as an IDX file; a path is written atomically (temp file + rename).

    A path ending in ``.gz`` is gzip-compressed (level ``compresslevel``, default 9) unless
    ``compresslevel`` is 0.  The element type must be one IDX can hold: uint8, int8, int16,
    int32, float32 or float64.
    """
    array = np.asarray(array)
    code = _TYPE_OF.get(array.dtype)
    if code is None:
        raise TypeError(
            f"IDX cannot store dtype {array.dtype}; "
            "use uint8, int8, int16, int32, float32 or float64"
        )
    if array.ndim > 255:
        raise ValueError(f"IDX holds at most 255 dimensions, the array has {array.ndim}")
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
    data = np.ascontiguousarray(array, dtype=IDX_TYPES[code])
    if not isinstance(target, (str, os.PathLike)):
        target.write(header)
        target.write(data.data)
        return
    path = os.fspath(target)
    level = compresslevel
    if level is None:
        level = 9 if path.endswith(".gz") else 0
    directory, base = os.path.split(os.path.abspath(path))
    temp = os.path.join(directory, f".{base}.{secrets.token_hex(6)}.part")
    raw = open(temp, "xb")  # noqa: SIM115 - closed by the with statement below
    try:
        with raw:
            if level:
                with gzip.GzipFile(
                    filename="", mode="wb", fileobj=raw, compresslevel=level, mtime=0
                ) as packed:
                    packed.write(header)
                    packed.write(data.data)
            else:
                raw.write(header)
                raw.write(data.data)
        os.replace(temp, path)
    except BaseException:
        _remove_quietly(temp)
        raise


def cache_array(path, array, cache_dir, source_key=None):
    """Keep ``array``, the content of the IDX file ``path``, in ``cache_dir`` for next time.

    The entry is named after the SHA-256 of ``path``'s bytes (so a changed file never
    meets a stale entry) and the CRC-32 of the array (checked when it is loaded).  It is
    written atomically; older entries for ``path`` are removed.  ``source_key``, the key
    taken before ``array`` was read, guards against a file replaced during the read: if
    the file's key has changed since, nothing is cached.  Failing to write (e.g. a
    read-only folder) only means there is no cache: nothing is raised.
    """
    base = os.path.basename(path)
    try:
        key = _file_key(path)
        if source_key is not None and key != source_key:
            _log.debug("not caching %s: it changed while it was read", path)
            return
        os.makedirs(cache_dir, exist_ok=True)
        array = np.ascontiguousarray(array)
        entry = f"{base}.{key}.{zlib.crc32(array.data):08x}.npy"
        temp = os.path.join(cache_dir, f".{entry}.{secrets.token_hex(6)}.part")
        try:
            with open(temp, "xb") as file:
                np.save(file, array, allow_pickle=False)
            os.replace(temp, os.path.join(cache_dir, entry))
        except BaseException:
            _remove_quietly(temp)
            raise
        for other in _cache_entries(cache_dir, base):
            if other != entry:
                _remove_quietly(os.path.join(cache_dir, other))
    except OSError as error:
        _log.debug("not caching %s in %s: %s", path, cache_dir, error)


def _cached(path, cache_dir):
    """``(source_key, array)``: the cached array of ``path``, or None if there is none."""
    source_key = _file_key(path)
    entries = _cache_entries(cache_dir, os.path.basename(path))
    prefix = f"{os.path.basename(path)}.{source_key}."
    for entry in entries:
        if not entry.startswith(prefix):
            continue
        entry_path = os.path.join(cache_dir, entry)
        try:
            array = np.load(entry_path, allow_pickle=False)
            intact = (
                f"{zlib.crc32(np.ascontiguousarray(array).data):08x}" == entry[len(prefix) : -4]
            )
        except (OSError, ValueError, EOFError):
            intact = False
        if intact:
            return source_key, array
        _log.debug("removing damaged cache entry %s", entry_path)
        _remove_quietly(entry_path)
    return source_key, None


def _cache_entries(cache_dir, base):
    try:
        names = os.listdir(cache_dir)
    except OSError:
        return []
    return [n for n in names if n.startswith(f"{base}.") and n.endswith(".npy")]


def _file_key(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()[:32]


def _magic_of(array):
    code = _TYPE_OF.get(array.dtype)
    return -1 if code is None else (code << 8) | array.ndim


def _read(file, name, magic, kind, hasher):
    head = _read_up_to(file, 2)
    if head == _GZIP_MAGIC:
        stream = _GzipStream(file, head, name)
    elif head == b"\0\0":
        stream = _PlainStream(file, head)
    else:
        head += _read_up_to(file, 14)
        if not head:
            raise IDXError(f"{name} is empty")
        raise IDXError(
            f"{name} is neither an IDX file (which starts with two zero bytes) nor "
            f"gzip-compressed: it starts with {head!r}"
        )
    try:
        return _read_body(stream, name, magic, kind, hasher)
    except zlib.error as error:
        raise IDXError(
            f"{name} is damaged: its gzip data cannot be decompressed ({error})"
        ) from None


def _read_body(stream, name, magic, kind, hasher):
    prefix = stream.read_exact(4, name, "header")
    found_magic = int.from_bytes(prefix, "big")
    if magic is not None and found_magic != magic:
        raise IDXError(f"Invalid magic number {found_magic} in {kind} file: {name}")
    type_code = prefix[2]
    ndims = prefix[3]
    dtype = IDX_TYPES.get(type_code)
    if dtype is None:
        raise IDXError(
            f"{name}: unknown IDX element type byte 0x{type_code:02X} (magic number "
            f"{found_magic}); known types are 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E"
        )
    dims_bytes = stream.read_exact(4 * ndims, name, "dimension sizes")
    shape = tuple(int(size) for size in np.frombuffer(dims_bytes, ">u4"))
    count = int(np.prod(shape, dtype=object))
    nbytes = count * dtype.itemsize
    header_bytes = 4 + 4 * ndims
    stream.check_capacity(nbytes, name, shape)
    if hasher is not None:
        hasher.update(prefix)
        hasher.update(dims_bytes)
    try:
        array = np.empty(count, dtype)
    except (MemoryError, ValueError):
        raise IDXError(
            f"{name}: its header declares shape {shape}, too large to be real; the file is damaged"
        ) from None
    view = memoryview(array).cast("B")
    got = stream.read_into(view, hasher)
    if got < nbytes:
        raise IDXError(
            f"{name} is truncated: its header declares shape {shape} "
            f"({header_bytes + nbytes} bytes), but the file holds only "
            f"{header_bytes + got}"
        )
    extra = stream.count_rest()
    if extra:
        raise IDXError(
            f"{name} has {extra} bytes more than its header declares (shape {shape}, "
            f"{header_bytes + nbytes} bytes); it is not the file it claims to be"
        )
    if not array.dtype.isnative:
        array.byteswap(inplace=True)
        array = array.view(array.dtype.newbyteorder("="))
    return array.reshape(shape)


def _read_up_to(file, size):
    """Read ``size`` bytes, fewer only at end of file (a pipe may deliver them piecemeal)."""
    pieces = []
    while size > 0:
        piece = file.read(size)
        if not piece:
            break
        pieces.append(piece)
        size -= len(piece)
    return b"".join(pieces)


def _remaining_size(file):
    """Bytes left in a regular file from its current position, or None if unknown."""
    try:
        info = os.fstat(file.fileno())
        position = file.tell()
    except (AttributeError, OSError, ValueError):
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return info.st_size - position


class _PlainStream:
    """Bytes of an uncompressed file, read straight into the caller's buffer."""

    def __init__(self, file, head):
        self._file = file
        self._pending = head

    def read_exact(self, size, name, what):
        data = self._pending[:size]
        self._pending = self._pending[size:]
        data += _read_up_to(self._file, size - len(data))
        if len(data) < size:
            raise IDXError(f"{name} is truncated: it ends inside the IDX {what}")
        return data

    def check_capacity(self, nbytes, name, shape):
        left = _remaining_size(self._file)
        if left is None:
            return
        left += len(self._pending)
        if left < nbytes:
            raise IDXError(
                f"{name} is truncated: its header declares shape {shape} ({nbytes} data "
                f"bytes), but only {left} follow the header"
            )

    def read_into(self, view, hasher):
        filled = len(self._pending)
        view[:filled] = self._pending
        self._pending = b""
        total = len(view)
        while filled < total:
            got = self._file.readinto(view[filled:])
            if not got:
                break
            filled += got
        if hasher is not None:
            hasher.update(view[:filled])
        return filled

    def count_rest(self):
        extra = 0
        while True:
            piece = self._file.read(_CHUNK)
            if not piece:
                return extra
            extra += len(piece)


class _GzipStream:
    """Decompressed bytes of a gzip file (one or more members), produced piece by piece."""

    def __init__(self, file, head, name):
        self._file = file
        self._name = name
        self._size = _remaining_size(file)
        if self._size is not None:
            self._size += len(head)
        self._inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        self._input = head
        self._produced = 0

    def _next_piece(self, limit):
        """Up to ``limit`` more decompressed bytes; ``b""`` only at the clean end."""
        while True:
            inflater = self._inflater
            if inflater.eof:
                if not self._start_next_member():
                    return b""
                continue
            data = inflater.unconsumed_tail or self._input
            self._input = b""
            if not data:
                data = self._file.read(_CHUNK)
            piece = inflater.decompress(data, limit)
            if piece:
                self._produced += len(piece)
                return piece
            if not data and not inflater.eof:
                raise IDXError(
                    f"{self._name} is truncated: its gzip data stops after "
                    f"{self._produced} decompressed bytes, before the end of the "
                    "stream"
                )

    def _start_next_member(self):
        """After a gzip member ends, begin the next one; False at the clean end of file."""
        rest = self._inflater.unused_data
        while True:
            rest = rest.lstrip(b"\0")  # gzip allows zero padding between members
            if rest:
                break
            rest = self._file.read(_CHUNK)
            if not rest:
                return False
        if len(rest) < 2:
            rest += _read_up_to(self._file, 1)
        if not rest.startswith(_GZIP_MAGIC):
            raise IDXError(
                f"{self._name} has bytes after its gzip data that are not gzip "
                f"({rest[:8]!r}...); the file is damaged"
            )
        self._inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        self._input = rest
        return True

    def read_exact(self, size, name, what):
        pieces = []
        while size > 0:
            piece = self._next_piece(size)
            if not piece:
                raise IDXError(f"{name} is truncated: it ends inside the IDX {what}")
            pieces.append(piece)
            size -= len(piece)
        return b"".join(pieces)

    def check_capacity(self, nbytes, name, shape):
        if self._size is not None and nbytes > _MAX_DEFLATE_RATIO * self._size + 1024:
            raise IDXError(
                f"{name}: its header declares shape {shape} ({nbytes} data bytes), more "
                f"than a gzip file of {self._size} bytes can hold; the file is damaged"
            )

    def read_into(self, view, hasher):
        filled = 0
        total = len(view)
        while filled < total:
            piece = self._next_piece(min(total - filled, _CHUNK))
            if not piece:
                break
            view[filled : filled + len(piece)] = piece
            filled += len(piece)
            if hasher is not None:
                hasher.update(piece)
        return filled

    def count_rest(self):
        extra = 0
        while True:
            piece = self._next_piece(_CHUNK)
            if not piece:
                return extra
            extra += len(piece)


def _remove_quietly(path):
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)
