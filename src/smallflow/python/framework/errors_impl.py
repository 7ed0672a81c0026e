"""``tensorflow.python.framework.errors_impl``: the error classes of ``tf.errors``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("errors",))
