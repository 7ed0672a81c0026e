"""``tf.io``: file access (``tf.io.gfile``), reading and decoding files and records,
queues, and writing GraphDefs: the TF 2 spellings of these TF1 names."""

from . import io_gfile as gfile
from .graph_io import write_graph
from .ops.data_flow_ops import PaddingFIFOQueue, QueueBase, RandomShuffleQueue
from .ops.io_ops import decode_csv, decode_raw, matching_files, read_file

__all__ = ["PaddingFIFOQueue", "QueueBase", "RandomShuffleQueue", "decode_csv", "decode_raw",
           "gfile", "matching_files", "read_file", "write_graph"]
