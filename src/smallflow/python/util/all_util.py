"""``tensorflow.python.util.all_util``: a module's public names taken from ``@@name`` lines
of its docstring (``make_all``), and the other names hidden (``remove_undocumented``)."""

import re
import sys

_REFERENCE = re.compile(r"^@@(\w+)$", flags=re.MULTILINE)
_HIDDEN_ATTRIBUTES = {}


def make_all(module_name, doc_string_modules=None):
    """The names listed as ``@@name`` in the docstrings of ``doc_string_modules`` (default:
    the module ``module_name`` itself)."""
    if doc_string_modules is None:
        doc_string_modules = [sys.modules[module_name]]
    names = []
    for module in doc_string_modules:
        names.extend(_REFERENCE.findall(module.__doc__ or ""))
    return sorted(set(names))


def reveal_undocumented(symbol_name, target_module=None):
    """Put back ``module.name`` (a fully qualified name) that remove_undocumented hid."""
    if symbol_name not in _HIDDEN_ATTRIBUTES:
        raise LookupError(f"Symbol {symbol_name} is not a hidden symbol")
    symbol_basename = symbol_name.split(".")[-1]
    original_module, attr_value = _HIDDEN_ATTRIBUTES[symbol_name]
    setattr(target_module or original_module, symbol_basename, attr_value)


def remove_undocumented(module_name, allowed_exception_list=None, doc_string_modules=None):
    """Delete from module ``module_name`` every public name neither documented with ``@@``
    nor in ``allowed_exception_list`` (names starting with ``_`` stay)."""
    module = sys.modules[module_name]
    keep = set(make_all(module_name, doc_string_modules)) | set(allowed_exception_list or ())
    for name in sorted(set(dir(module)) - keep):
        if name.startswith("_"):
            continue
        _HIDDEN_ATTRIBUTES[f"{module_name}.{name}"] = (module, getattr(module, name))
        delattr(module, name)


__all__ = ["make_all", "remove_undocumented", "reveal_undocumented"]
