"""Fake quantization (quantization-aware training): ``fake_quant_with_min_max_args``,
``_vars`` and ``_vars_per_channel`` and their gradient ops, with TensorFlow's arithmetic in
float32: the range is nudged so that zero is exactly representable, inputs are clamped to it
and rounded to ``2**num_bits`` levels (``narrow_range`` drops the lowest); the gradient
passes where the input lies inside the nudged range (the straight-through estimator), and
the ``_vars`` gradients send the rest to ``min`` and ``max``."""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor
from ..op_signature import signature
from ..registry import NotDifferentiable, RegisterGradient, register_op
from .common import make_op, same_shape

_F = np.float32


def _nudge(low, high, num_bits, narrow_range):
    """TensorFlow's nudged range and scale (arrays of float32 for per-channel ranges)."""
    quant_min = _F(1 if narrow_range else 0)
    quant_max = _F((1 << num_bits) - 1)
    low = np.asarray(low, _F)
    high = np.asarray(high, _F)
    scale = ((high - low) / (quant_max - quant_min)).astype(_F)
    zero_from_min = (quant_min - low / scale).astype(_F)
    rounded = np.where(zero_from_min >= 0, np.floor(zero_from_min + _F(0.5)),
                       np.ceil(zero_from_min - _F(0.5)))  # std::round: half away from zero
    zero_point = np.clip(rounded, quant_min, quant_max).astype(_F)
    nudged_min = ((quant_min - zero_point) * scale).astype(_F)
    nudged_max = ((quant_max - zero_point) * scale).astype(_F)
    return nudged_min, nudged_max, scale


def _quantize(x, low, high, num_bits, narrow_range):
    nudged_min, nudged_max, scale = _nudge(low, high, num_bits, narrow_range)
    clamped = np.minimum(np.maximum(x.astype(_F), nudged_min), nudged_max)
    shifted = (clamped - nudged_min).astype(_F)
    inverse = (_F(1.0) / scale).astype(_F)
    levels = np.floor(shifted * inverse + _F(0.5)).astype(_F)
    return (levels * scale + nudged_min).astype(_F)


def _inside(x, low, high, num_bits, narrow_range):
    nudged_min, nudged_max, _ = _nudge(low, high, num_bits, narrow_range)
    return (x >= nudged_min) & (x <= nudged_max), x < nudged_min, x > nudged_max


def _check_bits(num_bits, narrow_range, what):
    if not 2 <= num_bits <= 16:
        raise ValueError(f"{what}: num_bits is out of range, expected between 2 and 16, was: "
                         f"{num_bits}")


# -- with min/max attributes ------------------------------------------------------------------


def _args_kernel(attrs):
    low, high = attrs["min"], attrs["max"]
    bits, narrow = attrs["num_bits"], attrs["narrow_range"]
    return lambda x: _quantize(x, low, high, bits, narrow)


def _args_gradient_kernel(attrs):
    low, high = attrs["min"], attrs["max"]
    bits, narrow = attrs["num_bits"], attrs["narrow_range"]

    def gradient(grads, x):
        inside, _, _ = _inside(x, low, high, bits, narrow)
        return np.where(inside, grads, _F(0)).astype(_F)

    return gradient


_ARGS_ATTRS = ("min", "max", "num_bits", "narrow_range")
register_op("FakeQuantWithMinMaxArgs", _args_kernel, same_shape,
            signature=signature("inputs: float32 -> outputs: float32"))
register_op("FakeQuantWithMinMaxArgsGradient", _args_gradient_kernel, same_shape,
            signature=signature("gradients: float32, inputs: float32 -> backprops: float32"))


def _args_attrs(low, high, num_bits, narrow_range, what):
    _check_bits(num_bits, narrow_range, what)
    if not low < high:
        raise ValueError(f"{what}: min has to be smaller than max, was: {low} >= {high}")
    return {"min": float(low), "max": float(high), "num_bits": int(num_bits),
            "narrow_range": bool(narrow_range)}


def fake_quant_with_min_max_args(inputs, min=-6, max=6, num_bits=8,  # noqa: A002
                                 narrow_range=False, name=None):
    """Quantize float32 ``inputs`` to ``2**num_bits`` levels of the nudged [min, max] range
    and back (both ends fixed numbers)."""
    attrs = _args_attrs(min, max, num_bits, narrow_range, "FakeQuantWithMinMaxArgs")
    x = convert_to_tensor(inputs, dtype=dtypes.float32, name="inputs")
    return make_op("FakeQuantWithMinMaxArgs", [x], [dtypes.float32], attrs, name).outputs[0]


def fake_quant_with_min_max_args_gradient(gradients, inputs, min=-6, max=6,  # noqa: A002
                                          num_bits=8, narrow_range=False, name=None):
    """``gradients`` where ``inputs`` lie in the nudged range, 0 elsewhere."""
    attrs = _args_attrs(min, max, num_bits, narrow_range, "FakeQuantWithMinMaxArgsGradient")
    grads = convert_to_tensor(gradients, dtype=dtypes.float32, name="gradients")
    x = convert_to_tensor(inputs, dtype=dtypes.float32, name="inputs")
    return make_op("FakeQuantWithMinMaxArgsGradient", [grads, x], [dtypes.float32], attrs,
                   name).outputs[0]


@RegisterGradient("FakeQuantWithMinMaxArgs")
def _args_grad(op, grad):
    attrs = {k: op.attrs[k] for k in _ARGS_ATTRS}
    return fake_quant_with_min_max_args_gradient(grad, op.inputs[0], **attrs)


# -- with min/max tensors ---------------------------------------------------------------------


def _vars_kernel(attrs):
    bits, narrow = attrs["num_bits"], attrs["narrow_range"]

    def quantize(x, low, high):
        if np.any(np.asarray(low) > np.asarray(high)):
            raise InvalidArgumentError(None, None, f"min has to be smaller than max, was: "
                                                   f"{low} >= {high}")
        return _quantize(x, low, high, bits, narrow)

    return quantize


def _vars_gradient_kernel(attrs):
    bits, narrow = attrs["num_bits"], attrs["narrow_range"]
    per_channel = attrs["per_channel"]

    def gradient(grads, x, low, high):
        inside, below, above = _inside(x, low, high, bits, narrow)
        axes = tuple(range(x.ndim - 1)) if per_channel else None
        wrt_input = np.where(inside, grads, _F(0)).astype(_F)
        wrt_min = np.sum(np.where(below, grads, _F(0)), axis=axes, dtype=_F)
        wrt_max = np.sum(np.where(above, grads, _F(0)), axis=axes, dtype=_F)
        return wrt_input, np.asarray(wrt_min, _F), np.asarray(wrt_max, _F)

    return gradient


def _vars_gradient_shapes(op):
    return [op.inputs[1].shape, op.inputs[2].shape, op.inputs[3].shape]


_VARS = "inputs: float32, min: float32, max: float32 -> outputs: float32"
_VARS_GRAD = ("gradients: float32, inputs: float32, min: float32, max: float32 -> "
              "backprops_wrt_input: float32, backprop_wrt_min: float32, "
              "backprop_wrt_max: float32")
for _suffix in ("", "PerChannel"):
    register_op(f"FakeQuantWithMinMaxVars{_suffix}", _vars_kernel, same_shape,
                signature=signature(_VARS))
    register_op(f"FakeQuantWithMinMaxVars{_suffix}Gradient", _vars_gradient_kernel,
                _vars_gradient_shapes, signature=signature(_VARS_GRAD))


def _vars_op(op_type, tensors, num_bits, narrow_range, per_channel, name, outputs):
    _check_bits(num_bits, narrow_range, op_type)
    attrs = {"num_bits": int(num_bits), "narrow_range": bool(narrow_range),
             "per_channel": per_channel}
    inputs = [convert_to_tensor(t, dtype=dtypes.float32, name=n) for t, n in tensors]
    low = inputs[-2]
    if per_channel:
        depth = inputs[-3].shape.as_list()[-1] if inputs[-3].shape.ndims else None
        if low.shape.ndims not in (None, 1) or (depth is not None and low.shape.as_list()
                                                 not in ([None], [depth])):
            raise ValueError(f"{op_type}: min and max must be vectors of the last "
                             f"dimension's size {depth}, got {low.shape}")
    elif low.shape.ndims not in (None, 0):
        raise ValueError(f"{op_type}: min and max must be scalars, got {low.shape}")
    op = make_op(op_type, inputs, [dtypes.float32] * outputs, attrs, name)
    return op.outputs[0] if outputs == 1 else tuple(op.outputs)


def fake_quant_with_min_max_vars(inputs, min, max, num_bits=8,  # noqa: A002
                                 narrow_range=False, name=None):
    """Fake quantization with the range given by float32 scalar tensors (variables that
    training adjusts through the gradient)."""
    return _vars_op("FakeQuantWithMinMaxVars", [(inputs, "inputs"), (min, "min"),
                                                (max, "max")], num_bits, narrow_range,
                    False, name, 1)


def fake_quant_with_min_max_vars_gradient(gradients, inputs, min, max,  # noqa: A002
                                          num_bits=8, narrow_range=False, name=None):
    """(backprops wrt inputs, wrt min, wrt max) of ``fake_quant_with_min_max_vars``."""
    return _vars_op("FakeQuantWithMinMaxVarsGradient", [
        (gradients, "gradients"), (inputs, "inputs"), (min, "min"), (max, "max")],
        num_bits, narrow_range, False, name, 3)


def fake_quant_with_min_max_vars_per_channel(inputs, min, max, num_bits=8,  # noqa: A002
                                             narrow_range=False, name=None):
    """Fake quantization with one range per entry of the last dimension."""
    return _vars_op("FakeQuantWithMinMaxVarsPerChannel", [
        (inputs, "inputs"), (min, "min"), (max, "max")], num_bits, narrow_range, True, name, 1)


def fake_quant_with_min_max_vars_per_channel_gradient(gradients, inputs, min,  # noqa: A002
                                                      max, num_bits=8,  # noqa: A002
                                                      narrow_range=False, name=None):
    """Gradients of ``fake_quant_with_min_max_vars_per_channel`` (min/max per channel)."""
    return _vars_op("FakeQuantWithMinMaxVarsPerChannelGradient", [
        (gradients, "gradients"), (inputs, "inputs"), (min, "min"), (max, "max")],
        num_bits, narrow_range, True, name, 3)


def _vars_grad(gradient_fn):
    def grad(op, upstream):
        x, low, high = op.inputs
        return gradient_fn(upstream, x, low, high, num_bits=op.attrs["num_bits"],
                           narrow_range=op.attrs["narrow_range"])

    return grad


RegisterGradient("FakeQuantWithMinMaxVars")(_vars_grad(fake_quant_with_min_max_vars_gradient))
RegisterGradient("FakeQuantWithMinMaxVarsPerChannel")(
    _vars_grad(fake_quant_with_min_max_vars_per_channel_gradient))
for _op_type in ("FakeQuantWithMinMaxArgsGradient", "FakeQuantWithMinMaxVarsGradient",
                 "FakeQuantWithMinMaxVarsPerChannelGradient"):
    NotDifferentiable(_op_type)
