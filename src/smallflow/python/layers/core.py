"""``tensorflow.python.layers.core``: the core layers (``from ... import Dense`` in TF1 code)."""

from .._public import listed_getattr

_NAMES = ["Dense", "Dropout", "Flatten", "dense", "dropout", "flatten"]

# TF1 keeps these older spellings in the module (not in tf.layers).
_ALIASES = {"FullyConnected": "Dense", "fully_connected": "dense"}

__getattr__ = listed_getattr(__name__, "layers", _NAMES, _ALIASES)
