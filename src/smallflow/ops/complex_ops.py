"""Complex numbers: ``tf.complex``, ``real``, ``imag``, ``conj``, ``angle`` and the absolute
value of a complex tensor (``ComplexAbs``), with TensorFlow's dtype rules (float32 parts make
complex64, float64 parts complex128; ``real``/``imag``/``angle``/``abs`` return the part
dtype; on real tensors ``real`` and ``conj`` are the identity, ``imag`` is zeros, ``angle``
is 0 or pi)."""

import numpy as np

from .. import dtypes
from ..graph import convert_to_tensor, name_scope
from ..op_signature import COMPLEX, signature
from ..registry import register_op
from .array_ops import ones_like, where, zeros_like
from .common import broadcast_shape_fn, make_op, same_shape
from .constant_op import cast

_PART_TYPES = (dtypes.float32, dtypes.float64)
_COMPLEX_OF = {dtypes.float32: dtypes.complex64, dtypes.float64: dtypes.complex128}


def _complex_kernel(attrs):
    out = attrs["Tout"].as_numpy_dtype

    def complex_(real, imag):
        return (real + 1j * imag).astype(out)

    return complex_


register_op("Complex", _complex_kernel, broadcast_shape_fn,
            signature=signature("real: T, imag: T -> out: Tout", T=_PART_TYPES, Tout=COMPLEX))


def complex(real, imag, name=None):  # noqa: A001 - TensorFlow's public name
    """``real + i * imag`` element-wise (broadcasting): float32 parts give complex64,
    float64 parts complex128."""
    with name_scope(name, "Complex", [real, imag]) as scope:
        real = convert_to_tensor(real, name="real")
        imag = convert_to_tensor(imag, name="imag")
        if real.dtype != imag.dtype:
            raise TypeError(f"Input 'imag' of 'Complex' Op has type {imag.dtype.name} that "
                            f"does not match type {real.dtype.name} of argument 'real'.")
        if real.dtype not in _COMPLEX_OF:
            raise TypeError(f"Value passed to parameter 'real' has DataType "
                            f"{real.dtype.name} not in list of allowed values: float32, "
                            f"float64")
        out = _COMPLEX_OF[real.dtype]
        return make_op("Complex", [real, imag], [out], {"Tout": out}, scope).outputs[0]


def _part_kernel(function):
    def factory(attrs):
        out = attrs["Tout"].as_numpy_dtype

        def part(x):
            return np.asarray(function(x)).astype(out)

        return part

    return factory


for _op_type, _function in (("Real", np.real), ("Imag", np.imag), ("Angle", np.angle),
                            ("ComplexAbs", np.abs)):
    register_op(_op_type, _part_kernel(_function), same_shape,
                signature=signature("input: T -> output: Tout", T=COMPLEX, Tout=_PART_TYPES))


def _conj_kernel(attrs):
    return np.conj


register_op("Conj", _conj_kernel, same_shape,
            signature=signature("input: T -> output: T", T=COMPLEX))


def _part(op_type, x, name):
    out = x.dtype.real_dtype
    return make_op(op_type, [x], [out], {"Tout": out}, name).outputs[0]


def real(input, name=None):  # noqa: A002 - TensorFlow's argument name
    """The real part (the tensor itself when it is real)."""
    with name_scope(name, "Real", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        if x.dtype.is_complex:
            return _part("Real", x, scope)
        return x


def imag(input, name=None):  # noqa: A002
    """The imaginary part (zeros when the tensor is real)."""
    with name_scope(name, "Imag", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        if x.dtype.is_complex:
            return _part("Imag", x, scope)
        return zeros_like(x, name=scope)


def angle(input, name=None):  # noqa: A002
    """The argument of each complex number, in (-pi, pi]; for a real tensor, pi where it is
    negative and 0 elsewhere."""
    with name_scope(name, "Angle", [input]) as scope:
        x = convert_to_tensor(input, name="input")
        if x.dtype.is_complex:
            return _part("Angle", x, scope)
        return where(x < 0, np.pi * ones_like(x), zeros_like(x), name=scope)


def conj(x, name=None):
    """The complex conjugate; a real tensor is returned as it is."""
    with name_scope(name, "Conj", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        if x.dtype.is_complex:
            return make_op("Conj", [x], [x.dtype], None, scope).outputs[0]
        if x.dtype.is_floating or x.dtype.is_integer:
            return x
        raise TypeError(f"Expected numeric or variant tensor, got dtype {x.dtype!r}")


def complex_abs(x, name=None):
    """|x| of a complex tensor, in its part dtype."""
    return _part("ComplexAbs", convert_to_tensor(x, name="x"), name or "ComplexAbs")


def to_complex64(x, name="ToComplex64"):
    """``cast(x, complex64)`` (TF1's shorthand)."""
    return cast(x, dtypes.complex64, name=name)


def to_complex128(x, name="ToComplex128"):
    """``cast(x, complex128)`` (TF1's shorthand)."""
    return cast(x, dtypes.complex128, name=name)
