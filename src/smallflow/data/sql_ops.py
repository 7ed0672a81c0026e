"""``tf.data.experimental.SqlDataset``: the rows of a query on a SQLite database, one tuple
of scalars per row, read with Python's ``sqlite3`` (SQLite is the only driver TensorFlow
has). Values are converted as SQLite's C column accessors do: NULL is 0 or the empty string,
a real read as an integer is truncated, text read as a number is its leading number."""

import re
import urllib.parse

import numpy as np

from .. import dtypes, errors
from ..graph import convert_to_tensor
from ..tensor_shape import TensorShape
from . import nest
from .dataset_ops import Dataset

__all__ = ["SqlDataset"]

_SUPPORTED = (dtypes.string, dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64,
              dtypes.uint8, dtypes.uint16, dtypes.bool, dtypes.float64)
_NUMBER = re.compile(rb"\s*([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)")
_INTEGER = re.compile(rb"\s*([+-]?\d+)")


def _leading(value, pattern):
    match = pattern.match(value)
    return match.group(1) if match else b"0"


def _as_bytes(value):
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, float):
        return repr(value).encode()
    return bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode()


def _as_int64(value):
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if np.isfinite(value) else 0
    text = _as_bytes(value)
    number = _leading(text, _NUMBER)
    if b"." in number or b"e" in number.lower():
        return int(float(number))
    return int(_leading(text, _INTEGER))


def _as_double(value):
    if value is None:
        return 0.0
    if isinstance(value, (int, float)):
        return float(value)
    return float(_leading(_as_bytes(value), _NUMBER))


def _wrap(integer, bits):
    # SQLite's 32-bit accessor keeps the low bits, and the narrower types are C casts of it.
    integer &= (1 << bits) - 1
    return integer - (1 << bits) if integer >= 1 << (bits - 1) else integer


def _convert(value, dtype):
    if dtype == dtypes.string:
        return np.array(b"" if value is None else _as_bytes(value), dtype=object)
    if dtype == dtypes.float64:
        return np.float64(_as_double(value))
    integer = _as_int64(value)
    if dtype == dtypes.int64:
        return np.int64(_wrap(integer, 64))
    small = _wrap(integer, 32)
    if dtype == dtypes.bool:
        return np.bool_(small != 0)
    return np.array(small).astype(dtype.as_numpy_dtype)


class SqlDataset(Dataset):
    """The rows of ``query`` on the database ``data_source_name`` (``driver_name`` must be
    'sqlite'); ``output_types`` gives one dtype per column (a single dtype: scalars)."""

    def __init__(self, driver_name, data_source_name, query, output_types):
        self._driver = convert_to_tensor(driver_name, dtype=dtypes.string, name="driver_name")
        self._source = convert_to_tensor(data_source_name, dtype=dtypes.string,
                                         name="data_source_name")
        self._query = convert_to_tensor(query, dtype=dtypes.string, name="query")
        types = nest.map_structure(dtypes.as_dtype, output_types)
        shapes = nest.map_structure(lambda _: TensorShape([]), types)
        super().__init__(types, shapes, tensors=[self._driver, self._source, self._query])

    @staticmethod
    def _text(value):
        value = np.asarray(value).item()
        return value.decode("utf-8") if isinstance(value, bytes) else str(value)

    def _iterate(self, context):
        import sqlite3

        types = self._flat_types()
        driver = self._text(context.value(self._driver))
        if driver != "sqlite":
            raise errors.InvalidArgumentError(
                None, None, f"The database type, {driver}, is not supported by SqlDataset. "
                "The set of supported databases is: {'sqlite'}.")
        if any(dtype not in _SUPPORTED for dtype in types):
            raise errors.InvalidArgumentError(
                None, None, "Each element of `output_types_` must be one of: DT_STRING, "
                "DT_INT8, DT_INT16, DT_INT32, DT_INT64, DT_UINT8, DT_UINT16, DT_BOOL, "
                "DT_DOUBLE ")
        source = self._text(context.value(self._source))
        query = self._text(context.value(self._query))
        try:
            connection = sqlite3.connect(f"file:{urllib.parse.quote(source)}?mode=ro", uri=True)
        except sqlite3.Error as error:
            raise errors.UnknownError(
                None, None, f"Failed to open SQLite database {source!r}: {error}") from None
        try:
            try:
                cursor = connection.execute(query)
            except sqlite3.Error as error:
                raise errors.UnknownError(
                    None, None, f"Prepare() failed: {error}: {query}") from None
            columns = len(cursor.description or ())
            if columns != len(types):
                raise errors.InvalidArgumentError(
                    None, None, f"The number of columns in query ({columns}) must match the "
                    f"number of elements in output_types ({len(types)}).")
            for row in cursor:
                yield tuple(_convert(value, dtype) for value, dtype in zip(row, types))
        finally:
            connection.close()
