"""``tensorflow.python.ops.linalg_ops``: the functions of ``tf.linalg``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("linalg", ""))
