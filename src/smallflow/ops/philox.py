"""TensorFlow's Philox4x32-10 counter-based generator and the distributions its random ops use.

TensorFlow's stateful random ops (``RandomUniform``, ``RandomStandardNormal``,
``TruncatedNormal``, ``RandomUniformInt``) draw from Philox4x32 with ten rounds (Salmon et
al., "Parallel random numbers: as easy as 1, 2, 3", SC'11). The op's two seed attributes
pick the stream: ``seed`` is the 64-bit key, ``seed2`` the upper half of the 128-bit
counter. Each block (one counter value) gives four 32-bit words. Every run of an op reserves
``256 * n`` blocks for its ``n`` outputs and moves the op's counter past them, so the next
run draws fresh numbers. The words become numbers as TensorFlow's ``random_distributions.h``
describes: uniform floats from the mantissa bits, normals by Box-Muller on word pairs,
truncated normals by rejecting |x| >= 2 in groups that each own 256 blocks.

Matching these rules makes a seeded TF1 program print TensorFlow's numbers. The float32
transcendental functions (log, sin, cos) are evaluated in float64 and rounded to float32, so
about one float32 normal sample in a hundred differs from TensorFlow's by one unit in the
last place, where glibc's ``logf``/``sincosf`` are not correctly rounded.
"""

import sys
import threading

import numpy as np

_MASK32 = 0xFFFFFFFF
_MASK64 = 0xFFFFFFFFFFFFFFFF
_MASK128 = (1 << 128) - 1
_W32A = 0x9E3779B9
_W32B = 0xBB67AE85
_M4X32A = np.uint64(0xD2511F53)
_M4X32B = np.uint64(0xCD9E8D57)
_ROUNDS = 10
_LITTLE_ENDIAN = sys.byteorder == "little"
# Blocks (four words each) an op reserves per output element and run; a truncated-normal
# group of outputs owns this many words per element.
RESERVED_PER_OUTPUT = 256


def philox_blocks(key, counter, offsets):
    """Philox4x32-10 blocks at ``counter + offsets``: a ``[*offsets.shape, 4]`` uint32 array.

    ``key`` is the 64-bit key and ``counter`` the 128-bit base counter (Python ints);
    ``offsets`` a uint64 array (a count gives ``arange(count)``).
    """
    if np.ndim(offsets) == 0:
        offsets = np.arange(int(offsets), dtype=np.uint64)
    low = counter & _MASK64
    high = counter >> 64
    steps = np.asarray(offsets, dtype=np.uint64)
    low_words = steps + np.uint64(low)  # wraps modulo 2**64
    carry = (low_words < np.uint64(low)).astype(np.uint64)
    high_words = carry + np.uint64(high & _MASK64)
    mask = np.uint64(_MASK32)
    shift = np.uint64(32)
    c0 = (low_words & mask).astype(np.uint32)
    c1 = (low_words >> shift).astype(np.uint32)
    c2 = (high_words & mask).astype(np.uint32)
    c3 = (high_words >> shift).astype(np.uint32)
    k0 = key & _MASK32
    k1 = (key >> 32) & _MASK32
    for round_index in range(_ROUNDS):
        if round_index:
            k0 = (k0 + _W32A) & _MASK32
            k1 = (k1 + _W32B) & _MASK32
        low0, high0 = _multiply_wide(_M4X32A, c0)
        low1, high1 = _multiply_wide(_M4X32B, c2)
        high1 ^= c1
        high1 ^= np.uint32(k0)
        high0 ^= c3
        high0 ^= np.uint32(k1)
        c0, c1, c2, c3 = high1, low1, high0, low0
    return np.stack([c0, c1, c2, c3], axis=-1)


def _multiply_wide(multiplier, words):
    """The low and high 32-bit halves of ``multiplier * words`` (uint32 arrays)."""
    product = words.astype(np.uint64) * multiplier
    if _LITTLE_ENDIAN:
        halves = product.view(np.uint32).reshape(*product.shape, 2)
        return halves[..., 0].copy(), halves[..., 1].copy()
    return ((product & np.uint64(_MASK32)).astype(np.uint32),
            (product >> np.uint64(32)).astype(np.uint32))


class PhiloxStream:
    """One op's generator state in one session: the key and the next unreserved counter."""

    def __init__(self, seed, seed2):
        self.key = int(seed) & _MASK64
        self.counter = (int(seed2) & _MASK64) << 64
        # queue-runner threads may run the same op at once: each run gets its own blocks
        self._lock = threading.Lock()

    def reserve(self, num_outputs):
        """The counter a run producing ``num_outputs`` values starts at; moves past it."""
        with self._lock:
            start = self.counter
            self.counter = (start + num_outputs * RESERVED_PER_OUTPUT) & _MASK128
        return start


def _words(key, counter, num_blocks):
    return philox_blocks(key, counter, num_blocks).reshape(-1)


def _unit_float32(words):
    """Words -> float32 in [0, 1): 23 mantissa bits under exponent 0, minus one."""
    bits = (words.astype(np.uint32) & np.uint32(0x7FFFFF)) | np.uint32(0x3F800000)
    return bits.view(np.float32) - np.float32(1.0)


def _unit_float64(high_words, low_words):
    """Word pairs -> float64 in [0, 1): 20 + 32 mantissa bits, minus one."""
    mantissa = (high_words.astype(np.uint64) & np.uint64(0xFFFFF)) << np.uint64(32)
    bits = mantissa | low_words.astype(np.uint64) | np.uint64(0x3FF0000000000000)
    return bits.view(np.float64) - 1.0


def _unit_float16(words):
    bits = (words.astype(np.uint16) & np.uint16(0x3FF)) | np.uint16(15 << 10)
    return bits.view(np.float16) - np.float16(1.0)


def _box_muller_float(first, second):
    """Pairs of words -> pairs of float32 standard normals (TensorFlow's BoxMullerFloat)."""
    radius_uniform = np.maximum(_unit_float32(first), np.float32(1.0e-7))
    # 2 * M_PI is a double, so the angle is formed in double and rounded to float.
    angle = (2.0 * np.pi * _unit_float32(second).astype(np.float64)).astype(np.float32)
    # log is rounded to float before the square root, as logf then sqrtf round
    log_uniform = np.log(radius_uniform.astype(np.float64)).astype(np.float32)
    radius = np.sqrt(-2.0 * log_uniform.astype(np.float64)).astype(np.float32)
    angle64 = angle.astype(np.float64)
    sine = np.sin(angle64).astype(np.float32)
    cosine = np.cos(angle64).astype(np.float32)
    return sine * radius, cosine * radius


def _box_muller_double(w0, w1, w2, w3):
    radius_uniform = np.maximum(_unit_float64(w0, w1), 1.0e-7)
    angle = 2.0 * np.pi * _unit_float64(w2, w3)
    radius = np.sqrt(-2.0 * np.log(radius_uniform))
    return np.sin(angle) * radius, np.cos(angle) * radius


def _interleave(first, second):
    return np.stack([first, second], axis=-1).reshape(-1)


def uniform(stream, size, dtype):
    """``size`` uniform [0, 1) values of float ``dtype`` (float16, float32 or float64)."""
    dtype = np.dtype(dtype)
    start = stream.reserve(size)
    if dtype == np.float64:
        words = _words(stream.key, start, -(-size // 2)).reshape(-1, 2)
        return _unit_float64(words[:, 0], words[:, 1])[:size]
    words = _words(stream.key, start, -(-size // 4))[:size]
    if dtype == np.float16:
        return _unit_float16(words)
    return _unit_float32(words).astype(dtype, copy=False)


def uniform_int(stream, size, minval, maxval, dtype):
    """``size`` integers in ``[minval, maxval)``: ``minval + word % range`` (int32 or int64)."""
    dtype = np.dtype(dtype)
    start = stream.reserve(size)
    span = (int(maxval) - int(minval)) & (_MASK32 if dtype.itemsize == 4 else _MASK64)
    if dtype.itemsize == 8:
        words = _words(stream.key, start, -(-size // 2)).reshape(-1, 2)[:size]
        bits = words[:, 0].astype(np.uint64) | (words[:, 1].astype(np.uint64) << np.uint64(32))
        offsets = bits % np.uint64(span)
        low = np.uint64(int(minval) & _MASK64)
        return (offsets + low).view(np.int64)
    words = _words(stream.key, start, -(-size // 4))[:size]
    offsets = words % np.uint32(span)
    low = np.uint32(int(minval) & _MASK32)
    return (offsets + low).view(np.int32).astype(dtype, copy=False)


def normal(stream, size, dtype):
    """``size`` standard normal values of float ``dtype``."""
    dtype = np.dtype(dtype)
    start = stream.reserve(size)
    if dtype == np.float64:
        words = _words(stream.key, start, -(-size // 2)).reshape(-1, 4)
        first, second = _box_muller_double(*(words[:, i] for i in range(4)))
        return _interleave(first, second)[:size]
    words = _words(stream.key, start, -(-size // 4)).reshape(-1, 2)
    first, second = _box_muller_float(words[:, 0], words[:, 1])
    return _interleave(first, second)[:size].astype(dtype)


def truncated_normal(stream, size, dtype):
    """``size`` standard normal values with |x| < 2, TensorFlow's rejection order.

    Outputs come in groups (four for float16/32, two for float64); group ``g`` starts its
    own sub-stream ``g * 256 * group / 4`` blocks past the run's counter and keeps the
    first accepted candidates, in the order Box-Muller produces them.
    """
    dtype = np.dtype(dtype)
    start = stream.reserve(size)
    group = 2 if dtype == np.float64 else 4
    num_groups = -(-size // group)
    group_skip = group * RESERVED_PER_OUTPUT // 4
    result = np.empty((num_groups, group), dtype=np.float64 if group == 2 else np.float32)
    pending = np.arange(num_groups)
    blocks = 3
    while pending.size:
        offsets = (pending.astype(np.uint64)[:, None] * np.uint64(group_skip)
                   + np.arange(blocks, dtype=np.uint64))
        words = philox_blocks(stream.key, start, offsets).reshape(len(pending), -1)
        if group == 2:
            quads = words.reshape(len(pending), -1, 4)
            first, second = _box_muller_double(*(quads[..., i] for i in range(4)))
        else:
            pairs = words.reshape(len(pending), -1, 2)
            first, second = _box_muller_float(pairs[..., 0], pairs[..., 1])
        candidates = np.stack([first, second], axis=-1).reshape(len(pending), -1)
        accepted = np.abs(candidates) < 2.0
        rank = np.cumsum(accepted, axis=1)
        enough = rank[:, -1] >= group
        # the first ``group`` accepted candidates of each complete row, in order
        keep = accepted & (rank <= group) & enough[:, None]
        result[pending[enough]] = candidates[keep].reshape(-1, group)
        pending = pending[~enough]
        blocks *= 2
    return result.reshape(-1)[:size].astype(dtype)
