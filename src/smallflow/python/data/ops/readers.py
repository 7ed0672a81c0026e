"""``tensorflow.python.data.ops.readers``: the public ``tf.data`` names of the same names."""

from ..._public import public_getattr

__getattr__ = public_getattr(__name__, ("data", "data.experimental"))
