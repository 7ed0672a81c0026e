"""``tf.random``: samplers (normal, uniform, truncated normal, shuffle, categorical) and
the graph-level seed."""

from . import random_experimental as experimental
from .graph import set_random_seed
from .ops.candidate_sampling_ops import (
    all_candidate_sampler,
    fixed_unigram_candidate_sampler,
    learned_unigram_candidate_sampler,
    log_uniform_candidate_sampler,
    uniform_candidate_sampler,
)
from .ops.random_extra_ops import categorical, multinomial
from .ops.random_extra_ops import random_shuffle as shuffle
from .ops.random_ops import get_seed, truncated_normal
from .ops.random_ops import random_normal as normal
from .ops.random_ops import random_uniform as uniform
from .ops.stateless_random_ops import (
    fold_in,
    split,
    stateless_categorical,
    stateless_multinomial,
    stateless_parameterized_truncated_normal,
    stateless_truncated_normal,
)
from .ops.stateless_random_ops import (
    random_gamma as gamma,
)
from .ops.stateless_random_ops import (
    random_poisson as poisson,
)
from .ops.stateless_random_ops import (
    stateless_random_binomial as stateless_binomial,
)
from .ops.stateless_random_ops import (
    stateless_random_gamma as stateless_gamma,
)
from .ops.stateless_random_ops import (
    stateless_random_normal as stateless_normal,
)
from .ops.stateless_random_ops import (
    stateless_random_poisson as stateless_poisson,
)
from .ops.stateless_random_ops import (
    stateless_random_uniform as stateless_uniform,
)

__all__ = ["all_candidate_sampler", "categorical", "experimental",
           "fixed_unigram_candidate_sampler", "fold_in",
           "gamma", "get_seed", "learned_unigram_candidate_sampler",
           "log_uniform_candidate_sampler", "multinomial", "normal", "poisson",
           "set_random_seed", "shuffle", "split", "stateless_binomial", "stateless_categorical",
           "stateless_gamma", "stateless_multinomial", "stateless_normal",
           "stateless_parameterized_truncated_normal", "stateless_poisson",
           "stateless_truncated_normal", "stateless_uniform", "truncated_normal", "uniform",
           "uniform_candidate_sampler"]
