"""Bitwise ops on integers: ``tf.bitwise`` and the ``&``, ``|``, ``^``, ``~`` of int tensors."""

import numpy as np

from ..op_signature import INTS, signature
from ..registry import NotDifferentiable, register_op
from .common import binary_inputs, broadcast_shape_fn, make_op, make_unary, same_shape

_BINARY = {
    "BitwiseAnd": np.bitwise_and,
    "BitwiseOr": np.bitwise_or,
    "BitwiseXor": np.bitwise_xor,
    "LeftShift": np.left_shift,
    "RightShift": np.right_shift,
}
for _op_type, _ufunc in _BINARY.items():
    register_op(_op_type, lambda attrs, ufunc=_ufunc: ufunc, broadcast_shape_fn,
                signature=signature("x: T, y: T -> z: T", T=INTS))
    NotDifferentiable(_op_type)
register_op("Invert", lambda attrs: np.invert, same_shape,
            signature=signature("x: T -> y: T", T=INTS))
NotDifferentiable("Invert")


def _binary(op_type, x, y, name):
    x, y = binary_inputs(op_type, x, y)
    return make_op(op_type, [x, y], [x.dtype], None, name).outputs[0]


def bitwise_and(x, y, name=None):
    return _binary("BitwiseAnd", x, y, name)


def bitwise_or(x, y, name=None):
    return _binary("BitwiseOr", x, y, name)


def bitwise_xor(x, y, name=None):
    return _binary("BitwiseXor", x, y, name)


def left_shift(x, y, name=None):
    return _binary("LeftShift", x, y, name)


def right_shift(x, y, name=None):
    return _binary("RightShift", x, y, name)


def invert(x, name=None):
    """Flip every bit of an integer tensor (``~x``)."""
    return make_unary("Invert", x, name)
