"""The global step: a non-trainable int64 variable counting training steps."""

import numpy as np

from .. import dtypes
from ..graph import GraphKeys, get_default_graph
from ..variables import Variable


def get_global_step(graph=None):
    """The graph's global step variable, or None.

    As TensorFlow 1.x: the one in the ``GLOBAL_STEP`` collection; with none there, whatever
    the graph calls ``global_step:0`` (programs make it with ``tf.Variable(0,
    name="global_step", trainable=False)`` and no collection), which must be an integer scalar.
    """
    graph = graph or get_default_graph()
    found = graph.get_collection(GraphKeys.GLOBAL_STEP)
    if len(found) > 1:
        raise TypeError("There should be only one global step tensor in the graph.")
    if found:
        return found[0]
    named = [v for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES)
             if getattr(v, "name", None) == "global_step:0"]
    if named:
        step = named[0]
    else:
        try:
            step = graph.get_tensor_by_name("global_step:0")
        except (KeyError, ValueError):
            return None
    _assert_global_step(step)
    return step


def _assert_global_step(step):
    if not step.dtype.base_dtype.is_integer:
        raise TypeError(f'Existing "global_step" does not have integer type: {step.dtype}')
    if step.shape.ndims != 0 and step.shape.is_fully_defined():
        raise TypeError(f'Existing "global_step" is not scalar: {step.shape}')


def create_global_step(graph=None):
    """Create the global step (``global_step:0``, int64, starting at 0)."""
    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError('"global_step" already exists.')
    with graph.as_default():
        return Variable(np.int64(0), trainable=False, name="global_step", dtype=dtypes.int64,
                        collections=[GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP])


def get_or_create_global_step(graph=None):
    """The graph's global step, created first if it has none."""
    # ``is None``, not truthiness: a variable, like a tensor, refuses to be a Python bool.
    step = get_global_step(graph)
    return step if step is not None else create_global_step(graph)


GLOBAL_STEP_READ_KEY = "global_step_read_op_cache"


def _get_or_create_global_step_read(graph=None):
    """``global_step + 0``: a copy of the step taken when it runs, not the variable.

    TensorFlow's hooks fetch this, not the variable: a fetched variable gives its value at
    the end of the run (after this step's increment), while this read is the step the run
    started from (TensorFlow's hooks then add one). Made once per graph (kept in the
    ``global_step_read_op_cache`` collection, TensorFlow's key), under ``global_step/``.
    """
    graph = graph or get_default_graph()
    found = graph.get_collection(GLOBAL_STEP_READ_KEY)
    if found:
        return found[0]
    step = get_global_step(graph)
    if step is None:
        return None
    from ..graph import name_scope

    with graph.as_default(), name_scope(None), name_scope(step.op.name + "/"):
        read = step + 0
    graph.add_to_collection(GLOBAL_STEP_READ_KEY, read)
    return read


def global_step(sess, global_step_tensor):
    """The current value of the global step as a Python int."""
    return int(sess.run(global_step_tensor))


def assert_global_step(global_step_tensor):
    """Raise TypeError unless ``global_step_tensor`` is an integer scalar variable or
    tensor (TensorFlow's checks and messages)."""
    from ..graph import Tensor

    if not isinstance(global_step_tensor, Variable | Tensor):
        raise TypeError(f"Existing \"global_step\" must be a Variable or Tensor: "
                        f"{global_step_tensor}.")
    if not global_step_tensor.dtype.base_dtype.is_integer:
        raise TypeError(f"Existing \"global_step\" does not have integer type: "
                        f"{global_step_tensor.dtype}")
    shape = global_step_tensor.shape
    if shape.ndims != 0 and shape.is_fully_defined():
        raise TypeError(f"Existing \"global_step\" is not scalar: {shape}")
