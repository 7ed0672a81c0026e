"""``tensorflow.python.layers.base``: the ``Layer`` base class and ``InputSpec``."""

from .._public import listed_getattr

_NAMES = ["InputSpec", "Layer"]

__getattr__ = listed_getattr(__name__, "layers", _NAMES)
