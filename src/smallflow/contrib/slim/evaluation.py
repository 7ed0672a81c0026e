"""``slim.evaluation``: TF-Slim's evaluation functions on contrib.training's loop.

``evaluate_once`` restores one checkpoint, runs ``eval_op`` ``num_evals`` times (the metric
updates), writes ``summary_op`` (default: every summary) to ``logdir`` and returns
``final_op``'s value; ``evaluation_loop`` does so for each new checkpoint of a directory.
"""

from ... import summary
from ...train import saver as saver_mod
from ...train.monitored_session import Scaffold
from .. import training_evaluation
from ..training_evaluation import checkpoints_iterator, wait_for_new_checkpoint

__all__ = ["checkpoints_iterator", "evaluate_once", "evaluation_loop",
           "wait_for_new_checkpoint"]

_USE_DEFAULT = 0


def _hooks(num_evals, summary_op, logdir, summary_op_feed_dict, hooks):
    if summary_op is _USE_DEFAULT:
        summary_op = summary.merge_all()
    all_hooks = [training_evaluation.StopAfterNEvalsHook(num_evals)]
    if summary_op is not None:
        all_hooks.append(training_evaluation.SummaryAtEndHook(
            log_dir=logdir, summary_op=summary_op, feed_dict=summary_op_feed_dict))
    if hooks is not None:
        all_hooks.extend(hooks)
    return all_hooks


def evaluate_once(master, checkpoint_path, logdir, num_evals=1, initial_op=None,
                  initial_op_feed_dict=None, eval_op=None, eval_op_feed_dict=None,
                  final_op=None, final_op_feed_dict=None, summary_op=_USE_DEFAULT,
                  summary_op_feed_dict=None, variables_to_restore=None, session_config=None,
                  hooks=None):
    """Evaluate the model of ``checkpoint_path``; return ``final_op``'s value (or None).

    ``variables_to_restore`` (default: every saveable variable) are read from the
    checkpoint; ``initial_op`` runs first.
    """
    all_hooks = _hooks(num_evals, summary_op, logdir, summary_op_feed_dict, hooks)
    saver = saver_mod.Saver(variables_to_restore) if variables_to_restore is not None else None
    return training_evaluation.evaluate_once(
        checkpoint_path, master=master,
        scaffold=Scaffold(init_op=initial_op, init_feed_dict=initial_op_feed_dict,
                          saver=saver),
        eval_ops=eval_op, feed_dict=eval_op_feed_dict, final_ops=final_op,
        final_ops_feed_dict=final_op_feed_dict, hooks=all_hooks, config=session_config)


def evaluation_loop(master, checkpoint_dir, logdir, num_evals=1, initial_op=None,
                    initial_op_feed_dict=None, init_fn=None, eval_op=None,
                    eval_op_feed_dict=None, final_op=None, final_op_feed_dict=None,
                    summary_op=_USE_DEFAULT, summary_op_feed_dict=None,
                    variables_to_restore=None, eval_interval_secs=60,
                    max_number_of_evaluations=None, session_config=None, timeout=None,
                    timeout_fn=None, hooks=None):
    """Evaluate each new checkpoint of ``checkpoint_dir`` (waiting for them, at least
    ``eval_interval_secs`` apart) until ``max_number_of_evaluations`` or a ``timeout``
    without a new one; return the last ``final_op`` value."""
    all_hooks = _hooks(num_evals, summary_op, logdir, summary_op_feed_dict, hooks)
    saver = saver_mod.Saver(variables_to_restore) if variables_to_restore is not None else None
    return training_evaluation.evaluate_repeatedly(
        checkpoint_dir, master=master,
        scaffold=Scaffold(init_op=initial_op, init_feed_dict=initial_op_feed_dict,
                          init_fn=init_fn, saver=saver),
        eval_ops=eval_op, feed_dict=eval_op_feed_dict, final_ops=final_op,
        final_ops_feed_dict=final_op_feed_dict, eval_interval_secs=eval_interval_secs,
        hooks=all_hooks, config=session_config,
        max_number_of_evaluations=max_number_of_evaluations, timeout=timeout,
        timeout_fn=timeout_fn)
