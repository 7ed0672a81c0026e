"""Geometric image transforms for data augmentation (``tf.contrib.image`` and ``tf.image``).

``transform`` applies a projective transform per image, as TensorFlow's
``ImageProjectiveTransformV2``: the row ``[a0, a1, a2, b0, b1, b2, c0, c1]`` maps each
*output* pixel ``(x, y)`` to the *input* point ``((a0 x + a1 y + a2) / k,
(b0 x + b1 y + b2) / k)`` with ``k = c0 x + c1 y + 1``; points outside the image read 0.
``rotate`` and ``translate`` build those rows. Flips and random flips are ``tf.image``'s.
"""

import numpy as np

from .. import dtypes
from ..graph import convert_to_tensor, name_scope
from ..op_signature import FLOATS, INDEX, signature
from ..registry import NotDifferentiable, register_op
from . import array_ops, math_ops, random_ops, special_math_ops
from .common import make_op

__all__ = [
    "angles_to_projective_transforms",
    "compose_transforms",
    "flat_transforms_to_matrices",
    "flip_left_right",
    "matrices_to_flat_transforms",
    "flip_up_down",
    "random_flip_left_right",
    "random_flip_up_down",
    "rotate",
    "transform",
    "translate",
    "translations_to_projective_transforms",
]


def _sample_nearest(images, batch, src_x, src_y):
    n, h, w, _ = images.shape
    xi = np.floor(src_x + 0.5).astype(np.int64)
    yi = np.floor(src_y + 0.5).astype(np.int64)
    inside = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
    values = images[batch, np.clip(yi, 0, h - 1), np.clip(xi, 0, w - 1)]
    return values * inside[..., None].astype(images.dtype)


def _sample_bilinear(images, batch, src_x, src_y):
    n, h, w, _ = images.shape
    x0 = np.floor(src_x)
    y0 = np.floor(src_y)
    out = np.zeros((*src_x.shape, images.shape[3]), dtype=images.dtype)
    for dy in (0, 1):
        for dx in (0, 1):
            xi = (x0 + dx).astype(np.int64)
            yi = (y0 + dy).astype(np.int64)
            weight = (1 - np.abs(src_x - xi)) * (1 - np.abs(src_y - yi))
            inside = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
            weight = (weight * inside).astype(images.dtype)
            values = images[batch, np.clip(yi, 0, h - 1), np.clip(xi, 0, w - 1)]
            out += values * weight[..., None]
    return out


def _transform_kernel(attrs):
    sample = _sample_bilinear if attrs["interpolation"] == "BILINEAR" else _sample_nearest

    def run(images, transforms):
        n, h, w, _ = images.shape
        rows = np.broadcast_to(np.asarray(transforms, dtype=np.float64).reshape(-1, 8), (n, 8))
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
        a0, a1, a2, b0, b1, b2, c0, c1 = (rows[:, i, None, None] for i in range(8))
        k = c0 * xs + c1 * ys + 1.0
        src_x = (a0 * xs + a1 * ys + a2) / k
        src_y = (b0 * xs + b1 * ys + b2) / k
        batch = np.arange(n)[:, None, None]
        return sample(images, batch, src_x, src_y).astype(images.dtype, copy=False)

    return run


register_op("ImageProjectiveTransformV2", _transform_kernel, lambda op: [op.inputs[0].shape],
            signature=signature(
                "images: dtype, transforms: float32 -> transformed_images: dtype",
                dtype=FLOATS + INDEX + (dtypes.uint8,)))
NotDifferentiable("ImageProjectiveTransformV2")


def _as_batch(images):
    """Images as ``[batch, h, w, c]`` and a function restoring the caller's rank."""
    images = convert_to_tensor(images, name="images")
    rank = images.shape.ndims
    if rank == 2:
        return array_ops.reshape(images, array_ops.concat(
            [[1], array_ops.shape(images), [1]], 0)), lambda t: array_ops.reshape(
            t, array_ops.shape(images))
    if rank == 3:
        return array_ops.expand_dims(images, 0), lambda t: array_ops.squeeze(t, [0])
    if rank == 4:
        return images, lambda t: t
    raise TypeError(f"Images should have rank between 2 and 4, got {images.shape} "
                    f"({images.name})")


def transform(images, transforms, interpolation="NEAREST", output_shape=None, name=None):
    """Apply projective transforms (one row of 8, or one per image) to ``images``."""
    interpolation = interpolation.upper()
    if interpolation not in ("NEAREST", "BILINEAR"):
        raise ValueError(f"Invalid interpolation {interpolation!r}: NEAREST or BILINEAR")
    if output_shape is not None:
        raise NotImplementedError("transform(output_shape=...) is not supported by smallflow")
    with name_scope(name or "transform"):
        batch, restore = _as_batch(images)
        rows = math_ops.cast(convert_to_tensor(transforms, name="transforms"), dtypes.float32)
        if rows.shape.ndims not in (None, 1, 2):
            raise ValueError(f"transforms should have rank 1 or 2, got {rows.shape}")
        out = make_op("ImageProjectiveTransformV2", [batch, rows], [batch.dtype],
                      {"interpolation": interpolation}, "ImageProjectiveTransformV2")
        return restore(out.outputs[0])


def angles_to_projective_transforms(angles, image_height, image_width, name=None):
    """Rows that rotate images counter-clockwise by ``angles`` (radians) about their centre."""
    with name_scope(name or "angles_to_projective_transforms"):
        angles = math_ops.cast(convert_to_tensor(angles), dtypes.float32)
        angles = array_ops.reshape(angles, [-1])
        height = math_ops.cast(convert_to_tensor(image_height), dtypes.float32) - 1.0
        width = math_ops.cast(convert_to_tensor(image_width), dtypes.float32) - 1.0
        cos = special_math_ops.cos(angles)
        sin = special_math_ops.sin(angles)
        x_offset = (width - (cos * width - sin * height)) / 2.0
        y_offset = (height - (sin * width + cos * height)) / 2.0
        zeros = array_ops.zeros_like(angles)
        return array_ops.stack([cos, -sin, x_offset, sin, cos, y_offset, zeros, zeros], 1)


def rotate(images, angles, interpolation="NEAREST", name=None):
    """Rotate each image counter-clockwise by its angle (radians); corners read 0."""
    with name_scope(name or "rotate"):
        batch, restore = _as_batch(images)
        height, width = batch.shape[1].value, batch.shape[2].value
        if height is None or width is None:
            dynamic = array_ops.shape(batch)
            height, width = dynamic[1], dynamic[2]
        rows = angles_to_projective_transforms(angles, height, width)
        return restore(transform(batch, rows, interpolation))


def translations_to_projective_transforms(translations, name=None):
    """Rows that shift images by ``[dx, dy]`` pixels (right and down for positive values)."""
    with name_scope(name or "translations_to_projective_transforms"):
        shifts = math_ops.cast(convert_to_tensor(translations), dtypes.float32)
        shifts = array_ops.reshape(shifts, [-1, 2])
        ones = array_ops.ones_like(shifts[:, 0])
        zeros = array_ops.zeros_like(shifts[:, 0])
        return array_ops.stack([ones, zeros, -shifts[:, 0], zeros, ones, -shifts[:, 1],
                                zeros, zeros], 1)


def flat_transforms_to_matrices(transforms, name=None):
    """``[N, 8]`` transform rows as ``[N, 3, 3]`` projective matrices (the 9th entry 1)."""
    with name_scope(name or "flat_transforms_to_matrices"):
        rows = math_ops.cast(convert_to_tensor(transforms), dtypes.float32)
        if rows.shape.ndims not in (1, 2):
            raise ValueError(f"Transforms should be 1D or 2D, got: {rows}")
        rows = array_ops.reshape(rows, [-1, 8])
        ones = array_ops.ones_like(rows[:, :1])
        return array_ops.reshape(array_ops.concat([rows, ones], 1), [-1, 3, 3])


def matrices_to_flat_transforms(transform_matrices, name=None):
    """``[N, 3, 3]`` projective matrices as ``[N, 8]`` rows, scaled so the 9th entry is 1."""
    with name_scope(name or "matrices_to_flat_transforms"):
        matrices = math_ops.cast(convert_to_tensor(transform_matrices), dtypes.float32)
        if matrices.shape.ndims not in (2, 3):
            raise ValueError(f"Matrices should be 2D or 3D, got: {matrices}")
        flat = array_ops.reshape(matrices, [-1, 9])
        return math_ops.divide(flat[:, :8], flat[:, 8:])


def compose_transforms(*transforms):
    """One transform row per image doing what applying ``transforms`` in turn does (each
    ``[N, 8]``; the first is the one nearest the output, as ``transform`` reads them)."""
    if not transforms:
        raise ValueError("compose_transforms needs at least one transform")
    with name_scope("compose_transforms"):
        composed = flat_transforms_to_matrices(transforms[0])
        for rows in transforms[1:]:
            composed = math_ops.matmul(composed, flat_transforms_to_matrices(rows))
        return matrices_to_flat_transforms(composed)


def translate(images, translations, interpolation="NEAREST", name=None):
    """Shift each image by its ``[dx, dy]``; uncovered pixels read 0."""
    with name_scope(name or "translate"):
        return transform(images, translations_to_projective_transforms(translations),
                         interpolation)


def flip_left_right(image):
    """Mirror images horizontally (``[h, w, c]`` or a batch)."""
    image = convert_to_tensor(image, name="image")
    return array_ops.reverse(image, [image.shape.ndims - 2])


def flip_up_down(image):
    """Mirror images vertically (``[h, w, c]`` or a batch)."""
    image = convert_to_tensor(image, name="image")
    return array_ops.reverse(image, [image.shape.ndims - 3])


def _random_flip(image, seed, flip):
    image = convert_to_tensor(image, name="image")
    if image.shape.ndims == 3:
        coin = math_ops.less(random_ops.random_uniform([], seed=seed), 0.5)
        return array_ops.where_v2(coin, flip(image), image)
    # a batch: TensorFlow flips the images whose uniform rounds (half to even) to 1, so
    # u > 0.5 here, where a single image flips for u < 0.5
    uniform = random_ops.random_uniform(array_ops.shape(image)[:1], seed=seed)
    coin = array_ops.reshape(math_ops.greater(uniform, 0.5), [-1, 1, 1, 1])
    return array_ops.where_v2(coin, flip(image), image)


def random_flip_left_right(image, seed=None):
    """Mirror each image horizontally with probability 1/2."""
    return _random_flip(image, seed, flip_left_right)


def random_flip_up_down(image, seed=None):
    """Mirror each image vertically with probability 1/2."""
    return _random_flip(image, seed, flip_up_down)
