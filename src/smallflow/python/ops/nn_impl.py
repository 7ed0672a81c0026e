"""``tensorflow.python.ops.nn_impl``: the functions of ``tf.nn``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("nn", ""))
