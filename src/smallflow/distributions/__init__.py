"""``tf.distributions`` (TensorFlow 1.x core): Normal, Bernoulli, Categorical, Uniform, Gamma,
Exponential, Beta, Dirichlet, Laplace, StudentT, Multinomial, DirichletMultinomial, the
Distribution base class and KL divergences (``kl_divergence``, ``RegisterKL``), exactly the
names TensorFlow 1.15 exports there. The modules below also hold what
``tf.contrib.distributions`` adds (multivariate normals, mixtures, relaxed distributions,
TransformedDistribution and the bijectors; see docs/architecture.md)."""

from .bernoulli import Bernoulli, Categorical
from .distribution import (
    FULLY_REPARAMETERIZED,
    NOT_REPARAMETERIZED,
    Distribution,
    ReparameterizationType,
)
from .gamma_family import Beta, Dirichlet, Exponential, Gamma, Laplace, StudentT
from .kullback_leibler import RegisterKL, kl_divergence
from .multinomial import DirichletMultinomial, Multinomial
from .normal import Normal
from .uniform import Uniform

__all__ = ["Bernoulli", "Beta", "Categorical", "Dirichlet", "DirichletMultinomial",
           "Distribution", "Exponential", "FULLY_REPARAMETERIZED", "Gamma", "Laplace",
           "Multinomial", "NOT_REPARAMETERIZED", "Normal", "RegisterKL",
           "ReparameterizationType", "StudentT", "Uniform", "kl_divergence"]
