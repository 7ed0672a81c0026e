"""``tf.distributions`` (TensorFlow 1.x core): Normal, Bernoulli, Categorical, Uniform, the
Distribution base class and KL divergences (see docs/architecture.md). ``mvn_diag`` holds
``tf.contrib.distributions.MultivariateNormalDiag``."""

from .bernoulli import Bernoulli, Categorical
from .distribution import (
    FULLY_REPARAMETERIZED,
    NOT_REPARAMETERIZED,
    Distribution,
    ReparameterizationType,
)
from .kullback_leibler import RegisteredKL, kl_divergence
from .normal import Normal, NormalWithSoftplusScale
from .uniform import Uniform

__all__ = ["Bernoulli", "Categorical", "Distribution", "FULLY_REPARAMETERIZED",
           "NOT_REPARAMETERIZED", "Normal", "NormalWithSoftplusScale", "RegisteredKL",
           "ReparameterizationType", "Uniform", "kl_divergence"]
