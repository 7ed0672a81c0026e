"""``tf.train.QueueRunner`` and ``start_queue_runners``: threads that keep queues filled.

Each runner thread runs one enqueue op in a loop in the session until the coordinator
asks for a stop, the session closes, or its input ends (``OutOfRangeError``, e.g. a
producer's ``num_epochs`` is used up): then the queue is closed, so readers of the queue
get ``OutOfRangeError`` once it is empty. Threads are daemons and end with their session.
"""

import contextlib
import threading

from .. import errors
from ..graph import GraphKeys, get_default_graph

__all__ = ["QueueRunner", "add_queue_runner", "start_queue_runners"]


class QueueRunner:
    """Runs ``enqueue_ops`` (one thread each) into ``queue``; closes it when they end."""

    def __init__(self, queue=None, enqueue_ops=None, close_op=None, cancel_op=None,
                 queue_closed_exception_types=None, queue_runner_def=None, import_scope=None):
        if queue is None or not enqueue_ops:
            raise ValueError("Must provide queue and enqueue_ops.")
        self._queue = queue
        self._enqueue_ops = list(enqueue_ops)
        self._close_op = close_op if close_op is not None else queue.close()
        self._cancel_op = cancel_op if cancel_op is not None else queue.close(
            cancel_pending_enqueues=True)
        self._closed_types = tuple(queue_closed_exception_types
                                   or (errors.OutOfRangeError, errors.CancelledError))
        self._lock = threading.Lock()
        self._runs_per_session = {}
        self._exceptions_raised = []

    @property
    def queue(self):
        return self._queue

    @property
    def enqueue_ops(self):
        return self._enqueue_ops

    @property
    def close_op(self):
        return self._close_op

    @property
    def cancel_op(self):
        return self._cancel_op

    @property
    def name(self):
        return self._queue.name

    @property
    def exceptions_raised(self):
        return list(self._exceptions_raised)

    def _run(self, sess, enqueue_op, coord):
        decremented = False
        try:
            run = sess.make_callable(enqueue_op)
            while True:
                if (coord is not None and coord.should_stop()) or sess._closed:
                    break
                try:
                    run()
                except self._closed_types:
                    with self._lock:
                        self._runs_per_session[sess] -= 1
                        decremented = True
                        last = self._runs_per_session[sess] == 0
                    if last and not sess._closed:
                        # closing a closed queue is fine
                        with contextlib.suppress(Exception):
                            sess.run(self._close_op)
                    return
        except RuntimeError:
            return  # the session was closed under us
        except Exception as err:  # noqa: BLE001 - reported to the coordinator, as in TF
            if coord is not None:
                coord.request_stop(err)
            else:
                with self._lock:
                    self._exceptions_raised.append(err)
                raise
        finally:
            if not decremented:
                with self._lock:
                    self._runs_per_session[sess] = self._runs_per_session.get(sess, 1) - 1

    def _close_on_stop(self, sess, cancel_op, coord):
        coord.wait_for_stop()
        if not sess._closed:
            with contextlib.suppress(Exception):  # the session may be closing
                sess.run(cancel_op)

    def create_threads(self, sess, coord=None, daemon=False, start=False):
        """Threads running the enqueue ops in ``sess`` (and one closing the queue on stop)."""
        with self._lock:
            if self._runs_per_session.get(sess, 0) > 0:
                return []
            self._runs_per_session[sess] = len(self._enqueue_ops)
            self._exceptions_raised = []
        threads = [threading.Thread(target=self._run, args=(sess, op, coord), daemon=True,
                                    name=f"QueueRunnerThread-{self.name}-{op.name}")
                   for op in self._enqueue_ops]
        if coord is not None:
            threads.append(threading.Thread(target=self._close_on_stop,
                                            args=(sess, self._cancel_op, coord), daemon=True,
                                            name=f"QueueRunnerCloser-{self.name}"))
        for thread in threads:
            if coord is not None:
                coord.register_thread(thread)
            if start:
                thread.start()
        return threads


def add_queue_runner(qr, collection=GraphKeys.QUEUE_RUNNERS):
    get_default_graph().add_to_collection(collection, qr)


def start_queue_runners(sess=None, coord=None, daemon=True, start=True,
                        collection=GraphKeys.QUEUE_RUNNERS):
    """Start the threads of every QueueRunner in the graph's collection; return them."""
    if sess is None:
        from ..graph import get_default_session

        sess = get_default_session()
        if sess is None:
            raise ValueError("Cannot start queue runners: No default session is registered. "
                             "Use `with sess.as_default()` or pass an explicit session to "
                             "tf.start_queue_runners(sess=sess)")
    runners = sess.graph.get_collection(collection)
    threads = []
    for runner in runners:
        threads.extend(runner.create_threads(sess, coord=coord, daemon=daemon, start=start))
    if coord is None and threads:
        # Without a coordinator nobody else stops these threads: the session does, on close.
        sess._state.resources.setdefault("__queue_runner_threads__", _ThreadList()).extend(
            threads)
    return threads


class _ThreadList(list):
    """Threads started for a session without a coordinator; joined when it closes."""

    close_last = True

    def close(self):
        for thread in self:
            if thread.is_alive() and thread is not threading.current_thread():
                thread.join(5)
