"""clip_by_norm, global_norm, clip_by_global_norm, clip_by_average_norm against NumPy."""

import numpy as np
import pytest

import smallflow as tf
from smallflow.gradient_checker import compute_gradient_error


def run(fetches):
    with tf.Session() as sess:
        return sess.run(fetches)


def _clip_by_norm(t, clip, axes=None):
    norm = np.sqrt(np.sum(t * t, axis=axes, keepdims=True))
    return t * clip / np.maximum(norm, clip)


CLIP_BY_NORM = [
    ([[3.0, 4.0]], 2.0, None),
    ([[3.0, 4.0]], 10.0, None),
    ([[3.0, 4.0], [0.3, 0.4]], 1.0, [1]),
    ([[0.0, 0.0]], 1.0, None),
]


@pytest.mark.parametrize(("t", "clip", "axes"), CLIP_BY_NORM)
def test_clip_by_norm_matches_formula(t, clip, axes):
    t = np.array(t, np.float32)
    result = run(tf.clip_by_norm(tf.constant(t), clip, axes=axes))
    expected = _clip_by_norm(t, clip, None if axes is None else tuple(axes))
    np.testing.assert_allclose(result, expected, rtol=1e-6)


def test_global_norm_and_clip_by_global_norm():
    a = np.array([3.0, 4.0], np.float32)
    b = np.array([[12.0]], np.float32)
    clipped, norm = tf.clip_by_global_norm([tf.constant(a), None, tf.constant(b)], 6.5)
    assert clipped[1] is None
    values = run([clipped[0], clipped[2], norm, tf.global_norm([a, b])])
    assert values[2] == pytest.approx(13.0)
    assert values[3] == pytest.approx(13.0)
    np.testing.assert_allclose(values[0], a / 2)
    np.testing.assert_allclose(values[1], b / 2)


def test_clip_by_global_norm_of_an_infinite_norm_is_nan():
    clipped, _ = tf.clip_by_global_norm([tf.constant([np.inf, 1.0])], 1.0)
    assert np.isnan(run(clipped[0])).all()


def test_clip_by_global_norm_needs_a_sequence():
    with pytest.raises(TypeError, match="t_list should be a sequence"):
        tf.clip_by_global_norm(tf.constant([1.0]), 1.0)


def test_clip_by_average_norm_matches_formula():
    t = np.array([[3.0, 4.0]], np.float32)
    result = run(tf.clip_by_average_norm(tf.constant(t), 1.0))
    np.testing.assert_allclose(result, t * 1.0 / max(5.0 / 2, 1.0), rtol=1e-6)


def test_clip_by_norm_gradient_is_numerically_right():
    x = tf.placeholder(tf.float64, [2, 3])
    y = tf.clip_by_norm(x, 1.0)
    init = np.array([[0.5, -1.0, 0.3], [0.2, 0.9, -0.4]])
    assert compute_gradient_error(x, [2, 3], y, [2, 3], x_init_value=init) < 1e-6
