"""``tensorflow.python.ops.parsing_ops``: example parsing (``tf.io``)."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("io", ""))
