"""``tensorflow.python.training.monitored_session``: ``MonitoredSession``, its session
creators and ``Scaffold`` (attention_ocr's demo builds a ``MonitoredSession`` from here)."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("train",))
