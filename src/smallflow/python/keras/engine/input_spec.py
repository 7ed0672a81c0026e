"""``tensorflow.python.keras.engine.input_spec``: ``InputSpec``, the class of
``tf.layers.InputSpec`` (one class for Keras and tf.layers, as in TensorFlow 1.x)."""

from ....layers.base import InputSpec

__all__ = ["InputSpec"]
