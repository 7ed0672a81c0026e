"""``tensorflow.python.training.adam``: ``AdamOptimizer``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("train",))
