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
(``DstT`` of Cast, ``out_type`` of Shape). An input or output may be a list of one type
(``N * T``; several lists with the same ``N`` split the inputs evenly) or a list of types
(TensorFlow's ``list(type)`` attr, declared ``T=type_list(ALL)``: each element may have its own
dtype from the set; outputs of such an attr not bound by inputs take its list from the attrs,
like ``Tout`` of PyFunc). The check runs once per op, when it is created: never when a
session runs.

Some ops declare more types than they have kernels for (TensorFlow's ``UpperBound`` takes
any type but only has kernels for real numbers): ``signature(..., kernels={"T": REALS})``
builds such an op and fails when a session first runs it, with TensorFlow's
InvalidArgumentError "No OpKernel was registered to support Op ...".
"""

from . import dtypes
from .errors import InvalidArgumentError

# TensorFlow's DataType enum spells the float types by their C names.
_FLOAT_ENUM_NAMES = {"float16": "HALF", "float32": "FLOAT", "float64": "DOUBLE"}

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
         _D.complex64, _D.int64, _D.bool, _D.qint8, _D.quint8, _D.qint32, _D.qint16,
         _D.quint16, _D.uint16, _D.complex128, _D.float16, _D.uint32, _D.uint64))}
    return tuple(sorted(types, key=lambda d: rank[d]))


def _not_allowed(param, dtype, allowed):
    names = ", ".join(d.name for d in _order(allowed))
    return TypeError(f"Value passed to parameter '{param}' has DataType {dtype.name} not in "
                     f"list of allowed values: {names}")


class TypeList(tuple):
    """The allowed dtypes of a ``list(type)`` attr: a list whose elements' dtypes may differ."""


def type_list(types):
    """Declare a type attr as TensorFlow's ``list(type)`` with elements from ``types``."""
    return TypeList(types)


class _Arg:
    __slots__ = ("name", "type", "is_list", "number")

    def __init__(self, text):
        name, _, type_text = (part.strip() for part in text.partition(":"))
        if not name or not type_text:
            raise ValueError(f"bad argument {text!r} in an op signature (want 'name: type')")
        self.name = name
        self.is_list = "*" in type_text
        self.number = type_text.partition("*")[0].strip() if self.is_list else None
        self.type = type_text.rpartition("*")[2].strip()


class Signature:
    """A parsed declaration; ``bind`` checks a new op's inputs and returns output dtypes."""

    def __init__(self, spec, type_attrs, kernels=None):
        self.kernel_types = {name: tuple(types) for name, types in (kernels or {}).items()}
        inputs_text, arrow, outputs_text = spec.partition("->")
        if not arrow:
            raise ValueError(f"op signature {spec!r} has no '->'")
        self.inputs = [_Arg(t) for t in inputs_text.split(",") if t.strip()]
        self.outputs = [_Arg(t) for t in outputs_text.split(",") if t.strip()]
        self.type_attrs = {name: types if isinstance(types, TypeList) else tuple(types)
                           for name, types in type_attrs.items()}
        for arg in self.inputs + self.outputs:
            if arg.type not in self.type_attrs and not _is_dtype_name(arg.type):
                # An attr set by the builder (DstT, out_type): any dtype is allowed.
                self.type_attrs[arg.type] = None
            if isinstance(self.type_attrs.get(arg.type), TypeList):
                arg.is_list = True
        for args, kind in ((self.inputs, "input"), (self.outputs, "output")):
            numbers = {arg.number for arg in args if arg.is_list}
            if len(numbers) > 1:
                raise ValueError(f"op signature {spec!r}: {kind} lists of different lengths")
        self.spec = spec

    def check_kernel(self, op_type, attrs):
        """Raise TensorFlow's run-time error for declared types that have no kernel."""
        for attr, types in self.kernel_types.items():
            dtype = attrs.get(attr)
            if dtype is not None and dtypes.as_dtype(dtype) not in types:
                name = dtypes.as_dtype(dtype).name
                enum = _FLOAT_ENUM_NAMES.get(name, name.upper())
                raise InvalidArgumentError(
                    None, None, f"No OpKernel was registered to support Op '{op_type}' with "
                    f"these attrs: [{attr}=DT_{enum}]")

    def allowed(self, attr):
        """The dtypes ``attr`` may take (None: any)."""
        return self.type_attrs.get(attr)

    def _split_inputs(self, inputs):
        """Pair each declared input with its tensors (list inputs share the rest evenly)."""
        fixed = sum(not arg.is_list for arg in self.inputs)
        lists = sum(arg.is_list for arg in self.inputs)
        list_length = (len(inputs) - fixed) // lists if lists else 0
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
            if isinstance(self.type_attrs.get(arg.type), TypeList):
                bound[arg.type] = self._bind_type_list(arg, tensors)
                continue
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
                    raise _not_allowed(arg.name, dtype, allowed)
                bound[arg.type] = dtype
                bound_by[arg.type] = arg.name
        for attr, dtype in bound.items():
            attrs.setdefault(attr, list(dtype) if isinstance(dtype, tuple) else dtype)
        out = []
        fixed = sum(not arg.is_list for arg in self.outputs)
        lists = sum(arg.is_list for arg in self.outputs)
        for arg in self.outputs:
            if isinstance(self.type_attrs.get(arg.type), TypeList):
                out.extend(self._output_type_list(op_type, arg, bound, attrs))
                continue
            dtype = self._output_dtype(op_type, arg, bound, attrs)
            count = (n_outputs - fixed) // lists if arg.is_list else 1
            out.extend([dtype] * count)
        return out

    def _bind_type_list(self, arg, tensors):
        allowed = self.type_attrs[arg.type]
        found = []
        for tensor in tensors:
            dtype = tensor.dtype.base_dtype
            if dtype not in allowed:
                raise _not_allowed(arg.name, dtype, allowed)
            found.append(dtype)
        return tuple(found)

    def _output_type_list(self, op_type, arg, bound, attrs):
        if arg.type in bound:
            return list(bound[arg.type])
        if arg.type not in attrs:
            raise TypeError(f"Op '{op_type}' needs attr '{arg.type}' for output '{arg.name}'")
        found = [dtypes.as_dtype(d) for d in attrs[arg.type]]
        allowed = self.type_attrs[arg.type]
        for dtype in found:
            if dtype not in allowed:
                raise _not_allowed(arg.type, dtype, allowed)
        return found

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
            raise _not_allowed(arg.type, dtype, allowed)
        return dtype


def _is_dtype_name(text):
    try:
        dtypes.as_dtype(text)
    except TypeError:
        return False
    return True


def signature(spec, kernels=None, **type_attrs):
    """Declare an op's typed inputs and outputs (see the module docstring)."""
    return Signature(spec, type_attrs, kernels)

# Type sets of single ops, spelled as in TensorFlow 1.15's op definitions.
ADD_TYPES = FLOAT_INT_COMPLEX + (_D.uint8, _D.int8, _D.int16, _D.string)
ARITHMETIC_TYPES = FLOAT_INT_COMPLEX + (_D.uint8, _D.int8, _D.uint16, _D.int16)
# FloorDiv's declared set without the complex types, which have no CPU kernel (TF 1.15).
REAL_ARITHMETIC_TYPES = FLOATS + INDEX + (_D.uint8, _D.int8, _D.uint16, _D.int16)
MAX_POOL_TYPES = FLOATS + SIGNED_INTS + (_D.uint8, _D.uint16)
