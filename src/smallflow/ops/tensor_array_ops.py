"""``tf.TensorArray``: a list of tensors that loops write one element at a time.

A TensorArray is represented by one tensor, its *flow*: its dtype is the element dtype (so
gradients flow along it, as in TensorFlow) and its value, at run time, is a
``TensorArrayValue`` holding the elements. Every write makes a new value (the element list
is copied, not the arrays), so a loop body stays a pure function of its inputs and the
values a gradient keeps from earlier iterations are never changed behind its back.

Gradients of a TensorArray are ``TensorArrayGrad`` values: only the elements that received
a gradient, by index, added together when two gradients meet.
"""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor, name_scope
from ..op_signature import ALL, signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, as_shape, unknown_shape
from .common import make_op, same_shape

# An element already read from a TensorArray with clear_after_read (TF1's default).
_CLEARED = object()


class TensorArrayValue:
    """The run-time value of a TensorArray: elements (None until written) and its rules."""

    __slots__ = ("clear", "dynamic", "elements", "name")

    def __init__(self, elements, dynamic, name, clear=True):
        self.elements = elements
        self.dynamic = dynamic
        self.name = name
        self.clear = clear

    def written(self, index, value):
        elements = list(self.elements)
        size = len(elements)
        if index < 0:
            raise InvalidArgumentError(None, None, f"TensorArray {self.name}: Tried to write "
                                       f"to index {index} but it is negative.")
        if index >= size:
            if not self.dynamic:
                raise InvalidArgumentError(
                    None, None, f"TensorArray {self.name}: Tried to write to index {index} "
                    f"but array is not resizeable and size is: {size}")
            elements.extend([None] * (index + 1 - size))
        elif elements[index] is not None:  # written (or written and read)
            raise InvalidArgumentError(
                None, None, f"TensorArray {self.name}: Could not write to TensorArray index "
                f"{index} because it has already been written to.")
        # bytes (one string) kept as a 0-d object array, never NumPy's fixed-width S array
        elements[index] = np.asarray(value, dtype=object if isinstance(value, bytes) else None)
        return TensorArrayValue(elements, self.dynamic, self.name, self.clear)

    def read(self, index):
        if not 0 <= index < len(self.elements):
            raise InvalidArgumentError(
                None, None, f"TensorArray {self.name}: Tried to read from index {index} but "
                f"array size is: {len(self.elements)}")
        value = self.elements[index]
        if value is None:
            raise InvalidArgumentError(
                None, None, f"TensorArray {self.name}: Could not read from TensorArray index "
                f"{index} because it has not yet been written to.")
        if value is _CLEARED:
            raise InvalidArgumentError(
                None, None, f"TensorArray {self.name}: Could not read index {index} twice "
                "because it was cleared after a previous read (perhaps try setting "
                "clear_after_read = false?).")
        if self.clear:
            # Like TF's handle, reading releases the element (this version of the array).
            self.elements[index] = _CLEARED
        return value

    def stacked(self, indices, dtype, element_shape):
        if len(indices) == 0:
            if element_shape is None or not element_shape.is_fully_defined():
                raise InvalidArgumentError(
                    None, None, f"TensorArray {self.name}: Could not read from TensorArray "
                    "because it is empty and its element shape is not fully defined.")
            return np.zeros([0, *element_shape.as_list()], dtype=dtype)
        parts = [self.read(int(i)) for i in indices]
        first = parts[0].shape
        for i, part in zip(indices, parts):
            if part.shape != first:
                raise InvalidArgumentError(
                    None, None, f"TensorArray {self.name}: Could not read index {i} with "
                    f"shape {list(part.shape)}: it does not match the shape {list(first)} of "
                    f"index {indices[0]}; elements of a stack must have one shape.")
        return np.stack(parts)


class TensorArrayGrad:
    """The gradient of a TensorArray: a dict index -> gradient array (missing means zero)."""

    __slots__ = ("parts",)

    def __init__(self, parts=None):
        self.parts = parts or {}

    def __add__(self, other):
        if other is None or (isinstance(other, int | float) and other == 0):
            return self
        parts = dict(self.parts)
        for index, value in other.parts.items():
            mine = parts.get(index)
            parts[index] = value if mine is None else mine + value
        return TensorArrayGrad(parts)

    __radd__ = __add__

    def get(self, index, like):
        value = self.parts.get(index)
        return np.zeros_like(like) if value is None else value


# -- ops -------------------------------------------------------------------------------------


def _new_kernel(attrs, state):
    dynamic = attrs["dynamic_size"]
    name = attrs["tensor_array_name"]
    clear = attrs["clear_after_read"]
    return lambda size: TensorArrayValue([None] * int(size), dynamic, name, clear)


def _flow_shape(op):
    return [TensorShape([])]


# Stateful: each run needs a fresh array (reads clear elements), never one folded at planning.
register_op("TensorArrayV3", _new_kernel, _flow_shape, stateful=True,
            signature=signature("size: int32 -> flow: dtype", dtype=ALL))


def _write_kernel(attrs):
    return lambda flow, index, value: flow.written(int(index), value)


register_op("TensorArrayWriteV3", _write_kernel, _flow_shape,
            signature=signature("flow_in: T, index: int32, value: T -> flow_out: T", T=ALL))


def _read_kernel(attrs):
    return lambda flow, index: flow.read(int(index))


def _element_shape(op):
    return [op.attrs["element_shape"]]


register_op("TensorArrayReadV3", _read_kernel, _element_shape,
            signature=signature("flow_in: dtype, index: int32 -> value: dtype", dtype=ALL))


def _gather_kernel(attrs):
    dtype = attrs["dtype"].as_numpy_dtype
    shape = attrs["element_shape"]
    return lambda flow, indices: flow.stacked(np.asarray(indices).ravel(), dtype, shape)


def _stacked_shape(op):
    # TensorFlow leaves the length unknown, even for a gather with static indices.
    return [TensorShape([None]).concatenate(op.attrs["element_shape"])]


register_op("TensorArrayGatherV3", _gather_kernel, _stacked_shape,
            signature=signature("flow_in: dtype, indices: int32 -> value: dtype", dtype=ALL))


def _stack_kernel(attrs):
    dtype = attrs["dtype"].as_numpy_dtype
    shape = attrs["element_shape"]
    return lambda flow: flow.stacked(range(len(flow.elements)), dtype, shape)


register_op("TensorArrayStack", _stack_kernel, _stacked_shape,
            signature=signature("flow_in: dtype -> value: dtype", dtype=ALL))


def _scatter_kernel(attrs):
    def scatter(flow, indices, value):
        indices = np.asarray(indices).ravel()
        if len(indices) != len(value):
            raise InvalidArgumentError(
                None, None, f"TensorArray {flow.name}: Expected len(indices) == "
                f"values.shape[0], but saw: {len(indices)} vs. {len(value)}")
        for i, element in zip(indices, value):
            flow = flow.written(int(i), element)
        return flow

    return scatter


register_op("TensorArrayScatterV3", _scatter_kernel, _flow_shape,
            signature=signature("flow_in: T, indices: int32, value: T -> flow_out: T",
                                T=ALL))


def _unstack_kernel(attrs):
    def unstack(flow, value):
        elements = list(flow.elements)
        if len(elements) < len(value):
            if not flow.dynamic:
                raise InvalidArgumentError(
                    None, None, f"TensorArray {flow.name}: Tried to write to index "
                    f"{len(value) - 1} but array is not resizeable and size is: "
                    f"{len(elements)}")
            elements.extend([None] * (len(value) - len(elements)))
        for i in range(len(value)):
            if elements[i] is not None:
                raise InvalidArgumentError(
                    None, None, f"TensorArray {flow.name}: Could not write to TensorArray "
                    f"index {i} because it has already been written to.")
            elements[i] = value[i]
        return TensorArrayValue(elements, flow.dynamic, flow.name, flow.clear)

    return unstack


register_op("TensorArrayUnstack", _unstack_kernel, _flow_shape,
            signature=signature("flow_in: T, value: T -> flow_out: T", T=ALL))


def _size_kernel(attrs):
    return lambda flow: np.int32(len(flow.elements))


register_op("TensorArraySizeV3", _size_kernel, lambda op: [TensorShape([])],
            signature=signature("flow_in: T -> size: int32", T=ALL))


def _concat_kernel(attrs):
    def concat(flow):
        parts = [flow.read(i) for i in range(len(flow.elements))]
        lengths = np.array([len(p) for p in parts], dtype=np.int64)
        return np.concatenate(parts), lengths

    return concat


def _concat_shape(op):
    element = op.attrs["element_shape"]
    rest = TensorShape(None) if element.ndims is None else TensorShape(element.as_list()[1:])
    return [TensorShape([None]).concatenate(rest), TensorShape([None])]


register_op("TensorArrayConcatV3", _concat_kernel, _concat_shape,
            signature=signature("flow_in: dtype -> value: dtype, lengths: int64", dtype=ALL))


def _split_kernel(attrs):
    def split(flow, value, lengths):
        offsets = np.cumsum(np.concatenate([[0], np.asarray(lengths, dtype=np.int64)]))
        if offsets[-1] != len(value):
            raise InvalidArgumentError(
                None, None, f"TensorArray {flow.name}: Expected sum of lengths to be equal "
                f"to values.shape[0], but sum of lengths is {offsets[-1]} and value's shape "
                f"is: {list(np.shape(value))}")
        for i in range(len(offsets) - 1):
            flow = flow.written(i, value[offsets[i]:offsets[i + 1]])
        return flow

    return split


register_op("TensorArraySplitV3", _split_kernel, _flow_shape,
            signature=signature("flow_in: T, value: T, lengths: int64 -> flow_out: T", T=ALL))
NotDifferentiable("TensorArrayV3")
NotDifferentiable("TensorArraySizeV3")


def _zeros_like_value(value):
    if isinstance(value, TensorArrayValue | TensorArrayGrad):
        return TensorArrayGrad()
    return np.zeros_like(value)


def _accumulate(total, value):
    if isinstance(value, TensorArrayGrad):
        return value + total
    return total + value


register_op("ZerosLikeValue", lambda attrs: _zeros_like_value, same_shape,
            signature=signature("x: T -> y: T", T=ALL))
register_op("AccumulateGrad", lambda attrs: _accumulate, same_shape,
            signature=signature("total: T, value: T -> sum: T", T=ALL))
NotDifferentiable("ZerosLikeValue")
NotDifferentiable("AccumulateGrad")


def zeros_like_value(tensor, name=None):
    """Zeros shaped like ``tensor``, or an empty gradient when it is a TensorArray flow."""
    return make_op("ZerosLikeValue", [tensor], [tensor.dtype], None, name).outputs[0]


def accumulate(total, value, name=None):
    """``total + value`` for gradients that may be TensorArray gradients."""
    return make_op("AccumulateGrad", [total, value], [total.dtype], None, name).outputs[0]


# -- gradient kernels (the gradients themselves are in control_flow_grad.py) ---------------


def _grad_read(grad, index, like):
    return grad.get(int(index), like)


def _grad_write(index, value):
    return TensorArrayGrad({int(index): value})


def _grad_unstack(value):
    return TensorArrayGrad(dict(enumerate(value)))


def _grad_scatter(indices, value):
    total = TensorArrayGrad()
    for i, part in zip(np.asarray(indices).ravel(), value):
        total = total + TensorArrayGrad({int(i): part})
    return total


def _grad_stack(grad, value):
    result = np.zeros_like(value)
    for index, part in grad.parts.items():
        if index < len(result):
            result[index] = part
    return result


def _grad_gather(grad, indices, value):
    result = np.zeros_like(value)
    for k, index in enumerate(np.asarray(indices).ravel()):
        part = grad.parts.get(int(index))
        if part is not None:
            result[k] = part
    return result


def _grad_split(value, lengths):
    offsets = np.cumsum(np.concatenate([[0], np.asarray(lengths, dtype=np.int64)]))
    return TensorArrayGrad({i: value[offsets[i]:offsets[i + 1]]
                            for i in range(len(offsets) - 1)})


def _grad_concat(grad, lengths, value):
    result = np.zeros_like(value)
    offsets = np.cumsum(np.concatenate([[0], np.asarray(lengths, dtype=np.int64)]))
    for index, part in grad.parts.items():
        result[offsets[index]:offsets[index + 1]] = part
    return result


def _like_input(position):
    return lambda op: [op.inputs[position].shape]


for _type, _fn, _shape in (
    ("TensorArrayGradRead", _grad_read, _like_input(2)),
    ("TensorArrayGradWrite", _grad_write, _flow_shape),
    ("TensorArrayGradUnstack", _grad_unstack, _flow_shape),
    ("TensorArrayGradScatter", _grad_scatter, _flow_shape),
    ("TensorArrayGradStack", _grad_stack, _like_input(1)),
    ("TensorArrayGradGather", _grad_gather, _like_input(2)),
    ("TensorArrayGradSplit", _grad_split, _flow_shape),
    ("TensorArrayGradConcat", _grad_concat, _like_input(2)),
):
    register_op(_type, lambda attrs, fn=_fn: fn, _shape)
    NotDifferentiable(_type)


# -- the Python object -----------------------------------------------------------------------


class TensorArray:
    """A dynamically sized list of tensors, written and read by index (TF1 ``TensorArray``)."""

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape=True,
                 element_shape=None, colocate_with_first_write_call=True, name=None):
        self._dtype = dtypes.as_dtype(dtype)
        self._dynamic_size = bool(dynamic_size)
        self._infer_shape = infer_shape
        # One box shared by every TensorArray derived from this one (writes in a loop body
        # teach the element shape to the TensorArray the loop returns), as in TensorFlow.
        self._shape_box = [as_shape(element_shape) if element_shape is not None
                           else unknown_shape()]
        if flow is not None:
            self._flow = convert_to_tensor(flow)
            return
        if handle is not None:
            raise ValueError("A TensorArray made from a handle alone is not supported; pass "
                             "flow (the TensorArray's flow tensor) as well.")
        if size is None:
            raise ValueError("Size must be provided if handle is not provided")
        with name_scope(name or "TensorArray") as scope:
            size = convert_to_tensor(size, dtype=dtypes.int32, name="size")
            attrs = {"dtype": self._dtype, "dynamic_size": self._dynamic_size,
                     "tensor_array_name": tensor_array_name or scope[:-1],
                     "element_shape": self._element_shape,
                     "clear_after_read": clear_after_read is None or bool(clear_after_read)}
            self._flow = make_op("TensorArrayV3", [size], [self._dtype], attrs,
                                 name="TensorArrayV3").outputs[0]

    def _with_flow(self, flow):
        result = TensorArray.__new__(TensorArray)
        result._dtype = self._dtype
        result._dynamic_size = self._dynamic_size
        result._infer_shape = self._infer_shape
        result._shape_box = self._shape_box
        result._flow = flow
        return result

    @property
    def flow(self):
        return self._flow

    @property
    def handle(self):
        return self._flow

    @property
    def dtype(self):
        return self._dtype

    @property
    def element_shape(self):
        return self._shape_box[0]

    @property
    def _element_shape(self):
        return self._shape_box[0]

    @property
    def dynamic_size(self):
        return self._dynamic_size

    def _attrs(self):
        return {"dtype": self._dtype, "element_shape": self._element_shape}

    def _merge_shape(self, shape):
        if not self._infer_shape:
            return
        if not self._element_shape.is_compatible_with(shape):
            raise ValueError(f"Inconsistent shapes: saw {shape} but expected "
                             f"{self._element_shape} (and infer_shape=True)")
        self._shape_box[0] = self._element_shape.merge_with(shape)

    def _value(self, value, name):
        value = convert_to_tensor(value, name=name)
        if value.dtype != self._dtype:
            raise TypeError(f"TensorArray dtype is {self._dtype.name} but Op is trying to "
                            f"write dtype {value.dtype.name}.")
        return value

    def identity(self):
        return self._with_flow(self._flow)

    def read(self, index, name=None):
        """The element at ``index``."""
        index = convert_to_tensor(index, dtype=dtypes.int32, name="index")
        return make_op("TensorArrayReadV3", [self._flow, index], [self._dtype], self._attrs(),
                       name, "TensorArrayReadV3").outputs[0]

    def write(self, index, value, name=None):
        """A TensorArray like this one with ``value`` at ``index``."""
        with name_scope(name or "TensorArrayWrite"):
            index = convert_to_tensor(index, dtype=dtypes.int32, name="index")
            value = self._value(value, "value")
            self._merge_shape(value.shape)
            flow = make_op("TensorArrayWriteV3", [self._flow, index, value], [self._dtype],
                           None, name="TensorArrayWriteV3").outputs[0]
        return self._derived(flow)

    def _derived(self, flow):
        return self._with_flow(flow)

    def stack(self, name=None):
        """All elements stacked along a new first axis."""
        with name_scope(name or "TensorArrayStack"):
            return make_op("TensorArrayStack", [self._flow], [self._dtype], self._attrs(),
                           name="TensorArrayGatherV3").outputs[0]

    def gather(self, indices, name=None):
        """The elements at ``indices`` stacked along a new first axis."""
        indices = convert_to_tensor(indices, dtype=dtypes.int32, name="indices")
        return make_op("TensorArrayGatherV3", [self._flow, indices], [self._dtype],
                       self._attrs(), name, "TensorArrayGatherV3").outputs[0]

    def unstack(self, value, name=None):
        """A TensorArray holding ``value[0], value[1], ...``."""
        with name_scope(name or "TensorArrayUnstack"):
            value = self._value(value, "value")
            if value.shape.ndims is not None and value.shape.ndims > 0:
                self._merge_shape(TensorShape(value.shape.as_list()[1:]))
            flow = make_op("TensorArrayUnstack", [self._flow, value], [self._dtype],
                           None, name="TensorArrayScatter").outputs[0]
        return self._derived(flow)

    def scatter(self, indices, value, name=None):
        """A TensorArray with ``value[k]`` at ``indices[k]``."""
        with name_scope(name or "TensorArrayScatter"):
            indices = convert_to_tensor(indices, dtype=dtypes.int32, name="indices")
            value = self._value(value, "value")
            if value.shape.ndims is not None and value.shape.ndims > 0:
                self._merge_shape(TensorShape(value.shape.as_list()[1:]))
            flow = make_op("TensorArrayScatterV3", [self._flow, indices, value],
                           [self._dtype], None, name="TensorArrayScatterV3").outputs[0]
        return self._derived(flow)

    def concat(self, name=None):
        """The elements joined along their first axis."""
        op = make_op("TensorArrayConcatV3", [self._flow], [self._dtype, dtypes.int64],
                     self._attrs(), name, "TensorArrayConcatV3")
        return op.outputs[0]

    def split(self, value, lengths, name=None):
        """A TensorArray of consecutive pieces of ``value`` with the given ``lengths``."""
        with name_scope(name or "TensorArraySplit"):
            value = self._value(value, "value")
            lengths = convert_to_tensor(lengths, dtype=dtypes.int64, name="lengths")
            flow = make_op("TensorArraySplitV3", [self._flow, value, lengths],
                           [self._dtype], None, name="TensorArraySplitV3").outputs[0]
        result = self._derived(flow)
        result._shape_box = [unknown_shape()]
        return result

    def size(self, name=None):
        """The number of elements, as an int32 scalar."""
        return make_op("TensorArraySizeV3", [self._flow], [dtypes.int32], None, name,
                       "TensorArraySizeV3").outputs[0]

    def close(self, name=None):
        """An op that does nothing: the elements go when nothing refers to them."""
        return make_op("NoOp", [], [], None, name or "TensorArrayClose")
