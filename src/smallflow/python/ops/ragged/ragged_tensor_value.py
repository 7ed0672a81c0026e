"""``tensorflow.python.ops.ragged.ragged_tensor_value``: ``RaggedTensorValue``."""

from ..._public import listed_getattr

__getattr__ = listed_getattr(__name__, "ragged", ("RaggedTensorValue",))
