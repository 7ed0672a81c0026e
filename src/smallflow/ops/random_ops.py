"""Random ops, seeded from the graph-level and op-level seeds as TensorFlow 1.x does.

Each random op draws fresh values every time it runs. Its stream lives in the session (a
new session starts the sequence again), seeded by ``get_seed``: with a graph seed and no
op seed, the op seed is the graph's op counter, so rebuilding the same graph in the same
order repeats the same numbers. The four stateful samplers here draw TensorFlow's Philox
stream (``philox.py``), so seeded programs get TensorFlow's numbers.
"""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import Tensor, convert_to_tensor, get_default_graph, name_scope
from ..op_signature import FLOATS, INDEX, signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, unknown_shape
from . import philox
from .array_ops import constant
from .common import constant_ints, make_op
from .math_ops import add, multiply, subtract

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2**31 - 1


def get_seed(op_seed):
    """The (graph seed, op seed) pair for a random op, as ``tf.get_seed`` computes it."""
    graph = get_default_graph()
    graph_seed = graph.seed
    if graph_seed is not None:
        if op_seed is None:
            op_seed = graph._op_seed()
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
    # partly known shapes too: (shape(x)[0], 4) gives [?, 4], as TensorFlow infers it
    dims = constant_ints(op.inputs[0])
    if dims is None:
        return [unknown_shape(op.inputs[0].shape[0].value)]
    return [TensorShape(dims)]


def _philox(attrs, state):
    """This session's Philox stream for one op: TensorFlow's generator, keyed by the seeds.

    Without seeds (or with both zero, as TensorFlow reads a zero pair) the key and counter
    come from OS entropy, so unseeded programs differ from run to run as in TensorFlow.
    """
    streams = state.random_streams
    name = attrs["stream"]
    stream = streams.get(name)
    if stream is None:
        seed, seed2 = attrs["seed"], attrs["seed2"]
        if not seed and not seed2:
            seed, seed2 = (int(word) for word in
                           np.random.SeedSequence().generate_state(2, np.uint64))
        stream = streams[name] = philox.PhiloxStream(seed, seed2)
    return stream


def _size(shape):
    return int(np.prod(np.asarray(shape, dtype=np.int64), dtype=np.int64))


def _float_kernel_factory(distribution):
    """Kernels drawing ``distribution(stream, size, dtype)`` from TensorFlow's Philox."""

    def factory(attrs, state):
        stream = _philox(attrs, state)
        dtype = attrs["dtype"].as_numpy_dtype

        def draw(shape):
            dims = tuple(int(d) for d in np.asarray(shape).reshape(-1))
            return distribution(stream, _size(dims), dtype).reshape(dims)

        return draw

    return factory


_normal_kernel = _float_kernel_factory(philox.normal)
_truncated_normal_kernel = _float_kernel_factory(philox.truncated_normal)
_uniform_kernel = _float_kernel_factory(philox.uniform)


def _uniform_int_kernel(attrs, state):
    stream = _philox(attrs, state)
    dtype = attrs["dtype"].as_numpy_dtype

    def draw(shape, minval, maxval):
        dims = tuple(int(d) for d in np.asarray(shape).reshape(-1))
        if np.ndim(minval) or np.ndim(maxval):
            raise InvalidArgumentError(
                None, None, f"minval and maxval must be 0-D, got shapes "
                            f"{list(np.shape(minval))} and {list(np.shape(maxval))}")
        if not minval < maxval:
            raise InvalidArgumentError(None, None,
                                       f"Need minval < maxval, got {minval} >= {maxval}")
        return philox.uniform_int(stream, _size(dims), minval, maxval, dtype).reshape(dims)

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
    if isinstance(shape, (list, tuple)) and any(isinstance(d, Tensor) for d in shape):
        # a shape mixing tensors and ints, e.g. (K.shape(z)[0], 2): packed, as TF does
        return convert_to_tensor(list(shape), dtype=dtypes.int32, name="shape")
    dims = np.asarray(shape, dtype=np.int64).reshape(-1)
    if (dims < 0).any():
        raise ValueError(f"random op shapes must be non-negative, got {list(dims)}")
    return constant(dims.astype(np.int32), name="shape")


def _random_op(op_type, shape_tensor, dtype, seed, extra_inputs=(), name=None):
    """The raw sampling op (call inside the public function's name scope).

    The seed is taken only now, after the shape and parameter constants exist: with a
    graph seed and no op seed TensorFlow 1.x uses the graph's op count at this point, so
    the constants must be created first, in TensorFlow's order, for seeded programs to
    draw TensorFlow's numbers.
    """
    seed1, seed2 = get_seed(seed)
    attrs = {"dtype": dtype, "seed": seed1, "seed2": seed2}
    op = make_op(op_type, [shape_tensor, *extra_inputs], [dtype], attrs, name or op_type)
    op.attrs["stream"] = op.name
    return op.outputs[0]


def _parameter(value, dtype, name):
    return value if isinstance(value, Tensor) else constant(value, dtype=dtype, name=name)


def _normal_family(op_type, shape, mean, stddev, dtype, seed, scope):
    shape_tensor = _shape_tensor(shape)
    mean_tensor = _parameter(mean, dtype, "mean")
    stddev_tensor = _parameter(stddev, dtype, "stddev")
    raw = _random_op(op_type, shape_tensor, dtype, seed)
    return add(multiply(raw, stddev_tensor, name="mul"), mean_tensor, name=scope)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Samples of a normal distribution; fresh values on every run."""
    dtype = dtypes.as_dtype(dtype).base_dtype
    with name_scope(name or "random_normal") as scope:
        return _normal_family("RandomStandardNormal", shape, mean, stddev, dtype, seed, scope)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Normal samples, redrawn when more than two standard deviations from the mean."""
    dtype = dtypes.as_dtype(dtype).base_dtype
    with name_scope(name or "truncated_normal") as scope:
        return _normal_family("TruncatedNormal", shape, mean, stddev, dtype, seed, scope)


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Uniform samples in ``[minval, maxval)`` (``maxval`` defaults to 1 for floats)."""
    dtype = dtypes.as_dtype(dtype).base_dtype
    with name_scope(name or "random_uniform") as scope:
        if dtype.is_integer and maxval is None:
            raise ValueError(f"Must specify maxval for integer dtype {dtype!r}")
        maxval = 1 if maxval is None else maxval
        shape_tensor = _shape_tensor(shape)
        # tensors are taken as they are (k-means draws up to a computed row count)
        low = _parameter(minval, dtype, "min")
        high = _parameter(maxval, dtype, "max")
        if dtype.is_integer:
            # the op itself carries the scope's name, as in TensorFlow
            return _random_op("RandomUniformInt", shape_tensor, dtype, seed, [low, high],
                              name=scope)
        raw = _random_op("RandomUniform", shape_tensor, dtype, seed)
        span = subtract(high, low, name="sub")
        return add(multiply(raw, span, name="mul"), low, name=scope)
