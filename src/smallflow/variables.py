"""Variables: named state that lives in each session, with initializers and collections."""

import contextlib
import functools
import threading

from . import dtypes
from .graph import (
    TRACES,
    GraphKeys,
    Reference,
    add_to_collections,
    control_dependencies,
    convert_to_tensor,
    executing_eagerly,
    get_collection,
    get_default_graph,
    name_scope,
    register_tensor_conversion_function,
)
from .ops import array_extra_ops, array_ops, control_flow_ops, scatter_ops, state_ops
from .ops.indexed_slices import IndexedSlices


class _CreatorStack(threading.local):
    def __init__(self):
        self.stack = []
        self.inside = False


_CREATORS = _CreatorStack()


def _create_through(creators, cls, args, kwargs):
    """Call the innermost creator with ``next_creator`` leading to the next one and, after
    the outermost, to the plain constructor; the arguments as keywords, as TensorFlow
    passes them."""
    import inspect

    bound = inspect.signature(cls.__init__).bind(None, *args, **kwargs)
    arguments = dict(bound.arguments)
    arguments.pop("self", None)

    def make(level, **values):
        if level < 0:
            _CREATORS.inside = True
            try:
                return cls(**values)
            finally:
                _CREATORS.inside = False
        return creators[level](functools.partial(make, level - 1), **values)

    return make(len(creators) - 1, **arguments)


@contextlib.contextmanager
def variable_creator_scope(variable_creator):
    """Within the scope every ``tf.Variable`` (``get_variable`` too) is made by
    ``variable_creator(next_creator, **kwargs)``, which may change the arguments, call
    ``next_creator(**kwargs)`` (the enclosing scope's creator, and at last the plain
    constructor) or return a variable of its own."""
    _CREATORS.stack.append(variable_creator)
    try:
        yield
    finally:
        _CREATORS.stack.pop()


class Variable:
    """A tensor-like handle to state kept by each session (TensorFlow 1.x ``tf.Variable``).

    Creates the ops ``<name>`` (the variable), ``<name>/Assign`` (its initializer) and
    ``<name>/read`` (the value other ops consume).
    """

    # Set by meta_graph.py (a higher layer, loaded with smallflow): ``(variable_def,
    # import_scope) -> Variable`` over the ops a VariableDef names, and ``(variable,
    # export_scope) -> VariableDef``.
    _from_proto_hook = None
    _to_proto_hook = None

    def __new__(cls, *args, **kwargs):
        if kwargs.get("variable_def") is not None and Variable._from_proto_hook is not None:
            # tf.Variable(variable_def=...): the variable whose ops are already in the graph.
            variable = Variable._from_proto_hook(kwargs["variable_def"],
                                                 kwargs.get("import_scope"))
            variable._made_outside = True
            return variable
        creators = _CREATORS.stack
        if creators and not _CREATORS.inside:
            # tf.variable_creator_scope: the creators make the variable (the innermost first,
            # each may call the next); __init__ then sees it is done.
            variable = _create_through(creators, cls, args, kwargs)
            if isinstance(variable, Variable):
                variable._made_outside = True
            return variable
        lift = get_default_graph()._lift_variable
        if lift is not None:
            # Made while tf.function traces: the variable goes outside the trace, made in
            # full there; __init__ then sees it is done (_made_outside).
            variable = lift(cls, args, kwargs)
            variable._made_outside = True
            return variable
        if TRACES:
            TRACES[-1].variable_made()  # made outside the trace's graph (an optimizer's slot)
        # While executing eagerly tf.Variable(...) makes an eager variable, as TF 1.x makes
        # a resource variable then.
        if cls is Variable and executing_eagerly():
            from .eager.variables import EagerVariable  # loaded with eager mode's first one

            return object.__new__(EagerVariable)
        return object.__new__(cls)

    def __init__(self, initial_value=None, trainable=True, collections=None,
                 validate_shape=True, caching_device=None, name=None, variable_def=None,
                 dtype=None, expected_shape=None, import_scope=None, constraint=None,
                 use_resource=None, synchronization=None, aggregation=None, shape=None):
        if self.__dict__.pop("_made_outside", False):
            return
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        if callable(initial_value):
            initial_value = initial_value()
        with control_dependencies(None), name_scope(name or "Variable") as scope:
            value = convert_to_tensor(initial_value, name="initial_value", dtype=dtype)
            if validate_shape and not value.shape.is_fully_defined():
                raise ValueError(
                    f"initial_value must have a shape specified: {value}"
                )
            static = value.shape if shape is None else shape
            self._variable_op = state_ops.variable_op(static, value.dtype, scope[:-1])
            self._initial_value = value
            # As in TensorFlow, the initializer and the read live where the variable does.
            with self._variable_op.graph.colocate_with(self._variable_op):
                self._initializer = state_ops.assign_op(
                    self._variable_op, value, validate_shape=validate_shape, name="Assign"
                ).op
                self._snapshot = array_ops.identity(self._variable_op.outputs[0], name="read")
        self._trainable = trainable
        if collections is None:
            collections = [GraphKeys.GLOBAL_VARIABLES]
        if trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
            collections = [*collections, GraphKeys.TRAINABLE_VARIABLES]
        add_to_collections(collections, self)

    @classmethod
    def _from_graph(cls, variable_op, initializer, snapshot, initial_value, trainable):
        """A Variable for ops already in a graph (imported from a MetaGraph)."""
        variable = cls.__new__(cls)
        variable._variable_op = variable_op
        variable._initializer = initializer
        variable._snapshot = snapshot
        variable._initial_value = initial_value
        variable._trainable = trainable
        return variable

    # -- identity ------------------------------------------------------------------------------
    @property
    def name(self):
        return self._variable_op.outputs[0].name

    @property
    def op(self):
        return self._variable_op

    @property
    def graph(self):
        return self._variable_op.graph

    @property
    def dtype(self):
        """``float32_ref`` for a float32 variable, as TensorFlow 1.x; its values are float32."""
        return self._variable_op.outputs[0].dtype._as_ref

    @property
    def shape(self):
        return self._variable_op.outputs[0].shape

    def get_shape(self):
        return self.shape

    @property
    def device(self):
        return self._variable_op.device

    @property
    def trainable(self):
        return self._trainable

    @property
    def initializer(self):
        return self._initializer

    @property
    def initial_value(self):
        return self._initial_value

    def value(self):
        return self._snapshot

    def read_value(self):
        return array_ops.identity(self._snapshot, name="read")

    def _as_graph_element(self):
        return self._variable_op.outputs[0]

    def _gradient_source(self):
        """The tensor ``tf.gradients`` differentiates with respect to for this variable: its
        read; inside a tf.function trace, where every read is a fresh one, the variable
        itself (func_graph.py), which every read passes its gradient to."""
        graph = get_default_graph()
        if graph._outer_graph is not None:
            return graph._capture(self._ref(), as_ref=True)
        return self.value()

    def _ref(self):
        return self._variable_op.outputs[0]

    # TF1's RefVariable keeps these as private attributes, and course notebooks of 2017 read
    # them in their checks (`weights._variable._shape == (784, 10)`).
    @property
    def _variable(self):
        """The VariableV2 op's output (TF1's ref tensor), as ``RefVariable._variable``."""
        return self._ref()

    @property
    def _initializer_op(self):
        return self._initializer

    # -- running ------------------------------------------------------------------------------
    def eval(self, session=None):
        return self._snapshot.eval(session=session)

    def load(self, value, session=None):
        self.assign(value).eval(session=session)

    def initialized_value(self):
        return self._initial_value

    def assign(self, value, use_locking=False, name=None, read_value=True):
        value = convert_to_tensor(value, dtype=self.dtype)
        return state_ops.assign_op(self._variable_op, value, "Assign", name=name)

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        delta = convert_to_tensor(delta, dtype=self.dtype)
        return state_ops.assign_op(self._variable_op, delta, "AssignAdd", False, name)

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        delta = convert_to_tensor(delta, dtype=self.dtype)
        return state_ops.assign_op(self._variable_op, delta, "AssignSub", False, name)

    # -- sparse reads and updates (rows given as IndexedSlices) ----------------------------
    def sparse_read(self, indices, name=None):
        """``gather(self, indices)``: the rows read, whose gradient is IndexedSlices (TF1's
        resource variables' method; smallflow's one Variable class has it too)."""
        return array_ops.gather(self._snapshot, indices, name=name)

    def _scatter(self, function, sparse_delta, use_locking, name):
        if not isinstance(sparse_delta, IndexedSlices):
            raise TypeError(f"sparse_delta is not IndexedSlices: {sparse_delta}")
        return function(self, sparse_delta.indices, sparse_delta.values,
                        use_locking=use_locking, name=name)

    def scatter_sub(self, sparse_delta, use_locking=False, name=None):
        """Subtract ``sparse_delta.values`` from the rows ``sparse_delta.indices``."""
        return self._scatter(scatter_ops.scatter_sub, sparse_delta, use_locking, name)

    def scatter_add(self, sparse_delta, use_locking=False, name=None):
        return self._scatter(scatter_ops.scatter_add, sparse_delta, use_locking, name)

    def scatter_update(self, sparse_delta, use_locking=False, name=None):
        return self._scatter(scatter_ops.scatter_update, sparse_delta, use_locking, name)

    def scatter_mul(self, sparse_delta, use_locking=False, name=None):
        return self._scatter(scatter_ops.scatter_mul, sparse_delta, use_locking, name)

    def scatter_div(self, sparse_delta, use_locking=False, name=None):
        return self._scatter(scatter_ops.scatter_div, sparse_delta, use_locking, name)

    def scatter_max(self, sparse_delta, use_locking=False, name=None):
        return self._scatter(scatter_ops.scatter_max, sparse_delta, use_locking, name)

    def scatter_min(self, sparse_delta, use_locking=False, name=None):
        return self._scatter(scatter_ops.scatter_min, sparse_delta, use_locking, name)

    def batch_scatter_update(self, sparse_delta, use_locking=True, name=None):
        """``tf.batch_scatter_update`` of this variable with ``sparse_delta``'s rows."""
        if not isinstance(sparse_delta, IndexedSlices):
            raise TypeError(f"sparse_delta is not IndexedSlices: {sparse_delta}")
        return scatter_ops.batch_scatter_update(self, sparse_delta.indices, sparse_delta.values,
                                                use_locking=use_locking, name=name)

    def scatter_nd_update(self, indices, updates, name=None):
        """Set the elements or slices at ``indices`` (``tf.scatter_nd_update``)."""
        return scatter_ops.scatter_nd_update(self, indices, updates, use_locking=True, name=name)

    def scatter_nd_add(self, indices, updates, name=None):
        return scatter_ops.scatter_nd_add(self, indices, updates, use_locking=True, name=name)

    def scatter_nd_sub(self, indices, updates, name=None):
        return scatter_ops.scatter_nd_sub(self, indices, updates, use_locking=True, name=name)

    def gather_nd(self, indices, name=None):
        """``tf.gather_nd(self, indices)``."""
        return array_extra_ops.gather_nd(self._snapshot, indices, name=name)

    def count_up_to(self, limit):
        """Increment this integer scalar variable up to ``limit`` (``tf.count_up_to``)."""
        return scatter_ops.count_up_to(self, limit)

    # -- VariableDef protocol buffers (need the tensorboard extra) ------------------------------
    def to_proto(self, export_scope=None):
        """This variable's ``VariableDef`` (names relative to ``export_scope``), or None when
        the variable is not under ``export_scope``."""
        if export_scope and not self.name.startswith(export_scope.rstrip("/") + "/"):
            return None
        return Variable._to_proto_hook(self, export_scope)

    @staticmethod
    def from_proto(variable_def, import_scope=None):
        """The Variable over the graph ops ``variable_def`` names."""
        return Variable(variable_def=variable_def, import_scope=import_scope)

    # -- hashable references (TensorFlow 1.15's ``experimental_ref``) --------------------------
    def experimental_ref(self):
        """A hashable reference to this variable; ``.deref()`` gives it back."""
        return Reference(self)

    ref = experimental_ref

    def __repr__(self):
        return (f"<tf.Variable '{self.name}' shape={self.shape} "
                f"dtype={self.dtype.name}>")

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other

    def __bool__(self):
        # A TF 1.x graph variable (RefVariable) does not overload truth testing: it is an
        # object, and true, so ``if not global_step:`` (tflearn's optimizers) checks that a
        # variable was given. Only tensors refuse to be used as a bool.
        return True

    def __iter__(self):
        return self._snapshot.__iter__()

    def __getitem__(self, key):
        return self._snapshot[key]

    # Operators act on the current value, as in TensorFlow.
    def __add__(self, other):
        return self._snapshot + other

    def __radd__(self, other):
        return other + self._snapshot

    def __sub__(self, other):
        return self._snapshot - other

    def __rsub__(self, other):
        return other - self._snapshot

    def __mul__(self, other):
        return self._snapshot * other

    def __rmul__(self, other):
        return other * self._snapshot

    def __truediv__(self, other):
        return self._snapshot / other

    def __rtruediv__(self, other):
        return other / self._snapshot

    def __floordiv__(self, other):
        return self._snapshot // other

    def __rfloordiv__(self, other):
        return other // self._snapshot

    def __mod__(self, other):
        return self._snapshot % other

    def __rmod__(self, other):
        return other % self._snapshot

    def __pow__(self, other):
        return self._snapshot**other

    def __rpow__(self, other):
        return other**self._snapshot

    def __matmul__(self, other):
        return self._snapshot @ other

    def __rmatmul__(self, other):
        return other @ self._snapshot

    def __and__(self, other):
        return self._snapshot & other

    def __rand__(self, other):
        return other & self._snapshot

    def __or__(self, other):
        return self._snapshot | other

    def __ror__(self, other):
        return other | self._snapshot

    def __xor__(self, other):
        return self._snapshot ^ other

    def __rxor__(self, other):
        return other ^ self._snapshot

    def __invert__(self):
        return ~self._snapshot

    def __neg__(self):
        return -self._snapshot

    def __abs__(self):
        return abs(self._snapshot)

    def __lt__(self, other):
        return self._snapshot < other

    def __le__(self, other):
        return self._snapshot <= other

    def __gt__(self, other):
        return self._snapshot > other

    def __ge__(self, other):
        return self._snapshot >= other

    __array_priority__ = 100


def _variable_to_tensor(value, dtype, name):
    tensor = value.value()
    if dtype is not None and dtypes.as_dtype(dtype).base_dtype != tensor.dtype:
        raise ValueError(
            f"Incompatible type conversion requested to type '{dtype.name}' for variable of "
            f"type '{tensor.dtype.name}'"
        )
    return tensor


register_tensor_conversion_function(Variable, _variable_to_tensor)


def global_variables(scope=None):
    return get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def all_variables():
    return global_variables()


def trainable_variables(scope=None):
    return get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope=None):
    return get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope=None):
    return get_collection(GraphKeys.MODEL_VARIABLES, scope)


def variables_initializer(var_list, name="init"):
    """One op that runs the initializers of ``var_list`` (a no-op for an empty list)."""
    return control_flow_ops.group(*[v.initializer for v in var_list], name=name)


def global_variables_initializer():
    """Initialize the global variables that exist now (create it after ``minimize``)."""
    return variables_initializer(global_variables(), name="init")


def initialize_all_variables():
    return global_variables_initializer()


def local_variables_initializer():
    return variables_initializer(local_variables(), name="init")


def initialize_local_variables():
    return local_variables_initializer()


def is_variable_initialized(variable):
    op = variable.op
    return state_ops.make_op("IsVariableInitialized", [], [dtypes.bool],
                             {"var_name": op.name}).outputs[0]


def load_layer_weights(layer_name, variables, weights, session):
    """``layer.set_weights(weights)`` of tf.layers layers and RNN cells: each array loaded
    into its variable in ``session``, after checking the count and the shapes (Keras's
    messages)."""
    import numpy as np

    if session is None:
        raise ValueError("set_weights needs a default session (use `with sess.as_default()`)")
    if len(weights) != len(variables):
        raise ValueError(f"You called `set_weights(weights)` on layer \"{layer_name}\" with a "
                         f"weight list of length {len(weights)}, but the layer was expecting "
                         f"{len(variables)} weights.")
    for variable, value in zip(variables, weights):
        expected = tuple(variable.shape.as_list())
        if expected != tuple(np.shape(value)):
            raise ValueError(f"Layer weight shape {expected} not compatible with provided "
                             f"weight shape {tuple(np.shape(value))}")
        variable.load(value, session)
