"""The extra recurrent cells of ``tf.contrib.rnn`` (beyond the core ``tf.nn.rnn_cell`` ones).

Each keeps TensorFlow's variable names and shapes, so checkpoints line up, and TensorFlow's
arithmetic, so a trained model gives the same outputs.
"""

from .. import init_ops, logging, nest
from ..ops import array_ops, math_ops, nn_ops
from ..rnn_cell_impl import LSTMStateTuple, RNNCell, _static_depth
from ..variable_scope import get_variable, variable_scope

__all__ = ["AttentionCellWrapper", "LayerNormBasicLSTMCell", "NASCell"]


class NASCell(RNNCell):
    """The recurrent cell found by neural architecture search (Zoph & Le, ICLR 2017).

    The state is an ``LSTMStateTuple(c, m)``. Inputs and the previous output are each
    multiplied by one matrix (``kernel`` and ``recurrent_kernel``, 8 x ``num_units``
    columns) and cut into eight blocks that feed a fixed tree of sigmoid/tanh/ReLU
    combinations; ``num_proj`` adds a ``projection_weights`` matrix on the output and
    ``use_bias`` a ``bias`` (zeros) on the recurrent product.
    """

    _BRANCHES = 8

    def __init__(self, num_units, num_proj=None, use_bias=False, reuse=None, **kwargs):
        super().__init__(_reuse=reuse, **kwargs)
        self._num_units = num_units
        self._num_proj = num_proj
        self._use_bias = use_bias
        output = num_units if num_proj is None else num_proj
        self._state_size = LSTMStateTuple(num_units, output)
        self._output_size = output

    @property
    def state_size(self):
        return self._state_size

    @property
    def output_size(self):
        return self._output_size

    def build(self, inputs_shape):
        if inputs_shape.ndims is not None and inputs_shape.ndims != 2:
            raise ValueError(f"Shape {inputs_shape} must have rank 2")
        try:
            depth = _static_depth(inputs_shape)
        except ValueError:
            raise ValueError("Could not infer input size from inputs.get_shape()[-1]") from None
        width = self._BRANCHES * self._num_units
        self.recurrent_kernel = self.add_variable("recurrent_kernel",
                                                  [self._output_size, width])
        self.kernel = self.add_variable("kernel", [depth, width])
        if self._use_bias:
            self.bias = self.add_variable("bias", [width],
                                          initializer=init_ops.zeros_initializer())
        if self._num_proj is not None:
            self.projection_weights = self.add_variable(
                "projection_weights", [self._num_units, self._num_proj])
        self.built = True

    def call(self, inputs, state):
        sigmoid, tanh, relu = math_ops.sigmoid, math_ops.tanh, nn_ops.relu
        c_prev, m_prev = state
        recurrent = math_ops.matmul(m_prev, self.recurrent_kernel)
        if self._use_bias:
            recurrent = nn_ops.bias_add(recurrent, self.bias)
        x = array_ops.split(math_ops.matmul(inputs, self.kernel), self._BRANCHES, axis=1)
        h = array_ops.split(recurrent, self._BRANCHES, axis=1)
        # First layer: one combination per branch (branch 3 multiplies instead of adding).
        first = [sigmoid(x[0] + h[0]), relu(x[1] + h[1]), sigmoid(x[2] + h[2]),
                 relu(x[3] * h[3]), tanh(x[4] + h[4]), sigmoid(x[5] + h[5]),
                 tanh(x[6] + h[6]), sigmoid(x[7] + h[7])]
        # Second layer: pairs; the previous cell state is injected into the first pair.
        pair0 = tanh(tanh(first[0] * first[1]) + c_prev)
        pair1 = tanh(first[2] + first[3])
        pair2 = tanh(first[4] * first[5])
        pair3 = sigmoid(first[6] + first[7])
        new_c = pair0 * pair1
        new_m = tanh(new_c * tanh(pair2 + pair3))
        if self._num_proj is not None:
            new_m = math_ops.matmul(new_m, self.projection_weights)
        return new_m, LSTMStateTuple(new_c, new_m)


class LayerNormBasicLSTMCell(RNNCell):
    """A basic LSTM with layer normalization and recurrent dropout.

    The gates i, j, f, o come from one ``kernel`` over ``[inputs, h]`` (no bias when
    ``layer_norm``: the normalization's ``beta`` shifts instead); each gate, and the new cell
    state, is layer-normalized under its own scope (``input``, ``transform``, ``forget``,
    ``output``, ``state``, each with ``gamma`` = ``norm_gain`` and ``beta`` = ``norm_shift``).
    ``dropout_keep_prob`` < 1 (or a tensor) drops units of the candidate ``g`` only, as in
    Semeniuta et al. (2016), so the memory is not dropped.
    """

    def __init__(self, num_units, forget_bias=1.0, input_size=None, activation=math_ops.tanh,
                 layer_norm=True, norm_gain=1.0, norm_shift=0.0, dropout_keep_prob=1.0,
                 dropout_prob_seed=None, reuse=None):
        super().__init__(_reuse=reuse)
        if input_size is not None:
            from .. import logging

            logging.warning("%s: The input_size parameter is deprecated.", self)
        self._num_units = num_units
        self._activation = activation
        self._forget_bias = forget_bias
        self._keep_prob = dropout_keep_prob
        self._seed = dropout_prob_seed
        self._layer_norm = layer_norm
        self._norm_gain = norm_gain
        self._norm_shift = norm_shift

    @property
    def state_size(self):
        return LSTMStateTuple(self._num_units, self._num_units)

    @property
    def output_size(self):
        return self._num_units

    def _norm(self, value, scope, dtype):
        from .normalization import layer_norm

        shape = value.shape[-1:]
        with variable_scope(scope):
            self._track(get_variable("gamma", shape=shape, dtype=dtype,
                                     initializer=init_ops.constant_initializer(
                                         self._norm_gain)))
            self._track(get_variable("beta", shape=shape, dtype=dtype,
                                     initializer=init_ops.constant_initializer(
                                         self._norm_shift)))
        return layer_norm(value, reuse=True, scope=scope)

    def _track(self, variable):
        if variable not in self._variables:
            self._variables.append(variable)

    def _linear(self, args):
        width = 4 * self._num_units
        kernel = get_variable("kernel", [args.shape[-1], width], dtype=args.dtype)
        self._track(kernel)
        out = math_ops.matmul(args, kernel)
        if not self._layer_norm:
            bias = get_variable("bias", [width], dtype=args.dtype)
            self._track(bias)
            out = nn_ops.bias_add(out, bias)
        return out

    def call(self, inputs, state):
        c, h = state
        args = array_ops.concat([inputs, h], 1)
        dtype = args.dtype
        i, j, f, o = array_ops.split(self._linear(args), 4, axis=1)
        if self._layer_norm:
            i = self._norm(i, "input", dtype)
            j = self._norm(j, "transform", dtype)
            f = self._norm(f, "forget", dtype)
            o = self._norm(o, "output", dtype)
        g = self._activation(j)
        if not isinstance(self._keep_prob, float) or self._keep_prob < 1:
            g = nn_ops.dropout(g, self._keep_prob, seed=self._seed)
        new_c = c * math_ops.sigmoid(f + self._forget_bias) + math_ops.sigmoid(i) * g
        if self._layer_norm:
            new_c = self._norm(new_c, "state", dtype)
        new_h = self._activation(new_c) * math_ops.sigmoid(o)
        return new_h, LSTMStateTuple(new_c, new_h)


class AttentionCellWrapper(RNNCell):
    """Adds attention over the cell's last ``attn_length`` outputs (Cheng et al., 2016,
    "Long Short-Term Memory-Networks for Machine Reading"), as TF1's contrib wrapper.

    The state is ``(cell_state, attns, attn_states)``: the wrapped cell's state, the last
    attention read-out ``[batch, attn_size]`` and the window of past outputs
    ``[batch, attn_length * attn_size]`` (one concatenated matrix when
    ``state_is_tuple=False``). Each step projects ``[inputs, attns]`` to ``input_size``
    (``kernel``/``bias``), runs the cell, attends over the window with the concatenated new
    cell state as query (``attention/attn_w`` as a 1x1 convolution, ``attention/attn_v``,
    ``attention/kernel``/``bias``), outputs the projection of ``[cell_output, new_attns]``
    (``attn_output_projection/kernel``/``bias``) and slides that output into the window.
    """

    def __init__(self, cell, attn_length, attn_size=None, attn_vec_size=None,
                 input_size=None, state_is_tuple=True, reuse=None):
        super().__init__(_reuse=reuse)
        if not callable(cell) or not hasattr(cell, "state_size"):
            raise TypeError(f"The argument 'cell' ({cell}) is not an RNNCell: 'output_size' "
                            f"property is missing, 'state_size' property is missing, either "
                            f"'zero_state' or 'get_initial_state' method is required, is not "
                            f"callable.")
        if nest.is_sequence(cell.state_size) and not state_is_tuple:
            raise ValueError(f"Cell returns tuple of states, but the flag state_is_tuple is "
                             f"not set. State size is: {cell.state_size}")
        if attn_length <= 0:
            raise ValueError(f"attn_length should be greater than zero, got {attn_length}")
        if not state_is_tuple:
            logging.warning("%s: Using a concatenated state is slower and will soon be "
                            "deprecated.  Use state_is_tuple=True.", self)
        if attn_size is None:
            attn_size = cell.output_size
        if attn_vec_size is None:
            attn_vec_size = attn_size
        self._state_is_tuple = state_is_tuple
        self._cell = cell
        self._attn_vec_size = attn_vec_size
        self._input_size = input_size
        self._attn_size = attn_size
        self._attn_length = attn_length

    @property
    def state_size(self):
        size = (self._cell.state_size, self._attn_size, self._attn_size * self._attn_length)
        return size if self._state_is_tuple else sum(size)

    @property
    def output_size(self):
        return self._attn_size

    def _linear(self, args, output_size):
        # TF's _Linear: one kernel over the concatenated arguments and a zero bias, in the
        # current variable scope.
        args = args if isinstance(args, (list, tuple)) else [args]
        depth = sum(_static_depth(arg.shape) for arg in args)
        dtype = args[0].dtype
        kernel = self._track(get_variable("kernel", [depth, output_size], dtype=dtype))
        bias = self._track(get_variable("bias", [output_size], dtype=dtype,
                                        initializer=init_ops.constant_initializer(0.0)))
        joined = args[0] if len(args) == 1 else array_ops.concat(args, 1)
        return nn_ops.bias_add(math_ops.matmul(joined, kernel), bias)

    def _track(self, variable):
        if variable not in self._variables:
            self._variables.append(variable)
        return variable

    def call(self, inputs, state):
        cell_size = self._cell.state_size
        if self._state_is_tuple:
            state, attns, attn_states = state
        else:
            states = state
            state = array_ops.slice(states, [0, 0], [-1, cell_size])
            attns = array_ops.slice(states, [0, cell_size], [-1, self._attn_size])
            attn_states = array_ops.slice(states, [0, cell_size + self._attn_size],
                                          [-1, self._attn_size * self._attn_length])
        attn_states = array_ops.reshape(attn_states, [-1, self._attn_length, self._attn_size])
        input_size = self._input_size
        if input_size is None:
            input_size = inputs.shape.as_list()[1]
        inputs = self._linear([inputs, attns], input_size)
        cell_output, new_state = self._cell(inputs, state)
        query = (array_ops.concat(nest.flatten(new_state), 1) if self._state_is_tuple
                 else new_state)
        new_attns, new_attn_states = self._attention(query, attn_states)
        with variable_scope("attn_output_projection"):
            output = self._linear([cell_output, new_attns], self._attn_size)
        new_attn_states = array_ops.concat([new_attn_states, array_ops.expand_dims(output, 1)],
                                           1)
        new_attn_states = array_ops.reshape(new_attn_states,
                                            [-1, self._attn_length * self._attn_size])
        new_state = (new_state, new_attns, new_attn_states)
        if not self._state_is_tuple:
            new_state = array_ops.concat(list(new_state), 1)
        return output, new_state

    def _attention(self, query, attn_states):
        length, size, vec_size = self._attn_length, self._attn_size, self._attn_vec_size
        with variable_scope("attention"):
            k = self._track(get_variable("attn_w", [1, 1, size, vec_size]))
            v = self._track(get_variable("attn_v", [vec_size]))
            hidden = array_ops.reshape(attn_states, [-1, length, 1, size])
            hidden_features = nn_ops.conv2d(hidden, k, [1, 1, 1, 1], "SAME")
            y = array_ops.reshape(self._linear(query, vec_size), [-1, 1, 1, vec_size])
            scores = math_ops.reduce_sum(v * math_ops.tanh(hidden_features + y), [2, 3])
            weights = nn_ops.softmax(scores)
            read = math_ops.reduce_sum(
                array_ops.reshape(weights, [-1, length, 1, 1]) * hidden, [1, 2])
            new_attns = array_ops.reshape(read, [-1, size])
            # The oldest output leaves the window; call() appends the newest.
            new_attn_states = array_ops.slice(attn_states, [0, 1, 0], [-1, -1, -1])
            return new_attns, new_attn_states
