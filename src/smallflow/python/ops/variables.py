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


class PartitionedVariable:
    """TensorFlow's variable made of slices along one axis. smallflow keeps every variable
    whole (a partitioner is accepted and its answer not used: see ``smallflow.partitioners``),
    so none is ever made; the class is here for libraries' ``isinstance`` checks, which are
    then false, as for an unpartitioned variable in TensorFlow."""

    def __init__(self, name, shape, dtype, variable_list, partitions):
        raise NotImplementedError(
            f"PartitionedVariable {name!r}: smallflow keeps every variable whole; create "
            f"one variable of shape {shape} instead")
