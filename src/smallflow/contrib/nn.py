"""``tf.contrib.nn``: alpha dropout (for SELU networks), the scaled softplus, ``nth_element``,
the sampled softmax with sparse labels, and the cross entropies with their pre-1.0 argument
order (logits first)."""

import numbers

from .. import dtypes
from ..graph import convert_to_tensor, name_scope
from ..ops import array_extra_ops, array_ops, math_ops, nn_ops, random_ops
from ..ops.common import constant_value
from ..ops.nn_dispatch_ops import conv1d_transpose
from ..ops.nn_extra_ops import _compute_sampled_logits
from ._missing import missing_attribute

__all__ = ["alpha_dropout", "conv1d_transpose",
           "deprecated_flipped_sigmoid_cross_entropy_with_logits",
           "deprecated_flipped_softmax_cross_entropy_with_logits",
           "deprecated_flipped_sparse_softmax_cross_entropy_with_logits", "nth_element",
           "sampled_sparse_softmax_loss", "scaled_softplus"]

# The SELU's negative saturation value, -lambda * alpha (Klambauer et al. 2017).
_SELU_SATURATION = -1.7580993408473766


def alpha_dropout(x, keep_prob, noise_shape=None, seed=None, name=None):
    """Dropout for self-normalising networks: dropped units are set to the SELU's negative
    saturation value instead of 0, then ``a * x + b`` restores the input's mean and
    variance (``a = (p + p (1 - p) alpha^2)^-1/2``, ``b = -a alpha (1 - p)``, ``p`` the keep
    probability). ``keep_prob`` 1 returns ``x`` itself."""
    with name_scope(name or "alpha_dropout"):
        x = convert_to_tensor(x, name="x")
        if isinstance(keep_prob, numbers.Real) and not 0 < keep_prob <= 1.0:
            raise ValueError(f"keep_prob must be a scalar tensor or a float in the range "
                             f"(0, 1], got {keep_prob:g}")
        keep_prob = convert_to_tensor(keep_prob, dtype=x.dtype, name="keep_prob")
        keep_prob.shape.assert_has_rank(0)
        if constant_value(keep_prob) == 1:
            return x
        shape = noise_shape if noise_shape is not None else array_ops.shape(x)
        uniform = random_ops.random_uniform(shape, seed=seed, dtype=x.dtype)
        kept = math_ops.cast(math_ops.greater_equal(uniform, 1 - keep_prob), x.dtype)
        x = x * kept + _SELU_SATURATION * (1 - kept)
        a = (keep_prob + keep_prob * (1 - keep_prob) * _SELU_SATURATION ** 2) ** -0.5
        b = -a * _SELU_SATURATION * (1 - keep_prob)
        return a * x + b


def scaled_softplus(x, alpha, clip=None, name=None):
    """``alpha * softplus(x / alpha)`` (relu as ``alpha`` -> 0), capped at ``clip`` when
    given; differentiable in ``x``, ``alpha`` and ``clip``."""
    with name_scope(name or "scaled_softplus"):
        x = convert_to_tensor(x, name="x")
        alpha = convert_to_tensor(alpha, dtype=x.dtype, name="alpha")
        y = alpha * nn_ops.softplus(x / alpha)
        if clip is not None:
            y = math_ops.minimum(y, convert_to_tensor(clip, dtype=x.dtype, name="clip"))
        return y


def nth_element(input, n, reverse=False, name=None):  # noqa: A002 - TensorFlow's name
    """The ``n``-th smallest value (``reverse``: largest) along the last dimension, counting
    from 0; the last dimension is dropped."""
    with name_scope(name or "NthElement"):
        values = convert_to_tensor(input, name="input")
        if values.shape.ndims == 0:
            raise ValueError("Input must be >= 1-D")
        n = convert_to_tensor(n, dtype=dtypes.int32, name="n")
        if n.shape.ndims not in (None, 0):
            raise ValueError(f"N must be a scalar, got shape {n.shape}")
        static_n = constant_value(n)
        if static_n is not None and static_n < 0:
            raise ValueError(f"Need n >= 0, got {static_n}")
        ordered = values if reverse else -values
        top = array_extra_ops.top_k(ordered, n + 1, sorted=True).values
        picked = top[..., -1]
        return picked if reverse else -picked


def sampled_sparse_softmax_loss(weights, biases, labels, inputs, num_sampled, num_classes,
                                sampled_values=None, remove_accidental_hits=True,
                                partition_strategy="mod", name="sampled_sparse_softmax_loss"):
    """``tf.nn.sampled_softmax_loss`` with one true class per example, scored by sparse
    softmax cross entropy (the true logit comes first): ``[batch_size]`` losses."""
    with name_scope(name):
        logits, _ = _compute_sampled_logits(
            weights, biases, labels, inputs, num_sampled, num_classes, 1, sampled_values,
            True, remove_accidental_hits, partition_strategy, None)
        first = array_ops.zeros([array_ops.shape(logits)[0]], dtype=dtypes.int64)
        return nn_ops.sparse_softmax_cross_entropy_with_logits(labels=first, logits=logits)


def deprecated_flipped_softmax_cross_entropy_with_logits(logits, labels, dim=-1, name=None):
    """``tf.nn.softmax_cross_entropy_with_logits`` with logits first."""
    return nn_ops.softmax_cross_entropy_with_logits(labels=labels, logits=logits, dim=dim,
                                                    name=name)


def deprecated_flipped_sparse_softmax_cross_entropy_with_logits(logits, labels, name=None):
    """``tf.nn.sparse_softmax_cross_entropy_with_logits`` with logits first."""
    return nn_ops.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                           name=name)


def deprecated_flipped_sigmoid_cross_entropy_with_logits(logits, targets, name=None):
    """``tf.nn.sigmoid_cross_entropy_with_logits`` with logits first (``targets``)."""
    return nn_ops.sigmoid_cross_entropy_with_logits(labels=targets, logits=logits, name=name)


__getattr__ = missing_attribute(__name__, "tf.contrib.nn")
