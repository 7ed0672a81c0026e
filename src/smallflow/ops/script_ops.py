"""Python inside the graph: ``py_func``/``numpy_function`` (a Python function run as an op),
``custom_gradient`` and ``IdentityN``. Gradients of a py_func come from a function the user
registers and maps onto the op with ``gradient_override_map``, as in TensorFlow."""

import itertools
import traceback

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError, OutOfRangeError, UnknownError
from ..graph import Tensor, convert_to_tensor, get_default_graph
from ..op_signature import ALL, signature, type_list
from ..registry import GRADIENTS, RegisterGradient, register_op
from ..tensor_shape import unknown_shape
from .common import make_op

# -- py_func ------------------------------------------------------------------------------------


def python_arguments(values):
    """The values a Python function run by the graph receives, as TensorFlow hands them over:
    arrays of rank 1 and more as they are; a scalar as a NumPy scalar (``np.int32(3)``), and
    a string scalar as ``bytes`` (a program may ``open()`` it or ``.decode()`` it)."""
    return [np.asarray(value)[()] if np.ndim(value) == 0 else value for value in values]


def _py_func_kernel(attrs, state, convert=False):
    """``convert``: cast the returned values to ``Tout`` (tf.py_function converts them as
    tensors); py_func/numpy_function check them instead, as TensorFlow does."""
    func = attrs["func"]
    out_types = attrs["Tout"]
    single = attrs["single"]
    op_name = attrs["op_name"]

    def call(*args):
        try:
            result = func(*python_arguments(args))
        except StopIteration as error:
            raise OutOfRangeError(None, None, f"StopIteration raised by {op_name}: "
                                              f"{error}") from None
        except Exception as error:  # noqa: BLE001 - reported as TensorFlow does, with its text
            text = "".join(traceback.format_exception_only(type(error), error)).strip()
            raise UnknownError(None, None, f"{text} (raised by the Python function of "
                                           f"{op_name})") from error
        # As TensorFlow: a returned list or tuple holds the outputs; anything else (an
        # array, a scalar) is the one output, whatever the form of Tout.
        if result is None:
            values = []
        elif single or not isinstance(result, list | tuple):
            values = [result]
        else:
            values = list(result)
        if len(values) != len(out_types):
            raise UnknownError(None, None, f"{op_name}: the Python function returned "
                                           f"{len(values)} values, Tout lists "
                                           f"{len(out_types)}")
        converted = []
        for index, (value, dtype) in enumerate(zip(values, out_types)):
            array = np.asarray(value)
            if dtype == dtypes.string:
                converted.append(np.asarray(value, dtype=object))
                continue
            if convert:
                array = array.astype(dtype.as_numpy_dtype, copy=False)
            elif array.dtype != dtype.as_numpy_dtype:
                # TensorFlow converts the returned values without casting and checks them
                # against Tout (a Python float is a double, a Python int an int64).
                found = dtypes.as_dtype(array.dtype) if array.dtype.kind in "biufc" else None
                raise InvalidArgumentError(
                    None, None, f"{index}-th value returned by {op_name} is "
                    f"{_c_name(found) if found else array.dtype}, but expects "
                    f"{_c_name(dtype)}")
            converted.append(array)
        # One output is returned as the array itself, several as a tuple (the kernel rule).
        return converted[0] if len(converted) == 1 else tuple(converted)

    return call


def _c_name(dtype):
    """TensorFlow's C++ name of a dtype in kernel messages (``double``, ``float``)."""
    return {"float32": "float", "float64": "double"}.get(dtype.name, dtype.name)


register_op("PyFunc", _py_func_kernel, lambda op: [unknown_shape() for _ in op.outputs],
            stateful=True, signature=signature("input: Tin -> output: Tout",
                                               Tin=type_list(ALL), Tout=type_list(ALL)))


def py_func(func, inp, Tout, stateful=True, name=None):  # noqa: N803 - TensorFlow's name
    """An op that calls ``func`` on the NumPy values of ``inp`` when it runs.

    ``Tout`` is a dtype or a list of dtypes: the op has one output or a list of outputs.
    The outputs' shapes are unknown (set them with ``set_shape``). There is no gradient
    unless one is mapped onto "PyFunc" with ``gradient_override_map``.
    """
    single = not isinstance(Tout, list | tuple)
    out_types = [dtypes.as_dtype(t) for t in ([Tout] if single else Tout)]
    inputs = [convert_to_tensor(x) for x in (inp or [])]
    graph = get_default_graph()
    op_name = graph.unique_name(name or "PyFunc", mark_as_used=False)
    attrs = {"func": func, "Tout": out_types, "single": single, "op_name": op_name,
             "stateful": bool(stateful)}
    op = make_op("PyFunc", inputs, out_types, attrs, name)
    return op.outputs[0] if single else list(op.outputs)


def numpy_function(func, inp, Tout, name=None):  # noqa: N803
    return py_func(func, inp, Tout, stateful=True, name=name)


# -- IdentityN and custom_gradient -------------------------------------------------------------


def _identity_n(*values):
    return values[0] if len(values) == 1 else tuple(values)


register_op("IdentityN", lambda attrs: _identity_n,
            lambda op: [t.shape for t in op.inputs],
            signature=signature("input: T -> output: T", T=type_list(ALL)))


@RegisterGradient("IdentityN")
def _identity_n_grad(op, *grads):
    return list(grads)


def identity_n(input, name=None):  # noqa: A002
    tensors = [convert_to_tensor(t) for t in input]
    op = make_op("IdentityN", tensors, [t.dtype for t in tensors], None, name)
    return list(op.outputs)


_CUSTOM_IDS = itertools.count()


def custom_gradient(f):
    """Decorate ``f(*x) -> (y, grad_fn)``: ``tf.gradients`` through ``y`` uses
    ``grad_fn(*dy)`` (which returns one gradient per x) instead of differentiating ``f``.

    Variables read inside ``f`` get no gradient through ``y`` (TensorFlow's ``variables=``
    argument of ``grad_fn`` is not supported).
    """

    def decorated(*args, **kwargs):
        if kwargs:
            raise ValueError("The custom_gradient decorator currently supports keywords "
                             "arguments only when eager execution is enabled.")
        xs = [convert_to_tensor(x) for x in args]
        result, grad_fn = f(*xs)
        single = isinstance(result, Tensor) or not isinstance(result, list | tuple)
        ys = [convert_to_tensor(y) for y in ([result] if single else result)]
        key = f"CustomGradient-{next(_CUSTOM_IDS)}"
        count = len(xs)

        def gradient(op, *grads):
            dys = [g if g is not None else _zeros_like(y)
                   for g, y in zip(grads[count:], op.outputs[count:])]
            dxs = grad_fn(*dys)
            dxs = [dxs] if isinstance(dxs, Tensor) or not isinstance(dxs, list | tuple) \
                else list(dxs)
            if len(dxs) != count:
                raise ValueError(f"custom_gradient function expected to return {count} "
                                 f"gradients, but returned {len(dxs)} instead.")
            return dxs + [None] * len(ys)

        GRADIENTS.register(key, gradient, f.__module__)
        graph = get_default_graph()
        with graph.gradient_override_map({"IdentityN": key}):
            outputs = identity_n(xs + ys)
        outputs = outputs[count:]
        return outputs[0] if single else outputs

    decorated.__name__ = getattr(f, "__name__", "custom_gradient")
    decorated.__doc__ = f.__doc__
    return decorated


def _zeros_like(tensor):
    from .array_ops import zeros_like

    return zeros_like(tensor)


def grad_pass_through(f):
    """``f`` whose gradient is the identity: ``tf.gradients`` passes straight through it."""

    def wrapped(*args, **kwargs):
        @custom_gradient
        def through(x):
            return f(x, **kwargs), lambda dy: dy

        if len(args) != 1:
            raise ValueError("grad_pass_through supports functions of one tensor")
        return through(args[0])

    return wrapped


def recompute_grad(f):
    """``f`` itself: recomputing the forward pass in the backward pass saves memory in
    TensorFlow; smallflow keeps intermediates, and the gradients are the same."""
    return f


def guarantee_const(input, name=None):  # noqa: A002
    """``input`` unchanged (a promise to the runtime that it is constant)."""
    from .array_ops import identity

    return identity(input, name=name or "GuaranteeConst")
