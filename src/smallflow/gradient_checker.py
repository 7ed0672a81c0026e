"""Numeric versus symbolic Jacobians, to check gradient functions (TF1's tf.test API)."""

import numpy as np

from .gradients import gradients
from .graph import convert_to_tensor, get_default_session, name_scope
from .ops import array_ops
from .ops.indexed_slices import IndexedSlices, densify
from .session import Session


def _session_for(graph):
    """The default session if it runs ``graph``, else a new session (and a flag to close it)."""
    session = get_default_session()
    if session is not None and session.graph is graph:
        return session, False
    return Session(graph=graph), True


def _checked_init(x, x_shape, x_init_value, rng):
    """The point at which to differentiate: the given value, or uniform in [0, 1)."""
    dtype = x.dtype.as_numpy_dtype
    if x_init_value is None:
        return rng.random(x_shape).astype(dtype)
    value = np.asarray(x_init_value, dtype=dtype)
    if value.shape != tuple(x_shape):
        raise ValueError(f"x_init_value has shape {value.shape} but {x.name} is checked at "
                         f"shape {tuple(x_shape)}")
    return value.copy()


def _theoretical(session, xs, x_values, dxs, y_shape, dy, feeds):
    """Jacobians from the gradient graph: one run per entry of y, seeding it with 1."""
    y_size = int(np.prod(y_shape, dtype=np.int64))
    jacobians = [np.zeros((v.size, y_size)) for v in x_values]
    wanted = [(i, dx) for i, dx in enumerate(dxs) if dx is not None]
    if not wanted:
        return jacobians
    seed = np.zeros(y_shape, dtype=dy.dtype.as_numpy_dtype)
    feed = dict(feeds)
    feed.update(zip(xs, x_values, strict=True))
    feed[dy] = seed
    fetches = [dx for _, dx in wanted]
    for column in range(y_size):
        seed.flat[:] = 0
        seed.flat[column] = 1
        values = session.run(fetches, feed)
        for (i, _), value in zip(wanted, values, strict=True):
            jacobians[i][:, column] = np.array(value, dtype=np.float64).ravel()
    return jacobians


def _numerical(session, xs, x_values, y, y_shape, delta, feeds):
    """Jacobians by central differences, computed in float64.

    Each entry of x is moved by +-delta; the difference is divided by the step the input's
    dtype could actually represent, which keeps float32 checks honest. Results are copied:
    a fetched value may be the very array that was fed (through Identity ops).
    """
    y_size = int(np.prod(y_shape, dtype=np.int64))
    jacobians = []
    base = dict(feeds)
    base.update(zip(xs, x_values, strict=True))
    for x, value in zip(xs, x_values, strict=True):
        jacobian = np.zeros((value.size, y_size))
        moved = value.copy()
        feed = dict(base)
        feed[x] = moved
        for row in range(value.size):
            original = value.flat[row]
            moved.flat[row] = original + delta
            up_input = np.float64(moved.flat[row])
            y_up = np.array(session.run(y, feed), dtype=np.float64)
            moved.flat[row] = original - delta
            down_input = np.float64(moved.flat[row])
            y_down = np.array(session.run(y, feed), dtype=np.float64)
            moved.flat[row] = original
            jacobian[row, :] = ((y_up - y_down) / (up_input - down_input)).ravel()
        jacobians.append(jacobian)
    return jacobians


def compute_gradient(x, x_shape, y, y_shape, x_init_value=None, delta=1e-3, init_targets=None,
                     extra_feed_dict=None, seed=0):
    """The theoretical and numerical Jacobians of ``y`` with respect to ``x``.

    Returns ``(theoretical, numerical)``, each of shape ``[x size, y size]`` (float64), or a
    list of such pairs when ``x`` is a list (then ``x_shape`` and ``x_init_value`` are lists
    too). ``x`` is fed: a placeholder, or any tensor of the graph. Without ``x_init_value``
    the point is drawn uniformly from [0, 1) with ``numpy.random.default_rng(seed)``. Runs in
    the default session when it holds ``y``'s graph, else in a session of its own.
    Build the graph in float64 for tight checks; float32 graphs work with a larger delta.
    """
    single = not isinstance(x, list | tuple)
    xs = [x] if single else list(x)
    shapes = [x_shape] if single else list(x_shape)
    inits = [x_init_value] if single else list(x_init_value or [None] * len(xs))
    if len(shapes) != len(xs) or len(inits) != len(xs):
        raise ValueError("x, x_shape and x_init_value must be lists of one length")
    xs = [convert_to_tensor(t) for t in xs]
    y = convert_to_tensor(y)
    for tensor, shape in zip(xs, shapes, strict=True):
        if not tensor.shape.is_compatible_with(shape):
            raise ValueError(f"x_shape {list(shape)} does not fit {tensor.name}, whose shape "
                             f"is {tensor.shape}")
    # TensorFlow seeds the backward pass with a tensor of y_shape: a y_shape of the same size
    # as y's (``[1]`` for a scalar) is accepted and reshaped to y's shape.
    reshape_seed = (not y.shape.is_compatible_with(y_shape) and y.shape.is_fully_defined()
                    and y.shape.num_elements() == int(np.prod(y_shape, dtype=np.int64)))
    if not y.shape.is_compatible_with(y_shape) and not reshape_seed:
        raise ValueError(f"y_shape {list(y_shape)} does not fit {y.name}, whose shape is "
                         f"{y.shape}")
    rng = np.random.default_rng(seed)
    x_values = [_checked_init(t, s, v, rng) for t, s, v in zip(xs, shapes, inits, strict=True)]
    with y.graph.as_default(), name_scope("gradient_checker"):
        dy = array_ops.placeholder(y.dtype, shape=y_shape, name="dy")
        seed = array_ops.reshape(dy, y.shape.as_list()) if reshape_seed else dy
        # A row gather's gradient is IndexedSlices; its Jacobian is that of the dense sum.
        dxs = [densify(dx) if isinstance(dx, IndexedSlices) else dx
               for dx in gradients(y, xs, grad_ys=seed)]
    session, owned = _session_for(y.graph)
    try:
        for target in init_targets or []:
            session.run(target)
        feeds = dict(extra_feed_dict or {})
        theoretical = _theoretical(session, xs, x_values, dxs, y_shape, dy, feeds)
        numerical = _numerical(session, xs, x_values, y, y_shape, delta, feeds)
    finally:
        if owned:
            session.close()
    pairs = list(zip(theoretical, numerical, strict=True))
    return pairs[0] if single else pairs


def compute_gradient_error(x, x_shape, y, y_shape, x_init_value=None, delta=1e-3,
                           init_targets=None, extra_feed_dict=None, seed=0):
    """The largest absolute difference between the theoretical and numerical Jacobians."""
    result = compute_gradient(x, x_shape, y, y_shape, x_init_value, delta, init_targets,
                              extra_feed_dict, seed)
    pairs = [result] if isinstance(result, tuple) else result
    error = 0.0
    for theoretical, numerical in pairs:
        if theoretical.size:
            # np.maximum, not max(): a NaN in either Jacobian must make the error NaN (as in
            # TensorFlow), never be skipped by a comparison that is False for NaN.
            error = float(np.maximum(error, np.max(np.abs(theoretical - numerical))))
    return error
