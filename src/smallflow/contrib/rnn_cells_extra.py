"""More of ``tf.contrib.rnn``'s cells: the independently recurrent ones (IndRNN, IndyGRU,
IndyLSTM), the convolutional LSTMs, the coupled-gate LSTM, UGRNN, the Intersection RNN and
the highway wrapper.

Variable names, shapes and initial values are TensorFlow 1.15's (``kernel_w``/``kernel_u``,
the coupled LSTM's sharded ``W_0``, ``carry_w``, ...), so checkpoints line up.
"""

from .. import init_ops, nest
from ..graph import name_scope
from ..ops import array_ops, clip_ops, math_ops, nn_ops
from ..ops.conv_ops import conv2d
from ..ops.nn_extra_ops import conv1d
from ..ops.volume_ops import conv3d
from ..rnn_cell_impl import LSTMStateTuple, RNNCell, UnitsCell, _static_depth
from ..tensor_shape import TensorShape
from ..variable_scope import get_variable, get_variable_scope, variable_scope
from .layers import layer_norm

__all__ = ["Conv1DLSTMCell", "Conv2DLSTMCell", "Conv3DLSTMCell", "ConvLSTMCell",
           "CoupledInputForgetGateLSTMCell", "HighwayWrapper", "IndRNNCell", "IndyGRUCell",
           "IndyLSTMCell", "IntersectionRNNCell", "UGRNNCell"]


def _diagonal_initializer(dtype):
    """The recurrent weights of the Ind* cells: uniform in [-1, 1]."""
    return init_ops.random_uniform_initializer(minval=-1.0, maxval=1.0, dtype=dtype)


def _rank2_depth(inputs_shape):
    if inputs_shape.ndims is not None and inputs_shape.ndims != 2:
        raise ValueError(f"Shape {inputs_shape} must have rank 2")
    return _static_depth(inputs_shape)


class IndRNNCell(UnitsCell):
    """Independently recurrent cell (Li et al. 2018): ``h = act(x W + u * h_prev + b)``,
    one recurrent weight per unit (``kernel_u``, shape ``[1, num_units]``). The activation
    defaults to tanh, as TensorFlow's did."""

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None,
                 **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = num_units
        self._activation = activation or math_ops.tanh

    def build(self, inputs_shape):
        depth = _rank2_depth(inputs_shape)
        self._kernel_w = self.add_variable("kernel_w", [depth, self._num_units])
        self._kernel_u = self.add_variable("kernel_u", [1, self._num_units],
                                           initializer=_diagonal_initializer(self.dtype))
        self._bias = self.add_variable("bias", [self._num_units],
                                       initializer=init_ops.zeros_initializer())
        self.built = True

    def call(self, inputs, state):
        pre = math_ops.matmul(inputs, self._kernel_w) + state * self._kernel_u
        output = self._activation(nn_ops.bias_add(pre, self._bias))
        return output, output


class IndyGRUCell(UnitsCell):
    """A GRU whose recurrent matrices are diagonal (one weight per unit and gate)::

        r, u = sigmoid(x W_g + tile(h, 2) * u_g + b_g)      (b_g starts at 1)
        c = act(x W_c + (r * h) * u_c + b_c)
        h_new = u * h + (1 - u) * c
    """

    def __init__(self, num_units, activation=None, reuse=None, kernel_initializer=None,
                 bias_initializer=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = num_units
        self._activation = activation or math_ops.tanh
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    def build(self, inputs_shape):
        depth = _rank2_depth(inputs_shape)
        n = self._num_units
        diagonal = _diagonal_initializer(self.dtype)
        self._gate_kernel_w = self.add_variable("gates/kernel_w", [depth, 2 * n],
                                                initializer=self._kernel_initializer)
        self._gate_kernel_u = self.add_variable("gates/kernel_u", [1, 2 * n],
                                                initializer=diagonal)
        self._gate_bias = self.add_variable(
            "gates/bias", [2 * n],
            initializer=self._bias_initializer or init_ops.constant_initializer(1.0))
        self._candidate_kernel_w = self.add_variable("candidate/kernel", [depth, n],
                                                     initializer=self._kernel_initializer)
        self._candidate_kernel_u = self.add_variable("candidate/kernel_u", [1, n],
                                                     initializer=diagonal)
        self._candidate_bias = self.add_variable(
            "candidate/bias", [n],
            initializer=self._bias_initializer or init_ops.zeros_initializer())
        self.built = True

    def call(self, inputs, state):
        gates = (math_ops.matmul(inputs, self._gate_kernel_w)
                 + array_ops.tile(state, [1, 2]) * self._gate_kernel_u)
        gates = math_ops.sigmoid(nn_ops.bias_add(gates, self._gate_bias))
        reset, update = array_ops.split(gates, 2, axis=1)
        candidate = (math_ops.matmul(inputs, self._candidate_kernel_w)
                     + (reset * state) * self._candidate_kernel_u)
        candidate = self._activation(nn_ops.bias_add(candidate, self._candidate_bias))
        new_h = update * state + (1 - update) * candidate
        return new_h, new_h


class IndyLSTMCell(RNNCell):
    """A basic LSTM whose recurrent matrices are diagonal: the gates are
    ``x W + tile(h, 4) * u + b`` split as (i, j, f, o), ``forget_bias`` added to f."""

    def __init__(self, num_units, forget_bias=1.0, activation=None, reuse=None,
                 kernel_initializer=None, bias_initializer=None, name=None, dtype=None,
                 **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = num_units
        self._forget_bias = forget_bias
        self._activation = activation or math_ops.tanh
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    @property
    def state_size(self):
        return LSTMStateTuple(self._num_units, self._num_units)

    @property
    def output_size(self):
        return self._num_units

    def build(self, inputs_shape):
        depth = _rank2_depth(inputs_shape)
        width = 4 * self._num_units
        self._kernel_w = self.add_variable("kernel_w", [depth, width],
                                           initializer=self._kernel_initializer)
        self._kernel_u = self.add_variable("kernel_u", [1, width],
                                           initializer=_diagonal_initializer(self.dtype))
        self._bias = self.add_variable(
            "bias", [width], initializer=self._bias_initializer or init_ops.zeros_initializer())
        self.built = True

    def call(self, inputs, state):
        c, h = state
        gates = (math_ops.matmul(inputs, self._kernel_w)
                 + array_ops.tile(h, [1, 4]) * self._kernel_u)
        i, j, f, o = array_ops.split(nn_ops.bias_add(gates, self._bias), 4, axis=1)
        forget = math_ops.sigmoid(f + self._forget_bias)
        new_c = c * forget + math_ops.sigmoid(i) * self._activation(j)
        new_h = self._activation(new_c) * math_ops.sigmoid(o)
        return new_h, LSTMStateTuple(new_c, new_h)


# -- convolutional LSTM (Shi et al. 2015) ------------------------------------------------------

_CONVOLUTIONS = {3: conv1d, 4: conv2d, 5: conv3d}


def _convolve(args, kernel_shape, features, use_bias):
    """One SAME convolution over the channel-concatenated ``args`` (``kernel``, then
    ``biases`` added, zero-initialised)."""
    shapes = [a.shape.as_list() for a in args]
    rank = len(shapes[0])
    if rank not in _CONVOLUTIONS or any(len(s) != rank for s in shapes):
        raise ValueError(f"Conv Linear expects all args to be 3D, 4D or 5D and of the same "
                         f"rank: {shapes}")
    depth = sum(s[-1] for s in shapes)
    dtype = args[0].dtype
    kernel = get_variable("kernel", list(kernel_shape) + [depth, features], dtype=dtype)
    joined = args[0] if len(args) == 1 else array_ops.concat(args, rank - 1)
    strides = 1 if rank == 3 else [1] * rank
    result = _CONVOLUTIONS[rank](joined, kernel, strides, padding="SAME")
    if not use_bias:
        return result, [kernel]
    biases = get_variable("biases", [features], dtype=dtype,
                          initializer=init_ops.constant_initializer(0.0))
    return result + biases, [kernel, biases]


class ConvLSTMCell(RNNCell):
    """An LSTM whose matrix products are convolutions (SAME padding, stride 1) over
    ``input_shape`` (without the batch; channels last). The state is an
    ``LSTMStateTuple`` of ``input_shape[:-1] + [output_channels]`` tensors; with
    ``skip_connection`` the output also carries the input's channels."""

    def __init__(self, conv_ndims, input_shape, output_channels, kernel_shape, use_bias=True,
                 skip_connection=False, forget_bias=1.0, initializers=None,
                 name="conv_lstm_cell"):
        super().__init__(name=name)
        input_shape = list(input_shape)
        if conv_ndims != len(input_shape) - 1:
            raise ValueError(f"Invalid input_shape {input_shape} for conv_ndims={conv_ndims}.")
        self._conv_ndims = conv_ndims
        self._input_shape = input_shape
        self._output_channels = output_channels
        self._kernel_shape = list(kernel_shape)
        self._use_bias = use_bias
        self._forget_bias = forget_bias
        self._skip_connection = skip_connection
        total = output_channels + (input_shape[-1] if skip_connection else 0)
        state = TensorShape(input_shape[:-1] + [output_channels])
        self._state_size = LSTMStateTuple(state, state)
        self._output_size = TensorShape(input_shape[:-1] + [total])

    @property
    def output_size(self):
        return self._output_size

    @property
    def state_size(self):
        return self._state_size

    def call(self, inputs, state, scope=None):
        cell, hidden = state
        pre, made = _convolve([inputs, hidden], self._kernel_shape, 4 * self._output_channels,
                              self._use_bias)
        self._variables.extend(v for v in made if v not in self._variables)
        input_gate, new_input, forget_gate, output_gate = array_ops.split(
            pre, 4, axis=self._conv_ndims + 1)
        new_cell = math_ops.sigmoid(forget_gate + self._forget_bias) * cell
        new_cell += math_ops.sigmoid(input_gate) * math_ops.tanh(new_input)
        output = math_ops.tanh(new_cell) * math_ops.sigmoid(output_gate)
        if self._skip_connection:
            output = array_ops.concat([output, inputs], axis=-1)
        return output, LSTMStateTuple(new_cell, output)


class Conv1DLSTMCell(ConvLSTMCell):
    """``ConvLSTMCell`` over ``[width, channels]`` inputs."""

    def __init__(self, name="conv_1d_lstm_cell", **kwargs):
        super().__init__(conv_ndims=1, name=name, **kwargs)


class Conv2DLSTMCell(ConvLSTMCell):
    """``ConvLSTMCell`` over ``[height, width, channels]`` inputs."""

    def __init__(self, name="conv_2d_lstm_cell", **kwargs):
        super().__init__(conv_ndims=2, name=name, **kwargs)


class Conv3DLSTMCell(ConvLSTMCell):
    """``ConvLSTMCell`` over ``[depth, height, width, channels]`` inputs."""

    def __init__(self, name="conv_3d_lstm_cell", **kwargs):
        super().__init__(conv_ndims=3, name=name, **kwargs)


# -- cells built on one linear map over [inputs, state] ----------------------------------------


class _LinearCell(RNNCell):
    """Helpers for cells that read variables straight from the current scope."""

    def _variable(self, name, shape, dtype, initializer=None):
        variable = get_variable(name, shape, dtype=dtype, initializer=initializer)
        if variable not in self._variables:
            self._variables.append(variable)
        return variable

    def _linear(self, args, output_size):
        """``concat(args) kernel + bias`` (``kernel`` and a zero ``bias`` in this scope)."""
        depth = sum(_static_depth(a.shape) for a in args)
        dtype = args[0].dtype
        kernel = self._variable("kernel", [depth, output_size], dtype)
        bias = self._variable("bias", [output_size], dtype, init_ops.constant_initializer(0.0))
        joined = args[0] if len(args) == 1 else array_ops.concat(args, 1)
        return nn_ops.bias_add(math_ops.matmul(joined, kernel), bias)

    @staticmethod
    def _input_size(inputs):
        inputs.shape.with_rank(2)
        depth = inputs.shape[1]
        depth = getattr(depth, "value", depth)
        if depth is None:
            raise ValueError("Could not infer input size from inputs.get_shape()[-1]")
        return int(depth)


class CoupledInputForgetGateLSTMCell(_LinearCell):
    """An LSTM whose input gate is one minus its forget gate (Greff et al., "LSTM: A Search
    Space Odyssey"): ``c = f * c_prev + (1 - f) * act(j)``. Variables ``W_0`` (the weight
    matrix, in ``num_unit_shards`` row shards ``W_0``, ``W_1``, ...), ``B``, the peepholes
    ``W_F_diag``/``W_O_diag`` and the projection ``W_P_0``; with ``layer_norm`` the gates
    and the cell are layer-normalised (scopes ``transform``, ``forget``, ``output``,
    ``state``) and ``B`` is not added."""

    def __init__(self, num_units, use_peepholes=False, initializer=None, num_proj=None,
                 proj_clip=None, num_unit_shards=1, num_proj_shards=1, forget_bias=1.0,
                 state_is_tuple=True, activation=math_ops.tanh, reuse=None, layer_norm=False,
                 norm_gain=1.0, norm_shift=0.0):
        super().__init__(_reuse=reuse)
        self._num_units = num_units
        self._use_peepholes = use_peepholes
        self._initializer = initializer
        self._num_proj = num_proj
        self._proj_clip = proj_clip
        self._num_unit_shards = num_unit_shards
        self._num_proj_shards = num_proj_shards
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = activation
        self._layer_norm = layer_norm
        self._norm_gain = norm_gain
        self._norm_shift = norm_shift
        output = num_proj or num_units
        self._state_size = (LSTMStateTuple(num_units, output) if state_is_tuple
                            else num_units + output)
        self._output_size = output

    @property
    def state_size(self):
        return self._state_size

    @property
    def output_size(self):
        return self._output_size

    def _sharded(self, name, shape, dtype, shards):
        if shards > shape[0]:
            raise ValueError(f"Too many shards: shape={shape}, num_shards={shards}")
        base, extra = divmod(shape[0], shards)
        parts = [self._variable(f"{name}_{i}", [base + (1 if i < extra else 0)] + shape[1:],
                                dtype) for i in range(shards)]
        return parts[0] if shards == 1 else array_ops.concat(parts, 0, name=name + "/concat")

    def _norm(self, value, scope):
        depth = value.shape[-1:]
        with variable_scope(scope):
            self._variable("gamma", depth, value.dtype,
                           init_ops.constant_initializer(self._norm_gain))
            self._variable("beta", depth, value.dtype,
                           init_ops.constant_initializer(self._norm_shift))
        return layer_norm(value, reuse=True, scope=scope)

    def call(self, inputs, state):
        sigmoid = math_ops.sigmoid
        proj = self._num_proj or self._num_units
        if self._state_is_tuple:
            c_prev, m_prev = state
        else:
            c_prev = state[:, :self._num_units]
            m_prev = state[:, self._num_units:self._num_units + proj]
        dtype = inputs.dtype
        depth = self._input_size(inputs)
        with variable_scope(get_variable_scope(), initializer=self._initializer):
            weights = self._sharded("W", [depth + proj, 3 * self._num_units], dtype,
                                    self._num_unit_shards)
            bias = self._variable("B", [3 * self._num_units], dtype,
                                  init_ops.zeros_initializer())
            gates = math_ops.matmul(array_ops.concat([inputs, m_prev], 1), weights)
            if not self._layer_norm:
                gates = nn_ops.bias_add(gates, bias)
            j, f, o = array_ops.split(gates, 3, axis=1)
            if self._layer_norm:
                j = self._norm(j, "transform")
                f = self._norm(f, "forget")
                o = self._norm(o, "output")
            if self._use_peepholes:
                w_f = self._variable("W_F_diag", [self._num_units], dtype)
                w_o = self._variable("W_O_diag", [self._num_units], dtype)
                forget = sigmoid(f + self._forget_bias + w_f * c_prev)
            else:
                forget = sigmoid(f + self._forget_bias)
            c = forget * c_prev + (1 - forget) * self._activation(j)
            if self._layer_norm:
                c = self._norm(c, "state")
            if self._use_peepholes:
                m = sigmoid(o + w_o * c) * self._activation(c)
            else:
                m = sigmoid(o) * self._activation(c)
            if self._num_proj is not None:
                projection = self._sharded("W_P", [self._num_units, self._num_proj], dtype,
                                           self._num_proj_shards)
                m = math_ops.matmul(m, projection)
                if self._proj_clip is not None:
                    m = clip_ops.clip_by_value(m, -self._proj_clip, self._proj_clip)
        new_state = LSTMStateTuple(c, m) if self._state_is_tuple else array_ops.concat([c, m], 1)
        return m, new_state


class UGRNNCell(_LinearCell):
    """Update-gate RNN (Collins et al. 2017): one gate mixes the old state and a tanh
    candidate, ``h = g * h_prev + (1 - g) * act(c)`` with ``g = sigmoid(. + forget_bias)``;
    one ``kernel``/``bias`` pair over ``[inputs, state]``."""

    def __init__(self, num_units, initializer=None, forget_bias=1.0, activation=math_ops.tanh,
                 reuse=None):
        super().__init__(_reuse=reuse)
        self._num_units = num_units
        self._initializer = initializer
        self._forget_bias = forget_bias
        self._activation = activation

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self):
        return self._num_units

    def call(self, inputs, state):
        self._input_size(inputs)
        with variable_scope(get_variable_scope(), initializer=self._initializer):
            pre = self._linear([inputs, state], 2 * self._num_units)
            gate, candidate = array_ops.split(pre, 2, axis=1)
            g = math_ops.sigmoid(gate + self._forget_bias)
            new_state = g * state + (1.0 - g) * self._activation(candidate)
        return new_state, new_state


class IntersectionRNNCell(_LinearCell):
    """The Intersection RNN (+RNN, Collins et al. 2017): gated through time (the state) and
    through depth (the output, so input and output sizes must match: ``num_in_proj``
    projects a first layer's inputs to ``num_units`` with ``in_projection/kernel``)."""

    def __init__(self, num_units, num_in_proj=None, initializer=None, forget_bias=1.0,
                 y_activation=nn_ops.relu, reuse=None):
        super().__init__(_reuse=reuse)
        self._num_units = num_units
        self._initializer = initializer
        self._forget_bias = forget_bias
        self._num_input_proj = num_in_proj
        self._y_activation = y_activation

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self):
        return self._num_units

    def call(self, inputs, state):
        sigmoid = math_ops.sigmoid
        n = self._num_units
        depth = self._input_size(inputs)
        with variable_scope(get_variable_scope(), initializer=self._initializer):
            if depth != n:
                if not self._num_input_proj:
                    raise ValueError("Must have input size == output size for Intersection "
                                     "RNN. To fix, num_in_proj should be set to num_units at "
                                     "cell init.")
                with variable_scope("in_projection"):
                    inputs = self._linear([inputs], n)
            pre = self._linear([inputs, state], 4 * n)
            gh, h, gy, y = array_ops.split(pre, 4, axis=1)
            gh = sigmoid(gh + self._forget_bias)
            gy = sigmoid(gy + self._forget_bias)
            new_state = gh * state + (1.0 - gh) * math_ops.tanh(h)
            new_y = gy * inputs + (1.0 - gy) * self._y_activation(y)
        return new_y, new_state


class HighwayWrapper(RNNCell):
    """The wrapped cell's output mixed with its input by highway gates (Srivastava et al.):
    ``out = x * carry + cell(x) * transform`` with ``carry = sigmoid(x carry_w + carry_b)``
    and ``transform = 1 - carry`` (or its own ``transform_w``/``transform_b`` when the gates
    are not coupled). Input and output must have the same shape."""

    def __init__(self, cell, couple_carry_transform_gates=True, carry_bias_init=1.0):
        super().__init__()
        self._cell = cell
        self._couple_carry_transform_gates = couple_carry_transform_gates
        self._carry_bias_init = carry_bias_init

    @property
    def state_size(self):
        return self._cell.state_size

    @property
    def output_size(self):
        return self._cell.output_size

    def zero_state(self, batch_size, dtype):
        with name_scope(type(self).__name__ + "ZeroState"):
            return self._cell.zero_state(batch_size, dtype)

    def _highway(self, inp, out):
        size = _static_depth(inp.shape.with_rank(2))
        carry_w = get_variable("carry_w", [size, size], dtype=inp.dtype)
        carry_b = get_variable("carry_b", [size], dtype=inp.dtype,
                               initializer=init_ops.constant_initializer(self._carry_bias_init))
        carry = math_ops.sigmoid(nn_ops.xw_plus_b(inp, carry_w, carry_b))
        if self._couple_carry_transform_gates:
            transform = 1 - carry
        else:
            transform_w = get_variable("transform_w", [size, size], dtype=inp.dtype)
            transform_b = get_variable(
                "transform_b", [size], dtype=inp.dtype,
                initializer=init_ops.constant_initializer(-self._carry_bias_init))
            transform = math_ops.sigmoid(nn_ops.xw_plus_b(inp, transform_w, transform_b))
        return inp * carry + out * transform

    def __call__(self, inputs, state, scope=None):
        outputs, new_state = self._cell(inputs, state, scope=scope)
        nest.assert_same_structure(inputs, outputs)
        nest.map_structure(lambda i, o: i.shape.assert_is_compatible_with(o.shape),
                           inputs, outputs)
        return nest.map_structure(self._highway, inputs, outputs), new_state
