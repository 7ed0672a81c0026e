"""Element-wise math: unary functions and broadcasting binary ops."""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor, get_default_graph, is_tensor_like
from ..op_signature import (
    ADD_TYPES,
    ALL,
    ARITHMETIC_TYPES,
    FLOAT_COMPLEX,
    FLOAT_INT_COMPLEX,
    FLOATS,
    INDEX,
    REAL_ARITHMETIC_TYPES,
    REALS,
    SIGNED_INTS,
    signature,
)
from ..ownership import takes_dead_inputs, writable_alone
from ..registry import register_op
from .common import (
    binary_inputs,
    broadcast_shape_fn,
    composite_dispatch,
    make_op,
    make_unary,
    require_float,
    same_shape,
)
from .constant_op import cast

# -- elementwise unary ---------------------------------------------------------------------------


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _rsqrt(x):
    return 1 / np.sqrt(x)


def _reciprocal(x):
    return 1 / x


_UNARY_KERNELS = {
    "Neg": np.negative,
    "Abs": np.abs,
    "Square": np.square,
    "Sqrt": np.sqrt,
    "Rsqrt": _rsqrt,
    "Exp": np.exp,
    "Log": np.log,
    "Log1p": np.log1p,
    "Sign": np.sign,
    "Reciprocal": _reciprocal,
    "Tanh": np.tanh,
    "Sigmoid": _sigmoid,
    "Floor": np.floor,
    "Ceil": np.ceil,
    "LogicalNot": np.logical_not,
}


def _round_kernel(attrs):
    # Integers are already round: np.rint would turn them into float64.
    return np.rint if attrs["T"].is_floating else _unchanged


def _unchanged(x):
    return x

# Written out so that every registration can be found by reading.
register_op("Neg", lambda attrs: _UNARY_KERNELS["Neg"], same_shape,
            signature=signature("x: T -> y: T", T=FLOAT_INT_COMPLEX + (dtypes.int8, dtypes.int16)))
register_op("Abs", lambda attrs: _UNARY_KERNELS["Abs"], same_shape,
            signature=signature("x: T -> y: T", T=FLOATS + SIGNED_INTS))
register_op("Square", lambda attrs: _UNARY_KERNELS["Square"], same_shape,
            signature=signature("x: T -> y: T", T=FLOAT_INT_COMPLEX))
register_op("Sqrt", lambda attrs: _UNARY_KERNELS["Sqrt"], same_shape,
            signature=signature("x: T -> y: T", T=FLOAT_COMPLEX))
register_op("Rsqrt", lambda attrs: _UNARY_KERNELS["Rsqrt"], same_shape,
            signature=signature("x: T -> y: T", T=FLOAT_COMPLEX))
register_op("Exp", lambda attrs: _UNARY_KERNELS["Exp"], same_shape,
            signature=signature("x: T -> y: T", T=FLOAT_COMPLEX))
register_op("Log", lambda attrs: _UNARY_KERNELS["Log"], same_shape,
            signature=signature("x: T -> y: T", T=FLOAT_COMPLEX))
register_op("Log1p", lambda attrs: _UNARY_KERNELS["Log1p"], same_shape,
            signature=signature("x: T -> y: T", T=FLOAT_COMPLEX))
register_op("Sign", lambda attrs: _UNARY_KERNELS["Sign"], same_shape,
            signature=signature("x: T -> y: T", T=FLOAT_INT_COMPLEX))
# Declared for ints too (TF 1.15), but with float/complex kernels only: an int graph builds
# and fails when run, as in TensorFlow.
register_op("Reciprocal", lambda attrs: _UNARY_KERNELS["Reciprocal"], same_shape,
            signature=signature("x: T -> y: T", T=FLOAT_INT_COMPLEX,
                                kernels={"T": FLOAT_COMPLEX}))
register_op("Tanh", lambda attrs: _UNARY_KERNELS["Tanh"], same_shape,
            signature=signature("x: T -> y: T", T=FLOAT_COMPLEX))
register_op("Sigmoid", lambda attrs: _UNARY_KERNELS["Sigmoid"], same_shape,
            signature=signature("x: T -> y: T", T=FLOAT_COMPLEX))
register_op("Floor", lambda attrs: _UNARY_KERNELS["Floor"], same_shape,
            signature=signature("x: T -> y: T", T=FLOATS))
register_op("Ceil", lambda attrs: _UNARY_KERNELS["Ceil"], same_shape,
            signature=signature("x: T -> y: T", T=FLOATS))
register_op("Round", _round_kernel, same_shape,
            signature=signature("x: T -> y: T", T=FLOATS + INDEX))
register_op("LogicalNot", lambda attrs: _UNARY_KERNELS["LogicalNot"], same_shape,
            signature=signature("x: bool -> y: bool"))


def negative(x, name=None):
    return _unary("Neg", x, name)


def abs(x, name=None):  # noqa: A001 - TensorFlow's public name
    """|x|; of a complex tensor, the modulus in its part dtype (TensorFlow's ComplexAbs, an
    op registered with the complex family in complex_ops.py)."""
    dispatch = composite_dispatch(x)
    if dispatch is not None:
        return dispatch("unary", lambda v: abs(v, name), x)
    x = convert_to_tensor(x, name="x")
    if x.dtype.is_complex:
        part = x.dtype.real_dtype
        return make_op("ComplexAbs", [x], [part], {"Tout": part}, name,
                       "ComplexAbs").outputs[0]
    return _unary("Abs", x, name)


def square(x, name=None):
    return _unary("Square", x, name)


def sqrt(x, name=None):
    return _unary("Sqrt", x, name)


def rsqrt(x, name=None):
    return _unary("Rsqrt", x, name)


def exp(x, name=None):
    return _unary("Exp", x, name)


def log(x, name=None):
    """Natural logarithm; ``log(0)`` is ``-inf``."""
    return _unary("Log", x, name)


def log1p(x, name=None):
    return _unary("Log1p", x, name)


def sign(x, name=None):
    return _unary("Sign", x, name)


def reciprocal(x, name=None):
    return _unary("Reciprocal", x, name)


def tanh(x, name=None):
    return _unary("Tanh", x, name)


def sigmoid(x, name=None):
    return _unary("Sigmoid", x, name)


def floor(x, name=None):
    return _unary("Floor", x, name)


def ceil(x, name=None):
    return _unary("Ceil", x, name)


def round(x, name=None):  # noqa: A001
    """Round half to even, as TensorFlow does."""
    return _unary("Round", x, name)


def logical_not(x, name=None):
    return _unary("LogicalNot", x, name)


register_op("IsNan", lambda attrs: np.isnan, same_shape,
            signature=signature("x: T -> y: bool", T=FLOATS))
register_op("IsInf", lambda attrs: np.isinf, same_shape,
            signature=signature("x: T -> y: bool", T=FLOATS))
register_op("IsFinite", lambda attrs: np.isfinite, same_shape,
            signature=signature("x: T -> y: bool", T=FLOATS))


def _float_test(op_type, x, name):
    dispatch = composite_dispatch(x)
    if dispatch is not None:
        return dispatch("unary", lambda v: _float_test(op_type, v, name), x)
    x = convert_to_tensor(x)
    require_float(op_type, x)
    return _unary(op_type, x, name, out_dtype=dtypes.bool)


def is_nan(x, name=None):
    """True where ``x`` is NaN (floating-point inputs only)."""
    return _float_test("IsNan", x, name)


def is_inf(x, name=None):
    return _float_test("IsInf", x, name)


def is_finite(x, name=None):
    """True where ``x`` is neither infinite nor NaN."""
    return _float_test("IsFinite", x, name)


# -- elementwise binary (NumPy broadcasting) ---------------------------------------------------


def _float_floordiv(x, y):
    # floor(x / y), as TensorFlow computes it (NumPy's floor_divide rounds -2.5 // inf to -1).
    return np.floor(np.true_divide(x, y))


def _integer_checked(attrs, int_fn, float_fn):
    """The kernel for one dtype: integer division by zero is an error, as in TensorFlow."""
    if not attrs["T"].is_integer:
        return float_fn

    def divide(x, y):
        # Only a divisor that is used counts: an empty result divides nothing.
        if np.size(x) and np.size(y) and not np.all(y):
            raise InvalidArgumentError(None, None, "Integer division by zero")
        return int_fn(x, y)

    return divide


def _pow_kernel(attrs):
    if not attrs["T"].is_integer:
        return np.power

    def integer_power(x, y):
        if np.size(x) and np.any(np.asarray(y) < 0):
            raise InvalidArgumentError(
                None, None, "Integers to negative integer powers are not allowed")
        return np.power(x, y)

    return integer_power


def _div_no_nan(x, y):
    safe = np.where(y == 0, np.ones_like(y), y)
    return np.where(y == 0, np.zeros_like(x), x / safe)


# Arrays from this many elements are worth writing in place; below, a new array costs less
# than the checks (the tutorial's [100, 10] values).
_IN_PLACE_MIN = 1 << 15


def _fits_into(x, y):
    """``y`` is an array of ``x``'s dtype that broadcasts into ``x``'s shape unchanged."""
    if not isinstance(y, np.ndarray | np.generic) or y.dtype != x.dtype:
        return False
    x_shape, y_shape = x.shape, y.shape
    if y_shape == x_shape or (len(y_shape) == 1 and y_shape[0] == x_shape[-1]):
        return True  # the common cases: same shape, a bias over the last axis
    if len(y_shape) > len(x_shape):
        return False
    tail = x_shape[len(x_shape) - len(y_shape):]
    return all(b == 1 or a == b for a, b in zip(tail, y_shape, strict=True))


def _reusing_first(ufunc, kinds="biufc"):
    """``ufunc`` as a kernel that writes into its first input when the plan hands it over
    dead and nothing else holds it (ownership.py), and the result has its shape and dtype:
    a conv output plus its bias, a product feeding only this op. No new array, and no cache
    misses on memory that was not being read."""

    @takes_dead_inputs
    def kernel(x, y):
        if (type(x) is np.ndarray and x.size >= _IN_PLACE_MIN and writable_alone(x)
                and _fits_into(x, y) and x.dtype.kind in kinds):
            return ufunc(x, y, out=x)
        return ufunc(x, y)

    return kernel


_ADD = _reusing_first(np.add)
_SUBTRACT = _reusing_first(np.subtract)
_MULTIPLY = _reusing_first(np.multiply)
_TRUE_DIVIDE = _reusing_first(np.true_divide, kinds="fc")  # ints divide into floats

register_op("Add", lambda attrs: _ADD, broadcast_shape_fn,
            signature=signature("x: T, y: T -> z: T", T=ADD_TYPES))
register_op("AddV2", lambda attrs: _ADD, broadcast_shape_fn,
            signature=signature("x: T, y: T -> z: T",
                                T=FLOAT_INT_COMPLEX + (dtypes.uint8, dtypes.int8, dtypes.int16)))
register_op("Sub", lambda attrs: _SUBTRACT, broadcast_shape_fn,
            signature=signature("x: T, y: T -> z: T", T=ARITHMETIC_TYPES))
register_op("Mul", lambda attrs: _MULTIPLY, broadcast_shape_fn,
            signature=signature("x: T, y: T -> z: T", T=ARITHMETIC_TYPES))
register_op("RealDiv", lambda attrs: _TRUE_DIVIDE, broadcast_shape_fn,
            signature=signature("x: T, y: T -> z: T", T=ARITHMETIC_TYPES,
                                kernels={"T": FLOAT_COMPLEX}))
register_op("FloorDiv", lambda attrs: _integer_checked(attrs, np.floor_divide, _float_floordiv),
            broadcast_shape_fn,
            signature=signature("x: T, y: T -> z: T", T=REAL_ARITHMETIC_TYPES))
register_op("FloorMod", lambda attrs: _integer_checked(attrs, np.mod, np.mod), broadcast_shape_fn,
            signature=signature("x: T, y: T -> z: T", T=FLOATS + INDEX))
register_op("Pow", _pow_kernel, broadcast_shape_fn,
            signature=signature("x: T, y: T -> z: T", T=FLOAT_INT_COMPLEX))
register_op("Maximum", lambda attrs: np.maximum, broadcast_shape_fn,
            signature=signature("x: T, y: T -> z: T", T=FLOATS + INDEX))
register_op("Minimum", lambda attrs: np.minimum, broadcast_shape_fn,
            signature=signature("x: T, y: T -> z: T", T=FLOATS + INDEX))
register_op("DivNoNan", lambda attrs: _div_no_nan, broadcast_shape_fn,
            signature=signature("x: T, y: T -> z: T", T=FLOAT_COMPLEX))
def _squared_difference(x, y):
    difference = x - y
    if difference.dtype.kind == "c":  # TensorFlow: (x - y) * conj(x - y), real-valued
        return difference * difference.conj()
    return np.square(difference)


register_op("SquaredDifference", lambda attrs: _squared_difference, broadcast_shape_fn,
            signature=signature("x: T, y: T -> z: T", T=FLOAT_INT_COMPLEX))
register_op("Equal", lambda attrs: np.equal, broadcast_shape_fn,
            signature=signature("x: T, y: T -> z: bool", T=ALL))
register_op("NotEqual", lambda attrs: np.not_equal, broadcast_shape_fn,
            signature=signature("x: T, y: T -> z: bool", T=ALL))
register_op("Less", lambda attrs: np.less, broadcast_shape_fn,
            signature=signature("x: T, y: T -> z: bool", T=REALS))
register_op("LessEqual", lambda attrs: np.less_equal, broadcast_shape_fn,
            signature=signature("x: T, y: T -> z: bool", T=REALS))
register_op("Greater", lambda attrs: np.greater, broadcast_shape_fn,
            signature=signature("x: T, y: T -> z: bool", T=REALS))
register_op("GreaterEqual", lambda attrs: np.greater_equal, broadcast_shape_fn,
            signature=signature("x: T, y: T -> z: bool", T=REALS))
register_op("LogicalAnd", lambda attrs: np.logical_and, broadcast_shape_fn,
            signature=signature("x: bool, y: bool -> z: bool"))
register_op("LogicalOr", lambda attrs: np.logical_or, broadcast_shape_fn,
            signature=signature("x: bool, y: bool -> z: bool"))

_BOOL_OUTPUT = frozenset(
    {"Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual", "LogicalAnd",
     "LogicalOr"}
)


def _unary(op_type, x, name=None, default_name=None, out_dtype=None):
    """An elementwise one-input op; a RaggedTensor argument maps it over its flat values."""
    dispatch = composite_dispatch(x)
    if dispatch is not None:
        return dispatch("unary", lambda v: _unary(op_type, v, name, default_name, out_dtype),
                        x)
    return make_unary(op_type, x, name, default_name, out_dtype=out_dtype)


def _binary(op_type, x, y, name=None, default_name=None):
    dispatch = composite_dispatch(x, y)
    if dispatch is not None:
        return dispatch("elementwise", lambda a, b: _binary(op_type, a, b, name, default_name),
                        x, y)
    if not (is_tensor_like(x) and is_tensor_like(y)) and not (name or "").endswith("/"):
        # A Python operand becomes a constant inside the op's name scope (``Add/y``), as
        # TensorFlow's op builder converts inputs under the op's scope.
        with get_default_graph().name_scope(name or default_name or op_type) as scope:
            return _binary(op_type, x, y, scope)
    x, y = binary_inputs(op_type, x, y)
    out_dtype = dtypes.bool if op_type in _BOOL_OUTPUT else x.dtype
    return make_op(op_type, [x, y], [out_dtype], None, name, default_name).outputs[0]


def add(x, y, name=None):
    return _binary("Add", x, y, name)


def subtract(x, y, name=None):
    return _binary("Sub", x, y, name)


def multiply(x, y, name=None):
    return _binary("Mul", x, y, name)


def _truediv(x, y, name=None, default_name="truediv"):
    dispatch = composite_dispatch(x, y)
    if dispatch is not None:
        return dispatch("elementwise", lambda a, b: _truediv(a, b, name, default_name), x, y)
    if not (is_tensor_like(x) and is_tensor_like(y)) and not (name or "").endswith("/"):
        with get_default_graph().name_scope(name or default_name) as scope:
            return _truediv(x, y, scope)
    x, y = binary_inputs("RealDiv", x, y)
    if x.dtype.is_integer:
        small = x.dtype.size <= 2
        target = dtypes.float32 if small else dtypes.float64
        x = cast(x, target)
        y = cast(y, target)
    return _binary("RealDiv", x, y, name, default_name)


def truediv(x, y, name=None):
    return _truediv(x, y, name)


def divide(x, y, name=None):
    """``x / y`` with true division (integers are converted to floats first)."""
    return _truediv(x, y, name)


def realdiv(x, y, name=None):
    return _binary("RealDiv", x, y, name)


def div_no_nan(x, y, name=None):
    """``x / y``, or 0 where ``y`` is 0."""
    return _binary("DivNoNan", x, y, name)


def div(x, y, name=None):
    """Python 2 style division: floor division for integers, true division for floats."""
    if not (is_tensor_like(x) and is_tensor_like(y)) and not (name or "").endswith("/"):
        with get_default_graph().name_scope(name or "div") as scope:
            return div(x, y, scope)
    x, y = binary_inputs("Div", x, y)
    if x.dtype.is_integer:
        return _binary("FloorDiv", x, y, name, "div")
    return _binary("RealDiv", x, y, name, "div")


def floordiv(x, y, name=None):
    return _binary("FloorDiv", x, y, name, "floordiv")


def floormod(x, y, name=None):
    return _binary("FloorMod", x, y, name)


mod = floormod


def pow(x, y, name=None):  # noqa: A001
    return _binary("Pow", x, y, name)


def maximum(x, y, name=None):
    return _binary("Maximum", x, y, name)


def minimum(x, y, name=None):
    return _binary("Minimum", x, y, name)


def squared_difference(x, y, name=None):
    return _binary("SquaredDifference", x, y, name)


def equal(x, y, name=None):
    return _binary("Equal", x, y, name)


def not_equal(x, y, name=None):
    return _binary("NotEqual", x, y, name)


def less(x, y, name=None):
    return _binary("Less", x, y, name)


def less_equal(x, y, name=None):
    return _binary("LessEqual", x, y, name)


def greater(x, y, name=None):
    return _binary("Greater", x, y, name)


def greater_equal(x, y, name=None):
    return _binary("GreaterEqual", x, y, name)


def logical_and(x, y, name=None):
    return _binary("LogicalAnd", x, y, name)


def logical_or(x, y, name=None):
    return _binary("LogicalOr", x, y, name)


def logical_xor(x, y, name="LogicalXor"):
    """``x`` or ``y`` but not both, built from and/or/not as TensorFlow does."""
    either = logical_or(x, y)
    both = logical_and(x, y)
    return logical_and(either, logical_not(both), name=name)


