"""Session 12 (helper contrib): ``tf.contrib.nn`` and the ``tf.contrib.data`` names added,
against NumPy and the r1.15 docstrings' examples."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import smallflow as tf

cnn = tf.contrib.nn
cdata = tf.contrib.data

_ALPHA = -1.7580993408473766


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def test_alpha_dropout_values_are_the_two_affine_images():
    x = np.random.RandomState(0).randn(4000).astype(np.float32)
    keep = 0.8
    out = _run(cnn.alpha_dropout(tf.constant(x), keep, seed=3))
    a = (keep + keep * (1 - keep) * _ALPHA ** 2) ** -0.5
    b = -a * _ALPHA * (1 - keep)
    kept = np.isclose(out, a * x + b, rtol=1e-5, atol=1e-6)
    dropped = np.isclose(out, a * _ALPHA + b, rtol=1e-5, atol=1e-6)
    assert np.all(kept | dropped)
    assert abs(dropped.mean() - (1 - keep)) < 0.03
    # Self-normalising: a standard normal input keeps mean 0 and variance 1.
    assert abs(out.mean()) < 0.08
    assert abs(out.std() - 1.0) < 0.08


def test_alpha_dropout_keep_prob_one_and_bad_keep_prob():
    x = tf.constant([1.0, 2.0])
    assert cnn.alpha_dropout(x, 1.0) is x
    with pytest.raises(ValueError, match=r"keep_prob must be a scalar tensor or a float in "
                                         r"the range \(0, 1\], got 1.5"):
        cnn.alpha_dropout(x, 1.5)


def test_alpha_dropout_noise_shape_drops_whole_rows():
    out = _run(cnn.alpha_dropout(tf.ones([200, 3]), 0.5, noise_shape=[200, 1], seed=1))
    assert np.all(np.isclose(out, out[:, :1]))


@settings(max_examples=25, deadline=None)
@given(x=hnp.arrays(np.float64, (5,), elements=st.floats(-30, 30)),
       alpha=st.sampled_from([0.1, 0.5, 2.0]))
def test_scaled_softplus_matches_numpy(x, alpha):
    expected = alpha * np.logaddexp(0.0, x / alpha)
    value = _run(cnn.scaled_softplus(tf.constant(x), alpha))
    np.testing.assert_allclose(value, expected, rtol=1e-10, atol=1e-12)
    clipped = _run(cnn.scaled_softplus(tf.constant(x), alpha, clip=1.0))
    np.testing.assert_allclose(clipped, np.minimum(expected, 1.0), rtol=1e-10, atol=1e-12)


def test_scaled_softplus_gradients():
    x = tf.constant([-1.0, 0.3, 2.0], tf.float64)
    alpha = tf.constant(0.7, tf.float64)
    grad_x, grad_alpha = _run(tf.gradients(tf.reduce_sum(cnn.scaled_softplus(x, alpha)),
                                           [x, alpha]))
    z = np.array([-1.0, 0.3, 2.0]) / 0.7
    sigmoid = 1.0 / (1.0 + np.exp(-z))
    np.testing.assert_allclose(grad_x, sigmoid, rtol=1e-12)
    np.testing.assert_allclose(grad_alpha, np.sum(np.logaddexp(0.0, z) - z * sigmoid),
                               rtol=1e-12)


@settings(max_examples=25, deadline=None)
@given(x=hnp.arrays(np.float32, (3, 6), elements=st.floats(-100, 100, width=32)),
       n=st.integers(0, 5), reverse=st.booleans())
def test_nth_element_matches_a_sort(x, n, reverse):
    ordered = np.sort(x, axis=-1)
    expected = ordered[:, -1 - n] if reverse else ordered[:, n]
    np.testing.assert_array_equal(_run(cnn.nth_element(x, n, reverse=reverse)), expected)


def test_nth_element_refuses_a_negative_n():
    with pytest.raises(ValueError, match="Need n >= 0"):
        cnn.nth_element(tf.zeros([3]), -1)


def test_flipped_cross_entropies_take_logits_first():
    logits = np.array([[1.0, 2.0, 0.5]], np.float32)
    onehot = np.array([[0.0, 1.0, 0.0]], np.float32)
    got = _run([cnn.deprecated_flipped_softmax_cross_entropy_with_logits(logits, onehot),
                cnn.deprecated_flipped_sparse_softmax_cross_entropy_with_logits(logits, [1]),
                cnn.deprecated_flipped_sigmoid_cross_entropy_with_logits(logits, onehot)])
    expected = _run([tf.nn.softmax_cross_entropy_with_logits(labels=onehot, logits=logits),
                     tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[1], logits=logits),
                     tf.nn.sigmoid_cross_entropy_with_logits(labels=onehot, logits=logits)])
    for ours, theirs in zip(got, expected):
        np.testing.assert_allclose(ours, theirs)


def test_sampled_sparse_softmax_loss_equals_the_sampled_softmax_loss():
    rng = np.random.RandomState(0)
    weights = tf.constant(rng.randn(10, 4).astype(np.float32))
    biases = tf.constant(rng.randn(10).astype(np.float32))
    inputs = tf.constant(rng.randn(3, 4).astype(np.float32))
    labels = tf.constant([[1], [7], [3]], tf.int64)
    sampled = tf.nn.log_uniform_candidate_sampler(labels, 1, 5, True, 10, seed=2)
    ours = cnn.sampled_sparse_softmax_loss(weights, biases, labels, inputs, 5, 10,
                                           sampled_values=sampled)
    theirs = tf.nn.sampled_softmax_loss(weights, biases, labels, inputs, 5, 10,
                                        sampled_values=sampled)
    a, b = _run([ours, theirs])
    assert a.shape == (3,)
    np.testing.assert_allclose(a, b, rtol=1e-6)


# -- tf.contrib.data ---------------------------------------------------------------------------


def _elements(dataset):
    next_element = dataset.make_one_shot_iterator().get_next()
    values = []
    with tf.Session() as sess:
        while True:
            try:
                values.append(sess.run(next_element))
            except tf.errors.OutOfRangeError:
                return values


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({}, [[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6]]),
    ({"window_shift": 2}, [[1, 2, 3], [3, 4, 5]]),
    ({"stride": 2}, [[1, 2, 3], [3, 4, 5]]),
    ({"window_stride": 2}, [[1, 3, 5], [2, 4, 6]]),
])
def test_sliding_window_batch_docstring_examples(kwargs, expected):
    dataset = tf.data.Dataset.range(1, 7).map(lambda x: tf.reshape(x, [1]))
    windows = dataset.apply(cdata.sliding_window_batch(3, **kwargs))
    assert windows.output_shapes.as_list() == [None, 1]
    got = [w[:, 0].tolist() for w in _elements(windows)]
    assert got == expected


def test_sliding_window_batch_of_tuples_and_refused_arguments():
    pairs = tf.data.Dataset.from_tensor_slices(([1, 2, 3, 4], [5.0, 6.0, 7.0, 8.0]))
    got = _elements(pairs.apply(cdata.sliding_window_batch(2, window_shift=2)))
    assert [(a.tolist(), b.tolist()) for a, b in got] == [([1, 2], [5.0, 6.0]),
                                                           ([3, 4], [7.0, 8.0])]
    with pytest.raises(ValueError, match="Cannot specify both `stride` and `window_shift`"):
        cdata.sliding_window_batch(2, stride=1, window_shift=1)


def test_assert_element_shape_sets_and_checks_shapes():
    loose = tf.data.Dataset.from_tensor_slices(np.zeros([2, 3], np.float32)).map(
        lambda x: tf.placeholder_with_default(x, [None]))
    assert loose.output_shapes.as_list() == [None]
    fixed = loose.apply(cdata.assert_element_shape(tf.TensorShape([3])))
    assert fixed.output_shapes.as_list() == [3]
    wrong = loose.apply(cdata.assert_element_shape(tf.TensorShape([4])))
    with pytest.raises(tf.errors.InvalidArgumentError):
        _elements(wrong)


def test_reduce_dataset_folds_without_finalizing():
    reducer = tf.contrib.data.Reducer(init_func=lambda key: np.int64(0),
                                      reduce_func=lambda state, x: state + x,
                                      finalize_func=lambda state: state * 100)
    total = cdata.reduce_dataset(tf.data.Dataset.range(5), reducer)
    assert _run(total) == 10
    with pytest.raises(TypeError, match="must be a `tf.data.Dataset`"):
        cdata.reduce_dataset([1, 2], reducer)


def test_sloppy_interleave_interleaves():
    dataset = tf.data.Dataset.range(3).apply(
        cdata.sloppy_interleave(lambda x: tf.data.Dataset.from_tensors(x).repeat(2), 2))
    assert sorted(_elements(dataset)) == [0, 0, 1, 1, 2, 2]
