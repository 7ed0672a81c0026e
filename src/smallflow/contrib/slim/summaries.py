"""``slim.summaries``: summaries named after their tensor (``add_scalar_summary(loss)``
writes tag ``loss``), with an optional prefix and a printed copy."""

from ... import summary
from ...graph import GraphKeys, add_to_collection
from ...ops import debug_ops, nn_extra_ops

__all__ = [
    "add_histogram_summaries",
    "add_histogram_summary",
    "add_image_summaries",
    "add_image_summary",
    "add_scalar_summaries",
    "add_scalar_summary",
    "add_zero_fraction_summaries",
    "add_zero_fraction_summary",
]


def _summary_name(tensor, name=None, prefix=None, postfix=None):
    name = name or tensor.op.name
    if prefix:
        name = f"{prefix}/{name}"
    if postfix:
        name = f"{name}/{postfix}"
    return name


def add_histogram_summary(tensor, name=None, prefix=None):
    return summary.histogram(_summary_name(tensor, name, prefix), tensor)


def add_image_summary(tensor, name=None, prefix=None, print_summary=False):
    op = summary.image(_summary_name(tensor, name, prefix), tensor, collections=[])
    if print_summary:
        op = debug_ops.Print(op, [tensor], _summary_name(tensor, name, prefix))
    add_to_collection(GraphKeys.SUMMARIES, op)
    return op


def add_scalar_summary(tensor, name=None, prefix=None, print_summary=False):
    """A scalar summary of ``tensor`` (tag: ``name`` or its op name); ``print_summary`` also
    prints the value each time the summary runs."""
    tag = _summary_name(tensor, name, prefix)
    op = summary.scalar(tag, tensor, collections=[])
    if print_summary:
        op = debug_ops.Print(op, [tensor], tag)
    add_to_collection(GraphKeys.SUMMARIES, op)
    return op


def add_zero_fraction_summary(tensor, name=None, prefix=None, print_summary=False):
    """A scalar summary of the fraction of zeros in ``tensor``."""
    tag = _summary_name(tensor, name, prefix, "Fraction_of_Zero_Values")
    return add_scalar_summary(nn_extra_ops.zero_fraction(tensor), tag,
                              print_summary=print_summary)


def add_histogram_summaries(tensors, prefix=None):
    return [add_histogram_summary(t, prefix=prefix) for t in tensors]


def add_image_summaries(tensors, prefix=None):
    return [add_image_summary(t, prefix=prefix) for t in tensors]


def add_scalar_summaries(tensors, prefix=None, print_summary=False):
    return [add_scalar_summary(t, prefix=prefix, print_summary=print_summary)
            for t in tensors]


def add_zero_fraction_summaries(tensors, prefix=None):
    return [add_zero_fraction_summary(t, prefix=prefix) for t in tensors]
