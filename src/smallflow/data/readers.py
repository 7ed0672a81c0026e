"""Datasets that read files: ``TextLineDataset``, ``TFRecordDataset``,
``FixedLengthRecordDataset``, and ``Dataset.list_files``."""

import glob as _glob
import gzip
import zlib

import numpy as np

from .. import dtypes, errors
from ..graph import convert_to_tensor
from ..ops.io_ops import _fixed_length, _open_binary, _text_lines
from ..python_io import TFRecordOptions, read_records
from ..tensor_shape import TensorShape
from .dataset_ops import Dataset

__all__ = ["FixedLengthRecordDataset", "TFRecordDataset", "TextLineDataset", "list_files"]


def _names(value):
    array = np.asarray(value, dtype=object).reshape(-1)
    return [v.decode() if isinstance(v, bytes) else str(v) for v in array]


class _FileDataset(Dataset):
    """Records of each file named by ``filenames`` (a string or strings, or a tensor)."""

    def __init__(self, filenames):
        self._filenames = convert_to_tensor(filenames, dtype=dtypes.string, name="filenames")
        super().__init__(dtypes.string, TensorShape([]), tensors=[self._filenames])

    def _records(self, name):
        raise NotImplementedError

    def _iterate(self, context):
        for name in _names(context.value(self._filenames)):
            for record in self._records(name):
                yield (np.array(record, dtype=object),)


class TextLineDataset(_FileDataset):
    """The lines of text files (without their newlines)."""

    def __init__(self, filenames, compression_type=None, buffer_size=None):
        super().__init__(filenames)
        self._compression = TFRecordOptions.get_compression_type_string(compression_type)

    def _records(self, name):
        if self._compression:
            data = _open_binary(name)
            text = gzip.decompress(data) if self._compression == "GZIP" else zlib.decompress(data)
            lines = text.split(b"\n")
            if lines and lines[-1] == b"":
                lines.pop()
            return (line.rstrip(b"\r") for line in lines)
        return (line for _, line in _text_lines(name, {}))


class TFRecordDataset(_FileDataset):
    """The records of TFRecord files."""

    def __init__(self, filenames, compression_type=None, buffer_size=None,
                 num_parallel_reads=None):
        super().__init__(filenames)
        self._compression = TFRecordOptions.get_compression_type_string(compression_type)

    def _records(self, name):
        return read_records(name, self._compression)


class FixedLengthRecordDataset(_FileDataset):
    """Records of ``record_bytes`` bytes of binary files (after a header, before a footer)."""

    def __init__(self, filenames, record_bytes, header_bytes=None, footer_bytes=None,
                 buffer_size=None, compression_type=None):
        super().__init__(filenames)
        self._options = {"record_bytes": int(record_bytes), "header_bytes": header_bytes,
                         "footer_bytes": footer_bytes}

    def _records(self, name):
        return (record for _, record in _fixed_length(name, self._options))


def list_files(file_pattern, shuffle=None, seed=None):
    """A dataset of the filenames matching ``file_pattern`` (shuffled unless shuffle=False)."""
    patterns = file_pattern if isinstance(file_pattern, list | tuple) else [file_pattern]
    names = sorted({path for pattern in patterns for path in _glob.glob(str(pattern))})
    if not names:
        raise errors.InvalidArgumentError(None, None,
                                          f"No files matched pattern: {file_pattern}")
    dataset = Dataset.from_tensor_slices(np.array([n.encode() for n in names], dtype=object))
    if shuffle is None or shuffle:
        dataset = dataset.shuffle(len(names), seed=seed)
    return dataset
