"""``tf.quantization``'s own ops: ``quantize_and_dequantize`` (the ``QuantizeAndDequantizeV2``
op: float in, float out, rounded to ``2**num_bits`` levels), ``quantize`` (``QuantizeV2``:
float to a quantized dtype, with the range actually used) and ``dequantize`` (back to float).

Quantize-and-dequantize picks the largest scale that maps ``[input_min, input_max]`` (the
input's own minimum and maximum unless ``range_given``) into the integer range
``[min_q, max_q]`` of ``num_bits`` bits (signed: ``-2**(b-1)`` (+1 when ``narrow_range``) to
``2**(b-1) - 1``; unsigned: ``0`` to ``2**b - 1``), widens the other end of the range to what
that scale reaches, clamps to it when the range was given (only then), rounds
``x * scale`` (half to even, or half up) and multiplies back. Its gradient passes through
unchanged, as TensorFlow 1.x's does. ``axis`` gives each slice along that axis its own range.
"""

import collections

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor
from ..op_signature import FLOATS, signature
from ..registry import NotDifferentiable, RegisterGradient, register_op
from ..tensor_shape import TensorShape
from .common import make_op, same_shape

__all__ = ["dequantize", "quantize", "quantize_and_dequantize", "quantize_v2"]

_ROUND_MODES = ("HALF_TO_EVEN", "HALF_UP")


def _slices(x, axis, values, what, op_type):
    """``values`` shaped to broadcast along ``axis`` of ``x`` (a scalar when axis is -1)."""
    values = np.asarray(values)
    if axis == -1:
        if values.size != 1:
            raise InvalidArgumentError(None, None, f"{op_type}: {what} must be a scalar when "
                                       f"axis is not given, got shape {list(values.shape)}")
        return values.reshape(())
    depth = x.shape[axis]
    if values.shape != (depth,):
        raise InvalidArgumentError(None, None, f"{op_type}: {what} must have shape [{depth}] "
                                   f"(the size of axis {axis}), got {list(values.shape)}")
    shape = [1] * x.ndim
    shape[axis] = depth
    return values.reshape(shape)


def _input_range(x, axis):
    """The input's own minimum and maximum (per slice along ``axis``)."""
    if x.size == 0:
        return np.zeros((), x.dtype), np.zeros((), x.dtype)
    if axis == -1:
        return x.min(), x.max()
    others = tuple(i for i in range(x.ndim) if i != axis)
    return x.min(axis=others, keepdims=True), x.max(axis=others, keepdims=True)


def _qdq_kernel(attrs):
    bits = attrs["num_bits"]
    signed = attrs["signed_input"]
    range_given = attrs["range_given"]
    half_up = attrs["round_mode"] == "HALF_UP"
    axis = attrs["axis"]
    if not 0 < bits <= (62 if signed else 63):
        min_q = max_q = 0  # refused when the kernel runs, with TensorFlow's message
    elif signed:
        min_q = -(1 << (bits - 1)) + (1 if attrs["narrow_range"] else 0)
        max_q = (1 << (bits - 1)) - 1
    else:
        min_q = 0
        max_q = (1 << bits) - 1

    def kernel(x, input_min, input_max):
        if not 0 < bits <= (62 if signed else 63):
            raise InvalidArgumentError(None, None, f"num_bits is out of range: {bits} with "
                                       f"signed_input_ {int(signed)}")
        kind = x.dtype.type
        if range_given:
            low = _slices(x, axis, input_min, "input_min", "QuantizeAndDequantizeV2")
            high = _slices(x, axis, input_max, "input_max", "QuantizeAndDequantizeV2")
            low = low.astype(kind)
            high = high.astype(kind)
            bad = low > high
            if np.any(bad):
                first = np.flatnonzero(np.broadcast_to(bad, np.shape(low)))[0]
                raise InvalidArgumentError(
                    None, None, f"Invalid range: input_min {low.flat[first]:g} > input_max "
                    f"{high.flat[first]:g}")
        else:
            low, high = _input_range(x, axis)
        biggest = np.finfo(kind).max
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            from_min = np.where(min_q * low > 0, kind(min_q) / low, biggest).astype(kind)
            from_max = np.where(max_q * high > 0, kind(max_q) / high, biggest).astype(kind)
            use_min = from_min < from_max
            scale = np.where(use_min, from_min, from_max).astype(kind)
            inverse = np.where(use_min, low / kind(min_q) if min_q else kind(0),
                               high / kind(max_q)).astype(kind)
            low = np.where(use_min, low, kind(min_q) * inverse).astype(kind)
            high = np.where(use_min, kind(max_q) * inverse, high).astype(kind)
            values = np.clip(x, low, high) if range_given else x
            scaled = (values * scale).astype(kind)
            levels = np.floor(scaled + kind(0.5)) if half_up else np.rint(scaled)
            return (levels * inverse).astype(kind)

    return kernel


register_op("QuantizeAndDequantizeV2", _qdq_kernel, same_shape,
            signature=signature("input: T, input_min: T, input_max: T -> output: T",
                                T=FLOATS))


def quantize_and_dequantize(input, input_min, input_max, signed_input=True,  # noqa: A002
                            num_bits=8, range_given=False, round_mode="HALF_TO_EVEN",
                            name=None, narrow_range=False, axis=None):
    """Round ``input`` to the levels of a ``num_bits``-bit integer range and back
    (``tf.quantization.quantize_and_dequantize``); the gradient passes straight through."""
    x = convert_to_tensor(input, name="input")
    if round_mode not in _ROUND_MODES:
        raise ValueError(f"round_mode must be one of {list(_ROUND_MODES)}, got {round_mode!r}")
    if axis is None:
        axis = -1
    elif axis < 0:
        if x.shape.ndims is None:
            raise ValueError("input should have known rank to use negative axis.")
        axis %= x.shape.ndims
    low = convert_to_tensor(input_min, dtype=x.dtype, name="input_min")
    high = convert_to_tensor(input_max, dtype=x.dtype, name="input_max")
    rank = 0 if axis == -1 else 1
    for bound in (low, high):
        if bound.shape.ndims is not None and bound.shape.ndims != rank:
            raise ValueError(f"Shape must be rank {rank} but is rank {bound.shape.ndims} for "
                             f"'{bound.op.name}' of QuantizeAndDequantizeV2 (axis={axis}): "
                             "give one bound per slice along axis, or scalars without axis")
    attrs = {"signed_input": bool(signed_input), "num_bits": int(num_bits),
             "range_given": bool(range_given), "round_mode": round_mode,
             "narrow_range": bool(narrow_range), "axis": int(axis)}
    return make_op("QuantizeAndDequantizeV2", [x, low, high], [x.dtype], attrs, name,
                   "QuantizeAndDequantizeV2").outputs[0]


@RegisterGradient("QuantizeAndDequantizeV2")
def _qdq_grad(op, grad):
    return [grad, None, None]



# -- quantize / dequantize: floats to TensorFlow's quantized dtypes and back ------------------

_MODES = ("MIN_COMBINED", "MIN_FIRST", "SCALED")
_QUANTIZED = {dtypes.qint8: np.int8, dtypes.quint8: np.uint8, dtypes.qint16: np.int16,
              dtypes.quint16: np.uint16, dtypes.qint32: np.int32}
QuantizeV2 = collections.namedtuple("QuantizeV2", ["output", "output_min", "output_max"])


def _round_away(values):
    """std::round: halves away from zero."""
    return np.where(values >= 0, np.floor(values + 0.5), np.ceil(values - 0.5))


def _to_int(values, kind):
    """A float array cast as C++ casts on x86: out-of-range int32 values become INT_MIN."""
    info = np.iinfo(kind)
    if kind == np.int32:
        bad = ~((values >= -2.0**31) & (values < 2.0**31))
        return np.where(bad, info.min, np.where(bad, 0, values)).astype(np.int64).astype(kind)
    return np.clip(values, info.min, info.max).astype(kind)


def _steps(kind):
    return float(1 << (8 * np.dtype(kind).itemsize))


def _quantize_kernel(attrs):
    kind = _QUANTIZED[attrs["T"]]
    mode = attrs["mode"]
    half_even = attrs["round_mode"] == "HALF_TO_EVEN"
    narrow = attrs["narrow_range"]
    minimum_range = attrs["ensure_minimum_range"]
    info = np.iinfo(kind)
    f32 = np.float32

    def run(x, input_min, input_max):
        low_in, high_in = f32(input_min.reshape(-1)[0]), f32(input_max.reshape(-1)[0])
        if high_in < low_in:
            raise InvalidArgumentError(None, None, "input_max_range must be larger than "
                                       "input_min_range.")
        low = min(f32(0), low_in)
        epsilon = f32(max(f32(1), max(abs(low_in), abs(high_in))) * f32(minimum_range))
        high = max(f32(0), max(high_in, f32(low + epsilon)))
        x = x.astype(f32)
        if mode == "MIN_COMBINED":
            scale = f32(f32(float(info.max) - float(info.min)) / f32(high - low))
            shifted = (np.clip(x, low, high) - low).astype(f32) * scale
            if info.min < 0:
                half = f32((float(info.max) - float(info.min) + 1) / 2)
                levels = _round_away((shifted - half).astype(f32))
            else:
                levels = np.floor((shifted + f32(0.5)).astype(f32))
            out = _to_int(levels.astype(np.float64), kind)
        elif mode == "MIN_FIRST":
            steps = _steps(kind)
            span = (float(high) - float(low)) * (steps / (steps - 1.0))
            scale = steps / span
            levels = _round_away(x.astype(np.float64) * scale) - _round_away(float(low) * scale)
            out = np.clip(levels + float(info.min), info.min, info.max).astype(kind)
        else:
            lowest = float(info.min) + (1.0 if narrow else 0.0)
            biggest = float(np.finfo(f32).max)
            from_min = f32(lowest / float(low)) if lowest * float(low) > 0 else f32(biggest)
            from_max = f32(info.max / float(high)) if info.max * float(high) > 0 else \
                f32(biggest)
            scale = min(from_min, from_max)
            low = f32(lowest / float(scale))
            high = f32(info.max / float(scale))
            scaled = (np.clip(x, low, high) * scale).astype(f32)
            levels = np.rint(scaled) if half_even else _round_away(scaled)
            out = _to_int(levels.astype(np.float64), kind)
        quantized = np.ascontiguousarray(out).view(attrs["T"].as_numpy_dtype)
        return quantized, np.float32(low), np.float32(high)

    return run


def _dequantize_kernel(attrs):
    mode = attrs["mode"]
    narrow = attrs["narrow_range"]

    def run(q, low, high):
        kind = q.dtype[0].type if q.dtype.names else q.dtype.type
        values = (q.view(q.dtype[0]) if q.dtype.names else q).astype(np.float64)
        info = np.iinfo(kind)
        low = float(np.float32(low.reshape(-1)[0]))
        high = float(np.float32(high.reshape(-1)[0]))
        if mode == "MIN_COMBINED":
            half = (float(info.max) - float(info.min) + 1) / 2 if info.min < 0 else 0.0
            scale = np.float32((high - low) / (float(info.max) - float(info.min)))
            out = (values.astype(np.float32) + np.float32(half)) * scale + np.float32(low)
        elif mode == "MIN_FIRST":
            if low == high:
                return np.full(q.shape, low, np.float32)
            steps = _steps(kind)
            step = (high - low) * (steps / (steps - 1.0)) / steps
            # The range's minimum rounded to a whole step, computed in float32 as TensorFlow.
            step32 = np.float32(step)
            rounded = float(_round_away(np.float32(np.float32(low) / step32))) * float(step32)
            offsets = (values - float(info.min)).astype(np.float32)
            out = np.float32(rounded) + offsets * np.float32(step)
        else:
            if info.min == 0:
                scale = high / info.max
            else:
                scale = max(low / (float(info.min) + (1.0 if narrow else 0.0)), high / info.max)
            out = values * np.float32(scale)
        return np.asarray(out, np.float32)

    return run


def _same_and_scalars(op):
    return [op.inputs[0].shape, TensorShape([]), TensorShape([])]


_QTYPES = tuple(_QUANTIZED)
register_op("QuantizeV2", _quantize_kernel, _same_and_scalars,
            signature=signature("input: float32, min_range: float32, max_range: float32 -> "
                                "output: T, output_min: float32, output_max: float32",
                                T=_QTYPES))
register_op("Dequantize", _dequantize_kernel, lambda op: [op.inputs[0].shape],
            signature=signature("input: T, min_range: float32, max_range: float32 -> "
                                "output: float32", T=_QTYPES))
NotDifferentiable("QuantizeV2")
NotDifferentiable("Dequantize")


def _check_mode(mode):
    if mode not in _MODES:
        raise ValueError(f"Mode string must be 'MIN_COMBINED', 'MIN_FIRST', or 'SCALED', is "
                         f"'{mode}'")


def _no_axis(axis, what):
    if axis is not None:
        raise NotImplementedError(f"{what}(axis=...): per-slice ranges are TensorFlow 2's; "
                                  "smallflow quantizes with one range, as TensorFlow 1.15")


def quantize(input, min_range, max_range, T, mode="MIN_COMBINED",  # noqa: A002, N803
             round_mode="HALF_AWAY_FROM_ZERO", name=None, narrow_range=False, axis=None,
             ensure_minimum_range=0.01):
    """Float32 ``input`` to the quantized dtype ``T`` over [min_range, max_range]:
    ``(output, output_min, output_max)`` with the range actually used."""
    _check_mode(mode)
    _no_axis(axis, "quantize")
    dtype = dtypes.as_dtype(T)
    if round_mode not in ("HALF_AWAY_FROM_ZERO", "HALF_TO_EVEN"):
        raise ValueError(f"Round mode string must be 'HALF_AWAY_FROM_ZERO' or 'HALF_TO_EVEN', "
                         f"is '{round_mode}'")
    if round_mode == "HALF_TO_EVEN" and mode != "SCALED":
        raise ValueError(f"Round mode 'HALF_TO_EVEN' only supported for mode 'SCALED', but "
                         f"mode is '{mode}'.")
    x = convert_to_tensor(input, dtype=dtypes.float32, name="input")
    low = convert_to_tensor(min_range, dtype=dtypes.float32, name="min_range")
    high = convert_to_tensor(max_range, dtype=dtypes.float32, name="max_range")
    attrs = {"T": dtype, "mode": mode, "round_mode": round_mode,
             "narrow_range": bool(narrow_range), "ensure_minimum_range":
             float(ensure_minimum_range)}
    op = make_op("QuantizeV2", [x, low, high], [dtype, dtypes.float32, dtypes.float32],
                 attrs, name, "QuantizeV2")
    return QuantizeV2(*op.outputs)


def quantize_v2(input, min_range, max_range, T, mode="MIN_COMBINED",  # noqa: A002, N803
                name=None, round_mode="HALF_AWAY_FROM_ZERO", narrow_range=False, axis=None,
                ensure_minimum_range=0.01):
    """``tf.quantize_v2``: ``quantize`` with TensorFlow 1.x's older argument order."""
    return quantize(input, min_range, max_range, T, mode, round_mode, name, narrow_range,
                    axis, ensure_minimum_range)


def dequantize(input, min_range, max_range, mode="MIN_COMBINED", name=None,  # noqa: A002
               axis=None, narrow_range=False, dtype=dtypes.float32):
    """A quantized tensor back to float32, given the range it was quantized over."""
    _check_mode(mode)
    _no_axis(axis, "dequantize")
    if dtypes.as_dtype(dtype) != dtypes.float32:
        raise TypeError(f"dequantize gives float32, not {dtypes.as_dtype(dtype).name}")
    q = convert_to_tensor(input, name="input")
    low = convert_to_tensor(min_range, dtype=dtypes.float32, name="min_range")
    high = convert_to_tensor(max_range, dtype=dtypes.float32, name="max_range")
    attrs = {"mode": mode, "narrow_range": bool(narrow_range)}
    return make_op("Dequantize", [q, low, high], [dtypes.float32], attrs, name,
                   "Dequantize").outputs[0]
