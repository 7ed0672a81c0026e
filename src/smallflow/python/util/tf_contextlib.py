"""``tensorflow.python.util.tf_contextlib``: ``contextlib.contextmanager`` whose wrapper
``tf_inspect`` sees through to the generator function's signature."""

import contextlib

from . import tf_decorator


def contextmanager(target):
    """``contextlib.contextmanager(target)``, recorded as a TF decorator of ``target``."""
    context_manager = contextlib.contextmanager(target)
    return tf_decorator.make_decorator(target, context_manager, "contextmanager")


__all__ = ["contextmanager"]
