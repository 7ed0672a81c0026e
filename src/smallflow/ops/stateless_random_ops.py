"""Stateless random ops (``tf.random.stateless_*``), ``random_gamma`` and ``random_poisson``,
and the seed helpers ``tf.random.split`` / ``fold_in``.

A stateless op's values are a function of its ``seed`` (a ``[2]`` integer tensor), its
shape and its parameters only: the same seed gives the same numbers in every run and every
session. Uniform, normal, truncated normal, integer and multinomial values are TensorFlow's:
its Philox stream from the seed scrambled as TensorFlow's ``GenerateKey`` does
(``philox_samplers.stateless_stream``). The gamma, Poisson, binomial and bounded-normal ops
and ``split``/``fold_in`` still draw from NumPy's Philox keyed by the seed, deterministic per
seed but not TensorFlow's numbers (its docs promise only the determinism). ``random_gamma`` and
``random_poisson`` are stateful, seeded like the other random ops.
"""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor, name_scope
from ..op_signature import FLOATS, INDEX, signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, unknown_shape
from . import array_ops, math_ops, philox, philox_samplers, random_extra_ops, random_ops
from .common import constant_value, make_op

__all__ = [
    "fold_in", "random_gamma", "random_poisson", "split", "stateless_multinomial",
    "stateless_random_binomial", "stateless_random_gamma", "stateless_random_normal",
    "stateless_random_poisson", "stateless_random_uniform", "stateless_truncated_normal",
    "stateless_parameterized_truncated_normal",
]


def _generator(seed, salt=0):
    seed = np.asarray(seed).reshape(-1)
    if seed.shape != (2,):
        raise InvalidArgumentError(None, None, f"seed must have shape [2], not "
                                               f"{list(np.shape(seed))}")
    key = [int(seed[0]) & 0xFFFFFFFFFFFFFFFF, int(seed[1]) & 0xFFFFFFFFFFFFFFFF]
    return np.random.Generator(np.random.Philox(key=key, counter=[salt, 0, 0, 0]))


def _shape_of(shape):
    return tuple(int(d) for d in np.asarray(shape).reshape(-1))


def _static_shape(op):
    dims = constant_value(op.inputs[0])
    if dims is None:
        size = op.inputs[0].shape.as_list()[0] if op.inputs[0].shape.ndims == 1 else None
        return [unknown_shape(size)]
    return [TensorShape([int(d) for d in np.asarray(dims).reshape(-1)])]


def _stream(seed):
    seed = np.asarray(seed).reshape(-1)
    if seed.shape != (2,):
        raise InvalidArgumentError(None, None, f"seed must have shape [2], not "
                                               f"{list(np.shape(seed))}")
    return philox_samplers.stateless_stream(seed)


def _size(dims):
    return int(np.prod(dims, dtype=np.int64))


def _uniform_kernel(attrs):
    dtype = attrs["dtype"].as_numpy_dtype

    def draw(shape, seed):
        dims = _shape_of(shape)
        return philox.uniform(_stream(seed), _size(dims), dtype).reshape(dims)

    return draw


def _uniform_int_kernel(attrs):
    def draw(shape, seed, minval, maxval):
        if minval >= maxval:
            raise InvalidArgumentError(None, None, f"Need minval < maxval: {minval} >= "
                                                   f"{maxval}")
        dims = _shape_of(shape)
        return philox.uniform_int(_stream(seed), _size(dims), minval, maxval,
                                  minval.dtype).reshape(dims)

    return draw


def _normal_kernel(truncated):
    sample = philox.truncated_normal if truncated else philox.normal

    def factory(attrs):
        dtype = attrs["dtype"].as_numpy_dtype

        def draw(shape, seed):
            dims = _shape_of(shape)
            return sample(_stream(seed), _size(dims), dtype).reshape(dims)

        return draw

    return factory


_SEEDED = "shape: T, seed: Tseed -> output: dtype"
for _op_type, _kernel in (("StatelessRandomUniform", _uniform_kernel),
                          ("StatelessRandomNormal", _normal_kernel(False)),
                          ("StatelessTruncatedNormal", _normal_kernel(True))):
    register_op(_op_type, _kernel, _static_shape,
                signature=signature(_SEEDED, T=INDEX, Tseed=INDEX, dtype=FLOATS))
    NotDifferentiable(_op_type)
register_op("StatelessRandomUniformInt", _uniform_int_kernel, _static_shape,
            signature=signature("shape: T, seed: Tseed, minval: dtype, maxval: dtype -> "
                                "output: dtype", T=INDEX, Tseed=INDEX, dtype=INDEX))
NotDifferentiable("StatelessRandomUniformInt")


def _seed(seed):
    seed = convert_to_tensor(seed, name="seed")
    if seed.dtype not in INDEX:
        raise TypeError(f"seed must be int32 or int64, got {seed.dtype.name}")
    if not seed.shape.is_compatible_with(TensorShape([2])):
        raise ValueError(f"seed must have shape [2], not {seed.shape}")
    return seed


def _shape(shape):
    return convert_to_tensor(shape, dtype=dtypes.int32, name="shape")


def stateless_random_uniform(shape, seed, minval=0, maxval=None, dtype=dtypes.float32,
                             name=None):
    """Uniform values in ``[minval, maxval)`` fixed by ``seed`` (ints need ``maxval``)."""
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name or "stateless_random_uniform"):
        shape, seed = _shape(shape), _seed(seed)
        if dtype.is_integer:
            if maxval is None:
                raise ValueError(f"Must specify maxval for integer dtype {dtype.name}")
            low = convert_to_tensor(minval, dtype=dtype, name="min")
            high = convert_to_tensor(maxval, dtype=dtype, name="max")
            return make_op("StatelessRandomUniformInt", [shape, seed, low, high], [dtype],
                           {"dtype": dtype}).outputs[0]
        if dtype not in FLOATS:
            raise ValueError(f"Invalid dtype {dtype.name} for stateless_random_uniform")
        raw = make_op("StatelessRandomUniform", [shape, seed], [dtype],
                      {"dtype": dtype}).outputs[0]
        maxval = 1 if maxval is None else maxval
        low = convert_to_tensor(minval, dtype=dtype, name="min")
        high = convert_to_tensor(maxval, dtype=dtype, name="max")
        return raw * (high - low) + low


def _normal(op_type, shape, seed, mean, stddev, dtype, name, default):
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name or default):
        shape, seed = _shape(shape), _seed(seed)
        raw = make_op(op_type, [shape, seed], [dtype], {"dtype": dtype}).outputs[0]
        scale = convert_to_tensor(stddev, dtype=dtype, name="stddev")
        shift = convert_to_tensor(mean, dtype=dtype, name="mean")
        return raw * scale + shift


def stateless_random_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32,
                            name=None):
    """Normal values fixed by ``seed``."""
    return _normal("StatelessRandomNormal", shape, seed, mean, stddev, dtype, name,
                   "stateless_random_normal")


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32,
                               name=None):
    """Normal values within two standard deviations, fixed by ``seed``."""
    return _normal("StatelessTruncatedNormal", shape, seed, mean, stddev, dtype, name,
                   "stateless_truncated_normal")


# -- kernels with parameters: multinomial, gamma, poisson, binomial, bounded normal -------------


def _multinomial_kernel(attrs):
    out = attrs["output_dtype"].as_numpy_dtype
    # a stateless kernel sees no session: TensorFlow's default thread count
    threads = philox_samplers.tensorflow_threads()

    def draw(logits, num_samples, seed):
        if np.shape(logits)[1] == 0:
            raise InvalidArgumentError(None, None, "num_classes should be positive, got 0")
        return philox_samplers.multinomial(_stream(seed), logits, int(num_samples), out,
                                           threads)

    return draw


register_op("StatelessMultinomial", _multinomial_kernel, random_extra_ops.multinomial_shape,
            signature=signature("logits: T, num_samples: int32, seed: Tseed -> output: "
                                "output_dtype", T=FLOATS, Tseed=INDEX, output_dtype=INDEX))
NotDifferentiable("StatelessMultinomial")


def stateless_multinomial(logits, num_samples, seed, output_dtype=dtypes.int64, name=None):
    """``num_samples`` class indices per row of ``logits``, fixed by ``seed``."""
    with name_scope(name or "stateless_multinomial"):
        logits = convert_to_tensor(logits, name="logits")
        if logits.shape.ndims not in (None, 2):
            raise ValueError(f"logits should be a matrix, got shape {logits.shape}")
        output_dtype = dtypes.as_dtype(output_dtype)
        count = convert_to_tensor(num_samples, dtype=dtypes.int32, name="num_samples")
        return make_op("StatelessMultinomial", [logits, count, _seed(seed)], [output_dtype],
                       {"output_dtype": output_dtype}).outputs[0]


def stateless_categorical(logits, num_samples, seed, dtype=dtypes.int64, name=None):
    return stateless_multinomial(logits, num_samples, seed, output_dtype=dtype, name=name)


def _parameter_kernel(draw_fn):
    """A kernel ``(shape, seed, *params) -> values`` with params broadcast to ``shape``."""

    def factory(attrs):
        dtype = attrs["dtype"].as_numpy_dtype

        def draw(shape, seed, *params):
            dims = _shape_of(shape)
            params = [np.broadcast_to(np.asarray(p, dtype=np.float64), dims) for p in params]
            return np.asarray(draw_fn(_generator(seed), dims, *params)).astype(dtype)

        return draw

    return factory


def _truncated(generator, dims, means, stddevs, low, high):
    values = np.empty(dims)
    todo = np.ones(dims, bool)
    while todo.any():
        fresh = generator.normal(means, stddevs)
        accept = todo & (fresh >= low) & (fresh <= high)
        values[accept] = fresh[accept]
        todo &= ~accept
    return values


_PARAMETERISED = (
    ("StatelessRandomGammaV2", lambda g, dims, alpha: g.standard_gamma(alpha), 1, FLOATS),
    ("StatelessRandomPoisson", lambda g, dims, lam: g.poisson(lam), 1, FLOATS + INDEX),
    ("StatelessRandomBinomial",
     lambda g, dims, counts, probs: g.binomial(counts.astype(np.int64), probs), 2,
     FLOATS + INDEX),
    ("StatelessParameterizedTruncatedNormal", _truncated, 4, FLOATS),
)
for _op_type, _draw, _count, _out in _PARAMETERISED:
    _inputs = ", ".join(f"p{i}: Tp{i}" for i in range(_count))
    register_op(_op_type, _parameter_kernel(_draw), _static_shape,
                signature=signature(f"shape: T, seed: Tseed, {_inputs} -> output: dtype",
                                    T=INDEX, Tseed=INDEX, dtype=_out,
                                    **{f"Tp{i}": FLOATS + INDEX for i in range(_count)}))
    NotDifferentiable(_op_type)


def _parameterised(op_type, shape, seed, params, dtype, default):
    dtype = dtypes.as_dtype(dtype)
    with name_scope(default):
        shape, seed = _shape(shape), _seed(seed)
        params = [convert_to_tensor(p, name=f"param{i}") for i, p in enumerate(params)]
        return make_op(op_type, [shape, seed, *params], [dtype], {"dtype": dtype}).outputs[0]


def stateless_random_gamma(shape, seed, alpha, beta=None, dtype=dtypes.float32, name=None):
    """Gamma(alpha, beta) samples (``beta`` a rate, default 1) fixed by ``seed``; ``shape``
    must end with the broadcast shape of ``alpha`` and ``beta``."""
    with name_scope(name or "stateless_random_gamma"):
        dtype = dtypes.as_dtype(dtype)
        alpha = convert_to_tensor(alpha, dtype=dtype, name="alpha")
        values = _parameterised("StatelessRandomGammaV2", shape, seed, [alpha], dtype, "gamma")
        if beta is None:
            return values
        return values / convert_to_tensor(beta, dtype=dtype, name="beta")


def stateless_random_poisson(shape, seed, lam, dtype=dtypes.int32, name=None):
    """Poisson(lam) counts fixed by ``seed``."""
    with name_scope(name or "stateless_random_poisson"):
        return _parameterised("StatelessRandomPoisson", shape, seed, [lam], dtype, "poisson")


def stateless_random_binomial(shape, seed, counts, probs, output_dtype=dtypes.int32,
                              name=None):
    """Binomial(counts, probs) samples fixed by ``seed``."""
    with name_scope(name or "stateless_random_binomial"):
        return _parameterised("StatelessRandomBinomial", shape, seed, [counts, probs],
                              output_dtype, "binomial")


def stateless_parameterized_truncated_normal(shape, seed, means=0.0, stddevs=1.0, minvals=-2.0,
                                             maxvals=2.0, name=None):
    """Normal(means, stddevs) samples within ``[minvals, maxvals]``, fixed by ``seed``."""
    with name_scope(name or "stateless_parameterized_truncated_normal"):
        return _parameterised("StatelessParameterizedTruncatedNormal", shape, seed,
                              [means, stddevs, minvals, maxvals], dtypes.float32, "normal")


# -- stateful gamma and poisson ------------------------------------------------------------------


def _stateful_kernel(sampler, param_name):
    def factory(attrs, state):
        stream = random_ops._philox(attrs, state)
        dtype = attrs["dtype"].as_numpy_dtype

        def draw(shape, param):
            dims = _shape_of(shape)
            count = int(np.prod(dims, dtype=np.int64))
            if sampler is philox_samplers.gamma and count and np.size(param) == 0:
                raise InvalidArgumentError(None, None, f"Input {param_name} should have "
                                                       "non-zero element count, got: 0")
            values = sampler(stream, np.asarray(param), count, dtype)
            return values.reshape(dims + np.shape(param))

        return draw

    return factory


def _stateful_shape(op):
    dims = constant_value(op.inputs[0])
    param = op.inputs[1].shape
    if dims is None or param.ndims is None:
        return [unknown_shape()]
    return [TensorShape([int(d) for d in np.ravel(dims)] + param.as_list())]


register_op("RandomGamma", _stateful_kernel(philox_samplers.gamma, "alpha"),
            _stateful_shape, stateful=True,
            signature=signature("shape: S, alpha: T -> output: T", S=INDEX, T=FLOATS))
register_op("RandomPoissonV2", _stateful_kernel(philox_samplers.poisson, "rate"),
            _stateful_shape, stateful=True,
            signature=signature("shape: S, rate: R -> output: dtype", S=INDEX,
                                R=FLOATS + INDEX, dtype=FLOATS + INDEX))
NotDifferentiable("RandomGamma")
NotDifferentiable("RandomPoissonV2")


def _stateful(op_type, shape, param, dtype, seed, name):
    shape = _shape(shape)
    seed1, seed2 = random_ops.get_seed(seed)
    op = make_op(op_type, [shape, param], [dtype], {"seed": seed1, "seed2": seed2,
                                                    "dtype": dtype}, name)
    op.attrs["stream"] = op.name
    return op.outputs[0]


def random_gamma(shape, alpha, beta=None, dtype=dtypes.float32, seed=None, name=None):
    """Gamma(alpha, beta) samples of shape ``shape + broadcast(alpha, beta).shape`` (``beta``
    is a rate). smallflow gives no gradient with respect to ``alpha`` (TensorFlow's
    implicit reparameterisation is not implemented)."""
    dtype = dtypes.as_dtype(dtype)
    if dtype not in FLOATS:
        raise ValueError(f"Invalid dtype {dtype.name} for random_gamma: a float type")
    with name_scope(name or "random_gamma"):
        alpha = convert_to_tensor(alpha, dtype=dtype, name="alpha")
        if beta is not None:
            beta = convert_to_tensor(beta, dtype=dtype, name="beta")
            alpha = alpha + math_ops.multiply(beta, 0)  # broadcast to the joint shape
        samples = _stateful("RandomGamma", shape, alpha, dtype, seed, None)
        if beta is not None:
            samples = samples / beta
        # as TensorFlow: never exactly zero (float32 gammas of small alpha underflow)
        return math_ops.maximum(np.finfo(dtype.as_numpy_dtype).tiny, samples)


def random_poisson(lam, shape, dtype=dtypes.float32, seed=None, name=None):
    """Poisson(lam) samples of shape ``shape + lam.shape`` (TensorFlow 1.x's argument
    order: ``lam`` first)."""
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name or "random_poisson"):
        lam = convert_to_tensor(lam, name="lam")
        return _stateful("RandomPoissonV2", shape, lam, dtype, seed, None)


# -- seeds -----------------------------------------------------------------------------------------


def _mix_kernel(attrs):
    count = attrs["count"]

    def mix(seed, data):
        generator = _generator(seed, salt=int(np.asarray(data).reshape(-1)[0]) & 0xFFFFFFFF)
        return generator.integers(np.iinfo(seed.dtype).min, np.iinfo(seed.dtype).max,
                                  (count, 2), dtype=seed.dtype, endpoint=True)

    return mix


register_op("StatelessSeedMix", _mix_kernel,
            lambda op: [TensorShape([op.attrs["count"], 2])],
            signature=signature("seed: T, data: int64 -> seeds: T", T=INDEX))
NotDifferentiable("StatelessSeedMix")


def split(seed, num=2, name=None):
    """``num`` new ``[2]`` seeds derived from ``seed`` (a ``[num, 2]`` tensor)."""
    with name_scope(name or "split"):
        seed = _seed(seed)
        data = convert_to_tensor(np.array([0], np.int64))
        return make_op("StatelessSeedMix", [seed, data], [seed.dtype],
                       {"count": int(num)}).outputs[0]


def fold_in(seed, data, name=None):
    """A new ``[2]`` seed combining ``seed`` with the integer ``data``."""
    with name_scope(name or "fold_in"):
        seed = _seed(seed)
        data = math_ops.cast(convert_to_tensor(data, name="data"), dtypes.int64)
        data = math_ops.add(data, 1)  # never the salt split() uses
        mixed = make_op("StatelessSeedMix", [seed, array_ops.reshape(data, [1])], [seed.dtype],
                        {"count": 1}).outputs[0]
        return mixed[0]

