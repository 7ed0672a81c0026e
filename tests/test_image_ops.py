"""tf.image against NumPy formulas: resizing (each method and pixel-centre convention),
crops, pads, rotations, dtype conversion, colour spaces, adjustments and quality measures.
(TensorFlow itself is compared in tests/oracle/cases_image.py.)"""

import colorsys

import numpy as np
import pytest

import smallflow as tf
from smallflow.gradient_checker import compute_gradient_error

RNG = np.random.default_rng(3)
IMG = RNG.uniform(0, 1, size=(2, 4, 6, 3)).astype(np.float32)


def run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def _bilinear_legacy(image, out_h, out_w):
    """TensorFlow 1.x's default bilinear resize, written pixel by pixel."""
    n, h, w, c = image.shape
    out = np.zeros((n, out_h, out_w, c))
    for y in range(out_h):
        fy = y * h / out_h
        y0 = int(fy)
        y1 = min(y0 + 1, h - 1)
        for x in range(out_w):
            fx = x * w / out_w
            x0 = int(fx)
            x1 = min(x0 + 1, w - 1)
            top = image[:, y0, x0] + (image[:, y0, x1] - image[:, y0, x0]) * (fx - x0)
            bottom = image[:, y1, x0] + (image[:, y1, x1] - image[:, y1, x0]) * (fx - x0)
            out[:, y, x] = top + (bottom - top) * (fy - y0)
    return out


RESIZE = [
    ("bilinear_up", lambda: tf.image.resize_images(IMG, [7, 9]),
     lambda: _bilinear_legacy(IMG, 7, 9)),
    ("bilinear_down", lambda: tf.image.resize_bilinear(IMG, [3, 4]),
     lambda: _bilinear_legacy(IMG, 3, 4)),
    ("nearest_halves", lambda: tf.image.resize_nearest_neighbor(IMG, [2, 3]),
     lambda: IMG[:, ::2, ::2]),
    ("nearest_doubles", lambda: tf.image.resize_images(IMG, [8, 12], method=1),
     lambda: IMG.repeat(2, 1).repeat(2, 2)),
    ("area_halves", lambda: tf.image.resize_area(IMG, [2, 3]),
     lambda: IMG.reshape(2, 2, 2, 3, 2, 3).mean((2, 4))),
    ("bicubic_identity", lambda: tf.image.resize_bicubic(IMG, [4, 6]), lambda: IMG),
    ("bicubic_half_pixel_identity",
     lambda: tf.image.resize_bicubic(IMG, [4, 6], half_pixel_centers=True), lambda: IMG),
    ("align_corners_keeps_corners",
     lambda: tf.image.resize_bilinear(IMG, [7, 11], align_corners=True)[:, ::6, ::10],
     lambda: IMG[:, ::3, ::5]),
    ("half_pixel_doubling", lambda: tf.image.resize_bilinear(
        IMG[:, :1, :2], [1, 4], half_pixel_centers=True),
     lambda: np.stack([IMG[:, :1, 0], 0.75 * IMG[:, :1, 0] + 0.25 * IMG[:, :1, 1],
                       0.25 * IMG[:, :1, 0] + 0.75 * IMG[:, :1, 1], IMG[:, :1, 1]], 2)),
    ("single_image", lambda: tf.image.resize_images(IMG[0], [7, 9]),
     lambda: _bilinear_legacy(IMG[:1], 7, 9)[0]),
]


@pytest.mark.parametrize(("name", "build", "expected"), RESIZE, ids=[r[0] for r in RESIZE])
def test_resize_matches_formula(name, build, expected):
    np.testing.assert_allclose(run(build()), expected(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("method", "dtype"), [(0, np.float32), (1, np.uint8), (2, np.float32),
                                               (3, np.float32)])
def test_resize_images_dtype_follows_tensorflow(method, dtype):
    out = tf.image.resize_images((IMG * 255).astype(np.uint8), [5, 5], method=method)
    assert out.dtype == tf.as_dtype(dtype)
    assert out.shape.as_list() == [2, 5, 5, 3]
    assert run(out).dtype == dtype


def test_resize_images_to_its_own_size_returns_the_input():
    x = tf.constant((IMG * 255).astype(np.int32))
    assert tf.image.resize_images(x, [4, 6]) is x


@pytest.mark.parametrize(("images", "size", "message"), [
    (np.zeros((3, 4)), [2, 2], "3 or 4 dimensions"),
    (IMG, [2, 2, 2], "2 elements"),
])
def test_resize_images_refuses_bad_arguments(images, size, message):
    with pytest.raises(ValueError, match=message):
        tf.image.resize_images(images, size)


def test_resize_refuses_align_corners_with_half_pixel_centers():
    with pytest.raises(ValueError, match="half_pixel_centers"):
        tf.image.resize_bilinear(IMG, [2, 2], align_corners=True, half_pixel_centers=True)


@pytest.mark.parametrize("fn", [tf.image.resize_bilinear, tf.image.resize_bicubic,
                                tf.image.resize_nearest_neighbor])
def test_resize_gradients_match_numeric_jacobian(fn):
    x = tf.placeholder(tf.float64, [1, 3, 4, 1])
    y = fn(x, [5, 3])
    init = RNG.uniform(size=(1, 3, 4, 1))
    error = compute_gradient_error(x, [1, 3, 4, 1], y, [1, 5, 3, 1], x_init_value=init)
    assert error < 1e-4


def test_resize_area_has_no_gradient_as_in_tensorflow():
    x = tf.constant(IMG)
    with pytest.raises(LookupError):
        tf.gradients(tf.image.resize_area(x, [2, 2]), x)


GEOMETRY = [
    ("crop", lambda x: tf.image.crop_to_bounding_box(x, 1, 2, 2, 3), lambda x: x[:, 1:3, 2:5]),
    ("pad", lambda x: tf.image.pad_to_bounding_box(x, 1, 2, 6, 9),
     lambda x: np.pad(x, [(0, 0), (1, 1), (2, 1), (0, 0)])),
    ("crop_or_pad", lambda x: tf.image.resize_image_with_crop_or_pad(x[0], 2, 8),
     lambda x: np.pad(x[0, 1:3], [(0, 0), (1, 1), (0, 0)])),
    # TensorFlow rounds the start down: 6 columns keep 4.
    ("central_crop", lambda x: tf.image.central_crop(x, 0.5), lambda x: x[:, 1:3, 1:5]),
    ("rot90", lambda x: tf.image.rot90(x[0]), lambda x: np.rot90(x[0])),
    ("rot90_k3_batch", lambda x: tf.image.rot90(x, 3), lambda x: np.rot90(x, 3, (1, 2))),
    ("transpose", lambda x: tf.image.transpose_image(x), lambda x: x.transpose(0, 2, 1, 3)),
    ("flip", lambda x: tf.image.flip_left_right(x), lambda x: x[:, :, ::-1]),
    ("total_variation", lambda x: tf.image.total_variation(x),
     lambda x: np.abs(np.diff(x, axis=1)).sum((1, 2, 3)) + np.abs(np.diff(x, axis=2)).sum(
         (1, 2, 3))),
    ("image_gradients_dx", lambda x: tf.image.image_gradients(x)[1],
     lambda x: np.pad(np.diff(x, axis=2), [(0, 0), (0, 0), (0, 1), (0, 0)])),
    ("grayscale", lambda x: tf.image.rgb_to_grayscale(x),
     lambda x: (x @ np.array([0.2989, 0.5870, 0.1140]))[..., None]),
    ("grayscale_to_rgb", lambda x: tf.image.grayscale_to_rgb(x[..., :1]),
     lambda x: np.repeat(x[..., :1], 3, -1)),
    ("brightness", lambda x: tf.image.adjust_brightness(x, 0.25), lambda x: x + 0.25),
    ("contrast", lambda x: tf.image.adjust_contrast(x, 2.0),
     lambda x: (x - x.mean((1, 2), keepdims=True)) * 2 + x.mean((1, 2), keepdims=True)),
    ("gamma", lambda x: tf.image.adjust_gamma(x, 2.0, 0.5), lambda x: 0.5 * x ** 2),
    ("standardization", lambda x: tf.image.per_image_standardization(x),
     lambda x: (x - x.mean((1, 2, 3), keepdims=True)) / x.std((1, 2, 3), keepdims=True)),
    ("psnr", lambda x: tf.image.psnr(x, x * 0.5, 1.0),
     lambda x: 10 * np.log10(1.0 / ((x * 0.5) ** 2).mean((1, 2, 3)))),
    ("ssim_of_itself", lambda x: tf.image.ssim(x, x, 1.0, filter_size=3), lambda x: [1, 1]),
    ("hsv_round_trip", lambda x: tf.image.hsv_to_rgb(tf.image.rgb_to_hsv(x)), lambda x: x),
    ("yiq_round_trip", lambda x: tf.image.yiq_to_rgb(tf.image.rgb_to_yiq(x)), lambda x: x),
    ("yuv_round_trip", lambda x: tf.image.yuv_to_rgb(tf.image.rgb_to_yuv(x)), lambda x: x),
    ("rgb_to_hsv", lambda x: tf.image.rgb_to_hsv(x),
     lambda x: np.apply_along_axis(lambda p: colorsys.rgb_to_hsv(*p), -1, x)),
    ("saturation_zero_is_gray", lambda x: tf.image.adjust_saturation(x, 0.0),
     lambda x: np.repeat(x.max(-1, keepdims=True), 3, -1)),
    ("hue_full_turn", lambda x: tf.image.adjust_hue(x, 1.0), lambda x: x),
]


@pytest.mark.parametrize(("name", "build", "expected"), GEOMETRY,
                         ids=[r[0] for r in GEOMETRY])
def test_image_function_matches_numpy(name, build, expected):
    np.testing.assert_allclose(run(build(tf.constant(IMG))), expected(IMG), rtol=1e-4,
                               atol=1e-4)


CONVERSIONS = [
    (np.array([0, 128, 255], np.uint8), tf.float32, [0.0, 128 / 255, 1.0]),
    (np.array([0.0, 0.5, 1.0], np.float32), tf.uint8, [0, 127, 255]),  # x * 255.5, cast
    (np.array([0, 255], np.uint8), tf.int16, [0, 255 * 128]),
    (np.array([0, 32767], np.int16), tf.uint8, [0, 255]),
]


@pytest.mark.parametrize(("value", "dtype", "expected"), CONVERSIONS)
def test_convert_image_dtype_rescales(value, dtype, expected):
    out = run(tf.image.convert_image_dtype(value, dtype))
    assert out.dtype == dtype.as_numpy_dtype
    np.testing.assert_allclose(out, expected, rtol=1e-6)


def test_convert_image_dtype_saturates_on_request():
    out = run(tf.image.convert_image_dtype([1.5, -0.5], tf.uint8, saturate=True))
    assert out.tolist() == [255, 0]


@pytest.mark.parametrize(("build", "message"), [
    (lambda: tf.image.crop_to_bounding_box(IMG, 3, 0, 2, 2), "height must be >= target"),
    (lambda: tf.image.pad_to_bounding_box(IMG, 0, 0, 2, 9), "height must be <= target"),
    (lambda: tf.image.central_crop(IMG, 0.0), "central_fraction"),
    (lambda: tf.image.random_hue(IMG, 0.6), "max_delta must be <= 0.5"),
    (lambda: tf.image.random_contrast(IMG, 0.5, 0.5), "upper must be > lower"),
    (lambda: tf.image.rgb_to_hsv(IMG[..., :2]), "must be 3"),
])
def test_image_functions_refuse_bad_arguments(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_random_adjustments_stay_in_their_ranges():
    x = tf.constant(np.full((2, 2, 3), 0.5, np.float32))
    bright = tf.image.random_brightness(x, 0.1, seed=1)
    with tf.Session() as sess:
        values = np.array([sess.run(bright) for _ in range(5)])
    assert np.all(np.abs(values - 0.5) <= 0.1 + 1e-6)
    assert len(np.unique(values.round(6))) > 1
