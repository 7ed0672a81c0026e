"""``tf.contrib.keras``: TF 1.x's early path to Keras; the same modules as ``tf.keras``."""

from ..keras import datasets, utils

__all__ = ["datasets", "utils"]
