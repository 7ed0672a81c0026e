"""Gradients of the special math ops (trigonometric, hyperbolic, erf, gamma family)."""

import math

from ..registry import NotDifferentiable, RegisterGradient
from . import array_ops, math_ops, special_math_ops
from .array_ops import reduce_to_shape_of
from .common import holomorphic, make_op


@RegisterGradient("Sin")
@holomorphic
def _sin_grad(op, grad):
    return grad * special_math_ops.cos(op.inputs[0])


@RegisterGradient("Cos")
@holomorphic
def _cos_grad(op, grad):
    return -grad * special_math_ops.sin(op.inputs[0])


@RegisterGradient("Tan")
@holomorphic
def _tan_grad(op, grad):
    secant = math_ops.reciprocal(special_math_ops.cos(op.inputs[0]))
    return grad * math_ops.square(secant)


@RegisterGradient("Asin")
@holomorphic
def _asin_grad(op, grad):
    x = op.inputs[0]
    return grad * math_ops.rsqrt(1.0 - math_ops.square(x))


@RegisterGradient("Acos")
@holomorphic
def _acos_grad(op, grad):
    x = op.inputs[0]
    return -grad * math_ops.rsqrt(1.0 - math_ops.square(x))


@RegisterGradient("Atan")
@holomorphic
def _atan_grad(op, grad):
    x = op.inputs[0]
    return grad * math_ops.reciprocal(1.0 + math_ops.square(x))


@RegisterGradient("Sinh")
@holomorphic
def _sinh_grad(op, grad):
    return grad * special_math_ops.cosh(op.inputs[0])


@RegisterGradient("Cosh")
@holomorphic
def _cosh_grad(op, grad):
    return grad * special_math_ops.sinh(op.inputs[0])


@RegisterGradient("Asinh")
@holomorphic
def _asinh_grad(op, grad):
    # d/dx asinh(x) = 1 / cosh(asinh(x)).
    return grad / special_math_ops.cosh(op.outputs[0])


@RegisterGradient("Acosh")
@holomorphic
def _acosh_grad(op, grad):
    return grad / special_math_ops.sinh(op.outputs[0])


@RegisterGradient("Atanh")
@holomorphic
def _atanh_grad(op, grad):
    x = op.inputs[0]
    return grad * math_ops.reciprocal(1.0 - math_ops.square(x))


@RegisterGradient("Expm1")
@holomorphic
def _expm1_grad(op, grad):
    return grad * math_ops.exp(op.inputs[0])


@RegisterGradient("Erf")
def _erf_grad(op, grad):
    x = op.inputs[0]
    return grad * (2.0 / math.sqrt(math.pi)) * math_ops.exp(-math_ops.square(x))


@RegisterGradient("Erfc")
def _erfc_grad(op, grad):
    x = op.inputs[0]
    return grad * (-2.0 / math.sqrt(math.pi)) * math_ops.exp(-math_ops.square(x))


@RegisterGradient("Lgamma")
def _lgamma_grad(op, grad):
    return grad * special_math_ops.digamma(op.inputs[0])


@RegisterGradient("Digamma")
def _digamma_grad(op, grad):
    x = op.inputs[0]
    one = array_ops.ones_like(x)
    return grad * special_math_ops.polygamma(one, x)


@RegisterGradient("Polygamma")
def _polygamma_grad(op, grad):
    # Only x gets a gradient; the order is a (float) integer, as in TensorFlow.
    a, x = op.inputs
    partial = grad * special_math_ops.polygamma(a + 1.0, x)
    return None, reduce_to_shape_of(partial, x)


@RegisterGradient("Softsign")
def _softsign_grad(op, grad):
    return make_op("SoftsignGrad", [grad, op.inputs[0]], [grad.dtype]).outputs[0]


@RegisterGradient("Atan2")
def _atan2_grad(op, grad):
    y, x = op.inputs
    scale = grad / (math_ops.square(x) + math_ops.square(y))
    return reduce_to_shape_of(scale * x, y), reduce_to_shape_of(-scale * y, x)


NotDifferentiable("Rint")
NotDifferentiable("TruncateDiv")
NotDifferentiable("TruncateMod")
