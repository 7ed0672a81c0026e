"""``tensorflow.contrib.learn.python.learn``: the same modules as ``tf.contrib.learn``."""

from ... import preprocessing  # noqa: F401  (re-export under TF1's long path)
from . import datasets

__all__ = ["datasets", "preprocessing"]
