"""``tensorflow.python.framework.ops``: graphs, tensors, name scopes, collections."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__)
