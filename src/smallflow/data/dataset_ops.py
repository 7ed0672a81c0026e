"""``tf.data.Dataset`` and its transformations, as Python-side pipelines driven by graph ops.

A Dataset is a description: its element structure (``output_types``, ``output_shapes``)
and the graph tensors it reads when an iterator is initialised (``_inputs``). Iterating is
a Python generator (``_iterate(context)``) of flat tuples of NumPy arrays, created by the
iterator's initializer op inside ``Session.run`` and advanced by its ``get_next`` op, so a
pipeline lives in the session like a variable. Transformation functions are traced into
the graph once (``function.TracedFunction``) and evaluated per element by the session.

``map(num_parallel_calls=N)`` and ``prefetch(n)`` do their work in background threads
(``parallel.py``), keeping the order; no thread outlives its session.
"""

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor, convert_to_tensor, executing_eagerly
from ..ops import random_ops
from ..ops.common import constant_value
from ..ops.script_ops import python_arguments
from ..ops.sparse_tensor import SparseTensor, SparseTensorValue
from ..tensor_shape import TensorShape, as_shape
from . import nest, sparse_data
from .function import TracedFunction, check_cast
from .parallel import ordered_map, parallelism, prefetched

__all__ = ["Dataset"]

_INT64 = dtypes.int64


def _int_tensor(value, name):
    tensor = convert_to_tensor(value, dtype=_INT64, name=name)
    if tensor.shape.ndims not in (None, 0):
        raise ValueError(f"`{name}` must be a scalar, got shape {tensor.shape}")
    return tensor


def _static_int(tensor):
    value = constant_value(tensor)
    return None if value is None else int(value)


def _unique(tensors):
    seen = []
    for tensor in tensors:
        if tensor not in seen:
            seen.append(tensor)
    return seen


class Dataset(nest.Structured):
    """A sequence of elements, each a nest of tensors of fixed types and compatible shapes."""

    def __init__(self, types, shapes, parents=(), tensors=(), functions=(), classes=None):
        self._types = types
        self._shapes = shapes
        self._parents = list(parents)
        self._tensors = list(tensors)
        self._functions = list(functions)
        if classes is None:
            # A transformation that keeps its input's structure keeps its classes.
            parent = self._parents[0] if len(self._parents) == 1 else None
            same = parent is not None and nest.same_structure(types, parent._types) and (
                len(nest.flatten(types)) == len(nest.flatten(parent._types)))
            classes = parent._classes if same else nest.dense_classes(types)
        self._classes = classes

    # -- structure -----------------------------------------------------------------------------
    @property
    def element_spec(self):
        return nest.map_structure(lambda t, s: (t, s), self._types, self._shapes)

    def _flat_types(self):
        return nest.flatten(self._types)

    def _flat_shapes(self):
        return nest.flatten(self._shapes)

    def _inputs(self):
        """Graph tensors whose values the pipeline needs when an iterator is initialised."""
        found = list(self._tensors)
        for function in self._functions:
            found.extend(function.captures)
        for parent in self._parents:
            found.extend(parent._inputs())
        return _unique(found)

    def _iterate(self, context):
        raise NotImplementedError

    def _dataset_function(self, fn, name):
        """``fn`` of an element, returning a dataset (``flat_map``, ``interleave``)."""
        return TracedFunction(fn, self.output_types, self.output_shapes, name,
                              allow_dataset=True, classes=self.output_classes)

    def __iter__(self):
        if executing_eagerly():
            from ..eager.iterator import Iterator

            return Iterator(self)
        raise RuntimeError("dataset.__iter__() is only supported when eager execution is "
                           "enabled; use an iterator (make_one_shot_iterator) and "
                           "Session.run(get_next()).")

    def __repr__(self):
        # TensorFlow 1.x's layout: each shape as str() gives it ("(?, 1)"), each dtype as
        # repr() does ("tf.float32"), dict keys without quotes.
        shapes = str(nest.map_structure(str, self._shapes)).replace("'", "")
        types = str(nest.map_structure(repr, self._types)).replace("'", "")
        name = type(self).__name__.lstrip("_")
        if getattr(self, "_slices", False):
            name = "TensorSliceDataset"
        return f"<{name} shapes: {shapes}, types: {types}>"

    # -- sources -------------------------------------------------------------------------------
    @staticmethod
    def from_tensors(tensors):
        """A dataset of one element: ``tensors``."""
        return _TensorDataset(tensors, slices=False)

    @staticmethod
    def from_tensor_slices(tensors):
        """One element per row (first dimension) of ``tensors``."""
        return _TensorDataset(tensors, slices=True)

    @staticmethod
    def from_sparse_tensor_slices(sparse_tensor):
        """TensorFlow 1.x's: one element per row of a rank-N SparseTensor, that row's
        ``(indices, values, dense_shape)`` of rank N-1 as three tensors (a tuple, as
        TensorFlow's SparseTensorSliceDataset gives it; ``tf.SparseTensor(*row)`` rebuilds
        it)."""
        from ..ops.sparse_tensor import SparseTensor, SparseTensorValue

        if not isinstance(sparse_tensor, SparseTensor | SparseTensorValue):
            raise TypeError(f"`sparse_tensor` must be a `tf.SparseTensor` object. Was "
                            f"{sparse_tensor}.")
        rows = _TensorDataset(sparse_tensor, slices=True)
        return rows.map(lambda row: (row.indices, row.values, row.dense_shape))

    @staticmethod
    def from_generator(generator, output_types, output_shapes=None, args=None):
        """Elements produced by calling ``generator(*args)`` (a Python generator function)."""
        return _GeneratorDataset(generator, output_types, output_shapes, args)

    @staticmethod
    def range(*args):  # noqa: A003 - TensorFlow's public name
        """``range(stop)``, ``range(start, stop)``, ``range(start, stop, step)`` of int64."""
        return _RangeDataset(*args)

    @staticmethod
    def zip(datasets):  # noqa: A003 - TensorFlow's public name
        """Elements of several datasets side by side (a nest of datasets)."""
        return _ZipDataset(datasets)

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None):
        from .readers import list_files

        return list_files(file_pattern, shuffle, seed)

    # -- transformations -----------------------------------------------------------------------
    def concatenate(self, dataset):
        return _ConcatenateDataset(self, dataset)

    def map(self, map_func, num_parallel_calls=None):  # noqa: A003
        """``map_func`` of each element; with ``num_parallel_calls`` N > 1 (or ``AUTOTUNE``)
        N elements are mapped at once in threads, and still come out in order."""
        return _MapDataset(self, map_func, num_parallel_calls)

    def filter(self, predicate):  # noqa: A003
        return _FilterDataset(self, predicate)

    # TensorFlow 1.x's "legacy function" variants trace the function as a Defun rather than a
    # tf.function; smallflow traces both the same way, so they are the same transformations.
    def map_with_legacy_function(self, map_func, num_parallel_calls=None):
        """``map`` (TensorFlow 1.x's variant for functions traced as a legacy Defun)."""
        return self.map(map_func, num_parallel_calls)

    def filter_with_legacy_function(self, predicate):
        """``filter`` (TensorFlow 1.x's variant for functions traced as a legacy Defun)."""
        return self.filter(predicate)

    def flat_map(self, map_func):
        return _InterleaveDataset(self, map_func, cycle_length=1, block_length=1,
                                  name="flat_map")

    def interleave(self, map_func, cycle_length=None, block_length=1, num_parallel_calls=None):
        return _InterleaveDataset(self, map_func, cycle_length, block_length, "interleave")

    def batch(self, batch_size, drop_remainder=False):
        return _BatchDataset(self, batch_size, drop_remainder)

    def padded_batch(self, batch_size, padded_shapes, padding_values=None,
                     drop_remainder=False):
        return _BatchDataset(self, batch_size, drop_remainder, padded_shapes, padding_values)

    def unbatch(self):
        return _UnbatchDataset(self)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None):
        return _ShuffleDataset(self, buffer_size, seed, reshuffle_each_iteration)

    def repeat(self, count=None):
        return _RepeatDataset(self, count)

    def take(self, count):
        return _TakeSkipDataset(self, count, take=True)

    def skip(self, count):
        return _TakeSkipDataset(self, count, take=False)

    def shard(self, num_shards, index):
        """Every ``num_shards``-th element, starting at position ``index``."""
        return _ShardDataset(self, num_shards, index)

    def prefetch(self, buffer_size):
        """The same elements, produced up to ``buffer_size`` ahead by a background thread."""
        return _PrefetchDataset(self, buffer_size)

    def cache(self, filename=""):
        return _CacheDataset(self, filename)

    def apply(self, transformation_func):
        result = transformation_func(self)
        if not isinstance(result, Dataset):
            raise TypeError("`transformation_func` must return a Dataset.")
        return result

    def with_options(self, options):
        """Options only tune performance here; the dataset is returned as it is."""
        return self

    def options(self):
        from .experimental import Options

        return Options()

    def window(self, size, shift=None, stride=1, drop_remainder=False):
        """Windows of ``size`` elements, ``shift`` apart (default ``size``), taking every
        ``stride``-th: each element is a dataset (a structure of datasets), for flat_map."""
        from .experimental_ops import _WindowDataset

        return _WindowDataset(self, size, shift, stride, drop_remainder)

    def enumerate(self, start=0):  # noqa: A003 - TensorFlow's public name
        """``(index, element)`` pairs, the int64 index counting from ``start``."""
        from .experimental_ops import _EnumerateDataset

        return _EnumerateDataset(self, start)

    def reduce(self, initial_state, reduce_func):
        """Tensors: the state after ``reduce_func(state, element)`` over all elements."""
        from .experimental_ops import reduce_dataset

        return reduce_dataset(self, initial_state, reduce_func)

    # -- iterators -----------------------------------------------------------------------------
    def make_one_shot_iterator(self):
        from .iterator_ops import make_one_shot_iterator

        return make_one_shot_iterator(self)

    def make_initializable_iterator(self, shared_name=None):
        from .iterator_ops import make_initializable_iterator

        if executing_eagerly():
            raise RuntimeError("dataset.make_initializable_iterator is not supported when "
                               "eager execution is enabled. Use `for element in dataset` "
                               "instead.")
        return make_initializable_iterator(self, shared_name)


# -- sources --------------------------------------------------------------------------------------


def _component_tensor(value):
    if isinstance(value, SparseTensor | SparseTensorValue):
        return SparseTensor.from_value(value)
    if isinstance(value, Tensor) or hasattr(value, "_as_graph_element"):
        return convert_to_tensor(value)
    if isinstance(value, str | bytes) or (isinstance(value, np.ndarray)
                                          and value.dtype.kind in "OSU"):
        return convert_to_tensor(value, dtype=_string_dtype())
    return convert_to_tensor(value)


def _string_dtype():
    string = getattr(dtypes, "string", None)
    if string is None:
        raise TypeError("string tensors need smallflow's tf.string support")
    return string


class _TensorDataset(Dataset):
    def __init__(self, tensors, slices):
        self._slices = slices
        structure = nest.map_structure(_component_tensor, tensors)
        flat = nest.flatten(structure)
        if slices:
            first = None
            for tensor in flat:
                if tensor.shape.ndims == 0:
                    name = tensor.values.name if isinstance(tensor, SparseTensor) else (
                        tensor.name)
                    raise ValueError(f"Cannot slice a scalar: {name} has shape ()")
                size = tensor.shape[0].value if tensor.shape.ndims else None
                if first is None:
                    first = size
                elif size is not None and first is not None and size != first:
                    raise ValueError("Dimensions must be equal in the first dimension of all "
                                     f"components, but are {first} and {size}")
            shapes = [TensorShape(t.shape.as_list()[1:]) if t.shape.ndims is not None
                      else TensorShape(None) for t in flat]
        else:
            shapes = [t.shape for t in flat]
        inputs = [part for t in flat for part in (t if isinstance(t, SparseTensor) else [t])]
        super().__init__(nest.pack_sequence_as(structure, [t.dtype for t in flat]),
                         nest.pack_sequence_as(structure, shapes), tensors=inputs,
                         classes=nest.classes_of(structure))
        self._flat = flat
        self._slices = slices

    def _iterate(self, context):
        values = [sparse_data.value_of(context, t) if isinstance(t, SparseTensor)
                  else np.asarray(context.value(t)) for t in self._flat]
        if not self._slices:
            yield tuple(values)
            return
        sizes = {sparse_data.rows(v) for v in values}
        if len(sizes) > 1:
            raise errors.InvalidArgumentError(
                None, None, "Dimensions of the components to slice differ: "
                f"{[sparse_data.rows(v) for v in values]}")
        values = [sparse_data.row_slicer(v) if isinstance(v, SparseTensorValue) else v
                  for v in values]
        for index in range(sizes.pop() if sizes else 0):
            # A row of a string (object) array is a bare bytes object: keep it an array.
            yield tuple(v(index) if callable(v) else v[index] if v.dtype != object
                        else np.asarray(v[index], dtype=object) for v in values)


class _RangeDataset(Dataset):
    def __init__(self, *args):
        if not 1 <= len(args) <= 3:
            raise ValueError(f"Invalid arguments to range: {args}")
        start, stop, step = (0, args[0], 1) if len(args) == 1 else (*args, 1)[:3]
        self._bounds = [_int_tensor(v, n) for v, n in zip((start, stop, step),
                                                            ("start", "stop", "step"))]
        super().__init__(_INT64, TensorShape([]), tensors=self._bounds)

    def _iterate(self, context):
        start, stop, step = (int(context.value(t)) for t in self._bounds)
        if step == 0:
            raise errors.InvalidArgumentError(None, None, "step must be a non-zero integer.")
        for value in range(start, stop, step):
            yield (np.int64(value),)


class _GeneratorDataset(Dataset):
    def __init__(self, generator, output_types, output_shapes, args):
        if not callable(generator):
            raise TypeError("`generator` must be callable.")
        types = nest.map_structure(dtypes.as_dtype, output_types)
        if output_shapes is None:
            shapes = nest.map_structure(lambda _: TensorShape(None), types)
        else:
            shapes = nest.map_structure(as_shape, _shape_structure(output_shapes, types))
        self._args = [convert_to_tensor(a) for a in (args or ())]
        super().__init__(types, shapes, tensors=self._args)
        self._generator = generator

    def _iterate(self, context):
        args = python_arguments([context.value(t) for t in self._args])
        flat_types = self._flat_types()
        flat_shapes = self._flat_shapes()
        for element in self._generator(*args):
            if isinstance(element, list) and not isinstance(self._types, tuple | dict):
                element = np.asarray(element)
            try:
                flat = nest.flatten(element) if nest.is_structure(self._types) else [element]
            except TypeError:
                flat = [element]
            if len(flat) != len(flat_types):
                raise errors.InvalidArgumentError(
                    None, None, "`generator` yielded an element that did not match the "
                    f"expected structure {self._types}: {element!r}")
            yield tuple(check_cast(v, t, s, "`generator` yielded an element which")
                        for v, t, s in zip(flat, flat_types, flat_shapes))


def _shape_structure(shapes, types):
    """Output shapes given as lists inside a structure (a list of ints is one shape)."""
    if isinstance(types, dict):
        return {k: _shape_structure(shapes[k], types[k]) for k in types}
    if isinstance(types, tuple):
        return tuple(_shape_structure(s, t) for s, t in zip(shapes, types))
    return TensorShape(shapes)


class _ZipDataset(Dataset):
    def __init__(self, datasets):
        flat = nest.flatten(datasets)
        if not flat or not all(isinstance(d, Dataset) for d in flat):
            raise TypeError("The argument to `Dataset.zip()` must be a (nested) structure of "
                            "`Dataset` objects.")
        super().__init__(nest.map_structure(lambda d: d.output_types, datasets),
                         nest.map_structure(lambda d: d.output_shapes, datasets),
                         parents=flat,
                         classes=nest.map_structure(lambda d: d.output_classes, datasets))

    def _iterate(self, context):
        for elements in zip(*(p._iterate(context) for p in self._parents)):
            yield tuple(v for element in elements for v in element)


class _ConcatenateDataset(Dataset):
    def __init__(self, first, second):
        if not nest.same_structure(first.output_types, second.output_types) or (
                first._flat_types() != second._flat_types()):
            raise TypeError(f"Two datasets to concatenate have different types "
                            f"{first.output_types} and {second.output_types}")
        if first._flat_sparse() != second._flat_sparse():
            raise TypeError(f"Two datasets to concatenate have different classes "
                            f"{first.output_classes} and {second.output_classes}")
        shapes = [_common_shape(a, b)
                  for a, b in zip(first._flat_shapes(), second._flat_shapes())]
        super().__init__(first.output_types,
                         nest.pack_sequence_as(first.output_types, shapes),
                         parents=[first, second], classes=first.output_classes)

    def _iterate(self, context):
        yield from self._parents[0]._iterate(context)
        yield from self._parents[1]._iterate(context)


def _common_shape(a, b):
    a, b = a.as_tuple(), b.as_tuple()
    if a is None or b is None or len(a) != len(b):
        return TensorShape(None)
    return TensorShape([x if x == y else None for x, y in zip(a, b)])


# -- element-wise transformations -----------------------------------------------------------------


class _MapDataset(Dataset):
    def __init__(self, parent, fn, num_parallel_calls=None):
        function = TracedFunction(fn, parent.output_types, parent.output_shapes, "map",
                                  classes=parent.output_classes)
        structure = function.structure
        self._parallel = None
        tensors = []
        if num_parallel_calls is not None:
            self._parallel = convert_to_tensor(num_parallel_calls, name="num_parallel_calls")
            if not self._parallel.dtype.is_integer or self._parallel.shape.ndims not in (None,
                                                                                         0):
                raise ValueError(f"`num_parallel_calls` must be an integer scalar, got "
                                 f"{num_parallel_calls!r}")
            tensors.append(self._parallel)
        super().__init__(nest.map_structure(lambda t: t.dtype, structure),
                         nest.map_structure(lambda t: t.shape, structure), parents=[parent],
                         tensors=tensors, functions=[function],
                         classes=nest.classes_of(structure))
        self._function = function

    def _iterate(self, context):
        call = self._function.call
        workers = 1
        if self._parallel is not None:
            requested = int(context.value(self._parallel))
            if requested < 1 and requested != -1:
                raise errors.InvalidArgumentError(
                    None, None, f"num_parallel_calls must be positive or AUTOTUNE (-1), got "
                    f"{requested}")
            workers = parallelism(requested)
        elements = self._parents[0]._iterate(context)

        def apply(element):
            try:
                return tuple(v if isinstance(v, SparseTensorValue) else np.asarray(v)
                             for v in call(context, element))
            except errors.OpError:
                if context.skip_errors:  # under ignore_errors: drop the element
                    return None
                raise

        mapped = (map(apply, elements) if workers == 1
                  else ordered_map(elements, apply, workers))
        for result in mapped:
            if result is not None:
                yield result


class _FilterDataset(Dataset):
    def __init__(self, parent, predicate):
        function = TracedFunction(predicate, parent.output_types, parent.output_shapes,
                                  "filter", classes=parent.output_classes)
        outputs = function.outputs
        if len(outputs) != 1 or outputs[0].dtype != dtypes.bool or outputs[0].shape.ndims not in (
                None, 0):
            raise ValueError("`predicate` return type must be convertible to a scalar boolean "
                             f"tensor. Was {function.structure}.")
        super().__init__(parent.output_types, parent.output_shapes, parents=[parent],
                         functions=[function])
        self._function = function

    def _iterate(self, context):
        call = self._function.call
        for element in self._parents[0]._iterate(context):
            try:
                keep = bool(call(context, element)[0])
            except errors.OpError:
                if not context.skip_errors:
                    raise
                keep = False
            if keep:
                yield element


class _InterleaveDataset(Dataset):
    def __init__(self, parent, fn, cycle_length, block_length, name):
        function = parent._dataset_function(fn, name)
        inner = function.dataset
        self._cycle = _int_tensor(1 if cycle_length is None else cycle_length,
                                  "cycle_length")
        self._block = _int_tensor(block_length, "block_length")
        super().__init__(inner.output_types, inner.output_shapes, parents=[parent],
                         tensors=[self._cycle, self._block], functions=[function],
                         classes=inner.output_classes)
        self._function = function

    def _iterate(self, context):
        cycle = max(int(context.value(self._cycle)), 1)
        block = max(int(context.value(self._block)), 1)
        inner = self._function.dataset
        sources = self._parents[0]._iterate(context)
        active = []
        exhausted = False
        while True:
            while not exhausted and len(active) < cycle:
                element = next(sources, None)
                if element is None:
                    exhausted = True
                    break
                active.append(inner._iterate(self._function.dataset_for(context, element)))
            if not active:
                return
            for generator in list(active):
                for _ in range(block):
                    value = next(generator, None)
                    if value is None:
                        active.remove(generator)
                        break
                    yield value


# -- batching -------------------------------------------------------------------------------------


class _BatchDataset(Dataset):
    def __init__(self, parent, batch_size, drop_remainder, padded_shapes=None,
                 padding_values=None):
        self._size = _int_tensor(batch_size, "batch_size")
        self._drop = bool(drop_remainder)
        static_size = _static_int(self._size) if self._drop else None
        self._padded = None
        self._padding = []
        shapes = parent._flat_shapes()
        self._sparse = parent._flat_sparse()
        if padded_shapes is not None and any(self._sparse):
            raise TypeError("Batching of padded sparse tensors is not currently supported")
        if padded_shapes is not None:
            padded = nest.flatten(_shape_structure(padded_shapes, parent.output_types))
            if len(padded) != len(shapes):
                raise ValueError("padded_shapes must have the structure of the elements")
            self._padded = [s.as_tuple() for s in padded]
            shapes = padded
            values = (nest.flatten(padding_values) if padding_values is not None
                      else [None] * len(shapes))
            self._padding = [None if v is None else convert_to_tensor(v, dtype=t)
                             for v, t in zip(values, parent._flat_types())]
        batched = [TensorShape([static_size, *(s.as_list() if s.ndims is not None else [])])
                   if s.ndims is not None else TensorShape(None) for s in shapes]
        super().__init__(parent.output_types,
                         nest.pack_sequence_as(parent.output_types, batched),
                         parents=[parent],
                         tensors=[self._size, *(t for t in self._padding
                                                if t is not None)])

    def _iterate(self, context):
        size = int(context.value(self._size))
        fills = [None if t is None else context.value(t)
                 for t in self._padding]
        if size <= 0:
            raise errors.InvalidArgumentError(None, None,
                                              f"Batch size must be greater than zero, got {size}")
        pending = []
        for element in self._parents[0]._iterate(context):
            pending.append(element)
            if len(pending) == size:
                yield self._stack(pending, fills)
                pending = []
        if pending and not self._drop:
            yield self._stack(pending, fills)

    def _stack(self, elements, fills):
        out = []
        for index, parts in enumerate(zip(*elements)):
            if self._sparse[index]:
                out.append(sparse_data.batch(parts, index))
                continue
            if self._padded is not None:
                out.append(self._pad(index, parts, fills[index]))
                continue
            first = parts[0].shape
            for position, part in enumerate(parts):
                if part.shape != first:
                    raise errors.InvalidArgumentError(
                        None, None, f"Cannot batch tensors with different shapes in component "
                        f"{index}. First element had shape {list(first)} and element "
                        f"{position} had shape {list(part.shape)}.")
            out.append(np.stack(parts))
        return tuple(out)

    def _pad(self, index, parts, fill):
        target = self._padded[index]
        longest = np.max([p.shape for p in parts], axis=0) if parts[0].ndim else ()
        dims = [int(m) if t is None or t == -1 else t
                for t, m in zip(target, longest)] if target is not None else list(longest)
        dtype = parts[0].dtype
        batch = np.empty((len(parts), *dims), dtype=dtype)
        batch[...] = (b"" if dtype == np.dtype(object) else 0) if fill is None else fill
        for row, part in enumerate(parts):
            if any(s > d for s, d in zip(part.shape, dims)):
                raise errors.InvalidArgumentError(
                    None, None, f"Attempted to pad to a smaller size than the input element "
                    f"(component {index}: shape {list(part.shape)}, padded shape {dims}).")
            batch[(row, *(slice(0, s) for s in part.shape))] = part
        return batch


class _UnbatchDataset(Dataset):
    def __init__(self, parent):
        shapes = [TensorShape(s.as_list()[1:]) if s.ndims else TensorShape(None)
                  for s in parent._flat_shapes()]
        super().__init__(parent.output_types, nest.pack_sequence_as(parent.output_types, shapes),
                         parents=[parent])

    def _iterate(self, context):
        for element in self._parents[0]._iterate(context):
            parts = [sparse_data.row_slicer(v) if isinstance(v, SparseTensorValue) else v
                     for v in element]
            for index in range(sparse_data.rows(element[0])):
                yield tuple(v(index) if callable(v) else v[index] for v in parts)


# -- order and count ------------------------------------------------------------------------------


class _ShuffleDataset(Dataset):
    """TensorFlow's buffered shuffle, element for element: keep ``buffer_size`` elements;
    emit the one ``word % count`` places past the oldest, which takes its place; refill.

    The buffer is TensorFlow's ring: elements enter at its end, the oldest leaves the start
    (swapped into the emitted element's slot), so with the same Philox words
    (``Context.shuffle_words``) the order is TensorFlow's.
    """

    def __init__(self, parent, buffer_size, seed, reshuffle_each_iteration):
        self._buffer = _int_tensor(buffer_size, "buffer_size")
        self._seeds = random_ops.get_seed(seed)
        self._reshuffle = True if reshuffle_each_iteration is None else reshuffle_each_iteration
        super().__init__(parent.output_types, parent.output_shapes, parents=[parent],
                         tensors=[self._buffer])

    def _iterate(self, context):
        size = int(context.value(self._buffer))
        if size <= 0:
            raise errors.InvalidArgumentError(
                None, None, f"buffer_size must be greater than zero, got {size}")
        words = context.shuffle_words(self)
        ring = {}  # position % size -> element
        start = end = 0
        source = self._parents[0]._iterate(context)
        while True:
            while source is not None and end - start < size:
                element = next(source, None)
                if element is None:
                    source = None
                    break
                ring[end % size] = element
                end += 1
            if end == start:
                return
            chosen = (start + int(words.take(1)[0]) % (end - start)) % size
            element = ring[chosen]
            ring[chosen] = ring.pop(start % size)
            start += 1
            yield element


class _RepeatDataset(Dataset):
    def __init__(self, parent, count):
        self._count = _int_tensor(-1 if count is None else count, "count")
        super().__init__(parent.output_types, parent.output_shapes, parents=[parent],
                         tensors=[self._count])

    def _iterate(self, context):
        count = int(context.value(self._count))
        done = 0
        while count < 0 or done < count:
            produced = False
            for element in self._parents[0]._iterate(context):
                produced = True
                yield element
            done += 1
            if not produced:
                return


class _TakeSkipDataset(Dataset):
    def __init__(self, parent, count, take):
        self._count = _int_tensor(count, "count")
        self._take = take
        super().__init__(parent.output_types, parent.output_shapes, parents=[parent],
                         tensors=[self._count])

    def _iterate(self, context):
        count = int(context.value(self._count))
        source = self._parents[0]._iterate(context)
        if self._take:
            if count < 0:
                yield from source
                return
            for _, element in zip(range(count), source):
                yield element
            return
        for index, element in enumerate(source):
            if count < 0:
                return
            if index >= count:
                yield element


class _ShardDataset(Dataset):
    def __init__(self, parent, num_shards, index):
        self._num_shards = _int_tensor(num_shards, "num_shards")
        self._index = _int_tensor(index, "index")
        super().__init__(parent.output_types, parent.output_shapes, parents=[parent],
                         tensors=[self._num_shards, self._index])

    def _iterate(self, context):
        shards = int(context.value(self._num_shards))
        index = int(context.value(self._index))
        if shards <= 0:
            raise errors.InvalidArgumentError(
                None, None, f"Number of shards must be greater than zero (currently "
                f"num_shards = {shards}).")
        if not 0 <= index < shards:
            raise errors.InvalidArgumentError(
                None, None, f"Index must be between 0 and {shards - 1} (currently index = "
                f"{index}).")
        for position, element in enumerate(self._parents[0]._iterate(context)):
            if position % shards == index:
                yield element


class _PrefetchDataset(Dataset):
    """Elements produced ahead of ``get_next`` by a thread, at most ``buffer_size`` of them
    (``AUTOTUNE``: a small buffer; 0: none, the elements are made on demand)."""

    _AUTOTUNE_BUFFER = 2

    def __init__(self, parent, buffer_size):
        self._buffer = _int_tensor(buffer_size, "buffer_size")
        super().__init__(parent.output_types, parent.output_shapes, parents=[parent],
                         tensors=[self._buffer])

    def _iterate(self, context):
        size = int(context.value(self._buffer))
        if size == -1:
            size = self._AUTOTUNE_BUFFER
        if size < 0:
            raise errors.InvalidArgumentError(
                None, None, f"buffer_size must be >= 0 or AUTOTUNE (-1), got {size}")
        parent = self._parents[0]
        if size == 0:
            return parent._iterate(context)
        return prefetched(lambda: parent._iterate(context), size)


class _CacheDataset(Dataset):
    """The first full pass is recorded (in memory); later passes replay it."""

    def __init__(self, parent, filename):
        super().__init__(parent.output_types, parent.output_shapes, parents=[parent])

    def _iterate(self, context):
        cached = context.cache_of(self)
        if cached.get("complete"):
            yield from cached["elements"]
            return
        elements = []
        for element in self._parents[0]._iterate(context):
            elements.append(element)
            yield element
        cached["elements"] = elements
        cached["complete"] = True
