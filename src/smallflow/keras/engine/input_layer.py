"""``tf.keras.Input`` / ``InputLayer``: a placeholder that starts a functional model.

``Input(shape=(784,))`` makes the layer ``input_1`` and the placeholder ``input_1:0`` of
shape ``[?, 784]`` (float32 unless ``dtype`` says otherwise), as TensorFlow 1.x does. A
tensor passed as ``tensor=`` is used instead of a new placeholder.
"""

import contextlib

from ... import dtypes
from ...graph import name_scope
from ...ops import constant_op
from .. import backend
from .base_layer import Layer

__all__ = ["Input", "InputLayer"]


class InputLayer(Layer):
    """The layer behind ``Input``: no weights, one node whose output is the placeholder."""

    def __init__(self, input_shape=None, batch_size=None, dtype=None, input_tensor=None,
                 sparse=False, name=None, **kwargs):
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        if sparse:
            raise NotImplementedError("smallflow's Keras has no sparse inputs")
        if name is None:
            name = "input_" + str(backend.get_uid("input"))
        super().__init__(name=name, dtype=dtype or backend.floatx(), **kwargs)
        if input_tensor is None:
            if batch_input_shape is None:
                if input_shape is None:
                    raise ValueError("An Input needs a shape: give `shape` or `batch_shape`")
                batch_input_shape = (batch_size, *tuple(input_shape))
            symbolic = backend.symbolic_graph()  # eager mode: Keras's own graph
            with symbolic.as_default() if symbolic is not None else contextlib.nullcontext(), \
                    name_scope(None):
                input_tensor = constant_op.placeholder(dtypes.as_dtype(self._dtype),
                                                       shape=batch_input_shape, name=name)
        else:
            dims = input_tensor.shape.as_tuple()
            batch_input_shape = None if dims is None else tuple(dims)
        self._batch_input_shape = batch_input_shape
        self.is_placeholder = True
        self.built = True
        self._record_node([], [input_tensor], {})

    def get_config(self):
        return {"batch_input_shape": self._batch_input_shape, "dtype": self.dtype,
                "sparse": False, "name": self.name}


def Input(shape=None, batch_size=None, name=None, dtype=None, sparse=False,  # noqa: N802
          tensor=None, **kwargs):
    """A symbolic input of a model: ``Input(shape=(28, 28))`` is a ``[?, 28, 28]`` tensor."""
    batch_shape = kwargs.pop("batch_shape", None)
    if kwargs:
        raise TypeError(f"Unrecognized keyword arguments: {sorted(kwargs)}")
    if shape is None and batch_shape is None and tensor is None:
        raise ValueError("Please provide to Input either a `shape` or a `batch_shape` "
                         "argument. Note that `shape` does not include the batch dimension.")
    if isinstance(shape, int):
        shape = (shape,)
    layer = InputLayer(input_shape=shape, batch_size=batch_size, dtype=dtype,
                       input_tensor=tensor, sparse=sparse, name=name,
                       batch_input_shape=batch_shape)
    return layer._inbound_nodes[0].output_tensors[0]
