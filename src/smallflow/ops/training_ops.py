"""Optimizer update ops: read a variable, compute its new value, store it in the session.

Each kernel is stateful: built with ``kernel(attrs, state)``, it writes the new value into
``state.variables`` (a new array, never in place) and returns it. Input 0 is the variable's
current value; the remaining inputs are hyper-parameters, slots and the gradient.
"""

import numpy as np

from ..registry import NotDifferentiable, register_op
from .common import make_op


def _var_shape(op):
    return [op.inputs[0].shape]


def _apply_gradient_descent_kernel(attrs, state):
    name = attrs["var_name"]
    store = state.variables

    def apply(var, alpha, delta):
        new = np.asarray(np.multiply(delta, -alpha))
        np.add(var, new, out=new)
        store[name] = new
        return new

    return apply


register_op("ApplyGradientDescent", _apply_gradient_descent_kernel, _var_shape, stateful=True)
NotDifferentiable("ApplyGradientDescent")


def apply_gradient_descent(var, alpha, delta, name=None):
    """``var -= alpha * delta`` for the variable whose ref tensor is ``var``."""
    attrs = {"var_name": var.op.name}
    return make_op("ApplyGradientDescent", [var, alpha, delta], [var.dtype], attrs,
                   name).outputs[0]
