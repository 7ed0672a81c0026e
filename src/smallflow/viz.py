"""Pictures of models and data as matplotlib Figures: weights, samples, confusion, mistakes."""

import math
import os

import numpy as np

from smallflow import evaluation
from smallflow.train import checkpoint_management

__all__ = [
    "confusion_figure",
    "mistakes_figure",
    "samples_figure",
    "save_figure",
    "weights_figure",
]

DPI = 100
_SIDE = 28


def _new_figure(width, height, layout="constrained"):
    """A Figure of width x height inches that touches no global pyplot/backend state."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=DPI, layout=layout)


def _as_digit_images(images, what="images"):
    """(N, 28, 28) from flat 784-vectors or square images."""
    array = np.asarray(images, dtype=np.float64)
    if array.ndim == 2 and array.shape[1] == _SIDE * _SIDE:
        return array.reshape(-1, _SIDE, _SIDE)
    if array.ndim == 3 and array.shape[1:] == (_SIDE, _SIDE):
        return array
    raise ValueError(f"{what} must have shape (N, 784) or (N, 28, 28), got {array.shape}")


def _as_label_array(labels, count, what):
    """1-D class indices (one-hot rows are reduced with argmax), checked against count."""
    array = np.asarray(labels)
    indices = np.argmax(array, axis=1) if array.ndim == 2 else array
    if indices.shape != (count,):
        raise ValueError(f"{what} must give one label per image ({count}), got {array.shape}")
    return indices.astype(np.int64)


def _grid(count, max_columns):
    """(rows, columns) of a near-square grid for count panels."""
    columns = max(1, min(max_columns, math.ceil(math.sqrt(count))))
    rows = max(1, math.ceil(count / columns))
    return rows, columns


def _digit_axes(axes):
    """Hide ticks and frame: digits need no axes."""
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_visible(False)


def weights_figure(W, title="Learned weights for each digit (red negative, blue positive)"):
    """Ten 28x28 maps of a (784, 10) weight matrix, red negative, blue positive, one colourbar.

    The colour scale is symmetric about zero (white = 0) and shared by all ten maps, so
    their strengths can be compared.
    """
    weights = np.asarray(W, dtype=np.float64)
    if weights.shape != (_SIDE * _SIDE, 10):
        raise ValueError(f"weights must have shape (784, 10), got {weights.shape}")
    if not np.isfinite(weights).all():
        raise ValueError("weights contain NaN or infinite values")
    limit = float(np.abs(weights).max()) or 1.0
    figure = _new_figure(10.0, 4.8)
    grid = figure.subplots(2, 5)
    shown = None
    for digit, axes in enumerate(grid.ravel()):
        plane = weights[:, digit].reshape(_SIDE, _SIDE)
        shown = axes.imshow(plane, cmap="RdBu", vmin=-limit, vmax=limit, interpolation="nearest")
        axes.set_title(str(digit), fontsize=14)
        _digit_axes(axes)
    colourbar = figure.colorbar(shown, ax=grid, shrink=0.85, pad=0.02)
    colourbar.set_label("weight")
    figure.suptitle(title, fontsize=13)
    return figure


def samples_figure(images, labels, n=25, title="MNIST samples"):
    """The first n digits in a grid, each titled with its label."""
    digits = _as_digit_images(images)
    label_idx = _as_label_array(labels, digits.shape[0], "labels")
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    count = min(n, digits.shape[0])
    if count == 0:
        raise ValueError("no images to show")
    rows, columns = _grid(count, max_columns=10)
    figure = _new_figure(1.25 * columns, 1.35 * rows + 0.5)
    grid = figure.subplots(rows, columns, squeeze=False).ravel()
    for index, axes in enumerate(grid):
        _digit_axes(axes)
        if index >= count:
            axes.set_visible(False)
            continue
        axes.imshow(digits[index], cmap="gray_r", vmin=0.0, vmax=1.0)
        axes.set_title(str(label_idx[index]), fontsize=11)
    figure.suptitle(title, fontsize=12)
    return figure


def confusion_figure(matrix, class_names=range(10), title=None):
    """An annotated confusion matrix: rows are true classes, columns predictions.

    Cells are shaded by the share of their row (so errors stand out however large the
    class) and labelled with their counts.
    """
    counts = np.asarray(matrix)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError(f"a confusion matrix must be square, got shape {counts.shape}")
    names = [str(name) for name in class_names]
    size = counts.shape[0]
    if len(names) != size:
        raise ValueError(f"{len(names)} class names given for a {size}x{size} matrix")
    row_totals = counts.sum(axis=1, keepdims=True).astype(np.float64)
    shares = np.divide(
        counts, row_totals, out=np.zeros(counts.shape, dtype=np.float64), where=row_totals > 0
    )
    total = int(counts.sum())
    if title is None:
        accuracy = np.trace(counts) / total if total else 0.0
        title = f"Confusion matrix: {total:,} examples, accuracy {accuracy:.2%}"
    side = max(4.0, 0.6 * size + 1.8)
    figure = _new_figure(side + 1.0, side)
    axes = figure.subplots()
    shown = axes.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0)
    font = 9 if size <= 10 else 7
    for row in range(size):
        for col in range(size):
            colour = "white" if shares[row, col] > 0.5 else "black"
            axes.text(
                col,
                row,
                f"{counts[row, col]:d}",
                ha="center",
                va="center",
                color=colour,
                fontsize=font,
            )
    axes.set_xticks(range(size), names)
    axes.set_yticks(range(size), names)
    axes.set_xlabel("predicted class")
    axes.set_ylabel("true class")
    axes.set_title(title, fontsize=11)
    colourbar = figure.colorbar(shown, ax=axes, shrink=0.8)
    colourbar.set_label("share of the true class")
    return figure


def mistakes_figure(images, true_labels, predicted, probabilities, n=16, title=None):
    """The n most confident wrong predictions, titled "true 4 / pred 9 (0.98)".

    ``probabilities`` holds one row of class probabilities per image; the confidence shown
    is the probability of the predicted class.
    """
    digits = _as_digit_images(images)
    count = digits.shape[0]
    true_idx = _as_label_array(true_labels, count, "true labels")
    pred_idx = _as_label_array(predicted, count, "predictions")
    probs = np.asarray(probabilities, dtype=np.float64)
    if probs.ndim != 2 or probs.shape[0] != count:
        raise ValueError(f"probabilities must have shape ({count}, classes), got {probs.shape}")
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    chosen = evaluation.most_confident_mistakes(true_idx, probs, n, predicted=pred_idx)
    wrong = int((true_idx != pred_idx).sum())
    if title is None:
        title = f"Most confident mistakes ({chosen.size} of {wrong:,} wrong in {count:,})"
    if chosen.size == 0:
        figure = _new_figure(5.0, 2.0)
        message = f"No mistakes: all {count:,} predictions are right."
        figure.text(0.5, 0.5, message, ha="center", va="center", fontsize=12)
        figure.suptitle(title, fontsize=11)
        return figure
    rows, columns = _grid(chosen.size, max_columns=8)
    figure = _new_figure(1.7 * columns, 1.75 * rows + 0.5)
    grid = figure.subplots(rows, columns, squeeze=False).ravel()
    for slot, axes in enumerate(grid):
        _digit_axes(axes)
        if slot >= chosen.size:
            axes.set_visible(False)
            continue
        index = chosen[slot]
        guess = pred_idx[index]
        axes.imshow(digits[index], cmap="gray_r", vmin=0.0, vmax=1.0)
        label = f"true {true_idx[index]} / pred {guess} ({probs[index, guess]:.2f})"
        axes.set_title(label, fontsize=9)
    figure.suptitle(title, fontsize=11)
    return figure


def save_figure(figure, path):
    """Write the figure as an image (PNG unless the suffix names another format), atomically.

    The picture goes to a temporary file in the target's folder and is renamed over the
    target only when complete, so a failure never leaves a half-written or stray file.
    Missing parent folders are created. Returns the path written.
    """
    target = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(target))
    suffix = os.path.splitext(target)[1].lower().lstrip(".")
    fmt = suffix or "png"
    os.makedirs(folder, exist_ok=True)

    def write(stream):
        figure.savefig(stream, format=fmt, dpi=DPI)

    # Temporary files of an earlier, interrupted write of this picture are removed first.
    checkpoint_management.write_atomically(target, write)
    return target
