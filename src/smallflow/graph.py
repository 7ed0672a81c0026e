"""What a graph is: Graph, Operation, Tensor, names, scopes, collections and defaults."""

import contextlib
import re
import threading

from . import device_placement as _device_placement
from . import dtypes as _dtypes
from .registry import OP_DEFS
from .tensor_shape import TensorShape, as_shape

_VALID_OP_NAME = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\-/>]*$")
_VALID_SCOPE_NAME = re.compile(r"^[A-Za-z0-9_.\-/>]*$")


class ShapeError(ValueError):
    """Raised by shape functions; the graph adds the op's name and input shapes."""


class GraphKeys:
    """Standard collection names."""

    GLOBAL_VARIABLES = "variables"
    VARIABLES = "variables"
    LOCAL_VARIABLES = "local_variables"
    METRIC_VARIABLES = "metric_variables"
    MODEL_VARIABLES = "model_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    SUMMARIES = "summaries"
    QUEUE_RUNNERS = "queue_runners"
    TABLE_INITIALIZERS = "table_initializer"
    LOSSES = "losses"
    REGULARIZATION_LOSSES = "regularization_losses"
    UPDATE_OPS = "update_ops"
    GLOBAL_STEP = "global_step"
    TRAIN_OP = "train_op"
    INIT_OP = "init_op"
    LOCAL_INIT_OP = "local_init_op"
    READY_OP = "ready_op"
    READY_FOR_LOCAL_INIT_OP = "ready_for_local_init_op"
    SUMMARY_OP = "summary_op"
    SAVERS = "savers"
    ASSET_FILEPATHS = "asset_filepaths"
    # The rest of TensorFlow 1.x's names (contrib.layers fills WEIGHTS, BIASES, ACTIVATIONS).
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    CONCATENATED_VARIABLES = "concatenated_variables"
    WEIGHTS = "weights"
    BIASES = "biases"
    ACTIVATIONS = "activations"
    SAVEABLE_OBJECTS = "saveable_objects"
    RESOURCES = "resources"
    LOCAL_RESOURCES = "local_resources"
    TRAINABLE_RESOURCE_VARIABLES = "trainable_resource_variables"
    EVAL_STEP = "eval_step"
    COND_CONTEXT = "cond_context"
    WHILE_CONTEXT = "while_context"


class Tensor:
    """A symbolic handle to one output of an Operation."""

    __array_priority__ = 100
    OVERLOADABLE_OPERATORS = frozenset()
    # True for eager/tensor.py's EagerTensor, which holds its value.
    _is_eager = False

    def __init__(self, op, value_index, dtype, shape):
        self._op = op
        self._value_index = value_index
        self._dtype = dtype
        self._shape = shape
        self._consumers = []

    @property
    def op(self):
        return self._op

    @property
    def value_index(self):
        return self._value_index

    @property
    def dtype(self):
        return self._dtype

    @property
    def graph(self):
        return self._op.graph

    @property
    def name(self):
        return f"{self._op.name}:{self._value_index}"

    @property
    def device(self):
        return self._op.device

    @property
    def shape(self):
        return self._shape

    def get_shape(self):
        return self._shape

    def _shape_as_list(self):
        # TensorFlow's private spelling (its own tests and some libraries call it): the
        # static dims, or None for an unknown rank.
        return self._shape.as_list() if self._shape.ndims is not None else None

    def set_shape(self, shape):
        self._shape = self._shape.merge_with(as_shape(shape))

    def consumers(self):
        return list(self._consumers)

    def eval(self, feed_dict=None, session=None):
        """Run this tensor in ``session`` or the default session; return its value."""
        return _session_for("eval", self.graph, session).run(self, feed_dict)

    def __str__(self):
        # TF 1.x leaves out an unknown shape and names the device when one is set.
        shape = "" if self._shape.ndims is None else f", shape={self._shape}"
        device = self.device
        device = f", device={device}" if device else ""
        return f'Tensor("{self.name}"{shape}, dtype={self._dtype.name}{device})'

    def __repr__(self):
        return f"<tf.Tensor '{self.name}' shape={self._shape} dtype={self._dtype.name}>"

    # == and hash stay object identity (TensorFlow 1.x), so tensors are cheap dict keys.

    def experimental_ref(self):
        """A hashable reference to this tensor (TensorFlow 1.15); ``.deref()`` gives it back."""
        return Reference(self)

    ref = experimental_ref

    def __bool__(self):
        from .errors import OperatorNotAllowedInGraphError

        if self._op._graph._outer_graph is not None:  # a tf.function trace
            raise OperatorNotAllowedInGraphError(
                "using a `tf.Tensor` as a Python `bool` is not allowed: AutoGraph did not "
                "convert this function. Try decorating it directly with @tf.function.")
        raise OperatorNotAllowedInGraphError(
            "Using a `tf.Tensor` as a Python `bool` is not allowed. Use `if t is not None:` "
            "instead of `if t:` to test if a tensor is defined, and use TensorFlow ops such "
            "as tf.cond to execute subgraphs conditioned on the value of a tensor."
        )

    __nonzero__ = __bool__

    def __iter__(self):
        raise TypeError(
            "Tensor objects are only iterable when eager execution is enabled. "
            "To iterate over this tensor use tf.map_fn."
        )

    def __len__(self):
        raise TypeError(
            f"len is not well defined for symbolic Tensors. ({self.name}) "
            "Please call `x.shape` rather than `len(x)` for shape information."
        )

    @classmethod
    def _override_operator(cls, operator, func):
        """Install ``func`` as ``Tensor.<operator>``; the op modules call this."""
        setattr(cls, operator, func)


class Reference:
    """What ``Tensor.experimental_ref()`` / ``Variable.ref()`` return: a dict key or set
    member standing for one object by identity, whatever that object's ``==`` does."""

    __slots__ = ("_wrapped",)

    def __init__(self, wrapped):
        self._wrapped = wrapped

    def deref(self):
        """The object this reference stands for."""
        return self._wrapped

    def __eq__(self, other):
        return isinstance(other, Reference) and self._wrapped is other._wrapped

    def __hash__(self):
        return id(self._wrapped)

    def __repr__(self):
        return f"<Reference wrapping {self._wrapped!r}>"


class Operation:
    """A node of the graph: an op type, input tensors, attributes and output tensors."""

    _colocated_with = None  # the name of the op a ``colocate_with`` scope put this one with

    def __init__(self, graph, op_type, name, inputs, attrs, control_inputs):
        self._graph = graph
        self._type = op_type
        self._name = name
        self._inputs = tuple(inputs)
        self._attrs = attrs
        self._control_inputs = list(control_inputs)
        self._outputs = ()
        self._id = graph._next_id()
        self._device = ""

    @property
    def name(self):
        return self._name

    @property
    def type(self):
        return self._type

    @property
    def graph(self):
        return self._graph

    @property
    def inputs(self):
        return self._inputs

    @property
    def outputs(self):
        return list(self._outputs)

    @property
    def control_inputs(self):
        return list(self._control_inputs)

    @property
    def attrs(self):
        return self._attrs

    @property
    def device(self):
        """The device the op was placed on by ``tf.device`` scopes ("" if none)."""
        return self._device

    def _set_device(self, device):
        self._device = _device_placement.canonical(device)

    @property
    def node_def(self):
        """This op as TensorFlow's ``NodeDef`` shows it: its form in a TensorFlow GraphDef,
        without the attributes smallflow keeps for itself (needs the ``tensorboard`` extra)."""
        from . import graph_io, graph_tf_form

        nodes, _ = graph_tf_form.rewrite(self, graph_io.node_def(self))
        node = nodes[-1]
        for key in [k for k in node.attr if k.startswith("_sf_") or k == "_output_types"]:
            del node.attr[key]
        return node

    def get_attr(self, name):
        try:
            return self._attrs[name]
        except KeyError:
            raise ValueError(f"Operation '{self._name}' has no attr named '{name}'.") from None

    def values(self):
        return tuple(self._outputs)

    def colocation_groups(self):
        """``[b"loc:@<op>"]``: the op this one is colocated with, or itself."""
        return [f"loc:@{self._colocated_with or self._name}".encode()]

    def _add_control_input(self, op):
        if op not in self._control_inputs:
            self._control_inputs.append(op)

    def run(self, feed_dict=None, session=None):
        """Run this op in ``session`` or the default session."""
        _session_for("run", self._graph, session).run(self, feed_dict)

    def __str__(self):
        # TensorFlow prints the op's NodeDef; without protobuf, its name, type and inputs.
        try:
            return str(self.node_def)
        except ImportError:
            pass
        lines = [f'name: "{self._name}"', f'op: "{self._type}"']
        lines += [f'input: "{t.op.name if t.value_index == 0 else t.name}"' for t in self._inputs]
        lines += [f'input: "^{op.name}"' for op in self._control_inputs]
        return "\n".join(lines) + "\n"

    def __repr__(self):
        return f"<tf.Operation '{self._name}' type={self._type}>"


def _session_for(verb, graph, session):
    if session is None:
        session = get_default_session()
        if session is None:
            if verb == "eval":
                raise ValueError(
                    "Cannot evaluate tensor using `eval()`: No default session is registered. "
                    "Use `with sess.as_default()` or pass an explicit session to "
                    "`eval(session=sess)`"
                )
            raise ValueError(
                "Cannot execute operation using `run()`: No default session is registered. "
                "Use `with sess.as_default():` or pass an explicit session to "
                "`run(session=sess)`"
            )
    if session.graph is not graph:
        what = "tensor" if verb == "eval" else "operation"
        raise ValueError(
            f"Cannot use the given session to {'evaluate' if verb == 'eval' else 'execute'} "
            f"{what}: the {what}'s graph is different from the session's graph."
        )
    return session


class Graph:
    """A dataflow graph: the ops, their unique names, scopes, collections and seed."""

    # True for the eager context's graph (eager/execute.py), whose ops run when made.
    _eager = False
    # True for a graph that functions are traced into while executing eagerly (tf.data's
    # map functions): an eager value used there becomes a constant of the graph.
    _capture_eager = False
    # The graph a tf.function trace (func_graph.FuncGraph) is called from; None for others.
    _outer_graph = None
    # While tf.function traces into this graph: function(cls, args, kwargs) making a variable
    # outside the trace (variables.Variable.__new__); None for other graphs.
    _lift_variable = None

    def __init__(self):
        self._ops = []
        self._ops_by_name = {}
        self._names_in_use = {}
        self._name_stack = ""
        self._control_stack = []
        self._device_stack = []  # tf.device functions, outermost first (device_placement.py)
        self._colocation = None  # the op name a colocate_with scope puts new ops with
        # The branch or loop body being built (ops/control_flow_ops.py), or None.
        self._control_flow_context = None
        self._collections = {}
        self._last_id = 0
        self._finalized = False
        self.seed = None
        self._lock = threading.RLock()

    # -- identity and defaults -------------------------------------------------------------
    def _next_id(self):
        self._last_id += 1
        return self._last_id

    def _op_seed(self):
        """The op seed of a random op made without one under a graph seed: the op count."""
        return self._last_id

    @property
    def version(self):
        return self._last_id

    def prevent_feeding(self, tensor):
        """Mark ``tensor`` as one a session may not be fed a value for."""
        self._unfeedable = getattr(self, "_unfeedable", frozenset()) | {tensor}

    def is_feedable(self, tensor):
        return tensor not in getattr(self, "_unfeedable", ())

    def prevent_fetching(self, op):
        """Mark ``op`` (and its outputs) as not fetchable by a session."""
        self._unfetchable = getattr(self, "_unfetchable", frozenset()) | {op}

    def is_fetchable(self, tensor_or_op):
        op = tensor_or_op.op if isinstance(tensor_or_op, Tensor) else tensor_or_op
        return op not in getattr(self, "_unfetchable", ())

    @property
    def building_function(self):
        """True inside a ``tf.function`` graph; smallflow's graphs are all plain TF1 graphs."""
        return False

    @property
    def finalized(self):
        return self._finalized

    def finalize(self):
        """Refuse any new op from now on (``MonitoredSession`` and ``Supervisor`` do this)."""
        self._finalized = True

    def _unsafe_unfinalize(self):
        """Undo ``finalize`` (TensorFlow's private method; a MonitoredSession calls it when it
        closes, if the graph was not finalized before it was made)."""
        self._finalized = False

    def as_default(self):
        return _default_graph_stack.get_controller(self)

    def as_graph_def(self, from_version=None, add_shapes=False):
        """This graph as a ``GraphDef`` protocol buffer (needs the ``tensorboard`` extra)."""
        from . import graph_io

        return graph_io.as_graph_def(self, from_version, add_shapes)

    # -- names ----------------------------------------------------------------------------
    def get_name_scope(self):
        return self._name_stack

    def unique_name(self, name, mark_as_used=True):
        """Prefix ``name`` with the current scope and make it unique (``name_1``, ...)."""
        if self._name_stack:
            name = f"{self._name_stack}/{name}"
        key = name.lower()
        count = self._names_in_use.get(key, 0)
        if mark_as_used:
            self._names_in_use[key] = count + 1
        if count > 0:
            base_key = key
            while key in self._names_in_use:
                key = f"{base_key}_{count}"
                count += 1
            if mark_as_used:
                self._names_in_use[key] = 1
            name = f"{name}_{count - 1}"
        return name

    def _check_scope_name(self, name):
        pattern = _VALID_SCOPE_NAME if self._name_stack else _VALID_OP_NAME
        if not pattern.match(name):
            raise ValueError(f"'{name}' is not a valid scope name")

    def _scope_below(self, name):
        """The scope ``name`` opens inside the current one (made unique in a graph)."""
        return self.unique_name(name)

    @contextlib.contextmanager
    def name_scope(self, name):
        if name:
            self._check_scope_name(name)
        old_stack = self._name_stack
        if not name:
            new_stack = ""
        elif name[-1] == "/":
            new_stack = name[:-1]
        else:
            new_stack = self._scope_below(name)
        self._name_stack = new_stack
        try:
            yield new_stack + "/" if new_stack else ""
        finally:
            self._name_stack = old_stack

    # -- control dependencies --------------------------------------------------------------
    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        if control_inputs is None:
            # As in TensorFlow, this also leaves any branch or loop body being built, so
            # variables made inside a loop body live outside it.
            saved = self._control_stack
            saved_context = self._control_flow_context
            self._control_stack = []
            self._control_flow_context = None
            try:
                yield
            finally:
                self._control_stack = saved
                self._control_flow_context = saved_context
            return
        ops = []
        for item in control_inputs:
            element = self.as_graph_element(item, allow_tensor=True, allow_operation=True)
            ops.append(element.op if isinstance(element, Tensor) else element)
        self._control_stack.append(ops)
        try:
            yield
        finally:
            self._control_stack.pop()

    @contextlib.contextmanager
    def gradient_override_map(self, op_type_map):
        """Ops of the mapped types created inside use the gradient registered under the new
        name: ``with g.gradient_override_map({"PyFunc": "MyGrad"}): ...``."""
        if not isinstance(op_type_map, dict):
            raise TypeError("op_type_map must be a dictionary mapping strings to strings")
        previous = dict(getattr(self, "_gradient_overrides", None) or {})
        self._gradient_overrides = {**previous, **op_type_map}
        try:
            yield
        finally:
            self._gradient_overrides = previous

    # -- building ---------------------------------------------------------------------------
    def create_op(self, op_type, inputs, dtypes, attrs=None, name=None):
        """Add an op of a registered type; infer its outputs' shapes. Returns the Operation."""
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")
        op_def = OP_DEFS.lookup(op_type)
        if self._capture_eager:
            inputs = [self._captured(t) if getattr(t, "_is_eager", False) else t
                      for t in inputs]
        for tensor in inputs:
            if not isinstance(tensor, Tensor):
                raise TypeError(f"Input to op '{op_type}' must be a Tensor, got {tensor!r}")
            if tensor.graph is not self:
                raise ValueError(
                    f"Tensor({tensor.name!r}) must be from the same graph as the op "
                    f"being created ({op_type}): Tensor {tensor} is not an element of this graph."
                )
        if name is None:
            name = op_type
        if name.endswith("/"):
            op_name = name[:-1]
        else:
            if not _VALID_OP_NAME.match(name):
                raise ValueError(f"'{name}' is not a valid node name")
            op_name = self.unique_name(name)
        attrs = dict(attrs or {})
        if op_def.signature is not None:
            # Dtypes are checked here, once per op: a session never checks them again.
            declared = op_def.signature.bind(op_type, inputs, attrs, len(dtypes))
            assert [_dtypes.as_dtype(d).base_dtype for d in dtypes] == declared, (
                f"{op_type}: the builder's output dtypes {dtypes} differ from the declared "
                f"{declared}"
            )
            dtypes = declared
        control = [op for frame in self._control_stack for op in frame]
        overrides = getattr(self, "_gradient_overrides", None)
        if overrides and op_type in overrides:
            attrs["_gradient_op_type"] = overrides[op_type]
        op = Operation(self, op_type, op_name, inputs, attrs, control)
        if self._device_stack:
            _device_placement.placed_device(self._device_stack, op)
        if self._colocation is not None:
            op._colocated_with = self._colocation
        op._control_flow_context = context = self._control_flow_context
        if context is not None:
            context.add_op(op)
        op._outputs = tuple(
            Tensor(op, i, _dtypes.as_dtype(dt).base_dtype, TensorShape(None))
            for i, dt in enumerate(dtypes)
        )
        try:
            shapes = op_def.shape_fn(op)
        except ShapeError as err:
            in_shapes = ", ".join(t.shape.bracket_str() for t in inputs)
            # Shape functions that read a shape from an input's value say what they read.
            partial = getattr(err, "partial_shapes", "")
            raise ValueError(
                f"{err} for '{op_name}' (op: '{op_type}') with input shapes: {in_shapes}"
                f"{partial}."
            ) from None
        for tensor, shape in zip(op._outputs, shapes):
            tensor._shape = as_shape(shape)
        for tensor in inputs:
            tensor._consumers.append(op)
        self._ops.append(op)
        self._ops_by_name[op_name] = op
        return op

    def _captured(self, tensor):
        """The constant of this graph holding an eager value (one per value)."""
        captures = self.__dict__.setdefault("_eager_captures", {})
        found = captures.get(id(tensor))
        if found is None:
            value = tensor._value
            if value.flags.writeable:
                value = value.copy()
                value.flags.writeable = False
            const = self.create_op("Const", [], [tensor.dtype],
                                   {"value": value, "dtype": tensor.dtype}, "Const")
            found = captures[id(tensor)] = (const.outputs[0], tensor)
        return found[0]

    # -- lookup ----------------------------------------------------------------------------
    def get_operations(self):
        return list(self._ops)

    def get_operation_by_name(self, name):
        if not isinstance(name, str):
            raise TypeError(f"Operation names are strings (or similar), not {type(name).__name__}.")
        element = self.as_graph_element(name, allow_tensor=False, allow_operation=True)
        return element

    def get_tensor_by_name(self, name):
        if not isinstance(name, str):
            raise TypeError(f"Tensor names are strings (or similar), not {type(name).__name__}.")
        return self.as_graph_element(name, allow_tensor=True, allow_operation=False)

    def as_graph_element(self, obj, allow_tensor=True, allow_operation=True):
        """Resolve a Tensor, Operation, name string or convertible object in this graph."""
        converter = getattr(obj, "_as_graph_element", None)
        if converter is not None and not isinstance(obj, (Tensor, Operation)):
            obj = converter()
        if isinstance(obj, str):
            return self._element_by_name(obj, allow_tensor, allow_operation)
        if isinstance(obj, Tensor) and allow_tensor:
            if obj.graph is not self:
                raise ValueError(f"Tensor {obj} is not an element of this graph.")
            return obj
        if isinstance(obj, Operation) and allow_operation:
            if obj.graph is not self:
                raise ValueError(f"Operation {obj!r} is not an element of this graph.")
            return obj
        wanted = " or ".join(
            w for w, ok in (("Tensor", allow_tensor), ("Operation", allow_operation)) if ok
        )
        raise TypeError(f"Can not convert a {type(obj).__name__} into a {wanted}.")

    def _element_by_name(self, name, allow_tensor, allow_operation):
        if ":" in name and allow_tensor:
            op_name, _, index = name.partition(":")
            if not index.isdigit():
                raise ValueError(
                    f"The name {name!r} looks a like a Tensor name, but is not a valid one. "
                    'Tensor names must be of the form "<op_name>:<output_index>".'
                )
            op = self._ops_by_name.get(op_name)
            if op is None:
                raise KeyError(f"The name {name!r} refers to a Tensor which does not exist. "
                               f"The operation, {op_name!r}, does not exist in the graph.")
            if int(index) >= len(op._outputs):
                raise KeyError(f"The name {name!r} refers to a Tensor which does not exist. "
                               f"The operation, {op_name!r}, exists but only has "
                               f"{len(op._outputs)} outputs.")
            return op._outputs[int(index)]
        if ":" in name:
            # (TensorFlow's wording, "a Operation" included, so a search finds it)
            raise ValueError(f"Name {name!r} appears to refer to a Tensor, not a Operation.")
        op = self._ops_by_name.get(name)
        if op is None:
            raise KeyError(f"The name {name!r} refers to an Operation not in the graph.")
        if not allow_operation:
            raise ValueError(
                f"The name {name!r} refers to an Operation, not a Tensor. Tensor names must be "
                f"of the form \"<op_name>:<output_index>\"."
            )
        return op

    # -- collections -----------------------------------------------------------------------
    def add_to_collection(self, name, value):
        self._collections.setdefault(name, []).append(value)

    def add_to_collections(self, names, value):
        names = (names,) if isinstance(names, str) else set(names)
        for name in names:
            self.add_to_collection(name, value)

    def get_collection_ref(self, name):
        return self._collections.setdefault(name, [])

    def get_collection(self, name, scope=None):
        items = self._collections.get(name, [])
        if scope is None:
            return list(items)
        pattern = re.compile(scope)
        return [item for item in items if pattern.match(getattr(item, "name", "") or "")]

    def get_all_collection_keys(self):
        return [key for key, items in self._collections.items() if items]

    def clear_collection(self, name):
        self._collections.pop(name, None)

    # -- no-ops kept for TF1 programs -----------------------------------------------------
    @contextlib.contextmanager
    def device(self, device_name_or_function):
        """Ops made inside record this device (smallflow still runs them all on the CPU)."""
        self._device_stack.append(_device_placement.device_function(device_name_or_function))
        try:
            yield
        finally:
            self._device_stack.pop()

    @contextlib.contextmanager
    def container(self, container_name):
        """Stateful resources made inside (lookup tables) belong to ``container_name``."""
        previous = getattr(self, "_container", "")
        self._container = container_name
        try:
            yield container_name
        finally:
            self._container = previous

    @contextlib.contextmanager
    def colocate_with(self, op, ignore_existing=False):
        """Ops made inside take ``op``'s device, whatever the ``tf.device`` scopes say."""
        if op is None:
            yield
            return
        target = op if isinstance(op, Operation) else op.op  # a Tensor or a Variable
        saved = self._device_stack
        saved_colocation = self._colocation
        self._device_stack = [lambda _: target.device]
        self._colocation = target._colocated_with or target.name
        try:
            yield
        finally:
            self._device_stack = saved
            self._colocation = saved_colocation


# -- default graph and default session ------------------------------------------------------


class _DefaultStack(threading.local):
    """A per-thread stack of defaults entered with ``with x.as_default():``."""

    def __init__(self):
        super().__init__()
        self.stack = []

    def get_default(self):
        return self.stack[-1] if self.stack else None

    @contextlib.contextmanager
    def get_controller(self, default):
        self.stack.append(default)
        try:
            yield default
        finally:
            if self.stack and self.stack[-1] is default:
                self.stack.pop()
            elif default in self.stack:
                self.stack.remove(default)


class _GraphStack(_DefaultStack):
    # What a thread's global default graph is made as: Graph, or the eager context's graph
    # while eager execution is on (eager/context.py). One setting for every thread.
    factory = Graph

    def __init__(self):
        super().__init__()
        self.global_default = None

    def get_default(self):
        if self.stack:
            return self.stack[-1]
        if self.global_default is None:
            self.global_default = self.factory()
        return self.global_default

    def reset(self):
        if self.stack:
            raise AssertionError("Do not use tf.reset_default_graph() to clear nested graphs. "
                                 "If you need a cleared graph, exit the nesting and create a new "
                                 "graph.")
        self.global_default = None


_default_graph_stack = _GraphStack()
_default_session_stack = _DefaultStack()


def get_default_graph():
    return _default_graph_stack.get_default()


def executing_eagerly():
    """True while eager execution is on and no graph is entered with ``as_default()``."""
    return get_default_graph()._eager


# The tf.function traces being made, innermost last (def_function.py pushes them): a variable
# made anywhere while one is open is that trace's (TensorFlow's variable creator scope).
TRACES = []


@contextlib.contextmanager
def init_scope():
    """Build in the outermost graph (or eagerly) with no control dependencies, keeping the
    name scope: where a function being traced makes its state (TensorFlow's init_scope)."""
    graph = get_default_graph()
    outer = graph
    while outer._outer_graph is not None:
        outer = outer._outer_graph
    if outer is graph:
        with graph.control_dependencies(None):
            yield
        return
    scope = graph.get_name_scope()
    with outer.as_default(), outer.control_dependencies(None), \
            outer.name_scope(scope + "/" if scope else ""):
        yield


def reset_default_graph():
    """Clear the default graph (not allowed inside ``with graph.as_default():``)."""
    _default_graph_stack.reset()


def get_default_session():
    return _default_session_stack.get_default()


def default_session(session):
    """Context manager that makes ``session`` the default session (sessions use it)."""
    return _default_session_stack.get_controller(session)


def _push_default_session(session):
    _default_session_stack.stack.append(session)


def _remove_default_session(session):
    if session in _default_session_stack.stack:
        _default_session_stack.stack.remove(session)


def name_scope(name, default_name=None, values=None):
    """``with name_scope("conv1") as scope:`` prefixes new op names with ``conv1/``."""
    return get_default_graph().name_scope(name if name is not None else default_name)


def control_dependencies(control_inputs):
    return get_default_graph().control_dependencies(control_inputs)


def device(device_name_or_function):
    return get_default_graph().device(device_name_or_function)


def container(container_name):
    return get_default_graph().container(container_name)


def add_to_collection(name, value):
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names, value):
    get_default_graph().add_to_collections(names, value)


def get_collection(key, scope=None):
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key):
    return get_default_graph().get_collection_ref(key)


def set_random_seed(seed):
    """Set the graph-level seed of the default graph."""
    get_default_graph().seed = seed


# -- conversion of Python values to tensors ----------------------------------------------------

_conversion_functions = []


def register_tensor_conversion_function(base_type, conversion_func, priority=100):
    """Teach ``convert_to_tensor`` a new type; ``conversion_func(value, dtype, name)``."""
    _conversion_functions.append((priority, base_type, conversion_func))
    _conversion_functions.sort(key=lambda entry: entry[0])


def convert_to_tensor(value, dtype=None, name=None, preferred_dtype=None, dtype_hint=None):
    """Return ``value`` as a Tensor of the default graph (constants for Python/NumPy values)."""
    if dtype is not None:
        dtype = _dtypes.as_dtype(dtype).base_dtype
    if isinstance(value, Tensor):
        if dtype is not None and value.dtype != dtype:
            raise ValueError(
                f"Tensor conversion requested dtype {dtype.name} for Tensor with dtype "
                f"{value.dtype.name}: {value!r}"
            )
        return value
    preferred = preferred_dtype if preferred_dtype is not None else dtype_hint
    for _, base_type, func in _conversion_functions:
        if isinstance(value, base_type):
            if dtype is None and preferred is not None:
                try:
                    return func(value, _dtypes.as_dtype(preferred).base_dtype, name)
                except (TypeError, ValueError):
                    pass
            return func(value, dtype, name)
    import numpy as np

    if hasattr(value, "__array__") and not isinstance(value, np.ndarray):
        # Array-likes (a pandas Series or DataFrame, ...) convert through NumPy, as
        # TensorFlow's conversion of any object does (iris_data.py feeds Series to
        # Dataset.from_tensor_slices).
        return convert_to_tensor(np.asarray(value), dtype, name, preferred_dtype, dtype_hint)
    if value is None:
        # TensorFlow's message (a ValueError, which callers such as tf_slim's losses test)
        raise ValueError("None values not supported.")
    raise TypeError(
        f"Failed to convert object of type {type(value)} to Tensor. Contents: {value!r}. "
        "Consider casting elements to a supported type."
    )


def convert_n_to_tensor(values, dtype=None, name=None):
    return [convert_to_tensor(v, dtype=dtype) for v in values]


def is_tensor_like(value):
    """True for Tensors and for objects (like Variables) that stand for one."""
    return isinstance(value, Tensor) or hasattr(value, "_as_graph_element")
