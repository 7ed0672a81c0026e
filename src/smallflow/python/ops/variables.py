"""``tensorflow.python.ops.variables``: the public TF1 functions of the same names, and the
class names TensorFlow 1.x's module has for ``tf.Variable`` (``VariableV1``, ``RefVariable``:
smallflow has one kind of variable)."""

from .._public import public_getattr

_public = public_getattr(__name__, ("", "math", "nn"))
_CLASS_NAMES = ("VariableV1", "RefVariable")


def __getattr__(name):
    if name in _CLASS_NAMES:
        return _public("Variable")
    return _public(name)
