"""``tensorflow.python.platform.googletest``: ``main``, ``TestCase`` (``tf.test``'s)."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("test",))
