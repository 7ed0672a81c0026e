"""``Sequential``: a stack of layers, each called on the previous one's output.

When the first layer knows its input shape (``input_shape=`` / ``input_dim=`` or an
``InputLayer``), the model makes the input ``<first layer>_input`` at once and calls each
layer as it is added, so weights exist right after construction (``summary()`` works);
otherwise the layers are called on the first data ``fit``/``predict`` sees.
"""

from ...graph import executing_eagerly
from ...ops import array_ops
from .base_layer import Layer
from .input_layer import Input, InputLayer
from .training import Model

__all__ = ["Sequential"]


class Sequential(Model):
    """``Sequential([Dense(64, input_shape=(784,)), Dense(10)])`` or ``.add`` one by one."""

    def __init__(self, layers=None, name=None):
        super().__init__(name=name)
        self._stack = []
        self.input_names = []
        self.output_names = []
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self):
        return [layer for layer in self._stack if not isinstance(layer, InputLayer)]

    def add(self, layer):
        if not isinstance(layer, Layer):
            raise TypeError("The added layer must be an instance of class Layer. Found: "
                            f"{layer}")
        if executing_eagerly():
            self._add_eagerly(layer)
            return
        if isinstance(layer, InputLayer):
            if self._stack:
                raise ValueError("An InputLayer can only be the first layer of a Sequential")
            self._stack.append(layer)
            self._start(layer._inbound_nodes[0].output_tensors[0])
            return
        self._stack.append(layer)
        if self.outputs:
            self._connect(layer)
        elif len(self.layers) == 1 and getattr(layer, "_batch_input_shape", None):
            shape = layer._batch_input_shape
            tensor = Input(batch_shape=shape, dtype=layer.dtype or None,
                           name=layer.name + "_input")
            self._start(tensor)
            self._connect(layer)
        self._functions = {}

    def _add_eagerly(self, layer):
        """``add`` while executing eagerly: no symbolic input; when the input shape is known
        the new layer is built at once (on a batch of one zero example), so its weights
        exist right after ``add`` as in TensorFlow."""
        self._stack.append(layer)
        self._functions = {}
        if isinstance(layer, InputLayer):
            self._eager_shape = layer._batch_input_shape
            return
        shape = self.__dict__.get("_eager_shape")
        if shape is None and len(self._stack) == 1:
            shape = getattr(layer, "_batch_input_shape", None)
        if shape is None:
            return
        probe = array_ops.zeros([1 if d is None else d for d in shape],
                                dtype=layer.dtype or "float32")
        output = layer(probe)
        self._eager_shape = (None, *output.shape.as_list()[1:])
        self.built = True

    def _start(self, tensor):
        self.inputs = [tensor]
        self.outputs = [tensor]
        self.input_names = [tensor._keras_history[0].name]

    def _connect(self, layer):
        output = layer(self.outputs[0])
        if isinstance(output, list | tuple):
            raise TypeError("All layers in a Sequential model should have a single output "
                            "tensor. For multi-output layers, use the functional API.")
        self.outputs = [output]
        self.output_names = [layer.name]
        self.built = True
        if self._compiled:
            self._build_training_graph()

    def pop(self):
        if not self.layers:
            raise TypeError("There are no layers in the model.")
        self._stack.pop()
        raise NotImplementedError("smallflow's Sequential cannot pop a layer once built; "
                                  "make a new Sequential of model.layers[:-1]")

    def _build_graph_from(self, inputs):
        if len(inputs) != 1:
            raise ValueError("A Sequential model has one input")
        self._start(inputs[0])
        for layer in self.layers:
            self._connect_quietly(layer)
        self.built = True

    def _connect_quietly(self, layer):
        self.outputs = [layer(self.outputs[0])]
        self.output_names = [layer.name]

    def build(self, input_shape=None):
        if self.outputs and self.built:
            return
        if executing_eagerly():
            # No symbolic input in eager mode: each layer builds itself on the first batch
            # it is called on.
            self.built = True
            return
        if input_shape is None:
            raise ValueError("You must provide an `input_shape` argument.")
        self._build_graph_from([Input(batch_shape=tuple(input_shape))])

    def call(self, inputs, training=None, mask=None):
        outputs = inputs
        for layer in self.layers:
            kwargs = {}
            if training is not None and layer._expects_training_arg:
                kwargs["training"] = training
            outputs = layer(outputs, **kwargs)
        return outputs

    def predict_classes(self, x, batch_size=32, verbose=0):
        probabilities = self.predict(x, batch_size=batch_size, verbose=verbose)
        if probabilities.shape[-1] > 1:
            return probabilities.argmax(axis=-1)
        return (probabilities > 0.5).astype("int32")

    def predict_proba(self, x, batch_size=32, verbose=0):
        return self.predict(x, batch_size=batch_size, verbose=verbose)
