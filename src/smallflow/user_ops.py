"""``tf.user_ops``: TensorFlow 1.x's example of a user-defined op (``my_fact``)."""

from . import dtypes
from .ops.constant_op import constant

__all__ = ["my_fact"]


def my_fact():
    """TensorFlow's example user op: a scalar string holding a fact."""
    return constant(b"0! == 1", dtype=dtypes.string, name="Fact")
