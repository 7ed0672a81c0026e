"""``tensorflow.python.ops.standard_ops``: the op functions TensorFlow gathers in one
module (``standard_ops.matmul``, ``standard_ops.add``, ...), answered by the public API."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("", "math", "nn"))
