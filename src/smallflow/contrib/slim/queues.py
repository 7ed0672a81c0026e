"""``slim.queues.QueueRunners``: ``with slim.queues.QueueRunners(sess):`` starts the graph's
queue runners under a coordinator and stops and joins them on exit."""

import threading

from ...graph import GraphKeys, get_collection
from ...train.coordinator import Coordinator

__all__ = ["NestedQueueRunnerError", "QueueRunners"]

_lock = threading.Lock()
_active = []  # the QueueRunners contexts open at the moment (at most one)


class NestedQueueRunnerError(Exception):
    """A ``QueueRunners`` block opened inside another."""


class QueueRunners:
    """Runs the QUEUE_RUNNERS collection's runners for ``session`` during a ``with`` block."""

    def __init__(self, session):
        self._session = session
        self._coordinator = None
        self._threads = []

    def __enter__(self):
        with _lock:
            if _active:
                raise NestedQueueRunnerError("QueueRunners cannot be nested")
            _active.append(self)
        self._coordinator = Coordinator()
        self._threads = []
        for runner in get_collection(GraphKeys.QUEUE_RUNNERS):
            self._threads.extend(runner.create_threads(self._session, coord=self._coordinator,
                                                       daemon=True, start=True))
        return self

    def __exit__(self, *exc_info):
        try:
            self._coordinator.request_stop()
            self._coordinator.join(self._threads, stop_grace_period_secs=120)
        finally:
            with _lock:
                _active.remove(self)
            self._coordinator = None
            self._threads = []
