"""``tensorflow.python.util.compat``: ``as_bytes``, ``as_text``, ... (``tf.compat``'s)."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("compat",))
