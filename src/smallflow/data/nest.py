"""Nested element structures of ``tf.data``: tuples, namedtuples and dicts of components.

As in TensorFlow's ``tf.data``, tuples and dicts are structure while a Python list is one
component (it becomes a tensor); dict keys are visited in sorted order.
"""

from ..graph import Tensor

__all__ = ["flatten", "map_structure", "pack_sequence_as"]


def _is_structure(value):
    return isinstance(value, tuple | dict)


def flatten(structure):
    """The leaves of ``structure``, depth first (dict values by sorted key)."""
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    if isinstance(structure, tuple):
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
    if isinstance(structure, tuple):
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
    if isinstance(a, tuple) or isinstance(b, tuple):
        return (isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b)
                and all(same_structure(x, y) for x, y in zip(a, b)))
    return True


is_structure = _is_structure


class Structured:
    """``output_types`` / ``output_shapes`` / ``output_classes`` of a dataset or iterator.

    Both keep their element structure as ``_types`` and ``_shapes`` (nested alike); the
    classes are all ``Tensor`` since sparse elements are not produced.
    """

    @property
    def output_types(self):
        return self._types

    @property
    def output_shapes(self):
        return self._shapes

    @property
    def output_classes(self):
        return map_structure(lambda _: Tensor, self._types)
