"""``slim.learning``: TF-Slim's training loop.

``create_train_op`` builds a loss-returning train op (gradient multipliers and per-gradient
clipping as a transform, then contrib.training's ``create_train_op``); ``train`` runs it
under a ``tf.train.Supervisor`` (restore or initialize, checkpoint and summary threads on
the chief, queue runners) until ``number_of_steps`` global steps, logging
``global step N: loss = X (T sec/step)`` every ``log_every_n_steps``, and saves a final
checkpoint into ``logdir``.
"""

import os
import sys
import time

from ... import errors, logging, summary
from ...graph import control_dependencies, get_default_graph, name_scope
from ...ops import constant_op, control_flow_ops, math_ops
from ...protos import RunMetadata, RunOptions
from ...train import saver as saver_mod
from ...train import supervisor, training_util
from ...train.optimizer import Optimizer
from ...train.sync_replicas_optimizer import SyncReplicasOptimizer
from ...variable_utils import report_uninitialized_variables, tables_initializer
from ...variables import global_variables_initializer, local_variables_initializer
from .. import training_loop
from ..training_loop import add_gradients_summaries, clip_gradient_norms, multiply_gradients

__all__ = [
    "add_gradients_summaries",
    "clip_gradient_norms",
    "create_train_op",
    "multiply_gradients",
    "train",
    "train_step",
]

_USE_DEFAULT = 0
_USE_GLOBAL_STEP = training_loop._USE_GLOBAL_STEP


def create_train_op(total_loss, optimizer, global_step=_USE_GLOBAL_STEP, update_ops=None,
                    variables_to_train=None, clip_gradient_norm=0, summarize_gradients=False,
                    gate_gradients=Optimizer.GATE_OP, aggregation_method=None,
                    colocate_gradients_with_ops=False, gradient_multipliers=None,
                    check_numerics=True):
    """A tensor that applies one optimizer step and returns ``total_loss``.

    Before the step, gradients are scaled by ``gradient_multipliers`` (variable or op name
    -> factor) and each clipped to norm ``clip_gradient_norm`` when it is above 0.
    """
    def transform_grads_fn(grads):
        if gradient_multipliers:
            with name_scope("multiply_grads"):
                grads = multiply_gradients(grads, gradient_multipliers)
        if clip_gradient_norm > 0:
            with name_scope("clip_grads"):
                grads = clip_gradient_norms(grads, clip_gradient_norm)
        return grads

    return training_loop.create_train_op(
        total_loss=total_loss, optimizer=optimizer, global_step=global_step,
        update_ops=update_ops, variables_to_train=variables_to_train,
        transform_grads_fn=transform_grads_fn, summarize_gradients=summarize_gradients,
        gate_gradients=gate_gradients, aggregation_method=aggregation_method,
        colocate_gradients_with_ops=colocate_gradients_with_ops,
        check_numerics=check_numerics)


def _wait_for_step(sess, global_step, step):
    while training_util.global_step(sess, global_step) < step:
        time.sleep(1.0)


def _write_trace(train_step_kwargs, run_metadata, np_global_step):
    from ...python.client import timeline

    trace = timeline.Timeline(run_metadata.step_stats).generate_chrome_trace_format()
    path = os.path.join(train_step_kwargs["logdir"], f"tf_trace-{np_global_step}.json")
    logging.info("Writing trace to %s", path)
    partial = path + ".tmp"
    with open(partial, "w") as handle:
        handle.write(trace)
    os.replace(partial, path)
    writer = train_step_kwargs.get("summary_writer")
    if writer is not None:
        writer.add_run_metadata(run_metadata, f"run_metadata-{np_global_step}")


def train_step(sess, train_op, global_step, train_step_kwargs):
    """Run ``train_op`` once; return ``(total_loss, should_stop)``.

    ``train_step_kwargs`` may hold boolean tensors ``should_stop``, ``should_log`` and
    ``should_trace`` (with ``logdir``: a Chrome trace of the step is written there).
    """
    start_time = time.time()
    options = None
    run_metadata = None
    if "should_trace" in train_step_kwargs:
        if "logdir" not in train_step_kwargs:
            raise ValueError("logdir must be present in train_step_kwargs when should_trace "
                             "is present")
        if sess.run(train_step_kwargs["should_trace"]):
            options = RunOptions(trace_level=RunOptions.FULL_TRACE)
            run_metadata = RunMetadata()
    total_loss, np_global_step = sess.run([train_op, global_step], options=options,
                                          run_metadata=run_metadata)
    time_elapsed = time.time() - start_time
    if run_metadata is not None:
        _write_trace(train_step_kwargs, run_metadata, np_global_step)
    if "should_log" in train_step_kwargs and sess.run(train_step_kwargs["should_log"]):
        logging.info("global step %d: loss = %.4f (%.3f sec/step)", np_global_step,
                     total_loss, time_elapsed)
    # The stop test reads the global step the train op has just incremented, so it runs
    # on its own, after the step (as TF-Slim does).
    should_stop = bool(sess.run(train_step_kwargs["should_stop"])) \
        if "should_stop" in train_step_kwargs else False
    return total_loss, should_stop


def _check_arguments(train_op, logdir, summary_op, saver, trace_every_n_steps,
                     sync_optimizer, startup_delay_steps, number_of_steps):
    if train_op is None:
        raise ValueError("train_op cannot be None.")
    if logdir is None:
        if summary_op is not _USE_DEFAULT:
            raise ValueError("Cannot provide summary_op because logdir=None")
        if saver is not None:
            raise ValueError("Cannot provide saver because logdir=None")
        if trace_every_n_steps is not None:
            raise ValueError("Cannot provide trace_every_n_steps because logdir=None")
    if sync_optimizer is not None and startup_delay_steps > 0:
        raise ValueError("startup_delay_steps must be zero when sync_optimizer is supplied.")
    if number_of_steps is not None and number_of_steps <= 0:
        raise ValueError("`number_of_steps` must be either None or a positive number.")
    for opt in sync_optimizer or []:
        if not isinstance(opt, SyncReplicasOptimizer):
            raise ValueError("`sync_optimizer` must be a tf.train.SyncReplicasOptimizer.")


def _default_step_kwargs(global_step, number_of_steps, log_every_n_steps, is_chief,
                         trace_every_n_steps, logdir):
    with name_scope("train_step"):
        kwargs = {}
        if number_of_steps:
            kwargs["should_stop"] = math_ops.greater_equal(global_step, number_of_steps)
        else:
            kwargs["should_stop"] = constant_op.constant(False)
        if log_every_n_steps > 0:
            kwargs["should_log"] = math_ops.equal(math_ops.mod(global_step, log_every_n_steps),
                                                  0)
        if is_chief and trace_every_n_steps is not None:
            kwargs["should_trace"] = math_ops.equal(
                math_ops.mod(global_step, trace_every_n_steps), 0)
            kwargs["logdir"] = logdir
    return kwargs


def train(train_op, logdir, train_step_fn=train_step, train_step_kwargs=_USE_DEFAULT,
          log_every_n_steps=1, graph=None, master="", is_chief=True, global_step=None,
          number_of_steps=None, init_op=_USE_DEFAULT, init_feed_dict=None,
          local_init_op=_USE_DEFAULT, init_fn=None, ready_op=_USE_DEFAULT,
          summary_op=_USE_DEFAULT, save_summaries_secs=600, summary_writer=_USE_DEFAULT,
          startup_delay_steps=0, saver=None, save_interval_secs=600, sync_optimizer=None,
          session_config=None, session_wrapper=None, trace_every_n_steps=None,
          ignore_live_threads=False):
    """Run ``train_step_fn`` until it says stop (``number_of_steps`` global steps, the input
    exhausted, or for ever) under a Supervisor on ``logdir``; return the last loss.

    The chief restores the newest checkpoint of ``logdir`` (else runs ``init_op`` and
    ``init_fn``), saves every ``save_interval_secs`` and at the end, and writes
    ``summary_op`` every ``save_summaries_secs``. ``sync_optimizer`` (a
    SyncReplicasOptimizer or a list of them) adds its token and chief-queue setup.
    """
    if isinstance(sync_optimizer, SyncReplicasOptimizer):
        sync_optimizer = [sync_optimizer]
    _check_arguments(train_op, logdir, summary_op, saver, trace_every_n_steps, sync_optimizer,
                     startup_delay_steps, number_of_steps)
    graph = graph or get_default_graph()
    with graph.as_default():
        if global_step is None:
            global_step = training_util.get_or_create_global_step()
        saver = saver or saver_mod.Saver()
        with name_scope("init_ops"):
            if init_op is _USE_DEFAULT:
                init_op = global_variables_initializer()
            if ready_op is _USE_DEFAULT:
                ready_op = report_uninitialized_variables()
            if local_init_op is _USE_DEFAULT:
                local_init_op = control_flow_ops.group(local_variables_initializer(),
                                                       tables_initializer())
            ready_for_local_init_op = None
            if sync_optimizer is not None:
                with control_dependencies(
                        [local_init_op] if local_init_op is not None else []):
                    local_init_op = control_flow_ops.group(
                        *[opt.chief_init_op if is_chief else opt.local_step_init_op
                          for opt in sync_optimizer])
                ready_for_local_init_op = control_flow_ops.group(
                    *[opt.ready_for_local_init_op for opt in sync_optimizer])
        if summary_op is _USE_DEFAULT:
            summary_op = summary.merge_all()
        if summary_writer is _USE_DEFAULT:
            summary_writer = supervisor.Supervisor.USE_DEFAULT
        init_tokens_op = chief_queue_runners = None
        if is_chief and sync_optimizer is not None:
            # Built before the Supervisor finalizes the graph.
            init_tokens_op = [opt.get_init_tokens_op() for opt in sync_optimizer]
            chief_queue_runners = [opt.get_chief_queue_runner() for opt in sync_optimizer]
        if train_step_kwargs is _USE_DEFAULT:
            train_step_kwargs = _default_step_kwargs(global_step, number_of_steps,
                                                     log_every_n_steps, is_chief,
                                                     trace_every_n_steps, logdir)
    sv_kwargs = {}
    if ready_for_local_init_op is not None:
        sv_kwargs["ready_for_local_init_op"] = ready_for_local_init_op
    sv = supervisor.Supervisor(
        graph=graph, is_chief=is_chief, logdir=logdir, init_op=init_op,
        init_feed_dict=init_feed_dict, local_init_op=local_init_op, ready_op=ready_op,
        summary_op=summary_op, summary_writer=summary_writer, global_step=global_step,
        saver=saver, save_summaries_secs=save_summaries_secs,
        save_model_secs=save_interval_secs, init_fn=init_fn, **sv_kwargs)
    if summary_writer is not None:
        train_step_kwargs["summary_writer"] = sv.summary_writer
    total_loss = None
    should_retry = True
    while should_retry:
        should_retry = False
        try:
            with sv.managed_session(master, start_standard_services=False,
                                    config=session_config) as sess:
                logging.info("Starting Session.")
                if session_wrapper is not None:
                    sess = session_wrapper(sess)
                if is_chief:
                    if logdir:
                        sv.start_standard_services(sess)
                elif startup_delay_steps > 0:
                    _wait_for_step(sess, global_step,
                                   min(startup_delay_steps, number_of_steps or sys.maxsize))
                threads = sv.start_queue_runners(sess)
                logging.info("Starting Queues.")
                if chief_queue_runners is not None:
                    sv.start_queue_runners(sess, chief_queue_runners)
                    sess.run(init_tokens_op)
                try:
                    while not sv.should_stop():
                        total_loss, should_stop = train_step_fn(sess, train_op, global_step,
                                                                train_step_kwargs)
                        if should_stop:
                            logging.info("Stopping Training.")
                            sv.request_stop()
                            break
                except errors.OutOfRangeError as err:
                    # The input ran out (tf.train.limit_epochs): training ends there.
                    logging.info("Caught OutOfRangeError. Stopping Training. %s", err)
                if logdir and sv.is_chief:
                    logging.info("Finished training! Saving model to disk.")
                    sv.saver.save(sess, sv.save_path, global_step=sv.global_step)
                    sv.stop(threads, close_summary_writer=True,
                            ignore_live_threads=ignore_live_threads)
        except errors.AbortedError:
            # A server of the cluster restarted: train again from the last checkpoint.
            logging.info("Retrying training!")
            should_retry = True
    return total_loss
