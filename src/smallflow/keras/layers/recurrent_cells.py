"""Keras's generic recurrent layer ``RNN(cell)`` and its cells: ``SimpleRNNCell``,
``LSTMCell``, ``GRUCell``, ``StackedRNNCells`` and any program-written cell (a layer with
``state_size`` and ``call(inputs, states) -> (output, new_states)``).

The built-in cells compute exactly what the ``SimpleRNN``/``LSTM``/``GRU`` layers compute
(the step functions are shared with ``recurrent.py``), and their weights are named as
TensorFlow's Keras names them: ``rnn/lstm_cell/kernel:0``,
``rnn_1/stacked_rnn_cells/gru_cell/bias:0``. States follow the cell's ``state_size``
structure: a stacked cell's states are a list with one entry per cell (an LSTM's entry is
``[h, c]``), which is what ``return_state`` returns after the output.
"""

import numpy as np

from ... import dtypes
from ...graph import name_scope
from ...ops import array_ops, math_ops
from ...rnn import dynamic_rnn
from .. import backend
from ..engine.base_layer import Layer
from ._args import attach_constraints, resolve
from .recurrent import (
    _RNN,
    GRU,
    LSTM,
    SimpleRNN,
    keep_recurrent_arguments,
    stateful_batch_size,
)

__all__ = ["GRUCell", "LSTMCell", "RNN", "SimpleRNNCell", "StackedRNNCells"]


def _flat_sizes(state_size):
    if isinstance(state_size, list | tuple):
        return [size for part in state_size for size in _flat_sizes(part)]
    return [int(state_size)]


def _flatten(structure):
    if isinstance(structure, list | tuple):
        return [item for part in structure for item in _flatten(part)]
    return [structure]


def _pack(state_size, flat):
    """``flat`` states in the nesting of ``state_size`` (lists, as Keras returns them)."""
    flat = list(flat)

    def take(size):
        if isinstance(size, list | tuple):
            return [take(part) for part in size]
        return flat.pop(0)

    if not isinstance(state_size, list | tuple):
        return [take(state_size)]
    return take(state_size)


class _BuiltinCell(Layer):
    """The weights and step of one of Keras's three cells (shared with the layers)."""

    _gates = 1
    _state_count = 1
    _build_weights = _RNN._build_weights
    _dropout_mask = _RNN._dropout_mask
    _inputs_for_step = _RNN._inputs_for_step
    _bias_shape = _RNN._bias_shape
    _bias_initializer = _RNN._bias_initializer

    def __init__(self, units, activation="tanh", recurrent_activation="hard_sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, implementation=1, **kwargs):
        args = {"kernel_initializer": kernel_initializer,
                "recurrent_initializer": recurrent_initializer,
                "bias_initializer": bias_initializer, "kernel_regularizer": kernel_regularizer,
                "recurrent_regularizer": recurrent_regularizer,
                "bias_regularizer": bias_regularizer, "kernel_constraint": kernel_constraint,
                "recurrent_constraint": recurrent_constraint, "bias_constraint": bias_constraint}
        self._constraints = resolve(args)
        super().__init__(**kwargs)
        keep_recurrent_arguments(self, args, units, activation, recurrent_activation, use_bias,
                                 dropout, recurrent_dropout)
        self.implementation = implementation
        self._masks = (None, None)

    @property
    def state_size(self):
        return [self.units] * self._state_count if self._state_count > 1 else self.units

    @property
    def output_size(self):
        return self.units

    def build(self, input_shape):
        self._build_weights(input_shape)
        attach_constraints(self, self._constraints)
        self.built = True

    def _prepare_masks(self, step_inputs, training):
        """Dropout masks drawn once per batch (before the time loop), as the layers do."""
        state_like = math_ops.matmul(step_inputs, array_ops.zeros(
            array_ops.stack([array_ops.shape(step_inputs)[1], self.units]), step_inputs.dtype))
        self._masks = (self._dropout_mask(step_inputs, self.dropout, training),
                       self._dropout_mask(state_like, self.recurrent_dropout, training))

    def call(self, inputs, states, training=None):
        states = _flatten(states)
        state = tuple(states) if self._state_count > 1 else states[0]
        output, new_state = self._step(inputs, state)
        return output, list(new_state) if isinstance(new_state, tuple) else [new_state]

    def get_config(self):
        from ..engine.serialization import _serialize

        config = super().get_config()
        for key in ("units", "activation", "recurrent_activation", "use_bias",
                    "kernel_initializer", "recurrent_initializer", "bias_initializer",
                    "dropout", "recurrent_dropout", "implementation", *self._extra_keys):
            config[key] = _serialize(key, getattr(self, key))
        return config

    _extra_keys = ()


class SimpleRNNCell(_BuiltinCell):
    _step = SimpleRNN._step

    def __init__(self, units, activation="tanh", **kwargs):
        kwargs.pop("recurrent_activation", None)
        super().__init__(units, activation=activation, **kwargs)


class LSTMCell(_BuiltinCell):
    _gates = 4
    _state_count = 2
    _step = LSTM._step
    _bias_initializer = LSTM._bias_initializer
    _extra_keys = ("unit_forget_bias",)

    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = unit_forget_bias


class GRUCell(_BuiltinCell):
    _gates = 3
    _step = GRU._step
    _bias_shape = GRU._bias_shape
    _extra_keys = ("reset_after",)

    def __init__(self, units, reset_after=False, **kwargs):
        super().__init__(units, **kwargs)
        self.reset_after = reset_after


def _output_size(cell):
    size = getattr(cell, "output_size", None)
    if size is None:
        size = cell.state_size
        while isinstance(size, list | tuple):
            size = size[0]
    return int(size)


def _build_cell(cell, input_shape):
    if isinstance(cell, Layer) and not cell.built:
        with name_scope(cell.name):
            cell.build(input_shape)
        cell.built = True


def _cell_weights(cell, kind):
    return list(getattr(cell, kind, [])) if isinstance(cell, Layer) else []


def _call_cell(cell, inputs, states, training):
    import inspect

    accepts = "training" in inspect.signature(cell.call).parameters
    return cell.call(inputs, states, training=training) if accepts else \
        cell.call(inputs, states)


class StackedRNNCells(Layer):
    """Cells run one after the other within each step (the output of one is the next one's
    input); the stack's states are the list of each cell's states."""

    def __init__(self, cells, **kwargs):
        for cell in cells:
            if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
                raise ValueError(f"All cells must have a `call` method and a `state_size` "
                                 f"attribute. received cells: {cells}")
        super().__init__(**kwargs)
        self.cells = list(cells)

    @property
    def state_size(self):
        return tuple(cell.state_size for cell in self.cells)

    @property
    def output_size(self):
        return _output_size(self.cells[-1])

    def build(self, input_shape):
        dims = list(input_shape)
        for cell in self.cells:
            _build_cell(cell, dims)
            dims = [dims[0], _output_size(cell)]
        self.built = True

    def _prepare_masks(self, step_inputs, training):
        for cell in self.cells:
            if hasattr(cell, "_prepare_masks"):
                cell._prepare_masks(step_inputs, training)
            width = _output_size(cell)
            step_inputs = math_ops.matmul(step_inputs, array_ops.zeros(
                array_ops.stack([array_ops.shape(step_inputs)[1], width]), step_inputs.dtype))

    def call(self, inputs, states, training=None):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            if not isinstance(cell_states, list | tuple):
                cell_states = [cell_states]
            inputs, updated = _call_cell(cell, inputs, list(cell_states), training)
            updated = updated if isinstance(cell.state_size, list | tuple) or \
                not isinstance(updated, list | tuple) else updated[0]
            new_states.append(updated)
        return inputs, new_states

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return [w for cell in self.cells for w in _cell_weights(cell, "trainable_weights")]

    @property
    def non_trainable_weights(self):
        return [w for cell in self.cells for w in _cell_weights(cell, "non_trainable_weights")]

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    @property
    def losses(self):
        return [loss for cell in self.cells for loss in getattr(cell, "losses", [])]

    def get_config(self):
        from ..engine.serialization import layer_config

        config = super().get_config()
        config["cells"] = [layer_config(cell) for cell in self.cells]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..engine.serialization import layer_from_config

        config = dict(config)
        cells = [layer_from_config(entry, custom_objects) for entry in config.pop("cells")]
        return cls(cells, **config)


class _LoopCell:
    """The cell as ``dynamic_rnn`` sees it: flat tuple states; with a mask, the previous
    output rides along as a first state so masked steps repeat it (Keras's masked rnn)."""

    def __init__(self, layer, masked):
        self.layer = layer
        self.masked = masked
        sizes = _flat_sizes(layer.cell.state_size)
        self.state_size = tuple(([layer._output_size] if masked else []) + sizes)
        self.output_size = layer._output_size

    def zero_state(self, batch_size, dtype):
        return tuple(array_ops.zeros(array_ops.stack([batch_size, size]), dtype)
                     for size in self.state_size)

    def __call__(self, inputs, state):
        layer = self.layer
        state = list(state)
        previous = state.pop(0) if self.masked else None
        if self.masked:
            inputs, mask = inputs
        nested = _pack(layer.cell.state_size, state)
        output, new_nested = _call_cell(layer.cell, inputs, nested, layer._training)
        if not isinstance(new_nested, list | tuple):
            new_nested = [new_nested]
        new_state = _flatten(new_nested)
        if self.masked:
            keep = math_ops.greater(mask, 0.5)
            new_state = [array_ops.where_v2(keep, new, old)
                         for new, old in zip(new_state, state)]
            output = array_ops.where_v2(keep, output, previous)
            new_state = [output, *new_state]
        return output, tuple(new_state)


class RNN(_RNN):
    """Run ``cell`` over ``[batch, time, features]`` (a list of cells is stacked)."""

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, time_major=False, **kwargs):
        if isinstance(cell, list | tuple):
            cell = StackedRNNCells(cell)
        if not hasattr(cell, "call"):
            raise ValueError(f"`cell` should have a `call` method. The RNN was passed: {cell}")
        if not hasattr(cell, "state_size"):
            raise ValueError("The RNN cell should have an attribute `state_size` (tuple of "
                             "integers, one integer per RNN state).")
        if time_major:
            raise NotImplementedError("RNN(time_major=True) is not supported by smallflow's "
                                      "Keras; transpose the inputs to [batch, time, ...]")
        Layer.__init__(self, **kwargs)
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = bool(stateful)
        self.unroll = unroll
        self.time_major = time_major
        self.states = None
        self._training = None
        self.supports_masking = True

    @property
    def _output_size(self):
        return _output_size(self.cell)

    @property
    def _state_count(self):
        return len(_flat_sizes(self.cell.state_size))

    def build(self, input_shape):
        if isinstance(input_shape, list) and input_shape and \
                not isinstance(input_shape[0], int | type(None)):
            input_shape = input_shape[0]
        dims = [getattr(d, "value", d) for d in input_shape]
        _build_cell(self.cell, [dims[0], *dims[2:]])
        self.built = True

    @property
    def trainable_weights(self):
        return _cell_weights(self.cell, "trainable_weights") if self.trainable else []

    @property
    def non_trainable_weights(self):
        return _cell_weights(self.cell, "non_trainable_weights")

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    @property
    def losses(self):
        return list(getattr(self.cell, "losses", [])) + super().losses

    def call(self, inputs, training=None, initial_state=None, mask=None):
        if isinstance(inputs, list | tuple):
            inputs, initial_state = inputs[0], list(inputs[1:])
        mask = getattr(inputs, "_keras_mask", None) if mask is None else mask
        if inputs.dtype != dtypes.float32 and inputs.dtype.is_integer:
            inputs = math_ops.cast(inputs, backend.floatx())
        if self.go_backwards:
            inputs = array_ops.reverse(inputs, [1])
        self._training = training
        if hasattr(self.cell, "_prepare_masks"):
            self.cell._prepare_masks(inputs[:, 0, :], training)
        flat_initial = _flatten(initial_state) if initial_state else None
        if self.stateful and not flat_initial:
            flat_initial = [variable.value() for variable in self._state_variables(inputs)]
        sequence = inputs
        loop_cell = _LoopCell(self, mask is not None)
        state = None
        if mask is not None:
            steps = math_ops.cast(array_ops.expand_dims(mask, 2), inputs.dtype)
            if self.go_backwards:
                steps = array_ops.reverse(steps, [1])
            sequence = (inputs, steps)
        if flat_initial:
            state = list(flat_initial)
            if mask is not None:
                batch = array_ops.shape(inputs)[0]
                state.insert(0, array_ops.zeros(array_ops.stack([batch, self._output_size]),
                                                inputs.dtype))
            state = tuple(state)
        outputs, final = dynamic_rnn(loop_cell, sequence, initial_state=state,
                                     dtype=inputs.dtype)
        final = list(final)[1:] if mask is not None else list(final)
        result = outputs if self.return_sequences else outputs[:, -1, :]
        if self.stateful:
            self.add_update([variable.assign(value)
                             for variable, value in zip(self.states, final)], inputs)
        if mask is not None and self.return_sequences:
            result._keras_mask = mask
        if self.return_state:
            return [result, *_pack(self.cell.state_size, final)]
        return result

    def _state_variables(self, inputs):
        if self.states is not None:
            return self.states
        batch = stateful_batch_size(inputs)
        self.states = [backend.variable(np.zeros((batch, size), np.float32))
                       for size in _flat_sizes(self.cell.state_size)]
        return self.states

    def get_config(self):
        from ..engine.serialization import layer_config

        config = Layer.get_config(self)
        config.update({"return_sequences": self.return_sequences,
                       "return_state": self.return_state, "go_backwards": self.go_backwards,
                       "stateful": self.stateful, "unroll": self.unroll,
                       "time_major": self.time_major, "cell": layer_config(self.cell)})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..engine.serialization import layer_from_config

        config = dict(config)
        cell = layer_from_config(config.pop("cell"), custom_objects)
        return cls(cell, **config)
