"""``tf.contrib.opt``'s optimizers beyond LazyAdam: decoupled weight decay (AdamW, MomentumW,
``extend_with_decoupled_weight_decay``), AdaMax, Nadam, and the sign-based AddSign and
PowerSign of Bello et al. (2017).

The updates are written as graph math and assignments with TensorFlow 1.x's formulas (its
``ApplyAdaMax``, ``ApplyAdam(use_nesterov=True)``, ``ApplyAddSign`` and ``ApplyPowerSign``
kernels); each new slot value is assigned first and the variable's step is computed from
the assigned value, as the fused kernels do in one pass.
"""

import math

from ..graph import control_dependencies, convert_to_tensor
from ..ops import array_ops, control_flow_ops, math_ops, scatter_ops
from ..train.adam import AdamOptimizer
from ..train.momentum import MomentumOptimizer
from ..train.optimizer import Optimizer

__all__ = ["AdaMaxOptimizer", "AdamWOptimizer", "AddSignOptimizer",
           "DecoupledWeightDecayExtension", "MomentumWOptimizer", "NadamOptimizer",
           "PowerSignOptimizer", "extend_with_decoupled_weight_decay"]


def _cast_all(tensors, dtype):
    return [math_ops.cast(t, dtype.base_dtype) for t in tensors]


# -- decoupled weight decay (Loshchilov & Hutter) ----------------------------------------------


class DecoupledWeightDecayExtension:
    """Mixed in before an optimizer class: every step first shrinks each variable by
    ``weight_decay * var`` (not scaled by the learning rate), then applies the wrapped
    optimizer's update to the decayed variable. ``minimize`` and ``apply_gradients`` take
    ``decay_var_list`` to decay only some of the variables (all of them when None)."""

    def __init__(self, weight_decay, **kwargs):
        self._decay_var_list = None
        self._weight_decay = weight_decay
        self._weight_decay_tensor = None
        super().__init__(**kwargs)

    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=Optimizer.GATE_OP,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None,
                 grad_loss=None, decay_var_list=None):
        self._decay_var_list = set(decay_var_list) if decay_var_list else False
        return super().minimize(loss, global_step=global_step, var_list=var_list,
                                gate_gradients=gate_gradients,
                                aggregation_method=aggregation_method,
                                colocate_gradients_with_ops=colocate_gradients_with_ops,
                                name=name, grad_loss=grad_loss)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None,
                        decay_var_list=None):
        # minimize's list stays when minimize is what called us (decay_var_list unset).
        if decay_var_list is not None or self._decay_var_list is None:
            self._decay_var_list = set(decay_var_list) if decay_var_list else False
        return super().apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def _prepare(self):
        weight_decay = self._call_if_callable(self._weight_decay)
        self._weight_decay_tensor = convert_to_tensor(weight_decay, name="weight_decay")
        super()._prepare()

    def _decays(self, var):
        return not self._decay_var_list or var in self._decay_var_list

    def _decay_factor(self, var):
        return math_ops.cast(self._weight_decay_tensor, var.dtype.base_dtype)

    def _apply_dense(self, grad, var):
        if not self._decays(var):
            return super()._apply_dense(grad, var)
        decay = scatter_ops.assign_sub(var, self._decay_factor(var) * var,
                                       use_locking=self._use_locking)
        with control_dependencies([decay]):
            return super()._apply_dense(grad, var)

    def _apply_sparse(self, grad, var):
        if not self._decays(var):
            return super()._apply_sparse(grad, var)
        rows = array_ops.gather(var, grad.indices)
        decay = scatter_ops.scatter_add(var, grad.indices, -self._decay_factor(var) * rows,
                                        use_locking=self._use_locking)
        with control_dependencies([decay]):
            return super()._apply_sparse(grad, var)


def extend_with_decoupled_weight_decay(base_optimizer):
    """A subclass of ``base_optimizer`` (a ``tf.train.Optimizer`` class) whose constructor
    takes ``weight_decay`` first and whose steps decay the weights as AdamW does:
    ``extend_with_decoupled_weight_decay(tf.train.AdamOptimizer)`` is AdamW."""
    if not (isinstance(base_optimizer, type) and issubclass(base_optimizer, Optimizer)):
        raise TypeError(f"extend_with_decoupled_weight_decay needs an optimizer class "
                        f"(a subclass of tf.train.Optimizer); got {base_optimizer!r}")

    class OptimizerWithDecoupledWeightDecay(DecoupledWeightDecayExtension, base_optimizer):
        """``base_optimizer`` with decoupled weight decay."""

        def __init__(self, weight_decay, *args, **kwargs):
            # The mixin's __init__ takes keywords only: bind the positional ones here.
            if args:
                names = base_optimizer.__init__.__code__.co_varnames[1:1 + len(args)]
                kwargs.update(zip(names, args))
            super().__init__(weight_decay, **kwargs)

    return OptimizerWithDecoupledWeightDecay


class MomentumWOptimizer(DecoupledWeightDecayExtension, MomentumOptimizer):
    """Momentum with decoupled weight decay (SGDW)."""

    def __init__(self, weight_decay, learning_rate, momentum, use_locking=False,
                 name="MomentumW", use_nesterov=False):
        super().__init__(weight_decay, learning_rate=learning_rate, momentum=momentum,
                         use_locking=use_locking, name=name, use_nesterov=use_nesterov)


class AdamWOptimizer(DecoupledWeightDecayExtension, AdamOptimizer):
    """Adam with decoupled weight decay (AdamW)."""

    def __init__(self, weight_decay, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 use_locking=False, name="AdamW"):
        super().__init__(weight_decay, learning_rate=learning_rate, beta1=beta1, beta2=beta2,
                         epsilon=epsilon, use_locking=use_locking, name=name)


# -- AdaMax and Nadam (Adam's slots and beta powers) -------------------------------------------


class AdaMaxOptimizer(AdamOptimizer):
    """AdaMax (Kingma & Ba, section 7.1)::

        m = beta1 * m + (1 - beta1) * g
        v = max(beta2 * v, |g|)
        var -= lr / (1 - beta1^t) * m / (v + epsilon)

    Sparse gradients update only the rows read (m, v and the variable)."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 use_locking=False, name="AdaMax"):
        super().__init__(learning_rate, beta1, beta2, epsilon, use_locking, name)

    def _hypers(self, var):
        beta1_power, _ = self._get_beta_accumulators()
        return _cast_all([beta1_power, self._lr_t, self._beta1_t, self._beta2_t,
                          self._epsilon_t], var.dtype)

    def _apply_dense(self, grad, var):
        beta1_power, lr, beta1, beta2, epsilon = self._hypers(var)
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        m_t = scatter_ops.assign(m, m + (grad - m) * (1 - beta1), use_locking=self._use_locking)
        v_t = scatter_ops.assign(v, math_ops.maximum(beta2 * v, math_ops.abs(grad)),
                                 use_locking=self._use_locking)
        step = lr / (1 - beta1_power) * (m_t / (v_t + epsilon))
        return scatter_ops.assign_sub(var, step, use_locking=self._use_locking).op

    def _apply_sparse(self, grad, var):
        beta1_power, lr, beta1, beta2, epsilon = self._hypers(var)
        indices, values = grad.indices, grad.values
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        m_rows = array_ops.gather(m, indices) * beta1 + values * (1 - beta1)
        v_rows = math_ops.maximum(array_ops.gather(v, indices) * beta2, math_ops.abs(values))
        m_t = scatter_ops.scatter_update(m, indices, m_rows, use_locking=self._use_locking)
        v_t = scatter_ops.scatter_update(v, indices, v_rows, use_locking=self._use_locking)
        step = -lr / (1 - beta1_power) * (m_rows / (v_rows + epsilon))
        var_t = scatter_ops.scatter_add(var, indices, step, use_locking=self._use_locking)
        return control_flow_ops.group(var_t, m_t, v_t)


class NadamOptimizer(AdamOptimizer):
    """Adam with Nesterov momentum (Dozat 2015), TensorFlow 1.x's ``ApplyAdam`` with
    ``use_nesterov``: the step uses ``beta1 * m_t + (1 - beta1) * g`` in place of ``m_t``.
    Its default name is ``"Adam"``, as contrib's was (slots ``<var>/Adam``, ...)."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 use_locking=False, name="Adam"):
        super().__init__(learning_rate, beta1, beta2, epsilon, use_locking, name)

    def _hypers(self, var):
        beta1_power, beta2_power = self._get_beta_accumulators()
        beta1_power, beta2_power, lr, beta1, beta2, epsilon = _cast_all(
            [beta1_power, beta2_power, self._lr_t, self._beta1_t, self._beta2_t,
             self._epsilon_t], var.dtype)
        alpha = lr * math_ops.sqrt(1 - beta2_power) / (1 - beta1_power)
        return alpha, beta1, beta2, epsilon

    def _apply_dense(self, grad, var):
        alpha, beta1, beta2, epsilon = self._hypers(var)
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        m_t = scatter_ops.assign(m, m + (grad - m) * (1 - beta1), use_locking=self._use_locking)
        v_t = scatter_ops.assign(v, v + (math_ops.square(grad) - v) * (1 - beta2),
                                 use_locking=self._use_locking)
        nesterov_m = m_t * beta1 + grad * (1 - beta1)
        step = nesterov_m * alpha / (math_ops.sqrt(v_t) + epsilon)
        return scatter_ops.assign_sub(var, step, use_locking=self._use_locking).op

    def _apply_sparse(self, grad, var):
        """Like Adam's sparse step (m and v decay everywhere), with the Nesterov mean on the
        rows read; only those rows of the variable move."""
        alpha, beta1, beta2, epsilon = self._hypers(var)
        indices, values = grad.indices, grad.values
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        m_scaled = values * (1 - beta1)
        m_decayed = scatter_ops.assign(m, m * beta1, use_locking=self._use_locking)
        with control_dependencies([m_decayed]):
            m_t = scatter_ops.scatter_add(m, indices, m_scaled, use_locking=self._use_locking)
            m_bar = m_scaled + beta1 * array_ops.gather(m_t, indices)
        v_decayed = scatter_ops.assign(v, v * beta2, use_locking=self._use_locking)
        with control_dependencies([v_decayed]):
            v_t = scatter_ops.scatter_add(v, indices, math_ops.square(values) * (1 - beta2),
                                          use_locking=self._use_locking)
        v_rows = array_ops.gather(v_t, indices)
        step = -alpha * m_bar / (math_ops.sqrt(v_rows) + epsilon)
        var_t = scatter_ops.scatter_add(var, indices, step, use_locking=self._use_locking)
        return control_flow_ops.group(var_t, m_bar, v_t)


# -- AddSign and PowerSign (Bello et al., Neural Optimizer Search) ------------------------------


class _SignOptimizer(Optimizer):
    """Shared by AddSign and PowerSign: a moving mean ``m`` of the gradient (slot ``m``),
    and a step ``lr * f(sign(g) * sign(m)) * g``; ``sign_decay_fn(global_step)`` scales the
    sign term (1 when not given)."""

    def __init__(self, learning_rate, beta, sign_decay_fn, use_locking, name):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._beta = beta
        self._sign_decay_fn = sign_decay_fn
        self._sign_decay_t = None

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        if self._sign_decay_fn is not None:
            self._sign_decay_t = convert_to_tensor(self._sign_decay_fn(global_step),
                                                   name="sign_decay")
        return super().apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def _create_slots(self, var_list):
        for var in var_list:
            self._zeros_slot(var, "m", self._name)

    def _prepare(self):
        self._lr_t = convert_to_tensor(self._call_if_callable(self._lr), name="learning_rate")
        self._beta_t = convert_to_tensor(self._call_if_callable(self._beta), name="beta")
        if self._sign_decay_fn is None:
            self._sign_decay_t = convert_to_tensor(1.0, name="sign_decay")

    def _multiplier(self, sign_gm, var):
        raise NotImplementedError

    def _apply_dense(self, grad, var):
        lr, beta = _cast_all([self._lr_t, self._beta_t], var.dtype)
        m = self.get_slot(var, "m")
        m_t = scatter_ops.assign(m, m * beta + grad * (1 - beta), use_locking=self._use_locking)
        sign_gm = math_ops.sign(grad) * math_ops.sign(m_t)
        step = lr * self._multiplier(sign_gm, var) * grad
        return scatter_ops.assign_sub(var, step, use_locking=self._use_locking).op

    def _apply_sparse(self, grad, var):
        """The mean decays everywhere; only the rows read move (contrib's sparse rule)."""
        lr, beta = _cast_all([self._lr_t, self._beta_t], var.dtype)
        m = self.get_slot(var, "m")
        dense_grad = math_ops.unsorted_segment_sum(grad.values, grad.indices,
                                                   array_ops.shape(var)[0])
        m_t = scatter_ops.assign(m, m * beta + dense_grad * (1 - beta),
                                 use_locking=self._use_locking)
        sign_gm = array_ops.gather(math_ops.sign(m_t), grad.indices) * math_ops.sign(grad.values)
        step = lr * self._multiplier(sign_gm, var) * grad.values
        var_t = scatter_ops.scatter_sub(var, grad.indices, step, use_locking=self._use_locking)
        return control_flow_ops.group(var_t, m_t)


class AddSignOptimizer(_SignOptimizer):
    """AddSign: ``var -= lr * (alpha + sign_decay * sign(g) * sign(m)) * g``."""

    def __init__(self, learning_rate=0.1, alpha=1.0, beta=0.9, sign_decay_fn=None,
                 use_locking=False, name="AddSignOptimizer"):
        super().__init__(learning_rate, beta, sign_decay_fn, use_locking, name)
        self._alpha = alpha

    def _prepare(self):
        super()._prepare()
        self._alpha_t = convert_to_tensor(self._call_if_callable(self._alpha), name="alpha")

    def _multiplier(self, sign_gm, var):
        alpha, sign_decay = _cast_all([self._alpha_t, self._sign_decay_t], var.dtype)
        return alpha + sign_decay * sign_gm


class PowerSignOptimizer(_SignOptimizer):
    """PowerSign: ``var -= lr * base ** (sign_decay * sign(g) * sign(m)) * g``."""

    def __init__(self, learning_rate=0.1, base=math.e, beta=0.9, sign_decay_fn=None,
                 use_locking=False, name="PowerSignOptimizer"):
        super().__init__(learning_rate, beta, sign_decay_fn, use_locking, name)
        self._base = base

    def _prepare(self):
        super()._prepare()
        base = self._call_if_callable(self._base)
        self._logbase_t = convert_to_tensor(math.log(base), name="logbase")

    def _multiplier(self, sign_gm, var):
        logbase, sign_decay = _cast_all([self._logbase_t, self._sign_decay_t], var.dtype)
        return math_ops.exp(logbase * sign_decay * sign_gm)
