"""Feeds and fetches of ``Session.run``: a nest of fetches flattened into graph elements and
rebuilt in its shape, and feed values checked and converted to their tensors' dtypes and
shapes (sparse, ragged and tuple-keyed feeds expanded into one feed per part), with
TensorFlow's messages."""

import operator

import numpy as np

from . import dtypes, nest
from . import session_conversions as _conversions
from .graph import Operation, Tensor
from .ops.common import bytes_array
from .ops.sparse_tensor import SparseTensor


class Fetches:
    """Flattens a nest of fetches into graph elements and rebuilds results in its shape."""

    def __init__(self, graph, fetches):
        self.elements = []
        self._graph = graph
        self._structure = self._flatten(fetches)
        # The two common shapes (one fetch; a flat list) skip the walk over the structure:
        # the values come as a new list in the elements' order.
        if self._structure == ("leaf", 0):
            self.rebuild = operator.itemgetter(0)
        elif self._structure == ("seq", list, [("leaf", i) for i in range(len(self.elements))]):
            self.rebuild = list.copy

    def _flatten(self, fetch):
        expansion = _conversions.fetch_expansion(fetch) if _conversions._EXPANSIONS else None
        if expansion is not None:  # a type registered by a library: its parts, contracted
            fetches, contraction = expansion
            return ("custom", contraction, [self._flatten(part) for part in fetches])
        fetch_parts = getattr(fetch, "_fetch_parts", None)
        if fetch_parts is not None:  # IndexedSlices: fetched as IndexedSlicesValue
            parts = [self._flatten(part) for part in fetch_parts()]
            return ("seq", fetch._fetch_type, parts)
        if isinstance(fetch, list | tuple):
            parts = [self._flatten(item) for item in fetch]
            # A SparseTensor (a named tuple of three tensors) comes back as its value type.
            return ("seq", getattr(type(fetch), "_fetch_type", type(fetch)), parts)
        if isinstance(fetch, dict):
            keys = list(fetch)
            return ("dict", type(fetch), keys, [self._flatten(fetch[k]) for k in keys])
        element = self._as_element(fetch)
        self.elements.append(element)
        return ("leaf", len(self.elements) - 1)

    def _as_element(self, fetch):
        if fetch is None:
            raise TypeError(f"Fetch argument None has invalid type {type(None)}")
        try:
            element = self._graph.as_graph_element(fetch, allow_tensor=True,
                                                   allow_operation=True)
        except TypeError as err:
            raise TypeError(
                f"Fetch argument {fetch!r} has invalid type {type(fetch)}, must be a string "
                f"or Tensor. ({err})"
            ) from None
        except (KeyError, ValueError) as err:
            message = err.args[0] if err.args else str(err)
            raise ValueError(
                f"Fetch argument {fetch!r} cannot be interpreted as a Tensor. ({message})"
            ) from None
        return element

    def rebuild(self, values):
        return self._build(self._structure, values)

    def _build(self, node, values):
        kind = node[0]
        if kind == "leaf":
            return values[node[1]]
        if kind == "custom":
            return node[1]([self._build(part, values) for part in node[2]])
        if kind == "seq":
            seq_type = node[1]
            items = [self._build(part, values) for part in node[2]]
            if hasattr(seq_type, "_fields"):
                return seq_type(*items)
            return seq_type(items)
        dict_type = node[1]
        built = dict_type()
        for key, part in zip(node[2], node[3]):
            built[key] = self._build(part, values)
        return built


def expand_sparse_feeds(keys, values):
    """Feeds of SparseTensors (a SparseTensorValue or a triple) become feeds of their three
    parts; a key with a ``_feed_parts`` method (a RaggedTensor) pairs its own parts with
    the value's."""
    if not any(isinstance(key, SparseTensor) or hasattr(key, "_feed_parts") for key in keys):
        return keys, values
    out_keys, out_values = [], []
    for key, value in zip(keys, values):
        feed_parts = getattr(key, "_feed_parts", None)
        if feed_parts is not None:
            for part, part_value in feed_parts(value):
                out_keys.append(part)
                out_values.append(part_value)
            continue
        if not isinstance(key, SparseTensor):
            out_keys.append(key)
            out_values.append(value)
            continue
        if not isinstance(value, tuple | list) or len(value) != 3:
            raise TypeError(f"The value fed to a SparseTensor must be a SparseTensorValue or "
                            f"an (indices, values, dense_shape) triple, got "
                            f"{type(value).__name__}")
        out_keys.extend(key)
        out_values.extend(value)
    return tuple(out_keys), tuple(out_values)


def check_feedable_and_fetchable(graph, elements, feed_tensors):
    """``Graph.prevent_feeding`` / ``prevent_fetching`` marks, checked as TensorFlow does."""
    unfeedable = getattr(graph, "_unfeedable", ())
    for tensor in feed_tensors:
        if tensor in unfeedable:
            raise ValueError(f"Tensor {tensor} may not be fed.")
    unfetchable = getattr(graph, "_unfetchable", ())
    for element in elements:
        op = element if isinstance(element, Operation) else element.op
        if op in unfetchable:
            raise ValueError(f"Operation {op.name!r} has been marked as not fetchable.")


def feed_check(tensor):
    """A function that converts one feed value to ``tensor``'s dtype and checks its shape."""
    np_dtype = np.dtype(tensor.dtype.as_numpy_dtype)
    dims = tensor.shape.as_tuple()
    name = tensor.name
    shape_text = str(tensor.shape) if dims is not None else "<unknown>"

    known = tuple((i, d) for i, d in enumerate(dims or ()) if d is not None)
    rank = len(dims) if dims is not None else None

    def check(value):
        if type(value) is np.ndarray and value.dtype == np_dtype:
            # The common case first (a batch of the right dtype): a few comparisons per run.
            shape = value.shape
            if rank is None or (len(shape) == rank and all(shape[i] == d for i, d in known)):
                return value
        if isinstance(value, Tensor) or hasattr(value, "_as_graph_element"):
            raise TypeError(
                "The value of a feed cannot be a tf.Tensor object. Acceptable feed values "
                "include Python scalars, strings, lists, numpy ndarrays, or TensorHandles. "
                f"For reference, the tensor object was {value} which was passed to the feed "
                f"with key {tensor}."
            )
        if type(value) is np.ndarray and value.dtype == np_dtype:
            array = value
        else:
            array = _convert_feed(value, np_dtype, tensor)
        if dims is not None:
            shape = array.shape
            if len(shape) != len(dims) or any(
                d is not None and d != s for d, s in zip(dims, shape)
            ):
                raise ValueError(
                    f"Cannot feed value of shape {shape} for Tensor '{name}', which has shape "
                    f"'{shape_text}'"
                )
        return array

    return check


def _convert_feed(value, np_dtype, tensor):
    if tensor.dtype == dtypes.string:
        try:
            return bytes_array(value, f"the feed for Tensor '{tensor.name}'")
        except TypeError as err:
            raise TypeError(f"Cannot feed value {value!r} for Tensor '{tensor.name}' of dtype "
                            f"string: {err}") from None
    if isinstance(value, int) and not isinstance(value, bool) and np_dtype.kind in "iu":
        info = np.iinfo(np_dtype)
        if not info.min <= value <= info.max:
            raise TypeError(
                f"Type of feed value {value} with type {type(value)} is not compatible with "
                f"Tensor type {tensor.dtype}. Try explicitly setting the type of the feed "
                "tensor to a larger type (e.g. int64)."
            )
    try:
        with np.errstate(all="ignore"):
            return np.asarray(value, dtype=np_dtype)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"Cannot feed value {_short_repr(value)} for Tensor '{tensor.name}' of dtype "
            f"{tensor.dtype.name}: {err}"
        ) from None


def _short_repr(value):
    """A repr of a feed value short enough for an error message (a huge ragged list made a
    message of megabytes)."""
    import reprlib

    shortener = reprlib.Repr()
    shortener.maxlist = shortener.maxtuple = 6
    shortener.maxlevel = 3
    shortener.maxother = shortener.maxstring = 80
    return shortener.repr(value)


def flatten_tuple_feeds(keys, values):
    """Feeds keyed by nested tuples of tensors (an RNN's ``LSTMStateTuple``, say) become one
    feed per leaf, the value being a nest of the same structure, as TF1's ``Session.run``
    does; a SparseTensor (a namedtuple too) stays one key."""
    flat_keys, flat_values = [], []
    for key, value in zip(keys, values):
        if isinstance(key, tuple) and not isinstance(key, SparseTensor):
            leaves = []
            if not _pair_leaves(key, value, leaves):
                n_keys = len(_key_leaves(key))
                raise ValueError(f"Could not flatten dictionary. Key had {n_keys} elements, "
                                 f"but value had {len(nest.flatten(value))} elements. "
                                 f"Key: {_key_leaves(key)}, value: {value}.")
        else:
            leaves = [(key, value)]
        for leaf, leaf_value in leaves:
            if any(leaf is k for k in flat_keys):
                raise ValueError(f"Could not flatten dictionary: key {leaf} is not unique.")
            flat_keys.append(leaf)
            flat_values.append(leaf_value)
    return tuple(flat_keys), tuple(flat_values)


def _key_leaves(key):
    if isinstance(key, tuple) and not isinstance(key, SparseTensor):
        return [leaf for part in key for leaf in _key_leaves(part)]
    return [key]


def _pair_leaves(key, value, out):
    """Append ``(key leaf, value part)`` pairs to ``out``; False if the structures differ."""
    if isinstance(key, tuple) and not isinstance(key, SparseTensor):
        if not isinstance(value, tuple | list) or len(value) != len(key):
            return False
        return all(_pair_leaves(k, v, out) for k, v in zip(key, value))
    out.append((key, value))
    return True
