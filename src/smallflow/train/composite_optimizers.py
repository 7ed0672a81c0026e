"""Optimizers whose updates are written as graph math and assignments (no fused kernel):
Adadelta, FTRL, proximal gradient descent, proximal Adagrad and Adagrad dual averaging.

Each ``_apply_dense`` computes the new slot values from the current ones, assigns them, and
feeds the *assigned* values (the assign ops' outputs) into the variable's update, so the
order of reads and writes within one step is fixed by data dependencies, as in TensorFlow's
kernels. The formulas are those of TensorFlow 1.x's ``training_ops``.
"""

from .. import dtypes
from ..graph import control_dependencies, convert_to_tensor
from ..ops import array_ops, control_flow_ops, math_ops, scatter_ops, sparse_training_ops
from .optimizer import Optimizer


def _scalar(value, dtype):
    return array_ops.cast(value, dtype)


def _proximal(prox_v, rate, l1, l2):
    """``sign(v) * max(|v| - rate * l1, 0) / (1 + rate * l2)``: the prox of l1 + l2/2."""
    shrunk = math_ops.maximum(math_ops.abs(prox_v) - rate * l1, 0.0)
    return math_ops.sign(prox_v) * shrunk / (1.0 + rate * l2)


class _Composite(Optimizer):
    """Hyper-parameters given as numbers, tensors or callables become tensors in _prepare."""

    _HYPER = ()

    def _prepare(self):
        for attr in self._HYPER:
            value = self._call_if_callable(getattr(self, "_" + attr))
            setattr(self, f"_{attr}_t", convert_to_tensor(value, name=attr))

    def _hyper(self, attr, var):
        return _scalar(getattr(self, f"_{attr}_t"), var.dtype)


class AdadeltaOptimizer(_Composite):
    """Adadelta (Zeiler 2012): steps scaled by the ratio of running RMS of updates and grads.

    Slots ``accum`` and ``accum_update`` (``<var>/Adadelta``, ``<var>/Adadelta_1``).
    """

    _HYPER = ("learning_rate", "rho", "epsilon")

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-8, use_locking=False,
                 name="Adadelta"):
        super().__init__(use_locking, name)
        self._learning_rate, self._rho, self._epsilon = learning_rate, rho, epsilon

    def _create_slots(self, var_list):
        for var in var_list:
            self._zeros_slot(var, "accum", self._name)
            self._zeros_slot(var, "accum_update", self._name)

    def _apply_dense(self, grad, var):
        lr, rho, eps = (self._hyper(a, var) for a in self._HYPER)
        accum = self.get_slot(var, "accum")
        accum_update = self.get_slot(var, "accum_update")
        new_accum = scatter_ops.assign(accum, rho * accum + (1.0 - rho) * grad * grad)
        update = math_ops.sqrt(accum_update + eps) * math_ops.rsqrt(new_accum + eps) * grad
        new_update = scatter_ops.assign(accum_update,
                                        rho * accum_update + (1.0 - rho) * update * update)
        with control_dependencies([new_update]):
            return scatter_ops.assign_sub(var, lr * update).op

    def _apply_sparse(self, grad, var):
        lr, rho, eps = (self._hyper(a, var) for a in self._HYPER)
        return sparse_training_ops.sparse_apply_adadelta(
            var, self.get_slot(var, "accum"), self.get_slot(var, "accum_update"), lr, rho, eps,
            grad.values, grad.indices, use_locking=self._use_locking).op


class FtrlOptimizer(_Composite):
    """Follow-the-regularized-leader (McMahan et al. 2013), with l1, l2 and l2 shrinkage.

    Slots ``accum`` (starting at ``initial_accumulator_value``) and ``linear`` (zeros).
    """

    _HYPER = ("learning_rate", "learning_rate_power", "l1", "l2", "l2_shrinkage")

    def __init__(self, learning_rate, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 use_locking=False, name="Ftrl", accum_name=None, linear_name=None,
                 l2_shrinkage_regularization_strength=0.0):
        super().__init__(use_locking, name)
        checks = [
            (initial_accumulator_value < 0.0, "initial_accumulator_value",
             initial_accumulator_value, "zero or positive"),
            (learning_rate_power > 0.0, "learning_rate_power", learning_rate_power,
             "less than or equal to zero"),
            (l1_regularization_strength < 0.0, "l1_regularization_strength",
             l1_regularization_strength, "greater than or equal to zero"),
            (l2_regularization_strength < 0.0, "l2_regularization_strength",
             l2_regularization_strength, "greater than or equal to zero"),
            (l2_shrinkage_regularization_strength < 0.0, "l2_shrinkage_regularization_strength",
             l2_shrinkage_regularization_strength, "greater than or equal to zero"),
        ]
        for bad, what, value, rule in checks:
            if bad:
                raise ValueError(f"{what} {value} must be {rule}.")
        self._learning_rate = learning_rate
        self._learning_rate_power = learning_rate_power
        self._initial_accumulator_value = initial_accumulator_value
        self._l1 = l1_regularization_strength
        self._l2 = l2_regularization_strength
        self._l2_shrinkage = l2_shrinkage_regularization_strength
        self._accum_name = accum_name
        self._linear_name = linear_name

    def _create_slots(self, var_list):
        for var in var_list:
            self._get_or_make_slot(var, self._initial_accumulator_value, "accum",
                                   self._accum_name or self._name)
            self._zeros_slot(var, "linear", self._linear_name or self._name)

    def _apply_dense(self, grad, var):
        lr, power, l1, l2, shrinkage = (self._hyper(a, var) for a in self._HYPER)
        accum = self.get_slot(var, "accum")
        linear = self.get_slot(var, "linear")
        old_accum = accum.value()
        shrunk_grad = grad + 2.0 * shrinkage * var
        grown = old_accum + grad * grad
        sigma = (math_ops.pow(grown, -power) - math_ops.pow(old_accum, -power)) / lr
        new_linear = scatter_ops.assign(linear, linear + shrunk_grad - sigma * var)
        quadratic = math_ops.pow(grown, -power) / lr + 2.0 * l2
        shrink = math_ops.sign(new_linear) * l1 - new_linear
        value = array_ops.where(math_ops.greater(math_ops.abs(new_linear), l1),
                                shrink / quadratic, array_ops.zeros_like(new_linear))
        with control_dependencies([new_linear]):
            new_accum = scatter_ops.assign(accum, grown)
        with control_dependencies([new_accum]):
            return scatter_ops.assign(var, value).op

    def _apply_sparse(self, grad, var):
        lr, power, l1, l2, shrinkage = (self._hyper(a, var) for a in self._HYPER)
        accum = self.get_slot(var, "accum")
        linear = self.get_slot(var, "linear")
        if self._l2_shrinkage <= 0.0:
            return sparse_training_ops.sparse_apply_ftrl(
                var, accum, linear, grad.values, grad.indices, lr, l1, l2, power,
                use_locking=self._use_locking).op
        return sparse_training_ops.sparse_apply_ftrl_v2(
            var, accum, linear, grad.values, grad.indices, lr, l1, l2, shrinkage, power,
            use_locking=self._use_locking).op


class ProximalGradientDescentOptimizer(_Composite):
    """Gradient descent followed by the proximal step of ``l1 |w| + l2 / 2 w^2``."""

    _HYPER = ("learning_rate", "l1", "l2")

    def __init__(self, learning_rate, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, use_locking=False,
                 name="ProximalGradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._l1 = l1_regularization_strength
        self._l2 = l2_regularization_strength

    def _apply_dense(self, grad, var):
        lr, l1, l2 = (self._hyper(a, var) for a in self._HYPER)
        return scatter_ops.assign(var, _proximal(var - lr * grad, lr, l1, l2)).op

    def _apply_sparse(self, grad, var):
        lr, l1, l2 = (self._hyper(a, var) for a in self._HYPER)
        return sparse_training_ops.sparse_apply_proximal_gradient_descent(
            var, lr, l1, l2, grad.values, grad.indices, use_locking=self._use_locking).op


class ProximalAdagradOptimizer(_Composite):
    """Adagrad's per-coordinate rates followed by the proximal step of l1 and l2."""

    _HYPER = ("learning_rate", "l1", "l2")

    def __init__(self, learning_rate, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 use_locking=False, name="ProximalAdagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError(f"initial_accumulator_value must be positive: "
                             f"{initial_accumulator_value}")
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value
        self._l1 = l1_regularization_strength
        self._l2 = l2_regularization_strength

    def _create_slots(self, var_list):
        for var in var_list:
            self._get_or_make_slot(var, self._initial_accumulator_value, "accumulator",
                                   self._name)

    def _apply_dense(self, grad, var):
        lr, l1, l2 = (self._hyper(a, var) for a in self._HYPER)
        accum = self.get_slot(var, "accumulator")
        new_accum = scatter_ops.assign_add(accum, grad * grad)
        rate = lr * math_ops.rsqrt(new_accum)
        return scatter_ops.assign(var, _proximal(var - rate * grad, rate, l1, l2)).op

    def _apply_sparse(self, grad, var):
        lr, l1, l2 = (self._hyper(a, var) for a in self._HYPER)
        return sparse_training_ops.sparse_apply_proximal_adagrad(
            var, self.get_slot(var, "accumulator"), lr, l1, l2, grad.values, grad.indices,
            use_locking=self._use_locking).op


class AdagradDAOptimizer(_Composite):
    """Adagrad dual averaging (Duchi et al. 2011): the variable is recomputed each step from
    the sums of gradients and of squared gradients. Needs the global step."""

    _HYPER = ("learning_rate", "l1", "l2")

    def __init__(self, learning_rate, global_step, initial_gradient_squared_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 use_locking=False, name="AdagradDA"):
        if initial_gradient_squared_accumulator_value <= 0.0:
            raise ValueError(f"initial_gradient_squared_accumulator_value must be positive: "
                             f"{initial_gradient_squared_accumulator_value}")
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._global_step = global_step
        self._initial_squared = initial_gradient_squared_accumulator_value
        self._l1 = l1_regularization_strength
        self._l2 = l2_regularization_strength

    def _create_slots(self, var_list):
        for var in var_list:
            self._zeros_slot(var, "gradient_accumulator", self._name)
            self._get_or_make_slot(var, self._initial_squared, "gradient_squared_accumulator",
                                   self._name)

    def _prepare(self):
        super()._prepare()
        step = convert_to_tensor(self._global_step)
        self._step_t = math_ops.cast(step, dtypes.int64) + 1

    def _apply_dense(self, grad, var):
        lr, l1, l2 = (self._hyper(a, var) for a in self._HYPER)
        step = math_ops.cast(self._step_t, var.dtype)
        sums = scatter_ops.assign_add(self.get_slot(var, "gradient_accumulator"), grad)
        squares = scatter_ops.assign_add(self.get_slot(var, "gradient_squared_accumulator"),
                                         grad * grad)
        denominator = l2 * step + math_ops.sqrt(squares) / lr
        shrunk = math_ops.maximum(math_ops.abs(sums) - l1 * step, 0.0)
        value = -math_ops.sign(sums) * shrunk / denominator
        return control_flow_ops.group(scatter_ops.assign(var, value))

    def _apply_sparse(self, grad, var):
        lr, l1, l2 = (self._hyper(a, var) for a in self._HYPER)
        return sparse_training_ops.sparse_apply_adagrad_da(
            var, self.get_slot(var, "gradient_accumulator"),
            self.get_slot(var, "gradient_squared_accumulator"), grad.values, grad.indices,
            lr, l1, l2, self._step_t, use_locking=self._use_locking).op
