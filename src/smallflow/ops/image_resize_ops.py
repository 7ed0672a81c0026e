"""Image resizing: ``ResizeBilinear``, ``ResizeNearestNeighbor``, ``ResizeBicubic``,
``ResizeArea`` (and the gradients of the first three), ``tf.image.resize_images`` and
``resize_image_with_pad``.

Every method is separable: an output pixel is a weighted sum over input rows times a weighted
sum over input columns. So each kernel builds one ``[out, in]`` weight matrix per axis (from
TensorFlow's own sampling rules, below) and applies both with two matrix products; the
gradient is the same two products with the matrices transposed, which makes it exact.

Sampling rules, as TensorFlow's CPU kernels compute them (in float32):
- scale = ``in / out``, or ``(in - 1) / (out - 1)`` with ``align_corners`` (and out > 1);
- legacy coordinates ``x * scale``; with ``half_pixel_centers`` ``(x + 0.5) * scale - 0.5``
  (nearest neighbour: ``(x + 0.5) * scale``, no shift);
- nearest: ``floor`` (``round`` with align_corners), clamped to the image;
- bilinear: the two neighbours of the coordinate, the upper one clamped;
- bicubic: four taps with Keys' cubic from a 1024-entry table (a = -0.75; -0.5 and
  renormalised taps inside the image with half-pixel centres);
- area: the box ``[x * scale, (x + 1) * scale)`` weighted by its overlap with each pixel.
"""

import functools

import numpy as np

from .. import dtypes
from ..graph import ShapeError, convert_to_tensor, name_scope
from ..op_signature import signature
from ..registry import RegisterGradient, register_op
from ..tensor_shape import TensorShape, unknown_shape
from . import array_ops, math_ops
from .common import constant_value, make_op

__all__ = [
    "ResizeMethod",
    "resize_area",
    "resize_bicubic",
    "resize_bilinear",
    "resize_image_with_pad",
    "resize_images",
    "resize_nearest_neighbor",
]

_D = dtypes
# TensorFlow 1.15's types for the resize ops (bfloat16 aside).
_RESIZE_TYPES = (_D.int8, _D.uint8, _D.int16, _D.uint16, _D.int32, _D.int64, _D.float16,
                 _D.float32, _D.float64)
_NEAREST_TYPES = (_D.int8, _D.uint8, _D.int16, _D.uint16, _D.int32, _D.int64, _D.float16,
                  _D.float32, _D.float64)
_GRAD_TYPES = (_D.float16, _D.float32, _D.float64)
_TABLE_SIZE = 1024


class ResizeMethod:
    """``tf.image.ResizeMethod`` (TensorFlow 1.x's integer codes)."""

    BILINEAR = 0
    NEAREST_NEIGHBOR = 1
    BICUBIC = 2
    AREA = 3


def _scale(in_size, out_size, align_corners):
    if align_corners and out_size > 1:
        return np.float32(in_size - 1) / np.float32(out_size - 1)
    return np.float32(in_size) / np.float32(out_size)


@functools.lru_cache(maxsize=2)
def _cubic_table(a):
    x = np.arange(_TABLE_SIZE + 1, dtype=np.float64) / _TABLE_SIZE
    near = (((a + 2) * x - (a + 3)) * x * x + 1).astype(np.float32)
    x = x + 1.0
    far = (((a * x - 5 * a) * x + 8 * a) * x - 4 * a).astype(np.float32)
    return near, far


def _nearest_index(in_size, out_size, align_corners, half_pixel):
    scale = _scale(in_size, out_size, align_corners)
    x = np.arange(out_size, dtype=np.float32)
    coord = ((x + np.float32(0.5)) if half_pixel else x) * scale
    # C's roundf: halves away from zero (NumPy's round goes to even).
    coord = coord.astype(np.float64)
    index = np.floor(coord + 0.5) if align_corners else np.floor(coord)
    return np.clip(index.astype(np.int64), 0, in_size - 1)


@functools.lru_cache(maxsize=64)
def _weights(method, in_size, out_size, align_corners, half_pixel):
    """The ``[out_size, in_size]`` matrix of one axis (float64 holding float32 weights)."""
    matrix = np.zeros((out_size, in_size), dtype=np.float64)
    rows = np.arange(out_size)
    if method == "nearest":
        matrix[rows, _nearest_index(in_size, out_size, align_corners, half_pixel)] = 1.0
        return matrix
    scale = _scale(in_size, out_size, align_corners)
    x = np.arange(out_size, dtype=np.float32)
    if method == "area":
        start = x * scale
        end = (x + np.float32(1)) * scale
        for row in range(out_size):
            first = int(np.floor(start[row]))
            last = int(np.ceil(end[row]))
            for i in range(first, last):
                overlap = min(np.float32(i + 1), end[row]) - max(np.float32(i), start[row])
                matrix[row, min(i, in_size - 1)] += overlap
        return matrix / (float(scale) if scale else 1.0)
    coord = (x + np.float32(0.5)) * scale - np.float32(0.5) if half_pixel else x * scale
    floor = np.floor(coord)
    if method == "bilinear":
        lower = np.maximum(floor, 0).astype(np.int64) if half_pixel else floor.astype(np.int64)
        upper = np.minimum(np.ceil(coord) if half_pixel else floor + 1, in_size - 1)
        lerp = (coord - floor).astype(np.float64)
        np.add.at(matrix, (rows, lower), 1.0 - lerp)
        np.add.at(matrix, (rows, upper.astype(np.int64)), lerp)
        return matrix
    # bicubic
    near, far = _cubic_table(-0.5 if half_pixel else -0.75)
    offset = np.rint((coord - floor) * np.float32(_TABLE_SIZE)).astype(np.int64)
    base = floor.astype(np.int64)
    taps = [(base - 1, far[offset]), (base, near[offset]),
            (base + 1, near[_TABLE_SIZE - offset]), (base + 2, far[_TABLE_SIZE - offset])]
    weights = np.stack([w.astype(np.float64) for _, w in taps], 1)
    indices = np.stack([i for i, _ in taps], 1)
    if half_pixel:
        # Taps outside the image get no weight; the others are renormalised to sum to 1.
        weights = np.where((indices >= 0) & (indices < in_size), weights, 0.0)
        weights = weights / weights.sum(1, keepdims=True)
    np.add.at(matrix, (rows[:, None], np.clip(indices, 0, in_size - 1)), weights)
    return matrix


def _check_size(size):
    size = np.asarray(size)
    if size.shape != (2,):
        raise ValueError(f"size must be a 1-D tensor of 2 elements, got shape {size.shape}")
    if (size <= 0).any():
        from ..errors import InvalidArgumentError

        raise InvalidArgumentError(None, None, f"output dimensions must be positive, got "
                                               f"{size.tolist()}")
    return int(size[0]), int(size[1])


def _apply(images, rows, cols):
    # [n, h, w, c] -> [n, out_h, w, c] -> [n, out_h, out_w, c]
    out = np.einsum("oh,nhwc->nowc", rows, images, optimize=True)
    return np.einsum("pw,nowc->nopc", cols, out, optimize=True)


def _resize_kernel(method):
    def factory(attrs):
        align = attrs["align_corners"]
        half = attrs["half_pixel_centers"]

        def resize(images, size):
            if images.ndim != 4:
                raise ValueError(f"input must be 4-dimensional, got shape {images.shape}")
            out_h, out_w = _check_size(size)
            _, in_h, in_w, _ = images.shape
            if method == "nearest":
                rows = _nearest_index(in_h, out_h, align, half)
                cols = _nearest_index(in_w, out_w, align, half)
                return images[:, rows][:, :, cols]
            height = _weights(method, in_h, out_h, align, half)
            width = _weights(method, in_w, out_w, align, half)
            return _apply(images.astype(np.float64), height, width).astype(np.float32)

        return resize

    return factory


def _grad_kernel(method):
    def factory(attrs):
        align = attrs["align_corners"]
        half = attrs["half_pixel_centers"]

        def resize_grad(grads, original):
            # The original image gives the input size (and, for nearest, a size vector).
            in_h, in_w = (original.shape[1:3] if original.ndim == 4
                          else (int(original[0]), int(original[1])))
            _, out_h, out_w, _ = grads.shape
            height = _weights(method, in_h, out_h, align, half)
            width = _weights(method, in_w, out_w, align, half)
            result = _apply(grads.astype(np.float64), height.T, width.T)
            dtype = original.dtype if original.ndim == 4 else grads.dtype
            return result.astype(dtype)

        return resize_grad

    return factory


def _resize_shape(op):
    images = op.inputs[0].shape
    if images.ndims is not None and images.ndims != 4:
        raise ShapeError(f"Shape must be rank 4 but is rank {images.ndims} for "
                         f"'{op.name}' (op: '{op.type}')")
    size = constant_value(op.inputs[1])
    batch, channels = (None, None) if images.ndims is None else (
        images.as_list()[0], images.as_list()[3])
    if size is None:
        return [TensorShape([batch, None, None, channels])]
    height, width = (int(v) for v in np.asarray(size).reshape(-1)[:2])
    return [TensorShape([batch, height, width, channels])]


def _grad_shape(op):
    original = op.inputs[1]
    if op.type == "ResizeNearestNeighborGrad":
        size = constant_value(original)
        grads = op.inputs[0].shape
        if size is None or grads.ndims is None:
            return [unknown_shape(4)]
        dims = grads.as_list()
        return [TensorShape([dims[0], int(size[0]), int(size[1]), dims[3]])]
    return [original.shape]


_OPS = (("ResizeBilinear", "bilinear", "float"), ("ResizeBicubic", "bicubic", "float"),
        ("ResizeArea", "area", "float"), ("ResizeNearestNeighbor", "nearest", "T"))
for _op_type, _method, _out in _OPS:
    register_op(_op_type, _resize_kernel(_method), _resize_shape,
                signature=signature(f"images: T, size: int32 -> resized_images: {_out}",
                                    T=_NEAREST_TYPES if _out == "T" else _RESIZE_TYPES))
for _op_type, _method in (("ResizeBilinearGrad", "bilinear"), ("ResizeBicubicGrad", "bicubic")):
    register_op(_op_type, _grad_kernel(_method), _grad_shape,
                signature=signature("grads: float, original_image: T -> output: T",
                                    T=_GRAD_TYPES))
register_op("ResizeNearestNeighborGrad", _grad_kernel("nearest"), _grad_shape,
            signature=signature("grads: T, size: int32 -> output: T",
                                T=(_D.uint8, _D.int8, _D.int32, *_GRAD_TYPES)))


def _grad_attrs(op):
    return {"align_corners": op.attrs["align_corners"],
            "half_pixel_centers": op.attrs["half_pixel_centers"]}


def _float_grad(op_type):
    def grad(op, grad):
        image = op.inputs[0]
        if not image.dtype.is_floating:
            return None, None
        result = make_op(op_type, [grad, image], [image.dtype], _grad_attrs(op),
                         default_name=op_type)
        return result.outputs[0], None

    return grad


RegisterGradient("ResizeBilinear")(_float_grad("ResizeBilinearGrad"))
RegisterGradient("ResizeBicubic")(_float_grad("ResizeBicubicGrad"))


@RegisterGradient("ResizeNearestNeighbor")
def _resize_nearest_grad(op, grad):
    image = op.inputs[0]
    dims = image.shape.as_list()[1:3] if image.shape.ndims == 4 else [None, None]
    if None in dims:
        size = array_ops.shape(image)[1:3]
    else:
        size = convert_to_tensor(np.array(dims, dtype=np.int32))
    result = make_op("ResizeNearestNeighborGrad", [grad, size], [grad.dtype], _grad_attrs(op),
                     default_name="ResizeNearestNeighborGrad")
    return result.outputs[0], None


def _resize_op(op_type, images, size, align_corners, half_pixel_centers, name):
    images = convert_to_tensor(images, name="images")
    size = convert_to_tensor(size, dtype=dtypes.int32, name="size")
    if align_corners and half_pixel_centers:
        raise ValueError("If half_pixel_centers is True, align_corners must be False.")
    attrs = {"align_corners": bool(align_corners),
             "half_pixel_centers": bool(half_pixel_centers)}
    out_dtype = images.dtype if op_type == "ResizeNearestNeighbor" else dtypes.float32
    return make_op(op_type, [images, size], [out_dtype], attrs, name).outputs[0]


def resize_bilinear(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """Bilinear resize of a ``[batch, h, w, c]`` batch to ``size`` (float32 result)."""
    return _resize_op("ResizeBilinear", images, size, align_corners, half_pixel_centers, name)


def resize_nearest_neighbor(images, size, align_corners=False, name=None,
                            half_pixel_centers=False):
    """Nearest-neighbour resize (keeps the dtype)."""
    return _resize_op("ResizeNearestNeighbor", images, size, align_corners, half_pixel_centers,
                      name)


def resize_bicubic(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """Bicubic resize (Keys' cubic; float32 result)."""
    return _resize_op("ResizeBicubic", images, size, align_corners, half_pixel_centers, name)


def resize_area(images, size, align_corners=False, name=None):
    """Area (box-average) resize (float32 result); TensorFlow gives it no gradient."""
    return _resize_op("ResizeArea", images, size, align_corners, False, name)


_METHODS = {ResizeMethod.BILINEAR: resize_bilinear, "bilinear": resize_bilinear,
            ResizeMethod.NEAREST_NEIGHBOR: resize_nearest_neighbor,
            "nearest": resize_nearest_neighbor,
            ResizeMethod.BICUBIC: resize_bicubic, "bicubic": resize_bicubic,
            ResizeMethod.AREA: resize_area, "area": resize_area}


def _aspect_size(images, size):
    """The largest size inside ``size`` keeping the images' aspect ratio (rounded)."""
    dims = images.shape.as_list()[1:3]
    target = constant_value(size)
    if None not in dims and target is not None:
        current = np.array(dims, dtype=np.float32)
        factor = np.min(np.asarray(target, dtype=np.float32) / current)
        return convert_to_tensor(np.round(factor * current).astype(np.int32))
    shape = array_ops.shape(images)
    current = math_ops.cast(shape[1:3], dtypes.float32)
    target = math_ops.cast(size, dtypes.float32)
    factor = math_ops.reduce_min(target / current)
    return math_ops.cast(math_ops.round(current * factor), dtypes.int32)


def resize_images(images, size, method=ResizeMethod.BILINEAR, align_corners=False,
                  preserve_aspect_ratio=False, name=None):
    """Resize ``[h, w, c]`` images or ``[batch, h, w, c]`` batches to ``size``.

    As TensorFlow 1.x: float32 results except for ``NEAREST_NEIGHBOR``, and the input itself
    when its size is statically equal to ``size``.
    """
    with name_scope(name or "resize"):
        images = convert_to_tensor(images, name="images")
        rank = images.shape.ndims
        if rank is None:
            raise ValueError("'images' contains no shape.")
        if rank not in (3, 4):
            raise ValueError("'images' must have either 3 or 4 dimensions.")
        batch = images if rank == 4 else array_ops.expand_dims(images, 0)
        try:
            size = convert_to_tensor(size, dtype=dtypes.int32, name="size")
        except (TypeError, ValueError):
            raise ValueError("'size' must be a 1-D int32 Tensor") from None
        if not size.shape.is_compatible_with(TensorShape([2])):
            raise ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width")
        resizer = _METHODS.get(method)
        if resizer is None:
            raise ValueError(f"Resize method is not implemented: {method}")
        if preserve_aspect_ratio:
            size = _aspect_size(batch, size)
            known = constant_value(size)
        known = constant_value(size)
        _, height, width, _ = batch.shape.as_list()
        if known is not None and (height, width) == tuple(int(v) for v in known):
            return images
        resized = resizer(batch, size, align_corners=align_corners)
        return resized if rank == 4 else array_ops.squeeze(resized, [0])


def resize_image_with_pad(image, target_height, target_width, method=ResizeMethod.BILINEAR,
                          align_corners=False):
    """Resize keeping the aspect ratio to fit ``target`` and pad the rest with zeros."""
    from .image_ops_extra import pad_to_bounding_box

    with name_scope("resize_image_with_pad"):
        image = convert_to_tensor(image, name="image")
        rank = image.shape.ndims
        if rank not in (3, 4):
            raise ValueError(f"'image' (shape {image.shape}) must have either 3 or 4 "
                             f"dimensions.")
        batch = image if rank == 4 else array_ops.expand_dims(image, 0)
        for value, what in ((target_height, "target_height"), (target_width, "target_width")):
            if isinstance(value, int) and value <= 0:
                raise ValueError(f"{what} must be > 0.")
        shape = math_ops.cast(array_ops.shape(batch)[1:3], dtypes.float32)
        target = math_ops.cast(convert_to_tensor([target_height, target_width]),
                               dtypes.float32)
        ratio = math_ops.reduce_max(shape / target)
        resized_float = shape / ratio
        new_size = math_ops.cast(math_ops.floor(resized_float), dtypes.int32)
        padding = math_ops.maximum(
            math_ops.cast(math_ops.floor((target - resized_float) / 2), dtypes.int32), 0)
        resized = resize_images(batch, new_size, method, align_corners)
        padded = pad_to_bounding_box(resized, padding[0], padding[1], target_height,
                                     target_width)
        return padded if rank == 4 else array_ops.squeeze(padded, [0])
