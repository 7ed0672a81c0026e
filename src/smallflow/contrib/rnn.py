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


class LSTMBlockCell(LSTMCell):
    """TF1's single-op LSTM cell, here as the same arithmetic in ordinary ops.

    TensorFlow runs it as one ``LSTMBlockCell`` kernel; its results are those of
    ``LSTMCell`` with the same options: gates ordered (i, ci, f, o) in one ``kernel`` of
    ``[input_depth + num_units, 4 * num_units]`` and a zero-initialised ``bias``,
    ``forget_bias`` added to f, optional peepholes ``w_i_diag``/``w_f_diag``/``w_o_diag``
    and cell clipping; the state is always an ``LSTMStateTuple`` and the variables live
    under ``lstm_cell`` unless named otherwise, so checkpoints line up with TensorFlow's.
    """

    def __init__(self, num_units, forget_bias=1.0, cell_clip=None, use_peephole=False,
                 dtype=None, reuse=None, name="lstm_cell"):
        if cell_clip is not None and cell_clip < 0:
            cell_clip = None  # TensorFlow's kernel reads a negative clip as "no clipping"
        super().__init__(num_units, use_peepholes=use_peephole, cell_clip=cell_clip,
                         forget_bias=forget_bias, state_is_tuple=True, reuse=reuse,
                         name=name, dtype=dtype)

__all__ = [
    "BasicLSTMCell",
    "BasicRNNCell",
    "DropoutWrapper",
    "GRUCell",
    "LSTMBlockCell",
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
