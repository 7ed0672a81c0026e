"""``tensorflow.python.ops.string_ops``: the public TF1 functions of the same names, and the
module's own names of the ``tf.strings`` functions (``string_length`` is ``tf.strings.length``)."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("", "strings", "math", "nn"), aliases={
    "string_length": "strings.length",
    "string_lower": "strings.lower",
    "string_upper": "strings.upper",
    "string_format": "strings.format",
    "string_strip": "strings.strip",
    "string_split_v2": "strings.split",
    "unicode_script": "strings.unicode_script",
    "unicode_transcode": "strings.unicode_transcode",
})
