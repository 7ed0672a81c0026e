"""``tf.train.Coordinator``: lets threads ask each other to stop and report their errors."""

import contextlib
import sys
import threading
import time

from .. import errors


class Coordinator:
    """A stop flag shared by threads, the first exception they raised, and ``join``.

    ``OutOfRangeError`` (an input producer running out of epochs) is a clean stop by
    default, as in TensorFlow: it requests a stop without being re-raised by ``join``.
    """

    def __init__(self, clean_stop_exception_types=None):
        if clean_stop_exception_types is None:
            clean_stop_exception_types = (errors.OutOfRangeError,)
        self._clean_stop_exception_types = tuple(clean_stop_exception_types)
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._exc_info_to_raise = None
        self._joined = False
        self._registered_threads = set()

    def request_stop(self, ex=None):
        """Ask every thread to stop; ``ex`` (an exception or exc_info) is kept for ``join``."""
        with self._lock:
            if ex is not None and not self._joined and self._exc_info_to_raise is None:
                exc_info = ex if isinstance(ex, tuple) else (type(ex), ex, ex.__traceback__)
                if not issubclass(exc_info[0], self._clean_stop_exception_types):
                    self._exc_info_to_raise = exc_info
            self._stop_event.set()

    def clear_stop(self):
        with self._lock:
            self._joined = False
            self._exc_info_to_raise = None
            self._stop_event.clear()

    def should_stop(self):
        return self._stop_event.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self):
        """``with coord.stop_on_exception():`` any exception in the block requests a stop."""
        try:
            yield
        except Exception:  # noqa: BLE001 - handed to join(), as TensorFlow does
            self.request_stop(ex=sys.exc_info())

    def wait_for_stop(self, timeout=None):
        return self._stop_event.wait(timeout)

    def register_thread(self, thread):
        with self._lock:
            self._registered_threads.add(thread)

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False):
        """Wait for the threads to end after a stop; re-raise the first error reported."""
        with self._lock:
            threads = set(threads or ()) | self._registered_threads
        threads = list(threads)
        while any(t.is_alive() for t in threads) and not self.wait_for_stop(0.05):
            pass
        deadline = time.monotonic() + stop_grace_period_secs
        for thread in threads:
            # A thread never started is not waited for (TF polls is_alive(); Python's
            # join() would raise on it).
            if thread.is_alive():
                thread.join(max(deadline - time.monotonic(), 0))
        alive = [t.name for t in threads if t.is_alive()]
        with self._lock:
            self._joined = True
            self._registered_threads = set()
            exc_info = self._exc_info_to_raise
        if exc_info is not None:
            raise exc_info[1].with_traceback(exc_info[2])
        if alive and not ignore_live_threads:
            raise RuntimeError("Coordinator stopped with threads still running: "
                               f"{' '.join(alive)}")

    @property
    def joined(self):
        return self._joined

    def raise_requested_exception(self):
        with self._lock:
            if self._exc_info_to_raise is not None:
                exc_info = self._exc_info_to_raise
                raise exc_info[1].with_traceback(exc_info[2])


class LooperThread(threading.Thread):
    """A thread that calls ``target(*args)`` every ``timer_interval_secs`` until a stop."""

    def __init__(self, coord, timer_interval_secs, target=None, args=None, kwargs=None):
        super().__init__(daemon=True)
        self._coord = coord
        self._interval = timer_interval_secs
        self._target_fn = target
        self._args = args or ()
        self._kwargs = kwargs or {}
        if coord is not None:
            coord.register_thread(self)

    def run(self):
        with self._coord.stop_on_exception():
            while not self._coord.should_stop():
                self.run_loop()
                if self._interval is None:
                    continue
                if self._coord.wait_for_stop(self._interval):
                    break

    def run_loop(self):
        if self._target_fn is not None:
            self._target_fn(*self._args, **self._kwargs)
