"""``tensorflow.python.layers.core``: ``Dense``, ``Dropout``, ``Flatten`` and their function
forms, as TF1 programs import them (``from tensorflow.python.layers.core import Dense``)."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("layers",))
