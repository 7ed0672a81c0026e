"""``tensorflow.python.ops.ctc_ops``: the CTC losses and decoders of ``tf.nn``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("nn",))
