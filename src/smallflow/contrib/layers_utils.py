"""``tf.contrib.layers.utils`` (``slim.utils``): the outputs collections slim nets build their
``end_points`` from, and small shape helpers.

A layer called with ``outputs_collections`` adds its output to those collections and records
the layer's scope name on the tensor (``tensor.aliases``); ``convert_collection_to_dict`` then
maps each alias to its tensor, which is how ``vgg_16`` returns ``end_points['vgg_16/fc7']``.
"""

import collections
import numbers

from ..graph import Tensor, add_to_collections, get_collection, get_default_graph
from ..ops.common import constant_value as _constant_value
from ._missing import missing_attribute

__all__ = [
    "append_tensor_alias",
    "collect_named_outputs",
    "constant_value",
    "convert_collection_to_dict",
    "gather_tensors_aliases",
    "get_tensor_alias",
    "get_tensor_aliases",
    "last_dimension",
    "n_positive_integers",
    "two_element_tuple",
]


def append_tensor_alias(tensor, alias):
    """Record ``alias`` (a trailing ``/`` dropped) on ``tensor``; return the tensor."""
    if alias.endswith("/"):
        alias = alias[:-1]
    aliases = getattr(tensor, "aliases", None)
    if aliases is None:
        tensor.aliases = [alias]
    elif alias not in aliases:
        aliases.append(alias)
    return tensor


def collect_named_outputs(collections_, alias, outputs):
    """Add ``outputs`` to each collection of ``collections_`` under ``alias``."""
    if collections_:
        append_tensor_alias(outputs, alias)
        add_to_collections(collections_, outputs)
    return outputs


def get_tensor_aliases(tensor):
    """The aliases recorded on ``tensor``, or its op's name when it has none."""
    aliases = getattr(tensor, "aliases", None)
    if aliases:
        return list(aliases)
    return [tensor.op.name if isinstance(tensor, Tensor) else tensor.name]


def get_tensor_alias(tensor):
    """The first alias of ``tensor`` (its op name when it has none)."""
    return get_tensor_aliases(tensor)[0]


def gather_tensors_aliases(tensors):
    """Every alias of every tensor of ``tensors``, in order."""
    aliases = []
    for tensor in tensors:
        aliases.extend(get_tensor_aliases(tensor))
    return aliases


def convert_collection_to_dict(collection, clear_collection=False):
    """An ``OrderedDict`` alias -> tensor over the tensors of graph collection
    ``collection`` (the end points of a slim net); ``clear_collection`` empties it."""
    output = collections.OrderedDict()
    for tensor in get_collection(collection):
        for alias in get_tensor_aliases(tensor):
            output[alias] = tensor
    if clear_collection:
        get_default_graph().clear_collection(collection)
    return output


def constant_value(value_or_tensor_or_var, dtype=None):
    """The value of a constant tensor (or a Python value); ValueError when it is unknown."""
    if value_or_tensor_or_var is None:
        raise ValueError("value_or_tensor_or_var cannot be None")
    value = value_or_tensor_or_var
    if isinstance(value, Tensor):
        if dtype and value.dtype != dtype:
            raise ValueError(f"`{value}` must be a Tensor of dtype {dtype}.")
        value = _constant_value(value)
        if value is None:
            raise ValueError(f"No constant value of {value_or_tensor_or_var.name}")
    return value


def last_dimension(shape, min_rank=1):
    """The last dimension of a static ``shape`` of rank at least ``min_rank``."""
    dims = shape.dims
    if dims is None:
        raise ValueError("dims of shape must be known but is None")
    if len(dims) < min_rank:
        raise ValueError(f"rank of shape must be at least {min_rank} not: {len(dims)}")
    value = dims[-1].value
    if value is None:
        raise ValueError("last dimension shape must be known but is None")
    return value


def two_element_tuple(int_or_tuple):
    """``(a, b)`` from an int or a 2-element list/tuple/TensorShape."""
    if isinstance(int_or_tuple, list | tuple):
        if len(int_or_tuple) != 2:
            raise ValueError(f"Must be a list with 2 elements: {int_or_tuple}")
        return int(int_or_tuple[0]), int(int_or_tuple[1])
    if isinstance(int_or_tuple, numbers.Integral):
        return int(int_or_tuple), int(int_or_tuple)
    if hasattr(int_or_tuple, "as_list"):
        return two_element_tuple(int_or_tuple.as_list())
    raise ValueError("Must be an int, a list with 2 elements or a TensorShape of length 2")


def n_positive_integers(n, value):
    """``value`` (an int or a sequence of ``n`` ints) as a tuple of ``n`` positive ints."""
    if isinstance(value, numbers.Integral):
        if value > 0:
            return (int(value),) * n
    else:
        items = tuple(value)
        if len(items) == n and all(isinstance(v, numbers.Integral) and v > 0 for v in items):
            return tuple(int(v) for v in items)
    raise ValueError(f"Expected value to be {n} positive integers, got {value!r}")


__getattr__ = missing_attribute(__name__, "tf.contrib.layers.utils")
