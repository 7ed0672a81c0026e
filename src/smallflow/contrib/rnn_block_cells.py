"""TF 1.x's "block" recurrent cells of ``tf.contrib.rnn``: ``LSTMBlockCell``,
``GRUBlockCell``/``GRUBlockCellV2``, the fused whole-sequence ``LSTMBlockFusedCell`` and the
fused-cell helpers ``FusedRNNCellAdaptor`` and ``TimeReversedFusedRNN``.

TensorFlow runs each of these as one C++ kernel (``LSTMBlockCell``, ``GRUBlockCell``,
``BlockLSTM``); here the same equations are built from ordinary ops, so gradients come from
the graph. What a checkpoint or a user sees is TensorFlow's: variable names, shapes, creation
order and initializers, the state layout and the results.

The block LSTM step (gates in the order i, ci, f, o, as ``LSTMCell``'s i, j, f, o)::

    [i, ci, f, o] = [x, h_prev] @ kernel + bias
    i = sigmoid(i + cs_prev * wci); f = sigmoid(f + forget_bias + cs_prev * wcf)
    cs = clip(i * tanh(ci) + f * cs_prev, cell_clip)       (no clipping when cell_clip <= 0)
    o = sigmoid(o + cs * wco); h = o * tanh(cs)

with the peephole weights ``wci``/``wcf``/``wco`` zero unless ``use_peephole``. The GRU block
step is ``GRUCell``'s: ``[r, u] = sigmoid([x, h] @ w_ru + b_ru)``,
``c = tanh([x, r * h] @ w_c + b_c)``, ``h_new = u * h + (1 - u) * c``.
"""

import abc

from .. import dtypes, init_ops
from ..graph import convert_to_tensor
from ..ops import array_extra_ops, array_ops, clip_ops, math_ops, nn_ops
from ..ops.functional_ops import scan
from ..rnn import dynamic_rnn, static_rnn
from ..rnn_cell_impl import LSTMStateTuple, RNNCell
from ..tensor_shape import TensorShape, dimension_value
from ..variable_scope import reenter_variable_scope, variable_scope

__all__ = ["FusedRNNCell", "FusedRNNCellAdaptor", "GRUBlockCell", "GRUBlockCellV2",
           "LSTMBlockCell", "LSTMBlockFusedCell", "LSTMBlockWrapper", "TimeReversedFusedRNN"]


def _check_rank(shape, rank, layer):
    if shape.ndims is not None and shape.ndims != rank:
        raise ValueError(f"Input 0 of layer {layer} is incompatible with the layer: expected "
                         f"ndim={rank}, found ndim={shape.ndims}. Full shape received: "
                         f"{shape.as_list()}")


def _block_lstm_step(x, cs_prev, h_prev, kernel, bias, peepholes, forget_bias, cell_clip):
    """One block LSTM step: ``(cs, h)`` (peepholes is ``(wci, wcf, wco)`` or None)."""
    gates = nn_ops.bias_add(math_ops.matmul(array_ops.concat([x, h_prev], 1), kernel), bias)
    i, ci, f, o = array_ops.split(gates, 4, axis=1)
    if peepholes is not None:
        wci, wcf, wco = peepholes
        i = i + cs_prev * wci
        f = f + cs_prev * wcf
    cs = math_ops.sigmoid(i) * math_ops.tanh(ci) + math_ops.sigmoid(f + forget_bias) * cs_prev
    if cell_clip is not None and cell_clip > 0:
        cs = clip_ops.clip_by_value(cs, -cell_clip, cell_clip)
    if peepholes is not None:
        o = o + cs * wco
    return cs, math_ops.sigmoid(o) * math_ops.tanh(cs)


class LSTMBlockCell(RNNCell):
    """TF1's single-kernel LSTM cell (Zaremba et al., 2014) with optional peepholes.

    Variables (under ``lstm_cell`` unless named otherwise, so checkpoints line up with
    ``LSTMCell``'s): ``kernel`` ``[input_depth + num_units, 4 * num_units]``, ``bias``
    (zeros), then with ``use_peephole`` ``w_i_diag``, ``w_f_diag``, ``w_o_diag``. The state
    is an ``LSTMStateTuple(c, h)``; ``cell_clip`` None or negative means no clipping.
    """

    def __init__(self, num_units, forget_bias=1.0, cell_clip=None, use_peephole=False,
                 dtype=None, reuse=None, name="lstm_cell"):
        super().__init__(name=name, dtype=dtype, _reuse=reuse)
        self._num_units = num_units
        self._forget_bias = forget_bias
        self._use_peephole = use_peephole
        self._cell_clip = cell_clip if cell_clip is not None else -1

    @property
    def state_size(self):
        return LSTMStateTuple(self._num_units, self._num_units)

    @property
    def output_size(self):
        return self._num_units

    def build(self, inputs_shape):
        _check_rank(inputs_shape, 2, self.name)
        depth = dimension_value(inputs_shape[1]) if inputs_shape.ndims else None
        if not depth:
            raise ValueError(f"Expecting inputs_shape[1] to be set: {inputs_shape}")
        units = self._num_units
        self._kernel = self.add_variable("kernel", [depth + units, 4 * units])
        self._bias = self.add_variable("bias", [4 * units],
                                       initializer=init_ops.constant_initializer(0.0))
        if self._use_peephole:
            self._peepholes = tuple(self.add_variable(name, [units])
                                    for name in ("w_i_diag", "w_f_diag", "w_o_diag"))
        self.built = True

    def call(self, inputs, state):
        if len(state) != 2:
            raise ValueError("Expecting state to be a tuple with length 2.")
        cs_prev, h_prev = state
        cs, h = _block_lstm_step(inputs, cs_prev, h_prev, self._kernel, self._bias,
                                 self._peepholes if self._use_peephole else None,
                                 self._forget_bias, self._cell_clip)
        return h, LSTMStateTuple(cs, h)


class GRUBlockCell(RNNCell):
    """TF1's single-kernel GRU cell (Cho et al., 2014); deprecated in TF for
    ``GRUBlockCellV2``, which differs only in its variable names.

    Variables under ``gru_cell``: ``w_ru`` ``[input_depth + num_units, 2 * num_units]``,
    ``b_ru`` (ones), ``w_c`` ``[input_depth + num_units, num_units]``, ``b_c`` (zeros).
    ``cell_size`` is the deprecated name of ``num_units``; exactly one must be given.
    """

    _NAMES = ("w_ru", "b_ru", "w_c", "b_c")

    def __init__(self, num_units=None, cell_size=None, reuse=None, name="gru_cell"):
        super().__init__(name=name, _reuse=reuse)
        if (cell_size is None) == (num_units is None):
            raise ValueError("Exactly one of num_units or cell_size must be provided.")
        if num_units is None:
            from .. import logging

            logging.warning("cell_size is deprecated, use num_units instead")
            num_units = cell_size
        self._cell_size = num_units

    @property
    def state_size(self):
        return self._cell_size

    @property
    def output_size(self):
        return self._cell_size

    def build(self, input_shape):
        _check_rank(input_shape, 2, self.name)
        depth = dimension_value(input_shape[1]) if input_shape.ndims else None
        if depth is None:
            raise ValueError("Expecting input_size to be set.")
        units = self._cell_size
        gate_kernel, gate_bias, candidate_kernel, candidate_bias = self._NAMES
        self._gate_kernel = self.add_variable(gate_kernel, [depth + units, 2 * units])
        self._gate_bias = self.add_variable(gate_bias, [2 * units],
                                            initializer=init_ops.constant_initializer(1.0))
        self._candidate_kernel = self.add_variable(candidate_kernel, [depth + units, units])
        self._candidate_bias = self.add_variable(candidate_bias, [units],
                                                 initializer=init_ops.constant_initializer(0.0))
        self.built = True

    def call(self, inputs, h_prev):
        width = h_prev.shape.with_rank(2)[1] if h_prev.shape.ndims is not None else None
        width = dimension_value(width)
        if width is not None and width != self._cell_size:
            raise ValueError(f"Shape of h_prev[1] incorrect: cell_size {self._cell_size} vs "
                             f"{width}")
        gates = math_ops.sigmoid(nn_ops.bias_add(
            math_ops.matmul(array_ops.concat([inputs, h_prev], 1), self._gate_kernel),
            self._gate_bias))
        r, u = array_ops.split(gates, 2, axis=1)
        c = math_ops.tanh(nn_ops.bias_add(
            math_ops.matmul(array_ops.concat([inputs, h_prev * r], 1), self._candidate_kernel),
            self._candidate_bias))
        new_h = (1 - u) * c + u * h_prev
        return new_h, new_h


class GRUBlockCellV2(GRUBlockCell):
    """``GRUBlockCell`` with ``GRUCell``'s variable names: ``gates/kernel``,
    ``gates/bias``, ``candidate/kernel``, ``candidate/bias``."""

    _NAMES = ("gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias")


class FusedRNNCell(abc.ABC):
    """A whole-sequence RNN: ``cell(inputs, initial_state=None, dtype=None,
    sequence_length=None, scope=None)`` with time-major inputs ``[time, batch, depth]`` (or
    a list of ``[batch, depth]`` steps) returns ``(outputs, final_state)`` in the same
    layout."""

    @abc.abstractmethod
    def __call__(self, inputs, initial_state=None, dtype=None, sequence_length=None,
                 scope=None):
        pass


class FusedRNNCellAdaptor(FusedRNNCell):
    """Runs an ordinary ``RNNCell`` as a fused cell: through ``dynamic_rnn`` (time-major)
    when ``use_dynamic_rnn``, else through ``static_rnn`` over the unstacked steps."""

    def __init__(self, cell, use_dynamic_rnn=False):
        self._cell = cell
        self._use_dynamic_rnn = use_dynamic_rnn

    def __call__(self, inputs, initial_state=None, dtype=None, sequence_length=None,
                 scope=None):
        is_list = isinstance(inputs, list)
        if self._use_dynamic_rnn:
            if is_list:
                inputs = array_ops.stack(inputs)
            outputs, state = dynamic_rnn(self._cell, inputs, sequence_length=sequence_length,
                                         initial_state=initial_state, dtype=dtype,
                                         time_major=True, scope=scope)
            if is_list:
                outputs = array_ops.unstack(outputs)
            return outputs, state
        if not is_list:
            inputs = array_ops.unstack(inputs)
        outputs, state = static_rnn(self._cell, inputs, initial_state=initial_state,
                                    dtype=dtype, sequence_length=sequence_length, scope=scope)
        if not is_list:
            outputs = array_ops.stack(outputs)
        return outputs, state


class TimeReversedFusedRNN(FusedRNNCell):
    """Runs a fused cell backwards in time (each sequence reversed within its length) and
    reverses its outputs back: the backward half of a bidirectional fused RNN."""

    def __init__(self, cell):
        self._cell = cell

    def _reverse(self, tensors, lengths):
        if tensors is None:
            return None
        if isinstance(tensors, (list, tuple)):
            tensors = list(tensors)
            if lengths is None:
                return tensors[::-1]
            stacked = array_ops.stack(tensors)
            return array_ops.unstack(array_extra_ops.reverse_sequence(
                stacked, math_ops.cast(lengths, dtypes.int64), 0, 1))
        if lengths is None:
            return array_ops.reverse(tensors, [0])
        return array_extra_ops.reverse_sequence(tensors, math_ops.cast(lengths, dtypes.int64),
                                                0, 1)

    def __call__(self, inputs, initial_state=None, dtype=None, sequence_length=None,
                 scope=None):
        reversed_inputs = self._reverse(inputs, sequence_length)
        outputs, state = self._cell(reversed_inputs, initial_state=initial_state, dtype=dtype,
                                    sequence_length=sequence_length, scope=scope)
        return self._reverse(outputs, sequence_length), state


class LSTMBlockWrapper(FusedRNNCell):
    """The shared work of fused LSTMs: the layer's variable scope, default zero states,
    masking the outputs past each sequence's length and gathering each sequence's final
    state at its last step. Subclasses give ``num_units``, ``build`` and ``_call_cell``."""

    def __init__(self, name=None, dtype=None, reuse=None):
        self._name = name
        self._dtype = dtypes.as_dtype(dtype) if dtype is not None else None
        self._reuse = reuse
        self._scope = None
        self.built = False
        self._variables = []

    @property
    def name(self):
        return self._name

    @property
    def variables(self):
        return list(self._variables)

    trainable_variables = trainable_weights = weights = variables

    @property
    @abc.abstractmethod
    def num_units(self):
        """Number of units in this cell (output dimension)."""

    def add_variable(self, name, shape, dtype=None, initializer=None):
        from ..variable_scope import get_variable

        variable = get_variable(name, shape=shape, dtype=dtype or self._dtype or dtypes.float32,
                                initializer=initializer)
        if variable not in self._variables:
            self._variables.append(variable)
        return variable

    add_weight = add_variable

    def __call__(self, inputs, initial_state=None, dtype=None, sequence_length=None,
                 scope=None):
        if scope is not None:
            with variable_scope(scope, reuse=True if self.built else None) as opened:
                self._scope = self._scope or opened
                return self._build_and_call(inputs, initial_state, dtype, sequence_length)
        if self._scope is None:
            with variable_scope(None, default_name=self._name,
                                reuse=self._reuse or None) as opened:
                self._scope = opened
                return self._build_and_call(inputs, initial_state, dtype, sequence_length)
        with reenter_variable_scope(self._scope):
            return self._build_and_call(inputs, initial_state, dtype, sequence_length)

    def _build_and_call(self, inputs, initial_state, dtype, sequence_length):
        is_list = isinstance(inputs, list)
        inputs = array_ops.stack(inputs) if is_list else convert_to_tensor(inputs)
        _check_rank(inputs.shape, 3, self._name)
        if not self.built:
            if self._dtype is None:
                self._dtype = inputs.dtype
            self.build(inputs.shape)
            self.built = True
        return self.call(inputs, initial_state, dtype, sequence_length, is_list)

    @abc.abstractmethod
    def _call_cell(self, inputs, initial_cell_state, initial_output, dtype, sequence_length):
        """``(cell_states, outputs)``, each ``[time, batch, num_units]``."""

    def call(self, inputs, initial_state=None, dtype=None, sequence_length=None,
             is_list=False):
        shape = inputs.shape.with_rank(3)
        if not dimension_value(shape[2]):
            raise ValueError(f"Expecting inputs_shape[2] to be set: {shape}")
        batch_size = dimension_value(shape[1])
        if batch_size is None:
            batch_size = array_ops.shape(inputs)[1]
        time_len = dimension_value(shape[0])
        if time_len is None:
            time_len = array_ops.shape(inputs)[0]
        if initial_state is None:
            if dtype is None:
                raise ValueError("Either initial_state or dtype needs to be specified")
            zeros = array_ops.zeros(array_ops.stack([batch_size, self.num_units]), dtype=dtype)
            initial_state = zeros, zeros
        else:
            if len(initial_state) != 2:
                raise ValueError("Expecting initial_state to be a tuple with length 2 or None")
            if dtype is None:
                dtype = initial_state[0].dtype
        if sequence_length is not None:
            sequence_length = convert_to_tensor(sequence_length)
        initial_cell_state, initial_output = initial_state
        cell_states, outputs = self._call_cell(inputs, initial_cell_state, initial_output,
                                               dtype, sequence_length)
        if sequence_length is not None:
            mask = array_ops.transpose(array_extra_ops.sequence_mask(
                sequence_length, time_len, dtype=dtype), [1, 0])
            outputs *= array_ops.tile(array_ops.expand_dims(mask, -1), [1, 1, self.num_units])
            # With the initial state in front, index L holds the state after L steps, so a
            # sequence of length 0 ends with its initial state.
            with_initial = array_ops.concat(
                [array_ops.expand_dims(initial_cell_state, 0), cell_states], 0)
            outputs_with_initial = array_ops.concat(
                [array_ops.expand_dims(initial_output, 0), outputs], 0)
            final_cell_state = self._gather_states(with_initial, sequence_length, batch_size)
            final_output = self._gather_states(outputs_with_initial, sequence_length,
                                               batch_size)
        else:
            final_cell_state = cell_states[-1]
            final_output = outputs[-1]
        if is_list:
            outputs = array_ops.unstack(outputs)
        return outputs, LSTMStateTuple(final_cell_state, final_output)

    @staticmethod
    def _gather_states(data, indices, batch_size):
        rows = math_ops.range(batch_size)
        return array_extra_ops.gather_nd(
            data, array_ops.stack([math_ops.cast(indices, rows.dtype), rows], axis=1))


class LSTMBlockFusedCell(LSTMBlockWrapper):
    """The whole-sequence block LSTM (TensorFlow's ``BlockLSTM`` kernel): time-major
    inputs ``[time, batch, depth]``, outputs ``[time, batch, num_units]`` (zero past each
    sequence's length) and the final ``LSTMStateTuple(c, h)`` of each sequence.

    Variables under ``lstm_fused_cell``: ``kernel``
    ``[input_depth + num_units, 4 * num_units]``, ``bias`` (zeros), and with
    ``use_peephole`` ``w_i_diag``, ``w_f_diag``, ``w_o_diag``.
    """

    def __init__(self, num_units, forget_bias=1.0, cell_clip=None, use_peephole=False,
                 reuse=None, dtype=None, name="lstm_fused_cell"):
        super().__init__(name=name, dtype=dtype, reuse=reuse)
        self._num_units = num_units
        self._forget_bias = forget_bias
        self._cell_clip = cell_clip if cell_clip is not None else -1
        self._use_peephole = use_peephole

    @property
    def num_units(self):
        return self._num_units

    def build(self, input_shape):
        depth = dimension_value(input_shape[2])
        units = self._num_units
        self._kernel = self.add_variable("kernel", [depth + units, 4 * units])
        self._bias = self.add_variable("bias", [4 * units],
                                       initializer=init_ops.constant_initializer(0.0))
        if self._use_peephole:
            self._peepholes = tuple(self.add_variable(name, [units])
                                    for name in ("w_i_diag", "w_f_diag", "w_o_diag"))
        self.built = True

    def _call_cell(self, inputs, initial_cell_state=None, initial_output=None, dtype=None,
                   sequence_length=None):
        peepholes = self._peepholes if self._use_peephole else None

        def step(carried, x):
            cs_prev, h_prev = carried
            return _block_lstm_step(x, cs_prev, h_prev, self._kernel, self._bias, peepholes,
                                    self._forget_bias, self._cell_clip)

        cell_states, outputs = scan(step, inputs, initializer=(initial_cell_state,
                                                               initial_output))
        static = TensorShape([inputs.shape[0], inputs.shape[1], self._num_units])
        for tensor in (cell_states, outputs):
            tensor.set_shape(static)
        return cell_states, outputs
