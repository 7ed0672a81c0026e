"""Learning-rate schedules computed in the graph from the global step."""

from ..graph import convert_to_tensor, name_scope
from ..ops import array_ops, math_ops


def exponential_decay(
    learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None
):
    """``learning_rate * decay_rate ** (global_step / decay_steps)`` as a tensor.

    With ``staircase=True`` the exponent is floored, so the rate drops every
    ``decay_steps`` steps. ``global_step`` is usually the variable ``minimize`` increments.
    """
    if global_step is None:
        raise ValueError("global_step is required for exponential_decay.")
    with name_scope(name or "ExponentialDecay") as scope:
        learning_rate = convert_to_tensor(learning_rate, name="learning_rate")
        dtype = learning_rate.dtype
        decay_steps = array_ops.cast(decay_steps, dtype)
        decay_rate = array_ops.cast(decay_rate, dtype)
        step = array_ops.cast(global_step, dtype)
        exponent = math_ops.truediv(step, decay_steps)
        if staircase:
            exponent = math_ops.floor(exponent)
        return math_ops.multiply(learning_rate, math_ops.pow(decay_rate, exponent), name=scope)
