"""Gradients of the complex ops, as TensorFlow defines them: for a real loss L of complex z,
the gradient passed around is dL/dRe(z) + i dL/dIm(z)."""

from ..registry import RegisterGradient
from .array_ops import zeros_like
from .broadcast_ops import reduce_to_shape_of
from .complex_ops import complex, conj, imag, real
from .math_ops import div_no_nan, reciprocal


@RegisterGradient("Complex")
def _complex_grad(op, grad):
    x, y = op.inputs
    return reduce_to_shape_of(real(grad), x), reduce_to_shape_of(imag(grad), y)


@RegisterGradient("Real")
def _real_grad(op, grad):
    return complex(grad, zeros_like(grad))


@RegisterGradient("Imag")
def _imag_grad(op, grad):
    return complex(zeros_like(grad), grad)


@RegisterGradient("Conj")
def _conj_grad(op, grad):
    return conj(grad)


@RegisterGradient("Angle")
def _angle_grad(op, grad):
    x = op.inputs[0]
    z = reciprocal(complex(imag(x), real(x)))
    return -complex(grad, zeros_like(grad)) * z


@RegisterGradient("ComplexAbs")
def _complex_abs_grad(op, grad):
    modulus = op.outputs[0]
    direction = complex(grad, zeros_like(grad)) * op.inputs[0]
    return div_no_nan(direction, complex(modulus, zeros_like(modulus)))
