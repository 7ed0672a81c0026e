"""``tf.contrib.mixed_precision``: loss scaling for float16 training. The loss is multiplied by
a scale before the gradients are taken and the gradients divided by it afterwards; a step
whose gradients are not all finite is skipped, and the manager may adjust the scale."""

from .. import dtypes
from ..graph import convert_to_tensor
from ..ops import control_flow_ops, cwise_ops, math_ops, reduction_ops, scatter_ops
from ..ops.indexed_slices import IndexedSlices
from ..train.loss_scale import scaled_gradients
from ..train.optimizer import Optimizer, WrapperSlots
from ..variables import Variable
from ._missing import missing_attribute

__all__ = ["ExponentialUpdateLossScaleManager", "FixedLossScaleManager", "LossScaleManager",
           "LossScaleOptimizer"]


class LossScaleManager:
    """The interface: ``get_loss_scale()`` (a float32 scalar tensor) and
    ``update_loss_scale(finite_grads)`` (an op run with every step)."""

    def get_loss_scale(self):
        raise NotImplementedError

    def update_loss_scale(self, finite_grads):
        raise NotImplementedError


class FixedLossScaleManager(LossScaleManager):
    """One loss scale for the whole of training (at least 1)."""

    def __init__(self, loss_scale):
        if loss_scale < 1:
            raise ValueError("loss scale must be at least 1.")
        self._loss_scale = convert_to_tensor(loss_scale, dtype=dtypes.float32)

    def get_loss_scale(self):
        return self._loss_scale

    def update_loss_scale(self, finite_grads):
        return control_flow_ops.no_op()


class ExponentialUpdateLossScaleManager(LossScaleManager):
    """A scale (variable ``loss_scale``) multiplied by ``incr_ratio`` after
    ``incr_every_n_steps`` consecutive finite steps (unless that overflows float32) and by
    ``decr_ratio`` (not below 1) after ``decr_every_n_nan_or_inf`` non-finite steps, counted
    since the last change; each change clears both counts (``good_steps``, ``bad_steps``)."""

    def __init__(self, init_loss_scale, incr_every_n_steps, decr_every_n_nan_or_inf=2,
                 incr_ratio=2, decr_ratio=0.8):
        self._incr_every_n_steps = incr_every_n_steps
        self._decr_every_n_nan_or_inf = decr_every_n_nan_or_inf
        self._incr_ratio = incr_ratio
        self._decr_ratio = decr_ratio
        self._loss_scale = Variable(convert_to_tensor(init_loss_scale, dtypes.float32),
                                    name="loss_scale", dtype=dtypes.float32, trainable=False)
        self._num_good_steps = Variable(0, name="good_steps", dtype=dtypes.int32,
                                        trainable=False)
        self._num_bad_steps = Variable(0, name="bad_steps", dtype=dtypes.int32,
                                       trainable=False)

    def get_loss_scale(self):
        return self._loss_scale

    def _reset_stats(self):
        return control_flow_ops.group(scatter_ops.assign(self._num_good_steps, 0),
                                      scatter_ops.assign(self._num_bad_steps, 0))

    def update_loss_scale(self, finite_grads):
        scale = self._loss_scale

        def increase():
            grown = scale * self._incr_ratio
            new_scale = control_flow_ops.cond(cwise_ops.is_finite(grown), lambda: grown,
                                              lambda: scale.value())
            return control_flow_ops.group(scatter_ops.assign(scale, new_scale),
                                          self._reset_stats())

        def on_finite():
            return control_flow_ops.cond(
                self._num_good_steps + 1 >= self._incr_every_n_steps, increase,
                lambda: scatter_ops.assign_add(self._num_good_steps, 1).op)

        def decrease():
            shrunk = math_ops.maximum(1.0, scale * self._decr_ratio)
            return control_flow_ops.group(scatter_ops.assign(scale, shrunk), self._reset_stats())

        def count_bad():
            return control_flow_ops.group(scatter_ops.assign_add(self._num_bad_steps, 1),
                                          scatter_ops.assign(self._num_good_steps, 0))

        def on_not_finite():
            return control_flow_ops.cond(
                self._num_bad_steps + 1 >= self._decr_every_n_nan_or_inf, decrease, count_bad)

        return control_flow_ops.cond(finite_grads, on_finite, on_not_finite)


class LossScaleOptimizer(WrapperSlots, Optimizer):
    """``opt`` with loss scaling: ``compute_gradients`` differentiates ``loss * scale`` and
    divides the gradients by the scale; ``apply_gradients`` applies them only when all are
    finite, and always runs the manager's update."""

    def __init__(self, opt, loss_scale_manager):
        if not isinstance(opt, Optimizer):
            raise TypeError(f"LossScaleOptimizer wraps a tf.train.Optimizer; got "
                            f"{type(opt).__name__}")
        super().__init__(use_locking=False, name=opt.get_name())
        self._opt = opt
        self._loss_scale_manager = loss_scale_manager

    def compute_gradients(self, loss, var_list=None, gate_gradients=Optimizer.GATE_OP,
                          aggregation_method=None, colocate_gradients_with_ops=False,
                          grad_loss=None):
        return scaled_gradients(
            self._opt, loss, self._loss_scale_manager.get_loss_scale(), var_list=var_list,
            gate_gradients=gate_gradients, aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops, grad_loss=grad_loss)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        grads_and_vars = list(grads_and_vars)
        finite = [reduction_ops.reduce_all(cwise_ops.is_finite(
                      g.values if isinstance(g, IndexedSlices) else g))
                  for g, _ in grads_and_vars if g is not None]
        all_finite = reduction_ops.reduce_all(finite)
        update_vars = control_flow_ops.cond(
            all_finite, lambda: self._opt.apply_gradients(grads_and_vars, global_step, name),
            control_flow_ops.no_op)
        return control_flow_ops.group(update_vars,
                                      self._loss_scale_manager.update_loss_scale(all_finite))


__getattr__ = missing_attribute(__name__, "tf.contrib.mixed_precision")
