"""``tf.train.Saver``: save a session's variables to checkpoints and restore them.

Like TensorFlow's Saver, it builds its graph ops once, in its constructor: values are read
with ``sess.run`` and written back by assign ops fed through placeholders, so a Saver uses
nothing of a session but its public ``run``. The file format is in ``checkpoint_utils``.
"""

import contextlib
import numbers
import os
import time

import numpy as np

from .. import errors, variables
from ..graph import Tensor, executing_eagerly, name_scope
from ..ops import array_ops, constant_op, control_flow_ops, state_ops
from ..session import BaseSession
from . import checkpoint_management, checkpoint_utils
from .training_util import global_step as _global_step_value


def _variable_op(value):
    """The ``VariableV2`` op behind a Variable, its tensor, or the op itself."""
    op = value
    if hasattr(value, "_ref"):
        op = value._ref().op
    elif isinstance(value, Tensor):
        op = value.op
    if getattr(op, "type", None) != "VariableV2":
        raise TypeError(f"Can only save and restore variables, got {value!r}")
    return op


def _entries(var_list):
    """``[(checkpoint key, variable op), ...]`` sorted by key, from a list or a dict."""
    if isinstance(var_list, dict):
        pairs = []
        for key, value in var_list.items():
            if not isinstance(key, str) or not key:
                raise TypeError(f"Checkpoint keys must be non-empty strings, got {key!r}")
            pairs.append((key, _variable_op(value)))
    elif isinstance(var_list, list | tuple | set):
        pairs = [(op.name, op) for op in (_variable_op(v) for v in var_list)]
    else:
        raise TypeError(f"Variables to save should be passed in a dict or a list: {var_list}")
    seen = {}
    for key, op in pairs:
        if key == checkpoint_utils.METADATA_KEY:
            raise ValueError(f"{key!r} is reserved for the checkpoint's metadata")
        if key in seen and seen[key] is not op:
            raise ValueError(f"At least two variables have the same name: {key}")
        seen[key] = op
    return sorted(seen.items())


class Saver:
    """Saves and restores variables (all global variables by default).

    ``save(sess, path)`` writes TensorFlow's V2 checkpoint (``path.index`` and
    ``path.data-00000-of-00001``, which TensorFlow reads) and the graph file ``path.meta``,
    and updates the directory's ``checkpoint`` index; the newest ``max_to_keep`` checkpoints
    are kept (all if it is 0 or None). ``restore`` reads checkpoints written by TensorFlow
    or smallflow, in either of smallflow's formats.

    ``write_version``: ``SaverDef.V2`` (2, the default) as in TensorFlow; ``SaverDef.V1``
    (TensorFlow's deprecated single-file format) is not written: V2 is, with a warning.
    **Ours:** ``"npz"`` writes smallflow's earlier format (``path.npz`` + ``path.json``),
    the only one that stores ``save(metadata=...)``.

    Of TensorFlow's other arguments, ``keep_checkpoint_every_n_hours``, ``allow_empty`` and
    ``pad_step_number`` work as there; the rest concern TensorFlow's graph serialization and
    sharded saves and are accepted and ignored. Paths in the index are always written
    relative to its directory when the checkpoint lies inside it.
    """

    def __init__(
        self,
        var_list=None,
        reshape=False,
        sharded=False,
        max_to_keep=5,
        keep_checkpoint_every_n_hours=10000.0,
        name=None,
        restore_sequentially=False,
        saver_def=None,
        builder=None,
        defer_build=False,
        allow_empty=False,
        write_version=None,
        pad_step_number=False,
        save_relative_paths=False,
        filename=None,
    ):
        self._write_version = _write_version(write_version)
        self._eager = executing_eagerly()
        if var_list is None and self._eager:
            raise RuntimeError("When eager execution is enabled, `var_list` must specify a "
                               "`list` or `dict` of variables to save")
        # TensorFlow keeps the variables saved here; tutorials list them from this attribute.
        self._var_list = var_list
        self._max_to_keep = max_to_keep
        self._pad_step_number = pad_step_number
        self._keep_every_seconds = keep_checkpoint_every_n_hours * 3600
        self._next_checkpoint_time = time.time() + self._keep_every_seconds
        self._last_checkpoints = []
        self._to_delete = []
        self._graph = None
        self._restore_op = None
        self._feeds = []
        self._reads = []
        self._name = name
        self._allow_empty = allow_empty
        self._built = False
        self._entries = []
        # defer_build=True: the variables (every global one when var_list is None) are
        # collected and the restore ops built by build(), as in TensorFlow.
        if not defer_build:
            self.build()

    def build(self):
        """Collect the variables and build the restore ops (TensorFlow's ``Saver.build``;
        the constructor calls it unless ``defer_build=True``). Building twice does nothing."""
        if self._built:
            return
        self._built = True
        var_list = self._var_list
        if var_list is None:
            var_list = self._var_list = variables.global_variables()
        self._entries = _entries(var_list)
        allow_empty, name = self._allow_empty, self._name
        if not self._entries:
            if not allow_empty:
                raise ValueError("No variables to save")
            return
        if self._eager:
            # Eager variables are read and assigned directly: no graph, no session (restore's
            # values are collected under their entries' positions instead of placeholders).
            self._reads = [op.outputs[0] for _, op in self._entries]
            self._feeds = list(range(len(self._entries)))
            return
        self._graph = self._entries[0][1].graph
        with self._graph.as_default(), name_scope(name or "save"):
            assigns = []
            for _, op in self._entries:
                value = array_ops.placeholder(
                    op.outputs[0].dtype, op.attrs["shape"], name="restore_value"
                )
                self._feeds.append(value)
                assigns.append(state_ops.assign_op(op, value, name="Assign"))
            self._restore_op = control_flow_ops.group(*assigns, name="restore_all")
        self._reads = [op.outputs[0] for _, op in self._entries]

    # -- bookkeeping ---------------------------------------------------------------------------
    @property
    def last_checkpoints(self):
        """The prefixes of the checkpoints kept, oldest first."""
        return [path for path, _ in self._last_checkpoints]

    def set_last_checkpoints(self, last_checkpoints):
        """Replace the list of kept checkpoint prefixes (deprecated in TensorFlow 1.x in favour
        of ``set_last_checkpoints_with_time``; their times count as now)."""
        if not isinstance(last_checkpoints, list):
            raise TypeError("last_checkpoints must be a list.")
        now = time.time()
        self._last_checkpoints = [(path, now) for path in last_checkpoints]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time):
        self._last_checkpoints = list(last_checkpoints_with_time)

    def recover_last_checkpoints(self, checkpoint_paths):
        """Adopt existing checkpoints (e.g. of an earlier run) so ``max_to_keep`` counts them."""
        found = []
        for path in checkpoint_paths:
            mtimes = checkpoint_management.get_checkpoint_mtimes([path])
            if mtimes:
                found.append((os.fspath(path), mtimes[0]))
        self._last_checkpoints = sorted(found, key=lambda item: item[1])

    def _record(self, prefix):
        if not self._max_to_keep:
            return
        self._last_checkpoints = [(p, t) for p, t in self._last_checkpoints if p != prefix]
        self._last_checkpoints.append((prefix, time.time()))
        if len(self._last_checkpoints) > self._max_to_keep:
            self._to_delete.append(self._last_checkpoints.pop(0))

    def _delete_old(self):
        while self._to_delete:
            prefix, saved_at = self._to_delete.pop(0)
            if saved_at > self._next_checkpoint_time:
                self._next_checkpoint_time += self._keep_every_seconds
                continue
            checkpoint_management.remove_checkpoint(prefix)
            with contextlib.suppress(FileNotFoundError):
                os.remove(f"{prefix}.meta")

    def _check_session(self, sess, verb):
        if not self._built:
            raise RuntimeError(f"`build()` should be called before {verb} if "
                               "defer_build==True")
        if self._eager:
            return  # TF 1.x's eager Saver takes sess=None
        if not isinstance(sess, BaseSession):
            raise TypeError(f"'sess' must be a Session; {sess}")
        if self._graph is not None and sess.graph is not self._graph:
            raise ValueError("The session's graph is not the graph of the Saver's variables.")

    # -- saving --------------------------------------------------------------------------------
    def save(
        self,
        sess,
        save_path,
        global_step=None,
        latest_filename=None,
        meta_graph_suffix="meta",
        write_meta_graph=True,
        write_state=True,
        strip_default_attrs=False,
        save_debug_info=False,
        metadata=None,
    ):
        """Save the variables' current values; return the checkpoint's path prefix.

        With ``global_step`` (an int, or a variable/tensor read in ``sess``) the prefix is
        ``save_path-<step>``. ``metadata`` (**ours**) is a JSON-able dict stored with the
        values by a ``Saver(write_version="npz")``, read back by ``read_checkpoint_metadata``.
        TensorFlow's ``.meta`` graph file
        (``prefix.meta``) is written too when ``write_meta_graph`` is true and the
        ``tensorboard`` extra is installed.
        """
        self._check_session(sess, "save")
        if metadata is not None and self._write_version != checkpoint_utils.NPZ:
            raise ValueError(
                "Checkpoint metadata is stored only in smallflow's npz checkpoints: make the "
                "Saver with write_version=\"npz\" (TensorFlow's format has no place for it)"
            )
        save_path = os.fspath(save_path)
        if global_step is not None and not isinstance(global_step, numbers.Integral):
            global_step = (int(global_step.numpy()) if self._eager
                           else _global_step_value(sess, global_step))
        if global_step is None:
            prefix = save_path
        elif self._pad_step_number:
            prefix = f"{save_path}-{int(global_step):08d}"
        else:
            prefix = f"{save_path}-{int(global_step)}"
        parent = os.path.dirname(save_path)
        if parent and not os.path.isdir(parent):
            # TF's checkpoint writer creates the prefix's directory, one level only (a
            # missing grandparent fails, and TF reports the missing parent).
            try:
                os.mkdir(parent)
            except FileExistsError:
                pass
            except OSError:
                raise ValueError(
                    f"Parent directory of {save_path} doesn't exist, can't save.") from None
        # A prefix naming a directory is allowed, as in TensorFlow: "dir/" writes
        # dir/.index and dir/.data-* (sequence_tagging saves to "model.weights/"), and
        # "dir" writes dir.index beside the directory.
        if self._eager:
            values = [np.array(t.numpy()) for t in self._reads]
            write_meta_graph = False  # as TensorFlow: no graph to write when eager
        else:
            values = sess.run(self._reads) if self._reads else []
        # A bytes value stays whole (np.asarray would give a fixed-width 'S' array, whose
        # elements lose their trailing NUL bytes when read back).
        arrays = {key: np.array(v, dtype=object) if isinstance(v, bytes) else np.asarray(v)
                  for (key, _), v in zip(self._entries, values)}
        if self._write_version == checkpoint_utils.NPZ:
            record = checkpoint_utils.metadata_record(arrays, global_step, metadata)
            checkpoint_utils.write_checkpoint(prefix, arrays, record)
        else:
            checkpoint_utils.write_bundle_checkpoint(prefix, arrays)
        if write_state:
            self._record(prefix)
            checkpoint_management.update_checkpoint_state(
                parent, prefix, self.last_checkpoints, latest_filename
            )
            self._delete_old()
        if write_meta_graph:
            _write_meta_graph(self, sess, f"{prefix}.{meta_graph_suffix}")
        return prefix

    # -- graph files ---------------------------------------------------------------------------
    def as_saver_def(self):
        """This Saver's ``SaverDef`` protocol buffer (needs the ``tensorboard`` extra)."""
        from .. import meta_graph

        return meta_graph.saver_def_of(self)

    def export_meta_graph(self, filename=None, collection_list=None, as_text=False,
                          export_scope=None, clear_devices=False,
                          clear_extraneous_savers=False, strip_default_attrs=False,
                          save_debug_info=False):
        """Write this graph, its collections and this Saver to a ``.meta`` file."""
        from .. import meta_graph

        return meta_graph.export_meta_graph(
            filename=filename, saver_def=self.as_saver_def(), collection_list=collection_list,
            as_text=as_text, graph=self._graph, export_scope=export_scope,
            clear_devices=clear_devices)

    # -- restoring -----------------------------------------------------------------------------
    def restore(self, sess, save_path):
        """Set the variables to the values in checkpoint ``save_path`` (a prefix).

        Every variable is checked (present, same shape, same dtype) before any is set.
        """
        self._check_session(sess, "restore")
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        reader = checkpoint_utils.CheckpointReader(save_path)
        feed = {}
        for (key, op), placeholder in zip(self._entries, self._feeds):
            if not reader.has_tensor(key):
                raise errors.NotFoundError(
                    None,
                    None,
                    f"Key {key} not found in checkpoint {reader.path}. Restoring from "
                    "checkpoint failed: the graph has a variable that the checkpoint lacks; "
                    "was it saved from another model?",
                )
            value = reader.get_tensor(key)
            expected = op.attrs["shape"]
            if not expected.is_compatible_with(value.shape):
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    f"Restoring from checkpoint {reader.path} failed: variable {op.name} "
                    f"(key {key}) has shape {expected.bracket_str()} in the graph but "
                    f"[{','.join(map(str, value.shape))}] in the checkpoint. Assign "
                    "requires shapes of both tensors to match.",
                )
            want = np.dtype(op.outputs[0].dtype.as_numpy_dtype)
            if value.dtype != want:
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    f"Restoring from checkpoint {reader.path} failed: variable {op.name} "
                    f"(key {key}) is {want.name} in the graph but {value.dtype.name} in the "
                    "checkpoint.",
                )
            feed[placeholder] = value
        if self._eager:
            for (_, op), value in zip(self._entries, feed.values()):
                state_ops.assign_op(op, constant_op.constant(value), name="Assign")
            return
        if self._restore_op is not None:
            sess.run(self._restore_op, feed_dict=feed)


_V1, _V2 = 1, 2  # SaverDef.CheckpointFormatVersion (LEGACY = 0 is V1 too)


def _write_version(write_version):
    """The format a Saver writes: ``checkpoint_utils.NPZ`` or ``_V2``."""
    if write_version is None or write_version == _V2:
        return _V2
    if write_version == checkpoint_utils.NPZ:
        return checkpoint_utils.NPZ
    if write_version in (0, _V1):
        from .. import logging

        logging.warning(
            "TensorFlow's V1 checkpoint format is deprecated and smallflow does not write "
            "it: this Saver writes the V2 format (TensorFlow's default since 1.2), which "
            "TensorFlow 1.x reads the same way."
        )
        return _V2
    raise ValueError(
        f"write_version must be SaverDef.V1, SaverDef.V2 or \"npz\", got {write_version!r}"
    )


def _write_meta_graph(saver, sess, path):
    from .. import meta_graph, tb_protos

    if tb_protos.available():
        meta_graph.export_meta_graph(path, saver_def=saver.as_saver_def(), graph=sess.graph)
