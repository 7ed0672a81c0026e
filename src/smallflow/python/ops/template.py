"""``tensorflow.python.ops.template``: ``make_template``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("",))
