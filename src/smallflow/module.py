"""``tf.Module``: a named container of variables, submodules and the functions that use them.

A module takes its name from the constructor (or its class name in snake_case) and opens a
name scope of that name once, when it is made: re-entering ``module.name_scope`` later puts
new ops and variables under the same prefix (``dense/``), and a second module of the same
name gets ``dense_1/``, as TensorFlow 1.15's graph-mode modules do. ``variables``,
``trainable_variables`` and ``submodules`` are found by walking the module's attributes in
name order (lists, tuples and dicts included), then each submodule's, breadth first; an
object reached twice is reported once, and cycles between modules are not followed back.
"""

import functools
import re

from .graph import get_default_graph
from .variables import Variable

__all__ = ["Module"]

_CAMEL_BOUNDARY = re.compile(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))")
_IDENTIFIER = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


def camel_to_snake(value):
    """``"MyDenseLayer"`` -> ``"my_dense_layer"``, ``"MLP"`` -> ``"mlp"``."""
    return _CAMEL_BOUNDARY.sub(r"_\1", value).lower()


def valid_identifier(name):
    return isinstance(name, str) and bool(_IDENTIFIER.match(name))


def _is_variable(value):
    return isinstance(value, Variable)


def _is_trainable(value):
    return _is_variable(value) and getattr(value, "trainable", False)


def _is_non_trainable(value):
    return _is_variable(value) and not getattr(value, "trainable", False)


def _is_module(value):
    return isinstance(value, Module)


def _leaves(value):
    """``(path, leaf)`` pairs of a property: containers are opened, anything else is a leaf."""
    if isinstance(value, dict):
        try:
            keys = sorted(value)
        except TypeError:
            raise TypeError("nest only supports dicts with sortable keys.") from None
        for key in keys:
            for path, leaf in _leaves(value[key]):
                yield (key, *path), leaf
    elif isinstance(value, list | tuple) and not _is_variable(value):
        for index, item in enumerate(value):
            for path, leaf in _leaves(item):
                yield (index, *path), leaf
    else:
        yield (), value


def _walk(module, predicate, recursive, with_path, key, prefix, seen, stack):
    """The leaves of ``module`` matching ``predicate``, then its submodules' (TF's order)."""
    if id(module) in stack:  # a cycle back to a module being walked: do not go round again
        recursive = False
    found = []
    for name in sorted(vars(module), key=key):
        if name in Module._TF_MODULE_IGNORED_PROPERTIES:
            continue
        value = vars(module)[name]
        try:
            leaves = list(_leaves(value))
        except Exception as cause:
            raise ValueError(f"Error processing property {name!r} of {value!r}") from cause
        for path, leaf in leaves:
            full = (*prefix, name, *path)
            if not with_path:
                if id(leaf) in seen:
                    continue
                seen.add(id(leaf))
            if predicate(leaf):
                yield (full, leaf) if with_path else leaf
            if recursive and _is_module(leaf):
                found.append((full, leaf))
    stack.append(id(module))
    for path, child in found:
        yield from _walk(child, predicate, recursive, with_path, key, path, seen, stack)
    stack.pop()


class _Scope:
    """``with module.name_scope:``: enters the scope in the graph default at that moment;
    ``.name`` is the scope (TensorFlow's name_scope object)."""

    def __init__(self, name):
        self._name = name
        self._entered = []

    @property
    def name(self):
        return self._name

    def __enter__(self):
        manager = get_default_graph().name_scope(self._name)
        scope = manager.__enter__()
        self._entered.append(manager)
        return scope

    def __exit__(self, *exc_info):
        return self._entered.pop().__exit__(*exc_info)


class Module:
    """Base class of named containers of variables and submodules (``tf.Module``)."""

    _TF_MODULE_IGNORED_PROPERTIES = frozenset(("_scope_name", "_name"))

    def __init__(self, name=None):
        if name is None:
            name = camel_to_snake(type(self).__name__)
        elif not valid_identifier(name):
            raise ValueError(f"{name!r} is not a valid module name. Module names must be valid "
                             "Python identifiers (e.g. a valid class name).")
        self._name = name
        with get_default_graph().name_scope(name) as scope_name:
            self._scope_name = scope_name

    @property
    def name(self):
        """The name given to the constructor (without the enclosing modules' scopes)."""
        return self._name

    @property
    def name_scope(self):
        """A context manager re-entering the module's scope (``"outer/name/"``)."""
        return _Scope(self._scope_name)

    @property
    def variables(self):
        """This module's variables (by attribute name), then its submodules', breadth first."""
        return tuple(self._flatten(predicate=_is_variable))

    @property
    def trainable_variables(self):
        return tuple(self._flatten(predicate=_is_trainable))

    @property
    def non_trainable_variables(self):
        return tuple(self._flatten(predicate=_is_non_trainable))

    @property
    def submodules(self):
        """Every module reachable from this one's attributes (not this one)."""
        return tuple(self._flatten(predicate=_is_module))

    def _flatten(self, recursive=True, predicate=None, attribute_traversal_key=None,
                 with_path=False, expand_composites=False):
        """The attribute values (and, with ``with_path``, their paths) that ``predicate``
        accepts, walking attributes in name order and submodules after."""
        if predicate is None:
            predicate = _accept
        return _walk(self, predicate, recursive, with_path, attribute_traversal_key, (),
                     {id(self)}, [])

    @classmethod
    def with_name_scope(cls, method):
        """Decorate a method so that it runs inside the module's name scope."""

        @functools.wraps(method)
        def method_with_name_scope(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)

        return method_with_name_scope


def _accept(_value):
    return True

