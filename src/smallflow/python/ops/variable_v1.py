"""``tensorflow.python.ops.variable_v1``: ``VariableV1``, TensorFlow 1.x's ``tf.Variable``
(smallflow has one kind of variable)."""

from ...variables import Variable as VariableV1

__all__ = ["VariableV1"]
