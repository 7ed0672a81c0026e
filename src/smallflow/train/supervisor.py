"""``tf.train.Supervisor``: TF1's pre-MonitoredSession training harness.

A Supervisor owns a finalized graph and, for a session it prepares, restores the newest
checkpoint in ``logdir`` (or runs the init op), runs the local init op, starts the queue
runners, and on the chief starts the standard services: a thread saving a checkpoint every
``save_model_secs`` and one writing ``summary_op`` every ``save_summaries_secs``. Programs use
it as ``with sv.managed_session() as sess: while not sv.should_stop(): ...``.
"""

import contextlib
import os

from .. import logging, variable_utils, variables
from ..graph import GraphKeys, get_default_graph
from ..ops import control_flow_ops
from ..session import Session
from . import checkpoint_management, training_util
from . import saver as saver_mod
from .coordinator import Coordinator, LooperThread
from .session_manager import SessionManager


def _first_in(graph, key):
    items = graph.get_collection(key)
    return items[0] if items else None


class Supervisor:
    """Initialize or restore a session, run services around it, and stop them cleanly."""

    USE_DEFAULT = 0

    def __init__(self, graph=None, ready_op=USE_DEFAULT, ready_for_local_init_op=USE_DEFAULT,
                 is_chief=True, init_op=USE_DEFAULT, init_feed_dict=None,
                 local_init_op=USE_DEFAULT, logdir=None, summary_op=USE_DEFAULT,
                 saver=USE_DEFAULT, global_step=USE_DEFAULT, save_summaries_secs=120,
                 save_model_secs=600, recovery_wait_secs=30, stop_grace_secs=120,
                 checkpoint_basename="model.ckpt", session_manager=None,
                 summary_writer=USE_DEFAULT, init_fn=None, local_init_run_options=None):
        self._graph = graph if graph is not None else get_default_graph()
        self._is_chief = is_chief
        self._logdir = logdir
        self._save_summaries_secs = save_summaries_secs
        self._save_model_secs = save_model_secs
        self._stop_grace_secs = stop_grace_secs
        self._recovery_wait_secs = recovery_wait_secs
        self._init_feed_dict = init_feed_dict
        self._init_fn = init_fn
        self._coord = Coordinator()
        self._started_threads = []
        with self._graph.as_default():
            self._init_op = self._default(init_op, GraphKeys.INIT_OP,
                                          variables.global_variables_initializer)
            self._local_init_op = self._default(local_init_op, GraphKeys.LOCAL_INIT_OP,
                                                self._make_local_init_op)
            if ready_op is Supervisor.USE_DEFAULT:
                ready_op = _first_in(self._graph, GraphKeys.READY_OP)
                if ready_op is None:
                    ready_op = variable_utils.report_uninitialized_variables()
                    self._graph.add_to_collection(GraphKeys.READY_OP, ready_op)
            self._ready_op = ready_op
            if ready_for_local_init_op is Supervisor.USE_DEFAULT:
                ready_for_local_init_op = _first_in(self._graph,
                                                    GraphKeys.READY_FOR_LOCAL_INIT_OP)
                if ready_for_local_init_op is None:
                    ready_for_local_init_op = variable_utils.report_uninitialized_variables(
                        variables.global_variables())
                    self._graph.add_to_collection(GraphKeys.READY_FOR_LOCAL_INIT_OP,
                                                  ready_for_local_init_op)
            self._ready_for_local_init_op = ready_for_local_init_op
            self._saver = self._default(saver, GraphKeys.SAVERS, self._make_saver)
            self._summary_op = self._default(summary_op, GraphKeys.SUMMARY_OP,
                                             self._make_summary_op)
            if global_step is Supervisor.USE_DEFAULT:
                global_step = training_util.get_global_step(self._graph)
            self._global_step = global_step
        self._save_path = os.path.join(logdir, checkpoint_basename) if logdir else None
        if summary_writer is Supervisor.USE_DEFAULT:
            summary_writer = self._make_summary_writer()
        self._summary_writer = summary_writer
        # TensorFlow finalizes the graph here: the training loop may not add ops.
        self._graph.finalize()

    # -- defaults ------------------------------------------------------------------------------
    def _default(self, value, key, make):
        if value is not Supervisor.USE_DEFAULT:
            return value
        found = _first_in(self._graph, key)
        if found is None:
            found = make()
            if found is not None:
                self._graph.add_to_collection(key, found)
        return found

    @staticmethod
    def _make_local_init_op():
        return control_flow_ops.group(variables.local_variables_initializer(),
                                      variable_utils.tables_initializer())

    @staticmethod
    def _make_saver():
        if not variables.global_variables():
            return None
        return saver_mod.Saver()

    @staticmethod
    def _make_summary_op():
        from .. import summary

        return summary.merge_all()

    def _make_summary_writer(self):
        if not (self._is_chief and self._logdir):
            return None
        from .. import summary, tb_protos

        if not tb_protos.available():
            logging.warning("Supervisor: no summaries are written to %s without the "
                            "'tensorboard' extra", self._logdir)
            return None
        return summary.FileWriter(self._logdir, self._graph)

    # -- properties ----------------------------------------------------------------------------
    is_chief = property(lambda self: self._is_chief)
    coord = property(lambda self: self._coord)
    saver = property(lambda self: self._saver)
    global_step = property(lambda self: self._global_step)
    summary_op = property(lambda self: self._summary_op)
    summary_writer = property(lambda self: self._summary_writer)
    init_op = property(lambda self: self._init_op)
    local_init_op = property(lambda self: self._local_init_op)
    init_feed_dict = property(lambda self: self._init_feed_dict)
    ready_op = property(lambda self: self._ready_op)
    ready_for_local_init_op = property(lambda self: self._ready_for_local_init_op)
    save_path = property(lambda self: self._save_path)
    save_model_secs = property(lambda self: self._save_model_secs)
    save_summaries_secs = property(lambda self: self._save_summaries_secs)
    session_manager = property(lambda self: None)

    # -- sessions ------------------------------------------------------------------------------
    def _restore_or_init(self, sess):
        latest = (checkpoint_management.latest_checkpoint(self._logdir)
                  if self._logdir and self._saver is not None else None)
        if latest is not None:
            self._saver.restore(sess, latest)
            logging.info("Restored model from %s", latest)
            return
        if self._init_op is not None:
            sess.run(self._init_op, feed_dict=self._init_feed_dict)
        if self._init_fn is not None:
            self._init_fn(sess)

    def prepare_or_wait_for_session(self, master="", config=None, wait_for_checkpoint=False,
                                    max_wait_secs=7200, start_standard_services=True):
        """A session with the model restored or initialized, services and queues started."""
        self._coord.clear_stop()
        if not self._is_chief:
            # Another task (the chief) initializes or restores the shared model: wait for it.
            manager = SessionManager(local_init_op=self._local_init_op,
                                     ready_op=self._ready_op,
                                     ready_for_local_init_op=self._ready_for_local_init_op,
                                     graph=self._graph,
                                     recovery_wait_secs=self._recovery_wait_secs)
            sess = manager.wait_for_session(master, config=config, max_wait_secs=max_wait_secs)
            if start_standard_services:
                self.start_queue_runners(sess)
            return sess
        sess = Session(master, graph=self._graph, config=config)
        self._restore_or_init(sess)
        if self._local_init_op is not None:
            sess.run(self._local_init_op)
        if self._is_chief and start_standard_services:
            self.start_standard_services(sess)
        if start_standard_services:
            self.start_queue_runners(sess)
        return sess

    def start_standard_services(self, sess):
        """Start the checkpoint and summary threads (chief only); return them."""
        if not self._is_chief:
            raise RuntimeError("Only chief supervisor can start standard services. Because "
                               "only chief supervisors can write events.")
        threads = []
        if self._save_path and self._saver is not None and self._save_model_secs:
            threads.append(self.loop(self._save_model_secs, self._save_checkpoint, (sess,)))
        if (self._summary_writer is not None and self._summary_op is not None
                and self._save_summaries_secs):
            threads.append(self.loop(self._save_summaries_secs, self._write_summaries, (sess,)))
        return threads

    def _save_checkpoint(self, sess):
        self._saver.save(sess, self._save_path, global_step=self._global_step)

    def _write_summaries(self, sess):
        fetches = [self._summary_op]
        if self._global_step is not None:
            fetches.append(self._global_step)
        values = sess.run(fetches)
        step = int(values[1]) if len(values) > 1 else None
        self.summary_computed(sess, values[0], global_step=step)

    def start_queue_runners(self, sess, queue_runners=None):
        """Start the graph's queue runners under this Supervisor's coordinator."""
        if queue_runners is None:
            queue_runners = self._graph.get_collection(GraphKeys.QUEUE_RUNNERS)
        threads = []
        for runner in queue_runners:
            threads.extend(runner.create_threads(sess, coord=self._coord, daemon=True,
                                                 start=True))
        self._started_threads.extend(threads)
        return threads

    def loop(self, timer_interval_secs, target, args=None, kwargs=None):
        """Call ``target(*args)`` every ``timer_interval_secs`` in a thread until a stop."""
        thread = LooperThread(self._coord, timer_interval_secs, target=target, args=args,
                              kwargs=kwargs)
        thread.start()
        self._started_threads.append(thread)
        return thread

    def summary_computed(self, sess, summary, global_step=None):
        """Write a computed summary (the output of a summary op) to the summary writer."""
        if self._summary_writer is None:
            raise RuntimeError("Writing a summary requires a summary writer.")
        if global_step is None and self._global_step is not None:
            global_step = int(sess.run(self._global_step))
        self._summary_writer.add_summary(summary, global_step)

    # -- stopping ------------------------------------------------------------------------------
    def should_stop(self):
        return self._coord.should_stop()

    def request_stop(self, ex=None):
        self._coord.request_stop(ex=ex)

    def stop_on_exception(self):
        return self._coord.stop_on_exception()

    def wait_for_stop(self):
        self._coord.wait_for_stop()

    def stop(self, threads=None, close_summary_writer=True, ignore_live_threads=False):
        """Stop the services and queue runners; re-raise an error one of them reported."""
        self._coord.request_stop()
        try:
            self._coord.join(list(threads or []) + self._started_threads,
                             stop_grace_period_secs=self._stop_grace_secs,
                             ignore_live_threads=ignore_live_threads)
        finally:
            self._started_threads = []
            if close_summary_writer and self._summary_writer is not None:
                self._summary_writer.close()

    @contextlib.contextmanager
    def managed_session(self, master="", config=None, start_standard_services=True,
                        close_summary_writer=True):
        """A prepared session; on exit the services stop and the session closes.

        An ``OutOfRangeError`` raised in the block (input exhausted) ends it quietly, as in
        TensorFlow; other errors are re-raised after the services stop.
        """
        sess = self.prepare_or_wait_for_session(master=master, config=config,
                                                start_standard_services=start_standard_services)
        try:
            yield sess
        except Exception as err:  # noqa: BLE001 - handed to the coordinator, as TF does
            self.request_stop(err)
        finally:
            try:
                self.stop(close_summary_writer=close_summary_writer)
            finally:
                sess.close()

    # TF1's CamelCase names for the same methods (neural_gpu calls ``sv.PrepareSession``).
    PrepareSession = prepare_or_wait_for_session
    StartStandardServices = start_standard_services
    StartQueueRunners = start_queue_runners
    Loop = loop
    SummaryComputed = summary_computed
    ShouldStop = should_stop
    RequestStop = request_stop
    StopOnException = stop_on_exception
    WaitForStop = wait_for_stop
    Stop = stop


def basic_train_loop(supervisor, train_step_fn, args=None, kwargs=None, master=""):
    """Call ``train_step_fn(session, *args, **kwargs)`` in a managed session of
    ``supervisor`` until it should stop."""
    with supervisor.managed_session(master) as session:
        while not supervisor.should_stop():
            train_step_fn(session, *(args or ()), **(kwargs or {}))
