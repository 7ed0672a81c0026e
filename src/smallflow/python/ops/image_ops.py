"""``tensorflow.python.ops.image_ops``: the functions of ``tf.image``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("image",))
