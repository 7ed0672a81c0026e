"""``tensorflow.python.ops.tensor_array_ops``: ``TensorArray``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("",))
