"""``tensorflow.python.summary.summary_iterator``: ``summary_iterator(path)``, the Event
protocol buffers of an events file (``tf.train.summary_iterator``)."""

from ...summary.records import summary_iterator

__all__ = ["summary_iterator"]
