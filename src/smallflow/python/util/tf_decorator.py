"""``tensorflow.python.util.tf_decorator``: decorators that remember what they wrap.

TensorFlow's own decorators (and libraries vendoring ``arg_scope``) call ``make_decorator``
so that ``tf_inspect`` can see through the wrapper to the original function's signature.
"""

import inspect


class TFDecorator:
    """What a decorator made by ``make_decorator`` wraps, and under which name."""

    def __init__(self, decorator_name, target, decorator_doc="", decorator_argspec=None):
        self._decorated_target = target
        self._decorator_name = decorator_name
        self._decorator_doc = decorator_doc
        self._decorator_argspec = decorator_argspec
        if hasattr(target, "__name__"):
            self.__name__ = target.__name__
        if hasattr(target, "__qualname__"):
            self.__qualname__ = target.__qualname__
        if self._decorator_doc:
            self.__doc__ = self._decorator_doc
        elif getattr(target, "__doc__", None):
            self.__doc__ = target.__doc__
        else:
            self.__doc__ = ""

    def __get__(self, instance, owner):
        return self._decorated_target.__get__(instance, owner)

    def __call__(self, *args, **kwargs):
        return self._decorated_target(*args, **kwargs)

    @property
    def decorated_target(self):
        return self._decorated_target

    @decorated_target.setter
    def decorated_target(self, decorated_target):
        self._decorated_target = decorated_target

    @property
    def decorator_name(self):
        return self._decorator_name

    @property
    def decorator_doc(self):
        return self._decorator_doc

    @property
    def decorator_argspec(self):
        return self._decorator_argspec


def make_decorator(target, decorator_func, decorator_name=None, decorator_doc="",
                   decorator_argspec=None):
    """``decorator_func`` dressed as ``target`` (name, module, doc, ``__wrapped__``), with a
    ``TFDecorator`` in ``_tf_decorator`` recording the target; returns ``decorator_func``."""
    if decorator_name is None:
        decorator_name = inspect.currentframe().f_back.f_code.co_name
    decorator = TFDecorator(decorator_name, target, decorator_doc, decorator_argspec)
    decorator_func._tf_decorator = decorator
    if hasattr(target, "__name__"):
        decorator_func.__name__ = target.__name__
    if hasattr(target, "__qualname__"):
        decorator_func.__qualname__ = target.__qualname__
    if hasattr(target, "__module__"):
        decorator_func.__module__ = target.__module__
    if hasattr(target, "__dict__"):
        for name, value in target.__dict__.items():
            if name not in decorator_func.__dict__ and name != "_tf_decorator":
                decorator_func.__dict__[name] = value
    decorator_func.__doc__ = decorator.__doc__
    decorator_func.__wrapped__ = target
    decorator_func.__original_wrapped__ = target
    return decorator_func


def rewrap(decorator_func, previous_target, new_target):
    """Replace ``previous_target`` by ``new_target`` inside the chain of TF decorators."""
    current = decorator_func
    while True:
        decorators, target = unwrap(current)
        if not decorators:
            return
        outer = decorators[0]
        if outer.decorated_target is previous_target:
            outer.decorated_target = new_target
            current.__wrapped__ = new_target
            return
        current = outer.decorated_target


def unwrap(maybe_tf_decorator):
    """``(decorators, target)``: the TFDecorators from the outside in, and what they wrap."""
    decorators = []
    current = maybe_tf_decorator
    while True:
        if isinstance(current, TFDecorator):
            decorators.append(current)
        elif hasattr(current, "_tf_decorator"):
            decorators.append(current._tf_decorator)
        else:
            break
        if not hasattr(decorators[-1], "decorated_target"):
            break
        current = decorators[-1].decorated_target
    return decorators, current


__all__ = ["TFDecorator", "make_decorator", "rewrap", "unwrap"]
