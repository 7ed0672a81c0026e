"""TF1's smaller top-level helpers around graphs and variables: ``make_template``,
``get_local_variable``, ``init_scope``, ``colocate_with``, ``op_scope`` and
``variable_op_scope``, ``hessians``, the graph-mode switches (``disable_eager_execution``,
``executing_eagerly``, ...) and the enums ``AggregationMethod``,
``VariableAggregation``, ``VariableSynchronization``.

smallflow builds graphs with TF1 semantics (reference variables, v1 control flow), so the
switches that ask for exactly that are no-ops; eager execution is TF 1.x's opt-in mode
(``enable_eager_execution``, eager/context.py).
"""

import contextlib
import enum
import functools

from .gradients import gradients
from .graph import (
    GraphKeys,
    convert_to_tensor,
    get_default_graph,
    init_scope,  # noqa: F401 - tf.init_scope, re-exported from graph.py
    name_scope,
)
from .ops import array_ops
from .variable_scope import get_variable, variable_scope

# -- modes --------------------------------------------------------------------------------------


def executing_eagerly():
    """True while eager execution is on and no graph is entered with ``as_default()``."""
    return get_default_graph()._eager


def executing_eagerly_outside_functions():
    from .eager import context  # loaded on use: graph programs never need it

    return context.eager_enabled()


def resource_variables_enabled():
    """False: variables are TF1 reference variables."""
    return False


def control_flow_v2_enabled():
    return False


def disable_eager_execution():
    """Build graphs again (graph mode is the default; call it at program startup)."""
    from .eager import context

    context.disable_eager_execution()


def disable_v2_behavior():
    """Nothing to do: smallflow behaves as TensorFlow 1.x."""


def disable_resource_variables():
    """Nothing to do: variables are reference variables."""


def disable_control_flow_v2():
    """Nothing to do: control flow is TensorFlow 1.x's."""


def disable_v2_tensorshape():
    """Nothing to do: TensorShape holds Dimension objects, as in TensorFlow 1.x."""


def disable_tensor_equality():
    """Nothing to do: tensors compare by identity and are hashable, as in TensorFlow 1.x."""


# -- scopes -------------------------------------------------------------------------------------


@contextlib.contextmanager
def colocate_with(op, ignore_existing=False):
    """Ops made inside record ``op``'s device (smallflow runs them all on one CPU)."""
    if op is None:
        yield
        return
    graph = op.graph if hasattr(op, "graph") else get_default_graph()
    with graph.colocate_with(op, ignore_existing):
        yield


@contextlib.contextmanager
def op_scope(values, name, default_name=None):
    """Deprecated spelling of ``name_scope(name, default_name, values)``."""
    with name_scope(name or default_name) as scope:
        yield scope


@contextlib.contextmanager
def variable_op_scope(values, name_or_scope, default_name=None, initializer=None,
                      regularizer=None, caching_device=None, partitioner=None,
                      custom_getter=None, reuse=None, dtype=None, use_resource=None):
    """Deprecated spelling of ``variable_scope(name_or_scope, default_name, values)``."""
    with variable_scope(name_or_scope, default_name=default_name, values=values,
                        initializer=initializer, regularizer=regularizer, reuse=reuse,
                        dtype=dtype, custom_getter=custom_getter) as scope:
        yield scope


def get_local_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                       trainable=False, collections=None, **unused):
    """``get_variable`` for a local (non-saved, non-trainable) variable."""
    collections = [*(collections or []), GraphKeys.LOCAL_VARIABLES]
    return get_variable(name, shape, dtype, initializer, regularizer, trainable=False,
                        collections=collections)


def no_regularizer(_):
    """A regularizer that adds nothing (use it to switch off a scope's regularizer)."""
    return None


# -- templates ----------------------------------------------------------------------------------


class Template:
    """``func`` wrapped so that its variables are created on the first call and shared by
    every later call (under one variable scope, ``name_``)."""

    def __init__(self, name, func, create_scope_now=False, unique_name=None,
                 custom_getter=None):
        self._func = func
        self._name = name
        self._variable_scope = None
        self._unique_name = unique_name
        self._custom_getter = custom_getter
        if create_scope_now:
            with variable_scope(unique_name, default_name=name,
                                custom_getter=custom_getter) as scope:
                self._variable_scope = scope

    @property
    def name(self):
        return self._name

    @property
    def variable_scope(self):
        return self._variable_scope

    @property
    def variable_scope_name(self):
        return None if self._variable_scope is None else self._variable_scope.name

    def __call__(self, *args, **kwargs):
        if self._variable_scope is None:
            with variable_scope(self._unique_name, default_name=self._name,
                                custom_getter=self._custom_getter) as scope:
                self._variable_scope = scope
                return self._func(*args, **kwargs)
        # The scope carries the custom getter it was opened with.
        with variable_scope(self._variable_scope, reuse=True):
            return self._func(*args, **kwargs)


def make_template(name_, func_, create_scope_now_=False, unique_name_=None,
                  custom_getter_=None, **kwargs):
    """Wrap ``func_`` so that all calls share the variables the first call creates
    (through ``custom_getter_``, if given, each time)."""
    return Template(name_, functools.partial(func_, **kwargs), create_scope_now_,
                    unique_name_, custom_getter_)


# -- derivatives ---------------------------------------------------------------------------------


def hessians(ys, xs, name="hessians", colocate_gradients_with_ops=False,
             gate_gradients=False, aggregation_method=None):
    """The Hessian of ``sum(ys)`` with respect to each x: shape ``x.shape + x.shape``
    (each x's shape must be known when the graph is built)."""
    xs = list(xs) if isinstance(xs, list | tuple) else [xs]
    results = []
    with name_scope(name):
        firsts = gradients(ys, xs)
        for index, (first, x) in enumerate(zip(firsts, xs)):
            x = convert_to_tensor(x)
            if first is None:
                results.append(None)
                continue
            dims = x.shape.as_list()
            if dims is None or None in dims:
                raise ValueError(f"hessians needs the shape of {x.name} known, got {x.shape}")
            flat = array_ops.reshape(first, [-1])
            count = 1
            for d in dims:
                count *= d
            rows = []
            for i in range(count):
                (second,) = gradients(flat[i], x)
                rows.append(array_ops.zeros_like(x) if second is None else second)
            hessian = array_ops.stack(rows) if rows else array_ops.zeros(dims + dims,
                                                                         x.dtype)
            results.append(array_ops.reshape(hessian, dims + dims, name=f"hessian_{index}"))
    return results


# -- enums --------------------------------------------------------------------------------------


class AggregationMethod:
    """How ``gradients`` adds up several gradients of one tensor (smallflow always adds
    them with one ``add_n``, whichever is asked for)."""

    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2


class VariableSynchronization(enum.Enum):
    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


class VariableAggregation(enum.Enum):
    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3
    ONLY_FIRST_TOWER = 3


# -- TensorFlow 2 switches that smallflow cannot honour ---------------------------------------


def _refuse(what, advice):
    raise NotImplementedError(f"smallflow implements TensorFlow 1.x graph mode only: {what} "
                              f"is not available. {advice}")


def enable_eager_execution(config=None, device_policy=None, execution_mode=None):
    """Run ops as they are made (TF 1.x's eager mode); call it at program startup."""
    from .eager import context

    context.enable_eager_execution(config, device_policy, execution_mode)


def enable_v2_behavior():
    """Refused with an explanation: smallflow behaves as TensorFlow 1.x."""
    _refuse("TensorFlow 2 behavior", "Remove the call; TF1 programs run as they are.")


def enable_control_flow_v2():
    """Refused: control flow is TensorFlow 1.x's (Switch/Merge, while loops with frames)."""
    _refuse("control flow v2", "Remove the call; tf.cond and tf.while_loop work as in TF1.")


def enable_resource_variables():
    """Refused: variables are TensorFlow 1.x reference variables."""
    _refuse("resource variables", "Remove the call; tf.Variable is a reference variable.")


def enable_tensor_equality():
    """Refused: tensors compare by identity and are hashable, as in TensorFlow 1.x."""
    _refuse("tensor equality (== as an element-wise op)", "Use tf.equal(a, b) instead.")


def enable_v2_tensorshape():
    """Refused: TensorShape holds Dimension objects, as in TensorFlow 1.x."""
    _refuse("the v2 TensorShape", "Use shape.as_list() to get plain ints.")


def get_logger():
    """The Python logger ``tf.logging`` writes to (``logging.getLogger("tensorflow")`` in
    TensorFlow; ``"smallflow"`` here)."""
    import logging as _std_logging

    return _std_logging.getLogger("smallflow")


# -- compiled op libraries ----------------------------------------------------------------------


def _refuse_library(function, library_filename):
    import os

    from .errors import NotFoundError

    path = os.fspath(library_filename)
    if not os.path.exists(path):
        # TensorFlow's error for a missing file.
        raise NotFoundError(None, None, f"{path}: cannot open shared object file: No such "
                                        "file or directory")
    raise NotImplementedError(
        f"tf.{function}({path!r}): smallflow cannot load TensorFlow's compiled op and kernel "
        "libraries (C++ built against TensorFlow's runtime); smallflow's ops are written in "
        "NumPy. Port the custom op to Python (tf.py_func, or an op of smallflow's registry).")


def load_op_library(library_filename):
    """TensorFlow loads a compiled custom-op library here; smallflow cannot (error)."""
    _refuse_library("load_op_library", library_filename)


def load_library(library_filename):
    """TensorFlow loads a compiled kernel library here; smallflow cannot (error)."""
    _refuse_library("load_library", library_filename)


def load_file_system_library(library_filename):
    """TensorFlow loads a compiled file-system plugin here; smallflow cannot (error)."""
    _refuse_library("load_file_system_library", library_filename)
