"""Nested element structures of ``tf.data``: tuples, namedtuples and dicts of components.

As in TensorFlow's ``tf.data``, tuples and dicts are structure while a Python list is one
component (it becomes a tensor); dict keys are visited in sorted order. A SparseTensor (or
SparseTensorValue), though a named tuple, is one component.
"""

from ..graph import Tensor
from ..ops.sparse_tensor import SparseTensor, SparseTensorValue

__all__ = ["flatten", "map_structure", "pack_sequence_as"]


def _is_sparse(value):
    return isinstance(value, SparseTensor | SparseTensorValue)


def _is_structure(value):
    return isinstance(value, tuple | dict) and not _is_sparse(value)


def flatten(structure):
    """The leaves of ``structure``, depth first (dict values by sorted key)."""
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    if _is_structure(structure):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def pack_sequence_as(structure, flat):
    """``flat`` leaves rebuilt in the shape of ``structure``."""
    leaves = iter(flat)
    packed = _pack(structure, leaves)
    rest = list(leaves)
    if rest:
        raise ValueError(f"Structure had fewer leaves than the {len(flat)} values given")
    return packed


def _pack(structure, leaves):
    if isinstance(structure, dict):
        built = {key: _pack(structure[key], leaves) for key in sorted(structure)}
        return type(structure)((key, built[key]) for key in structure)
    if _is_structure(structure):
        items = [_pack(item, leaves) for item in structure]
        if hasattr(structure, "_fields"):
            return type(structure)(*items)
        return tuple(items)
    try:
        return next(leaves)
    except StopIteration:
        raise ValueError("Structure had more leaves than values given") from None


def map_structure(fn, structure, *more):
    """``fn`` applied leaf by leaf to one or several structures of the same shape."""
    flats = [flatten(structure), *(flatten(s) for s in more)]
    if any(len(f) != len(flats[0]) for f in flats):
        raise ValueError("The two structures don't have the same number of elements.")
    return pack_sequence_as(structure, [fn(*leaves) for leaves in zip(*flats)])


def same_structure(a, b):
    """Do ``a`` and ``b`` nest the same way (ignoring the leaves)?"""
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and sorted(a) == sorted(b)
                and all(same_structure(a[k], b[k]) for k in a))
    if _is_structure(a) or _is_structure(b):
        return (_is_structure(a) and _is_structure(b) and len(a) == len(b)
                and all(same_structure(x, y) for x, y in zip(a, b)))
    return True


is_structure = _is_structure


class Structured:
    """``output_types`` / ``output_shapes`` / ``output_classes`` of a dataset or iterator.

    Both keep their element structure as ``_types``, ``_shapes`` and ``_classes`` (nested
    alike): a component's class is ``Tensor``, or ``SparseTensor`` for a sparse component,
    whose type is its values' dtype and whose shape is its dense shape, as in TensorFlow 1.x.
    """

    @property
    def output_types(self):
        return self._types

    @property
    def output_shapes(self):
        return self._shapes

    @property
    def output_classes(self):
        return self._classes

    def _flat_sparse(self):
        """For each flat component: is it a SparseTensor?"""
        return [cls is SparseTensor for cls in flatten(self._classes)]


def dense_classes(types):
    """The classes of a structure of dense components."""
    return map_structure(lambda _: Tensor, types)


def classes_of(structure):
    """The class of each component of a structure of Tensors and SparseTensors."""
    return map_structure(lambda t: SparseTensor if _is_sparse(t) else Tensor, structure)
