"""``tensorflow.python.ops.gradient_checker_v2``: the gradient checker that takes a function.

``compute_gradient(f, x)`` differentiates ``f`` at the point ``x`` (a list of arrays or
tensors): each argument becomes a placeholder of its shape, ``f`` builds its result from
them, and the theoretical and numerical Jacobians are those of ``tf.test.compute_gradient``.
While building a graph, ``f`` joins the default graph and runs in the default session (so it
may use the graph's variables); with eager execution on it is traced into a graph of its own.
"""

import numpy as np

from ... import graph as _graph
from ...eager import context as _context
from ...gradient_checker import compute_gradient as _compute_gradient_v1
from ...ops import array_ops


def _value(x):
    if hasattr(x, "numpy"):
        return np.asarray(x.numpy())
    if isinstance(x, _graph.Tensor):
        session = _graph.get_default_session()
        if session is None:
            raise ValueError(f"compute_gradient needs values for its points, got the tensor "
                             f"{x.name} with no default session to evaluate it")
        return np.asarray(session.run(x))
    return np.asarray(x)


def _jacobians(f, values, delta):
    placeholders = [array_ops.placeholder(_dtype_of(v), shape=v.shape, name=f"x{i}")
                    for i, v in enumerate(values)]
    y = _graph.convert_to_tensor(f(*placeholders))
    pairs = _compute_gradient_v1(placeholders, [list(v.shape) for v in values], y,
                                 y.shape.as_list(), x_init_value=list(values), delta=delta)
    theoretical = tuple(pair[0] for pair in pairs)
    numerical = tuple(pair[1] for pair in pairs)
    return theoretical, numerical


def _dtype_of(value):
    from ... import dtypes

    if value.dtype == np.float64 and value.ndim == 0 and isinstance(value.item(), float):
        return dtypes.float64
    return dtypes.as_dtype(value.dtype)


def compute_gradient(f, x, delta=1e-3):
    """``(theoretical, numerical)``: tuples with one Jacobian per argument of ``f``, each of
    shape ``[size of that argument, size of f's result]``."""
    if not isinstance(x, (list, tuple)):
        raise ValueError(f"`x` must be a list or tuple of points, got {type(x).__name__}")
    values = [_value(v) for v in x]
    if _context.executing_eagerly():
        from ...session import Session

        with _context.graph_mode() as graph, Session(graph=graph):
            return _jacobians(f, values, delta)
    return _jacobians(f, values, delta)


def max_error(grad1, grad2):
    """The largest element-wise difference between two lists of Jacobians."""
    error = 0.0
    for j_t, j_n in zip(grad1, grad2, strict=True):
        if j_t.size or j_n.size:
            error = max(error, float(np.fabs(j_t - j_n).max()))
    return error
