"""``tf.random``: samplers (normal, uniform, truncated normal, shuffle, categorical) and
the graph-level seed."""

from .graph import set_random_seed
from .ops.candidate_sampling_ops import (
    log_uniform_candidate_sampler,
    uniform_candidate_sampler,
)
from .ops.random_extra_ops import categorical, multinomial, random_shuffle as shuffle
from .ops.random_ops import get_seed
from .ops.random_ops import random_normal as normal
from .ops.random_ops import random_uniform as uniform
from .ops.random_ops import truncated_normal

__all__ = ["categorical", "get_seed", "log_uniform_candidate_sampler", "multinomial", "normal",
           "set_random_seed", "shuffle", "truncated_normal", "uniform",
           "uniform_candidate_sampler"]
