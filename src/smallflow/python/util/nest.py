"""``tensorflow.python.util.nest``: ``tf.nest``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("nest",))
