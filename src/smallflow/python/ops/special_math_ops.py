"""``tensorflow.python.ops.special_math_ops``: ``einsum``, ``lbeta`` and the special functions."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("", "math", "linalg"))
