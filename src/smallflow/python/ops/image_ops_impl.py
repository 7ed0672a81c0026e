"""``tensorflow.python.ops.image_ops_impl``: the module defining ``tf.image``'s functions."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("image",))
