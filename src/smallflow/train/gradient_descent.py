"""Plain stochastic gradient descent: ``var -= learning_rate * grad``."""

from ..graph import convert_to_tensor
from ..ops import array_ops, scatter_ops, training_ops
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

    def _apply_sparse_duplicate_indices(self, grad, var):
        # scatter_sub adds up repeated rows itself: no need to sum them first.
        rate = array_ops.cast(self._learning_rate_tensor, var.dtype.base_dtype)
        return scatter_ops.scatter_sub(var, grad.indices, grad.values * rate,
                                       use_locking=self._use_locking).op

    def _apply_sparse(self, grad, var):
        return self._apply_sparse_duplicate_indices(grad, var)
