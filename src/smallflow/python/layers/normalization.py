"""``tensorflow.python.layers.normalization``: ``BatchNormalization`` and its function."""

from .._public import listed_getattr

_NAMES = ["BatchNormalization", "batch_normalization"]

__getattr__ = listed_getattr(__name__, "layers", _NAMES)
