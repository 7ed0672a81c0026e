"""Specification of the IDX reader and writer: every element type, raw or gzip, and bad files."""

import gzip
import hashlib
import io
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from smallflow.datasets import idx
from smallflow.datasets.idx import IDXError, read_idx, write_idx

IDX_DTYPES = ["u1", "i1", "i2", "i4", "f4", "f8"]


def header(type_code, *dims):
    return bytes([0, 0, type_code, len(dims)]) + np.asarray(dims, ">u4").tobytes()


def put(tmp_path, name, data, compress=False):
    path = tmp_path / name
    path.write_bytes(gzip.compress(data, mtime=0) if compress else data)
    return path


class Trickle(io.RawIOBase):
    """A non-seekable stream that hands out at most 3 bytes per read, like a slow pipe."""

    def __init__(self, data):
        self._data = memoryview(data)
        self._at = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        piece = self._data[self._at : self._at + min(3, len(buffer))]
        buffer[: len(piece)] = piece
        self._at += len(piece)
        return len(piece)


@pytest.mark.parametrize("dtype", IDX_DTYPES)
@pytest.mark.parametrize("shape", [(), (0,), (5,), (3, 4), (2, 3, 4), (2, 1, 3, 2, 1)])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_written_arrays_read_back_identically(tmp_path, dtype, shape, suffix):
    rng = np.random.default_rng(0)
    array = (rng.standard_normal(shape) * 100).astype(dtype)
    path = tmp_path / f"a.idx{suffix}"
    write_idx(path, array)
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype)
    assert back.dtype.isnative
    assert back.shape == shape
    np.testing.assert_array_equal(back, array)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == (suffix == ".gz")


@settings(max_examples=60, deadline=None)
@given(
    array=hnp.arrays(
        dtype=st.sampled_from([np.dtype(d) for d in IDX_DTYPES]),
        shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=6),
    ),
    compress=st.booleans(),
)
def test_any_array_round_trips_through_a_file_object(array, compress):
    buffer = io.BytesIO()
    write_idx(buffer, array)
    data = gzip.compress(buffer.getvalue()) if compress else buffer.getvalue()
    back = read_idx(io.BytesIO(data))
    assert back.shape == array.shape
    np.testing.assert_array_equal(back, array)


@pytest.mark.parametrize(
    ("type_code", "payload", "expected"),
    [
        (0x08, b"\x00\x7f\xff", np.array([0, 127, 255], np.uint8)),
        (0x09, b"\x00\x7f\xff", np.array([0, 127, -1], np.int8)),
        (0x0B, b"\x01\x02\xff\xfe\x80\x00", np.array([258, -2, -32768], np.int16)),
        (
            0x0C,
            b"\x00\x00\x01\x00\xff\xff\xff\xff\x7f\xff\xff\xff",
            np.array([256, -1, 2**31 - 1], np.int32),
        ),
        (
            0x0D,
            b"\x3f\x80\x00\x00\xc0\x00\x00\x00\x00\x00\x00\x00",
            np.array([1.0, -2.0, 0.0], np.float32),
        ),
        (
            0x0E,
            b"\x3f\xf0" + b"\x00" * 6 + b"\xc0\x00" + b"\x00" * 6 + b"\x00" * 8,
            np.array([1.0, -2.0, 0.0], np.float64),
        ),
    ],
)
def test_each_type_byte_decodes_big_endian_values(tmp_path, type_code, payload, expected):
    path = put(tmp_path, "t.idx", header(type_code, 3) + payload)
    back = read_idx(path)
    assert back.dtype == expected.dtype
    np.testing.assert_array_equal(back, expected)


def test_dimension_sizes_are_big_endian_and_give_the_shape(tmp_path):
    data = header(0x08, 2, 256, 1) + bytes(range(256)) * 2
    back = read_idx(put(tmp_path, "t.idx", data))
    assert back.shape == (2, 256, 1)
    assert back[1, 255, 0] == 255


def test_gzip_is_recognised_by_content_not_name(tmp_path):
    data = header(0x08, 4) + b"\x01\x02\x03\x04"
    packed = put(tmp_path, "no-suffix", data, compress=True)
    plain = put(tmp_path, "plain.gz", data)
    np.testing.assert_array_equal(read_idx(packed), [1, 2, 3, 4])
    np.testing.assert_array_equal(read_idx(plain), [1, 2, 3, 4])


@pytest.mark.parametrize("compress", [False, True])
def test_a_slow_non_seekable_stream_reads_the_same(compress):
    data = header(0x0B, 2, 3) + np.arange(6, dtype=">i2").tobytes()
    raw = gzip.compress(data) if compress else data
    back = read_idx(io.BufferedReader(Trickle(raw), buffer_size=2))
    np.testing.assert_array_equal(back, np.arange(6).reshape(2, 3))


def test_multi_member_gzip_with_zero_padding_is_one_file(tmp_path):
    data = header(0x08, 6) + b"abcdef"
    joined = gzip.compress(data[:5]) + b"\0\0\0" + gzip.compress(data[5:]) + b"\0"
    back = read_idx(put(tmp_path, "m.gz", joined))
    assert back.tobytes() == b"abcdef"


def test_a_large_gzip_file_streams_into_one_array(tmp_path):
    array = np.arange(3_000_000, dtype=np.int32).reshape(1000, 3000)
    path = tmp_path / "big.idx.gz"
    write_idx(path, array, compresslevel=1)
    np.testing.assert_array_equal(read_idx(path), array)


@pytest.mark.parametrize("compress", [False, True])
def test_hasher_sees_every_decompressed_byte(tmp_path, compress):
    data = header(0x0D, 2, 2) + np.arange(4, dtype=">f4").tobytes()
    digest = hashlib.sha256()
    read_idx(put(tmp_path, "h", data, compress), hasher=digest)
    assert digest.hexdigest() == hashlib.sha256(data).hexdigest()


def test_read_arrays_are_writable(tmp_path):
    back = read_idx(put(tmp_path, "w", header(0x08, 2) + b"\x01\x02"))
    back[0] = 9
    assert back[0] == 9


GOOD = header(0x08, 2, 3) + bytes(6)


def cut_gzip(data):
    packed = gzip.compress(data)
    return packed[: len(packed) // 2]


def bad_crc(data):
    packed = bytearray(gzip.compress(data))
    packed[-8] ^= 0xFF
    return bytes(packed)


def damaged_deflate(data):
    packed = bytearray(gzip.compress(data))
    packed[10] = 0b111  # the first deflate block claims the reserved block type 3
    return bytes(packed)


BAD_FILES = [
    ("empty", b"", "is empty"),
    ("html page", b"<!DOCTYPE html><html>403", "neither an IDX file"),
    ("unknown type byte", header(0x0A, 2) + b"\0\0", "unknown IDX element type byte 0x0A"),
    ("header cut short", header(0x08, 2, 3)[:6], "ends inside the IDX dimension sizes"),
    ("magic cut short", b"\0\0\x08", "ends inside the IDX header"),
    ("data cut short", GOOD[:-1], "is truncated"),
    ("data cut short, gzip", gzip.compress(GOOD[:-1]), "is truncated"),
    ("gzip stream cut", cut_gzip(GOOD + bytes(5000)), "gzip data stops"),
    ("extra bytes", GOOD + b"\0", "1 bytes more than its header declares"),
    ("extra bytes, gzip", gzip.compress(GOOD + b"xyz"), "3 bytes more than its header"),
    ("garbage after gzip", gzip.compress(GOOD) + b"junk", "not gzip"),
    ("gzip CRC wrong", bad_crc(GOOD), "is damaged"),
    ("deflate data damaged", damaged_deflate(GOOD), "is damaged"),
    ("absurd header, raw", header(0x0E, 4_000_000_000, 4_000_000_000), "is truncated"),
    ("absurd header, gzip", gzip.compress(header(0x08, 2**31, 2**31)), "more than a gzip"),
]


@pytest.mark.parametrize(("case", "data", "message"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_files_raise_idx_errors_naming_the_file(tmp_path, case, data, message):
    path = put(tmp_path, "bad-file.idx", data)
    with pytest.raises(IDXError, match=message) as caught:
        read_idx(path)
    assert str(path) in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_a_wrong_magic_number_is_reported_in_tensorflows_words(tmp_path):
    path = put(tmp_path, "labels", header(0x08, 2) + b"\0\0", compress=True)
    with pytest.raises(ValueError, match="^Invalid magic number 2049 in MNIST image file: "):
        read_idx(path, magic=2051, kind="MNIST image")


def test_name_replaces_the_path_in_messages(tmp_path):
    path = put(tmp_path, "x", b"nonsense")
    with pytest.raises(IDXError, match="^what the mirror sent is neither"):
        read_idx(path, name="what the mirror sent")


def test_file_objects_are_named_by_their_name(tmp_path):
    path = put(tmp_path, "named", b"")
    with open(path, "rb") as file, pytest.raises(IDXError, match="named is empty"):
        read_idx(file)


def test_writer_refuses_types_idx_cannot_hold(tmp_path):
    with pytest.raises(TypeError, match="IDX cannot store dtype int64"):
        write_idx(tmp_path / "x.idx", np.zeros(3, np.int64))
    assert os.listdir(tmp_path) == []


def test_an_interrupted_write_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "keep.idx.gz"
    write_idx(path, np.arange(4, dtype=np.uint8))
    before = path.read_bytes()

    def explode(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(idx.gzip.GzipFile, "write", explode)
    with pytest.raises(KeyboardInterrupt):
        write_idx(path, np.arange(9, dtype=np.uint8))
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["keep.idx.gz"]


# --- the cache of decoded arrays ------------------------------------------------------------


@pytest.fixture
def cached_file(tmp_path):
    path = tmp_path / "data.idx.gz"
    array = np.arange(600, dtype=np.int16).reshape(20, 30)
    write_idx(path, array)
    return path, tmp_path / "cache", array


def entries(cache_dir):
    return sorted(os.listdir(cache_dir))


def no_decoding(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("decoded the file instead of using the cache")

    monkeypatch.setattr(idx, "_read", refuse)


def test_a_second_read_comes_from_the_cache(cached_file, monkeypatch):
    path, cache_dir, array = cached_file
    first = read_idx(path, cache_dir=cache_dir)
    assert len(entries(cache_dir)) == 1
    assert entries(cache_dir)[0].startswith("data.idx.gz.")
    no_decoding(monkeypatch)
    second = read_idx(path, cache_dir=cache_dir)
    np.testing.assert_array_equal(second, array)
    assert second.dtype == first.dtype
    assert second.flags.writeable


def test_a_changed_file_never_meets_its_old_entry(cached_file):
    path, cache_dir, _ = cached_file
    read_idx(path, cache_dir=cache_dir)
    old = entries(cache_dir)
    write_idx(path, np.full((20, 30), 7, np.int16))
    np.testing.assert_array_equal(read_idx(path, cache_dir=cache_dir), 7)
    assert len(entries(cache_dir)) == 1
    assert entries(cache_dir) != old


def flip_last_byte(entry):
    data = bytearray(entry.read_bytes())
    data[-1] ^= 1
    entry.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage",
    [
        flip_last_byte,
        lambda entry: entry.write_bytes(entry.read_bytes()[:-10]),
        lambda entry: entry.write_bytes(b"garbage"),
    ],
    ids=["flipped bit", "truncated", "garbage"],
)
def test_a_damaged_entry_is_ignored_removed_and_rebuilt(cached_file, damage):
    path, cache_dir, array = cached_file
    read_idx(path, cache_dir=cache_dir)
    (entry,) = entries(cache_dir)
    damage(cache_dir / entry)
    np.testing.assert_array_equal(read_idx(path, cache_dir=cache_dir), array)
    assert entries(cache_dir) == [entry]  # rebuilt under the same name
    np.testing.assert_array_equal(np.load(cache_dir / entry), array)


def test_cached_arrays_still_get_their_magic_number_checked(cached_file):
    path, cache_dir, _ = cached_file
    read_idx(path, cache_dir=cache_dir)
    with pytest.raises(IDXError, match="^Invalid magic number 2818 in MNIST image file: "):
        read_idx(path, magic=2051, kind="MNIST image", cache_dir=cache_dir)


def test_an_unusable_cache_dir_only_means_no_cache(cached_file):
    path, cache_dir, array = cached_file
    cache_dir.write_text("a file where the cache folder would go")
    np.testing.assert_array_equal(read_idx(path, cache_dir=cache_dir), array)
    np.testing.assert_array_equal(read_idx(path, cache_dir=cache_dir), array)


def test_a_file_replaced_during_the_read_is_not_cached(cached_file, monkeypatch):
    path, cache_dir, _ = cached_file
    real_read = idx._read

    def read_then_replace(*args):
        array = real_read(*args)
        write_idx(path, np.zeros((20, 30), np.int16))
        return array

    monkeypatch.setattr(idx, "_read", read_then_replace)
    read_idx(path, cache_dir=cache_dir)
    assert not cache_dir.exists() or entries(cache_dir) == []
    monkeypatch.undo()
    np.testing.assert_array_equal(read_idx(path, cache_dir=cache_dir), 0)
