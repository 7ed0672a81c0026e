"""``tf.contrib.cudnn_rnn``: the cuDNN-compatible cells, and the cuDNN RNN layers as
TensorFlow 1.x has them on a machine without a GPU.

``CudnnCompatibleLSTMCell`` and ``CudnnCompatibleGRUCell`` are ordinary cells whose
variables and arithmetic match cuDNN's (an LSTM block cell with forget bias 0 under
``cudnn_compatible_lstm_cell``; a GRU whose candidate applies the reset gate after the
hidden projection and its bias): on a CPU they run a model trained with ``CudnnLSTM``/
``CudnnGRU``. The layers themselves build (the ``opaque_kernel`` variable, the outputs'
shapes) but their ops, ``CudnnRNNCanonicalToParams`` and ``CudnnRNN``, have GPU kernels
only in TensorFlow: running them here fails as it does there, with
``InvalidArgumentError: No OpKernel was registered to support Op ...``.
"""

from .. import dtypes, init_ops
from ..graph import convert_to_tensor, get_default_graph
from ..layers.base import Layer
from ..op_signature import FLOATS, signature
from ..ops import array_ops, math_ops, nn_ops
from ..ops.common import make_op
from ..registry import NotDifferentiable, RegisterGradient, register_op
from ..rnn_cell_impl import GRUCell, _static_depth
from ..tensor_shape import TensorShape
from ..variable_scope import get_variable, variable_scope
from ._missing import missing_attribute
from .rnn_block_cells import LSTMBlockCell

__all__ = ["CUDNN_GRU", "CUDNN_INPUT_AUTO_MODE", "CUDNN_INPUT_LINEAR_MODE",
           "CUDNN_INPUT_SKIP_MODE", "CUDNN_LSTM", "CUDNN_RNN_BIDIRECTION", "CUDNN_RNN_RELU",
           "CUDNN_RNN_TANH", "CUDNN_RNN_UNIDIRECTION", "CudnnCompatibleGRUCell",
           "CudnnCompatibleLSTMCell", "CudnnGRU", "CudnnLSTM", "CudnnRNNRelu", "CudnnRNNTanh"]

CUDNN_RNN_UNIDIRECTION = "unidirectional"
CUDNN_RNN_BIDIRECTION = "bidirectional"
CUDNN_LSTM = "lstm"
CUDNN_GRU = "gru"
CUDNN_RNN_RELU = "rnn_relu"
CUDNN_RNN_TANH = "rnn_tanh"
CUDNN_INPUT_LINEAR_MODE = "linear_input"
CUDNN_INPUT_SKIP_MODE = "skip_input"
CUDNN_INPUT_AUTO_MODE = "auto_select"

# Weight (and bias) matrices per layer and direction: one input and one recurrent per gate.
_PARAMS_PER_LAYER = {CUDNN_LSTM: 8, CUDNN_GRU: 6, CUDNN_RNN_TANH: 2, CUDNN_RNN_RELU: 2}


class CudnnCompatibleLSTMCell(LSTMBlockCell):
    """``LSTMBlockCell`` with ``forget_bias=0`` and no clipping or peepholes, under the scope
    ``cudnn_compatible_lstm_cell``: it reads the weights of a ``CudnnLSTM``."""

    def __init__(self, num_units, reuse=None):
        super().__init__(num_units, forget_bias=0.0, cell_clip=None, use_peephole=False,
                         reuse=reuse, name="cudnn_compatible_lstm_cell")


class CudnnCompatibleGRUCell(GRUCell):
    """cuDNN's GRU on the CPU::

        r, u = sigmoid([x, h] gates/kernel + gates/bias)        (gates/bias starts at 1)
        c = tanh(x W_in + b_in + r * (h W_hidden + b_hidden))
        h_new = (1 - u) * c + u * h

    (TensorFlow's GRUCell multiplies the reset gate into ``h`` before the projection and
    has no hidden bias: the two are not interchangeable.)"""

    def __init__(self, num_units, reuse=None, kernel_initializer=None):
        super().__init__(num_units, activation=None, reuse=reuse,
                         kernel_initializer=kernel_initializer)

    def build(self, inputs_shape):
        depth = _static_depth(inputs_shape)
        n = self._num_units
        kernel_init = self._kernel_initializer
        bias_init = self._bias_initializer
        self._gate_kernel = self.add_variable("gates/kernel", [depth + n, 2 * n],
                                              initializer=kernel_init)
        self._gate_bias = self.add_variable(
            "gates/bias", [2 * n],
            initializer=bias_init or init_ops.constant_initializer(1.0))
        self._candidate_input_kernel = self.add_variable(
            "candidate/input_projection/kernel", [depth, n], initializer=kernel_init)
        self._candidate_hidden_kernel = self.add_variable(
            "candidate/hidden_projection/kernel", [n, n], initializer=kernel_init)
        self._candidate_input_bias = self.add_variable(
            "candidate/input_projection/bias", [n],
            initializer=bias_init or init_ops.zeros_initializer())
        self._candidate_hidden_bias = self.add_variable(
            "candidate/hidden_projection/bias", [n],
            initializer=bias_init or init_ops.zeros_initializer())
        self.built = True

    def call(self, inputs, state):
        gates = math_ops.matmul(array_ops.concat([inputs, state], 1), self._gate_kernel)
        gates = math_ops.sigmoid(nn_ops.bias_add(gates, self._gate_bias))
        reset, update = array_ops.split(gates, 2, axis=1)
        candidate = nn_ops.bias_add(math_ops.matmul(inputs, self._candidate_input_kernel),
                                    self._candidate_input_bias)
        hidden = nn_ops.bias_add(math_ops.matmul(state, self._candidate_hidden_kernel),
                                 self._candidate_hidden_bias)
        candidate = self._activation(candidate + reset * hidden)
        new_h = (1 - update) * candidate + update * state
        return new_h, new_h


# -- the cuDNN ops: declared as TensorFlow declares them, with no CPU kernel ------------------

_NO_CPU_KERNEL = {"T": ()}

register_op("CudnnRNNCanonicalToParams", lambda attrs: None, lambda op: [TensorShape([None])],
            signature=signature("num_layers: int32, num_units: int32, input_size: int32, "
                                "weights: N * T, biases: N * T -> params: T",
                                kernels=_NO_CPU_KERNEL, T=FLOATS))
register_op("CudnnRNNV3", lambda attrs: None, lambda op: _forward_shapes(op),
            signature=signature("input: T, input_h: T, input_c: T, params: T, "
                                "sequence_lengths: int32 -> output: T, output_h: T, "
                                "output_c: T, reserve_space: T, host_reserved: int8",
                                kernels=_NO_CPU_KERNEL, T=FLOATS))
register_op("CudnnRNNBackpropV3", lambda attrs: None,
            lambda op: [op.inputs[i].shape for i in range(4)],
            signature=signature("input: T, input_h: T, input_c: T, params: T, "
                                "sequence_lengths: int32, output: T, output_h: T, output_c: T, "
                                "output_backprop: T, output_h_backprop: T, "
                                "output_c_backprop: T, reserve_space: T, host_reserved: int8 "
                                "-> input_backprop: T, input_h_backprop: T, "
                                "input_c_backprop: T, params_backprop: T",
                                kernels=_NO_CPU_KERNEL, T=FLOATS))
NotDifferentiable("CudnnRNNCanonicalToParams")
NotDifferentiable("CudnnRNNBackpropV3")


@RegisterGradient("CudnnRNNV3")
def _cudnn_rnn_grad(op, *grads):
    """The backward op, as TensorFlow builds it (it too runs on a GPU only)."""
    outputs = list(op.outputs)
    output_grads = [g if g is not None else array_ops.zeros_like(o)
                    for g, o in zip(grads[:3], outputs[:3])]
    backprop = make_op("CudnnRNNBackpropV3",
                       [*op.inputs, *outputs[:3], *output_grads, *outputs[3:]],
                       [op.inputs[0].dtype] * 4, dict(op.attrs))
    return [*backprop.outputs, None]


def _forward_shapes(op):
    time_major = op.attrs["time_major"]
    inputs = op.inputs[0].shape
    dims = inputs.as_list() if inputs.ndims is not None else [None, None, None]
    time, batch = (dims[0], dims[1]) if time_major else (dims[1], dims[0])
    width = op.attrs["num_dirs"] * op.attrs["num_units"]
    output = [time, batch, width] if time_major else [batch, time, width]
    state = op.inputs[1].shape
    c_shape = op.inputs[2].shape if op.attrs["rnn_mode"] == CUDNN_LSTM else TensorShape([0])
    return [TensorShape(output), state, c_shape, TensorShape([None]), TensorShape([None])]


class _CudnnRNN(Layer):
    """The cuDNN layers' common part: arguments checked as TensorFlow checks them, the
    ``opaque_kernel`` variable (cuDNN's packed parameters), time-major calls."""

    _rnn_mode = None

    def __init__(self, num_layers, num_units, input_mode=CUDNN_INPUT_LINEAR_MODE,
                 direction=CUDNN_RNN_UNIDIRECTION, dropout=0.0, seed=None,
                 dtype=dtypes.float32, kernel_initializer=None, bias_initializer=None,
                 name=None):
        super().__init__(dtype=dtype, name=name)
        if direction not in (CUDNN_RNN_UNIDIRECTION, CUDNN_RNN_BIDIRECTION):
            raise ValueError(f"Invalid direction: {direction}, expecting "
                             f"{CUDNN_RNN_UNIDIRECTION} or {CUDNN_RNN_BIDIRECTION}")
        if input_mode not in (CUDNN_INPUT_LINEAR_MODE, CUDNN_INPUT_SKIP_MODE,
                              CUDNN_INPUT_AUTO_MODE):
            raise ValueError(f"Invalid input_mode: {input_mode}, expect one of "
                             f"{CUDNN_INPUT_LINEAR_MODE}, {CUDNN_INPUT_SKIP_MODE}, "
                             f"{CUDNN_INPUT_AUTO_MODE}")
        dtype = dtypes.as_dtype(dtype)
        if dtype not in (dtypes.float16, dtypes.float32, dtypes.float64):
            raise ValueError(f"Only support float16, float32, float64, provided {dtype}")
        self._plain_dtype = dtype
        self._num_layers = num_layers
        self._num_units = num_units
        self._input_mode = input_mode
        self._direction = direction
        self._dropout = dropout
        self._seed = seed
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer
        self._input_size = None

    num_layers = property(lambda self: self._num_layers)
    num_units = property(lambda self: self._num_units)
    input_mode = property(lambda self: self._input_mode)
    input_size = property(lambda self: self._input_size)
    rnn_mode = property(lambda self: self._rnn_mode)
    direction = property(lambda self: self._direction)

    @property
    def num_dirs(self):
        return 1 if self._direction == CUDNN_RNN_UNIDIRECTION else 2

    def _canonical_shapes(self):
        """The per-gate weight and bias shapes cuDNN packs, layer by layer and direction."""
        return self.canonical_weight_shapes, self.canonical_bias_shapes

    @property
    def canonical_weight_shapes(self):
        """``(num_units, depth)`` per gate: the input weights then the recurrent ones, for
        each direction of each layer."""
        if not self._input_size:
            raise RuntimeError(f"{type(self).__name__}.canonical_weight_shapes invoked before "
                               f"input shape is known")
        gates = _PARAMS_PER_LAYER[self._rnn_mode] // 2
        units = self._num_units
        shapes = []
        for layer in range(self._num_layers):
            depth = self._input_size if layer == 0 else units * self.num_dirs
            per_direction = [(units, depth)] * gates + [(units, units)] * gates
            shapes.extend(per_direction * self.num_dirs)
        return shapes

    @property
    def canonical_bias_shapes(self):
        """``[num_units]`` per weight matrix (cuDNN has an input and a recurrent bias)."""
        count = self.num_dirs * _PARAMS_PER_LAYER[self._rnn_mode] * self._num_layers
        return [[self._num_units]] * count

    def build(self, input_shape):
        if self.built:
            return
        input_shape = TensorShape(input_shape)
        if input_shape.ndims != 3:
            raise ValueError(f"Expecting input_shape with 3 dims, got {input_shape.ndims}")
        depth = input_shape.as_list()[-1]
        if depth is None:
            raise ValueError("The last dimension of the inputs to `CudnnRNN` should be "
                             "defined. Found `None`.")
        self._input_size = depth
        kernel_init = self._kernel_initializer or init_ops.glorot_uniform_initializer(
            seed=self._seed, dtype=self._plain_dtype)
        bias_init = self._bias_initializer or init_ops.constant_initializer(
            0.0, dtype=self._plain_dtype)
        if self._scope is None:  # built by hand, before the first call
            with variable_scope(None, default_name=self._base_name) as scope:
                self._scope = scope
                self._name = scope.name.rpartition("/")[2]
        with variable_scope(self._scope, auxiliary_name_scope=False), \
                get_default_graph().name_scope(self._scope.original_name_scope):
            weight_shapes, bias_shapes = self._canonical_shapes()
            weights = [kernel_init(shape, dtype=self._plain_dtype) for shape in weight_shapes]
            biases = [bias_init(shape, dtype=self._plain_dtype) for shape in bias_shapes]
            scalars = [convert_to_tensor(v, dtype=dtypes.int32)
                       for v in (self._num_layers, self._num_units, depth)]
            # TensorFlow pins this op to the GPU: without one, the session cannot place it.
            with get_default_graph().device("/gpu:0"):
                params = make_op("CudnnRNNCanonicalToParams", [*scalars, *weights, *biases],
                                 [self._plain_dtype], self._op_attrs(len(weights))).outputs[0]
            self.kernel = get_variable("opaque_kernel", dtype=self._plain_dtype,
                                       initializer=params, validate_shape=False)
        self._trainable_weights.append(self.kernel)
        self.built = True

    def _op_attrs(self, count=None):
        attrs = {"rnn_mode": self._rnn_mode, "input_mode": self._input_mode,
                 "direction": self._direction, "dropout": float(self._dropout),
                 "seed": 0, "seed2": 0, "num_dirs": self.num_dirs, "num_units": self._num_units}
        if count is not None:
            attrs["num_params"] = count
        return attrs

    def state_shape(self, batch_size):
        shape = [self._num_layers * self.num_dirs, batch_size, self._num_units]
        return (shape, shape) if self._rnn_mode == CUDNN_LSTM else (shape,)

    def _zero_state(self, batch_size):
        return tuple(array_ops.zeros(s, dtype=self._plain_dtype)
                     for s in self.state_shape(batch_size))

    def call(self, inputs, initial_state=None, sequence_lengths=None, time_major=True,
             training=True):
        """``(outputs, states)``: outputs ``[time, batch, dirs * units]`` (time-major by
        default), states a tuple like ``initial_state`` (zeros when not given)."""
        if initial_state is not None and not isinstance(initial_state, tuple):
            raise TypeError(f"Invalid initial_state type: {initial_state}, expecting tuple.")
        inputs = convert_to_tensor(inputs, dtype=self._plain_dtype)
        batch = array_ops.shape(inputs)[1 if time_major else 0]
        state = self._zero_state(batch) if initial_state is None else initial_state
        h = convert_to_tensor(state[0], dtype=self._plain_dtype)
        c = (convert_to_tensor(state[1], dtype=self._plain_dtype)
             if self._rnn_mode == CUDNN_LSTM
             else array_ops.constant([], dtype=self._plain_dtype))
        if sequence_lengths is None:
            sequence_lengths = array_ops.fill([batch], array_ops.shape(inputs)[
                0 if time_major else 1])
        lengths = math_ops.cast(sequence_lengths, dtypes.int32)
        attrs = dict(self._op_attrs(), time_major=bool(time_major),
                     is_training=bool(training))
        op = make_op("CudnnRNNV3", [inputs, h, c, self.kernel.value(), lengths],
                     [self._plain_dtype] * 4 + [dtypes.int8], attrs)
        outputs, output_h, output_c = op.outputs[:3]
        if self._rnn_mode == CUDNN_LSTM:
            return outputs, (output_h, output_c)
        return outputs, (output_h,)


class CudnnLSTM(_CudnnRNN):
    """cuDNN's LSTM layer (states ``(h, c)``, each ``[layers * dirs, batch, units]``)."""

    _rnn_mode = CUDNN_LSTM


class CudnnGRU(_CudnnRNN):
    """cuDNN's GRU layer (state ``(h,)``)."""

    _rnn_mode = CUDNN_GRU


class CudnnRNNTanh(_CudnnRNN):
    """cuDNN's plain RNN layer with tanh (state ``(h,)``)."""

    _rnn_mode = CUDNN_RNN_TANH


class CudnnRNNRelu(_CudnnRNN):
    """cuDNN's plain RNN layer with ReLU (state ``(h,)``)."""

    _rnn_mode = CUDNN_RNN_RELU


__getattr__ = missing_attribute(__name__, "tf.contrib.cudnn_rnn")
