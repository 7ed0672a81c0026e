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

import numpy as np

from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor
from ..op_signature import FLOATS, signature
from ..registry import RegisterGradient, register_op
from .common import make_op, same_shape

__all__ = ["quantize_and_dequantize"]

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

