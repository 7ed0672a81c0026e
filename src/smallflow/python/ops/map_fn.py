"""``tensorflow.python.ops.map_fn``: ``map_fn``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("",))
