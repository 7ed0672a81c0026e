"""``tensorflow.python.ops.gen_math_ops``: raw math ops, as the public functions."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("", "math"))
