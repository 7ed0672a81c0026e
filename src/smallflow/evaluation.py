"""Classification summaries on NumPy arrays: confusion matrix, precision/recall, worst mistakes."""

import numpy as np

__all__ = ["confusion_matrix", "most_confident_mistakes", "precision_recall"]


def _as_labels(labels, what):
    """Class indices from integer labels or one-hot rows (as the datasets give them)."""
    array = np.asarray(labels)
    if array.ndim == 2:
        return np.argmax(array, axis=1)
    if array.ndim != 1:
        raise ValueError(f"{what} must be 1-D class indices or 2-D one-hot rows, got {array.shape}")
    if np.issubdtype(array.dtype, np.integer) or array.size == 0:
        return array.astype(np.int64)
    whole = np.issubdtype(array.dtype, np.floating) and np.all(np.isfinite(array))
    if not (whole and np.array_equal(np.round(array), array)):
        raise ValueError(f"{what} must hold whole class indices, got dtype {array.dtype}")
    return array.astype(np.int64)


def confusion_matrix(true, pred, num_classes=10):
    """Counts[i, j] = number of examples of class i predicted as class j (int64).

    ``true`` and ``pred`` are class indices (or one-hot / probability rows, reduced with
    argmax). Row sums are the class counts; the trace is the number of correct predictions.
    """
    true_idx = _as_labels(true, "true labels")
    pred_idx = _as_labels(pred, "predictions")
    if true_idx.shape != pred_idx.shape:
        raise ValueError(
            f"true labels and predictions differ in length: {true_idx.size} vs {pred_idx.size}"
        )
    if num_classes < 1:
        raise ValueError(f"num_classes must be at least 1, got {num_classes}")
    for what, idx in (("true labels", true_idx), ("predictions", pred_idx)):
        if idx.size and (idx.min() < 0 or idx.max() >= num_classes):
            raise ValueError(
                f"{what} must lie in 0..{num_classes - 1}, found {idx.min()}..{idx.max()}"
            )
    flat = true_idx * num_classes + pred_idx
    counts = np.bincount(flat, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes).astype(np.int64)


def precision_recall(matrix):
    """Per-class (precision, recall) from a confusion matrix; a class never seen gives 0.

    precision[j] = matrix[j, j] / column j's sum (of the predictions of j, how many were j);
    recall[i] = matrix[i, i] / row i's sum (of the examples of i, how many were found).
    """
    counts = np.asarray(matrix, dtype=np.float64)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError(f"a confusion matrix must be square, got shape {counts.shape}")
    correct = np.diag(counts)
    predicted = counts.sum(axis=0)
    actual = counts.sum(axis=1)
    # where= skips the 0/0 cells entirely, so no RuntimeWarning; they stay 0.
    precision = np.divide(correct, predicted, out=np.zeros_like(correct), where=predicted > 0)
    recall = np.divide(correct, actual, out=np.zeros_like(correct), where=actual > 0)
    return precision, recall


def most_confident_mistakes(true, probs, k, predicted=None):
    """Indices of the (at most) k wrong predictions made with the highest probability.

    ``probs`` holds one row of class probabilities per example; the prediction is its
    argmax unless ``predicted`` is given. Ties keep the examples' original order.
    """
    probabilities = np.asarray(probs)
    if probabilities.ndim != 2:
        raise ValueError(f"probs must be 2-D (examples, classes), got {probabilities.shape}")
    true_idx = _as_labels(true, "true labels")
    if predicted is None:
        pred_idx = np.argmax(probabilities, axis=1)
    else:
        pred_idx = _as_labels(predicted, "predictions")
    count = probabilities.shape[0]
    if true_idx.shape != (count,) or pred_idx.shape != (count,):
        raise ValueError(
            f"labels ({true_idx.size}), predictions ({pred_idx.size}) and probability rows"
            f" ({count}) must have the same length"
        )
    if k < 0:
        raise ValueError(f"k must be non-negative, got {k}")
    if count and (pred_idx.min() < 0 or pred_idx.max() >= probabilities.shape[1]):
        raise ValueError(f"predictions must lie in 0..{probabilities.shape[1] - 1}")
    wrong = np.flatnonzero(true_idx != pred_idx)
    confidence = probabilities[wrong, pred_idx[wrong]]
    order = np.argsort(-confidence, kind="stable")
    return wrong[order[:k]]
