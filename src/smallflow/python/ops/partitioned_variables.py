"""``tensorflow.python.ops.partitioned_variables``: the variable partitioners."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("",))
