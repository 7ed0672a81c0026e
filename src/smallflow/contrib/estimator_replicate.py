"""``tf.contrib.estimator``'s ``replicate_model_fn`` / ``TowerOptimizer`` and the logit_fn
helpers (``dnn_logit_fn_builder``, ``linear_logit_fn_builder``, ``call_logit_fn``).

``replicate_model_fn`` runs a ``model_fn`` once per device ("tower") on a slice of the batch
and sums the towers' gradients with ``TowerOptimizer``. On a machine without GPUs TensorFlow
1.15 picks the one CPU, and with a single device it calls the ``model_fn`` once, in the root
variable scope, on the whole batch: TowerOptimizer then only forwards to the optimizer it
wraps. That single-tower path is what smallflow provides; asking for several devices is an
error that says so.
"""

import inspect

from .. import feature_column
from .. import losses as tf_losses
from ..graph import Tensor
from ..train.optimizer import Optimizer
from ..variable_scope import variable_scope

__all__ = ["TowerOptimizer", "call_logit_fn", "dnn_logit_fn_builder",
           "linear_logit_fn_builder", "replicate_model_fn"]


class TowerOptimizer(Optimizer):
    """Wraps an optimizer (or a function making one) for ``replicate_model_fn``: with one
    tower every call is forwarded to it."""

    def __init__(self, optimizer_or_optimizer_fn):
        # TensorFlow's TowerOptimizer does not call Optimizer.__init__ either: everything
        # is the wrapped optimizer's.
        self._optimizer_or_optimizer_fn = optimizer_or_optimizer_fn

    def _get_optimizer(self):
        if callable(self._optimizer_or_optimizer_fn) and not isinstance(
                self._optimizer_or_optimizer_fn, Optimizer):
            self._optimizer_or_optimizer_fn = self._optimizer_or_optimizer_fn()
        return self._optimizer_or_optimizer_fn

    def get_slot(self, *args, **kwargs):
        return self._get_optimizer().get_slot(*args, **kwargs)

    def get_slot_names(self, *args, **kwargs):
        return self._get_optimizer().get_slot_names(*args, **kwargs)

    def get_name(self, *args, **kwargs):
        return self._get_optimizer().get_name(*args, **kwargs)

    def variables(self, *args, **kwargs):
        return self._get_optimizer().variables(*args, **kwargs)

    def compute_gradients(self, loss, *args, **kwargs):
        return self._get_optimizer().compute_gradients(loss, *args, **kwargs)

    def apply_gradients(self, grads_and_vars, global_step=None, **kwargs):
        return self._get_optimizer().apply_gradients(grads_and_vars, global_step, **kwargs)

    def minimize(self, loss, global_step=None, var_list=None, **kwargs):
        pairs = self.compute_gradients(loss, var_list=var_list)
        return self.apply_gradients(pairs, global_step=global_step,
                                    name=kwargs.get("name"))


def replicate_model_fn(model_fn, loss_reduction=tf_losses.Reduction.SUM_BY_NONZERO_WEIGHTS,
                       devices=None):
    """A ``model_fn`` computing ``model_fn`` on the towers of ``devices`` (the CPU when
    None)."""
    if loss_reduction == tf_losses.Reduction.NONE:
        raise ValueError(f"Tower losses need to be reduced in some way, yet "
                         f"{loss_reduction} reduction is specified.")
    devices = list(devices) if devices else ["/device:CPU:0"]
    if len(devices) != 1:
        raise ValueError(f"replicate_model_fn: smallflow runs a single tower; got devices "
                         f"{devices} (TensorFlow would split the batch across them)")
    names = inspect.signature(model_fn).parameters

    def single_device_model_fn(features, labels, mode, params=None, config=None):
        kwargs = {}
        if "params" in names:
            kwargs["params"] = params
        if "config" in names:
            kwargs["config"] = config
        with variable_scope("", reuse=False):
            return model_fn(features=features, labels=labels, mode=mode, **kwargs)

    return single_device_model_fn


def call_logit_fn(logit_fn, features, mode, params, config):
    """Call ``logit_fn(features, [mode], [params], [config])`` with the arguments it takes;
    the result must be a Tensor or a dict of Tensors by name."""
    names = inspect.signature(logit_fn).parameters
    kwargs = {key: value for key, value in (("mode", mode), ("params", params),
                                            ("config", config)) if key in names}
    result = logit_fn(features=features, **kwargs)
    valid_dict = isinstance(result, dict) and all(
        isinstance(k, str) and isinstance(v, Tensor) for k, v in result.items())
    if not (valid_dict or isinstance(result, Tensor)):
        raise ValueError(f"logit_fn should return a Tensor or a dictionary mapping strings to "
                         f"Tensors.  logit_fn returned: {result}")
    return result


def dnn_logit_fn_builder(units, hidden_units, feature_columns, activation_fn, dropout,
                         input_layer_partitioner, batch_norm):
    """A ``logit_fn(features, mode)`` building DNNClassifier's network (variables
    ``dnn/hiddenlayer_<i>/...``, ``dnn/logits/...``) with ``units`` outputs."""
    if not isinstance(units, int) or isinstance(units, bool):
        raise ValueError(f"units must be an int.  Given type: {type(units)}")
    from ..estimator.canned import _dnn_logits

    def dnn_logit_fn(features, mode):
        return _dnn_logits(features, mode, feature_columns, hidden_units, units,
                           activation_fn, dropout, batch_norm)

    return dnn_logit_fn


def linear_logit_fn_builder(units, feature_columns, sparse_combiner="sum"):
    """A ``logit_fn(features)``: ``tf.feature_column.linear_model`` with ``units`` outputs."""

    def linear_logit_fn(features):
        return feature_column.linear_model(features, feature_columns, units,
                                           sparse_combiner=sparse_combiner)

    return linear_logit_fn
