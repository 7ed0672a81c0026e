"""Confusion matrix, precision/recall and the most confident mistakes, checked as properties."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from smallflow.evaluation import confusion_matrix, most_confident_mistakes, precision_recall


@st.composite
def labelled_predictions(draw, max_classes=12, max_examples=200):
    """(true, pred, num_classes): two equally long arrays of class indices."""
    num_classes = draw(st.integers(1, max_classes))
    count = draw(st.integers(0, max_examples))
    classes = st.integers(0, num_classes - 1)
    true = draw(hnp.arrays(np.int64, count, elements=classes))
    pred = draw(hnp.arrays(np.int64, count, elements=classes))
    return true, pred, num_classes


@given(labelled_predictions())
def test_confusion_rows_count_true_classes_and_columns_count_predictions(case):
    true, pred, num_classes = case
    matrix = confusion_matrix(true, pred, num_classes)
    assert matrix.shape == (num_classes, num_classes)
    assert matrix.dtype == np.int64
    np.testing.assert_array_equal(matrix.sum(axis=1), np.bincount(true, minlength=num_classes))
    np.testing.assert_array_equal(matrix.sum(axis=0), np.bincount(pred, minlength=num_classes))
    assert np.trace(matrix) == np.count_nonzero(true == pred)
    assert matrix.sum() == true.size


@given(labelled_predictions())
def test_confusion_cell_counts_each_pair(case):
    true, pred, num_classes = case
    matrix = confusion_matrix(true, pred, num_classes)
    for i in range(num_classes):
        for j in range(num_classes):
            assert matrix[i, j] == np.count_nonzero((true == i) & (pred == j))


@given(labelled_predictions())
def test_confusion_accepts_one_hot_rows_like_indices(case):
    true, pred, num_classes = case
    eye = np.eye(num_classes, dtype=np.float32)
    np.testing.assert_array_equal(
        confusion_matrix(eye[true], eye[pred], num_classes),
        confusion_matrix(true, pred, num_classes),
    )


def test_confusion_of_a_small_hand_worked_case():
    matrix = confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], num_classes=3)
    np.testing.assert_array_equal(matrix, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])


@pytest.mark.parametrize(
    ("true", "pred", "message"),
    [
        ([0, 1, 10], [0, 1, 2], "true labels must lie in 0..9"),
        ([0, 1, 2], [0, -1, 2], "predictions must lie in 0..9"),
        ([0, 1], [0, 1, 2], "differ in length"),
        ([0.5, 1], [0, 1], "whole class indices"),
        ([[[0]]], [0], "1-D class indices"),
    ],
    ids=["true_out_of_range", "negative_prediction", "lengths", "fractional", "3-D"],
)
def test_confusion_rejects_bad_labels(true, pred, message):
    with pytest.raises(ValueError, match=message):
        confusion_matrix(true, pred, num_classes=10)


def test_precision_and_recall_of_a_hand_worked_case():
    # true 0: 1 right, 1 taken for 1; true 1: 1 right; true 2: 2 right, 1 taken for 0.
    matrix = np.array([[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    precision, recall = precision_recall(matrix)
    np.testing.assert_allclose(precision, [1 / 2, 1 / 2, 2 / 2])
    np.testing.assert_allclose(recall, [1 / 2, 1 / 1, 2 / 3])


def test_precision_and_recall_of_unseen_classes_are_zero_without_warnings():
    # Class 1 never occurs and is never predicted: 0/0 for both (warnings are errors here).
    matrix = np.array([[3, 0, 1], [0, 0, 0], [2, 0, 4]])
    precision, recall = precision_recall(matrix)
    assert precision[1] == 0.0
    assert recall[1] == 0.0
    np.testing.assert_allclose(precision[[0, 2]], [3 / 5, 4 / 5])


@given(labelled_predictions())
def test_recall_is_per_class_accuracy_and_precision_is_per_prediction_accuracy(case):
    true, pred, num_classes = case
    precision, recall = precision_recall(confusion_matrix(true, pred, num_classes))
    for k in range(num_classes):
        of_class = true == k
        as_class = pred == k
        expected_recall = np.mean(pred[of_class] == k) if of_class.any() else 0.0
        expected_precision = np.mean(true[as_class] == k) if as_class.any() else 0.0
        assert recall[k] == pytest.approx(expected_recall)
        assert precision[k] == pytest.approx(expected_precision)
    assert np.all((precision >= 0) & (precision <= 1))
    assert np.all((recall >= 0) & (recall <= 1))


def test_precision_recall_rejects_a_non_square_matrix():
    with pytest.raises(ValueError, match="square"):
        precision_recall(np.zeros((3, 4)))


@st.composite
def probabilities_and_labels(draw):
    num_classes = draw(st.integers(2, 6))
    count = draw(st.integers(0, 60))
    # Few distinct values so that ties in confidence are common.
    weights = draw(
        hnp.arrays(np.float64, (count, num_classes), elements=st.sampled_from([0.5, 1.0, 2.0, 4.0]))
    )
    probs = weights / weights.sum(axis=1, keepdims=True)
    true = draw(hnp.arrays(np.int64, count, elements=st.integers(0, num_classes - 1)))
    k = draw(st.integers(0, count + 2))
    return true, probs, k


@given(probabilities_and_labels())
def test_most_confident_mistakes_are_wrong_sorted_and_the_most_confident(case):
    true, probs, k = case
    chosen = most_confident_mistakes(true, probs, k)
    pred = probs.argmax(axis=1)
    confidence = probs.max(axis=1)
    wrong = np.flatnonzero(pred != true)
    assert chosen.size == min(k, wrong.size)
    assert np.all(pred[chosen] != true[chosen])
    assert len(set(chosen.tolist())) == chosen.size
    chosen_confidence = confidence[chosen]
    assert np.all(np.diff(chosen_confidence) <= 0)
    left_out = np.setdiff1d(wrong, chosen)
    if chosen.size and left_out.size:
        assert confidence[left_out].max() <= chosen_confidence.min()
    # Ties keep the original order.
    for first, second in zip(chosen[:-1], chosen[1:], strict=True):
        if confidence[first] == confidence[second]:
            assert first < second


def test_most_confident_mistakes_of_a_hand_worked_case():
    probs = np.array(
        [
            [0.9, 0.1],  # predicts 0, is 0: right
            [0.2, 0.8],  # predicts 1, is 0: wrong, 0.8
            [0.6, 0.4],  # predicts 0, is 1: wrong, 0.6
            [0.05, 0.95],  # predicts 1, is 0: wrong, 0.95
        ]
    )
    true = np.array([0, 0, 1, 0])
    np.testing.assert_array_equal(most_confident_mistakes(true, probs, 2), [3, 1])
    np.testing.assert_array_equal(most_confident_mistakes(true, probs, 10), [3, 1, 2])
    # Given predictions override the argmax; the confidence is that class's probability.
    given_pred = np.array([1, 0, 1, 0])
    np.testing.assert_array_equal(
        most_confident_mistakes(true, probs, 5, predicted=given_pred), [0]
    )


@pytest.mark.parametrize(
    ("true", "probs", "k", "message"),
    [
        ([0, 1], np.full((3, 2), 0.5), 1, "same length"),
        ([0, 1], np.full(2, 0.5), 1, "2-D"),
        ([0, 1], np.full((2, 2), 0.5), -1, "non-negative"),
    ],
    ids=["lengths", "1-D_probs", "negative_k"],
)
def test_most_confident_mistakes_rejects_bad_arguments(true, probs, k, message):
    with pytest.raises(ValueError, match=message):
        most_confident_mistakes(true, probs, k)
