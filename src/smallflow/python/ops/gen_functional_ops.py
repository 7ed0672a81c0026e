"""``tensorflow.python.ops.gen_functional_ops``: the functional ops' public builders."""

from .._public import public_getattr

__getattr__ = public_getattr(__name__, ("",))
