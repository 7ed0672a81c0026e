"""``tensorflow.python.training.training``: the functions and classes of ``tf.train``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("train",))
