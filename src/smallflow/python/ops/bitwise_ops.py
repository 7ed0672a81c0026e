"""``tensorflow.python.ops.bitwise_ops``: the functions of ``tf.bitwise``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("bitwise",))
