"""The Keras ``Layer`` in a TF1 graph: per-graph names, weights under the layer's name scope,
and the call history (nodes) that functional models are traced from.

As TensorFlow 1.x's Keras: a layer is named when it is made (``dense``, ``dense_1``, ...
counted per graph by ``backend``), not by variable scopes as ``tf.layers`` are; its first
call opens the name scope of its name and builds its variables there (``dense/kernel:0``);
later calls add ops in fresh scopes (``dense_1/MatMul``) and reuse the variables. Every
call records a node (inputs, outputs, arguments) and marks each output with
``_keras_history``, which is how ``Model(inputs, outputs)`` finds its layers.
Update ops (batch normalization's moving averages) stay with the layer (``layer.updates``)
and are not added to ``UPDATE_OPS``, as in TensorFlow's Keras: ``fit`` runs them.
"""

import inspect

import numpy as np

from ... import dtypes
from ...graph import Tensor, convert_to_tensor, executing_eagerly, name_scope
from ...layers import base as _tf_base
from ...ops import array_ops
from ...tensor_shape import TensorShape
from ...variables import Variable
from .. import backend, initializers, regularizers

__all__ = ["InputSpec", "Layer", "Node"]

InputSpec = _tf_base.InputSpec


class Node:
    """One call of a layer: the tensors in, the tensors out, the keyword arguments."""

    def __init__(self, layer, input_tensors, output_tensors, arguments, list_input=False):
        self.list_input = list_input
        self.outbound_layer = layer
        self.input_tensors = input_tensors
        self.output_tensors = output_tensors
        self.arguments = arguments

    @property
    def inbound_layers(self):
        return [t._keras_history[0] for t in self.input_tensors if hasattr(t, "_keras_history")]


def _flatten(structure):
    if isinstance(structure, list | tuple):
        return [item for element in structure for item in _flatten(element)]
    if isinstance(structure, dict):
        return [item for key in sorted(structure) for item in _flatten(structure[key])]
    return [structure]


def _shape_tuple(tensor):
    dims = tensor.shape.as_tuple()
    return None if dims is None else tuple(dims)


def _int_dims(shape):
    """A shape given as ints, Dimensions or a TensorShape, as a list of ints (or None)."""
    if isinstance(shape, TensorShape):
        return shape.as_list()
    return [None if d is None else int(getattr(d, "value", d)) for d in shape]


class Layer(_tf_base.Layer):
    """Base class of Keras layers: override ``build(input_shape)`` and ``call(inputs)``.

    Keyword arguments Keras accepts on every layer: ``input_shape`` (and ``batch_size``),
    ``batch_input_shape``, ``input_dim`` (2-D layers), ``weights`` (initial values),
    ``trainable``, ``name``, ``dtype``.
    """

    def __init__(self, trainable=True, name=None, dtype=None, dynamic=False, **kwargs):
        input_shape = kwargs.pop("input_shape", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        batch_size = kwargs.pop("batch_size", None)
        input_dim = kwargs.pop("input_dim", None)
        self._initial_weights = kwargs.pop("weights", None)
        activity_regularizer = regularizers.get(kwargs.pop("activity_regularizer", None))
        for key in list(kwargs):
            if not key.startswith("_"):
                raise TypeError(f"('Keyword argument not understood:', '{key}')")
        if input_shape is None and input_dim is not None:
            input_shape = (input_dim,)
        super().__init__(trainable=trainable, name=name, dtype=dtype,
                         activity_regularizer=activity_regularizer, **kwargs)
        if batch_input_shape is not None:
            self._batch_input_shape = tuple(batch_input_shape)
        elif input_shape is not None:
            self._batch_input_shape = (batch_size, *tuple(input_shape))
        if name is None:
            name = backend.unique_object_name(_tf_base._snake_case(type(self).__name__))
        self._name = name
        self._base_name = name
        self._inbound_nodes = []
        self._outbound_nodes = []
        self.supports_masking = False
        self.dynamic = dynamic
        self.stateful = False

    # -- weights -------------------------------------------------------------------------------
    def add_weight(self, name=None, shape=None, dtype=None, initializer=None, regularizer=None,
                   trainable=None, constraint=None, partitioner=None, use_resource=None,
                   synchronization=None, aggregation=None, **kwargs):
        """A variable ``<layer>/<name>`` initialized by ``initializer`` (glorot_uniform for
        floats, zeros otherwise), its regularizer's penalty joining ``layer.losses``."""
        for key in kwargs:
            if key not in ("getter", "experimental_autocast"):
                raise TypeError(f"Unknown keyword argument: {key}")
        dtype = dtypes.as_dtype(dtype or self._dtype or backend.floatx()).base_dtype
        shape = [] if shape is None else _int_dims(shape)
        initializer = initializers.get(initializer)
        if initializer is None:
            initializer = (initializers.glorot_uniform() if dtype.is_floating
                           else initializers.zeros())
        trainable = True if trainable is None else bool(trainable)
        variable = Variable(lambda: initializer(shape, dtype=dtype), name=name or "Variable",
                            trainable=trainable, dtype=dtype)
        if constraint is not None:
            variable._keras_constraint = constraint
        regularizer = regularizers.get(regularizer)
        if regularizer is not None and executing_eagerly():
            # Eagerly the penalty must be of the weight's current value: it is computed each
            # time ``losses`` is read (inside a tape, so its gradient flows), as TF's Keras.
            self._losses.append(_tf_base.Penalty(regularizer, variable,
                                                 name + "/Regularizer" if name else None))
        elif regularizer is not None:
            with name_scope(name + "/Regularizer" if name else None):
                self._losses.append(regularizer(variable.value()))
        (self._trainable_weights if trainable else self._non_trainable_weights).append(variable)
        return variable

    add_variable = add_weight

    def get_weights(self):
        return backend.batch_get_value(self.weights)

    def set_weights(self, weights):
        params = self.weights
        if len(params) != len(weights):
            raise ValueError(
                f'You called `set_weights(weights)` on layer "{self.name}" with a weight list '
                f"of length {len(weights)}, but the layer was expecting {len(params)} weights. "
                f"Provided weights: {str(weights)[:50]}...")
        pairs = []
        for variable, value in zip(params, weights):
            value = np.asarray(value)
            expected = tuple(variable.shape.as_list())
            if expected != value.shape:
                raise ValueError(f"Layer weight shape {expected} not compatible with provided "
                                 f"weight shape {value.shape}")
            pairs.append((variable, value))
        backend.batch_set_value(pairs)

    def count_params(self):
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on {self.name}, but the layer "
                             "isn't built. You can build it manually via: "
                             f"`{self.name}.build(batch_input_shape)`.")
        return int(sum(np.prod(v.shape.as_list()) for v in self.weights))

    # -- calling -------------------------------------------------------------------------------
    def __call__(self, inputs, *args, **kwargs):
        if isinstance(inputs, list | tuple):
            inputs = type(inputs)(_as_tensor(x) for x in inputs)
        else:
            inputs = _as_tensor(inputs)
        first = _flatten(inputs)[0] if _flatten(inputs) else None
        if executing_eagerly() and isinstance(first, Tensor) and not first._is_eager:
            # A symbolic call while executing eagerly (the functional API): the weights are
            # made eagerly, under the layer's name, then the call is built in Keras's graph.
            if not self.built:
                with name_scope(self.name):
                    self._build_for(inputs)
            with first.graph.as_default():
                return self.__call__(inputs, *args, **kwargs)
        with name_scope(self.name):
            if not self.built:
                self._build_for(inputs)
            outputs = self.call(inputs, *args, **kwargs)
            if self.activity_regularizer is not None:
                with name_scope("ActivityRegularizer"):
                    penalty = self.activity_regularizer(outputs)
                if executing_eagerly():
                    self._eager_activity_losses = [penalty]  # this call's only
                else:
                    self._losses.append(penalty)
        if not executing_eagerly():
            # Eager calls make no nodes (TensorFlow's eager Keras keeps no call history:
            # a training loop would otherwise hold every batch's tensors).
            outputs = self._record_node(inputs, outputs, kwargs)
        self._pass_mask(inputs, outputs)
        return outputs

    # Layers that keep the time axis unchanged hand an incoming mask (Embedding's
    # mask_zero) on to their output, as Keras's supports_masking layers do.
    _propagates_mask = False

    def compute_mask(self, inputs, mask=None):
        """The mask of the outputs for ``inputs`` with ``mask``: the same mask for layers
        that pass masks on, else none (a mask given to a layer that cannot use one is an
        error, as in Keras)."""
        if self.supports_masking or self._propagates_mask:
            return mask
        if any(m is not None for m in _flatten(mask)):
            raise TypeError(f"Layer {self.name} does not support masking, but was passed an "
                            "input_mask: " + str(mask))
        return None

    def _pass_mask(self, inputs, outputs):
        mask = getattr(inputs, "_keras_mask", None)
        if mask is not None and self._propagates_mask and isinstance(outputs, Tensor) and \
                getattr(outputs, "_keras_mask", None) is None:
            outputs._keras_mask = mask

    def _build_for(self, inputs):
        if self._dtype is None:
            first = _flatten(inputs)[0]
            if isinstance(first, Tensor) and first.dtype.is_floating:
                self._dtype = first.dtype
        several = isinstance(inputs, list | tuple)
        self._build_for_shape([t.shape for t in inputs] if several else inputs.shape)

    def _build_for_shape(self, shapes):
        """Build in the current name scope (wrappers build their inner layer in theirs)."""
        self.build(shapes)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def _record_node(self, inputs, outputs, arguments):
        flat_inputs = _flatten(inputs)
        flat_outputs = _flatten(outputs)
        if any(out is inp for out in flat_outputs for inp in flat_inputs):
            # A layer that returns its input unchanged still needs its own output tensor.
            replaced = {id(t): array_ops.identity(t) for t in flat_inputs}
            outputs = _map_structure(lambda t: replaced.get(id(t), t), outputs)
            flat_outputs = _flatten(outputs)
        node_index = len(self._inbound_nodes)
        self._inbound_nodes.append(Node(self, flat_inputs, flat_outputs, dict(arguments),
                                        isinstance(inputs, list | tuple)))
        for tensor in flat_inputs:
            history = getattr(tensor, "_keras_history", None)
            if history is not None:
                history[0]._outbound_nodes.append(self._inbound_nodes[-1])
        for index, tensor in enumerate(flat_outputs):
            if isinstance(tensor, Tensor):
                tensor._keras_history = (self, node_index, index)
        self._inbound.append((inputs, outputs))
        return outputs

    @property
    def _expects_training_arg(self):
        return "training" in inspect.signature(self.call).parameters

    # -- what programs read --------------------------------------------------------------------
    def _node_tensors(self, attribute):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} is not connected, no input to return.")
        tensors = getattr(self._inbound_nodes[0], attribute)
        return tensors[0] if len(tensors) == 1 else tensors

    @property
    def input(self):
        return self._node_tensors("input_tensors")

    @property
    def output(self):
        return self._node_tensors("output_tensors")

    @property
    def input_shape(self):
        tensors = _flatten(self.input)
        shapes = [_shape_tuple(t) for t in tensors]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        if not self._inbound_nodes:
            raise AttributeError(f"The layer {self.name} has never been called and thus has no "
                                 "defined output shape.")
        shapes = [_shape_tuple(t) for t in _flatten(self.output)]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def inbound_nodes(self):
        return self._inbound_nodes

    @property
    def outbound_nodes(self):
        return self._outbound_nodes

    @property
    def losses(self):
        found = [loss() if isinstance(loss, _tf_base.Penalty) else loss for loss in self._losses]
        return found + self.__dict__.get("_eager_activity_losses", [])

    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": self.dtype}
        if hasattr(self, "_batch_input_shape"):
            config["batch_input_shape"] = self._batch_input_shape
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def compute_output_shape(self, input_shape):
        raise NotImplementedError(f"{type(self).__name__}.compute_output_shape: call the layer "
                                  "on a tensor and read its shape instead")


def _as_tensor(value):
    if isinstance(value, Tensor):
        return value
    if isinstance(value, Variable):
        return value.value()
    return convert_to_tensor(np.asarray(value) if isinstance(value, list) else value)


def _map_structure(function, structure):
    if isinstance(structure, list | tuple):
        return type(structure)(_map_structure(function, item) for item in structure)
    if isinstance(structure, dict):
        return {key: _map_structure(function, item) for key, item in structure.items()}
    return function(structure)
