"""``tensorflow.python.framework.sparse_tensor``: ``SparseTensor``, ``SparseTensorValue``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("", "sparse"))
