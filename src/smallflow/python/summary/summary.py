"""``tensorflow.python.summary.summary``: the functions of ``tf.summary``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("summary",))
