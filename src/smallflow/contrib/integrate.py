"""``tf.contrib.integrate``: ordinary differential equations solved inside the graph.

``odeint`` is TensorFlow 1.15's adaptive Dormand-Prince 5(4) solver (Shampine 1986): steps
grow or shrink by ``factor = clip(error_ratio ** (1/5) / safety, 1/ifactor, 1/dfactor)``
(``dt / factor``), a step is accepted when the RMS of ``error / (atol + rtol * max(|y0|,
|y1|))`` is at most 1, and values at the requested times come from the 4th-order
polynomial through the step's ends, its midpoint and both derivatives (dense output). The
first step is ``options['first_step']`` (1.0). Like TensorFlow it is a ``while_loop`` over
the requested times around a ``while_loop`` of steps, with TensorArrays for the solution
and the history that ``full_output`` returns (``num_func_evals`` = 6 per step + 1,
``integrate_points``, ``error_ratio``); run-time checks stop at an underflowing step, too
many steps between two times, non-finite states or decreasing times.

``odeint_fixed`` integrates on a fixed grid ('rk4', the classic Runge-Kutta, or 'midpoint'):
each interval of ``t`` is split into ``ceil(interval / dt)`` equal steps.
"""

__all__ = ["odeint", "odeint_fixed"]

# Dormand-Prince: the stage times, the stage weights, the 5th-order solution, the weights
# of the dense-output midpoint (halved: the midpoint is y0 + dt/2 * ...), and the difference
# between the 5th- and 4th-order solutions (the error estimate).
_ALPHA = [1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0]
_BETA = [[1 / 5],
         [3 / 40, 9 / 40],
         [44 / 45, -56 / 15, 32 / 9],
         [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
         [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
         [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84]]
_C_MID = [6025192743 / 30085553152 / 2, 0, 51252292925 / 65400821598 / 2,
          -2691868925 / 45128329728 / 2, 187940372067 / 1594534317056 / 2,
          -1776094331 / 19743644256 / 2, 11237099 / 235043384 / 2]
_C_ERROR = [1951 / 21600 - 35 / 384, 0, 22642 / 50085 - 500 / 1113, 451 / 720 - 125 / 192,
            -12231 / 42400 - -2187 / 6784, 649 / 6300 - 11 / 84, 1 / 60]
_DOPRI5_OPTIONS = ("first_step", "safety", "ifactor", "dfactor", "max_num_steps")


def _weighted_sum(tf, scale, weights, terms):
    """``sum(scale * w * k)`` over the nonzero weights."""
    parts = [(scale * w) * k for w, k in zip(weights, terms, strict=False) if w != 0]
    return tf.add_n(parts)


def _dopri5_step(tf, func, y0, f0, t0, dt):
    """One Dormand-Prince step: (y1, f1, error estimate, the seven stage derivatives)."""
    dt_y = tf.cast(dt, y0.dtype)
    k = [f0]
    for alpha, beta in zip(_ALPHA, _BETA, strict=True):
        yi = y0 + _weighted_sum(tf, dt_y, beta, k)
        k.append(func(yi, t0 + alpha * dt))
    # the last stage is evaluated at the solution itself (first same as last)
    y1 = tf.identity(yi, name="y1")
    f1 = tf.identity(k[-1], name="f1")
    return y1, f1, _weighted_sum(tf, dt_y, _C_ERROR, k), k


def _interp_coefficients(tf, y0, y1, k, dt):
    """Quartic ``a x^4 + b x^3 + c x^2 + d x + e`` on x in [0, 1] matching y and dy/dt at
    both ends and the dense-output midpoint."""
    dt = tf.cast(dt, y0.dtype)
    y_mid = y0 + _weighted_sum(tf, dt, _C_MID, k)
    f0, f1 = k[0], k[-1]
    a = 2 * dt * (f1 - f0) - 8 * (y0 + y1) + 16 * y_mid
    b = dt * (5 * f0 - 3 * f1) + 18 * y0 + 14 * y1 - 32 * y_mid
    c = dt * (f1 - 4 * f0) - 11 * y0 - 5 * y1 + 16 * y_mid
    return [a, b, c, dt * f0, y0]


def _interp_evaluate(tf, coefficients, t0, t1, t):
    check = tf.Assert((t0 <= t) & (t <= t1),
                      ["invalid interpolation, fails `t0 <= t <= t1`:", t0, t, t1])
    with tf.control_dependencies([check]):
        x = tf.cast((t - t0) / (t1 - t0), coefficients[0].dtype)
    value = coefficients[0]
    for coefficient in coefficients[1:]:
        value = value * x + coefficient
    return value


def _abs_square(tf, x):
    if x.dtype.is_complex:
        return tf.square(tf.real(x)) + tf.square(tf.imag(x))
    return tf.square(x)


def _dopri5(tf, func, y0, t, rtol, atol, full_output, first_step=None, safety=0.9,
            ifactor=10.0, dfactor=0.2, max_num_steps=1000):
    first_step = tf.convert_to_tensor(1.0 if first_step is None else first_step,
                                      dtype=t.dtype, name="first_step")
    safety = tf.convert_to_tensor(safety, dtype=t.dtype, name="safety")
    ifactor = tf.convert_to_tensor(ifactor, dtype=t.dtype, name="ifactor")
    dfactor = tf.convert_to_tensor(dfactor, dtype=t.dtype, name="dfactor")
    max_num_steps = tf.convert_to_tensor(max_num_steps, dtype=tf.int32, name="max_num_steps")

    def step(y0, f0, unused_t_prev, t0, dt, coefficients, points, ratios, n_steps):
        checks = [tf.Assert(t0 + dt > t0, ["underflow in dt", dt]),
                  tf.Assert(n_steps < max_num_steps, ["max_num_steps exceeded"]),
                  tf.Assert(tf.reduce_all(tf.is_finite(tf.abs(y0))),
                            ["non-finite values in state `y`", y0])]
        with tf.control_dependencies(checks):
            y1, f1, error, k = _dopri5_step(tf, func, y0, f0, t0, dt)
        tolerance = atol + rtol * tf.maximum(tf.abs(y0), tf.abs(y1))
        ratio = tf.sqrt(tf.reduce_mean(_abs_square(tf, error) / _abs_square(tf, tolerance)))
        accept = ratio <= 1
        y_next = tf.cond(accept, lambda: y1, lambda: y0)
        f_next = tf.cond(accept, lambda: f1, lambda: f0)
        t_next = tf.cond(accept, lambda: t0 + dt, lambda: t0)
        fitted = _interp_coefficients(tf, y0, y1, k, dt)
        coefficients = [tf.cond(accept, lambda new=new: new, lambda old=old: old)
                        for new, old in zip(fitted, coefficients, strict=True)]
        # keeping error_ratio in the numerator: no division by zero for an exact step
        exponent = tf.cast(1 / 5, dt.dtype)
        factor = tf.maximum(1 / ifactor, tf.minimum(tf.cast(ratio, dt.dtype) ** exponent
                                                    / safety, 1 / dfactor))
        points = points.write(points.size(), t0 + dt)
        ratios = ratios.write(ratios.size(), ratio)
        return (y_next, f_next, t0, t_next, dt / factor, coefficients, points, ratios,
                n_steps + 1)

    def through_next_time(solution, y, f, t_prev, t1, dt, coefficients, points, ratios, i):
        state = tf.while_loop(lambda y, f, t_prev, t1, *rest: t[i] > t1, step,
                              (y, f, t_prev, t1, dt, coefficients, points, ratios, 0),
                              name="integrate_loop")
        y, f, t_prev, t1, dt, coefficients, points, ratios, _ = state
        value = _interp_evaluate(tf, coefficients, t_prev, t1, t[i])
        return (solution.write(i, value), y, f, t_prev, t1, dt, coefficients, points, ratios,
                i + 1)

    increasing = tf.Assert(tf.reduce_all(t[1:] > t[:-1]), ["`t` must be monotonic increasing"])
    with tf.control_dependencies([increasing]):
        num_times = tf.size(t)
    solution = tf.TensorArray(y0.dtype, size=num_times).write(0, y0)
    points = tf.TensorArray(t.dtype, size=0, dynamic_size=True)
    ratios = tf.TensorArray(rtol.dtype, size=0, dynamic_size=True)
    start = (solution, y0, func(y0, t[0]), t[0], t[0], first_step, [y0] * 5, points, ratios, 1)
    final = tf.while_loop(lambda *state: state[-1] < num_times, through_next_time, start,
                          name="interpolate_loop")
    y = final[0].stack()
    y.set_shape(t.shape.concatenate(y0.shape))
    if not full_output:
        return y
    integrate_points = final[7].stack()
    return y, {"num_func_evals": 6 * tf.size(integrate_points) + 1,
               "integrate_points": integrate_points, "error_ratio": final[8].stack()}


def odeint(func, y0, t, rtol=1e-6, atol=1e-12, method=None, options=None, full_output=False,
           name=None):
    """Solve ``dy/dt = func(y, t)``, ``y(t[0]) = y0``: y at every time of ``t`` (increasing),
    stacked along a new first axis; with ``full_output``, ``(y, info_dict)``."""
    import smallflow as tf

    if method is not None and method != "dopri5":
        raise ValueError(f"invalid method: {method!r}")
    if options is None:
        options = {}
    elif method is None:
        raise ValueError("cannot supply `options` without specifying `method`")
    unknown = sorted(set(options) - set(_DOPRI5_OPTIONS))
    if unknown:
        raise TypeError(f"_dopri5() got an unexpected keyword argument '{unknown[0]}'")
    with tf.name_scope(name, "odeint", [y0, t, rtol, atol]):
        y0 = tf.convert_to_tensor(y0, name="y0")
        if not (y0.dtype.is_floating or y0.dtype.is_complex):
            raise TypeError("`y0` must have a floating point or complex floating point dtype")
        t = _times(tf, t)
        error_dtype = tf.abs(y0).dtype
        rtol = tf.convert_to_tensor(rtol, dtype=error_dtype, name="rtol")
        atol = tf.convert_to_tensor(atol, dtype=error_dtype, name="atol")
        return _dopri5(tf, func, y0, t, rtol, atol, full_output, **options)


def _times(tf, t):
    """``t`` as a tensor: float64 unless it already has a dtype."""
    if not isinstance(t, tf.Tensor):
        import numpy as np

        values = np.asarray(t)
        # TensorFlow prefers float64 for values without a floating dtype of their own
        if values.dtype.kind != "f":
            values = values.astype(np.float64)
        t = tf.constant(values, name="t")
    if not t.dtype.is_floating:
        raise TypeError("`t` must have a floating point dtype")
    return t


def _midpoint_step(tf, func, t, dt, y):
    dt_y = tf.cast(dt, y.dtype)
    return dt_y * func(y + func(y, t) * dt_y / 2, t + dt / 2)


def _rk4_step(tf, func, t, dt, y):
    dt_y = tf.cast(dt, y.dtype)
    half = t + dt / 2
    k1 = func(y, t)
    k2 = func(y + dt_y * k1 / 2, half)
    k3 = func(y + dt_y * k2 / 2, half)
    k4 = func(y + dt_y * k3, t + dt)
    return tf.add_n([k1, 2 * k2, 2 * k3, k4]) * (dt_y / 6)


def odeint_fixed(func, y0, t, dt=None, method="rk4", name=None):
    """Solve ``dy/dt = func(y, t)`` on a fixed grid ('rk4' or 'midpoint'): each interval of
    ``t`` takes ``ceil(interval / dt)`` equal steps (``dt`` a scalar, one per interval, or
    None for one step per interval)."""
    import smallflow as tf

    with tf.name_scope(name, "odeint_fixed", [y0, t, dt]):
        t = _times(tf, t)
        y0 = tf.convert_to_tensor(y0, name="y0")
        intervals = t[1:] - t[:-1]
        if dt is None:
            dt = intervals
        dt = tf.convert_to_tensor(dt, dtype=t.dtype if not isinstance(dt, tf.Tensor) else None,
                                  name="dt")
        steps = tf.ceil(intervals / dt)
        dt = intervals / steps
        steps = tf.cast(steps, tf.int32)
        if not (y0.dtype.is_floating or y0.dtype.is_complex):
            raise TypeError("`y0` must have a floating point or complex floating point dtype")
        if not dt.dtype.is_floating:
            raise TypeError("`dt` must have a floating point dtype")
        if t.shape.ndims is not None and t.shape.ndims > 1:
            raise ValueError("`t` must be a 1D tensor")
        if dt.shape.ndims is not None and dt.shape.ndims > 1:
            raise ValueError("`dt` must be a 1D tensor")
        if method not in ("rk4", "midpoint"):
            raise ValueError(f"method not supported: {method!s}")
        advance = _rk4_step if method == "rk4" else _midpoint_step
        increasing = tf.Assert(tf.reduce_all(t[1:] > t[:-1]),
                               ["`t` must be monotonic increasing"])
        with tf.control_dependencies([increasing]):
            num_times = tf.size(t)

        def one_step(y, time, j, interval):
            h = dt[interval - 1]
            dy = tf.cast(advance(tf, func, time, h, y), y.dtype)
            return y + dy, time + h, j + 1, interval

        def one_interval(solution, y, time, interval):
            y, time, _, _ = tf.while_loop(lambda y, time, j, i: j < steps[i - 1], one_step,
                                          (y, time, 0, interval))
            return solution.write(interval, y), y, time, interval + 1

        with tf.name_scope(method):
            solution = tf.TensorArray(y0.dtype, num_times).write(0, y0)
            solution, _, _, _ = tf.while_loop(lambda s, y, time, i: i < num_times,
                                              one_interval, (solution, y0, t[0], 1))
            y = solution.stack()
        y.set_shape(t.shape.concatenate(y0.shape))
        return y
