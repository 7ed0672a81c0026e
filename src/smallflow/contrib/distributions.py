"""``tf.contrib.distributions``: TensorFlow 1.x's core distributions under their contrib
names, and ``MultivariateNormalDiag``. Other contrib families (bijectors, mixtures, ...)
raise an AttributeError naming them."""

from ..distributions import (
    FULLY_REPARAMETERIZED,
    NOT_REPARAMETERIZED,
    Bernoulli,
    Categorical,
    Distribution,
    Normal,
    NormalWithSoftplusScale,
    RegisteredKL,
    ReparameterizationType,
    Uniform,
    kl_divergence,
)
from ..distributions.mvn_diag import MultivariateNormalDiag
from ._missing import missing_attribute

__all__ = ["Bernoulli", "Categorical", "Distribution", "FULLY_REPARAMETERIZED",
           "MultivariateNormalDiag", "NOT_REPARAMETERIZED", "Normal", "NormalWithSoftplusScale",
           "RegisteredKL", "ReparameterizationType", "Uniform", "kl_divergence"]

__getattr__ = missing_attribute(__name__, "tf.contrib.distributions")
