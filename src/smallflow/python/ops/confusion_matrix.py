"""``tensorflow.python.ops.confusion_matrix``: ``confusion_matrix`` and
``remove_squeezable_dimensions`` (labels and predictions brought to the same rank)."""

from ...graph import convert_to_tensor, name_scope
from ...ops import array_ops
from ...ops.math_extra_ops import confusion_matrix


def remove_squeezable_dimensions(labels, predictions, expected_rank_diff=0, name=None):
    """``(labels, predictions)`` with a trailing size-1 dimension squeezed from one of them
    when rank(predictions) - rank(labels) is ``expected_rank_diff`` plus or minus one.

    Ranks unknown when the graph is built are left alone (TensorFlow decides those at run
    time; smallflow's programs know their ranks)."""
    with name_scope(name or "remove_squeezable_dimensions"):
        predictions = convert_to_tensor(predictions)
        labels = convert_to_tensor(labels)
        p_rank = predictions.shape.ndims
        l_rank = labels.shape.ndims
        if p_rank is None or l_rank is None:
            return labels, predictions
        diff = p_rank - l_rank
        if diff == expected_rank_diff + 1 and predictions.shape[-1].is_compatible_with(1):
            predictions = array_ops.squeeze(predictions, [-1])
        elif diff == expected_rank_diff - 1 and labels.shape[-1].is_compatible_with(1):
            labels = array_ops.squeeze(labels, [-1])
        return labels, predictions


__all__ = ["confusion_matrix", "remove_squeezable_dimensions"]
