"""``tf.train.init_from_checkpoint``: start variables from a checkpoint instead of their
initializers (warm starts, fine-tuning a pretrained model under another scope).

As in TensorFlow, nothing is read when it is called: each chosen variable's initializer is
replaced by an assignment from a ``RestoreV2`` op that reads the tensor when the
initializer runs (``global_variables_initializer``). Checkpoints in smallflow's earlier npz
format have no such op; their values are read at once and assigned from a constant.
"""

import os

import numpy as np

from .. import variable_scope
from ..graph import control_dependencies
from ..ops import constant_op, state_ops
from ..ops.common import make_op
from ..variables import Variable
from . import checkpoint_utils


def _is_variable(value):
    return isinstance(value, Variable)


def init_from_checkpoint(ckpt_dir_or_file, assignment_map):
    """Initialize variables from checkpoint tensors, as ``assignment_map`` says.

    ``assignment_map`` maps checkpoint names to current ones:

    - ``"ckpt_scope/": "scope/"``: every ``get_variable`` variable under ``scope/`` from the
      tensor of the same name under ``ckpt_scope/`` (``"/"`` is the checkpoint's root);
    - ``"ckpt_scope/name": "scope/other_name"``: one ``get_variable`` variable by name;
    - ``"name": variable``: a given ``tf.Variable`` (or a one-element list of it).

    Raises ValueError for a tensor the checkpoint lacks, a name that is neither a variable
    nor a scope, or shapes that differ.
    """
    reader = checkpoint_utils.load_checkpoint(ckpt_dir_or_file)
    shapes = reader.get_variable_to_shape_map()
    store = variable_scope._store().variables
    for ckpt_name, current in sorted(assignment_map.items(), key=lambda item: item[0]):
        variable = _variable_of(current, store)
        if variable is not None:
            if ckpt_name not in shapes:
                raise ValueError(
                    f"Tensor {ckpt_name} is not found in {ckpt_dir_or_file} checkpoint "
                    f"{shapes}"
                )
            _set_initializer(variable, reader, ckpt_name, shapes[ckpt_name])
            continue
        if not isinstance(current, str):
            raise ValueError(f"Assignment map value {current!r} is neither a variable nor a "
                             "name")
        scope = current[: current.rindex("/")] if "/" in current else ""
        if not ckpt_name.endswith("/"):
            raise ValueError(
                f"Assignment map with scope only name {scope} should map to scope only "
                f"{ckpt_name}. Should be 'scope/': 'other_scope/'."
            )
        for name in sorted(n for n in store if not scope or n.startswith(scope + "/")):
            tensor_name = name[len(scope):]
            if current != "/":
                tensor_name = tensor_name[1:]
            if ckpt_name != "/":
                tensor_name = ckpt_name + tensor_name
            tensor_name = tensor_name.rstrip("/")
            if tensor_name not in shapes:
                raise ValueError(
                    f"Tensor {tensor_name} ({name[len(scope) + 1:]} in {ckpt_name}) is not "
                    f"found in {ckpt_dir_or_file} checkpoint"
                )
            _set_initializer(store[name], reader, tensor_name, shapes[tensor_name])


def _variable_of(current, store):
    if _is_variable(current):
        return current
    if isinstance(current, list | tuple) and current and all(map(_is_variable, current)):
        if len(current) != 1:
            raise ValueError(
                f"Initializing a partitioned variable ({len(current)} parts) from a checkpoint "
                "is not supported: smallflow makes no partitioned variables"
            )
        return current[0]
    if isinstance(current, str):
        return store.get(current)
    return None


def _set_initializer(variable, reader, tensor_name, stored_shape):
    if not variable.shape.is_compatible_with(stored_shape):
        raise ValueError(
            f"Shape of variable {variable.name} ({variable.shape}) doesn't match with shape "
            f"of tensor {tensor_name} ({stored_shape}) from checkpoint reader."
        )
    dtype = variable.dtype.base_dtype
    stored_dtype = reader.get_variable_to_dtype_map()[tensor_name]
    if stored_dtype != dtype:
        raise ValueError(
            f"Variable {variable.name} is {dtype.name} but tensor {tensor_name} in the "
            f"checkpoint is {stored_dtype.name}"
        )
    with variable.graph.as_default(), control_dependencies(None):
        if reader.format == "v2":
            inputs = [constant_op.constant(os.fspath(reader.path)),
                      constant_op.constant([tensor_name]), constant_op.constant([""])]
            restored = make_op("RestoreV2", inputs, [dtype], {"dtypes": [dtype]},
                               "checkpoint_initializer").outputs[0]
            restored.set_shape(variable.shape)
        else:
            restored = constant_op.constant(np.asarray(reader.get_tensor(tensor_name)),
                                            dtype=dtype, name="checkpoint_initializer")
        assign = state_ops.assign_op(variable.op, restored)
    variable._initializer = assign.op
    variable._initial_value = restored


# -- tf.contrib.framework's (and slim's) restore helpers ------------------------------------------


def _variable_dict(var_list):
    if isinstance(var_list, dict):
        return dict(var_list)
    return {variable.op.name: variable for variable in var_list}


def assign_from_checkpoint(model_path, var_list, ignore_missing_vars=False):
    """``(assign_op, feed_dict)`` that set ``var_list`` to their values in ``model_path``.

    ``var_list`` is a list of variables (checkpoint keys: their names) or a dict
    {checkpoint key: variable}. Values are read now and fed when the op runs. A variable
    the checkpoint lacks is a ValueError, or skipped with ``ignore_missing_vars``.
    """
    from .. import logging
    from ..ops import array_ops, control_flow_ops

    reader = checkpoint_utils.load_checkpoint(model_path)
    assigns, feed = [], {}
    for key, variable in sorted(_variable_dict(var_list).items(), key=lambda item: item[0]):
        if not reader.has_tensor(key):
            if ignore_missing_vars:
                logging.warning("Variable %s missing in checkpoint %s", key, model_path)
                continue
            raise ValueError(f"Tensor {key} is not found in checkpoint {model_path}")
        value = reader.get_tensor(key)
        if not variable.shape.is_compatible_with(value.shape):
            raise ValueError(
                f"Total size of new array must be unchanged for {key} lh_shape: "
                f"[{variable.shape}], rh_shape: [{list(value.shape)}]"
            )
        with variable.graph.as_default():
            placeholder = array_ops.placeholder(variable.dtype.base_dtype, variable.shape,
                                                name="placeholder/" + variable.op.name)
            assigns.append(state_ops.assign_op(variable.op, placeholder))
        feed[placeholder] = value
    return control_flow_ops.group(*assigns, name="restore_op"), feed


def assign_from_checkpoint_fn(model_path, var_list, ignore_missing_vars=False,
                              reshape_variables=False):
    """A function ``fn(session)`` that restores ``var_list`` from ``model_path`` (a Saver's
    restore), or None when no variable is left to restore; slim's fine-tuning helper."""
    from .. import logging
    from .saver import Saver

    variables = _variable_dict(var_list)
    if ignore_missing_vars:
        reader = checkpoint_utils.load_checkpoint(model_path)
        for key in [k for k in variables if not reader.has_tensor(k)]:
            logging.warning("Variable %s missing in checkpoint %s", key, model_path)
            del variables[key]
    if not variables:
        logging.warning("No Variables to restore")
        return None
    saver = Saver(variables, reshape=reshape_variables)

    def callback(session):
        saver.restore(session, model_path)

    return callback
