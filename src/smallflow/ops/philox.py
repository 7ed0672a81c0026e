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
Box-Muller transform calls the C library's ``logf``, ``sinf`` and ``cosf``, which are not
correctly rounded (0.7% of the logarithms and 1.3% of the sines and cosines a Box-Muller
transform takes are the other float32 neighbour of the exact value): they are evaluated here
as glibc 2.28 and later computes them (its tables and polynomials, in double), so float32
normals are TensorFlow's bit for bit on such a system.
"""

import math
import sys
import threading

import numpy as np

from .. import workers

_h = float.fromhex
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
        count = int(offsets)
        out = np.empty((count, 4), dtype=np.uint32)

        def part(first, stop):
            _interleave_into(*_round_state(key, counter + first, stop - first), out[first:stop])

        workers.split_run(part, count, _PART_BLOCKS)
        return out
    offsets = np.asarray(offsets, dtype=np.uint64)
    state = _round_state(key, counter, offsets.size, offsets.reshape(-1))
    out = np.empty((offsets.size, 4), dtype=np.uint32)
    _interleave_into(*state, out)
    return out.reshape(*offsets.shape, 4)


# Large draws are cut into parts of whole multiples of this many blocks, one per thread the
# thread policy grants (workers.split_run): NumPy releases the GIL inside its loops.
_PART_BLOCKS = 4096


def _interleave_into(even, odd, out):
    """The ``[count, 4]`` blocks from the two rows of even and odd words, into ``out``."""
    # one column at a time: NumPy's transposing copies are far slower here
    out[:, 0] = even[0]
    out[:, 1] = odd[0]
    out[:, 2] = even[1]
    out[:, 3] = odd[1]


# -- scratch memory ------------------------------------------------------------------------------
#
# A draw's intermediate arrays live in per-thread buffers kept between draws of the same size.
# Besides sparing the allocations, this spares page faults: the C library hands large freed
# blocks back to the system, so fresh temporaries of a few hundred kilobytes are first touched
# (and zero-filled by the kernel) on every draw, which costs more than the arithmetic here.

_SCRATCH = threading.local()
_SCRATCH_BYTES = 64 << 20  # per thread; least recently used buffers go first


def _scratch(name, shape, dtype):
    """This thread's buffer ``name`` of ``shape`` and ``dtype`` (contents undefined).

    Callers use a buffer only until they return, and never hold two of the same name.
    """
    cache = getattr(_SCRATCH, "buffers", None)
    if cache is None:
        cache = _SCRATCH.buffers = {}
        _SCRATCH.bytes = 0
    slot = (name, shape, dtype)
    buffer = cache.pop(slot, None)
    if buffer is None:
        buffer = np.empty(shape, dtype=dtype)
        _SCRATCH.bytes += buffer.nbytes
        while _SCRATCH.bytes > _SCRATCH_BYTES and cache:
            _SCRATCH.bytes -= cache.pop(next(iter(cache))).nbytes
        if buffer.nbytes > _SCRATCH_BYTES:  # too big to keep
            _SCRATCH.bytes -= buffer.nbytes
            return buffer
    cache[slot] = buffer  # most recently used last
    return buffer


_STEPS = {}


def _steps(count):
    steps = _STEPS.get(count)
    if steps is None:
        if len(_STEPS) > 64:
            _STEPS.clear()
        steps = _STEPS[count] = np.arange(count, dtype=np.uint64)
    return steps


def _halves(words):
    """The low and high uint32 halves of a uint64 array (views)."""
    pairs = words.view(np.uint32).reshape(*words.shape, 2)
    if _LITTLE_ENDIAN:
        return pairs[..., 0], pairs[..., 1]
    return pairs[..., 1], pairs[..., 0]


# -- the rounds ----------------------------------------------------------------------------------

_ROUND_KEYS = {}


def _round_keys(key):
    """The ten (2, 1) uint32 round keys of a 64-bit key (the Weyl sequence), cached."""
    keys = _ROUND_KEYS.get(key)
    if keys is None:
        if len(_ROUND_KEYS) > 256:
            _ROUND_KEYS.clear()
        k0, k1 = key & _MASK32, (key >> 32) & _MASK32
        keys = []
        for _ in range(_ROUNDS):
            keys.append(np.array([[k0], [k1]], dtype=np.uint32))
            k0 = (k0 + _W32A) & _MASK32
            k1 = (k1 + _W32B) & _MASK32
        keys = _ROUND_KEYS[key] = tuple(keys)
    return keys


_MULTIPLIERS = np.array([[_M4X32A], [_M4X32B]], dtype=np.uint64)
_MULTIPLIERS32 = _MULTIPLIERS.astype(np.uint32)
_SHIFT32 = np.uint64(32)


def _round_state(key, counter, count, offsets=None):
    """Philox blocks ``counter + offsets`` (``arange(count)`` by default) as two word rows.

    Returns ``(even, odd)``, each ``[2, count]`` uint32: words 0 and 2 of every block, and
    words 1 and 3. Both are scratch buffers: use them before the next draw of this thread.

    Rows are paired so one array operation serves both multiplications of a round. A round
    multiplies the even words in uint64 for the high halves of the products and again in
    (wrapping) uint32 for their low halves, which become the new odd words; the new even
    words are the crossed-over high halves XOR the old odd words XOR the round key. Every
    operand is contiguous: NumPy's strided loops are several times slower.
    """
    counter &= _MASK128
    low_counter = counter & _MASK64
    high_counter = counter >> 64
    shape = (2, count)
    low = _scratch("low", (count,), np.uint64)
    np.add(_steps(count) if offsets is None else offsets, np.uint64(low_counter), out=low)
    even = _scratch("even", shape, np.uint32)
    odds = (_scratch("odd", shape, np.uint32), _scratch("odd2", shape, np.uint32))
    wide = _scratch("wide", shape, np.uint64)
    high = _scratch("high", shape, np.uint32)
    low_word, high_word = _halves(low)
    even[0] = low_word
    odds[0][0] = high_word
    wraps = (low_counter + count > _MASK64 + 1) if offsets is None else True
    carry = low < np.uint64(low_counter) if wraps else None
    if carry is None or not carry.any():
        even[1] = high_counter & _MASK32
        odds[0][1] = high_counter >> 32
    else:  # the low 64 bits wrapped: carry into the high ones
        upper = carry.astype(np.uint64) + np.uint64(high_counter)
        upper_low, upper_high = _halves(upper)
        even[1] = upper_low
        odds[0][1] = upper_high
    keys = _round_keys(key)
    odd = odds[0]
    for round_index in range(_ROUNDS):
        np.copyto(wide, even)
        np.multiply(wide, _MULTIPLIERS, out=wide)
        np.right_shift(wide, _SHIFT32, out=wide)
        np.copyto(high, wide, casting="unsafe")
        product_low = odds[(round_index + 1) & 1]
        np.multiply(even, _MULTIPLIERS32, out=product_low)
        np.bitwise_xor(high[::-1], odd, out=even)
        np.bitwise_xor(even, keys[round_index], out=even)
        odd = product_low[::-1]
    return even, odd


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


def _unit_float32(words, in_place=False):
    """Words -> float32 in [0, 1): 23 mantissa bits under exponent 0, minus one.

    ``in_place`` reuses the (uint32) words' memory for the result.
    """
    bits = words if in_place else words.astype(np.uint32)
    np.bitwise_and(bits, np.uint32(0x7FFFFF), out=bits)
    np.bitwise_or(bits, np.uint32(0x3F800000), out=bits)
    values = bits.view(np.float32)
    np.subtract(values, np.float32(1.0), out=values)
    return values


def _unit_float64(high_words, low_words):
    """Word pairs -> float64 in [0, 1): 20 + 32 mantissa bits, minus one."""
    shape = np.shape(high_words)
    bits = np.empty(shape or (1,), dtype=np.uint64)
    low_half, high_half = _halves(bits)
    np.bitwise_and(np.reshape(high_words, low_half.shape), np.uint32(0xFFFFF), out=high_half)
    np.bitwise_or(high_half, np.uint32(0x3FF00000), out=high_half)
    low_half[...] = np.reshape(low_words, low_half.shape)
    values = bits.view(np.float64)
    np.subtract(values, 1.0, out=values)
    return values.reshape(shape)


def _unit_float16(words):
    bits = (words.astype(np.uint16) & np.uint16(0x3FF)) | np.uint16(15 << 10)
    return bits.view(np.float16) - np.float16(1.0)


def _box_muller_float(first, second):
    """Pairs of words -> pairs of float32 standard normals (TensorFlow's BoxMullerFloat).

    Returns fresh ``(sine, cosine)`` arrays of the words' shape; the words are not changed.
    """
    shape = np.shape(first)
    radius_words = _scratch("bm_first", shape, np.uint32)
    angle_words = _scratch("bm_second", shape, np.uint32)
    np.copyto(radius_words, first)
    np.copyto(angle_words, second)
    sine = np.empty(shape, dtype=np.float32)
    cosine = np.empty(shape, dtype=np.float32)
    _box_muller_float_into(radius_words, angle_words, sine, cosine)
    return sine, cosine


def _box_muller_float_into(first, second, sine, cosine):
    """Box-Muller on word arrays (overwritten) into float32 ``sine`` and ``cosine``."""
    shape = first.shape
    radius_uniform = _unit_float32(first, in_place=True)
    np.maximum(radius_uniform, np.float32(1.0e-7), out=radius_uniform)
    wide = _scratch("bm_wide", shape, np.float64)
    radius = _scratch("bm_radius", shape, np.float32)
    # logf (the C library's, rounded to float) before the square root, as sqrtf rounds
    _logf_into(radius_uniform, wide)
    np.copyto(radius, wide, casting="same_kind")
    np.copyto(wide, radius)
    np.multiply(wide, -2.0, out=wide)
    np.sqrt(wide, out=wide)
    np.copyto(radius, wide, casting="same_kind")
    # 2 * M_PI is a double, so the angle is formed in double and rounded to float
    angle_uniform = _unit_float32(second, in_place=True)
    np.copyto(wide, angle_uniform)
    np.multiply(wide, 2.0 * np.pi, out=wide)
    np.copyto(angle_uniform, wide, casting="same_kind")
    np.copyto(wide, angle_uniform)
    _sin_cos_into(wide, sine, cosine)
    np.multiply(sine, radius, out=sine)
    np.multiply(cosine, radius, out=cosine)


# The C library's float32 logarithm (glibc 2.28 and later): x = 2^k z with z in
# [0x3f330000, 2 * 0x3f330000) as float bits, cut into 16 intervals, each with a c near its
# centre (1/c and log c tabulated); log x = log1p(z/c - 1) + log c + k ln 2, log1p by a
# cubic. The published table and coefficients, evaluated in double.
_LOGF_TABLE = np.array([
    [_h("0x1.661ec79f8f3bep+0"), _h("-0x1.57bf7808caadep-2")],
    [_h("0x1.571ed4aaf883dp+0"), _h("-0x1.2bef0a7c06ddbp-2")],
    [_h("0x1.49539f0f010bp+0"), _h("-0x1.01eae7f513a67p-2")],
    [_h("0x1.3c995b0b80385p+0"), _h("-0x1.b31d8a68224e9p-3")],
    [_h("0x1.30d190c8864a5p+0"), _h("-0x1.6574f0ac07758p-3")],
    [_h("0x1.25e227b0b8eap+0"), _h("-0x1.1aa2bc79c81p-3")],
    [_h("0x1.1bb4a4a1a343fp+0"), _h("-0x1.a4e76ce8c0e5ep-4")],
    [_h("0x1.12358f08ae5bap+0"), _h("-0x1.1973c5a611cccp-4")],
    [_h("0x1.0953f419900a7p+0"), _h("-0x1.252f438e10c1ep-5")],
    [_h("0x1p+0"), _h("0x0p+0")],
    [_h("0x1.e608cfd9a47acp-1"), _h("0x1.aa5aa5df25984p-5")],
    [_h("0x1.ca4b31f026aap-1"), _h("0x1.c5e53aa362eb4p-4")],
    [_h("0x1.b2036576afce6p-1"), _h("0x1.526e57720db08p-3")],
    [_h("0x1.9c2d163a1aa2dp-1"), _h("0x1.bc2860d22477p-3")],
    [_h("0x1.886e6037841edp-1"), _h("0x1.1058bc8a07ee1p-2")],
    [_h("0x1.767dcf5534862p-1"), _h("0x1.4043057b6ee09p-2")]])
_LOGF_INVERSE_C = np.ascontiguousarray(_LOGF_TABLE[:, 0])
_LOGF_LOG_C = np.ascontiguousarray(_LOGF_TABLE[:, 1])
_LOGF_LN2 = _h("0x1.62e42fefa39efp-1")
_LOGF_POLY = (_h("-0x1.00ea348b88334p-2"), _h("0x1.5575b0be00b6ap-2"),
              _h("-0x1.ffffef20a4123p-2"))
_LOGF_OFFSET = 0x3F330000


def logf(values):
    """The C library's float32 ``logf`` (glibc 2.28+) of positive normal float32 values."""
    values = np.asarray(values, dtype=np.float32)
    out = np.empty(values.shape, dtype=np.float64)
    _logf_into(values, out)
    return out.astype(np.float32)


def _logf_into(values, out):
    """float32 ``values`` (positive, normal) -> their C-library logarithm, in float64 ``out``
    (still to be rounded to float32 by the caller, as the library's last step does)."""
    shape = values.shape
    bits = values.view(np.uint32)
    offset = _scratch("lf_offset", shape, np.uint32)
    index = _scratch("lf_index", shape, np.uint32)
    exponent = _scratch("lf_exponent", shape, np.int32)
    mantissa = _scratch("lf_mantissa", shape, np.uint32)
    reduced = _scratch("lf_reduced", shape, np.float64)
    square = _scratch("lf_square", shape, np.float64)
    spare = _scratch("lf_spare", shape, np.float64)
    np.subtract(bits, np.uint32(_LOGF_OFFSET), out=offset)  # wraps, as unsigned C does
    np.right_shift(offset, 19, out=index)
    np.bitwise_and(index, np.uint32(15), out=index)
    np.right_shift(offset.view(np.int32), 23, out=exponent)  # arithmetic shift
    np.bitwise_and(offset, np.uint32(0xFF800000), out=mantissa)
    np.subtract(bits, mantissa, out=mantissa)
    np.copyto(reduced, mantissa.view(np.float32))
    # r = z / c - 1, and log c + k ln 2
    np.take(_LOGF_INVERSE_C, index, out=square)
    np.multiply(reduced, square, out=reduced)
    np.subtract(reduced, 1.0, out=reduced)
    np.multiply(exponent, _LOGF_LN2, out=out)
    np.take(_LOGF_LOG_C, index, out=square)
    np.add(out, square, out=out)
    np.add(out, reduced, out=out)
    np.multiply(reduced, reduced, out=square)
    # (a0 r^2 + a1 r + a2) r^2 + (log c + k ln 2 + r)
    np.multiply(reduced, _LOGF_POLY[1], out=spare)
    np.add(spare, _LOGF_POLY[2], out=spare)
    np.multiply(square, _LOGF_POLY[0], out=reduced)
    np.add(reduced, spare, out=spare)
    np.multiply(spare, square, out=spare)
    np.add(spare, out, out=out)


# The C library's float32 sine and cosine (glibc 2.28 and later, which TensorFlow's
# Box-Muller transform calls): 2/pi scaled by 2**24 (the quadrant is rounded with integer
# arithmetic) and pi/2, then the minimax coefficients of its two short series,
# cos(r) ~ c0 + c1 r^2 + ... + c4 r^8 and sin(r) ~ r + s1 r^3 + s2 r^5 + s3 r^7.
_HALF_PI_INVERSE = _h("0x1.45F306DC9C883p+23")
_HALF_PI = _h("0x1.921FB54442D18p0")
_COS_TERMS = tuple(_h(c) for c in ("0x1p0", "-0x1.ffffffd0c621cp-2", "0x1.55553e1068f19p-5",
                                     "-0x1.6c087e89a359dp-10", "0x1.99343027bf8c3p-16"))
_QUADRANT_KEEP = np.array([1.0, 0.0, -1.0, 0.0])
_QUADRANT_SWAP = np.array([0.0, 1.0, 0.0, -1.0])
_SIN_TERMS = tuple(_h(s) for s in ("-0x1.555545995a603p-3", "0x1.1107605230bc4p-7",
                                     "-0x1.994eb3774cf24p-13"))


def sin_cos_float32(angle):
    """float32 sine and cosine of float32 angles (|angle| < 120), bit for bit the C library's
    ``sinf``/``cosf`` (glibc 2.28+), evaluated over whole arrays."""
    angle = np.asarray(angle, dtype=np.float32)
    wide = angle.astype(np.float64)
    sine = np.empty(angle.shape, dtype=np.float32)
    cosine = np.empty(angle.shape, dtype=np.float32)
    _sin_cos_into(wide, sine, cosine)
    return sine, cosine


def _sin_cos_into(angle, sine_out, cosine_out):
    """float64 copies of float32 angles -> their float32 sine and cosine, as glibc computes
    them: the angle less q quarter turns (q the nearest integer to angle / (pi/2); the
    library skips the reduction below 0.75, where q is 0 anyway), S and C the sine and cosine
    series of the reduced angle, then sin = (S, C, -S, -C) and cos = (C, -S, -C, S) by q mod
    4; below 2**-12 the sine is the angle and the cosine 1. Not correctly rounded: about 1.3%
    of the angles of a Box-Muller transform get the other float32 neighbour of the exact
    value.
    """
    shape = angle.shape
    quadrant = _scratch("sc_quadrant", shape, np.int32)
    reduced = _scratch("sc_reduced", shape, np.float64)
    square = _scratch("sc_square", shape, np.float64)
    power = _scratch("sc_power", shape, np.float64)
    spare = _scratch("sc_spare", shape, np.float64)
    sine = _scratch("sc_sine", shape, np.float64)
    cosine = _scratch("sc_cosine", shape, np.float64)
    keep = _scratch("sc_keep", shape, np.float64)
    swap = _scratch("sc_swap", shape, np.float64)
    # quadrant: round(angle * 2/pi) by truncating a 2**24-scaled product
    np.multiply(angle, _HALF_PI_INVERSE, out=spare)
    np.trunc(spare, out=spare)
    np.copyto(quadrant, spare, casting="unsafe")
    np.add(quadrant, np.int32(0x800000), out=quadrant)
    np.right_shift(quadrant, 24, out=quadrant)
    np.multiply(quadrant, _HALF_PI, out=reduced)
    np.subtract(angle, reduced, out=reduced)
    np.multiply(reduced, reduced, out=square)
    # sine series: r + r^3 s1 + r^7 (s2 + r^2 s3)
    np.multiply(square, _SIN_TERMS[2], out=spare)
    np.add(spare, _SIN_TERMS[1], out=spare)
    np.multiply(reduced, square, out=power)  # r^3
    np.multiply(power, _SIN_TERMS[0], out=sine)
    np.add(sine, reduced, out=sine)
    np.multiply(power, square, out=power)  # r^7
    np.multiply(power, spare, out=power)
    np.add(sine, power, out=sine)
    # cosine series: (c0 + r^2 c1 + r^4 c2) + r^6 (c3 + r^2 c4)
    np.multiply(square, _COS_TERMS[4], out=spare)
    np.add(spare, _COS_TERMS[3], out=spare)
    np.multiply(square, _COS_TERMS[1], out=cosine)
    np.add(cosine, _COS_TERMS[0], out=cosine)
    np.multiply(square, square, out=power)  # r^4
    np.multiply(power, _COS_TERMS[2], out=reduced)
    np.add(cosine, reduced, out=cosine)
    np.multiply(power, square, out=power)  # r^6
    np.multiply(power, spare, out=power)
    np.add(cosine, power, out=cosine)
    # by quadrant: sin = S keep + C swap, cos = C keep - S swap, with (keep, swap) one of
    # (1, 0), (0, 1), (-1, 0), (0, -1): products by 0 and +-1 and sums with 0 are exact
    np.bitwise_and(quadrant, 3, out=quadrant)
    np.take(_QUADRANT_KEEP, quadrant, out=keep)
    np.take(_QUADRANT_SWAP, quadrant, out=swap)
    np.multiply(sine, keep, out=spare)
    np.multiply(cosine, swap, out=power)
    np.add(spare, power, out=spare)
    np.copyto(sine_out, spare, casting="same_kind")
    np.multiply(cosine, keep, out=spare)
    np.multiply(sine, swap, out=power)
    np.subtract(spare, power, out=spare)
    np.copyto(cosine_out, spare, casting="same_kind")
    np.abs(angle, out=spare)
    tiny = np.nonzero(spare < 2.0**-12)
    if tiny[0].size:
        sine_out[tiny] = angle[tiny]
        cosine_out[tiny] = 1.0


# The C library's double log, sin and cos, as TensorFlow's double Box-Muller calls them
# (Python's math module calls them too): NumPy's own float64 functions differ in the last
# bit now and then. About a seventh of a microsecond a value.
_LIBM_LOG = np.frompyfunc(math.log, 1, 1)
_LIBM_SIN = np.frompyfunc(math.sin, 1, 1)
_LIBM_COS = np.frompyfunc(math.cos, 1, 1)


def _libm(function, values):
    if not np.size(values):
        return np.asarray(values, dtype=np.float64)
    return np.asarray(function(values), dtype=np.float64)


def _box_muller_double(w0, w1, w2, w3):
    radius_uniform = np.maximum(_unit_float64(w0, w1), 1.0e-7)
    angle = 2.0 * np.pi * _unit_float64(w2, w3)
    radius = np.sqrt(-2.0 * _libm(_LIBM_LOG, radius_uniform))
    return _libm(_LIBM_SIN, angle) * radius, _libm(_LIBM_COS, angle) * radius


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
    return _unit_float32(words, in_place=True).astype(dtype, copy=False)


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
    count = -(-size // 4)
    out = np.empty((count, 4), dtype=np.float32)

    def part(first_block, stop):
        # words 0 and 2 of each block start its two pairs, words 1 and 3 end them
        first, second = _round_state(stream.key, start + first_block, stop - first_block)
        sine = _scratch("normal_sine", first.shape, np.float32)
        cosine = _scratch("normal_cosine", first.shape, np.float32)
        _box_muller_float_into(first, second, sine, cosine)
        _interleave_into(sine, cosine, out[first_block:stop])

    workers.split_run(part, count, _PART_BLOCKS)
    return out.reshape(-1)[:size].astype(dtype, copy=False)


def truncated_normal(stream, size, dtype):
    """``size`` standard normal values with |x| < 2, TensorFlow's rejection order.

    Outputs come in groups (four for float16/32, two for float64); group ``g`` starts its
    own sub-stream ``g * 256 * group / 4`` blocks past the run's counter and keeps the
    first accepted candidates, in the order Box-Muller produces them. Every group first
    tries one block (enough for about 83 in 100 float32 groups); the others are redrawn
    with more blocks from the start of their sub-streams.
    """
    dtype = np.dtype(dtype)
    start = stream.reserve(size)
    group = 2 if dtype == np.float64 else 4
    num_groups = -(-size // group)
    group_skip = group * RESERVED_PER_OUTPUT // 4
    if group == 4:
        # one block per group: four candidates, all accepted for most groups, whose rows
        # of the first try are then the result as they stand
        offsets = _steps(num_groups) * np.uint64(group_skip)
        first, second = _round_state(stream.key, start, num_groups, offsets)
        sine = _scratch("tn_sine", first.shape, np.float32)
        cosine = _scratch("tn_cosine", first.shape, np.float32)
        _box_muller_float_into(first, second, sine, cosine)
        result = np.empty((num_groups, 4), dtype=np.float32)
        _interleave_into(sine, cosine, result)
        outside = _scratch("tn_outside", result.shape, np.bool_)
        np.greater_equal(np.abs(result), np.float32(2.0), out=outside)
        pending = np.flatnonzero(outside.any(axis=1))
        blocks = 2
    else:
        result = np.empty((num_groups, group), dtype=np.float64)
        pending = np.arange(num_groups)
        blocks = 1
    while pending.size:
        offsets = (pending.astype(np.uint64)[:, None] * np.uint64(group_skip)
                   + _steps(blocks))
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
    return result.reshape(-1)[:size].astype(dtype, copy=False)
