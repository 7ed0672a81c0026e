"""``tensorflow.python.ops.custom_gradient``: ``custom_gradient`` (``tf.custom_gradient``)."""

from ...ops.script_ops import custom_gradient

__all__ = ["custom_gradient"]
