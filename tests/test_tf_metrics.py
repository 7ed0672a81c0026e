"""Specification of tf.metrics: (value, update_op) pairs streaming over batches."""

import numpy as np
import pytest

import smallflow as tf

RNG = np.random.default_rng(3)


def _stream(metric_fn, batches):
    """Run ``metric_fn(*placeholders)`` over batches; return (values after each update, final)."""
    holders = [tf.placeholder(tf.as_dtype(np.asarray(part).dtype), [None] * np.ndim(part))
               for part in batches[0]]
    value, update = metric_fn(*holders)
    seen = []
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        before = sess.run(value)
        for batch in batches:
            seen.append(sess.run(update, dict(zip(holders, batch))))
        final = sess.run(value)
    return before, seen, final


def _binary_batches():
    labels = RNG.integers(0, 2, size=(3, 20)).astype(bool)
    predictions = RNG.integers(0, 2, size=(3, 20)).astype(bool)
    return [(labels[i], predictions[i]) for i in range(3)], labels.ravel(), predictions.ravel()


def _counts(labels, predictions):
    return {"tp": np.sum(labels & predictions), "fp": np.sum(~labels & predictions),
            "tn": np.sum(~labels & ~predictions), "fn": np.sum(labels & ~predictions)}


def test_accuracy_streams_over_batches_and_starts_at_zero():
    labels = np.array([[1, 2, 3, 4], [0, 0, 1, 1]])
    predictions = np.array([[1, 2, 0, 0], [0, 1, 1, 1]])
    before, seen, final = _stream(tf.metrics.accuracy, list(zip(labels, predictions)))
    assert before == 0.0
    assert seen == pytest.approx([0.5, 5 / 8])
    assert final == pytest.approx(5 / 8)


def test_metric_variables_are_local_and_named_after_the_metric():
    labels = tf.placeholder(tf.int64, [None])
    tf.metrics.accuracy(labels, labels)
    tf.metrics.mean(tf.constant([1.0]), name="loss_mean")
    tf.metrics.precision(labels, labels)
    names = [v.name for v in tf.local_variables()]
    assert names == ["accuracy/total:0", "accuracy/count:0", "loss_mean/total:0",
                     "loss_mean/count:0", "precision/true_positives/count:0",
                     "precision/false_positives/count:0"]
    assert [v.name for v in tf.get_collection(tf.GraphKeys.METRIC_VARIABLES)] == names
    assert tf.global_variables() == []
    assert tf.trainable_variables() == []


def test_local_variables_initializer_resets_a_metric():
    value, update = tf.metrics.mean(tf.constant([2.0, 4.0]))
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        sess.run(update)
        assert sess.run(update) == 3.0
        sess.run(tf.local_variables_initializer())
        assert sess.run(value) == 0.0


def test_weighted_mean_and_the_collections_arguments():
    value, update = tf.metrics.mean(tf.constant([1.0, 3.0]), weights=[3.0, 1.0],
                                    metrics_collections=["m"], updates_collections=["u"])
    assert tf.get_collection("m") == [value]
    assert tf.get_collection("u") == [update]
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        assert sess.run(update) == pytest.approx(1.5)


REGRESSION = [
    (tf.metrics.mean_squared_error, lambda truth, p: np.mean((p - truth) ** 2)),
    (tf.metrics.mean_absolute_error, lambda truth, p: np.mean(np.abs(p - truth))),
    (tf.metrics.root_mean_squared_error, lambda truth, p: np.sqrt(np.mean((p - truth) ** 2))),
]


@pytest.mark.parametrize(("metric", "reference"), REGRESSION,
                         ids=[m.__name__ for m, _ in REGRESSION])
def test_regression_metrics_match_numpy_over_all_batches(metric, reference):
    labels = RNG.standard_normal((3, 10)).astype(np.float32)
    predictions = RNG.standard_normal((3, 10)).astype(np.float32)
    _, _, final = _stream(metric, list(zip(labels, predictions)))
    assert final == pytest.approx(reference(labels, predictions), rel=1e-5)


COUNTS = [
    (tf.metrics.true_positives, lambda c: c["tp"]),
    (tf.metrics.false_positives, lambda c: c["fp"]),
    (tf.metrics.true_negatives, lambda c: c["tn"]),
    (tf.metrics.false_negatives, lambda c: c["fn"]),
    (tf.metrics.precision, lambda c: c["tp"] / (c["tp"] + c["fp"])),
    (tf.metrics.recall, lambda c: c["tp"] / (c["tp"] + c["fn"])),
]


@pytest.mark.parametrize(("metric", "reference"), COUNTS, ids=[m.__name__ for m, _ in COUNTS])
def test_binary_metrics_count_over_all_batches(metric, reference):
    batches, labels, predictions = _binary_batches()
    _, seen, final = _stream(metric, batches)
    assert final == pytest.approx(reference(_counts(labels, predictions)))
    assert seen[-1] == pytest.approx(final)


def _numpy_roc_auc(labels, scores):
    positives = scores[labels]
    negatives = scores[~labels]
    wins = (positives[:, None] > negatives[None, :]).mean()
    ties = (positives[:, None] == negatives[None, :]).mean()
    return wins + ties / 2


def test_auc_approximates_the_rank_statistic():
    labels = RNG.integers(0, 2, size=(2, 500)).astype(bool)
    scores = np.clip(labels * 0.3 + RNG.uniform(size=(2, 500)) * 0.7, 0, 1).astype(np.float32)
    _, _, final = _stream(lambda truth, p: tf.metrics.auc(truth, p, num_thresholds=1000),
                          list(zip(labels, scores)))
    assert final == pytest.approx(_numpy_roc_auc(labels.ravel(), scores.ravel()), abs=2e-3)
    perfect = _stream(tf.metrics.auc, [(np.array([False, True]),
                                        np.array([0.2, 0.9], np.float32))])[2]
    assert perfect == pytest.approx(1.0, abs=1e-6)


def test_precision_and_recall_at_thresholds():
    labels = np.array([True, True, False, False])
    scores = np.array([0.9, 0.4, 0.6, 0.1], np.float32)
    _, _, precision = _stream(
        lambda truth, p: tf.metrics.precision_at_thresholds(truth, p, [0.5, 0.0]),
        [(labels, scores)])
    _, _, recall = _stream(
        lambda truth, p: tf.metrics.recall_at_thresholds(truth, p, [0.5, 0.0]),
        [(labels, scores)])
    np.testing.assert_allclose(precision, [0.5, 0.5], rtol=1e-5)
    np.testing.assert_allclose(recall, [0.5, 1.0], rtol=1e-5)


def test_mean_iou_and_mean_per_class_accuracy():
    labels = np.array([0, 0, 1, 1, 2])
    predictions = np.array([0, 1, 1, 1, 0])
    # Class IoUs: 0 -> 1/3, 1 -> 2/3, 2 -> 0/1.
    _, _, iou = _stream(lambda truth, p: tf.metrics.mean_iou(truth, p, 3), [(labels, predictions)])
    assert iou == pytest.approx((1 / 3 + 2 / 3 + 0) / 3)
    _, seen, per_class = _stream(lambda truth, p: tf.metrics.mean_per_class_accuracy(truth, p, 4),
                                 [(labels, predictions)])
    assert per_class == pytest.approx((0.5 + 1.0 + 0.0 + 0.0) / 4)
    # As TF 1.x, the update op gives each class's accuracy, the value their mean.
    np.testing.assert_allclose(seen[0], [0.5, 1.0, 0.0, 0.0])


def test_metric_errors_name_the_problem():
    with pytest.raises(ValueError, match="incompatible"):
        tf.metrics.accuracy(tf.zeros([3], tf.int64), tf.zeros([4], tf.int64))
    with pytest.raises(ValueError, match="curve must be either ROC or PR"):
        tf.metrics.auc(tf.zeros([3], tf.bool), tf.zeros([3]), curve="DET")


# -- thresholds, targets and ranking (metrics_extra.py) ------------------------------------

SCORES = np.array([0.9, 0.8, 0.3, 0.6, 0.2, 0.7], np.float32)
TRUTH = np.array([True, True, False, True, False, False])
CLASS_SCORES = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.2, 0.6]], np.float32)
CLASS_LABELS = np.array([[1, 2], [2, -1], [0, -1]], np.int64)  # -1: padding, no label


EXTRA = [
    ("true_positives_at_thresholds",
     lambda: tf.metrics.true_positives_at_thresholds(TRUTH, SCORES, [0.5, 0.85]), [3, 1]),
    ("false_positives_at_thresholds",
     lambda: tf.metrics.false_positives_at_thresholds(TRUTH, SCORES, [0.5, 0.85]), [1, 0]),
    ("true_negatives_at_thresholds",
     lambda: tf.metrics.true_negatives_at_thresholds(TRUTH, SCORES, [0.5]), [2]),
    ("false_negatives_at_thresholds",
     lambda: tf.metrics.false_negatives_at_thresholds(TRUTH, SCORES, [0.85]), [2]),
    ("percentage_below", lambda: tf.metrics.percentage_below(SCORES, 0.5), 2 / 6),
    ("mean_cosine_distance", lambda: tf.metrics.mean_cosine_distance(
        np.array([[1.0, 0.0], [0.0, 1.0]], np.float32),
        np.array([[0.6, 0.8], [0.0, 1.0]], np.float32), 1), 1 - (0.6 + 1.0) / 2),
    # Top-2 of each row: {1, 2}, {0, 1}, {2, 0|1}: hits 2, 0, 1 of 6 predictions.
    ("precision_at_k", lambda: tf.metrics.precision_at_k(CLASS_LABELS, CLASS_SCORES, 2),
     3 / 6),
    ("recall_at_k", lambda: tf.metrics.recall_at_k(CLASS_LABELS, CLASS_SCORES, 2), 3 / 4),
    ("recall_at_1", lambda: tf.metrics.recall_at_k(CLASS_LABELS, CLASS_SCORES, 1), 1 / 4),
    ("precision_at_k_class", lambda: tf.metrics.precision_at_k(
        CLASS_LABELS, CLASS_SCORES, 2, class_id=2), 1 / 2),
    # Average precision at 2: row 1: (1 + 1) / 2; row 2: 0; row 3: (0 + 1/2) / 1.
    ("average_precision_at_k", lambda: tf.metrics.average_precision_at_k(
        CLASS_LABELS, CLASS_SCORES, 2), (1.0 + 0.0 + 0.5) / 3),
]


@pytest.mark.parametrize(("build", "expected"), [e[1:] for e in EXTRA], ids=[e[0] for e in EXTRA])
def test_more_metrics_stream_tensorflows_values(build, expected):
    value, update = build()
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        first = sess.run(update)
        second = sess.run(update)  # the same batch again: ratios stay, counts double
        final = sess.run(value)
    if isinstance(expected, list):
        np.testing.assert_allclose(first, expected)
        np.testing.assert_allclose(final, 2 * np.array(expected))
    else:
        assert first == pytest.approx(expected)
        assert second == pytest.approx(expected)
        assert final == pytest.approx(expected)


def test_sensitivity_and_specificity_at_a_target():
    # Negatives score 0.2, 0.3, 0.7: the first threshold with specificity 1 is 0.7, where
    # 2 of 3 positives (0.9, 0.8; not 0.6) are above it. Sensitivity 1 needs a threshold
    # below 0.6; at the last such (0.55) one negative (0.7) is above it: specificity 2/3.
    sensitivity, update = tf.metrics.sensitivity_at_specificity(TRUTH, SCORES, 0.99,
                                                                num_thresholds=21)
    specificity, update2 = tf.metrics.specificity_at_sensitivity(TRUTH, SCORES, 0.99,
                                                                 num_thresholds=21)
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        sess.run([update, update2])
        assert sess.run(sensitivity) == pytest.approx(2 / 3, abs=1e-6)
        assert sess.run(specificity) == pytest.approx(2 / 3, abs=1e-6)
    with pytest.raises(ValueError, match="range"):
        tf.metrics.sensitivity_at_specificity(TRUTH, SCORES, 1.5)
