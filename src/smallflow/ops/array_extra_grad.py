"""Gradients of the array ops in ``array_extra_ops``."""

from .. import dtypes
from ..registry import RegisterGradient
from . import array_extra_ops, array_ops, math_ops


@RegisterGradient("GatherNd")
def _gather_nd_grad(op, grad):
    params, indices = op.inputs
    shape = array_ops.shape(params, out_type=indices.dtype)
    return array_extra_ops.scatter_nd(indices, grad, shape), None


@RegisterGradient("ScatterNd")
def _scatter_nd_grad(op, grad):
    indices = op.inputs[0]
    return None, array_extra_ops.gather_nd(grad, indices), None


@RegisterGradient("TopKV2")
def _top_k_grad(op, grad, _indices_grad=None):
    """Each output's gradient goes back to the input entry it was taken from."""
    x = op.inputs[0]
    indices = op.outputs[1]
    in_shape = array_ops.shape(x)
    k = array_ops.shape(indices)[-1]
    columns = in_shape[-1]
    rows = array_ops.reshape(indices, array_ops.stack([-1, k]))
    row_count = array_ops.shape(rows)[0]
    offsets = array_ops.expand_dims(math_ops.range(row_count) * columns, -1)
    flat = array_ops.reshape(rows + offsets, [-1, 1])
    total = array_ops.reshape(math_ops.reduce_prod(in_shape), [1])
    scattered = array_extra_ops.scatter_nd(flat, array_ops.reshape(grad, [-1]), total)
    return array_ops.reshape(scattered, in_shape), None


@RegisterGradient("ReverseSequence")
def _reverse_sequence_grad(op, grad):
    lengths = op.inputs[1]
    return (array_extra_ops.reverse_sequence(grad, lengths, seq_axis=op.attrs["seq_dim"],
                                             batch_axis=op.attrs["batch_dim"]), None)


@RegisterGradient("DynamicPartition")
def _dynamic_partition_grad(op, *grads):
    data, partitions = op.inputs
    count = op.attrs["num_partitions"]
    leading = array_ops.shape(partitions)
    positions = array_ops.reshape(math_ops.range(math_ops.reduce_prod(leading)), leading)
    pieces = array_extra_ops.dynamic_partition(positions, partitions, count)
    filled = []
    for _piece, grad, output in zip(pieces, grads, op.outputs):
        filled.append(array_ops.zeros_like(output) if grad is None else grad)
    stitched = array_extra_ops.dynamic_stitch(pieces, filled)
    return array_ops.reshape(stitched, array_ops.shape(data)), None


@RegisterGradient("DynamicStitch")
def _dynamic_stitch_grad(op, grad):
    half = op.attrs["N"]
    indices = op.inputs[:half]
    return [None] * half + [array_ops.gather(grad, math_ops.cast(i, dtypes.int32))
                            for i in indices]


