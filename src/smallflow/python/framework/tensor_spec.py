"""``tensorflow.python.framework.tensor_spec``: ``TensorSpec``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("",))
