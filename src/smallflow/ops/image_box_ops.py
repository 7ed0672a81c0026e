"""Boxes on images: ``crop_and_resize`` (with both gradients), non-maximum suppression
(hard, soft, padded, from overlaps), ``draw_bounding_boxes`` and
``sample_distorted_bounding_box``.

Boxes are ``[y_min, x_min, y_max, x_max]`` in coordinates normalised to ``[0, 1]`` (a box
may be flipped: ``y_min > y_max`` mirrors the crop). The kernels follow TensorFlow's CPU
kernels step by step, including their tie-breaking (equal scores: the lower index first) and
the order in which a suppressed candidate is compared with earlier selections.
"""

import heapq

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor, name_scope
from ..op_signature import FLOATS, signature
from ..registry import NotDifferentiable, RegisterGradient, register_op
from ..tensor_shape import TensorShape, unknown_shape
from . import array_ops, random_ops
from .common import constant_value, make_op

__all__ = [
    "crop_and_resize", "draw_bounding_boxes", "non_max_suppression",
    "non_max_suppression_overlaps", "non_max_suppression_padded",
    "non_max_suppression_with_scores", "sample_distorted_bounding_box",
]

_REALS = (dtypes.uint8, dtypes.uint16, dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64,
          dtypes.float16, dtypes.float32, dtypes.float64)


# -- crop_and_resize ------------------------------------------------------------------------------


def _sample_points(box, size, crop):
    """Input coordinates of the ``crop`` samples along one axis (in float32, as TensorFlow
    computes them: a box edge at 0.2 of 6 pixels is exactly pixel 1), and the per-sample
    derivatives with respect to the box's two ends."""
    f32 = np.float32
    start, end = f32(box[0]), f32(box[1])
    steps = np.arange(crop, dtype=np.float64)
    if crop > 1:
        scale = f32((end - start) * f32(size - 1)) / f32(crop - 1)
        coords = start * f32(size - 1) + steps.astype(f32) * scale
        d_start = (size - 1) * (1 - steps / (crop - 1))
        d_end = (size - 1) * (steps / (crop - 1))
    else:
        coords = np.full(crop, f32(0.5 * (float(start) + float(end)) * (size - 1)))
        d_start = d_end = np.full(crop, 0.5 * (size - 1))
    return coords.astype(np.float64), d_start, d_end


def _check_box_index(box_index, batch):
    if np.any((box_index < 0) | (box_index >= batch)):
        raise InvalidArgumentError(None, None, "box_index has values outside [0, batch_size)")


def _axis_taps(coords, size, nearest):
    inside = (coords >= 0) & (coords <= size - 1)
    safe = np.where(inside, coords, 0.0)
    if nearest:
        index = np.floor(safe + 0.5).astype(np.int64)  # roundf on non-negative values
        return inside, index, index, np.zeros_like(safe)
    low = np.floor(safe).astype(np.int64)
    high = np.ceil(safe).astype(np.int64)
    return inside, low, high, safe - low


def _corners(source, top, bottom, left, right):
    """The four neighbours of every sample: top-left, top-right, bottom-left, bottom-right."""
    upper = source[top]
    lower = source[bottom]
    return upper[:, left], upper[:, right], lower[:, left], lower[:, right]


def _crop_and_resize_kernel(attrs):
    nearest = attrs["method"] == "nearest"
    fill = attrs["extrapolation_value"]

    def crop_and_resize(image, boxes, box_index, crop_size):
        batch, height, width, depth = image.shape
        _check_box_index(box_index, batch)
        crop_h, crop_w = (int(v) for v in crop_size)
        if crop_h <= 0 or crop_w <= 0:
            raise InvalidArgumentError(None, None, "crop dimensions must be positive")
        out = np.empty((len(boxes), crop_h, crop_w, depth), dtype=np.float64)
        pixels = image.astype(np.float64)
        for b, box in enumerate(boxes):
            ys, _, _ = _sample_points(box[[0, 2]], height, crop_h)
            xs, _, _ = _sample_points(box[[1, 3]], width, crop_w)
            y_in, top, bottom, y_lerp = _axis_taps(ys, height, nearest)
            x_in, left, right, x_lerp = _axis_taps(xs, width, nearest)
            tl, tr, bl, br = _corners(pixels[box_index[b]], top, bottom, left, right)
            xl = x_lerp[None, :, None]
            upper = tl + (tr - tl) * xl
            lower = bl + (br - bl) * xl
            values = upper + (lower - upper) * y_lerp[:, None, None]
            mask = (y_in[:, None] & x_in[None, :])[..., None]
            out[b] = np.where(mask, values, fill)
        return out.astype(np.float32)

    return crop_and_resize


def _crop_grad_image_kernel(attrs):
    nearest = attrs["method"] == "nearest"
    out_dtype = attrs["T"].as_numpy_dtype

    def grad_image(grads, boxes, box_index, image_size):
        batch, height, width, depth = (int(v) for v in image_size)
        _check_box_index(box_index, batch)
        result = np.zeros((batch, height, width, depth), dtype=np.float64)
        crop_h, crop_w = grads.shape[1:3]
        for b, box in enumerate(boxes):
            ys, _, _ = _sample_points(box[[0, 2]], height, crop_h)
            xs, _, _ = _sample_points(box[[1, 3]], width, crop_w)
            y_in, top, bottom, y_lerp = _axis_taps(ys, height, nearest)
            x_in, left, right, x_lerp = _axis_taps(xs, width, nearest)
            g = grads[b].astype(np.float64) * (y_in[:, None] & x_in[None, :])[..., None]
            target = result[box_index[b]]
            wy = [(top, 1 - y_lerp), (bottom, y_lerp)]
            wx = [(left, 1 - x_lerp), (right, x_lerp)]
            if nearest:
                wy, wx = wy[:1], wx[:1]
                wy[0] = (top, np.ones_like(y_lerp))
                wx[0] = (left, np.ones_like(x_lerp))
            for rows, row_weight in wy:
                for cols, col_weight in wx:
                    weight = row_weight[:, None, None] * col_weight[None, :, None]
                    np.add.at(target, (rows[:, None], cols[None, :]), g * weight)
        return result.astype(out_dtype)

    return grad_image


def _crop_grad_boxes_kernel(attrs):
    def grad_boxes(grads, image, boxes, box_index):
        batch, height, width, _ = image.shape
        _check_box_index(box_index, batch)
        crop_h, crop_w = grads.shape[1:3]
        pixels = image.astype(np.float64)
        result = np.zeros(boxes.shape, dtype=np.float64)
        for b, box in enumerate(boxes):
            ys, dy1, dy2 = _sample_points(box[[0, 2]], height, crop_h)
            xs, dx1, dx2 = _sample_points(box[[1, 3]], width, crop_w)
            y_in, top, bottom, y_lerp = _axis_taps(ys, height, False)
            x_in, left, right, x_lerp = _axis_taps(xs, width, False)
            tl, tr, bl, br = _corners(pixels[box_index[b]], top, bottom, left, right)
            xl = x_lerp[None, :, None]
            yl = y_lerp[:, None, None]
            slope_y = (1 - xl) * (bl - tl) + xl * (br - tr)
            slope_x = (1 - yl) * (tr - tl) + yl * (br - bl)
            mask = (y_in[:, None] & x_in[None, :])
            g = grads[b].astype(np.float64)
            grad_y = np.where(mask, (g * slope_y).sum(-1), 0.0)
            grad_x = np.where(mask, (g * slope_x).sum(-1), 0.0)
            result[b] = [(grad_y.sum(1) * dy1).sum(), (grad_x.sum(0) * dx1).sum(),
                         (grad_y.sum(1) * dy2).sum(), (grad_x.sum(0) * dx2).sum()]
        return result.astype(np.float32)

    return grad_boxes


def _crop_shape(op):
    image = op.inputs[0].shape
    boxes = op.inputs[1].shape
    size = constant_value(op.inputs[3])
    count = boxes.as_list()[0] if boxes.ndims else None
    depth = image.as_list()[3] if image.ndims == 4 else None
    height, width = (None, None) if size is None else (int(size[0]), int(size[1]))
    return [TensorShape([count, height, width, depth])]


def _grad_image_shape(op):
    size = constant_value(op.inputs[3])
    return [unknown_shape(4) if size is None else TensorShape([int(v) for v in size])]


register_op("CropAndResize", _crop_and_resize_kernel, _crop_shape,
            signature=signature("image: T, boxes: float, box_ind: int32, crop_size: int32 -> "
                                "crops: float", T=_REALS))
register_op("CropAndResizeGradImage", _crop_grad_image_kernel, _grad_image_shape,
            signature=signature("grads: float, boxes: float, box_ind: int32, "
                                "image_size: int32 -> output: T", T=FLOATS))
register_op("CropAndResizeGradBoxes", _crop_grad_boxes_kernel,
            lambda op: [op.inputs[2].shape],
            signature=signature("grads: float, image: T, boxes: float, box_ind: int32 -> "
                                "output: float", T=_REALS))


@RegisterGradient("CropAndResize")
def _crop_and_resize_grad(op, grad):
    image, boxes, box_index, _ = op.inputs
    grad_image = None
    if image.dtype in FLOATS:
        attrs = {"method": op.attrs["method"], "T": image.dtype}
        grad_image = make_op("CropAndResizeGradImage",
                             [grad, boxes, box_index, array_ops.shape(image)], [image.dtype],
                             attrs).outputs[0]
    grad_boxes = make_op("CropAndResizeGradBoxes", [grad, image, boxes, box_index],
                         [dtypes.float32], {}).outputs[0]
    return grad_image, grad_boxes, None, None


NotDifferentiable("CropAndResizeGradImage")
NotDifferentiable("CropAndResizeGradBoxes")


def crop_and_resize(image, boxes, box_ind=None, crop_size=None, method="bilinear",
                    extrapolation_value=0, name=None, box_indices=None):
    """Crop ``boxes`` (one per row, from image ``box_ind``) and resize each to
    ``crop_size`` by bilinear or nearest sampling; samples outside the image read
    ``extrapolation_value``. Float32 crops ``[num_boxes, h, w, depth]``."""
    box_ind = box_indices if box_ind is None else box_ind
    if box_ind is None or crop_size is None:
        raise TypeError("crop_and_resize() needs box_ind and crop_size")
    if method not in ("bilinear", "nearest"):
        raise ValueError(f"method must be 'bilinear' or 'nearest', got {method!r}")
    image = convert_to_tensor(image, name="image")
    if image.shape.ndims not in (None, 4):
        raise ValueError(f"image must be 4-D, got shape {image.shape}")
    boxes = convert_to_tensor(boxes, dtype=dtypes.float32, name="boxes")
    box_ind = convert_to_tensor(box_ind, dtype=dtypes.int32, name="box_ind")
    crop_size = convert_to_tensor(crop_size, dtype=dtypes.int32, name="crop_size")
    attrs = {"method": method, "extrapolation_value": float(extrapolation_value)}
    return make_op("CropAndResize", [image, boxes, box_ind, crop_size], [dtypes.float32],
                   attrs, name).outputs[0]


# -- non-maximum suppression -----------------------------------------------------------------------


def _iou_matrix(boxes):
    boxes = boxes.astype(np.float64)
    y_min = np.minimum(boxes[:, 0], boxes[:, 2])
    y_max = np.maximum(boxes[:, 0], boxes[:, 2])
    x_min = np.minimum(boxes[:, 1], boxes[:, 3])
    x_max = np.maximum(boxes[:, 1], boxes[:, 3])
    area = (y_max - y_min) * (x_max - x_min)
    inter_h = np.maximum(np.minimum(y_max[:, None], y_max) - np.maximum(y_min[:, None], y_min),
                         0.0)
    inter_w = np.maximum(np.minimum(x_max[:, None], x_max) - np.maximum(x_min[:, None], x_min),
                         0.0)
    inter = inter_h * inter_w
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = inter / (area[:, None] + area - inter)
    valid = (area[:, None] > 0) & (area > 0)
    return np.where(valid, iou, 0.0)


def _suppress(similarity, scores, max_output, threshold, score_threshold, sigma=0.0):
    """TensorFlow's greedy selection; returns (indices, their final scores)."""
    soft = sigma > 0.0
    scale = -0.5 / sigma if soft else 0.0
    # Max-heap by score, then by lower index: entries (-score, index, begin).
    heap = [(-float(s), i, 0) for i, s in enumerate(scores) if s > score_threshold]
    heapq.heapify(heap)
    selected, selected_scores = [], []
    while len(selected) < max_output and heap:
        negative, index, begin = heapq.heappop(heap)
        score = original = -negative
        hard = False
        for j in range(len(selected) - 1, begin - 1, -1):
            value = similarity[index, selected[j]]
            score *= np.exp(scale * value * value) if value <= threshold else 0.0
            if not soft and value > threshold:
                hard = True
                break
            if score <= score_threshold:
                break
        if hard:
            continue
        if score == original:
            selected.append(index)
            selected_scores.append(score)
        elif score > score_threshold:
            heapq.heappush(heap, (-score, index, len(selected)))
    return np.array(selected, dtype=np.int32), np.array(selected_scores)


def _check_threshold(value, what):
    if not 0.0 <= value <= 1.0:
        raise InvalidArgumentError(None, None, f"{what} must be in [0, 1]")


def _nms_kernel(attrs):
    kind = attrs["kind"]

    def nms(boxes_or_overlaps, scores, max_output, threshold, score_threshold, *rest):
        if boxes_or_overlaps.ndim != 2 or boxes_or_overlaps.shape[0] != len(scores):
            raise InvalidArgumentError(None, None, f"boxes must be [num_boxes, 4] and scores "
                                                   f"[num_boxes], got "
                                                   f"{list(boxes_or_overlaps.shape)} and "
                                                   f"{list(scores.shape)}")
        if max_output < 0:
            raise InvalidArgumentError(None, None, "max_output_size must be non-negative")
        if kind == "overlaps":
            similarity = boxes_or_overlaps.astype(np.float64)
        else:
            _check_threshold(float(threshold), "iou_threshold")
            similarity = _iou_matrix(boxes_or_overlaps)
        sigma = float(rest[0]) if rest else 0.0
        if sigma < 0:
            raise InvalidArgumentError(None, None, "soft_nms_sigma must be non-negative")
        chosen, chosen_scores = _suppress(similarity, scores.astype(np.float64),
                                          int(max_output), float(threshold),
                                          float(score_threshold), sigma)
        if kind == "padded":
            valid = np.int32(len(chosen))
            if not attrs["pad"]:
                return chosen, valid
            padded = np.zeros(int(max_output), dtype=np.int32)
            padded[:len(chosen)] = chosen
            return padded, valid
        if kind == "scores":
            return chosen, chosen_scores.astype(scores.dtype)
        return chosen

    return nms


def _nms_shape(op):
    kind = op.attrs["kind"]
    if kind == "padded":
        count = constant_value(op.inputs[2]) if op.attrs["pad"] else None
        return [TensorShape([None if count is None else int(count)]), TensorShape([])]
    if kind == "scores":
        return [unknown_shape(1), unknown_shape(1)]
    return [unknown_shape(1)]


_NMS_INPUTS = "boxes: T, scores: T, max_output_size: int32, iou_threshold: T, " \
              "score_threshold: T"
register_op("NonMaxSuppressionV3", _nms_kernel, _nms_shape,
            signature=signature(_NMS_INPUTS + " -> selected_indices: int32",
                                T=(dtypes.float16, dtypes.float32)))
register_op("NonMaxSuppressionV4", _nms_kernel, _nms_shape,
            signature=signature(_NMS_INPUTS + " -> selected_indices: int32, valid_outputs: "
                                "int32", T=(dtypes.float16, dtypes.float32)))
register_op("NonMaxSuppressionV5", _nms_kernel, _nms_shape,
            signature=signature(_NMS_INPUTS + ", soft_nms_sigma: T -> selected_indices: "
                                "int32, selected_scores: T",
                                T=(dtypes.float16, dtypes.float32)))
register_op("NonMaxSuppressionWithOverlaps", _nms_kernel, _nms_shape,
            signature=signature("overlaps: float, scores: float, max_output_size: int32, "
                                "overlap_threshold: float, score_threshold: float -> "
                                "selected_indices: int32"))
for _op_type in ("NonMaxSuppressionV3", "NonMaxSuppressionV4", "NonMaxSuppressionV5",
                 "NonMaxSuppressionWithOverlaps"):
    NotDifferentiable(_op_type)


def _nms_inputs(boxes, scores, max_output_size, iou_threshold, score_threshold):
    boxes = convert_to_tensor(boxes, name="boxes")
    if boxes.dtype not in (dtypes.float16, dtypes.float32):
        boxes = convert_to_tensor(boxes, dtype=dtypes.float32)
    scores = convert_to_tensor(scores, dtype=boxes.dtype, name="scores")
    max_output_size = convert_to_tensor(max_output_size, dtype=dtypes.int32,
                                        name="max_output_size")
    iou_threshold = convert_to_tensor(iou_threshold, dtype=boxes.dtype, name="iou_threshold")
    score_threshold = convert_to_tensor(score_threshold, dtype=boxes.dtype,
                                        name="score_threshold")
    return [boxes, scores, max_output_size, iou_threshold, score_threshold]


def non_max_suppression(boxes, scores, max_output_size, iou_threshold=0.5,
                        score_threshold=float("-inf"), name=None):
    """Indices (int32) of at most ``max_output_size`` boxes, highest score first, dropping
    any box whose IOU with a kept box exceeds ``iou_threshold``."""
    with name_scope(name or "non_max_suppression"):
        inputs = _nms_inputs(boxes, scores, max_output_size, iou_threshold, score_threshold)
        return make_op("NonMaxSuppressionV3", inputs, [dtypes.int32],
                       {"kind": "hard"}).outputs[0]


def non_max_suppression_with_scores(boxes, scores, max_output_size, iou_threshold=0.5,
                                    score_threshold=float("-inf"), soft_nms_sigma=0.0,
                                    name=None):
    """``(indices, scores)``; with ``soft_nms_sigma > 0`` overlapping boxes are down-weighted
    by ``exp(-iou**2 / (2 sigma))`` instead of dropped (Soft-NMS)."""
    with name_scope(name or "non_max_suppression_with_scores"):
        inputs = _nms_inputs(boxes, scores, max_output_size, iou_threshold, score_threshold)
        sigma = convert_to_tensor(soft_nms_sigma, dtype=inputs[0].dtype, name="soft_nms_sigma")
        op = make_op("NonMaxSuppressionV5", [*inputs, sigma], [dtypes.int32, inputs[0].dtype],
                     {"kind": "scores"})
        return op.outputs[0], op.outputs[1]


def non_max_suppression_padded(boxes, scores, max_output_size, iou_threshold=0.5,
                               score_threshold=float("-inf"), pad_to_max_output_size=False,
                               name=None):
    """``(indices, valid_count)``: indices padded with zeros to ``max_output_size`` when
    ``pad_to_max_output_size``, else only the valid ones."""
    with name_scope(name or "non_max_suppression_padded"):
        inputs = _nms_inputs(boxes, scores, max_output_size, iou_threshold, score_threshold)
        op = make_op("NonMaxSuppressionV4", inputs, [dtypes.int32, dtypes.int32],
                     {"kind": "padded", "pad": bool(pad_to_max_output_size)})
        return op.outputs[0], op.outputs[1]


def non_max_suppression_overlaps(overlaps, scores, max_output_size, overlap_threshold=0.5,
                                 score_threshold=float("-inf"), name=None):
    """Like ``non_max_suppression`` with a given ``[n, n]`` overlap matrix for IOU."""
    with name_scope(name or "non_max_suppression_overlaps"):
        overlaps = convert_to_tensor(overlaps, dtype=dtypes.float32, name="overlaps")
        inputs = [overlaps, convert_to_tensor(scores, dtype=dtypes.float32, name="scores"),
                  convert_to_tensor(max_output_size, dtype=dtypes.int32),
                  convert_to_tensor(overlap_threshold, dtype=dtypes.float32),
                  convert_to_tensor(score_threshold, dtype=dtypes.float32)]
        return make_op("NonMaxSuppressionWithOverlaps", inputs, [dtypes.int32],
                       {"kind": "overlaps"}).outputs[0]


# -- drawing ---------------------------------------------------------------------------------------

_COLOURS = np.array([[1, 1, 0, 1], [0, 0, 1, 1], [1, 0, 0, 1], [0, 1, 0, 1], [0.5, 0, 0.5, 1],
                     [0.5, 0.5, 0, 1], [0.5, 0, 0, 1], [0, 0, 0.5, 1], [0, 1, 1, 1],
                     [1, 0, 1, 1]], dtype=np.float32)


def _draw_kernel(attrs):
    def draw(images, boxes, *colours):
        table = colours[0].astype(np.float32) if colours and colours[0].size else _COLOURS
        if images.ndim != 4 or images.shape[-1] not in (1, 3, 4):
            raise InvalidArgumentError(None, None, "images must be [batch, height, width, "
                                                   "depth] with depth 1, 3 or 4")
        canvas = images.copy()
        _, height, width, depth = canvas.shape
        for b in range(canvas.shape[0]):
            for number, box in enumerate(boxes[b]):
                colour = table[number % len(table)][:depth]
                if table.shape[1] < depth:
                    colour = np.resize(colour, depth)
                top = int(box[0] * (height - 1))
                left = int(box[1] * (width - 1))
                bottom = int(box[2] * (height - 1))
                right = int(box[3] * (width - 1))
                if top > bottom or left > right:
                    continue
                if top >= height or bottom < 0 or left >= width or right < 0:
                    continue
                top_c, bottom_c = max(top, 0), min(bottom, height - 1)
                left_c, right_c = max(left, 0), min(right, width - 1)
                if top >= 0:
                    canvas[b, top, left_c:right_c + 1] = colour
                if bottom < height:
                    canvas[b, bottom, left_c:right_c + 1] = colour
                if left >= 0:
                    canvas[b, top_c:bottom_c + 1, left] = colour
                if right < width:
                    canvas[b, top_c:bottom_c + 1, right] = colour
        return canvas

    return draw


register_op("DrawBoundingBoxes", _draw_kernel, lambda op: [op.inputs[0].shape],
            signature=signature("images: T, boxes: float -> output: T",
                                T=(dtypes.float32, dtypes.float16)))
register_op("DrawBoundingBoxesV2", _draw_kernel, lambda op: [op.inputs[0].shape],
            signature=signature("images: T, boxes: float, colors: float -> output: T",
                                T=(dtypes.float32, dtypes.float16)))
NotDifferentiable("DrawBoundingBoxes")
NotDifferentiable("DrawBoundingBoxesV2")


def draw_bounding_boxes(images, boxes, name=None, colors=None):
    """Draw each image's boxes (``[batch, num_boxes, 4]``) as one-pixel outlines, cycling
    through ``colors`` (RGBA rows; TensorFlow's table of ten by default)."""
    images = convert_to_tensor(images, name="images")
    boxes = convert_to_tensor(boxes, dtype=dtypes.float32, name="boxes")
    if colors is None:
        return make_op("DrawBoundingBoxes", [images, boxes], [images.dtype], {},
                       name).outputs[0]
    colors = convert_to_tensor(colors, dtype=dtypes.float32, name="colors")
    return make_op("DrawBoundingBoxesV2", [images, boxes, colors], [images.dtype], {},
                   name).outputs[0]


# -- sample_distorted_bounding_box ----------------------------------------------------------------


def _random_crop(rng, width, height, min_area, max_area, aspect):
    """TensorFlow's GenerateRandomCrop: a crop of ``aspect`` with area in the range, or None."""
    min_area = min_area * width * height
    max_area = max_area * width * height
    crop_h = int(np.rint(np.sqrt(min_area / aspect)))
    max_h = int(np.rint(np.sqrt(max_area / aspect)))
    if np.rint(max_h * aspect) > width:
        max_h = int((width + 0.5 - 1e-7) / aspect)
    max_h = min(max_h, height)
    crop_h = min(crop_h, max_h)
    if crop_h < max_h:
        crop_h += int(rng.integers(0, max_h - crop_h + 1))
    crop_w = int(np.rint(crop_h * aspect))
    area = crop_w * crop_h
    if area < min_area:
        crop_h += 1
        crop_w = int(np.rint(crop_h * aspect))
        area = crop_w * crop_h
    if area > max_area:
        crop_h -= 1
        crop_w = int(np.rint(crop_h * aspect))
        area = crop_w * crop_h
    if (area < min_area or area > max_area or crop_w > width or crop_h > height
            or crop_w <= 0 or crop_h <= 0):
        return None
    y = int(rng.integers(0, height - crop_h)) if crop_h < height else 0
    x = int(rng.integers(0, width - crop_w)) if crop_w < width else 0
    return x, y, x + crop_w, y + crop_h


def _covers(crop, boxes, minimum):
    x0, y0, x1, y1 = crop
    for bx0, by0, bx1, by1 in boxes:
        area = (bx1 - bx0) * (by1 - by0)
        if area <= 0:
            continue
        inter = max(0, min(x1, bx1) - max(x0, bx0)) * max(0, min(y1, by1) - max(y0, by0))
        if inter / area >= minimum:
            return True
    return False


def _sample_box_kernel(attrs, state):
    rng = random_ops._stream(attrs, state, attrs["stream"])
    low_ratio, high_ratio = attrs["aspect_ratio_range"]
    low_area, high_area = attrs["area_range"]

    def sample(image_size, bounding_boxes, min_object_covered):
        height, width = int(image_size[0]), int(image_size[1])
        dtype = image_size.dtype
        boxes = [(int(b[1] * width), int(b[0] * height), int(b[3] * width), int(b[2] * height))
                 for b in np.asarray(bounding_boxes, dtype=np.float64).reshape(-1, 4)]
        if not boxes:
            if not attrs["use_image_if_no_bounding_boxes"]:
                raise InvalidArgumentError(None, None, "No bounding boxes provided as input. "
                                                       "One must enable "
                                                       "use_image_if_no_bounding_boxes if you "
                                                       "wish to not provide any bounding boxes.")
            boxes = [(0, 0, width, height)]
        crop = None
        for _ in range(attrs["max_attempts"]):
            aspect = rng.random() * (high_ratio - low_ratio) + low_ratio
            candidate = _random_crop(rng, width, height, low_area, high_area, aspect)
            if candidate is not None and _covers(candidate, boxes, float(min_object_covered)):
                crop = candidate
                break
        if crop is None:
            crop = (0, 0, width, height)
        x0, y0, x1, y1 = crop
        begin = np.array([y0, x0, 0]).astype(dtype)
        size = np.array([y1 - y0, x1 - x0, -1]).astype(dtype)  # -1 wraps in unsigned types
        box = np.array([[[y0 / height, x0 / width, y1 / height, x1 / width]]], np.float32)
        return begin, size, box

    return sample


register_op("SampleDistortedBoundingBoxV2", _sample_box_kernel,
            lambda op: [TensorShape([3]), TensorShape([3]), TensorShape([1, 1, 4])],
            stateful=True,
            signature=signature("image_size: T, bounding_boxes: float, min_object_covered: "
                                "float -> begin: T, size: T, bboxes: float",
                                T=(dtypes.uint8, dtypes.int8, dtypes.int16, dtypes.int32,
                                   dtypes.int64)))
NotDifferentiable("SampleDistortedBoundingBoxV2")


def sample_distorted_bounding_box(image_size, bounding_boxes, seed=None, seed2=None,
                                  min_object_covered=0.1, aspect_ratio_range=None,
                                  area_range=None, max_attempts=None,
                                  use_image_if_no_bounding_boxes=None, name=None):
    """A random crop ``(begin, size, bbox)`` for ``tf.slice``: its aspect ratio and area in
    the given ranges, covering at least ``min_object_covered`` of one of the boxes (after
    ``max_attempts`` failures, the whole image)."""
    image_size = convert_to_tensor(image_size, name="image_size")
    boxes = convert_to_tensor(bounding_boxes, dtype=dtypes.float32, name="bounding_boxes")
    covered = convert_to_tensor(min_object_covered, dtype=dtypes.float32,
                                name="min_object_covered")
    seed1, op_seed = random_ops.get_seed(seed)
    attrs = {"seed": seed1, "seed2": op_seed if seed2 is None else seed2,
             "aspect_ratio_range": tuple(aspect_ratio_range or (0.75, 1.33)),
             "area_range": tuple(area_range or (0.05, 1.0)),
             "max_attempts": int(max_attempts or 100),
             "use_image_if_no_bounding_boxes": bool(use_image_if_no_bounding_boxes)}
    if attrs["aspect_ratio_range"][0] <= 0 or attrs["area_range"][0] <= 0:
        raise ValueError("aspect_ratio_range and area_range must be positive")
    op = make_op("SampleDistortedBoundingBoxV2", [image_size, boxes, covered],
                 [image_size.dtype, image_size.dtype, dtypes.float32], attrs, name)
    op.attrs["stream"] = op.name
    return tuple(op.outputs)
