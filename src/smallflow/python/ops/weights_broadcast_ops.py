"""``tensorflow.python.ops.weights_broadcast_ops``: weights checked against, and broadcast
to, the shape of the values they weigh (losses and metrics use them)."""

from ...graph import control_dependencies, convert_to_tensor, name_scope
from ...ops import array_ops, control_flow_ops, math_ops


def _static_check(weights, values):
    w_shape, v_shape = weights.shape, values.shape
    if w_shape.ndims is None or v_shape.ndims is None or w_shape.ndims == 0:
        return
    received = f"Received weights={weights}, values={values}"
    if w_shape.ndims != v_shape.ndims:
        raise ValueError(
            f"weights can not be broadcast to values. values.rank={v_shape.ndims}. "
            f"weights.rank={w_shape.ndims}. values.shape={v_shape}. weights.shape={w_shape}. "
            f"{received}")
    dims = zip(w_shape.as_list(), v_shape.as_list(), strict=True)
    for index, (w_dim, v_dim) in enumerate(dims):
        if w_dim is not None and v_dim is not None and w_dim not in (1, v_dim):
            raise ValueError(
                f"weights can not be broadcast to values. Mismatch at dim {index}. "
                f"values.shape={v_shape}, weights.shape={w_shape}. {received}")


def assert_broadcastable(weights, values):
    """An op checking that ``weights`` broadcast to ``values`` (rank 0, or the same rank
    with each dimension 1 or equal). Shapes known when building are checked at once and
    raise ValueError; the op itself is then a no-op."""
    with name_scope(None, "assert_broadcastable", (weights, values)):
        weights = convert_to_tensor(weights, name="weights")
        values = convert_to_tensor(values, name="values")
        _static_check(weights, values)
        return control_flow_ops.no_op(name="static_check")


def broadcast_weights(weights, values):
    """``weights`` broadcast to the shape of ``values`` (cast to ``values``' dtype)."""
    with name_scope(None, "broadcast_weights", (weights, values)):
        values = convert_to_tensor(values, name="values")
        weights = convert_to_tensor(weights, name="weights")
        if weights.dtype.base_dtype != values.dtype.base_dtype:
            weights = math_ops.cast(weights, values.dtype.base_dtype)
        w_shape, v_shape = weights.shape, values.shape
        if (w_shape.is_fully_defined() and v_shape.is_fully_defined()
                and w_shape.is_compatible_with(v_shape)):
            return weights
        with control_dependencies((assert_broadcastable(weights, values),)):
            ones = array_ops.ones_like(values, dtype=values.dtype.base_dtype)
            return math_ops.multiply(weights, ones)


__all__ = ["assert_broadcastable", "broadcast_weights"]
