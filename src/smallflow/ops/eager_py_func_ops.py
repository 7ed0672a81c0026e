"""``tf.py_function``: a Python function called with eager-style values when the op runs.

TensorFlow 2 passes ``EagerTensor`` objects; smallflow passes ``EagerValue``, a NumPy array
with TensorFlow's ``.numpy()`` method, so functions written for ``py_function`` (``x.numpy()``,
arithmetic, NumPy calls) work unchanged. TensorFlow ops cannot be called on them inside the
function (smallflow has no eager mode). TensorFlow differentiates ``py_function`` by
recording the function's TensorFlow ops on a tape; smallflow cannot, so asking for its
gradient is a LookupError (map one onto "EagerPyFunc" with ``gradient_override_map``).
"""

import numpy as np

from .. import dtypes
from ..graph import convert_to_tensor, get_default_graph
from ..op_signature import ALL, signature, type_list
from ..registry import register_op
from ..tensor_shape import unknown_shape
from .common import make_op
from .script_ops import _py_func_kernel

__all__ = ["EagerValue", "py_function"]


class EagerValue(np.ndarray):
    """A NumPy array that also answers ``.numpy()``, as an EagerTensor does."""

    def numpy(self):
        return np.asarray(self)


def _eager(value):
    if isinstance(value, np.ndarray) and value.dtype == object:
        return value  # strings: object arrays of bytes stay as they are
    return np.asarray(value).view(EagerValue)


def _plain(value):
    if hasattr(value, "numpy"):
        return value.numpy()
    return value


def _eager_kernel(attrs, state):
    func = attrs["eager_func"]

    def called(*args):
        result = func(*[_eager(a) for a in args])
        if isinstance(result, list | tuple):
            return type(result)(_plain(r) for r in result)
        return _plain(result)

    return _py_func_kernel({**attrs, "func": called}, state, convert=True)


register_op("EagerPyFunc", _eager_kernel, lambda op: [unknown_shape() for _ in op.outputs],
            stateful=True, signature=signature("input: Tin -> output: Tout",
                                               Tin=type_list(ALL), Tout=type_list(ALL)))


def py_function(func, inp, Tout, name=None):  # noqa: N803 - TensorFlow's name
    """An op calling ``func`` on eager-style values of ``inp``; ``Tout`` a dtype (one output)
    or a list of dtypes (a list of outputs), whose shapes are unknown."""
    single = not isinstance(Tout, list | tuple)
    out_types = [dtypes.as_dtype(t) for t in ([Tout] if single else Tout)]
    inputs = [convert_to_tensor(x) for x in (inp or [])]
    op_name = get_default_graph().unique_name(name or "EagerPyFunc", mark_as_used=False)
    attrs = {"eager_func": func, "Tout": out_types, "single": single, "op_name": op_name}
    op = make_op("EagerPyFunc", inputs, out_types, attrs, name)
    return op.outputs[0] if single else list(op.outputs)
