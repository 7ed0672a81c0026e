"""tf.image file formats (through Pillow) and box operations: round trips, channel
conversions, errors, crop_and_resize against a pixel-by-pixel formula, NMS by hand."""

import io

import numpy as np
import pytest

import smallflow as tf
from smallflow import errors
from smallflow.gradient_checker import compute_gradient_error

PIL = pytest.importorskip("PIL.Image", reason="the image codecs need Pillow (smallflow[image])")
RNG = np.random.default_rng(5)
PIXELS = RNG.integers(0, 256, size=(5, 7, 3)).astype(np.uint8)


def run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def _file(array, fmt, **options):
    out = io.BytesIO()
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[array.shape[-1]]
    picture = PIL.fromarray(array[..., 0] if mode == "L" else array, mode)
    picture.save(out, fmt, **options)
    return out.getvalue()


def _gray(rgb):
    return ((rgb.astype(np.uint64) @ np.array([9797, 19234, 3737], np.uint64)) >> 15)[..., None]


CODECS = [
    ("png_round_trip", lambda: tf.image.decode_png(tf.image.encode_png(PIXELS)), PIXELS),
    ("png_to_gray", lambda: tf.image.decode_png(_file(PIXELS, "PNG"), channels=1),
     _gray(PIXELS)),
    ("png_to_rgba", lambda: tf.image.decode_png(_file(PIXELS, "PNG"), channels=4),
     np.concatenate([PIXELS, np.full((5, 7, 1), 255, np.uint8)], -1)),
    ("png_gray_to_rgb", lambda: tf.image.decode_png(_file(PIXELS[..., :1], "PNG"), channels=3),
     np.repeat(PIXELS[..., :1], 3, -1)),
    ("png_16_bit", lambda: tf.image.decode_png(tf.image.encode_png(
        PIXELS[..., :1].astype(np.uint16) * 250), dtype=tf.uint16),
     PIXELS[..., :1].astype(np.uint16) * 250),
    ("bmp", lambda: tf.image.decode_bmp(_file(PIXELS, "BMP")), PIXELS),
    ("image_png", lambda: tf.image.decode_image(_file(PIXELS, "PNG")), PIXELS),
    ("image_float", lambda: tf.image.decode_image(_file(PIXELS, "PNG"), dtype=tf.float32),
     PIXELS / np.float32(255)),
    ("gif_frames", lambda: tf.image.decode_gif(_file(PIXELS // 128 * 255, "GIF")),
     (PIXELS // 128 * 255)[None]),
    ("jpeg_flat_colour", lambda: tf.image.decode_jpeg(tf.image.encode_jpeg(
        np.full((8, 8, 3), 90, np.uint8))), np.full((8, 8, 3), 90, np.uint8)),
    ("jpeg_shape", lambda: tf.image.extract_jpeg_shape(_file(PIXELS, "JPEG")), [5, 7, 3]),
    ("jpeg_ratio_2", lambda: tf.shape(tf.image.decode_jpeg(_file(PIXELS, "JPEG"), ratio=2)),
     [3, 4, 3]),
    ("is_jpeg", lambda: [tf.image.is_jpeg(_file(PIXELS, "JPEG")),
                         tf.image.is_jpeg(_file(PIXELS, "PNG"))], [True, False]),
]


@pytest.mark.parametrize(("name", "build", "expected"), CODECS, ids=[c[0] for c in CODECS])
def test_codecs(name, build, expected):
    out = run(build())
    np.testing.assert_allclose(np.asarray(out, dtype=np.float64), np.asarray(expected,
                                                                           dtype=np.float64),
                               rtol=1e-6)


def test_jpeg_decoding_is_what_libjpeg_gives():
    data = _file(PIXELS, "JPEG", quality=90)
    expected = np.asarray(PIL.open(io.BytesIO(data)).convert("RGB"))
    np.testing.assert_array_equal(run(tf.image.decode_jpeg(data)), expected)


def test_adjust_jpeg_quality_keeps_shape_and_dtype():
    smooth = np.add.outer(np.arange(16), np.arange(16))[..., None].repeat(3, -1) / 30.0
    out = run(tf.image.adjust_jpeg_quality(tf.constant(smooth.astype(np.float32)), 60))
    assert out.shape == smooth.shape
    assert out.dtype == np.float32
    assert np.abs(out - smooth).max() < 0.05


@pytest.mark.parametrize(("build", "error"), [
    (lambda: tf.image.decode_png(b"not a png"), errors.InvalidArgumentError),
    (lambda: tf.image.decode_image(b"GIF87a...broken"), errors.InvalidArgumentError),
    (lambda: tf.image.decode_image(b"plain text"), errors.InvalidArgumentError),
    (lambda: tf.image.encode_png(np.zeros((2, 2, 5), np.uint8)), errors.InvalidArgumentError),
])
def test_bad_files_are_invalid_argument_errors(build, error):
    with pytest.raises(error):
        run(build())


def test_decode_jpeg_refuses_bad_channels_when_built():
    with pytest.raises(ValueError, match="channels"):
        tf.image.decode_jpeg(b"", channels=2)


def _crop_by_hand(image, box, size):
    """TensorFlow's documented sampling, one pixel at a time."""
    height, width = image.shape[:2]
    out = np.zeros((*size, image.shape[2]))
    for i in range(size[0]):
        y = box[0] * (height - 1) + i * (box[2] - box[0]) * (height - 1) / (size[0] - 1)
        for j in range(size[1]):
            x = box[1] * (width - 1) + j * (box[3] - box[1]) * (width - 1) / (size[1] - 1)
            y0, x0 = int(np.floor(y)), int(np.floor(x))
            y1, x1 = min(y0 + 1, height - 1), min(x0 + 1, width - 1)
            dy, dx = y - y0, x - x0
            out[i, j] = ((1 - dy) * ((1 - dx) * image[y0, x0] + dx * image[y0, x1])
                         + dy * ((1 - dx) * image[y1, x0] + dx * image[y1, x1]))
    return out


def test_crop_and_resize_matches_bilinear_sampling():
    image = RNG.uniform(size=(2, 6, 8, 2)).astype(np.float32)
    boxes = np.array([[0.1, 0.2, 0.7, 0.9], [0.6, 0.5, 0.2, 0.1]], np.float32)
    out = run(tf.image.crop_and_resize(image, boxes, [1, 0], [3, 4]))
    expected = [_crop_by_hand(image[1], boxes[0], (3, 4)), _crop_by_hand(image[0], boxes[1],
                                                                          (3, 4))]
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_crop_and_resize_gradients_match_numeric_jacobians():
    image = tf.placeholder(tf.float32, [1, 4, 5, 1])
    boxes = tf.placeholder(tf.float32, [1, 4])
    y = tf.image.crop_and_resize(image, boxes, [0], [3, 3])
    image_init = RNG.uniform(size=(1, 4, 5, 1))
    box_init = np.array([[0.13, 0.21, 0.77, 0.68]])
    error = compute_gradient_error([image, boxes], [[1, 4, 5, 1], [1, 4]], y, [1, 3, 3, 1],
                                   x_init_value=[image_init, box_init], delta=1e-3)
    assert error < 2e-2


def test_crop_and_resize_refuses_a_box_index_outside_the_batch():
    with pytest.raises(errors.InvalidArgumentError, match="box_index"):
        run(tf.image.crop_and_resize(np.zeros((1, 2, 2, 1), np.float32), [[0, 0, 1, 1]], [1],
                                     [2, 2]))


BOXES = np.array([[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, 10, 1, 11], [0, 10.1, 1, 11.1]],
                 np.float32)
SCORES = np.array([0.9, 0.95, 0.5, 0.8], np.float32)
NMS = [
    ("keeps_best_of_each_cluster", lambda: tf.image.non_max_suppression(BOXES, SCORES, 10),
     [1, 3]),
    ("max_output", lambda: tf.image.non_max_suppression(BOXES, SCORES, 1), [1]),
    ("loose_threshold", lambda: tf.image.non_max_suppression(BOXES, SCORES, 10, 0.9),
     [1, 0, 3, 2]),
    ("score_threshold", lambda: tf.image.non_max_suppression(BOXES, SCORES, 10, 0.9, 0.85),
     [1, 0]),
    ("padded", lambda: tf.image.non_max_suppression_padded(
        BOXES, SCORES, 4, pad_to_max_output_size=True), ([1, 3, 0, 0], 2)),
    ("soft_scores", lambda: tf.image.non_max_suppression_with_scores(
        BOXES, SCORES, 4, 1.0, soft_nms_sigma=0.5)[1][:3],
     [0.95, 0.8, 0.9 * np.exp(-(9 / 11) ** 2)]),
]


@pytest.mark.parametrize(("name", "build", "expected"), NMS, ids=[n[0] for n in NMS])
def test_non_max_suppression(name, build, expected):
    out = run(build())
    if isinstance(expected, tuple):
        assert out[0].tolist() == expected[0]
        assert out[1] == expected[1]
    else:
        np.testing.assert_allclose(out, expected, rtol=1e-5)


def test_draw_bounding_boxes_outlines_in_the_first_colour():
    images = np.zeros((1, 5, 5, 3), np.float32)
    out = run(tf.image.draw_bounding_boxes(images, [[[0.25, 0.25, 0.75, 0.75]]]))[0]
    outline = np.zeros((5, 5), bool)
    outline[1, 1:4] = outline[3, 1:4] = outline[1:4, 1] = outline[1:4, 3] = True
    assert (out[outline] == [1, 1, 0]).all()
    assert (out[~outline] == 0).all()


def test_sample_distorted_bounding_box_covers_the_object_within_the_ranges():
    begin, size, box = tf.image.sample_distorted_bounding_box(
        [60, 80, 3], [[[0.4, 0.4, 0.6, 0.6]]], seed=7, min_object_covered=0.5,
        aspect_ratio_range=[0.5, 2.0], area_range=[0.1, 0.9])
    with tf.Session() as sess:
        for _ in range(10):
            b, s, bb = sess.run([begin, size, box])
            assert s[2] == -1
            assert 0.1 * 4800 <= s[0] * s[1] <= 0.9 * 4800 + 1
            top, left = max(b[0], 24), max(b[1], 32)
            bottom, right = min(b[0] + s[0], 36), min(b[1] + s[1], 48)
            assert max(0, bottom - top) * max(0, right - left) >= 0.5 * 12 * 16
            np.testing.assert_allclose(bb[0, 0], [b[0] / 60, b[1] / 80, (b[0] + s[0]) / 60,
                                                  (b[1] + s[1]) / 80], rtol=1e-6)
