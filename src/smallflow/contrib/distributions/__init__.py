"""``tf.contrib.distributions`` (TensorFlow 1.15): the core distributions under their
contrib names, the contrib families (multivariate normals, one-hot and relaxed
categoricals, mixtures, Independent, TransformedDistribution, counts, point masses, ...),
``bijectors`` and the helper functions. Names TensorFlow 1.15 has here that smallflow lacks
raise an AttributeError naming them."""

from ...distributions import (
    FULLY_REPARAMETERIZED,
    NOT_REPARAMETERIZED,
    Bernoulli,
    Beta,
    Categorical,
    Dirichlet,
    DirichletMultinomial,
    Distribution,
    Exponential,
    Gamma,
    Laplace,
    Multinomial,
    Normal,
    RegisterKL,
    ReparameterizationType,
    StudentT,
    Uniform,
    kl_divergence,
)
from ...distributions.continuous import (
    Cauchy,
    Chi2,
    Chi2WithAbsDf,
    HalfNormal,
    InverseGamma,
    InverseGammaWithSoftplusConcentrationRate,
    Logistic,
)
from ...distributions.discrete import (
    Binomial,
    Deterministic,
    Geometric,
    NegativeBinomial,
    Poisson,
    VectorDeterministic,
)
from ...distributions.mixture import Independent, Mixture, MixtureSameFamily
from ...distributions.mvn import (
    MultivariateNormalDiagWithSoftplusScale,
    MultivariateNormalFullCovariance,
    MultivariateNormalLinearOperator,
    MultivariateNormalTriL,
)
from ...distributions.mvn_diag import MultivariateNormalDiag
from ...distributions.normal import NormalWithSoftplusScale
from ...distributions.relaxed import (
    ExpRelaxedOneHotCategorical,
    OneHotCategorical,
    RelaxedBernoulli,
    RelaxedOneHotCategorical,
)
from ...distributions.softplus_forms import (
    BernoulliWithSigmoidProbs,
    BetaWithSoftplusConcentration,
    ExponentialWithSoftplusRate,
    GammaWithSoftplusConcentrationRate,
    LaplaceWithSoftplusScale,
    StudentTWithAbsDfSoftplusScale,
)
from ...distributions.transformed import TransformedDistribution
from ...distributions.util import (
    fill_triangular,
    fill_triangular_inverse,
    matrix_diag_transform,
    reduce_weighted_logsumexp,
    softplus_inverse,
    tridiag,
)
from .._missing import missing_attribute
from . import bijectors

__all__ = ["Bernoulli", "BernoulliWithSigmoidProbs", "Beta", "BetaWithSoftplusConcentration",
           "Binomial", "Categorical", "Cauchy", "Chi2", "Chi2WithAbsDf", "Deterministic",
           "Dirichlet", "DirichletMultinomial", "Distribution", "ExpRelaxedOneHotCategorical",
           "Exponential", "ExponentialWithSoftplusRate", "FULLY_REPARAMETERIZED", "Gamma",
           "GammaWithSoftplusConcentrationRate", "Geometric", "HalfNormal", "Independent",
           "InverseGamma", "InverseGammaWithSoftplusConcentrationRate", "Laplace",
           "LaplaceWithSoftplusScale", "Logistic", "Mixture", "MixtureSameFamily",
           "Multinomial", "MultivariateNormalDiag", "MultivariateNormalDiagWithSoftplusScale",
           "MultivariateNormalFullCovariance", "MultivariateNormalLinearOperator",
           "MultivariateNormalTriL", "NOT_REPARAMETERIZED", "NegativeBinomial", "Normal",
           "NormalWithSoftplusScale", "OneHotCategorical", "Poisson", "RegisterKL",
           "RelaxedBernoulli", "RelaxedOneHotCategorical", "ReparameterizationType",
           "StudentT", "StudentTWithAbsDfSoftplusScale", "TransformedDistribution", "Uniform",
           "VectorDeterministic", "bijectors", "fill_triangular",
           "fill_triangular_inverse", "kl_divergence",
           "matrix_diag_transform", "reduce_weighted_logsumexp", "softplus_inverse", "tridiag"]

__getattr__ = missing_attribute(__name__, "tf.contrib.distributions")
