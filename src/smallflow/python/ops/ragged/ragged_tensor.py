"""``tensorflow.python.ops.ragged.ragged_tensor``: ``RaggedTensor`` and ``is_ragged``."""

from ..._public import listed_getattr

__getattr__ = listed_getattr(__name__, "ragged", ("RaggedTensor", "is_ragged"))
