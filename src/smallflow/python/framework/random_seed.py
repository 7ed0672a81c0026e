"""``tensorflow.python.framework.random_seed``: ``set_random_seed``, ``get_seed``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("", "random"))
