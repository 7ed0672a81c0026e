"""Random ops, seeded from the graph-level and op-level seeds as TensorFlow 1.x does.

Each random op draws fresh values every time it runs. Its stream lives in the session (a
new session starts the sequence again), seeded by ``get_seed``: with a graph seed and no
op seed, the op seed is the graph's op counter, so rebuilding the same graph in the same
order repeats the same numbers.
"""

import numpy as np

from .. import dtypes
from ..graph import Tensor, get_default_graph, name_scope
from ..op_signature import FLOATS, INDEX, signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, unknown_shape
from .array_ops import constant
from .common import constant_value, make_op
from .math_ops import add, multiply, subtract

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2**31 - 1


def get_seed(op_seed):
    """The (graph seed, op seed) pair for a random op, as ``tf.get_seed`` computes it."""
    graph = get_default_graph()
    graph_seed = graph.seed
    if graph_seed is not None:
        if op_seed is None:
            op_seed = graph._last_id
        seeds = (graph_seed % _MAXINT32, op_seed % _MAXINT32)
    elif op_seed is not None:
        seeds = (DEFAULT_GRAPH_SEED, op_seed % _MAXINT32)
    else:
        seeds = (None, None)
    if seeds == (0, 0):
        return (0, _MAXINT32)
    return seeds


def _stream(attrs, state, name):
    """This session's generator for one op (created on first use, kept between runs)."""
    streams = state.random_streams
    generator = streams.get(name)
    if generator is None:
        seed, seed2 = attrs["seed"], attrs["seed2"]
        entropy = None if seed is None else [seed, seed2]
        generator = streams[name] = np.random.default_rng(entropy)
    return generator


def _random_static(op):
    dims = constant_value(op.inputs[0])
    if dims is None:
        return [unknown_shape(op.inputs[0].shape[0].value)]
    return [TensorShape([int(d) for d in dims])]


def _normal_kernel_factory(truncated):
    """Kernels of standard normal samples; ``truncated`` redraws those beyond 2 sigma."""

    def factory(attrs, state):
        generator = _stream(attrs, state, attrs["stream"])
        dtype = attrs["dtype"].as_numpy_dtype

        def draw(shape):
            values = generator.standard_normal(tuple(shape), dtype=np.float32)
            outside = np.abs(values) > 2.0 if truncated else None
            while truncated and outside.any():
                values[outside] = generator.standard_normal(int(outside.sum()),
                                                            dtype=np.float32)
                outside = np.abs(values) > 2.0
            return values.astype(dtype, copy=False)

        return draw

    return factory


_normal_kernel = _normal_kernel_factory(truncated=False)
_truncated_normal_kernel = _normal_kernel_factory(truncated=True)


def _uniform_kernel(attrs, state):
    generator = _stream(attrs, state, attrs["stream"])
    dtype = attrs["dtype"].as_numpy_dtype

    def draw(shape):
        return generator.random(tuple(shape), dtype=np.float32).astype(dtype, copy=False)

    return draw


def _uniform_int_kernel(attrs, state):
    generator = _stream(attrs, state, attrs["stream"])
    dtype = attrs["dtype"].as_numpy_dtype

    def draw(shape, minval, maxval):
        return generator.integers(minval, maxval, size=tuple(shape), dtype=dtype)

    return draw


register_op("RandomStandardNormal", _normal_kernel, _random_static, stateful=True,
            signature=signature("shape: T -> output: dtype", T=INDEX, dtype=FLOATS))
register_op("TruncatedNormal", _truncated_normal_kernel, _random_static, stateful=True,
            signature=signature("shape: T -> output: dtype", T=INDEX, dtype=FLOATS))
register_op("RandomUniform", _uniform_kernel, _random_static, stateful=True,
            signature=signature("shape: T -> output: dtype", T=INDEX, dtype=FLOATS))
register_op("RandomUniformInt", _uniform_int_kernel, _random_static, stateful=True,
            signature=signature("shape: T, minval: Tout, maxval: Tout -> output: Tout",
                                T=INDEX,
                                Tout=INDEX))
NotDifferentiable("RandomStandardNormal")
NotDifferentiable("TruncatedNormal")
NotDifferentiable("RandomUniform")
NotDifferentiable("RandomUniformInt")


def _shape_tensor(shape):
    if isinstance(shape, Tensor):
        return shape
    if isinstance(shape, TensorShape):
        shape = shape.as_list()
    dims = np.asarray(shape, dtype=np.int64).reshape(-1)
    if (dims < 0).any():
        raise ValueError(f"random op shapes must be non-negative, got {list(dims)}")
    return constant(dims.astype(np.int32), name="shape")


def _random_op(op_type, shape, dtype, seed, extra_inputs=()):
    """The raw sampling op (call inside the public function's name scope)."""
    shape_tensor = _shape_tensor(shape)
    seed1, seed2 = get_seed(seed)
    attrs = {"dtype": dtype, "seed": seed1, "seed2": seed2}
    op = make_op(op_type, [shape_tensor, *extra_inputs], [dtype], attrs, op_type)
    op.attrs["stream"] = op.name
    return op.outputs[0]


def _scaled(raw, scale, shift, scope):
    scale = constant(scale, dtype=raw.dtype, name="stddev") if not isinstance(
        scale, Tensor) else scale
    shift = constant(shift, dtype=raw.dtype, name="mean") if not isinstance(
        shift, Tensor) else shift
    return add(multiply(raw, scale, name="mul"), shift, name=scope)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Samples of a normal distribution; fresh values on every run."""
    dtype = dtypes.as_dtype(dtype).base_dtype
    with name_scope(name or "random_normal") as scope:
        raw = _random_op("RandomStandardNormal", shape, dtype, seed)
        return _scaled(raw, stddev, mean, scope)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Normal samples, redrawn when more than two standard deviations from the mean."""
    dtype = dtypes.as_dtype(dtype).base_dtype
    with name_scope(name or "truncated_normal") as scope:
        raw = _random_op("TruncatedNormal", shape, dtype, seed)
        return _scaled(raw, stddev, mean, scope)


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Uniform samples in ``[minval, maxval)`` (``maxval`` defaults to 1 for floats)."""
    dtype = dtypes.as_dtype(dtype).base_dtype
    with name_scope(name or "random_uniform") as scope:
        if dtype.is_integer:
            if maxval is None:
                raise ValueError(f"Must specify maxval for integer dtype {dtype!r}")
            # tensors are taken as they are (k-means draws up to a computed row count)
            bounds = [v if isinstance(v, Tensor) else constant(v, dtype=dtype, name=n)
                      for v, n in ((minval, "min"), (maxval, "max"))]
            return _random_op("RandomUniformInt", shape, dtype, seed, bounds)
        maxval = 1 if maxval is None else maxval
        raw = _random_op("RandomUniform", shape, dtype, seed)
        low = minval if isinstance(minval, Tensor) else constant(minval, dtype=dtype, name="min")
        high = maxval if isinstance(maxval, Tensor) else constant(maxval, dtype=dtype,
                                                                  name="max")
        span = subtract(high, low, name="sub")
        return add(multiply(raw, span, name="mul"), low, name=scope)
