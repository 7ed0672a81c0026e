"""``gather_tree`` (TF1's ``GatherTree`` op): the full id sequences of the beams a beam search
kept, recovered by following parent pointers back from each beam's last step.

``step_ids`` and ``parent_ids`` are ``[max_time, batch, beam]``. For every (batch, beam) the
kernel walks from step ``min(max_time, max_sequence_lengths[batch]) - 1`` back to 0, taking
the id of the beam the pointer names at each step; positions past the sequence, and every
position after the first ``end_token``, hold ``end_token`` (TF 1.15's behaviour).
"""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor, name_scope
from ..op_signature import signature
from ..registry import NotDifferentiable, register_op
from .common import make_op

__all__ = ["gather_tree"]


def _invalid(message):
    return InvalidArgumentError(None, None, message)


def _check_shapes(step_ids, parent_ids, lengths, end_token):
    if step_ids.ndim != 3:
        raise _invalid(f"step_ids must be a 3-tensor, saw shape: {list(step_ids.shape)}")
    if lengths.ndim != 1:
        raise _invalid(f"max_sequence_lengths must be a vector, saw shape: "
                       f"{list(lengths.shape)}")
    if np.ndim(end_token) != 0:
        raise _invalid(f"end_token must be a scalar, saw shape: {list(np.shape(end_token))}")
    if step_ids.shape != parent_ids.shape:
        raise _invalid(f"step_ids.shape must match parent_ids.shape.  but shapes are: "
                       f"{list(step_ids.shape)} and {list(parent_ids.shape)}")
    if step_ids.shape[1] != lengths.shape[0]:
        raise _invalid(f"batch size dimensions step_ids.shape[1] and "
                       f"max_seqeuence_lengths.shape[0] must match.  but shapes are: "
                       f"{list(step_ids.shape)} and {list(lengths.shape)}")


def _gather_tree_kernel(attrs):
    def gather_tree(step_ids, parent_ids, lengths, end_token):
        _check_shapes(step_ids, parent_ids, lengths, end_token)
        max_time, batch_size, beam_width = step_ids.shape
        beams = np.full(step_ids.shape, end_token, dtype=step_ids.dtype)
        for batch in range(batch_size):
            length = min(max_time, int(lengths[batch]))
            if length <= 0:
                continue
            # All beams of a batch entry walk back together: one gather per level.
            parent = parent_ids[length - 1, batch].copy()
            beams[length - 1, batch] = step_ids[length - 1, batch]
            for level in range(length - 2, -1, -1):
                bad = (parent < 0) | (parent > beam_width)
                if bad.any():
                    beam = int(np.argmax(bad))
                    raise _invalid(f"Saw invalid parent id {int(parent[beam])} at (batch, "
                                   f"time, beam) == ({batch}, {level}, {beam})")
                parent = np.minimum(parent, beam_width - 1)
                beams[level, batch] = step_ids[level, batch, parent]
                parent = parent_ids[level, batch, parent]
            # Everything after a beam's first end_token is end_token.
            ended = np.cumsum(beams[:length, batch] == end_token, axis=0)
            after_end = (ended - (beams[:length, batch] == end_token)) > 0
            beams[:length, batch][after_end] = end_token
        return beams

    return gather_tree


def _gather_tree_shape(op):
    return [op.inputs[0].shape.merge_with(op.inputs[1].shape)]


register_op("GatherTree", _gather_tree_kernel, _gather_tree_shape,
            signature=signature("step_ids: T, parent_ids: T, max_sequence_lengths: int32, "
                                "end_token: T -> beams: T", T=(dtypes.int32,)))
NotDifferentiable("GatherTree")


def gather_tree(step_ids, parent_ids, max_sequence_lengths, end_token, name=None):
    """The id sequences ``[max_time, batch, beam]`` of the final beams (see the module)."""
    with name_scope(name or "GatherTree") as scope:
        step_ids = convert_to_tensor(step_ids, name="step_ids")
        parent_ids = convert_to_tensor(parent_ids, dtype=step_ids.dtype, name="parent_ids")
        lengths = convert_to_tensor(max_sequence_lengths, dtype=dtypes.int32,
                                    name="max_sequence_lengths")
        end_token = convert_to_tensor(end_token, dtype=step_ids.dtype, name="end_token")
        for tensor, rank, what in ((step_ids, 3, "step_ids"), (parent_ids, 3, "parent_ids"),
                                   (lengths, 1, "max_sequence_lengths"),
                                   (end_token, 0, "end_token")):
            if tensor.shape.ndims not in (None, rank):
                raise ValueError(f"Shape must be rank {rank} but is rank {tensor.shape.ndims} "
                                 f"for '{scope[:-1]}' (op: 'GatherTree') input {what} "
                                 f"with shape {tensor.shape}")
        return make_op("GatherTree", [step_ids, parent_ids, lengths, end_token],
                       [step_ids.dtype], None, name=scope[:-1]).outputs[0]
