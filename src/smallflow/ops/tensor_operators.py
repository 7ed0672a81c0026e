"""Python operators on Tensor (``+``, ``@``, ``<``, ...) installed as ops."""

from .. import dtypes
from ..graph import Tensor, convert_to_tensor, get_default_graph, is_tensor_like
from . import bitwise_ops  # noqa: F401 - registers the bitwise ops the operators build
from .common import binary_inputs, make_op, make_unary
from .cwise_ops import _binary, _truediv, logical_xor
from .matmul_ops import matmul

# -- operators on Tensor ---------------------------------------------------------------------


def _operator(op_type, default_name, func=None):
    # As TensorFlow's operator wrappers: the op's name scope is opened first, so a Python
    # operand becomes a constant inside it (``mul/y``, ``mul_1/x``), as do helper ops such
    # as truediv's casts; the op itself then takes the scope's name exactly.
    def apply(x, y, scope):
        if func is not None:
            return func(x, y, scope, default_name)
        return _binary(op_type, x, y, scope, default_name)

    def forward(x, y):
        if is_tensor_like(y):
            return apply(x, y, None)
        with get_default_graph().name_scope(default_name) as scope:
            return apply(x, y, scope)

    def reverse(y, x):
        # ``2 * t``: the Python operand takes the tensor's dtype, as in TensorFlow.
        with get_default_graph().name_scope(default_name) as scope:
            x = convert_to_tensor(x, dtype=y.dtype.base_dtype, name="x")
            return apply(x, y, scope)

    return forward, reverse


def _bitwise_or_logical(logical, bitwise):
    # ``&``, ``|``, ``^`` are logical on bools and bitwise on integers (TensorFlow's and_/or_).
    def apply(x, y, name, default_name):
        x, y = binary_inputs(logical, x, y)
        if x.dtype.base_dtype == dtypes.bool:
            if logical == "LogicalXor":
                return logical_xor(x, y, name=name or default_name)
            return _binary(logical, x, y, name, default_name)
        return make_op(bitwise, [x, y], [x.dtype], None, name, default_name).outputs[0]

    return apply


def _invert(x):
    x = convert_to_tensor(x)
    if x.dtype.base_dtype == dtypes.bool:
        return make_unary("LogicalNot", x, None, "LogicalNot")
    return make_unary("Invert", x, None, "Invert")


def _matmul_operator(x, y, name, default_name):
    return matmul(x, y, name=name or default_name)


def _add_operator(x, y, name, default_name):
    # As TensorFlow: ``+`` is AddV2, except on strings, which only the older Add concatenates.
    x, y = binary_inputs("AddV2", x, y)
    op_type = "Add" if x.dtype.base_dtype == dtypes.string else "AddV2"
    return _binary(op_type, x, y, name, default_name)


def _pow_operator(x, y, name, default_name):
    return _binary("Pow", x, y, name, default_name)


_add_op, _radd_op = _operator("AddV2", "add", _add_operator)
_sub_op, _rsub_op = _operator("Sub", "sub")
_mul_op, _rmul_op = _operator("Mul", "mul")
_div_op, _rdiv_op = _operator("RealDiv", "truediv", _truediv)
_floordiv_op, _rfloordiv_op = _operator("FloorDiv", "floordiv")
_mod_op, _rmod_op = _operator("FloorMod", "mod")
_pow_op, _rpow_op = _operator("Pow", "pow", _pow_operator)
_matmul_op, _rmatmul_op = _operator("MatMul", "matmul", _matmul_operator)
_and_op, _rand_op = _operator("LogicalAnd", "and", _bitwise_or_logical("LogicalAnd", "BitwiseAnd"))
_or_op, _ror_op = _operator("LogicalOr", "or", _bitwise_or_logical("LogicalOr", "BitwiseOr"))
_xor_op, _rxor_op = _operator("LogicalXor", "xor", _bitwise_or_logical("LogicalXor", "BitwiseXor"))

Tensor._override_operator("__add__", _add_op)
Tensor._override_operator("__radd__", _radd_op)
Tensor._override_operator("__sub__", _sub_op)
Tensor._override_operator("__rsub__", _rsub_op)
Tensor._override_operator("__mul__", _mul_op)
Tensor._override_operator("__rmul__", _rmul_op)
Tensor._override_operator("__truediv__", _div_op)
Tensor._override_operator("__rtruediv__", _rdiv_op)
Tensor._override_operator("__floordiv__", _floordiv_op)
Tensor._override_operator("__rfloordiv__", _rfloordiv_op)
Tensor._override_operator("__mod__", _mod_op)
Tensor._override_operator("__rmod__", _rmod_op)
Tensor._override_operator("__pow__", _pow_op)
Tensor._override_operator("__rpow__", _rpow_op)
Tensor._override_operator("__matmul__", _matmul_op)
Tensor._override_operator("__rmatmul__", _rmatmul_op)
Tensor._override_operator("__and__", _and_op)
Tensor._override_operator("__rand__", _rand_op)
Tensor._override_operator("__or__", _or_op)
Tensor._override_operator("__ror__", _ror_op)
Tensor._override_operator("__xor__", _xor_op)
Tensor._override_operator("__rxor__", _rxor_op)
Tensor._override_operator("__neg__", lambda x: make_unary("Neg", x, None, "Neg"))
Tensor._override_operator("__abs__", lambda x: make_unary("Abs", x, None, "Abs"))
Tensor._override_operator("__invert__", _invert)
Tensor._override_operator("__lt__", lambda x, y: _binary("Less", x, y, None, "Less"))
Tensor._override_operator("__le__", lambda x, y: _binary("LessEqual", x, y, None, "LessEqual"))
Tensor._override_operator("__gt__", lambda x, y: _binary("Greater", x, y, None, "Greater"))
Tensor._override_operator("__ge__",
                          lambda x, y: _binary("GreaterEqual", x, y, None, "GreaterEqual"))


def is_tensor(x):
    return is_tensor_like(x)
