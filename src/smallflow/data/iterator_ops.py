"""``tf.data`` iterators: graph ops that start and advance a dataset inside ``Session.run``.

``MakeIterator`` (an iterator's initializer) takes the dataset's input tensors, starts the
dataset's generator and stores it in the session under the iterator's name;
``IteratorGetNext`` takes the next element from there and raises ``OutOfRangeError`` at
the end. A one-shot iterator's ``get_next`` starts its dataset on first use. A feedable
iterator (``Iterator.from_string_handle``) looks the iterator up by the handle fed at run
time (``iterator.string_handle()`` gives the handle of any iterator).
"""

import numpy as np

from .. import dtypes, errors
from ..graph import get_default_graph, name_scope
from ..op_signature import ALL, signature, type_list
from ..ops.sparse_tensor import SparseTensor, SparseTensorValue
from ..registry import OP_DEFS, NotDifferentiable, register_op
from ..tensor_shape import TensorShape, as_shape
from . import nest
from .function import Context, _as_bytes

__all__ = ["Iterator", "make_initializable_iterator", "make_one_shot_iterator"]

_NOT_INITIALIZED = ("GetNext() failed because the iterator has not been initialized. Ensure "
                    "that you have run the initializer operation for this iterator before "
                    "getting the next element.")


class _RunningIterator:
    """A started dataset in one session: its generator."""

    def __init__(self, dataset, session, inputs, values):
        context = Context(session, dict(zip(inputs, values)))
        self._generator = dataset._iterate(context)

    def next(self):
        element = next(self._generator, None)
        if element is None:
            raise errors.OutOfRangeError(None, None, "End of sequence")
        return element

    def close(self):
        self._generator.close()


def _make_iterator_kernel(attrs, state):
    key = attrs["iterator"]
    dataset = attrs["_py_dataset"]
    inputs = dataset._inputs()

    def initialize(*values):
        old = state.resources.pop(key, None)
        if old is not None:
            old.close()
        state.resources[key] = _RunningIterator(dataset, state.session, inputs, values)
        return ()

    return initialize


register_op("MakeIterator", _make_iterator_kernel, lambda op: [], stateful=True,
            signature=signature("captures: Tcaptures ->", Tcaptures=type_list(ALL)))
NotDifferentiable("MakeIterator")


def _checked_sparse(value, dtype, shape):
    """A sparse component as get_next's three outputs: indices, values, dense shape."""
    if not isinstance(value, SparseTensorValue):
        raise errors.InvalidArgumentError(None, None, "The iterator produced a dense element "
                                                      "where its structure has a SparseTensor")
    values = np.asarray(value.values)
    if dtype == dtypes.string:
        values = values.astype(object)
    elif values.dtype != dtype.as_numpy_dtype:
        values = values.astype(dtype.as_numpy_dtype)
    dense_shape = np.asarray(value.dense_shape, dtype=np.int64)
    if not shape.is_compatible_with(TensorShape([int(d) for d in dense_shape])):
        raise errors.InvalidArgumentError(
            None, None, f"The iterator produced a SparseTensor of dense shape "
            f"{dense_shape.tolist()}, incompatible with its declared shape {shape}")
    indices = np.asarray(value.indices, dtype=np.int64).reshape(-1, dense_shape.size)
    return [indices, values, dense_shape]


def _checked_element(attrs, element):
    out = []
    sparse = attrs.get("_sparse") or [False] * len(attrs["types"])
    for value, dtype, shape, is_sparse in zip(element, attrs["types"], attrs["shapes"],
                                              sparse):
        if is_sparse:
            out.extend(_checked_sparse(value, dtype, shape))
            continue
        array = np.asarray(value)
        if dtype == getattr(dtypes, "string", None):
            if array.dtype != object:
                # Strings come out as TensorFlow gives them: bytes objects (NumPy's fixed-width
                # ``S`` arrays, as a map function's bytes become, print differently).
                array = array.astype(object) if array.dtype.kind == "S" else (
                    np.vectorize(_as_bytes, otypes=[object])(array) if array.size else
                    array.astype(object))
        elif array.dtype != dtype.as_numpy_dtype:
            array = array.astype(dtype.as_numpy_dtype)
        if not shape.is_compatible_with(array.shape):
            raise errors.InvalidArgumentError(
                None, None, f"The iterator produced an element of shape {list(array.shape)}, "
                f"incompatible with its declared shape {shape}")
        out.append(array)
    return tuple(out) if len(out) != 1 else out[0]


def _get_next_kernel(attrs, state):
    key = attrs["iterator"]
    dataset = attrs.get("_py_one_shot")
    inputs = dataset._inputs() if dataset is not None else ()

    def get_next(*values):
        if attrs["from_handle"]:
            name = _handle_name(values[0])
            running = state.resources.get(name)
        else:
            running = state.resources.get(key)
            if running is None and dataset is not None:
                running = state.resources[key] = _RunningIterator(dataset, state.session,
                                                                  inputs, values)
        if running is None:
            raise errors.FailedPreconditionError(None, None, _NOT_INITIALIZED)
        return _checked_element(attrs, running.next())

    return get_next


def _handle_name(value):
    handle = value.item() if isinstance(value, np.ndarray) else value
    return handle.decode() if isinstance(handle, bytes) else str(handle)


def _get_next_shapes(op):
    shapes = []
    for shape, is_sparse in zip(op.attrs["shapes"], op.attrs.get("_sparse") or
                                [False] * len(op.attrs["shapes"])):
        if is_sparse:
            shapes += [TensorShape([None, shape.ndims]), TensorShape([None]),
                       TensorShape([shape.ndims])]
        else:
            shapes.append(shape)
    return shapes


register_op("IteratorGetNext", _get_next_kernel, _get_next_shapes,
            stateful=True,
            signature=signature("captures: Tcaptures -> components: output_types",
                                Tcaptures=type_list(ALL), output_types=type_list(ALL)))
NotDifferentiable("IteratorGetNext")


def _handle_kernel(attrs, state):
    key = attrs["iterator"]
    handle = np.array(key.encode(), dtype=object)
    dataset = attrs["_py_one_shot"]
    inputs = dataset._inputs() if dataset is not None else ()

    def to_handle(*values):
        # A one-shot iterator starts when first used, through its handle too.
        if dataset is not None and key not in state.resources:
            state.resources[key] = _RunningIterator(dataset, state.session, inputs, values)
        return handle

    return to_handle


register_op("IteratorToStringHandle", _handle_kernel, lambda op: [TensorShape([])],
            stateful=True,
            signature=signature("captures: Tcaptures -> string_handle: string",
                                Tcaptures=type_list(ALL)))
NotDifferentiable("IteratorToStringHandle")


class Iterator(nest.Structured):
    """Elements of a dataset, one per run of ``get_next()``."""

    def __init__(self, key, types, shapes, initializer=None, one_shot=None, handle=None,
                 one_shot_inputs=None, classes=None):
        self._key = key
        self._types = types
        self._shapes = shapes
        self._classes = nest.dense_classes(types) if classes is None else classes
        self._initializer = initializer
        self._one_shot = one_shot
        self._handle = handle
        # A one-shot iterator's op inputs: the dataset's tensors, or this graph's copies of
        # them when the dataset was built in another graph (captured by value).
        self._one_shot_inputs = one_shot_inputs

    # -- construction --------------------------------------------------------------------------
    @staticmethod
    def from_structure(output_types, output_shapes=None, shared_name=None,
                       output_classes=None):
        """An iterator not bound to a dataset: ``make_initializer(dataset)`` binds it."""
        types = nest.map_structure(dtypes.as_dtype, output_types)
        shapes = _shapes_for(types, output_shapes)
        key = shared_name or get_default_graph().unique_name("Iterator")
        return Iterator(key, types, shapes, classes=_classes_for(types, output_classes))

    @staticmethod
    def from_string_handle(string_handle, output_types, output_shapes=None,
                           output_classes=None):
        """An iterator that reads whichever iterator the fed ``string_handle`` names."""
        types = nest.map_structure(dtypes.as_dtype, output_types)
        shapes = _shapes_for(types, output_shapes)
        key = get_default_graph().unique_name("Iterator")
        return Iterator(key, types, shapes, handle=string_handle,
                        classes=_classes_for(types, output_classes))

    # -- structure -----------------------------------------------------------------------------
    @property
    def initializer(self):
        if self._initializer is None:
            raise ValueError("Iterator does not have an initializer.")
        return self._initializer

    # -- ops -----------------------------------------------------------------------------------
    def make_initializer(self, dataset, name=None):
        """The op that (re)starts this iterator on ``dataset``."""
        if nest.flatten(dataset.output_types) != nest.flatten(self._types) or not (
                nest.same_structure(dataset.output_types, self._types)):
            raise TypeError(f"Expected output types {self._types} but got dataset with output "
                            f"types {dataset.output_types}.")
        if self._flat_sparse() != dataset._flat_sparse():
            raise TypeError(f"Expected output classes {self._classes} but got dataset with "
                            f"output classes {dataset.output_classes}.")
        for mine, theirs in zip(nest.flatten(self._shapes), nest.flatten(dataset.output_shapes)):
            if not mine.is_compatible_with(theirs):
                raise TypeError(f"Expected output shapes compatible with {self._shapes} but "
                                f"got dataset with output shapes {dataset.output_shapes}.")
        graph = get_default_graph()
        with name_scope(name or "make_initializer"):
            op = graph.create_op("MakeIterator", dataset._inputs(), [],
                                 {"iterator": self._key, "_py_dataset": dataset}, "MakeIterator")
        return op

    def get_next(self, name=None):
        """The next element (a nest of tensors); ``OutOfRangeError`` after the last one."""
        flat_types = nest.flatten(self._types)
        flat_shapes = nest.flatten(self._shapes)
        sparse = self._flat_sparse()
        # A sparse component comes out as its three tensors (indices, values, dense shape).
        out_types = [t for dtype, is_sparse in zip(flat_types, sparse)
                     for t in ((dtypes.int64, dtype, dtypes.int64) if is_sparse else (dtype,))]
        attrs = {"iterator": self._key, "types": flat_types, "output_types": out_types,
                 "shapes": flat_shapes, "_sparse": sparse,
                 "from_handle": self._handle is not None, "_py_one_shot": self._one_shot}
        if self._handle is not None:
            inputs = [self._handle]
        elif self._one_shot is not None:
            inputs = self._one_shot_inputs
        else:
            inputs = []
        op = get_default_graph().create_op("IteratorGetNext", inputs, out_types, attrs,
                                           name or "IteratorGetNext")
        outputs = iter(op.outputs)
        components = [_sparse_output(next(outputs), next(outputs), next(outputs), shape)
                      if is_sparse else next(outputs)
                      for shape, is_sparse in zip(flat_shapes, sparse)]
        return nest.pack_sequence_as(self._types, components)

    def string_handle(self, name=None):
        """A string scalar naming this iterator, to feed a ``from_string_handle`` iterator."""
        string = getattr(dtypes, "string", None)
        if string is None:
            raise NotImplementedError("string_handle() needs tf.string tensors")
        inputs = self._one_shot_inputs if self._one_shot is not None else []
        op = get_default_graph().create_op("IteratorToStringHandle", inputs, [string],
                                           {"iterator": self._key, "_py_one_shot": self._one_shot},
                                           name or "IteratorToStringHandle")
        return op.outputs[0]


def _sparse_output(indices, values, dense_shape, shape):
    """get_next's SparseTensor: its dense shape stacked from the dimensions the dataset
    knows and the run-time ones, so its static shape is the dataset's, as in TensorFlow."""
    if shape.ndims and any(d is not None for d in shape.as_list()):
        from ..ops.array_ops import constant, stack

        dims = [dense_shape[i] if d is None else constant(d, dtype=dtypes.int64)
                for i, d in enumerate(shape.as_list())]
        dense_shape = stack(dims)
    return SparseTensor(indices, values, dense_shape)


def _classes_for(types, output_classes):
    if output_classes is None:
        return nest.dense_classes(types)
    # (a structure of classes, nested as the types; a single class for a single component)
    if not nest.is_structure(types):
        return output_classes
    return nest.pack_sequence_as(types, nest.flatten(output_classes))


def _shapes_for(types, output_shapes):
    if output_shapes is None:
        return nest.map_structure(lambda _: TensorShape(None), types)
    from .dataset_ops import _shape_structure

    return nest.map_structure(as_shape, _shape_structure(output_shapes, types))


def make_one_shot_iterator(dataset):
    """An iterator that starts by itself on first use and cannot be re-initialised.

    As in TensorFlow 1.x, the dataset is captured by value: it may have been built in another
    graph (a program makes its datasets once and hands an Estimator an ``input_fn`` that
    only makes the iterator, in the Estimator's own graph), provided everything it computes
    from there is free of placeholders and state.
    """
    if get_default_graph()._eager:
        # TF 1.x hands out its EagerIterator: elements come as values, get_next() each one.
        from ..eager.iterator import Iterator as EagerIterator

        return EagerIterator(dataset)
    inputs = dataset._inputs()
    for tensor in inputs:
        if tensor.op.type == "Placeholder":
            raise ValueError(
                f"Cannot capture a placeholder (name:{tensor.op.name}, type:Placeholder) by "
                "value; use make_initializable_iterator and feed it to the initializer.")
    graph = get_default_graph()
    local = _captured_by_value(inputs, graph)
    key = graph.unique_name("OneShotIterator")
    return Iterator(key, dataset.output_types, dataset.output_shapes, one_shot=dataset,
                    one_shot_inputs=local, classes=dataset.output_classes)


def _captured_by_value(inputs, graph):
    """``inputs`` with each tensor of another graph replaced by a constant of ``graph`` holding
    its value (computed once, now); refuses what TensorFlow cannot capture by value."""
    foreign = [t for t in inputs if t.graph is not graph]
    if not foreign:
        return list(inputs)
    from ..ops.constant_op import constant
    from ..session import Session

    values = {}
    for source in {id(t.graph): t.graph for t in foreign}.values():
        wanted = [t for t in foreign if t.graph is source]
        _check_capturable(wanted)
        with Session(graph=source) as session:
            values.update(zip(wanted, session.run(wanted)))
    return [constant(values[t], dtype=t.dtype, name=t.op.name.split("/")[-1])
            if t.graph is not graph else t for t in inputs]


def _check_capturable(tensors):
    seen, stack = set(), [t.op for t in tensors]
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        if op.type == "Placeholder":
            raise ValueError(f"Cannot capture a placeholder (name:{op.name}, type:Placeholder) "
                             "by value.")
        if op.type in OP_DEFS and OP_DEFS.lookup(op.type).stateful:
            raise ValueError(f"Cannot capture a stateful node (name:{op.name}, "
                             f"type:{op.type}) by value.")
        stack.extend(t.op for t in op.inputs)
        stack.extend(op.control_inputs)


def make_initializable_iterator(dataset, shared_name=None):
    """An iterator with an ``initializer`` op (re-run it to start again, or with new feeds)."""
    graph = get_default_graph()
    key = shared_name or graph.unique_name("Iterator")
    iterator = Iterator(key, dataset.output_types, dataset.output_shapes,
                        classes=dataset.output_classes)
    iterator._initializer = iterator.make_initializer(dataset)
    return iterator


def get_output_types(dataset_or_iterator):
    return dataset_or_iterator.output_types


def get_output_shapes(dataset_or_iterator):
    return dataset_or_iterator.output_shapes


def get_output_classes(dataset_or_iterator):
    return dataset_or_iterator.output_classes
