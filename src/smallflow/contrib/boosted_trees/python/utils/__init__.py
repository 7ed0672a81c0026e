"""``tf.contrib.boosted_trees.python.utils``: ``losses``."""

from . import losses

__all__ = ["losses"]
