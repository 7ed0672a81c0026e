"""``tensorflow.python.framework.constant_op``: ``constant``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__)
