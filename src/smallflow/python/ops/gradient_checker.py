"""``tensorflow.python.ops.gradient_checker``: ``tf.test.compute_gradient`` and its error."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("test",))
