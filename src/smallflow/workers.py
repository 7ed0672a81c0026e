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
"""

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
    part, and a ``run_together`` inside any of them runs its calls one after the other on
    its own thread (nothing nests: a helper waiting for work queued behind its own would
    wait for ever). An exception in any call is raised here after all have finished.
    """
    if len(calls) == 1:
        return [calls[0]()]
    if getattr(_inside, "helper", False):
        return _one_after_another(calls)
    pool = _executor(len(calls) - 1)
    # Each helper runs in a copy of the caller's context: NumPy's errstate (Session.run
    # silences float warnings) lives in a context variable, which threads do not inherit.
    futures = [pool.submit(contextvars.copy_context().run, call) for call in calls[1:]]
    error = None
    results = [None] * len(calls)
    was_helper = getattr(_inside, "helper", False)
    _inside.helper = True
    try:
        results[0] = calls[0]()
    except BaseException as caught:  # noqa: BLE001 - re-raised once the helpers are done
        error = caught
    finally:
        _inside.helper = was_helper
    for index, future in enumerate(futures, 1):
        try:
            results[index] = future.result()
        except BaseException as caught:  # noqa: BLE001 - the first error wins
            error = error or caught
    if error is not None:
        raise error
    return results


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
