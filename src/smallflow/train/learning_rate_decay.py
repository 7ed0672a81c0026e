"""Learning-rate schedules computed in the graph from the global step."""

import math

from ..graph import convert_to_tensor, name_scope
from ..ops import array_ops, math_ops, random_ops, special_math_ops


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


def _schedule_inputs(learning_rate, global_step, what):
    if global_step is None:
        raise ValueError(f"global_step is required for {what}.")
    learning_rate = convert_to_tensor(learning_rate, name="learning_rate")
    dtype = learning_rate.dtype
    return learning_rate, dtype, array_ops.cast(global_step, dtype)


def piecewise_constant(x, boundaries, values, name=None):
    """``values[i]`` while ``boundaries[i-1] < x <= boundaries[i]`` (first and last open)."""
    if len(boundaries) != len(values) - 1:
        raise ValueError("The length of boundaries should be 1 less than the length of values")
    with name_scope(name or "PiecewiseConstant"):
        x = convert_to_tensor(x)
        values = [convert_to_tensor(v) for v in values]
        dtype = values[0].dtype
        for v in values[1:]:
            if v.dtype != dtype:
                raise ValueError(f"Values must have elements all with the same dtype "
                                 f"({dtype.name} != {v.dtype.name}).")
        result = values[-1]
        # From the last interval down, so that the first matching boundary wins.
        for boundary, value in reversed(list(zip(boundaries, values[:-1]))):
            bound = array_ops.cast(boundary, x.dtype)
            result = array_ops.where(math_ops.less_equal(x, bound), value, result)
        return array_ops.identity(result, name="PiecewiseConstant")


piecewise_constant_decay = piecewise_constant


def polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001,
                     power=1.0, cycle=False, name=None):
    """``(lr - end) * (1 - step / decay_steps) ** power + end``; with ``cycle`` the decay
    restarts with ``decay_steps`` multiplied up to the next multiple beyond the step."""
    with name_scope(name or "PolynomialDecay") as scope:
        lr, dtype, step = _schedule_inputs(learning_rate, global_step, "polynomial_decay")
        end = array_ops.cast(end_learning_rate, dtype)
        power = array_ops.cast(power, dtype)
        steps = array_ops.cast(decay_steps, dtype)
        if cycle:
            multiplier = math_ops.ceil(step / steps)
            # At step 0 the multiplier is 1, not 0.
            multiplier = array_ops.where(math_ops.equal(step, 0.0),
                                         array_ops.ones_like(multiplier), multiplier)
            steps = steps * multiplier
        else:
            step = math_ops.minimum(step, steps)
        fraction = 1.0 - step / steps
        return math_ops.add((lr - end) * math_ops.pow(fraction, power), end, name=scope[:-1])


def _decayed_exponent(step, decay_steps, staircase, dtype):
    exponent = step / array_ops.cast(decay_steps, dtype)
    return math_ops.floor(exponent) if staircase else exponent


def natural_exp_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """``lr * exp(-decay_rate * step / decay_steps)`` (exponent floored with staircase)."""
    with name_scope(name or "NaturalExpDecay") as scope:
        lr, dtype, step = _schedule_inputs(learning_rate, global_step, "natural_exp_decay")
        exponent = _decayed_exponent(step, decay_steps, staircase, dtype)
        rate = array_ops.cast(decay_rate, dtype)
        return math_ops.multiply(lr, math_ops.exp(-rate * exponent), name=scope[:-1])


def inverse_time_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                       name=None):
    """``lr / (1 + decay_rate * step / decay_steps)`` (ratio floored with staircase)."""
    with name_scope(name or "InverseTimeDecay") as scope:
        lr, dtype, step = _schedule_inputs(learning_rate, global_step, "inverse_time_decay")
        exponent = _decayed_exponent(step, decay_steps, staircase, dtype)
        rate = array_ops.cast(decay_rate, dtype)
        return math_ops.truediv(lr, 1.0 + rate * exponent, name=scope[:-1])


def _cosine(fraction):
    return 0.5 * (1.0 + special_math_ops.cos(math.pi * fraction))


def cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None):
    """``lr * ((1 - alpha) * (1 + cos(pi * step / decay_steps)) / 2 + alpha)``, the step
    capped at ``decay_steps``."""
    with name_scope(name or "CosineDecay") as scope:
        lr, dtype, step = _schedule_inputs(learning_rate, global_step, "cosine_decay")
        steps = array_ops.cast(decay_steps, dtype)
        step = math_ops.minimum(step, steps)
        alpha = array_ops.cast(alpha, dtype)
        decayed = (1.0 - alpha) * _cosine(step / steps) + alpha
        return math_ops.multiply(lr, decayed, name=scope[:-1])


def cosine_decay_restarts(learning_rate, global_step, first_decay_steps, t_mul=2.0, m_mul=1.0,
                          alpha=0.0, name=None):
    """Cosine decay with warm restarts (SGDR): period ``i`` lasts ``first * t_mul ** i``
    steps and starts from ``lr * m_mul ** i``."""
    with name_scope(name or "SGDRDecay") as scope:
        lr, dtype, step = _schedule_inputs(learning_rate, global_step,
                                           "cosine_decay_restarts")
        first = array_ops.cast(first_decay_steps, dtype)
        alpha = array_ops.cast(alpha, dtype)
        fraction = step / first
        if t_mul == 1.0:
            restarts = math_ops.floor(fraction)
            fraction = fraction - restarts
        else:
            growth = array_ops.cast(t_mul, dtype)
            restarts = math_ops.floor(math_ops.log(1.0 - fraction * (1.0 - growth))
                                      / math_ops.log(growth))
            done = (1.0 - math_ops.pow(growth, restarts)) / (1.0 - growth)
            fraction = (fraction - done) / math_ops.pow(growth, restarts)
        factor = math_ops.pow(array_ops.cast(m_mul, dtype), restarts)
        decayed = (1.0 - alpha) * factor * _cosine(fraction) + alpha
        return math_ops.multiply(lr, decayed, name=scope[:-1])


def linear_cosine_decay(learning_rate, global_step, decay_steps, num_periods=0.5, alpha=0.0,
                        beta=0.001, name=None):
    """``lr * ((alpha + linear) * cosine + beta)``: a linear ramp to 0 times a cosine of
    ``num_periods`` periods over ``decay_steps``."""
    with name_scope(name or "LinearCosineDecay") as scope:
        lr, dtype, step = _schedule_inputs(learning_rate, global_step, "linear_cosine_decay")
        decayed = _linear_cosine(step, dtype, decay_steps, num_periods, alpha, beta, None)
        return math_ops.multiply(lr, decayed, name=scope[:-1])


def _linear_cosine(step, dtype, decay_steps, num_periods, alpha, beta, noise):
    steps = array_ops.cast(decay_steps, dtype)
    step = math_ops.minimum(step, steps)
    linear = (steps - step) / steps
    if noise is not None:
        linear = linear + noise(step)
    fraction = 2.0 * array_ops.cast(num_periods, dtype) * step / steps
    return (array_ops.cast(alpha, dtype) + linear) * _cosine(fraction) + beta


def noisy_linear_cosine_decay(learning_rate, global_step, decay_steps, initial_variance=1.0,
                              variance_decay=0.55, num_periods=0.5, alpha=0.0, beta=0.001,
                              name=None):
    """``linear_cosine_decay`` with Gaussian noise of variance
    ``initial_variance / (1 + step) ** variance_decay`` added to the linear part."""
    with name_scope(name or "NoisyLinearCosineDecay") as scope:
        lr, dtype, step = _schedule_inputs(learning_rate, global_step,
                                           "noisy_linear_cosine_decay")

        def noise(capped_step):
            variance = initial_variance / math_ops.pow(1.0 + capped_step, variance_decay)
            return random_ops.random_normal([], dtype=dtype) * math_ops.sqrt(variance)

        decayed = _linear_cosine(step, dtype, decay_steps, num_periods, alpha, beta, noise)
        return math_ops.multiply(lr, decayed, name=scope[:-1])
