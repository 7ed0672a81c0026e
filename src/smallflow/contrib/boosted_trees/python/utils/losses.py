"""``tf.contrib.boosted_trees.python.utils.losses``: per-example losses written with primitive
ops, so that the boosted trees can take their second derivatives (TensorFlow 1.15's)."""

from ..... import dtypes
from .....ops import array_ops, math_ops

__all__ = ["per_example_maxent_loss", "per_example_squared_loss"]

_EPSILON = 1e-7


def per_example_maxent_loss(labels, weights, logits, num_classes, eps=1e-15):
    """Softmax cross entropy per example (``[batch, 1]``) and a no-op update, for integer
    ``labels`` (``[batch]`` or ``[batch, 1]``), each loss times its weight."""
    from ..... import one_hot, reduce_max, reduce_sum, stop_gradient

    labels = math_ops.cast(labels, dtypes.int64)
    labels = array_ops.reshape(labels, [-1])
    target_one_hot = one_hot(labels, num_classes)
    logits = math_ops.cast(logits, dtypes.float32)
    largest = stop_gradient(reduce_max(logits, axis=1, keepdims=True))
    unnormalized = math_ops.exp(logits - largest)
    probabilities = unnormalized / reduce_sum(unnormalized, axis=1, keepdims=True)
    label_probability = reduce_sum(probabilities * target_one_hot, axis=1, keepdims=True)
    loss = -math_ops.log(label_probability + eps)
    if weights is not None:
        loss = loss * array_ops.reshape(math_ops.cast(weights, dtypes.float32), [-1, 1])
    from ..... import no_op

    return loss, no_op()


def per_example_squared_loss(labels, weights, predictions):
    """Squared error per example and a no-op update."""
    from ..... import no_op

    loss = math_ops.square(predictions - math_ops.cast(labels, dtypes.float32))
    if weights is not None:
        loss = loss * array_ops.reshape(math_ops.cast(weights, dtypes.float32), [-1, 1])
    return loss, no_op()
