"""``tf.train.experimental`` loss scaling (TF 1.14/1.15): LossScale, FixedLossScale,
DynamicLossScale, MixedPrecisionLossScaleOptimizer and the mixed-precision graph rewrite
switches.

TensorFlow's rewrite turns float32 ops into float16 only on a GPU; on a CPU it changes
nothing, so here (one CPU device) ``enable_mixed_precision_graph_rewrite`` only wraps the
optimizer in loss scaling, and float32 results are those of TensorFlow on a CPU.
"""

import numbers

from .. import dtypes
from .. import logging as _logging
from ..graph import convert_to_tensor, get_default_graph
from ..ops import control_flow_ops, cwise_ops, math_ops, reduction_ops, scatter_ops
from ..ops.indexed_slices import IndexedSlices
from ..variables import Variable
from .optimizer import Optimizer, WrapperSlots

__all__ = ["DynamicLossScale", "FixedLossScale", "LossScale",
           "MixedPrecisionLossScaleOptimizer", "PythonState",
           "disable_mixed_precision_graph_rewrite", "enable_mixed_precision_graph_rewrite"]


class LossScale:
    """The interface: calling it gives the current scale (a float32 scalar tensor);
    ``update(grads)`` gives ``(update_op, should_apply_gradients)``."""

    def __call__(self):
        raise NotImplementedError

    def update(self, grads):
        raise NotImplementedError

    def get_config(self):
        raise NotImplementedError

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _all_finite(grads):
    checks = [reduction_ops.reduce_all(cwise_ops.is_finite(
                  g.values if isinstance(g, IndexedSlices) else g))
              for g in grads if g is not None]
    if not checks:
        return convert_to_tensor(True)
    return reduction_ops.reduce_all(checks)


class FixedLossScale(LossScale):
    """One scale for the whole of training; gradients are always applied."""

    def __init__(self, loss_scale_value):
        if isinstance(loss_scale_value, bool) or not isinstance(
                loss_scale_value, numbers.Real):
            raise ValueError("loss_scale_value must be a Python int or float.")
        if loss_scale_value < 1:
            raise ValueError("loss_scale_value must be at least 1.")
        self._loss_scale_value = float(loss_scale_value)

    def __call__(self):
        return convert_to_tensor(self._loss_scale_value, dtype=dtypes.float32)

    def update(self, grads):
        del grads
        return control_flow_ops.no_op(), True

    def get_config(self):
        return {"loss_scale_value": self._loss_scale_value}

    def __repr__(self):
        return f"FixedLossScale({self._loss_scale_value})"


class DynamicLossScale(LossScale):
    """A scale variable (``current_loss_scale``) multiplied by ``multiplier`` after
    ``increment_period`` finite steps in a row (counted in ``good_steps``), unless the product
    is not finite, and divided by it (not below 1) at any step with a non-finite gradient,
    which is then skipped."""

    def __init__(self, initial_loss_scale=2 ** 15, increment_period=2000, multiplier=2.0):
        self._initial_loss_scale = float(initial_loss_scale)
        self._increment_period = int(increment_period)
        self._multiplier = float(multiplier)
        self._current_loss_scale = Variable(
            convert_to_tensor(self._initial_loss_scale, dtypes.float32),
            name="current_loss_scale", dtype=dtypes.float32, trainable=False)
        self._num_good_steps = Variable(0, name="good_steps", dtype=dtypes.int64,
                                        trainable=False)

    @property
    def initial_loss_scale(self):
        return self._initial_loss_scale

    @property
    def increment_period(self):
        return self._increment_period

    @property
    def multiplier(self):
        return self._multiplier

    def __call__(self):
        return self._current_loss_scale.value()

    def update(self, grads):
        scale = self._current_loss_scale
        good = self._num_good_steps
        is_finite = _all_finite(list(grads))

        def increase():
            grown = scale * self._multiplier
            new_scale = control_flow_ops.cond(cwise_ops.is_finite(grown), lambda: grown,
                                              lambda: scale.value())
            return control_flow_ops.group(scatter_ops.assign(scale, new_scale),
                                          scatter_ops.assign(good, 0))

        def on_finite():
            return control_flow_ops.cond(good + 1 >= self._increment_period, increase,
                                         lambda: scatter_ops.assign_add(good, 1).op)

        def on_not_finite():
            shrunk = math_ops.maximum(scale / self._multiplier, 1.0)
            return control_flow_ops.group(scatter_ops.assign(good, 0),
                                          scatter_ops.assign(scale, shrunk))

        update_op = control_flow_ops.cond(is_finite, on_finite, on_not_finite)
        return update_op, is_finite

    def get_config(self):
        return {"initial_loss_scale": self._initial_loss_scale,
                "increment_period": self._increment_period,
                "multiplier": self._multiplier}


def _get_loss_scale(loss_scale):
    if isinstance(loss_scale, LossScale):
        return loss_scale
    if isinstance(loss_scale, numbers.Real) and not isinstance(loss_scale, bool):
        return FixedLossScale(loss_scale)
    if loss_scale == "dynamic":
        return DynamicLossScale()
    raise ValueError(f"Could not interpret loss scale identifier: {loss_scale}")


class MixedPrecisionLossScaleOptimizer(WrapperSlots, Optimizer):
    """``opt`` with loss scaling: the loss is multiplied by the scale before differentiation
    and the gradients divided by it; ``apply_gradients`` updates the scale and applies the
    gradients only when the loss scale says so (all finite)."""

    def __init__(self, opt, loss_scale):
        if not isinstance(opt, Optimizer):
            raise ValueError(f'"opt" must be an instance of Optimizer, but got: {type(opt)}')
        super().__init__(use_locking=False, name=opt.get_name())
        self._opt = opt
        self._loss_scale = _get_loss_scale(loss_scale)

    def compute_gradients(self, loss, var_list=None, gate_gradients=Optimizer.GATE_OP,
                          aggregation_method=None, colocate_gradients_with_ops=False,
                          grad_loss=None):
        return scaled_gradients(
            self._opt, loss, self._loss_scale(), var_list=var_list,
            gate_gradients=gate_gradients, aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops, grad_loss=grad_loss)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        grads_and_vars = list(grads_and_vars)
        update_op, should_apply = self._loss_scale.update([g for g, _ in grads_and_vars])

        def apply():
            return self._opt.apply_gradients(grads_and_vars, global_step, name)

        if should_apply is True:
            maybe_apply = apply()
        else:
            maybe_apply = control_flow_ops.cond(should_apply, apply, control_flow_ops.no_op)
        return control_flow_ops.group(maybe_apply, update_op)


class PythonState:
    """A checkpointable piece of Python state: subclasses give ``serialize()`` (a string)
    and ``deserialize(string_value)``; tf.train.Checkpoint keeps the string."""

    def serialize(self):
        raise NotImplementedError

    def deserialize(self, string_value):
        raise NotImplementedError


_rewrite_enabled = False


def enable_mixed_precision_graph_rewrite(opt, loss_scale="dynamic"):
    """Wraps ``opt`` in loss scaling and notes the rewrite as enabled (without a GPU the
    rewrite itself changes no op, as in TensorFlow)."""
    global _rewrite_enabled
    if not isinstance(opt, Optimizer):
        raise ValueError('"opt" must be an instance of a tf.train.Optimizer or a '
                         f"tf.keras.optimizers.Optimizer, but got: {opt}")
    wrapped = MixedPrecisionLossScaleOptimizer(opt, loss_scale)
    _rewrite_enabled = True
    return wrapped


def disable_mixed_precision_graph_rewrite():
    """Notes the rewrite as disabled; an optimizer already wrapped stays wrapped."""
    global _rewrite_enabled
    if not _rewrite_enabled:
        _logging.warning("disable_mixed_precision_graph_rewrite() called when mixed precision "
                         "is already disabled.")
    _rewrite_enabled = False


def scaled_gradients(opt, loss, loss_scale, **kwargs):
    """``opt``'s gradients of ``loss * loss_scale``, divided back by ``loss_scale`` (the
    loss-scaling optimizers of ``tf.train.experimental`` and ``tf.contrib.mixed_precision``).
    In eager mode a callable loss stays a callable."""
    if get_default_graph()._eager and callable(loss):
        def scaled_loss():
            value = loss()
            return value * math_ops.cast(loss_scale, value.dtype.base_dtype)
    else:
        value = loss() if callable(loss) else convert_to_tensor(loss)
        scaled_loss = value * math_ops.cast(loss_scale, value.dtype.base_dtype)
    inverse = cwise_ops.reciprocal(loss_scale)
    unscaled = []
    for grad, var in opt.compute_gradients(scaled_loss, **kwargs):
        if grad is not None:
            factor = math_ops.cast(inverse, grad.dtype.base_dtype)
            if isinstance(grad, IndexedSlices):
                grad = IndexedSlices(grad.values * factor, grad.indices, grad.dense_shape)
            else:
                grad = grad * factor
        unscaled.append((grad, var))
    return unscaled
