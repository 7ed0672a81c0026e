"""``tf.contrib.losses.metric_learning``: the embedding losses of TensorFlow 1.x's contrib
(contrastive, triplet with semi-hard negative mining, lifted structured, N-pairs), with its
distance conventions and edge rules.

Written with broadcasting over ``[batch, batch]`` and ``[batch, batch, batch]`` tensors
(``[anchor, positive, negative]``) where contrib tiled matrices; the values are the same.
The clustering loss (``cluster_loss``, built on scikit-learn's scores) is not provided.
"""

from .. import dtypes
from ..graph import convert_to_tensor, name_scope
from ..ops import array_ops, debug_ops, math_ops, nn_ops
from ._missing import missing_attribute

__all__ = ["contrastive_loss", "lifted_struct_loss", "npairs_loss", "pairwise_distance",
           "triplet_semihard_loss"]


def _as_column(labels, who):
    labels = convert_to_tensor(labels, name="labels")
    if labels.shape.ndims not in (None, 1):
        raise ValueError(f"{who}: labels must be a 1-D tensor of shape [batch_size]; got "
                         f"shape {labels.shape}")
    return array_ops.reshape(labels, [-1, 1])


def _off_diagonal(like):
    """1.0 everywhere but the diagonal of the square ``like``."""
    size = array_ops.shape(like)[0]
    return array_ops.ones_like(like) - array_ops.diag(array_ops.ones([size], like.dtype))


def pairwise_distance(feature, squared=False):
    """``[n, n]`` distances between the rows of ``feature`` (``|a|^2 + |b|^2 - 2 a.b``,
    negatives from rounding set to 0; squared or not); the diagonal is exactly 0, and the
    square root's gradient stays finite at zero distances."""
    feature = convert_to_tensor(feature, name="feature")
    norms = math_ops.reduce_sum(math_ops.square(feature), axis=[1], keepdims=True)
    gram = math_ops.matmul(feature, feature, transpose_b=True)
    squared_distances = math_ops.maximum(norms + array_ops.transpose(norms) - 2.0 * gram, 0.0)
    is_zero = math_ops.less_equal(squared_distances, 0.0)
    if squared:
        distances = squared_distances
    else:
        # A tiny offset under the root where the distance is 0 keeps the gradient finite;
        # those entries are zeroed again right after.
        offset = math_ops.cast(is_zero, feature.dtype) * 1e-16
        distances = math_ops.sqrt(squared_distances + offset)
    distances = distances * math_ops.cast(math_ops.logical_not(is_zero), feature.dtype)
    return distances * _off_diagonal(distances)


def contrastive_loss(labels, embeddings_anchor, embeddings_positive, margin=1.0):
    """Mean over pairs of ``y d^2 + (1 - y) max(margin - d, 0)^2`` with ``d`` the Euclidean
    distance of a pair and ``y`` its 0/1 label (1: same class)."""
    anchor = convert_to_tensor(embeddings_anchor, name="embeddings_anchor")
    positive = convert_to_tensor(embeddings_positive, name="embeddings_positive")
    distances = math_ops.sqrt(math_ops.reduce_sum(math_ops.square(anchor - positive), 1))
    same = math_ops.cast(labels, dtypes.float32)
    apart = math_ops.square(math_ops.maximum(margin - distances, 0.0))
    return math_ops.reduce_mean(same * math_ops.square(distances) + (1.0 - same) * apart,
                                name="contrastive_loss")


def _masked_min(data, mask, axis):
    """The minimum of ``data`` over ``axis`` where ``mask`` is 1 (an empty mask gives the
    maximum over the axis), keeping the axis."""
    top = math_ops.reduce_max(data, axis, keepdims=True)
    return math_ops.reduce_min((data - top) * mask, axis, keepdims=True) + top


def _masked_max(data, mask, axis):
    """The maximum of ``data`` over ``axis`` where ``mask`` is 1 (an empty mask gives the
    minimum over the axis), keeping the axis."""
    bottom = math_ops.reduce_min(data, axis, keepdims=True)
    return math_ops.reduce_max((data - bottom) * mask, axis, keepdims=True) + bottom


def triplet_semihard_loss(labels, embeddings, margin=1.0):
    """FaceNet's triplet loss with semi-hard negatives, on squared distances.

    For each anchor ``a`` and positive ``p`` (same label, ``p != a``) the negative is the
    closest one farther from ``a`` than ``p`` is; when there is none, the farthest
    negative. The loss is the mean of ``max(margin + d(a, p) - d(a, n), 0)`` over all
    ordered positive pairs.
    """
    with name_scope("triplet_semihard_loss"):
        labels = _as_column(labels, "triplet_semihard_loss")
        distances = pairwise_distance(embeddings, squared=True)
        same = math_ops.equal(labels, array_ops.transpose(labels))
        negative = math_ops.cast(math_ops.logical_not(same), distances.dtype)
        # [anchor, positive, negative]: n is a negative of a farther away than p.
        d_an = array_ops.expand_dims(distances, 1)
        d_ap = array_ops.expand_dims(distances, 2)
        farther = math_ops.cast(math_ops.greater(d_an, d_ap), distances.dtype)
        semihard = array_ops.expand_dims(negative, 1) * farther
        has_semihard = math_ops.greater(math_ops.reduce_sum(semihard, 2), 0.0)
        d_an_tiled = d_an + array_ops.zeros_like(d_ap)
        closest_semihard = array_ops.squeeze(_masked_min(d_an_tiled, semihard, 2), [2])
        farthest = _masked_max(distances, negative, 1) + array_ops.zeros_like(distances)
        chosen = array_ops.where(has_semihard, closest_semihard, farthest)
        positives = math_ops.cast(same, distances.dtype) * _off_diagonal(distances)
        hinge = math_ops.maximum((margin + distances - chosen) * positives, 0.0)
        return math_ops.truediv(math_ops.reduce_sum(hinge), math_ops.reduce_sum(positives),
                                name="triplet_semihard_loss")


def lifted_struct_loss(labels, embeddings, margin=1.0):
    """The lifted structured embedding loss (Song et al. 2016), on Euclidean distances:
    for each positive pair ``(i, j)`` ``J = log(sum_neg(i) exp(m - d) + sum_neg(j) exp(m - d))
    + d(i, j)`` (computed with the larger of the two rows' maxima factored out), and the
    loss is ``sum max(J, 0)^2 / (2 * number of unordered positive pairs)``."""
    with name_scope("lifted_struct_loss"):
        labels = _as_column(labels, "lifted_struct_loss")
        distances = pairwise_distance(embeddings)
        same = math_ops.equal(labels, array_ops.transpose(labels))
        negative = math_ops.cast(math_ops.logical_not(same), distances.dtype)
        slack = margin - distances
        row_max = _masked_max(slack, negative, 1)
        pair_max = math_ops.maximum(row_max, array_ops.transpose(row_max))
        # [i, j, k]: exp(slack[i, k] - pair_max[i, j]) over the negatives k of i.
        shifted = array_ops.expand_dims(slack, 1) - array_ops.expand_dims(pair_max, 2)
        row_sums = math_ops.reduce_sum(math_ops.exp(shifted) * array_ops.expand_dims(
            negative, 1), 2)
        pair_loss = pair_max + math_ops.log(row_sums + array_ops.transpose(row_sums))
        pair_loss += distances
        positives = math_ops.cast(same, distances.dtype) * _off_diagonal(distances)
        pairs = math_ops.reduce_sum(positives) / 2.0
        squares = math_ops.square(math_ops.maximum(pair_loss * positives, 0.0))
        return math_ops.truediv(0.25 * math_ops.reduce_sum(squares), pairs,
                                name="liftedstruct_loss")


def npairs_loss(labels, embeddings_anchor, embeddings_positive, reg_lambda=0.002,
                print_losses=False):
    """N-pairs loss (Sohn 2016): softmax cross entropy of each anchor's dot products with
    all positives against the positives of its label (normalised to sum to 1), averaged,
    plus ``reg_lambda / 4`` times the mean squared norms of anchors and positives."""
    anchor = convert_to_tensor(embeddings_anchor, name="embeddings_anchor")
    positive = convert_to_tensor(embeddings_positive, name="embeddings_positive")
    mean_norm_anchor = math_ops.reduce_mean(math_ops.reduce_sum(math_ops.square(anchor), 1))
    mean_norm_positive = math_ops.reduce_mean(
        math_ops.reduce_sum(math_ops.square(positive), 1))
    l2loss = math_ops.multiply(0.25 * reg_lambda, mean_norm_anchor + mean_norm_positive,
                               name="l2loss")
    similarity = math_ops.matmul(anchor, positive, transpose_b=True)
    labels = _as_column(labels, "npairs_loss")
    targets = math_ops.cast(math_ops.equal(labels, array_ops.transpose(labels)),
                            similarity.dtype)
    targets /= math_ops.reduce_sum(targets, 1, keepdims=True)
    xent = nn_ops.softmax_cross_entropy_with_logits(labels=targets, logits=similarity)
    xent = math_ops.reduce_mean(xent, name="xentropy")
    if print_losses:
        xent = debug_ops.Print(xent, ["cross entropy:", xent, "l2loss:", l2loss])
    return l2loss + xent


__getattr__ = missing_attribute(__name__, "tf.contrib.losses.metric_learning")
