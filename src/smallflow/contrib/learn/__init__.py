"""``tf.contrib.learn``: only ``datasets.mnist`` (the bundled MNIST reader) is provided."""

from .._missing import missing_attribute
from . import datasets

__all__ = ["datasets"]

__getattr__ = missing_attribute(__name__, "tf.contrib.learn")
