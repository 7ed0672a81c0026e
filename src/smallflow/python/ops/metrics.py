"""``tensorflow.python.ops.metrics``: the streaming metrics of ``tf.metrics``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("metrics",))
