"""tf.math extras and the extra random ops against NumPy."""

import numpy as np
import pytest
from scipy import special

import smallflow as tf

RNG = np.random.default_rng(17)
X = np.array([0.0, 0.5, 2.0, -1.0])
Y = np.array([3.0, 0.0, 4.0, 0.5])


def run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


ELEMENTWISE = [
    ("log_sigmoid", lambda: tf.math.log_sigmoid(X), -np.log1p(np.exp(-X))),
    ("xlogy", lambda: tf.math.xlogy(X, np.abs(Y) + 1),
     np.where(X == 0, 0, X * np.log(np.abs(Y) + 1))),
    ("xdivy", lambda: tf.math.xdivy(X, Y + 1), np.where(X == 0, 0, X / (Y + 1))),
    ("xlog1py", lambda: tf.math.xlog1py(X, Y), np.where(X == 0, 0, X * np.log1p(Y))),
    ("reciprocal_no_nan", lambda: tf.math.reciprocal_no_nan(Y),
     np.where(Y == 0, 0, 1 / np.where(Y == 0, 1, Y))),
    ("reduce_std", lambda: tf.math.reduce_std(X), X.std()),
    ("reduce_variance", lambda: tf.math.reduce_variance(np.stack([X, Y]), axis=1),
     np.stack([X, Y]).var(1)),
    ("cumulative_logsumexp", lambda: tf.math.cumulative_logsumexp(X),
     np.log(np.cumsum(np.exp(X)))),
    ("polyval", lambda: tf.math.polyval([2.0, -1.0, 3.0], X), np.polyval([2.0, -1.0, 3.0], X)),
    ("lbeta", lambda: tf.math.lbeta(np.array([[1.5, 2.0, 3.0]])),
     special.betaln(1.5, 2.0) + special.betaln(3.5, 3.0)),
    ("scalar_mul", lambda: tf.scalar_mul(2.0, X), 2 * X),
]


@pytest.mark.parametrize(("label", "build", "expected"), ELEMENTWISE,
                         ids=[c[0] for c in ELEMENTWISE])
def test_matches_numpy(label, build, expected):
    np.testing.assert_allclose(run(build()), expected, rtol=1e-6)


def test_multiply_no_nan_zeroes_where_y_is_zero():
    result = run(tf.math.multiply_no_nan(np.array([np.nan, np.inf]), np.array([0.0, 0.0])))
    assert result.tolist() == [0.0, 0.0]


def test_counting_helpers():
    assert run(tf.math.bincount([1, 1, 3], minlength=5)).tolist() == [0, 2, 0, 1, 0]
    assert run(tf.math.bincount([0, 2], weights=[0.5, 1.5])).tolist() == [0.5, 0.0, 1.5]
    matrix = run(tf.confusion_matrix([0, 1, 2, 1], [0, 2, 2, 1], num_classes=3))
    assert matrix.tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    assert run(tf.invert_permutation([3, 4, 0, 2, 1])).tolist() == [2, 4, 3, 0, 1]
    assert run(tf.unravel_index([22, 41, 37], [7, 6])).tolist() == [[3, 6, 6], [4, 5, 1]]


def test_tensor_scatter_updates():
    base = tf.constant([1.0, 2.0, 3.0, 4.0])
    assert run(tf.tensor_scatter_nd_update(base, [[1], [3]], [9.0, 8.0])).tolist() == [
        1, 9, 3, 8]
    assert run(tf.tensor_scatter_nd_add(base, [[0], [0]], [1.0, 1.0])).tolist() == [3, 2, 3, 4]
    assert run(tf.tensor_scatter_nd_sub(base, [[2]], [3.0])).tolist() == [1, 2, 0, 4]


def test_roll_repeat_cross_and_batch_gather():
    x = np.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(run(tf.roll(x, 1, axis=1)), np.roll(x, 1, axis=1))
    np.testing.assert_array_equal(run(tf.roll(x, [1, -1], axis=[0, 1])),
                                  np.roll(x, [1, -1], axis=[0, 1]))
    np.testing.assert_array_equal(run(tf.repeat(x, 2, axis=0)), np.repeat(x, 2, axis=0))
    np.testing.assert_array_equal(run(tf.repeat([1, 2], [1, 3])), [1, 2, 2, 2])
    a, b = RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3))
    np.testing.assert_allclose(run(tf.cross(a, b)), np.cross(a, b))
    np.testing.assert_array_equal(run(tf.batch_gather(x, [[2, 0], [1, 1]])),
                                  [[2, 0], [4, 4]])


def test_saturate_cast_clamps():
    assert run(tf.saturate_cast([-300.0, 12.7, 300.0], tf.uint8)).tolist() == [0, 12, 255]


def test_static_shape_helpers():
    assert tf.broadcast_static_shape(tf.TensorShape([2, 1]), tf.TensorShape([3])).as_list() \
        == [2, 3]
    assert run(tf.broadcast_dynamic_shape([2, 1], [1, 3])).tolist() == [2, 3]
    x = tf.placeholder(tf.float32, [None, 3])
    assert tf.ensure_shape(x, [5, None]).shape.as_list() == [5, 3]
    with pytest.raises(ValueError, match="not compatible"):
        tf.ensure_shape(x, [5, 4])
    assert tf.get_static_value(tf.constant([1, 2])).tolist() == [1, 2]
    assert tf.get_static_value(x) is None


def test_random_shuffle_is_a_seeded_permutation():
    values = np.arange(20)
    tf.set_random_seed(4)
    shuffled = tf.random_shuffle(values, seed=1)
    with tf.Session() as sess:
        first = sess.run(shuffled)
        second = sess.run(shuffled)
    assert sorted(first.tolist()) == values.tolist()
    assert first.tolist() != second.tolist()


def test_multinomial_follows_the_probabilities():
    logits = np.log([[0.1, 0.6, 0.3]])
    samples = run(tf.multinomial(logits, 20000, seed=2))
    assert samples.shape == (1, 20000)
    assert samples.dtype == np.int64
    frequencies = np.bincount(samples[0], minlength=3) / 20000
    np.testing.assert_allclose(frequencies, [0.1, 0.6, 0.3], atol=0.015)


def test_random_crop_takes_a_window():
    image = np.arange(25).reshape(5, 5)
    crop = run(tf.random_crop(image, [2, 3], seed=5))
    row, col = divmod(int(crop[0, 0]), 5)
    np.testing.assert_array_equal(crop, image[row:row + 2, col:col + 3])


@pytest.mark.parametrize(("make", "length"), [
    (lambda: tf.bincount([0, 2, 2], minlength=4), 4),       # known when built, as in TF
    (lambda: tf.bincount([0, 5], maxlength=3), 3),
    (lambda: tf.bincount([1, 1]), 2),
    (lambda: tf.bincount(tf.constant([], tf.int32)), 0),
    (lambda: tf.bincount(tf.placeholder(tf.int32, [3]), minlength=4), None),  # fed values
])
def test_bincount_static_length_is_known_for_constant_input(make, length):
    assert make().shape.as_list() == [length]
