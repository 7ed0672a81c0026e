"""Gradients of the array ops."""

from .. import dtypes
from ..registry import NotDifferentiable, RegisterGradient
from ..tensor_shape import TensorShape
from . import array_ops, math_ops, pad_ops
from .array_ops import broadcast_to_shape_of, reduce_to_shape_of
from .common import constant_value, make_op
from .indexed_slices import IndexedSlices


@RegisterGradient("Identity")
def _identity_grad(op, grad):
    return grad


RegisterGradient("PlaceholderWithDefault")(_identity_grad)
NotDifferentiable("StopGradient")
NotDifferentiable("BroadcastGradientArgs")


@RegisterGradient("PreventGradient")
def _prevent_gradient_grad(op, grad):
    raise LookupError(f"Gradient explicitly disabled. Reason: {op.attrs.get('message', '')}")
NotDifferentiable("Const")
NotDifferentiable("Placeholder")
NotDifferentiable("Shape")
NotDifferentiable("Size")
NotDifferentiable("Rank")
NotDifferentiable("ZerosLike")
NotDifferentiable("OnesLike")
NotDifferentiable("OneHot")


@RegisterGradient("Cast")
def _cast_grad(op, grad):
    # TensorFlow: the gradient passes between floating and complex types (a complex
    # gradient cast to a real source keeps its real part), and stops at integers and bools.
    source = op.inputs[0].dtype
    target = op.outputs[0].dtype
    if (source.is_floating or source.is_complex) and (target.is_floating or target.is_complex):
        if isinstance(grad, IndexedSlices):
            return IndexedSlices(array_ops.cast(grad.values, source), grad.indices,
                                 grad.dense_shape)
        return array_ops.cast(grad, source)
    return None


@RegisterGradient("Reshape")
def _reshape_grad(op, grad):
    return array_ops.reshape(grad, array_ops.shape(op.inputs[0])), None


@RegisterGradient("ExpandDims")
def _expand_dims_grad(op, grad):
    return array_ops.reshape(grad, array_ops.shape(op.inputs[0]))


@RegisterGradient("Squeeze")
def _squeeze_grad(op, grad):
    return array_ops.reshape(grad, array_ops.shape(op.inputs[0]))


@RegisterGradient("Transpose")
def _transpose_grad(op, grad):
    perm = constant_value(op.inputs[1])
    inverse = [0] * len(perm)
    for i, p in enumerate(perm):
        inverse[int(p)] = i
    return array_ops.transpose(grad, inverse), None


@RegisterGradient("ConjugateTranspose")
def _conjugate_transpose_grad(op, grad):
    perm = constant_value(op.inputs[1])
    inverse = [0] * len(perm)
    for i, p in enumerate(perm):
        inverse[int(p)] = i
    return array_ops.transpose(grad, inverse, conjugate=True), None


@RegisterGradient("Fill")
def _fill_grad(op, grad):
    return None, math_ops.reduce_sum(grad)


@RegisterGradient("StridedSlice")
def _strided_slice_grad(op, grad):
    x, begin, end, strides = op.inputs
    inputs = [grad, x, begin, end, strides]
    scattered = make_op("StridedSliceGrad", inputs, [grad.dtype], dict(op.attrs)).outputs[0]
    return scattered, None, None, None


@RegisterGradient("StridedSliceGrad")
def _strided_slice_grad_grad(op, grad):
    begin, end, strides = op.inputs[2:]
    inputs = [grad, begin, end, strides]
    sliced = make_op("StridedSlice", inputs, [grad.dtype], dict(op.attrs)).outputs[0]
    return sliced, None, None, None, None


@RegisterGradient("Slice")
def _slice_grad(op, grad):
    x, begin, _ = op.inputs
    x_shape = array_ops.shape(x, out_type=begin.dtype)
    out_shape = array_ops.shape(op.outputs[0], out_type=begin.dtype)
    after = x_shape - begin - out_shape
    paddings = array_ops.stack([begin, after], axis=1)
    padded = array_ops.pad(grad, paddings)
    padded.set_shape(x.shape)  # the padding is dynamic, the result is x's shape
    return padded, None, None


def _concat_axis(op):
    """The (non-negative) axis of a ConcatV2 as a Python int, or an int32 tensor."""
    axis = constant_value(op.inputs[-1])
    rank = op.outputs[0].shape.ndims
    if axis is not None and rank is not None:
        return int(axis) % rank
    if axis is not None and axis >= 0:
        return int(axis)
    return math_ops.floormod(op.inputs[-1], array_ops.rank(op.inputs[0]))


@RegisterGradient("ConcatV2")
def _concat_grad(op, grad):
    values = op.inputs[:-1]
    axis = _concat_axis(op)
    sizes = [v.shape[axis].value if isinstance(axis, int) else None for v in values]
    if None in sizes:
        sizes = array_ops.stack([array_ops.gather(array_ops.shape(v), axis) for v in values])
    parts = array_ops.split(grad, sizes, axis=axis, num=len(values))
    for part, value in zip(parts, values, strict=True):
        # What is known of each input's shape holds for its gradient (TensorFlow's slices
        # take their sizes from the inputs' shapes, so a known input keeps its shape).
        part.set_shape(value.shape)
    return [*parts, None]


@RegisterGradient("Pack")
def _pack_grad(op, grad):
    return array_ops.unstack(grad, num=len(op.inputs), axis=op.attrs["axis"])


def _zeros_for_missing(grads, outputs):
    pairs = zip(grads, outputs, strict=True)
    return [array_ops.zeros_like(out) if g is None else g for g, out in pairs]


@RegisterGradient("Unpack")
def _unpack_grad(op, *grads):
    return array_ops.stack(_zeros_for_missing(grads, op.outputs), axis=op.attrs["axis"])


@RegisterGradient("Split")
def _split_grad(op, *grads):
    joined = array_ops.concat(_zeros_for_missing(grads, op.outputs), axis=op.inputs[0])
    return None, joined


@RegisterGradient("SplitV")
def _split_v_grad(op, *grads):
    joined = array_ops.concat(_zeros_for_missing(grads, op.outputs), axis=op.inputs[2])
    return joined, None, None


@RegisterGradient("Tile")
def _tile_grad(op, grad):
    x, multiples = op.inputs
    rank = multiples.shape[0].value if multiples.shape.ndims == 1 else None
    if rank is None:
        rank = x.shape.ndims
    if rank is None:
        raise ValueError(f"The gradient of {op.name} needs the rank of its input known")
    x_shape = array_ops.shape(x, out_type=multiples.dtype)
    # Split each axis i of the tiled gradient into [multiples[i], shape[i]]; sum the copies.
    split_shape = array_ops.reshape(array_ops.stack([multiples, x_shape], axis=1), [-1])
    copies = array_ops.reshape(grad, split_shape)
    summed = math_ops.reduce_sum(copies, axis=list(range(0, 2 * rank, 2)))
    summed.set_shape(x.shape)
    return summed, None


@RegisterGradient("Pad")
def _pad_grad(op, grad):
    x, paddings = op.inputs[:2]
    before = paddings[:, 0]
    return array_ops.slice(grad, before, array_ops.shape(x, out_type=paddings.dtype)), None


@RegisterGradient("PadV2")
def _pad_v2_grad(op, grad):
    # TensorFlow gives no gradient to the padding value either.
    return _pad_grad(op, grad)[0], None, None


@RegisterGradient("MirrorPad")
def _mirror_pad_grad(op, grad):
    return pad_ops._mirror_pad_grad(grad, op.inputs[1], op.attrs["mode"]), None


@RegisterGradient("MirrorPadGrad")
def _mirror_pad_grad_grad(op, grad):
    return array_ops.pad(grad, op.inputs[1], mode=op.attrs["mode"]), None


@RegisterGradient("ReverseV2")
def _reverse_grad(op, grad):
    return array_ops.reverse(grad, op.inputs[1]), None


@RegisterGradient("BroadcastTo")
def _broadcast_to_grad(op, grad):
    return reduce_to_shape_of(grad, op.inputs[0]), None


def _gathered_rows(params, indices, grad):
    """The gradient of an axis-0 gather as IndexedSlices, as TensorFlow 1.x builds it: one
    row of values per index (flattened), and params' shape (int32) as the dense shape."""
    params_shape = array_ops.shape(params, out_type=dtypes.int64)
    params_shape = math_ops.cast(params_shape, dtypes.int32)
    size = array_ops.expand_dims(array_ops.size(indices), 0)
    values_shape = array_ops.concat([size, params_shape[1:]], 0)
    values = array_ops.reshape(grad, values_shape)
    flat_indices = array_ops.reshape(indices, size)
    # Static shapes TensorFlow's shape inference finds (its Size/Shape constant folding).
    count = indices.shape.num_elements() if indices.shape.is_fully_defined() else None
    rows = TensorShape([count])
    if params.shape.ndims is not None:
        values.set_shape(rows.concatenate(params.shape[1:]))
    flat_indices.set_shape(rows)
    return IndexedSlices(values, flat_indices, params_shape)


@RegisterGradient("GatherV2")
def _gather_grad(op, grad):
    """Axis 0: IndexedSlices (the touched rows). Other axes: a dense tensor, the rows of
    ``grad`` summed into the rows of params they came from."""
    params, indices, axis_tensor = op.inputs
    axis = constant_value(axis_tensor)
    if axis is not None and int(axis) == 0:
        return _gathered_rows(params, indices, grad), None, None
    return _gather_dense_grad(op, grad)


@RegisterGradient("DenseGatherGrad")
def _gather_dense_grad(op, grad):
    """The gradient of a gather as a dense tensor. Composites standing for one TensorFlow op
    whose gradient is dense (``sparse_segment_sum``) build their gather under
    ``gradient_override_map({"GatherV2": "DenseGatherGrad"})``."""
    params, indices, axis_tensor = op.inputs
    axis = constant_value(axis_tensor)
    params_rank = params.shape.ndims
    indices_rank = indices.shape.ndims
    if axis is None or params_rank is None or indices_rank is None:
        raise ValueError(f"The gradient of {op.name} needs a constant axis and known ranks")
    axis = int(axis) % params_rank
    # grad has dims params[:axis] + indices + params[axis+1:]; bring the indices dims first.
    outer = list(range(axis))
    picked = list(range(axis, axis + indices_rank))
    inner = list(range(axis + indices_rank, params_rank - 1 + indices_rank))
    moved = grad if axis == 0 else array_ops.transpose(grad, picked + outer + inner)
    rest_shape = array_ops.shape(moved)[indices_rank:]
    rows = array_ops.reshape(moved, array_ops.concat([[-1], rest_shape], 0))
    ids = array_ops.reshape(indices, [-1])
    count = array_ops.shape(params, out_type=indices.dtype)[axis]
    summed = math_ops.unsorted_segment_sum(rows, ids, count)
    if axis != 0:
        back = [*range(1, axis + 1), 0, *range(axis + 1, params_rank)]
        summed = array_ops.transpose(summed, back)
    summed.set_shape(params.shape)
    return summed, None, None


@RegisterGradient("Select")
def _select_grad(op, grad):
    condition = op.inputs[0]
    zeros = array_ops.zeros_like(grad)
    return None, array_ops.where(condition, grad, zeros), array_ops.where(condition, zeros, grad)


@RegisterGradient("SelectV2")
def _select_v2_grad(op, grad):
    condition, x, y = op.inputs
    zeros = array_ops.zeros_like(grad)
    grad_x = reduce_to_shape_of(array_ops.where_v2(condition, grad, zeros), x)
    grad_y = reduce_to_shape_of(array_ops.where_v2(condition, zeros, grad), y)
    return None, grad_x, grad_y


NotDifferentiable("Where")


@RegisterGradient("Diag")
def _diag_grad(op, grad):
    return array_ops.diag_part(grad)


@RegisterGradient("DiagPart")
def _diag_part_grad(op, grad):
    return array_ops.diag(grad)


@RegisterGradient("ReduceToShapeOf")
def _reduce_to_shape_grad(op, grad):
    return broadcast_to_shape_of(grad, op.inputs[0]), None


@RegisterGradient("BroadcastToShapeOf")
def _broadcast_to_shape_grad(op, grad):
    axes = op.attrs["axes"]
    if axes is None:
        summed = grad
    else:
        summed = math_ops.reduce_sum(grad, axis=None if axes == "all" else list(axes))
    if op.attrs["mean"]:
        count = math_ops.cast(array_ops.size(op.inputs[1]), grad.dtype) / math_ops.cast(
            math_ops.maximum(array_ops.size(op.inputs[0]), 1), grad.dtype)
        summed = summed / count
    return reduce_to_shape_of(summed, op.inputs[0]), None
