"""Adagrad: ``accum += grad**2; var -= lr * grad / sqrt(accum)``."""

from ..graph import convert_to_tensor
from ..ops import array_ops, sparse_training_ops, training_ops
from .optimizer import Optimizer


class AdagradOptimizer(Optimizer):
    """Per-coordinate learning rates from the running sum of squared gradients.

    The slot "accumulator" (``<var>/Adagrad``) starts at ``initial_accumulator_value``.
    """

    def __init__(
        self, learning_rate, initial_accumulator_value=0.1, use_locking=False, name="Adagrad"
    ):
        if initial_accumulator_value <= 0.0:
            raise ValueError(
                f"initial_accumulator_value must be positive: {initial_accumulator_value}"
            )
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value
        self._learning_rate_tensor = None

    def _create_slots(self, var_list):
        for var in var_list:
            self._get_or_make_slot(var, self._initial_accumulator_value, "accumulator", self._name)

    def _prepare(self):
        rate = self._call_if_callable(self._learning_rate)
        self._learning_rate_tensor = convert_to_tensor(rate, name="learning_rate")

    def _apply_dense(self, grad, var):
        accum = self.get_slot(var, "accumulator")
        rate = array_ops.cast(self._learning_rate_tensor, var.dtype)
        return training_ops.apply_adagrad(var, accum, rate, grad, use_locking=self._use_locking).op

    def _apply_sparse(self, grad, var):
        accum = self.get_slot(var, "accumulator")
        rate = array_ops.cast(self._learning_rate_tensor, var.dtype)
        return sparse_training_ops.sparse_apply_adagrad(
            var, accum, rate, grad.values, grad.indices, use_locking=self._use_locking).op
