"""``tf.image``'s everyday functions: dtype conversion, crops and pads, rotations, colour
spaces, brightness/contrast/gamma/saturation/hue and their random versions, standardisation,
gradients, total variation, PSNR and SSIM.

Nearly all are composites of existing ops (so gradients come for free, as in TensorFlow,
whose versions are also built from other ops); colour-space changes between RGB and HSV
have kernels (``RGBToHSV``, ``HSVToRGB``, ``AdjustHue``, ``AdjustSaturation``), written with
TensorFlow's formulas, and like TensorFlow's they have no gradient.
"""

import numpy as np

from .. import dtypes
from ..graph import convert_to_tensor, name_scope
from ..op_signature import FLOATS, signature
from ..registry import NotDifferentiable, register_op
from . import (
    array_ops,
    control_flow_ops,
    math_extra_ops,
    math_ops,
    nn_extra_ops,
    nn_ops,
    random_ops,
)
from .common import constant_value, make_op
from .linalg_ops import tensordot
from .pad_ops import pad

__all__ = [
    "adjust_brightness", "adjust_contrast", "adjust_gamma", "adjust_hue", "adjust_saturation",
    "central_crop", "convert_image_dtype", "crop_to_bounding_box", "grayscale_to_rgb",
    "hsv_to_rgb", "image_gradients", "pad_to_bounding_box", "per_image_standardization",
    "psnr", "random_brightness", "random_contrast", "random_hue", "random_saturation",
    "resize_image_with_crop_or_pad", "rgb_to_grayscale", "rgb_to_hsv", "rgb_to_yiq",
    "rgb_to_yuv", "rot90", "sobel_edges", "ssim", "total_variation", "transpose_image",
    "yiq_to_rgb", "yuv_to_rgb",
]


# -- dtype conversion ---------------------------------------------------------------------------


def convert_image_dtype(image, dtype, saturate=False, name=None):
    """Convert between integer images (``0..dtype.max``) and float images (``[0, 1)``),
    rescaling values; a float-to-integer conversion rounds by adding half a step."""
    image = convert_to_tensor(image, name="image")
    dtype = dtypes.as_dtype(dtype)
    for what in (image.dtype, dtype):
        if not (what.is_floating or what.is_integer):
            raise AttributeError(f"dtype must be either floating point or integer, got "
                                 f"{what.name}")
    if dtype == image.dtype:
        return array_ops.identity(image, name=name)
    with name_scope(name or "convert_image"):
        if image.dtype.is_integer and dtype.is_integer:
            in_max, out_max = image.dtype.max, dtype.max
            if in_max > out_max:
                scale = (in_max + 1) // (out_max + 1)
                scaled = math_ops.floordiv(image, math_ops.cast(scale, image.dtype))
                return math_ops.cast(scaled, dtype)
            scale = (out_max + 1) // (in_max + 1)
            return math_ops.multiply(math_ops.cast(image, dtype), math_ops.cast(scale, dtype))
        if image.dtype.is_floating and dtype.is_floating:
            return math_ops.cast(image, dtype)
        if image.dtype.is_integer:
            cast = math_ops.cast(image, dtype)
            return math_ops.multiply(cast, math_ops.cast(1.0 / image.dtype.max, dtype))
        scaled = math_ops.multiply(image, math_ops.cast(dtype.max + 0.5, image.dtype))
        if saturate:
            return math_extra_ops.saturate_cast(scaled, dtype)
        return math_ops.cast(scaled, dtype)


def _as_float(image):
    """The image as float32 (kept as is when it is already float16/32)."""
    image = convert_to_tensor(image, name="image")
    if image.dtype in (dtypes.float16, dtypes.float32):
        return image, image.dtype
    return convert_image_dtype(image, dtypes.float32), image.dtype


def _back(image, dtype):
    return convert_image_dtype(image, dtype, saturate=True)


# -- crops, pads, rotations ---------------------------------------------------------------------


def _image_rank(image, what="image"):
    rank = image.shape.ndims
    if rank is None:
        raise ValueError(f"'{what}' ({image.name}) must be fully defined.")
    if rank not in (3, 4):
        raise ValueError(f"'{what}' (shape {image.shape}) must have either 3 or 4 "
                         f"dimensions.")
    return rank


def _dims(image):
    """``(height, width)`` of a 3-D or 4-D image: Python ints when static, else tensors."""
    static = image.shape.as_list()[-3:-1]
    dynamic = array_ops.shape(image)
    rank = image.shape.ndims
    return [s if s is not None else dynamic[rank - 3 + i] for i, s in enumerate(static)]


def _static_int(value):
    if isinstance(value, int | np.integer):
        return int(value)
    known = constant_value(value)
    return None if known is None or np.ndim(known) else int(known)


def _check(condition, message):
    """Raise ``ValueError(message)`` when ``condition`` is statically False (as TF's
    ``_assert`` does for Python values); dynamic conditions are checked when run."""
    if condition is False:
        raise ValueError(message)


def _compare(a, b, op):
    a_value, b_value = _static_int(a), _static_int(b)
    if a_value is None or b_value is None:
        return None
    return op(a_value, b_value)


def _int_vector(values):
    """A constant when every value is a Python int, else a stacked int32 tensor."""
    if all(isinstance(v, int | np.integer) for v in values):
        return convert_to_tensor(np.array(values, dtype=np.int32))
    return array_ops.stack([math_ops.cast(v, dtypes.int32) if not isinstance(v, int) else v
                            for v in values])


def _target_shape(batch, height, width):
    """The static shape of a crop or pad of ``batch`` to ``height x width``."""
    dims = batch.shape.as_list()
    return [dims[0], _static_int(height), _static_int(width), dims[3]]


def _batched(image):
    if image.shape.ndims is None:
        # As TensorFlow's crop and pad: an image of unknown rank is taken to be one 3-D image.
        batch = array_ops.expand_dims(image, 0)
        batch.set_shape([None] * 4)
        return batch, lambda t: array_ops.squeeze(t, [0])
    rank = _image_rank(image)
    if rank == 4:
        return image, lambda t: t
    return array_ops.expand_dims(image, 0), lambda t: array_ops.squeeze(t, [0])


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """The ``target_height x target_width`` window at ``(offset_height, offset_width)``."""
    with name_scope("crop_to_bounding_box"):
        image = convert_to_tensor(image, name="image")
        batch, restore = _batched(image)
        height, width = _dims(batch)
        _check(_compare(offset_width, 0, int.__ge__), "offset_width must be >= 0.")
        _check(_compare(offset_height, 0, int.__ge__), "offset_height must be >= 0.")
        _check(_compare(target_width, 0, int.__gt__), "target_width must be > 0.")
        _check(_compare(target_height, 0, int.__gt__), "target_height must be > 0.")
        tw, ow, th, oh = (_static_int(v) for v in (target_width, offset_width,
                                                    target_height, offset_height))
        if None not in (tw, ow) and isinstance(width, int):
            _check(width >= tw + ow, "width must be >= target + offset.")
        if None not in (th, oh) and isinstance(height, int):
            _check(height >= th + oh, "height must be >= target + offset.")
        begin = _int_vector([0, offset_height, offset_width, 0])
        size = _int_vector([-1, target_height, target_width, -1])
        cropped = array_ops.slice(batch, begin, size)
        cropped.set_shape(_target_shape(batch, target_height, target_width))
        return restore(cropped)


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """Zero-pad to ``target_height x target_width`` with the image at the offsets."""
    with name_scope("pad_to_bounding_box"):
        image = convert_to_tensor(image, name="image")
        batch, restore = _batched(image)
        height, width = _dims(batch)
        after_w = target_width - offset_width - width
        after_h = target_height - offset_height - height
        _check(_compare(offset_height, 0, int.__ge__), "offset_height must be >= 0")
        _check(_compare(offset_width, 0, int.__ge__), "offset_width must be >= 0")
        _check(_compare(after_w, 0, int.__ge__), "width must be <= target - offset")
        _check(_compare(after_h, 0, int.__ge__), "height must be <= target - offset")
        paddings = array_ops.reshape(_int_vector(
            [0, 0, offset_height, after_h, offset_width, after_w, 0, 0]), [4, 2])
        padded = pad(batch, paddings)
        padded.set_shape(_target_shape(batch, target_height, target_width))
        return restore(padded)


def resize_image_with_crop_or_pad(image, target_height, target_width):
    """Centre-crop and/or zero-pad to ``target_height x target_width``."""
    with name_scope("resize_image_with_crop_or_pad"):
        image = convert_to_tensor(image, name="image")
        _image_rank(image)
        _check(_compare(target_width, 0, int.__gt__), "target_width must be > 0.")
        _check(_compare(target_height, 0, int.__gt__), "target_height must be > 0.")
        height, width = _dims(image)

        def max_(x, y):
            if isinstance(x, int) and isinstance(y, int):
                return max(x, y)
            return math_ops.maximum(x, y)

        def min_(x, y):
            if isinstance(x, int) and isinstance(y, int):
                return min(x, y)
            return math_ops.minimum(x, y)

        width_diff = target_width - width
        height_diff = target_height - height
        crop_w = max_(-width_diff // 2, 0)
        pad_w = max_(width_diff // 2, 0)
        crop_h = max_(-height_diff // 2, 0)
        pad_h = max_(height_diff // 2, 0)
        cropped = crop_to_bounding_box(image, crop_h, crop_w, min_(target_height, height),
                                       min_(target_width, width))
        return pad_to_bounding_box(cropped, pad_h, pad_w, target_height, target_width)


def central_crop(image, central_fraction):
    """The central ``central_fraction`` of each image (both sides), ``(0, 1]``."""
    if central_fraction <= 0.0 or central_fraction > 1.0:
        raise ValueError("central_fraction must be within (0, 1]")
    with name_scope("central_crop"):
        image = convert_to_tensor(image, name="image")
        rank = _image_rank(image)
        if central_fraction == 1.0:
            return image
        height, width = _dims(image)
        starts, sizes = [], []
        for size in (height, width):
            if isinstance(size, int):
                start = int((size - size * central_fraction) / 2)
                starts.append(start)
                sizes.append(size - start * 2)
            else:
                size_f = math_ops.cast(size, dtypes.float64)
                start = math_ops.cast((size_f - size_f * central_fraction) / 2, dtypes.int32)
                starts.append(start)
                sizes.append(size - start * 2)
        begin = _int_vector([*([0] if rank == 4 else []), *starts, 0])
        size = _int_vector([*([-1] if rank == 4 else []), *sizes, -1])
        return array_ops.slice(image, begin, size)


def transpose_image(image, name=None):
    """Swap height and width."""
    with name_scope(name or "transpose_image"):
        image = convert_to_tensor(image, name="image")
        rank = _image_rank(image)
        perm = [1, 0, 2] if rank == 3 else [0, 2, 1, 3]
        return array_ops.transpose(image, perm)


def rot90(image, k=1, name=None):
    """Rotate images counter-clockwise by ``k`` quarter turns."""
    with name_scope(name or "rot90"):
        image = convert_to_tensor(image, name="image")
        rank = _image_rank(image)
        h_axis, w_axis = rank - 3, rank - 2
        perm = [1, 0, 2] if rank == 3 else [0, 2, 1, 3]

        def turn(times):
            if times == 0:
                return image
            if times == 1:
                return array_ops.transpose(array_ops.reverse(image, [w_axis]), perm)
            if times == 2:
                return array_ops.reverse(image, [h_axis, w_axis])
            return array_ops.reverse(array_ops.transpose(image, perm), [w_axis])

        # Always chosen when run, as TensorFlow does (so height and width are unknown
        # statically even for a Python k).
        k = math_ops.floormod(convert_to_tensor(k, dtype=dtypes.int32, name="k"), 4)
        cases = [(math_ops.equal(k, times), lambda t=times: turn(t)) for times in (1, 2, 3)]
        return control_flow_ops.case(cases, default=lambda: turn(0), exclusive=True)


# -- colour spaces -------------------------------------------------------------------------------


def _rgb_to_hsv(rgb):
    r, g, b = (rgb[..., i] for i in range(3))
    value = rgb.max(-1)
    spread = value - rgb.min(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        saturation = np.where(value > 0, spread / value, 0.0)
        norm = 1.0 / (6.0 * spread)
        hue = np.where(r == value, norm * (g - b),
                       np.where(g == value, norm * (b - r) + 2.0 / 6.0,
                                norm * (r - g) + 4.0 / 6.0))
    hue = np.where(spread > 0, hue, 0.0)
    hue = np.where(hue < 0, hue + 1.0, hue)
    return np.stack([hue, saturation, value], -1).astype(rgb.dtype)


def _hsv_to_rgb(hsv):
    h, s, v = (hsv[..., i] for i in range(3))
    chroma = s * v
    low = v - chroma
    sector = h * 6.0
    x = chroma * (1.0 - np.abs(np.fmod(sector, 2.0) - 1.0))
    # The sector's integer part; TensorFlow's switch sends anything outside 0..4 (h = 1,
    # negative hues) to the last sector's formula.
    category = np.trunc(sector).astype(np.int64)
    category = np.where((category < 0) | (category > 4), 5, category)
    zero = np.zeros_like(chroma)
    table = [(chroma, x, zero), (x, chroma, zero), (zero, chroma, x), (zero, x, chroma),
             (x, zero, chroma), (chroma, zero, x)]
    rgb = np.zeros(hsv.shape, dtype=np.float64)
    for index, channels in enumerate(table):
        chosen = category == index
        for c in range(3):
            rgb[..., c] = np.where(chosen, channels[c], rgb[..., c])
    return (rgb + low[..., None]).astype(hsv.dtype)


def _check_rgb(images, what="images"):
    last = images.shape.as_list()[-1] if images.shape.ndims else None
    if images.shape.ndims == 0 or (last is not None and last != 3):
        raise ValueError(f"Dimension must be 3 but is {last} for the last axis of {what} "
                         f"({images.name})")


def _colour_op(op_type, images, name):
    images = convert_to_tensor(images, name="images")
    _check_rgb(images)
    return make_op(op_type, [images], [images.dtype], None, name).outputs[0]


def _adjust_hue_kernel(attrs):
    def adjust(images, delta):
        hsv = _rgb_to_hsv(images.astype(np.float64))
        hsv[..., 0] = np.mod(hsv[..., 0] + float(delta), 1.0)
        return _hsv_to_rgb(hsv).astype(images.dtype)

    return adjust


def _adjust_saturation_kernel(attrs):
    def adjust(images, scale):
        hsv = _rgb_to_hsv(images.astype(np.float64))
        hsv[..., 1] = np.clip(hsv[..., 1] * float(scale), 0.0, 1.0)
        return _hsv_to_rgb(hsv).astype(images.dtype)

    return adjust


def _adjust_contrast_kernel(attrs):
    def adjust(images, factor):
        mean = images.astype(np.float64).mean(axis=(-3, -2), keepdims=True)
        return ((images - mean) * float(factor) + mean).astype(images.dtype)

    return adjust


_SAME = lambda op: [op.inputs[0].shape]  # noqa: E731 - a one-line shape function
register_op("RGBToHSV", lambda attrs: _rgb_to_hsv, _SAME,
            signature=signature("images: T -> output: T", T=FLOATS))
register_op("HSVToRGB", lambda attrs: _hsv_to_rgb, _SAME,
            signature=signature("images: T -> output: T", T=FLOATS))
register_op("AdjustHue", _adjust_hue_kernel, _SAME,
            signature=signature("images: T, delta: float -> output: T",
                                T=(dtypes.float16, dtypes.float32)))
register_op("AdjustSaturation", _adjust_saturation_kernel, _SAME,
            signature=signature("images: T, scale: float -> output: T",
                                T=(dtypes.float16, dtypes.float32)))
# Like TensorFlow's, AdjustContrastv2 has no gradient (asking for one is a LookupError).
register_op("AdjustContrastv2", _adjust_contrast_kernel, _SAME,
            signature=signature("images: T, contrast_factor: float -> output: T",
                                T=(dtypes.float16, dtypes.float32)))
for _op_type in ("RGBToHSV", "HSVToRGB", "AdjustHue", "AdjustSaturation"):
    NotDifferentiable(_op_type)


def rgb_to_hsv(images, name=None):
    """RGB in ``[0, 1]`` to hue, saturation, value (all in ``[0, 1]``); last axis 3."""
    return _colour_op("RGBToHSV", images, name)


def hsv_to_rgb(images, name=None):
    """Hue, saturation, value to RGB (the inverse of ``rgb_to_hsv``)."""
    return _colour_op("HSVToRGB", images, name)


_RGB_TO_YIQ = [[0.299, 0.59590059, 0.2115], [0.587, -0.27455667, -0.52273617],
               [0.114, -0.32134392, 0.31119955]]
_YIQ_TO_RGB = [[1, 1, 1], [0.95598634, -0.27201283, -1.10674021],
               [0.6208248, -0.64720424, 1.70423049]]
_RGB_TO_YUV = [[0.299, -0.14714119, 0.61497538], [0.587, -0.28886916, -0.51496512],
               [0.114, 0.43601035, -0.10001026]]
_YUV_TO_RGB = [[1, 1, 1], [0, -0.394642334, 2.03206185], [1.13988303, -0.58062185, 0]]


def _linear_colour(images, matrix, what):
    with name_scope(what):
        images = convert_to_tensor(images, name="images")
        _check_rgb(images)
        kernel = convert_to_tensor(np.array(matrix, dtype=images.dtype.as_numpy_dtype),
                                   name="kernel")
        rank = images.shape.ndims
        return tensordot(images, kernel, [[rank - 1], [0]])


def rgb_to_yiq(images):
    return _linear_colour(images, _RGB_TO_YIQ, "rgb_to_yiq")


def yiq_to_rgb(images):
    return _linear_colour(images, _YIQ_TO_RGB, "yiq_to_rgb")


def rgb_to_yuv(images):
    return _linear_colour(images, _RGB_TO_YUV, "rgb_to_yuv")


def yuv_to_rgb(images):
    return _linear_colour(images, _YUV_TO_RGB, "yuv_to_rgb")


def rgb_to_grayscale(images, name=None):
    """Luma ``0.2989 R + 0.5870 G + 0.1140 B``, keeping a last axis of size 1."""
    with name_scope(name or "rgb_to_grayscale"):
        images = convert_to_tensor(images, name="images")
        original = images.dtype
        flt = convert_image_dtype(images, dtypes.float32)
        weights = convert_to_tensor(np.array([0.2989, 0.5870, 0.1140], dtype=np.float32))
        gray = tensordot(flt, weights, [[-1], [0]])
        gray = array_ops.expand_dims(gray, -1)
        return convert_image_dtype(gray, original)


def grayscale_to_rgb(images, name=None):
    """Repeat a last axis of size 1 three times."""
    with name_scope(name or "grayscale_to_rgb"):
        images = convert_to_tensor(images, name="images")
        last = images.shape.as_list()[-1] if images.shape.ndims else None
        if images.shape.ndims is not None and images.shape.ndims < 2:
            raise ValueError(f"'images' must be at least two-dimensional, got {images.shape}")
        if last is not None and last != 1:
            raise ValueError(f"Dimension must be 1 but is {last} for the last axis of "
                             f"{images.name}")
        rank = images.shape.ndims
        if rank is not None:
            return array_ops.tile(images, [1] * (rank - 1) + [3])
        # The rank is known when the graph runs (a placeholder without a shape).
        ones = array_ops.ones(array_ops.expand_dims(array_ops.rank(images) - 1, 0), dtypes.int32)
        return array_ops.tile(images, array_ops.concat([ones, [3]], 0))


# -- adjustments ---------------------------------------------------------------------------------


def adjust_brightness(image, delta):
    """Add ``delta`` (on the ``[0, 1]`` scale for integer images)."""
    with name_scope("adjust_brightness"):
        flt, original = _as_float(image)
        adjusted = math_ops.add(flt, math_ops.cast(delta, flt.dtype), name="adjusted")
        return _back(adjusted, original)


def adjust_contrast(images, contrast_factor):
    """``(x - mean) * contrast_factor + mean`` with each channel's mean over the image."""
    with name_scope("adjust_contrast"):
        flt, original = _as_float(images)
        factor = convert_to_tensor(contrast_factor, dtype=dtypes.float32,
                                   name="contrast_factor")
        adjusted = make_op("AdjustContrastv2", [flt, factor], [flt.dtype]).outputs[0]
        return _back(adjusted, original)


def adjust_gamma(image, gamma=1, gain=1):
    """``gain * image ** gamma`` (gamma >= 0) on the ``[0, 1]`` scale."""
    with name_scope("adjust_gamma"):
        image = convert_to_tensor(image, name="image")
        if isinstance(gamma, int | float) and gamma < 0:
            raise ValueError("Gamma should be a non-negative real number.")
        flt, original = _as_float(image)
        adjusted = math_ops.cast(gain, flt.dtype) * math_ops.pow(
            flt, math_ops.cast(gamma, flt.dtype))
        return _back(adjusted, original)


def adjust_hue(image, delta, name=None):
    """Rotate the hue by ``delta`` (a fraction of the colour wheel, ``[-1, 1]``)."""
    with name_scope(name or "adjust_hue"):
        flt, original = _as_float(image)
        delta = convert_to_tensor(delta, dtype=dtypes.float32, name="delta")
        adjusted = make_op("AdjustHue", [flt, delta], [flt.dtype]).outputs[0]
        return _back(adjusted, original)


def adjust_saturation(image, saturation_factor, name=None):
    """Multiply the saturation by ``saturation_factor`` (clipped to ``[0, 1]``)."""
    with name_scope(name or "adjust_saturation"):
        flt, original = _as_float(image)
        factor = convert_to_tensor(saturation_factor, dtype=dtypes.float32, name="scale")
        adjusted = make_op("AdjustSaturation", [flt, factor], [flt.dtype]).outputs[0]
        return _back(adjusted, original)


def _uniform(low, high, seed):
    return random_ops.random_uniform([], low, high, seed=seed)


def _check_range(lower, upper):
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")


def random_brightness(image, max_delta, seed=None):
    """``adjust_brightness`` by a delta drawn from ``[-max_delta, max_delta)``."""
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    return adjust_brightness(image, _uniform(-max_delta, max_delta, seed))


def random_contrast(image, lower, upper, seed=None):
    """``adjust_contrast`` by a factor drawn from ``[lower, upper)``."""
    _check_range(lower, upper)
    return adjust_contrast(image, _uniform(lower, upper, seed))


def random_saturation(image, lower, upper, seed=None):
    """``adjust_saturation`` by a factor drawn from ``[lower, upper)``."""
    _check_range(lower, upper)
    return adjust_saturation(image, _uniform(lower, upper, seed))


def random_hue(image, max_delta, seed=None):
    """``adjust_hue`` by a delta drawn from ``[-max_delta, max_delta)``, max_delta <= 0.5."""
    if max_delta > 0.5:
        raise ValueError("max_delta must be <= 0.5.")
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    return adjust_hue(image, _uniform(-max_delta, max_delta, seed))


def per_image_standardization(image):
    """``(x - mean) / max(stddev, 1 / sqrt(pixels))`` per image, in float32."""
    with name_scope("per_image_standardization"):
        image = convert_to_tensor(image, name="image")
        if image.shape.ndims is not None and image.shape.ndims < 3:
            raise ValueError(f"'image' (shape {image.shape}) must be at least "
                             f"three-dimensional.")
        pixels = math_ops.reduce_prod(array_ops.shape(image)[-3:])
        image = math_ops.cast(image, dtypes.float32)
        mean = math_ops.reduce_mean(image, [-1, -2, -3], keepdims=True)
        variance = math_ops.reduce_mean(math_ops.square(image), [-1, -2, -3],
                                        keepdims=True) - math_ops.square(mean)
        stddev = math_ops.sqrt(nn_ops.relu(variance))
        floor = math_ops.rsqrt(math_ops.cast(pixels, dtypes.float32))
        scale = math_ops.maximum(stddev, floor)
        return math_ops.divide(math_ops.subtract(image, mean), scale)


# -- gradients, edges, quality measures ----------------------------------------------------------


def total_variation(images, name=None):
    """Sum of absolute differences between neighbouring pixels (one value per image)."""
    with name_scope(name or "total_variation"):
        images = convert_to_tensor(images, name="images")
        rank = images.shape.ndims
        if rank == 3:
            down = images[1:, :, :] - images[:-1, :, :]
            right = images[:, 1:, :] - images[:, :-1, :]
            axis = None
        elif rank == 4:
            down = images[:, 1:, :, :] - images[:, :-1, :, :]
            right = images[:, :, 1:, :] - images[:, :, :-1, :]
            axis = [1, 2, 3]
        else:
            raise ValueError("'images' must be either 3 or 4-dimensional.")
        return (math_ops.reduce_sum(math_ops.abs(down), axis)
                + math_ops.reduce_sum(math_ops.abs(right), axis))


def image_gradients(image):
    """``(dy, dx)``: forward differences of a ``[batch, h, w, d]`` batch, zero at the far
    edge."""
    image = convert_to_tensor(image, name="image")
    if image.shape.ndims != 4:
        raise ValueError(f"image_gradients expects a 4D tensor [batch_size, h, w, d], not "
                         f"{image.shape}.")
    dy = image[:, 1:, :, :] - image[:, :-1, :, :]
    dx = image[:, :, 1:, :] - image[:, :, :-1, :]
    dy = pad(dy, [[0, 0], [0, 1], [0, 0], [0, 0]])
    dx = pad(dx, [[0, 0], [0, 0], [0, 1], [0, 0]])
    return dy, dx


_SOBEL = [[[-1, -2, -1], [0, 0, 0], [1, 2, 1]], [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]]


def sobel_edges(image):
    """Sobel responses ``[batch, h, w, d, 2]`` (vertical, horizontal), reflected borders."""
    with name_scope("sobel_edges"):
        image = convert_to_tensor(image, name="image")
        if image.shape.ndims != 4:
            raise ValueError(f"sobel_edges expects a 4D tensor, got {image.shape}")
        padded = pad(image, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
        responses = []
        for kernel in _SOBEL:
            total = None
            for i in range(3):
                for j in range(3):
                    if kernel[i][j] == 0:
                        continue
                    window = padded[:, i:(i - 2) or None, j:(j - 2) or None, :]
                    term = window * math_ops.cast(kernel[i][j], image.dtype)
                    total = term if total is None else total + term
            responses.append(total)
        return array_ops.stack(responses, -1)


def psnr(a, b, max_val, name=None):
    """Peak signal-to-noise ratio in dB between images (over the last three axes)."""
    with name_scope(name or "PSNR"):
        a = convert_to_tensor(a, name="a")
        b = convert_to_tensor(b, name="b")
        max_val = math_ops.cast(max_val, a.dtype)
        max_val = convert_image_dtype(max_val, dtypes.float32)
        a = convert_image_dtype(a, dtypes.float32)
        b = convert_image_dtype(b, dtypes.float32)
        mse = math_ops.reduce_mean(math_ops.squared_difference(a, b), [-3, -2, -1])
        log10 = np.float32(np.log(10.0))
        return math_ops.subtract(20.0 * math_ops.log(max_val) / log10,
                                 np.float32(10.0 / np.log(10.0)) * math_ops.log(mse),
                                 name="psnr")


def _gaussian_kernel(size, sigma):
    coords = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    g = -0.5 * coords ** 2 / sigma ** 2
    g = (g[None, :] + g[:, None]).reshape(-1)
    g = np.exp(g - g.max())
    return (g / g.sum()).reshape(size, size, 1, 1).astype(np.float32)


def _float_images(img1, img2, max_val):
    img1 = convert_to_tensor(img1, name="img1")
    img2 = convert_to_tensor(img2, name="img2")
    max_val = convert_image_dtype(math_ops.cast(max_val, img1.dtype), dtypes.float32)
    img1 = convert_image_dtype(img1, dtypes.float32)
    img2 = convert_image_dtype(img2, dtypes.float32)
    if img1.shape.ndims is None or img1.shape.ndims < 3:
        raise ValueError(f"ssim needs images of rank >= 3, got {img1.shape}")
    if None in img1.shape.as_list()[-3:]:
        raise ValueError("ssim needs the image height, width and channels known")
    return img1, img2, max_val


def _ssim_per_channel(img1, img2, max_val, filter_size, filter_sigma, k1, k2):
    """SSIM and its contrast-structure term per channel (means over height and width)."""
    height, width, channels = img1.shape.as_list()[-3:]
    size = min(filter_size, height, width)
    kernel = np.tile(_gaussian_kernel(size, filter_sigma), [1, 1, channels, 1])

    def reducer(x):
        shape = array_ops.shape(x)
        flat = array_ops.reshape(x, array_ops.concat([[-1], shape[-3:]], 0))
        y = nn_extra_ops.depthwise_conv2d(flat, kernel, [1, 1, 1, 1], "VALID")
        return array_ops.reshape(y, array_ops.concat([shape[:-3], array_ops.shape(y)[1:]], 0))

    c1 = (k1 * max_val) ** 2
    c2 = (k2 * max_val) ** 2
    mean1, mean2 = reducer(img1), reducer(img2)
    num0 = mean1 * mean2 * 2.0
    den0 = math_ops.square(mean1) + math_ops.square(mean2)
    luminance = (num0 + c1) / (den0 + c1)
    num1 = reducer(img1 * img2) * 2.0
    den1 = reducer(math_ops.square(img1) + math_ops.square(img2))
    contrast_structure = (num1 - num0 + c2) / (den1 - den0 + c2)
    return (math_ops.reduce_mean(luminance * contrast_structure, [-3, -2]),
            math_ops.reduce_mean(contrast_structure, [-3, -2]))


def ssim(img1, img2, max_val, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03):
    """Structural similarity of two images or batches (mean over channels), with an
    ``filter_size`` Gaussian window of ``filter_sigma``, as TensorFlow computes it."""
    with name_scope("SSIM"):
        img1, img2, max_val = _float_images(img1, img2, max_val)
        per_channel, _ = _ssim_per_channel(img1, img2, max_val, filter_size, filter_sigma,
                                           k1, k2)
        result = math_ops.reduce_mean(per_channel, [-1])
        result.set_shape(img1.shape[:-3])
        return result


# The weights of the five scales (Wang, Simoncelli and Bovik, 2003), TensorFlow's default.
_MSSSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def _halve(image):
    """2x2 average pooling of ``[..., h, w, c]``, after padding an odd height or width by
    mirroring its last row or column (as TensorFlow's SYMMETRIC padding)."""
    from . import conv_ops

    dims = image.shape.as_list()
    height, width, channels = dims[-3:]
    flat = array_ops.reshape(image, [-1, height, width, channels])
    if height % 2 or width % 2:
        flat = pad(flat, [[0, 0], [0, height % 2], [0, width % 2], [0, 0]], mode="SYMMETRIC")
    pooled = conv_ops.avg_pool(flat, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    new = [(height + 1) // 2, (width + 1) // 2, channels]
    lead = array_ops.shape(image)[:-3]
    result = array_ops.reshape(pooled, array_ops.concat([lead, new], 0))
    result.set_shape([*dims[:-3], *new])
    return result


def ssim_multiscale(img1, img2, max_val, power_factors=_MSSSIM_WEIGHTS, filter_size=11,
                    filter_sigma=1.5, k1=0.01, k2=0.03):
    """Multi-scale SSIM: the contrast-structure terms of ``len(power_factors)`` scales (each
    half the size of the one before) and the SSIM of the coarsest, each rectified and raised
    to its power factor, multiplied; the mean over channels (TensorFlow 1.15's)."""
    with name_scope("MS-SSIM"):
        img1, img2, max_val = _float_images(img1, img2, max_val)
        images = [img1, img2]
        terms = []
        ssim_per_channel = None
        for scale in range(len(power_factors)):
            with name_scope(f"Scale{scale}"):
                if scale > 0:
                    images = [_halve(x) for x in images]
                ssim_per_channel, contrast = _ssim_per_channel(
                    *images, max_val, filter_size, filter_sigma, k1, k2)
                terms.append(nn_ops.relu(contrast))
        terms[-1] = nn_ops.relu(ssim_per_channel)  # the coarsest scale counts its whole SSIM
        stacked = array_ops.stack(terms, axis=-1)
        weights = np.asarray(power_factors, dtype=np.float32)
        per_channel = math_ops.reduce_prod(math_ops.pow(stacked, weights), [-1])
        return math_ops.reduce_mean(per_channel, [-1])
