"""``tf.contrib.learn``: ``datasets.mnist`` (the bundled MNIST reader) and
``preprocessing.VocabularyProcessor``."""

from .._missing import missing_attribute
from . import datasets, preprocessing

__all__ = ["datasets", "preprocessing"]

__getattr__ = missing_attribute(__name__, "tf.contrib.learn")
