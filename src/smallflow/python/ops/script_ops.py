"""``tensorflow.python.ops.script_ops``: ``py_func``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("",))
