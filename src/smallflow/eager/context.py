"""Switching eager execution on and off (``tf.enable_eager_execution``, TF 1.x's rules)."""

import contextlib

from .. import graph as _graph
from . import execute, tensor

_MODE = {"enabled": False}


def _graph_has_ops(graph):
    return graph is not None and not graph._eager and bool(graph._ops)


def enable_eager_execution(config=None, device_policy=None, execution_mode=None):
    """Run ops as they are made from now on, in this whole program (TF 1.x's switch).

    As in TensorFlow 1.x it must come first: once a graph holds ops it is a ValueError.
    ``config`` (a ConfigProto), ``device_policy`` and ``execution_mode`` are accepted; the
    ops run on the CPU, synchronously, whatever they say.
    """
    if config is not None and not hasattr(config, "intra_op_parallelism_threads"):
        raise TypeError(f"config must be a tf.ConfigProto, but got {type(config)}")
    stack = _graph._default_graph_stack
    if _MODE["enabled"]:
        return
    if stack.stack or _graph_has_ops(stack.global_default):
        raise ValueError("tf.enable_eager_execution must be called at program startup.")
    _switch(True)


def enable_eager_execution_internal(config=None, device_policy=None, execution_mode=None,
                                    server_def=None):
    enable_eager_execution(config, device_policy, execution_mode)


def disable_eager_execution():
    """Build graphs again (``tf.compat.v1.disable_eager_execution``): call it at program
    startup too, before any tensor is made."""
    if _MODE["enabled"]:
        _switch(False)


def _switch(on):
    stack = _graph._default_graph_stack
    type(stack).factory = execute.EagerGraph if on else _graph.Graph
    stack.global_default = None
    if on:
        stack.global_default = tensor._CONTEXT["graph"] = execute.EagerGraph()
    _MODE["enabled"] = on


def executing_eagerly():
    """True when ops run as they are made: eager execution is on and no graph is entered."""
    return _graph.get_default_graph()._eager


def eager_enabled():
    """True once ``enable_eager_execution`` was called (even inside a graph block)."""
    return _MODE["enabled"]


@contextlib.contextmanager
def eager_mode():
    """Eager execution inside the block only (tests; TensorFlow's ``context.eager_mode``)."""
    stack = _graph._default_graph_stack
    was_on = _MODE["enabled"]
    saved_default = stack.global_default
    saved_entered = list(stack.stack)
    stack.stack[:] = []
    if not was_on:
        _switch(True)
    try:
        yield
    finally:
        if not was_on:
            _switch(False)
        stack.global_default = saved_default
        stack.stack[:] = saved_entered


@contextlib.contextmanager
def graph_mode():
    """A fresh graph as the default inside the block (TensorFlow's ``context.graph_mode``)."""
    with _graph.Graph().as_default() as graph:
        yield graph
