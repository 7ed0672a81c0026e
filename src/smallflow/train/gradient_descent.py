"""Plain stochastic gradient descent: ``var -= learning_rate * grad``."""

from ..graph import convert_to_tensor
from ..ops import training_ops
from .optimizer import Optimizer


class GradientDescentOptimizer(Optimizer):
    """The tutorial's optimizer."""

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._learning_rate_tensor = None

    def _prepare(self):
        rate = self._learning_rate() if callable(self._learning_rate) else self._learning_rate
        self._learning_rate_tensor = convert_to_tensor(rate, name="learning_rate")

    def _apply_dense(self, grad, var):
        rate = self._learning_rate_tensor
        if rate.dtype != var.dtype:
            from ..ops import array_ops

            rate = array_ops.cast(rate, var.dtype)
        return training_ops.apply_gradient_descent(var.op.outputs[0], rate, grad).op
