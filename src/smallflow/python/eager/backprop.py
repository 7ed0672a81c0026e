"""``tensorflow.python.eager.backprop``: ``GradientTape``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("",))
