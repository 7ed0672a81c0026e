"""``tensorflow.python.ops.gen_array_ops``: raw array ops, as the public functions."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("",))
