"""``tf.data`` while executing eagerly: a Python iterator over a dataset's elements.

``for x in dataset``, ``dataset.make_one_shot_iterator()`` and ``tfe.Iterator(dataset)``
all give an ``Iterator`` here: it starts the dataset's generator (the same ``_iterate`` a
session's iterator kernel starts) with a context whose values are the eager tensors the
dataset was built from, and hands out each element as EagerTensors. Functions of ``map``
and ``filter`` were traced into a graph of their own when the dataset was built (as
TensorFlow traces them even in eager mode); the context runs that graph in a session.
"""

from .. import errors
from ..data import nest
from ..data.function import Context
from ..data.iterator_ops import _checked_element
from ..graph import executing_eagerly
from .tensor import EagerTensor


class _EagerContext(Context):
    """A dataset's running context with no session of the program's: eager tensors are
    their own values."""

    def __init__(self):
        super().__init__(None, {})

    def value(self, tensor):
        if getattr(tensor, "_is_eager", False):
            return tensor._value
        return super().value(tensor)


class Iterator:
    """An iterator over a ``tf.data.Dataset`` while executing eagerly (``tfe.Iterator``)."""

    def __init__(self, dataset):
        if not executing_eagerly():
            raise RuntimeError(
                f"{type(self).__name__} objects can only be used when eager execution is "
                "enabled, use tf.data.Dataset.make_initializable_iterator or "
                "tf.data.Dataset.make_one_shot_iterator for graph construction")
        self._dataset = dataset
        self._types = dataset.output_types
        self._shapes = dataset.output_shapes
        self._classes = dataset.output_classes
        flat_types = nest.flatten(self._types)
        self._flat_types = flat_types
        self._attrs = {"types": flat_types, "shapes": nest.flatten(self._shapes)}
        self._generator = dataset._iterate(_EagerContext())

    @property
    def output_types(self):
        return self._types

    @property
    def output_shapes(self):
        return self._shapes

    @property
    def output_classes(self):
        return self._classes

    @property
    def element_spec(self):
        return self._dataset.element_spec

    def __iter__(self):
        return self

    def _next_element(self):
        element = next(self._generator, None)
        if element is None:
            return None
        values = _checked_element(self._attrs, element)
        if len(self._flat_types) == 1:
            values = (values,)
        tensors = [EagerTensor(value, dtype) for value, dtype in zip(values, self._flat_types)]
        return nest.pack_sequence_as(self._types, tensors)

    def __next__(self):
        element = self._next_element()
        if element is None:
            raise StopIteration
        return element

    def next(self):
        """The next element; ``StopIteration`` at the end (a Python iterator's protocol)."""
        return self.__next__()

    def get_next(self, name=None):
        """The next element; ``tf.errors.OutOfRangeError`` at the end, as in graph mode."""
        element = self._next_element()
        if element is None:
            raise errors.OutOfRangeError(None, None, "End of sequence")
        return element

    def close(self):
        self._generator.close()


EagerIterator = Iterator
