"""Adam (Kingma and Ba), with TensorFlow 1.x's variables, names and update formula."""

from ..graph import control_dependencies, convert_to_tensor
from ..ops import array_ops, control_flow_ops, math_ops, scatter_ops, training_ops
from .optimizer import Optimizer


class AdamOptimizer(Optimizer):
    """Adam as TensorFlow 1.x computes it::

        lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
        m = beta1 * m + (1 - beta1) * grad                  # slot "m": <var>/Adam
        v = beta2 * v + (1 - beta2) * grad**2               # slot "v": <var>/Adam_1
        var -= lr_t * m / (sqrt(v) + epsilon)

    ``beta1^t`` and ``beta2^t`` live in the non-trainable global variables ``beta1_power``
    and ``beta2_power`` (made by ``minimize``, so build the initializer afterwards); each
    run of the train op multiplies them by beta1 and beta2 after the updates.
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta1=0.9,
        beta2=0.999,
        epsilon=1e-8,
        use_locking=False,
        name="Adam",
    ):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._beta1 = beta1
        self._beta2 = beta2
        self._epsilon = epsilon
        self._lr_t = None
        self._beta1_t = None
        self._beta2_t = None
        self._epsilon_t = None

    def _get_beta_accumulators(self):
        return (
            self._get_non_slot_variable("beta1_power"),
            self._get_non_slot_variable("beta2_power"),
        )

    def _create_slots(self, var_list):
        first_var = min(var_list, key=lambda v: v.name)
        self._create_non_slot_variable(self._beta1, "beta1_power", first_var)
        self._create_non_slot_variable(self._beta2, "beta2_power", first_var)
        for var in var_list:
            self._zeros_slot(var, "m", self._name)
            self._zeros_slot(var, "v", self._name + "_1")

    def _prepare(self):
        call = self._call_if_callable
        self._lr_t = convert_to_tensor(call(self._lr), name="learning_rate")
        self._beta1_t = convert_to_tensor(call(self._beta1), name="beta1")
        self._beta2_t = convert_to_tensor(call(self._beta2), name="beta2")
        self._epsilon_t = convert_to_tensor(call(self._epsilon), name="epsilon")

    def _apply_dense(self, grad, var):
        dtype = var.dtype
        beta1_power, beta2_power = self._get_beta_accumulators()
        return training_ops.apply_adam(
            var,
            self.get_slot(var, "m"),
            self.get_slot(var, "v"),
            array_ops.cast(beta1_power, dtype),
            array_ops.cast(beta2_power, dtype),
            array_ops.cast(self._lr_t, dtype),
            array_ops.cast(self._beta1_t, dtype),
            array_ops.cast(self._beta2_t, dtype),
            array_ops.cast(self._epsilon_t, dtype),
            grad,
            use_locking=self._use_locking,
        ).op

    def _apply_sparse(self, grad, var):
        """TensorFlow 1.x's sparse Adam: m and v decay everywhere (every row, touched or not),
        the gradient's rows are added to them, and every row of the variable moves."""
        return self._apply_sparse_shared(grad.values, var, grad.indices)

    def _apply_sparse_shared(self, grad, var, indices):
        dtype = var.dtype.base_dtype
        beta1_power, beta2_power = (array_ops.cast(p, dtype)
                                    for p in self._get_beta_accumulators())
        lr_t, beta1_t, beta2_t, epsilon_t = (
            array_ops.cast(t, dtype)
            for t in (self._lr_t, self._beta1_t, self._beta2_t, self._epsilon_t))
        lr = lr_t * math_ops.sqrt(1 - beta2_power) / (1 - beta1_power)
        m = self.get_slot(var, "m")
        m_scaled_g_values = grad * (1 - beta1_t)
        m_t = scatter_ops.assign(m, m * beta1_t, use_locking=self._use_locking)
        with control_dependencies([m_t]):
            m_t = scatter_ops.scatter_add(m, indices, m_scaled_g_values,
                                          use_locking=self._use_locking)
        v = self.get_slot(var, "v")
        v_scaled_g_values = (grad * grad) * (1 - beta2_t)
        v_t = scatter_ops.assign(v, v * beta2_t, use_locking=self._use_locking)
        with control_dependencies([v_t]):
            v_t = scatter_ops.scatter_add(v, indices, v_scaled_g_values,
                                          use_locking=self._use_locking)
        v_sqrt = math_ops.sqrt(v_t)
        var_update = scatter_ops.assign_sub(var, lr * m_t / (v_sqrt + epsilon_t),
                                            use_locking=self._use_locking)
        return control_flow_ops.group(var_update, m_t, v_t)

    def _finish(self, update_ops, name_scope):
        with control_dependencies(update_ops):
            beta1_power, beta2_power = self._get_beta_accumulators()
            update_beta1 = beta1_power.assign(beta1_power * self._beta1_t)
            update_beta2 = beta2_power.assign(beta2_power * self._beta2_t)
        return control_flow_ops.group(*update_ops, update_beta1, update_beta2, name=name_scope)
