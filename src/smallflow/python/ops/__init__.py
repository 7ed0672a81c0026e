"""``tensorflow.python.ops``: the op modules TF1 programs import (``math_ops``,
``array_ops``, ``nn_ops``, ...), each answering with the public function of the same name."""

import sys as _sys

from ... import rnn_cell_impl

# TensorFlow's module of the RNN cells is smallflow's module of that name.
_sys.modules[f"{__name__}.rnn_cell_impl"] = rnn_cell_impl
