"""``tf.contrib.layers``' summary helpers (``summarize_activation``, ``summarize_tensor``,
``summarize_collection`` and its shorthands): a scalar summary for scalars, a histogram for
everything else, and for ReLU-family activations the fraction of units that are off."""

import functools
import re

from .. import dtypes
from ..graph import GraphKeys, get_collection
from ..ops import math_ops, summary_ops

__all__ = ["summarize_activation", "summarize_activations", "summarize_biases",
           "summarize_collection", "summarize_tensor", "summarize_tensors",
           "summarize_variables", "summarize_weights"]


def _scalar(tensor, tag=None):
    tensor.shape.assert_has_rank(0)
    return summary_ops.scalar(tag or f"{tensor.op.name}_summary", tensor)


def _histogram(tensor, tag=None):
    return summary_ops.histogram(tag or f"{tensor.op.name}_summary", tensor)


def _fraction(condition):
    return math_ops.reduce_mean(math_ops.cast(condition, dtypes.float32))


def summarize_activation(op):
    """Summaries of a layer's activation: its histogram (``<op>/activation``) and, after a
    ReLU, softplus or ReLU6, the fraction of negative pre-activations (``<op>/zeros``; for
    ReLU6 also ``<op>/sixes``, those above 6). Returns the histogram summary."""
    kind = op.op.type
    if kind in ("Relu", "Softplus", "Relu6"):
        # The op's input, not its output: no float comparison with 0 after the clamp.
        before = op.op.inputs[0]
        below = math_ops.less(before, math_ops.cast(0.0, before.dtype))
        _scalar(_fraction(below), f"{op.op.name}/zeros")
    if kind == "Relu6":
        before = op.op.inputs[0]
        above = math_ops.greater(before, math_ops.cast(6.0, before.dtype))
        _scalar(_fraction(above), f"{op.op.name}/sixes")
    return _histogram(op, f"{op.op.name}/activation")


def summarize_tensor(tensor, tag=None):
    """A scalar summary for a scalar, a histogram otherwise; None for strings and booleans."""
    if tensor.dtype.base_dtype in (dtypes.string, dtypes.bool):
        return None
    if tensor.shape.ndims == 0:
        return _scalar(tensor, tag)
    return _histogram(tensor, tag)


def summarize_tensors(tensors, summarizer=summarize_tensor):
    return [summarizer(tensor) for tensor in tensors]


def summarize_collection(collection, name_filter=None, summarizer=summarize_tensor):
    """Summaries of a collection's tensors whose op name matches ``name_filter`` (a regular
    expression matched at the start, as ``re.match``)."""
    chosen = [t for t in get_collection(collection)
              if name_filter is None or re.match(name_filter, t.op.name)]
    return summarize_tensors(chosen, summarizer)


summarize_variables = functools.partial(summarize_collection, GraphKeys.GLOBAL_VARIABLES)
summarize_weights = functools.partial(summarize_collection, GraphKeys.WEIGHTS)
summarize_biases = functools.partial(summarize_collection, GraphKeys.BIASES)


def summarize_activations(name_filter=None, summarizer=summarize_activation):
    return summarize_collection(GraphKeys.ACTIVATIONS, name_filter, summarizer)
