"""``tf.contrib.opt``'s optimizer wrappers: ``MovingAverageOptimizer`` (keeps exponential
moving averages of the trained variables and a saver that writes the averages under the
variables' names) and ``VariableClippingOptimizer`` (clips variables' norms after each
update)."""

from .. import logging, variables
from ..graph import control_dependencies, name_scope
from ..ops import array_ops, clip_ops, control_flow_ops, scatter_ops
from ..ops.indexed_slices import IndexedSlices
from ..train.moving_averages import ExponentialMovingAverage
from ..train.optimizer import Optimizer, WrapperSlots
from ..train.saver import Saver

__all__ = ["MovingAverageOptimizer", "VariableClippingOptimizer"]


def _check_optimizer(opt, who):
    if not isinstance(opt, Optimizer):
        raise TypeError(f"{who} wraps a tf.train.Optimizer; got {type(opt).__name__}")


class MovingAverageOptimizer(WrapperSlots, Optimizer):
    """``opt``'s updates, followed (``sequential_update=True``) or accompanied by an update
    of each trained variable's moving average (``tf.train.ExponentialMovingAverage`` with
    ``average_decay`` and ``num_updates``). ``swapping_saver()`` saves the averages under the
    variables' own names, so a checkpoint it writes restores averaged weights anywhere."""

    _wrapped_attr = "_optimizer"

    def __init__(self, opt, average_decay=0.9999, num_updates=None, sequential_update=True):
        _check_optimizer(opt, "MovingAverageOptimizer")
        super().__init__(use_locking=False, name=opt.get_name())
        self._optimizer = opt
        self._ema = ExponentialMovingAverage(average_decay, num_updates=num_updates)
        self._variable_map = None
        self._sequential_update = sequential_update

    def compute_gradients(self, *args, **kwargs):
        return self._optimizer.compute_gradients(*args, **kwargs)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        grads_and_vars = list(grads_and_vars)
        train_op = self._optimizer.apply_gradients(grads_and_vars, global_step=global_step,
                                                   name=name)
        var_list = [v for g, v in grads_and_vars if g is not None]
        if self._sequential_update:
            with control_dependencies([train_op]):
                average_op = self._ema.apply(var_list)
        else:
            average_op = self._ema.apply(var_list)
        self._variable_map = {}
        for var in var_list:
            average = self._ema.average(var)
            self._variable_map[var.op.name] = average
            self._variable_map[average.op.name] = var
        return control_flow_ops.group(train_op, average_op, name="train_with_avg")

    def swapping_saver(self, var_list=None, name="swapping_saver", **kwargs):
        """A ``tf.train.Saver`` that writes each averaged variable's average under the
        variable's name (and the variable under the average's name). Build it after
        ``minimize``/``apply_gradients`` and after all variables exist."""
        if self._variable_map is None:
            raise RuntimeError("Must call apply_gradients or minimize before creating the "
                               "swapping_saver")
        if var_list is None:
            var_list = variables.global_variables()
        if not isinstance(var_list, dict):
            var_list = {v.op.name: v for v in var_list}
        swapped = {key: self._variable_map.get(var.op.name, var)
                   for key, var in var_list.items()}
        return Saver(swapped, name=name, **kwargs)


class VariableClippingOptimizer(WrapperSlots, Optimizer):
    """``opt``'s update, then each variable of ``vars_to_clip_dims`` (a dict: variable ->
    the dimensions of its L2 norm) clipped to norm ``max_norm`` along those dimensions
    (``tf.clip_by_norm``). For a sparse gradient only the rows read are clipped, unless
    dimension 0 is among the clipped dimensions."""

    def __init__(self, opt, vars_to_clip_dims, max_norm, use_locking=False,
                 colocate_clip_ops_with_vars=False, name="VariableClipping"):
        _check_optimizer(opt, "VariableClippingOptimizer")
        super().__init__(use_locking, name)
        self._opt = opt
        self._vars_to_clip_dims = {var: list(dims) for var, dims in vars_to_clip_dims.items()}
        self._max_norm = max_norm

    def compute_gradients(self, *args, **kwargs):
        return self._opt.compute_gradients(*args, **kwargs)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        grads_and_vars = list(grads_and_vars)
        with name_scope(name or self._name) as scope:
            update_op = self._opt.apply_gradients(grads_and_vars, global_step=global_step)
            clips = []
            with control_dependencies([update_op]):
                for grad, var in grads_and_vars:
                    if grad is None or var not in self._vars_to_clip_dims:
                        continue
                    with name_scope("clip_" + var.op.name):
                        if isinstance(grad, IndexedSlices):
                            clips.append(self._clip_sparse(grad, var))
                        else:
                            clips.append(self._clip_dense(var))
            return control_flow_ops.group(update_op, *clips, name=scope[:-1])

    def _clip_dense(self, var):
        value = var.read_value()
        clipped = clip_ops.clip_by_norm(value, self._max_norm, self._vars_to_clip_dims[var])
        return scatter_ops.assign_sub(var, value - clipped, use_locking=self._use_locking)

    def _clip_sparse(self, grad, var):
        dims = self._vars_to_clip_dims[var]
        if 0 in dims:
            logging.warning("Clipping norm across dims %s for %s is inefficient when "
                            "including sparse dimension 0.", dims, var.op.name)
            return self._clip_dense(var)
        rows = array_ops.gather(var, grad.indices)
        clipped = clip_ops.clip_by_norm(rows, self._max_norm, dims)
        return scatter_ops.scatter_sub(var, grad.indices, rows - clipped,
                                       use_locking=self._use_locking)
