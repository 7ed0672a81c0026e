"""Background work for ``tf.data``: ``map(num_parallel_calls=N)`` and ``prefetch(n)``.

Both keep TensorFlow 1.x's deterministic order. A parallel map reads its input in the
consumer's thread, hands each element to one of N worker threads and yields the results
in input order, with at most N elements in flight (the bounded buffer). Prefetch runs the
upstream pipeline in one producer thread that fills a queue of at most n elements.

Threads are daemons owned by the generator that started them: closing that generator (the
session closes its iterators, and re-initialising an iterator closes the old one) stops
and joins them, so none outlives its session. An error raised in a worker or the producer
(an ``OpError`` from the map function's graph, say) is re-raised by the consumer when the
element it belongs to is reached, i.e. at ``get_next``, with its own class.

Worth it because the work per element is NumPy kernels run by ``Session.run``, and NumPy
releases the GIL inside large array operations: two workers overlap on two cores.
"""

import collections
import os
import queue
import threading

_JOIN_SECONDS = 10.0


def parallelism(requested):
    """The number of workers for ``num_parallel_calls`` (``AUTOTUNE``, -1: the cores)."""
    if requested == -1:
        return max(os.cpu_count() or 1, 1)
    return int(requested)


class _Result:
    """One element's outcome, filled in by a worker: a value or an exception."""

    __slots__ = ("done", "error", "value")

    def __init__(self):
        self.done = threading.Event()
        self.value = None
        self.error = None

    def get(self):
        self.done.wait()
        if self.error is not None:
            raise self.error
        return self.value


class _Workers:
    """``count`` daemon threads applying ``fn`` to submitted elements."""

    def __init__(self, fn, count, name):
        self._fn = fn
        self._tasks = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._work, name=f"{name}-{i}", daemon=True)
                         for i in range(count)]
        for thread in self._threads:
            thread.start()

    def _work(self):
        while True:
            task = self._tasks.get()
            if task is None:
                return
            element, result = task
            try:
                result.value = self._fn(element)
            except BaseException as error:  # noqa: BLE001 - handed to the consumer
                result.error = error
            result.done.set()

    def submit(self, element):
        result = _Result()
        self._tasks.put((element, result))
        return result

    def close(self):
        for _ in self._threads:
            self._tasks.put(None)
        for thread in self._threads:
            thread.join(_JOIN_SECONDS)


def ordered_map(elements, fn, count, name="tf.data-map"):
    """``fn`` of each of ``elements`` on ``count`` threads, yielded in input order."""
    workers = _Workers(fn, count, name)
    pending = collections.deque()
    try:
        for element in elements:
            pending.append(workers.submit(element))
            if len(pending) >= count:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
    finally:
        pending.clear()
        workers.close()
        close = getattr(elements, "close", None)
        if close is not None:
            close()


_END = object()


class _Failure:
    __slots__ = ("error",)

    def __init__(self, error):
        self.error = error


def prefetched(make_elements, size, name="tf.data-prefetch"):
    """The elements of the generator ``make_elements()``, produced ahead by one thread into
    a buffer of at most ``size``."""
    buffer = queue.Queue(maxsize=size)
    stop = threading.Event()

    def produce():
        elements = None
        try:
            elements = make_elements()
            for element in elements:
                while not stop.is_set():
                    try:
                        buffer.put(element, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            item = _END
        except BaseException as error:  # noqa: BLE001 - handed to the consumer
            item = _Failure(error)
        finally:
            if elements is not None and stop.is_set():
                elements.close()
        while not stop.is_set():
            try:
                buffer.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    thread = threading.Thread(target=produce, name=name, daemon=True)
    thread.start()
    try:
        while True:
            item = buffer.get()
            if item is _END:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join(_JOIN_SECONDS)
