"""``SessionRunHook`` and the standard hooks of ``tf.train`` (stop, log, checkpoint, NaN).

A hook sees every ``MonitoredSession.run``: ``before_run`` may add fetches and feeds
(``SessionRunArgs``), ``after_run`` receives their values and may ``request_stop``.
"""

import collections
import os
import time

import numpy as np

from .. import graph_io, logging
from ..graph import get_default_graph
from . import training_util

__all__ = [
    "CheckpointSaverHook",
    "CheckpointSaverListener",
    "FeedFnHook",
    "FinalOpsHook",
    "GlobalStepWaiterHook",
    "LoggingTensorHook",
    "NanLossDuringTrainingError",
    "NanTensorHook",
    "ProfilerHook",
    "SecondOrStepTimer",
    "SessionRunArgs",
    "SessionRunContext",
    "SessionRunHook",
    "SessionRunValues",
    "StepCounterHook",
    "StopAtStepHook",
    "SummarySaverHook",
]


class SessionRunHook:
    """Does nothing; subclasses override the calls they need."""

    def begin(self):
        pass

    def after_create_session(self, session, coord):
        pass

    def before_run(self, run_context):
        return None

    def after_run(self, run_context, run_values):
        pass

    def end(self, session):
        pass


class SessionRunArgs(collections.namedtuple("SessionRunArgs",
                                            ["fetches", "feed_dict", "options"])):
    """Fetches and feeds a hook adds to one ``run``."""

    def __new__(cls, fetches, feed_dict=None, options=None):
        return super().__new__(cls, fetches, feed_dict, options)


SessionRunValues = collections.namedtuple("SessionRunValues",
                                          ["results", "options", "run_metadata"])


class SessionRunContext:
    """The call being made, its session, and a way for hooks to ask the loop to stop."""

    def __init__(self, original_args, session):
        self._original_args = original_args
        self._session = session
        self._stop_requested = False

    @property
    def original_args(self):
        return self._original_args

    @property
    def session(self):
        return self._session

    @property
    def stop_requested(self):
        return self._stop_requested

    def request_stop(self):
        self._stop_requested = True


class SecondOrStepTimer:
    """Triggers every ``every_secs`` seconds or every ``every_steps`` steps (exactly one)."""

    def __init__(self, every_secs=None, every_steps=None):
        # TensorFlow's messages for neither and for both.
        if every_secs is None and every_steps is None:
            raise ValueError("Either every_secs or every_steps should be provided.")
        if every_secs is not None and every_steps is not None:
            raise ValueError("Can not provide both every_secs and every_steps.")
        self._every_secs = every_secs
        self._every_steps = every_steps
        self._last_time = None
        self._last_step = None

    def should_trigger_for_step(self, step):
        if self._last_step is None:
            return True
        if self._last_step == step:
            return False
        if self._every_secs is not None:
            return time.monotonic() >= self._last_time + self._every_secs
        return step >= self._last_step + self._every_steps

    def update_last_triggered_step(self, step):
        now = time.monotonic()
        elapsed = None if self._last_time is None else now - self._last_time
        steps = None if self._last_step is None else step - self._last_step
        self._last_time = now
        self._last_step = step
        return elapsed, steps

    def last_triggered_step(self):
        return self._last_step

    def reset(self):
        self._last_time = None
        self._last_step = None


def _global_step_tensor(hook):
    """The step the run starts from (TensorFlow's global step read, not the variable)."""
    step = training_util._get_or_create_global_step_read()
    if step is None:
        raise RuntimeError(f"Global step should be created to use {type(hook).__name__}.")
    return step


class StopAtStepHook(SessionRunHook):
    """Requests a stop after ``num_steps`` more steps, or once the global step is ``last_step``."""

    def __init__(self, num_steps=None, last_step=None):
        if num_steps is None and last_step is None:
            raise ValueError("One of num_steps or last_step must be specified.")
        if num_steps is not None and last_step is not None:
            raise ValueError("Only one of num_steps or last_step can be specified.")
        self._num_steps = num_steps
        self._last_step = last_step

    def begin(self):
        self._global_step = _global_step_tensor(self)

    def after_create_session(self, session, coord):
        if self._last_step is None:
            self._last_step = int(session.run(self._global_step)) + self._num_steps

    def before_run(self, run_context):
        return SessionRunArgs(self._global_step)

    def after_run(self, run_context, run_values):
        # The fetched step is the value before this run's update: the step just done is +1.
        if int(run_values.results) + 1 >= self._last_step:
            step = int(run_context.session.run(self._global_step))
            if step >= self._last_step:
                run_context.request_stop()


class LoggingTensorHook(SessionRunHook):
    """Logs the values of ``tensors`` every N steps or seconds (and optionally at the end)."""

    def __init__(self, tensors, every_n_iter=None, every_n_secs=None, at_end=False,
                 formatter=None):
        only_log_at_end = at_end and every_n_iter is None and every_n_secs is None
        if not only_log_at_end and (every_n_iter is None) == (every_n_secs is None):
            raise ValueError("either at_end and/or exactly one of every_n_iter and "
                             "every_n_secs must be provided.")
        if every_n_iter is not None and every_n_iter <= 0:
            raise ValueError(f"invalid every_n_iter={every_n_iter}.")
        if not isinstance(tensors, dict):
            # As TensorFlow: each item (a name or a Tensor) is its own tag, so a Tensor is
            # logged as ``Tensor("name:0", ...) = value``.
            self._tag_order = list(tensors)
            tensors = {item: item for item in tensors}
        else:
            self._tag_order = sorted(tensors)
        self._tensors = tensors
        self._formatter = formatter
        self._log_at_end = at_end
        self._timer = (None if only_log_at_end
                       else SecondOrStepTimer(every_secs=every_n_secs, every_steps=every_n_iter))
        self._iter_count = 0
        self._should_trigger = False

    def begin(self):
        graph = get_default_graph()
        # A name without an output index means the op's first output, as in TensorFlow.
        self._current = {tag: graph.as_graph_element(t if ":" in t else t + ":0",
                                                     allow_tensor=True, allow_operation=False)
                         if isinstance(t, str) else t for tag, t in self._tensors.items()}

    def before_run(self, run_context):
        self._should_trigger = (self._timer is not None
                                and self._timer.should_trigger_for_step(self._iter_count))
        return SessionRunArgs(self._current) if self._should_trigger else None

    def _log(self, values):
        if self._formatter is not None:
            logging.info(self._formatter(values))
            return
        # ``str`` of the fetched NumPy values, as TensorFlow prints them (``loss = 0.6931472``:
        # a float32's shortest repr, where an f-string would give its float64 digits).
        text = ", ".join(f"{tag} = {values[tag]!s}" for tag in self._tag_order)
        logging.info(text)

    def after_run(self, run_context, run_values):
        if self._should_trigger:
            self._timer.update_last_triggered_step(self._iter_count)
            self._log(run_values.results)
        self._iter_count += 1

    def end(self, session):
        if self._log_at_end:
            self._log(session.run(self._current))


class NanLossDuringTrainingError(RuntimeError):
    def __str__(self):
        return "NaN loss during training."


class NanTensorHook(SessionRunHook):
    """Stops (or raises ``NanLossDuringTrainingError``) when the loss becomes NaN."""

    def __init__(self, loss_tensor, fail_on_nan_loss=True):
        self._loss_tensor = loss_tensor
        self._fail_on_nan_loss = fail_on_nan_loss

    def before_run(self, run_context):
        return SessionRunArgs(self._loss_tensor)

    def after_run(self, run_context, run_values):
        if np.isnan(run_values.results):
            message = "Model diverged with loss = NaN."
            if self._fail_on_nan_loss:
                logging.error(message)
                raise NanLossDuringTrainingError
            logging.warning(message)
            run_context.request_stop()


class CheckpointSaverListener:
    """Called around each checkpoint a ``CheckpointSaverHook`` writes."""

    def begin(self):
        pass

    def before_save(self, session, global_step_value):
        pass

    def after_save(self, session, global_step_value):
        pass

    def end(self, session, global_step_value):
        pass


class CheckpointSaverHook(SessionRunHook):
    """Saves a checkpoint every N seconds or steps, at the start and at the end."""

    def __init__(self, checkpoint_dir, save_secs=None, save_steps=None, saver=None,
                 checkpoint_basename="model.ckpt", scaffold=None, listeners=None):
        if saver is not None and scaffold is not None:
            raise ValueError("You cannot provide both saver and scaffold.")
        self._checkpoint_dir = checkpoint_dir
        self._save_path = os.path.join(checkpoint_dir, checkpoint_basename)
        self._saver = saver
        self._scaffold = scaffold
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)
        self._listeners = list(listeners or [])
        self._steps_per_run = 1

    def begin(self):
        self._global_step = _global_step_tensor(self)
        for listener in self._listeners:
            listener.begin()

    def after_create_session(self, session, coord):
        step = int(session.run(self._global_step))
        os.makedirs(self._checkpoint_dir, exist_ok=True)
        # As TensorFlow's hook: the graph beside the checkpoints, as text (graph.pbtxt).
        try:
            graph = get_default_graph()
            graph_io.write_graph(graph.as_graph_def(add_shapes=True), self._checkpoint_dir,
                                 "graph.pbtxt")
        except ImportError:  # no protobuf (the tensorboard extra): checkpoints only
            pass
        self._save(session, step)
        self._timer.update_last_triggered_step(step)

    def before_run(self, run_context):
        return SessionRunArgs(self._global_step)

    def after_run(self, run_context, run_values):
        step = int(run_values.results) + 1
        if self._timer.should_trigger_for_step(step):
            step = int(run_context.session.run(self._global_step))
            self._timer.update_last_triggered_step(step)
            if self._save(run_context.session, step):
                run_context.request_stop()

    def end(self, session):
        step = int(session.run(self._global_step))
        if step != self._timer.last_triggered_step():
            self._save(session, step)
        for listener in self._listeners:
            listener.end(session, step)

    def _get_saver(self):
        if self._saver is not None:
            return self._saver
        if self._scaffold is not None:
            return self._scaffold.saver
        from .saver import Saver

        graph = get_default_graph()
        savers = graph.get_collection("savers")
        if savers:
            self._saver = savers[0]
        else:
            self._saver = Saver()
            graph.add_to_collection("savers", self._saver)
        return self._saver

    def _save(self, session, step):
        logging.info("Saving checkpoints for %d into %s.", step, self._save_path)
        for listener in self._listeners:
            listener.before_save(session, step)
        self._get_saver().save(session, self._save_path, global_step=step)
        should_stop = False
        for listener in self._listeners:
            if listener.after_save(session, step):
                should_stop = True
        return should_stop


class StepCounterHook(SessionRunHook):
    """Logs global steps per second every N steps or seconds, and writes the rate as a
    ``global_step/sec`` summary to ``output_dir`` (or ``summary_writer``), as TensorBoard
    shows it (writing needs the tensorboard extra; without it the rate is only logged)."""

    def __init__(self, every_n_steps=100, every_n_secs=None, output_dir=None,
                 summary_writer=None):
        if (every_n_steps is None) == (every_n_secs is None):
            raise ValueError("exactly one of every_n_steps and every_n_secs should be provided.")
        self._timer = SecondOrStepTimer(every_steps=every_n_steps, every_secs=every_n_secs)
        self._output_dir = output_dir
        self._summary_writer = summary_writer
        self._last_global_step = None

    def begin(self):
        if self._summary_writer is None and self._output_dir:
            self._summary_writer = _summary_writer_for(self._output_dir)
        self._global_step = _global_step_tensor(self)
        self._summary_tag = training_util.get_global_step().op.name + "/sec"

    def before_run(self, run_context):
        return SessionRunArgs(self._global_step)

    def after_run(self, run_context, run_values):
        stale = int(run_values.results)
        if self._timer.should_trigger_for_step(stale + 1):
            # Where the run left the step (an update may move it by more than one).
            step = int(run_context.session.run(self._global_step))
            if self._timer.should_trigger_for_step(step):
                elapsed, steps = self._timer.update_last_triggered_step(step)
                if elapsed is not None:
                    self._log_and_record(steps, elapsed, step)
        if stale == self._last_global_step:
            logging.log_first_n(
                logging.WARN, "It seems that global step (tf.train.get_global_step) has not "
                "been increased. Current value (could be stable): %s vs previous value: %s. "
                "You could increase the global step by passing tf.train.get_global_step() to "
                "Optimizer.apply_gradients or Optimizer.minimize.", 5, stale,
                self._last_global_step)
        self._last_global_step = stale

    def end(self, session=None):
        # smallflow's writer queues events in a thread: written out here, not at exit.
        if self._summary_writer is not None:
            self._summary_writer.flush()

    def _log_and_record(self, elapsed_steps, elapsed_time, global_step):
        """Reports the rate; subclasses (TPUEstimator's ExamplesPerSecondHook) add theirs."""
        steps_per_sec = elapsed_steps / elapsed_time
        _write_scalar(self._summary_writer, self._summary_tag, steps_per_sec, global_step)
        logging.info("%s: %g", self._summary_tag, steps_per_sec)


def _summary_writer_for(output_dir):
    """The shared FileWriter of ``output_dir``, or None without tf.summary's extra."""
    from .. import tb_protos
    from .monitored_session import _summary_module

    summary = _summary_module()
    if summary is None or not tb_protos.available():
        return None
    return summary.FileWriterCache.get(output_dir)


def _write_scalar(writer, tag, value, step):
    """A one-value ``Summary`` at ``step`` (nothing without a writer)."""
    if writer is None:
        return
    from .. import tb_protos

    pb = tb_protos.load().summary_pb2
    writer.add_summary(pb.Summary(value=[pb.Summary.Value(tag=tag, simple_value=value)]), step)


class ProfilerHook(SessionRunHook):
    """Every N steps or seconds, traces one training step and writes its timeline
    (``timeline-<step>.json``, chrome://tracing's format) to ``output_dir``, and the run's
    metadata to the directory's summary writer (TensorBoard's "Graphs" run selector; needs
    the tensorboard extra)."""

    def __init__(self, save_steps=None, save_secs=None, output_dir="", show_dataflow=True,
                 show_memory=False):
        self._output_dir = output_dir
        self._output_file = os.path.join(output_dir, "timeline-{}.json")
        self._show_dataflow = show_dataflow
        self._show_memory = show_memory
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)

    def begin(self):
        self._next_step = None
        self._global_step = training_util.get_global_step()
        if self._global_step is None:
            raise RuntimeError("Global step should be created to use ProfilerHook.")
        self._file_writer = _summary_writer_for(self._output_dir) if self._output_dir else None

    def before_run(self, run_context):
        from ..protos import RunOptions

        self._request_trace = (self._next_step is not None
                               and self._timer.should_trigger_for_step(self._next_step))
        options = RunOptions(trace_level=RunOptions.FULL_TRACE) if self._request_trace else None
        return SessionRunArgs({"global_step": self._global_step}, options=options)

    def after_run(self, run_context, run_values):
        stale_step = int(run_values.results["global_step"])
        if self._next_step is None:
            # The first run starts the timer: the first trace comes N steps or seconds later.
            self._timer.update_last_triggered_step(stale_step)
        step = stale_step + 1
        if self._request_trace:
            step = int(run_context.session.run(self._global_step))
            self._timer.update_last_triggered_step(step)
            self._save(step, run_values.run_metadata)
        self._next_step = step + 1

    def _save(self, step, run_metadata):
        from .. import chrome_trace as timeline

        path = self._output_file.format(step)
        logging.info("Saving timeline for %d into '%s'.", step, path)
        trace = timeline.Timeline(run_metadata.step_stats).generate_chrome_trace_format(
            show_dataflow=self._show_dataflow, show_memory=self._show_memory)
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        graph_io.write_atomically(path, trace.encode("utf-8"))
        if self._file_writer is not None:
            self._file_writer.add_run_metadata(run_metadata, f"step_{step}", step)


class SummarySaverHook(SessionRunHook):
    """Writes the merged summaries every N steps or seconds (needs ``tf.summary``)."""

    def __init__(self, save_steps=None, save_secs=None, output_dir=None, summary_writer=None,
                 scaffold=None, summary_op=None):
        if (scaffold is None) == (summary_op is None):
            raise ValueError("Exactly one of scaffold or summary_op must be provided.")
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)
        self._output_dir = output_dir
        self._writer = summary_writer
        self._scaffold = scaffold
        self._summary_op = summary_op

    def begin(self):
        self._global_step = _global_step_tensor(self)
        if self._writer is None and self._output_dir is not None:
            from .monitored_session import _summary_module

            summary = _summary_module()
            if summary is None:
                raise RuntimeError("SummarySaverHook needs tf.summary (import smallflow.summary)")
            cache = getattr(summary, "FileWriterCache", None)
            self._writer = (cache.get(self._output_dir) if cache is not None
                            else summary.FileWriter(self._output_dir))
        self._op = self._summary_op
        self._next_step = None
        self._request = False

    def before_run(self, run_context):
        # The step the coming run will finish is known from the last one: the first run
        # always writes, then every save_steps steps (or save_secs seconds).
        self._request = self._next_step is None or self._timer.should_trigger_for_step(
            self._next_step)
        fetches = {"step": self._global_step}
        if self._op is None and self._scaffold is not None:
            # The scaffold makes its summary op when the session is created (after begin).
            self._op = self._scaffold.summary_op
        if self._request and self._op is not None:
            fetches["summary"] = self._op
        return SessionRunArgs(fetches)

    def after_run(self, run_context, run_values):
        if self._writer is None:
            return
        step = int(run_values.results["step"]) + 1
        first = self._next_step is None
        if first or self._request:
            # Where the run left the global step (another hook or op may have moved it).
            step = int(run_context.session.run(self._global_step))
        if first:
            from .monitored_session import _summary_module

            session_log = _summary_module().SessionLog
            self._writer.add_session_log(session_log(status=session_log.START), step)
        if self._request:
            self._timer.update_last_triggered_step(step)
            summaries = run_values.results.get("summary")
            if summaries is not None:
                for summary in summaries if isinstance(summaries, list) else [summaries]:
                    self._writer.add_summary(summary, step)
        self._next_step = step + 1

    def end(self, session=None):
        if self._writer is not None:
            self._writer.flush()


class FinalOpsHook(SessionRunHook):
    """Runs ``final_ops`` when the session ends; their values are ``final_ops_values``."""

    def __init__(self, final_ops, final_ops_feed_dict=None):
        self._final_ops = final_ops
        self._feed = final_ops_feed_dict
        self._values = None

    @property
    def final_ops_values(self):
        return self._values

    def end(self, session):
        if self._final_ops is not None:
            self._values = session.run(self._final_ops, feed_dict=self._feed)


class FeedFnHook(SessionRunHook):
    """Adds ``feed_fn()`` (a feed dict) to every run."""

    def __init__(self, feed_fn):
        self.feed_fn = feed_fn

    def before_run(self, run_context):
        return SessionRunArgs(fetches=None, feed_dict=self.feed_fn())


class GlobalStepWaiterHook(SessionRunHook):
    """Holds this worker's first step until the global step reaches ``wait_until_step``
    (TensorFlow's way to start workers one after another)."""

    def __init__(self, wait_until_step):
        self._wait_until_step = wait_until_step
        self._started = False
        self._step = None

    def begin(self):
        self._started = False
        self._step = training_util._get_or_create_global_step_read()
        if self._step is None:
            raise RuntimeError("Global step should be created to use _GlobalStepWaiterHook.")

    def before_run(self, run_context):
        if self._started:
            return None
        if self._wait_until_step <= 0:
            self._started = True
            return None
        logging.info("Waiting for global step %d before starting training.",
                     self._wait_until_step)
        last_logged = 0
        while True:
            current = int(run_context.session.run(self._step))
            if current >= self._wait_until_step:
                self._started = True
                return None
            if current - last_logged > 1000:
                logging.info("Waiting for global step %d before starting training. Current "
                             "step is %d.", self._wait_until_step, current)
                last_logged = current
            time.sleep(0.5)
