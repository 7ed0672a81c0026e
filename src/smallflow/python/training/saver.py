"""``tensorflow.python.training.saver``: ``Saver`` and the checkpoint functions of ``tf.train``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("train",))
