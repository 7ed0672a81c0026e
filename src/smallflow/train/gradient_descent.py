"""Plain stochastic gradient descent: ``var -= learning_rate * grad``."""

from ..graph import convert_to_tensor
from ..ops import array_ops, training_ops
from .optimizer import Optimizer


class GradientDescentOptimizer(Optimizer):
    """The tutorial's optimizer."""

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._learning_rate_tensor = None

    def _prepare(self):
        rate = self._call_if_callable(self._learning_rate)
        self._learning_rate_tensor = convert_to_tensor(rate, name="learning_rate")

    def _apply_dense(self, grad, var):
        rate = array_ops.cast(self._learning_rate_tensor, var.dtype)
        return training_ops.apply_gradient_descent(
            var, rate, grad, use_locking=self._use_locking
        ).op
