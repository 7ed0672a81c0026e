"""``tf.strings``: element-wise operations on ``tf.string`` tensors."""

from .ops.string_extra_ops import (
    length,
    lower,
    reduce_join,
    regex_full_match,
    regex_replace,
    split,
    strip,
    substr,
    upper,
)
from .ops.string_hash_ops import string_to_hash_bucket as to_hash_bucket
from .ops.string_hash_ops import string_to_hash_bucket_fast as to_hash_bucket_fast
from .ops.string_hash_ops import string_to_hash_bucket_strong as to_hash_bucket_strong
from .ops.string_ops import as_string, join, string_to_number, to_number
from .ops.string_text_ops import (
    format,  # noqa: A004 - TensorFlow's public name
    ngrams,
    unsorted_segment_join,
)
from .ops.unicode_ops import unicode_transcode
from .ops.unicode_script_ops import unicode_script
from .ragged.ragged_string_ops import (
    bytes_split,
    unicode_decode,
    unicode_decode_with_offsets,
    unicode_encode,
    unicode_split,
    unicode_split_with_offsets,
)

__all__ = ["as_string", "bytes_split", "join", "length", "lower", "reduce_join", "regex_full_match",
           "regex_replace", "split", "string_to_number", "strip", "substr", "to_hash_bucket",
           "to_hash_bucket_fast", "to_hash_bucket_strong", "to_number", "upper", "format",
           "ngrams", "unicode_decode", "unicode_decode_with_offsets", "unicode_encode",
           "unicode_script", "unicode_split", "unicode_split_with_offsets",
           "unicode_transcode", "unsorted_segment_join"]
