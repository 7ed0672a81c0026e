"""Running an elementwise kernel's blocks on as many cores as the thread policy grants.

The BLAS spreads matrix products over the threads smallflow.config allows, but NumPy's
elementwise passes (an optimizer's update, pooling) run on the calling thread only: with two
free cores, the optimizer's 12 passes over the CNN's 3.3 M weights leave one core idle for
about a sixth of the step. NumPy releases the GIL inside a ufunc's loop, so independent
slices of such an update can run at once in plain Python threads. :func:`split_run` cuts a
range into one contiguous part per thread the policy last applied (``threads_in_use``),
runs the first part on the calling thread and the others on helper threads, and returns
when all are done. Each element is computed by the same operations as before, so results
are bit-identical; only the order in which slices finish changes.

One part (the whole range, on the calling thread) whenever the policy says one thread, the
range is small, or the call comes from a helper thread itself: a busy machine costs
nothing, and nothing nests. The helper threads are made on first use and kept (a forked
child makes its own).

Work shared inside a region: the threads of one :func:`run_together` often finish their
own calls at different times (step_pairs.py: conv2's input gradient and conv1's gradients
on one core, ~2 ms longer than conv2's filter gradient on the other). A ``run_together``
nested inside one of the calls does not wait for helpers (none is free) but posts its calls
to the region: its own thread runs them in order, and a thread of the region that has
finished its own call takes the next one not yet started. Each call is still run once,
whole, and the results come back in order, so results are the same bits whoever runs them.
"""

import collections
import contextvars
import os
import threading

from . import config

__all__ = ["run_together", "split_run"]

_pool = None  # concurrent.futures.ThreadPoolExecutor, made on first use
_pool_size = 0
_lock = threading.Lock()
_inside = threading.local()  # .helper is True on the pool's threads


def _executor(workers):
    global _pool, _pool_size
    with _lock:
        if _pool is None or _pool_size < workers:
            from concurrent.futures import ThreadPoolExecutor

            old = _pool
            _pool = ThreadPoolExecutor(workers, thread_name_prefix="smallflow-worker",
                                       initializer=_mark_helper)
            _pool_size = workers
            if old is not None:
                old.shutdown(wait=False)
        return _pool


def _mark_helper():
    _inside.helper = True


def _forget_pool():
    """In a forked child the pool's threads do not exist: make a new pool when needed (the
    old one would queue work that no thread ever runs)."""
    global _pool, _pool_size, _lock
    _pool, _pool_size, _lock = None, 0, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def parts(size, grain):
    """How many parts :func:`split_run` would cut ``size`` elements into (grain: their unit)."""
    threads = config.threads_in_use()
    if threads <= 1 or getattr(_inside, "helper", False):
        return 1
    return max(1, min(threads, size // grain))


def split_run(task, size, grain):
    """Call ``task(start, stop)`` over ``[0, size)`` in contiguous parts, at once.

    Parts are whole multiples of ``grain`` elements (the last takes the rest), at least
    ``grain`` each; their number is :func:`parts`. An exception in any part is raised here
    after every part has finished.
    """
    count = parts(size, grain)
    if count == 1:
        task(0, size)
        return
    per = -(-(size // grain) // count) * grain  # grains per part, rounded up, in elements
    starts = [index * per for index in range(count) if index * per < size]
    bounds = list(zip(starts, [*starts[1:], size], strict=True))
    # The calling thread takes the biggest part (the last, with the rest): it starts at
    # once, a helper only once it has woken up.
    bounds.insert(0, bounds.pop())
    run_together([lambda start=start, stop=stop: task(start, stop) for start, stop in bounds])


def run_together(calls):
    """Run the zero-argument ``calls`` at once and return their results, in order.

    The first runs on the calling thread, the others on helper threads. While they run, the
    caller counts as a helper too, so a :func:`split_run` inside any of them stays in one
    part, and a ``run_together`` inside any of them posts its calls to this region (see the
    module docstring): its own thread runs them in order unless a thread of the region that
    is done with its own call has taken one first (nothing waits for a helper that may be
    busy: a helper waiting for work queued behind its own would wait for ever). An
    exception in any call is raised here after all have finished.
    """
    if len(calls) == 1:
        return [calls[0]()]
    if getattr(_inside, "helper", False):
        region = getattr(_inside, "region", None)
        if region is None:
            return _one_after_another(calls)
        return region.post(calls)
    pool = _executor(len(calls) - 1)
    region = _Region(calls)
    # Each helper runs in a copy of the caller's context: NumPy's errstate (Session.run
    # silences float warnings) lives in a context variable, which threads do not inherit.
    for index in range(1, len(calls)):
        pool.submit(contextvars.copy_context().run, region.own, index)
    was_helper = getattr(_inside, "helper", False)
    _inside.helper = True
    try:
        region.own(0)
    finally:
        _inside.helper = was_helper
    # Each helper's call is done (not necessarily its thread's return to the pool: one that
    # finished first may still be waking up from its wait for posted work).
    return region.results()


class _Task:
    """A call posted to a region: whoever claims it first runs it, in the poster's context."""

    __slots__ = ("call", "context", "done", "result", "error")

    def __init__(self, call):
        self.call = call
        self.context = contextvars.copy_context()
        self.done = threading.Event()
        self.result = self.error = None

    def run(self, here):
        """Run the call (``here``: on the posting thread, in its own context)."""
        try:
            self.result = self.call() if here else self.context.run(self.call)
        except BaseException as caught:  # noqa: BLE001 - re-raised by the poster
            self.error = caught
        finally:
            self.done.set()


class _Region:
    """The threads of one run_together: each runs its own call, then takes posted calls
    until every thread is done with its own."""

    def __init__(self, calls):
        self._calls = calls
        self._outcomes = [None] * len(calls)  # (result, error) of each own call
        self._running = len(calls)  # threads still on their own call
        self._posted = collections.deque()  # tasks nobody has started
        self._cond = threading.Condition(threading.Lock())

    def own(self, index):
        """Run call ``index`` on this thread, then help with posted calls; returns once all
        the region's own calls are done."""
        was_region = getattr(_inside, "region", None)
        _inside.region = self
        result = error = None
        try:
            result = self._calls[index]()
        except BaseException as caught:  # noqa: BLE001 - re-raised by run_together
            error = caught
        finally:
            _inside.region = was_region
        with self._cond:
            self._outcomes[index] = (result, error)
            self._running -= 1
            if not self._running:
                self._cond.notify_all()
        self._help()

    def _help(self):
        """Take posted tasks until no thread of the region is on its own call any more."""
        while True:
            with self._cond:
                while not self._posted and self._running:
                    self._cond.wait()
                if not self._posted:
                    return
                task = self._posted.popleft()
            was_region = getattr(_inside, "region", None)
            _inside.region = None  # what a taken task nests runs in order
            try:
                task.run(False)
            finally:
                _inside.region = was_region

    def post(self, calls):
        """``run_together`` of ``calls`` from inside a call of this region: run them in order
        here, except those another thread of the region (done with its own) has taken."""
        tasks = [_Task(call) for call in calls]
        with self._cond:
            self._posted.extend(tasks[1:])
            self._cond.notify_all()
        tasks[0].run(True)
        for task in tasks[1:]:
            with self._cond:
                mine = task in self._posted
                if mine:
                    self._posted.remove(task)
            if mine:
                task.run(True)
        error = None
        for task in tasks:
            task.done.wait()
            error = error or task.error
        if error is not None:
            raise error
        return [task.result for task in tasks]

    def results(self):
        """The own calls' results in order (raising the first error) once all are done."""
        with self._cond:
            while self._running:
                self._cond.wait()
        error = None
        for _, caught in self._outcomes:
            error = error or caught
        if error is not None:
            raise error
        return [result for result, _ in self._outcomes]


def _one_after_another(calls):
    """``run_together``'s results and errors, the calls run in order on this thread."""
    error = None
    results = [None] * len(calls)
    for index, call in enumerate(calls):
        try:
            results[index] = call()
        except BaseException as caught:  # noqa: BLE001 - re-raised once all have run
            error = error or caught
    if error is not None:
        raise error
    return results
