"""``tensorflow.python.ops.array_ops``: the public TF1 functions of the same names, and the raw
ops TensorFlow's module re-exports from ``gen_array_ops`` (``scatter_nd_non_aliasing_add``)."""

from .._public import public_getattr

_public = public_getattr(__name__, ("", "math", "nn"))
_RAW = ("concat_v2", "scatter_nd_non_aliasing_add")


def __getattr__(name):
    if name in _RAW:
        from . import gen_array_ops

        return getattr(gen_array_ops, name)
    return _public(name)
