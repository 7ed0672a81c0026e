"""Readers of files named by a queue, and the decoders of what they read.

A reader (``TextLineReader``, ``WholeFileReader``, ``FixedLengthRecordReader``,
``TFRecordReader``) is, in each session, a Python iterator over the records of its current
file; when the file is done, ``read`` dequeues the next filename from the queue it is
given (blocking like a dequeue, ``OutOfRangeError`` once that queue is closed and empty).
``read`` returns ``(key, value)`` string scalars; the key is ``b"<file>:<record>"``.
``decode_csv`` and ``decode_raw`` turn values into numbers.
"""

import csv
import glob
import os
import threading

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor
from ..op_signature import COMPLEX, FLOATS, signature, type_list
from ..python_io import TFRecordOptions, read_records
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, unknown_shape
from .common import convert_to_tensor, make_op
from .data_flow_ops import session_queue

# TensorFlow 1.15's DecodeCSV column types and DecodeRaw output types.
_CSV_TYPES = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64, dtypes.string)
_RAW_TYPES = FLOATS + COMPLEX + (dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64,
                                 dtypes.uint8, dtypes.uint16, dtypes.bool)

__all__ = [
    "FixedLengthRecordReader",
    "ReaderBase",
    "TFRecordReader",
    "TextLineReader",
    "WholeFileReader",
    "decode_csv",
    "decode_raw",
    "matching_files",
    "read_file",
]


def _open_binary(name):
    try:
        with open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{name}; No such file or directory") from None
    except IsADirectoryError:
        raise errors.FailedPreconditionError(None, None, f"{name}; Is a directory") from None


def _text_lines(name, options):
    skip = options.get("skip_header_lines") or 0
    lines = _open_binary(name).split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        if number <= skip:
            continue
        yield f"{name}:{number}", line.rstrip(b"\r")


def _whole_file(name, options):
    yield name, _open_binary(name)


def _fixed_length(name, options):
    data = _open_binary(name)
    header = options.get("header_bytes") or 0
    footer = options.get("footer_bytes") or 0
    size = options["record_bytes"]
    hop = options.get("hop_bytes") or size
    body = data[header:len(data) - footer if footer else len(data)]
    for index, start in enumerate(range(0, len(body) - size + 1, hop)):
        yield f"{name}:{index}", body[start:start + size]


def _tf_records(name, options):
    for index, record in enumerate(read_records(name, options.get("compression", ""))):
        yield f"{name}:{index}", record


_FORMATS = {"TextLineReaderV2": _text_lines, "WholeFileReaderV2": _whole_file,
            "FixedLengthRecordReaderV2": _fixed_length, "TFRecordReaderV2": _tf_records}


class _SessionReader:
    """A reader's position in one session: the records left of its current file."""

    def __init__(self, kind, options):
        self.records = None
        self.kind = kind
        self.options = options
        self.produced = 0
        self.completed = 0
        # Queue runners run one reader from several threads (the CIFAR-10 tutorial's
        # shuffle_batch with num_threads=cpu_count()): one read at a time, as TensorFlow's
        # ReaderBase holds its mutex for a read (its file generator is not reentrant).
        self.lock = threading.Lock()

    def next_record(self, queue):
        with self.lock:
            return self._next_record(queue)

    def _next_record(self, queue):
        while True:
            if self.records is not None:
                record = next(self.records, None)
                if record is not None:
                    self.produced += 1
                    return record
                self.completed += 1
                self.records = None
            element = queue.dequeue(1)[0]
            name = element[0].item() if isinstance(element[0], np.ndarray) else element[0]
            name = name.decode() if isinstance(name, bytes) else str(name)
            self.records = _FORMATS[self.kind](name, self.options)


_READERS_LOCK = threading.Lock()


def _reader(attrs, state):
    key = attrs["reader"]
    with _READERS_LOCK:
        reader = state.resources.get(key)
        if reader is None:
            reader = state.resources[key] = _SessionReader(attrs["kind"],
                                                           attrs["_py_options"])
    return reader


def _read_kernel(attrs, state):
    def read():
        reader = _reader(attrs, state)
        queue = session_queue(state, attrs["_py_queue"])
        count = attrs["count"]
        keys, values = [], []
        for _ in range(1 if count is None else count):
            try:
                key, value = reader.next_record(queue)
            except errors.OutOfRangeError:
                if count is not None and keys:
                    break
                raise
            keys.append(key.encode())
            values.append(value)
        if count is None:
            return np.array(keys[0], dtype=object), np.array(values[0], dtype=object)
        key_array = np.empty(len(keys), dtype=object)
        key_array[:] = keys
        value_array = np.empty(len(values), dtype=object)
        value_array[:] = values
        return key_array, value_array

    return read


def _read_shapes(op):
    shape = TensorShape([]) if op.attrs["count"] is None else TensorShape([None])
    return [shape, shape]


def _reader_stat_kernel(attrs, state):
    field = attrs["field"]
    return lambda: np.int64(getattr(_reader(attrs, state), field))


def _reset_kernel(attrs, state):
    def reset():
        state.resources.pop(attrs["reader"], None)
        return ()

    return reset


register_op("ReaderReadV2", _read_kernel, _read_shapes, stateful=True,
            signature=signature("-> key: string, value: string"))
register_op("ReaderNumRecordsProducedV2", _reader_stat_kernel,
            lambda op: [TensorShape([])], stateful=True,
            signature=signature("-> records_produced: int64"))
register_op("ReaderResetV2", _reset_kernel, lambda op: [], stateful=True,
            signature=signature("->"))
for _op_type in ("ReaderReadV2", "ReaderNumRecordsProducedV2", "ReaderResetV2"):
    NotDifferentiable(_op_type)


class ReaderBase:
    """Reads records from the files named by a queue of filenames."""

    _kind = None

    def __init__(self, options=None, name=None):
        from ..graph import get_default_graph

        self._name = get_default_graph().unique_name(name or self._kind.replace("V2", ""))
        self._options = options or {}

    @property
    def reader_ref(self):
        return self._name

    @property
    def supports_serialize(self):
        return False

    def _attrs(self, **extra):
        return {"reader": f"reader:{self._name}", "kind": self._kind,
                "_py_options": self._options, **extra}

    def read(self, queue, name=None):
        """The next ``(key, value)`` record, from the next file of ``queue`` when needed."""
        spec = _queue_spec(queue)
        op = make_op("ReaderReadV2", [], [dtypes.string, dtypes.string],
                     self._attrs(_py_queue=spec, count=None), name or "ReaderReadV2")
        return op.outputs[0], op.outputs[1]

    def read_up_to(self, queue, num_records, name=None):
        """Up to ``num_records`` records (fewer only at the end of the input)."""
        spec = _queue_spec(queue)
        op = make_op("ReaderReadV2", [], [dtypes.string, dtypes.string],
                     self._attrs(_py_queue=spec, count=int(num_records)),
                     name or "ReaderReadUpToV2")
        return op.outputs[0], op.outputs[1]

    def num_records_produced(self, name=None):
        return make_op("ReaderNumRecordsProducedV2", [], [dtypes.int64],
                       self._attrs(field="produced"), name).outputs[0]

    def num_work_units_completed(self, name=None):
        return make_op("ReaderNumRecordsProducedV2", [], [dtypes.int64],
                       self._attrs(field="completed"), name).outputs[0]

    def reset(self, name=None):
        return make_op("ReaderResetV2", [], [], self._attrs(), name or "ReaderResetV2")


def _queue_spec(queue):
    spec = getattr(queue, "_spec", None)
    if spec is None:
        raise TypeError(f"A reader reads filenames from a queue (e.g. "
                        f"tf.train.string_input_producer), got {queue!r}")
    return spec


class TextLineReader(ReaderBase):
    """Records are the lines of each file (without the newline)."""

    _kind = "TextLineReaderV2"

    def __init__(self, skip_header_lines=None, name=None):
        super().__init__({"skip_header_lines": skip_header_lines}, name)


class WholeFileReader(ReaderBase):
    """One record per file: its whole contents (the key is the filename)."""

    _kind = "WholeFileReaderV2"

    def __init__(self, name=None):
        super().__init__({}, name)


class FixedLengthRecordReader(ReaderBase):
    """Records of ``record_bytes`` bytes after a header, before a footer."""

    _kind = "FixedLengthRecordReaderV2"

    def __init__(self, record_bytes, header_bytes=None, footer_bytes=None, hop_bytes=None,
                 name=None, encoding=None):
        if encoding:
            raise ValueError("FixedLengthRecordReader: compressed files are not supported")
        super().__init__({"record_bytes": int(record_bytes), "header_bytes": header_bytes,
                          "footer_bytes": footer_bytes, "hop_bytes": hop_bytes}, name)


class TFRecordReader(ReaderBase):
    """Records of TFRecord files (``tf.python_io.TFRecordWriter``'s format)."""

    _kind = "TFRecordReaderV2"

    def __init__(self, name=None, options=None):
        super().__init__(
            {"compression": TFRecordOptions.get_compression_type_string(options)}, name)


# -- decoders ---------------------------------------------------------------------------------


def _strings_of(value):
    array = np.asarray(value, dtype=object)
    return array


def _decode_csv_kernel(attrs):
    kinds = attrs["dtypes"]
    delim = attrs["field_delim"]
    quoting = csv.QUOTE_MINIMAL if attrs["use_quote_delim"] else csv.QUOTE_NONE
    na_value = attrs["na_value"]
    select = attrs["select_cols"]

    def decode(records, *defaults):
        records = _strings_of(records)
        flat = records.reshape(-1)
        columns = [np.empty(flat.shape, dtype=d.as_numpy_dtype if d != dtypes.string
                            else object) for d in kinds]
        for row, record in enumerate(flat):
            text = record.decode() if isinstance(record, bytes) else str(record)
            try:
                # strict: text after a closing quote is an error, as in TensorFlow.
                fields = next(csv.reader([text], delimiter=delim, quoting=quoting,
                                         strict=True), [""])
            except csv.Error as err:
                raise errors.InvalidArgumentError(
                    None, None, f"Quote inside a string has to be escaped by another quote "
                    f"(record {row}: {err})") from None
            if select is not None:
                fields = [fields[i] if i < len(fields) else "" for i in select]
            if len(fields) != len(kinds):
                raise errors.InvalidArgumentError(
                    None, None, f"Expect {len(kinds)} fields but have {len(fields)} in record "
                    f"{row}")
            for column, (field, dtype, default) in enumerate(zip(fields, kinds, defaults)):
                columns[column][row] = _csv_field(field, dtype, default, na_value, column,
                                                  row)
        shaped = tuple(c.reshape(records.shape) for c in columns)
        return shaped if len(shaped) != 1 else shaped[0]

    return decode


def _csv_field(field, dtype, default, na_value, column, row):
    if field == "" or field == na_value:
        if default.size == 0:
            raise errors.InvalidArgumentError(
                None, None, f"Field {column} is required but missing in record {row}!")
        return default.reshape(-1)[0]
    if dtype == dtypes.string:
        return field.encode()
    try:
        if dtype.is_integer:
            return int(field)
        return float(field)
    except ValueError:
        raise errors.InvalidArgumentError(
            None, None, f"Field {column} in record {row} is not a valid {dtype.name}: "
            f"{field!r}") from None


register_op("DecodeCSV", _decode_csv_kernel,
            lambda op: [op.inputs[0].shape for _ in op.outputs],
            signature=signature("records: string, record_defaults: OUT_TYPE -> output: OUT_TYPE",
                                OUT_TYPE=type_list(_CSV_TYPES)))
NotDifferentiable("DecodeCSV")


def decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True, name=None,
               na_value="", select_cols=None):
    """Split CSV lines into columns; ``record_defaults`` give each column's type and default.

    ``record_defaults=[[1.0], [0], [""]]`` makes a float32, an int32 and a string column;
    an empty default (``tf.constant([], tf.int32)``) makes the column required.
    """
    records = convert_to_tensor(records, dtype=dtypes.string)
    defaults = []
    for index, default in enumerate(record_defaults):
        if isinstance(default, Tensor):
            tensor = default
        else:
            items = default if isinstance(default, list | tuple) else [default]
            if items and isinstance(items[0], str | bytes):
                tensor = convert_to_tensor(list(items), dtype=dtypes.string)
            else:
                tensor = convert_to_tensor(list(items)) if items else convert_to_tensor(
                    np.zeros([0], np.float32))
        if tensor.shape.ndims not in (None, 1) or (tensor.shape.ndims == 1 and (
                tensor.shape[0].value or 0) > 1):
            raise ValueError(f"record_defaults[{index}] must be a list of at most one value")
        defaults.append(tensor)
    kinds = [d.dtype for d in defaults]
    attrs = {"dtypes": kinds, "field_delim": field_delim, "use_quote_delim": use_quote_delim,
             "na_value": na_value, "select_cols": select_cols}
    op = make_op("DecodeCSV", [records, *defaults], kinds, attrs, name or "DecodeCSV")
    return list(op.outputs)


def _decode_raw_kernel(attrs):
    dtype = np.dtype(attrs["out_type"].as_numpy_dtype)
    dtype = dtype.newbyteorder("<" if attrs["little_endian"] else ">")

    def decode(values):
        values = _strings_of(values)
        lengths = {len(v) for v in values.reshape(-1)}
        if len(lengths) > 1:
            raise errors.InvalidArgumentError(
                None, None, "DecodeRaw requires input strings to all be the same size, got "
                f"sizes {sorted(lengths)}")
        if lengths and next(iter(lengths)) % dtype.itemsize:
            raise errors.InvalidArgumentError(
                None, None, f"Input to DecodeRaw has length {next(iter(lengths))} that is not "
                f"a multiple of {dtype.itemsize}, the size of {attrs['out_type'].name}")
        flat = [np.frombuffer(v, dtype=dtype) for v in values.reshape(-1)]
        sizes = {f.size for f in flat}
        width = sizes.pop() if sizes else 0
        out = np.array(flat, dtype=dtype.newbyteorder("=")).reshape(*values.shape, width)
        return out

    return decode


def _decode_raw_shape(op):
    shape = op.inputs[0].shape
    if shape.ndims is None:
        return [unknown_shape()]
    return [TensorShape([*shape.as_list(), None])]


register_op("DecodeRaw", _decode_raw_kernel, _decode_raw_shape,
            signature=signature("bytes: string -> output: out_type", out_type=_RAW_TYPES))
NotDifferentiable("DecodeRaw")


def decode_raw(input_bytes=None, out_type=None, little_endian=True, name=None, bytes=None):  # noqa: A002
    """Reinterpret the bytes of each string as a vector of ``out_type`` numbers."""
    value = input_bytes if input_bytes is not None else bytes
    value = convert_to_tensor(value, dtype=dtypes.string)
    attrs = {"out_type": dtypes.as_dtype(out_type), "little_endian": little_endian}
    return make_op("DecodeRaw", [value], [dtypes.as_dtype(out_type)], attrs,
                   name or "DecodeRaw").outputs[0]


def _read_file_kernel(attrs, state):  # stateful: the file may change between runs
    def read(filename):
        name = filename.item() if isinstance(filename, np.ndarray) else filename
        name = name.decode() if isinstance(name, bytes) else str(name)
        return np.array(_open_binary(name), dtype=object)

    return read


register_op("ReadFile", _read_file_kernel, lambda op: [TensorShape([])], stateful=True,
            signature=signature("filename: string -> contents: string"))
NotDifferentiable("ReadFile")


def read_file(filename, name=None):
    """The contents of the file ``filename`` (a string scalar)."""
    filename = convert_to_tensor(filename, dtype=dtypes.string)
    return make_op("ReadFile", [filename], [dtypes.string], None,
                   name or "ReadFile").outputs[0]


def _matching_files_kernel(attrs, state):  # stateful: files come and go
    def match(patterns):
        patterns = np.asarray(patterns, dtype=object).reshape(-1)
        found = sorted({path for pattern in patterns
                        for path in glob.glob(_text(pattern)) if os.path.isfile(path)})
        out = np.empty(len(found), dtype=object)
        out[:] = [p.encode() for p in found]
        return out

    return match


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


register_op("MatchingFiles", _matching_files_kernel, lambda op: [TensorShape([None])],
            stateful=True,
            signature=signature("pattern: string -> filenames: string"))
NotDifferentiable("MatchingFiles")


def matching_files(pattern, name=None):
    """The sorted filenames matching a glob ``pattern`` (or a vector of patterns)."""
    pattern = convert_to_tensor(pattern, dtype=dtypes.string)
    return make_op("MatchingFiles", [pattern], [dtypes.string], None,
                   name or "MatchingFiles").outputs[0]
