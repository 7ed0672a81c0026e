"""``tf.contrib.tpu``: ``TPUEstimator`` and its configuration (run on the CPU, see
``estimator/tpu.py``) and ``CrossShardOptimizer`` over the one shard a CPU has."""

from .. import logging
from ..estimator.tpu import (
    InputPipelineConfig,
    RunConfig,
    TPUConfig,
    TPUEstimator,
    TPUEstimatorSpec,
)
from ..losses import Reduction
from ..train.optimizer import Optimizer, WrapperSlots
from ._missing import missing_attribute

__all__ = ["CrossShardOptimizer", "InputPipelineConfig", "RunConfig", "TPUConfig",
           "TPUEstimator", "TPUEstimatorSpec"]


class CrossShardOptimizer(WrapperSlots, Optimizer):
    """Wraps ``opt`` to average (``MEAN``) or add (``SUM``) gradients over TPU shards.

    Outside a TPU computation TensorFlow warns and assumes one shard; smallflow always runs
    there, so the loss keeps its scale and the sum over one shard is the gradient itself:
    the wrapped optimizer sees the same gradients as without the wrapper.
    """

    def __init__(self, opt, reduction=Reduction.MEAN, name="CrossShardOptimizer",
                 group_assignment=None):
        if reduction not in (Reduction.SUM, Reduction.MEAN):
            raise ValueError(f"Unsupported reduction: {reduction}.")
        super().__init__(False, name)
        self._opt = opt
        self._reduction = reduction
        self._group_assignment = group_assignment

    def compute_gradients(self, loss, var_list=None, **kwargs):
        logging.warning("CrossShardOptimizer should be used within a tpu_shard_context, but "
                        "got unset number_of_shards. Assuming 1.")
        if self._group_assignment and self._group_assignment != [[0]]:
            raise ValueError("group_assignment must be a permutation of range(1). Got "
                             f"group_assignment={self._group_assignment}")
        return self._opt.compute_gradients(loss, var_list=var_list, **kwargs)

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        return self._opt.apply_gradients(list(grads_and_vars), global_step, name)


__getattr__ = missing_attribute(__name__, "tf.contrib.tpu")
