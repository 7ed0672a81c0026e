"""String hashing ops with TensorFlow's exact values: ``to_hash_bucket_fast`` (FarmHash's
Fingerprint64), ``to_hash_bucket_strong`` (SipHash-2-4 with a key), ``to_hash_bucket``
(TensorFlow's legacy 64-bit Murmur-style hash), and ``tf.fingerprint``.

The hashes are written here from their published definitions in plain Python integers
masked to 64 bits: a feature column hashed by TensorFlow and by smallflow lands in the same
bucket, which is the point of matching them (a model trained in one runs in the other).
"""

import struct

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor
from ..op_signature import ALL, signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape
from .common import composite_dispatch, make_op, same_shape

_MASK = (1 << 64) - 1
_K0 = 0xC3A5C85C97CB3127
_K1 = 0xB492B66FBE98F273
_K2 = 0x9AE16A3B2F90404F


def _rotate(value, shift):
    """64-bit rotate right."""
    if shift == 0:
        return value
    return ((value >> shift) | (value << (64 - shift))) & _MASK


def _fetch64(data, offset):
    return int.from_bytes(data[offset : offset + 8], "little")


def _fetch32(data, offset):
    return int.from_bytes(data[offset : offset + 4], "little")


def _shift_mix(value):
    return value ^ (value >> 47)


def _hash_len16(u, v, mul):
    a = ((u ^ v) * mul) & _MASK
    a ^= a >> 47
    b = ((v ^ a) * mul) & _MASK
    b ^= b >> 47
    return (b * mul) & _MASK


def _hash_len0to16(data):
    length = len(data)
    if length >= 8:
        mul = _K2 + length * 2
        a = (_fetch64(data, 0) + _K2) & _MASK
        b = _fetch64(data, length - 8)
        c = (_rotate(b, 37) * mul + a) & _MASK
        d = ((_rotate(a, 25) + b) * mul) & _MASK
        return _hash_len16(c, d, mul)
    if length >= 4:
        mul = _K2 + length * 2
        a = _fetch32(data, 0)
        return _hash_len16((length + (a << 3)) & _MASK, _fetch32(data, length - 4), mul)
    if length > 0:
        a, b, c = data[0], data[length >> 1], data[length - 1]
        y = (a + (b << 8)) & 0xFFFFFFFF
        z = (length + (c << 2)) & 0xFFFFFFFF
        return (_shift_mix(((y * _K2) ^ (z * _K0)) & _MASK) * _K2) & _MASK
    return _K2


def _hash_len17to32(data):
    length = len(data)
    mul = _K2 + length * 2
    a = (_fetch64(data, 0) * _K1) & _MASK
    b = _fetch64(data, 8)
    c = (_fetch64(data, length - 8) * mul) & _MASK
    d = (_fetch64(data, length - 16) * _K2) & _MASK
    return _hash_len16((_rotate((a + b) & _MASK, 43) + _rotate(c, 30) + d) & _MASK,
                       (a + _rotate((b + _K2) & _MASK, 18) + c) & _MASK, mul)


def _hash_len33to64(data):
    length = len(data)
    mul = _K2 + length * 2
    a = (_fetch64(data, 0) * _K2) & _MASK
    b = _fetch64(data, 8)
    c = (_fetch64(data, length - 8) * mul) & _MASK
    d = (_fetch64(data, length - 16) * _K2) & _MASK
    y = (_rotate((a + b) & _MASK, 43) + _rotate(c, 30) + d) & _MASK
    z = _hash_len16(y, (a + _rotate((b + _K2) & _MASK, 18) + c) & _MASK, mul)
    e = (_fetch64(data, 16) * mul) & _MASK
    f = _fetch64(data, 24)
    g = ((y + _fetch64(data, length - 32)) * mul) & _MASK
    h = ((z + _fetch64(data, length - 24)) * mul) & _MASK
    return _hash_len16((_rotate((e + f) & _MASK, 43) + _rotate(g, 30) + h) & _MASK,
                       (e + _rotate((f + a) & _MASK, 18) + g) & _MASK, mul)


def _weak_hash_len32_with_seeds(data, offset, a, b):
    w = _fetch64(data, offset)
    x = _fetch64(data, offset + 8)
    y = _fetch64(data, offset + 16)
    z = _fetch64(data, offset + 24)
    a = (a + w) & _MASK
    b = _rotate((b + a + z) & _MASK, 21)
    c = a
    a = (a + x + y) & _MASK
    b = (b + _rotate(a, 44)) & _MASK
    return (a + z) & _MASK, (b + c) & _MASK


def fingerprint64(data):
    """FarmHash's Fingerprint64 of ``data`` (bytes): TensorFlow's ``Fingerprint64``."""
    length = len(data)
    if length <= 16:
        return _hash_len0to16(data)
    if length <= 32:
        return _hash_len17to32(data)
    if length <= 64:
        return _hash_len33to64(data)
    seed = 81
    x = seed
    y = (seed * _K1 + 113) & _MASK
    z = (_shift_mix((y * _K2 + 113) & _MASK) * _K2) & _MASK
    v = (0, 0)
    w = (0, 0)
    x = (x * _K2 + _fetch64(data, 0)) & _MASK
    end = ((length - 1) // 64) * 64
    last64 = end + ((length - 1) & 63) - 63
    offset = 0
    while True:
        x = (_rotate((x + y + v[0] + _fetch64(data, offset + 8)) & _MASK, 37) * _K1) & _MASK
        y = (_rotate((y + v[1] + _fetch64(data, offset + 48)) & _MASK, 42) * _K1) & _MASK
        x ^= w[1]
        y = (y + v[0] + _fetch64(data, offset + 40)) & _MASK
        z = (_rotate((z + w[0]) & _MASK, 33) * _K1) & _MASK
        v = _weak_hash_len32_with_seeds(data, offset, (v[1] * _K1) & _MASK, (x + w[0]) & _MASK)
        w = _weak_hash_len32_with_seeds(data, offset + 32, (z + w[1]) & _MASK,
                                        (y + _fetch64(data, offset + 16)) & _MASK)
        z, x = x, z
        offset += 64
        if offset == end:
            break
    mul = _K1 + ((z & 0xFF) << 1)
    offset = last64
    w = ((w[0] + ((length - 1) & 63)) & _MASK, w[1])
    v = ((v[0] + w[0]) & _MASK, v[1])
    w = ((w[0] + v[0]) & _MASK, w[1])
    x = (_rotate((x + y + v[0] + _fetch64(data, offset + 8)) & _MASK, 37) * mul) & _MASK
    y = (_rotate((y + v[1] + _fetch64(data, offset + 48)) & _MASK, 42) * mul) & _MASK
    x ^= (w[1] * 9) & _MASK
    y = (y + v[0] * 9 + _fetch64(data, offset + 40)) & _MASK
    z = (_rotate((z + w[0]) & _MASK, 33) * mul) & _MASK
    v = _weak_hash_len32_with_seeds(data, offset, (v[1] * mul) & _MASK, (x + w[0]) & _MASK)
    w = _weak_hash_len32_with_seeds(data, offset + 32, (z + w[1]) & _MASK,
                                    (y + _fetch64(data, offset + 16)) & _MASK)
    z, x = x, z
    return _hash_len16((_hash_len16(v[0], w[0], mul) + _shift_mix(y) * _K0 + z) & _MASK,
                       (_hash_len16(v[1], w[1], mul) + x) & _MASK, mul)


def _sip_round(v0, v1, v2, v3):
    v0 = (v0 + v1) & _MASK
    v1 = _rotate(v1, 64 - 13) ^ v0
    v0 = _rotate(v0, 64 - 32)
    v2 = (v2 + v3) & _MASK
    v3 = _rotate(v3, 64 - 16) ^ v2
    v0 = (v0 + v3) & _MASK
    v3 = _rotate(v3, 64 - 21) ^ v0
    v2 = (v2 + v1) & _MASK
    v1 = _rotate(v1, 64 - 17) ^ v2
    v2 = _rotate(v2, 64 - 32)
    return v0, v1, v2, v3


def siphash24(key0, key1, data):
    """SipHash-2-4 of ``data`` with the 128-bit key ``(key0, key1)``."""
    v0 = key0 ^ 0x736F6D6570736575
    v1 = key1 ^ 0x646F72616E646F6D
    v2 = key0 ^ 0x6C7967656E657261
    v3 = key1 ^ 0x7465646279746573
    length = len(data)
    tail = length & ~7
    for offset in range(0, tail, 8):
        m = _fetch64(data, offset)
        v3 ^= m
        v0, v1, v2, v3 = _sip_round(*_sip_round(v0, v1, v2, v3))
        v0 ^= m
    last = ((length & 0xFF) << 56) | int.from_bytes(data[tail:], "little")
    v3 ^= last
    v0, v1, v2, v3 = _sip_round(*_sip_round(v0, v1, v2, v3))
    v0 ^= last
    v2 ^= 0xFF
    for _ in range(4):
        v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3


_MURMUR_M = 0xC6A4A7935BD1E995
_LEGACY_SEED = 0xDECAFCAFFE


def legacy_hash64(data, seed=_LEGACY_SEED):
    """TensorFlow's own ``Hash64`` (a MurmurHash64A variant), used by ``to_hash_bucket``."""
    length = len(data)
    h = (seed ^ (length * _MURMUR_M)) & _MASK
    whole = length & ~7
    for offset in range(0, whole, 8):
        k = (_fetch64(data, offset) * _MURMUR_M) & _MASK
        k ^= k >> 47
        k = (k * _MURMUR_M) & _MASK
        h ^= k
        h = (h * _MURMUR_M) & _MASK
    rest = data[whole:]
    if rest:
        h ^= int.from_bytes(rest, "little")
        h = (h * _MURMUR_M) & _MASK
    h ^= h >> 47
    h = (h * _MURMUR_M) & _MASK
    h ^= h >> 47
    return h


# -- the bucket ops ------------------------------------------------------------------------


def _bucket_kernel(hash_of):
    def factory(attrs):
        buckets = attrs["num_buckets"]
        key = attrs.get("key")

        def kernel(x):
            out = np.empty(x.shape, dtype=np.int64)
            flat = out.reshape(-1)
            for index, item in enumerate(x.flat):
                value = hash_of(item) if key is None else hash_of(key[0], key[1], item)
                flat[index] = value % buckets
            return out

        return kernel

    return factory


_BUCKET_SIGNATURE = signature("input: string -> output: int64")
register_op("StringToHashBucketFast", _bucket_kernel(fingerprint64), same_shape,
            signature=_BUCKET_SIGNATURE)
register_op("StringToHashBucketStrong", _bucket_kernel(siphash24), same_shape,
            signature=_BUCKET_SIGNATURE)
register_op("StringToHashBucket", _bucket_kernel(legacy_hash64), same_shape,
            signature=signature("string_tensor: string -> output: int64"))
for _op in ("StringToHashBucketFast", "StringToHashBucketStrong", "StringToHashBucket"):
    NotDifferentiable(_op)


def _bucket_op(op_type, input, num_buckets, name, **attrs):  # noqa: A002
    dispatch = composite_dispatch(input)
    if dispatch is not None:  # a RaggedTensor of strings: its flat values are hashed
        return dispatch("unary", lambda v: _bucket_op(op_type, v, num_buckets, name, **attrs),
                        input)
    x = convert_to_tensor(input, name="input")
    if x.dtype != dtypes.string:
        raise TypeError(f"Input 'input' of '{op_type}' Op has type {x.dtype.name} that does "
                        f"not match expected type of string.")
    if isinstance(num_buckets, bool) or not isinstance(num_buckets, (int, np.integer)):
        raise TypeError(f"Expected int for argument 'num_buckets' not {num_buckets!r}.")
    if num_buckets < 1:
        raise ValueError(f"Attr 'num_buckets' of '{op_type}' Op passed {num_buckets} less "
                         f"than minimum 1.")
    attrs["num_buckets"] = int(num_buckets)
    return make_op(op_type, [x], [dtypes.int64], attrs, name).outputs[0]


def string_to_hash_bucket_fast(input, num_buckets, name=None):  # noqa: A002
    """Each string's FarmHash Fingerprint64 modulo ``num_buckets`` (int64), as TensorFlow."""
    return _bucket_op("StringToHashBucketFast", input, num_buckets, name)


def string_to_hash_bucket_strong(input, num_buckets, key, name=None):  # noqa: A002
    """Each string's SipHash-2-4 keyed by ``key`` (two ints) modulo ``num_buckets``."""
    key = list(key)
    if len(key) != 2 or not all(isinstance(k, (int, np.integer)) for k in key):
        raise InvalidArgumentError(None, None, "Key must have 2 elements")
    key = [int(k) & _MASK for k in key]
    return _bucket_op("StringToHashBucketStrong", input, num_buckets, name, key=key)


def string_to_hash_bucket(string_tensor, num_buckets, name=None, input=None):  # noqa: A002
    """TensorFlow 1.x's legacy hashing (its own Hash64) modulo ``num_buckets``; prefer
    ``string_to_hash_bucket_fast``, as TensorFlow's documentation says."""
    if input is not None:
        string_tensor = input
    return _bucket_op("StringToHashBucket", string_tensor, num_buckets, name)


# -- tf.fingerprint --------------------------------------------------------------------------


def _fingerprint_kernel(attrs):
    def fingerprint(data, method):
        method = bytes(np.asarray(method, dtype=object).item())
        if method != b"farmhash64":
            raise InvalidArgumentError(None, None, f"Unsupported fingerprint method: "
                                                   f"{method.decode('utf-8', 'replace')}")
        if data.ndim < 1:
            raise InvalidArgumentError(None, None, "`data` should have at least one "
                                                   "dimension.")
        rows = data.reshape(data.shape[0], -1)
        out = np.empty((data.shape[0], 8), dtype=np.uint8)
        for index, row in enumerate(rows):
            if data.dtype == object:
                # Strings: each string fingerprinted, then the row's fingerprints (8 bytes
                # each, little-endian) fingerprinted again unless the row holds one string.
                prints = b"".join(struct.pack("<Q", fingerprint64(bytes(s))) for s in row)
                value = (int.from_bytes(prints, "little") if len(row) == 1
                         else fingerprint64(prints))
            else:
                value = fingerprint64(np.ascontiguousarray(row).astype(
                    row.dtype.newbyteorder("<")).tobytes())
            out[index] = np.frombuffer(struct.pack("<Q", value), dtype=np.uint8)
        return out

    return fingerprint


def _fingerprint_shape(op):
    shape = op.inputs[0].shape
    first = shape.as_list()[0] if shape.ndims else None
    return [TensorShape([first, 8])]


register_op("Fingerprint", _fingerprint_kernel, _fingerprint_shape,
            signature=signature("data: T, method: string -> fingerprint: uint8", T=ALL))
NotDifferentiable("Fingerprint")


def fingerprint(data, method="farmhash64", name=None):
    """A uint8 ``[batch, 8]`` fingerprint of each row (first dimension) of ``data``: the
    little-endian bytes of FarmHash's Fingerprint64, as TensorFlow computes it."""
    x = convert_to_tensor(data, name="data")
    if x.shape.ndims == 0:
        raise ValueError("Shape must be at least rank 1 but is rank 0 for 'Fingerprint'")
    method_tensor = convert_to_tensor(method, dtype=dtypes.string, name="method")
    return make_op("Fingerprint", [x, method_tensor], [dtypes.uint8], None, name).outputs[0]
