"""Early stopping for Estimators (``tf.estimator.experimental.stop_if_*_hook``, also under
``tf.contrib.estimator``): training hooks that read the evaluation metrics written to the
estimator's eval directory and stop training when a metric crosses a threshold or stops
improving.

The chief's hook checks the predicate every ``run_every_secs`` seconds (or
``run_every_steps`` steps) and, when it holds, sets the boolean variable
``signal_early_stopping/STOP`` and asks the session to stop; other workers' hooks stop when
they read that variable set. The metrics are those of ``Estimator.evaluate`` (event files,
written when the ``tensorboard`` extra is installed; without it there is nothing to read and
the hooks never stop training).
"""

import collections
import glob
import operator
import os

from .. import dtypes, init_ops, logging
from ..graph import GraphKeys
from ..ops import scatter_ops
from ..train import training_util
from ..train.session_run_hook import SecondOrStepTimer, SessionRunArgs, SessionRunHook
from ..variable_scope import AUTO_REUSE, get_variable, variable_scope

__all__ = ["make_early_stopping_hook", "read_eval_metrics", "stop_if_higher_hook",
           "stop_if_lower_hook", "stop_if_no_decrease_hook", "stop_if_no_increase_hook"]


def read_eval_metrics(eval_dir):
    """``{global_step: {metric: value}}`` from the scalar summaries of the event files in
    ``eval_dir``, ordered by step (empty when there are none)."""
    by_step = collections.defaultdict(dict)
    paths = sorted(glob.glob(os.path.join(eval_dir, "*.tfevents.*")))
    if paths:
        from ..summary.records import summary_iterator  # the tensorboard extra's protos

        for path in paths:
            for event in summary_iterator(path):
                if not event.HasField("summary"):
                    continue
                metrics = {value.tag: value.simple_value for value in event.summary.value
                           if value.HasField("simple_value")}
                if metrics:
                    by_step[event.step].update(metrics)
    return collections.OrderedDict(sorted(by_step.items()))


def _stop_variable():
    with variable_scope("signal_early_stopping", reuse=AUTO_REUSE):
        return get_variable("STOP", shape=[], dtype=dtypes.bool,
                            initializer=init_ops.constant_initializer(False),
                            collections=[GraphKeys.GLOBAL_VARIABLES], trainable=False)


class _StopOnPredicateHook(SessionRunHook):
    """The chief's hook: stop when ``should_stop_fn()`` says so (checked on a timer)."""

    def __init__(self, should_stop_fn, run_every_secs=60, run_every_steps=None):
        if not callable(should_stop_fn):
            raise TypeError("`should_stop_fn` must be callable.")
        self._should_stop_fn = should_stop_fn
        self._timer = SecondOrStepTimer(every_secs=run_every_secs, every_steps=run_every_steps)
        self._global_step_tensor = None
        self._stop_op = None

    def begin(self):
        self._global_step_tensor = training_util.get_global_step()
        self._stop_op = scatter_ops.assign(_stop_variable(), True)

    def before_run(self, run_context):
        return SessionRunArgs(self._global_step_tensor)

    def after_run(self, run_context, run_values):
        global_step = run_values.results
        if self._timer.should_trigger_for_step(global_step):
            self._timer.update_last_triggered_step(global_step)
            if self._should_stop_fn():
                logging.info("Requesting early stopping at global step %d", global_step)
                run_context.session.run(self._stop_op)
                run_context.request_stop()


class _CheckForStoppingHook(SessionRunHook):
    """A worker's hook: stop once the chief has set the stop variable."""

    def begin(self):
        self._stop_var = _stop_variable()

    def before_run(self, run_context):
        return SessionRunArgs(self._stop_var)

    def after_run(self, run_context, run_values):
        if run_values.results:
            logging.info("Early stopping requested, suspending run.")
            run_context.request_stop()


def make_early_stopping_hook(estimator, should_stop_fn, run_every_secs=60,
                             run_every_steps=None):
    """A hook that stops training when ``should_stop_fn()`` returns True (the chief checks
    it; other workers follow the chief's signal)."""
    from .estimator import Estimator

    if not isinstance(estimator, Estimator):
        raise TypeError(f"`estimator` must have type `tf.estimator.Estimator`. Got: "
                        f"{type(estimator)}")
    if run_every_secs is not None and run_every_steps is not None:
        raise ValueError("Only one of `run_every_secs` and `run_every_steps` must be set.")
    if estimator.config.is_chief:
        return _StopOnPredicateHook(should_stop_fn, run_every_secs, run_every_steps)
    return _CheckForStoppingHook()


def _threshold_hook(estimator, metric_name, threshold, higher_is_better, eval_dir, min_steps,
                    run_every_secs, run_every_steps):
    eval_dir = eval_dir if eval_dir is not None else estimator.eval_dir()
    better = operator.gt if higher_is_better else operator.lt
    relation = "greater than" if higher_is_better else "less than"

    def crossed():
        for step, metrics in read_eval_metrics(eval_dir).items():
            if step < min_steps:
                continue
            value = metrics[metric_name]
            if better(value, threshold):
                logging.info('At step %s, metric "%s" has value %s which is %s the configured '
                             "threshold (%s) for early stopping.", step, metric_name, value,
                             relation, threshold)
                return True
        return False

    return make_early_stopping_hook(estimator, crossed, run_every_secs, run_every_steps)


def _no_improvement_hook(estimator, metric_name, max_steps, higher_is_better, eval_dir,
                         min_steps, run_every_secs, run_every_steps):
    eval_dir = eval_dir if eval_dir is not None else estimator.eval_dir()
    better = operator.gt if higher_is_better else operator.lt
    change = "increase" if higher_is_better else "decrease"

    def stalled():
        best, best_step = None, None
        for step, metrics in read_eval_metrics(eval_dir).items():
            if step < min_steps:
                continue
            value = metrics[metric_name]
            if best is None or better(value, best):
                best, best_step = value, step
            if step - best_step >= max_steps:
                logging.info('No %s in metric "%s" for %s steps, which is greater than or '
                             "equal to max steps (%s) configured for early stopping.", change,
                             metric_name, step - best_step, max_steps)
                return True
        return False

    return make_early_stopping_hook(estimator, stalled, run_every_secs, run_every_steps)


def stop_if_higher_hook(estimator, metric_name, threshold, eval_dir=None, min_steps=0,
                        run_every_secs=60, run_every_steps=None):
    """Stop once an evaluation (at step >= ``min_steps``) has ``metric_name`` > threshold."""
    return _threshold_hook(estimator, metric_name, threshold, True, eval_dir, min_steps,
                           run_every_secs, run_every_steps)


def stop_if_lower_hook(estimator, metric_name, threshold, eval_dir=None, min_steps=0,
                       run_every_secs=60, run_every_steps=None):
    """Stop once an evaluation (at step >= ``min_steps``) has ``metric_name`` < threshold."""
    return _threshold_hook(estimator, metric_name, threshold, False, eval_dir, min_steps,
                           run_every_secs, run_every_steps)


def stop_if_no_increase_hook(estimator, metric_name, max_steps_without_increase, eval_dir=None,
                             min_steps=0, run_every_secs=60, run_every_steps=None):
    """Stop when ``metric_name`` has not risen above its best for that many steps."""
    return _no_improvement_hook(estimator, metric_name, max_steps_without_increase, True,
                                eval_dir, min_steps, run_every_secs, run_every_steps)


def stop_if_no_decrease_hook(estimator, metric_name, max_steps_without_decrease, eval_dir=None,
                             min_steps=0, run_every_secs=60, run_every_steps=None):
    """Stop when ``metric_name`` has not fallen below its best for that many steps."""
    return _no_improvement_hook(estimator, metric_name, max_steps_without_decrease, False,
                                eval_dir, min_steps, run_every_secs, run_every_steps)
