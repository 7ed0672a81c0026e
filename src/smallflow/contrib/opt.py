"""``tf.contrib.opt``: ``LazyAdamOptimizer``, Adam whose sparse updates touch only the rows
a batch reads (TensorFlow 1.x's remedy for sparse Adam's full pass over every table), and the
names of the other modules: ``ScipyOptimizerInterface`` (opt_external), AdamW, Nadam, AdaMax,
the sign optimizers (opt_extra), the moving-average and variable-clipping wrappers
(opt_wrappers)."""

from ..graph import control_dependencies
from ..ops import array_ops, control_flow_ops, math_ops, scatter_ops
from ..train.adam import AdamOptimizer
from ._missing import missing_attribute
from .opt_external import ExternalOptimizerInterface, ScipyOptimizerInterface
from .opt_extra import (
    AdaMaxOptimizer,
    AdamWOptimizer,
    AddSignOptimizer,
    DecoupledWeightDecayExtension,
    MomentumWOptimizer,
    NadamOptimizer,
    PowerSignOptimizer,
    extend_with_decoupled_weight_decay,
)
from .opt_wrappers import MovingAverageOptimizer, VariableClippingOptimizer

__all__ = ["AdaMaxOptimizer", "AdamWOptimizer", "AddSignOptimizer",
           "DecoupledWeightDecayExtension", "ExternalOptimizerInterface", "LazyAdamOptimizer",
           "MomentumWOptimizer", "MovingAverageOptimizer", "NadamOptimizer",
           "PowerSignOptimizer", "ScipyOptimizerInterface", "VariableClippingOptimizer",
           "extend_with_decoupled_weight_decay"]


class LazyAdamOptimizer(AdamOptimizer):
    """Adam that, for IndexedSlices gradients, updates m, v and the variable only at the
    rows read (dense gradients: exactly ``AdamOptimizer``). Rows not read keep their
    moments instead of decaying them, which is what makes it lazy and fast for embeddings;
    the bias correction still uses the global step count (``beta1_power``)."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 use_locking=False, name="LazyAdam"):
        super().__init__(learning_rate, beta1, beta2, epsilon, use_locking, name)

    def _apply_sparse(self, grad, var):
        dtype = var.dtype.base_dtype
        beta1_power, beta2_power = (math_ops.cast(p, dtype)
                                    for p in self._get_beta_accumulators())
        lr_t, beta1_t, beta2_t, epsilon_t = (
            math_ops.cast(t, dtype)
            for t in (self._lr_t, self._beta1_t, self._beta2_t, self._epsilon_t))
        lr = lr_t * math_ops.sqrt(1 - beta2_power) / (1 - beta1_power)
        indices = grad.indices
        m = self.get_slot(var, "m")
        m_rows = beta1_t * array_ops.gather(m, indices) + (1 - beta1_t) * grad.values
        m_t = scatter_ops.scatter_update(m, indices, m_rows, use_locking=self._use_locking)
        v = self.get_slot(var, "v")
        v_rows = (beta2_t * array_ops.gather(v, indices)
                  + (1 - beta2_t) * math_ops.square(grad.values))
        v_t = scatter_ops.scatter_update(v, indices, v_rows, use_locking=self._use_locking)
        with control_dependencies([m_t, v_t]):
            m_t_rows = array_ops.gather(m_t, indices)
            v_t_rows = array_ops.gather(v_t, indices)
        denominator = math_ops.sqrt(v_t_rows) + epsilon_t
        var_update = scatter_ops.scatter_sub(var, indices, lr * m_t_rows / denominator,
                                             use_locking=self._use_locking)
        return control_flow_ops.group(var_update, m_t, v_t)


__getattr__ = missing_attribute(__name__, "tf.contrib.opt")
