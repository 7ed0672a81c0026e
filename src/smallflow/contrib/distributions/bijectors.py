"""``tf.contrib.distributions.bijectors`` (TensorFlow 1.15): the Bijector base class, the
elementwise and structural bijectors, and the learned flows (MaskedAutoregressiveFlow,
RealNVP, BatchNormalization) with their default networks."""

from ...distributions.bijector import Bijector
from ...distributions.bijectors_basic import (
    AbsoluteValue,
    Affine,
    AffineLinearOperator,
    AffineScalar,
    Chain,
    Exp,
    Gumbel,
    Identity,
    Inline,
    Invert,
    Permute,
    PowerTransform,
    Reshape,
    Sigmoid,
    SoftmaxCentered,
    Softplus,
    Softsign,
    Square,
)
from ...distributions.bijectors_more import (
    CholeskyOuterProduct,
    FillTriangular,
    Kumaraswamy,
    MatrixInverseTriL,
    Ordered,
    ScaleTriL,
    TransformDiagonal,
    Weibull,
)
from .._missing import missing_attribute
from .flows import (
    BatchNormalization,
    MaskedAutoregressiveFlow,
    RealNVP,
    masked_autoregressive_default_template,
    masked_dense,
    real_nvp_default_template,
)

__all__ = ["AbsoluteValue", "Affine", "AffineLinearOperator", "AffineScalar",
           "BatchNormalization", "Bijector", "Chain", "CholeskyOuterProduct", "FillTriangular",
           "Kumaraswamy", "MatrixInverseTriL", "Ordered", "ScaleTriL", "TransformDiagonal",
           "Weibull", "Exp", "Gumbel", "Identity", "Inline",
           "Invert", "MaskedAutoregressiveFlow", "Permute", "PowerTransform", "RealNVP", "Reshape",
           "Sigmoid", "SoftmaxCentered", "Softplus", "Softsign", "Square",
           "masked_autoregressive_default_template", "masked_dense",
           "real_nvp_default_template"]

__getattr__ = missing_attribute(__name__, "tf.contrib.distributions.bijectors")
