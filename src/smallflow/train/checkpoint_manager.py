"""``tf.train.CheckpointManager``: numbered saves of a ``tf.train.Checkpoint`` in one
directory, keeping the newest ``max_to_keep`` and deleting the older ones.

Each ``save()`` writes ``<directory>/<checkpoint_name>-<n>`` (n from ``checkpoint_number``,
an int or an integer variable/tensor such as the global step, else the checkpoint's
``save_counter``), records it with the time it was saved in the directory's ``checkpoint``
index, then deletes the oldest managed checkpoints beyond ``max_to_keep`` (None keeps all).
With ``keep_checkpoint_every_n_hours``, a checkpoint at least that long after the last one
so kept is left on disk instead of deleted, and no longer listed. A new manager on the same
directory takes up the list (and the times) the index records, so a restarted program keeps
deleting the right files. In graph mode the counter and a tensor ``checkpoint_number`` are
evaluated in the default session, as TensorFlow 1.x does.
"""

import collections
import os
import time

from ..graph import executing_eagerly, get_default_session
from . import checkpoint_management

__all__ = ["CheckpointManager"]


class CheckpointManager:
    """Saves a ``tf.train.Checkpoint`` as numbered files and deletes old ones."""

    def __init__(self, checkpoint, directory, max_to_keep, keep_checkpoint_every_n_hours=None,
                 checkpoint_name="ckpt"):
        if max_to_keep is not None and max_to_keep <= 0:
            raise ValueError(f"Expected a positive integer or `None` for `max_to_keep`, got "
                             f"{max_to_keep}.")
        if directory is None:
            raise ValueError("CheckpointManager needs a directory, got None")
        self._checkpoint = checkpoint
        self._max_to_keep = max_to_keep
        self._keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self._directory = os.path.expanduser(os.fspath(directory))
        self._prefix = os.path.join(self._directory, checkpoint_name)
        state = checkpoint_management.get_checkpoint_state(self._directory)
        now = time.time()
        self._maybe_delete = collections.OrderedDict()
        if state is None:
            self._latest_checkpoint = None
            # A second earlier than now, so that a manager re-made at once still keeps the
            # first checkpoint it saves under keep_checkpoint_every_n_hours.
            self._last_preserved_timestamp = now - 1.0
            return
        self._latest_checkpoint = state.model_checkpoint_path
        # A clock that went backwards must not make old checkpoints look new.
        self._last_preserved_timestamp = min(state.last_preserved_timestamp, now)
        stamps = state.all_model_checkpoint_timestamps
        if not stamps:
            stamps = [self._last_preserved_timestamp] * len(state.all_model_checkpoint_paths)
        for path, stamp in zip(state.all_model_checkpoint_paths, stamps, strict=False):
            stamp = min(stamp, now)
            if stamp > self._last_preserved_timestamp:
                self._maybe_delete[path] = stamp

    @property
    def directory(self):
        return self._directory

    @property
    def latest_checkpoint(self):
        """The prefix of the newest checkpoint (this manager's or found in the index)."""
        return self._latest_checkpoint

    @property
    def checkpoints(self):
        """The managed checkpoints still on disk, oldest first."""
        return list(self._maybe_delete)

    def _number(self, checkpoint_number, session):
        if isinstance(checkpoint_number, int) and not isinstance(checkpoint_number, bool):
            return checkpoint_number
        if hasattr(checkpoint_number, "numpy") and executing_eagerly():
            return int(checkpoint_number.numpy())
        if hasattr(checkpoint_number, "dtype"):
            if session is None:
                raise ValueError("CheckpointManager.save(checkpoint_number=<tensor>) needs a "
                                 "default session in graph mode (`with sess.as_default():`)")
            return int(session.run(checkpoint_number))
        return int(checkpoint_number)

    def save(self, checkpoint_number=None):
        """Write a new numbered checkpoint, record it, delete the excess; return its prefix."""
        session = None if executing_eagerly() else get_default_session()
        counted = self._checkpoint._count(session)  # every save counts, numbered or not
        number = counted
        if checkpoint_number is not None:
            number = self._number(checkpoint_number, session)
        path = self._checkpoint.write(f"{self._prefix}-{number}", session)
        stamp = time.time()
        # A checkpoint written again (the same number) moves to the end of the queue.
        self._maybe_delete.pop(path, None)
        self._maybe_delete[path] = stamp
        self._latest_checkpoint = path
        # Recorded before deleting, so that a crash while deleting still finds the new one.
        self._record()
        self._sweep()
        self._record()
        return path

    def _record(self):
        checkpoint_management.update_checkpoint_state(
            self._directory, self._latest_checkpoint, list(self._maybe_delete),
            all_model_checkpoint_timestamps=list(self._maybe_delete.values()),
            last_preserved_timestamp=self._last_preserved_timestamp)

    def _sweep(self):
        if not self._max_to_keep:
            return
        while len(self._maybe_delete) > self._max_to_keep:
            path, stamp = self._maybe_delete.popitem(last=False)
            hours = self._keep_checkpoint_every_n_hours
            if hours and stamp - hours * 3600.0 >= self._last_preserved_timestamp:
                self._last_preserved_timestamp = stamp
                continue
            checkpoint_management.remove_checkpoint(path)
