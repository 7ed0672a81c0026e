"""``tf.contrib.rnn.stack_bidirectional_rnn`` / ``stack_bidirectional_dynamic_rnn``.

Layers of bidirectional RNNs where each layer reads the previous layer's forward and
backward outputs concatenated (unlike a MultiRNNCell in each direction, whose directions
only meet at the top). Variables live under ``stack_bidirectional_rnn/cell_<i>/
bidirectional_rnn/{fw,bw}/...``, TensorFlow's names.
"""

from ..ops import array_ops
from ..rnn import bidirectional_dynamic_rnn, static_bidirectional_rnn
from ..variable_scope import variable_scope

__all__ = ["stack_bidirectional_dynamic_rnn", "stack_bidirectional_rnn"]


def _check_layers(cells_fw, cells_bw, initial_states_fw, initial_states_bw):
    if not cells_fw:
        raise ValueError("Must specify at least one fw cell for BidirectionalRNN.")
    if not cells_bw:
        raise ValueError("Must specify at least one bw cell for BidirectionalRNN.")
    if not isinstance(cells_fw, list):
        raise ValueError("cells_fw must be a list of RNNCells (one per layer).")
    if not isinstance(cells_bw, list):
        raise ValueError("cells_bw must be a list of RNNCells (one per layer).")
    if len(cells_fw) != len(cells_bw):
        raise ValueError("Forward and Backward cells must have the same depth.")
    for states, which in ((initial_states_fw, "fw"), (initial_states_bw, "bw")):
        if states is not None and (not isinstance(states, list)
                                   or len(states) != len(cells_fw)):
            raise ValueError(f"initial_states_{which} must be a list of state tensors (one "
                             "per layer).")


def _nth(states, i):
    return states[i] if states else None


def stack_bidirectional_rnn(cells_fw, cells_bw, inputs, initial_states_fw=None,
                            initial_states_bw=None, dtype=None, sequence_length=None,
                            scope=None):
    """Static (list of time steps) stacked bidirectional RNN.

    Returns ``(outputs, output_states_fw, output_states_bw)``: the last layer's per-step
    outputs (forward and backward concatenated) and each layer's final states.
    """
    _check_layers(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
    states_fw, states_bw = [], []
    layer = inputs
    with variable_scope(scope or "stack_bidirectional_rnn"):
        for i, (cell_fw, cell_bw) in enumerate(zip(cells_fw, cells_bw)):
            with variable_scope(f"cell_{i}") as cell_scope:
                layer, state_fw, state_bw = static_bidirectional_rnn(
                    cell_fw, cell_bw, layer, initial_state_fw=_nth(initial_states_fw, i),
                    initial_state_bw=_nth(initial_states_bw, i), dtype=dtype,
                    sequence_length=sequence_length, scope=cell_scope)
            states_fw.append(state_fw)
            states_bw.append(state_bw)
    return layer, tuple(states_fw), tuple(states_bw)


def stack_bidirectional_dynamic_rnn(cells_fw, cells_bw, inputs, initial_states_fw=None,
                                    initial_states_bw=None, dtype=None, sequence_length=None,
                                    parallel_iterations=None, time_major=False, scope=None,
                                    swap_memory=False):
    """``dynamic_rnn`` form: ``inputs`` is one ``[batch, time, depth]`` tensor (time first
    with ``time_major``). Returns ``(outputs, output_states_fw, output_states_bw)``, the
    outputs being the last layer's forward and backward outputs concatenated on depth."""
    _check_layers(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
    states_fw, states_bw = [], []
    layer = inputs
    with variable_scope(scope or "stack_bidirectional_rnn"):
        for i, (cell_fw, cell_bw) in enumerate(zip(cells_fw, cells_bw)):
            with variable_scope(f"cell_{i}"):
                outputs, (state_fw, state_bw) = bidirectional_dynamic_rnn(
                    cell_fw, cell_bw, layer, initial_state_fw=_nth(initial_states_fw, i),
                    initial_state_bw=_nth(initial_states_bw, i),
                    sequence_length=sequence_length, parallel_iterations=parallel_iterations,
                    dtype=dtype, swap_memory=swap_memory, time_major=time_major)
                layer = array_ops.concat(outputs, 2)
            states_fw.append(state_fw)
            states_bw.append(state_bw)
    return layer, tuple(states_fw), tuple(states_bw)
