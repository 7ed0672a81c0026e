"""Session 16 (helper kernels3): assertions of TensorFlow r1.15's kernel tests, in our words.

Expected values come from NumPy computations of the documented semantics.
"""

import numpy as np
import pytest

import smallflow as tf


def _run(t):
    with tf.Session() as sess:
        return sess.run(t)


def test_weighted_moments_all_zero_weights_give_zero_not_nan():
    # nn_impl's weighted_moments divides with div_no_nan in TensorFlow 1.15.
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    w = np.array([[1.0], [2.0], [0.0]], np.float32)
    with tf.Graph().as_default():
        mean, var = _run(tf.nn.weighted_moments(x, [1], w))
    ref_mean = x[:2].mean(axis=1)
    ref_var = x[:2].var(axis=1)
    np.testing.assert_allclose(mean, np.append(ref_mean, 0.0), rtol=1e-6)
    np.testing.assert_allclose(var, np.append(ref_var, 0.0), rtol=1e-6)
    assert not np.isnan(mean).any()
    assert not np.isnan(var).any()


def test_weighted_moments_gradient_finite_with_zero_weight_slice():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    with tf.Graph().as_default():
        xt = tf.constant(x)
        w = tf.constant([[1.0], [0.0]])
        mean, var = tf.nn.weighted_moments(xt, [1], w)
        g = _run(tf.gradients(tf.reduce_sum(mean) + tf.reduce_sum(var), xt)[0])
    # d(mean)/dx of row 0 is 1/3 each, d(var)/dx is 2 (x - mean) / 3; row 1 has no weight.
    ref0 = 1.0 / 3 + 2.0 * (x[0] - x[0].mean()) / 3
    np.testing.assert_allclose(g[0], ref0, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(g[1], np.zeros(3), atol=0)


@pytest.mark.parametrize("mode", ["REFLECT", "SYMMETRIC"])
def test_mirror_pad_matches_numpy(mode):
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    with tf.Graph().as_default():
        got = _run(tf.pad(x, [[1, 1], [2, 2]], mode))
    np.testing.assert_array_equal(got, np.pad(x, [[1, 1], [2, 2]], mode.lower()))


def test_reverse_sequence_reverses_prefixes():
    x = np.arange(12, dtype=np.int32).reshape(3, 4)
    lengths = [1, 2, 4]
    with tf.Graph().as_default():
        got = _run(tf.reverse_sequence(x, lengths, seq_axis=1, batch_axis=0))
    ref = x.copy()
    for i, n in enumerate(lengths):
        ref[i, :n] = x[i, :n][::-1]
    np.testing.assert_array_equal(got, ref)


def test_matrix_band_part_negative_means_whole_triangle():
    x = np.arange(1, 13, dtype=np.float32).reshape(3, 4)
    i, j = np.indices(x.shape)
    with tf.Graph().as_default():
        lower, upper = _run([tf.matrix_band_part(x, 1, 0), tf.matrix_band_part(x, -1, 1)])
    np.testing.assert_array_equal(lower, np.where((i - j <= 1) & (j <= i), x, 0))
    np.testing.assert_array_equal(upper, np.where(j - i <= 1, x, 0))


def test_unsorted_segment_ops_drop_negative_ids_and_fill_empty():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    with tf.Graph().as_default():
        prod = _run(tf.unsorted_segment_prod(x, [2, 0, -1], 3))
        mx = _run(tf.unsorted_segment_max(x, [2, 0, 2], 4))
    np.testing.assert_array_equal(prod, np.stack([x[1], np.ones(4), x[0]]))
    lowest = np.finfo(np.float32).min
    np.testing.assert_array_equal(
        mx, np.stack([x[1], np.full(4, lowest), np.maximum(x[0], x[2]), np.full(4, lowest)]))


def test_in_top_k_counts_ties_as_in():
    preds = np.array([[0.1, 0.3, 0.3], [0.5, 0.2, 0.3]], np.float32)
    with tf.Graph().as_default():
        got = _run(tf.nn.in_top_k(preds, [2, 1], 1))
    # Row 0: class 2 ties the maximum (in); row 1: class 1 is the smallest (out).
    ref = [preds[0, 2] >= preds[0].max(), preds[1, 1] >= preds[1].max()]
    np.testing.assert_array_equal(got, ref)


def test_one_hot_axis0_custom_values_and_out_of_range_index():
    with tf.Graph().as_default():
        got = _run(tf.one_hot([0, -1, 2], 3, on_value=5, off_value=1, axis=0))
    ref = np.ones((3, 3), np.int32)
    ref[0, 0] = 5
    ref[2, 2] = 5
    np.testing.assert_array_equal(got, ref)
    assert got.dtype == np.int32


def test_embedding_lookup_partition_strategies():
    p0 = np.arange(6.0).reshape(3, 2)
    p1 = np.arange(6.0, 10.0).reshape(2, 2)
    ids = [0, 1, 2, 3, 4]
    with tf.Graph().as_default():
        div = _run(tf.nn.embedding_lookup([p0, p1], ids, partition_strategy="div"))
        mod = _run(tf.nn.embedding_lookup([p0, p1], ids, partition_strategy="mod"))
    np.testing.assert_array_equal(div, np.concatenate([p0, p1]))
    # mod: id i lives in shard i % 2 at row i // 2.
    shards = [p0, p1]
    np.testing.assert_array_equal(mod, np.stack([shards[i % 2][i // 2] for i in ids]))
