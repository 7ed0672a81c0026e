"""``tf.contrib.training``'s evaluation loop: ``evaluate_once`` (restore one checkpoint, run
the eval ops until a hook stops, return the final ops' values), ``evaluate_repeatedly`` (the
same for each new checkpoint of a directory), the eval-step counter and the two hooks that
drive them (``StopAfterNEvalsHook``, ``SummaryAtEndHook``)."""

import math
import time

from .. import dtypes, init_ops, logging, summary
from ..graph import GraphKeys, control_dependencies, get_default_graph
from ..ops import array_ops
from ..train import monitored_session, training_util
from ..train.checkpoint_wait import checkpoints_iterator, wait_for_new_checkpoint
from ..train.session_run_hook import FinalOpsHook, SessionRunArgs, SessionRunHook
from ..variable_scope import get_variable

__all__ = [
    "StopAfterNEvalsHook",
    "SummaryAtEndHook",
    "checkpoints_iterator",
    "evaluate_once",
    "evaluate_repeatedly",
    "get_or_create_eval_step",
    "wait_for_new_checkpoint",
]

EVAL_STEP = "eval_step"  # GraphKeys.EVAL_STEP: the collection of the eval-step counter


def get_or_create_eval_step():
    """The graph's eval-step counter: a local int64 scalar variable ``eval_step`` in the
    ``eval_step`` collection, created on first use."""
    steps = get_default_graph().get_collection(getattr(GraphKeys, "EVAL_STEP", EVAL_STEP))
    if len(steps) == 1:
        return steps[0]
    if len(steps) > 1:
        raise ValueError("Multiple tensors added to tf.GraphKeys.EVAL_STEP")
    return get_variable("eval_step", shape=[], dtype=dtypes.int64,
                        initializer=init_ops.zeros_initializer(), trainable=False,
                        collections=[GraphKeys.LOCAL_VARIABLES,
                                     getattr(GraphKeys, "EVAL_STEP", EVAL_STEP)])


class StopAfterNEvalsHook(SessionRunHook):
    """Requests a stop once the eval step reaches ``num_evals`` (None: never), logging
    ``Evaluation [k/n]`` about ten times along the way (every step below 20)."""

    def __init__(self, num_evals, log_progress=True):
        self._num_evals = num_evals
        self._evals_completed = None
        self._log_progress = log_progress
        if num_evals is None or num_evals < 20:
            self._log_frequency = 1
        else:
            self._log_frequency = math.floor(num_evals / 10.0)

    def _set_evals_completed_tensor(self, updated_eval_step):
        self._evals_completed = updated_eval_step

    def before_run(self, run_context):
        return SessionRunArgs({"evals_completed": self._evals_completed})

    def after_run(self, run_context, run_values):
        completed = int(run_values.results["evals_completed"])
        if self._log_progress:
            if self._num_evals is None:
                logging.info("Evaluation [%d]", completed)
            elif completed % self._log_frequency == 0 or completed == self._num_evals:
                logging.info("Evaluation [%d/%d]", completed, self._num_evals)
        if self._num_evals is not None and completed >= self._num_evals:
            run_context.request_stop()


class SummaryAtEndHook(SessionRunHook):
    """Runs ``summary_op`` (default: every summary of the graph) once the evaluation ends and
    writes it, at the global step, to ``summary_writer`` or a writer on ``log_dir``."""

    def __init__(self, log_dir=None, summary_writer=None, summary_op=None, feed_dict=None):
        self._summary_op = summary_op
        self._replace_summary_op = summary_op is None
        self._feed_dict = feed_dict
        self._summary_writer = summary_writer
        self._log_dir = log_dir
        if self._log_dir is None and self._summary_writer is None:
            raise ValueError("One of log_dir or summary_writer should be used.")

    def begin(self):
        if self._replace_summary_op:
            self._summary_op = summary.merge_all()
        self._global_step = training_util.get_or_create_global_step()

    def after_create_session(self, session, coord):
        if self._summary_writer is None and self._log_dir:
            self._summary_writer = summary.FileWriterCache.get(self._log_dir)

    def end(self, session):
        step = training_util.global_step(session, self._global_step)
        if self._summary_op is None:
            return
        summary_str = session.run(self._summary_op, self._feed_dict)
        if self._summary_writer:
            self._summary_writer.add_summary(summary_str, step)
            self._summary_writer.flush()


def _with_eval_step(eval_ops, hooks):
    """``eval_ops`` plus the eval-step increment; the StopAfterNEvalsHooks read the step
    after it."""
    eval_step = get_or_create_eval_step()
    update = eval_step.assign_add(1, use_locking=True)
    if isinstance(eval_ops, dict):
        eval_ops = dict(eval_ops)
        eval_ops["update_eval_step"] = update
    elif isinstance(eval_ops, list | tuple):
        eval_ops = [*eval_ops, update]
    else:
        eval_ops = [eval_ops, update]
    with control_dependencies(list(eval_ops.values()) if isinstance(eval_ops, dict)
                              else eval_ops):
        step_after = array_ops.identity(eval_step.read_value())
    for hook in hooks:
        if isinstance(hook, StopAfterNEvalsHook):
            hook._set_evals_completed_tensor(step_after)
    return eval_ops


def _run_evaluation(checkpoint_path, master, scaffold, eval_ops, feed_dict, hooks, config):
    creator = monitored_session.ChiefSessionCreator(
        scaffold=scaffold, checkpoint_filename_with_path=checkpoint_path, master=master,
        config=config)
    with monitored_session.MonitoredSession(session_creator=creator, hooks=hooks) as session:
        logging.info("Starting evaluation at " + time.strftime("%Y-%m-%d-%H:%M:%S",
                                                                time.gmtime()))
        if eval_ops is not None:
            while not session.should_stop():
                session.run(eval_ops, feed_dict)
    logging.info("Finished evaluation at " + time.strftime("%Y-%m-%d-%H:%M:%S", time.gmtime()))


def evaluate_once(checkpoint_path, master="", scaffold=None, eval_ops=None, feed_dict=None,
                  final_ops=None, final_ops_feed_dict=None, hooks=None, config=None):
    """Restore ``checkpoint_path``, run ``eval_ops`` until a hook stops the session (a
    StopAfterNEvalsHook), then return the values of ``final_ops`` (None without them)."""
    hooks = list(hooks or [])
    get_or_create_eval_step()
    if eval_ops is not None:
        eval_ops = _with_eval_step(eval_ops, hooks)
    final_ops_hook = FinalOpsHook(final_ops, final_ops_feed_dict)
    hooks.append(final_ops_hook)
    _run_evaluation(checkpoint_path, master, scaffold, eval_ops, feed_dict, hooks, config)
    return final_ops_hook.final_ops_values


def evaluate_repeatedly(checkpoint_dir, master="", scaffold=None, eval_ops=None,
                        feed_dict=None, final_ops=None, final_ops_feed_dict=None,
                        eval_interval_secs=60, hooks=None, config=None,
                        max_number_of_evaluations=None, timeout=None, timeout_fn=None):
    """``evaluate_once`` on each new checkpoint of ``checkpoint_dir`` (at least
    ``eval_interval_secs`` apart), until ``max_number_of_evaluations`` were run or no new
    checkpoint came within ``timeout`` seconds; returns the last final ops' values."""
    hooks = list(hooks or [])
    get_or_create_eval_step()
    if eval_ops is not None:
        eval_ops = _with_eval_step(eval_ops, hooks)
    final_ops_hook = FinalOpsHook(final_ops, final_ops_feed_dict)
    hooks.append(final_ops_hook)
    checkpoints = checkpoints_iterator(checkpoint_dir, min_interval_secs=eval_interval_secs,
                                       timeout=timeout, timeout_fn=timeout_fn)
    for evaluations, checkpoint_path in enumerate(checkpoints, start=1):
        _run_evaluation(checkpoint_path, master, scaffold, eval_ops, feed_dict, hooks, config)
        if max_number_of_evaluations is not None and evaluations >= max_number_of_evaluations:
            break
    return final_ops_hook.final_ops_values
