"""``tensorflow.python.ops.gen_string_ops``: the raw string ops, as the public functions.

The ``static_`` variants are TensorFlow's kernels for a pattern known when the graph is
built; ``tf.strings.regex_full_match``/``regex_replace`` take such a pattern too."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("strings", ""), aliases={
    "static_regex_full_match": "strings.regex_full_match",
    "static_regex_replace": "strings.regex_replace",
    "string_length": "strings.length",
    "string_lower": "strings.lower",
    "string_upper": "strings.upper",
    "string_format": "strings.format",
    "string_strip": "strings.strip",
})
