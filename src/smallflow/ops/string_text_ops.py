"""Text ops on string tensors: ``tf.strings.ngrams``, ``unsorted_segment_join`` and
``format`` (TensorFlow's tensor summaries).

``ngrams`` works along the last axis of a dense tensor, as TensorFlow does for dense inputs.
The Unicode ops are in ``unicode_ops.py``.
"""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor, is_tensor_like
from ..op_signature import ALL, INDEX, signature, type_list
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, unknown_shape
from .common import constant_value, make_op

# -- ngrams ------------------------------------------------------------------------------------


def _row_ngrams(tokens, widths, separator, left_pad, right_pad, pad_width, preserve_short):
    """The n-grams of one sequence, TensorFlow's StringNGrams kernel: for each width, windows
    over the sequence padded with ``pad_width`` (at most width - 1) pads at each end."""
    out = []
    for width in widths:
        pad = width - 1 if pad_width < 0 else min(pad_width, width - 1)
        out += _windows(tokens, width, pad, separator, left_pad, right_pad)
    if preserve_short and not out and tokens:
        pad = max(0, pad_width)
        out = _windows(tokens, len(tokens) + 2 * pad, pad, separator, left_pad, right_pad)
    return out


def _windows(tokens, width, pad, separator, left_pad, right_pad):
    padded = [left_pad] * pad + list(tokens) + [right_pad] * pad
    count = max(0, len(padded) - width + 1)
    return [separator.join(padded[i : i + width]) for i in range(count)]


def _ngrams_kernel(attrs):
    args = (attrs["ngram_widths"], attrs["separator"], attrs["left_pad"], attrs["right_pad"],
            attrs["pad_width"], attrs["preserve_short_sequences"])

    def ngrams(data):
        rows = data.reshape(-1, data.shape[-1]) if data.ndim else data.reshape(1, 1)
        grams = [_row_ngrams(list(row), *args) for row in rows]
        width = len(grams[0]) if grams else 0
        out = np.empty((len(grams), width), dtype=object)
        for index, row in enumerate(grams):
            out[index, :] = row
        return out.reshape(data.shape[:-1] + (width,))

    return ngrams


def _ngrams_shape(op):
    # The number of n-grams is left unknown, as TensorFlow's shape (it builds them as a
    # ragged tensor and densifies it).
    shape = op.inputs[0].shape
    if shape.ndims is None:
        return [unknown_shape()]
    return [TensorShape(shape.as_list()[:-1] + [None])]


register_op("StringNGrams", _ngrams_kernel, _ngrams_shape,
            signature=signature("data: string -> ngrams: string"))
NotDifferentiable("StringNGrams")


def _text_bytes(value, what):
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, bytes):
        return value
    raise ValueError(f"{what} must be a string, tuple or list of strings")


def ngrams(data, ngram_width, separator=" ", pad_values=None, padding_width=None,
           preserve_short_sequences=False, name=None):
    """The n-grams of the last axis of ``data`` (strings joined by ``separator``), for one
    width or a list of widths; ``pad_values`` (one string, or (left, right)) pads each
    sequence with ``padding_width`` (default width - 1) pads; with
    ``preserve_short_sequences`` a sequence too short for any n-gram gives one of all its
    (padded) tokens."""
    if pad_values is None:
        left_pad = right_pad = b""
    elif isinstance(pad_values, (list, tuple)):
        if len(pad_values) != 2:
            raise ValueError("pad_values must be a string, tuple or list of strings")
        left_pad = _text_bytes(pad_values[0], "pad_values")
        right_pad = _text_bytes(pad_values[1], "pad_values")
    else:
        left_pad = right_pad = _text_bytes(pad_values, "pad_values")
    if padding_width is not None and padding_width < 1:
        raise ValueError("padding_width must be greater than 0.")
    if padding_width is not None and pad_values is None:
        raise ValueError("pad_values must be provided if padding_width is set.")
    x = convert_to_tensor(data, dtype=dtypes.string, name="data")
    if x.shape.ndims is None:
        raise ValueError("Rank of data must be known.")
    if x.shape.ndims == 0:
        raise ValueError("Data must have rank>0")
    widths = [int(ngram_width)] if isinstance(ngram_width, (int, np.integer)) else [
        int(w) for w in ngram_width]
    if any(w < 1 for w in widths):
        raise ValueError(f"ngram_width must be positive, got {widths}")
    pad_width = -1 if pad_values is not None and padding_width is None else (
        0 if pad_values is None else int(padding_width))
    attrs = {"ngram_widths": widths, "separator": _text_bytes(separator, "separator"),
             "left_pad": left_pad, "right_pad": right_pad, "pad_width": pad_width,
             "preserve_short_sequences": bool(preserve_short_sequences)}
    return make_op("StringNGrams", [x], [dtypes.string], attrs, name).outputs[0]


# -- unsorted_segment_join -----------------------------------------------------------------------


def _segment_join_kernel(attrs):
    separator = attrs["separator"]

    def join(inputs, segment_ids, num_segments):
        count = int(num_segments)
        ids = np.asarray(segment_ids).reshape(-1)
        if np.any(ids < 0) or np.any(ids >= count):
            raise InvalidArgumentError(None, None, "segment_ids are not allowed to exceed "
                                                   "num_segments or be negative.")
        inner = inputs.shape[np.ndim(segment_ids):]
        rows = inputs.reshape((ids.size,) + inner)
        parts = [[] for _ in range(count)]
        for row, segment in zip(rows, ids, strict=True):
            parts[segment].append(row)
        out = np.empty((count,) + inner, dtype=object)
        for segment, members in enumerate(parts):
            if not members:
                out[segment] = b""
                continue
            columns = np.stack(members).reshape(len(members), -1)
            joined = [separator.join(columns[:, j]) for j in range(columns.shape[1])]
            out[segment] = np.array(joined, dtype=object).reshape(inner) if inner else (
                joined[0])
        return out

    return join


def _segment_join_shape(op):
    inputs, ids, num = op.inputs
    count = constant_value(num)
    if inputs.shape.ndims is None or ids.shape.ndims is None:
        return [unknown_shape()]
    first = None if count is None else int(count)
    return [TensorShape([first] + inputs.shape.as_list()[ids.shape.ndims:])]


register_op("UnsortedSegmentJoin", _segment_join_kernel, _segment_join_shape,
            signature=signature("inputs: string, segment_ids: Tindices, "
                                "num_segments: Tnumsegments -> output: string",
                                Tindices=INDEX, Tnumsegments=INDEX))
NotDifferentiable("UnsortedSegmentJoin")


def unsorted_segment_join(inputs, segment_ids, num_segments, separator="", name=None):
    """Join the strings of ``inputs`` whose segment id is the same (in input order, with
    ``separator``): output ``[num_segments] + inputs.shape[segment_ids.ndim:]``, empty
    strings for segments nobody joins."""
    x = convert_to_tensor(inputs, dtype=dtypes.string, name="inputs")
    ids = convert_to_tensor(segment_ids, name="segment_ids")
    num = convert_to_tensor(num_segments, name="num_segments")
    attrs = {"separator": _text_bytes(separator, "separator")}
    return make_op("UnsortedSegmentJoin", [x, ids, num], [dtypes.string], attrs,
                   name).outputs[0]


# -- format --------------------------------------------------------------------------------------


def _float_text(value, digits, more_digits):
    """TensorFlow's float printing: %g with 6 (15) digits unless that does not read back."""
    kind = np.float32 if more_digits == 9 else np.float64
    text = "%.*g" % (digits, value)  # noqa: UP031 - printf semantics are the point
    if not np.isfinite(value) or kind(float(text)) == kind(value):
        return _tf_special(text)
    return _tf_special("%.*g" % (more_digits, value))  # noqa: UP031


def _tf_special(text):
    return {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(text, text)


def _c_escape(data):
    special = {0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x22: '\\"', 0x27: "\\'", 0x5C: "\\\\"}
    out = []
    for byte in data:
        if byte in special:
            out.append(special[byte])
        elif byte < 0x20 or byte >= 0x7F:
            out.append(f"\\{byte:03o}")
        else:
            out.append(chr(byte))
    return "".join(out)


def _element_text(value, dtype):
    if dtype.kind == "O":
        return '"' + _c_escape(bytes(value)) + '"'
    if dtype.kind == "b":
        return "1" if value else "0"
    if dtype.kind == "f":
        if dtype == np.float64:
            return _float_text(float(value), 15, 17)
        return _float_text(float(value), 6, 9)
    if dtype.kind == "c":
        digits = (15, 17) if dtype == np.complex128 else (6, 9)
        return (f"({_float_text(float(value.real), *digits)},"
                f"{_float_text(float(value.imag), *digits)})")
    return str(int(value))


def _dim_spacing(dim, ndim):
    if dim == ndim - 1:
        return " "
    return "\n" * (ndim - dim - 1) + " " * (dim + 1)


def _summarize(array, ends, dim=0, index=()):
    """TensorFlow's print_v2 summary: ``ends`` entries at both ends of each axis."""
    if dim == array.ndim:
        return _element_text(array[index], array.dtype)
    count = array.shape[dim]
    parts = [_summarize(array, ends, dim + 1, index + (i,)) for i in range(min(ends, count))]
    if count > 2 * ends:
        parts.append("...")
    parts += [_summarize(array, ends, dim + 1, index + (i,))
              for i in range(max(ends, count - ends), count)]
    return "[" + _dim_spacing(dim, array.ndim).join(parts) + "]"


def tensor_summary(array, summarize):
    """A tensor as ``tf.strings.format`` and ``tf.print`` show it."""
    array = np.asarray(array)
    limit = array.size if summarize < 0 else min(summarize, array.size)
    if array.ndim == 0:
        return _element_text(array[()], array.dtype) if limit else ""
    return _summarize(array, limit)


def _format_kernel(attrs):
    pieces = attrs["pieces"]
    summarize = attrs["summarize"]

    def format_(*values):
        text = pieces[0]
        for value, piece in zip(values, pieces[1:], strict=True):
            text += tensor_summary(value, summarize) + piece
        return np.array(text.encode("utf-8"), dtype=object)

    return format_


register_op("StringFormat", _format_kernel, lambda op: [TensorShape([])],
            signature=signature("inputs: T -> output: string", T=type_list(ALL)))
NotDifferentiable("StringFormat")


def format(template, inputs, placeholder="{}", summarize=3, name=None):  # noqa: A001
    """A string scalar: ``template`` with each ``placeholder`` replaced by the summary of
    the matching input tensor (``summarize`` entries at each end of each axis; -1: all)."""
    if is_tensor_like(inputs) or not isinstance(inputs, (list, tuple)):
        inputs = [inputs]
    tensors = [convert_to_tensor(t, name="inputs") for t in inputs]
    pieces = template.split(placeholder)
    if len(pieces) - 1 != len(tensors):
        # TensorFlow's Python check (its kernel's own wording differs).
        raise ValueError(f"{len(pieces) - 1} placeholder(s) in template does not match "
                         f"{len(tensors)} tensor(s) provided as input")
    attrs = {"template": template, "placeholder": placeholder, "summarize": int(summarize),
             "pieces": pieces}
    return make_op("StringFormat", tensors, [dtypes.string], attrs, name).outputs[0]
