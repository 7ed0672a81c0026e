"""``tf.strings``: element-wise operations on ``tf.string`` tensors."""

from .ops.string_ops import as_string, join, string_to_number, to_number

__all__ = ["as_string", "join", "string_to_number", "to_number"]
