"""Checkpoints of eager variables: ``tfe.Saver`` (by variable name) and
``tf.train.Checkpoint`` / ``tfe.Checkpoint`` (by the attribute path from the objects given).

Both write TensorFlow's checkpoint format (``prefix.index`` + ``prefix.data-00000-of-00001``)
and the directory's ``checkpoint`` index, through the same writers as ``tf.train.Saver``.
A ``Checkpoint``'s keys follow TensorFlow's object-based layout:
``<attribute>/<attribute>/.ATTRIBUTES/VARIABLE_VALUE``, with ``save_counter`` counting saves.
"""

import os

import numpy as np

from .. import errors
from ..graph import executing_eagerly, get_default_session, init_scope
from ..ops.constant_op import placeholder
from ..train import checkpoint_management, checkpoint_utils
from ..variables import Variable, is_variable_initialized

_VALUE = ".ATTRIBUTES/VARIABLE_VALUE"


def _numpy(variable):
    return np.asarray(variable.numpy())


def _write(prefix, arrays):
    parent = os.path.dirname(prefix)
    if parent and not os.path.isdir(parent):
        os.makedirs(parent, exist_ok=True)
    checkpoint_utils.write_bundle_checkpoint(prefix, arrays)
    return prefix


def _restore_into(variables_by_key, save_path, strict=True):
    if save_path is None:
        raise ValueError("Can't load save_path when it is None.")
    reader = checkpoint_utils.CheckpointReader(save_path)
    found = []
    for key, variable in variables_by_key.items():
        if not reader.has_tensor(key):
            if strict:
                raise errors.NotFoundError(None, None, f"Key {key} not found in checkpoint "
                                                       f"{reader.path}")
            continue
        value = reader.get_tensor(key)
        if not variable.shape.is_compatible_with(value.shape):
            raise errors.InvalidArgumentError(
                None, None, f"Restoring {key} from {reader.path} failed: the variable has "
                f"shape {variable.shape} but the checkpoint holds {list(value.shape)}")
        variable.assign(value.astype(variable.dtype.as_numpy_dtype))
        found.append(key)
    return found


class Saver:
    """Saves and restores a list (or dict) of eager variables (``tf.contrib.eager.Saver``)."""

    def __init__(self, var_list):
        if isinstance(var_list, dict):
            self._vars = dict(var_list)
        else:
            self._vars = {}
            for variable in var_list:
                key = variable.name.split(":")[0]
                if key in self._vars and self._vars[key] is not variable:
                    raise ValueError(f"At least two variables have the same name: {key}")
                self._vars[key] = variable

    def save(self, file_prefix, global_step=None):
        """Write the variables' values; return the checkpoint's prefix."""
        if global_step is not None:
            step = int(global_step.numpy() if hasattr(global_step, "numpy") else global_step)
            file_prefix = f"{file_prefix}-{step}"
        prefix = _write(os.fspath(file_prefix), {k: _numpy(v) for k, v in self._vars.items()})
        parent = os.path.dirname(prefix)
        checkpoint_management.update_checkpoint_state(parent, prefix, [prefix])
        return prefix

    def restore(self, file_prefix):
        """Set every variable from checkpoint ``file_prefix``."""
        _restore_into(self._vars, os.fspath(file_prefix))


def _tracked(obj, path, out, seen):
    """Variables reachable from ``obj`` through attributes, lists and dicts, by path."""
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, Variable):
        out.setdefault(f"{path}/{_VALUE}" if path else _VALUE, obj)
        return
    if isinstance(obj, list | tuple):
        for index, item in enumerate(obj):
            _tracked(item, f"{path}/{index}", out, seen)
        return
    if isinstance(obj, dict):
        for key, item in obj.items():
            _tracked(item, f"{path}/{key}", out, seen)
        return
    attributes = getattr(obj, "__dict__", None)
    if not attributes or isinstance(obj, type):
        return
    for name, item in attributes.items():
        if name.startswith("_") and not isinstance(item, Variable):
            continue
        if isinstance(item, Variable | list | tuple | dict) or hasattr(item, "__dict__"):
            _tracked(item, f"{path}/{name.lstrip('_')}" if path else name.lstrip("_"), out,
                     seen)


class _Status:
    """What ``Checkpoint.restore`` returns when executing eagerly: the values are assigned
    already; the methods check what was matched."""

    def __init__(self, expected, found):
        self._missing = sorted(set(expected) - set(found))

    def assert_consumed(self):
        if self._missing:
            raise AssertionError(f"Unresolved object in checkpoint: {self._missing}")
        return self

    def assert_existing_objects_matched(self):
        return self.assert_consumed()

    def assert_nontrivial_match(self):
        return self

    def expect_partial(self):
        return self

    def run_restore_ops(self, session=None):
        """Nothing to run: eager restores assign at once."""

    def initialize_or_restore(self, session=None):
        """Nothing to run: eager restores assign at once."""


def _graph_session(session, what):
    session = session if session is not None else get_default_session()
    if session is None:
        raise ValueError(f"{what} needs a session in graph mode: pass session=sess or call it "
                         "inside `with sess.as_default():` (or `with tf.Session() as sess:`)")
    return session


class _GraphStatus(_Status):
    """What ``Checkpoint.restore`` returns in graph mode: nothing is assigned until
    ``run_restore_ops`` or ``initialize_or_restore`` runs in a session."""

    def __init__(self, checkpoint, keys, reader):
        self._checkpoint = checkpoint
        self._keys = keys
        self._reader = reader
        found = [key for key in keys if reader is not None and reader.has_tensor(key)]
        super().__init__(keys if reader is not None else [], found)
        self._found = found

    def run_restore_ops(self, session=None):
        """Assign every tracked variable the checkpoint holds."""
        if self._reader is None:
            return
        session = _graph_session(session, "run_restore_ops")
        values = {key: self._reader.get_tensor(key) for key in self._found}
        self._checkpoint._assign(session, {self._keys[k]: v for k, v in values.items()},
                                 self._reader.path)

    def initialize_or_restore(self, session=None):
        """Restore what the checkpoint holds and run the initializers of the rest."""
        session = _graph_session(session, "initialize_or_restore")
        self.run_restore_ops(session)
        rest = [v for k, v in self._keys.items() if k not in self._found]
        if rest:
            session.run([v.initializer for v in rest])


class Checkpoint:
    """Object-based checkpoints of the variables reachable from the given objects, made
    eagerly or, in graph mode, read and assigned through a session."""

    def __init__(self, **kwargs):
        for name, value in kwargs.items():
            if value is None:
                raise ValueError(f"Checkpoint was passed {name}=None; objects to track must "
                                 "not be None")
        self._objects = dict(kwargs)
        self._save_counter = None
        self._increment = None
        self._loaders = {}
        for name, value in kwargs.items():
            setattr(self, name, value)

    @property
    def save_counter(self):
        """The number of saves made (an int64 variable, made on first use)."""
        if self._save_counter is None:
            from .. import dtypes

            with init_scope():
                self._save_counter = Variable(0, dtype=dtypes.int64, trainable=False,
                                              name="save_counter", collections=[])
        return self._save_counter

    def _keys(self):
        out = {}
        seen = set()
        for name, value in self._objects.items():
            _tracked(value, name, out, seen)
        if self._save_counter is not None:
            out[f"save_counter/{_VALUE}"] = self._save_counter
        return out

    def _count(self, session=None):
        counter = self.save_counter
        if executing_eagerly():
            counter.assign_add(1)
            return int(counter.numpy())
        session = _graph_session(session, "Checkpoint.save")
        if not session.run(is_variable_initialized(counter)):
            session.run(counter.initializer)
        if self._increment is None or self._increment.graph is not session.graph:
            with init_scope():
                self._increment = counter.assign_add(1)
        return int(session.run(self._increment))

    def _values(self, session):
        keys = self._keys()
        if executing_eagerly():
            return {k: _numpy(v) for k, v in keys.items()}
        session = _graph_session(session, "Checkpoint.write")
        return {k: np.asarray(v) for k, v in session.run(keys).items()}

    def _assign(self, session, values, path):
        """Assign ``{variable: array}`` in ``session``, through one cached op per variable."""
        fetches = []
        feeds = {}
        for variable, value in values.items():
            if not variable.shape.is_compatible_with(value.shape):
                raise errors.InvalidArgumentError(
                    None, None, f"Restoring {variable.op.name} from {path} failed: the "
                    f"variable has shape {variable.shape} but the checkpoint holds "
                    f"{list(value.shape)}")
            loader = self._loaders.get(id(variable))
            if loader is None:
                with init_scope():
                    fed = placeholder(variable.dtype.base_dtype, variable.shape)
                    loader = self._loaders[id(variable)] = (fed, variable.assign(fed).op)
            fetches.append(loader[1])
            feeds[loader[0]] = value.astype(variable.dtype.base_dtype.as_numpy_dtype)
        if fetches:
            session.run(fetches, feed_dict=feeds)

    def write(self, file_prefix, session=None):
        """Write the tracked variables to ``file_prefix`` (no counter, no index update)."""
        return _write(os.fspath(file_prefix), self._values(session))

    def save(self, file_prefix, session=None):
        """Write ``file_prefix-<n>`` (n counts saves) and update the ``checkpoint`` index."""
        number = self._count(session)
        prefix = self.write(f"{os.fspath(file_prefix)}-{number}", session)
        checkpoint_management.update_checkpoint_state(os.path.dirname(prefix), prefix)
        return prefix

    def restore(self, save_path):
        """Eagerly: assign every tracked variable found in ``save_path`` (None: nothing).
        In graph mode: a status whose ``run_restore_ops(sess)`` assigns them."""
        reader = None
        if save_path is not None:
            reader = checkpoint_utils.CheckpointReader(os.fspath(save_path))
            if reader.has_tensor(f"save_counter/{_VALUE}"):
                self.save_counter  # noqa: B018 - made now, so that it is restored too
        if not executing_eagerly():
            return _GraphStatus(self, self._keys(), reader)
        if reader is None:
            return _Status([], [])
        keys = self._keys()
        found = _restore_into(keys, os.fspath(save_path), strict=False)
        return _Status(keys, found)
