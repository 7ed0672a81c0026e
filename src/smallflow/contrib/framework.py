"""``tf.contrib.framework``: ``arg_scope`` and the variable helpers slim-style code uses."""

import contextlib
import functools

from .. import nest
from ..graph import GraphKeys, add_to_collections, get_collection, get_default_graph
from ..ops.array_extra_ops import argsort, sort  # noqa: F401 - contrib.framework's names
from ..train.checkpoint_init import (
    assign_from_checkpoint,
    assign_from_checkpoint_fn,
    init_from_checkpoint,
)
from ..train.checkpoint_utils import list_variables, load_checkpoint, load_variable
from ..train.training_util import create_global_step, get_global_step, get_or_create_global_step
from ..variable_scope import get_variable
from ._missing import missing_attribute

__all__ = [
    "add_arg_scope",
    "arg_scope",
    "assign_from_checkpoint",
    "assign_from_checkpoint_fn",
    "init_from_checkpoint",
    "list_variables",
    "load_checkpoint",
    "load_variable",
    "arg_scoped_arguments",
    "create_global_step",
    "get_global_step",
    "get_model_variables",
    "get_or_create_global_step",
    "get_trainable_variables",
    "get_variables",
    "get_variables_by_name",
    "get_variables_to_restore",
    "has_arg_scope",
    "model_variable",
    "nest",
    "sort",
    "argsort",
    "variable",
]

# -- arg_scope ----------------------------------------------------------------------------------


def _scope_stack():
    """The open arg scopes of the default graph: a list of {function key: kwargs}."""
    graph = get_default_graph()
    stack = getattr(graph, "_arg_scope_stack", None)
    if stack is None:
        stack = graph._arg_scope_stack = [{}]
    return stack


def _key(func):
    return getattr(func, "_arg_scope_key", None)


def add_arg_scope(func):
    """Decorate ``func`` so that ``arg_scope`` can give it default keyword arguments."""
    key = (func.__module__, func.__qualname__)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        scoped = _scope_stack()[-1].get(key, {})
        merged = {**scoped, **kwargs}
        return func(*args, **merged)

    wrapper._arg_scope_key = key
    return wrapper


def has_arg_scope(func):
    return _key(func) is not None


def arg_scoped_arguments(func):
    """The names of the arguments ``func`` accepts (what an arg_scope may set)."""
    import inspect

    return list(inspect.signature(func).parameters)


@contextlib.contextmanager
def arg_scope(list_ops_or_scope, **kwargs):
    """Within the block, calls of the listed functions get ``kwargs`` as defaults.

    Nested scopes add to (and override) the outer ones; explicit arguments always win.
    ``arg_scope(scope)`` re-enters a scope dict yielded by an earlier ``arg_scope``.
    """
    stack = _scope_stack()
    if isinstance(list_ops_or_scope, dict):
        if kwargs:
            raise ValueError("When attempting to re-use a scope by suppling a dictionary, "
                             "kwargs must be empty.")
        current = dict(list_ops_or_scope)
    else:
        if not isinstance(list_ops_or_scope, list | tuple):
            raise TypeError("list_ops_or_scope must either be a list/tuple or reused scope "
                            "(i.e. dict)")
        current = dict(stack[-1])
        for op in list_ops_or_scope:
            key = _key(op)
            if key is None:
                raise ValueError(f"{getattr(op, '__name__', op)} is not decorated with "
                                 "@add_arg_scope")
            current[key] = {**current.get(key, {}), **kwargs}
    stack.append(current)
    try:
        yield current
    finally:
        stack.pop()


# -- variables ----------------------------------------------------------------------------------


@add_arg_scope
def variable(name, shape=None, dtype=None, initializer=None, regularizer=None, trainable=True,
             collections=None, caching_device=None, device=None, partitioner=None,
             custom_getter=None, use_resource=None, synchronization=None, aggregation=None):
    """``get_variable`` that also files the variable under ``collections`` (and globals),
    placed on ``device`` (a string or a function of the op) when given. Takes arg_scope
    defaults (TF-Slim's model_deploy sets ``device`` this way)."""
    from ..graph import device as device_scope

    collections = list(collections or [])
    wanted = [GraphKeys.GLOBAL_VARIABLES, *collections]
    wanted = list(dict.fromkeys(wanted))
    placement = device_scope(device) if device else contextlib.nullcontext()
    with placement:
        return get_variable(name, shape, dtype, initializer, regularizer, trainable,
                            collections=wanted, custom_getter=custom_getter)


@add_arg_scope
def model_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                   trainable=True, collections=None, caching_device=None, device=None,
                   partitioner=None, custom_getter=None, use_resource=None,
                   synchronization=None, aggregation=None):
    """A variable that also joins the MODEL_VARIABLES collection."""
    collections = [*(collections or []), GraphKeys.MODEL_VARIABLES]
    return variable(name, shape, dtype, initializer, regularizer, trainable, collections,
                    device=device, custom_getter=custom_getter)


def _scope_filter(scope, suffix, collection):
    found = get_collection(collection, scope)
    if suffix is not None:
        found = [v for v in found if v.op.name.endswith(suffix)]
    return found


def get_variables(scope=None, suffix=None, collection=GraphKeys.GLOBAL_VARIABLES):
    if scope is not None and not isinstance(scope, str):
        scope = scope.name
    return _scope_filter(scope, suffix, collection)


def get_model_variables(scope=None, suffix=None):
    return get_variables(scope, suffix, GraphKeys.MODEL_VARIABLES)


def get_trainable_variables(scope=None, suffix=None):
    return get_variables(scope, suffix, GraphKeys.TRAINABLE_VARIABLES)


def get_variables_by_name(given_name, scope=None):
    return get_variables(scope=scope, suffix=given_name)


def get_variables_to_restore(include=None, exclude=None):
    """The global variables under the scopes in ``include``, minus those in ``exclude``."""
    if include is None:
        chosen = get_variables()
    else:
        chosen = [v for scope in include for v in get_variables(scope)]
    excluded = {v for scope in (exclude or []) for v in get_variables(scope)}
    return [v for v in chosen if v not in excluded]


def _add_to_collections(collections, value):
    if collections:
        add_to_collections(collections, value)


def _long_paths():
    """TF1's long import paths into contrib.framework (``from
    tensorflow.contrib.framework.python.ops import audio_ops as contrib_audio``, the speech
    commands tutorial's; ``... import arg_scope``, ``... import variables``), as modules
    registered under this module's name (their parents need no files of their own)."""
    import sys
    import types

    from ..ops import audio_ops

    this = sys.modules[__name__]
    python = types.ModuleType(f"{__name__}.python")
    ops = types.ModuleType(f"{__name__}.python.ops")
    python.ops = ops
    scoping = types.ModuleType(f"{ops.__name__}.arg_scope")
    for name in ("add_arg_scope", "arg_scope", "arg_scoped_arguments", "has_arg_scope"):
        setattr(scoping, name, getattr(this, name))
        # As in TensorFlow, the package's own ``arg_scope`` is the function, not the module.
        setattr(ops, name, getattr(this, name))
    ops.audio_ops = audio_ops
    ops.variables = this
    sys.modules[python.__name__] = python
    sys.modules[ops.__name__] = ops
    sys.modules[scoping.__name__] = scoping
    sys.modules[f"{ops.__name__}.audio_ops"] = audio_ops
    sys.modules[f"{ops.__name__}.variables"] = this
    return python


python = _long_paths()
__getattr__ = missing_attribute(__name__, "tf.contrib.framework")
