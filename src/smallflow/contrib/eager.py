"""``tf.contrib.eager`` (``tfe``): eager execution's helpers in TensorFlow 1.x.

The mode switch, ``Variable``, the tape and the function-gradient helpers, ``Iterator``,
``Saver`` / ``Checkpoint``, ``metrics``, ``Network`` (the 1.4-1.8 container of layers),
``EagerVariableStore``, and ``defun`` (``tf.function``: the function traced once per input
signature and run as one compiled plan).
"""

import contextlib

from ..def_function import defun
from ..eager import metrics
from ..eager.checkpoint import Checkpoint, Saver
from ..eager.context import (
    disable_eager_execution,
    enable_eager_execution,
    executing_eagerly,
)
from ..eager.iterator import Iterator
from ..eager.tape import (
    GradientTape,
    gradients_function,
    implicit_gradients,
    implicit_value_and_gradients,
    value_and_gradients_function,
)
from ..graph import get_default_graph
from ..keras.engine.training import Model as _Model
from ..ops.eager_py_func_ops import py_function as py_func
from ..variable_scope import _VariableStore
from ..variables import Variable
from ._missing import missing_attribute

__all__ = ["Checkpoint", "EagerVariableStore", "GradientTape", "Iterator", "Network", "Saver",
           "Variable", "defun", "disable_eager_execution", "enable_eager_execution",
           "executing_eagerly", "function", "get_optimizer_variables", "gradients_function",
           "implicit_gradients", "implicit_value_and_gradients", "in_eager_mode",
           "in_graph_mode", "metrics", "num_gpus", "py_func", "restore_variables_on_create",
           "run", "value_and_gradients_function"]


def in_eager_mode():
    """``executing_eagerly`` under its TF 1.4 name."""
    return executing_eagerly()


def in_graph_mode():
    return not executing_eagerly()


def num_gpus():
    """The GPUs eager ops can use: none (smallflow runs on the CPU)."""
    return 0


def run():
    """TF 1.4's ``tfe.run()``: start the program with eager execution (``main`` is not run:
    call it yourself)."""
    enable_eager_execution()


function = defun


def get_optimizer_variables(optimizer):
    """The variables an optimizer keeps (its slots and Adam's beta powers)."""
    return list(optimizer.variables())


class EagerVariableStore:
    """Inside ``with store.as_default():`` ``tf.get_variable`` keeps eager variables by name
    and finds them again (outside, every call makes a new one)."""

    def __init__(self, store=None):
        self._store = store if store is not None else _VariableStore()
        self._store.store_eager = True

    @contextlib.contextmanager
    def as_default(self):
        graph = get_default_graph()
        previous = getattr(graph, "_variable_store", None)
        graph._variable_store = self._store
        try:
            yield self
        finally:
            graph._variable_store = previous

    def variables(self):
        return sorted(self._store.variables.values(), key=lambda v: v.name)

    def trainable_variables(self):
        return [v for v in self.variables() if v.trainable]

    def non_trainable_variables(self):
        return [v for v in self.variables() if not v.trainable]


class Network(_Model):
    """TF 1.4-1.8's ``tfe.Network``: a model whose layers are registered with
    ``track_layer``; calling it runs ``call``."""

    def track_layer(self, layer):
        tracked = self.__dict__.setdefault("_tracked_layers", [])
        if layer not in tracked:
            tracked.append(layer)
        return layer

    @property
    def layers(self):
        layers = list(super().layers)
        for layer in self.__dict__.get("_tracked_layers", []):
            if layer not in layers:
                layers.append(layer)
        return layers


def restore_variables_on_create(save_path, map_func=None):
    """Not provided: restore after creating the variables (``tfe.Saver(...).restore``)."""
    raise NotImplementedError("tfe.restore_variables_on_create is not provided: restore "
                              "with tfe.Saver(variables).restore(path) after creating them")


__getattr__ = missing_attribute(__name__, "tf.contrib.eager")
