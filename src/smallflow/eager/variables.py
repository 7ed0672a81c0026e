"""``tf.Variable`` while executing eagerly: a value held by the eager context, read at once.

TensorFlow 1.x makes eager variables resource variables: created initialized, read with
every use, not put in collections, names not made unique. Here such a variable is an
``EagerVariable`` (a ``Variable``, so ``isinstance`` checks and optimizers accept it). Its
value lives in the eager state's variable store under a key of its own; its *handle* is an
EagerTensor whose op is a ``VariableV2`` op naming that key, so the graph-mode update ops
(Assign, AssignAdd, the optimizers' Apply* ops, scatter updates) run on it unchanged. A read
is an ``Identity`` of the handle, which a GradientTape records: the gradient with respect
to the variable is the gradient with respect to its handle.
"""

import itertools

import numpy as np

from .. import errors
from .. import variables as _variables
from ..graph import GraphKeys, Operation, convert_to_tensor, get_default_graph, name_scope
from ..ops import array_ops, state_ops
from ..tensor_shape import TensorShape
from .execute import STATE
from .tensor import _CPU, EagerTensor, numpy_repr

_keys = itertools.count(1)


class _VariableHandle(EagerTensor):
    """The variable as an op input: its value is the store's current one at each use."""

    def __init__(self, op, key, dtype):
        self._variable_op = op
        self._key = key
        self._dtype = dtype
        self._id = next(_keys)

    @property
    def _value(self):
        try:
            return STATE.variables[self._key]
        except KeyError:
            raise errors.FailedPreconditionError(
                None, None, f"Error while reading resource variable {self._variable_op.name} "
                "from Container: localhost. This could mean that the variable was "
                "uninitialized.") from None

    @property
    def op(self):
        return self._variable_op

    @property
    def shape(self):
        return self._variable_op.attrs["shape"]

    _shape = shape


class EagerVariable(_variables.Variable):
    """A variable of eager mode (TensorFlow 1.x's ``ResourceVariable`` when eager)."""

    def __init__(self, initial_value=None, trainable=True, collections=None,
                 validate_shape=True, caching_device=None, name=None, variable_def=None,
                 dtype=None, expected_shape=None, import_scope=None, constraint=None,
                 use_resource=None, synchronization=None, aggregation=None, shape=None):
        if self.__dict__.pop("_made_outside", False):
            return  # made already, outside a tf.function trace (variables.Variable.__new__)
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        if constraint is not None and not callable(constraint):
            raise ValueError("The `constraint` argument must be a callable.")
        graph = get_default_graph()
        with name_scope(name or "Variable") as scope:
            full_name = scope[:-1]
            with graph.name_scope("Initializer"):
                if callable(initial_value):
                    initial_value = initial_value()
                value = convert_to_tensor(initial_value, name="initial_value", dtype=dtype)
        if not getattr(value, "_is_eager", False):
            raise ValueError(f"initial_value must be a value computed eagerly, got {value!r}")
        static = value.shape if shape is None else TensorShape(shape)
        if validate_shape and not static.is_compatible_with(value.shape):
            raise ValueError(f"Shapes {static} and {value.shape} are incompatible")
        key = f"{full_name}#{next(_keys)}"
        dtype = value.dtype
        attrs = {"shape": static, "dtype": dtype, "var_name": key}
        op = Operation(graph, "VariableV2", full_name, (), attrs, ())
        self._handle = _VariableHandle(op, key, dtype)
        op._outputs = (self._handle,)
        self._key = key
        self._name = full_name + ":0"
        self._trainable = trainable
        self._constraint = constraint
        self._variable_op = op
        self._initial_value = value
        # Stored as its own array: the variable never shares memory with a value the
        # program still holds.
        STATE.variables[key] = np.array(value._value, copy=True)
        if collections is not None and GraphKeys.GLOBAL_STEP in collections:
            # TF 1.x keeps no eager variable in collections but this one, so that
            # get_or_create_global_step finds it again.
            graph.add_to_collection(GraphKeys.GLOBAL_STEP, self)

    def __del__(self):
        # The value goes with the variable (a loop making models does not fill the store).
        key = getattr(self, "_key", None)
        if key is not None and STATE is not None:
            STATE.variables.pop(key, None)

    # -- identity -----------------------------------------------------------------------------
    @property
    def name(self):
        return self._name

    @property
    def dtype(self):
        return self._handle._dtype

    @property
    def shape(self):
        return self._variable_op.attrs["shape"]

    @property
    def device(self):
        return _CPU

    @property
    def handle(self):
        return self._handle

    @property
    def constraint(self):
        return self._constraint

    @property
    def initializer(self):
        return None

    @property
    def initial_value(self):
        raise RuntimeError("initial_value not supported in EAGER mode.")

    def _ref(self):
        return self._handle

    def _as_graph_element(self):
        return self._handle

    # -- reading ------------------------------------------------------------------------------
    def value(self):
        """The current value, as an EagerTensor (recorded by active GradientTapes)."""
        graph = get_default_graph()
        tapes = getattr(graph, "tapes", None)
        if tapes:
            for tape in tapes:
                tape._variable_accessed(self)
        if graph._capture_eager:
            return graph._captured(self._handle)  # its value now, in a traced graph
        if not graph._eager:
            raise ValueError(f"The variable {self._name} was made eagerly; it cannot be read "
                             "inside a graph (build the graph's own variables there).")
        return array_ops.identity(self._handle, name="Read/ReadVariableOp")

    read_value = value

    @property
    def _snapshot(self):
        return self.value()

    def numpy(self):
        return np.array(STATE.variables[self._key]) if self.shape.ndims else \
            STATE.variables[self._key][()]

    def __array__(self, dtype=None, copy=None):
        value = STATE.variables[self._key]
        return np.array(value, dtype=dtype)

    def eval(self, session=None):
        raise NotImplementedError("eval is not supported when eager execution is enabled, is "
                                  ".numpy() what you're looking for?")

    def __format__(self, format_spec):
        return self.numpy().__format__(format_spec)

    def __int__(self):
        return int(self.numpy())

    def __float__(self):
        return float(self.numpy())

    def __bool__(self):
        return bool(self.numpy())

    # -- writing ------------------------------------------------------------------------------
    def _update(self, op_type, value, read_value, name):
        value = convert_to_tensor(value, dtype=self.dtype)
        result = state_ops.assign_op(self._variable_op, value, op_type,
                                     op_type == "Assign", name)
        return result if read_value else None

    def assign(self, value, use_locking=False, name=None, read_value=True):
        return self._update("Assign", value, read_value, name)

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        return self._update("AssignAdd", delta, read_value, name)

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        return self._update("AssignSub", delta, read_value, name)

    def load(self, value, session=None):
        self.assign(value)

    def initialized_value(self):
        return self.value()

    def count_up_to(self, limit):
        from ..ops import scatter_ops

        return scatter_ops.count_up_to(self, limit)

    def sparse_read(self, indices, name=None):
        return array_ops.gather(self.value(), indices, name=name)

    def __repr__(self):
        text = numpy_repr(self.numpy())
        if "\n" in text:
            text = "\n" + text  # as TensorFlow's numpy_text lays out a multi-line value
        return (f"<tf.Variable '{self._name}' shape={self.shape} dtype={self.dtype.name}, "
                f"numpy={text}>")

    def __str__(self):
        return self.__repr__()

