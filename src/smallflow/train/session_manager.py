"""``tf.train.SessionManager``: sessions that are restored from a checkpoint, initialized,
or waited for until another process (the chief) has made the model ready.

Readiness is asked of ``ready_op`` (by default the caller passes
``tf.report_uninitialized_variables()``): an empty result, or none at all, means ready;
otherwise the names it returns are the variables still uninitialized. ``local_init_op`` runs
once the model is ready for it (``ready_for_local_init_op``, when given, says so).
"""

import time

import numpy as np

from .. import errors, logging
from ..graph import get_default_graph
from ..session import Session
from . import checkpoint_management

__all__ = ["SessionManager"]


def _ready(op, sess, what):
    """``(True, None)`` when ``op`` reports nothing uninitialized, else ``(False, message)``."""
    if op is None:
        return True, None
    try:
        value = sess.run(op)
    except errors.FailedPreconditionError as error:
        if "uninitialized" not in str(error):
            logging.warning("%s : error [%s]", what, error)
            raise
        return False, str(error)
    if value is None or np.asarray(value).dtype == np.int32 or np.asarray(value).size == 0:
        return True, None
    names = ", ".join(n.decode("utf-8") if isinstance(n, bytes) else str(n)
                      for n in np.ravel(value))
    return False, "Variables not initialized: " + names


class SessionManager:
    """Create sessions whose model is restored, initialized, or made ready elsewhere."""

    def __init__(self, local_init_op=None, ready_op=None, ready_for_local_init_op=None,
                 graph=None, recovery_wait_secs=30, local_init_run_options=None,
                 local_init_feed_dict=None):
        if ready_op is None and ready_for_local_init_op is not None:
            raise ValueError("If you pass a ready_for_local_init_op you must also pass a "
                             "ready_op")
        self._local_init_op = local_init_op
        self._ready_op = ready_op
        self._ready_for_local_init_op = ready_for_local_init_op
        self._graph = graph if graph is not None else get_default_graph()
        self._recovery_wait_secs = recovery_wait_secs
        self._local_init_run_options = local_init_run_options
        self._local_init_feed_dict = local_init_feed_dict
        self._target = None

    # -- checks --------------------------------------------------------------------------------
    def _model_ready(self, sess):
        return _ready(self._ready_op, sess, "Model not ready")

    def _model_ready_for_local_init(self, sess):
        return _ready(self._ready_for_local_init_op, sess, "Model not ready for local init")

    def _try_run_local_init_op(self, sess):
        if self._local_init_op is None:
            return True, None
        ready, message = self._model_ready_for_local_init(sess)
        if not ready:
            return False, message
        sess.run(self._local_init_op, feed_dict=self._local_init_feed_dict,
                 options=self._local_init_run_options)
        return True, None

    def _restore_checkpoint(self, master, saver, checkpoint_dir, checkpoint_filename_with_path,
                            wait_for_checkpoint, max_wait_secs, config):
        self._target = master
        sess = Session(master, graph=self._graph, config=config)
        if checkpoint_dir and checkpoint_filename_with_path:
            sess.close()
            raise ValueError("Can not provide both checkpoint_dir and "
                             "checkpoint_filename_with_path.")
        if not saver or not (checkpoint_dir or checkpoint_filename_with_path):
            return sess, False
        if checkpoint_filename_with_path:
            saver.restore(sess, checkpoint_filename_with_path)
            return sess, True
        waited = 0
        state = checkpoint_management.get_checkpoint_state(checkpoint_dir)
        while not state or not state.model_checkpoint_path:
            if not (wait_for_checkpoint and waited < max_wait_secs):
                return sess, False
            logging.info("Waiting for checkpoint to be available.")
            time.sleep(self._recovery_wait_secs)
            waited += self._recovery_wait_secs
            state = checkpoint_management.get_checkpoint_state(checkpoint_dir)
        saver.restore(sess, state.model_checkpoint_path)
        saver.recover_last_checkpoints(state.all_model_checkpoint_paths)
        return sess, True

    # -- sessions ------------------------------------------------------------------------------
    def prepare_session(self, master, init_op=None, saver=None, checkpoint_dir=None,
                        checkpoint_filename_with_path=None, wait_for_checkpoint=False,
                        max_wait_secs=7200, config=None, init_feed_dict=None, init_fn=None):
        """A session whose model is restored from the newest checkpoint (of
        ``checkpoint_dir``, or the file given) or else initialized with ``init_op`` /
        ``init_fn``; then ``local_init_op``. RuntimeError if the model is still not ready."""
        sess, restored = self._restore_checkpoint(
            master, saver, checkpoint_dir, checkpoint_filename_with_path,
            wait_for_checkpoint, max_wait_secs, config)
        if not restored:
            if init_op is None and not init_fn and self._local_init_op is None:
                sess.close()
                raise RuntimeError("Model is not initialized and no init_op or init_fn or "
                                   "local_init_op was given")
            if init_op is not None:
                sess.run(init_op, feed_dict=init_feed_dict)
            if init_fn:
                init_fn(sess)
        ready, message = self._try_run_local_init_op(sess)
        if not ready:
            sess.close()
            raise RuntimeError(f"Init operations did not make model ready for local_init.  "
                               f"Init op: {_name(init_op)}, init fn: {init_fn}, error: "
                               f"{message}")
        ready, message = self._model_ready(sess)
        if not ready:
            sess.close()
            raise RuntimeError(f"Init operations did not make model ready.  Init op: "
                               f"{_name(init_op)}, init fn: {init_fn}, local_init_op: "
                               f"{_name(self._local_init_op)}, error: {message}")
        return sess

    def recover_session(self, master, saver=None, checkpoint_dir=None,
                        checkpoint_filename_with_path=None, wait_for_checkpoint=False,
                        max_wait_secs=7200, config=None):
        """``(session, initialized)``: the session, and whether a checkpoint made its model
        ready (False: the caller must initialize it)."""
        sess, restored = self._restore_checkpoint(
            master, saver, checkpoint_dir, checkpoint_filename_with_path,
            wait_for_checkpoint, max_wait_secs, config)
        local_ready, message = self._try_run_local_init_op(sess)
        if not restored:
            return sess, False
        where = checkpoint_dir or checkpoint_filename_with_path
        if not local_ready:
            logging.info("Restoring model from %s did not make model ready for local init: "
                         "%s", where, message)
            return sess, False
        ready, message = self._model_ready(sess)
        if not ready:
            logging.info("Restoring model from %s did not make model ready: %s", where,
                         message)
            return sess, False
        logging.info("Restored model from %s", where)
        return sess, ready

    def wait_for_session(self, master, config=None, max_wait_secs=float("Inf")):
        """A session once the model is ready (another process initializes or restores it),
        polling every ``recovery_wait_secs``; DeadlineExceededError after ``max_wait_secs``."""
        self._target = master
        if max_wait_secs is None:
            max_wait_secs = float("Inf")
        start = time.time()
        while True:
            sess = Session(master, graph=self._graph, config=config)
            ready, message = self._model_ready_for_local_init(sess)
            if ready:
                ready, message = self._try_run_local_init_op(sess)
                if ready:
                    ready, message = self._model_ready(sess)
                    if ready:
                        return sess
            sess.close()
            remaining = max_wait_secs - (time.time() - start)
            if remaining < self._recovery_wait_secs:
                raise errors.DeadlineExceededError(
                    None, None, f"Session was not ready after waiting {max_wait_secs} secs.")
            logging.info("Waiting for model to be ready.  Ready_for_local_init_op:  %s, "
                         "ready: %s", None, message)
            time.sleep(self._recovery_wait_secs)


def _name(op):
    return None if op is None else getattr(op, "name", op)
