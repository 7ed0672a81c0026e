"""``tensorflow.python.ops.sparse_ops``: ``tf.sparse`` (and the ``tf.sparse_*`` names)."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("sparse", ""))
