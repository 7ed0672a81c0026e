"""``variable_scope`` and ``get_variable``: variables found again by name, with initializers.

A scope may carry a ``custom_getter``: ``get_variable`` then calls it with the keyword
arguments TF 1.x passes (``getter`` = the real getter, ``name`` = the full name, ``shape``,
``dtype``, ``initializer``, ...) and returns whatever it returns, e.g. a variable's moving
average for evaluation. Nested scopes' getters compose, the innermost called first.
"""

import contextlib
import functools
import inspect
import os
import traceback

from . import dtypes, init_ops
from .graph import GraphKeys, convert_to_tensor, get_default_graph, is_tensor_like
from .ops.constant_op import _infer_dtype
from .tensor_shape import as_shape
from .variables import Variable


class _ReuseMode:
    def __repr__(self):
        return "AUTO_REUSE"


AUTO_REUSE = _ReuseMode()


class VariableScope:
    """The current scope's name, reuse mode and default initializer."""

    def __init__(self, reuse, name="", initializer=None, dtype=dtypes.float32,
                 name_scope=None, custom_getter=None, regularizer=None, caching_device=None,
                 partitioner=None):
        self._reuse = reuse
        self._name = name
        self._initializer = initializer
        self._dtype = dtype
        self._custom_getter = custom_getter
        # The regularizer applies to the scope's new variables that name none of their own;
        # the caching device and partitioner are kept for getters and inner scopes.
        self._regularizer = regularizer
        self._caching_device = caching_device
        self._partitioner = partitioner
        # The op name scope opened with this scope (``foo_1/`` when ``foo/`` was taken).
        self._name_scope = name_scope

    @property
    def name(self):
        return self._name

    @property
    def original_name_scope(self):
        if self._name_scope is not None:
            return self._name_scope
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

    @property
    def custom_getter(self):
        return self._custom_getter

    @property
    def regularizer(self):
        return self._regularizer

    @property
    def caching_device(self):
        return self._caching_device

    @property
    def partitioner(self):
        return self._partitioner

    def reuse_variables(self):
        self._reuse = True

    def set_initializer(self, initializer):
        self._initializer = initializer

    def set_regularizer(self, regularizer):
        self._regularizer = regularizer

    def set_caching_device(self, caching_device):
        # neural_gpu: tf.get_variable_scope().set_caching_device(None)
        self._caching_device = caching_device

    def set_partitioner(self, partitioner):
        self._partitioner = partitioner

    def set_dtype(self, dtype):
        self._dtype = dtypes.as_dtype(dtype).base_dtype

    def set_custom_getter(self, custom_getter):
        self._custom_getter = custom_getter

    def get_variable(self, name, shape=None, dtype=None, initializer=None, regularizer=None,
                     trainable=True, collections=None, custom_getter=None, reuse=None,
                     **options):
        """The variable ``<scope>/<name>``; through ``custom_getter`` (default: the
        scope's) when there is one. ``options`` (caching_device, partitioner, ...) are
        passed on to a custom getter and otherwise not used."""
        full_name = f"{self._name}/{name}" if self._name else name
        if initializer is None:
            initializer = self._initializer
        if regularizer is None:
            regularizer = self._regularizer
        if initializer is not None and not callable(initializer):
            # A value (tensor, Python or NumPy) gives the variable its value, dtype and shape
            # (TF 1.x): ``get_variable("global_step", initializer=0)`` is int32 whatever the
            # scope's dtype; an explicit dtype must be the value's.
            if shape is not None:
                raise ValueError("If initializer is a constant, do not specify shape.")
            value_dtype = (convert_to_tensor(initializer).dtype.base_dtype
                           if is_tensor_like(initializer) else _infer_dtype(initializer))
            if dtype is not None and dtypes.as_dtype(dtype).base_dtype != value_dtype:
                raise ValueError(f"Initializer type '{value_dtype}' and explicit dtype "
                                 f"'{dtypes.as_dtype(dtype)}' don't match.")
            dtype = value_dtype
        if dtype is None:
            dtype = self._dtype
        if reuse is None:
            reuse = self._reuse
        if custom_getter is None:
            custom_getter = self._custom_getter
        if custom_getter is None:
            return _true_getter(full_name, shape, dtype, initializer, regularizer, reuse,
                                trainable, collections,
                                validate_shape=options.get("validate_shape", True))
        if not callable(custom_getter):
            raise ValueError(f"Passed a custom_getter which is not callable: {custom_getter}")
        # Variable names do not depend on the name scope; TF runs the getter outside it.
        with get_default_graph().name_scope(None):
            return self._call_getter(custom_getter, full_name, shape, dtype, initializer,
                                     regularizer, reuse, trainable, collections, options)

    @staticmethod
    def _call_getter(custom_getter, full_name, shape, dtype, initializer, regularizer, reuse,
                     trainable, collections, options):
        arguments = {
            "getter": _true_getter, "name": full_name, "shape": shape, "dtype": dtype,
            "initializer": initializer, "regularizer": regularizer, "reuse": reuse,
            "trainable": trainable, "collections": collections,
            "caching_device": options.get("caching_device"),
            "partitioner": options.get("partitioner"),
            "validate_shape": options.get("validate_shape", True),
            "use_resource": options.get("use_resource"),
            "synchronization": options.get("synchronization"),
            "aggregation": options.get("aggregation"),
        }
        # Getters written before TF added ``constraint`` get it only if they can take it.
        if _accepts(custom_getter, "constraint"):
            arguments["constraint"] = options.get("constraint")
        return custom_getter(**arguments)


def _true_getter(name, shape=None, dtype=dtypes.float32, initializer=None, regularizer=None,
                 reuse=None, trainable=None, collections=None, caching_device=None,
                 partitioner=None, validate_shape=True, use_resource=None, constraint=None,
                 synchronization=None, aggregation=None):
    """What ``get_variable`` does without a custom getter (the ``getter`` a custom getter
    receives); ``name`` is the full name."""
    trainable = True if trainable is None else trainable
    return _store().get(name, shape, dtype, initializer, regularizer, trainable, collections,
                        reuse, validate_shape)


def _accepts(function, keyword):
    """Whether ``function`` takes ``keyword`` (by name or through ``**kwargs``)."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.name == keyword or p.kind is inspect.Parameter.VAR_KEYWORD
               for p in parameters)


def _compose_getters(custom_getter, outer_getter):
    """``custom_getter`` (an inner scope's) wrapped around the enclosing scope's getter: the
    inner one is called first, and its ``getter`` argument runs the outer one."""
    if outer_getter is None:
        return custom_getter

    def composed(getter, *args, **kwargs):
        return custom_getter(functools.partial(outer_getter, getter), *args, **kwargs)

    return composed


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _program_frames(limit=5):
    """The caller's stack without smallflow's own frames, innermost first (at most 5)."""
    frames = traceback.extract_stack()[::-1]
    return [f for f in frames if not os.path.abspath(f.filename).startswith(_PACKAGE_DIR)][
        :limit]


class _VariableStore:
    """The variables made by ``get_variable`` in one graph, by full name."""

    def __init__(self):
        self.variables = {}
        # While executing eagerly TF 1.x keeps no variables by name (every get_variable
        # makes a new one, scopes reuse as AUTO_REUSE) unless an EagerVariableStore is open.
        self.store_eager = False
        self.origins = {}  # name -> the program's frames that created it (innermost first)

    def get(self, name, shape, dtype, initializer, regularizer, trainable, collections, reuse,
            validate_shape=True):
        dtype = dtypes.as_dtype(dtype).base_dtype
        eager = get_default_graph()._eager
        if eager:
            reuse = AUTO_REUSE
        found = self.variables.get(name) if not eager or self.store_eager else None
        if found is not None:
            if reuse is False or reuse is None:
                # As TensorFlow 1.x: where the program first made it, innermost frame first.
                origin = "".join(traceback.format_list(self.origins.get(name, [])))
                raise ValueError(
                    f"Variable {name} already exists, disallowed. Did you mean to set "
                    f"reuse=True or reuse=tf.AUTO_REUSE in VarScope? Originally defined at:"
                    f"\n\n{origin}"
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
        with graph.control_dependencies(None), graph.name_scope(None), \
                graph.name_scope(name + "/Initializer/"):
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
            # validate_shape=False: a variable whose shape is known only once its initial
            # value runs (tf.contrib.cudnn_rnn's opaque parameters).
            variable = Variable(initial, trainable=trainable, collections=collections,
                                name=name, dtype=dtype, validate_shape=validate_shape)
        if not eager or self.store_eager:
            self.variables[name] = variable
            self.origins[name] = _program_frames()
        if regularizer is not None and not eager:
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
                 trainable=True, collections=None, caching_device=None, partitioner=None,
                 validate_shape=True, use_resource=None, custom_getter=None, constraint=None,
                 **unused):
    """Create a variable ``<scope>/<name>``, or return it when the scope reuses variables.

    A ``custom_getter`` given here replaces the scope's for this call.
    """
    unused.pop("reuse", None)  # not an argument of TF's get_variable; the scope decides
    return get_variable_scope().get_variable(
        name, shape, dtype, initializer, regularizer, trainable, collections,
        custom_getter=custom_getter, caching_device=caching_device, partitioner=partitioner,
        validate_shape=validate_shape, use_resource=use_resource, constraint=constraint,
        **unused)


def _scope_counts(graph):
    """How often each variable scope (by full name) was opened: TF1's naming of default names."""
    counts = getattr(graph, "_variable_scopes_count", None)
    if counts is None:
        counts = graph._variable_scopes_count = {}
    return counts


def _unique_default_name(counts, parent_name, default_name):
    """``default_name``, or ``default_name_1``, ``_2``... : the first not opened yet here."""
    prefix = f"{parent_name}/{default_name}" if parent_name else default_name
    if not counts.get(prefix):
        return default_name
    index = 1
    while counts.get(f"{prefix}_{index}"):
        index += 1
    return f"{default_name}_{index}"


def _close_subscopes(counts, name):
    """Forget the scopes opened inside ``name``: re-entering it numbers them from 0 again.

    This is what lets ``with variable_scope("D", reuse=True):`` rebuild a network whose
    layers were named by default (``D/conv2d``, ``D/conv2d_1``) and find the same variables.
    """
    prefix = name + "/"
    for key in counts:
        if key.startswith(prefix):
            counts[key] = 0


@contextlib.contextmanager
def variable_scope(name_or_scope, default_name=None, values=None, initializer=None,
                   regularizer=None, reuse=None, dtype=None, auxiliary_name_scope=True,
                   custom_getter=None, **unused):
    """Open a scope for variable names (and a name scope of the same name for ops).

    Scope names opened with a ``default_name`` are numbered as TF 1.x numbers them: per
    enclosing scope, starting again from the plain name each time the enclosing scope is
    entered anew. With ``auxiliary_name_scope=False`` no name scope is opened: ops keep the
    current one (layers re-enter ``scope.original_name_scope`` themselves that way).
    The scope keeps the custom getter of the scope it re-enters (a VariableScope) or of the
    enclosing one, with ``custom_getter`` wrapped around it.
    """
    graph = get_default_graph()
    stack = _scope_stack(graph)
    counts = _scope_counts(graph)
    parent = stack[-1]
    if isinstance(name_or_scope, VariableScope):
        # TF1 opens a new (uniquified) name scope named after the scope's last component,
        # below the current one; re-entering the root scope leaves the name scope alone.
        full_name = name_or_scope.name
        op_scope = full_name.split("/")[-1]
    else:
        base = name_or_scope
        if base is None:
            if default_name is None:
                raise TypeError("If default_name is None then name_or_scope is required")
            base = _unique_default_name(counts, parent.name, default_name)
        full_name = f"{parent.name}/{base}" if parent.name else base
        op_scope = base
    if reuse is None or reuse is False:
        reuse = parent.reuse if parent.reuse else reuse
    reentered = isinstance(name_or_scope, VariableScope)
    # A new scope inherits its settings from the enclosing one, a re-entered scope keeps its
    # own; arguments given here override either.
    source = name_or_scope if reentered else parent
    getter = source.custom_getter
    if custom_getter is not None:
        getter = _compose_getters(custom_getter, getter)
    caching_device = unused.get("caching_device")
    partitioner = unused.get("partitioner")
    scope = VariableScope(
        reuse if reuse is not None else False,
        full_name,
        initializer or source.initializer,
        dtypes.as_dtype(dtype).base_dtype if dtype is not None else source.dtype,
        custom_getter=getter,
        regularizer=regularizer if regularizer is not None else source.regularizer,
        caching_device=caching_device if caching_device is not None else source.caching_device,
        partitioner=partitioner if partitioner is not None else source.partitioner,
    )
    counts[full_name] = counts.get(full_name, 0) + 1
    saved_counts = dict(counts) if isinstance(name_or_scope, VariableScope) else None
    stack.append(scope)
    try:
        if not auxiliary_name_scope:
            op_scope = None
        with (graph.name_scope(op_scope) if op_scope else contextlib.nullcontext()) as opened:
            if isinstance(name_or_scope, VariableScope):
                scope._name_scope = name_or_scope.original_name_scope
            elif opened is not None:
                scope._name_scope = opened
            else:
                current = graph.get_name_scope()
                scope._name_scope = current + "/" if current else ""
            yield scope
    finally:
        stack.pop()
        if saved_counts is not None:
            counts.clear()
            counts.update(saved_counts)
        else:
            _close_subscopes(counts, full_name)


@contextlib.contextmanager
def reenter_variable_scope(scope):
    """Re-enter ``scope`` with reuse and its original name scope, as a TF1 layer or RNN cell
    does on its second call (``proj/BiasAdd_1``, not ``proj_1/BiasAdd``)."""
    with variable_scope(scope, reuse=True, auxiliary_name_scope=False) as entered, \
            get_default_graph().name_scope(scope.original_name_scope):
        yield entered
