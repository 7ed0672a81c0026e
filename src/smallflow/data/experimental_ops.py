"""The datasets behind ``tf.data.experimental`` and the Dataset methods that go with them:
``enumerate``, ``scan``, ``take_while``, ``unique``, ``ignore_errors``, ``group_by_window``,
``sample_from_datasets``/``choose_from_datasets``, ``Counter``, ``reduce``,
``get_single_element``, ``cardinality`` and ``TFRecordWriter``.

Same model as ``dataset_ops``: each dataset is a description whose ``_iterate(context)``
generates flat tuples of arrays inside ``Session.run``; functions are traced into the graph
once. Ops that consume a whole dataset in one run (``get_single_element``, ``reduce``,
``TFRecordWriter.write``) start a fresh pass over it each time they run.
"""

import numpy as np

from .. import dtypes, errors
from ..graph import convert_to_tensor, get_default_graph
from ..op_signature import ALL, signature, type_list
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape
from . import nest
from .dataset_ops import (
    Dataset,
    _BatchDataset,
    _CacheDataset,
    _ConcatenateDataset,
    _int_tensor,
    _MapDataset,
    _PrefetchDataset,
    _RangeDataset,
    _RepeatDataset,
    _static_int,
    _TakeSkipDataset,
    _TensorDataset,
    _unique,
    _ZipDataset,
)
from .function import Context, TracedFunction, _captured_placeholders, arg_placeholders

__all__ = ["INFINITE", "UNKNOWN", "cardinality", "get_single_element"]

INFINITE = -1
UNKNOWN = -2
_INT64 = dtypes.int64


def _types_and_shapes(structure):
    return (nest.map_structure(lambda t: t.dtype, structure),
            nest.map_structure(lambda t: t.shape, structure))


class _EnumerateDataset(Dataset):
    """``(index, element)`` pairs, the index counting from ``start``."""

    def __init__(self, parent, start):
        self._start = _int_tensor(start, "start")
        super().__init__((_INT64, parent.output_types), (TensorShape([]), parent.output_shapes),
                         parents=[parent], tensors=[self._start])

    def _iterate(self, context):
        index = int(context.value(self._start))
        for element in self._parents[0]._iterate(context):
            yield (np.int64(index), *element)
            index += 1


class _ScanDataset(Dataset):
    """``scan_func(state, element) -> (new_state, output)`` carried along the elements."""

    def __init__(self, parent, initial_state, scan_func):
        state = nest.map_structure(convert_to_tensor, initial_state)
        self._initial = nest.flatten(state)
        state_types, state_shapes = _types_and_shapes(state)
        function = TracedFunction(scan_func, (state_types, parent.output_types),
                                  (state_shapes, parent.output_shapes), "scan")
        result = function.structure
        if not isinstance(result, tuple) or len(result) != 2:
            raise TypeError("The scan function must return a pair comprising the new state "
                            f"and the output value; got {result}")
        new_state, output = result
        if not nest.same_structure(new_state, state) or [t.dtype for t in nest.flatten(
                new_state)] != [t.dtype for t in self._initial]:
            raise TypeError(f"The element types for the new state must match the initial "
                            f"state. Expected {state_types}; got "
                            f"{_types_and_shapes(new_state)[0]}.")
        self._state_count = len(self._initial)
        types, shapes = _types_and_shapes(output)
        super().__init__(types, shapes, parents=[parent], tensors=self._initial,
                         functions=[function])
        self._function = function

    def _iterate(self, context):
        state = [np.asarray(context.value(t)) for t in self._initial]
        for element in self._parents[0]._iterate(context):
            values = self._function.call(context, (*state, *element))
            state = [np.asarray(v) for v in values[:self._state_count]]
            yield tuple(np.asarray(v) for v in values[self._state_count:])


def _predicate(fn, parent, name):
    function = TracedFunction(fn, parent.output_types, parent.output_shapes, name)
    outputs = function.outputs
    if len(outputs) != 1 or outputs[0].dtype != dtypes.bool or outputs[0].shape.ndims not in (
            None, 0):
        raise ValueError(f"`predicate` return type must be convertible to a scalar boolean "
                         f"tensor. Was {function.structure}.")
    return function


class _TakeWhileDataset(Dataset):
    def __init__(self, parent, predicate):
        self._function = _predicate(predicate, parent, "take_while")
        super().__init__(parent.output_types, parent.output_shapes, parents=[parent],
                         functions=[self._function])

    def _iterate(self, context):
        for element in self._parents[0]._iterate(context):
            if not bool(self._function.call(context, element)[0]):
                return
            yield element


class _UniqueDataset(Dataset):
    """The first occurrence of each element (one int or string component)."""

    def __init__(self, parent):
        flat = parent._flat_types()
        if len(flat) != 1 or not (flat[0].is_integer or flat[0] == dtypes.string):
            raise TypeError("`tf.data.experimental.unique()` only supports datasets with a "
                            "single component of type int32, int64 or string.")
        super().__init__(parent.output_types, parent.output_shapes, parents=[parent])

    def _iterate(self, context):
        seen = set()
        for element in self._parents[0]._iterate(context):
            value = np.asarray(element[0])
            key = value.item() if value.dtype == object else value.tobytes()
            if key not in seen:
                seen.add(key)
                yield element


class _IgnoreErrorsDataset(Dataset):
    """The elements of a pipeline whose map or filter function failed on some: those are
    dropped (the mapping datasets upstream see ``context.skip_errors``)."""

    def __init__(self, parent):
        super().__init__(parent.output_types, parent.output_shapes, parents=[parent])

    def _iterate(self, context):
        quiet = context.with_feeds({})
        quiet.skip_errors = True
        yield from self._parents[0]._iterate(quiet)


class _CounterDataset(Dataset):
    def __init__(self, start, step, dtype):
        self._dtype = dtypes.as_dtype(dtype)
        self._bounds = [convert_to_tensor(start, dtype=self._dtype, name="start"),
                        convert_to_tensor(step, dtype=self._dtype, name="step")]
        super().__init__(self._dtype, TensorShape([]), tensors=self._bounds)

    def _iterate(self, context):
        value, step = (context.value(t) for t in self._bounds)
        numpy_type = self._dtype.as_numpy_dtype
        while True:
            yield (np.asarray(value, dtype=numpy_type),)
            value = value + step


class _RandomDataset(Dataset):
    """An endless stream of random int64 values (``tf.data.experimental.RandomDataset``):
    TensorFlow's, the 32-bit Philox words of the dataset's seeds, from the first one again
    on every pass."""

    def __init__(self, seed=None):
        from ..ops import random_ops

        self._seeds = random_ops.get_seed(seed)
        self._reshuffle = False
        super().__init__(_INT64, TensorShape([]))

    def _iterate(self, context):
        words = context.shuffle_words(self)
        while True:
            for word in words.take(256).tolist():
                yield (np.int64(word),)


class _AssertCardinalityDataset(Dataset):
    """The elements, checked to number exactly ``expected`` (FailedPrecondition if not)."""

    def __init__(self, parent, expected):
        self._expected = _int_tensor(expected, "expected_cardinality")
        super().__init__(parent.output_types, parent.output_shapes, parents=[parent],
                         tensors=[self._expected])

    def _iterate(self, context):
        expected = int(context.value(self._expected))
        count = 0
        for element in self._parents[0]._iterate(context):
            count += 1
            if expected != INFINITE and count > expected:
                raise errors.FailedPreconditionError(
                    None, None, f"Input dataset was expected to contain {expected} elements "
                    f"but contained at least {count} elements.")
            yield element
        if count != expected:
            raise errors.FailedPreconditionError(
                None, None, f"Input dataset was expected to contain {expected} elements but "
                f"contained only {count} elements.")


class _DirectedInterleaveDataset(Dataset):
    """Elements taken from ``datasets`` as ``choose(live)`` says: an index into them."""

    def __init__(self, datasets, choices=None, weights=None, seed=None):
        datasets = list(datasets)
        if not datasets:
            raise ValueError("`datasets` must be a non-empty list of datasets.")
        first = datasets[0]
        for other in datasets[1:]:
            if other._flat_types() != first._flat_types() or not nest.same_structure(
                    other.output_types, first.output_types):
                raise TypeError(f"Incompatible dataset types: {first.output_types} and "
                                f"{other.output_types}")
        self._choices = choices
        tensors = []
        self._weights = None
        if weights is not None:
            self._weights = convert_to_tensor(weights, dtype=dtypes.float32, name="weights")
            tensors.append(self._weights)
        from ..ops import random_ops

        self._seeds = random_ops.get_seed(seed)
        self._reshuffle = True
        parents = datasets + ([choices] if choices is not None else [])
        super().__init__(first.output_types, first.output_shapes, parents=parents,
                         tensors=tensors)
        self._count = len(datasets)

    def _iterate(self, context):
        sources = [p._iterate(context) for p in self._parents[:self._count]]
        live = [True] * self._count
        if self._choices is not None:
            for (choice,) in self._choices._iterate(context):
                index = int(choice)
                if not 0 <= index < self._count:
                    raise errors.InvalidArgumentError(
                        None, None, f"Selector index {index} out of range [0, {self._count})")
                if not live[index]:
                    continue
                element = next(sources[index], None)
                if element is None:
                    live[index] = False
                    if not any(live):  # every input spent: the end, even if choices go on
                        return
                    continue
                yield element
            return
        rng = context.shuffle_generator(self)
        weights = (np.full(self._count, 1.0 / self._count) if self._weights is None
                   else np.asarray(context.value(self._weights), dtype=np.float64))
        while any(live):
            chances = np.where(live, weights, 0.0)
            if chances.sum() <= 0:
                return
            index = int(rng.choice(self._count, p=chances / chances.sum()))
            element = next(sources[index], None)
            if element is None:
                live[index] = False
                continue
            yield element


class _WindowSource(Dataset):
    """The elements of one window of ``group_by_window``, handed over through the context."""

    def __init__(self, types, shapes):
        super().__init__(types, shapes)

    def _iterate(self, context):
        yield from context.state[("window", id(self))]


class _WindowFunction:
    """``fn`` called once on the window datasets; each window is handed to them through
    the context when its inner dataset is iterated."""

    def __init__(self, fn, sources, structure):
        element = nest.pack_sequence_as(structure, sources)
        if isinstance(element, tuple) and not hasattr(element, "_fields"):
            result = fn(*element)
        else:
            result = fn(element)
        if not isinstance(result, Dataset):
            raise TypeError("`map_func` must return a `tf.data.Dataset` object.")
        self.dataset = result
        self.captures = result._inputs()
        self._sources = sources

    def dataset_for(self, context, window):
        inner = context.with_feeds({})
        for index, source in enumerate(self._sources):
            inner.state[("window", id(source))] = [(element[index],) for element in window]
        return inner


class _WindowDataset(Dataset):
    """Windows of a dataset: each element is a list of elements, seen by the function of
    ``flat_map``/``interleave`` as datasets (one per component, TF's structure)."""

    def __init__(self, parent, size, shift, stride, drop_remainder):
        self._size = _int_tensor(size, "size")
        self._shift = _int_tensor(size if shift is None else shift, "shift")
        self._stride = _int_tensor(stride, "stride")
        self._drop = bool(drop_remainder)
        super().__init__(parent.output_types, parent.output_shapes, parents=[parent],
                         tensors=[self._size, self._shift, self._stride])

    def _dataset_function(self, fn, name):
        sources = [_WindowSource(t, s) for t, s in zip(self._flat_types(),
                                                        self._flat_shapes())]
        return _WindowFunction(fn, sources, self.output_types)

    def _iterate(self, context):
        size, shift, stride = (int(context.value(t)) for t in (self._size, self._shift,
                                                                 self._stride))
        if min(size, shift, stride) <= 0:
            raise errors.InvalidArgumentError(
                None, None, f"Window size, shift and stride must be positive, got {size}, "
                f"{shift}, {stride}")
        reach = (size - 1) * stride  # from a window's first input to its last
        buffer = []  # inputs base, base + 1, ... still needed
        base = start = 0
        index = -1
        for index, element in enumerate(self._parents[0]._iterate(context)):
            if index < start:
                continue  # between windows when shift is longer than a window
            if not buffer:
                base = index
            buffer.append(element)
            while start + reach <= index:
                yield [buffer[start - base + j * stride] for j in range(size)]
                start += shift
                dropped = min(start - base, len(buffer))
                del buffer[:dropped]
                base += dropped
        end = index + 1
        while start < end and not self._drop:
            yield [buffer[i - base] for i in range(start, min(start + reach + 1, end), stride)]
            start += shift


class _GroupByWindowDataset(Dataset):
    """Elements grouped by ``key_func``; each full window (or the rest of a group at the
    end) becomes ``reduce_func(key, window_dataset)``, whose elements are emitted."""

    def __init__(self, parent, key_func, reduce_func, window_size, window_size_func):
        if (window_size is None) == (window_size_func is None):
            raise ValueError("Either the `window_size` argument or the `window_size_func` "
                             "argument must be specified.")
        self._key = TracedFunction(key_func, parent.output_types, parent.output_shapes,
                                   "key_func")
        if len(self._key.outputs) != 1 or self._key.outputs[0].dtype != _INT64:
            raise ValueError(f"`key_func` must return a single tf.int64 tensor. Got "
                             f"{self._key.structure}")
        size_func = window_size_func or (lambda key: convert_to_tensor(window_size,
                                                                        dtype=_INT64))
        self._size = TracedFunction(size_func, _INT64, TensorShape([]), "window_size_func")
        self._key_arg, key = arg_placeholders(_INT64, TensorShape([]), _INT64, "reduce_func")
        self._window = _WindowSource(parent.output_types, parent.output_shapes)
        result = reduce_func(key, self._window)
        if not isinstance(result, Dataset):
            raise TypeError("`reduce_func` must return a `Dataset` object.")
        self._result = result
        super().__init__(result.output_types, result.output_shapes, parents=[parent],
                         functions=[self._key, self._size])

    def _inputs(self):
        # The windows' pipeline may compute from the key (evaluated per window, with the key
        # fed): only the placeholders it reads besides the key are inputs of the iterator.
        inner = _captured_placeholders(self._result._inputs(), set(self._key_arg))
        return _unique(super()._inputs() + inner)

    def _emit(self, context, key, elements):
        context.state[("window", id(self._window))] = elements
        inner = context.with_feeds({self._key_arg[0]: np.int64(key)})
        yield from self._result._iterate(inner)

    def _iterate(self, context):
        groups = {}
        sizes = {}
        for element in self._parents[0]._iterate(context):
            key = int(self._key.call(context, element)[0])
            if key not in sizes:
                sizes[key] = int(self._size.call(context, (np.int64(key),))[0])
                if sizes[key] <= 0:
                    raise errors.InvalidArgumentError(None, None,
                                                      "Window size must be greater than zero.")
            group = groups.setdefault(key, [])
            group.append(element)
            if len(group) == sizes[key]:
                del groups[key]
                yield from self._emit(context, key, group)
        # TensorFlow keeps its groups in a map ordered by key: the windows still open at the
        # end of the input come out in ascending key order, not in order of arrival.
        for key in sorted(groups):
            yield from self._emit(context, key, groups[key])


class _GroupByReducerDataset(Dataset):
    """One element per key of ``key_func``: ``reducer.init_func(key)`` reduced over the
    key's elements with ``reducer.reduce_func(state, element)``, then
    ``reducer.finalize_func(state)``; after the whole input, in ascending key order (as
    TensorFlow's map of states gives them)."""

    def __init__(self, parent, key_func, reducer):
        self._key = TracedFunction(key_func, parent.output_types, parent.output_shapes,
                                   "key_func")
        if len(self._key.outputs) != 1 or self._key.outputs[0].dtype != _INT64:
            raise ValueError(f"`key_func` must return a single tf.int64 tensor. Got "
                             f"{self._key.structure}")
        self._init = TracedFunction(reducer.init_func, _INT64, TensorShape([]), "init_func")
        state_types, state_shapes = _types_and_shapes(self._init.structure)
        self._reduce = TracedFunction(reducer.reduce_func,
                                      (state_types, parent.output_types),
                                      (state_shapes, parent.output_shapes), "reduce_func")
        if len(self._init.outputs) != len(self._reduce.outputs):
            raise TypeError(f"The structure of the new state must match the initial state. "
                            f"Expected {self._init.structure}; got {self._reduce.structure}.")
        for before, after in zip(self._init.outputs, self._reduce.outputs):
            if before.dtype != after.dtype:
                raise TypeError(f"The element types for the new state must match the initial "
                                f"state. Expected {state_types}; got "
                                f"{_types_and_shapes(self._reduce.structure)[0]}.")
        self._finalize = TracedFunction(reducer.finalize_func, state_types, state_shapes,
                                        "finalize_func")
        types, shapes = _types_and_shapes(self._finalize.structure)
        super().__init__(types, shapes, parents=[parent],
                         functions=[self._key, self._init, self._reduce, self._finalize])

    def _iterate(self, context):
        states = {}
        for element in self._parents[0]._iterate(context):
            key = int(self._key.call(context, element)[0])
            if key not in states:
                states[key] = list(self._init.call(context, (np.int64(key),)))
            states[key] = list(self._reduce.call(context, (*states[key], *element)))
        for key in sorted(states):
            yield tuple(self._finalize.call(context, states[key]))


class _DenseToSparseBatchDataset(Dataset):
    """Batches of ``batch_size`` dense elements as one SparseTensor of dense shape
    ``[batch, *row_shape]`` holding every entry of each element (-1 in ``row_shape``: the
    batch's largest size in that dimension)."""

    def __init__(self, parent, batch_size, row_shape):
        from ..ops.sparse_tensor import SparseTensor

        if isinstance(parent.output_types, tuple | list | dict):
            raise TypeError("dense_to_sparse_batch needs a dataset of single tensors")
        self._batch = _int_tensor(batch_size, "batch_size")
        if isinstance(row_shape, TensorShape):
            row_shape = row_shape.as_list()
        # -1 or None: the batch's largest size (TensorFlow 1.15 reads the shape as a tensor).
        self._row_shape = [-1 if d is None else int(d) for d in row_shape]
        shape = TensorShape([None, *[d if d >= 0 else None for d in self._row_shape]])
        super().__init__(parent.output_types, shape, parents=[parent], tensors=[self._batch],
                         classes=SparseTensor)

    def _sparse(self, elements):
        from ..ops.sparse_tensor import SparseTensorValue

        rank = len(self._row_shape)
        largest = np.max([np.shape(e) for e in elements], axis=0) if rank else []
        dense_shape = [len(elements)] + [int(largest[d]) if size < 0 else size
                                         for d, size in enumerate(self._row_shape)]
        indices, values = [], []
        for row, element in enumerate(elements):
            element = np.asarray(element)
            shape_text = f"([{', '.join(map(str, element.shape))}])"
            row_text = f"([{', '.join(map(str, self._row_shape))}])"
            if element.ndim != rank:
                raise errors.InvalidArgumentError(
                    None, None, f"Input element had shape {shape_text} that is incompatible "
                    f"with the row shape {row_text}.")
            if any(n > limit for n, limit in zip(element.shape, dense_shape[1:])):
                raise errors.DataLossError(
                    None, None, f"Input element had shape {shape_text} that is larger than "
                    f"the row shape {row_text}.")
            where = np.indices(element.shape).reshape(rank, -1).T
            indices.append(np.concatenate([np.full((len(where), 1), row), where], axis=1))
            values.append(element.reshape(-1))
        return SparseTensorValue(np.concatenate(indices).astype(np.int64).reshape(-1, rank + 1),
                                 np.concatenate(values), np.asarray(dense_shape, np.int64))

    def _iterate(self, context):
        size = int(context.value(self._batch))
        if size <= 0:
            raise errors.InvalidArgumentError(None, None,
                                              "Batch size must be greater than zero.")
        pending = []
        for (element,) in self._parents[0]._iterate(context):
            pending.append(element)
            if len(pending) == size:
                yield (self._sparse(pending),)
                pending = []
        if pending:
            yield (self._sparse(pending),)


def dense_to_sparse_batch(batch_size, row_shape):
    """``tf.data.experimental.dense_to_sparse_batch``: batches of dense elements of at most
    ``row_shape`` as SparseTensors."""
    return lambda dataset: _DenseToSparseBatchDataset(dataset, batch_size, row_shape)


def group_by_reducer(key_func, reducer):
    """``tf.data.experimental.group_by_reducer``: reduce each key's elements to one."""
    return lambda dataset: _GroupByReducerDataset(dataset, key_func, reducer)


# -- whole-dataset ops --------------------------------------------------------------------------


def _first_pass(dataset, session, inputs, values):
    return dataset._iterate(Context(session, dict(zip(inputs, values))))


def _single_element_kernel(attrs, state):
    dataset = attrs["_py_dataset"]
    inputs = dataset._inputs()

    def single(*values):
        elements = _first_pass(dataset, state.session, inputs, values)
        try:
            first = next(elements, None)
            if first is None:
                raise errors.InvalidArgumentError(None, None, "Dataset was empty.")
            if next(elements, None) is not None:
                raise errors.InvalidArgumentError(None, None,
                                                  "Dataset had more than one element.")
        finally:
            elements.close()
        return tuple(first) if len(first) != 1 else first[0]

    return single


register_op("DatasetToSingleElement", _single_element_kernel,
            lambda op: list(op.attrs["shapes"]), stateful=True,
            signature=signature("captures: Tcaptures -> components: output_types",
                                Tcaptures=type_list(ALL), output_types=type_list(ALL)))
NotDifferentiable("DatasetToSingleElement")


def get_single_element(dataset):
    """The only element of ``dataset`` as tensors (InvalidArgumentError if it has none or
    more than one when run)."""
    if not isinstance(dataset, Dataset):
        raise TypeError("`dataset` must be a `tf.data.Dataset` object.")
    flat_types = dataset._flat_types()
    op = get_default_graph().create_op(
        "DatasetToSingleElement", dataset._inputs(), flat_types,
        {"shapes": dataset._flat_shapes(), "_py_dataset": dataset, "output_types": flat_types},
        "DatasetToSingleElement")
    return nest.pack_sequence_as(dataset.output_types, list(op.outputs))


class _ReduceDataset(Dataset):
    """One element: the state after ``reduce_func(state, element)`` over every element."""

    def __init__(self, parent, initial_state, reduce_func):
        self._scan = _ScanDataset(parent, initial_state,
                                  lambda state, element: (reduce_func(state, element),
                                                          dtypes_placeholder()))
        state = nest.map_structure(convert_to_tensor, initial_state)
        types, shapes = _types_and_shapes(state)
        super().__init__(types, shapes, parents=[parent], tensors=self._scan._initial,
                         functions=self._scan._functions)

    def _iterate(self, context):
        scan = self._scan
        state = [np.asarray(context.value(t)) for t in scan._initial]
        for element in self._parents[0]._iterate(context):
            values = scan._function.call(context, (*state, *element))
            state = [np.asarray(v) for v in values[:scan._state_count]]
        yield tuple(state)


def dtypes_placeholder():
    """A dummy scan output for ``reduce`` (only the state is kept)."""
    return convert_to_tensor(0, dtype=dtypes.int32)


def reduce_dataset(dataset, initial_state, reduce_func):
    return get_single_element(_ReduceDataset(dataset, initial_state, reduce_func))


def _write_records_kernel(attrs, state):
    dataset = attrs["_py_dataset"]
    inputs = dataset._inputs()

    def write(*values):
        from ..python_io import TFRecordOptions, TFRecordWriter

        filename = values[0].item() if isinstance(values[0], np.ndarray) else values[0]
        filename = filename.decode() if isinstance(filename, bytes) else str(filename)
        options = TFRecordOptions(attrs["compression"] or None)
        elements = _first_pass(dataset, state.session, inputs, values[1:])
        with TFRecordWriter(filename, options) as writer:
            for (record,) in elements:
                item = record.item() if isinstance(record, np.ndarray) else record
                writer.write(item if isinstance(item, bytes) else str(item).encode())
        return ()

    return write


register_op("DatasetToTFRecord", _write_records_kernel, lambda op: [], stateful=True,
            signature=signature("filename: string, captures: Tcaptures ->",
                                Tcaptures=type_list(ALL)))
NotDifferentiable("DatasetToTFRecord")


class TFRecordWriter:
    """Writes a dataset of scalar strings to a TFRecord file: ``write(dataset)`` is the op."""

    def __init__(self, filename, compression_type=None):
        from ..python_io import TFRecordOptions

        self._filename = convert_to_tensor(filename, dtype=dtypes.string, name="filename")
        self._compression = TFRecordOptions.get_compression_type_string(compression_type)

    def write(self, dataset):
        if not isinstance(dataset, Dataset):
            raise TypeError(f"`dataset` must be a `tf.data.Dataset` object, got {dataset!r}")
        types = dataset._flat_types()
        shapes = dataset._flat_shapes()
        if len(types) != 1 or types[0] != dtypes.string or shapes[0].ndims not in (None, 0):
            raise TypeError(f"`dataset` must produce scalar `DT_STRING` tensors whereas it "
                            f"produces shape {dataset.output_shapes} and types "
                            f"{dataset.output_types}")
        return get_default_graph().create_op(
            "DatasetToTFRecord", [self._filename, *dataset._inputs()], [],
            {"compression": self._compression, "_py_dataset": dataset}, "DatasetToTFRecord")


# -- cardinality --------------------------------------------------------------------------------


def _static_cardinality(dataset):
    """The number of elements when the graph tells it, INFINITE or UNKNOWN otherwise."""
    kind = type(dataset)
    parents = dataset._parents
    if kind is _TensorDataset:
        if not dataset._slices:
            return 1
        dims = [t.shape[0].value for t in dataset._flat if t.shape.ndims]
        return dims[0] if dims and dims[0] is not None else UNKNOWN
    if kind is _RangeDataset:
        bounds = [_static_int(t) for t in dataset._bounds]
        if None in bounds or bounds[2] == 0:
            return UNKNOWN
        return len(range(*bounds))
    if kind in (_CounterDataset, _RandomDataset):
        return INFINITE
    if kind is _AssertCardinalityDataset:
        expected = _static_int(dataset._expected)
        return UNKNOWN if expected is None else expected
    if kind in (_MapDataset, _PrefetchDataset, _CacheDataset, _EnumerateDataset,
                _ScanDataset):
        return _static_cardinality(parents[0])
    if kind is _ZipDataset:
        counts = [_static_cardinality(p) for p in parents]
        finite = [c for c in counts if c >= 0]
        if finite:
            return min(finite)
        return UNKNOWN if UNKNOWN in counts else INFINITE
    if kind is _ConcatenateDataset:
        counts = [_static_cardinality(p) for p in parents]
        if INFINITE in counts:
            return INFINITE
        return UNKNOWN if UNKNOWN in counts else sum(counts)
    if kind is _RepeatDataset:
        inner = _static_cardinality(parents[0])
        count = _static_int(dataset._count)
        if count is None:
            return UNKNOWN
        if count < 0:
            return 0 if inner == 0 else INFINITE
        return inner * count if inner >= 0 else inner
    if kind is _TakeSkipDataset:
        inner = _static_cardinality(parents[0])
        count = _static_int(dataset._count)
        if count is None or inner == UNKNOWN:
            return UNKNOWN
        if dataset._take:
            if count < 0:
                return inner
            return count if inner == INFINITE else min(inner, count)
        if inner == INFINITE:
            return INFINITE
        return 0 if count < 0 else max(inner - count, 0)
    if kind is _BatchDataset:
        inner = _static_cardinality(parents[0])
        size = _static_int(dataset._size)
        if inner < 0 or size is None or size <= 0:
            return inner if inner == INFINITE else UNKNOWN
        return inner // size if dataset._drop else -(-inner // size)
    return UNKNOWN


def cardinality(dataset):
    """An int64 scalar: the number of elements, ``INFINITE`` (-1) or ``UNKNOWN`` (-2)."""
    from ..ops import constant_op

    return constant_op.constant(_static_cardinality(dataset), dtype=_INT64,
                                name="DatasetCardinality")


# -- Optional -----------------------------------------------------------------------------------


def _empty_like(dtype, shape):
    dims = [0 if d is None else d for d in (shape.as_list() if shape.ndims is not None else [])]
    if dtype == dtypes.string:
        return np.full(dims, b"", dtype=object)
    return np.zeros(dims, dtype=dtype.as_numpy_dtype)


def _next_as_optional_kernel(attrs, state):
    from .iterator_ops import _get_next_kernel

    get_next = _get_next_kernel(attrs, state)
    types, shapes = attrs["types"], attrs["shapes"]

    def next_as_optional(*values):
        try:
            element = get_next(*values)
        except errors.OutOfRangeError:
            return (np.array(False), *(_empty_like(t, s) for t, s in zip(types, shapes)))
        element = element if isinstance(element, tuple) else (element,)
        return (np.array(True), *element)

    return next_as_optional


register_op("IteratorGetNextAsOptional", _next_as_optional_kernel,
            lambda op: [TensorShape([]), *op.attrs["shapes"]], stateful=True,
            signature=signature("captures: Tcaptures -> has_value: bool, components: "
                                "output_types", Tcaptures=type_list(ALL),
                                output_types=type_list(ALL)))
NotDifferentiable("IteratorGetNextAsOptional")


def _optional_value_kernel(attrs):
    def get_value(has_value, *components):
        if not bool(has_value):
            raise errors.InvalidArgumentError(None, None,
                                              "The optional does not have a value.")
        return tuple(components) if len(components) != 1 else components[0]

    return get_value


register_op("OptionalGetValue", _optional_value_kernel, lambda op: [
    t.shape for t in op.inputs[1:]],
    signature=signature("has_value: bool, components: Toutput_types -> values: Toutput_types",
                        Toutput_types=type_list(ALL)))
NotDifferentiable("OptionalGetValue")


class Optional:
    """A value that may be missing: ``has_value()`` says, ``get_value()`` gives it (an
    InvalidArgumentError when run without one)."""

    def __init__(self, has_value, components, structure):
        self._has_value = has_value
        self._components = list(components)
        self._structure = structure

    @staticmethod
    def from_value(value):
        from ..ops import constant_op

        structure = nest.map_structure(convert_to_tensor, value)
        return Optional(constant_op.constant(True), nest.flatten(structure), structure)

    @staticmethod
    def none_from_structure(value_structure):
        """An Optional without a value, for elements of ``(types, shapes)`` pairs."""
        from ..ops import constant_op

        types, shapes = value_structure
        flat = [constant_op.constant(_empty_like(dtypes.as_dtype(t), TensorShape(s)))
                for t, s in zip(nest.flatten(types), nest.flatten(shapes))]
        return Optional(constant_op.constant(False), flat, types)

    @property
    def value_structure(self):
        return nest.map_structure(lambda t: (t.dtype, t.shape), self._structure)

    def has_value(self, name=None):
        from ..ops import array_ops

        return array_ops.identity(self._has_value, name=name or "OptionalHasValue")

    def get_value(self, name=None):
        op = get_default_graph().create_op(
            "OptionalGetValue", [self._has_value, *self._components],
            [t.dtype for t in self._components], {}, name or "OptionalGetValue")
        return nest.pack_sequence_as(self._structure, list(op.outputs))


def get_next_as_optional(iterator):
    """The iterator's next element as an ``Optional``: without a value at the end, instead
    of an OutOfRangeError."""
    flat_types = nest.flatten(iterator.output_types)
    attrs = {"iterator": iterator._key, "types": flat_types, "output_types": flat_types,
             "shapes": nest.flatten(iterator.output_shapes),
             "from_handle": iterator._handle is not None, "_py_one_shot": iterator._one_shot}
    if iterator._handle is not None:
        inputs = [iterator._handle]
    elif iterator._one_shot is not None:
        inputs = iterator._one_shot._inputs()
    else:
        inputs = []
    op = get_default_graph().create_op("IteratorGetNextAsOptional", inputs,
                                       [dtypes.bool, *flat_types], attrs,
                                       "IteratorGetNextAsOptional")
    return Optional(op.outputs[0], op.outputs[1:], iterator.output_types)
