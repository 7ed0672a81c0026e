"""``tensorflow.python.util.deprecation``: decorators marking functions, arguments and
argument values deprecated. Each logs TensorFlow's warning (through ``tf.logging``) on the
first call (every call with ``warn_once=False``) and notes the deprecation in the docstring.
"""

import contextlib
import functools

from ... import logging as _logging
from . import tf_decorator, tf_inspect

_PRINT_DEPRECATION_WARNINGS = True
_PRINTED_WARNING = {}


class DeprecatedNamespace:
    """Marker base class of deprecated namespaces (TensorFlow checks for it)."""


def _when(date):
    return "in a future version" if date is None else f"after {date}"


def _validate(date, instructions):
    if date is not None and not (len(date) == 10 and date[4] == "-" and date[7] == "-"):
        raise ValueError(f"Date must be YYYY-MM-DD, got {date!r}.")
    if not instructions:
        raise ValueError("Don't deprecate things without conversion instructions!")


def _add_notice(doc, date, instructions, what="THIS FUNCTION IS DEPRECATED"):
    lines = [f"{what}. It will be removed {_when(date)}.", "Instructions for updating:",
             instructions]
    notice = "\n".join(lines)
    return f"{doc or ''}\n\nWarning: {notice}".strip()


def _call_location():
    frame = tf_inspect.currentframe()
    for _ in range(3):
        if frame.f_back is None:
            break
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


def _should_warn(key, warn_once):
    if not _PRINT_DEPRECATION_WARNINGS:
        return False
    if warn_once and _PRINTED_WARNING.get(key):
        return False
    _PRINTED_WARNING[key] = True
    return True


def deprecated(date, instructions, warn_once=True):
    """Mark a function (or class) deprecated: it logs a warning when called."""
    _validate(date, instructions)

    def decorate(func):
        name = getattr(func, "__qualname__", getattr(func, "__name__", repr(func)))
        module = getattr(func, "__module__", "?")

        if isinstance(func, type):
            init = func.__init__

            @functools.wraps(init)
            def new_init(*args, **kwargs):
                if _should_warn(func, warn_once):
                    _logging.warning(
                        "From %s: %s (from %s) is deprecated and will be removed %s.\n"
                        "Instructions for updating:\n%s", _call_location(), name, module,
                        _when(date), instructions)
                return init(*args, **kwargs)

            func.__init__ = new_init
            func.__doc__ = _add_notice(func.__doc__, date, instructions,
                                       "THIS CLASS IS DEPRECATED")
            return func

        def new_func(*args, **kwargs):
            if _should_warn(func, warn_once):
                _logging.warning(
                    "From %s: %s (from %s) is deprecated and will be removed %s.\n"
                    "Instructions for updating:\n%s", _call_location(), name, module,
                    _when(date), instructions)
            return func(*args, **kwargs)

        return tf_decorator.make_decorator(func, new_func, "deprecated",
                                           _add_notice(func.__doc__, date, instructions))

    return decorate


def deprecated_args(date, instructions, *deprecated_arg_names_or_tuples, **kwargs):
    """Mark arguments deprecated: a call passing one of them logs a warning. A name may be a
    ``(name, ok_value)`` pair: passing ``ok_value`` is not deprecated."""
    _validate(date, instructions)
    warn_once = kwargs.pop("warn_once", True)
    if kwargs:
        raise ValueError(f"Illegal argument to deprecated_args: {sorted(kwargs)}")
    if not deprecated_arg_names_or_tuples:
        raise ValueError("Specify which argument is deprecated.")
    spec = {}
    for item in deprecated_arg_names_or_tuples:
        if isinstance(item, tuple):
            spec[item[0]] = (True, item[1])
        else:
            spec[item] = (False, None)

    def decorate(func):
        argspec = tf_inspect.getfullargspec(func)
        missing = [name for name in spec
                   if name not in argspec.args + argspec.kwonlyargs
                   and name not in (argspec.varargs, argspec.varkw)]
        if missing:
            raise ValueError(f"The following deprecated arguments are not present in the "
                             f"function signature: {missing}. Found next arguments: "
                             f"{argspec.args}.")
        name = getattr(func, "__qualname__", getattr(func, "__name__", repr(func)))

        def new_func(*args, **call_kwargs):
            if _PRINT_DEPRECATION_WARNINGS:
                passed = dict(zip(argspec.args, args, strict=False))
                passed.update(call_kwargs)
                for arg, (has_ok, ok_value) in spec.items():
                    deprecated_use = arg in passed and not (has_ok and passed[arg] == ok_value)
                    if deprecated_use and _should_warn((func, arg), warn_once):
                        _logging.warning(
                            "From %s: calling %s (from %s) with %s is deprecated and will "
                            "be removed %s.\nInstructions for updating:\n%s",
                            _call_location(), name, func.__module__, arg, _when(date),
                            instructions)
            return func(*args, **call_kwargs)

        doc = _add_notice(func.__doc__, date, instructions,
                          f"SOME ARGUMENTS ARE DEPRECATED: ({', '.join(spec)})")
        return tf_decorator.make_decorator(func, new_func, "deprecated", doc)

    return decorate


def deprecated_arg_values(date, instructions, warn_once=True, **deprecated_kwargs):
    """Mark argument values deprecated: a call passing ``name=value`` logs a warning."""
    _validate(date, instructions)
    if not deprecated_kwargs:
        raise ValueError("Specify which argument values are deprecated.")

    def decorate(func):
        name = getattr(func, "__qualname__", getattr(func, "__name__", repr(func)))
        argspec = tf_inspect.getfullargspec(func)

        def new_func(*args, **kwargs):
            if _PRINT_DEPRECATION_WARNINGS:
                passed = dict(zip(argspec.args, args, strict=False))
                passed.update(kwargs)
                for arg, value in deprecated_kwargs.items():
                    if arg in passed and passed[arg] == value and _should_warn(
                            (func, arg), warn_once):
                        _logging.warning(
                            "From %s: calling %s (from %s) with %s=%s is deprecated and "
                            "will be removed %s.\nInstructions for updating:\n%s",
                            _call_location(), name, func.__module__, arg, value,
                            _when(date), instructions)
            return func(*args, **kwargs)

        doc = _add_notice(func.__doc__, date, instructions, "SOME ARGUMENT VALUES ARE "
                          "DEPRECATED: (" + ", ".join(f"{k}={v}" for k, v in
                                                      deprecated_kwargs.items()) + ")")
        return tf_decorator.make_decorator(func, new_func, "deprecated", doc)

    return decorate


def deprecated_alias(deprecated_name, name, func_or_class, warn_once=True):
    """``func_or_class`` under its old name ``deprecated_name``: calls log a warning that
    point to ``name``."""
    instructions = f"Please use {name} instead."
    if isinstance(func_or_class, type):

        class _Alias(func_or_class):
            __doc__ = _add_notice(func_or_class.__doc__, None, instructions,
                                  "THIS CLASS IS DEPRECATED")

            def __init__(self, *args, **kwargs):
                if _should_warn(_Alias, warn_once):
                    _logging.warning("From %s: The name %s is deprecated. Please use %s "
                                     "instead.\n", _call_location(), deprecated_name, name)
                super().__init__(*args, **kwargs)

        _Alias.__name__ = func_or_class.__name__
        _Alias.__module__ = func_or_class.__module__
        return _Alias

    def new_func(*args, **kwargs):
        if _should_warn(new_func, warn_once):
            _logging.warning("From %s: The name %s is deprecated. Please use %s instead.\n",
                             _call_location(), deprecated_name, name)
        return func_or_class(*args, **kwargs)

    return tf_decorator.make_decorator(
        func_or_class, new_func, "deprecated",
        _add_notice(func_or_class.__doc__, None, instructions))


def deprecated_endpoints(*args):
    """Record the API names of a symbol that are deprecated (``_tf_deprecated_api_names``)."""

    def decorate(func):
        if "_tf_deprecated_api_names" in getattr(func, "__dict__", {}):
            raise ValueError(f"Cannot set deprecated endpoints for {func} twice")
        func._tf_deprecated_api_names = args
        return func

    return decorate


def deprecated_argument_lookup(new_name, new_value, old_name, old_value):
    """The value given under the argument's old or new name (not both)."""
    if old_value is not None:
        if new_value is not None:
            raise ValueError(f"Cannot specify both '{old_name}' and '{new_name}'")
        return old_value
    return new_value


def rewrite_argument_docstring(old_doc, old_argument, new_argument):
    """``old_doc`` with the argument renamed (as ``arg:`` and as ``` `arg` ```)."""
    return old_doc.replace(f"`{old_argument}`", f"`{new_argument}`").replace(
        f"{old_argument}:", f"{new_argument}:")


@contextlib.contextmanager
def silence():
    """No deprecation warnings inside the block."""
    global _PRINT_DEPRECATION_WARNINGS
    saved = _PRINT_DEPRECATION_WARNINGS
    _PRINT_DEPRECATION_WARNINGS = False
    try:
        yield
    finally:
        _PRINT_DEPRECATION_WARNINGS = saved


__all__ = ["DeprecatedNamespace", "deprecated", "deprecated_alias", "deprecated_arg_values",
           "deprecated_args", "deprecated_argument_lookup", "deprecated_endpoints",
           "rewrite_argument_docstring", "silence"]
