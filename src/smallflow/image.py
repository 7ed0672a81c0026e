"""``tf.image``: resizing, crops and pads, flips and rotations, colour spaces and
adjustments (with their random versions), quality measures, boxes, and PNG/JPEG/GIF/BMP
decoding and encoding (through Pillow, loaded on first use)."""

from .ops.array_extra_ops import extract_image_patches
from .ops.image_box_ops import (
    crop_and_resize,
    draw_bounding_boxes,
    non_max_suppression,
    non_max_suppression_overlaps,
    non_max_suppression_padded,
    non_max_suppression_with_scores,
    sample_distorted_bounding_box,
)
from .ops.image_codec_ops import (
    adjust_jpeg_quality,
    decode_and_crop_jpeg,
    decode_bmp,
    decode_gif,
    decode_image,
    decode_jpeg,
    decode_png,
    encode_jpeg,
    encode_png,
    extract_jpeg_shape,
    is_jpeg,
    random_jpeg_quality,
)
from .ops.image_glimpse_ops import extract_glimpse
from .ops.image_nms_ops import combined_non_max_suppression
from .ops.image_ops import (
    flip_left_right,
    flip_up_down,
    random_flip_left_right,
    random_flip_up_down,
)
from .ops.image_ops_extra import (
    adjust_brightness,
    adjust_contrast,
    adjust_gamma,
    adjust_hue,
    adjust_saturation,
    central_crop,
    convert_image_dtype,
    crop_to_bounding_box,
    grayscale_to_rgb,
    hsv_to_rgb,
    image_gradients,
    pad_to_bounding_box,
    per_image_standardization,
    psnr,
    random_brightness,
    random_contrast,
    random_hue,
    random_saturation,
    resize_image_with_crop_or_pad,
    rgb_to_grayscale,
    rgb_to_hsv,
    rgb_to_yiq,
    rgb_to_yuv,
    rot90,
    sobel_edges,
    ssim,
    ssim_multiscale,
    total_variation,
    transpose_image,
    yiq_to_rgb,
    yuv_to_rgb,
)
from .ops.image_resize_ops import (
    ResizeMethod,
    resize_area,
    resize_bicubic,
    resize_bilinear,
    resize_image_with_pad,
    resize_images,
    resize_nearest_neighbor,
)
from .ops.random_extra_ops import random_crop

# TensorFlow 1.x's other names for the same functions.
resize = resize_images
resize_with_crop_or_pad = resize_image_with_crop_or_pad
transpose = transpose_image


def extract_patches(images, sizes, strides, rates, padding, name=None):
    """``extract_image_patches`` under its later name (``sizes`` for ``ksizes``)."""
    return extract_image_patches(images, sizes, strides, rates, padding, name=name)


__all__ = [
    "ResizeMethod", "adjust_jpeg_quality", "crop_and_resize", "decode_and_crop_jpeg",
    "decode_bmp", "decode_gif", "decode_image", "decode_jpeg", "decode_png",
    "draw_bounding_boxes", "encode_jpeg", "encode_png", "extract_glimpse", "extract_jpeg_shape",
    "is_jpeg",
    "non_max_suppression", "non_max_suppression_overlaps", "non_max_suppression_padded",
    "combined_non_max_suppression",
    "non_max_suppression_with_scores", "random_jpeg_quality", "sample_distorted_bounding_box",
    "adjust_brightness", "adjust_contrast", "adjust_gamma", "adjust_hue",
    "adjust_saturation", "central_crop", "convert_image_dtype", "crop_to_bounding_box",
    "extract_image_patches", "extract_patches", "flip_left_right", "flip_up_down",
    "grayscale_to_rgb", "hsv_to_rgb", "image_gradients", "pad_to_bounding_box",
    "per_image_standardization", "psnr", "random_brightness", "random_contrast", "random_crop",
    "random_flip_left_right", "random_flip_up_down", "random_hue", "random_saturation",
    "resize", "resize_area", "resize_bicubic", "resize_bilinear", "resize_image_with_crop_or_pad",
    "resize_image_with_pad", "resize_images", "resize_nearest_neighbor", "resize_with_crop_or_pad",
    "rgb_to_grayscale", "rgb_to_hsv", "rgb_to_yiq", "rgb_to_yuv", "rot90", "sobel_edges", "ssim",
    "ssim_multiscale",
    "total_variation", "transpose", "transpose_image", "yiq_to_rgb", "yuv_to_rgb",
]
