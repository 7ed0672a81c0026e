"""Running an elementwise kernel's blocks on as many cores as the thread policy grants.

The BLAS spreads matrix products over the threads smallflow.config allows, but NumPy's
elementwise passes (an optimizer's update, pooling) run on the calling thread only: with two
free cores, the optimizer's 12 passes over the CNN's 3.3 M weights leave one core idle for
about a sixth of the step. NumPy releases the GIL inside a ufunc's loop, so independent
slices of such an update can run at once in plain Python threads. :func:`split_run` cuts a
range into contiguous chunks, a few per thread the policy last applied (``threads_in_use``),
and the calling thread and the helper threads each take the next chunk left until none is;
it returns when all are done. Each element is computed by the same operations as before,
so results are bit-identical; only which thread computes a slice, and when, changes (a
helper that wakes late leaves more chunks to the calling thread, which starts at once).

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
import contextlib
import contextvars
import os
import threading

from . import config

__all__ = ["run_together", "split_run"]

_pool = None  # concurrent.futures.ThreadPoolExecutor, made on first use
_pool_size = 0
_lock = threading.Lock()
_inside = threading.local()  # .helper is True on the pool's threads
# Chunks per thread split_run cuts a range into (each thread takes the next one left).
_CHUNKS_PER_THREAD = 4


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
    if threads <= 1 or (getattr(_inside, "helper", False) and not _sharing()):
        return 1
    return max(1, min(threads, size // grain))


def _sharing():
    return getattr(_inside, "share", False) and getattr(_inside, "region", None) is not None


@contextlib.contextmanager
def shared_chunks():
    """Inside a region's own call: let :func:`split_run` post its chunks to the region (a
    thread of the region done with its own call takes them), instead of running them all
    on this thread (step_pairs.py: an optimizer update after the helper's kernel)."""
    was = getattr(_inside, "share", False)
    _inside.share = True
    try:
        yield
    finally:
        _inside.share = was


def split_run(task, size, grain):
    """Call ``task(start, stop)`` over ``[0, size)`` in contiguous chunks, on :func:`parts`
    threads at once.

    Chunks are whole multiples of ``grain`` elements (the last takes the rest), about
    ``_CHUNKS_PER_THREAD`` per thread; each thread takes the next chunk nobody has started
    until none is left, so a helper that wakes late (or loses its core for a while) leaves
    more of the range to the calling thread, which starts at once, instead of holding the
    call up with a fixed half. An exception in any chunk is raised here after every other
    chunk has finished.
    """
    count = parts(size, grain)
    if count == 1:
        task(0, size)
        return
    per = max(1, size // grain // (count * _CHUNKS_PER_THREAD)) * grain
    starts = range(0, size // per * per, per)
    chunks = collections.deque(zip(starts, [*starts[1:], size], strict=True))
    lock = threading.Lock()

    def take_chunks():
        while True:
            with lock:
                if not chunks:
                    return
                start, stop = chunks.popleft()
            task(start, stop)

    run_together([take_chunks] * count)


def run_together(calls):
    """Run the zero-argument ``calls`` at once and return their results, in order.

    The first runs on the calling thread, the others on helper threads; a call no helper
    has started by the time the calling thread is done with its own runs there instead
    (a helper late to wake costs nothing then). While they run, the caller counts as a
    helper too, so a :func:`split_run` inside any of them stays in one part, and a
    ``run_together`` inside any of them posts its calls to this region (see the module
    docstring): its own thread runs them in order unless a thread of the region that is
    done with its own call has taken one first (nothing waits for a call that no thread
    has started: a helper waiting for work queued behind its own would wait for ever). An
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
    for _ in range(1, len(calls)):
        pool.submit(region.work)
    was_helper = getattr(_inside, "helper", False)
    _inside.helper = True
    try:
        region.first()
        region.work()
    finally:
        _inside.helper = was_helper
    # Every call is done (a helper that finished first may still be waking up from its
    # wait for posted work: nothing waits for that).
    return region.results()


class _Task:
    """A call of a region: whoever takes it first runs it, in the context of the thread that
    made it (NumPy's errstate, which Session.run sets, lives in a context variable that
    threads do not inherit)."""

    __slots__ = ("call", "context", "done", "result", "error", "own")

    def __init__(self, call, own):
        self.call = call
        self.own = own  # one of run_together's calls (else posted by one of them)
        self.context = contextvars.copy_context()
        self.done = threading.Event()
        self.result = self.error = None

    def run(self, region):
        """Run the call; a region's own call may post to it, what a posted one nests runs in
        order on this thread."""
        was_region = getattr(_inside, "region", None)
        _inside.region = region if self.own else None
        try:
            self.result = self.context.run(self.call)
        except BaseException as caught:  # noqa: BLE001 - re-raised by run_together / post
            self.error = caught
        finally:
            _inside.region = was_region
            self.done.set()


class _Region:
    """The calls of one run_together and those they post: each thread takes calls nobody
    has started until all of run_together's own calls are done."""

    def __init__(self, calls):
        self._tasks = [_Task(call, True) for call in calls]
        self._unfinished = len(calls)  # own calls not done
        self._pending = collections.deque(self._tasks[1:])  # calls nobody has started
        self._cond = threading.Condition(threading.Lock())

    def first(self):
        """Run the first call (the calling thread's)."""
        self._finish(self._tasks[0])

    def _finish(self, task):
        task.run(self)
        if task.own:
            with self._cond:
                self._unfinished -= 1
                if not self._unfinished:
                    self._cond.notify_all()

    def work(self):
        """Take calls nobody has started until every own call is done (a helper's job, and
        the calling thread's once its own call is done)."""
        while True:
            with self._cond:
                while not self._pending and self._unfinished:
                    self._cond.wait()
                if not self._pending:
                    return
                task = self._pending.popleft()
            self._finish(task)

    def post(self, calls):
        """``run_together`` of ``calls`` from inside an own call of this region: run them in
        order here, except those another thread of the region (done with its own) has
        taken."""
        tasks = [_Task(call, False) for call in calls]
        with self._cond:
            self._pending.extend(tasks[1:])
            self._cond.notify_all()
        tasks[0].run(self)
        for task in tasks[1:]:
            with self._cond:
                mine = task in self._pending
                if mine:
                    self._pending.remove(task)
            if mine:
                task.run(self)
        error = None
        for task in tasks:
            task.done.wait()
            error = error or task.error
        if error is not None:
            raise error
        return [task.result for task in tasks]

    def results(self):
        """The own calls' results in order (raising the first error); all are done."""
        error = None
        for task in self._tasks:
            error = error or task.error
        if error is not None:
            raise error
        return [task.result for task in self._tasks]


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
