"""``tf.losses``: loss functions that reduce to a scalar and join the LOSSES collection."""

from . import dtypes
from .graph import GraphKeys, add_to_collection, convert_to_tensor, get_collection, name_scope
from .ops import array_ops, math_ops, nn_ops


class Reduction:
    """How a weighted loss is reduced (TensorFlow 1.x names)."""

    NONE = "none"
    SUM = "weighted_sum"
    MEAN = "weighted_mean"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"


def _reduce_weighted(losses, weights, reduction, loss_collection):
    weights = convert_to_tensor(weights, dtype=losses.dtype)
    weighted = losses * weights
    if reduction == Reduction.NONE:
        loss = weighted
    else:
        total = math_ops.reduce_sum(weighted)
        if reduction == Reduction.SUM:
            loss = total
        else:
            if reduction == Reduction.MEAN:
                count = math_ops.reduce_sum(array_ops.ones_like(losses) * weights)
            elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                count = math_ops.cast(array_ops.size(losses), losses.dtype)
            else:
                nonzero = math_ops.not_equal(array_ops.ones_like(losses) * weights, 0.0)
                count = math_ops.reduce_sum(math_ops.cast(nonzero, losses.dtype))
            loss = math_ops.div_no_nan(total, count)
    if loss_collection:
        add_to_collection(loss_collection, loss)
    return loss


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None,
                                 loss_collection=GraphKeys.LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Mean cross entropy of softmax(logits) against integer labels (0.0 for an empty batch)."""
    with name_scope(scope or "sparse_softmax_cross_entropy_loss"):
        labels = convert_to_tensor(labels)
        if labels.dtype not in (dtypes.int32, dtypes.int64):
            labels = math_ops.cast(labels, dtypes.int64)
        per_row = nn_ops.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=logits, name="xentropy")
        return _reduce_weighted(per_row, weights, reduction, loss_collection)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Mean cross entropy of softmax(logits) against one-hot labels."""
    with name_scope(scope or "softmax_cross_entropy_loss"):
        logits = convert_to_tensor(logits)
        labels = math_ops.cast(convert_to_tensor(onehot_labels), logits.dtype)
        if label_smoothing:
            classes = math_ops.cast(array_ops.shape(labels)[-1], logits.dtype)
            labels = labels * (1.0 - label_smoothing) + label_smoothing / classes
        per_row = nn_ops.softmax_cross_entropy_with_logits_v2(
            labels=array_ops.stop_gradient(labels), logits=logits, name="xentropy")
        return _reduce_weighted(per_row, weights, reduction, loss_collection)


def mean_squared_error(labels, predictions, weights=1.0, scope=None,
                       loss_collection=GraphKeys.LOSSES,
                       reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    with name_scope(scope or "mean_squared_error"):
        predictions = convert_to_tensor(predictions)
        labels = math_ops.cast(convert_to_tensor(labels), predictions.dtype)
        per_item = math_ops.squared_difference(predictions, labels)
        return _reduce_weighted(per_item, weights, reduction, loss_collection)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES):
    return get_collection(loss_collection, scope)


def add_loss(loss, loss_collection=GraphKeys.LOSSES):
    if loss_collection:
        add_to_collection(loss_collection, loss)
