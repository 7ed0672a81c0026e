"""Fuzzing the readers of untrusted files: IDX data, checkpoints, pictures.

Each takes a valid file, damages it the ways files get damaged (bytes flipped, cut short,
headers that lie about sizes) and reads it. Every outcome must be a result or the reader's
documented error - never another exception, a hang or a huge allocation.
"""

import gzip
import io
import struct
import tracemalloc

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smallflow import errors
from smallflow.datasets import idx
from smallflow.train import checkpoint_utils

Image = pytest.importorskip("PIL.Image")

# Far above what any of the small files below may legitimately need.
MEMORY_LIMIT = 64 * 1024 * 1024
FUZZ = settings(
    max_examples=60,
    deadline=None,  # the machine is shared; hangs are caught by the time limit below
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _damage(data, flips, cut, header_lie):
    """``data`` with bytes xor-ed, a 4-byte big-endian field overwritten, and cut short."""
    damaged = bytearray(data)
    for position, mask in flips:
        damaged[position % len(damaged)] ^= mask or 1
    if header_lie is not None:
        offset, value = header_lie
        offset %= max(1, min(len(damaged) - 4, 64))
        damaged[offset : offset + 4] = struct.pack(">I", value)
    return bytes(damaged[: max(0, len(damaged) - cut)])


damages = st.tuples(
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=4),
    st.one_of(st.just(0), st.integers(0, 300)),
    st.one_of(st.none(), st.tuples(st.integers(0, 64), st.integers(0, 2**32 - 1))),
)


def _bounded(read):
    """Run ``read()``; its peak allocation must stay under MEMORY_LIMIT."""
    tracemalloc.start()
    try:
        return read()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < MEMORY_LIMIT, f"reading allocated {peak:,} bytes"


def _idx_bytes(compressed):
    buffer = io.BytesIO()
    images = np.arange(5 * 28 * 28, dtype=np.uint32).astype(np.uint8).reshape(5, 28, 28)
    idx.write_idx(buffer, images)
    return gzip.compress(buffer.getvalue(), mtime=0) if compressed else buffer.getvalue()


@pytest.mark.parametrize("compressed", [False, True], ids=["raw", "gzip"])
@FUZZ
@given(damage=damages)
def test_idx_reader_returns_an_array_or_raises_idx_error(tmp_path, compressed, damage):
    path = tmp_path / "file-idx3-ubyte"
    path.write_bytes(_damage(_idx_bytes(compressed), *damage))
    try:
        array = _bounded(lambda: idx.read_idx(path))
    except idx.IDXError as error:  # either outcome is allowed: the error must name the file
        assert str(path) in str(error)  # noqa: PT017
    else:
        assert isinstance(array, np.ndarray)


def _checkpoint_bytes(folder):
    arrays = {"w": np.arange(12, dtype=np.float32).reshape(3, 4), "b": np.ones(3, np.int32)}
    record = checkpoint_utils.metadata_record(arrays, 7, {"note": "fuzz"})
    checkpoint_utils.write_checkpoint(folder / "original", arrays, record)
    return (folder / "original.npz").read_bytes()


@FUZZ
@given(damage=damages)
def test_checkpoint_reader_returns_values_or_raises_a_tensorflow_error(tmp_path, damage):
    original = _checkpoint_bytes(tmp_path)
    (tmp_path / "ckpt.npz").write_bytes(_damage(original, *damage))
    try:
        reader = _bounded(lambda: checkpoint_utils.load_checkpoint(tmp_path / "ckpt"))
    except errors.OpError as error:  # either outcome is allowed: the error must be one of two
        assert isinstance(error, errors.DataLossError | errors.NotFoundError)  # noqa: PT017
    else:
        assert set(reader.get_variable_to_shape_map()) <= {"w", "b"}


def test_checkpoint_reader_turns_an_encrypted_zip_entry_into_data_loss(tmp_path):
    # zipfile answers an entry flagged as encrypted with a RuntimeError (found by the fuzz
    # test above): the reader must say DataLossError like any other damage.
    data = bytearray(_checkpoint_bytes(tmp_path))
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(signature)
        while start >= 0:
            data[start + flag_at] |= 1
            start = data.find(signature, start + 4)
    (tmp_path / "ckpt.npz").write_bytes(bytes(data))
    with pytest.raises(errors.DataLossError):
        checkpoint_utils.load_checkpoint(tmp_path / "ckpt").get_tensor("w")


def _picture_bytes(fmt):
    drawing = np.full((40, 30), 250, dtype=np.uint8)
    drawing[5:35, 12:17] = 20
    buffer = io.BytesIO()
    Image.fromarray(drawing).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "BMP"])
@FUZZ
@given(damage=damages)
def test_image_loader_returns_a_digit_or_raises_image_error(tmp_path, fmt, damage):
    from smallflow import imaging
    from smallflow.imaging import ImageError, load_digit

    path = tmp_path / f"digit.{fmt.lower()}"
    path.write_bytes(_damage(_picture_bytes(fmt), *damage))
    # A header that lies about the size may claim anything up to the pixel budget, and a
    # picture of 50 megapixels legitimately needs more than MEMORY_LIMIT: fuzz under a budget
    # of 1 megapixel, so that "bounded by the budget" is what the memory check measures.
    budget = imaging.MAX_PIXELS
    imaging.MAX_PIXELS = 1_000_000
    try:
        digit = _bounded(lambda: load_digit(path))
    except ImageError as error:  # either outcome is allowed: the error must name the file
        assert str(path) in str(error)  # noqa: PT017
    else:
        assert digit.shape == (784,)
        assert np.isfinite(digit).all()
    finally:
        imaging.MAX_PIXELS = budget
        Image.MAX_IMAGE_PIXELS = budget  # what load_digit leaves set
