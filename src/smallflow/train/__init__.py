"""``tf.train``: optimizers, the global step and (later) checkpoints."""

from .gradient_descent import GradientDescentOptimizer
from .optimizer import Optimizer
from .training_util import (
    create_global_step,
    get_global_step,
    get_or_create_global_step,
    global_step,
)

__all__ = [
    "GradientDescentOptimizer",
    "Optimizer",
    "create_global_step",
    "get_global_step",
    "get_or_create_global_step",
    "global_step",
]
