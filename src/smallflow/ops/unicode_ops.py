"""TensorFlow's Unicode kernels: ``UnicodeDecode``, ``UnicodeDecodeWithOffsets``,
``UnicodeEncode``, ``UnicodeTranscode`` and ``UnicodeScript``.

These are the flat ops under ``tf.strings.unicode_*``: decoding gives the code points of all
the strings of a vector one after the other, with the ``row_splits`` that cut them into
strings; encoding takes code points and splits and gives one string per row. The ragged
wrappers users call live in ``ragged/ragged_string_ops.py``.

Decoding follows ICU's converters as TensorFlow calls them, one character at a time: a
maximal ill-formed subsequence (the longest prefix of a valid sequence, or one byte) is one
error, replaced by ``replacement_char``, skipped (``errors="ignore"``) or an error
(``"strict"``); ``replace_control_characters`` treats U+0000..U+001F as such an error, but
never fails for them. Python's codecs find the same maximal subsequences (both follow the
Unicode standard's recommended practice; the oracle cases check UTF-8, UTF-16-BE and
UTF-32-BE on broken input), so each string is decoded strictly and restarted after each
error.
"""

import codecs

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor
from ..op_signature import INDEX, signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape
from .common import composite_dispatch, make_op, same_shape

_OUTPUT_ENCODINGS = {"UTF-8": "utf-8", "UTF-16-BE": "utf-16-be", "UTF-32-BE": "utf-32-be"}
_ERRORS = ("strict", "replace", "ignore")
_MAX_CODE_POINT = 0x10FFFF
_FORMAT_ERROR = "Invalid formatting on input string"


def check_error_options(op_type, errors, replacement_char):
    """TensorFlow's attr checks, made when the op is built."""
    if errors not in _ERRORS:
        raise ValueError(f"Attr 'errors' of '{op_type}' Op passed string '{errors}' not in: "
                         f"\"strict\", \"replace\", \"ignore\".")
    int(replacement_char)  # its range is the kernel's check, when the graph runs


def _checked_replacement(attrs):
    """The kernel's ``replacement_char``: out of Unicode's range fails the run, as
    TensorFlow's kernel does (the op builds)."""
    replacement = attrs["replacement_char"]
    if not 0 <= int(replacement) <= _MAX_CODE_POINT:
        raise InvalidArgumentError(None, None,
                                   "replacement_char out of unicode codepoint range")
    return replacement


def _output_codec(op_type, output_encoding):
    if output_encoding not in _OUTPUT_ENCODINGS:
        raise ValueError(f"Attr 'output_encoding' of '{op_type}' Op passed string "
                         f"'{output_encoding}' not in: \"UTF-8\", \"UTF-16-BE\", "
                         f"\"UTF-32-BE\".")
    return _OUTPUT_ENCODINGS[output_encoding]


def input_codec(input_encoding):
    """The Python codec for an ICU converter name (UTF-8, UTF-16-BE, ISO-8859-1, ...)."""
    try:
        return codecs.lookup(input_encoding).name
    except (LookupError, TypeError):
        raise InvalidArgumentError(None, None, f"Could not create converter for input "
                                               f"encoding: {input_encoding}") from None


def _char_width(codec):
    """Bytes per character of a decoded character, for the fixed forms; None: re-encode."""
    if codec == "utf-8":
        return lambda c: 1 if c < 0x80 else 2 if c < 0x800 else 3 if c < 0x10000 else 4
    if codec in ("utf-16-be", "utf-16-le"):
        return lambda c: 2 if c < 0x10000 else 4
    if codec in ("utf-32-be", "utf-32-le"):
        return lambda c: 4
    return None


def decode_steps(data, codec):
    """The characters of ``data`` as ICU's ``ucnv_getNextUChar`` hands them over:
    ``(code_point, bytes_consumed, is_error)`` triples, each maximal ill-formed subsequence
    one error."""
    width = _char_width(codec)
    steps = []
    position = 0
    while position < len(data):
        try:
            text = data[position:].decode(codec)
            bad = None
        except UnicodeDecodeError as err:
            text = data[position : position + err.start].decode(codec)
            bad = (err.start, err.end)
        for char in text:
            point = ord(char)
            size = width(point) if width else len(char.encode(codec))
            steps.append((point, size, False))
        if bad is None:
            break
        steps.append((0xFFFD, bad[1] - bad[0], True))
        position += bad[1]
    return steps


def _decode_rows(strings, codec, attrs):
    """Code points, byte offsets and row splits of a vector of strings."""
    policy = attrs["errors"]
    replacement = _checked_replacement(attrs)
    controls = attrs["replace_control_characters"]
    points, offsets, splits = [], [], [0]
    for item in strings:
        offset = 0
        for point, size, is_error in decode_steps(bytes(item), codec):
            if is_error and policy == "strict":
                raise InvalidArgumentError(None, None, _FORMAT_ERROR)
            if is_error or (controls and point <= 0x1F):
                if policy == "ignore":
                    offset += size
                    continue
                point = replacement
            points.append(point)
            offsets.append(offset)
            offset += size
        splits.append(len(points))
    return points, offsets, splits


def _decode_kernel(with_offsets):
    def build(attrs):
        splits_type = attrs["Tsplits"].as_numpy_dtype
        # As TensorFlow, an unknown encoding fails when the kernel is made (the first run).
        codec = input_codec(attrs["input_encoding"])

        def decode(strings):
            points, offsets, splits = _decode_rows(strings.reshape(-1), codec, attrs)
            out = (np.array(splits, dtype=splits_type), np.array(points, dtype=np.int32))
            if with_offsets:
                return (*out, np.array(offsets, dtype=splits_type))
            return out

        return decode

    return build


def _decode_shapes(op):
    size = op.inputs[0].shape.num_elements()
    splits = TensorShape([None if size is None else size + 1])
    return [splits] + [TensorShape([None])] * (len(op.outputs) - 1)


_DECODE_ATTRS = dict(Tsplits=INDEX)
register_op("UnicodeDecode", _decode_kernel(False), _decode_shapes,
            signature=signature("input: string -> row_splits: Tsplits, char_values: int32",
                                **_DECODE_ATTRS))
register_op("UnicodeDecodeWithOffsets", _decode_kernel(True), _decode_shapes,
            signature=signature("input: string -> row_splits: Tsplits, char_values: int32, "
                                "char_to_byte_starts: int64", **_DECODE_ATTRS))
NotDifferentiable("UnicodeDecode")
NotDifferentiable("UnicodeDecodeWithOffsets")


def _decode_attrs(op_type, input_encoding, errors, replacement_char,
                  replace_control_characters, tsplits):
    check_error_options(op_type, errors, replacement_char)
    return {"input_encoding": input_encoding, "errors": errors,
            "replacement_char": int(replacement_char),
            "replace_control_characters": bool(replace_control_characters),
            "Tsplits": dtypes.as_dtype(tsplits)}


def unicode_decode_flat(input, input_encoding, errors="replace",  # noqa: A002
                        replacement_char=0xFFFD, replace_control_characters=False,
                        with_offsets=False, tsplits=dtypes.int64, name=None):
    """The raw decode op on a vector of strings: ``(row_splits, char_values)``, and
    ``char_to_byte_starts`` with offsets."""
    op_type = "UnicodeDecodeWithOffsets" if with_offsets else "UnicodeDecode"
    attrs = _decode_attrs(op_type, input_encoding, errors, replacement_char,
                          replace_control_characters, tsplits)
    x = convert_to_tensor(input, dtype=dtypes.string, name="input")
    tsplits = attrs["Tsplits"]
    out_types = [tsplits, dtypes.int32] + ([dtypes.int64] if with_offsets else [])
    return make_op(op_type, [x], out_types, attrs, name).outputs


# -- UnicodeEncode ---------------------------------------------------------------------------


def _encode_text(points, codec):
    """Code points as ICU's UnicodeString holds them (UTF-16 units, so a lone high
    surrogate code point followed by a low one becomes one character), then encoded:
    UTF-16-BE writes the units as they are, UTF-32-BE the characters with any surrogate left
    unpaired as it is, UTF-8 such a surrogate as U+FFFD."""
    raw = b"".join(chr(point).encode("utf-16-be", "surrogatepass") for point in points)
    if codec == "utf-16-be":
        return raw
    text = raw.decode("utf-16-be", "surrogatepass")
    if codec == "utf-32-be":
        return text.encode("utf-32-be", "surrogatepass")
    return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text).encode()


def _is_scalar_value(point):
    # TensorFlow 1.15's kernel refused only values outside 0..0x10FFFF (a surrogate went
    # into ICU's string as a lone unit); TensorFlow 2's refuses surrogates too, and its
    # behaviour is the one checked here.
    return 0 <= point <= _MAX_CODE_POINT and not 0xD800 <= point <= 0xDFFF


def _encode_kernel(attrs):
    codec = _OUTPUT_ENCODINGS[attrs["output_encoding"]]
    policy = attrs["errors"]
    replacement = _checked_replacement(attrs)

    def encode(values, splits):
        values = values.reshape(-1)
        out = np.empty(max(len(splits) - 1, 0), dtype=object)
        for row in range(len(out)):
            points = []
            for point in values[splits[row] : splits[row + 1]]:
                point = int(point)
                if not _is_scalar_value(point):
                    if policy == "strict":
                        raise InvalidArgumentError(
                            None, None, "Code point is out of range for Unicode, or is a "
                                        "surrogate.")
                    if policy == "ignore":
                        continue
                    point = replacement
                points.append(point)
            out[row] = _encode_text(points, codec)
        return out

    return encode


def _encode_shape(op):
    splits = op.inputs[1].shape
    rows = splits.num_elements() if splits.ndims == 1 else None
    return [TensorShape([None if rows is None else rows - 1])]


register_op("UnicodeEncode", _encode_kernel, _encode_shape,
            signature=signature("input_values: int32, input_splits: Tsplits -> "
                                "output: string", Tsplits=INDEX))
NotDifferentiable("UnicodeEncode")


def unicode_encode_flat(values, splits, output_encoding, errors="replace",
                        replacement_char=65533, name=None):
    """The raw encode op: one string per row of ``values`` cut by ``splits``."""
    _output_codec("UnicodeEncode", output_encoding)
    check_error_options("UnicodeEncode", errors, replacement_char)
    values = convert_to_tensor(values, dtype=dtypes.int32, name="input_values")
    splits = convert_to_tensor(splits, name="input_splits", preferred_dtype=dtypes.int64)
    attrs = {"output_encoding": output_encoding, "errors": errors,
             "replacement_char": int(replacement_char)}
    return make_op("UnicodeEncode", [values, splits], [dtypes.string], attrs,
                   name).outputs[0]


# -- UnicodeTranscode ------------------------------------------------------------------------


def _transcode_kernel(attrs):
    source = input_codec(attrs["input_encoding"])
    target = _OUTPUT_ENCODINGS[attrs["output_encoding"]]
    policy = attrs["errors"]
    replacement = _checked_replacement(attrs)
    controls = attrs["replace_control_characters"]

    def transcode(x):
        out = np.empty(x.shape, dtype=object)
        flat = out.reshape(-1)
        failed = False
        for index, item in enumerate(x.flat):
            points = []
            for point, _, is_error in decode_steps(bytes(item), source):
                if is_error or (controls and point <= 0x1F):
                    failed = True
                    if policy == "ignore":
                        continue
                    point = replacement
                points.append(point)
            flat[index] = _encode_text(points, target)
        # TensorFlow transcodes everything, then fails if any string was malformed (or,
        # as its kernel counts them, had a replaced control character).
        if failed and policy == "strict":
            raise InvalidArgumentError(None, None, _FORMAT_ERROR)
        return out

    return transcode


register_op("UnicodeTranscode", _transcode_kernel, same_shape,
            signature=signature("input: string -> output: string"))
NotDifferentiable("UnicodeTranscode")


def unicode_transcode(input, input_encoding, output_encoding, errors="replace",  # noqa: A002
                      replacement_char=65533, replace_control_characters=False, name=None):
    """Re-encode each string from ``input_encoding`` (an ICU converter name Python knows:
    UTF-8, UTF-16-BE, ISO-8859-1, US-ASCII...) to UTF-8, UTF-16-BE or UTF-32-BE; invalid
    input is replaced by ``replacement_char``, skipped, or an error."""
    _output_codec("UnicodeTranscode", output_encoding)
    check_error_options("UnicodeTranscode", errors, replacement_char)
    dispatch = composite_dispatch(input)
    if dispatch is not None:  # a RaggedTensor of strings
        return dispatch("unary", lambda v: unicode_transcode(
            v, input_encoding, output_encoding, errors, replacement_char,
            replace_control_characters, name), input)
    x = convert_to_tensor(input, dtype=dtypes.string, name="input")
    attrs = {"input_encoding": input_encoding, "output_encoding": output_encoding,
             "errors": errors, "replacement_char": int(replacement_char),
             "replace_control_characters": bool(replace_control_characters)}
    return make_op("UnicodeTranscode", [x], [dtypes.string], attrs, name).outputs[0]

