"""Stateless random ops (same seed, same numbers, in any session), random_gamma/poisson,
seed splitting and the unigram/all candidate samplers: shapes, ranges, determinism and
distributions (loose moment checks on a few thousand draws)."""

import numpy as np
import pytest

import smallflow as tf
from smallflow import errors

SEED = [3, 4]


def run(fetches):
    with tf.Session() as sess:
        return sess.run(fetches)


STATELESS = [
    ("uniform", lambda s: tf.random.stateless_uniform([2000], s, 1.0, 3.0), 2.0, 1 / 3),
    ("uniform_int", lambda s: tf.random.stateless_uniform([2000], s, 0, 10, tf.int64), 4.5,
     8.25),
    ("normal", lambda s: tf.random.stateless_normal([2000], s, 1.0, 2.0), 1.0, 4.0),
    ("truncated_normal", lambda s: tf.random.stateless_truncated_normal([2000], s), 0.0,
     0.774),
    ("gamma", lambda s: tf.random.stateless_gamma([2000], s, 3.0, 2.0), 1.5, 0.75),
    ("poisson", lambda s: tf.random.stateless_poisson([2000], s, 4.0), 4.0, 4.0),
    ("binomial", lambda s: tf.random.stateless_binomial([2000], s, 10.0, 0.3), 3.0, 2.1),
    ("bounded_normal", lambda s: tf.random.stateless_parameterized_truncated_normal(
        [2000], s, 0.0, 1.0, 0.0, 10.0), np.sqrt(2 / np.pi), 1 - 2 / np.pi),
]


@pytest.mark.parametrize(("name", "build", "mean", "variance"), STATELESS,
                         ids=[s[0] for s in STATELESS])
def test_stateless_ops_repeat_per_seed_and_have_their_moments(name, build, mean, variance):
    first = run(build(SEED))
    again = run(build(SEED))
    other = run(build([3, 5]))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert abs(first.mean() - mean) < 4 * np.sqrt(variance / len(first))
    assert abs(first.var() - variance) < 0.15 * variance


def test_stateless_categorical_follows_the_logits():
    draws = run(tf.random.stateless_categorical(np.log([[0.2, 0.8]]), 4000, SEED))
    assert draws.dtype == np.int64
    assert abs(draws.mean() - 0.8) < 0.03


@pytest.mark.parametrize(("build", "error", "message"), [
    (lambda: tf.random.stateless_uniform([2], SEED, dtype=tf.int32), ValueError, "maxval"),
    (lambda: tf.random.stateless_normal([2], [1, 2, 3]), ValueError, r"shape \[2\]"),
    (lambda: tf.random.stateless_uniform([2], [1.0, 2.0]), TypeError, "int32 or int64"),
])
def test_stateless_ops_refuse_bad_arguments(build, error, message):
    with pytest.raises(error, match=message):
        build()


def test_gamma_and_poisson_shapes_and_moments():
    gamma = tf.random.gamma([3000], [[2.0, 8.0]], beta=[1.0, 4.0], seed=1)
    poisson = tf.random_poisson([2.0, 6.0], [3000], seed=1)
    g, p = run([gamma, poisson])
    assert g.shape == (3000, 1, 2)
    assert p.shape == (3000, 2)
    np.testing.assert_allclose(g.mean(0)[0], [2.0, 2.0], rtol=0.1)
    np.testing.assert_allclose(p.mean(0), [2.0, 6.0], rtol=0.1)


def test_split_and_fold_in_give_new_deterministic_seeds():
    parts = run(tf.random.split(SEED, 3))
    folded = run([tf.random.fold_in(SEED, 1), tf.random.fold_in(SEED, 2)])
    assert parts.shape == (3, 2)
    assert len({tuple(p) for p in parts}) == 3
    assert not np.array_equal(folded[0], folded[1])
    np.testing.assert_array_equal(run(tf.random.split(SEED, 3)), parts)


def test_fixed_unigram_sampler_follows_its_counts_and_skips_reserved_ids():
    true = tf.constant([[1]], tf.int64)
    sampled, _, expected = tf.random.fixed_unigram_candidate_sampler(
        true, 1, 2000, False, 4, unigrams=[1.0, 3.0, 6.0], num_reserved_ids=1, seed=3)
    draws, counts = run([sampled, expected])
    assert 0 not in draws
    np.testing.assert_allclose(np.bincount(draws, minlength=4)[1:] / 2000, [0.1, 0.3, 0.6],
                               atol=0.04)
    np.testing.assert_allclose(counts[draws == 3][0], 0.6 * 2000, rtol=1e-5)


def test_learned_unigram_sampler_learns_the_true_classes():
    sampler = tf.random.learned_unigram_candidate_sampler(
        tf.constant([[4] * 50], tf.int64), 50, 200, False, 5, seed=2)[0]
    with tf.Session() as sess:
        first = sess.run(sampler)
        later = sess.run(sampler)
    assert (later == 4).mean() > (first == 4).mean() + 0.3


def test_all_candidate_sampler_returns_every_class():
    sampled, true_count, sampled_count = run(tf.random.all_candidate_sampler(
        tf.constant([[0, 2]], tf.int64), 2, 4, True))
    assert sampled.tolist() == [0, 1, 2, 3]
    assert true_count.tolist() == [[1.0, 1.0]]
    assert sampled_count.tolist() == [1.0] * 4


def test_stateless_seed_outside_int32_is_an_error_when_run():
    seed = tf.placeholder(tf.int32, [None])
    draw = tf.random.stateless_uniform([2], seed)
    with tf.Session() as sess, pytest.raises(errors.InvalidArgumentError, match="shape"):
        sess.run(draw, {seed: [1, 2, 3]})
