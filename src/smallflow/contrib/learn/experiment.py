"""``tf.contrib.learn.Experiment`` and ``learn_runner``: train-and-evaluate recipes of 2017.

An Experiment holds an estimator (contrib.learn's or ``tf.estimator``'s), the training and
evaluation input functions and their step counts; its methods are the "schedules"
``learn_runner.run`` calls by name. ``train_and_evaluate`` (the local default) trains with a
``ValidationMonitor`` evaluating each new checkpoint every ``min_eval_frequency`` steps
(default 1, so every checkpoint), then evaluates once more and runs the export strategies;
``continuous_train_and_eval`` alternates ``train_steps_per_iteration`` steps of training with
an evaluation until ``train_steps``. Monitors given to a core Estimator are turned into
hooks, as TensorFlow 1.x did.
"""

import collections
import inspect
import os
import time

from ... import logging
from ...estimator import Estimator as CoreEstimator
from ...train import checkpoint_management
from . import monitors as monitor_lib
from .learn_estimator import Estimator, RunConfig

__all__ = ["Experiment", "ExportStrategy", "run", "tune"]


class ExportStrategy(collections.namedtuple("ExportStrategy",
                                            ["name", "export_fn", "strip_default_attrs"])):
    """A named export function ``export_fn(estimator, export_dir_base, checkpoint_path,
    eval_result)`` (older ones take fewer arguments)."""

    def __new__(cls, name, export_fn, strip_default_attrs=None):
        return super().__new__(cls, name, export_fn, strip_default_attrs)

    def export(self, estimator, export_path, checkpoint_path=None, eval_result=None):
        parameters = inspect.signature(self.export_fn).parameters
        kwargs = {}
        if "checkpoint_path" in parameters:
            kwargs["checkpoint_path"] = checkpoint_path
        if "eval_result" in parameters:
            kwargs["eval_result"] = eval_result
        if "strip_default_attrs" in parameters:
            kwargs["strip_default_attrs"] = self.strip_default_attrs
        return self.export_fn(estimator, export_path, **kwargs)


class Experiment:
    """Training and evaluation of one estimator; see the module's docstring."""

    def __init__(self, estimator, train_input_fn, eval_input_fn, eval_metrics=None,
                 train_steps=None, eval_steps=100, train_monitors=None, eval_hooks=None,
                 local_eval_frequency=None, eval_delay_secs=120,
                 continuous_eval_throttle_secs=60, min_eval_frequency=None,
                 delay_workers_by_global_step=False, export_strategies=None,
                 train_steps_per_iteration=None, checkpoint_and_export=False,
                 saving_listeners=None, check_interval_secs=5):
        if not isinstance(estimator, (Estimator, CoreEstimator)) and not (
                hasattr(estimator, "fit") and hasattr(estimator, "evaluate")):
            raise ValueError("`estimator` must implement `tf.contrib.learn.Evaluable` and "
                             "`tf.contrib.learn.Trainable`.")
        self._core_estimator_used = isinstance(estimator, CoreEstimator)
        if self._core_estimator_used and eval_metrics is not None:
            raise ValueError("`eval_metrics` must be `None` with `tf.estimator.Estimator`. "
                             "Use `eval_metric_ops` in `tf.estimator.EstimatorSpec` instead.")
        if train_steps_per_iteration is not None and not isinstance(
                train_steps_per_iteration, int):
            raise ValueError("`train_steps_per_iteration` must be an integer.")
        if checkpoint_and_export:
            raise NotImplementedError("Experiment(checkpoint_and_export=True) is not provided")
        self._estimator = estimator
        self._train_input_fn = train_input_fn
        self._eval_input_fn = eval_input_fn
        self._eval_metrics = eval_metrics
        self._train_steps = train_steps
        self._eval_steps = eval_steps
        self._local_eval_frequency = local_eval_frequency
        self._eval_delay_secs = eval_delay_secs
        self._continuous_eval_throttle_secs = continuous_eval_throttle_secs
        self._min_eval_frequency = 1 if min_eval_frequency is None else min_eval_frequency
        self._check_interval_secs = check_interval_secs
        self._delay_workers_by_global_step = delay_workers_by_global_step
        self._train_monitors = list(train_monitors or [])
        self._eval_hooks = list(eval_hooks or [])
        self._train_steps_per_iteration = train_steps_per_iteration
        self._saving_listeners = saving_listeners
        self._export_strategies = self._check_strategies(export_strategies)

    @staticmethod
    def _check_strategies(strategies):
        if strategies is None:
            return []
        if isinstance(strategies, ExportStrategy):
            return [strategies]
        strategies = list(strategies)
        for strategy in strategies:
            if not isinstance(strategy, ExportStrategy):
                raise ValueError(f"`export_strategies` must be an ExportStrategy, or a list "
                                 f"of ExportStrategy, got {strategy!r}")
        return strategies

    estimator = property(lambda self: self._estimator)
    eval_metrics = property(lambda self: self._eval_metrics)
    train_steps = property(lambda self: self._train_steps)
    eval_steps = property(lambda self: self._eval_steps)

    def reset_export_strategies(self, new_export_strategies=None):
        old = self._export_strategies
        self._export_strategies = self._check_strategies(new_export_strategies)
        return old

    def extend_train_hooks(self, additional_hooks):
        self._train_monitors.extend(additional_hooks)

    # -- calling the estimator -----------------------------------------------------------------
    def _call_train(self, input_fn=None, steps=None, hooks=None, max_steps=None):
        hooks = monitor_lib.replace_monitors_with_hooks(hooks, self._estimator)
        if self._core_estimator_used:
            return self._estimator.train(input_fn=input_fn, steps=steps, max_steps=max_steps,
                                         hooks=hooks, saving_listeners=self._saving_listeners)
        return self._estimator.fit(input_fn=input_fn, steps=steps, max_steps=max_steps,
                                   monitors=hooks)

    def _call_evaluate(self, input_fn=None, steps=None, metrics=None, name=None,
                       checkpoint_path=None, hooks=None):
        if self._core_estimator_used:
            return self._estimator.evaluate(input_fn=input_fn, steps=steps, name=name,
                                            checkpoint_path=checkpoint_path, hooks=hooks)
        return self._estimator.evaluate(input_fn=input_fn, steps=steps, metrics=metrics,
                                        name=name, checkpoint_path=checkpoint_path,
                                        hooks=hooks)

    def _latest_checkpoint(self):
        return checkpoint_management.latest_checkpoint(self._estimator.model_dir)

    # -- schedules -----------------------------------------------------------------------------
    def train(self, delay_secs=None):
        """Train up to ``train_steps`` (global step), after ``delay_secs`` (by default 5 s per
        task id, at most 60)."""
        if delay_secs is None:
            task_id = getattr(self._estimator.config, "task_id", 0) or 0
            delay_secs = min(60, task_id * 5)
        if delay_secs > 0:
            logging.info("Waiting %d secs before starting training.", delay_secs)
            time.sleep(delay_secs)
        return self._call_train(input_fn=self._train_input_fn, max_steps=self._train_steps,
                                hooks=self._train_monitors)

    def evaluate(self, delay_secs=None, name=None):
        """One evaluation of the newest checkpoint (after ``eval_delay_secs``), in
        ``eval_one_pass`` unless ``name`` is given."""
        if delay_secs is None:
            delay_secs = self._eval_delay_secs
        if delay_secs:
            logging.info("Waiting %d secs before starting eval.", delay_secs)
            time.sleep(delay_secs)
        return self._call_evaluate(input_fn=self._eval_input_fn, steps=self._eval_steps,
                                   metrics=self._eval_metrics, name=name or "one_pass",
                                   hooks=self._eval_hooks)

    def local_run(self):
        logging.warning("local_run is deprecated: use train_and_evaluate")
        return self.train_and_evaluate()

    def train_and_evaluate(self):
        """Train with evaluations of each new checkpoint along the way, then evaluate and
        export; returns ``(eval_result, export_results)``."""
        monitors_before = self._train_monitors
        if self._min_eval_frequency:
            self._train_monitors = monitors_before + [monitor_lib.ValidationMonitor(
                input_fn=self._eval_input_fn, eval_steps=self._eval_steps,
                metrics=self._eval_metrics, every_n_steps=self._min_eval_frequency,
                check_interval_secs=self._check_interval_secs, hooks=self._eval_hooks)]
        try:
            self.train(delay_secs=0)
        finally:
            self._train_monitors = monitors_before
        eval_result = self._call_evaluate(input_fn=self._eval_input_fn, steps=self._eval_steps,
                                          metrics=self._eval_metrics, hooks=self._eval_hooks)
        return eval_result, self._maybe_export(eval_result)

    def _has_training_stopped(self, eval_result):
        if not eval_result:
            return False
        step = eval_result.get("global_step")
        return bool(step and self._train_steps and step >= self._train_steps)

    def continuous_train_and_eval(self, continuous_eval_predicate_fn=None, export=True):
        """Alternate training ``train_steps_per_iteration`` steps (default ``train_steps``/10,
        or 1000) and evaluating, until ``train_steps`` or the predicate says stop."""
        if continuous_eval_predicate_fn is not None and not callable(
                continuous_eval_predicate_fn):
            raise ValueError("`continuous_eval_predicate_fn` must be a callable, or None.")
        if self._train_steps_per_iteration is not None:
            per_iteration = int(self._train_steps_per_iteration)
        elif self._train_steps is not None:
            per_iteration = int(self._train_steps / 10)
        else:
            per_iteration = 1000
        eval_result = export_results = None
        while continuous_eval_predicate_fn is None or _call_predicate(
                continuous_eval_predicate_fn, eval_result, self._latest_checkpoint()):
            if self._has_training_stopped(eval_result):
                logging.info("Stop training model as max steps reached")
                break
            logging.info("Training model for %s steps", per_iteration)
            self._call_train(input_fn=self._train_input_fn, steps=per_iteration,
                             hooks=self._train_monitors)
            logging.info("Evaluating model now.")
            eval_result = self._call_evaluate(
                input_fn=self._eval_input_fn, steps=self._eval_steps,
                metrics=self._eval_metrics, checkpoint_path=self._latest_checkpoint(),
                hooks=self._eval_hooks)
            export_results = self._maybe_export(eval_result) if export else None
        return eval_result, export_results

    def continuous_eval(self, delay_secs=None, throttle_delay_secs=None,
                        evaluate_checkpoint_only_once=True, continuous_eval_predicate_fn=None,
                        name="continuous"):
        """Evaluate each new checkpoint as training writes them, until the predicate says
        stop or a checkpoint has reached ``train_steps``."""
        if delay_secs is None:
            delay_secs = self._eval_delay_secs
        if throttle_delay_secs is None:
            throttle_delay_secs = self._continuous_eval_throttle_secs
        if delay_secs:
            time.sleep(delay_secs)
        last_checkpoint = eval_result = None
        while continuous_eval_predicate_fn is None or _call_predicate(
                continuous_eval_predicate_fn, eval_result, last_checkpoint):
            started = time.time()
            checkpoint = self._latest_checkpoint()
            if checkpoint is None or (evaluate_checkpoint_only_once
                                      and checkpoint == last_checkpoint):
                logging.info("No new checkpoint ready for evaluation. Skip the current "
                             "evaluation pass as evaluation results are expected to be same "
                             "for the same checkpoint.")
            else:
                eval_result = self._call_evaluate(
                    input_fn=self._eval_input_fn, steps=self._eval_steps,
                    metrics=self._eval_metrics, name=name, checkpoint_path=checkpoint,
                    hooks=self._eval_hooks)
                last_checkpoint = checkpoint
                self._maybe_export(eval_result, checkpoint)
                if self._has_training_stopped(eval_result):
                    logging.info("Leaving evaluation after the final checkpoint.")
                    return eval_result
            remaining = throttle_delay_secs - (time.time() - started)
            if remaining > 0:
                time.sleep(remaining)
        return eval_result

    def continuous_eval_on_train_data(self, delay_secs=None, throttle_delay_secs=None,
                                      continuous_eval_predicate_fn=None):
        saved = self._eval_input_fn
        self._eval_input_fn = self._train_input_fn
        try:
            return self.continuous_eval(delay_secs, throttle_delay_secs,
                                        continuous_eval_predicate_fn=continuous_eval_predicate_fn,
                                        name="continuous_on_train_data")
        finally:
            self._eval_input_fn = saved

    def test(self):
        """One training step and one evaluation step (a smoke test)."""
        self._call_train(input_fn=self._train_input_fn, steps=1, hooks=self._train_monitors)
        eval_result = self._call_evaluate(input_fn=self._eval_input_fn, steps=1,
                                          metrics=self._eval_metrics, name="one_pass")
        self._maybe_export(eval_result)
        return eval_result

    def run_std_server(self):
        """Start this task's server of the configured cluster and wait on it."""
        from ...train.server_lib import Server

        config = self._estimator.config
        if not config.cluster_spec:
            raise ValueError("run_std_server needs a cluster: set TF_CONFIG or a RunConfig "
                             "with a cluster_spec")
        server = Server(config.cluster_spec, job_name=config.task_type,
                        task_index=config.task_id, start=True)
        server.join()

    def _maybe_export(self, eval_result, checkpoint_path=None):
        results = []
        if not self._export_strategies:
            return results
        checkpoint_path = checkpoint_path or self._latest_checkpoint()
        for strategy in self._export_strategies:
            base = os.path.join(os.fsencode(self._estimator.model_dir), b"export",
                                os.fsencode(strategy.name))
            results.append(strategy.export(self._estimator, base, checkpoint_path,
                                           eval_result))
        return results


def _call_predicate(predicate, eval_result, checkpoint_path):
    if "checkpoint_path" in inspect.signature(predicate).parameters:
        return predicate(eval_result, checkpoint_path=checkpoint_path)
    return predicate(eval_result)


def _default_schedule(config):
    cluster = getattr(config, "cluster_spec", None)
    if not cluster:
        return "train_and_evaluate"
    task_type = getattr(config, "task_type", None)
    if task_type in ("master", "chief"):
        return "train_and_evaluate"
    if task_type == "ps":
        return "run_std_server"
    if task_type == "worker":
        return "train"
    raise ValueError(f"No default schedule for task type: {task_type}")


def run(experiment_fn, output_dir=None, schedule=None, run_config=None, hparams=None):
    """Build the Experiment (``experiment_fn(output_dir)``, or ``experiment_fn(run_config,
    hparams)``) and run its ``schedule`` (by default ``train_and_evaluate`` when local)."""
    if not callable(experiment_fn):
        raise TypeError(f'Experiment builder "{experiment_fn}" is not callable.')
    if output_dir is not None:
        if run_config is not None:
            raise ValueError("Cannot provide both `output_dir` and `run_config`")
        if hparams is not None:
            raise ValueError("Cannot provide both `output_dir` and `hparams`")
        experiment = experiment_fn(output_dir)
    else:
        if run_config is None:
            raise ValueError("Must set either `output_dir` or `run_config`")
        if not isinstance(run_config, RunConfig):
            raise ValueError("`run_config` must be a `tf.contrib.learn.RunConfig`, got "
                             f"{type(run_config).__name__}")
        experiment = experiment_fn(run_config, hparams)
    if not isinstance(experiment, Experiment):
        raise TypeError(f"Experiment builder did not return an Experiment instance, got "
                        f"{type(experiment)} instead.")
    schedule = schedule or _default_schedule(experiment.estimator.config)
    task = getattr(experiment, schedule, None)
    if task is None or schedule.startswith("_"):
        raise ValueError(f"Schedule references non-existent task {schedule}")
    if not callable(task):
        raise TypeError(f"Schedule references non-callable member {schedule}")
    return task()


def tune(experiment_fn, tuner):
    raise NotImplementedError("learn_runner.tune (hyperparameter tuners) is not provided")
