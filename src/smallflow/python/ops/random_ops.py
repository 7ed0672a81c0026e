"""``tensorflow.python.ops.random_ops``: the public TF1 functions of the same names."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("", "math", "nn"))
