"""``MonitoredSession`` / ``MonitoredTrainingSession``: a session that initialises or restores
itself, runs hooks around every ``run``, starts queue runners and stops cleanly.

The loop of TF1 programs::

    with tf.train.MonitoredTrainingSession(checkpoint_dir=d, hooks=[...]) as sess:
        while not sess.should_stop():
            sess.run(train_op)

An ``OutOfRangeError`` from an input pipeline ends the loop: ``should_stop()`` turns True
and leaving the ``with`` block does not re-raise it.
"""

import sys

from .. import errors, logging, variables
from ..graph import GraphKeys, get_default_graph
from ..ops import control_flow_ops
from ..protos import RunMetadata, RunOptions
from ..session import Session
from ..variable_utils import report_uninitialized_variables
from . import checkpoint_management, session_run_hook
from .coordinator import Coordinator
from .session_run_hook import SessionRunArgs, SessionRunContext, SessionRunValues

__all__ = [
    "ChiefSessionCreator",
    "MonitoredSession",
    "MonitoredTrainingSession",
    "Scaffold",
    "SessionCreator",
    "SingularMonitoredSession",
    "WorkerSessionCreator",
]

_USE_DEFAULT = object()


def _summary_module():
    """``tf.summary`` if the program uses it (its summaries exist only once it is imported).

    Looked up rather than imported: tf.summary sits above tf.train in the layering.
    """
    return sys.modules.get("smallflow.summary")


class Scaffold:
    """The ops that initialise a session and the saver that restores it (defaults if None)."""

    def __init__(self, init_op=None, init_feed_dict=None, init_fn=None, ready_op=None,
                 ready_for_local_init_op=None, local_init_op=None, summary_op=None,
                 saver=None, copy_from_scaffold=None):
        if copy_from_scaffold is not None:
            if not isinstance(copy_from_scaffold, Scaffold):
                raise TypeError("copy_from_scaffold is not a Scaffold instance.")
            # The fields given here win; the others come from the scaffold copied (its
            # user's init_fn, not a wrapped one).
            source = copy_from_scaffold
            init_op = source.init_op if init_op is None else init_op
            init_feed_dict = source.init_feed_dict if init_feed_dict is None else init_feed_dict
            init_fn = source.init_fn if init_fn is None else init_fn
            ready_op = source.ready_op if ready_op is None else ready_op
            if ready_for_local_init_op is None:
                ready_for_local_init_op = source.ready_for_local_init_op
            local_init_op = source.local_init_op if local_init_op is None else local_init_op
            summary_op = source.summary_op if summary_op is None else summary_op
            saver = source.saver if saver is None else saver
        self._init_op = init_op
        self._init_feed_dict = init_feed_dict
        self._init_fn = init_fn
        self._ready_op = ready_op
        self._ready_for_local_init_op = ready_for_local_init_op
        self._local_init_op = local_init_op
        self._summary_op = summary_op
        self._saver = saver
        self._finalized = False

    def finalize(self):
        """Create the default ops that were not given (once)."""
        graph = get_default_graph()
        if self._finalized:
            graph.finalize()
            return self
        # Each op not given is the one of its graph collection (INIT_OP, READY_OP, ...), or
        # a default, made and added to that collection, as TensorFlow's Scaffold does.
        if self._init_op is None:
            self._init_op = Scaffold.get_or_default(
                "init_op", GraphKeys.INIT_OP, variables.global_variables_initializer)
        if self._ready_op is None:
            self._ready_op = Scaffold.get_or_default(
                "ready_op", GraphKeys.READY_OP, report_uninitialized_variables)
        if self._ready_for_local_init_op is None:
            self._ready_for_local_init_op = Scaffold.get_or_default(
                "ready_for_local_init_op", GraphKeys.READY_FOR_LOCAL_INIT_OP,
                lambda: report_uninitialized_variables(variables.global_variables()))
        if self._local_init_op is None:
            self._local_init_op = Scaffold.get_or_default(
                "local_init_op", GraphKeys.LOCAL_INIT_OP, Scaffold.default_local_init_op)
        if self._summary_op is None:
            self._summary_op = Scaffold.get_or_default(
                "summary_op", GraphKeys.SUMMARY_OP, _merge_all_summaries)
        if self._saver is None:
            self._saver = Scaffold.get_or_default("saver", GraphKeys.SAVERS, _default_saver)
        if self._saver is not None and hasattr(self._saver, "build"):
            self._saver.build()
        self._finalized = True
        # As TensorFlow's: from here on the training loop may not add ops to the graph (a
        # MonitoredSession undoes this when it closes, if it found the graph unfinalized).
        graph.finalize()
        return self

    @staticmethod
    def get_or_default(arg_name, collection_key, default_constructor):
        """The one item of graph collection ``collection_key``; when it is empty, what
        ``default_constructor()`` makes (added to the collection unless None)."""
        graph = get_default_graph()
        elements = graph.get_collection(collection_key)
        if elements:
            if len(elements) > 1:
                raise RuntimeError(
                    f"More than one item in the collection \"{collection_key}\". Please "
                    f"indicate which one to use by passing it to the tf.Scaffold constructor "
                    f"as:  tf.Scaffold({arg_name}=item to use)")
            return elements[0]
        made = default_constructor()
        if made is not None:
            graph.add_to_collection(collection_key, made)
        return made

    @staticmethod
    def default_local_init_op():
        return control_flow_ops.group(
            variables.local_variables_initializer(),
            *get_default_graph().get_collection(GraphKeys.TABLE_INITIALIZERS))

    init_op = property(lambda self: self._init_op)
    init_feed_dict = property(lambda self: self._init_feed_dict)
    init_fn = property(lambda self: self._init_fn)
    ready_op = property(lambda self: self._ready_op)
    ready_for_local_init_op = property(lambda self: self._ready_for_local_init_op)
    local_init_op = property(lambda self: self._local_init_op)
    summary_op = property(lambda self: self._summary_op)
    saver = property(lambda self: self._saver)


def _merge_all_summaries():
    summary = _summary_module()
    if summary is None or not get_default_graph().get_collection(GraphKeys.SUMMARIES):
        return None
    return summary.merge_all()


def _default_saver():
    if not variables.global_variables():
        return None
    from .saver import Saver

    return Saver(sharded=True, allow_empty=True)


class SessionCreator:
    def create_session(self):
        raise NotImplementedError


class ChiefSessionCreator(SessionCreator):
    """Restores the newest checkpoint of ``checkpoint_dir``, or initialises the variables."""

    def __init__(self, scaffold=None, master="", config=None, checkpoint_dir=None,
                 checkpoint_filename_with_path=None):
        self._scaffold = scaffold or Scaffold()
        self._master = master
        self._config = config
        self._checkpoint_dir = checkpoint_dir
        self._checkpoint_path = checkpoint_filename_with_path

    def create_session(self):
        self._scaffold.finalize()
        session = Session(self._master, config=self._config, graph=get_default_graph())
        path = self._checkpoint_path
        if path is None and self._checkpoint_dir:
            path = checkpoint_management.latest_checkpoint(self._checkpoint_dir)
        if path is not None and self._scaffold.saver is not None:
            logging.info("Restoring parameters from %s", path)
            self._scaffold.saver.restore(session, path)
            # Variables the checkpoint did not hold start from their initializers. The
            # graph is finalized by now: only ops the scaffold and the variables already
            # have are run (its ready op lists the names of the uninitialized ones).
            missing = self._scaffold.ready_op
            names = set() if missing is None else {
                n.decode() if isinstance(n, bytes) else str(n)
                for n in session.run(missing).ravel()}
            initializers = [v.initializer for v in variables.global_variables()
                            if v.op.name in names]
            if initializers:
                session.run(initializers)
        else:
            if self._scaffold.init_op is not None:
                session.run(self._scaffold.init_op, feed_dict=self._scaffold.init_feed_dict)
            if self._scaffold.init_fn is not None:
                self._scaffold.init_fn(self._scaffold, session)
        if self._scaffold.local_init_op is not None:
            session.run(self._scaffold.local_init_op)
        return session


class WorkerSessionCreator(SessionCreator):
    """A session once the chief has made the model ready (initialized or restored it):
    a worker other than the chief never initializes the shared variables itself."""

    def __init__(self, scaffold=None, master="", config=None, max_wait_secs=30 * 60):
        self._scaffold = scaffold or Scaffold()
        self._master = master
        self._config = config
        self._max_wait_secs = max_wait_secs

    def create_session(self):
        from .session_manager import SessionManager

        self._scaffold.finalize()
        manager = SessionManager(local_init_op=self._scaffold.local_init_op,
                                 ready_op=self._scaffold.ready_op,
                                 ready_for_local_init_op=self._scaffold.ready_for_local_init_op,
                                 graph=get_default_graph())
        return manager.wait_for_session(self._master, config=self._config,
                                        max_wait_secs=self._max_wait_secs)


class MonitoredSession:
    """A session that runs hooks around each ``run`` and closes everything when done."""

    def __init__(self, session_creator=None, hooks=None, stop_grace_period_secs=120):
        self._hooks = list(hooks or [])
        for hook in self._hooks:
            hook.begin()
        creator = session_creator or ChiefSessionCreator()
        graph = get_default_graph()
        self._graph = graph
        self._graph_was_finalized = graph.finalized
        self._session = creator.create_session()
        self._coord = Coordinator()
        from .queue_runner_impl import start_queue_runners

        self._threads = start_queue_runners(self._session, coord=self._coord)
        self._grace = stop_grace_period_secs
        self._should_stop = False
        self._closed = False
        for hook in self._hooks:
            hook.after_create_session(self._session, self._coord)

    @property
    def graph(self):
        return self._graph

    def _tf_sess(self):
        return self._session

    raw_session = _tf_sess

    def should_stop(self):
        return self._should_stop or self._closed or self._coord.should_stop()

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """``Session.run`` with the hooks' fetches and feeds added, and their callbacks."""
        if self._closed:
            raise RuntimeError("Run called even after should_stop requested.")
        context = SessionRunContext(SessionRunArgs(fetches, feed_dict, options), self._session)
        hook_fetches = {}
        hook_options = []
        feeds = dict(feed_dict or {})
        for index, hook in enumerate(self._hooks):
            request = hook.before_run(context)
            if request is None:
                continue
            if request.options is not None:
                hook_options.append(request.options)
            if request.fetches is not None:
                hook_fetches[index] = request.fetches
            for key, value in (request.feed_dict or {}).items():
                if key in feeds:
                    raise RuntimeError(f"Same tensor is fed by a SessionRunHook and user. "
                                       f"Conflict(s): {key}")
                feeds[key] = value
        if hook_options:
            options = _merge_run_options(options, hook_options)
            if run_metadata is None:
                run_metadata = RunMetadata()
        try:
            results = self._session.run({"caller": fetches, "hooks": hook_fetches},
                                        feed_dict=feeds or None, options=options,
                                        run_metadata=run_metadata)
        except errors.OutOfRangeError:
            self._should_stop = True
            raise
        for index, hook in enumerate(self._hooks):
            value = results["hooks"].get(index)
            hook.after_run(context, SessionRunValues(value, options, run_metadata))
        if context.stop_requested:
            self._should_stop = True
        return results["caller"]

    def run_step_fn(self, step_fn):
        class _StepContext:
            def __init__(self, monitored):
                self.session = monitored._session
                self._monitored = monitored

            def run_with_hooks(self, *args, **kwargs):
                return self._monitored.run(*args, **kwargs)

            def request_stop(self):
                self._monitored._should_stop = True

        return step_fn(_StepContext(self))

    def close(self):
        if self._closed:
            return
        self._closed = True
        try:
            for hook in self._hooks:
                hook.end(self._session)
        finally:
            self._coord.request_stop()
            try:
                self._coord.join(self._threads, stop_grace_period_secs=self._grace,
                                 ignore_live_threads=True)
            finally:
                try:
                    self._session.close()
                finally:
                    self._unfinalize()

    def _unfinalize(self):
        if not self._graph_was_finalized:
            self._graph._unsafe_unfinalize()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type in (errors.OutOfRangeError, StopIteration):
            exc_type = None
        if exc_type is None:
            self.close()
        else:
            try:
                self._coord.request_stop()
                self._session.close()
            finally:
                self._closed = True
                self._unfinalize()
        return exc_type is None


class SingularMonitoredSession(MonitoredSession):
    """A MonitoredSession for a single process (the usual case here)."""

    def __init__(self, hooks=None, scaffold=None, master="", config=None,
                 checkpoint_dir=None, stop_grace_period_secs=120,
                 checkpoint_filename_with_path=None):
        creator = ChiefSessionCreator(scaffold, master, config, checkpoint_dir,
                                      checkpoint_filename_with_path)
        super().__init__(creator, hooks, stop_grace_period_secs)


def MonitoredTrainingSession(master="", is_chief=True, checkpoint_dir=None,  # noqa: N802
                             scaffold=None, hooks=None, chief_only_hooks=None,
                             save_checkpoint_secs=_USE_DEFAULT, save_summaries_steps=_USE_DEFAULT,
                             save_summaries_secs=_USE_DEFAULT, config=None,
                             stop_grace_period_secs=120, log_step_count_steps=100,
                             max_wait_secs=7200, save_checkpoint_steps=_USE_DEFAULT,
                             summary_dir=None):
    """A MonitoredSession with TF1's default hooks for a ``checkpoint_dir``.

    With a ``checkpoint_dir`` it restores the newest checkpoint there, saves one every
    ``save_checkpoint_secs`` (600 by default) or ``save_checkpoint_steps`` and at the end,
    and writes summaries every ``save_summaries_steps`` (100) when the graph has any.
    """
    scaffold = scaffold or Scaffold()
    if save_checkpoint_steps is _USE_DEFAULT and save_checkpoint_secs is _USE_DEFAULT:
        save_checkpoint_steps, save_checkpoint_secs = None, 600
    elif save_checkpoint_secs is _USE_DEFAULT:
        save_checkpoint_secs = None
    elif save_checkpoint_steps is _USE_DEFAULT:
        save_checkpoint_steps = None
    if save_summaries_steps is _USE_DEFAULT and save_summaries_secs is _USE_DEFAULT:
        save_summaries_steps, save_summaries_secs = 100, None
    elif save_summaries_secs is _USE_DEFAULT:
        save_summaries_secs = None
    elif save_summaries_steps is _USE_DEFAULT:
        save_summaries_steps = None
    all_hooks = list(hooks or [])
    if is_chief:
        all_hooks.extend(chief_only_hooks or [])
        summary_dir = summary_dir or checkpoint_dir
        global_step = get_default_graph().get_collection(GraphKeys.GLOBAL_STEP)
        if summary_dir and global_step:
            if log_step_count_steps and log_step_count_steps > 0:
                all_hooks.append(session_run_hook.StepCounterHook(
                    every_n_steps=log_step_count_steps, output_dir=summary_dir))
            if (save_summaries_steps or save_summaries_secs) and get_default_graph() \
                    .get_collection(GraphKeys.SUMMARIES):
                all_hooks.append(session_run_hook.SummarySaverHook(
                    scaffold=scaffold, save_steps=save_summaries_steps,
                    save_secs=save_summaries_secs, output_dir=summary_dir))
        if checkpoint_dir and global_step and (save_checkpoint_secs or save_checkpoint_steps):
            all_hooks.append(session_run_hook.CheckpointSaverHook(
                checkpoint_dir, save_steps=save_checkpoint_steps, save_secs=save_checkpoint_secs,
                scaffold=scaffold))
    if is_chief:
        creator = ChiefSessionCreator(scaffold, master, config, checkpoint_dir)
    else:
        creator = WorkerSessionCreator(scaffold, master, config, max_wait_secs)
    return MonitoredSession(creator, all_hooks, stop_grace_period_secs)


def _merge_run_options(options, hook_options):
    """The caller's ``RunOptions`` with the hooks' added, as TensorFlow 1.x merges them: the
    highest trace level, partition graphs if any asks, every tensor watch (tfdbg's hooks)."""
    merged = RunOptions()
    for source in (options, *hook_options):
        if source is None:
            continue
        level = getattr(source, "trace_level", 0) or 0
        merged.trace_level = max(merged.trace_level or 0, level)
        if getattr(source, "output_partition_graphs", False):
            merged.output_partition_graphs = True
        debug = vars(source).get("debug_options") if hasattr(source, "__dict__") else None
        if debug is not None:
            merged.debug_options.debug_tensor_watch_opts.extend(debug.debug_tensor_watch_opts)
            merged.debug_options.global_step = debug.global_step
    return merged
