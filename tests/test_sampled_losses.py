"""Candidate samplers, nce_loss and sampled_softmax_loss against NumPy formulas with the
sampled classes fixed, and a small word2vec-style model whose NCE loss goes down."""

import numpy as np
import pytest

import smallflow as tf

RNG = np.random.default_rng(8)


def run(fetches):
    with tf.Session() as sess:
        return sess.run(fetches)


def test_log_uniform_sampler_is_zipfian_and_unique():
    labels = tf.constant([[0], [1]], tf.int64)
    sampled, true_expected, sampled_expected = tf.nn.log_uniform_candidate_sampler(
        labels, 1, 50, True, 1000, seed=3)
    values, true_counts, sampled_counts = run([sampled, true_expected, sampled_expected])
    assert len(set(values.tolist())) == 50
    assert values.max() < 1000
    assert true_counts.shape == (2, 1)
    # Class 0 has the largest probability, so it is expected most often.
    assert true_counts[0, 0] > true_counts[1, 0] > 0
    assert np.all((sampled_counts > 0) & (sampled_counts <= 1))


def test_non_unique_sampler_expected_counts_are_p_times_n():
    labels = tf.constant([[3]], tf.int64)
    _, true_expected, _ = tf.nn.uniform_candidate_sampler(labels, 1, 10, False, 20, seed=1)
    assert run(true_expected)[0, 0] == pytest.approx(10 / 20)


def test_compute_accidental_hits():
    rows, positions, weights = run(tf.nn.compute_accidental_hits(
        tf.constant([[1], [4]], tf.int64), tf.constant([4, 1, 7, 1], tf.int64), 1))
    assert sorted(zip(rows.tolist(), positions.tolist())) == [(0, 1), (0, 3), (1, 0)]
    assert np.all(weights < -1e38)


def _fixed_problem():
    weights = RNG.normal(size=(10, 4))
    biases = RNG.normal(size=10)
    inputs = RNG.normal(size=(3, 4))
    labels = np.array([[2], [5], [7]])
    sampled = np.array([1, 5, 9])
    true_expected = np.full((3, 1), 0.3)
    sampled_expected = np.array([0.2, 0.4, 0.5])
    values = (tf.constant(sampled, tf.int64), tf.constant(true_expected, tf.float32),
              tf.constant(sampled_expected, tf.float32))
    true_logits = (inputs * weights[labels[:, 0]]).sum(1, keepdims=True) + biases[labels]
    sampled_logits = inputs @ weights[sampled].T + biases[sampled]
    true_logits = true_logits - np.log(true_expected)
    sampled_logits = sampled_logits - np.log(sampled_expected)
    return weights, biases, inputs, labels, values, true_logits, sampled_logits


def test_nce_loss_matches_the_logistic_formula():
    weights, biases, inputs, labels, values, true_logits, sampled_logits = _fixed_problem()
    loss = tf.nn.nce_loss(tf.constant(weights), tf.constant(biases), labels, tf.constant(inputs),
                          num_sampled=3, num_classes=10, sampled_values=values)
    logits = np.concatenate([true_logits, sampled_logits], 1)
    targets = np.concatenate([np.ones_like(true_logits), np.zeros_like(sampled_logits)], 1)
    expected = (np.maximum(logits, 0) - logits * targets + np.log1p(np.exp(-np.abs(logits))))
    np.testing.assert_allclose(run(loss), expected.sum(1), rtol=1e-6)


def test_sampled_softmax_loss_masks_accidental_hits():
    weights, biases, inputs, labels, values, true_logits, sampled_logits = _fixed_problem()
    loss = tf.nn.sampled_softmax_loss(tf.constant(weights), tf.constant(biases), labels,
                                      tf.constant(inputs), num_sampled=3, num_classes=10,
                                      sampled_values=values)
    sampled_logits = sampled_logits.copy()
    sampled_logits[1, 1] = -np.inf  # row 1's label 5 was also sampled
    logits = np.concatenate([true_logits, sampled_logits], 1)
    shifted = logits - logits.max(1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
    np.testing.assert_allclose(run(loss), -log_softmax[:, 0], rtol=1e-5)


def test_word2vec_style_training_lowers_the_nce_loss():
    vocabulary, dim = 50, 8
    tf.set_random_seed(0)
    centre = tf.placeholder(tf.int32, [None])
    context = tf.placeholder(tf.int64, [None, 1])
    embeddings = tf.Variable(tf.random_uniform([vocabulary, dim], -1.0, 1.0))
    nce_weights = tf.Variable(tf.truncated_normal([vocabulary, dim], stddev=0.3))
    nce_biases = tf.Variable(tf.zeros([vocabulary]))
    embedded = tf.nn.embedding_lookup(embeddings, centre)
    loss = tf.reduce_mean(tf.nn.nce_loss(nce_weights, nce_biases, context, embedded,
                                         num_sampled=8, num_classes=vocabulary))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    words = np.arange(0, vocabulary, 2)
    feed = {centre: words, context: ((words + 1) % vocabulary)[:, None]}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = np.mean([sess.run(loss, feed) for _ in range(5)])
        for _ in range(150):
            sess.run(train, feed)
        last = np.mean([sess.run(loss, feed) for _ in range(5)])
    assert last < first * 0.6


def test_sufficient_statistics_and_normalize_moments_give_mean_and_variance():
    x = RNG.normal(size=(4, 3))
    count, total, squares, _ = tf.nn.sufficient_statistics(x, [0])
    mean, variance = tf.nn.normalize_moments(count, total, squares, None)
    got_mean, got_variance = run([mean, variance])
    np.testing.assert_allclose(got_mean, x.mean(0))
    np.testing.assert_allclose(got_variance, x.var(0))
