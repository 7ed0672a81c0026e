"""``tensorflow.python.ops.sort_ops``: ``sort``, ``argsort``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("",))
