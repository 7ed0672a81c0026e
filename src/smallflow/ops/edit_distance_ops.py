"""``tf.edit_distance``: the Levenshtein distance between the sequences of two SparseTensors.

The last dimension of ``hypothesis`` and ``truth`` holds the sequences; the other dimensions
index them, and the output is dense over those (the larger of the two shapes). As in TF1:
an index where only ``truth`` has a sequence gives its length (1.0 normalized), one where
only ``hypothesis`` has one gives its length (inf normalized), where neither has one, 0.
"""

import numpy as np

from .. import dtypes
from ..op_signature import signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape, unknown_shape
from .common import constant_value, make_op
from .sparse_ops import _as_sparse, _error

__all__ = ["edit_distance"]


def _levenshtein(a, b):
    """Insertions, deletions and substitutions turning sequence ``a`` into ``b``."""
    if len(a) == 0 or len(b) == 0:
        return len(a) + len(b)
    previous = np.arange(len(b) + 1)
    for i, item in enumerate(a, 1):
        current = np.empty_like(previous)
        current[0] = i
        substitute = previous[:-1] + (b != item)
        for j in range(1, len(b) + 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitute[j - 1])
        previous = current
    return int(previous[-1])


def _sequences(indices, values, shape, what):
    """Group a SparseTensor's values by their leading indices, in index order per group."""
    if indices.ndim != 2 or len(shape) != indices.shape[1] or len(values) != len(indices):
        raise _error(f"{what}_indices, {what}_values and {what}_shape do not describe one "
                     f"SparseTensor: indices {list(indices.shape)}, values "
                     f"{list(values.shape)}, shape {list(shape)}")
    groups = {}
    order = np.lexsort(indices.T[::-1]) if len(indices) else np.zeros(0, np.int64)
    for k in order:
        groups.setdefault(tuple(int(i) for i in indices[k, :-1]), []).append(values[k])
    return {key: np.array(seq) for key, seq in groups.items()}


def _kernel(attrs):
    normalize = attrs["normalize"]

    def edit_distance(h_indices, h_values, h_shape, t_indices, t_values, t_shape):
        if len(h_shape) != len(t_shape):
            raise _error(f"hypothesis and truth must have the same rank: {len(h_shape)} vs "
                         f"{len(t_shape)}")
        if len(h_shape) < 2:
            raise _error("hypothesis and truth must have rank >= 2 (the last dimension holds "
                         "the sequences)")
        out_shape = np.maximum(h_shape[:-1], t_shape[:-1]).astype(np.int64)
        out = np.zeros(tuple(int(d) for d in out_shape), np.float32)
        hyp = _sequences(h_indices, h_values, h_shape, "hypothesis")
        truth = _sequences(t_indices, t_values, t_shape, "truth")
        with np.errstate(divide="ignore", invalid="ignore"):
            for key in set(hyp) | set(truth):
                h_seq = hyp.get(key, np.zeros(0, h_values.dtype))
                t_seq = truth.get(key, np.zeros(0, t_values.dtype))
                distance = np.float32(_levenshtein(h_seq, t_seq))
                out[key] = distance / np.float32(len(t_seq)) if normalize else distance
        return out

    return edit_distance


def _shape(op):
    rank = None
    for shape_input in (op.inputs[2], op.inputs[5]):
        if shape_input.shape.is_fully_defined():
            rank = int(shape_input.shape[0]) - 1
    h, t = constant_value(op.inputs[2]), constant_value(op.inputs[5])
    if h is not None and t is not None and len(h) == len(t):
        return [TensorShape([int(d) for d in np.maximum(h[:-1], t[:-1])])]
    return [unknown_shape(rank)]


register_op("EditDistance", _kernel, _shape,
            signature=signature("hypothesis_indices: int64, hypothesis_values: T, "
                                "hypothesis_shape: int64, truth_indices: int64, "
                                "truth_values: T, truth_shape: int64 -> output: float32",
                                T=tuple(dtypes.as_dtype(d) for d in (
                                    "float16", "float32", "float64", "int8", "int16",
                                    "int32", "int64", "uint8", "uint16", "string", "bool"))))
NotDifferentiable("EditDistance")


def edit_distance(hypothesis, truth, normalize=True, name="edit_distance"):
    """The Levenshtein distance between each sequence of ``hypothesis`` and of ``truth``
    (SparseTensors of one rank and dtype), divided by the truth's length if ``normalize``."""
    hypothesis = _as_sparse(hypothesis, "hypothesis")
    truth = _as_sparse(truth, "truth")
    if hypothesis.dtype != truth.dtype:
        raise TypeError(f"hypothesis and truth must have the same dtype: "
                        f"{hypothesis.dtype.name} vs {truth.dtype.name}")
    return make_op("EditDistance",
                   [hypothesis.indices, hypothesis.values, hypothesis.dense_shape,
                    truth.indices, truth.values, truth.dense_shape],
                   [dtypes.float32], {"normalize": bool(normalize)}, name).outputs[0]
