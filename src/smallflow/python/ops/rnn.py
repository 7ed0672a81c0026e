"""``tensorflow.python.ops.rnn``: ``dynamic_rnn``, ``static_rnn`` and their bidirectional
forms, and the ``rnn_cell_impl`` module TensorFlow's ``rnn`` module imports."""

from ... import rnn_cell_impl
from ...rnn import (
    bidirectional_dynamic_rnn,
    dynamic_rnn,
    raw_rnn,
    static_bidirectional_rnn,
    static_rnn,
)

__all__ = ["bidirectional_dynamic_rnn", "dynamic_rnn", "raw_rnn", "rnn_cell_impl",
           "static_bidirectional_rnn", "static_rnn"]
