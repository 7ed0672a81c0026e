"""``tf.distributions`` (TensorFlow 1.x core): Normal, Bernoulli, Categorical, Uniform, Gamma,
Exponential, Beta, Dirichlet, Laplace, StudentT, the
Distribution base class and KL divergences (see docs/architecture.md). ``mvn_diag`` holds
``tf.contrib.distributions.MultivariateNormalDiag``."""

from .bernoulli import Bernoulli, Categorical
from .distribution import (
    FULLY_REPARAMETERIZED,
    NOT_REPARAMETERIZED,
    Distribution,
    ReparameterizationType,
)
from .gamma_family import Beta, Dirichlet, Exponential, Gamma, Laplace, StudentT
from .kullback_leibler import RegisteredKL, kl_divergence
from .normal import Normal, NormalWithSoftplusScale
from .uniform import Uniform

__all__ = ["Bernoulli", "Beta", "Categorical", "Dirichlet", "Distribution", "Exponential",
           "FULLY_REPARAMETERIZED", "Gamma", "Laplace", "StudentT",
           "NOT_REPARAMETERIZED", "Normal", "NormalWithSoftplusScale", "RegisteredKL",
           "ReparameterizationType", "Uniform", "kl_divergence"]
