"""``tensorflow.python.ops.rnn_cell``: the cells of ``tf.nn.rnn_cell`` (``BasicLSTMCell``,
``MultiRNNCell``, ``LSTMStateTuple``, ...)."""

import importlib


def __getattr__(name):
    cells = importlib.import_module("smallflow.nn").rnn_cell
    if not name.startswith("__") and hasattr(cells, name):
        return getattr(cells, name)
    raise AttributeError(f"module '{__name__}' has no attribute '{name}'")
