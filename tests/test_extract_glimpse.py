"""tf.image.extract_glimpse: where the window lands for each coordinate convention, and the
noise outside the image (TensorFlow itself in tests/oracle, session9/extract_glimpse_*)."""

import numpy as np
import pytest

import smallflow as tf

H, W = 20, 30
IMAGE = (np.arange(H)[:, None] * 100 + np.arange(W)[None, :] + 1).astype(np.float32)


def _glimpse(offsets, size=(3, 4), **kwargs):
    with tf.Graph().as_default():
        glimpse = tf.image.extract_glimpse(IMAGE.reshape(1, H, W, 1), list(size),
                                           [offsets], **kwargs)
        with tf.Session() as sess:
            return sess.run(glimpse)[0, :, :, 0]


def _corner(values):
    """The window's top-left image position, read off an inside pixel."""
    rows, cols = np.nonzero(values == np.round(values))
    value = int(values[rows[0], cols[0]]) - 1
    return value // 100 - rows[0], value % 100 - cols[0]


@pytest.mark.parametrize(("offsets", "kwargs", "corner"), [
    # centered and normalized (the default): the image's center is (0, 0), its edges +-1.
    ([0.0, 0.0], {}, (8, 13)),            # (20/2 - 3/2, 30/2 - 4/2), truncated
    ([0.3, 0.3], {}, (11, 17)),           # 0.3 * 20 / 2 + 10 - 1.5 = 11.5
    # centered pixels: the offset is halved (TensorFlow's kernel does, for both).
    ([5.0, 5.0], {"normalized": False}, (11, 15)),
    ([-2.2, -2.2], {"normalized": False}, (7, 11)),
    # from the corner, normalized: fractions of the size, minus half the glimpse.
    ([0.3, 0.3], {"centered": False}, (4, 7)),
    ([0.05, 0.05], {"centered": False}, (0, 0)),   # -0.5 truncates toward zero
    # from the corner, in pixels.
    ([5.5, 5.5], {"centered": False, "normalized": False}, (4, 3)),
])
def test_window_position(offsets, kwargs, corner):
    assert _corner(_glimpse(offsets, **kwargs)) == corner


def test_inside_window_is_a_plain_slice():
    got = _glimpse([5.5, 6.5], size=(4, 5), centered=False, normalized=False)
    top, left = int(5.5 - 2), int(6.5 - 2.5)
    np.testing.assert_array_equal(got, IMAGE[top:top + 4, left:left + 5])


def test_outside_is_uniform_noise_in_the_image_range():
    # A 40x50 window centred on the 20x30 image: the image lands at rows 10-29, columns
    # 10-39 (corner -10, -10), noise around it.
    got = _glimpse([0.0, 0.0], size=(40, 50))
    np.testing.assert_array_equal(got[10:30, 10:40], IMAGE)
    inside = np.zeros(got.shape, bool)
    inside[10:30, 10:40] = True
    noise = got[~inside]
    assert noise.min() >= IMAGE.min()
    assert noise.max() < IMAGE.max()
    assert abs(noise.mean() - (IMAGE.min() + IMAGE.max()) / 2) < 50  # uniform, not constant
    # uniform_noise=False does not change it (the op's noise attr decides), as in TF 1.14+.
    other = _glimpse([0.0, 0.0], size=(40, 50), uniform_noise=False)
    np.testing.assert_array_equal(other[10:30, 10:40], IMAGE)
    assert other[~inside].min() >= IMAGE.min()
    assert other[~inside].max() < IMAGE.max()
    # As TensorFlow's kernel (its generator restarts at each run), the same noise each time.
    np.testing.assert_array_equal(_glimpse([0.0, 0.0], size=(40, 50)), got)


def test_shapes_and_errors():
    with tf.Graph().as_default():
        images = tf.placeholder(tf.float32, [None, 28, 28, 1])
        glimpse = tf.image.extract_glimpse(images, [8, 6], tf.zeros([5, 2]))
        assert glimpse.shape.as_list() == [None, 8, 6, 1]
        assert glimpse.op.type == "ExtractGlimpse"
        with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                                 match="offsets"):
            sess.run(glimpse, {images: np.zeros((2, 28, 28, 1))})
