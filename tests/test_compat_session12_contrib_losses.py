"""Session 12 (helper contrib): ``tf.contrib.losses.metric_learning`` against loop-by-loop
NumPy statements of each loss's definition (as r1.15's metric_loss_ops_test.py checks them),
over random batches with repeated labels."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf

ml = tf.contrib.losses.metric_learning


def _distances(x, squared):
    diff = x[:, None, :] - x[None, :, :]
    d2 = np.sum(diff * diff, axis=-1)
    return d2 if squared else np.sqrt(d2)


def _triplet_reference(labels, x, margin):
    d = _distances(x, squared=True)
    n = len(labels)
    total, count = 0.0, 0
    for a in range(n):
        negatives = [k for k in range(n) if labels[k] != labels[a]]
        for p in range(n):
            if p == a or labels[p] != labels[a]:
                continue
            count += 1
            semihard = [d[a, k] for k in negatives if d[a, k] > d[a, p]]
            if semihard:
                d_an = min(semihard)
            elif negatives:
                d_an = max(d[a, k] for k in negatives)
            else:
                d_an = d[a].min()
            total += max(margin + d[a, p] - d_an, 0.0)
    return total / count


def _lifted_reference(labels, x, margin):
    d = _distances(x, squared=False)
    n = len(labels)
    total, count = 0.0, 0
    for i in range(n):
        for j in range(i + 1, n):
            if labels[i] != labels[j]:
                continue
            count += 1
            terms = [margin - d[i, k] for k in range(n) if labels[k] != labels[i]]
            terms += [margin - d[j, k] for k in range(n) if labels[k] != labels[j]]
            j_ij = np.log(np.sum(np.exp(terms))) + d[i, j]
            total += max(j_ij, 0.0) ** 2
    return total / (2.0 * count)


def _npairs_reference(labels, anchor, positive, reg_lambda):
    logits = anchor @ positive.T
    targets = (labels[:, None] == labels[None, :]).astype(np.float64)
    targets /= targets.sum(1, keepdims=True)
    log_softmax = logits - logits.max(1, keepdims=True)
    log_softmax -= np.log(np.exp(log_softmax).sum(1, keepdims=True))
    xent = -(targets * log_softmax).sum(1).mean()
    reg = 0.25 * reg_lambda * ((anchor ** 2).sum(1).mean() + (positive ** 2).sum(1).mean())
    return xent + reg


def _batch(seed, n=10, dim=4, classes=4):
    rng = np.random.RandomState(seed)
    labels = rng.randint(0, classes, size=n)
    labels[:2] = labels[0]  # at least one positive pair
    x = rng.randn(n, dim).astype(np.float32)
    return labels.astype(np.int32), x


def _run(tensor):
    with tf.Session() as sess:
        return sess.run(tensor)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), margin=st.sampled_from([0.5, 1.0, 4.0]))
def test_triplet_semihard_loss_matches_its_definition(seed, margin):
    labels, x = _batch(seed)
    value = _run(ml.triplet_semihard_loss(tf.constant(labels), tf.constant(x), margin))
    assert value == pytest.approx(_triplet_reference(labels, x.astype(np.float64), margin),
                                  rel=1e-4, abs=1e-5)


def test_triplet_semihard_loss_without_negatives():
    """One class only: no negatives; the row minimum (0) stands in, as contrib computes."""
    labels = np.zeros(4, np.int32)
    x = np.random.RandomState(0).randn(4, 3).astype(np.float32)
    value = _run(ml.triplet_semihard_loss(labels, x, 1.0))
    assert value == pytest.approx(_triplet_reference(labels, x.astype(np.float64), 1.0),
                                  rel=1e-5)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), margin=st.sampled_from([0.5, 1.0, 3.0]))
def test_lifted_struct_loss_matches_its_definition(seed, margin):
    labels, x = _batch(seed)
    value = _run(ml.lifted_struct_loss(tf.constant(labels), tf.constant(x), margin))
    assert value == pytest.approx(_lifted_reference(labels, x.astype(np.float64), margin),
                                  rel=1e-4)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_npairs_loss_matches_its_definition(seed):
    rng = np.random.RandomState(seed)
    labels = rng.randint(0, 3, size=6).astype(np.int32)
    anchor = rng.randn(6, 5).astype(np.float32)
    positive = rng.randn(6, 5).astype(np.float32)
    value = _run(ml.npairs_loss(labels, anchor, positive, reg_lambda=0.01))
    expected = _npairs_reference(labels, anchor.astype(np.float64),
                                 positive.astype(np.float64), 0.01)
    assert value == pytest.approx(expected, rel=1e-5)


def test_contrastive_loss_matches_its_definition():
    rng = np.random.RandomState(3)
    a, p = rng.randn(8, 3).astype(np.float32), rng.randn(8, 3).astype(np.float32)
    y = rng.randint(0, 2, size=8).astype(np.int32)
    value = _run(ml.contrastive_loss(y, a, p, margin=2.0))
    d = np.sqrt(((a.astype(np.float64) - p) ** 2).sum(1))
    expected = np.mean(y * d ** 2 + (1 - y) * np.maximum(2.0 - d, 0.0) ** 2)
    assert value == pytest.approx(expected, rel=1e-5)


def test_pairwise_distance_zero_diagonal_and_finite_gradient():
    x = tf.constant([[1.0, 2.0], [1.0, 2.0], [4.0, 6.0]])
    d = ml.pairwise_distance(x)
    grad = tf.gradients(tf.reduce_sum(d), x)[0]
    d_value, grad_value = _run([d, grad])
    np.testing.assert_allclose(d_value, [[0, 0, 5], [0, 0, 5], [5, 5, 0]], atol=1e-6)
    assert np.all(np.isfinite(grad_value))
    np.testing.assert_allclose(_run(ml.pairwise_distance(x, squared=True))[0, 2], 25.0)


def test_triplet_loss_trains_embeddings_apart():
    """The loss has gradients everywhere it is used: a few steps lower it."""
    labels, x = _batch(1, n=8, dim=3, classes=2)
    w = tf.Variable(x)
    loss = ml.triplet_semihard_loss(labels, tf.nn.l2_normalize(w, 1), margin=0.5)
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(loss)
        for _ in range(20):
            sess.run(train)
        assert sess.run(loss) < before


def test_metric_learning_labels_must_be_a_vector():
    with pytest.raises(ValueError, match=r"labels must be a 1-D tensor"):
        ml.triplet_semihard_loss(np.zeros((2, 2), np.int32), np.zeros((2, 3), np.float32))


def test_cluster_loss_is_refused_by_name():
    with pytest.raises(AttributeError, match="tf.contrib.losses.metric_learning.cluster_loss"):
        _ = ml.cluster_loss
