"""The op registry: one table of kernels and shape functions, one of gradients."""

from collections.abc import Callable
from dataclasses import dataclass


class Registry:
    """A name -> value table that refuses a second registration under the same name."""

    def __init__(self, kind):
        self._kind = kind
        self._entries = {}
        self._where = {}

    def register(self, name, value, where=None):
        if name in self._entries:
            raise KeyError(
                f"Registering two {self._kind} with name '{name}'! "
                f"(Previous registration was in {self._where[name]})"
            )
        self._entries[name] = value
        self._where[name] = where or getattr(value, "__module__", "?")

    def lookup(self, name):
        return self._entries[name]

    def __contains__(self, name):
        return name in self._entries

    def where(self, name):
        """The module that registered ``name``."""
        return self._where[name]

    def __iter__(self):
        return iter(self._entries)

    def items(self):
        return self._entries.items()

    def __len__(self):
        return len(self._entries)


@dataclass(frozen=True)
class OpDef:
    """How to run one op type and what shapes it makes.

    ``kernel(attrs)`` is called once when a session plans the op and returns the function
    that computes the outputs from the input arrays (a NumPy ufunc is a fine answer): the
    output array, or a tuple when the op has several outputs. A stateful kernel is called as
    ``kernel(attrs, state)`` with the running session's state (variables, random streams).
    ``shape_fn(op)`` returns one TensorShape per output. ``signature`` (see op_signature.py)
    declares the dtypes each input accepts and the outputs' dtypes; the graph checks it when
    the op is created.
    """

    type: str
    kernel: Callable
    shape_fn: Callable
    stateful: bool = False
    signature: object = None


OP_DEFS = Registry("op types")
GRADIENTS = Registry("gradient functions")


def register_op(op_type, kernel, shape_fn, stateful=False, signature=None):
    """Register an op type's kernel, shape function and (typed) signature."""
    where = kernel.__module__
    if signature is not None and signature.kernel_types:
        kernel = _checked_kernel(op_type, kernel, signature)
    op_def = OpDef(op_type, kernel, shape_fn, stateful, signature)
    OP_DEFS.register(op_type, op_def, where)


def _checked_kernel(op_type, kernel, signature):
    """``kernel`` behind the signature's check for declared types without a kernel."""
    def checked(attrs, *state):
        signature.check_kernel(op_type, attrs)
        return kernel(attrs, *state)

    return checked


class RegisterGradient:
    """Decorator: ``@RegisterGradient("MatMul")`` registers ``fn(op, grad)``."""

    def __init__(self, op_type):
        if not isinstance(op_type, str):
            raise TypeError("op_type must be a string")
        self._op_type = op_type

    def __call__(self, fn):
        GRADIENTS.register(self._op_type, fn, fn.__module__)
        return fn


def NotDifferentiable(op_type):  # noqa: N802 - TensorFlow's public name
    """Declare that ops of this type have no gradient (their inputs get None)."""
    GRADIENTS.register(op_type, None, "NotDifferentiable")


NoGradient = NotDifferentiable
