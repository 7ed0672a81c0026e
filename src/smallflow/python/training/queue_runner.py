"""``tensorflow.python.training.queue_runner``: ``QueueRunner``, ``add_queue_runner`` and
``start_queue_runners``."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("train",))
