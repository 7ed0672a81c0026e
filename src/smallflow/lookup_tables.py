"""TF1's lookup tables (``tf.contrib.lookup``, ``tf.lookup``): ``HashTable`` filled by a
``KeyValueTensorInitializer`` or a ``TextFileInitializer``, ``IdTableWithHashBuckets`` and the
vocabulary helpers ``index_table_from_file`` / ``index_to_string_table_from_file`` (and their
``_from_tensor`` forms) that NMT-style input pipelines use.

A table's initializer op joins the ``TABLE_INITIALIZERS`` collection, so
``tf.tables_initializer()`` runs it; lookups before that fail with "Table not initialized.".
"""

import collections

from . import dtypes
from .graph import GraphKeys, add_to_collection, convert_to_tensor, name_scope
from .ops import array_ops, math_ops, string_hash_ops
from .ops import lookup_ops as gen
from .ops.sparse_tensor import SparseTensor

__all__ = ["FastHashSpec", "HashTable", "HasherSpec", "IdTableWithHashBuckets",
           "InitializableLookupTableBase", "KeyValueTensorInitializer", "LookupInterface",
           "StaticHashTable", "StaticVocabularyTable", "StrongHashSpec", "TableInitializerBase",
           "TextFileIdTableInitializer", "TextFileIndex", "TextFileInitializer",
           "TextFileStringTableInitializer", "index_table_from_file", "index_table_from_tensor",
           "index_to_string", "index_to_string_table_from_file",
           "index_to_string_table_from_tensor", "string_to_index"]


class TextFileIndex:
    """Column indices of a text file initializer that are not columns."""

    WHOLE_LINE = gen.WHOLE_LINE
    LINE_NUMBER = gen.LINE_NUMBER


HasherSpec = collections.namedtuple("HasherSpec", ["hasher", "key"])
FastHashSpec = HasherSpec("fasthash", None)


class StrongHashSpec(HasherSpec):
    """Keyed SipHash bucketing: ``key`` is two integers."""

    __slots__ = ()

    def __new__(cls, key):
        if len(key) != 2:
            raise ValueError(f"key must have size 2, got {len(key)}.")
        if not isinstance(key[0], int) or not isinstance(key[1], int):
            raise TypeError(f"Invalid key {key}. Must be unsigned integer values.")
        return super().__new__(cls, "stronghash", key)


def _check_dtype(tensor, dtype):
    if tensor.dtype.base_dtype != dtype:
        raise TypeError(f"Signature mismatch. Keys must be dtype {dtype}, got "
                        f"{tensor.dtype.base_dtype}.")


class LookupInterface:
    """What every table has: key and value dtypes, a name, ``size`` and ``lookup``."""

    def __init__(self, key_dtype, value_dtype, name):
        self._key_dtype = dtypes.as_dtype(key_dtype)
        self._value_dtype = dtypes.as_dtype(value_dtype)
        self._name = name

    @property
    def key_dtype(self):
        return self._key_dtype

    @property
    def value_dtype(self):
        return self._value_dtype

    @property
    def name(self):
        return self._name

    def size(self, name=None):
        raise NotImplementedError

    def lookup(self, keys, name=None):
        raise NotImplementedError


class TableInitializerBase:
    """Fills a table when its ``initialize`` op runs."""

    def __init__(self, key_dtype, value_dtype):
        self._key_dtype = dtypes.as_dtype(key_dtype)
        self._value_dtype = dtypes.as_dtype(value_dtype)

    @property
    def key_dtype(self):
        return self._key_dtype

    @property
    def value_dtype(self):
        return self._value_dtype

    def initialize(self, table):
        raise NotImplementedError


class KeyValueTensorInitializer(TableInitializerBase):
    """Entries from two tensors of the same shape: ``keys[i] -> values[i]``."""

    def __init__(self, keys, values, key_dtype=None, value_dtype=None, name=None):
        self._keys = convert_to_tensor(keys, dtype=key_dtype, name="keys")
        self._values = convert_to_tensor(values, dtype=value_dtype, name="values")
        self._name = name or "key_value_init"
        super().__init__(self._keys.dtype, self._values.dtype)

    def initialize(self, table):
        _check_dtype(self._keys, table.key_dtype)
        if self._values.dtype.base_dtype != table.value_dtype:
            raise TypeError(f"Signature mismatch. Values must be dtype {table.value_dtype}, "
                            f"got {self._values.dtype.base_dtype}.")
        with name_scope(self._name):
            init_op = gen.lookup_table_import(table.resource_handle, self._keys, self._values)
        add_to_collection(GraphKeys.TABLE_INITIALIZERS, init_op)
        return init_op


class TextFileInitializer(TableInitializerBase):
    """Entries from the lines of a text file: a column (split at ``delimiter``), the whole
    line or the line number (0-based) as key and as value; ``vocab_size`` lines at most."""

    def __init__(self, filename, key_dtype, key_index, value_dtype, value_index,
                 vocab_size=None, delimiter="\t", name=None):
        if not isinstance(filename, str | bytes) and not hasattr(filename, "dtype"):
            raise TypeError(f"filename must be a string or a string tensor, got {filename!r}")
        key_dtype = dtypes.as_dtype(key_dtype)
        value_dtype = dtypes.as_dtype(value_dtype)
        if key_index < -2:
            raise ValueError(f"Invalid key index {key_index}.")
        if key_index == TextFileIndex.LINE_NUMBER and key_dtype != dtypes.int64:
            raise ValueError(f"Signature mismatch. Keys must be dtype {dtypes.int64}, got "
                             f"{key_dtype}.")
        if (key_index == TextFileIndex.WHOLE_LINE and not key_dtype.is_integer
                and key_dtype != dtypes.string):
            raise ValueError(f"Signature mismatch. Keys must be integer or string, got "
                             f"{key_dtype}.")
        if value_index < -2:
            raise ValueError(f"Invalid value index {value_index}.")
        if value_index == TextFileIndex.LINE_NUMBER and value_dtype != dtypes.int64:
            raise ValueError(f"Signature mismatch. Values must be dtype {dtypes.int64}, got "
                             f"{value_dtype}.")
        if value_index == TextFileIndex.WHOLE_LINE and value_dtype != dtypes.string:
            raise ValueError(f"Signature mismatch. Values must be dtype {dtypes.string}, got "
                             f"{value_dtype}.")
        if vocab_size is not None and vocab_size <= 0:
            raise ValueError(f"Invalid vocab_size {vocab_size}.")
        if isinstance(filename, str | bytes):
            filename = convert_to_tensor(filename, dtypes.string, name="asset_path")
            add_to_collection(GraphKeys.ASSET_FILEPATHS, filename)
        self._filename = filename
        self._key_index = key_index
        self._value_index = value_index
        self._vocab_size = vocab_size
        self._delimiter = delimiter
        self._name = name or "text_file_init"
        super().__init__(key_dtype, value_dtype)

    def initialize(self, table):
        with name_scope(self._name):
            init_op = gen.initialize_table_from_text_file(
                table.resource_handle, self._filename, self._key_index, self._value_index,
                -1 if self._vocab_size is None else self._vocab_size, self._delimiter)
        add_to_collection(GraphKeys.TABLE_INITIALIZERS, init_op)
        return init_op


class TextFileStringTableInitializer(TextFileInitializer):
    """Line number (int64) -> whole line (string) by default."""

    def __init__(self, filename, key_column_index=TextFileIndex.LINE_NUMBER,
                 value_column_index=TextFileIndex.WHOLE_LINE, vocab_size=None,
                 delimiter="\t", name="text_file_string_table_init"):
        super().__init__(filename, dtypes.int64, key_column_index, dtypes.string,
                         value_column_index, vocab_size, delimiter, name)


class TextFileIdTableInitializer(TextFileInitializer):
    """Whole line (string) -> line number (int64) by default."""

    def __init__(self, filename, key_column_index=TextFileIndex.WHOLE_LINE,
                 value_column_index=TextFileIndex.LINE_NUMBER, vocab_size=None,
                 delimiter="\t", name="text_file_id_table_init", key_dtype=dtypes.string):
        super().__init__(filename, key_dtype, key_column_index, dtypes.int64,
                         value_column_index, vocab_size, delimiter, name)


def _lookup_keys(keys):
    if isinstance(keys, SparseTensor):
        return keys.values, keys
    return convert_to_tensor(keys, name="keys"), None


class InitializableLookupTableBase(LookupInterface):
    """A table whose entries come from an initializer and never change afterwards."""

    def __init__(self, default_value, initializer):
        super().__init__(initializer.key_dtype, initializer.value_dtype,
                         self._table_ref.op.name.split("/")[-1])
        self._default_value = convert_to_tensor(default_value, dtype=self._value_dtype)
        self._default_value.get_shape().merge_with([])
        self._initializer = initializer
        self._init_op = initializer.initialize(self)

    @property
    def resource_handle(self):
        return self._table_ref

    @property
    def default_value(self):
        return self._default_value

    @property
    def initializer(self):
        return self._init_op

    @property
    def init(self):
        return self._init_op

    def size(self, name=None):
        with name_scope(name, f"{self._name}_Size"):
            return gen.lookup_table_size(self._table_ref)

    def lookup(self, keys, name=None):
        """Each key's value (the default value for a key not in the table); a SparseTensor
        of keys gives a SparseTensor of values at the same indices."""
        key_tensor, sparse = _lookup_keys(keys)
        _check_dtype(key_tensor, self._key_dtype)
        with name_scope(name, f"{self._name}_Lookup"):
            values = gen.lookup_table_find(self._table_ref, key_tensor, self._default_value)
        values.set_shape(key_tensor.get_shape())
        if sparse is not None:
            return SparseTensor(sparse.indices, values, sparse.dense_shape)
        return values


class HashTable(InitializableLookupTableBase):
    """TF1's ``tf.contrib.lookup.HashTable`` (``tf.compat.v1.lookup.StaticHashTable``)."""

    def __init__(self, initializer, default_value, shared_name=None, name=None):
        self._table_ref = gen.hash_table(initializer.key_dtype, initializer.value_dtype,
                                         shared_name=shared_name, name=name or "hash_table")
        super().__init__(default_value, initializer)


class StaticHashTable(HashTable):
    """``tf.lookup.StaticHashTable`` (TF 1.15's V1 form): a HashTable without
    ``shared_name``, so ``name`` is the third positional argument."""

    def __init__(self, initializer, default_value, name=None):
        super().__init__(initializer, default_value, name=name)


class IdTableWithHashBuckets(LookupInterface):
    """``table``'s ids, and for keys it lacks ``table.size() + hash(key) % num_oov_buckets``
    (``table`` None: hash buckets only)."""

    def __init__(self, table, num_oov_buckets, hasher_spec=FastHashSpec, name=None,
                 key_dtype=None):
        if table is None and key_dtype is None:
            key_dtype = dtypes.string
        if table is not None:
            key_dtype = key_dtype or table.key_dtype
            if table.value_dtype != dtypes.int64:
                raise TypeError(f"Invalid value dtype, expected {dtypes.int64!r} but got "
                                f"{table.value_dtype!r}.")
        key_dtype = dtypes.as_dtype(key_dtype)
        if not key_dtype.is_integer and key_dtype != dtypes.string:
            raise TypeError(f"Invalid key_dtype, expected integer or string, got {key_dtype!r}.")
        if num_oov_buckets < 0:
            raise ValueError(f"oov_buckets must be >= 0, got {num_oov_buckets}.")
        if not isinstance(hasher_spec, HasherSpec):
            raise TypeError(f"hasher_spec must be of type HasherSpec, got {hasher_spec!r}")
        self._table = table
        self._num_oov_buckets = num_oov_buckets
        self._hasher_spec = hasher_spec
        super().__init__(key_dtype, dtypes.int64, name or (table.name if table else "hash_bucket"))

    @property
    def initializer(self):
        return self._table.initializer if self._table is not None else None

    init = initializer

    def size(self, name=None):
        with name_scope(name, f"{self._name}_Size"):
            if self._table is None:
                return convert_to_tensor(self._num_oov_buckets, dtypes.int64)
            return self._table.size() + self._num_oov_buckets

    def lookup(self, keys, name=None):
        key_tensor, sparse = _lookup_keys(keys)
        if key_tensor.dtype.base_dtype != self._key_dtype:
            raise TypeError(f"Signature mismatch. Keys must be dtype {self._key_dtype}, got "
                            f"{key_tensor.dtype.base_dtype}.")
        with name_scope(name, f"{self._name}_Lookup"):
            ids = None
            if self._table is not None:
                table_keys = key_tensor
                if key_tensor.dtype.is_integer and self._table.key_dtype == dtypes.int64:
                    table_keys = math_ops.cast(key_tensor, dtypes.int64)
                ids = self._table.lookup(table_keys)
            if self._num_oov_buckets:
                strings = key_tensor
                if key_tensor.dtype.is_integer:
                    from .ops.string_ops import as_string

                    strings = as_string(key_tensor)
                if self._hasher_spec.hasher == "stronghash":
                    buckets = string_hash_ops.string_to_hash_bucket_strong(
                        strings, self._num_oov_buckets, self._hasher_spec.key)
                else:
                    buckets = string_hash_ops.string_to_hash_bucket_fast(
                        strings, self._num_oov_buckets)
                if ids is None:
                    ids = buckets
                else:
                    known = math_ops.not_equal(ids, self._table.default_value)
                    ids = array_ops.where_v2(known, ids, buckets + self._table.size())
            ids.set_shape(key_tensor.get_shape())
        if sparse is not None:
            return SparseTensor(sparse.indices, ids, sparse.dense_shape)
        return ids


class StaticVocabularyTable(IdTableWithHashBuckets):
    """``tf.lookup.StaticVocabularyTable``: an initializer's ids plus hash buckets for the
    keys it lacks (``num_oov_buckets`` at least one)."""

    def __init__(self, initializer, num_oov_buckets, lookup_key_dtype=None, name=None):
        if num_oov_buckets <= 0:
            raise ValueError("oov_buckets must be > 0.")
        with name_scope(name, "hash_table"):
            table = HashTable(initializer, -1)
        super().__init__(table, num_oov_buckets, FastHashSpec, name,
                         lookup_key_dtype or initializer.key_dtype)


def _check_vocabulary_args(num_oov_buckets, vocab_size, vocabulary_file):
    if num_oov_buckets < 0:
        raise ValueError(f"num_oov_buckets must be greater or equal than 0, got "
                         f"{num_oov_buckets}.")
    if vocab_size is not None and vocab_size < 1:
        raise ValueError(f"vocab_size must be greater than 0, got {vocab_size}. "
                         f"vocabulary_file: {vocabulary_file}")


def index_table_from_file(vocabulary_file=None, num_oov_buckets=0, vocab_size=None,
                          default_value=-1, hasher_spec=FastHashSpec, key_dtype=dtypes.string,
                          name=None, key_column_index=TextFileIndex.WHOLE_LINE,
                          value_column_index=TextFileIndex.LINE_NUMBER, delimiter="\t"):
    """A table from each line of ``vocabulary_file`` to its line number (int64); keys not
    in the file map to ``default_value``, or to ``num_oov_buckets`` hash buckets after it."""
    if vocabulary_file is None or (isinstance(vocabulary_file, str | bytes)
                                   and not vocabulary_file):
        raise ValueError("vocabulary_file must be specified and must not be empty.")
    _check_vocabulary_args(num_oov_buckets, vocab_size, vocabulary_file)
    key_dtype = dtypes.as_dtype(key_dtype)
    if not key_dtype.is_integer and key_dtype != dtypes.string:
        raise TypeError("Only integer and string keys are supported.")
    with name_scope(name, "string_to_index"):
        shared_name = None
        if isinstance(vocabulary_file, str | bytes):
            file_name = vocabulary_file.decode() if isinstance(vocabulary_file, bytes) else (
                vocabulary_file)
            shared_name = (f"hash_table_{file_name}_{vocab_size or -1}_{key_column_index}_"
                           f"{value_column_index}")
        file_key_dtype = dtypes.int64 if key_dtype.is_integer else key_dtype
        with name_scope(None, "hash_table"):
            initializer = TextFileIdTableInitializer(
                vocabulary_file, vocab_size=vocab_size, key_dtype=file_key_dtype,
                key_column_index=key_column_index, value_column_index=value_column_index,
                delimiter=delimiter, name="table_init")
            table = HashTable(initializer, default_value, shared_name=shared_name)
        if num_oov_buckets or key_dtype != file_key_dtype:
            table = IdTableWithHashBuckets(table, num_oov_buckets, hasher_spec,
                                           key_dtype=key_dtype)
        return table


def index_table_from_tensor(vocabulary_list, num_oov_buckets=0, default_value=-1,
                            hasher_spec=FastHashSpec, dtype=dtypes.string, name=None):
    """A table from each element of the 1-D ``vocabulary_list`` to its position (int64)."""
    if vocabulary_list is None:
        raise ValueError("vocabulary_list must be specified.")
    _check_vocabulary_args(num_oov_buckets, None, None)
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_integer and dtype != dtypes.string:
        raise TypeError("Only integer and string keys are supported.")
    with name_scope(name, "string_to_index"):
        keys = convert_to_tensor(vocabulary_list)
        if keys.dtype.is_integer != dtype.is_integer:
            raise ValueError(f"Expected {'integer' if dtype.is_integer else 'non-integer'}, "
                             f"got {keys.dtype!r}.")
        if keys.dtype.is_integer and keys.dtype != dtypes.int64:
            keys = math_ops.cast(keys, dtypes.int64)
        with name_scope(None, "hash_table"):
            ids = math_ops.cast(math_ops.range(array_ops.size(keys)), dtypes.int64)
            initializer = KeyValueTensorInitializer(keys, ids, name="table_init")
            table = HashTable(initializer, default_value)
        if num_oov_buckets:
            table = IdTableWithHashBuckets(table, num_oov_buckets, hasher_spec, key_dtype=dtype)
        return table


def index_to_string_table_from_file(vocabulary_file, vocab_size=None, default_value="UNK",
                                    name=None, key_column_index=TextFileIndex.LINE_NUMBER,
                                    value_column_index=TextFileIndex.WHOLE_LINE,
                                    delimiter="\t"):
    """A table from line numbers (int64) to the lines of ``vocabulary_file``; ids past it
    map to ``default_value``."""
    if vocabulary_file is None or (isinstance(vocabulary_file, str | bytes)
                                   and not vocabulary_file):
        raise ValueError("vocabulary_file must be specified and must not be empty.")
    _check_vocabulary_args(0, vocab_size, vocabulary_file)
    with name_scope(name, "index_to_string"):
        shared_name = None
        if isinstance(vocabulary_file, str | bytes):
            file_name = vocabulary_file.decode() if isinstance(vocabulary_file, bytes) else (
                vocabulary_file)
            shared_name = (f"hash_table_{file_name}_{vocab_size or -1}_{key_column_index}_"
                           f"{value_column_index}")
        initializer = TextFileStringTableInitializer(
            vocabulary_file, vocab_size=vocab_size, key_column_index=key_column_index,
            value_column_index=value_column_index, delimiter=delimiter, name="table_init")
        return HashTable(initializer, default_value, shared_name=shared_name)


def index_to_string_table_from_tensor(vocabulary_list, default_value="UNK", name=None):
    """A table from positions (int64) to the elements of the 1-D ``vocabulary_list``."""
    if vocabulary_list is None:
        raise ValueError("vocabulary_list must be specified.")
    with name_scope(name, "index_to_string"):
        values = convert_to_tensor(vocabulary_list, dtypes.string)
        ids = math_ops.cast(math_ops.range(array_ops.size(values)), dtypes.int64)
        initializer = KeyValueTensorInitializer(ids, values, dtypes.int64, dtypes.string,
                                                name="table_init")
        return HashTable(initializer, default_value)


def string_to_index(tensor, mapping, default_value=-1, name=None):
    """Deprecated TF1 form: ``index_table_from_tensor(mapping).lookup(tensor)``."""
    with name_scope(name, "string_to_index"):
        table = index_table_from_tensor(mapping, default_value=default_value)
        return table.lookup(tensor)


def index_to_string(tensor, mapping, default_value="UNK", name=None):
    """Deprecated TF1 form: ``index_to_string_table_from_tensor(mapping).lookup(tensor)``."""
    with name_scope(name, "index_to_string"):
        table = index_to_string_table_from_tensor(mapping, default_value=default_value)
        return table.lookup(tensor)
