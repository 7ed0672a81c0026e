"""Collective ops that run inside ``Session.run``: allreduce, allgather and broadcast.

Each op calls MPI when its kernel runs, so every rank must run the same collectives in the
same order: the plan orders ops deterministically, so ranks that build the same graph and
run the same fetches agree. The kernels are marked stateful so a session never computes
them ahead of time (constant folding would run a collective on one rank only).

Before moving data, each op compares what every rank is about to send (op name, dtypes,
shapes) with one small message, so a mismatch is an InvalidArgumentError naming the ranks
instead of corrupted numbers or a hang.
"""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor, name_scope
from ..op_signature import signature as _typed
from ..op_signature import type_list
from ..ops.common import make_op
from ..registry import RegisterGradient, register_op
from ..tensor_shape import TensorShape, unknown_shape
from . import _mpi

# Gradients are fused into buffers of at most this many bytes (Horovod's default).
FUSION_THRESHOLD = 64 * 1024 * 1024

_REDUCIBLE = (dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64)
_MOVABLE = (*_REDUCIBLE, dtypes.uint8, dtypes.int8, dtypes.int16, dtypes.bool)


def _agree(comm, op_name, signature):
    """Check that every rank runs ``op_name`` with the same ``signature``; return all of them."""
    everyone = comm.allgather((op_name, signature))
    mine = (op_name, signature)
    differing = [rank for rank, theirs in enumerate(everyone) if theirs != mine]
    if differing:
        raise InvalidArgumentError(
            None, None,
            f"Mismatched collective on rank {comm.Get_rank()}: this rank runs {op_name} with "
            f"{_describe(signature)}, but rank {differing[0]} runs {everyone[differing[0]][0]} "
            f"with {_describe(everyone[differing[0]][1])}",
        )
    return everyone


def _describe(signature):
    return ", ".join(f"{dtype}{list(shape)}" for dtype, shape in signature)


def _signature(arrays):
    return tuple((a.dtype.name, tuple(a.shape)) for a in arrays)


# -- allreduce ------------------------------------------------------------------------------------


def _chunks(arrays, threshold):
    """Runs of consecutive same-dtype arrays, each at most ``threshold`` bytes (or one array)."""
    chunk = []
    size = 0
    for index, array in enumerate(arrays):
        fits = chunk and arrays[chunk[0]].dtype == array.dtype and size + array.nbytes <= threshold
        if chunk and not fits:
            yield chunk
            chunk, size = [], 0
        chunk.append(index)
        size += array.nbytes
    if chunk:
        yield chunk


def _allreduce_kernel(attrs, state):
    average = attrs["average"]
    threshold = attrs["fusion_threshold"]
    op_name = attrs["op_name"]

    def allreduce(*arrays):
        job = _mpi.job()
        arrays = [np.asarray(a) for a in arrays]
        if job.size > 1:
            _agree(job.comm, op_name, _signature(arrays))
        results = [None] * len(arrays)
        for chunk in _chunks(arrays, threshold):
            dtype = arrays[chunk[0]].dtype
            wire = np.float32 if dtype == np.float16 else dtype
            buffer = np.concatenate([arrays[i].astype(wire, copy=False).ravel() for i in chunk])
            if job.size > 1:
                job.comm.Allreduce(job.mpi.IN_PLACE, buffer, op=job.mpi.SUM)
            if average:
                if buffer.dtype.kind == "f":
                    buffer /= job.size
                else:
                    buffer //= job.size
            offset = 0
            for i in chunk:
                count = arrays[i].size
                part = buffer[offset : offset + count].reshape(arrays[i].shape)
                results[i] = part.astype(dtype, copy=False)
                offset += count
        return results[0] if len(results) == 1 else tuple(results)

    return allreduce


register_op(
    "MPIAllreduce", _allreduce_kernel, lambda op: [t.shape for t in op.inputs], stateful=True,
    signature=_typed("tensors: T -> reduced: T", T=type_list(_REDUCIBLE)),
)


def _check_dtypes(tensors, allowed, what):
    for tensor in tensors:
        if tensor.dtype.base_dtype not in allowed:
            names = ", ".join(d.name for d in allowed)
            raise TypeError(
                f"{what} of tensor '{tensor.name}' with dtype {tensor.dtype.name} is not "
                f"supported; allowed dtypes: {names}"
            )


def grouped_allreduce(tensors, average=True, name=None, fusion_threshold=FUSION_THRESHOLD):
    """Sum (or average) each tensor over all ranks, moving them in few fused MPI messages."""
    tensors = [convert_to_tensor(t) for t in tensors]
    if not tensors:
        return []
    _check_dtypes(tensors, _REDUCIBLE, "allreduce")
    with name_scope(name, "MPIAllreduce", tensors) as scope:
        attrs = {
            "average": bool(average),
            "fusion_threshold": int(fusion_threshold),
            "op_name": scope.rstrip("/") or "MPIAllreduce",
        }
        op = make_op("MPIAllreduce", tensors, [t.dtype.base_dtype for t in tensors], attrs,
                     name=scope)
    return list(op.outputs)


def allreduce(tensor, average=True, name=None):
    """``tensor`` summed over all ranks, divided by their number when ``average``."""
    return grouped_allreduce([tensor], average=average, name=name)[0]


@RegisterGradient("MPIAllreduce")
def _allreduce_grad(op, *grads):
    from ..ops import array_ops

    filled = [
        g if g is not None else array_ops.zeros_like(out) for g, out in zip(grads, op.outputs)
    ]
    return grouped_allreduce(filled, average=op.attrs["average"],
                             fusion_threshold=op.attrs["fusion_threshold"])


# -- allgather ------------------------------------------------------------------------------------


def _gathered_counts(job, op_name, array):
    """Every rank's first dimension, after checking the other dimensions agree."""
    everyone = job.comm.allgather((op_name, array.dtype.name, tuple(array.shape)))
    name, dtype, shape = everyone[job.rank]
    for rank, (other_name, other_dtype, other_shape) in enumerate(everyone):
        if (other_name, other_dtype, other_shape[1:]) != (name, dtype, shape[1:]):
            raise InvalidArgumentError(
                None, None,
                f"Mismatched allgather on rank {job.rank}: this rank gathers {dtype}"
                f"{list(shape)} in {name}, rank {rank} gathers {other_dtype}"
                f"{list(other_shape)} in {other_name} (all but the first dimension must agree)",
            )
    return [shape[0] for _, _, shape in everyone]


def _allgather_kernel(attrs, state):
    op_name = attrs["op_name"]

    def allgather(array):
        job = _mpi.job()
        array = np.ascontiguousarray(array)
        if array.ndim == 0:
            raise InvalidArgumentError(None, None, f"{op_name}: allgather needs rank >= 1")
        if job.size == 1:
            return array.copy()
        counts = _gathered_counts(job, op_name, array)
        row = int(np.prod(array.shape[1:], dtype=np.int64))
        out = np.empty((sum(counts),) + array.shape[1:], array.dtype)
        wire = [c * row for c in counts]
        job.comm.Allgatherv(array, [out, wire])
        return out

    return allgather


def _allgather_shape(op):
    shape = op.inputs[0].shape
    if shape.ndims is None:
        return [unknown_shape()]
    return [TensorShape([None] + shape.as_list()[1:])]


register_op("MPIAllgather", _allgather_kernel, _allgather_shape, stateful=True,
            signature=_typed("tensor: T -> gathered: T", T=_MOVABLE))


def allgather(tensor, name=None):
    """The tensors of all ranks concatenated along the first dimension, in rank order."""
    tensor = convert_to_tensor(tensor)
    _check_dtypes([tensor], _MOVABLE, "allgather")
    if tensor.shape.ndims == 0:
        raise ValueError(f"allgather needs a tensor of rank >= 1, got scalar '{tensor.name}'")
    with name_scope(name, "MPIAllgather", [tensor]) as scope:
        op_name = scope.rstrip("/")
        op = make_op("MPIAllgather", [tensor], [tensor.dtype.base_dtype], {"op_name": op_name},
                     name=scope)
    return op.outputs[0]


def _allgather_grad_kernel(attrs, state):
    def allgather_grad(grad, x):
        job = _mpi.job()
        total = np.array(grad, copy=True)
        if job.size > 1:
            counts = _gathered_counts(job, attrs["op_name"], np.ascontiguousarray(x))
            job.comm.Allreduce(job.mpi.IN_PLACE, total, op=job.mpi.SUM)
        else:
            counts = [x.shape[0]]
        start = sum(counts[: job.rank])
        return total[start : start + counts[job.rank]]

    return allgather_grad


register_op("MPIAllgatherGrad", _allgather_grad_kernel, lambda op: [op.inputs[1].shape],
            stateful=True,
            signature=_typed("grad: T, tensor: T -> output: T", T=_MOVABLE))


@RegisterGradient("MPIAllgather")
def _allgather_grad(op, grad):
    attrs = {"op_name": op.name + "_grad"}
    return make_op("MPIAllgatherGrad", [grad, op.inputs[0]], [grad.dtype], attrs,
                   default_name="MPIAllgatherGrad").outputs[0]


# -- broadcast ------------------------------------------------------------------------------------


def _broadcast_kernel(attrs, state):
    root = attrs["root_rank"]
    op_name = attrs["op_name"]

    def broadcast(array):
        job = _mpi.job()
        buffer = np.array(array, copy=True, order="C")
        if job.size == 1:
            return buffer
        if not 0 <= root < job.size:
            raise InvalidArgumentError(
                None, None, f"{op_name}: root rank {root} is not a rank of a job of {job.size}"
            )
        _agree(job.comm, op_name, _signature([buffer]))
        job.comm.Bcast(buffer, root=root)
        return buffer

    return broadcast


register_op("MPIBroadcast", _broadcast_kernel, lambda op: [op.inputs[0].shape], stateful=True,
            signature=_typed("tensor: T -> broadcast: T", T=_MOVABLE))


def broadcast(tensor, root_rank, name=None):
    """Every rank gets ``root_rank``'s value of ``tensor`` (same shape and dtype everywhere)."""
    tensor = convert_to_tensor(tensor)
    _check_dtypes([tensor], _MOVABLE, "broadcast")
    with name_scope(name, "MPIBroadcast", [tensor]) as scope:
        op_name = scope.rstrip("/")
        attrs = {"root_rank": int(root_rank), "op_name": op_name}
        op = make_op("MPIBroadcast", [tensor], [tensor.dtype.base_dtype], attrs, name=scope)
    return op.outputs[0]


def _broadcast_grad_kernel(attrs, state):
    root = attrs["root_rank"]

    def broadcast_grad(grad):
        job = _mpi.job()
        total = np.array(grad, copy=True)
        if job.size > 1:
            job.comm.Allreduce(job.mpi.IN_PLACE, total, op=job.mpi.SUM)
        if job.rank != root:
            total[...] = 0
        return total

    return broadcast_grad


register_op("MPIBroadcastGrad", _broadcast_grad_kernel, lambda op: [op.inputs[0].shape],
            stateful=True,
            signature=_typed("grad: T -> output: T", T=_MOVABLE))


@RegisterGradient("MPIBroadcast")
def _broadcast_grad(op, grad):
    attrs = {"root_rank": op.attrs["root_rank"]}
    return make_op("MPIBroadcastGrad", [grad], [grad.dtype], attrs,
                   default_name="MPIBroadcastGrad").outputs[0]
