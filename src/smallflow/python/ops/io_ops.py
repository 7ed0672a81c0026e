"""``tensorflow.python.ops.io_ops``: readers, ``read_file``, ``write_file``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("io", ""))
