"""``tf.train.experimental`` (r1.15): loss scaling and the mixed-precision switches."""

from .loss_scale import (
    DynamicLossScale,
    FixedLossScale,
    LossScale,
    MixedPrecisionLossScaleOptimizer,
    PythonState,
    disable_mixed_precision_graph_rewrite,
    enable_mixed_precision_graph_rewrite,
)

__all__ = ["DynamicLossScale", "FixedLossScale", "LossScale",
           "MixedPrecisionLossScaleOptimizer", "PythonState",
           "disable_mixed_precision_graph_rewrite", "enable_mixed_precision_graph_rewrite"]
