"""More string ops: ``tf.strings.length/lower/upper/strip/substr`` (in bytes or UTF-8
characters), regular expressions, ``reduce_join``, ``split`` (SparseTensor results), base64.

Values are object arrays of ``bytes`` (see string_ops.py); kernels loop over elements in
Python. Regular expressions are RE2's in TensorFlow and Python's ``re`` here: the two agree on
the syntax they share, and the RE2 constructs Python has but RE2 refuses (look-around,
back-references, possessive quantifiers, conditionals) are refused here too, with RE2's
message, so a pattern that works here works in TensorFlow. Python's ``re`` supports no
``\\pN`` Unicode classes and no ``[[:alpha:]]`` POSIX classes in the bytes patterns it
compiles; those patterns are refused with a message saying so.
"""

import base64
import binascii
import re

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import ShapeError, convert_to_tensor
from ..op_signature import signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, unknown_shape
from .common import (
    broadcast_static,
    composite_dispatch,
    constant_value,
    make_op,
    normalize_axes,
    same_shape,
)
from .sparse_tensor import SparseTensor


def _map_bytes(function, out_dtype=object):
    """A kernel applying ``function`` to every bytes element."""

    def kernel(x):
        out = np.empty(x.shape, dtype=out_dtype)
        flat = out.reshape(-1)
        for index, item in enumerate(x.flat):
            flat[index] = function(item)
        return out

    return kernel


def _string_input(value, op_type, arg="input"):
    tensor = convert_to_tensor(value, name=arg)
    if tensor.dtype != dtypes.string:
        raise TypeError(f"Input '{arg}' of '{op_type}' Op has type {tensor.dtype.name} that "
                        f"does not match expected type of string.")
    return tensor


def _unit(unit):
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"Attr 'unit' of 'StringLength' Op passed string '{unit}' not in: "
                         f'"BYTE", "UTF8_CHAR".')
    return unit


def _utf8_length(item):
    # Code points are counted as TensorFlow does: every byte that is not a continuation byte.
    return sum(1 for byte in item if byte & 0xC0 != 0x80)


# -- length, lower, upper, strip -----------------------------------------------------------


def _length_kernel(attrs):
    count = _utf8_length if attrs["unit"] == "UTF8_CHAR" else len
    return _map_bytes(count, np.int32)


register_op("StringLength", _length_kernel, same_shape,
            signature=signature("input: string -> output: int32"))
NotDifferentiable("StringLength")


def string_length(input, name=None, unit="BYTE"):  # noqa: A002 - TensorFlow's argument name
    """The length of each string in bytes, or in UTF-8 characters (``unit="UTF8_CHAR"``)."""
    dispatch = composite_dispatch(input)
    if dispatch is not None:  # a RaggedTensor of strings
        return dispatch("unary", lambda v: string_length(v, name, unit), input)
    x = _string_input(input, "StringLength")
    return make_op("StringLength", [x], [dtypes.int32], {"unit": _unit(unit)}, name,
                   "StringLength").outputs[0]


length = string_length


def _case_kernel(upper):
    def factory(attrs):
        encoding = attrs["encoding"]
        if encoding == "":
            # No encoding: ASCII letters only, every other byte kept (bytes.lower does that).
            change = bytes.upper if upper else bytes.lower
        else:

            def change(item):
                text = item.decode("utf-8", "replace")
                return (text.upper() if upper else text.lower()).encode("utf-8")

        return _map_bytes(change)

    return factory


for _op, _upper in (("StringLower", False), ("StringUpper", True)):
    register_op(_op, _case_kernel(_upper), same_shape,
                signature=signature("input: string -> output: string"))
    NotDifferentiable(_op)


def _case_op(op_type, input, encoding, name):  # noqa: A002
    if encoding not in ("", "utf-8"):
        raise InvalidArgumentError(None, None, f"Unsupported encoding: {encoding!r} (use '' "
                                               f"for ASCII or 'utf-8')")
    x = _string_input(input, op_type)
    return make_op(op_type, [x], [dtypes.string], {"encoding": encoding}, name).outputs[0]


def lower(input, encoding="", name=None):  # noqa: A002
    """ASCII letters to lower case (every letter with ``encoding="utf-8"``)."""
    return _case_op("StringLower", input, encoding, name)


def upper(input, encoding="", name=None):  # noqa: A002
    """ASCII letters to upper case (every letter with ``encoding="utf-8"``)."""
    return _case_op("StringUpper", input, encoding, name)


register_op("StringStrip", lambda attrs: _map_bytes(bytes.strip), same_shape,
            signature=signature("input: string -> output: string"))
NotDifferentiable("StringStrip")


def string_strip(input, name=None):  # noqa: A002
    """Leading and trailing ASCII whitespace removed."""
    x = _string_input(input, "StringStrip")
    return make_op("StringStrip", [x], [dtypes.string], None, name).outputs[0]


strip = string_strip

# -- substr --------------------------------------------------------------------------------


def _utf8_forward(text, position, count):
    """Move ``count`` UTF-8 characters forward from byte ``position``, as TensorFlow's
    kernels do: one byte, then any continuation bytes. Returns (position, characters)."""
    moved = 0
    while moved < count and position < len(text):
        position += 1
        while position < len(text) and text[position] & 0xC0 == 0x80:
            position += 1
        moved += 1
    return position, moved


def _utf8_backward(text, position, count):
    moved = 0
    while moved < count and position > 0:
        position -= 1
        while position > 0 and text[position] & 0xC0 == 0x80:
            position -= 1
        moved += 1
    return position, moved


def _utf8_span(text, pos, size):
    """Byte range of ``size`` characters from character ``pos`` (None: out of range)."""
    if pos >= 0:
        start, moved = _utf8_forward(text, 0, pos)
    else:
        start, moved = _utf8_backward(text, len(text), -pos)
    if moved < abs(pos):
        return None
    # (A negative size moves nowhere: an empty string, unlike the byte unit's rest.)
    return start, _utf8_forward(text, start, size)[0]


def _substr_kernel(attrs):
    chars = attrs["unit"] == "UTF8_CHAR"

    def cut(text, pos, size, index):
        if chars:
            span = _utf8_span(text, pos, size)
        else:
            total = len(text)
            start = pos if pos >= 0 else total + pos
            span = None if pos > total or pos < -total else (
                start, total if size < 0 else min(total, start + size))
        if span is None:
            raise InvalidArgumentError(None, None, f"pos {pos} out of range for string "
                                                   f"b'{text.decode('utf-8', 'replace')}' "
                                                   f"at index {index}")
        return text[span[0] : span[1]]

    def substr(x, pos, size):
        if pos.shape != size.shape:
            raise InvalidArgumentError(None, None, f"pos and len should have the same shape, "
                                                   f"got: {list(pos.shape)} vs. "
                                                   f"{list(size.shape)}")
        try:
            shape = np.broadcast_shapes(x.shape, pos.shape)
        except ValueError:
            raise InvalidArgumentError(None, None, f"Incompatible shapes: {list(x.shape)} vs. "
                                                   f"{list(pos.shape)}") from None
        texts = np.broadcast_to(x, shape).reshape(-1)
        starts = np.broadcast_to(pos, shape).reshape(-1)
        sizes = np.broadcast_to(size, shape).reshape(-1)
        out = np.empty(shape, dtype=object)
        flat = out.reshape(-1)
        for index in range(flat.size):
            flat[index] = cut(texts[index], int(starts[index]), int(sizes[index]), index)
        return out

    return substr


def _substr_shape(op):
    return [broadcast_static(op.inputs[0].shape, op.inputs[1].shape)]


register_op("Substr", _substr_kernel, _substr_shape,
            signature=signature("input: string, pos: T, len: T -> output: string",
                                T=(dtypes.int32, dtypes.int64)))
NotDifferentiable("Substr")


def substr(input, pos, len, name=None, unit="BYTE"):  # noqa: A002 - TensorFlow's names
    """``len`` bytes (or UTF-8 characters) from ``pos`` of each string (negative ``pos``
    counts from the end; ``len`` past the end, or negative, takes the rest); ``pos`` and
    ``len`` broadcast against ``input``."""
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"Attr 'unit' of 'Substr' Op passed string '{unit}' not in: "
                         f'"BYTE", "UTF8_CHAR".')
    dispatch = composite_dispatch(input)
    if dispatch is not None:  # a RaggedTensor of strings, with scalar pos and len
        return dispatch("unary", lambda v: substr(v, pos, len, name, unit), input)
    x = _string_input(input, "Substr")
    pos = convert_to_tensor(pos, name="pos")
    size = convert_to_tensor(len, dtype=pos.dtype, name="len")
    try:
        broadcast_static(x.shape, pos.shape)
    except ShapeError as err:
        raise ValueError(f"{err} for 'Substr' with input shapes: {x.shape.bracket_str()}, "
                         f"{pos.shape.bracket_str()}") from None
    return make_op("Substr", [x, pos, size], [dtypes.string], {"unit": unit}, name).outputs[0]


# -- regular expressions -------------------------------------------------------------------

# Python syntax that RE2 does not have, with RE2's error text.
_RE2_REFUSED = [
    (re.compile(rb"\(\?<?[=!]"), "invalid perl operator: (?<"),
    (re.compile(rb"(?<!\\)(?:\\\\)*\\[1-9]"), "invalid escape sequence: \\1"),
    (re.compile(rb"\(\?\("), "invalid perl operator: (?("),
    (re.compile(rb"\(\?P=\w+\)"), "invalid named capture group"),
    (re.compile(rb"[*+?}]\+"), "bad repetition operator: ++"),
    (re.compile(rb"\\[pP]"), "\\p and \\P Unicode classes are not supported by smallflow's "
                             "regular expressions"),
    (re.compile(rb"\[\[:\w+:\]\]"), "POSIX classes [[:name:]] are not supported by "
                                    "smallflow's regular expressions"),
]


def _compile(pattern):
    """``pattern`` (bytes) compiled, or InvalidArgumentError with RE2's wording."""
    for refused, message in _RE2_REFUSED:
        if refused.search(pattern):
            raise InvalidArgumentError(None, None, f"Invalid pattern: "
                                                   f"{pattern.decode('utf-8', 'replace')}, "
                                                   f"error: {message}")
    try:
        return re.compile(pattern)
    except re.error as err:
        raise InvalidArgumentError(None, None, f"Invalid pattern: "
                                               f"{pattern.decode('utf-8', 'replace')}, "
                                               f"error: {err}") from None


def _as_bytes(value, what):
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value)
    raise TypeError(f"{what} must be a string, got {type(value).__name__}")


def _rewrite_function(rewrite):
    """RE2's rewrite string (``\\0``..``\\9`` are groups, ``\\\\`` a backslash) as a
    function of a match."""
    pieces = []
    index = 0
    literal = bytearray()
    while index < len(rewrite):
        byte = rewrite[index : index + 1]
        if byte != b"\\":
            literal += byte
            index += 1
            continue
        following = rewrite[index + 1 : index + 2]
        if following.isdigit():
            pieces.append(bytes(literal))
            literal = bytearray()
            pieces.append(int(following))
        elif following == b"\\":
            literal += b"\\"
        else:
            raise InvalidArgumentError(None, None, f"Invalid rewrite pattern: "
                                                   f"{rewrite.decode('utf-8', 'replace')}")
        index += 2
    pieces.append(bytes(literal))
    groups = [p for p in pieces if isinstance(p, int)]

    def check(compiled):
        if groups and max(groups) > compiled.groups:
            raise InvalidArgumentError(None, None, f"Invalid rewrite pattern: "
                                                   f"{rewrite.decode('utf-8', 'replace')}")

    def apply(match):
        return b"".join((match.group(p) or b"") if isinstance(p, int) else p for p in pieces)

    return apply, check


def _full_match(text, compiled):
    return compiled.fullmatch(text) is not None


def _regex_full_match_kernel(attrs):
    if "pattern" in attrs:
        compiled = _compile(attrs["pattern"])
        return _map_bytes(lambda text: _full_match(text, compiled), np.bool_)

    def regex_full_match(x, pattern):
        compiled = _compile(bytes(pattern.item() if isinstance(pattern, np.ndarray)
                                  else pattern))
        return _map_bytes(lambda text: _full_match(text, compiled), np.bool_)(x)

    return regex_full_match


register_op("RegexFullMatch", _regex_full_match_kernel, same_shape,
            signature=signature("input: string, pattern: string -> output: bool"))
register_op("StaticRegexFullMatch", _regex_full_match_kernel, same_shape,
            signature=signature("input: string -> output: bool"))
NotDifferentiable("RegexFullMatch")
NotDifferentiable("StaticRegexFullMatch")


def _scalar_string(value, name, op_type):
    tensor = _string_input(value, op_type, name)
    if tensor.shape.ndims not in (None, 0):
        raise ValueError(f"Shape must be rank 0 but is rank {tensor.shape.ndims} for "
                         f"'{op_type}' ({name})")
    return tensor


def regex_full_match(input, pattern, name=None):  # noqa: A002
    """Whether each whole string matches ``pattern`` (RE2 syntax; see the module note)."""
    x = _string_input(input, "RegexFullMatch")
    if isinstance(pattern, (str, bytes)):
        attrs = {"pattern": _as_bytes(pattern, "pattern")}
        _compile(attrs["pattern"])  # a bad pattern fails when the graph is built
        return make_op("StaticRegexFullMatch", [x], [dtypes.bool], attrs, name).outputs[0]
    pattern = _scalar_string(pattern, "pattern", "RegexFullMatch")
    return make_op("RegexFullMatch", [x, pattern], [dtypes.bool], None, name).outputs[0]


def _replace_one(text, compiled, apply, replace_global):
    return compiled.sub(apply, text, count=0 if replace_global else 1)


def _regex_replace_kernel(attrs):
    replace_global = attrs["replace_global"]
    if "pattern" in attrs:
        compiled = _compile(attrs["pattern"])
        apply, check = _rewrite_function(attrs["rewrite"])
        check(compiled)
        return _map_bytes(lambda text: _replace_one(text, compiled, apply, replace_global))

    def regex_replace(x, pattern, rewrite):
        compiled = _compile(bytes(np.asarray(pattern, dtype=object).item()))
        apply, check = _rewrite_function(bytes(np.asarray(rewrite, dtype=object).item()))
        check(compiled)
        return _map_bytes(lambda text: _replace_one(text, compiled, apply, replace_global))(x)

    return regex_replace


register_op("RegexReplace", _regex_replace_kernel, same_shape,
            signature=signature("input: string, pattern: string, rewrite: string -> "
                                "output: string"))
register_op("StaticRegexReplace", _regex_replace_kernel, same_shape,
            signature=signature("input: string -> output: string"))
NotDifferentiable("RegexReplace")
NotDifferentiable("StaticRegexReplace")


def regex_replace(input, pattern, rewrite, replace_global=True, name=None):  # noqa: A002
    """Replace the matches of ``pattern`` (every one, or the first with
    ``replace_global=False``) by ``rewrite``, where ``\\1``... name groups and ``\\0`` the
    whole match (RE2's rewrite syntax)."""
    x = _string_input(input, "RegexReplace")
    if isinstance(pattern, (str, bytes)) and isinstance(rewrite, (str, bytes)):
        attrs = {"pattern": _as_bytes(pattern, "pattern"),
                 "rewrite": _as_bytes(rewrite, "rewrite"), "replace_global": replace_global}
        _rewrite_function(attrs["rewrite"])[1](_compile(attrs["pattern"]))
        return make_op("StaticRegexReplace", [x], [dtypes.string], attrs, name).outputs[0]
    pattern = _scalar_string(pattern, "pattern", "RegexReplace")
    rewrite = _scalar_string(rewrite, "rewrite", "RegexReplace")
    attrs = {"replace_global": replace_global}
    return make_op("RegexReplace", [x, pattern, rewrite], [dtypes.string], attrs,
                   name).outputs[0]


# -- reduce_join ---------------------------------------------------------------------------


def _reduce_join_kernel(attrs):
    keep_dims = attrs["keep_dims"]
    separator = attrs["separator"]

    def reduce_join(x, axes):
        axes = np.asarray(axes).reshape(-1)
        rank = x.ndim
        for axis in axes:
            if not -rank <= axis < rank:
                raise InvalidArgumentError(None, None, f"Invalid reduction dimension {axis} "
                                                       f"for input with {rank} dimensions.")
        # The axes are joined in the order given, the first one varying fastest (TensorFlow:
        # [[a, b], [c, d]] joined over [0, 1] is "acbd", over [1, 0] "abcd").
        given = [int(a) % rank for a in axes] if rank else []
        if len(set(given)) != len(given):
            raise InvalidArgumentError(None, None, "Duplicate reduction dimension")
        kept = [a for a in range(rank) if a not in given]
        moved = np.transpose(x, kept + given[::-1])
        kept_shape = [x.shape[a] for a in kept]
        count = int(np.prod(kept_shape, dtype=np.int64))
        rows = moved.reshape(count, -1) if moved.size else np.empty((count, 0), dtype=object)
        reduced = set(given)
        out = np.empty(len(rows), dtype=object)
        for index, row in enumerate(rows):
            out[index] = separator.join(row)
        if keep_dims:
            return out.reshape([1 if a in reduced else x.shape[a] for a in range(rank)])
        return out.reshape(kept_shape)

    return reduce_join


def _reduce_join_shape(op):
    shape = op.inputs[0].shape
    axes = constant_value(op.inputs[1])
    if shape.ndims is None or axes is None:
        return [unknown_shape()]
    reduced = set(normalize_axes([int(a) for a in np.asarray(axes).reshape(-1)], shape.ndims))
    dims = shape.as_list()
    if op.attrs["keep_dims"]:
        return [TensorShape([1 if a in reduced else d for a, d in enumerate(dims)])]
    return [TensorShape([d for a, d in enumerate(dims) if a not in reduced])]


register_op("ReduceJoin", _reduce_join_kernel, _reduce_join_shape,
            signature=signature("inputs: string, reduction_indices: int32 -> output: string"))
NotDifferentiable("ReduceJoin")


def reduce_join(inputs, axis=None, keep_dims=None, separator="", name=None,
                reduction_indices=None, keepdims=None):
    """Join the strings along ``axis`` (all axes when None), in index order, with
    ``separator`` between them."""
    if axis is not None and reduction_indices is not None:
        raise ValueError("Cannot specify both 'axis' and 'reduction_indices'.")
    if keep_dims is not None and keepdims is not None:
        raise ValueError("Cannot specify both 'keep_dims' and 'keepdims'.")
    axis = reduction_indices if axis is None else axis
    keep = bool(keepdims if keepdims is not None else keep_dims)
    x = _string_input(inputs, "ReduceJoin", "inputs")
    if axis is None:
        if x.shape.ndims is None:
            raise ValueError("reduce_join with axis=None needs an input of known rank")
        axis = list(range(x.shape.ndims - 1, -1, -1))  # row-major order, as TensorFlow's
    axes = convert_to_tensor(axis, dtype=dtypes.int32, name="reduction_indices")
    attrs = {"keep_dims": keep, "separator": _as_bytes(separator, "separator")}
    return make_op("ReduceJoin", [x, axes], [dtypes.string], attrs, name).outputs[0]


# -- split ---------------------------------------------------------------------------------


_SPACE = b" \t\n\v\f\r"


def _split_tokens(text, sep, maxsplit):
    """StringSplitV2: ``sep`` given: split at exactly it, empty tokens kept (Python's
    ``bytes.split``). Whitespace: runs of ASCII whitespace separate tokens, none empty; with
    ``maxsplit`` > 0 and that many splits made, the rest (even empty) is one more token, and
    ``maxsplit=0`` keeps the string whole -- TensorFlow's kernel, quirks included."""
    if sep:
        return text.split(sep, maxsplit)
    if maxsplit == 0:
        return [text]
    size = len(text)
    pos = len(text) - len(text.lstrip(_SPACE))
    tokens = []
    while pos < size and (maxsplit < 0 or len(tokens) < maxsplit):
        end = pos
        while end < size and text[end] not in _SPACE:
            end += 1
        tokens.append(text[pos:end])
        pos = end
        while pos < size and text[pos] in _SPACE:
            pos += 1
    if maxsplit > 0 and len(tokens) == maxsplit:
        tokens.append(text[pos:])
    return tokens


def _split_v1_tokens(text, delimiters, skip_empty):
    """StringSplit (TF1's string_split): every byte of ``delimiters`` separates tokens; an
    empty ``delimiters`` splits into single bytes."""
    if not delimiters:
        return [text[i : i + 1] for i in range(len(text))]
    if not text:
        return []
    tokens = re.split(b"[" + re.escape(delimiters) + b"]", text)
    return [t for t in tokens if t] if skip_empty else tokens


def _sparse_kernel(tokenize):
    def split(x, *args):
        if x.ndim != 1:
            raise InvalidArgumentError(None, None, f"input must be a vector, got shape: "
                                                   f"{list(x.shape)}")
        rows = [tokenize(text, *args) for text in x]
        width = max((len(r) for r in rows), default=0)
        indices = np.array([[row, col] for row, tokens in enumerate(rows)
                            for col in range(len(tokens))], dtype=np.int64).reshape(-1, 2)
        values = np.empty(len(indices), dtype=object)
        values[:] = [token for tokens in rows for token in tokens]
        return indices, values, np.array([len(rows), width], dtype=np.int64)

    return split


def _split_v2_kernel(attrs):
    tokenize = _sparse_kernel(_split_tokens)

    def split(x, sep):
        return tokenize(x, bytes(np.asarray(sep, dtype=object).item()), attrs["maxsplit"])

    return split


def _split_v1_kernel(attrs):
    tokenize = _sparse_kernel(_split_v1_tokens)

    def split(x, delimiter):
        return tokenize(x, bytes(np.asarray(delimiter, dtype=object).item()),
                        attrs["skip_empty"])

    return split


def _sparse_shapes(op):
    return [TensorShape([None, 2]), TensorShape([None]), TensorShape([2])]


_SPARSE_OUT = "indices: int64, values: string, shape: int64"
register_op("StringSplitV2", _split_v2_kernel, _sparse_shapes,
            signature=signature(f"input: string, sep: string -> {_SPARSE_OUT}"))
register_op("StringSplit", _split_v1_kernel, _sparse_shapes,
            signature=signature(f"input: string, delimiter: string -> {_SPARSE_OUT}"))
NotDifferentiable("StringSplitV2")
NotDifferentiable("StringSplit")


def _vector_input(value, op_type):
    x = _string_input(value, op_type)
    if x.shape.ndims not in (None, 1):
        raise ValueError(f"Shape must be rank 1 but is rank {x.shape.ndims} for '{op_type}' "
                         f"(input): smallflow's split returns a SparseTensor of a vector "
                         f"of strings (reshape the input to [-1] first)")
    return x


def _check_result_type(result_type):
    if result_type != "SparseTensor":
        raise ValueError(f"result_type {result_type!r}: smallflow has no RaggedTensor; "
                         f"use result_type='SparseTensor'")


def split(input=None, sep=None, maxsplit=-1, result_type="SparseTensor",  # noqa: A002
          source=None, name=None):
    """``tf.strings.split`` (TF1): split each string of a vector into a SparseTensor of
    tokens; ``sep=None`` splits at whitespace runs and drops empty tokens, a ``sep`` string
    splits at exactly it and keeps empty tokens; at most ``maxsplit`` splits."""
    if source is not None:
        if input is not None:
            raise ValueError("Cannot specify both 'input' and 'source'.")
        input = source  # noqa: A001
    if input is None:
        raise ValueError("Missing required argument 'input'.")
    _check_result_type(result_type)
    x = _vector_input(input, "StringSplitV2")
    sep_tensor = convert_to_tensor(_as_bytes("" if sep is None else sep, "sep"),
                                   dtype=dtypes.string, name="sep")
    op = make_op("StringSplitV2", [x, sep_tensor], [dtypes.int64, dtypes.string, dtypes.int64],
                 {"maxsplit": int(maxsplit)}, name)
    return SparseTensor(*op.outputs)


def string_split(source, sep=None, skip_empty=True, delimiter=None,
                 result_type="SparseTensor", name=None):
    """``tf.string_split`` (TF1): split each string of a vector at any byte of
    ``delimiter`` (``sep`` is its newer name; a space by default), dropping empty tokens
    unless ``skip_empty=False``. Returns a SparseTensor."""
    if sep is not None and delimiter is not None:
        raise ValueError("Cannot specify both 'sep' and 'delimiter'.")
    _check_result_type(result_type)
    delimiter = sep if delimiter is None else delimiter
    x = _vector_input(source, "StringSplit")
    delim = convert_to_tensor(_as_bytes(" " if delimiter is None else delimiter, "delimiter"),
                              dtype=dtypes.string, name="delimiter")
    op = make_op("StringSplit", [x, delim], [dtypes.int64, dtypes.string, dtypes.int64],
                 {"skip_empty": bool(skip_empty)}, name)
    return SparseTensor(*op.outputs)


# -- base64 --------------------------------------------------------------------------------

_WEB_SAFE = re.compile(rb"[A-Za-z0-9_-]*")


def _encode_base64_kernel(attrs):
    pad = attrs["pad"]

    def encode(item):
        text = base64.urlsafe_b64encode(item)
        return text if pad else text.rstrip(b"=")

    return _map_bytes(encode)


def _decode_one(item):
    body = item.rstrip(b"=")
    padding = len(item) - len(body)
    if not padding and len(body) % 4 == 1 and _WEB_SAFE.fullmatch(body[:-1]) is not None:
        # TensorFlow decodes whole groups of four first; a lone last character is this.
        raise InvalidArgumentError(None, None, "Base64 string length cannot be 1 modulo 4.")
    if (_WEB_SAFE.fullmatch(body) is None or len(body) % 4 == 1
            or (padding and (len(item) % 4 or padding > 2))):
        raise InvalidArgumentError(None, None, "Invalid character found in base64.")
    try:
        return base64.urlsafe_b64decode(body + b"=" * (-len(body) % 4))
    except binascii.Error:
        raise InvalidArgumentError(None, None, "Invalid character found in base64.") from None


register_op("EncodeBase64", _encode_base64_kernel, same_shape,
            signature=signature("input: string -> output: string"))
register_op("DecodeBase64", lambda attrs: _map_bytes(_decode_one), same_shape,
            signature=signature("input: string -> output: string"))
NotDifferentiable("EncodeBase64")
NotDifferentiable("DecodeBase64")


def encode_base64(input, pad=False, name=None):  # noqa: A002
    """Web-safe base64 (``-`` and ``_`` for ``+`` and ``/``), ``=`` padding only with
    ``pad=True``."""
    x = _string_input(input, "EncodeBase64")
    return make_op("EncodeBase64", [x], [dtypes.string], {"pad": bool(pad)}, name).outputs[0]


def decode_base64(input, name=None):  # noqa: A002
    """Decode web-safe base64 (padding optional)."""
    x = _string_input(input, "DecodeBase64")
    return make_op("DecodeBase64", [x], [dtypes.string], None, name).outputs[0]
