"""``tf.contrib.tfprof.tfprof_logger``: ``write_op_log`` (``tf.profiler.write_op_log``)."""

from ...profiler import write_op_log

__all__ = ["write_op_log"]
