"""``tensorflow.python.framework.graph_util``: ``tf.graph_util`` (freezing, extracting)."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("graph_util", ""))
