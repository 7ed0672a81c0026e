"""``tf.contrib.opt.ScipyOptimizerInterface``: run ``scipy.optimize.minimize`` (L-BFGS-B by
default) on a graph's loss, evaluating the loss and its gradient with ``Session.run``.

The variables are packed into one float vector; each evaluation feeds the candidate values
to the variables themselves (a fed variable reads as the fed value), so nothing is assigned
until the search ends, when the best point is written back in one run. SciPy is an optional
dependency (the ``scipy`` extra), imported only when ``minimize`` runs.
"""

import numpy as np

from .. import logging, variables
from ..gradients import gradients
from ..graph import get_default_session
from ..ops import array_ops, constant_op

__all__ = ["ExternalOptimizerInterface", "ScipyOptimizerInterface"]


def _flat(tensors):
    """One rank-1 tensor holding ``tensors`` one after the other (None for no tensors)."""
    if not tensors:
        return None
    flat = [array_ops.reshape(t, [-1]) for t in tensors]
    return flat[0] if len(flat) == 1 else array_ops.concat(flat, 0)


def _shape_of(var):
    shape = var.shape
    if not shape.is_fully_defined():
        raise ValueError(f"ExternalOptimizerInterface needs variables of known shape; "
                         f"{var.op.name} has shape {shape}")
    return tuple(shape.as_list())


def _gradients_or_zeros(tensor, var_list):
    """The gradient of ``tensor`` for every variable; a variable it does not depend on has
    a zero gradient (not None), so the packed gradient always has the vector's length."""
    grads = gradients(tensor, [v._gradient_source() for v in var_list])
    return [array_ops.zeros_like(v) if g is None else g for g, v in zip(grads, var_list)]


def _bounds(var_list, var_to_bounds):
    """Per-element ``(low, high)`` pairs for the packed vector (None: no bounds given)."""
    if var_to_bounds is None:
        return None
    packed = []
    for var in var_list:
        low, high = var_to_bounds.get(var, (-np.inf, np.inf))
        shape = _shape_of(var)
        low = np.broadcast_to(-np.inf if low is None else low, shape).ravel()
        high = np.broadcast_to(np.inf if high is None else high, shape).ravel()
        packed.extend(zip(low.tolist(), high.tolist()))
    return packed


class ExternalOptimizerInterface:
    """Base class of interfaces to optimizers that run outside the graph.

    A subclass implements ``_minimize(initial_val, loss_grad_func, equality_funcs,
    equality_grad_funcs, inequality_funcs, inequality_grad_funcs, packed_bounds,
    step_callback, optimizer_kwargs)`` and returns the best packed vector found.
    ``var_to_bounds`` maps a variable to ``(low, high)``, each a number, None (unbounded) or
    anything that broadcasts to the variable's shape.
    """

    def __init__(self, loss, var_list=None, equalities=None, inequalities=None,
                 var_to_bounds=None, **optimizer_kwargs):
        self._loss = loss
        self._equalities = list(equalities or [])
        self._inequalities = list(inequalities or [])
        self._vars = variables.trainable_variables() if var_list is None else list(var_list)
        if not self._vars:
            raise ValueError("No variables to optimize.")
        self._packed_bounds = _bounds(self._vars, var_to_bounds)
        self.optimizer_kwargs = optimizer_kwargs
        self._update_placeholders = [constant_op.placeholder(v.dtype.base_dtype)
                                     for v in self._vars]
        self._var_updates = [
            v.assign(array_ops.reshape(p, _shape_of(v)))
            for v, p in zip(self._vars, self._update_placeholders)
        ]
        self._packed_var = _flat([v.value() for v in self._vars])
        self._packed_loss_grad = _flat(_gradients_or_zeros(loss, self._vars))
        self._packed_equality_grads = [_flat(_gradients_or_zeros(e, self._vars))
                                       for e in self._equalities]
        self._packed_inequality_grads = [_flat(_gradients_or_zeros(e, self._vars))
                                         for e in self._inequalities]
        ends = np.cumsum([0] + [int(np.prod(_shape_of(v))) for v in self._vars])
        self._packing_slices = [slice(int(a), int(b)) for a, b in zip(ends[:-1], ends[1:])]

    def minimize(self, session=None, feed_dict=None, fetches=None, step_callback=None,
                 loss_callback=None, **run_kwargs):
        """Run the external optimizer to its end, then assign the variables the result.

        ``loss_callback(*fetched)`` is called at every loss evaluation with the values of
        ``fetches``; ``step_callback(x)`` at every optimizer step with the packed vector.
        Unlike ``Optimizer.minimize``, this runs the optimization and returns None.
        """
        session = session or get_default_session()
        if session is None:
            raise ValueError("ScipyOptimizerInterface.minimize needs a session: pass "
                             "session= or call it inside `with tf.Session() as sess:`")
        feed_dict = dict(feed_dict or {})
        fetches = list(fetches or [])
        loss_grad_func = self._make_eval_func([self._loss, self._packed_loss_grad], session,
                                              feed_dict, fetches, loss_callback)
        equality_funcs = [self._make_eval_func(t, session, feed_dict, fetches)
                          for t in self._equalities]
        equality_grad_funcs = [self._make_eval_func(t, session, feed_dict, fetches)
                               for t in self._packed_equality_grads]
        inequality_funcs = [self._make_eval_func(t, session, feed_dict, fetches)
                            for t in self._inequalities]
        inequality_grad_funcs = [self._make_eval_func(t, session, feed_dict, fetches)
                                 for t in self._packed_inequality_grads]
        initial = session.run(self._packed_var)
        packed = self._minimize(
            initial_val=initial, loss_grad_func=loss_grad_func,
            equality_funcs=equality_funcs, equality_grad_funcs=equality_grad_funcs,
            inequality_funcs=inequality_funcs, inequality_grad_funcs=inequality_grad_funcs,
            packed_bounds=self._packed_bounds,
            step_callback=step_callback or (lambda xk: None),
            optimizer_kwargs=self.optimizer_kwargs)
        values = [packed[s] for s in self._packing_slices]
        session.run(self._var_updates, feed_dict=dict(zip(self._update_placeholders, values)),
                    **run_kwargs)

    def _minimize(self, initial_val, loss_grad_func, equality_funcs, equality_grad_funcs,
                  inequality_funcs, inequality_grad_funcs, packed_bounds, step_callback,
                  optimizer_kwargs):
        raise NotImplementedError("To use ExternalOptimizerInterface, subclass from it and "
                                  "implement the _minimize() method.")

    def _make_eval_func(self, tensors, session, feed_dict, fetches, callback=None):
        """A function of the packed vector: the values of ``tensors`` with the variables fed
        from it (a single tensor gives a one-element list, as TensorFlow's does)."""
        tensors = list(tensors) if isinstance(tensors, list) else [tensors]
        count = len(tensors)

        def evaluate(x):
            feeds = {v: np.reshape(x[s], _shape_of(v))
                     for v, s in zip(self._vars, self._packing_slices)}
            feeds.update(feed_dict)
            values = session.run(tensors + fetches, feed_dict=feeds)
            if callable(callback):
                callback(*values[count:])
            return values[:count]

        return evaluate


def _import_scipy_optimize():
    try:
        import scipy.optimize
    except ImportError as error:
        raise ImportError(
            "tf.contrib.opt.ScipyOptimizerInterface needs SciPy, which is not installed: "
            "pip install 'smallflow[scipy]' (or pip install scipy)") from error
    return scipy.optimize


class ScipyOptimizerInterface(ExternalOptimizerInterface):
    """``scipy.optimize.minimize`` on the loss (``method='L-BFGS-B'`` unless given), with
    ``equalities`` (held at 0) and ``inequalities`` (held >= 0) as SciPy constraints, the
    bounds from ``var_to_bounds``, and the other keyword arguments (``options={'maxiter':
    100}``, ``method='SLSQP'``, ...) passed through to SciPy."""

    _DEFAULT_METHOD = "L-BFGS-B"

    def _minimize(self, initial_val, loss_grad_func, equality_funcs, equality_grad_funcs,
                  inequality_funcs, inequality_grad_funcs, packed_bounds, step_callback,
                  optimizer_kwargs):
        def loss_and_gradient(x):
            loss, gradient = loss_grad_func(x)
            # SciPy's Fortran minimizers (L-BFGS-B, SLSQP) want float64 values.
            loss = np.asarray(loss, dtype=np.float64)
            if loss.size != 1:
                raise ValueError(f"ScipyOptimizerInterface minimizes a scalar loss; the loss "
                                 f"tensor has shape {loss.shape}")
            # A one-element loss ([1], as tf.image.total_variation gives) is taken as its
            # element, as the SciPy of TensorFlow 1.x's time did.
            return loss.item(), gradient.astype(np.float64)

        def in_float64(func):
            return lambda x: np.asarray(func(x), dtype=np.float64)

        kwargs = dict(optimizer_kwargs)
        method = kwargs.pop("method", self._DEFAULT_METHOD)
        constraints = [{"type": "eq", "fun": in_float64(f), "jac": in_float64(g)}
                       for f, g in zip(equality_funcs, equality_grad_funcs)]
        constraints += [{"type": "ineq", "fun": in_float64(f), "jac": in_float64(g)}
                        for f, g in zip(inequality_funcs, inequality_grad_funcs)]
        fixed = {"jac": True, "callback": step_callback, "method": method,
                 "constraints": constraints, "bounds": packed_bounds}
        for key in fixed:
            if key in kwargs:
                if key == "bounds":
                    raise ValueError("Bounds must be set using the var_to_bounds argument")
                raise ValueError(f"Optimizer keyword arg '{key}' is set automatically and "
                                 f"cannot be injected manually")
        fixed.update(kwargs)
        initial = np.asarray(initial_val, dtype=np.float64)
        result = _import_scipy_optimize().minimize(loss_and_gradient, initial, **fixed)
        lines = ["Optimization terminated with:", "  Message: %s",
                 "  Objective function value: %f"]
        args = [result.message, result.fun]
        if hasattr(result, "nit"):
            lines.append("  Number of iterations: %d")
            args.append(result.nit)
        if hasattr(result, "nfev"):
            lines.append("  Number of functions evaluations: %d")
            args.append(result.nfev)
        logging.info("\n".join(lines), *args)
        return result["x"]
