"""``tf.contrib.tensorboard.plugins``: only ``projector`` exists in TensorFlow 1.x too."""

from . import projector

__all__ = ["projector"]
