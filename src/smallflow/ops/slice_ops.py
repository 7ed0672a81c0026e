"""Slicing: slice, strided_slice and Tensor indexing (``x[1:, ::2]``)."""

import builtins
import numbers

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import (
    ShapeError,
    Tensor,
    convert_to_tensor,
    is_tensor_like,
    name_scope,
)
from ..op_signature import ALL, INDEX, signature
from ..registry import register_op
from ..tensor_shape import Dimension, TensorShape, unknown_shape
from .common import (
    constant_ints,
    constant_value,
    element_array,
    make_op,
)
from .constant_op import cast
from .shape_ops import _shape_input, ones_like

# -- slicing ------------------------------------------------------------------------------------


def _slice_static(op):
    known = op.inputs[0].shape
    begin = constant_ints(op.inputs[1])
    size = constant_ints(op.inputs[2])
    rank = known.ndims
    if rank is None:
        rank = len(begin) if begin is not None else None
        return [unknown_shape(rank)]
    for vector in (begin, size):
        if vector is not None and len(vector) != rank:
            raise ShapeError(f"Shape must be rank {rank} but is rank {len(vector)}")
    dims = known.as_list()
    out = []
    for axis in range(rank):
        b = None if begin is None else begin[axis]
        s = None if size is None else size[axis]
        dim = dims[axis]
        if b is not None and dim is not None and not 0 <= b <= dim:
            raise ShapeError(f"Expected begin[{axis}] in [0, {dim}], but got {b}")
        if s == -1:
            out.append(None if b is None or dim is None else dim - b)
            continue
        if s is not None and b is not None and dim is not None and not 0 <= s <= dim - b:
            raise ShapeError(f"Expected size[{axis}] in [0, {dim - b}], but got {s}")
        out.append(s)
    return [TensorShape(out)]


def _slice_kernel(attrs):
    def slice_array(x, begin, size):
        if len(begin) != x.ndim or len(size) != x.ndim:
            raise InvalidArgumentError(
                None, None, f"Expected begin and size arguments to be 1-D tensors of size "
                f"{x.ndim}, but got shapes [{len(begin)}] and [{len(size)}] instead.")
        index = []
        for axis, (b, s) in enumerate(zip(begin.tolist(), size.tolist(), strict=True)):
            dim = x.shape[axis]
            if not 0 <= b <= dim:
                raise InvalidArgumentError(
                    None, None, f"Expected begin[{axis}] in [0, {dim}], but got {b}")
            if s == -1:
                s = dim - b
            if not 0 <= s <= dim - b:
                raise InvalidArgumentError(
                    None, None, f"Expected size[{axis}] in [0, {dim - b}], but got {s}")
            index.append(builtins.slice(b, b + s))
        return x[tuple(index)]

    return slice_array


register_op("Slice", _slice_kernel, _slice_static,
            signature=signature("input: T, begin: Index, size: Index -> output: T",
                                T=ALL,
                                Index=INDEX))


def slice(input_, begin, size, name=None):  # noqa: A001 - TensorFlow's public name
    """The part of ``input_`` starting at ``begin`` with extent ``size`` (-1: to the end)."""
    input_ = convert_to_tensor(input_)
    begin = _shape_input(begin, name="begin")
    size = _shape_input(size, name="size")
    if begin.dtype != size.dtype:
        size = cast(size, begin.dtype)
    return make_op("Slice", [input_, begin, size], [input_.dtype], None, name,
                   "Slice").outputs[0]


_DYNAMIC = object()  # a slice bound known only when the graph runs
_MASKS = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")


def _index_tuple(begin, end, strides, attrs):
    """The NumPy index that TensorFlow's begin/end/strides and bit masks describe."""
    items = []
    for i, (b, e, s) in enumerate(zip(begin, end, strides, strict=True)):
        bit = 1 << i
        if attrs["ellipsis_mask"] & bit:
            items.append(Ellipsis)
        elif attrs["new_axis_mask"] & bit:
            items.append(None)
        elif attrs["shrink_axis_mask"] & bit:
            items.append(b)
        else:
            start = None if attrs["begin_mask"] & bit else b
            stop = None if attrs["end_mask"] & bit else e
            items.append(builtins.slice(start, stop, s))
    return tuple(items)


def _static_spec(op):
    """The index with bounds known at build time (others are _DYNAMIC), or None."""
    vectors = [constant_ints(t) for t in op.inputs[1:4]]
    lengths = {len(v) for v in vectors if v is not None}
    if len(lengths) > 1:
        raise ShapeError("Expected begin, end, and strides to be 1D equal size tensors")
    if not lengths:
        return None
    length = lengths.pop()
    filled = [[_DYNAMIC] * length if v is None else [_DYNAMIC if d is None else d for d in v]
              for v in vectors]
    return _index_tuple(*filled, op.attrs)


def _strided_slice_static(op):
    spec = _static_spec(op)
    known = op.inputs[0].shape
    if spec is None:
        return [unknown_shape()]
    if sum(item is Ellipsis for item in spec) > 1:
        raise ShapeError("Multiple ellipses in slice spec not allowed")
    consumed = sum(item is not None and item is not Ellipsis for item in spec)
    if known.ndims is None:
        return [unknown_shape()]
    dims = known.as_list()
    if consumed > len(dims):
        raise ShapeError(f"Index out of range using input dim {len(dims)}; input has only "
                         f"{len(dims)} dims")
    out = []
    axis = 0
    for item in spec:
        if item is Ellipsis:
            skipped = len(dims) - consumed
            out.extend(dims[axis:axis + skipped])
            axis += skipped
        elif item is None:
            out.append(1)
        elif isinstance(item, builtins.slice):
            out.append(_sliced_length(item, dims[axis], axis))
            axis += 1
        else:
            dim = dims[axis]
            if item is not _DYNAMIC and dim is not None and not -dim <= item < dim:
                raise ShapeError(f"slice index {item} of dimension {axis} out of bounds.")
            axis += 1
    out.extend(dims[axis:])
    return [TensorShape(out)]


def _sliced_length(item, dim, axis):
    parts = (item.start, item.stop, item.step)
    if item.step == 0:
        raise ShapeError(f"strides[{axis}] must be non-zero")
    if dim is None or any(p is _DYNAMIC for p in parts):
        return None
    return len(range(dim)[item])


def _out_of_bounds(x, index):
    """TensorFlow's message for a shrinking index outside its dimension, or None."""
    consumed = sum(item is not None and item is not Ellipsis for item in index)
    axis = 0
    for item in index:
        if item is Ellipsis:
            axis += x.ndim - consumed
        elif isinstance(item, builtins.slice):
            axis += 1
        elif item is not None:
            if axis < x.ndim and not -x.shape[axis] <= item < x.shape[axis]:
                return f"slice index {item} of dimension {axis} out of bounds."
            axis += 1
    return None


def _apply_index(x, index):
    consumed = sum(item is not None and item is not Ellipsis for item in index)
    if consumed > x.ndim:
        # The shape function's words, when the rank is known only as the graph runs.
        raise InvalidArgumentError(None, None, f"Index out of range using input dim {x.ndim}; "
                                               f"input has only {x.ndim} dims")
    try:
        picked = x[index]
    except IndexError as err:
        message = _out_of_bounds(x, index) or str(err)
        raise InvalidArgumentError(None, None, message) from None
    return element_array(picked, x)


def _strided_slice_kernel(attrs):
    spec = attrs["spec"]
    if spec is not None:
        return lambda x, begin, end, strides: _apply_index(x, spec)

    def strided_slice_array(x, begin, end, strides):
        index = _index_tuple(begin.tolist(), end.tolist(), strides.tolist(), attrs)
        return _apply_index(x, index)

    return strided_slice_array


register_op("StridedSlice", _strided_slice_kernel, _strided_slice_static,
            signature=signature("input: T, begin: Index, end: Index, strides: Index -> output: T",
                                T=ALL,
                                Index=INDEX))


def _strided_slice_grad_kernel(attrs):
    spec = attrs["spec"]

    def scatter(grad, x, begin, end, strides):
        index = spec
        if index is None:
            index = _index_tuple(begin.tolist(), end.tolist(), strides.tolist(), attrs)
        out = np.zeros(x.shape, dtype=grad.dtype)
        out[index] = grad
        return out

    return scatter


register_op("StridedSliceGrad", _strided_slice_grad_kernel, lambda op: [op.inputs[1].shape],
            signature=signature("dy: T, x: T, begin: Index, end: Index, strides: Index"
                                " -> output: T",
                                T=ALL,
                                Index=INDEX))


def _slice_attrs(begin, end, strides, masks):
    attrs = dict(masks)
    vectors = [constant_value(t) for t in (begin, end, strides)]
    known = all(v is not None for v in vectors)
    attrs["spec"] = _index_tuple(*[v.tolist() for v in vectors], attrs) if known else None
    return attrs


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """NumPy-style basic slicing described by ``begin``/``end``/``strides`` and bit masks."""
    input_ = convert_to_tensor(input_)
    begin = _shape_input(begin, name="begin")
    end = _shape_input(end, name="end")
    if strides is None:
        strides = ones_like(begin)
    strides = _shape_input(strides, name="strides")
    values = (begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask)
    masks = dict(zip(_MASKS, values, strict=True))
    attrs = _slice_attrs(begin, end, strides, masks)
    return make_op("StridedSlice", [input_, begin, end, strides], [input_.dtype], attrs, name,
                   "StridedSlice").outputs[0]


_INDEX_ERROR = ("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and "
                "scalar tf.int32/tf.int64 tensors are valid indices, got {!r}")


def _check_index(part):
    if is_tensor_like(part):
        tensor = convert_to_tensor(part)
        if tensor.dtype not in (dtypes.int32, dtypes.int64) or tensor.shape.ndims not in (0,
                                                                                         None):
            raise TypeError(_INDEX_ERROR.format(part))
        return tensor
    if isinstance(part, np.ndarray) and part.ndim == 0 and part.dtype.kind in "iu":
        return int(part)  # a NumPy integer scalar held in a 0-d array
    if isinstance(part, Dimension):  # a static dimension (``x[..., :t.shape[-1]]``)
        if part.value is None:
            raise ValueError("Cannot convert an unknown Dimension to a Tensor: ?")
        return part.value
    if not isinstance(part, numbers.Integral):
        raise TypeError(_INDEX_ERROR.format(part))
    return int(part)


def _getitem(tensor, key):
    """``tensor[key]`` for ints, slices, ``...``, ``tf.newaxis`` and scalar int tensors."""
    items = key if isinstance(key, tuple) else (key,)
    begin, end, strides = [], [], []
    masks = dict.fromkeys(_MASKS, 0)
    for index, item in enumerate(items):
        bit = 1 << index
        if isinstance(item, builtins.slice):
            start = 0 if item.start is None else _check_index(item.start)
            stop = 0 if item.stop is None else _check_index(item.stop)
            step = 1 if item.step is None else _check_index(item.step)
            masks["begin_mask"] |= bit if item.start is None else 0
            masks["end_mask"] |= bit if item.stop is None else 0
        elif item is Ellipsis:
            start, stop, step = 0, 0, 1
            masks["ellipsis_mask"] |= bit
        elif item is None:
            start, stop, step = 0, 0, 1
            masks["new_axis_mask"] |= bit
        else:
            start = _check_index(item)
            stop = start + 1
            step = 1
            masks["shrink_axis_mask"] |= bit
        begin.append(start)
        end.append(stop)
        strides.append(step)
    wide = any(is_tensor_like(v) and convert_to_tensor(v).dtype == dtypes.int64
               for v in begin + end + strides)
    if wide:
        begin, end, strides = ([cast(v, dtypes.int64) if is_tensor_like(v) else v for v in vs]
                               for vs in (begin, end, strides))
    with name_scope(None, "strided_slice") as scope:
        vectors = [_shape_input(v, name=n) for v, n in
                   ((begin, "stack"), (end, "stack_1"), (strides, "stack_2"))]
        vectors = [v if v.dtype == vectors[0].dtype else cast(v, vectors[0].dtype)
                   for v in vectors]
        attrs = _slice_attrs(*vectors, masks)
        return make_op("StridedSlice", [tensor, *vectors], [tensor.dtype], attrs,
                       scope).outputs[0]


Tensor._override_operator("__getitem__", _getitem)


