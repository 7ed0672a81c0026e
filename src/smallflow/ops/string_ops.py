"""String ops: ``as_string``, ``strings.join``, ``string_to_number`` (tf.string tensors).

A ``tf.string`` value is a NumPy object array of Python ``bytes`` (a 0-d fetch gives one
``bytes`` value, as in TensorFlow). The kernels loop in Python over the elements: string
tensors are labels and file names, never the hot path of a training step.
"""

import re

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import ShapeError, convert_to_tensor
from ..op_signature import signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import unknown_shape
from .common import composite_dispatch, make_op, merge_shapes, renamed_argument, same_shape

# -- as_string -----------------------------------------------------------------------------------

_AS_STRING_TYPES = (
    dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64, dtypes.complex64, dtypes.complex128,
    dtypes.float32, dtypes.float64, dtypes.bool,
)


def _as_string_format(dtype, precision, scientific, shortest, width, fill):
    """The printf format TensorFlow's AsString kernel builds from its attributes; bad
    combinations fail the run (the kernel's checks), not the op's construction."""
    def refuse(message):
        raise InvalidArgumentError(None, None, message)

    if len(fill) > 1:
        refuse(f"Fill string must be one or fewer characters, got {fill!r}")
    if scientific and shortest:
        refuse("Cannot select both scientific and shortest notation")
    floating = dtype.is_floating or dtype.is_complex
    if precision > -1 and not floating:
        refuse(f"precision not supported for datatype {dtype.name}")
    if (scientific or shortest) and not floating:
        refuse(f"scientific and shortest format not supported for datatype {dtype.name}")
    spec = "%"
    if width > -1:
        spec += f"{fill}{width}"
    if precision > -1:
        spec += f".{precision}"
    if dtype.is_bool:
        return spec + "s"
    if not floating:
        return spec + "d"
    return spec + ("g" if shortest else "e" if scientific else "f")


def _as_string_kernel(attrs):
    dtype = attrs["T"]
    spec = _as_string_format(dtype, attrs["precision"], attrs["scientific"],
                             attrs["shortest"], attrs["width"], attrs["fill"])

    def render(item):
        if dtype.is_bool:
            return (spec % ("true" if item else "false")).encode()
        if dtype.is_complex:
            return f"({spec % item.real},{spec % item.imag})".encode()
        return (spec % item).encode()

    def as_string(x):
        out = np.empty(x.shape, dtype=object)
        flat = out.reshape(-1)
        for index, item in enumerate(x.flat):
            flat[index] = render(item)
        return out

    return as_string


register_op("AsString", _as_string_kernel, same_shape,
            signature=signature("input: T -> output: string", T=_AS_STRING_TYPES))
NotDifferentiable("AsString")


def as_string(input, precision=-1, scientific=False, shortest=False,  # noqa: A002
              width=-1, fill="", name=None):
    """Each element printed as text: ints ``%d``, floats ``%f`` (or ``%e``/``%g``), bools
    ``true``/``false``; ``width`` pads with ``fill`` (a space by default)."""
    x = convert_to_tensor(input, name="input")
    if x.dtype not in _AS_STRING_TYPES:
        names = ", ".join(d.name for d in _AS_STRING_TYPES)
        raise TypeError(f"Value passed to parameter 'input' has DataType {x.dtype.name} not in "
                        f"list of allowed values: {names}")
    attrs = {"T": x.dtype, "precision": precision, "scientific": scientific,
             "shortest": shortest, "width": width, "fill": fill}
    return make_op("AsString", [x], [dtypes.string], attrs, name).outputs[0]


# -- join ----------------------------------------------------------------------------------------


def _join_static(op):
    shapes = [t.shape for t in op.inputs if t.shape.ndims != 0]
    if not shapes:
        return [op.inputs[0].shape]
    if any(t.shape.ndims is None for t in op.inputs):
        return [unknown_shape()]
    return [merge_shapes(shapes, "inputs")]


def _join_kernel(attrs):
    separator = attrs["separator"]

    def join(*parts):
        shapes = {p.shape for p in parts if p.ndim}
        if len(shapes) > 1:
            listed = ", ".join(str(list(p.shape)) for p in parts)
            raise InvalidArgumentError(None, None, f"Input shapes do not match: {listed}")
        shape = shapes.pop() if shapes else ()
        columns = [np.broadcast_to(p, shape).reshape(-1) for p in parts]
        out = np.empty(shape, dtype=object)
        flat = out.reshape(-1)
        for index in range(flat.size):
            flat[index] = separator.join(column[index] for column in columns)
        return out

    return join


register_op("StringJoin", _join_kernel, _join_static,
            signature=signature("inputs: N * string -> output: string"))
NotDifferentiable("StringJoin")


def string_join(inputs, separator="", name=None):
    """Join string tensors element by element; scalars are repeated to the others' shape."""
    if not isinstance(inputs, list | tuple) or not inputs:
        raise ValueError("string_join expects a non-empty list of string tensors as inputs")
    dispatch = composite_dispatch(*inputs)
    if dispatch is not None:  # RaggedTensors with one row partition: their flat values join
        return dispatch("map_flat_values",
                        lambda *flat: string_join(list(flat), separator, name), *inputs)
    tensors = [convert_to_tensor(t, dtype=dtypes.string, name="inputs") for t in inputs]
    sep = separator.encode() if isinstance(separator, str) else bytes(separator)
    try:
        _join_static_shapes(tensors)
    except ShapeError as err:
        raise ValueError(str(err)) from None
    attrs = {"N": len(tensors), "separator": sep}
    return make_op("StringJoin", tensors, [dtypes.string], attrs, name).outputs[0]


def _join_static_shapes(tensors):
    shapes = [t.shape for t in tensors if t.shape.ndims not in (0, None)]
    if shapes:
        merge_shapes(shapes, "inputs")


join = string_join

# -- string_to_number ----------------------------------------------------------------------------

_NUMBER_TYPES = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64)
# What TensorFlow's strtod/strto32 based parsers accept: optional surrounding whitespace,
# a sign, and digits (integers); decimal or exponent forms, inf and nan (floats).
_INT_TEXT = re.compile(rb"\s*[+-]?[0-9]+\s*")
_FLOAT_TEXT = re.compile(
    rb"\s*[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)\s*",
    re.IGNORECASE,
)
# Floats also parse in C's hexadecimal form (``0xF``, ``0x1.8p3``), as strtod does.
_HEX_FLOAT_TEXT = re.compile(
    rb"\s*[+-]?0x(?:[0-9a-f]+\.?[0-9a-f]*|\.[0-9a-f]+)(?:p[+-]?[0-9]+)?\s*", re.IGNORECASE)


def _string_to_number_kernel(attrs):
    out_type = attrs["out_type"]
    np_type = out_type.as_numpy_dtype
    integer = out_type.is_integer
    pattern = _INT_TEXT if integer else _FLOAT_TEXT

    def refuse(text):
        shown = text.decode("utf-8", "replace")
        message = f"StringToNumberOp could not correctly convert string: {shown}"
        raise InvalidArgumentError(None, None, message)

    def parse(text):
        if not integer and _HEX_FLOAT_TEXT.fullmatch(text) is not None:
            return float.fromhex(text.decode("ascii").strip())
        if pattern.fullmatch(text) is None:
            refuse(text)
        if not integer:
            return float(text)
        value = int(text)
        info = np.iinfo(np_type)
        if not info.min <= value <= info.max:
            refuse(text)
        return value

    def to_number(x):
        out = np.empty(x.shape, dtype=np_type)
        flat = out.reshape(-1)
        with np.errstate(over="ignore"):
            for index, text in enumerate(x.flat):
                flat[index] = parse(text)
        return out

    return to_number


register_op("StringToNumber", _string_to_number_kernel, same_shape,
            signature=signature("string_tensor: string -> output: out_type",
                                out_type=_NUMBER_TYPES))
NotDifferentiable("StringToNumber")


def string_to_number(string_tensor=None, out_type=dtypes.float32, name=None,
                     input=None):  # noqa: A002 - TF's argument name
    """Parse each string as a number of ``out_type`` (float32, float64, int32 or int64).

    TensorFlow 1.x's ``tf.string_to_number`` and ``tf.strings.to_number`` both take the
    strings as ``string_tensor`` or, under TensorFlow 2's name, ``input``."""
    string_tensor = renamed_argument("string_tensor", string_tensor, "input", input)
    x = convert_to_tensor(string_tensor, name="string_tensor")
    out_type = dtypes.as_dtype(out_type).base_dtype
    if x.dtype != dtypes.string:
        raise TypeError(f"Input 'string_tensor' of 'StringToNumber' Op has type "
                        f"{x.dtype.name} that does not match expected type of string.")
    if out_type not in _NUMBER_TYPES:
        names = ", ".join(d.name for d in _NUMBER_TYPES)
        raise TypeError(f"Value passed to parameter 'out_type' has DataType {out_type.name} "
                        f"not in list of allowed values: {names}")
    op = make_op("StringToNumber", [x], [out_type], {"out_type": out_type}, name)
    return op.outputs[0]


# ``tf.strings.to_number`` in TensorFlow 1.x: the same function and arguments.
to_number = string_to_number
