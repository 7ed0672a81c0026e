"""``tf.summary``: summary ops, FileWriter and event files for TensorBoard.

Everything here needs the optional ``tensorboard`` extra (its protocol buffers and event
writer); it is imported on first use, so ``import smallflow`` stays light, and a missing
extra is an ImportError that names it.
"""

from .. import tb_protos
from ..ops.summary_ops import (
    audio,
    histogram,
    image,
    merge,
    merge_all,
    scalar,
    tensor_summary,
    text,
)
from .records import summary_iterator
from .writer import FileWriter, FileWriterCache

_MESSAGES = ("Event", "SessionLog", "Summary", "SummaryDescription", "SummaryMetadata",
             "TaggedRunMetadata")


def get_summary_description(node_def):
    """The ``SummaryDescription`` stored in a TensorSummary node's attributes."""
    pb = tb_protos.load()
    if node_def.op != "TensorSummary":
        raise ValueError(f"Can't get_summary_description on {node_def.op}")
    description = node_def.attr["description"].s
    return pb.summary_pb2.SummaryDescription.FromString(description)


def __getattr__(name):
    if name in _MESSAGES:
        return tb_protos.public_message(name)
    raise AttributeError(f"module 'smallflow.summary' has no attribute '{name}'")


__all__ = [
    "Event",
    "FileWriter",
    "FileWriterCache",
    "SessionLog",
    "Summary",
    "SummaryDescription",
    "SummaryMetadata",
    "TaggedRunMetadata",
    "audio",
    "get_summary_description",
    "histogram",
    "image",
    "merge",
    "merge_all",
    "scalar",
    "summary_iterator",
    "tensor_summary",
    "text",
]
