"""``tensorflow.python.eager.def_function``: ``function``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("",))
