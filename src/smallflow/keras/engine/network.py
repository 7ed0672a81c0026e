"""Networks of layers: ``Model(inputs, outputs)`` traced from the layers' call history,
subclassed models (``call`` written by the program), their weights, ``summary()`` and
``save_weights`` / ``load_weights``.

A functional model is the graph its layers already built: its inputs are the ``Input``
placeholders and its outputs the tensors the program passed, so ``fit`` feeds those
placeholders (TensorFlow 1.x's graph-mode Keras works the same way). Calling the model on
new tensors replays its nodes in order, reusing every layer's variables.
"""

import numpy as np

from ...graph import Tensor
from .. import backend
from .base_layer import Layer, _flatten
from .input_layer import InputLayer

__all__ = ["Network"]


def _nodes_between(inputs, outputs):
    """The nodes that compute ``outputs`` from ``inputs``, each after the nodes it reads."""
    ordered = []
    seen = set()
    input_ids = {id(t) for t in inputs}

    def visit(tensor):
        history = getattr(tensor, "_keras_history", None)
        if history is None:
            if id(tensor) in input_ids:
                return
            raise ValueError(f"Graph disconnected: cannot obtain value for tensor {tensor} "
                             "(it was not made by a Keras layer from the model's inputs)")
        layer, node_index, _ = history
        node = layer._inbound_nodes[node_index]
        if id(node) in seen:
            return
        if id(tensor) not in input_ids:
            for source in node.input_tensors:
                visit(source)
        seen.add(id(node))
        ordered.append(node)

    for tensor in outputs:
        visit(tensor)
    return ordered


def _layers_by_depth(nodes, outputs):
    """The model's layers in TensorFlow's order: deepest (farthest from the outputs) first,
    layers at one depth in the order a walk back from the outputs first meets them. Weight
    lists (``get_weights``, HDF5 files) follow this order, so it must be TF's exactly."""
    discovered = {}

    def discover(tensor):
        history = getattr(tensor, "_keras_history", None)
        if history is None:
            return
        layer, node_index, _ = history
        node = layer._inbound_nodes[node_index]
        if id(node) in seen_nodes:
            return
        seen_nodes.add(id(node))
        discovered.setdefault(layer, len(discovered))
        for source in node.input_tensors:
            discover(source)

    seen_nodes = set()
    for tensor in outputs:
        discover(tensor)
    node_depth = {}
    layer_depth = {}
    parents = {id(node): [t._keras_history[0]._inbound_nodes[t._keras_history[1]]
                          for t in node.input_tensors if hasattr(t, "_keras_history")]
               for node in nodes}
    for node in reversed(nodes):  # outputs first
        depth = max(node_depth.setdefault(id(node), 0),
                    layer_depth.get(node.outbound_layer, 0))
        layer_depth[node.outbound_layer] = depth
        node_depth[id(node)] = depth
        for parent in parents[id(node)]:
            node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    by_depth = {}
    for layer, depth in layer_depth.items():
        by_depth.setdefault(depth, []).append(layer)
    ordered = []
    for depth in sorted(by_depth, reverse=True):
        ordered.extend(sorted(by_depth[depth], key=lambda layer: discovered.get(layer, 0)))
    return ordered


class Network(Layer):
    """What functional, sequential and subclassed models share (weights, layers, summary)."""

    def __init__(self, *args, **kwargs):
        inputs = kwargs.pop("inputs", args[0] if args else None)
        outputs = kwargs.pop("outputs", args[1] if len(args) > 1 else None)
        name = kwargs.pop("name", None)
        trainable = kwargs.pop("trainable", True)
        super().__init__(name=name, trainable=trainable, **kwargs)
        self._layers = []
        self._nodes = []
        self.inputs = []
        self.outputs = []
        self._is_graph_network = False
        self.built = False
        if inputs is not None and outputs is not None:
            self._init_graph_network(inputs, outputs)

    def __setattr__(self, name, value):
        # Layers assigned as attributes of a subclassed model are its layers.
        tracking = "_layers" in self.__dict__ and not self.__dict__.get("_is_graph_network")
        if isinstance(value, Layer) and tracking and value not in self._layers:
            self._layers.append(value)
        super().__setattr__(name, value)

    def _init_graph_network(self, inputs, outputs):
        self._nested_inputs = inputs
        self._nested_outputs = outputs
        self.inputs = [_as_keras_input(t) for t in _flatten(inputs)]
        self.outputs = _flatten(outputs)
        for tensor in self.outputs:
            if not isinstance(tensor, Tensor):
                raise TypeError(f"Output tensors to a Model must be the output of a TensorFlow "
                                f"`Layer`. Found: {tensor!r}")
        self._nodes = _nodes_between(self.inputs, self.outputs)
        self._layers = _layers_by_depth(self._nodes, self.outputs)
        self._is_graph_network = True
        self.built = True
        self.input_names = [t._keras_history[0].name for t in self.inputs]
        self.output_names = [t._keras_history[0].name for t in self.outputs]

    # -- its own inputs and outputs ------------------------------------------------------------
    def _ends(self, tensors, what):
        if not tensors:
            raise AttributeError(f"Model {self.name} has no {what} yet (it is built on its "
                                 "first data or call)")
        return tensors[0] if len(tensors) == 1 else list(tensors)

    @property
    def input(self):
        return self._ends(self.inputs, "input")

    @property
    def output(self):
        return self._ends(self.outputs, "output")

    @property
    def input_shape(self):
        shapes = [tuple(t.shape.as_list()) for t in self.inputs]
        return self._ends(shapes, "input")

    @property
    def output_shape(self):
        shapes = [tuple(t.shape.as_list()) for t in self.outputs]
        return self._ends(shapes, "output")

    # -- layers and weights --------------------------------------------------------------------
    @property
    def layers(self):
        return list(self._layers)

    def get_layer(self, name=None, index=None):
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only "
                                 f"has {len(self.layers)} layers.")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}")

    def _gather(self, attribute):
        found = []
        for layer in self.layers:
            for variable in getattr(layer, attribute):
                if variable not in found:
                    found.append(variable)
        # the model's own variables (add_weight on a model), read from the lists themselves:
        # the base class's properties would call back into these (a frozen model recursed)
        trainable, fixed = list(self._trainable_weights), list(self._non_trainable_weights)
        if attribute == "trainable_weights":
            own = trainable if self.trainable else []
        elif attribute == "non_trainable_weights":
            own = fixed if self.trainable else trainable + fixed
        else:
            own = trainable + fixed
        return found + [v for v in own if v not in found]

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return self._gather("trainable_weights")

    @property
    def non_trainable_weights(self):
        if not self.trainable:
            return self._gather("weights")
        return self._gather("non_trainable_weights")

    @property
    def weights(self):
        return self._gather("weights")

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    @property
    def updates(self):
        found = list(self._updates)
        for layer in self.layers:
            if layer.trainable or not isinstance(layer, Network):
                found.extend(layer.updates)
        return found

    @property
    def losses(self):
        found = list(super().losses)
        for layer in self.layers:
            found.extend(layer.losses)
        return found

    @property
    def state_updates(self):
        """The stateful layers' state updates: run by predict and evaluate too, so a stateful
        RNN carries its state from one batch to the next in every mode."""
        found = []
        for layer in self.layers:
            if isinstance(layer, Network):
                found.extend(layer.state_updates)
            elif getattr(layer, "stateful", False):
                found.extend(layer.updates)
        return found

    def reset_states(self):
        for layer in self.layers:
            if hasattr(layer, "reset_states") and getattr(layer, "stateful", False):
                layer.reset_states()

    def count_params(self):
        return int(sum(np.prod(v.shape.as_list()) for v in self.weights))

    # -- calling on new inputs -----------------------------------------------------------------
    def call(self, inputs, training=None, mask=None):
        if not self._is_graph_network:
            raise NotImplementedError("When subclassing the `Model` class, you should "
                                      "implement a `call` method.")
        tensors = _flatten(inputs)
        if len(tensors) != len(self.inputs):
            raise ValueError(f"Model {self.name} expects {len(self.inputs)} input(s), "
                             f"got {len(tensors)}")
        mapping = {id(old): new for old, new in zip(self.inputs, tensors)}
        for node in self._nodes:
            layer = node.outbound_layer
            if isinstance(layer, InputLayer):
                continue
            arguments = [mapping[id(t)] for t in node.input_tensors]
            layer_input = arguments if node.list_input else arguments[0]
            kwargs = dict(node.arguments)
            if training is not None and layer._expects_training_arg:
                kwargs["training"] = training
            results = _flatten(layer(layer_input, **kwargs))
            for old, new in zip(node.output_tensors, results):
                mapping[id(old)] = new
        results = [mapping[id(t)] for t in self.outputs]
        return results[0] if len(results) == 1 else results

    def _build_graph_from(self, inputs):
        """Build the model on ``inputs`` (tensors) the first time (subclassed models)."""
        outputs = self(inputs[0] if len(inputs) == 1 else inputs)
        self.inputs = inputs
        self.outputs = _flatten(outputs)
        self.input_names = [f"input_{i + 1}" for i in range(len(inputs))]
        self.output_names = [f"output_{i + 1}" for i in range(len(self.outputs))]
        self.built = True

    # -- summary and weights on disk -----------------------------------------------------------
    def summary(self, line_length=None, positions=None, print_fn=None):
        from .summary import print_summary

        if not self.built:
            raise ValueError("This model has not yet been built. Build the model first by "
                             "calling `build()` or calling `fit()` with some data, or specify "
                             "an `input_shape` argument in the first layer(s) for automatic "
                             "build.")
        print_summary(self, line_length, positions, print_fn)

    def get_weights(self):
        return backend.batch_get_value(self.weights)

    def set_weights(self, weights):
        variables = self.weights
        if len(variables) != len(weights):
            raise ValueError(f"You called `set_weights(weights)` on model {self.name} with a "
                             f"weight list of length {len(weights)}, but the model was "
                             f"expecting {len(variables)} weights.")
        pairs = []
        for variable, value in zip(variables, weights):
            value = np.asarray(value)
            if tuple(variable.shape.as_list()) != value.shape:
                raise ValueError(f"Layer weight shape {tuple(variable.shape.as_list())} not "
                                 f"compatible with provided weight shape {value.shape}")
            pairs.append((variable, value))
        backend.batch_set_value(pairs)

    def save_weights(self, filepath, overwrite=True, save_format=None):
        from .saving import save_weights

        save_weights(self, filepath, overwrite, save_format)

    def load_weights(self, filepath, by_name=False):
        from .saving import load_weights

        return load_weights(self, filepath, by_name)

    def save(self, filepath, overwrite=True, include_optimizer=True, save_format=None):
        from .saving import save_model

        save_model(self, filepath, overwrite, include_optimizer, save_format)

    def get_config(self):
        from .serialization import model_config

        return model_config(self)["config"]

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A new model (new weights) from ``get_config()``'s dictionary."""
        from .sequential import Sequential
        from .serialization import model_from_config

        kind = "Sequential" if issubclass(cls, Sequential) else "Model"
        return model_from_config({"class_name": kind, "config": config}, custom_objects)

    def to_json(self, **kwargs):
        from .serialization import to_json

        return to_json(self, **kwargs)


def _as_keras_input(tensor):
    """A model input: the output of an ``Input``, or a plain placeholder wrapped as one."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"Inputs to a Model must be tensors made by tf.keras.Input; got "
                        f"{tensor!r}")
    if getattr(tensor, "_keras_history", None) is None:
        InputLayer(input_tensor=tensor, name=tensor.op.name)
    return tensor
