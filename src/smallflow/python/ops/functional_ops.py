"""``tensorflow.python.ops.functional_ops``: ``foldl``, ``foldr``, ``scan``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("",))
