"""Momentum (optionally Nesterov): ``accum = momentum * accum + grad; var -= lr * accum``."""

from ..graph import convert_to_tensor
from ..ops import array_ops, sparse_training_ops, training_ops
from .optimizer import Optimizer


class MomentumOptimizer(Optimizer):
    """Gradient descent with a velocity kept per variable in the slot "momentum".

    With ``use_nesterov=True`` the step is ``lr * grad + lr * momentum * accum`` (the
    gradient is taken at the current variable, as TensorFlow does).
    """

    def __init__(
        self, learning_rate, momentum, use_locking=False, name="Momentum", use_nesterov=False
    ):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = use_nesterov
        self._learning_rate_tensor = None
        self._momentum_tensor = None

    def _create_slots(self, var_list):
        for var in var_list:
            self._zeros_slot(var, "momentum", self._name)

    def _prepare(self):
        rate = self._call_if_callable(self._learning_rate)
        momentum = self._call_if_callable(self._momentum)
        self._learning_rate_tensor = convert_to_tensor(rate, name="learning_rate")
        self._momentum_tensor = convert_to_tensor(momentum, name="momentum")

    def _apply_dense(self, grad, var):
        accum = self.get_slot(var, "momentum")
        return training_ops.apply_momentum(
            var,
            accum,
            array_ops.cast(self._learning_rate_tensor, var.dtype),
            grad,
            array_ops.cast(self._momentum_tensor, var.dtype),
            use_locking=self._use_locking,
            use_nesterov=self._use_nesterov,
        ).op

    def _apply_sparse(self, grad, var):
        return sparse_training_ops.sparse_apply_momentum(
            var, self.get_slot(var, "momentum"),
            array_ops.cast(self._learning_rate_tensor, var.dtype),
            grad.values, grad.indices,
            array_ops.cast(self._momentum_tensor, var.dtype),
            use_locking=self._use_locking, use_nesterov=self._use_nesterov).op
