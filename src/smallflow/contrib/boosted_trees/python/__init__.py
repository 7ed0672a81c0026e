"""``tf.contrib.boosted_trees.python``: ``utils.losses``."""

from . import utils

__all__ = ["utils"]
