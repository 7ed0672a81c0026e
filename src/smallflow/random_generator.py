"""``tf.random.experimental``: ``Generator``, ``create_rng_state``, the global generator.

A Generator holds its Philox state in a variable (``random_generator/StateVar``, int64
``[counter low, counter high, key]``); each draw reads the state and moves the counter on
(``RngReadAndSkip``: 256 blocks per value drawn, as TensorFlow 2's kernels, which the oracle
checks), then samples from the state read, so a run's draws follow one another like
TensorFlow's. ``from_seed(s)`` starts at counter ``s``, key 0, as TensorFlow's.
"""

import numpy as np

from . import dtypes
from .graph import convert_to_tensor, get_default_graph, name_scope
from .ops import array_ops, math_ops
from .ops.common import make_op
from .ops.misc_extra_ops import bitcast
from .ops.stateful_random_ops import PHILOX, STATE_SIZE
from .variables import Variable

__all__ = ["Generator", "create_rng_state", "get_global_generator", "set_global_generator"]

_MASK64 = (1 << 64) - 1


def _algorithm(alg):
    if alg is None:
        return PHILOX
    if isinstance(alg, str):
        if alg.lower() != "philox":
            raise ValueError(f"Unsupported algorithm {alg!r}: smallflow has 'philox'")
        return PHILOX
    alg = int(getattr(alg, "value", alg))
    if alg != PHILOX:
        raise ValueError(f"Unsupported algorithm id: {alg} (smallflow has Philox, id {PHILOX})")
    return alg


def _signed64(value):
    value &= _MASK64
    return value - (1 << 64) if value >= 1 << 63 else value


def _flat_ints(values):
    """Python integers of a list (kept exact: NumPy would turn 2**64 - 1 into a float) or of
    an array."""
    if isinstance(values, list | tuple):
        return [int(v) for item in values for v in _flat_ints(item)] if values else []
    return [int(v) for v in np.asarray(values).reshape(-1).tolist()]


def _state_words(seed):
    """A seed as state words: an integer cut into 64-bit words from the lowest; a list
    taken as words, padded with zeros in front to the state's size."""
    if isinstance(seed, int | np.integer):
        seed = int(seed)
        return [_signed64(seed >> (64 * i)) for i in range(STATE_SIZE)]
    words = [_signed64(v) for v in _flat_ints(seed)][:STATE_SIZE]
    return [0] * (STATE_SIZE - len(words)) + words


def create_rng_state(seed, alg):
    """The RNG state (an int64 ``[3]`` tensor for Philox) of an integer or a vector seed."""
    _algorithm(alg)
    return convert_to_tensor(np.array(_state_words(seed), dtype=np.int64), dtype=dtypes.int64)


class Generator:
    """Random numbers from a Philox state kept in a variable; every draw moves it on."""

    def __init__(self, copy_from=None, state=None, alg=None):
        if copy_from is not None:
            if state is not None or alg is not None:
                raise ValueError("When `copy_from` is not None, `state` and `alg` must be None")
            self._alg = copy_from.algorithm
            initial = copy_from.state.read_value()
        else:
            self._alg = _algorithm(alg)
            if state is None:
                raise ValueError("`state` must be given when `copy_from` is None")
            initial = convert_to_tensor(state, dtype=dtypes.int64)
            if initial.shape.ndims is not None and initial.shape.as_list() != [STATE_SIZE]:
                raise ValueError(f"The RNG state must have shape [{STATE_SIZE}] for Philox, "
                                 f"got {initial.shape}")
        with name_scope("random_generator"):
            self._state_var = Variable(initial, dtype=dtypes.int64, trainable=False,
                                       name="StateVar")

    # -- constructors ---------------------------------------------------------------------
    @classmethod
    def from_state(cls, state, alg):
        return cls(state=state, alg=alg)

    @classmethod
    def from_seed(cls, seed, alg=None):
        """A generator whose state is ``create_rng_state(seed, alg)``."""
        alg = _algorithm(alg)
        return cls(state=np.array(_state_words(seed), dtype=np.int64), alg=alg)

    @classmethod
    def from_non_deterministic_state(cls, alg=None):
        """A generator with a state from the operating system's entropy."""
        words = np.random.SeedSequence().generate_state(STATE_SIZE, np.uint64)
        return cls(state=words.view(np.int64), alg=alg)

    @classmethod
    def from_key_counter(cls, key, counter, alg):
        """A generator at ``counter`` (two words) under ``key``."""
        counter = [_signed64(v) for v in _flat_ints(counter)]
        if len(counter) != STATE_SIZE - 1:
            raise ValueError(f"counter must have {STATE_SIZE - 1} elements for Philox")
        return cls(state=np.array([*counter, _signed64(int(key))], dtype=np.int64), alg=alg)

    # -- state ----------------------------------------------------------------------------
    @property
    def state(self):
        return self._state_var

    @property
    def algorithm(self):
        return self._alg

    @property
    def key(self):
        return self._state_var[-1]

    def reset(self, state):
        return self._state_var.assign(convert_to_tensor(state, dtype=dtypes.int64))

    def reset_from_seed(self, seed):
        return self.reset(np.array(_state_words(seed), dtype=np.int64))

    def reset_from_key_counter(self, key, counter):
        counter = [_signed64(v) for v in _flat_ints(counter)]
        return self.reset(np.array([*counter, _signed64(int(key))], dtype=np.int64))

    def skip(self, delta):
        """Move the state on as ``delta`` values would; the state before, as a tensor."""
        delta = math_ops.cast(convert_to_tensor(delta), dtypes.uint64)
        alg = array_ops.constant(self._alg, dtype=dtypes.int32)
        var = self._state_var
        attrs = {"var_name": var.op.attrs["var_name"]}
        return make_op("RngReadAndSkip", [var.op.outputs[0], alg, delta], [dtypes.int64], attrs,
                       None, "RngReadAndSkip").outputs[0]

    def _key_counter(self, shape):
        state = self.skip(math_ops.reduce_prod(shape))
        counter = bitcast(state[:2], dtypes.uint64)
        key = bitcast(state[2:3], dtypes.uint64)
        return key, counter

    def _sample(self, op_type, shape, dtype, extra=(), name=None):
        shape = _shape_tensor(shape)
        key, counter = self._key_counter(shape)
        alg = array_ops.constant(self._alg, dtype=dtypes.int32)
        return make_op(op_type, [shape, key, counter, alg, *extra], [dtype], {"dtype": dtype},
                       name, op_type).outputs[0]

    # -- distributions --------------------------------------------------------------------
    def normal(self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None):
        dtype = dtypes.as_dtype(dtype)
        with name_scope(name or "stateful_normal"):
            values = self._sample("StatelessRandomNormalV2", shape, dtype)
            mean = convert_to_tensor(mean, dtype=dtype, name="mean")
            stddev = convert_to_tensor(stddev, dtype=dtype, name="stddev")
            return math_ops.add(values * stddev, mean)

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None):
        dtype = dtypes.as_dtype(dtype)
        with name_scope(name or "truncated_normal"):
            values = self._sample("StatelessTruncatedNormalV2", shape, dtype)
            mean = convert_to_tensor(mean, dtype=dtype, name="mean")
            stddev = convert_to_tensor(stddev, dtype=dtype, name="stddev")
            return math_ops.add(values * stddev, mean)

    def uniform(self, shape, minval=0, maxval=None, dtype=dtypes.float32, name=None):
        """Uniform floats in ``[minval, maxval)`` (``maxval`` 1 by default), or integers
        (``maxval`` required unless both bounds are None: then the full range)."""
        dtype = dtypes.as_dtype(dtype)
        if dtype.is_integer and minval is None and maxval is None:
            return self.uniform_full_int(shape, dtype, name)
        if dtype.is_integer and maxval is None:
            raise ValueError(f"Must specify maxval for integer dtype {dtype.name}")
        with name_scope(name or "stateful_uniform"):
            low = convert_to_tensor(minval, dtype=dtype, name="min")
            high = convert_to_tensor(1 if maxval is None else maxval, dtype=dtype, name="max")
            if dtype.is_integer:
                return self._sample("StatelessRandomUniformIntV2", shape, dtype, (low, high))
            values = self._sample("StatelessRandomUniformV2", shape, dtype)
            return math_ops.add(values * (high - low), low)

    def uniform_full_int(self, shape, dtype=dtypes.uint64, name=None):
        """Integers over the whole range of ``dtype``."""
        dtype = dtypes.as_dtype(dtype)
        with name_scope(name or "stateful_uniform_full_int"):
            return self._sample("StatelessRandomUniformFullIntV2", shape, dtype)

    def make_seeds(self, count=1):
        """``[2, count]`` int64 seeds for the stateless ops (the second row zeros)."""
        keys = self.uniform_full_int([count], dtypes.int64)
        return array_ops.stack([keys, array_ops.zeros_like(keys)])

    def split(self, count=1):
        """``count`` new generators, each keyed by a seed drawn from this one."""
        keys = self.uniform_full_int([count], dtypes.int64)
        return [Generator(state=array_ops.stack([array_ops.zeros([], dtypes.int64),
                                                  array_ops.zeros([], dtypes.int64),
                                                  keys[i]]), alg=self._alg)
                for i in range(count)]


def _shape_tensor(shape):
    if hasattr(shape, "dtype") and hasattr(shape, "op"):
        return shape
    dims = np.asarray(list(shape) if not np.isscalar(shape) else [shape], dtype=np.int64)
    return array_ops.constant(dims.astype(np.int32) if dims.size else dims, name="shape")


_GLOBAL = {}


def get_global_generator():
    """The graph's global generator (made from OS entropy on first use)."""
    graph = get_default_graph()
    generator = _GLOBAL.get(id(graph))
    if generator is None:
        generator = _GLOBAL[id(graph)] = Generator.from_non_deterministic_state()
    return generator


def set_global_generator(generator):
    """Make ``generator`` the global generator (of the default graph)."""
    _GLOBAL[id(get_default_graph())] = generator
