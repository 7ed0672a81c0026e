"""``tensorflow.python.ops.metrics_impl``: the metrics of ``tf.metrics`` and the helpers
libraries built their own metrics from (tf_slim's ``metric_ops``): ``metric_variable``,
``_remove_squeezable_dimensions``, ``_safe_scalar_div``, ``_aggregate_variable``,
``_confusion_matrix_at_thresholds``."""

from ... import metrics as _metrics
from ...graph import GraphKeys, add_to_collections, convert_to_tensor
from ...ops import array_ops, math_ops
from ...variables import Variable
from .._public import public_getattr
from .confusion_matrix import remove_squeezable_dimensions

_public = public_getattr(__name__, ("metrics",))


def __getattr__(name):
    return _public(name)


def metric_variable(shape, dtype, validate_shape=True, name=None):
    """A zero-initialised local variable counted in ``METRIC_VARIABLES`` (not trainable)."""
    return Variable(lambda: array_ops.zeros(shape, dtype=dtype), trainable=False,
                    collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES],
                    validate_shape=validate_shape, name=name)


def _remove_squeezable_dimensions(predictions, labels, weights):
    """``(predictions, labels, weights)``: labels and predictions of one rank (a trailing
    size-1 dimension squeezed), weights squeezed or expanded by one to predictions' rank."""
    predictions = convert_to_tensor(predictions)
    if labels is not None:
        labels, predictions = remove_squeezable_dimensions(labels, predictions)
        predictions.shape.assert_is_compatible_with(labels.shape)
    if weights is None:
        return predictions, labels, None
    weights = convert_to_tensor(weights)
    w_rank = weights.shape.ndims
    p_rank = predictions.shape.ndims
    if w_rank == 0 or w_rank is None or p_rank is None:
        return predictions, labels, weights
    if w_rank - p_rank == 1 and weights.shape[-1].is_compatible_with(1):
        weights = array_ops.squeeze(weights, [-1])
    elif p_rank - w_rank == 1:
        weights = array_ops.expand_dims(weights, [-1])
    return predictions, labels, weights


def _safe_div(numerator, denominator, name):
    """``numerator / denominator``, 0 where the denominator is 0."""
    return math_ops.div_no_nan(numerator, denominator, name=name)


def _safe_scalar_div(numerator, denominator, name):
    """``numerator / denominator`` for a scalar denominator, 0 when it is 0."""
    numerator.get_shape().with_rank_at_most(1)
    denominator.get_shape().with_rank_at_most(1)
    return math_ops.div_no_nan(numerator, array_ops.reshape(denominator, []), name=name)


def _aggregate_variable(v, collections):
    """The value of metric variable ``v``, added to ``collections`` (one replica: no
    aggregation to do)."""
    value = array_ops.identity(v)
    if collections:
        add_to_collections(collections, value)
    return value


def _confusion_matrix_at_thresholds(labels, predictions, thresholds, weights=None,
                                    includes=None):
    """``(values, update_ops)``: dicts over ``includes`` (default all of 'tp', 'fn', 'tn',
    'fp') of the counts at each threshold, a prediction counting as positive when it is
    above the threshold."""
    all_keys = ("tp", "fn", "tn", "fp")
    includes = all_keys if includes is None else includes
    for include in includes:
        if include not in all_keys:
            raise ValueError(f"Invalid key: {include}")
    # No scope of its own: the counts are named after the caller's scope (``f1/true_positives``).
    return _metrics._confusion_at_thresholds(labels, predictions, list(thresholds), weights,
                                             includes)
