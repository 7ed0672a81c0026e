"""``tf.contrib.rnn``: the cells and unrolling functions under their contrib names."""

from ..rnn import static_bidirectional_rnn, static_rnn
from ..rnn_cell_impl import (
    BasicLSTMCell,
    BasicRNNCell,
    DropoutWrapper,
    GRUCell,
    LSTMCell,
    LSTMStateTuple,
    MultiRNNCell,
    OutputProjectionWrapper,
    ResidualWrapper,
    RNNCell,
)
from ._missing import missing_attribute

__all__ = [
    "BasicLSTMCell",
    "BasicRNNCell",
    "DropoutWrapper",
    "GRUCell",
    "LSTMCell",
    "LSTMStateTuple",
    "MultiRNNCell",
    "OutputProjectionWrapper",
    "RNNCell",
    "ResidualWrapper",
    "static_bidirectional_rnn",
    "static_rnn",
]

__getattr__ = missing_attribute(__name__, "tf.contrib.rnn")
