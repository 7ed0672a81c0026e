"""Assignment functions on variables: ``tf.assign``, ``scatter_*`` updates and ``count_up_to``.

TensorFlow 1.x spells these as functions of a variable (``tf.assign(ref, value)``) as well
as methods. Each op names the variable it writes through its ``var_name`` attribute, like
the ``Assign`` ops of ``state_ops``. A scatter writes into the variable's array only when
nothing but the variable store refers to it (ownership.py), and otherwise stores a fresh
array, so a value read earlier (a fetch, another op's input) never changes under its reader.
"""

import numpy as np

from .. import dtypes
from ..errors import FailedPreconditionError, InvalidArgumentError, OutOfRangeError
from ..graph import convert_to_tensor
from ..op_signature import ALL, FLOATS, INDEX, NUMBERS, signature
from ..ownership import writable_alone
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import as_shape
from . import state_ops
from .common import make_op


def _variable_op_of(ref, what="ref"):
    """The ``VariableV2`` op behind ``ref`` (a Variable or its ``_ref()`` tensor)."""
    op = getattr(ref, "op", None)
    if op is None or op.type != "VariableV2":
        raise TypeError(
            f"'{what}' needs a variable (tf.Variable or its ref tensor), got {ref!r}; "
            "assignment ops cannot write into a plain tensor"
        )
    return op


def _value_for(var_op, value, arg):
    dtype = var_op.outputs[0].dtype
    tensor = convert_to_tensor(value, dtype=dtype, name=arg)
    return tensor


def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    """Set the variable ``ref`` to ``value``; the result is the variable's new value.

    ``validate_shape=False`` lets the variable take a value of another shape.
    """
    var_op = _variable_op_of(ref)
    value = _value_for(var_op, value, "value")
    validate = True if validate_shape is None else bool(validate_shape)
    if validate:
        _check_static_shapes(var_op, value, name or "Assign")
    return state_ops.assign_op(var_op, value, "Assign", validate_shape=validate, name=name)


def _check_static_shapes(var_op, value, op_name):
    expected = var_op.attrs["shape"]
    if not expected.is_compatible_with(value.shape):
        raise ValueError(
            f"Shapes must be equal rank and compatible, but are {expected.bracket_str()} and "
            f"{value.shape.bracket_str()} for '{op_name}' (op: 'Assign') with input shapes: "
            f"{expected.bracket_str()}, {value.shape.bracket_str()}."
        )


def assign_add(ref, value, use_locking=None, name=None):
    """Add ``value`` to the variable ``ref``; the result is the new value."""
    var_op = _variable_op_of(ref)
    value = _value_for(var_op, value, "value")
    return state_ops.assign_op(var_op, value, "AssignAdd", False, name)


def assign_sub(ref, value, use_locking=None, name=None):
    """Subtract ``value`` from the variable ``ref``; the result is the new value."""
    var_op = _variable_op_of(ref)
    value = _value_for(var_op, value, "value")
    return state_ops.assign_op(var_op, value, "AssignSub", False, name)


NotDifferentiable("Assign")
NotDifferentiable("AssignAdd")
NotDifferentiable("AssignSub")
NotDifferentiable("VariableV2")
NotDifferentiable("IsVariableInitialized")

# -- scatter updates -----------------------------------------------------------------------------


def _current(store, name):
    try:
        return store[name]
    except KeyError:
        raise FailedPreconditionError(
            None, None, f"Attempting to use uninitialized value {name}"
        ) from None


def _check_rows(op_type, indices, first_dim):
    flat = np.ravel(indices)
    bad = (flat < 0) | (flat >= first_dim)
    if bad.any():
        raise InvalidArgumentError(
            None, None,
            f"{op_type}: indices[{int(np.argmax(bad))}] = {int(flat[np.argmax(bad)])} is not "
            f"in [0, {first_dim})",
        )


def _scatter_kernel(op_type, combine):
    def factory(attrs, state):
        name = attrs["var_name"]
        store = state.variables

        def scatter(indices, updates):
            current = _current(store, name)
            _check_rows(op_type, indices, current.shape[0])
            target_shape = np.shape(indices) + current.shape[1:]
            if np.shape(updates) not in (target_shape, ()):
                raise InvalidArgumentError(
                    None, None,
                    f"{op_type}: shape of updates {list(np.shape(updates))} must be "
                    f"indices.shape + params.shape[1:] = {list(target_shape)}",
                )
            # In place when only the store (and this kernel) can see the variable's array:
            # a 50,000-row embedding table updated at 128 rows then costs 128 rows.
            new = current if writable_alone(current, 1) else current.copy()
            combine(new, indices, np.broadcast_to(updates, target_shape).astype(new.dtype))
            store[name] = new
            return new

        return scatter

    return factory


def _set_rows(array, indices, updates):
    array[indices] = updates


# The variable is named by an attr, not passed as an input: the signature types the updates.
def _scatter_signature(types):
    return signature("indices: Tindices, updates: T -> output_ref: T", T=types, Tindices=INDEX)


_MIN_MAX = FLOATS + INDEX  # ScatterMax/Min: {half, bfloat16, float, double, int32, int64}


def _ufunc_at(ufunc):
    def combine(array, indices, updates):
        if ufunc in (np.maximum, np.minimum) and array.dtype.kind == "f":
            # TensorFlow keeps the variable's value against a NaN update (a NaN already in
            # the variable stays): a NaN update is made the one value that never wins.
            never = -np.inf if ufunc is np.maximum else np.inf
            updates = np.where(np.isnan(updates), never, updates)
        ufunc.at(array, indices, updates)

    return combine


register_op("ScatterUpdate", _scatter_kernel("ScatterUpdate", _set_rows),
            lambda op: [op.attrs["shape"]], stateful=True, signature=_scatter_signature(ALL))
register_op("ScatterAdd", _scatter_kernel("ScatterAdd", _ufunc_at(np.add)),
            lambda op: [op.attrs["shape"]], stateful=True, signature=_scatter_signature(NUMBERS))
register_op("ScatterSub", _scatter_kernel("ScatterSub", _ufunc_at(np.subtract)),
            lambda op: [op.attrs["shape"]], stateful=True, signature=_scatter_signature(NUMBERS))
register_op("ScatterMul", _scatter_kernel("ScatterMul", _ufunc_at(np.multiply)),
            lambda op: [op.attrs["shape"]], stateful=True, signature=_scatter_signature(NUMBERS))
register_op("ScatterDiv", _scatter_kernel("ScatterDiv", _ufunc_at(np.true_divide)),
            lambda op: [op.attrs["shape"]], stateful=True, signature=_scatter_signature(NUMBERS))
register_op("ScatterMax", _scatter_kernel("ScatterMax", _ufunc_at(np.maximum)),
            lambda op: [op.attrs["shape"]], stateful=True, signature=_scatter_signature(_MIN_MAX))
register_op("ScatterMin", _scatter_kernel("ScatterMin", _ufunc_at(np.minimum)),
            lambda op: [op.attrs["shape"]], stateful=True, signature=_scatter_signature(_MIN_MAX))
for _type in ("ScatterUpdate", "ScatterAdd", "ScatterSub", "ScatterMul", "ScatterDiv",
              "ScatterMax", "ScatterMin", "ScatterNdUpdate", "ScatterNdAdd", "ScatterNdSub",
              "CountUpTo"):
    NotDifferentiable(_type)


def _scatter(op_type, ref, indices, updates, name):
    var_op = _variable_op_of(ref)
    indices = convert_to_tensor(indices, name="indices")
    if indices.dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"Value passed to parameter 'indices' has DataType "
                        f"{indices.dtype.name} not in list of allowed values: int32, int64")
    updates = _value_for(var_op, updates, "updates")
    attrs = {"var_name": var_op.attrs["var_name"], "shape": var_op.attrs["shape"]}
    dtype = var_op.outputs[0].dtype
    return make_op(op_type, [indices, updates], [dtype], attrs, name, op_type).outputs[0]


def scatter_update(ref, indices, updates, use_locking=True, name=None):
    """``ref[indices, ...] = updates``; with repeated indices one of the updates wins."""
    return _scatter("ScatterUpdate", ref, indices, updates, name)


def scatter_add(ref, indices, updates, use_locking=False, name=None):
    """``ref[indices, ...] += updates``; repeated indices add up."""
    return _scatter("ScatterAdd", ref, indices, updates, name)


def scatter_sub(ref, indices, updates, use_locking=False, name=None):
    return _scatter("ScatterSub", ref, indices, updates, name)


def scatter_mul(ref, indices, updates, use_locking=False, name=None):
    return _scatter("ScatterMul", ref, indices, updates, name)


def scatter_div(ref, indices, updates, use_locking=False, name=None):
    return _scatter("ScatterDiv", ref, indices, updates, name)


def scatter_max(ref, indices, updates, use_locking=False, name=None):
    return _scatter("ScatterMax", ref, indices, updates, name)


def scatter_min(ref, indices, updates, use_locking=False, name=None):
    return _scatter("ScatterMin", ref, indices, updates, name)


# -- scatter_nd updates: indices address elements or slices by their leading coordinates -------


def nd_index(indices, shape, op_type):
    """Turn ``[..., k]`` coordinates into a tuple usable as a NumPy index, checking bounds."""
    indices = np.asarray(indices)
    depth = indices.shape[-1]
    if depth > len(shape):
        raise InvalidArgumentError(
            None, None,
            f"{op_type}: indices.shape[-1] = {depth} must be <= rank of params {len(shape)}",
        )
    flat = indices.reshape(-1, depth)
    for axis in range(depth):
        column = flat[:, axis]
        bad = (column < 0) | (column >= shape[axis])
        if bad.any():
            row = int(np.argmax(bad))
            raise InvalidArgumentError(
                None, None,
                f"{op_type}: indices[{row}] = {flat[row].tolist()} does not index into "
                f"param shape {list(shape)}",
            )
    return tuple(indices[..., axis] for axis in range(depth))


def _scatter_nd_kernel(op_type, combine):
    def factory(attrs, state):
        name = attrs["var_name"]
        store = state.variables

        def scatter(indices, updates):
            current = _current(store, name)
            index = nd_index(indices, current.shape, op_type)
            new = current.copy()
            combine(new, index, np.asarray(updates, dtype=new.dtype))
            store[name] = new
            return new

        return scatter

    return factory


register_op("ScatterNdUpdate", _scatter_nd_kernel("ScatterNdUpdate", _set_rows),
            lambda op: [op.attrs["shape"]], stateful=True, signature=_scatter_signature(ALL))
register_op("ScatterNdAdd", _scatter_nd_kernel("ScatterNdAdd", _ufunc_at(np.add)),
            lambda op: [op.attrs["shape"]], stateful=True, signature=_scatter_signature(NUMBERS))
register_op("ScatterNdSub", _scatter_nd_kernel("ScatterNdSub", _ufunc_at(np.subtract)),
            lambda op: [op.attrs["shape"]], stateful=True, signature=_scatter_signature(NUMBERS))


def scatter_nd_update(ref, indices, updates, use_locking=True, name=None):
    """Set the elements (or slices) of ``ref`` at the coordinates in ``indices``."""
    return _scatter("ScatterNdUpdate", ref, indices, updates, name)


def scatter_nd_add(ref, indices, updates, use_locking=False, name=None):
    return _scatter("ScatterNdAdd", ref, indices, updates, name)


def scatter_nd_sub(ref, indices, updates, use_locking=False, name=None):
    return _scatter("ScatterNdSub", ref, indices, updates, name)


# -- count_up_to ---------------------------------------------------------------------------------


def _count_up_to_kernel(attrs, state):
    name = attrs["var_name"]
    limit = attrs["limit"]
    store = state.variables

    def count():
        current = _current(store, name)
        if current >= limit:
            raise OutOfRangeError(None, None, f"Reached limit of {limit}")
        store[name] = current + 1
        return current

    return count


register_op("CountUpTo", _count_up_to_kernel, lambda op: [as_shape([])], stateful=True,
            signature=signature("-> output: T", T=INDEX))


def count_up_to(ref, limit, name=None):
    """Increment the integer scalar variable ``ref``; the result is its value before.

    Running it once the variable has reached ``limit`` raises ``OutOfRangeError``.
    """
    var_op = _variable_op_of(ref)
    dtype = var_op.outputs[0].dtype
    if dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"count_up_to needs an int32 or int64 variable, got {dtype.name}")
    attrs = {"var_name": var_op.attrs["var_name"], "limit": int(limit), "T": dtype}
    return make_op("CountUpTo", [], [dtype], attrs, name, "CountUpTo").outputs[0]


# -- batch_scatter_update ------------------------------------------------------------------------


def batch_scatter_update(ref, indices, updates, use_locking=True, name=None):
    """``ref[b..., indices[b..., i]] = updates[b..., i]``: each batch element's own rows.

    ``indices`` has the batch dimensions of ``ref`` and one more (the rows to set in each
    batch element); the update is a ``scatter_nd_update`` whose coordinates are each index
    preceded by its batch position, as TensorFlow 1.15 builds it.
    """
    from ..graph import name_scope
    from . import array_ops, math_ops

    with name_scope(name or "BatchScatterUpdate"):
        indices = convert_to_tensor(indices, name="indices")
        updates = convert_to_tensor(updates, name="updates")
        rank = indices.shape.ndims
        if rank is None:
            raise ValueError("batch_scatter_update needs indices of known rank")
        if rank == 0:
            raise ValueError("indices must be at least 1-D (the rows of each batch element), "
                             "got a scalar")
        batch_dims = rank - 1
        shape = array_ops.shape(indices, out_type=indices.dtype)
        coordinates = []
        for dim in range(batch_dims):
            grid_shape = [1] * rank
            grid_shape[dim] = -1
            positions = array_ops.reshape(
                math_ops.range(shape[dim], dtype=indices.dtype), grid_shape)
            coordinates.append(array_ops.broadcast_to(positions, shape))
        coordinates.append(indices)
        nd_indices = array_ops.stack(coordinates, axis=-1)
        return scatter_nd_update(ref, nd_indices, updates, use_locking=use_locking)
