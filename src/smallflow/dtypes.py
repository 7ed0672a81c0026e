"""DType objects with TensorFlow 1.x's names, and their NumPy counterparts."""

import builtins

import numpy as np


class DType:
    """A tensor element type: ``float32``, ``int64``, ``bool``, ..."""

    __slots__ = ("_base", "_name", "_np", "_ref", "_tf_string")

    def __init__(self, name, np_dtype, tf_string, base=None):
        self._name = name
        self._np = np.dtype(np_dtype)
        self._tf_string = tf_string
        self._base = base
        self._ref = None

    @property
    def name(self):
        return self._name

    @property
    def as_numpy_dtype(self):
        # Quantized dtypes are one-field structured NumPy dtypes, as in TensorFlow: the
        # dtype itself, since its scalar type (numpy.void) would lose the field.
        return self._np if self._np.names else self._np.type

    @property
    def base_dtype(self):
        """The dtype without ``_ref`` (a variable's ``dtype`` is ``float32_ref``)."""
        return self._base or self

    @property
    def is_ref_dtype(self):
        return self._base is not None

    @property
    def as_datatype_enum(self):
        """TensorFlow's DataType enum number (``tf.float32.as_datatype_enum == 1``)."""
        base = self._base or self
        return _ENUM_OF[base] + (100 if self._base is not None else 0)

    @property
    def _as_ref(self):
        return self if self._base is not None else self._ref

    @property
    def real_dtype(self):
        """The dtype of the real and imaginary parts (``complex64`` -> ``float32``)."""
        if self._np.kind == "c":
            return float32 if self._np.itemsize == 8 else float64
        return self

    @property
    def is_quantized(self):
        return self._name.lstrip("q").startswith(("int", "uint")) and self._name[0] == "q"

    @property
    def is_floating(self):
        return self._np.kind == "f"

    @property
    def is_integer(self):
        return self._np.kind in "iu"

    @property
    def is_unsigned(self):
        return self._np.kind == "u"

    @property
    def is_bool(self):
        return self._np.kind == "b"

    @property
    def is_complex(self):
        return self._np.kind == "c"

    @property
    def is_numpy_compatible(self):
        return self._name not in ("resource", "variant")

    @property
    def is_string(self):
        return self._np.kind == "O"

    @property
    def min(self):
        if self.is_quantized or not self.is_numpy_compatible:
            raise TypeError(f"Cannot find minimum value of {self}.")
        if self.is_floating:
            return float(np.finfo(self._np).min)
        if self.is_integer:
            return int(np.iinfo(self._np).min)
        raise TypeError(f"Cannot find minimum value of {self}.")

    @property
    def max(self):
        if self.is_quantized or not self.is_numpy_compatible:
            raise TypeError(f"Cannot find maximum value of {self}.")
        if self.is_floating:
            return float(np.finfo(self._np).max)
        if self.is_integer:
            return int(np.iinfo(self._np).max)
        raise TypeError(f"Cannot find maximum value of {self}.")

    @property
    def size(self):
        return self._np.itemsize

    def is_compatible_with(self, other):
        other = as_dtype(other)
        return self.base_dtype is other.base_dtype

    def __eq__(self, other):
        if isinstance(other, DType):
            return self is other
        if other is None:  # NumPy reads None as float64; TensorFlow's dtypes never equal it
            return False
        try:
            return self is as_dtype(other)
        except TypeError:
            return False

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self._name)

    def __repr__(self):
        return f"tf.{self._name}"

    def __str__(self):
        return f"<dtype: '{self._name}'>"

    def __reduce__(self):
        return as_dtype, (self._name,)


float16 = DType("float16", np.float16, "half")
half = float16
float32 = DType("float32", np.float32, "float")
float64 = DType("float64", np.float64, "double")
double = float64
int8 = DType("int8", np.int8, "int8")
int16 = DType("int16", np.int16, "int16")
int32 = DType("int32", np.int32, "int32")
int64 = DType("int64", np.int64, "int64")
uint8 = DType("uint8", np.uint8, "uint8")
uint16 = DType("uint16", np.uint16, "uint16")
uint32 = DType("uint32", np.uint32, "uint32")
uint64 = DType("uint64", np.uint64, "uint64")
bool = DType("bool", np.bool_, "bool")  # noqa: A001 - TensorFlow's public name
complex64 = DType("complex64", np.complex64, "complex64")
complex128 = DType("complex128", np.complex128, "complex128")
# Strings are variable-length byte strings: NumPy object arrays holding Python ``bytes``.
string = DType("string", object, "string")

_ALL = (
    float16, float32, float64, int8, int16, int32, int64,
    uint8, uint16, uint32, uint64, bool, complex64, complex128, string,
)



def _make_ref(base):
    ref = DType(base.name + "_ref", base._np, base._tf_string + "_ref", base)
    base._ref = ref
    return ref


# Reference dtypes: what a TensorFlow 1.x variable (a reference to a buffer) reports as its
# dtype. Values and comparisons use ``base_dtype``; no tensor of ours carries a ref dtype.
_REFS = tuple(_make_ref(d) for d in _ALL)
float16_ref, float32_ref, float64_ref = (d._ref for d in (float16, float32, float64))
int8_ref, int16_ref, int32_ref, int64_ref = (d._ref for d in (int8, int16, int32, int64))
uint8_ref, uint16_ref, uint32_ref, uint64_ref = (d._ref for d in (uint8, uint16, uint32, uint64))
bool_ref, string_ref = bool._ref, string._ref
complex64_ref, complex128_ref = complex64._ref, complex128._ref
half_ref = float16_ref
double_ref = float64_ref
# Quantized dtypes: TensorFlow's tokens for quantized ops, with its NumPy representation (a
# one-field structured type). smallflow has no quantized kernels: no op accepts them, so any
# arithmetic on them fails when the graph is built.
qint8 = DType("qint8", [("qint8", np.int8)], "qint8")
quint8 = DType("quint8", [("quint8", np.uint8)], "quint8")
qint16 = DType("qint16", [("qint16", np.int16)], "qint16")
quint16 = DType("quint16", [("quint16", np.uint16)], "quint16")
qint32 = DType("qint32", [("qint32", np.int32)], "qint32")
QUANTIZED_DTYPES = frozenset([qint8, quint8, qint16, quint16, qint32])
_QUANTIZED = (qint8, quint8, qint16, quint16, qint32)
_QUANTIZED_REFS = tuple(_make_ref(d) for d in _QUANTIZED)
qint8_ref, quint8_ref, qint16_ref, quint16_ref, qint32_ref = _QUANTIZED_REFS
# Handles of resources and variants (TensorFlow 2's resource variables, datasets as values):
# named so that code mentioning them imports; no smallflow tensor has these dtypes.
resource = DType("resource", object, "resource")
variant = DType("variant", object, "variant")
resource_ref = _make_ref(resource)
variant_ref = _make_ref(variant)
_BY_NAME = {d.name: d for d in _ALL + _REFS + _QUANTIZED + _QUANTIZED_REFS}
_BY_NAME.update({d.name: d for d in (resource, variant, resource_ref, variant_ref)})
_BY_NAME.update({"float": float32, "double": float64, "half": float16})
_BY_NUMPY = {d._np: d for d in _ALL + _QUANTIZED}


# TensorFlow's DataType enum numbers (types.proto); a reference type is its base + 100.
_ENUMS = {1: float32, 2: float64, 3: int32, 4: uint8, 5: int16, 6: int8, 7: string,
          8: complex64, 9: int64, 10: bool, 11: qint8, 12: quint8, 13: qint32, 15: qint16,
          16: quint16, 17: uint16, 18: complex128, 19: float16, 20: resource, 21: variant,
          22: uint32, 23: uint64}
_ENUM_OF = {d: number for number, d in _ENUMS.items()}


def as_dtype(type_value):
    """Convert a DType, NumPy dtype or type, a name like ``"float"`` or a DataType enum
    number (``1`` is float32, ``101`` float32_ref) to a DType."""
    if isinstance(type_value, DType):
        return type_value
    if isinstance(type_value, int | np.integer):  # (True is 1, as in a dict lookup)
        number = int(type_value)
        found = _ENUMS.get(number - 100 if number > 100 else number)
        if found is None:
            raise TypeError(f"Cannot convert value {type_value!r} to a TensorFlow DType.")
        return found._ref if number > 100 else found
    if isinstance(type_value, str):
        found = _BY_NAME.get(type_value)
        if found is None:
            raise TypeError(f"Cannot convert value {type_value!r} to a TensorFlow DType.")
        return found
    if type_value is float:
        return float32
    if type_value is builtins.bool:
        return bool
    if type_value in (builtins.bytes, builtins.str, np.bytes_, np.str_):
        return string
    try:
        np_dtype = np.dtype(type_value)
    except TypeError:
        np_dtype = None
    if np_dtype is not None and np_dtype.kind in "SU":
        return string
    found = _BY_NUMPY.get(np_dtype) if np_dtype is not None else None
    if found is None:
        raise TypeError(f"Cannot convert value {type_value!r} to a TensorFlow DType.")
    return found


def type_string(dtype):
    """TensorFlow's C++ spelling of a dtype, as in its error messages (``float``)."""
    return as_dtype(dtype)._tf_string
