"""``tensorflow.python.layers.normalization``: ``BatchNormalization`` and its function."""

from .._public import listed_getattr

__all__ = ["BatchNormalization", "batch_normalization"]

__getattr__ = listed_getattr(__name__, "layers", __all__)
