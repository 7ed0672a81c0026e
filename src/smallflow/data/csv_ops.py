"""CSV input for ``tf.data``: ``tf.data.experimental.CsvDataset`` (one tuple of scalars per
record, typed by ``record_defaults``) and ``make_csv_dataset`` (batches of feature dicts,
column names from the header, types inferred from the first rows, as TensorFlow does).

Records are parsed with Python's ``csv`` module (quotes as RFC 4180 when
``use_quote_delim``); an empty field, or one equal to ``na_value``, takes its column's
default, and a column without a default (given as a dtype) must not be empty.
"""

import collections
import csv
import glob
import gzip
import io
import zlib

import numpy as np

from .. import dtypes, errors
from ..graph import convert_to_tensor
from ..tensor_shape import TensorShape
from .dataset_ops import Dataset
from .readers import _names

__all__ = ["CsvDataset", "make_csv_dataset"]

_TYPES = (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64, dtypes.string)


def _read_text(name, compression):
    with open(name, "rb") as handle:
        data = handle.read()
    if compression == "GZIP":
        data = gzip.decompress(data)
    elif compression == "ZLIB":
        data = zlib.decompress(data)
    return data.decode("utf-8")


def _rows(name, compression, header, delimiter, quoting):
    reader = csv.reader(io.StringIO(_read_text(name, compression)), delimiter=delimiter,
                        quoting=csv.QUOTE_MINIMAL if quoting else csv.QUOTE_NONE)
    for index, row in enumerate(reader):
        if index == 0 and header:
            continue
        if row:
            yield index, row


def _convert(text, dtype, default, column, record, name):
    if text == "":
        if default is None:
            raise errors.InvalidArgumentError(
                None, None, f"Field {column} is required but missing in record {record} of "
                f"{name}!")
        return default
    if dtype == dtypes.string:
        return np.array(text.encode(), dtype=object)
    try:
        if dtype.is_integer:
            return np.asarray(int(text), dtype=dtype.as_numpy_dtype)
        return np.asarray(float(text), dtype=dtype.as_numpy_dtype)
    except (ValueError, OverflowError):
        raise errors.InvalidArgumentError(
            None, None, f"Field {column} in record {record} of {name} is not a valid "
            f"{dtype.name}: {text!r}") from None


class CsvDataset(Dataset):
    """Each CSV record of ``filenames`` as a tuple of scalars, one per selected column."""

    def __init__(self, filenames, record_defaults, compression_type=None, buffer_size=None,
                 header=False, field_delim=",", use_quote_delim=True, na_value="",
                 select_cols=None):
        from ..python_io import TFRecordOptions

        self._filenames = convert_to_tensor(filenames, dtype=dtypes.string, name="filenames")
        self._defaults = []
        types = []
        for index, default in enumerate(record_defaults):
            if isinstance(default, dtypes.DType):
                dtype, value = default, None
            else:
                tensor = convert_to_tensor(default)
                dtype = tensor.dtype
                value = tensor if tensor.shape.num_elements() != 0 else None
                if tensor.shape.ndims not in (None, 0, 1) or tensor.shape.num_elements() not in (
                        None, 0, 1):
                    raise ValueError(f"record_defaults[{index}] must be a scalar or an empty "
                                     f"tensor, got shape {tensor.shape}")
            if dtype not in _TYPES:
                raise TypeError(f"record_defaults[{index}] has type {dtype.name}; CSV columns "
                                f"are int32, int64, float32, float64 or string")
            types.append(dtype)
            self._defaults.append(value)
        self._select = None if select_cols is None else [int(c) for c in select_cols]
        if self._select is not None and (self._select != sorted(set(self._select))
                                         or len(self._select) != len(types)):
            raise ValueError("select_cols must be strictly increasing and match "
                             "record_defaults in length")
        self._compression = TFRecordOptions.get_compression_type_string(compression_type)
        self._header = bool(header)
        self._delimiter = field_delim
        self._quoting = bool(use_quote_delim)
        self._na = na_value
        tensors = [self._filenames, *(d for d in self._defaults if d is not None)]
        super().__init__(tuple(types), tuple(TensorShape([]) for _ in types), tensors=tensors)

    def _iterate(self, context):
        types = self._flat_types()
        defaults = [None if d is None else np.asarray(context.value(d)).reshape(())
                    for d in self._defaults]
        columns = self._select or list(range(len(types)))
        for name in _names(context.value(self._filenames)):
            rows = _rows(name, self._compression, self._header, self._delimiter,
                         self._quoting)
            for record, row in rows:
                try:
                    yield self._record(row, record, name, types, defaults, columns)
                except errors.InvalidArgumentError:
                    if not context.skip_errors:  # under ignore_errors: drop the record
                        raise

    def _record(self, row, record, name, types, defaults, columns):
        if max(columns) >= len(row) or self._select is None and len(row) != len(types):
            raise errors.InvalidArgumentError(
                None, None, f"Expect {len(types)} fields but have {len(row)} in record "
                f"{record} of {name}")
        values = []
        for dtype, default, column in zip(types, defaults, columns):
            text = row[column]
            if self._na and text == self._na:
                text = ""
            values.append(_convert(text, dtype, default, column, record, name))
        return tuple(values)


def _infer_type(texts, na_value):
    """TensorFlow's order: int32, then int64, float32, and string when nothing else fits."""
    kinds = [dtypes.int32]
    for text in texts:
        if text == "" or text == na_value:
            continue
        for dtype in _TYPES[_TYPES.index(kinds[-1]):]:
            try:
                if dtype == dtypes.string:
                    break
                if dtype.is_integer:
                    value = int(text)
                    limit = np.iinfo(dtype.as_numpy_dtype)
                    if not limit.min <= value <= limit.max:
                        continue
                else:
                    float(text)
                break
            except ValueError:
                continue
        kinds.append(dtype)
    return max(kinds, key=_TYPES.index) if kinds else dtypes.int32


def make_csv_dataset(file_pattern, batch_size, column_names=None, column_defaults=None,
                     label_name=None, select_columns=None, field_delim=",",
                     use_quote_delim=True, na_value="", header=True, num_epochs=None,
                     shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
                     prefetch_buffer_size=None, num_parallel_reads=None, sloppy=False,
                     num_rows_for_inference=100, compression_type=None, ignore_errors=False):
    """Batches of ``(features, label)`` (or ``features``) from CSV files: ``features`` maps
    each column name to a ``[batch]`` tensor."""
    from ..python_io import TFRecordOptions

    patterns = file_pattern if isinstance(file_pattern, list | tuple) else [file_pattern]
    names = sorted({path for pattern in patterns for path in glob.glob(str(pattern))})
    if not names:
        raise ValueError(f"No files match `file_pattern` {file_pattern}.")
    compression = TFRecordOptions.get_compression_type_string(compression_type)
    sample = list(_rows(names[0], compression, False, field_delim, use_quote_delim))
    if column_names is None:
        if not header or not sample:
            raise ValueError("Cannot infer column names without a header line.")
        column_names = sample[0][1]
    column_names = list(column_names)
    if len(set(column_names)) != len(column_names):
        raise ValueError("Cannot have duplicate column names.")
    body = [row for _, row in sample[1 if header else 0:][:num_rows_for_inference]]
    if select_columns is not None:
        indices = [column_names.index(c) if isinstance(c, str) else int(c)
                   for c in select_columns]
        indices = sorted(indices)
    else:
        indices = list(range(len(column_names)))
    selected = [column_names[i] for i in indices]
    if label_name is not None and label_name not in selected:
        raise ValueError(f"`label_name` provided must be one of the columns: {selected}.")
    if column_defaults is None:
        # As TensorFlow: the inferred type, with 0 (or "") for missing values.
        inferred = [_infer_type([row[i] for row in body if i < len(row)], na_value)
                    for i in indices]
        column_defaults = [convert_to_tensor([b"" if t == dtypes.string else 0], dtype=t)
                           for t in inferred]
    dataset = CsvDataset(names, column_defaults, compression, header=header,
                         field_delim=field_delim, use_quote_delim=use_quote_delim,
                         na_value=na_value, select_cols=indices if select_columns else None)
    if ignore_errors:
        dataset = dataset.apply(_ignore_errors())
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer_size, seed=shuffle_seed)
    if num_epochs != 1:
        dataset = dataset.repeat(num_epochs)
    dataset = dataset.batch(batch_size, drop_remainder=num_epochs is None)

    def as_features(*columns):
        features = collections.OrderedDict(zip(selected, columns))  # TensorFlow's type
        if label_name is None:
            return features
        label = features.pop(label_name)
        return features, label

    dataset = dataset.map(as_features)
    return dataset.prefetch(prefetch_buffer_size or 1)


def _ignore_errors():
    from .experimental import ignore_errors

    return ignore_errors()
