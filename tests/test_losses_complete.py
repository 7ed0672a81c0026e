"""tf.losses: every loss against its NumPy formula, reductions, and the collection helpers."""

import numpy as np
import pytest

import smallflow as tf

RNG = np.random.default_rng(21)
LABELS = RNG.integers(0, 2, size=(4, 3)).astype(np.float32)
PRED = RNG.uniform(0.05, 0.95, size=(4, 3)).astype(np.float32)
LOGITS = RNG.normal(size=(4, 3)).astype(np.float32)
WEIGHTS = np.array([[1.0], [0.0], [2.0], [0.5]], np.float32)


def run(fetches):
    with tf.Session() as sess:
        return sess.run(fetches)


def _mean_over_nonzero(per_item, weights=1.0):
    w = np.broadcast_to(weights, per_item.shape)
    return (per_item * w).sum() / np.count_nonzero(w)


def _huber(e, delta=1.0):
    a = np.abs(e)
    return np.where(a <= delta, 0.5 * a * a, delta * (a - 0.5 * delta))


def _sigmoid_xent(z, x):
    return np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))


LOSSES = [
    ("absolute_difference", lambda w: tf.losses.absolute_difference(LABELS, PRED, w),
     lambda: np.abs(PRED - LABELS)),
    ("mean_squared_error", lambda w: tf.losses.mean_squared_error(LABELS, PRED, w),
     lambda: (PRED - LABELS) ** 2),
    ("huber", lambda w: tf.losses.huber_loss(LABELS * 3, LOGITS, w),
     lambda: _huber(LOGITS - LABELS * 3)),
    ("log_loss", lambda w: tf.losses.log_loss(LABELS, PRED, w),
     lambda: -LABELS * np.log(PRED + 1e-7) - (1 - LABELS) * np.log(1 - PRED + 1e-7)),
    ("hinge", lambda w: tf.losses.hinge_loss(LABELS, LOGITS, w),
     lambda: np.maximum(0, 1 - (2 * LABELS - 1) * LOGITS)),
    ("sigmoid_cross_entropy", lambda w: tf.losses.sigmoid_cross_entropy(LABELS, LOGITS, w),
     lambda: _sigmoid_xent(LABELS, LOGITS)),
    ("sigmoid_cross_entropy_smoothed",
     lambda w: tf.losses.sigmoid_cross_entropy(LABELS, LOGITS, w, label_smoothing=0.2),
     lambda: _sigmoid_xent(LABELS * 0.8 + 0.1, LOGITS)),
]


@pytest.mark.parametrize(("label", "build", "per_item"), LOSSES, ids=[c[0] for c in LOSSES])
@pytest.mark.parametrize("weighted", [False, True])
def test_loss_is_the_weighted_mean_over_nonzero_weights(label, build, per_item, weighted):
    weights = WEIGHTS if weighted else 1.0
    result = run(build(weights))
    assert result == pytest.approx(_mean_over_nonzero(per_item(), weights), rel=1e-5)
    assert len(tf.get_collection(tf.GraphKeys.LOSSES)) == 1


def test_cosine_distance():
    a = np.array([[1.0, 0.0], [0.6, 0.8]], np.float32)
    b = np.array([[0.0, 1.0], [0.6, 0.8]], np.float32)
    result = run(tf.losses.cosine_distance(a, b, axis=1))
    assert result == pytest.approx((1.0 + 0.0) / 2)


def test_mean_pairwise_squared_error_matches_pairs():
    labels = np.array([[1.0, 2.0, 4.0]], np.float32)
    pred = np.array([[2.0, 2.5, 3.0]], np.float32)
    d = pred - labels
    pairs = [(d[0, i] - d[0, j]) ** 2 for i in range(3) for j in range(3) if i != j]
    result = run(tf.losses.mean_pairwise_squared_error(labels, pred))
    assert result == pytest.approx(np.mean(pairs), rel=1e-5)


REDUCTIONS = [
    (tf.losses.Reduction.NONE, lambda v, w: v * w),
    (tf.losses.Reduction.SUM, lambda v, w: (v * w).sum()),
    (tf.losses.Reduction.MEAN, lambda v, w: (v * w).sum() / np.broadcast_to(w, v.shape).sum()),
    (tf.losses.Reduction.SUM_OVER_BATCH_SIZE, lambda v, w: (v * w).sum() / v.size),
    (tf.losses.Reduction.SUM_BY_NONZERO_WEIGHTS, lambda v, w: _mean_over_nonzero(v, w)),
]


@pytest.mark.parametrize(("reduction", "formula"), REDUCTIONS, ids=lambda v: str(v))
def test_compute_weighted_loss_reductions(reduction, formula):
    result = run(tf.losses.compute_weighted_loss(PRED, WEIGHTS, reduction=reduction))
    np.testing.assert_allclose(result, formula(PRED, WEIGHTS), rtol=1e-5)


def test_unknown_reduction_is_refused():
    with pytest.raises(ValueError, match="Invalid Reduction Key"):
        tf.losses.compute_weighted_loss(PRED, reduction="average")


def test_total_loss_adds_regularization():
    tf.get_variable("w", [2], initializer=tf.ones_initializer(),
                    regularizer=lambda w: 0.5 * tf.reduce_sum(w))
    tf.losses.absolute_difference([1.0], [3.0])
    total = tf.losses.get_total_loss()
    regularization = tf.losses.get_regularization_loss()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run([total, regularization]) == [pytest.approx(3.0), pytest.approx(1.0)]
    assert len(tf.losses.get_regularization_losses()) == 1


def test_total_loss_without_losses_is_an_error():
    with pytest.raises(ValueError, match="No losses found"):
        tf.losses.get_total_loss()


def test_regularization_loss_without_any_is_zero():
    assert run(tf.losses.get_regularization_loss()) == 0.0
