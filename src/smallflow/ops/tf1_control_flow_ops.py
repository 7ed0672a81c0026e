"""TensorFlow 1.x's control-flow primitives, as found in graphs TensorFlow wrote.

A TF1 ``tf.cond`` is ``Switch`` (route a value to one of two outputs, the other is *dead*)
and ``Merge`` (forward whichever input is alive); a ``tf.while_loop`` adds ``Enter``
(into a loop's frame), ``NextIteration`` (to the next iteration), ``LoopCond`` and ``Exit``
(back to the enclosing frame). smallflow never builds these (its ``cond``/``while_loop`` are
``If``/``While`` ops holding sub-graphs); they exist so that frozen ``.pb`` files, ``.meta``
files and SavedModels made by TensorFlow 1.x import and run. Their kernels are never called
by the compiled plans: a plan that contains one of them is run by the dataflow executor
(``dataflow_executor.py``), which implements dead values and frames itself.

The gradient loops TensorFlow writes keep forward values on stacks (``StackV2``,
``StackPushV2``, ``StackPopV2``), and its ``TensorArray`` ops pass a *handle* (a mutable
array) plus a flow scalar, while smallflow's own ``TensorArrayV3`` ops pass the array as a
value. The handle forms are registered here under ``Handle*`` types; ``import_graph_def``
builds TensorFlow's TensorArray nodes as them (``HANDLE_TENSOR_ARRAY_OPS``) and the
GraphDef writer spells them back as TensorFlow's types.
"""

import numpy as np

from .. import dtypes
from ..errors import InternalError, InvalidArgumentError
from ..graph import TensorShape
from ..registry import NotDifferentiable, register_op

# Ops routing values between frames or branches: only the dataflow executor runs them.
PRIMITIVES = frozenset({
    "Switch", "RefSwitch", "Merge", "RefMerge", "Enter", "RefEnter", "Exit", "RefExit",
    "NextIteration", "RefNextIteration", "LoopCond",
})


def _executor_only(op_type):
    def factory(attrs, *state):
        def refuse(*inputs):
            raise InternalError(None, None, f"{op_type} runs only in the dataflow executor")

        return refuse

    return factory


def _same_as_input(op):
    return [op.inputs[0].shape]


def _merge_shape(op):
    shapes = [t.shape for t in op.inputs]
    first = shapes[0]
    same = first.ndims is not None and all(s.as_list() == first.as_list() for s in shapes
                                           if s.ndims is not None)
    if not same:
        ranks = {s.ndims for s in shapes}
        first = TensorShape([None] * ranks.pop()) if len(ranks) == 1 and None not in ranks \
            else TensorShape(None)
    return [first, TensorShape([])]


for _type in ("Switch", "RefSwitch"):
    register_op(_type, _executor_only(_type), lambda op: _same_as_input(op) * 2)
for _type in ("Merge", "RefMerge"):
    register_op(_type, _executor_only(_type), _merge_shape)
for _type in ("Enter", "RefEnter", "Exit", "RefExit", "NextIteration", "RefNextIteration",
              "LoopCond"):
    register_op(_type, _executor_only(_type), _same_as_input)
register_op("ControlTrigger", lambda attrs: lambda: None, lambda op: [])
NotDifferentiable("ControlTrigger")
# No gradient is registered for the primitives: smallflow's tf.gradients cannot differentiate
# a TensorFlow 1.x loop or cond (it names the op); the gradient graphs TensorFlow wrote into
# the file run as they are.


# -- stacks (TensorFlow's gradient loops keep forward values on them) --------------------------


class _Stack:
    __slots__ = ("items", "max_size", "name")

    def __init__(self, max_size, name):
        self.items = []
        self.max_size = max_size
        self.name = name


def _stack_kernel(attrs, state=None):
    name = attrs.get("stack_name", "")
    return lambda max_size: _Stack(int(max_size), name)


def _push_kernel(attrs, state=None):
    def push(stack, elem):
        if 0 <= stack.max_size <= len(stack.items):
            raise InvalidArgumentError(None, None, f"Stack[{stack.name}] overflowed its max_size "
                                       f"({stack.max_size})")
        stack.items.append(elem)
        return elem

    return push


def _pop_kernel(attrs, state=None):
    def pop(stack):
        if not stack.items:
            raise InvalidArgumentError(None, None, f"Stack[{stack.name}] is empty.")
        return stack.items.pop()

    return pop


def _unknown_shape(op):
    return [TensorShape(None)]


register_op("StackV2", _stack_kernel, lambda op: [TensorShape([])], stateful=True)
register_op("StackPushV2", _push_kernel, lambda op: [op.inputs[1].shape], stateful=True)
register_op("StackPopV2", _pop_kernel, _unknown_shape, stateful=True)
def _close(attrs, state=None):
    return lambda handle: None


register_op("StackCloseV2", _close, lambda op: [], stateful=True)


# -- TensorFlow's TensorArrays: a handle to a mutable array, plus a flow scalar ----------------


class _HandleArray:
    """The array a TensorFlow TensorArray handle points to (mutated by writes)."""

    __slots__ = ("dtype", "dynamic", "element_shape", "elements", "grads", "name")

    def __init__(self, size, dtype, element_shape, dynamic, name):
        self.elements = [None] * size
        self.dtype = dtype
        self.element_shape = element_shape
        self.dynamic = dynamic
        self.name = name
        self.grads = None  # source -> gradient array; None for a gradient array

    def write(self, index, value):
        if index < 0:
            raise InvalidArgumentError(None, None, f"TensorArray {self.name}: Tried to write "
                                       f"to index {index} but array size is: "
                                       f"{len(self.elements)}")
        if index >= len(self.elements):
            if not self.dynamic:
                raise InvalidArgumentError(
                    None, None, f"TensorArray {self.name}: Tried to write to index {index} "
                    f"but array is not resizeable and size is: {len(self.elements)}")
            self.elements.extend([None] * (index + 1 - len(self.elements)))
        value = np.asarray(value, dtype=self.dtype)
        current = self.elements[index]
        if current is not None:
            if self.grads is not None:
                raise InvalidArgumentError(
                    None, None, f"TensorArray {self.name}: Could not write to TensorArray "
                    f"index {index} because it has already been written to.")
            value = current + value  # gradient arrays add up their writes, as TensorFlow's
        self.elements[index] = value

    def read(self, index):
        if not 0 <= index < len(self.elements):
            raise InvalidArgumentError(
                None, None, f"TensorArray {self.name}: Tried to read from index {index} but "
                f"array size is: {len(self.elements)}")
        value = self.elements[index]
        if value is None:
            shape = self._known_shape()
            if self.grads is not None or shape is None:
                raise InvalidArgumentError(
                    None, None, f"TensorArray {self.name}: Could not read from TensorArray "
                    f"index {index} because it has not yet been written to.")
            return np.zeros(shape, self.dtype)  # an unwritten gradient is zero
        return value

    def _known_shape(self):
        for value in self.elements:
            if value is not None:
                return value.shape
        shape = self.element_shape
        if shape is not None and shape.is_fully_defined():
            return tuple(shape.as_list())
        return None


def _as_shape(value):
    return value if isinstance(value, TensorShape) else TensorShape(value)


def _ta_kernel(attrs, state=None):
    dtype = attrs["dtype"].as_numpy_dtype
    shape = _as_shape(attrs.get("element_shape", TensorShape(None)))
    dynamic = bool(attrs.get("dynamic_size", False))
    name = attrs.get("tensor_array_name", "") or "TensorArray"

    def new(size):
        return _HandleArray(int(size), dtype, shape, dynamic, name), np.float32(0)

    return new


def _ta_grad_kernel(attrs, state=None):
    source = attrs.get("source", "")

    def grad(handle, flow):
        if handle.grads is None:
            raise InvalidArgumentError(None, None, f"TensorArray {handle.name}: the gradient "
                                       "of a gradient array is not supported")
        array = handle.grads.get(source)
        if array is None:
            array = _HandleArray(len(handle.elements), handle.dtype, handle.element_shape,
                                 False, f"{handle.name}@{source}")
            array.elements = [None] * len(handle.elements)
            handle.grads[source] = array
        return array, flow

    return grad


def _ta_new(attrs, state=None):
    kernel = _ta_kernel(attrs, state)

    def new(size):
        array, flow = kernel(size)
        array.grads = {}
        return array, flow

    return new


def _write(attrs, state=None):
    def write(handle, index, value, flow):
        handle.write(int(index), value)
        return flow

    return write


def _read(attrs, state=None):
    return lambda handle, index, flow: handle.read(int(index))


def _stacked(handle, indices):
    parts = [handle.read(int(i)) for i in indices]
    if not parts:
        shape = handle._known_shape()
        return np.zeros((0, *(shape or ())), handle.dtype)
    return np.stack(parts)


def _gather(attrs, state=None):
    return lambda handle, indices, flow: _stacked(handle, np.ravel(indices))


def _scatter(attrs, state=None):
    def scatter(handle, indices, value, flow):
        indices = np.ravel(indices)
        if len(indices) != len(value):
            raise InvalidArgumentError(
                None, None, f"TensorArray {handle.name}: Expected len(indices) == "
                f"values.shape[0], but saw: {len(indices)} vs. {len(value)}")
        for i, element in zip(indices, value):
            handle.write(int(i), element)
        return flow

    return scatter


def _size(attrs, state=None):
    return lambda handle, flow: np.int32(len(handle.elements))


def _concat(attrs, state=None):
    def concat(handle, flow):
        parts = [handle.read(i) for i in range(len(handle.elements))]
        lengths = np.array([len(p) for p in parts], dtype=np.int64)
        return np.concatenate(parts), lengths

    return concat


def _split(attrs, state=None):
    def split(handle, value, lengths, flow):
        offsets = np.cumsum(np.concatenate([[0], np.asarray(lengths, dtype=np.int64)]))
        if offsets[-1] != len(value):
            raise InvalidArgumentError(
                None, None, f"TensorArray {handle.name}: Expected sum of lengths to be equal "
                f"to values.shape[0], but sum of lengths is {offsets[-1]} and value's shape "
                f"is: {list(np.shape(value))}")
        for i in range(len(offsets) - 1):
            handle.write(i, value[offsets[i]:offsets[i + 1]])
        return flow

    return split


def _element_shape(op):
    return [_as_shape(op.attrs.get("element_shape", TensorShape(None)))]


def _gathered_shape(op):
    return [TensorShape([None]).concatenate(_element_shape(op)[0])]


_SCALAR = [TensorShape([])]
register_op("HandleTensorArrayV3", _ta_new, lambda op: _SCALAR * 2, stateful=True)
register_op("HandleTensorArrayGradV3", _ta_grad_kernel, lambda op: _SCALAR * 2,
            stateful=True)
register_op("HandleTensorArrayWriteV3", _write, lambda op: _SCALAR, stateful=True)
register_op("HandleTensorArrayReadV3", _read, _element_shape, stateful=True)
register_op("HandleTensorArrayGatherV3", _gather, _gathered_shape, stateful=True)
register_op("HandleTensorArrayScatterV3", _scatter, lambda op: _SCALAR, stateful=True)
register_op("HandleTensorArraySizeV3", _size, lambda op: _SCALAR, stateful=True)
register_op("HandleTensorArrayConcatV3", _concat,
            lambda op: [TensorShape(None), TensorShape([None])], stateful=True)
register_op("HandleTensorArraySplitV3", _split, lambda op: _SCALAR, stateful=True)
register_op("HandleTensorArrayCloseV3", _close, lambda op: [], stateful=True)

# TensorFlow's op type -> the handle form import_graph_def builds it as (and back).
HANDLE_TENSOR_ARRAY_OPS = {
    "TensorArrayV3": "HandleTensorArrayV3",
    "TensorArrayGradV3": "HandleTensorArrayGradV3",
    "TensorArrayWriteV3": "HandleTensorArrayWriteV3",
    "TensorArrayReadV3": "HandleTensorArrayReadV3",
    "TensorArrayGatherV3": "HandleTensorArrayGatherV3",
    "TensorArrayScatterV3": "HandleTensorArrayScatterV3",
    "TensorArraySizeV3": "HandleTensorArraySizeV3",
    "TensorArrayConcatV3": "HandleTensorArrayConcatV3",
    "TensorArraySplitV3": "HandleTensorArraySplitV3",
    "TensorArrayCloseV3": "HandleTensorArrayCloseV3",
}
TF_TYPE_OF_HANDLE_OP = {handle: tf_type for tf_type, handle in HANDLE_TENSOR_ARRAY_OPS.items()}


# -- TensorFlow's gradient helpers (its own gradient graphs use them) --------------------------


def _sigmoid_grad(attrs):
    return lambda y, dy: dy * (y * (1 - y))


def _tanh_grad(attrs):
    return lambda y, dy: dy * (1 - y * y)


def _concat_offset(attrs):
    def offsets(axis, *shapes):
        axis = int(axis)
        result = []
        offset = 0
        for shape in shapes:
            shape = np.asarray(shape)
            position = np.zeros_like(shape)
            position[axis] = offset
            offset += int(shape[axis])
            result.append(position)
        return tuple(result)

    return offsets


register_op("SigmoidGrad", _sigmoid_grad, lambda op: [op.inputs[0].shape])
register_op("TanhGrad", _tanh_grad, lambda op: [op.inputs[0].shape])
register_op("ConcatOffset", _concat_offset, lambda op: [t.shape for t in op.inputs[1:]])

_FLOW = dtypes.float32
# Output dtypes of the nodes above in a GraphDef TensorFlow wrote (no ``_output_types``).
OUTPUT_DTYPES = {
    "Switch": lambda attrs: [attrs["T"]] * 2,
    "RefSwitch": lambda attrs: [attrs["T"]] * 2,
    "Merge": lambda attrs: [attrs["T"], dtypes.int32],
    "RefMerge": lambda attrs: [attrs["T"], dtypes.int32],
    "LoopCond": lambda attrs: [dtypes.bool],
    "ControlTrigger": lambda attrs: [],
    "StackV2": lambda attrs: [dtypes.resource],
    "StackPopV2": lambda attrs: [attrs["elem_type"]],
    "StackCloseV2": lambda attrs: [],
    "TensorArrayV3": lambda attrs: [dtypes.resource, _FLOW],
    "TensorArrayGradV3": lambda attrs: [dtypes.resource, _FLOW],
    "TensorArrayWriteV3": lambda attrs: [_FLOW],
    "TensorArrayScatterV3": lambda attrs: [_FLOW],
    "TensorArraySplitV3": lambda attrs: [_FLOW],
    "TensorArraySizeV3": lambda attrs: [dtypes.int32],
    "TensorArrayConcatV3": lambda attrs: [attrs["dtype"], dtypes.int64],
    "TensorArrayCloseV3": lambda attrs: [],
    "ConcatOffset": lambda attrs: [dtypes.int32] * attrs["N"],
}
