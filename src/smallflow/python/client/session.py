"""``tensorflow.python.client.session``: ``Session``, ``InteractiveSession``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("",))
