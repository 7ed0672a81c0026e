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
    # TF 1.x's other spelling of the same reduction.
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls):
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE, cls.SUM_OVER_NONZERO_WEIGHTS,
                cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key}.")


def _reduce_weighted(losses, weights, reduction, loss_collection):
    # As TensorFlow's compute_weighted_loss: the weighting and reduction run in float32 whatever
    # the losses' dtype (so float64 logits with the default weights=1.0 work), and the result is
    # cast back to the losses' dtype.
    input_dtype = losses.dtype
    losses = math_ops.cast(losses, dtypes.float32)
    weights = math_ops.cast(weights, dtypes.float32)
    weighted = math_ops.multiply(losses, weights)
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
            # TensorFlow names the mean `value` (`mean_squared_error/value:0`).
            loss = math_ops.div_no_nan(total, count, name="value")
    loss = math_ops.cast(loss, input_dtype)
    if loss_collection:
        add_to_collection(loss_collection, loss)
    return loss


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None,
                                 loss_collection=GraphKeys.LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Mean cross entropy of softmax(logits) against integer labels (0.0 for an empty batch)."""
    with name_scope(scope or "sparse_softmax_cross_entropy_loss"):
        labels = convert_to_tensor(labels)
        logits = convert_to_tensor(logits)
        if labels.dtype not in (dtypes.int32, dtypes.int64):
            labels = math_ops.cast(labels, dtypes.int64)
        labels, weights = _squeeze_sparse_labels(labels, logits, weights)
        per_row = nn_ops.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=logits, name="xentropy")
        return _reduce_weighted(per_row, weights, reduction, loss_collection)


def _squeeze_sparse_labels(labels, logits, weights):
    """As TensorFlow: labels ``[N, 1]`` with logits ``[N, C]`` lose their last axis, and so do
    weights with one axis more than the labels (``[N, 1]`` weights for ``[N]`` labels)."""
    label_rank, logit_rank = labels.shape.ndims, logits.shape.ndims
    if label_rank is not None and logit_rank is not None and label_rank == logit_rank and \
            labels.shape[-1].value == 1:
        labels = array_ops.squeeze(labels, [-1])
        label_rank -= 1
    weights = convert_to_tensor(weights)
    if label_rank is not None and weights.shape.ndims == label_rank + 1:
        weights = array_ops.squeeze(weights, [-1])
    return labels, weights


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
        labels, predictions = _float32_pair(labels, predictions)
        per_item = math_ops.squared_difference(predictions, labels)
        return _reduce_weighted(per_item, weights, reduction, loss_collection)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES):
    return get_collection(loss_collection, scope)


def add_loss(loss, loss_collection=GraphKeys.LOSSES):
    if loss_collection:
        add_to_collection(loss_collection, loss)


def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """``losses * weights`` reduced as ``reduction`` says (the mean over non-zero weights by
    default), added to ``loss_collection``."""
    Reduction.validate(reduction)
    with name_scope(scope or "weighted_loss"):
        losses = convert_to_tensor(losses, name="losses")
        original = losses.dtype
        if original != dtypes.float32 and not original.is_floating:
            losses = math_ops.cast(losses, dtypes.float32)
        return _reduce_weighted(losses, weights, reduction, loss_collection)


def _float32_pair(labels, predictions):
    """As TensorFlow's regression losses (absolute_difference, mean_squared_error, huber,
    log, hinge, cosine, mean pairwise): both sides cast to float32, so the loss is float32
    whatever the inputs' dtype."""
    predictions = convert_to_tensor(predictions, name="predictions")
    labels = convert_to_tensor(labels, name="labels")
    return _pair(math_ops.cast(labels, dtypes.float32),
                 math_ops.cast(predictions, dtypes.float32))


def _pair(labels, predictions, what_labels="labels"):
    predictions = convert_to_tensor(predictions, name="predictions")
    labels = math_ops.cast(convert_to_tensor(labels, name=what_labels), predictions.dtype)
    if not predictions.shape.is_compatible_with(labels.shape):
        raise ValueError(f"Shapes {predictions.shape} and {labels.shape} are incompatible")
    return labels, predictions


def absolute_difference(labels, predictions, weights=1.0, scope=None,
                        loss_collection=GraphKeys.LOSSES,
                        reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """The weighted mean of ``|predictions - labels|``."""
    with name_scope(scope or "absolute_difference"):
        labels, predictions = _float32_pair(labels, predictions)
        per_item = math_ops.abs(predictions - labels)
        return _reduce_weighted(per_item, weights, reduction, loss_collection)


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0,
                          scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Sigmoid cross entropy of ``logits`` against 0/1 labels; ``label_smoothing`` pulls the
    labels towards 1/2."""
    with name_scope(scope or "sigmoid_cross_entropy_loss"):
        labels, logits = _pair(multi_class_labels, logits, "multi_class_labels")
        if label_smoothing:
            labels = labels * (1.0 - label_smoothing) + 0.5 * label_smoothing
        per_item = nn_ops.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits,
                                                            name="xentropy")
        return _reduce_weighted(per_item, weights, reduction, loss_collection)


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None,
               loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """``0.5 * e^2`` where ``|e| <= delta``, else ``delta * (|e| - 0.5 * delta)``."""
    with name_scope(scope or "huber_loss"):
        labels, predictions = _float32_pair(labels, predictions)
        error = math_ops.abs(predictions - labels)
        quadratic = math_ops.minimum(error, delta)
        linear = error - quadratic
        per_item = 0.5 * quadratic * quadratic + delta * linear
        return _reduce_weighted(per_item, weights, reduction, loss_collection)


def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None,
             loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Binary cross entropy of probabilities: ``-y log(p + eps) - (1 - y) log(1 - p + eps)``."""
    with name_scope(scope or "log_loss"):
        labels, predictions = _float32_pair(labels, predictions)
        per_item = (-labels * math_ops.log(predictions + epsilon)
                    - (1.0 - labels) * math_ops.log(1.0 - predictions + epsilon))
        return _reduce_weighted(per_item, weights, reduction, loss_collection)


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """``max(0, 1 - (2y - 1) * logits)`` for 0/1 labels ``y``."""
    with name_scope(scope or "hinge_loss"):
        labels, logits = _float32_pair(labels, logits)
        signs = 2.0 * labels - 1.0
        per_item = nn_ops.relu(1.0 - signs * logits)
        return _reduce_weighted(per_item, weights, reduction, loss_collection)


def cosine_distance(labels, predictions, axis=None, weights=1.0, scope=None,
                    loss_collection=GraphKeys.LOSSES,
                    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS, dim=None):
    """``1 - sum(labels * predictions, axis)`` for unit-normalized inputs."""
    if dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'axis' and 'dim'")
        axis = dim
    if axis is None:
        raise ValueError("You must specify 'axis'.")
    with name_scope(scope or "cosine_distance_loss"):
        labels, predictions = _float32_pair(labels, predictions)
        products = math_ops.reduce_sum(predictions * labels, axis, keepdims=True)
        return _reduce_weighted(1.0 - products, weights, reduction, loss_collection)


def mean_pairwise_squared_error(labels, predictions, weights=1.0, scope=None,
                                loss_collection=GraphKeys.LOSSES):
    """The mean over pairs of entries (within each example) of the squared difference
    between their prediction difference and their label difference."""
    with name_scope(scope or "mean_pairwise_squared_error"):
        labels, predictions = _float32_pair(labels, predictions)
        weights = convert_to_tensor(weights, dtype=predictions.dtype)
        diffs = predictions - labels
        rank = diffs.shape.ndims
        if rank is None or rank < 2:
            raise ValueError("mean_pairwise_squared_error needs inputs of rank >= 2")
        axes = list(range(1, rank))
        present = math_ops.cast(math_ops.not_equal(weights * array_ops.ones_like(diffs), 0.0),
                                diffs.dtype)
        count = math_ops.reduce_sum(present, axes, keepdims=True)
        squares = math_ops.reduce_sum(diffs * diffs, axes, keepdims=True)
        term1 = 2.0 * math_ops.div_no_nan(squares, count - 1.0, name="value")
        sums = math_ops.reduce_sum(diffs, axes, keepdims=True)
        term2 = 2.0 * math_ops.div_no_nan(sums * sums, count * (count - 1.0), name="value")
        batch_weights = weights if weights.shape.ndims == 0 else math_ops.reduce_max(
            weights * array_ops.ones_like(count), axes, keepdims=True)
        loss = math_ops.reduce_sum((term1 - term2) * batch_weights)
        # Named as in TensorFlow, whose two safe divisions above are `value` and `value_1`.
        loss = array_ops.where(math_ops.greater(math_ops.reduce_sum(count), 0.0), loss,
                               array_ops.zeros_like(loss), name="value")
        if loss_collection:
            add_to_collection(loss_collection, loss)
        return loss


def get_regularization_losses(scope=None):
    """The REGULARIZATION_LOSSES collection (optionally filtered by ``scope``)."""
    return get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    """The sum of the regularization losses (0.0 when there are none)."""
    losses = get_regularization_losses(scope)
    if losses:
        return math_ops.add_n(losses, name=name)
    return array_ops.constant(0.0)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    """The sum of the LOSSES collection and, by default, the regularization losses."""
    losses = get_losses(scope)
    if add_regularization_losses:
        losses = losses + get_regularization_losses(scope)
    if not losses:
        raise ValueError("No losses found in the LOSSES and REGULARIZATION_LOSSES "
                         "collections")
    return math_ops.add_n(losses, name=name)
