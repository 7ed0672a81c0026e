"""More random ops: ``random_shuffle``, ``multinomial``/``categorical``, ``random_crop``,
seeded like the other random ops (graph seed and op seed, one stream per op and session)
and drawing TensorFlow's Philox numbers the way its CPU kernels do (``philox_samplers``)."""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor, name_scope
from ..op_signature import ALL, INDEX, REALS, signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, unknown_shape
from . import array_ops, math_ops, philox_samplers, random_ops
from .common import constant_value, make_op


def _seeded_attrs(seed, extra=None):
    seed1, seed2 = random_ops.get_seed(seed)
    return {"seed": seed1, "seed2": seed2, **(extra or {})}


def _shuffle_kernel(attrs, state):
    stream = random_ops._philox(attrs, state)

    def shuffle(value):
        if np.ndim(value) == 0:
            return value
        return value[philox_samplers.permutation(stream, len(value), np.size(value))]

    return shuffle


register_op("RandomShuffle", _shuffle_kernel, lambda op: [op.inputs[0].shape], stateful=True,
            signature=signature("value: T -> output: T", T=ALL))
NotDifferentiable("RandomShuffle")


def random_shuffle(value, seed=None, name=None):
    """``value`` with its first dimension randomly permuted."""
    value = convert_to_tensor(value, name="value")
    op = make_op("RandomShuffle", [value], [value.dtype], _seeded_attrs(seed), name)
    op.attrs["stream"] = op.name
    return op.outputs[0]


def multinomial_shape(op):
    """``[batch, num_samples]`` from the logits' first dimension and a constant count."""
    batch = op.inputs[0].shape.as_tuple()
    count = constant_value(op.inputs[1])
    if batch is None:
        return [unknown_shape(2)]
    return [TensorShape([batch[0], None if count is None else int(count)])]


def _multinomial_kernel(attrs, state):
    stream = random_ops._philox(attrs, state)
    out_dtype = attrs["output_dtype"].as_numpy_dtype
    threads = philox_samplers.tensorflow_threads(getattr(state, "session", None))

    def draw(logits, num_samples):
        if np.ndim(logits) != 2:
            raise InvalidArgumentError(None, None, f"logits should be a matrix, got shape "
                                                   f"{list(np.shape(logits))}")
        if np.ndim(num_samples) != 0:
            raise InvalidArgumentError(None, None, f"num_samples should be a scalar, got "
                                                   f"shape {list(np.shape(num_samples))}")
        count = int(num_samples)
        if count < 0:
            raise InvalidArgumentError(None, None,
                                       f"num_samples should be non-negative, got {count}")
        if np.shape(logits)[1] == 0:
            raise InvalidArgumentError(None, None, "num_classes should be positive, got 0")
        return philox_samplers.multinomial(stream, logits, count, out_dtype, threads)

    return draw


register_op("Multinomial", _multinomial_kernel, multinomial_shape, stateful=True,
            signature=signature("logits: T, num_samples: int32 -> output: output_dtype",
                                T=REALS, output_dtype=INDEX))
NotDifferentiable("Multinomial")


def multinomial(logits, num_samples, seed=None, name=None, output_dtype=None):
    """``num_samples`` class indices per row drawn from ``softmax(logits)``
    (``logits`` is ``[batch, classes]``; int64 by default)."""
    logits = convert_to_tensor(logits, name="logits")
    if logits.shape.ndims not in (None, 2):
        raise ValueError(f"logits should be a matrix, got shape {logits.shape}")
    output_dtype = dtypes.as_dtype(output_dtype or dtypes.int64)
    num_samples = convert_to_tensor(num_samples, dtype=dtypes.int32, name="num_samples")
    attrs = _seeded_attrs(seed, {"output_dtype": output_dtype})
    op = make_op("Multinomial", [logits, num_samples], [output_dtype], attrs, name)
    op.attrs["stream"] = op.name
    return op.outputs[0]


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    return multinomial(logits, num_samples, seed=seed, name=name, output_dtype=dtype)


def random_crop(value, size, seed=None, name=None):
    """A random ``size`` slice of ``value`` (every offset equally likely)."""
    with name_scope(name or "random_crop"):
        value = convert_to_tensor(value, name="value")
        size = convert_to_tensor(size, dtype=dtypes.int32, name="size")
        shape = array_ops.shape(value)
        limit = shape - size + 1
        offset = random_ops.random_uniform(array_ops.shape(shape), dtype=dtypes.int32,
                                           maxval=2**31 - 1, seed=seed)
        offset = math_ops.floormod(offset, limit)
        return array_ops.slice(value, offset, size)
