"""``tensorflow.python.compat.compat``: ``forward_compatible`` and its horizon block."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("compat",))
