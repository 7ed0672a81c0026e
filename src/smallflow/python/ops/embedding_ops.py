"""``tensorflow.python.ops.embedding_ops``: ``embedding_lookup`` and its kin."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("nn", ""))
