"""``tensorflow.python.framework.function``: TF1's ``Defun``, a graph function of declared
input types.

``@function.Defun(tf.float32, tf.float32)`` traces the Python function once per graph, on
placeholders of those dtypes (shapes unknown), the first time it is called; each call adds
one op whose type is the function's name (``MyFunc`` with ``func_name="MyFunc"``, else the
Python name and a hash of the trace), run like ``tf.function``'s call op. Gradients are the
traced function's own, or ``python_grad_func(op, *grads)`` / the Defun ``grad_func`` given.
"""

import hashlib

from ... import dtypes as _dtypes
from ... import nest
from ...def_function import ConcreteFunction
from ...func_graph import FuncGraph
from ...graph import convert_to_tensor, get_default_graph
from ...ops.function_call_ops import _call_grad, _call_kernel
from ...registry import GRADIENTS, OP_DEFS, register_op
from ...tensor_shape import unknown_shape

__all__ = ["Defun"]


class Defun:
    """Decorator: ``@Defun(*input_types, func_name=None, grad_func=None,
    python_grad_func=None, out_names=None, shape_func=None, **kwargs)``."""

    def __init__(self, *input_types, **kwargs):
        self._input_types = [_dtypes.as_dtype(t) for t in input_types]
        self._func_name = kwargs.pop("func_name", None)
        self._grad_func = kwargs.pop("grad_func", None)
        self._python_grad_func = kwargs.pop("python_grad_func", None)
        self._out_names = kwargs.pop("out_names", None)
        self._shape_func = kwargs.pop("shape_func", None)
        self._extra = kwargs

    def __call__(self, func):
        if not callable(func):
            raise ValueError(f"func {func} must be callable.")
        return _DefinedFunction(func, self._input_types, self._func_name, self._grad_func,
                                self._python_grad_func, self._shape_func)


class _DefinedFunction:
    def __init__(self, func, input_types, func_name, grad_func, python_grad_func, shape_func):
        self._func = func
        self._input_types = input_types
        self._func_name = func_name
        self._grad_func = grad_func
        self._python_grad_func = python_grad_func
        self._shape_func = shape_func
        self._traces = {}
        self._op_type = None

    @property
    def name(self):
        return self._func_name or self._func.__name__

    def _trace(self, graph):
        found = self._traces.get(graph)
        if found is None:
            func_graph = FuncGraph(self.name, graph)
            with func_graph.as_default():
                args = [func_graph.placeholder_for(_Spec(t), f"{self._func.__name__}_{i}")
                        for i, t in enumerate(self._input_types)]
                result = self._func(*args)
            outputs = [convert_to_tensor(t) for t in nest.flatten(result)] \
                if result is not None else []
            found = ConcreteFunction(func_graph, result, outputs, [], self.name)
            self._traces[graph] = found
            self._register(found)
        return found

    def _register(self, concrete):
        if self._op_type is not None:
            return
        if self._func_name:
            op_type = self._func_name
        else:
            text = ",".join(f"{op.type}:{[t.name for t in op.inputs]}"
                            for op in concrete.graph.get_operations())
            digest = hashlib.sha1(text.encode()).hexdigest()[:8]
            op_type = f"{self._func.__name__}_{digest}"
        if op_type not in OP_DEFS:
            register_op(op_type, _defun_kernel, _defun_shapes, stateful=True)
            grad = self._gradient()
            GRADIENTS.register(op_type, grad, __name__)
        self._op_type = op_type

    def _gradient(self):
        if self._python_grad_func is not None:
            user = self._python_grad_func

            def python_grad(op, *grads):
                return user(op, *grads[:-1])

            return python_grad
        if self._grad_func is not None:
            grad_func = self._grad_func

            def defun_grad(op, *grads):
                result = grad_func(*op.inputs[:len(self._input_types)], *grads[:-1])
                result = list(result) if isinstance(result, list | tuple) else [result]
                return result + [None] * (len(op.inputs) - len(result))

            return defun_grad
        return _call_grad

    def __call__(self, *args, **kwargs):
        name = kwargs.pop("name", None)
        if len(args) != len(self._input_types):
            raise ValueError(f"Expected {len(self._input_types)} arguments to {self.name}, "
                             f"got {len(args)}")
        graph = get_default_graph()
        concrete = self._trace(graph)
        flat = [convert_to_tensor(a, dtype=t) for a, t in zip(args, self._input_types)]
        inputs = concrete.call_inputs(flat)
        attrs = {"f": concrete, "shape_func": self._shape_func}
        if concrete.graph.writes:
            attrs["var_names"] = tuple(sorted(concrete.graph.writes))
        out_dtypes = [*concrete.output_dtypes, _dtypes.int32]
        op = graph.create_op(self._op_type, inputs, out_dtypes, attrs, name or self.name)
        outputs = list(op.outputs[:-1])
        if not outputs:
            return op
        return outputs[0] if len(outputs) == 1 else tuple(outputs)


def _defun_kernel(attrs, state):
    # Registered from this module, so the registries tell these per-function op types apart.
    return _call_kernel(attrs, state)


class _Spec:
    def __init__(self, dtype):
        self.dtype = dtype
        self.shape = unknown_shape()


def _defun_shapes(op):
    shape_func = op.attrs.get("shape_func")
    count = len(op.attrs["f"].outputs)
    # Without a shape function TensorFlow 1.x gives Defun outputs no static shape.
    shapes = list(shape_func(op)) if shape_func is not None else [unknown_shape()] * count
    return [*shapes, unknown_shape()]
