"""Functions of ``tf.data`` transformations (``map``, ``filter``, ``flat_map``), traced into the
graph.

A function is called once, when the dataset is built, on placeholders standing for one
element; what it returns (tensors, or a dataset for ``flat_map``) is ordinary graph. An
iterator later evaluates that graph for each element by running it in its session with the
element fed for the placeholders. Placeholders of the program that the function reads are
*captured*: their values are taken when the iterator is initialised, as TensorFlow does.
"""

import numpy as np

from .. import dtypes, errors
from ..graph import Graph, convert_to_tensor, executing_eagerly, get_default_graph, name_scope
from ..ops import array_ops, philox, philox_samplers
from ..ops.sparse_tensor import SparseTensor, SparseTensorValue
from ..tensor_shape import TensorShape
from . import nest

_CAPTURED_TYPES = ("Placeholder", "PlaceholderWithDefault")


class Context:
    """What a running iterator needs: its session and the values fixed at initialisation."""

    def __init__(self, session, feeds, state=None):
        self.session = session
        self.feeds = feeds
        # Under ignore_errors: map and filter drop the elements their functions fail on.
        self.skip_errors = False
        # Per-iterator memory shared by nested contexts: shuffle generators, caches.
        self.state = {} if state is None else state

    def value(self, tensor):
        if tensor in self.feeds:
            return self.feeds[tensor]
        return self.run(tensor, self.feeds)

    def run(self, fetches, feeds):
        """Run ``fetches`` (of one graph) with ``feeds``: in the iterator's session, or, for a
        dataset built in another graph and captured by value by a one-shot iterator, in a
        session of that graph kept for the life of the iterator."""
        first = fetches[0] if isinstance(fetches, list | tuple) else fetches
        graph = first.graph
        if self.session is not None and graph is self.session.graph:
            return self.session.run(fetches, feeds)
        key = ("graph session", id(graph))
        session = self.state.get(key)
        if session is None:
            from ..session import Session

            session = self.state[key] = Session(graph=graph)
        return session.run(fetches, {t: v for t, v in feeds.items() if t.graph is graph})

    def with_feeds(self, extra):
        feeds = dict(self.feeds)
        feeds.update(extra)
        context = Context(self.session, feeds, self.state)
        context.skip_errors = self.skip_errors
        return context

    def shuffle_generator(self, dataset):
        """The random generator of one shuffle: kept across passes when it reshuffles."""
        key = ("shuffle", id(dataset))
        entropy = self.state.get(key + ("seed",))
        if entropy is None:
            seeds = dataset._seeds
            entropy = list(seeds) if seeds[0] is not None else [
                int(np.random.SeedSequence().entropy % (2**63))]
            self.state[key + ("seed",)] = entropy
        if not dataset._reshuffle:
            return np.random.default_rng(entropy)
        generator = self.state.get(key)
        if generator is None:
            generator = self.state[key] = np.random.default_rng(entropy)
        return generator

    def shuffle_words(self, dataset):
        """The Philox words one pass of a shuffle reads, as TensorFlow's shuffle iterator.

        A shuffle reshuffling each iteration keeps a seed generator (Philox keyed by the
        dataset's seeds) for the life of this iterator (of the dataset, eagerly): pass ``k``
        draws with the seeds made of its words ``2k`` and ``2k + 1``. Otherwise every pass
        uses the dataset's seeds. Unseeded (both seeds zero or unset): random seeds, once
        per iterator.
        """
        key = ("shuffle words", id(dataset))
        # eagerly, TensorFlow 2 keeps the seed generator with the dataset: every loop over it
        # is a new iterator that goes on with the seed sequence
        state = self.state
        if executing_eagerly():
            state = dataset.__dict__.setdefault("_eager_state", {})
        seeds = state.get(key + ("seeds",))
        if seeds is None:
            seed, seed2 = (0 if value is None else int(value) for value in dataset._seeds)
            if seed == 0 and seed2 == 0:
                seed, seed2 = (int(word) for word in
                               np.random.SeedSequence().generate_state(2, np.uint64))
            seeds = state[key + ("seeds",)] = (seed, seed2)
        if dataset._reshuffle:
            generator = state.get(key)
            if generator is None:
                generator = state[key] = _words_from(*seeds)
            seeds = tuple(int(word) for word in generator.take(2))
        return _words_from(*seeds)

    def cache_of(self, dataset):
        return self.state.setdefault(("cache", id(dataset)), {})


def _words_from(seed, seed2):
    stream = philox.PhiloxStream(seed, seed2)
    return philox_samplers.WordReader(stream, stream.counter)


def _sparse_arg(dtype, shape):
    """A SparseTensor of placeholders for a sparse component of dense ``shape``."""
    shape = TensorShape(shape)
    rank = shape.ndims
    indices = array_ops.placeholder(dtypes.int64, [None, rank], name="arg")
    values = array_ops.placeholder(dtype, [None], name="arg")
    if rank is None:
        dense_shape = array_ops.placeholder(dtypes.int64, [None], name="arg")
    else:
        # As sparse_placeholder: a default with -1 for the unknown dimensions, which the
        # SparseTensor's static shape reads back (the element is always fed).
        known = np.array([-1 if d is None else d for d in shape.as_list()], np.int64)
        dense_shape = array_ops.placeholder_with_default(known, [rank], name="arg")
    return SparseTensor(indices, values, dense_shape)


def arg_placeholders(types, shapes, classes_structure, scope, classes=None):
    """Placeholders for one element of a dataset, in its nested structure (a SparseTensor of
    placeholders for each sparse component)."""
    flat_types = nest.flatten(types)
    flat_shapes = nest.flatten(shapes)
    flat_sparse = [cls is SparseTensor for cls in nest.flatten(classes)] if (
        classes is not None) else [False] * len(flat_types)
    with name_scope(scope):
        args = [_sparse_arg(dtype, shape) if sparse
                else array_ops.placeholder(dtype, shape, name="arg")
                for dtype, shape, sparse in zip(flat_types, flat_shapes, flat_sparse)]
    return args, nest.pack_sequence_as(classes_structure, args)


def _parts(components):
    """The tensors of a list of Tensors and SparseTensors."""
    return [part for c in components for part in (c if isinstance(c, SparseTensor) else [c])]


def _as_component(value):
    if isinstance(value, SparseTensor | SparseTensorValue):
        return SparseTensor.from_value(value)
    return convert_to_tensor(value)


class TracedFunction:
    """``fn`` called on placeholders for one element; its outputs or its dataset."""

    def __init__(self, fn, types, shapes, name, allow_dataset=False, classes=None):
        if get_default_graph()._eager:
            # As TensorFlow does even in eager mode, the function is traced into a graph of
            # its own; the eager values it reads are captured as constants of that graph.
            graph = Graph()
            graph._capture_eager = True
            with graph.as_default():
                self._trace(fn, types, shapes, name, allow_dataset, classes)
            return
        self._trace(fn, types, shapes, name, allow_dataset, classes)

    def _trace(self, fn, types, shapes, name, allow_dataset, classes):
        self.args, element = arg_placeholders(types, shapes, types, f"{name}_fn", classes)
        with name_scope(f"{name}_fn"):
            if isinstance(element, tuple) and not hasattr(element, "_fields"):
                result = fn(*element)
            else:
                result = fn(element)
        self.dataset = None
        if allow_dataset:
            if not hasattr(result, "_iterate"):
                raise TypeError(f"`{name}` function must return a `tf.data.Dataset` object, "
                                f"got {type(result).__name__}")
            self.dataset = result
            ends = result._inputs()
        else:
            if hasattr(result, "_iterate"):
                raise TypeError(f"The `{name}` function returned a Dataset; use flat_map")
            if isinstance(result, list):
                result = tuple(result)  # TF treats a returned list as a tuple of components
            self.structure = nest.map_structure(_as_component, result)
            self.outputs = nest.flatten(self.structure)
            ends = _parts(self.outputs)
        self.captures = _captured_placeholders(ends, set(_parts(self.args)))

    def call(self, context, flat_element):
        """The flat output arrays (SparseTensorValues for sparse outputs) of the function on
        one element."""
        feeds = dict(context.feeds)
        feeds.update(_arg_feeds(self.args, flat_element))
        return context.run(self.outputs, feeds)

    def dataset_for(self, context, flat_element):
        return context.with_feeds(_arg_feeds(self.args, flat_element))


def _arg_feeds(args, flat_element):
    """Feeds of one element: a sparse component feeds its three placeholders."""
    feeds = {}
    for arg, value in zip(args, flat_element):
        if isinstance(arg, SparseTensor):
            feeds.update(zip(arg, value))
        else:
            feeds[arg] = value
    return feeds


def _captured_placeholders(tensors, args):
    """Placeholders (not the function's own arguments) that ``tensors`` depend on."""
    found = []
    seen = set()
    stack = [t.op for t in tensors]
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        if op.type in _CAPTURED_TYPES and op.outputs[0] not in args:
            found.append(op.outputs[0])
            continue
        stack.extend(t.op for t in op.inputs if t not in args)
        stack.extend(op.control_inputs)
    return found


def spec_of(tensor):
    return tensor.dtype, tensor.shape


def check_cast(value, dtype, shape, what):
    """``value`` as an array of ``dtype`` fitting ``shape`` (values from Python generators)."""
    if dtype == getattr(dtypes, "string", None):
        array = np.asarray(value, dtype=object)
        array = np.vectorize(_as_bytes, otypes=[object])(array) if array.size else array
    else:
        try:
            array = np.asarray(value, dtype=dtype.as_numpy_dtype)
        except (TypeError, ValueError) as err:
            raise errors.InvalidArgumentError(
                None, None, f"{what}: {value!r} is not convertible to {dtype.name}: {err}"
            ) from None
    if not TensorShape(shape).is_compatible_with(array.shape):
        raise errors.InvalidArgumentError(
            None, None, f"{what} has shape {list(array.shape)}, which is incompatible with the "
            f"expected shape {TensorShape(shape)}")
    return array


def _as_bytes(item):
    return item.encode() if isinstance(item, str) else bytes(item)
