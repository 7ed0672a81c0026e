"""``tf.contrib.summary`` while executing eagerly: summaries written when they are made.

``create_file_writer(logdir)`` gives a writer (an event file, as ``tf.summary.FileWriter``
writes); ``writer.set_as_default()`` or ``with writer.as_default():`` makes it the one the
summary functions write to; ``record_summaries_every_n_global_steps(n)``,
``always_record_summaries()`` and ``never_record_summaries()`` say when they record. Each
summary function builds the same summary as ``tf.summary.scalar`` (...) and writes it at the
global step. In graph mode TF 1.x's contrib summaries are resource ops run in a session,
which smallflow does not provide: use ``tf.summary`` and a ``FileWriter`` there.
"""

import contextlib

from .. import summary as _summary
from ..graph import executing_eagerly, get_default_graph
from ..train.training_util import get_global_step
from ._missing import missing_attribute

__all__ = ["SummaryWriter", "all_summary_ops", "always_record_summaries", "audio",
           "create_file_writer", "flush", "histogram", "image", "never_record_summaries",
           "record_summaries_every_n_global_steps", "scalar", "should_record_summaries",
           "text"]

_STATE = {"writer": None, "record": None}


def _eager_only(what):
    if not executing_eagerly():
        raise NotImplementedError(
            f"tf.contrib.summary.{what} is provided for eager execution only: in a graph use "
            "tf.summary ops and a tf.summary.FileWriter")


class SummaryWriter:
    """Writes summaries to one event file in ``logdir``."""

    def __init__(self, logdir, max_queue=10, flush_millis=None, filename_suffix=None):
        flush_secs = 120 if flush_millis is None else max(flush_millis / 1000.0, 0.001)
        self._writer = _summary.FileWriter(logdir, max_queue=max_queue, flush_secs=flush_secs,
                                           filename_suffix=filename_suffix)

    def set_as_default(self):
        _STATE["writer"] = self

    @contextlib.contextmanager
    def as_default(self):
        previous = _STATE["writer"]
        _STATE["writer"] = self
        try:
            yield self
        finally:
            _STATE["writer"] = previous
            self.flush()

    def init(self):
        """Nothing to initialize when executing eagerly."""

    def flush(self):
        self._writer.flush()

    def close(self):
        self._writer.close()

    def _write(self, serialized, step):
        self._writer.add_summary(serialized, step)


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None,
                       name=None):
    """A writer of an event file in ``logdir`` (created if missing)."""
    _eager_only("create_file_writer")
    return SummaryWriter(logdir, 10 if max_queue is None else max_queue, flush_millis,
                         filename_suffix)


@contextlib.contextmanager
def _recording(condition):
    previous = _STATE["record"]
    _STATE["record"] = condition
    try:
        yield
    finally:
        _STATE["record"] = previous


def record_summaries_every_n_global_steps(n, global_step=None):
    """Summaries inside are written when the global step is a multiple of ``n``."""

    def condition():
        step = global_step if global_step is not None else get_global_step()
        return step is not None and int(_value(step)) % n == 0

    return _recording(condition)


def always_record_summaries():
    return _recording(lambda: True)


def never_record_summaries():
    return _recording(lambda: False)


def should_record_summaries():
    condition = _STATE["record"]
    return condition is not None and bool(condition())


def _value(step):
    return step.numpy() if hasattr(step, "numpy") else step


def _write(summary_fn, name, tensor, step, **kwargs):
    _eager_only(summary_fn.__name__)
    writer = _STATE["writer"]
    if writer is None or not should_record_summaries():
        return False
    if step is None:
        step = get_global_step(get_default_graph())
        if step is None:
            raise ValueError("No step set via 'step' argument or tf.train.get_global_step()")
    serialized = summary_fn(name, tensor, **kwargs)
    writer._write(serialized.numpy(), int(_value(step)))
    return True


def scalar(name, tensor, family=None, step=None):
    """Write a scalar summary (``tf.summary.scalar``'s) at ``step`` or the global step."""
    return _write(_summary.scalar, name, tensor, step)


def histogram(name, tensor, family=None, step=None):
    return _write(_summary.histogram, name, tensor, step)


def image(name, tensor, bad_color=None, max_images=3, family=None, step=None):
    return _write(_summary.image, name, tensor, step, max_outputs=max_images)


def audio(name, tensor, sample_rate, max_outputs, family=None, step=None):
    return _write(_summary.audio, name, tensor, step, sample_rate=sample_rate,
                  max_outputs=max_outputs)


def text(name, tensor, step=None):
    return _write(_summary.text, name, tensor, step)


def flush(writer=None, name=None):
    writer = writer or _STATE["writer"]
    if writer is not None:
        writer.flush()


def all_summary_ops():
    """None when executing eagerly (the summaries were written as they were made)."""
    return None


__getattr__ = missing_attribute(__name__, "tf.contrib.summary")
