"""``tensorflow.python.client.timeline``: ``Timeline(step_stats)`` (``chrome_trace.py``;
``tf.train.ProfilerHook`` writes its traces with it too)."""

from ...chrome_trace import Timeline

__all__ = ["Timeline"]
