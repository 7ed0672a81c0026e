"""Lookup-table ops (``HashTableV2``, ``InitializeTableV2``, ``InitializeTableFromTextFileV2``,
``LookupTableFindV2``, ``LookupTableSizeV2``): the kernels behind ``tf.contrib.lookup``.

A table is a per-session resource, like a queue or an iterator: ``HashTableV2`` outputs a
handle naming it, the initializer ops fill it in ``Session.run`` and the find op reads it.
A table read before its initializer ran fails as in TensorFlow ("Table not initialized.");
running an initializer again is accepted when it brings the same entries and refused when
it brings others.
"""

import itertools

import numpy as np

from .. import dtypes
from ..errors import FailedPreconditionError, InvalidArgumentError, NotFoundError
from ..graph import convert_to_tensor, get_default_graph
from ..op_signature import ALL, signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape
from .common import make_op

# Column indices of a text file initializer that are not columns (TensorFlow's values).
WHOLE_LINE = -2
LINE_NUMBER = -1
_ANONYMOUS = itertools.count()


class _Table:
    """One session's table: a dict from keys to values, empty until initialized."""

    def __init__(self, key_dtype, value_dtype):
        self.key_dtype = key_dtype
        self.value_dtype = value_dtype
        self.data = None

    def initialize(self, pairs):
        data = {}
        for key, value in pairs:
            known = data.setdefault(key, value)
            if known != value:
                raise FailedPreconditionError(
                    None, None, f"HashTable has different value for same key. Key "
                    f"{_shown(key)} has {_shown(known)} and trying to add value {_shown(value)}")
        if self.data is None:
            self.data = data
        elif self.data != data:
            raise FailedPreconditionError(
                None, None, "Table was already initialized with different data.")


def _shown(item):
    return item.decode("utf-8", "replace") if isinstance(item, bytes) else str(item)


def _table_of(state, handle):
    key = handle.item() if isinstance(handle, np.ndarray) else handle
    table = state.resources.get(key)
    if table is None:
        raise NotFoundError(None, None, f"Resource {key} of a lookup table does not exist.")
    return table


def _python_item(value, dtype):
    """A key or value as the dict holds it: bytes for strings, int/float/bool otherwise."""
    if dtype == dtypes.string:
        return value if isinstance(value, bytes) else str(value).encode()
    return value.item() if isinstance(value, np.generic) else value


def _hash_table_kernel(attrs, state):
    # The table is named by its shared_name, else by its op's name (an op read back from a
    # GraphDef without that private attr gets a name of its own for this session).
    own = attrs.get("_py_op_name") or f"_anonymous_table_{next(_ANONYMOUS)}"
    key = attrs.get("container", "") + "/" + (attrs.get("shared_name") or own)

    def create():
        if key not in state.resources:
            state.resources[key] = _Table(attrs["key_dtype"], attrs["value_dtype"])
        return np.array(key, dtype=object)

    return create


def _initialize_kernel(attrs, state):
    def initialize(handle, keys, values):
        table = _table_of(state, handle)
        keys = np.asarray(keys)
        values = np.asarray(values)
        if keys.shape != values.shape:
            raise InvalidArgumentError(None, None, f"Keys and values must have the same size "
                                       f"{keys.size} vs {values.size}")
        pairs = [(_python_item(k, table.key_dtype), _python_item(v, table.value_dtype))
                 for k, v in zip(keys.ravel(), values.ravel())]
        table.initialize(pairs)
        return ()

    return initialize


# The C type names TensorFlow's parse errors use.
_PARSED_NAMES = {"int32": "int32", "int64": "int64", "float32": "float", "float64": "double"}


def _parse(field, dtype, filename, line_number):
    if dtype == dtypes.string:
        return field
    if dtype.name not in _PARSED_NAMES:
        raise InvalidArgumentError(None, None, f"Data type {dtype.name} not supported.")
    try:
        text = field.decode()
        return int(text) if dtype.is_integer else float(text)
    except (UnicodeDecodeError, ValueError):
        raise InvalidArgumentError(
            None, None, f"Field {_shown(field)} in line {line_number} is not a valid "
            f"{_PARSED_NAMES[dtype.name]}.") from None


def text_file_pairs(filename, key_index, value_index, vocab_size, delimiter, key_dtype,
                    value_dtype):
    """The (key, value) pairs a text file initializer reads from ``filename``: one line per
    entry, a column or the whole line or the line number as key and value."""
    try:
        with open(filename, "rb") as handle:
            lines = handle.read().split(b"\n")
    except OSError as err:
        raise NotFoundError(None, None, f"{filename}; {err.strerror}") from None
    if lines and lines[-1] == b"":
        lines.pop()  # the newline ending the last line does not start another one
    if vocab_size != -1:
        if len(lines) < vocab_size:
            raise InvalidArgumentError(None, None, f"Invalid vocab_size in {filename}: "
                                       f"expected {vocab_size} but got {len(lines)}")
        lines = lines[:vocab_size]
    columns = max(key_index, value_index)
    sep = delimiter.encode() if isinstance(delimiter, str) else delimiter
    pairs = []
    position = 0  # the byte offset after the line read, which an empty line's error shows
    for number, line in enumerate(lines):
        position += len(line) + 1
        if line.endswith(b"\r"):
            line = line[:-1]
        if not line:
            raise InvalidArgumentError(None, None, f"Invalid content in {filename}: empty "
                                       f"line found at position {position}.")
        fields = line.split(sep) if columns >= 0 else [line]
        if columns >= len(fields):
            raise InvalidArgumentError(
                None, None, f"Invalid number of columns in {filename} line {number} "
                f"({_shown(line)}) : expected at least {columns + 1} got {len(fields)}")

        def column(index, dtype, line=line, fields=fields, number=number):
            if index == LINE_NUMBER:
                return number
            text = line if index == WHOLE_LINE else fields[index]
            return _parse(text, dtype, filename, number)

        pairs.append((column(key_index, key_dtype), column(value_index, value_dtype)))
    return pairs


def _initialize_from_file_kernel(attrs, state):
    def initialize(handle, filename):
        table = _table_of(state, handle)
        name = filename.item() if isinstance(filename, np.ndarray) else filename
        name = name.decode() if isinstance(name, bytes) else str(name)
        if table.data is not None:
            return ()  # TensorFlow leaves a table filled from a file as it is
        table.initialize(text_file_pairs(name, attrs["key_index"], attrs["value_index"],
                                         attrs["vocab_size"], attrs["delimiter"],
                                         table.key_dtype, table.value_dtype))
        return ()

    return initialize


def _find_kernel(attrs, state):
    def find(handle, keys, default_value):
        table = _table_of(state, handle)
        if table.data is None:
            raise FailedPreconditionError(None, None, "Table not initialized.")
        default = np.asarray(default_value)
        if default.size != 1:
            raise InvalidArgumentError(None, None, f"Expected shape [] for default value, got "
                                       f"shape {list(default.shape)}")
        keys = np.asarray(keys)
        out = np.empty(keys.shape, dtype=table.value_dtype.as_numpy_dtype)
        fallback = default.reshape(()).item()
        data = table.data
        flat = out.reshape(-1)
        for index, key in enumerate(keys.ravel()):
            flat[index] = data.get(_python_item(key, table.key_dtype), fallback)
        return out

    return find


def _size_kernel(attrs, state):
    def size(handle):
        table = _table_of(state, handle)
        return np.int64(0 if table.data is None else len(table.data))

    return size


register_op("HashTableV2", _hash_table_kernel, lambda op: [TensorShape([])], stateful=True,
            signature=signature("-> table_handle: resource"))
register_op("InitializeTableV2", _initialize_kernel, lambda op: [], stateful=True,
            signature=signature("table_handle: resource, keys: Tkey, values: Tval ->",
                                Tkey=ALL, Tval=ALL))
# TF 1.15's KeyValueTensorInitializer imports its tensors with LookupTableImportV2 (same
# checks as InitializeTableV2 on a HashTable); both are kept for graphs read from files.
register_op("LookupTableImportV2", _initialize_kernel, lambda op: [], stateful=True,
            signature=signature("table_handle: resource, keys: Tin, values: Tout ->",
                                Tin=ALL, Tout=ALL))
register_op("InitializeTableFromTextFileV2", _initialize_from_file_kernel, lambda op: [],
            stateful=True, signature=signature("table_handle: resource, filename: string ->"))
register_op("LookupTableFindV2", _find_kernel, lambda op: [op.inputs[1].shape], stateful=True,
            signature=signature("table_handle: resource, keys: Tin, default_value: Tout -> "
                                "values: Tout", Tin=ALL, Tout=ALL))
register_op("LookupTableSizeV2", _size_kernel, lambda op: [TensorShape([])], stateful=True,
            signature=signature("table_handle: resource -> size: int64"))
for _op in ("HashTableV2", "InitializeTableV2", "LookupTableImportV2",
            "InitializeTableFromTextFileV2",
            "LookupTableFindV2", "LookupTableSizeV2"):
    NotDifferentiable(_op)


def hash_table(key_dtype, value_dtype, shared_name="", container="", name=None):
    """The ``HashTableV2`` op: a handle to a table created in the session on first use."""
    attrs = {"key_dtype": dtypes.as_dtype(key_dtype), "value_dtype": dtypes.as_dtype(value_dtype),
             "shared_name": shared_name or "",
             "container": container or getattr(get_default_graph(), "_container", ""),
             "use_node_name_sharing": False}
    op = make_op("HashTableV2", [], [dtypes.resource], attrs, name, "HashTableV2")
    op.attrs["_py_op_name"] = op.name
    return op.outputs[0]


def initialize_table(table_handle, keys, values, name=None):
    """``InitializeTableV2``: fill the table with ``keys`` -> ``values``."""
    return make_op("InitializeTableV2", [table_handle, keys, values], [], None, name,
                   "InitializeTableV2")


def lookup_table_import(table_handle, keys, values, name=None):
    """``LookupTableImportV2``: on a HashTable, the same as ``InitializeTableV2``."""
    return make_op("LookupTableImportV2", [table_handle, keys, values], [], None, name,
                   "LookupTableImportV2")


def initialize_table_from_text_file(table_handle, filename, key_index, value_index,
                                    vocab_size=-1, delimiter="\t", name=None):
    """``InitializeTableFromTextFileV2``: fill the table from the lines of ``filename``."""
    filename = convert_to_tensor(filename, dtypes.string, name="filename")
    attrs = {"key_index": int(key_index), "value_index": int(value_index),
             "vocab_size": int(vocab_size), "delimiter": delimiter}
    return make_op("InitializeTableFromTextFileV2", [table_handle, filename], [], attrs, name,
                   "InitializeTableFromTextFileV2")


def lookup_table_find(table_handle, keys, default_value, name=None):
    """``LookupTableFindV2``: each key's value, ``default_value`` for a missing key."""
    return make_op("LookupTableFindV2", [table_handle, keys, default_value],
                   [default_value.dtype], None, name, "LookupTableFindV2").outputs[0]


def lookup_table_size(table_handle, name=None):
    """``LookupTableSizeV2``: the number of entries (int64)."""
    return make_op("LookupTableSizeV2", [table_handle], [dtypes.int64], None, name,
                   "LookupTableSizeV2").outputs[0]
