"""``tensorflow.python.util.tf_inspect``: ``inspect``'s functions, seeing through the
wrappers ``tf_decorator.make_decorator`` makes (TF's ``arg_scope``, ``contextmanager``)."""

import collections
import functools
import inspect as _inspect

from . import tf_decorator

ArgSpec = collections.namedtuple("ArgSpec", ["args", "varargs", "keywords", "defaults"])
FullArgSpec = _inspect.FullArgSpec
Parameter = _inspect.Parameter
Signature = _inspect.Signature


def _target(obj):
    return tf_decorator.unwrap(obj)[1]


def getfullargspec(obj):
    """``inspect.getfullargspec`` of what ``obj`` decorates (a decorator may declare its own
    argument spec through ``decorator_argspec``)."""
    decorators, target = tf_decorator.unwrap(obj)
    for decorator in decorators:
        if decorator.decorator_argspec is not None:
            return decorator.decorator_argspec
    return _inspect.getfullargspec(target)


def getargspec(obj):
    """The Python 2 style ``ArgSpec(args, varargs, keywords, defaults)`` of ``obj`` (a
    function, class, callable object or ``functools.partial``, possibly decorated).

    Keyword-only arguments follow the positional ones in ``args``, their defaults after
    the positional defaults. A partial drops the positional arguments it binds and gives
    its keyword arguments as defaults; where that leaves an argument without a default
    after one with a default, no ArgSpec can say it and ValueError is raised."""
    if isinstance(obj, functools.partial):
        return _partial_argspec(obj)
    decorators, target = tf_decorator.unwrap(obj)
    for decorator in decorators:
        if decorator.decorator_argspec is not None:
            return decorator.decorator_argspec
    candidates = [target]
    if isinstance(target, type):
        candidates += [target.__init__, target.__new__]
    for candidate in candidates:
        try:
            return _as_argspec(_inspect.getfullargspec(candidate))
        except TypeError:
            continue
    # An instance: its class's __call__ (for a class, never its metaclass's).
    return _as_argspec(_inspect.getfullargspec(type(target).__call__))


def _as_argspec(full):
    defaults = tuple(full.defaults or ()) + tuple((full.kwonlydefaults or {}).values())
    return ArgSpec(args=full.args + full.kwonlyargs, varargs=full.varargs,
                   keywords=full.varkw, defaults=defaults or None)


def _partial_argspec(partial):
    args, varargs, keywords, defaults = getargspec(partial.func)
    args = args[len(partial.args):]
    unset = object()
    values = [unset] * len(args)
    if defaults:
        values[len(values) - len(defaults):] = defaults
    for name, value in (partial.keywords or {}).items():
        if name in args:
            values[args.index(name)] = value
        elif not keywords:
            raise ValueError(f"{partial} does not have a **kwargs parameter, but contains "
                             f"an unknown partial keyword {name}.")
    first = next((i for i, value in enumerate(values) if value is not unset), None)
    if first is None:
        return ArgSpec(args, varargs, keywords, None)
    if any(value is unset for value in values[first:]):
        missing = [name for name, value in zip(args, values, strict=True)
                   if value is unset][-1]
        raise ValueError(f"Some arguments {missing!r} do not have default value, but they "
                         f"are positioned after those with default values. This can not "
                         f"be expressed with ArgSpec.")
    return ArgSpec(args, varargs, keywords, tuple(values[first:]))


def getcallargs(*func_and_positional, **named):
    """``inspect.getcallargs`` of the decorated function; a bound method's ``self`` counts."""
    func = func_and_positional[0]
    positional = func_and_positional[1:]
    target = _target(func)
    call_args = _inspect.getcallargs(target, *positional, **named)
    this = getattr(func, "im_self", None) or getattr(func, "__self__", None)
    if this is not None and _inspect.ismethod(func):
        spec = getfullargspec(target)
        if spec.args:
            call_args[spec.args[0]] = this
    return call_args


def signature(obj, *, follow_wrapped=True):
    return _inspect.signature(_target(obj), follow_wrapped=follow_wrapped)


def getdoc(obj):
    return _inspect.getdoc(obj)


def getfile(obj):
    return _inspect.getfile(_target(obj))


def getmodule(obj):
    return _inspect.getmodule(obj)


def getsource(obj):
    return _inspect.getsource(_target(obj))


def getsourcefile(obj):
    return _inspect.getsourcefile(_target(obj))


def getsourcelines(obj):
    return _inspect.getsourcelines(_target(obj))


def getcomments(obj):
    return _inspect.getcomments(_target(obj))


def getmembers(obj, predicate=None):
    return _inspect.getmembers(obj, predicate)


def getmro(cls):
    return _inspect.getmro(cls)


def isbuiltin(obj):
    return _inspect.isbuiltin(_target(obj))


def isclass(obj):
    return _inspect.isclass(_target(obj))


def isfunction(obj):
    return _inspect.isfunction(_target(obj))


def isframe(obj):
    return _inspect.isframe(_target(obj))


def isgenerator(obj):
    return _inspect.isgenerator(_target(obj))


def isgeneratorfunction(obj):
    return _inspect.isgeneratorfunction(_target(obj))


def iscoroutinefunction(obj):
    return _inspect.iscoroutinefunction(_target(obj))


def ismethod(obj):
    return _inspect.ismethod(_target(obj))


def ismethoddescriptor(obj):
    return _inspect.ismethoddescriptor(_target(obj))


def ismodule(obj):
    return _inspect.ismodule(_target(obj))


def isroutine(obj):
    return _inspect.isroutine(_target(obj))


def isabstract(obj):
    return _inspect.isabstract(_target(obj))


def currentframe():
    return _inspect.stack()[1][0]


def stack(context=1):
    return _inspect.stack(context)[1:]


def getframeinfo(frame, context=1):
    return _inspect.getframeinfo(frame, context)


def getouterframes(frame, context=1):
    return _inspect.getouterframes(frame, context)


def getargvalues(frame):
    return _inspect.getargvalues(frame)
