"""``tensorflow.python.ops.linalg.linalg``: the functions of ``tf.linalg``."""

from ..._public import public_getattr
from . import linalg_impl  # noqa: F401 - TensorFlow's module exposes it too

__getattr__ = public_getattr(__name__, ("linalg", ""))
