"""TensorFlow 1.x's convenience forms of the core families whose positive parameters pass
through softplus (or ``floor(|df|)``, or a sigmoid for Bernoulli's probabilities), exported
by ``tf.contrib.distributions``."""

from ..graph import convert_to_tensor, get_default_graph
from ..ops import math_ops, nn_ops
from .bernoulli import Bernoulli
from .gamma_family import Beta, Exponential, Gamma, Laplace, StudentT

__all__ = ["BernoulliWithSigmoidProbs", "BetaWithSoftplusConcentration",
           "ExponentialWithSoftplusRate", "GammaWithSoftplusConcentrationRate",
           "LaplaceWithSoftplusScale", "StudentTWithAbsDfSoftplusScale"]


def _softplus(value, name):
    return nn_ops.softplus(convert_to_tensor(value), name=name)


class BernoulliWithSigmoidProbs(Bernoulli):
    """Bernoulli with ``probs = sigmoid(logits)``."""

    def __init__(self, logits=None, dtype="int32", validate_args=False, allow_nan_stats=True,
                 name="BernoulliWithSigmoidProbs"):
        parameters = dict(locals())
        with get_default_graph().name_scope(name) as scope:
            probs = math_ops.sigmoid(logits, name="sigmoid_probs")
            super().__init__(probs=probs, dtype=dtype, validate_args=validate_args,
                             allow_nan_stats=allow_nan_stats, name=scope)
        self._parameters = parameters


class BetaWithSoftplusConcentration(Beta):
    """Beta of ``softplus(concentration1)`` and ``softplus(concentration0)``."""

    def __init__(self, concentration1, concentration0, validate_args=False,
                 allow_nan_stats=True, name="BetaWithSoftplusConcentration"):
        parameters = dict(locals())
        with get_default_graph().name_scope(name) as scope:
            super().__init__(
                concentration1=_softplus(concentration1, "softplus_concentration1"),
                concentration0=_softplus(concentration0, "softplus_concentration0"),
                validate_args=validate_args, allow_nan_stats=allow_nan_stats, name=scope)
        self._parameters = parameters


class ExponentialWithSoftplusRate(Exponential):
    """Exponential of ``softplus(rate)``."""

    def __init__(self, rate, validate_args=False, allow_nan_stats=True,
                 name="ExponentialWithSoftplusRate"):
        parameters = dict(locals())
        with get_default_graph().name_scope(name) as scope:
            super().__init__(rate=_softplus(rate, "softplus_rate"),
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             name=scope)
        self._parameters = parameters


class GammaWithSoftplusConcentrationRate(Gamma):
    """Gamma of ``softplus(concentration)`` and ``softplus(rate)``."""

    def __init__(self, concentration, rate, validate_args=False, allow_nan_stats=True,
                 name="GammaWithSoftplusConcentrationRate"):
        parameters = dict(locals())
        with get_default_graph().name_scope(name) as scope:
            super().__init__(concentration=_softplus(concentration, "softplus_concentration"),
                             rate=_softplus(rate, "softplus_rate"),
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             name=scope)
        self._parameters = parameters


class LaplaceWithSoftplusScale(Laplace):
    """Laplace with ``scale = softplus(scale)``."""

    def __init__(self, loc, scale, validate_args=False, allow_nan_stats=True,
                 name="LaplaceWithSoftplusScale"):
        parameters = dict(locals())
        with get_default_graph().name_scope(name) as scope:
            super().__init__(loc=loc, scale=_softplus(scale, "softplus_scale"),
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             name=scope)
        self._parameters = parameters


class StudentTWithAbsDfSoftplusScale(StudentT):
    """StudentT with ``df = floor(|df|)`` and ``scale = softplus(scale)``."""

    def __init__(self, df, loc, scale, validate_args=False, allow_nan_stats=True,
                 name="StudentTWithAbsDfSoftplusScale"):
        parameters = dict(locals())
        with get_default_graph().name_scope(name) as scope:
            df = math_ops.floor(math_ops.abs(convert_to_tensor(df, name="df")),
                                name="floor_abs_df")
            super().__init__(df=df, loc=loc, scale=_softplus(scale, "softplus_scale"),
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             name=scope)
        self._parameters = parameters
