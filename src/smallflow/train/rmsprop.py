"""RMSProp: divide the step by a running root mean square of the gradients."""

from ..graph import convert_to_tensor
from ..ops import array_ops, sparse_training_ops, training_ops
from .optimizer import Optimizer


class RMSPropOptimizer(Optimizer):
    """TensorFlow 1.x's RMSProp (epsilon inside the square root)::

        ms = decay * ms + (1 - decay) * grad**2           # slot "rms", starts at ONE
        mom = momentum * mom + lr * grad / sqrt(ms + epsilon)
        var -= mom

    With ``centered=True`` a slot "mg" tracks the mean gradient and the denominator is
    ``sqrt(ms - mg**2 + epsilon)``. Slot variables: ``<var>/RMSProp`` (rms), then
    ``<var>/RMSProp_1`` (mg if centered, else momentum) and ``<var>/RMSProp_2``.
    """

    def __init__(
        self,
        learning_rate,
        decay=0.9,
        momentum=0.0,
        epsilon=1e-10,
        use_locking=False,
        centered=False,
        name="RMSProp",
    ):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._decay = decay
        self._momentum = momentum
        self._epsilon = epsilon
        self._centered = centered
        self._tensors = None

    def _create_slots(self, var_list):
        for var in var_list:
            self._get_or_make_slot(var, 1, "rms", self._name)
            if self._centered:
                self._zeros_slot(var, "mg", self._name)
            self._zeros_slot(var, "momentum", self._name)

    def _prepare(self):
        hypers = (
            ("learning_rate", self._learning_rate),
            ("decay", self._decay),
            ("momentum", self._momentum),
            ("epsilon", self._epsilon),
        )
        self._tensors = [
            convert_to_tensor(self._call_if_callable(value), name=name) for name, value in hypers
        ]

    def _apply_dense(self, grad, var):
        rms = self.get_slot(var, "rms")
        mom = self.get_slot(var, "momentum")
        lr, rho, momentum, epsilon = (array_ops.cast(t, var.dtype) for t in self._tensors)
        if self._centered:
            mg = self.get_slot(var, "mg")
            update = training_ops.apply_centered_rms_prop(
                var, mg, rms, mom, lr, rho, momentum, epsilon, grad, use_locking=self._use_locking
            )
        else:
            update = training_ops.apply_rms_prop(
                var, rms, mom, lr, rho, momentum, epsilon, grad, use_locking=self._use_locking
            )
        return update.op

    def _apply_sparse(self, grad, var):
        rms = self.get_slot(var, "rms")
        mom = self.get_slot(var, "momentum")
        lr, rho, momentum, epsilon = (array_ops.cast(t, var.dtype) for t in self._tensors)
        if self._centered:
            return sparse_training_ops.sparse_apply_centered_rms_prop(
                var, self.get_slot(var, "mg"), rms, mom, lr, rho, momentum, epsilon,
                grad.values, grad.indices, use_locking=self._use_locking).op
        return sparse_training_ops.sparse_apply_rms_prop(
            var, rms, mom, lr, rho, momentum, epsilon, grad.values, grad.indices,
            use_locking=self._use_locking).op
