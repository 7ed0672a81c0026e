"""``tf.contrib.seq2seq.sequence_loss``: the weighted cross entropy of sequence models."""

from ... import dtypes
from ...graph import convert_to_tensor, name_scope
from ...ops import array_ops, math_ops, nn_ops


def _check_rank(tensor, rank, message):
    if tensor.shape.ndims is not None and tensor.shape.ndims != rank:
        raise ValueError(message)


def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                  average_across_batch=True, sum_over_timesteps=False, sum_over_batch=False,
                  softmax_loss_function=None, name=None):
    """Weighted softmax cross entropy of ``logits`` [batch, time, classes] vs ``targets``.

    By default the weighted sum divided by the sum of ``weights`` (a scalar); the flags
    keep the batch or time axis instead, averaging (by the weights' sum) or summing (divided
    by the number of non-zero weights) over the other, as in TensorFlow.
    """
    if average_across_timesteps and sum_over_timesteps:
        raise ValueError("average_across_timesteps and sum_over_timesteps cannot be set to "
                         "True at same time.")
    if average_across_batch and sum_over_batch:
        raise ValueError("average_across_batch and sum_over_batch cannot be set to True at "
                         "same time.")
    with name_scope(name or "sequence_loss"):
        logits = convert_to_tensor(logits, name="logits")
        targets = convert_to_tensor(targets, name="targets")
        weights = convert_to_tensor(weights, dtype=logits.dtype, name="weights")
        _check_rank(logits, 3, "Logits must be a [batch_size x sequence_length x logits] "
                               "tensor")
        _check_rank(targets, 2, "Targets must be a [batch_size x sequence_length] tensor")
        _check_rank(weights, 2, "Weights must be a [batch_size x sequence_length] tensor")
        classes = array_ops.shape(logits)[2]
        flat_logits = array_ops.reshape(logits, array_ops.stack([-1, classes]))
        flat_targets = array_ops.reshape(targets, [-1])
        if softmax_loss_function is None:
            crossent = nn_ops.sparse_softmax_cross_entropy_with_logits(
                labels=flat_targets, logits=flat_logits)
        else:
            crossent = softmax_loss_function(labels=flat_targets, logits=flat_logits)
        crossent = crossent * array_ops.reshape(weights, [-1])
        if average_across_timesteps and average_across_batch:
            return math_ops.div_no_nan(math_ops.reduce_sum(crossent),
                                       math_ops.reduce_sum(weights))
        if sum_over_timesteps and sum_over_batch:
            return math_ops.div_no_nan(math_ops.reduce_sum(crossent),
                                       _nonzero(weights, None, logits.dtype))
        crossent = array_ops.reshape(crossent, array_ops.shape(logits)[0:2])
        if average_across_timesteps or average_across_batch:
            axis = [0] if average_across_batch else [1]
            return math_ops.div_no_nan(math_ops.reduce_sum(crossent, axis=axis),
                                       math_ops.reduce_sum(weights, axis=axis))
        if sum_over_timesteps or sum_over_batch:
            axis = [0] if sum_over_batch else [1]
            return math_ops.div_no_nan(math_ops.reduce_sum(crossent, axis=axis),
                                       _nonzero(weights, axis, logits.dtype))
        return crossent


def _nonzero(weights, axis, dtype):
    counted = array_ops.cast(math_ops.not_equal(weights, 0), dtypes.float32)
    return array_ops.cast(math_ops.reduce_sum(counted, axis=axis), dtype)


__all__ = ["sequence_loss"]
