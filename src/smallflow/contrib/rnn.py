"""``tf.contrib.rnn``: the cells and unrolling functions under their contrib names, plus
the wrappers TF 1.x moved out of core into contrib (``EmbeddingWrapper``,
``InputProjectionWrapper``), which the legacy seq2seq models build on."""

import math

from .. import init_ops, logging, nest
from ..graph import name_scope
from ..ops import array_ops, math_ops, nn_ops
from ..ops.nn_extra_ops import embedding_lookup
from ..rnn import _transpose_batch_time, static_bidirectional_rnn, static_rnn
from ..rnn_cell_impl import (
    BasicLSTMCell,
    BasicRNNCell,
    DeviceWrapper,
    DropoutWrapper,
    GRUCell,
    LSTMCell,
    LSTMStateTuple,
    MultiRNNCell,
    OutputProjectionWrapper,
    ResidualWrapper,
    RNNCell,
)
from ..variable_scope import get_variable, get_variable_scope
from ._missing import missing_attribute
from .rnn_block_cells import (
    FusedRNNCell,
    FusedRNNCellAdaptor,
    GRUBlockCell,
    GRUBlockCellV2,
    LSTMBlockCell,
    LSTMBlockFusedCell,
    LSTMBlockWrapper,
    TimeReversedFusedRNN,
)
from .rnn_cells import AttentionCellWrapper, LayerNormBasicLSTMCell, NASCell
from .rnn_cells_extra import (
    Conv1DLSTMCell,
    Conv2DLSTMCell,
    Conv3DLSTMCell,
    ConvLSTMCell,
    CoupledInputForgetGateLSTMCell,
    HighwayWrapper,
    IndRNNCell,
    IndyGRUCell,
    IndyLSTMCell,
    IntersectionRNNCell,
    UGRNNCell,
)
from .rnn_stacks import stack_bidirectional_dynamic_rnn, stack_bidirectional_rnn


def _check_cell(cell):
    if not callable(cell) or not hasattr(cell, "state_size") or not hasattr(cell, "output_size"):
        raise TypeError("The parameter cell is not RNNCell.")


class _InnerCellWrapper(RNNCell):
    """A cell in front of another: the inner cell's state and zero state, its scope inside
    the wrapper's (``embedding_wrapper/basic_lstm_cell/...``, as TensorFlow names them)."""

    def __init__(self, cell, reuse=None):
        super().__init__(_reuse=reuse)
        _check_cell(cell)
        self._cell = cell

    @property
    def state_size(self):
        return self._cell.state_size

    @property
    def output_size(self):
        return self._cell.output_size

    def zero_state(self, batch_size, dtype):
        with name_scope(type(self).__name__ + "ZeroState"):
            return self._cell.zero_state(batch_size, dtype)


class EmbeddingWrapper(_InnerCellWrapper):
    """Feeds the cell the embedding rows of integer symbols (``[batch]`` or ``[batch, 1]``).

    The ``embedding`` variable (``[embedding_classes, embedding_size]``, of the state's
    dtype) is drawn from ``initializer``, else the scope's initializer, else uniformly from
    [-sqrt(3), sqrt(3)] so its entries have variance 1.
    """

    def __init__(self, cell, embedding_classes, embedding_size, initializer=None, reuse=None):
        super().__init__(cell, reuse=reuse)
        if embedding_classes <= 0 or embedding_size <= 0:
            raise ValueError(f"Both embedding_classes and embedding_size must be > 0: "
                             f"{embedding_classes}, {embedding_size}.")
        self._embedding_classes = embedding_classes
        self._embedding_size = embedding_size
        self._initializer = initializer

    def call(self, inputs, state):
        initializer = self._initializer or get_variable_scope().initializer
        if initializer is None:
            limit = math.sqrt(3.0)
            initializer = init_ops.random_uniform_initializer(-limit, limit)
        data_type = nest.flatten(state)[0].dtype
        embedding = get_variable("embedding", [self._embedding_classes, self._embedding_size],
                                 dtype=data_type, initializer=initializer)
        if embedding not in self._variables:
            self._variables.append(embedding)
        embedded = embedding_lookup(embedding, array_ops.reshape(inputs, [-1]))
        return self._cell(embedded, state)


class InputProjectionWrapper(_InnerCellWrapper):
    """Projects the inputs to ``num_proj`` units (``kernel``, zero ``bias``, optional
    ``activation``) before the cell. ``input_size`` is deprecated and ignored, as in TF."""

    def __init__(self, cell, num_proj, activation=None, input_size=None, reuse=None):
        super().__init__(cell, reuse=reuse)
        if input_size is not None:
            logging.warning("%s: The input_size parameter is deprecated.", self)
        self._num_proj = num_proj
        self._activation = activation

    def call(self, inputs, state):
        depth = inputs.shape.as_list()[-1]
        if depth is None:
            raise ValueError(f"InputProjectionWrapper needs the inputs' last dimension: "
                             f"{inputs.shape}")
        kernel = self.add_variable("kernel", [depth, self._num_proj], dtype=inputs.dtype)
        bias = self.add_variable("bias", [self._num_proj], dtype=inputs.dtype,
                                 initializer=init_ops.zeros_initializer())
        projected = nn_ops.bias_add(math_ops.matmul(inputs, kernel), bias)
        if self._activation is not None:
            projected = self._activation(projected)
        return self._cell(projected, state)


LayerRNNCell = RNNCell  # smallflow's cells all build their variables on first call


def transpose_batch_time(x):
    """Swap the first two dimensions of ``x`` (rank >= 2): batch-major <-> time-major."""
    return _transpose_batch_time(x)


def best_effort_input_batch_size(flat_input):
    """The batch size of the first of the time-major ``flat_input`` tensors with a static
    batch dimension, else the first one's dynamic size."""
    for tensor in flat_input:
        shape = tensor.shape
        if shape.ndims is None:
            continue
        if shape.ndims < 2:
            raise ValueError(f"Expected input tensor {tensor} to have rank at least 2")
        batch = shape.as_list()[1]
        if batch is not None:
            return batch
    return array_ops.shape(flat_input[0])[1]


__all__ = [
    "AttentionCellWrapper",
    "BasicLSTMCell",
    "BasicRNNCell",
    "Conv1DLSTMCell",
    "Conv2DLSTMCell",
    "Conv3DLSTMCell",
    "ConvLSTMCell",
    "CoupledInputForgetGateLSTMCell",
    "DeviceWrapper",
    "DropoutWrapper",
    "EmbeddingWrapper",
    "FusedRNNCell",
    "FusedRNNCellAdaptor",
    "GRUBlockCell",
    "GRUBlockCellV2",
    "GRUCell",
    "HighwayWrapper",
    "IndRNNCell",
    "IndyGRUCell",
    "IndyLSTMCell",
    "InputProjectionWrapper",
    "IntersectionRNNCell",
    "LSTMBlockCell",
    "LSTMBlockFusedCell",
    "LSTMBlockWrapper",
    "LayerNormBasicLSTMCell",
    "LayerRNNCell",
    "LSTMCell",
    "LSTMStateTuple",
    "MultiRNNCell",
    "NASCell",
    "OutputProjectionWrapper",
    "RNNCell",
    "ResidualWrapper",
    "stack_bidirectional_dynamic_rnn",
    "stack_bidirectional_rnn",
    "static_bidirectional_rnn",
    "static_rnn",
    "TimeReversedFusedRNN",
    "UGRNNCell",
    "best_effort_input_batch_size",
    "transpose_batch_time",
]

__getattr__ = missing_attribute(__name__, "tf.contrib.rnn")
