"""``tensorflow.python.ops.nn``: the functions of ``tf.nn``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("nn", ""))
