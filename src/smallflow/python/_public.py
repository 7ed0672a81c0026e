"""Module ``__getattr__`` for the ``tensorflow.python.*`` paths: names come from the public API.

TF1 programs sometimes import TensorFlow's internal modules (``from tensorflow.python.ops
import math_ops``) and call what is also public (``math_ops.floor``). These modules answer
with the public function of the same name, looked up lazily (so importing them stays cheap
and the layering holds); a name that is not public raises an AttributeError naming it.
"""

import importlib


def _resolve(path):
    """The public object at dotted ``path`` under ``smallflow`` (``"strings.length"``)."""
    module, _, attr = ("smallflow." + path).rpartition(".")
    return getattr(importlib.import_module(module), attr)


def public_getattr(module_name, namespaces=("",), aliases=None):
    """A module ``__getattr__`` looking ``name`` up in smallflow's public ``namespaces``.

    ``aliases`` maps the module's own spellings of public functions (``string_ops.
    string_length``) to their dotted public path (``"strings.length"``)."""
    aliases = dict(aliases or {})

    def __getattr__(name):
        if name in aliases:
            return _resolve(aliases[name])
        if not name.startswith("__"):
            for namespace in namespaces:
                package = importlib.import_module("smallflow" + (f".{namespace}" if namespace
                                                                 else ""))
                if hasattr(package, name):
                    return getattr(package, name)
        raise AttributeError(f"module '{module_name}' has no attribute '{name}' (smallflow "
                             f"provides TensorFlow's internal modules only for names that "
                             f"are also in the public TF1 API)")

    return __getattr__


def listed_getattr(module_name, namespace, names, aliases=None):
    """A module ``__getattr__`` for a TF module whose public names are exactly ``names``.

    Used where TensorFlow's module holds a fixed set of classes and functions (say
    ``tensorflow.python.layers.core``: ``Dense``, ``dense``, ...): other names of the
    ``namespace`` are not reachable from it, as in TensorFlow. ``aliases`` maps the
    module's other spellings (``FullyConnected``) to the public name they stand for.
    """
    names = frozenset(names)
    aliases = dict(aliases or {})
    lookup = public_getattr(module_name, (namespace,))

    def __getattr__(name):
        if name in names:
            return lookup(name)
        if name in aliases:
            return lookup(aliases[name])
        raise AttributeError(f"module '{module_name}' has no attribute '{name}'")

    return __getattr__
