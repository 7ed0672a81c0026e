"""``tensorflow.python.ops.logging_ops``: ``Print``, ``print``, summaries' ops."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("",))
