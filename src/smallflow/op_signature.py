"""Op signatures: which dtypes each input of an op type accepts and what dtypes it outputs.

TensorFlow declares every op with typed arguments (``x: T, y: T -> z: T`` where
``T in {float16, float32, ...}``); the graph builder checks a new op's inputs against that
declaration and derives the outputs' dtypes from it, so a wrong dtype is a TypeError when
the graph is built and a session always returns the declared dtype. ``signature`` writes
such a declaration in the same notation::

    signature("x: T, y: T -> z: T", T=NUMBERS)          # inputs share one type attr
    signature("x: T, y: T -> z: bool", T=REALS)         # a fixed output dtype
    signature("x: SrcT -> y: DstT", SrcT=ALL, DstT=ALL) # DstT comes from the op's attrs
    signature("values: N * T, axis: Tidx -> output: T", T=ALL, Tidx=INDEX)

A type is either a dtype name (``bool``, ``int32``, ``string``, ...) or a type attribute:
bound by the first input that uses it, or, when no input does, taken from the op's attrs
(``DstT`` of Cast, ``out_type`` of Shape). One input or output may be a list (``N * T``).
The check runs once per op, when it is created: never when a session runs.
"""

from . import dtypes

_D = dtypes
# TensorFlow's named type sets (op_def_builder's numbertype, realnumbertype, ...), without the
# types smallflow does not have (bfloat16, quantized types, variant, resource).
FLOATS = (_D.float16, _D.float32, _D.float64)
COMPLEX = (_D.complex64, _D.complex128)
FLOAT_COMPLEX = FLOATS + COMPLEX
SIGNED_INTS = (_D.int8, _D.int16, _D.int32, _D.int64)
UNSIGNED_INTS = (_D.uint8, _D.uint16, _D.uint32, _D.uint64)
INTS = SIGNED_INTS + UNSIGNED_INTS
REALS = FLOATS + INTS
NUMBERS = REALS + COMPLEX
ALL = NUMBERS + (_D.bool, _D.string)
INDEX = (_D.int32, _D.int64)
# Float, double, half with int32/int64 and the complex types: what many TensorFlow ops allow.
FLOAT_INT_COMPLEX = FLOATS + INDEX + COMPLEX


def _order(types):
    # TensorFlow lists allowed values in its DataType enum order.
    rank = {d: i for i, d in enumerate(
        (_D.float32, _D.float64, _D.int32, _D.uint8, _D.int16, _D.int8, _D.string,
         _D.complex64, _D.int64, _D.bool, _D.uint16, _D.complex128, _D.float16,
         _D.uint32, _D.uint64))}
    return tuple(sorted(types, key=lambda d: rank[d]))


class _Arg:
    __slots__ = ("name", "type", "is_list")

    def __init__(self, text):
        name, _, type_text = (part.strip() for part in text.partition(":"))
        if not name or not type_text:
            raise ValueError(f"bad argument {text!r} in an op signature (want 'name: type')")
        self.name = name
        self.is_list = "*" in type_text
        self.type = type_text.rpartition("*")[2].strip()


class Signature:
    """A parsed declaration; ``bind`` checks a new op's inputs and returns output dtypes."""

    def __init__(self, spec, type_attrs):
        inputs_text, arrow, outputs_text = spec.partition("->")
        if not arrow:
            raise ValueError(f"op signature {spec!r} has no '->'")
        self.inputs = [_Arg(t) for t in inputs_text.split(",") if t.strip()]
        self.outputs = [_Arg(t) for t in outputs_text.split(",") if t.strip()]
        self.type_attrs = {name: tuple(types) for name, types in type_attrs.items()}
        for arg in self.inputs + self.outputs:
            if arg.type not in self.type_attrs and not _is_dtype_name(arg.type):
                # An attr set by the builder (DstT, out_type): any dtype is allowed.
                self.type_attrs[arg.type] = None
        if sum(arg.is_list for arg in self.inputs) > 1:
            raise ValueError(f"op signature {spec!r}: at most one list input")
        self.spec = spec

    def allowed(self, attr):
        """The dtypes ``attr`` may take (None: any)."""
        return self.type_attrs.get(attr)

    def _split_inputs(self, inputs):
        """Pair each declared input with its tensors (a list input takes the rest)."""
        fixed = sum(not arg.is_list for arg in self.inputs)
        list_length = len(inputs) - fixed
        pairs = []
        position = 0
        for arg in self.inputs:
            count = list_length if arg.is_list else 1
            pairs.append((arg, inputs[position:position + count]))
            position += count
        return pairs

    def bind(self, op_type, inputs, attrs, n_outputs):
        """Check ``inputs``' dtypes; set the type attrs in ``attrs``; return output dtypes."""
        bound = {}
        bound_by = {}
        for arg, tensors in self._split_inputs(inputs):
            for tensor in tensors:
                dtype = tensor.dtype.base_dtype
                if _is_dtype_name(arg.type):
                    expected = dtypes.as_dtype(arg.type)
                    if dtype != expected:
                        raise TypeError(
                            f"Input '{arg.name}' of '{op_type}' Op has type {dtype.name} that "
                            f"does not match expected type of {expected.name}."
                        )
                    continue
                if arg.type in bound:
                    if dtype != bound[arg.type]:
                        raise TypeError(
                            f"Input '{arg.name}' of '{op_type}' Op has type {dtype.name} that "
                            f"does not match type {bound[arg.type].name} of argument "
                            f"'{bound_by[arg.type]}'."
                        )
                    continue
                allowed = self.type_attrs[arg.type]
                if allowed is not None and dtype not in allowed:
                    names = ", ".join(d.name for d in _order(allowed))
                    raise TypeError(
                        f"Value passed to parameter '{arg.name}' has DataType {dtype.name} not "
                        f"in list of allowed values: {names}"
                    )
                bound[arg.type] = dtype
                bound_by[arg.type] = arg.name
        for attr, dtype in bound.items():
            attrs.setdefault(attr, dtype)
        out = []
        for arg in self.outputs:
            dtype = self._output_dtype(op_type, arg, bound, attrs)
            count = n_outputs - (len(self.outputs) - 1) if arg.is_list else 1
            out.extend([dtype] * count)
        return out

    def _output_dtype(self, op_type, arg, bound, attrs):
        if _is_dtype_name(arg.type):
            return dtypes.as_dtype(arg.type)
        if arg.type in bound:
            return bound[arg.type]
        if arg.type not in attrs:
            raise TypeError(f"Op '{op_type}' needs attr '{arg.type}' for output '{arg.name}'")
        dtype = dtypes.as_dtype(attrs[arg.type])
        allowed = self.type_attrs[arg.type]
        if allowed is not None and dtype not in allowed:
            names = ", ".join(d.name for d in _order(allowed))
            raise TypeError(f"Value passed to parameter '{arg.type}' has DataType {dtype.name} "
                            f"not in list of allowed values: {names}")
        return dtype


def _is_dtype_name(text):
    try:
        dtypes.as_dtype(text)
    except TypeError:
        return False
    return True


def signature(spec, **type_attrs):
    """Declare an op's typed inputs and outputs (see the module docstring)."""
    return Signature(spec, type_attrs)

# Type sets of single ops, spelled as in TensorFlow 1.15's op definitions.
ADD_TYPES = FLOAT_INT_COMPLEX + (_D.uint8, _D.int8, _D.int16, _D.string)
ARITHMETIC_TYPES = FLOAT_INT_COMPLEX + (_D.uint8, _D.int8, _D.uint16, _D.int16)
# FloorDiv's declared set without the complex types, which have no CPU kernel (TF 1.15).
REAL_ARITHMETIC_TYPES = FLOATS + INDEX + (_D.uint8, _D.int8, _D.uint16, _D.int16)
MAX_POOL_TYPES = FLOATS + SIGNED_INTS + (_D.uint8, _D.uint16)
