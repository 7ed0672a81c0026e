"""``tensorflow.python.eager.function``: ``defun`` (graph functions) and the public names."""

from .._public import public_getattr

_public = public_getattr(__name__, ("",))


def __getattr__(name):
    if name == "defun":
        from ...contrib.eager import defun

        return defun
    return _public(name)
