"""``tensorflow.python.layers.pooling``: the pooling layers and their functions."""

from .._public import listed_getattr

_NAMES = [
    "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "MaxPooling1D", "MaxPooling2D",
    "MaxPooling3D", "average_pooling1d", "average_pooling2d", "average_pooling3d",
    "max_pooling1d", "max_pooling2d", "max_pooling3d",
]

# The module's short spellings, each standing for a public name.
_ALIASES = {
    "AvgPool2D": "AveragePooling2D", "MaxPool2D": "MaxPooling2D",
    "avg_pool2d": "average_pooling2d", "max_pool2d": "max_pooling2d",
}

__getattr__ = listed_getattr(__name__, "layers", _NAMES, _ALIASES)
