"""``tf.image.combined_non_max_suppression``: greedy non-maximum suppression for every class
of every image of a batch, the survivors of all classes merged by score.

For each image and class, the boxes scoring above ``score_threshold`` are selected greedily
by score (at most ``max_output_size_per_class``; a box overlapping an already selected one
with IoU above ``iou_threshold`` is dropped), exactly as ``non_max_suppression`` selects.
The selections of all classes are then ordered by score, the best ``max_total_size`` kept,
their boxes clipped to [0, 1] (``clip_boxes``) and the rows padded with zeros up to
``max_total_size`` (or, with ``pad_per_class``, to ``min(max_output_size_per_class *
num_classes, max_total_size)``). ``boxes`` is ``[batch, num_boxes, q, 4]`` with ``q`` 1
(boxes shared by all classes) or ``num_classes``; ``scores`` ``[batch, num_boxes,
num_classes]``. Outputs: boxes, scores, classes (as floats) and each image's number of
valid detections.
"""

import collections

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor, get_default_graph
from ..op_signature import signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape
from .common import constant_value, make_op
from .image_box_ops import _iou_matrix, _suppress

__all__ = ["combined_non_max_suppression"]

CombinedNonMaxSuppression = collections.namedtuple(
    "CombinedNonMaxSuppression",
    ["nmsed_boxes", "nmsed_scores", "nmsed_classes", "valid_detections"])


def _check(boxes, scores, per_class, total, iou_threshold):
    if boxes.ndim != 4 or boxes.shape[3] != 4:
        raise InvalidArgumentError(None, None, f"boxes must be 4-D [batch, num_boxes, q, 4], "
                                   f"got shape {list(boxes.shape)}")
    if scores.ndim != 3:
        raise InvalidArgumentError(None, None, f"scores must be 3-D [batch, num_boxes, "
                                   f"num_classes], got shape {list(scores.shape)}")
    if boxes.shape[:2] != scores.shape[:2]:
        raise InvalidArgumentError(None, None, f"boxes and scores must agree on batch and "
                                   f"num_boxes: {list(boxes.shape)} vs {list(scores.shape)}")
    if boxes.shape[2] not in (1, scores.shape[2]):
        raise InvalidArgumentError(None, None, f"third dimension of boxes must be either 1 or "
                                   f"{scores.shape[2]}, got {boxes.shape[2]}")
    if per_class <= 0:
        raise InvalidArgumentError(None, None, "max_size_per_class must be > 0")
    if total <= 0:
        raise InvalidArgumentError(None, None, "max_total_size must be > 0")
    if not 0.0 <= iou_threshold <= 1.0:
        raise InvalidArgumentError(None, None, "iou_threshold must be in [0, 1]")


def _rows(attrs, per_class, total, num_classes):
    if attrs["pad_per_class"]:
        return min(per_class * num_classes, total)
    return total


def _kernel(attrs):
    def run(boxes, scores, max_per_class, max_total, iou_threshold, score_threshold):
        per_class, total = int(max_per_class), int(max_total)
        threshold, floor = float(iou_threshold), float(score_threshold)
        _check(boxes, scores, per_class, total, threshold)
        batch, _, q, _ = boxes.shape
        num_classes = scores.shape[2]
        rows = _rows(attrs, per_class, total, num_classes)
        out_boxes = np.zeros((batch, rows, 4), np.float32)
        out_scores = np.zeros((batch, rows), np.float32)
        out_classes = np.zeros((batch, rows), np.float32)
        valid = np.zeros(batch, np.int32)
        for b in range(batch):
            found = []  # (score, class, box)
            shared = _iou_matrix(boxes[b, :, 0]) if q == 1 else None
            for c in range(num_classes):
                class_boxes = boxes[b, :, 0 if q == 1 else c]
                similarity = shared if q == 1 else _iou_matrix(class_boxes)
                class_scores = scores[b, :, c].astype(np.float64)
                chosen, _ = _suppress(similarity, class_scores, per_class, threshold, floor)
                found += [(float(scores[b, i, c]), c, class_boxes[i]) for i in chosen]
            found.sort(key=lambda item: -item[0])  # stable: ties keep class order
            kept = found[:rows]
            valid[b] = len(kept)
            for row, (score, c, box) in enumerate(kept):
                out_boxes[b, row] = np.clip(box, 0.0, 1.0) if attrs["clip_boxes"] else box
                out_scores[b, row] = score
                out_classes[b, row] = c
        return out_boxes, out_scores, out_classes, valid

    return run


def _shape(op):
    boxes, scores = op.inputs[0].shape, op.inputs[1].shape
    if boxes.ndims is not None and boxes.ndims != 4:
        raise ValueError(f"Shape must be rank 4 but is rank {boxes.ndims} for "
                         f"'{op.name}' (op: 'CombinedNonMaxSuppression'): boxes")
    if scores.ndims is not None and scores.ndims != 3:
        raise ValueError(f"Shape must be rank 3 but is rank {scores.ndims} for "
                         f"'{op.name}' (op: 'CombinedNonMaxSuppression'): scores")
    where = f"for '{op.name}' (op: 'CombinedNonMaxSuppression')"
    if boxes.ndims is not None and scores.ndims is not None:
        box_dims, score_dims = boxes.as_list(), scores.as_list()
        if box_dims[3] is not None and box_dims[3] != 4:
            raise ValueError(f"Dimension must be 4 but is {box_dims[3]} {where}: boxes")
        q, classes = box_dims[2], score_dims[2]
        if q is not None and classes is not None and q not in (1, classes):
            raise ValueError(f"third dimension of boxes must be either 1 or equal to the third "
                             f"dimension of scores {where}: {q} vs {classes}")
    batch = boxes.as_list()[0] if boxes.ndims is not None else None
    if batch is None and scores.ndims is not None:
        batch = scores.as_list()[0]
    classes = scores.as_list()[2] if scores.ndims is not None else None
    per_class = constant_value(op.inputs[2])
    total = constant_value(op.inputs[3])
    rows = None
    if total is not None and (not op.attrs["pad_per_class"] or per_class is not None and
                              classes is not None):
        rows = _rows(op.attrs, int(per_class) if per_class is not None else 0, int(total),
                     classes or 0)
    return [TensorShape([batch, rows, 4]), TensorShape([batch, rows]),
            TensorShape([batch, rows]), TensorShape([batch])]


register_op("CombinedNonMaxSuppression", _kernel, _shape,
            signature=signature("boxes: float32, scores: float32, "
                                "max_output_size_per_class: int32, max_total_size: int32, "
                                "iou_threshold: float32, score_threshold: float32 -> "
                                "nmsed_boxes: float32, nmsed_scores: float32, "
                                "nmsed_classes: float32, valid_detections: int32"))
NotDifferentiable("CombinedNonMaxSuppression")


def combined_non_max_suppression(boxes, scores, max_output_size_per_class, max_total_size,
                                 iou_threshold=0.5, score_threshold=float("-inf"),
                                 pad_per_class=False, clip_boxes=True, name=None):
    """Per-class greedy NMS over a batch, merged by score (``tf.image.combined_non_max_
    suppression``): ``(nmsed_boxes, nmsed_scores, nmsed_classes, valid_detections)``."""
    with get_default_graph().name_scope(name or "combined_non_max_suppression"):
        inputs = [
            convert_to_tensor(boxes, dtype=dtypes.float32, name="boxes"),
            convert_to_tensor(scores, dtype=dtypes.float32, name="scores"),
            convert_to_tensor(max_output_size_per_class, dtype=dtypes.int32,
                              name="max_output_size_per_class"),
            convert_to_tensor(max_total_size, dtype=dtypes.int32, name="max_total_size"),
            convert_to_tensor(iou_threshold, dtype=dtypes.float32, name="iou_threshold"),
            convert_to_tensor(score_threshold, dtype=dtypes.float32, name="score_threshold"),
        ]
        attrs = {"pad_per_class": bool(pad_per_class), "clip_boxes": bool(clip_boxes)}
        op = make_op("CombinedNonMaxSuppression", inputs,
                     [dtypes.float32, dtypes.float32, dtypes.float32, dtypes.int32], attrs)
    return CombinedNonMaxSuppression(*op.outputs)
