"""``tf.contrib.learn.monitors``: TensorFlow 1.0's training callbacks, run as session hooks.

A monitor sees the training loop as steps numbered by the global step after the step
(``step_begin(step)`` may name tensors to fetch, ``step_end(step, outputs)`` returning True
stops training, ``post_step(step, session)`` may run more). ``fit`` wraps every monitor it
is given in one ``RunHookAdapterForMonitors`` (hooks pass through as they are), as TensorFlow
1.x did once Estimators moved to ``MonitoredSession``.

``ValidationMonitor`` evaluates the newest checkpoint every ``every_n_steps`` steps (never the
same checkpoint twice, and at most once per ``check_interval_secs``) and can stop training
when ``early_stopping_metric`` has not improved for ``early_stopping_rounds`` steps.
"""

import copy
import inspect
import time

import numpy as np

from ... import logging
from ...graph import get_default_graph
from ...train import checkpoint_management, training_util
from ...train.session_run_hook import SessionRunArgs, SessionRunHook

__all__ = ["BaseMonitor", "CaptureVariable", "EveryN", "GraphDump", "LoggingTrainable",
           "NanLoss", "PrintTensor", "RunHookAdapterForMonitors", "StopAtStep",
           "SummarySaver", "ValidationMonitor", "get_default_monitors",
           "replace_monitors_with_hooks"]


class BaseMonitor:
    """The calls a training loop makes; each checks that they come in order."""

    def __init__(self):
        self._begun = False
        self._current_epoch = None
        self._current_step = None
        self._max_steps = None
        self._estimator = None

    @property
    def run_on_all_workers(self):
        return False

    def set_estimator(self, estimator):
        if estimator is None:
            raise ValueError("Missing estimator.")
        self._estimator = estimator

    def begin(self, max_steps=None):
        if self._begun:
            raise ValueError("begin called twice without end.")
        self._max_steps = max_steps
        self._begun = True

    def end(self, session=None):
        if not self._begun:
            raise ValueError("end called without begin.")
        self._max_steps = None
        self._begun = False

    def epoch_begin(self, epoch):
        if self._current_epoch is not None:
            raise ValueError("epoch_begin called twice without epoch_end.")
        if epoch < 0:
            raise ValueError(f"Invalid epoch {epoch}.")
        self._current_epoch = epoch

    def epoch_end(self, epoch):
        if self._current_epoch != epoch:
            raise ValueError(f"epoch_end expected {self._current_epoch} but got {epoch}.")
        self._current_epoch = None

    def step_begin(self, step):
        """Returns the tensors (or names) to fetch with this step."""
        if step < 0 or (self._max_steps is not None and step > self._max_steps):
            raise ValueError(f"Invalid step {step}.")
        self._current_step = step
        return []

    def step_end(self, step, output):
        """Returns True to stop training."""
        if self._current_step != step:
            raise ValueError(f"step_end expected {self._current_step} but got {step}.")
        self._current_step = None
        return False

    def post_step(self, step, session):
        pass


def _extract_output(outputs, request):
    if request in outputs:
        return outputs[request]
    return outputs[request.name]


class EveryN(BaseMonitor):
    """Calls ``every_n_step_begin/end`` on the first ``first_n_steps`` steps, then at most
    every ``every_n_steps`` steps, and at ``max_steps``; ``every_n_post_step`` also at the end
    if the last step was not one of those."""

    def __init__(self, every_n_steps=100, first_n_steps=1):
        super().__init__()
        self._every_n_steps = every_n_steps
        self._first_n_steps = first_n_steps
        self._last_successful_step = None
        self._last_active_step = 0
        self._every_n_step_begin_called = False

    def every_n_step_begin(self, step):
        return []

    def every_n_step_end(self, step, outputs):
        return False

    def every_n_post_step(self, step, session):
        pass

    def step_begin(self, step):
        super().step_begin(step)
        if (step <= self._first_n_steps or step >= self._every_n_steps + self._last_active_step
                or step == self._max_steps):
            self._every_n_step_begin_called = True
            return self.every_n_step_begin(step)
        self._every_n_step_begin_called = False
        return []

    def step_end(self, step, output):
        super().step_end(step, output)
        if self._every_n_step_begin_called:
            return self.every_n_step_end(step, output)
        return False

    def post_step(self, step, session):
        super().post_step(step, session)
        if self._every_n_step_begin_called:
            self.every_n_post_step(step, session)
            self._last_active_step = step
        self._last_successful_step = step

    def end(self, session=None):
        super().end(session=session)
        if self._last_successful_step != self._last_active_step:
            self.every_n_post_step(self._last_successful_step, session)


class StopAtStep(BaseMonitor):
    """Stops after ``num_steps`` steps or at global step ``last_step``."""

    def __init__(self, num_steps=None, last_step=None):
        super().__init__()
        if num_steps is None and last_step is None:
            raise ValueError("One of num_steps or last_step must be specified.")
        if num_steps is not None and last_step is not None:
            raise ValueError("Only one of num_steps or last_step can be specified.")
        self._num_steps = num_steps
        self._last_step = last_step

    @property
    def run_on_all_workers(self):
        return True

    def step_begin(self, step):
        super().step_begin(step)
        if self._last_step is None:
            self._last_step = step + self._num_steps - 1
        return []

    def step_end(self, step, output):
        super().step_end(step, output)
        return step >= self._last_step


class PrintTensor(EveryN):
    """Logs tensors (a dict tag -> name, or names) every N steps."""

    def __init__(self, tensor_names, every_n=100, first_n=1):
        super().__init__(every_n, first_n)
        if not isinstance(tensor_names, dict):
            tensor_names = {item: item for item in tensor_names}
        self._tensor_names = tensor_names

    def every_n_step_begin(self, step):
        super().every_n_step_begin(step)
        return list(self._tensor_names.values())

    def every_n_step_end(self, step, outputs):
        super().every_n_step_end(step, outputs)
        stats = [f"{tag} = {_extract_output(outputs, name)!s}"
                 for tag, name in self._tensor_names.items() if name in outputs]
        logging.info("Step %d: %s", step, ", ".join(stats))
        return False


class LoggingTrainable(EveryN):
    """Logs the trainable variables (matching ``scope``) every N steps."""

    def __init__(self, scope=None, every_n=100, first_n=1):
        super().__init__(every_n, first_n)
        self._scope = scope
        self._names = {}

    def every_n_step_begin(self, step):
        super().every_n_step_begin(step)
        variables = get_default_graph().get_collection("trainable_variables", scope=self._scope)
        self._names = {v.name: v.value().name for v in variables}
        return list(self._names.values())

    def every_n_step_end(self, step, outputs):
        super().every_n_step_end(step, outputs)
        stats = [f"{tag} = {_extract_output(outputs, name)!s}"
                 for tag, name in self._names.items() if name in outputs]
        logging.info("Logging Trainable: Step %d: %s", step, ", ".join(stats))
        return False


class SummarySaver(EveryN):
    """Writes ``summary_op``'s value every ``save_steps`` steps (to the model directory by
    default)."""

    def __init__(self, summary_op, save_steps=100, output_dir=None, summary_writer=None,
                 scaffold=None):
        super().__init__(every_n_steps=save_steps)
        self._summary_op = summary_op
        self._summary_writer = summary_writer
        self._output_dir = output_dir
        self._scaffold = scaffold

    def set_estimator(self, estimator):
        super().set_estimator(estimator)
        if self._output_dir is None and self._summary_writer is None:
            self._output_dir = estimator.model_dir

    def _writer(self):
        if self._summary_writer is None and self._output_dir:
            from ...summary.writer import FileWriterCache

            self._summary_writer = FileWriterCache.get(self._output_dir)
        return self._summary_writer

    def every_n_step_begin(self, step):
        super().every_n_step_begin(step)
        if self._summary_op is None and self._scaffold is not None:
            self._summary_op = self._scaffold.summary_op
        return [self._summary_op] if self._summary_op is not None else []

    def every_n_step_end(self, step, outputs):
        super().every_n_step_end(step, outputs)
        if self._summary_op is not None and self._writer() is not None:
            self._writer().add_summary(_extract_output(outputs, self._summary_op), step)
        return False

    def end(self, session=None):
        super().end(session=session)
        if self._summary_writer is not None:
            self._summary_writer.flush()


class ValidationMonitor(EveryN):
    """Evaluates the newest checkpoint every N steps; optional early stopping (see the
    module's docstring)."""

    def __init__(self, x=None, y=None, input_fn=None, batch_size=None, eval_steps=None,
                 every_n_steps=100, metrics=None, hooks=None, early_stopping_rounds=None,
                 early_stopping_metric="loss", early_stopping_metric_minimize=True, name=None,
                 check_interval_secs=5):
        super().__init__(every_n_steps=every_n_steps, first_n_steps=-1)
        if x is None and input_fn is None:
            raise ValueError("Either x or input_fn should be provided.")
        self.x = x
        self.y = y
        self.input_fn = input_fn
        self.batch_size = batch_size
        self.eval_steps = eval_steps
        self.metrics = metrics
        self.hooks = hooks
        self.early_stopping_rounds = early_stopping_rounds
        self.early_stopping_metric = early_stopping_metric
        self.early_stopping_metric_minimize = early_stopping_metric_minimize
        self.name = name
        self._check_interval_secs = check_interval_secs
        self._last_checkpoint_check_time = None
        self._best_value_step = None
        self._best_value = None
        self._best_metrics = None
        self._early_stopped = False
        self._latest_path = None
        self._latest_path_step = None

    early_stopped = property(lambda self: self._early_stopped)
    best_step = property(lambda self: self._best_value_step)
    best_value = property(lambda self: self._best_value)
    best_metrics = property(lambda self: self._best_metrics)

    def _evaluate_estimator(self):
        from ...estimator import Estimator as CoreEstimator

        if isinstance(self._estimator, CoreEstimator):
            if any(v is not None for v in (self.x, self.y, self.batch_size, self.metrics)):
                raise ValueError("tf.estimator.Estimator does not support following "
                                 "arguments: x, y, batch_size, metrics. Should set as None "
                                 "in ValidationMonitor")
            return self._estimator.evaluate(input_fn=self.input_fn, steps=self.eval_steps,
                                            hooks=self.hooks, name=self.name)
        return self._estimator.evaluate(
            x=self.x, y=self.y, input_fn=self.input_fn, batch_size=self.batch_size,
            steps=self.eval_steps, metrics=self.metrics, hooks=self.hooks, name=self.name)

    def every_n_step_end(self, step, outputs):
        super().every_n_step_end(step, outputs)
        if self._estimator is None:
            raise ValueError("Missing call to set_estimator.")
        now = time.time()
        if (self._check_interval_secs is not None
                and self._last_checkpoint_check_time is not None
                and now - self._last_checkpoint_check_time <= self._check_interval_secs):
            logging.debug("Skipping evaluation since less than %d seconds have passed since "
                          "last check for a new checkpoint.", self._check_interval_secs)
            return False
        self._last_checkpoint_check_time = now
        latest_path = checkpoint_management.latest_checkpoint(self._estimator.model_dir)
        if latest_path is None:
            logging.debug("Skipping evaluation since model has not been saved yet at step %d.",
                          step)
            return False
        if latest_path == self._latest_path:
            logging.debug("Skipping evaluation due to same checkpoint %s for step %d as for "
                          "step %d.", latest_path, step, self._latest_path_step)
            return False
        self._latest_path = latest_path
        self._latest_path_step = step
        outputs = self._evaluate_estimator()
        logging.info("Validation (step %d): %s", step,
                     ", ".join(f"{name} = {outputs[name]!s}" for name in outputs))
        if self.early_stopping_rounds is None:
            return False
        if self.early_stopping_metric not in outputs:
            raise ValueError(f"Metric {self.early_stopping_metric} missing from outputs "
                             f"{set(outputs)}.")
        current = outputs[self.early_stopping_metric]
        if (self._best_value is None
                or (self.early_stopping_metric_minimize and current < self._best_value)
                or (not self.early_stopping_metric_minimize and current > self._best_value)):
            self._best_value = current
            self._best_metrics = copy.deepcopy(outputs)
            self._best_value_step = step
        if step - self._best_value_step >= self.early_stopping_rounds:
            logging.info("Stopping. Best step: %s with %s = %s.", self._best_value_step,
                         self.early_stopping_metric, str(self._best_value))
            self._early_stopped = True
            return True
        return False


class CaptureVariable(EveryN):
    """Keeps a tensor's value (``var_name`` with its ``:0``) every N steps in ``values``."""

    def __init__(self, var_name, every_n=100, first_n=1):
        super().__init__(every_n, first_n)
        self._var_name = var_name
        self._var_values = {}

    values = property(lambda self: self._var_values)

    def every_n_step_begin(self, step):
        super().every_n_step_begin(step)
        return [self._var_name]

    def every_n_step_end(self, step, outputs):
        super().every_n_step_end(step, outputs)
        self._var_values[step] = _extract_output(outputs, self._var_name)
        return False


class GraphDump(BaseMonitor):
    """Fetches (almost) every tensor of the graph at every step, into ``data`` (debugging)."""

    IGNORE_OPS = ["Const", "Assign", "Identity", "Placeholder", "RandomUniform", "Cast",
                  "RestoreSlice"]

    def __init__(self, ignore_ops=None):
        super().__init__()
        self._ignore_ops = ignore_ops or GraphDump.IGNORE_OPS
        self._data = {}
        self._tensors = []

    def begin(self, max_steps=None):
        super().begin(max_steps=max_steps)
        self._tensors = [op.outputs[0] for op in get_default_graph().get_operations()
                         if op.type not in self._ignore_ops and op.outputs]

    def step_begin(self, step):
        super().step_begin(step)
        return self._tensors

    def step_end(self, step, output):
        super().step_end(step, output)
        self._data[step] = output
        return False

    data = property(lambda self: self._data)


class NanLoss(EveryN):
    """Fails (or only stops, ``fail_on_nan_loss=False``) when the loss becomes NaN."""

    def __init__(self, loss_tensor, every_n_steps=100, fail_on_nan_loss=True):
        super().__init__(every_n_steps=every_n_steps)
        self._loss_tensor = loss_tensor
        self._fail_on_nan_loss = fail_on_nan_loss

    def every_n_step_begin(self, step):
        super().every_n_step_begin(step)
        return [self._loss_tensor]

    def every_n_step_end(self, step, outputs):
        super().every_n_step_end(step, outputs)
        if np.isnan(_extract_output(outputs, self._loss_tensor)):
            message = "Model diverged with loss = NaN."
            if self._fail_on_nan_loss:
                from ...train.session_run_hook import NanLossDuringTrainingError

                logging.error(message)
                raise NanLossDuringTrainingError
            logging.warning(message)
            return True
        return False


def get_default_monitors(loss_op=None, summary_op=None, save_summary_steps=100,
                         output_dir=None, summary_writer=None):
    """A PrintTensor of the loss and a SummarySaver of ``summary_op``, where given."""
    monitors = []
    if loss_op is not None:
        monitors.append(PrintTensor(tensor_names={"loss": loss_op.name}))
    if summary_op is not None:
        monitors.append(SummarySaver(summary_op, save_steps=save_summary_steps,
                                     output_dir=output_dir, summary_writer=summary_writer))
    return monitors


class RunHookAdapterForMonitors(SessionRunHook):
    """Runs a list of monitors as one session hook (see the module's docstring)."""

    def __init__(self, monitors):
        self._monitors = monitors
        self._last_step = None
        self._global_step_tensor = None

    def begin(self):
        self._last_step = None
        self._global_step_tensor = training_util.get_global_step()
        if self._global_step_tensor is None:
            raise RuntimeError("Global step should be created to use monitors.")
        for monitor in self._monitors:
            monitor.begin(max_steps=None)

    def before_run(self, run_context):
        if self._last_step is None:
            self._last_step = int(run_context.session.run(self._global_step_tensor)) + 1
        request = {self._global_step_tensor: self._global_step_tensor}
        fetches = []
        for monitor in self._monitors:
            wanted = monitor.step_begin(self._last_step)
            if wanted:
                if not isinstance(wanted, list):
                    raise ValueError("Monitor.step_begin should return a list.")
                fetches.extend(wanted)
        if fetches:
            graph = get_default_graph()
            request["monitors"] = {f: graph.as_graph_element(f) for f in fetches}
        return SessionRunArgs(request)

    def after_run(self, run_context, run_values):
        results = run_values.results.get("monitors", {})
        for monitor in self._monitors:
            if monitor.step_end(self._last_step, results):
                run_context.request_stop()
        for monitor in self._monitors:
            monitor.post_step(self._last_step, run_context.session)
        self._last_step = int(run_values.results[self._global_step_tensor]) + 1

    def end(self, session):
        self._last_step = None
        for monitor in self._monitors:
            if "session" in inspect.signature(monitor.end).parameters:
                monitor.end(session=session)
            else:
                monitor.end()


def replace_monitors_with_hooks(monitors_or_hooks, estimator):
    """Hooks as they are, plus one adapter running every monitor (each told the estimator)."""
    monitors_or_hooks = list(monitors_or_hooks or [])
    hooks = [m for m in monitors_or_hooks if isinstance(m, SessionRunHook)]
    monitors = [m for m in monitors_or_hooks if not isinstance(m, SessionRunHook)]
    for monitor in monitors:
        if not isinstance(monitor, BaseMonitor):
            raise ValueError(f"monitors must be SessionRunHooks or tf.contrib.learn monitors, "
                             f"got {monitor!r}")
        monitor.set_estimator(estimator)
    if not monitors:
        return hooks
    return hooks + [RunHookAdapterForMonitors(monitors)]
