"""Converting live functions: source -> AST -> converted AST -> a new function object.

The converted function is compiled from the rewritten AST and rebuilt with the original
function's globals, defaults and closure cells (so it sees the same module names and the
same enclosing variables, live); ``ag__`` (the operators) is one more closure cell. Results
are cached per code object, closure and globals.
"""

import ast
import builtins
import contextlib
import functools
import inspect
import sys
import textwrap
import types
import weakref

from . import converter, operators

_CACHE = {}
_DO_NOT_CONVERT = weakref.WeakSet()
# Modules whose functions are called as they are (TensorFlow's "allowlist": the library itself).
_LIBRARY_PREFIXES = ("smallflow", "numpy", "builtins", "functools", "collections", "abc",
                     "typing", "inspect", "contextlib", "itertools", "threading", "re",
                     "os", "sys", "math", "random", "logging", "enum", "copy", "six",
                     "scipy", "matplotlib", "PIL", "google", "weakref", "types", "warnings")


class ConversionError(Exception):
    """The function could not be converted (TensorFlow's ``autograph.ConversionError``)."""


def do_not_convert(func=None, run_as=None, return_dtypes=None):
    """Mark ``func`` to be called as it is by converted code (a decorator)."""
    if func is None:
        return do_not_convert
    with contextlib.suppress(TypeError):  # not weakly referable
        _DO_NOT_CONVERT.add(func)
    with contextlib.suppress(AttributeError, TypeError):  # a builtin
        func.__ag_do_not_convert__ = True
    return func


def _is_library(func):
    module = getattr(func, "__module__", None) or ""
    return module.split(".")[0] in _LIBRARY_PREFIXES


def _convertible(func):
    if getattr(func, "__ag_converted__", False) or getattr(func, "__ag_do_not_convert__", False):
        return False
    if isinstance(func, types.MethodType):
        func = func.__func__
    if not isinstance(func, types.FunctionType):
        return False
    if func in _DO_NOT_CONVERT or _is_library(func) or func.__name__ == "<lambda>":
        return False
    return not (inspect.isgeneratorfunction(func) or inspect.iscoroutinefunction(func))


_ALL = frozenset({"AUTO_CONTROL_DEPS", "ASSERT_STATEMENTS", "BUILTIN_FUNCTIONS",
                  "EQUALITY_OPERATORS", "LISTS", "NAME_SCOPES"})


def features_of(optional_features):
    """The optional conversions asked for, as a frozenset of Feature names."""
    if optional_features is None:
        return frozenset()
    items = optional_features if isinstance(optional_features, list | tuple | set |
                                            frozenset) else [optional_features]
    names = set()
    for item in items:
        name = getattr(item, "value", item)
        if name == "ALL":
            return _ALL
        names.add(str(name))
    return frozenset(names)


def converted_call(func, features=frozenset()):
    """What converted code calls instead of ``func``: AutoGraph's builtins, a converted user
    function (with the caller's features), or ``func`` itself."""
    if func is builtins.print:
        return operators.print_
    if func is builtins.len:
        return operators.len_
    if func is builtins.range:
        return operators.range_
    if not _convertible(func):
        return func
    try:
        return convert(func, features)
    except ConversionError:
        return func


def _source_tree(func):
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError) as err:
        raise ConversionError(f"could not read the source of {func.__name__}: {err}") from None
    source = textwrap.dedent(source)
    try:
        module = ast.parse(source)
    except SyntaxError as err:
        raise ConversionError(f"could not parse the source of {func.__name__}: {err}") from None
    for node in ast.walk(module):
        if isinstance(node, ast.FunctionDef) and node.name == func.__name__:
            return node, source
    raise ConversionError(f"{func.__name__} is not a plain def statement (a lambda?)")


def converted_tree(func, features=frozenset()):
    """The converted ``ast.FunctionDef`` of ``func``."""
    node, _ = _source_tree(func)
    return converter.convert_tree(node, features)


def _cell(value):
    return types.CellType(value)


def convert(func, features=frozenset()):
    """``func`` converted (cached): a function of the same arguments."""
    if isinstance(func, types.MethodType):
        return types.MethodType(convert(func.__func__, features), func.__self__)
    closure = func.__closure__ or ()
    key = (func.__code__, tuple(id(c) for c in closure), id(func.__globals__), features)
    found = _CACHE.get(key)
    if found is not None:
        return found
    node = converted_tree(func, features)
    freevars = list(func.__code__.co_freevars)
    lineno = func.__code__.co_firstlineno
    ast.increment_lineno(node, lineno - node.lineno)
    factory_args = ast.arguments(posonlyargs=[], args=[ast.arg(arg=n) for n in
                                                       ["ag__", *freevars]],
                                 vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
                                 defaults=[])
    factory = ast.FunctionDef(name="ag__factory", args=factory_args,
                              body=[node, ast.Return(value=ast.Name(id=node.name,
                                                                    ctx=ast.Load()))],
                              decorator_list=[], returns=None)
    module = ast.Module(body=[factory], type_ignores=[])
    ast.fix_missing_locations(module)
    filename = func.__code__.co_filename
    try:
        code = compile(module, filename, "exec")
    except SyntaxError as err:
        raise ConversionError(f"the converted {func.__name__} does not compile: {err}") from None
    namespace = {}
    exec(code, namespace)  # noqa: S102 - defines only the factory
    ag = _operators_for(features)
    inner = namespace["ag__factory"](ag, *(None for _ in freevars))
    cells = dict(zip(freevars, closure))
    cells["ag__"] = _cell(ag)
    new_closure = tuple(cells[name] for name in inner.__code__.co_freevars)
    converted = types.FunctionType(inner.__code__, func.__globals__, func.__name__,
                                   func.__defaults__, new_closure)
    converted.__kwdefaults__ = func.__kwdefaults__
    functools.update_wrapper(converted, func)
    del converted.__wrapped__
    converted.__ag_converted__ = True
    converted.__ag_original__ = func
    _CACHE[key] = converted
    return converted


def to_code(func, recursive=True, arg_values=None, arg_types=None, indentation="  ",
            experimental_optional_features=None):
    """The source code of ``func`` converted (``tf.autograph.to_code``)."""
    if isinstance(func, types.MethodType):
        func = func.__func__
    func = getattr(func, "python_function", func)
    node = converted_tree(func, features_of(experimental_optional_features))
    return ast.unparse(node) + "\n"


def to_graph(entity, recursive=True, arg_values=None, arg_types=None,
             experimental_optional_features=None):
    """``func`` converted to graph-building code (``tf.autograph.to_graph``)."""
    if not callable(entity):
        raise ValueError(f"Expected a callable; got {entity!r}")
    entity = getattr(entity, "python_function", entity)
    if isinstance(entity, types.MethodType):
        return types.MethodType(to_graph(entity.__func__), entity.__self__)
    try:
        return convert(entity, features_of(experimental_optional_features))
    except ConversionError as err:
        raise ConversionError(f"converting {entity!r}: {err}") from None


def convert_for_function(func, optional_features=None):
    """What tf.function traces: ``func`` converted, or ``func`` itself when its source cannot
    be read or converted (TensorFlow runs it unconverted with a warning, too)."""
    target = func.__func__ if isinstance(func, types.MethodType) else func
    if not isinstance(target, types.FunctionType) or not _convertible(target):
        return func
    try:
        converted = convert(target, features_of(optional_features))
    except ConversionError as err:
        sys.stderr.write(f"WARNING: AutoGraph could not transform {func!r} and will run it "
                         f"as-is. Cause: {err}\n")
        return func
    if isinstance(func, types.MethodType):
        return types.MethodType(converted, func.__self__)
    return converted


class _Operators(types.SimpleNamespace):
    """The ``ag__`` namespace converted code reads."""


_NAMESPACES = {}


def _operators_for(features):
    found = _NAMESPACES.get(features)
    if found is None:
        found = _NAMESPACES[features] = _Operators(
            **{name: getattr(operators, name) for name in operators.__all__},
            converted_call=functools.partial(converted_call, features=features))
    return found
