"""``tf.strings.unicode_decode`` and the other Unicode ops that take or give RaggedTensors,
and ``tf.ragged.placeholder``.

As in TensorFlow, the flat kernels (``ops/unicode_ops.py``) see vectors: a string tensor of
any rank is flattened (its ragged dimensions kept as row partitions) and decoded to code
points with one row per string, and the result takes the input's row partitions back, so an
``N``-dimensional input gives an ``N + 1``-dimensional RaggedTensor (a dense vector for a
scalar). Encoding goes the other way: the last (ragged or dense) dimension of code points
becomes one string.
"""

from .. import dtypes
from ..graph import convert_to_tensor, get_default_graph
from ..ops import array_ops as _array
from ..ops import math_ops as _math
from ..ops.constant_op import placeholder as _placeholder
from ..ops.unicode_ops import unicode_decode_flat, unicode_encode_flat
from ..tensor_shape import TensorShape
from .ragged_tensor import RaggedTensor, RaggedTensorValue

__all__ = ["placeholder", "unicode_decode", "unicode_decode_with_offsets", "unicode_encode",
           "unicode_split", "unicode_split_with_offsets"]


def _tensor_or_ragged(value, name, dtype=None):
    if isinstance(value, RaggedTensorValue):
        # A value (as ragged.constant_value gives): constants of its parts, as TensorFlow's
        # convert_to_tensor_or_ragged_tensor.
        flat = value.flat_values
        flat = convert_to_tensor(flat, dtype=dtypes.string if flat.dtype == object else None,
                                 name=name)
        value = RaggedTensor.from_nested_row_splits(
            flat, [convert_to_tensor(splits) for splits in value.nested_row_splits],
            validate=False)
    if isinstance(value, RaggedTensor):
        if dtype is not None and value.dtype != dtype:
            raise TypeError(f"{name} must have dtype {dtype.name}, got {value.dtype.name}")
        return value
    return convert_to_tensor(value, dtype=dtype, name=name)


def _decode(input, input_encoding, errors, replacement_char,  # noqa: A002
            replace_control_characters, with_offsets):
    """Decode every string of ``input`` (a Tensor or RaggedTensor of any static rank)."""
    input = _tensor_or_ragged(input, "input", dtypes.string)  # noqa: A001
    ndims = input.shape.ndims
    if ndims is None:
        raise ValueError("Rank of `input` must be statically known.")
    if ndims > 1:
        # Every dimension but the last becomes a row partition of the result.
        if not isinstance(input, RaggedTensor):
            input = RaggedTensor.from_tensor(input, ragged_rank=ndims - 1)  # noqa: A001
        elif input.ragged_rank < ndims - 1:
            inner = RaggedTensor.from_tensor(input.flat_values,
                                             ragged_rank=ndims - input.ragged_rank - 1)
            input = input.with_flat_values(inner)  # noqa: A001
    flat = input.flat_values if isinstance(input, RaggedTensor) else input
    flat = _array.reshape(flat, [-1])
    outputs = unicode_decode_flat(flat, input_encoding, errors, replacement_char,
                                  replace_control_characters, with_offsets)
    splits, parts = outputs[0], outputs[1:]
    if ndims == 0:
        results = list(parts)
    else:
        results = []
        for part in parts:
            rows = RaggedTensor.from_row_splits(part, splits, validate=False)
            results.append(input.with_flat_values(rows) if ndims > 1 else rows)
    return tuple(results) if with_offsets else results[0]


def unicode_decode(input, input_encoding, errors="replace",  # noqa: A002
                   replacement_char=0xFFFD, replace_control_characters=False, name=None):
    """The Unicode code points (int32) of each string of ``input``: a RaggedTensor with one
    more (ragged) dimension, or a vector for a scalar string. Malformed input is replaced by
    ``replacement_char`` (``errors="replace"``), skipped (``"ignore"``) or an
    InvalidArgumentError (``"strict"``); ``replace_control_characters`` replaces
    U+0000..U+001F too."""
    with get_default_graph().name_scope(name or "UnicodeDecode"):
        return _decode(input, input_encoding, errors, replacement_char,
                       replace_control_characters, with_offsets=False)


def unicode_decode_with_offsets(input, input_encoding, errors="replace",  # noqa: A002
                                replacement_char=0xFFFD, replace_control_characters=False,
                                name=None):
    """``(codepoints, start_offsets)``: ``unicode_decode``'s code points and the byte
    offset (int64) where each character starts in its string."""
    with get_default_graph().name_scope(name or "UnicodeDecodeWithOffsets"):
        return _decode(input, input_encoding, errors, replacement_char,
                       replace_control_characters, with_offsets=True)


def _encode_rows(rt, output_encoding, errors, replacement_char):
    """Encode a RaggedTensor whose last dimension holds the code points of each string."""
    if rt.flat_values.shape.ndims is not None and rt.flat_values.shape.ndims > 1:
        encoded = unicode_encode(rt.flat_values, output_encoding, errors, replacement_char)
        return rt.with_flat_values(encoded)
    if isinstance(rt.values, RaggedTensor):
        return rt.with_values(_encode_rows(rt.values, output_encoding, errors,
                                           replacement_char))
    return unicode_encode_flat(rt.values, rt.row_splits, output_encoding, errors,
                               replacement_char)


def unicode_encode(input, output_encoding, errors="replace",  # noqa: A002
                   replacement_char=65533, name=None):
    """Encode each sequence of code points (the last dimension of ``input``, a Tensor or a
    RaggedTensor of int32) as one UTF-8, UTF-16-BE or UTF-32-BE string; code points outside
    0..0x10FFFF are replaced, skipped or an error as ``errors`` says."""
    with get_default_graph().name_scope(name or "UnicodeEncode"):
        input = _tensor_or_ragged(input, "input")  # noqa: A001
        if input.shape.ndims is None:
            raise ValueError("Rank of input_tensor must be statically known.")
        if isinstance(input, RaggedTensor):
            return _encode_rows(input, output_encoding, errors, replacement_char)
        ndims = input.shape.ndims
        if ndims == 0:
            raise ValueError("input_tensor's rank must be at least 1.")
        if ndims == 1:
            size = _math.cast(_array.shape(input)[0], dtypes.int64)
            splits = _array.stack([_array.constant(0, dtype=dtypes.int64), size])
            encoded = unicode_encode_flat(input, splits, output_encoding, errors,
                                          replacement_char)
            return _array.reshape(encoded, [])
        if ndims == 2:
            return _encode_rows(RaggedTensor.from_tensor(input), output_encoding, errors,
                                replacement_char)
        dims = _array.shape(input)
        rows = _array.reshape(input, _array.stack([-1, dims[-1]]))
        encoded = unicode_encode(rows, output_encoding, errors, replacement_char)
        return _array.reshape(encoded, dims[:-1])


def _split(input, input_encoding, errors, replacement_char, with_offsets):  # noqa: A002
    decoded = _decode(input, input_encoding, errors, replacement_char, False, with_offsets)
    codepoints = decoded[0] if with_offsets else decoded
    # Each character alone is one row of code points, encoded back in the input's encoding.
    flat = codepoints.flat_values if isinstance(codepoints, RaggedTensor) else codepoints
    count = _math.cast(_array.size(flat), dtypes.int64)
    one_per_row = _math.range(count + 1, dtype=dtypes.int64)
    chars = unicode_encode_flat(flat, one_per_row, input_encoding, errors, replacement_char)
    if isinstance(codepoints, RaggedTensor):
        chars = codepoints.with_flat_values(chars)
    return (chars, decoded[1]) if with_offsets else chars


def unicode_split(input, input_encoding, errors="replace",  # noqa: A002
                  replacement_char=0xFFFD, name=None):
    """The characters of each string, each as a string in ``input_encoding``: a
    RaggedTensor of strings with one more dimension (a vector for a scalar)."""
    with get_default_graph().name_scope(name or "UnicodeSplit"):
        return _split(input, input_encoding, errors, replacement_char, with_offsets=False)


def unicode_split_with_offsets(input, input_encoding, errors="replace",  # noqa: A002
                               replacement_char=0xFFFD, name=None):
    """``(chars, start_offsets)``: ``unicode_split``'s characters and their byte offsets."""
    with get_default_graph().name_scope(name or "UnicodeSplitWithOffsets"):
        return _split(input, input_encoding, errors, replacement_char, with_offsets=True)


def bytes_split(input, name=None):  # noqa: A002
    """The bytes of each string, each a one-byte string: a RaggedTensor with one more
    dimension (a vector for a scalar), as ``tf.strings.bytes_split``."""
    from ..ops.string_extra_ops import string_split

    with get_default_graph().name_scope(name or "BytesSplit"):
        input = _tensor_or_ragged(input, "input", dtypes.string)  # noqa: A001
        ndims = input.shape.ndims
        if ndims is None:
            raise ValueError("input must have a statically-known rank.")
        if ndims > 1 and not isinstance(input, RaggedTensor):
            input = RaggedTensor.from_tensor(input, ragged_rank=ndims - 1)  # noqa: A001
        flat = input.flat_values if isinstance(input, RaggedTensor) else input
        if isinstance(input, RaggedTensor) and flat.shape.ndims > 1:
            raise ValueError("bytes_split: the strings of a RaggedTensor input must be its "
                             f"flat values' only dimension, got {flat.shape}")
        # An empty delimiter splits each string into its bytes (TF 1.x's string_split).
        pieces = string_split(_array.reshape(flat, [-1]), delimiter="")
        rows = RaggedTensor.from_sparse(pieces)
        if ndims == 0:
            return rows.flat_values
        return input.with_flat_values(rows) if ndims > 1 else rows


def placeholder(dtype, ragged_rank, value_shape=None, name=None):
    """A RaggedTensor of placeholders (flat values, then the row splits of each ragged
    dimension, innermost first), fed with a ``tf.ragged.RaggedTensorValue``."""
    if ragged_rank == 0:
        return _placeholder(dtype, value_shape, name)
    with get_default_graph().name_scope(name or "RaggedPlaceholder"):
        # As TensorFlow: no value_shape leaves even the flat values' rank unknown.
        flat_shape = None if value_shape is None else (
            TensorShape([None]).concatenate(TensorShape(value_shape)))
        result = _placeholder(dtype, flat_shape, "flat_values")
        for level in reversed(range(ragged_rank)):
            splits = _placeholder(dtypes.int64, [None], f"row_splits_{level}")
            result = RaggedTensor.from_row_splits(result, splits, validate=False)
        return result

