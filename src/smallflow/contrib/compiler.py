"""``tf.contrib.compiler``: XLA's scope for just-in-time compilation.

``jit.experimental_jit_scope()`` asks TensorFlow to compile the ops built inside with XLA, a
speed hint that changes no value. smallflow has no XLA: its sessions already compile each
plan into one straight-line Python function, so the scope is accepted and has no effect.
"""

import contextlib
import types

__all__ = ["jit"]


@contextlib.contextmanager
def experimental_jit_scope(compile_ops=True, separate_compiled_gradients=False):
    """Accepted for TF1 programs; the ops built inside run as any others (see module)."""
    if not (callable(compile_ops) or isinstance(compile_ops, bool)):
        raise ValueError(f"compile_ops must be a bool or a callable, got {compile_ops!r}")
    yield


jit = types.SimpleNamespace(experimental_jit_scope=experimental_jit_scope)
