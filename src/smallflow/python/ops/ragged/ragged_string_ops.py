"""``tensorflow.python.ops.ragged.ragged_string_ops``: the string ops giving RaggedTensors
(``unicode_decode``, ``unicode_split``, ...), as ``tf.strings`` spells them."""

from ..._public import public_getattr

__getattr__ = public_getattr(__name__, ("strings",), aliases={
    "string_split_v2": "strings.split",
    "strings_split_v1": "string_split",
    "string_bytes_split": "strings.bytes_split",
})
