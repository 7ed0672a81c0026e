"""``tensorflow.contrib.slim.python``: the package TF1 programs reach TF-Slim's modules
through by their long paths (``from tensorflow.contrib.slim.python.slim.nets.inception_v3
import inception_v3_base``, im2txt's)."""

from . import slim

__all__ = ["slim"]
