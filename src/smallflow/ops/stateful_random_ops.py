"""The kernels of ``tf.random.experimental.Generator``: ``RngReadAndSkip`` and the stateless
samplers that take a Philox key and counter (``StatelessRandomUniformV2`` and friends).

A Generator keeps its Philox state in an int64 variable ``[counter low, counter high,
key]``. Each draw reads the state and moves the 128-bit counter 256 blocks per output value
(``RngReadAndSkip``, a writer of the variable like ``AssignAdd``), then samples from the
state it read, with the distributions of the other Philox ops: the key and counter are
used as they are, where the ``[2]``-seed stateless ops first scramble their seed.
"""

import numpy as np

from .. import dtypes
from ..errors import FailedPreconditionError, InvalidArgumentError
from ..op_signature import FLOATS, INDEX, signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape
from . import philox
from .stateless_random_ops import _shape_of, _size, _static_shape

__all__ = ["PHILOX", "STATE_SIZE"]

PHILOX = 1  # TensorFlow's RNG_ALG_PHILOX
STATE_SIZE = 3
_MASK64 = (1 << 64) - 1
_MASK128 = (1 << 128) - 1


def _check_alg(alg):
    if int(alg) != PHILOX:
        raise InvalidArgumentError(None, None, f"Unsupported algorithm id: {int(alg)} "
                                               f"(smallflow has Philox, id {PHILOX})")


def _counter_of(state):
    low, high = (int(v) & _MASK64 for v in np.asarray(state).reshape(-1)[:2])
    return low | high << 64


def _skip_kernel(attrs, state):
    name = attrs["var_name"]
    store = state.variables

    def read_and_skip(alg, delta):
        _check_alg(alg)
        try:
            current = store[name]
        except KeyError:
            raise FailedPreconditionError(
                None, None, f"Attempting to use uninitialized value {name}") from None
        old = np.array(current, dtype=np.int64, copy=True)
        counter = (_counter_of(old) + 256 * int(delta)) & _MASK128
        new = old.copy()
        new[0] = np.uint64(counter & _MASK64).view(np.int64)
        new[1] = np.uint64(counter >> 64).view(np.int64)
        store[name] = new
        return old

    return read_and_skip


register_op("RngReadAndSkip", _skip_kernel, lambda op: [TensorShape([STATE_SIZE])],
            stateful=True,
            signature=signature("resource: T, alg: int32, delta: uint64 -> value: int64",
                                T=(dtypes.int64,)))
NotDifferentiable("RngReadAndSkip")


def _stream(key, counter):
    """A Philox stream starting at ``counter`` (a [2] int64/uint64 array) under ``key``."""
    stream = philox.PhiloxStream(int(np.asarray(key).reshape(-1)[0]) & _MASK64, 0)
    stream.counter = _counter_of(counter)
    return stream


def _float_kernel(sample):
    def factory(attrs):
        dtype = attrs["dtype"].as_numpy_dtype

        def draw(shape, key, counter, alg):
            _check_alg(alg)
            dims = _shape_of(shape)
            return sample(_stream(key, counter), _size(dims), dtype).reshape(dims)

        return draw

    return factory


def _uniform_int_kernel(attrs):
    def draw(shape, key, counter, alg, minval, maxval):
        _check_alg(alg)
        if minval >= maxval:
            raise InvalidArgumentError(None, None, f"Need minval < maxval: {minval} >= "
                                                   f"{maxval}")
        dims = _shape_of(shape)
        return philox.uniform_int(_stream(key, counter), _size(dims), minval, maxval,
                                  minval.dtype).reshape(dims)

    return draw


def _full_int_kernel(attrs):
    dtype = attrs["dtype"].as_numpy_dtype

    def draw(shape, key, counter, alg):
        _check_alg(alg)
        dims = _shape_of(shape)
        size = _size(dims)
        wide = np.dtype(dtype).itemsize == 8
        stream = _stream(key, counter)
        start = stream.reserve(size)
        words = philox.philox_blocks(stream.key, start, -(-size * (2 if wide else 1) // 4))
        words = words.reshape(-1)
        if wide:
            # two words a value, the second the high half
            values = words[1 : 2 * size : 2].astype(np.uint64) << np.uint64(32)
            values |= words[0 : 2 * size : 2].astype(np.uint64)
        else:
            values = words[:size].astype(np.uint32)
        return values.view(dtype).reshape(dims)

    return draw


_KEYED = "shape: Tshape, key: uint64, counter: uint64, alg: int32"
for _op_type, _sampler in (("StatelessRandomUniformV2", philox.uniform),
                           ("StatelessRandomNormalV2", philox.normal),
                           ("StatelessTruncatedNormalV2", philox.truncated_normal)):
    register_op(_op_type, _float_kernel(_sampler), _static_shape,
                signature=signature(f"{_KEYED} -> output: dtype", Tshape=INDEX,
                                    dtype=FLOATS))
    NotDifferentiable(_op_type)
register_op("StatelessRandomUniformIntV2", _uniform_int_kernel, _static_shape,
            signature=signature(f"{_KEYED}, minval: dtype, maxval: dtype -> output: dtype",
                                Tshape=INDEX, dtype=INDEX))
register_op("StatelessRandomUniformFullIntV2", _full_int_kernel, _static_shape,
            signature=signature(f"{_KEYED} -> output: dtype", Tshape=INDEX,
                                dtype=(dtypes.int32, dtypes.int64, dtypes.uint32,
                                       dtypes.uint64)))
NotDifferentiable("StatelessRandomUniformIntV2")
NotDifferentiable("StatelessRandomUniformFullIntV2")
