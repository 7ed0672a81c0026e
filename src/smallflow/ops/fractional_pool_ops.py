"""``tf.nn.fractional_max_pool`` / ``fractional_avg_pool`` (Graham, "Fractional
Max-Pooling", 2014): pooling by a non-integer ratio over regions of uneven sizes.

Each op returns the pooled output and, per spatial axis, the pooling sequence: the
cumulative region boundaries ``[0, ..., length]`` (``output + 1`` int64 values). Region ``i``
covers ``seq[i] .. seq[i+1] - 1``, or up to ``seq[i+1]`` itself with ``overlapping`` (clipped
to the input). The sequences come from TensorFlow's generator, so seeded programs get
TensorFlow's regions: Philox4x32-10 keyed by ``(seed, seed2)`` (ops/philox.py), rows drawn
before columns, and

- random (``pseudo_random=False``): ``length % out`` regions of ``length // out + 1`` cells
  and the rest of ``length // out`` cells, shuffled by a Fisher-Yates walk whose ``i``-th
  swap partner is ``i + word % (out - i)``, the words taken one by one from the blocks the
  axis reserved (``ceil(out / 4)`` blocks);
- pseudo-random: boundaries ``ceil(alpha * (i + u))`` with ``alpha = length / out`` and one
  ``u`` drawn as a double from the first block's first two words, scaled into the range
  that keeps every region 1 or 2 wide (``alpha`` < 2) (one block reserved).

With ``deterministic=True`` and both seeds zero, TensorFlow picks random seeds once per
kernel: here once per op and session. With ``deterministic=False`` the seeds must be zero and
every run draws new regions, as in TensorFlow.

The gradients are the ``...Grad`` ops given the sequences the forward op returned: the max
gradient goes to the first maximum of each region (scanned row by row, strictly greater
than the lowest value of the type, as TensorFlow's kernel), the average gradient is spread
evenly over each region.
"""

import math

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError, UnimplementedError
from ..graph import convert_to_tensor
from ..op_signature import signature
from ..registry import RegisterGradient, register_op
from ..tensor_shape import TensorShape
from . import philox
from .common import constant_value, make_op

__all__ = ["fractional_avg_pool", "fractional_max_pool"]

_TYPES = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64)
_MASK64 = (1 << 64) - 1


# -- pooling sequences ----------------------------------------------------------------------

def _random_sequence(length, out, key, counter):
    """Region sizes shuffled with TensorFlow's words; returns (sizes, blocks reserved)."""
    base = length // out
    sizes = np.full(out, base, dtype=np.int64)
    sizes[: length % out] = base + 1
    reserved = (out + 3) // 4
    words = philox.philox_blocks(key, counter, max(reserved, 1)).reshape(-1)
    for i in range(out - 1):
        j = i + int(words[i]) % (out - i)
        sizes[i], sizes[j] = sizes[j], sizes[i]
    return sizes, reserved


def _pseudo_random_sequence(length, out, key, counter):
    """Region sizes from one uniform ``u`` (the paper's a_i = ceil(alpha (i + u)))."""
    alpha = length / out
    base = length // out
    words = philox.philox_blocks(key, counter, 1).reshape(-1)
    unit = float(philox._unit_float64(words[:1], words[1:2])[0])
    # u below both bounds keeps the first and the last region at most base + 1 wide.
    max_u = min((base + 2) / alpha - 1, (length + 1 - base) / alpha - (out - 1))
    u = unit * max_u
    bounds = [1] + [int(math.ceil(alpha * (i + u))) for i in range(1, out)] + [length + 1]
    return np.diff(np.asarray(bounds, dtype=np.int64)), 1


def pooling_sequences(height, width, out_h, out_w, seed, seed2, pseudo_random):
    """The (row, column) cumulative pooling sequences TensorFlow draws for these seeds."""
    key = int(seed) & _MASK64
    counter = (int(seed2) & _MASK64) << 64
    draw = _pseudo_random_sequence if pseudo_random else _random_sequence
    rows, used = draw(height, out_h, key, counter)
    cols, _ = draw(width, out_w, key, counter + used)
    return (np.concatenate([[0], np.cumsum(rows)]).astype(np.int64),
            np.concatenate([[0], np.cumsum(cols)]).astype(np.int64))


# -- kernels --------------------------------------------------------------------------------

def _output_sizes(shape, ratio):
    sizes = []
    for axis, (dim, r) in enumerate(zip(shape, ratio, strict=True)):
        if dim < r:
            raise InvalidArgumentError(
                None, None, f"Pooling ratio is higher than input dimension size for dimension "
                            f"{axis}. Input dim size: {dim} pooling ratio: {r:g}")
        sizes.append(int(math.floor(dim / r)))
    return sizes


def _seeds(attrs, state):
    seed, seed2 = attrs["seed"], attrs["seed2"]
    if not attrs["deterministic"]:
        if seed or seed2:
            raise InvalidArgumentError(
                None, None, "Both seed and seed2 should be 0 if deterministic is false.")
        return tuple(int(w) for w in np.random.SeedSequence().generate_state(2, np.uint64))
    if seed or seed2:
        return seed, seed2
    # TensorFlow draws the seeds once, when the kernel is made: once per op and session.
    chosen = state.random_streams.get(attrs["stream"])
    if chosen is None:
        chosen = tuple(int(w) for w in np.random.SeedSequence().generate_state(2, np.uint64))
        state.random_streams[attrs["stream"]] = chosen
    return chosen


def _ranges(sequence, length, overlapping):
    """(start, stop) of each region, stop exclusive."""
    starts = sequence[:-1]
    stops = sequence[1:] + (1 if overlapping else 0)
    return [(int(a), int(min(b, length))) for a, b in zip(starts, stops, strict=True)]


def _check_sequence(name, sequence, length):
    if sequence.ndim != 1 or sequence.size < 2 or sequence[0] != 0 or \
            np.any(np.diff(sequence) < 0) or sequence[-1] > length:
        raise InvalidArgumentError(
            None, None, f"{name} must be an increasing sequence from 0 to at most the input "
                        f"size {length}, got {sequence.tolist()}")


def _max_pool(x, rows, cols, overlapping):
    out = np.empty((x.shape[0], len(rows) - 1, len(cols) - 1, x.shape[3]), dtype=x.dtype)
    for i, (r0, r1) in enumerate(_ranges(rows, x.shape[1], overlapping)):
        for j, (c0, c1) in enumerate(_ranges(cols, x.shape[2], overlapping)):
            out[:, i, j, :] = x[:, r0:r1, c0:c1, :].max(axis=(1, 2))
    return out


def _avg_pool(x, rows, cols, overlapping):
    out = np.empty((x.shape[0], len(rows) - 1, len(cols) - 1, x.shape[3]), dtype=x.dtype)
    for i, (r0, r1) in enumerate(_ranges(rows, x.shape[1], overlapping)):
        for j, (c0, c1) in enumerate(_ranges(cols, x.shape[2], overlapping)):
            total = x[:, r0:r1, c0:c1, :].sum(axis=(1, 2), dtype=x.dtype)
            count = (r1 - r0) * (c1 - c0)
            # integer inputs divide as C++ integers do (toward zero)
            out[:, i, j, :] = total / count if x.dtype.kind == "f" else \
                np.trunc(total / count).astype(x.dtype)
    return out


def _forward_kernel(pool):
    def factory(attrs, state):
        ratio = [float(r) for r in attrs["pooling_ratio"]]
        overlapping = attrs["overlapping"]

        def run(x):
            if x.ndim != 4:
                raise InvalidArgumentError(None, None, f"input must be 4-dimensional, got "
                                                       f"shape {list(x.shape)}")
            if ratio[0] != 1.0 or ratio[3] != 1.0:
                raise UnimplementedError(None, None, "Fractional max pooling is not yet "
                                         "supported on the batch nor channel dimension.")
            sizes = _output_sizes(x.shape, ratio)
            seed, seed2 = _seeds(attrs, state)
            rows, cols = pooling_sequences(x.shape[1], x.shape[2], sizes[1], sizes[2], seed,
                                           seed2, attrs["pseudo_random"])
            return pool(x, rows, cols, overlapping), rows, cols

        return run

    return factory


def _max_grad_kernel(attrs):
    overlapping = attrs["overlapping"]

    def run(x, unused_output, grad, rows, cols):
        _check_sequence("row_pooling_sequence", rows, x.shape[1])
        _check_sequence("col_pooling_sequence", cols, x.shape[2])
        expected = (x.shape[0], len(rows) - 1, len(cols) - 1, x.shape[3])
        if grad.shape != expected:
            raise InvalidArgumentError(None, None, f"out_backprop must have shape "
                                                   f"{list(expected)}, got {list(grad.shape)}")
        # orig_output's values are not read: the maxima are found again in orig_input
        lowest = np.finfo(x.dtype).min if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        out = np.zeros(x.shape, dtype=x.dtype)
        n_index, c_index = np.meshgrid(np.arange(x.shape[0]), np.arange(x.shape[3]),
                                       indexing="ij")
        for i, (r0, r1) in enumerate(_ranges(rows, x.shape[1], overlapping)):
            for j, (c0, c1) in enumerate(_ranges(cols, x.shape[2], overlapping)):
                region = x[:, r0:r1, c0:c1, :]
                flat = region.reshape(x.shape[0], -1, x.shape[3])
                # argmax takes the first of equal maxima, as the row-by-row scan does; a
                # region with nothing above the type's lowest value sends nowhere
                best = np.argmax(flat, axis=1)
                valid = np.take_along_axis(flat, best[:, None, :], axis=1)[:, 0, :] > lowest
                width = c1 - c0
                h = r0 + best // width
                w = c0 + best % width
                np.add.at(out, (n_index[valid], h[valid], w[valid], c_index[valid]),
                          grad[:, i, j, :][valid])
        return out

    return run


def _avg_grad_kernel(attrs):
    overlapping = attrs["overlapping"]

    def run(shape, grad, rows, cols):
        shape = [int(d) for d in np.asarray(shape).reshape(-1)]
        if len(shape) != 4:
            raise InvalidArgumentError(None, None, f"orig_input_tensor_shape must have 4 "
                                                   f"elements, got {shape}")
        _check_sequence("row_pooling_sequence", rows, shape[1])
        _check_sequence("col_pooling_sequence", cols, shape[2])
        # TensorFlow accumulates in double and casts at the end
        out = np.zeros(shape, dtype=np.float64)
        for i, (r0, r1) in enumerate(_ranges(rows, shape[1], overlapping)):
            for j, (c0, c1) in enumerate(_ranges(cols, shape[2], overlapping)):
                count = (r1 - r0) * (c1 - c0)
                share = grad[:, i, j, :].astype(np.float64) / count
                out[:, r0:r1, c0:c1, :] += share[:, None, None, :]
        return out.astype(grad.dtype)

    return run


def _forward_shape(op):
    shape = op.inputs[0].shape
    ratio = op.attrs["pooling_ratio"]
    if shape.ndims is None:
        return [TensorShape([None] * 4), TensorShape([None]), TensorShape([None])]
    dims = [None if d is None else int(math.floor(d / r))
            for d, r in zip(shape.as_list(), ratio, strict=True)]
    # TensorFlow's shape function gives the sequences the output's length, one less than
    # the run-time value's: kept, so static shapes (and what is built from them) agree.
    return [TensorShape(dims), TensorShape([dims[1]]), TensorShape([dims[2]])]


def _avg_grad_shape(op):
    value = constant_value(op.inputs[0])
    return [TensorShape(None if value is None else [int(d) for d in value])]


_FORWARD = "value: T -> output: T, row_pooling_sequence: int64, col_pooling_sequence: int64"
register_op("FractionalMaxPool", _forward_kernel(_max_pool), _forward_shape, stateful=True,
            signature=signature(_FORWARD, T=_TYPES))
register_op("FractionalAvgPool", _forward_kernel(_avg_pool), _forward_shape, stateful=True,
            signature=signature(_FORWARD, T=_TYPES))
register_op("FractionalMaxPoolGrad", _max_grad_kernel, lambda op: [op.inputs[0].shape],
            signature=signature("orig_input: T, orig_output: T, out_backprop: T, "
                                "row_pooling_sequence: int64, col_pooling_sequence: int64 "
                                "-> output: T", T=_TYPES))
register_op("FractionalAvgPoolGrad", _avg_grad_kernel, _avg_grad_shape,
            signature=signature("orig_input_tensor_shape: int64, out_backprop: T, "
                                "row_pooling_sequence: int64, col_pooling_sequence: int64 "
                                "-> output: T", T=_TYPES))


@RegisterGradient("FractionalMaxPool")
def _fractional_max_pool_grad(op, grad, unused_rows, unused_cols):
    return make_op("FractionalMaxPoolGrad",
                   [op.inputs[0], op.outputs[0], grad, op.outputs[1], op.outputs[2]],
                   [grad.dtype], {"overlapping": op.attrs["overlapping"]}).outputs[0]


@RegisterGradient("FractionalAvgPool")
def _fractional_avg_pool_grad(op, grad, unused_rows, unused_cols):
    from .constant_op import constant
    from .shape_ops import shape as shape_of

    static = op.inputs[0].shape
    if static.is_fully_defined():
        dims = constant(static.as_list(), dtype=dtypes.int64,
                        name="orig_input_tensor_shape")
    else:
        dims = shape_of(op.inputs[0], out_type=dtypes.int64)
    return make_op("FractionalAvgPoolGrad", [dims, grad, op.outputs[1], op.outputs[2]],
                   [grad.dtype], {"overlapping": op.attrs["overlapping"]}).outputs[0]


# -- builders -------------------------------------------------------------------------------

def _build(op_type, value, pooling_ratio, pseudo_random, overlapping, deterministic, seed,
           seed2, name):
    ratio = [float(r) for r in pooling_ratio]
    if len(ratio) < 4:
        raise ValueError(f"Attr 'pooling_ratio' of '{op_type}' Op passed list of length "
                         f"{len(ratio)} less than minimum 4.")
    value = convert_to_tensor(value, name="value")
    if value.dtype not in _TYPES:
        raise TypeError(f"Value passed to parameter 'value' has DataType {value.dtype.name} "
                        "not in list of allowed values: float32, float64, int32, int64")
    if value.shape.ndims not in (None, 4):
        raise ValueError(f"Shape must be rank 4 but is rank {value.shape.ndims} for "
                         f"'{op_type}' with input shape {value.shape}")
    if len(ratio) != 4:
        raise InvalidArgumentError(None, None,
                                   "pooling_ratio field must specify 4 dimensions")
    for r in ratio:
        if r < 1.0:
            raise ValueError(f"pooling_ratio cannot be smaller than 1, got: {r:g}")
    attrs = {"pooling_ratio": ratio, "pseudo_random": bool(pseudo_random),
             "overlapping": bool(overlapping), "deterministic": bool(deterministic),
             "seed": int(seed), "seed2": int(seed2)}
    op = make_op(op_type, [value], [value.dtype, dtypes.int64, dtypes.int64], attrs, name,
                 op_type)
    op.attrs["stream"] = op.name
    return tuple(op.outputs)


def fractional_max_pool(value, pooling_ratio, pseudo_random=False, overlapping=False,
                        deterministic=False, seed=0, seed2=0, name=None):
    """``tf.nn.fractional_max_pool`` (TensorFlow 1.x): ``(output, row_pooling_sequence,
    col_pooling_sequence)``; ``value`` is NHWC, ``pooling_ratio`` ``[1, rows, cols, 1]``."""
    return _build("FractionalMaxPool", value, pooling_ratio, pseudo_random, overlapping,
                  deterministic, seed, seed2, name)


def fractional_avg_pool(value, pooling_ratio, pseudo_random=False, overlapping=False,
                        deterministic=False, seed=0, seed2=0, name=None):
    """``tf.nn.fractional_avg_pool`` (TensorFlow 1.x): as ``fractional_max_pool`` with
    each region averaged."""
    return _build("FractionalAvgPool", value, pooling_ratio, pseudo_random, overlapping,
                  deterministic, seed, seed2, name)
