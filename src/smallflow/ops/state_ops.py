"""State ops: variables and assignments, the only kernels that read or write session state.

Stateful kernels are built with ``kernel(attrs, state)``; ``state.variables`` is the running
session's dict from variable op name to its current value. Updates write into the variable's
array only when nothing but the store refers to it (ownership.py); otherwise they store a new
array, so a value read earlier in a ``Session.run`` never changes under its reader.
"""

import numpy as np

from ..errors import FailedPreconditionError, InvalidArgumentError
from ..op_signature import ALL, NUMBERS, signature
from ..ownership import takes_dead_inputs, writable_alone
from ..registry import register_op
from ..tensor_shape import as_shape
from .common import make_op


def _variable_kernel(attrs, state):
    name = attrs["var_name"]
    store = state.variables

    def read():
        try:
            return store[name]
        except KeyError:
            raise FailedPreconditionError(
                None, None, f"Attempting to use uninitialized value {name}"
            ) from None

    return read


register_op("VariableV2", _variable_kernel, lambda op: [op.attrs["shape"]], stateful=True,
            signature=signature("-> ref: dtype"))


def variable_op(shape, dtype, name):
    """The op that holds a variable's value in each session (``Variable`` in TensorFlow)."""
    attrs = {"shape": as_shape(shape), "dtype": dtype, "var_name": name}
    return make_op("VariableV2", [], [dtype], attrs, name + "/")


def _checked(attrs, value):
    expected = attrs["shape"]
    if attrs["validate_shape"] and not expected.is_compatible_with(value.shape):
        raise InvalidArgumentError(
            None, None,
            f"Assign requires shapes of both tensors to match. lhs shape= "
            f"{expected.bracket_str()} rhs shape= [{','.join(str(d) for d in value.shape)}]",
        )
    return value


def _assign_kernel(attrs, state):
    name = attrs["var_name"]
    store = state.variables
    dtype = attrs["dtype"].as_numpy_dtype

    @takes_dead_inputs
    def assign(value):
        _checked(attrs, value)
        # A value nothing else holds (a dead intermediate) becomes the variable's array
        # as it is; anything else is copied, so the variable never aliases a live array.
        if writable_alone(value) and value.dtype == dtype:
            new = value
        else:
            new = np.array(value, dtype=dtype, copy=True)
        store[name] = new
        return new

    return assign


def _assign_update_kernel(numpy_fn):
    def factory(attrs, state):
        name = attrs["var_name"]
        store = state.variables

        def update(value):
            try:
                current = store[name]
            except KeyError:
                raise FailedPreconditionError(
                    None, None, f"Attempting to use uninitialized value {name}"
                ) from None
            # In place when only the store holds the variable's array (see ownership.py).
            if (writable_alone(current, 1) and np.result_type(current, value) == current.dtype
                    and np.broadcast_shapes(current.shape, np.shape(value)) == current.shape):
                return numpy_fn(current, value, out=current)
            new = numpy_fn(current, value)
            store[name] = new
            return new

        return update

    return factory


def _var_shape(op):
    """Assign: the variable's shape, or the value's when ``validate_shape=False``."""
    if op.attrs["validate_shape"]:
        return [op.attrs["shape"]]
    return [op.inputs[1].shape]


def _update_shape(op):
    """AssignAdd/AssignSub keep the variable's shape, as TensorFlow's shape function says."""
    return [op.inputs[0].shape]


# Like TensorFlow's, these ops take the variable's ref tensor as input 0 and the value as
# input 1 (programs read ``op.inputs[1]`` to find an initial value). The session does not
# evaluate input 0 (see ``session._REF_WRITERS``): the kernels get the value only and find
# the variable through ``var_name``, so assigning to an uninitialized variable works.
register_op("Assign", _assign_kernel, _var_shape, stateful=True,
            signature=signature("ref: T, value: T -> output_ref: T", T=ALL))
register_op("AssignAdd", _assign_update_kernel(np.add), _update_shape, stateful=True,
            signature=signature("ref: T, value: T -> output_ref: T", T=NUMBERS))
register_op("AssignSub", _assign_update_kernel(np.subtract), _update_shape, stateful=True,
            signature=signature("ref: T, value: T -> output_ref: T", T=NUMBERS))


def assign_op(var_op, value, op_type="Assign", validate_shape=True, name=None,
              default_name=None):
    """An op that sets (or adds to, subtracts from) the variable held by ``var_op``."""
    attrs = {
        "var_name": var_op.attrs["var_name"],
        "shape": var_op.attrs["shape"] if validate_shape else as_shape(None),
        "dtype": var_op.outputs[0].dtype,
        "validate_shape": validate_shape,
    }
    return make_op(op_type, [var_op.outputs[0], value], [var_op.outputs[0].dtype], attrs,
                   name, default_name or op_type).outputs[0]


def _is_initialized_kernel(attrs, state):
    name = attrs["var_name"]
    return lambda: np.array(name in state.variables)


register_op("IsVariableInitialized", _is_initialized_kernel, lambda op: [as_shape([])],
            stateful=True, signature=signature("-> is_initialized: bool"))
