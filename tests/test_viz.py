"""Pictures: each figure renders to a PNG of the expected size that actually shows something."""

import os
import subprocess
import sys

import numpy as np
import pytest

from smallflow import viz

Image = pytest.importorskip("PIL.Image")
pytest.importorskip("matplotlib")


def _pixels(path):
    with Image.open(path) as picture:
        return np.asarray(picture.convert("RGB"), dtype=np.int16)


def _digits(count, seed=0):
    """Blobby fake digits: enough structure to see, no dataset needed."""
    rng = np.random.default_rng(seed)
    images = np.zeros((count, 28, 28))
    rows, cols = np.mgrid[0:28, 0:28]
    for image in images:
        for _ in range(3):
            r, c = rng.uniform(8, 20, size=2)
            image += np.exp(-((rows - r) ** 2 + (cols - c) ** 2) / 12)
    return np.clip(images, 0, 1).reshape(count, 784)


def _weights_with_both_signs():
    rng = np.random.default_rng(1)
    return rng.normal(0.0, 0.3, size=(784, 10))


def _samples():
    return viz.samples_figure(_digits(30), np.arange(30) % 10)


def _confusion():
    rng = np.random.default_rng(2)
    matrix = rng.integers(0, 30, size=(10, 10)) + np.diag(rng.integers(800, 1100, size=10))
    return viz.confusion_figure(matrix)


def _mistakes():
    images = _digits(40)
    true = np.arange(40) % 10
    probs = np.random.default_rng(3).dirichlet(np.ones(10) * 0.3, size=40)
    return viz.mistakes_figure(images, true, probs.argmax(axis=1), probs)


# name, figure builder, expected (width, height) in pixels
FIGURES = [
    ("weights", lambda: viz.weights_figure(_weights_with_both_signs()), (1000, 480)),
    ("samples", _samples, (625, 725)),  # first 25 of 30: 5 x 5
    ("confusion", _confusion, (880, 780)),
    ("mistakes", _mistakes, (680, 750)),  # 16 shown: 4 x 4
]


@pytest.mark.parametrize(("name", "build", "size"), FIGURES, ids=[f[0] for f in FIGURES])
def test_each_figure_renders_a_png_of_its_size_that_is_not_blank(tmp_path, name, build, size):
    path = tmp_path / f"{name}.png"
    written = viz.save_figure(build(), path)
    assert written == str(path)
    with Image.open(path) as picture:
        assert picture.format == "PNG"
        assert picture.size == size
    pixels = _pixels(path)
    assert pixels.std() > 20
    # A good share of the picture is drawn on, not background.
    assert np.mean(pixels.sum(axis=2) < 3 * 240) > 0.05


def _panel_centre_colour(figure, pixels, index):
    """The RGB colour at the centre of the index-th image panel of a saved figure."""
    axes = figure.axes[index]
    box = axes.get_window_extent()
    height = pixels.shape[0]
    row = int(height - (box.y0 + box.y1) / 2)
    col = int((box.x0 + box.x1) / 2)
    return pixels[row, col]


def test_weights_are_red_where_negative_blue_where_positive_white_at_zero(tmp_path):
    weights = np.zeros((784, 10))
    weights[:, 0] = 2.0  # strongly positive
    weights[:, 1] = -2.0  # strongly negative
    weights[:, 2] = 1e-9  # as good as zero
    weights[:, 3] = -1.0  # half strength: lighter red
    figure = viz.weights_figure(weights)
    path = viz.save_figure(figure, tmp_path / "w.png")
    pixels = _pixels(path)
    red, green, blue = (int(v) for v in _panel_centre_colour(figure, pixels, 0))
    assert blue > red + 50  # RdBu ends in dark navy (5, 48, 97)
    red, green, blue = (int(v) for v in _panel_centre_colour(figure, pixels, 1))
    assert red > blue + 50  # and dark red (103, 0, 31)
    zero = _panel_centre_colour(figure, pixels, 2)
    assert zero.min() > 230  # near white: the colour scale is centred on zero
    half = _panel_centre_colour(figure, pixels, 3)
    full = _panel_centre_colour(figure, pixels, 1)
    assert half[0] > full[0]  # one scale shared by all ten maps: half strength is lighter
    assert half[1] > full[1]


def test_weights_figure_shows_reds_and_blues_for_mixed_weights(tmp_path):
    path = viz.save_figure(viz.weights_figure(_weights_with_both_signs()), tmp_path / "w.png")
    pixels = _pixels(path)
    reds = np.count_nonzero(pixels[..., 0] > pixels[..., 2] + 80)
    blues = np.count_nonzero(pixels[..., 2] > pixels[..., 0] + 80)
    assert reds > 2000
    assert blues > 2000


def test_weights_figure_labels_the_ten_maps_and_shares_one_colourbar():
    figure = viz.weights_figure(_weights_with_both_signs())
    panels = [axes for axes in figure.axes if axes.images]
    assert [axes.get_title() for axes in panels] == [str(d) for d in range(10)]
    limits = {axes.images[0].get_clim() for axes in panels}
    assert len(limits) == 1
    low, high = limits.pop()
    assert low == -high
    assert {axes.images[0].get_cmap().name for axes in panels} == {"RdBu"}
    assert len(figure.axes) == 11  # ten maps and the colourbar


def test_samples_figure_titles_each_digit_with_its_label_from_indices_or_one_hot():
    labels = np.array([3, 1, 4, 1, 5, 9, 2])
    for given in (labels, np.eye(10)[labels]):
        figure = viz.samples_figure(_digits(7), given, n=7)
        titles = [axes.get_title() for axes in figure.axes if axes.get_visible()]
        assert titles == [str(label) for label in labels]


def test_samples_figure_shows_at_most_the_images_given():
    figure = viz.samples_figure(_digits(3), [0, 1, 2], n=25)
    assert len([axes for axes in figure.axes if axes.get_visible()]) == 3


def test_confusion_figure_writes_every_count_in_its_cell():
    matrix = np.array([[50, 2, 0], [3, 40, 7], [0, 1, 60]])
    figure = viz.confusion_figure(matrix, class_names=["cat", "dog", "eel"])
    axes = figure.axes[0]
    cells = {
        (round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in axes.texts
    }
    assert cells == {(r, c): str(matrix[r, c]) for r in range(3) for c in range(3)}
    assert [label.get_text() for label in axes.get_xticklabels()] == ["cat", "dog", "eel"]
    assert "accuracy 92.02%" in axes.get_title()


def test_mistakes_figure_shows_the_most_confident_wrong_predictions_first():
    images = _digits(5)
    true = np.array([4, 1, 7, 2, 3])
    probs = np.full((5, 10), 0.01)
    probs[0, 9] = 0.91  # 4 taken for 9
    probs[1, 1] = 0.91  # right
    probs[2, 1] = 0.55  # 7 taken for 1
    probs[3, 2] = 0.60  # right
    probs[4, 8] = 0.98  # 3 taken for 8
    figure = viz.mistakes_figure(images, true, probs.argmax(axis=1), probs)
    titles = [axes.get_title() for axes in figure.axes if axes.get_visible()]
    assert titles == ["true 3 / pred 8 (0.98)", "true 4 / pred 9 (0.91)", "true 7 / pred 1 (0.55)"]


def test_mistakes_figure_without_mistakes_says_so(tmp_path):
    probs = np.eye(10)[[0, 1, 2]]
    figure = viz.mistakes_figure(_digits(3), [0, 1, 2], [0, 1, 2], probs)
    assert any("No mistakes" in text.get_text() for text in figure.texts)
    viz.save_figure(figure, tmp_path / "none.png")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: viz.weights_figure(np.zeros((10, 784))), r"\(784, 10\)"),
        (lambda: viz.weights_figure(np.full((784, 10), np.nan)), "NaN"),
        (lambda: viz.samples_figure(np.zeros((4, 100)), [0, 1, 2, 3]), r"\(N, 784\)"),
        (lambda: viz.samples_figure(np.zeros((4, 784)), [0, 1]), "one label per image"),
        (lambda: viz.confusion_figure(np.zeros((3, 4))), "square"),
        (lambda: viz.confusion_figure(np.zeros((3, 3))), "class names"),
        (
            lambda: viz.mistakes_figure(np.zeros((2, 784)), [0, 1], [1, 0], np.zeros((3, 10))),
            "probabilities",
        ),
    ],
    ids=[
        "weights_transposed",
        "weights_nan",
        "images_shape",
        "labels",
        "confusion",
        "names",
        "probs",
    ],
)
def test_figures_reject_bad_arguments_with_a_clear_error(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_save_figure_creates_missing_folders_and_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "new" / "folder" / "weights.png"
    viz.save_figure(viz.weights_figure(_weights_with_both_signs()), target)
    assert os.listdir(target.parent) == ["weights.png"]
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)  # not mkstemp's private mode


class _FailingFigure:
    """Stands in for a figure whose rendering fails half-way through writing."""

    def savefig(self, stream, **options):
        stream.write(b"\x89PNG half a picture")
        raise RuntimeError("renderer crashed")


def test_failed_save_keeps_the_previous_file_and_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "weights.png"
    target.write_bytes(b"the previous picture")
    with pytest.raises(RuntimeError, match="renderer crashed"):
        viz.save_figure(_FailingFigure(), target)
    assert target.read_bytes() == b"the previous picture"
    assert os.listdir(tmp_path) == ["weights.png"]


def test_unknown_picture_format_fails_cleanly(tmp_path):
    with pytest.raises(ValueError, match="xyz"):
        viz.save_figure(viz.samples_figure(_digits(2), [0, 1]), tmp_path / "samples.xyz")
    assert os.listdir(tmp_path) == []


def test_importing_smallflow_and_its_front_end_modules_stays_light():
    code = (
        "import sys, smallflow, smallflow.viz, smallflow.evaluation, smallflow.imaging; "
        "print(sorted(m for m in ('matplotlib', 'PIL') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
