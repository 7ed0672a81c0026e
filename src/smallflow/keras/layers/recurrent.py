"""Keras's recurrent layers (TF 1.x versions): SimpleRNN, LSTM, GRU over ``[batch, time,
features]``.

Weights as TensorFlow's Keras names and lays them out: ``lstm/lstm_cell/kernel`` ``[features,
4 * units]``, ``lstm/lstm_cell/recurrent_kernel`` ``[units, 4 * units]`` (orthogonal), ``lstm/bias``
(the forget slice starting at one), gates in the order i, f, c, o; GRU's z, r, h (with
``reset_after=False``, TF 1.x's default). The recurrent activation defaults to
``hard_sigmoid``, as in TF 1.x (TF 2 changed it to ``sigmoid``). The time loop is
``dynamic_rnn`` (a while loop), so any sequence length runs in one graph. Dropout masks are
drawn once per batch and shared by every step, as Keras does, and only in the training phase.
"""

import numpy as np

from ... import dtypes
from ...graph import name_scope
from ...ops import array_ops, math_ops, nn_ops
from ...rnn import dynamic_rnn
from .. import activations, backend, initializers
from ..engine.base_layer import Layer
from ._args import attach_constraints, resolve

__all__ = ["GRU", "LSTM", "SimpleRNN"]


class _Cell:
    """The step function ``dynamic_rnn`` calls, over the weights the layer made."""

    def __init__(self, layer):
        self.layer = layer
        count = layer._state_count
        self.state_size = tuple([layer.units] * count) if count > 1 else layer.units
        self.output_size = layer.units

    def zero_state(self, batch_size, dtype):
        def zeros():
            return array_ops.zeros(array_ops.stack([batch_size, self.layer.units]), dtype)

        if self.layer._state_count > 1:
            return tuple(zeros() for _ in range(self.layer._state_count))
        return zeros()

    def __call__(self, inputs, state):
        if not isinstance(inputs, tuple):
            return self.layer._step(inputs, state)
        # A masked step keeps the previous state and output (Keras's masked K.rnn).
        inputs, mask = inputs
        keep = math_ops.greater(mask, 0.5)
        output, new_state = self.layer._step(inputs, state)
        if isinstance(new_state, tuple):
            new_state = tuple(array_ops.where_v2(keep, new, old)
                              for new, old in zip(new_state, state))
            previous_output = state[0]
        else:
            new_state = array_ops.where_v2(keep, new_state, state)
            previous_output = state
        return array_ops.where_v2(keep, output, previous_output), new_state


def stateful_batch_size(inputs):
    """The batch size a stateful RNN's state variables need, or Keras's error without one."""
    batch = inputs.shape[0].value
    if batch is None:
        raise ValueError("If a RNN is stateful, it needs to know its batch size. Specify "
                         "the batch size of your input tensors: \n- If using a Sequential "
                         "model, specify the batch size by passing a `batch_input_shape` "
                         "argument to your first layer.\n- If using the functional API, "
                         "specify the batch size by passing a `batch_shape` argument to "
                         "your Input layer.")
    return batch


def lstm_gates(layer, z, c_previous, axis):
    """An LSTM step from the summed pre-activations ``z`` (gates i, f, c, o along ``axis``):
    ``(h, (h, c))``."""
    z_i, z_f, z_c, z_o = array_ops.split(z, 4, axis=axis)
    i = layer.recurrent_activation(z_i)
    f = layer.recurrent_activation(z_f)
    c = math_ops.add(math_ops.multiply(f, c_previous),
                     math_ops.multiply(i, layer.activation(z_c)))
    o = layer.recurrent_activation(z_o)
    h = math_ops.multiply(o, layer.activation(c))
    return h, (h, c)


def keep_recurrent_arguments(layer, args, units, activation, recurrent_activation, use_bias,
                             dropout, recurrent_dropout):
    """Store what a recurrent layer or cell was built with (``args`` resolved by
    ``_args.resolve``), dropout rates clipped to [0, 1] as Keras does."""
    layer.units = int(units)
    layer.activation = activations.get(activation)
    layer.recurrent_activation = activations.get(recurrent_activation)
    layer.use_bias = use_bias
    for key in ("kernel_initializer", "recurrent_initializer", "bias_initializer",
                "kernel_regularizer", "recurrent_regularizer", "bias_regularizer"):
        setattr(layer, key, args[key])
    layer.dropout = min(1.0, max(0.0, float(dropout)))
    layer.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))


class _RNN(Layer):
    _gates = 1
    _state_count = 1
    _cell_prefix = "simple_rnn_cell"

    def compute_mask(self, inputs, mask=None):
        """The input mask for a sequence output, none for the last step only (and none for
        each returned state), as Keras's RNN layers."""
        if isinstance(mask, list):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * self._state_count
        return output_mask

    def __init__(self, units, activation="tanh", recurrent_activation="hard_sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, implementation=1, **kwargs):
        args = {"kernel_initializer": kernel_initializer,
                "recurrent_initializer": recurrent_initializer,
                "bias_initializer": bias_initializer, "kernel_regularizer": kernel_regularizer,
                "recurrent_regularizer": recurrent_regularizer,
                "bias_regularizer": bias_regularizer, "kernel_constraint": kernel_constraint,
                "recurrent_constraint": recurrent_constraint, "bias_constraint": bias_constraint}
        self._constraints = resolve(args)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        keep_recurrent_arguments(self, args, units, activation, recurrent_activation, use_bias,
                                 dropout, recurrent_dropout)
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self._masks = (None, None)
        self.stateful = bool(stateful)
        self.states = None  # the state variables of a stateful layer (made on its first call)
        # TensorFlow's layer owns a cell with the fixed name lstm_cell (gru_cell, ...), whose
        # weights live under the layer's scope: lstm/lstm_cell/kernel:0,
        # lstm_1/lstm_cell/kernel:0 (not counted against cells a program makes).
        self._cell_name = self._cell_prefix

    def _bias_shape(self):
        return (self._gates * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    def __call__(self, inputs, initial_state=None, **kwargs):
        # As Keras: initial states are inputs of the call (they join the node, so a model
        # with an encoder's states feeding a decoder saves and reloads as one graph).
        if initial_state is not None and not isinstance(initial_state, list | tuple):
            initial_state = [initial_state]
        if initial_state and not isinstance(inputs, list | tuple):
            inputs = [inputs, *initial_state]
        elif initial_state:
            inputs = [*inputs, *initial_state]
        return super().__call__(inputs, **kwargs)

    def build(self, input_shape):
        if isinstance(input_shape, list) and input_shape and \
                not isinstance(input_shape[0], int | type(None)):
            input_shape = input_shape[0]  # the sequence's shape; the rest are states
        with name_scope(self._cell_name):
            self._build_weights(input_shape)
        attach_constraints(self, self._constraints)
        self.built = True

    def _build_weights(self, input_shape):
        features = input_shape[-1].value if hasattr(input_shape[-1], "value") \
            else input_shape[-1]
        width = self._gates * self.units
        self.kernel = self.add_weight("kernel", (features, width),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, width),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", self._bias_shape(),
                                        initializer=self._bias_initializer(),
                                        regularizer=self.bias_regularizer)

    def _dropout_mask(self, like, rate, training):
        """One mask per batch shared by all steps (ones outside the training phase)."""
        if rate == 0.0:
            return None
        ones = array_ops.ones_like(like)
        training = backend.phase_of(training)
        if isinstance(training, bool):
            return nn_ops.dropout(ones, rate=rate) if training else None
        keep = math_ops.subtract(1.0, math_ops.multiply(math_ops.cast(training, like.dtype),
                                                        rate))
        return nn_ops.dropout(ones, keep)

    def call(self, inputs, training=None, initial_state=None, mask=None):
        if isinstance(inputs, list | tuple):
            inputs, initial_state = inputs[0], list(inputs[1:])
        mask = getattr(inputs, "_keras_mask", None) if mask is None else mask
        if inputs.dtype != dtypes.float32 and inputs.dtype.is_integer:
            inputs = math_ops.cast(inputs, backend.floatx())
        if self.go_backwards:
            inputs = array_ops.reverse(inputs, [1])
        first_step = inputs[:, 0, :]
        input_mask = self._dropout_mask(first_step, self.dropout, training)
        state_like = math_ops.matmul(first_step, array_ops.zeros(
            array_ops.stack([array_ops.shape(first_step)[1], self.units]), inputs.dtype))
        recurrent_mask = self._dropout_mask(state_like, self.recurrent_dropout, training)
        self._masks = (input_mask, recurrent_mask)
        if initial_state is not None and not isinstance(initial_state, list | tuple):
            initial_state = [initial_state]
        if self.stateful and not initial_state:
            initial_state = [variable.value() for variable in self._state_variables(inputs)]
        state = None
        if initial_state:
            state = tuple(initial_state) if self._state_count > 1 else initial_state[0]
        sequence = inputs
        if mask is not None:
            steps = math_ops.cast(array_ops.expand_dims(mask, 2), inputs.dtype)
            if self.go_backwards:
                steps = array_ops.reverse(steps, [1])
            sequence = (inputs, steps)
        outputs, final = dynamic_rnn(_Cell(self), sequence, initial_state=state,
                                     dtype=inputs.dtype)
        result = outputs if self.return_sequences else outputs[:, -1, :]
        if self.stateful:
            finals = list(final) if self._state_count > 1 else [final]
            self.add_update([variable.assign(value)
                             for variable, value in zip(self.states, finals)], inputs)
        if mask is not None and self.return_sequences:
            result._keras_mask = mask
        if self.return_state:
            states = list(final) if self._state_count > 1 else [final]
            return [result, *states]
        return result

    def _state_variables(self, inputs):
        """A stateful layer's states: variables of ``[batch, units]`` zeros, kept between
        batches until ``reset_states``."""
        if self.states is not None:
            return self.states
        batch = stateful_batch_size(inputs)
        self.states = [backend.variable(np.zeros((batch, self.units), np.float32))
                       for _ in range(self._state_count)]
        return self.states

    def reset_states(self, states=None):
        """Set a stateful layer's states to zeros, or to ``states`` (arrays)."""
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        if self.states is None:
            return  # not called yet: its states start at zero anyway
        if states is None:
            states = [np.zeros(variable.shape.as_list(), np.float32)
                      for variable in self.states]
        elif not isinstance(states, list | tuple):
            states = [states]
        if len(states) != len(self.states):
            raise ValueError(f"Layer {self.name} expects {len(self.states)} states, but it "
                             f"received {len(states)} state values.")
        pairs = []
        for variable, value in zip(self.states, states):
            value = np.asarray(value)
            if tuple(variable.shape.as_list()) != value.shape:
                raise ValueError(f"State {variable.name} is incompatible with layer "
                                 f"{self.name}: expected shape {tuple(variable.shape.as_list())}"
                                 f", found shape {value.shape}")
            pairs.append((variable, value))
        backend.batch_set_value(pairs)

    def _inputs_for_step(self, inputs, state_h):
        input_mask, recurrent_mask = self._masks
        if input_mask is not None:
            inputs = math_ops.multiply(inputs, input_mask)
        if recurrent_mask is not None:
            state_h = math_ops.multiply(state_h, recurrent_mask)
        return inputs, state_h


class SimpleRNN(_RNN):
    """``h = activation(x @ kernel + h @ recurrent_kernel + bias)``."""

    def __init__(self, units, activation="tanh", **kwargs):
        kwargs.pop("recurrent_activation", None)
        super().__init__(units, activation=activation, **kwargs)

    def _step(self, inputs, state):
        inputs, previous = self._inputs_for_step(inputs, state)
        total = math_ops.add(math_ops.matmul(inputs, self.kernel),
                             math_ops.matmul(previous, self.recurrent_kernel))
        if self.bias is not None:
            total = nn_ops.bias_add(total, self.bias)
        output = self.activation(total)
        return output, output


class LSTM(_RNN):
    """Long short-term memory (TF 1.x Keras: hard_sigmoid gates, forget bias starting at 1)."""

    _gates = 4
    _state_count = 2
    _cell_prefix = "lstm_cell"

    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = unit_forget_bias

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        base = self.bias_initializer
        units = self.units

        def initializer(shape, dtype=None, partition_info=None):
            return array_ops.concat([base((units,), dtype=dtype),
                                     initializers.ones()((units,), dtype=dtype),
                                     base((units * 2,), dtype=dtype)], 0)

        return initializer

    def _step(self, inputs, state):
        h_previous, c_previous = state
        inputs, h_masked = self._inputs_for_step(inputs, h_previous)
        z = math_ops.add(math_ops.matmul(inputs, self.kernel),
                         math_ops.matmul(h_masked, self.recurrent_kernel))
        if self.bias is not None:
            z = nn_ops.bias_add(z, self.bias)
        return lstm_gates(self, z, c_previous, axis=1)


class GRU(_RNN):
    """Gated recurrent unit (TF 1.x Keras: ``reset_after=False``, hard_sigmoid gates)."""

    _gates = 3
    _cell_prefix = "gru_cell"

    def __init__(self, units, reset_after=False, **kwargs):
        super().__init__(units, **kwargs)
        self.reset_after = reset_after

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _step(self, inputs, state):
        inputs, h_masked = self._inputs_for_step(inputs, state)
        units = self.units
        x = math_ops.matmul(inputs, self.kernel)
        input_bias = recurrent_bias = None
        if self.bias is not None:
            if self.reset_after:
                input_bias, recurrent_bias = array_ops.unstack(self.bias)
            else:
                input_bias = self.bias
            x = nn_ops.bias_add(x, input_bias)
        x_z, x_r, x_h = array_ops.split(x, 3, axis=1)
        kernel_zr = self.recurrent_kernel[:, : 2 * units]
        kernel_h = self.recurrent_kernel[:, 2 * units:]
        if self.reset_after:
            inner = math_ops.matmul(h_masked, self.recurrent_kernel)
            if recurrent_bias is not None:
                inner = nn_ops.bias_add(inner, recurrent_bias)
            r_z, r_r, r_h = array_ops.split(inner, 3, axis=1)
            z = self.recurrent_activation(math_ops.add(x_z, r_z))
            r = self.recurrent_activation(math_ops.add(x_r, r_r))
            candidate = self.activation(math_ops.add(x_h, math_ops.multiply(r, r_h)))
        else:
            inner = math_ops.matmul(h_masked, kernel_zr)
            r_z, r_r = array_ops.split(inner, 2, axis=1)
            z = self.recurrent_activation(math_ops.add(x_z, r_z))
            r = self.recurrent_activation(math_ops.add(x_r, r_r))
            recurrent_h = math_ops.matmul(math_ops.multiply(r, h_masked), kernel_h)
            candidate = self.activation(math_ops.add(x_h, recurrent_h))
        h = math_ops.add(math_ops.multiply(z, state),
                         math_ops.multiply(math_ops.subtract(1.0, z), candidate))
        return h, h

