"""``variable_scope`` and ``get_variable``: variables found again by name, with initializers."""

import contextlib

from . import dtypes, init_ops
from .graph import GraphKeys, get_default_graph
from .tensor_shape import as_shape
from .variables import Variable


class _ReuseMode:
    def __repr__(self):
        return "AUTO_REUSE"


AUTO_REUSE = _ReuseMode()


class VariableScope:
    """The current scope's name, reuse mode and default initializer."""

    def __init__(self, reuse, name="", initializer=None, dtype=dtypes.float32):
        self._reuse = reuse
        self._name = name
        self._initializer = initializer
        self._dtype = dtype

    @property
    def name(self):
        return self._name

    @property
    def original_name_scope(self):
        return self._name + "/" if self._name else ""

    @property
    def reuse(self):
        return self._reuse

    @property
    def initializer(self):
        return self._initializer

    @property
    def dtype(self):
        return self._dtype

    def reuse_variables(self):
        self._reuse = True

    def set_initializer(self, initializer):
        self._initializer = initializer

    def get_variable(self, name, shape=None, dtype=None, initializer=None, regularizer=None,
                     trainable=True, collections=None):
        full_name = f"{self._name}/{name}" if self._name else name
        return _store().get(full_name, shape, dtype or self._dtype,
                            initializer or self._initializer, regularizer, trainable,
                            collections, self._reuse)


class _VariableStore:
    """The variables made by ``get_variable`` in one graph, by full name."""

    def __init__(self):
        self.variables = {}

    def get(self, name, shape, dtype, initializer, regularizer, trainable, collections, reuse):
        dtype = dtypes.as_dtype(dtype).base_dtype
        found = self.variables.get(name)
        if found is not None:
            if reuse is False or reuse is None:
                raise ValueError(
                    f"Variable {name} already exists, disallowed. Did you mean to set "
                    "reuse=True or reuse=tf.AUTO_REUSE in VarScope?"
                )
            if shape is not None and not as_shape(shape).is_compatible_with(found.shape):
                raise ValueError(f"Trying to share variable {name}, but specified shape "
                                 f"{as_shape(shape)} and found shape {found.shape}.")
            if dtype.base_dtype != found.dtype.base_dtype:
                raise ValueError(f"Trying to share variable {name}, but specified dtype "
                                 f"{dtype.name} and found dtype {found.dtype.name}.")
            return found
        if reuse is True:
            raise ValueError(
                f"Variable {name} does not exist, or was not created with tf.get_variable(). "
                "Did you mean to set reuse=tf.AUTO_REUSE in VarScope?"
            )
        if initializer is None:
            initializer = (init_ops.glorot_uniform_initializer() if dtype.is_floating
                           else init_ops.zeros_initializer())
        if isinstance(initializer, type):
            initializer = initializer()
        graph = get_default_graph()
        with graph.name_scope(None), graph.name_scope(name + "/Initializer/"):
            if callable(initializer):
                if shape is None:
                    raise ValueError(f"Shape of a new variable ({name}) must be fully defined, "
                                     "but instead was <unknown>.")
                dims = as_shape(shape).as_list()
                if None in dims:
                    raise ValueError(f"Shape of a new variable ({name}) must be fully defined, "
                                     f"but instead was {as_shape(shape)}.")
                initial = initializer(dims, dtype=dtype)
            else:
                initial = initializer
        with graph.name_scope(None):
            variable = Variable(initial, trainable=trainable, collections=collections,
                                name=name, dtype=dtype)
        self.variables[name] = variable
        if regularizer is not None:
            with graph.name_scope(None), graph.name_scope(name + "/Regularizer/"):
                penalty = regularizer(variable)
            if penalty is not None:
                graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, penalty)
        return variable


def _scope_stack(graph):
    """The graph's stack of open variable scopes (kept on the graph, like its variables)."""
    stack = getattr(graph, "_variable_scope_stack", None)
    if stack is None:
        stack = graph._variable_scope_stack = [VariableScope(False)]
    return stack


def _store():
    graph = get_default_graph()
    store = getattr(graph, "_variable_store", None)
    if store is None:
        store = graph._variable_store = _VariableStore()
    return store


def get_variable_scope():
    """The current VariableScope of the default graph."""
    return _scope_stack(get_default_graph())[-1]


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                 trainable=True, collections=None, **unused):
    """Create a variable ``<scope>/<name>``, or return it when the scope reuses variables."""
    return get_variable_scope().get_variable(name, shape, dtype, initializer, regularizer,
                                             trainable, collections)


@contextlib.contextmanager
def variable_scope(name_or_scope, default_name=None, values=None, initializer=None,
                   regularizer=None, reuse=None, dtype=None, **unused):
    """Open a scope for variable names (and a name scope of the same name for ops)."""
    graph = get_default_graph()
    stack = _scope_stack(graph)
    parent = stack[-1]
    if isinstance(name_or_scope, VariableScope):
        full_name = name_or_scope.name
        op_scope = full_name + "/"
    else:
        base = name_or_scope
        if base is None:
            if default_name is None:
                raise TypeError("If default_name is None then name_or_scope is required")
            used = getattr(graph, "_default_scope_counts", None)
            if used is None:
                used = graph._default_scope_counts = {}
            key = f"{parent.name}/{default_name}" if parent.name else default_name
            count = used.get(key, 0)
            used[key] = count + 1
            base = default_name if count == 0 else f"{default_name}_{count}"
        full_name = f"{parent.name}/{base}" if parent.name else base
        op_scope = base
    if reuse is None or reuse is False:
        reuse = parent.reuse if parent.reuse else reuse
    scope = VariableScope(
        reuse if reuse is not None else False,
        full_name,
        initializer or (name_or_scope.initializer if isinstance(name_or_scope, VariableScope)
                        else parent.initializer),
        dtypes.as_dtype(dtype).base_dtype if dtype is not None else parent.dtype,
    )
    stack.append(scope)
    try:
        with graph.name_scope(op_scope):
            yield scope
    finally:
        stack.pop()
