"""``tf.nest``: flatten and rebuild nested structures (lists, tuples, namedtuples, dicts).

Control flow (``cond``, ``while_loop``, ``map_fn``) and the RNN functions take and return
arbitrary nests of tensors; these helpers turn a nest into a flat list and back. Dicts are
flattened in sorted key order, as TensorFlow does; anything else is a leaf.
"""


def is_sequence(value):
    """True for the containers nest looks into (not strings, not tensors)."""
    return isinstance(value, list | tuple | dict)


is_nested = is_sequence


def _children(value):
    if isinstance(value, dict):
        return [value[key] for key in _sorted_keys(value)]
    return list(value)


def _sorted_keys(mapping):
    try:
        return sorted(mapping)
    except TypeError:
        raise TypeError("nest only supports dicts with sortable keys.") from None


def flatten(structure, expand_composites=False):
    """The leaves of ``structure``, depth first (a leaf alone becomes ``[leaf]``)."""
    if not is_sequence(structure):
        return [structure]
    flat = []
    stack = [structure]
    while stack:
        item = stack.pop()
        if is_sequence(item):
            stack.extend(reversed(_children(item)))
        else:
            flat.append(item)
    return flat


def _rebuild(template, children):
    if isinstance(template, dict):
        keys = _sorted_keys(template)
        built = dict(zip(keys, children))
        return type(template)((key, built[key]) for key in template)
    if isinstance(template, tuple) and hasattr(template, "_fields"):
        return type(template)(*children)
    return type(template)(children)


def pack_sequence_as(structure, flat_sequence, expand_composites=False):
    """A structure shaped like ``structure`` whose leaves are ``flat_sequence``, in order."""
    flat_sequence = list(flat_sequence)
    if not is_sequence(structure):
        if len(flat_sequence) != 1:
            raise ValueError(f"Structure is a scalar but len(flat_sequence) == "
                             f"{len(flat_sequence)} > 1")
        return flat_sequence[0]
    count = len(flatten(structure))
    if count != len(flat_sequence):
        raise ValueError(
            f"Could not pack sequence. Structure had {count} elements, but flat_sequence had "
            f"{len(flat_sequence)} elements.  Structure: {structure}, flat_sequence: "
            f"{flat_sequence}."
        )
    leaves = iter(flat_sequence)

    def build(node):
        if not is_sequence(node):
            return next(leaves)
        return _rebuild(node, [build(child) for child in _children(node)])

    return build(structure)


def assert_same_structure(nest1, nest2, check_types=True, expand_composites=False):
    """Raise ValueError (or TypeError for differing sequence types) unless shapes match."""
    _compare(nest1, nest2, check_types, nest1, nest2)


def _compare(a, b, check_types, whole1, whole2):
    if is_sequence(a) != is_sequence(b):
        raise ValueError(
            "The two structures don't have the same nested structure.\n\n"
            f"First structure: {whole1}\n\nSecond structure: {whole2}"
        )
    if not is_sequence(a):
        return
    if check_types and type(a) is not type(b):
        raise TypeError(
            "The two structures don't have the same sequence type. Input structure has "
            f"type {type(a)}, while shallow structure has type {type(b)}."
        )
    if isinstance(a, dict) and _sorted_keys(a) != _sorted_keys(b):
        raise ValueError(f"The two dictionaries don't have the same set of keys. First "
                         f"structure has keys {_sorted_keys(a)}, while second structure has "
                         f"keys {_sorted_keys(b)}.")
    children_a = _children(a)
    children_b = _children(b)
    if len(children_a) != len(children_b):
        raise ValueError(
            "The two structures don't have the same number of elements.\n\n"
            f"First structure ({len(children_a)} elements): {whole1}\n\n"
            f"Second structure ({len(children_b)} elements): {whole2}"
        )
    for child_a, child_b in zip(children_a, children_b):
        _compare(child_a, child_b, check_types, whole1, whole2)


def map_structure(func, *structures, **kwargs):
    """Apply ``func`` leaf by leaf to structures of one shape; the result has that shape."""
    if not structures:
        raise ValueError("Must provide at least one structure")
    check_types = kwargs.pop("check_types", True)
    kwargs.pop("expand_composites", None)
    if kwargs:
        raise ValueError(f"Only valid keyword arguments are `check_types` and "
                         f"`expand_composites`, not: {sorted(kwargs)}")
    for other in structures[1:]:
        assert_same_structure(structures[0], other, check_types=check_types)
    flat = [flatten(s) for s in structures]
    results = [func(*leaves) for leaves in zip(*flat)]
    return pack_sequence_as(structures[0], results)


__all__ = ["assert_same_structure", "flatten", "is_nested", "is_sequence", "map_structure",
           "pack_sequence_as"]
