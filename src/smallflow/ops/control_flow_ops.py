"""Ops that only order other ops: ``no_op``, ``group``, ``tuple``, ``with_dependencies``."""

from ..graph import Operation, Tensor, control_dependencies, convert_to_tensor, name_scope
from ..op_signature import signature
from ..registry import NotDifferentiable, register_op
from .array_ops import identity
from .common import make_op

register_op("NoOp", lambda attrs: _nothing, lambda op: [], signature=signature("->"))
NotDifferentiable("NoOp")


def _nothing():
    return ()


def no_op(name=None):
    """An op that does nothing; useful as a target for control dependencies."""
    return make_op("NoOp", [], [], None, name)


def _as_op(item):
    if isinstance(item, Operation):
        return item
    if isinstance(item, Tensor):
        return item.op
    return convert_to_tensor(item).op


def group(*inputs, **kwargs):
    """One op that, when run, runs all of ``inputs`` (ops or tensors)."""
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"Unknown keyword arguments: {sorted(kwargs)}")
    ops = [_as_op(item) for item in inputs]
    with control_dependencies(ops):
        return no_op(name=name or "group_deps")


def tuple(tensors, name=None, control_inputs=None):  # noqa: A001 - TensorFlow's public name
    """Identities of ``tensors`` that are computed only after all of them."""
    with name_scope(name or "tuple"):
        gate = group(*[t for t in tensors if t is not None], *(control_inputs or []))
        with control_dependencies([gate]):
            return [None if t is None else identity(t) for t in tensors]


def with_dependencies(dependencies, output_tensor, name=None):
    """``output_tensor``'s value, produced only after ``dependencies`` have run."""
    with control_dependencies(dependencies):
        return identity(output_tensor, name=name)
