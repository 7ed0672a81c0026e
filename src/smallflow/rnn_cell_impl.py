"""``tf.nn.rnn_cell``: recurrent cells with TensorFlow 1.x's variables, names and maths.

A cell is called as ``output, new_state = cell(inputs, state)``. Its first call opens a
variable scope named after the cell (``basic_lstm_cell``, made unique like TF's layers)
inside the caller's scope and creates the variables there; later calls reuse them. So
``dynamic_rnn(BasicLSTMCell(n), ...)`` owns ``rnn/basic_lstm_cell/kernel`` and ``.../bias``
exactly as TensorFlow names them, and checkpoints line up. Initial values follow
TensorFlow's defaults: kernels from the scope's initializer (Glorot uniform unless set),
biases zero (GRU gates: one).
"""

import collections
import re

from . import dtypes, init_ops, nest
from .graph import convert_to_tensor, get_default_session, name_scope
from .graph import device as graph_device
from .ops import array_ops, math_ops, nn_ops
from .variable_scope import get_variable, reenter_variable_scope, variable_scope
from .variables import load_layer_weights


def _concat(prefix, suffix):
    """``[prefix] + suffix`` as a shape list; ``prefix`` may be a scalar tensor."""
    if isinstance(suffix, int):
        suffix = [suffix]
    if isinstance(prefix, int):
        return [prefix, *suffix]
    return array_ops.stack([prefix, *[convert_to_tensor(d, dtype=dtypes.int32)
                                      for d in suffix]])


def _zeros(batch_size, size, dtype):
    shape = _concat(batch_size, size)
    if isinstance(shape, list):
        return array_ops.zeros(shape, dtype=dtype)
    return array_ops.fill(shape, array_ops.constant(0, dtype=dtype))


def _snake(name):
    """``BasicLSTMCell`` -> ``basic_lstm_cell``: the default scope name TF's layers use."""
    words = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", words).lower()


class RNNCell:
    """The base cell: ``state_size``, ``output_size``, ``zero_state`` and scoped calls."""

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        self._name = name
        self._dtype = dtypes.as_dtype(dtype) if dtype is not None else None
        self._reuse = kwargs.pop("_reuse", None)
        self._scope = None
        self.built = False
        self.trainable = trainable
        self._variables = []

    @property
    def name(self):
        return self._name or _snake(type(self).__name__)

    @property
    def dtype(self):
        return self._dtype

    @property
    def state_size(self):
        raise NotImplementedError("Abstract method")

    @property
    def output_size(self):
        raise NotImplementedError("Abstract method")

    @property
    def variables(self):
        return list(self._variables)

    weights = variables

    @property
    def trainable_variables(self):
        """The cell's variables when it is trainable (TensorFlow 1.x's layers), else none."""
        return list(self._variables) if self.trainable else []

    trainable_weights = trainable_variables

    @property
    def non_trainable_variables(self):
        return [] if self.trainable else list(self._variables)

    non_trainable_weights = non_trainable_variables

    # A cell is a tf.layers.Layer in TensorFlow 1.x: it has no losses or updates of its own.
    losses = property(lambda self: [])
    updates = property(lambda self: [])

    def count_params(self):
        """How many numbers the cell's variables hold (the cell must be built)."""
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on {self.name}, but the layer "
                             "isn't built. You can build it manually via: "
                             f"`{self.name}.build(batch_input_shape)`.")
        return sum(int(v.shape.num_elements()) for v in self.variables)

    def get_weights(self):
        """The variables' values, read in the default session."""
        return _default_session("get_weights").run(self.variables)

    def set_weights(self, weights):
        """Load ``weights`` (arrays in the order of ``weights``) in the default session."""
        load_layer_weights(self.name, self.variables, weights, get_default_session())

    def apply(self, inputs, *args, **kwargs):
        """``cell(inputs, state)`` (tf.layers' other spelling of a call)."""
        return self(inputs, *args, **kwargs)

    def build(self, inputs_shape):
        self.built = True

    def call(self, inputs, state):
        raise NotImplementedError("Abstract method")

    def add_variable(self, name, shape, dtype=None, initializer=None, **unused):
        variable = get_variable(name, shape=shape, dtype=dtype or self._dtype or dtypes.float32,
                                initializer=initializer, trainable=self.trainable)
        if variable not in self._variables:
            self._variables.append(variable)
        return variable

    add_weight = add_variable

    def __call__(self, inputs, state, scope=None):
        inputs = _convert_nest(inputs)
        if scope is not None:
            reuse = True if self.built else None
            with variable_scope(scope, reuse=reuse) as opened:
                self._scope = self._scope or opened
                return self._build_and_call(inputs, state)
        if self._scope is None:
            reuse = self._reuse if self._reuse else None
            with variable_scope(None, default_name=self.name, reuse=reuse) as opened:
                self._scope = opened
                return self._build_and_call(inputs, state)
        with reenter_variable_scope(self._scope):
            return self._build_and_call(inputs, state)

    def _build_and_call(self, inputs, state):
        if not self.built:
            first = nest.flatten(inputs)[0]
            if self._dtype is None:
                self._dtype = first.dtype
            self.build(first.shape)
            self.built = True
        return self.call(inputs, state)

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        if inputs is not None:
            inputs = convert_to_tensor(inputs)
            batch_size = inputs.shape.as_list()[0] if inputs.shape.ndims else None
            if batch_size is None:
                batch_size = array_ops.shape(inputs)[0]
            dtype = dtype or inputs.dtype
        return self.zero_state(batch_size, dtype or dtypes.float32)

    def zero_state(self, batch_size, dtype):
        """Zeros shaped like the state, for ``batch_size`` rows (an int or a scalar tensor)."""
        with name_scope(type(self).__name__ + "ZeroState"):
            return nest.map_structure(lambda size: _zeros(batch_size, size, dtype),
                                      self.state_size)


def _default_session(verb):
    session = get_default_session()
    if session is None:
        raise ValueError(f"{verb} needs a default session (use `with sess.as_default()`)")
    return session


def _convert_nest(value):
    return nest.map_structure(convert_to_tensor, value)


LayerRNNCell = RNNCell


class UnitsCell(RNNCell):
    """A cell whose state and output are both ``num_units`` wide (``self._num_units``)."""

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self):
        return self._num_units


class BasicRNNCell(UnitsCell):
    """``output = new_state = activation(W [inputs, state] + b)``."""

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None,
                 **kwargs):
        super().__init__(name=name, dtype=dtype, _reuse=reuse, **kwargs)
        self._num_units = num_units
        self._activation = activation or math_ops.tanh

    def build(self, inputs_shape):
        depth = _static_depth(inputs_shape)
        self._kernel = self.add_variable("kernel", [depth + self._num_units, self._num_units])
        self._bias = self.add_variable("bias", [self._num_units],
                                       initializer=init_ops.zeros_initializer())
        self.built = True

    def call(self, inputs, state):
        gate_inputs = math_ops.matmul(array_ops.concat([inputs, state], 1), self._kernel)
        output = self._activation(nn_ops.bias_add(gate_inputs, self._bias))
        return output, output


def _static_depth(inputs_shape):
    depth = inputs_shape[-1] if inputs_shape.ndims else None
    depth = getattr(depth, "value", depth)
    if depth is None:
        raise ValueError(f"Expected inputs.shape[-1] to be known, saw shape: {inputs_shape}")
    return int(depth)


class GRUCell(UnitsCell):
    """Gated recurrent unit (Cho et al., 2014) with TF's ``gates`` and ``candidate`` scopes."""

    def __init__(self, num_units, activation=None, reuse=None, kernel_initializer=None,
                 bias_initializer=None, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype, _reuse=reuse, **kwargs)
        self._num_units = num_units
        self._activation = activation or math_ops.tanh
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    def build(self, inputs_shape):
        depth = _static_depth(inputs_shape)
        units = self._num_units
        gate_bias = self._bias_initializer or init_ops.constant_initializer(1.0)
        candidate_bias = self._bias_initializer or init_ops.zeros_initializer()
        with variable_scope("gates"):
            self._gate_kernel = self.add_variable("kernel", [depth + units, 2 * units],
                                                  initializer=self._kernel_initializer)
            self._gate_bias = self.add_variable("bias", [2 * units], initializer=gate_bias)
        with variable_scope("candidate"):
            self._candidate_kernel = self.add_variable("kernel", [depth + units, units],
                                                       initializer=self._kernel_initializer)
            self._candidate_bias = self.add_variable("bias", [units],
                                                     initializer=candidate_bias)
        self.built = True

    def call(self, inputs, state):
        gate_inputs = math_ops.matmul(array_ops.concat([inputs, state], 1), self._gate_kernel)
        value = math_ops.sigmoid(nn_ops.bias_add(gate_inputs, self._gate_bias))
        r, u = array_ops.split(value, 2, axis=1)
        candidate = math_ops.matmul(array_ops.concat([inputs, r * state], 1),
                                    self._candidate_kernel)
        c = self._activation(nn_ops.bias_add(candidate, self._candidate_bias))
        new_h = u * state + (1 - u) * c
        return new_h, new_h


class LSTMStateTuple(collections.namedtuple("LSTMStateTuple", ("c", "h"))):
    """The (cell state, output) pair an LSTM carries from step to step."""

    __slots__ = ()

    @property
    def dtype(self):
        c, h = self
        if c.dtype != h.dtype:
            raise TypeError(f"Inconsistent internal state: {c.dtype} vs {h.dtype}")
        return c.dtype


class BasicLSTMCell(RNNCell):
    """The LSTM of Zaremba et al. (2014): no peepholes, ``forget_bias`` added to f."""

    def __init__(self, num_units, forget_bias=1.0, state_is_tuple=True, activation=None,
                 reuse=None, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype, _reuse=reuse, **kwargs)
        self._num_units = num_units
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = activation or math_ops.tanh

    @property
    def state_size(self):
        units = self._num_units
        return LSTMStateTuple(units, units) if self._state_is_tuple else 2 * units

    @property
    def output_size(self):
        return self._num_units

    def build(self, inputs_shape):
        depth = _static_depth(inputs_shape)
        units = self._num_units
        self._kernel = self.add_variable("kernel", [depth + units, 4 * units])
        self._bias = self.add_variable("bias", [4 * units],
                                       initializer=init_ops.zeros_initializer())
        self.built = True

    def call(self, inputs, state):
        if self._state_is_tuple:
            c, h = state
        else:
            c, h = array_ops.split(state, 2, axis=1)
        gates = math_ops.matmul(array_ops.concat([inputs, h], 1), self._kernel)
        gates = nn_ops.bias_add(gates, self._bias)
        i, j, f, o = array_ops.split(gates, 4, axis=1)
        forget_bias = array_ops.constant(self._forget_bias, dtype=f.dtype)
        sigmoid = math_ops.sigmoid
        new_c = c * sigmoid(f + forget_bias) + sigmoid(i) * self._activation(j)
        new_h = self._activation(new_c) * sigmoid(o)
        if self._state_is_tuple:
            return new_h, LSTMStateTuple(new_c, new_h)
        return new_h, array_ops.concat([new_c, new_h], 1)


class LSTMCell(RNNCell):
    """The LSTM with optional peepholes, cell clipping and an output projection."""

    def __init__(self, num_units, use_peepholes=False, cell_clip=None, initializer=None,
                 num_proj=None, proj_clip=None, num_unit_shards=None, num_proj_shards=None,
                 forget_bias=1.0, state_is_tuple=True, activation=None, reuse=None, name=None,
                 dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype, _reuse=reuse, **kwargs)
        self._num_units = num_units
        self._use_peepholes = use_peepholes
        self._cell_clip = cell_clip
        self._initializer = initializer
        self._num_proj = num_proj
        self._proj_clip = proj_clip
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = activation or math_ops.tanh

    @property
    def state_size(self):
        h = self._num_proj or self._num_units
        if self._state_is_tuple:
            return LSTMStateTuple(self._num_units, h)
        return self._num_units + h

    @property
    def output_size(self):
        return self._num_proj or self._num_units

    def build(self, inputs_shape):
        depth = _static_depth(inputs_shape)
        units = self._num_units
        h_depth = self._num_proj or units
        self._kernel = self.add_variable("kernel", [depth + h_depth, 4 * units],
                                         initializer=self._initializer)
        self._bias = self.add_variable("bias", [4 * units],
                                       initializer=init_ops.zeros_initializer())
        if self._use_peepholes:
            self._w_f_diag = self.add_variable("w_f_diag", [units],
                                               initializer=self._initializer)
            self._w_i_diag = self.add_variable("w_i_diag", [units],
                                               initializer=self._initializer)
            self._w_o_diag = self.add_variable("w_o_diag", [units],
                                               initializer=self._initializer)
        if self._num_proj is not None:
            with variable_scope("projection"):
                self._proj_kernel = self.add_variable("kernel", [units, self._num_proj],
                                                      initializer=self._initializer)
        self.built = True

    def call(self, inputs, state):
        units = self._num_units
        if self._state_is_tuple:
            c_prev, m_prev = state
        else:
            c_prev = array_ops.slice(state, [0, 0], [-1, units])
            m_prev = array_ops.slice(state, [0, units], [-1, self._num_proj or units])
        lstm_matrix = math_ops.matmul(array_ops.concat([inputs, m_prev], 1), self._kernel)
        lstm_matrix = nn_ops.bias_add(lstm_matrix, self._bias)
        i, j, f, o = array_ops.split(lstm_matrix, 4, axis=1)
        sigmoid = math_ops.sigmoid
        if self._use_peepholes:
            c = (sigmoid(f + self._forget_bias + self._w_f_diag * c_prev) * c_prev
                 + sigmoid(i + self._w_i_diag * c_prev) * self._activation(j))
        else:
            c = sigmoid(f + self._forget_bias) * c_prev + sigmoid(i) * self._activation(j)
        if self._cell_clip is not None:
            c = math_ops.clip_by_value(c, -self._cell_clip, self._cell_clip)
        if self._use_peepholes:
            m = sigmoid(o + self._w_o_diag * c) * self._activation(c)
        else:
            m = sigmoid(o) * self._activation(c)
        if self._num_proj is not None:
            m = math_ops.matmul(m, self._proj_kernel)
            if self._proj_clip is not None:
                m = math_ops.clip_by_value(m, -self._proj_clip, self._proj_clip)
        if self._state_is_tuple:
            return m, LSTMStateTuple(c, m)
        return m, array_ops.concat([c, m], 1)


class MultiRNNCell(RNNCell):
    """Cells stacked in layers: each layer's output is the next layer's input."""

    def __init__(self, cells, state_is_tuple=True):
        super().__init__()
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        if not nest.is_sequence(cells):
            raise TypeError(f"cells must be a list or tuple, but saw: {cells}.")
        self._cells = list(cells)
        self._state_is_tuple = state_is_tuple
        if not state_is_tuple and any(nest.is_sequence(c.state_size) for c in self._cells):
            raise ValueError("Some cells return tuples of states, but the flag "
                             f"state_is_tuple is not set. State sizes are: "
                             f"{[c.state_size for c in self._cells]}")

    @property
    def state_size(self):
        if self._state_is_tuple:
            return tuple(cell.state_size for cell in self._cells)
        return sum(cell.state_size for cell in self._cells)

    @property
    def output_size(self):
        return self._cells[-1].output_size

    @property
    def variables(self):
        return [v for cell in self._cells for v in cell.variables]

    trainable_variables = trainable_weights = weights = variables

    def zero_state(self, batch_size, dtype):
        with name_scope(type(self).__name__ + "ZeroState"):
            if self._state_is_tuple:
                return tuple(cell.zero_state(batch_size, dtype) for cell in self._cells)
            return super().zero_state(batch_size, dtype)

    def build(self, inputs_shape):
        self.built = True

    def call(self, inputs, state):
        current = inputs
        new_states = []
        start = 0
        for index, cell in enumerate(self._cells):
            with variable_scope(f"cell_{index}"):
                if self._state_is_tuple:
                    if not nest.is_sequence(state):
                        raise ValueError(f"Expected state to be a tuple of length "
                                         f"{len(self.state_size)}, but received: {state}")
                    cell_state = state[index]
                else:
                    size = cell.state_size
                    cell_state = array_ops.slice(state, [0, start], [-1, size])
                    start += size
                current, new_state = cell(current, cell_state)
                new_states.append(new_state)
        if self._state_is_tuple:
            return current, tuple(new_states)
        return current, array_ops.concat(new_states, 1)


class _Wrapper(RNNCell):
    """A cell around another cell; the inner cell's variables keep their own scope."""

    def __init__(self, cell):
        super().__init__()
        if not callable(cell) or not hasattr(cell, "state_size"):
            raise TypeError(f"The parameter cell is not a RNNCell: {cell!r}")
        self._cell = cell

    @property
    def wrapped_cell(self):
        return self._cell

    @property
    def state_size(self):
        return self._cell.state_size

    @property
    def output_size(self):
        return self._cell.output_size

    @property
    def variables(self):
        return self._cell.variables

    trainable_variables = trainable_weights = weights = variables

    def zero_state(self, batch_size, dtype):
        with name_scope(type(self).__name__ + "ZeroState"):
            return self._cell.zero_state(batch_size, dtype)

    def __call__(self, inputs, state, scope=None):
        # Like TF's wrappers: no scope of their own, so the inner cell's names are kept.
        return self.call(_convert_nest(inputs), state, scope)


class DropoutWrapper(_Wrapper):
    """Dropout on a cell's inputs, outputs and (optionally) state, with keep probabilities.

    ``variational_recurrent=True`` (Gal & Ghahramani) draws one mask per ``Session.run``
    for the inputs, the state and the outputs, shared by every time step and every batch
    row (noise of shape ``[1, size]``, as TF 1.x), instead of a new mask at every step.
    """

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0,
                 variational_recurrent=False, input_size=None, dtype=None, seed=None,
                 dropout_state_filter_visitor=None):
        super().__init__(cell)
        for value, what in ((input_keep_prob, "input_keep_prob"),
                            (output_keep_prob, "output_keep_prob"),
                            (state_keep_prob, "state_keep_prob")):
            if isinstance(value, float | int) and not 0 < value <= 1:
                raise ValueError(f"Parameter {what} must be between 0 and 1: {value}")
        self._input_keep_prob = input_keep_prob
        self._output_keep_prob = output_keep_prob
        self._state_keep_prob = state_keep_prob
        self._seed = seed
        self._variational = variational_recurrent
        self._noise = {}
        if variational_recurrent:
            self._make_noise(input_size, dtype)
        self._filter = dropout_state_filter_visitor

    def _make_noise(self, input_size, dtype):
        """The variational masks' uniform noise, ``[1, size]`` per part (drawn each run)."""
        if dtype is None:
            raise ValueError("When variational_recurrent=True, dtype must be provided")
        from .ops.random_ops import random_uniform

        salts = iter(range(10, 10**6))

        def noise(size):
            seed = None if self._seed is None else self._seed + next(salts)
            return random_uniform([1, *_dims_of(size)], seed=seed, dtype=dtype)

        with name_scope("DropoutWrapperInit"):
            if not (isinstance(self._input_keep_prob, float | int)
                    and self._input_keep_prob == 1):
                if input_size is None:
                    raise ValueError("When variational_recurrent=True and input_keep_prob < "
                                     "1.0 or is unknown, input_size must be provided")
                self._noise[1] = nest.map_structure(noise, input_size)
            self._noise[2] = nest.map_structure(noise, self._cell.state_size)
            self._noise[3] = nest.map_structure(noise, self._cell.output_size)

    def _dropout(self, values, keep_prob, salt):
        if isinstance(keep_prob, float | int) and keep_prob == 1:
            return values
        if self._variational:
            return self._variational_dropout(values, keep_prob, self._noise[salt])
        seed = None if self._seed is None else self._seed + salt

        def drop(value):
            return nn_ops.dropout(value, keep_prob=keep_prob, seed=seed)

        return nest.map_structure(drop, values)

    def _filtered_state_dropout(self, state, noise):
        """Dropout on the parts of the state the filter visitor selects: by default all but
        each LSTM's memory cell ``c`` (at any depth, as TF's default visitor)."""
        visitor = self._filter or _default_state_filter
        decision = visitor(state)
        children = isinstance(state, tuple | list)

        def part(value, part_noise):
            if self._variational:
                return self._variational_dropout(value, self._state_keep_prob, part_noise)
            return self._dropout(value, self._state_keep_prob, 2)

        if isinstance(decision, bool):
            if not decision:
                return state
            if not children:
                return part(state, noise)
            noises = noise if noise is not None else [None] * len(state)
            parts = [self._filtered_state_dropout(s, n) for s, n in zip(state, noises)]
            return type(state)(*parts) if hasattr(state, "_fields") else type(state)(parts)
        noises = noise if noise is not None else [None] * len(state)
        parts = [part(s, n) if d else s for s, d, n in zip(state, decision, noises)]
        return type(state)(*parts) if hasattr(state, "_fields") else type(state)(parts)

    @staticmethod
    def _variational_dropout(values, keep_prob, noise):
        def drop(value, uniform):
            # floor(keep + U[0, 1)) is 1 with probability keep; kept values are scaled up.
            kept = math_ops.floor(keep_prob + uniform)
            dropped = math_ops.div(value, keep_prob) * kept
            dropped.set_shape(value.shape)
            return dropped

        return nest.map_structure(drop, values, noise)

    def call(self, inputs, state, scope=None):
        inputs = self._dropout(inputs, self._input_keep_prob, 1)
        output, new_state = self._cell(inputs, state, scope=scope)
        if not (isinstance(self._state_keep_prob, float | int) and self._state_keep_prob == 1):
            new_state = self._filtered_state_dropout(new_state, self._noise.get(2))
        output = self._dropout(output, self._output_keep_prob, 3)
        return output, new_state


def _default_state_filter(substate):
    """TF 1.x's default: drop every part of the state except an LSTM's memory cell."""
    if isinstance(substate, LSTMStateTuple):
        return LSTMStateTuple(c=False, h=True)
    return not hasattr(substate, "flow")  # TensorArrays are left alone


def _dims_of(size):
    """A state/output size (int or TensorShape) as a list of dimensions."""
    return [size] if isinstance(size, int) else list(size)


class ResidualWrapper(_Wrapper):
    """A cell whose output is the inner cell's output plus its input."""

    def __init__(self, cell, residual_fn=None):
        super().__init__(cell)
        self._residual_fn = residual_fn

    def call(self, inputs, state, scope=None):
        output, new_state = self._cell(inputs, state, scope=scope)
        if self._residual_fn is not None:
            return self._residual_fn(inputs, output), new_state
        nest.assert_same_structure(inputs, output)
        return nest.map_structure(lambda i, o: i + o, inputs, output), new_state


class DeviceWrapper(_Wrapper):
    """A cell whose ops (and zero state) are placed on ``device``."""

    def __init__(self, cell, device):
        super().__init__(cell)
        self._device = device

    def zero_state(self, batch_size, dtype):
        with name_scope(type(self).__name__ + "ZeroState"), graph_device(self._device):
            return self._cell.zero_state(batch_size, dtype)

    def call(self, inputs, state, scope=None):
        with graph_device(self._device):
            return self._cell(inputs, state, scope=scope)


class OutputProjectionWrapper(RNNCell):
    """A cell whose output goes through a dense layer of ``output_size`` units."""

    def __init__(self, cell, output_size, activation=None, reuse=None):
        super().__init__(_reuse=reuse)
        if output_size < 1:
            raise ValueError(f"Parameter output_size must be > 0: {output_size}.")
        self._cell = cell
        self._output_size = output_size
        self._activation = activation

    @property
    def state_size(self):
        return self._cell.state_size

    @property
    def output_size(self):
        return self._output_size

    def zero_state(self, batch_size, dtype):
        with name_scope(type(self).__name__ + "ZeroState"):
            return self._cell.zero_state(batch_size, dtype)

    def call(self, inputs, state):
        output, new_state = self._cell(inputs, state)
        depth = _static_depth(output.shape)
        kernel = self.add_variable("kernel", [depth, self._output_size],
                                   dtype=output.dtype)
        bias = self.add_variable("bias", [self._output_size], dtype=output.dtype,
                                 initializer=init_ops.zeros_initializer())
        projected = nn_ops.bias_add(math_ops.matmul(output, kernel), bias)
        if self._activation is not None:
            projected = self._activation(projected)
        return projected, new_state


__all__ = [
    "BasicLSTMCell",
    "BasicRNNCell",
    "DeviceWrapper",
    "DropoutWrapper",
    "GRUCell",
    "LSTMCell",
    "LSTMStateTuple",
    "MultiRNNCell",
    "OutputProjectionWrapper",
    "RNNCell",
    "ResidualWrapper",
]
