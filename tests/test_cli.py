"""The smallflow command end to end: train, evaluate, predict, show, and their bad input."""

import contextlib
import io
import json
import os
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

from smallflow import cli, models
from smallflow.datasets import idx
from smallflow.examples.tutorials.mnist import input_data

ROOT = pathlib.Path(__file__).resolve().parents[1]
SYNTHETIC_TRAIN = 600  # of which SYNTHETIC_VALIDATION are held out
SYNTHETIC_VALIDATION = 100
SYNTHETIC_TEST = 200


def run(capsys, *argv):
    """Run the command in this process: (exit code, stdout, stderr)."""
    code = cli.main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def train_synthetic(capsys, folder, flags):
    """Run ``smallflow train`` on the synthetic set with the flags given as one string."""
    return run(capsys, "train", *synthetic(folder), *flags.split())


def run_quietly(*argv):
    """Run the command outside a test's capsys (module fixtures): (exit code, stdout)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([str(arg) for arg in argv])
    assert code == 0, err.getvalue()
    return out.getvalue()


def _block_digits(count, rng):
    """Separable fake digits: class k is a bright block in cell k of a 2 x 5 grid, on noise."""
    labels = rng.permutation(np.arange(count) % 10).astype(np.uint8)
    images = rng.integers(0, 80, size=(count, 28, 28), dtype=np.uint8)
    for image, label in zip(images, labels, strict=True):
        row, col = divmod(int(label), 5)
        image[3 + 12 * row : 13 + 12 * row, 1 + 5 * col : 6 + 5 * col] = 255
    return images, labels


@pytest.fixture(scope="module")
def synthetic_dir(tmp_path_factory):
    """A folder of small IDX files in MNIST's layout (used as they are, like Fashion-MNIST)."""
    folder = tmp_path_factory.mktemp("synthetic")
    rng = np.random.default_rng(0)
    for stem, count in (("train", SYNTHETIC_TRAIN), ("t10k", SYNTHETIC_TEST)):
        images, labels = _block_digits(count, rng)
        idx.write_idx(folder / f"{stem}-images-idx3-ubyte", images)
        idx.write_idx(folder / f"{stem}-labels-idx1-ubyte", labels)
    return folder


def synthetic(folder):
    """The flags that point a command at the synthetic set."""
    return ["--data-dir", folder, "--validation-size", SYNTHETIC_VALIDATION]


@pytest.fixture(scope="module")
def synthetic_model(synthetic_dir, tmp_path_factory):
    path = tmp_path_factory.mktemp("synthetic-model") / "blocks.npz"
    run_quietly(
        "train", *synthetic(synthetic_dir), *["--steps", "40", "--batch-size", "50"], "--save", path
    )
    return path


@pytest.fixture(scope="module")
def mnist_dir(tmp_path_factory):
    """A folder holding the real MNIST files (copied once from smallflow's bundled copy)."""
    folder = tmp_path_factory.mktemp("mnist")
    input_data.read_data_sets(str(folder))
    return folder


@pytest.fixture(scope="module")
def tutorial_model(mnist_dir, tmp_path_factory):
    """The tutorial's model trained with the command's defaults: (path, train's JSON)."""
    path = tmp_path_factory.mktemp("tutorial-model") / "softmax.npz"
    printed = run_quietly("train", "--data-dir", mnist_dir, "--save", path, "--json")
    return path, json.loads(printed)


# -- train -------------------------------------------------------------------------------------


def test_train_defaults_are_the_tutorials_and_reach_about_92_percent(tutorial_model):
    _, results = tutorial_model
    assert results["model"] == "softmax"
    assert (results["steps"], results["batch_size"]) == (1000, 100)
    assert (results["optimizer"], results["learning_rate"]) == ("sgd", 0.5)
    assert results["seed"] == 0
    assert 0.91 <= results["accuracy"] <= 0.93
    assert 0.2 < results["loss"] < 0.5
    assert results["seconds"] > 0


def test_train_prints_plain_progress_lines_and_the_test_accuracy(capsys, synthetic_dir):
    flags = "--steps 30 --batch-size 50 --log-interval 10"
    code, out, err = train_synthetic(capsys, synthetic_dir, flags)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Training softmax on 500 images: 30 steps of 50, sgd")
    assert [line.split()[1] for line in lines[1:4]] == ["10/30", "20/30", "30/30"]
    assert all("validation accuracy" in line for line in lines[1:4])
    assert lines[-1].startswith("Test accuracy: 1.0000 (200 images)")
    assert err == ""  # stderr is not a terminal: no progress bar


def test_train_json_prints_one_object_and_progress_to_stderr(capsys, synthetic_dir):
    flags = "--steps 20 --batch-size 50 --log-interval 10 --json"
    code, out, err = train_synthetic(capsys, synthetic_dir, flags)
    assert code == 0
    results = json.loads(out)
    assert set(results) >= {"accuracy", "loss", "steps", "seconds", "seed"}
    assert results["steps"] == 20
    assert "step 20/20" in err


def test_train_epochs_are_turned_into_steps(capsys, synthetic_dir):
    flags = "--epochs 3 --batch-size 40 --log-interval 0 --json"
    code, out, _ = train_synthetic(capsys, synthetic_dir, flags)
    assert code == 0
    assert json.loads(out)["steps"] == 38  # ceil(3 * 500 / 40)
    assert json.loads(out)["epochs"] == pytest.approx(3.04)


def test_train_with_the_same_seed_gives_the_same_result(capsys, synthetic_dir):
    def loss_with(seed):
        flags = f"--steps 5 --batch-size 20 --seed {seed} --json"
        code, out, _ = train_synthetic(capsys, synthetic_dir, flags)
        assert code == 0
        return json.loads(out)["loss"]

    assert loss_with(1) == loss_with(1)
    assert loss_with(1) != loss_with(2)


@pytest.mark.parametrize("optimizer", models.OPTIMIZERS)
def test_train_learns_with_every_optimizer(capsys, synthetic_dir, optimizer):
    flags = f"--optimizer {optimizer} --steps 60 --batch-size 50 --json"
    code, out, _ = train_synthetic(capsys, synthetic_dir, flags)
    assert code == 0
    results = json.loads(out)
    assert results["optimizer"] == optimizer
    assert results["accuracy"] >= 0.95


def test_python_dash_m_smallflow_trains(synthetic_dir):
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "smallflow",
            "train",
            "--steps",
            "10",
            *map(str, synthetic(synthetic_dir)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Test accuracy:" in completed.stdout


def test_importing_the_cli_loads_no_plotting_or_imaging_library():
    code = (
        "import sys, smallflow.cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'PIL', 'tqdm')))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert completed.stdout.strip() == "[]"


def test_help_states_the_defaults(capsys):
    code, out, _ = run(capsys, "train", "--help")
    assert code == 0
    text = " ".join(out.split())
    for phrase in (
        "softmax 1000",
        "softmax 100",
        "sgd 0.5",
        "(default: 0)",
        "(default: the model's: softmax 100",
        "(default: 5000)",
        "{sgd,momentum,adam,adagrad,rmsprop}",
    ):
        assert phrase in text


def test_default_data_dir_is_a_user_cache_or_smallflow_data(monkeypatch, tmp_path):
    monkeypatch.delenv(cli.DATA_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cli.default_data_dir() == str(tmp_path / "smallflow" / "mnist")
    monkeypatch.setenv(cli.DATA_ENV, str(tmp_path / "mine"))
    assert cli.default_data_dir() == str(tmp_path / "mine")


# -- usage errors: exit code 2, a usage line, no traceback ---------------------------------------

USAGE_ERRORS = [
    ["train", "--steps", "-1"],
    ["train", "--steps", "0"],
    ["train", "--steps", "ten"],
    ["train", "--batch-size", "0"],
    ["train", "--learning-rate", "0"],
    ["train", "--learning-rate", "nan"],
    ["train", "--optimizer", "lbfgs"],
    ["train", "--model", "transformer"],
    ["train", "--steps", "10", "--epochs", "1"],
    ["train", "--seed", "-3"],
    ["train", "--log-interval", "-1"],
    ["train", "--frobnicate"],
    ["evaluate"],
    ["evaluate", "m.npz", "--split", "train"],
    ["predict", "m.npz"],
    ["show", "weights"],
    ["show", "pictures"],
    ["show", "samples", "-n", "0"],
    ["fly"],
    [],
]


@pytest.mark.parametrize("argv", USAGE_ERRORS, ids=" ".join)
def test_bad_arguments_are_usage_errors_with_exit_code_2(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert "usage: smallflow" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        ("--batch-size 501", "--batch-size 501 is larger than the 500 training examples"),
        ("--validation-size 600", "--validation-size 600 leaves no training examples"),
        ("--validation-size 601", "Validation size should be between 0 and 600"),
    ],
)
def test_impossible_settings_for_the_data_are_one_line_errors(capsys, synthetic_dir, flags, words):
    code, out, err = train_synthetic(capsys, synthetic_dir, flags)
    assert code == 1
    assert err.startswith("error: ")
    assert words in err


def test_a_data_dir_that_is_a_file_is_named_in_the_error(capsys, tmp_path):
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("hello")
    code, _, err = run(capsys, "train", "--data-dir", not_a_folder)
    assert code == 1
    assert err.startswith("error: ")
    assert str(not_a_folder) in err


def test_a_save_path_under_a_file_is_refused_before_training(capsys, tmp_path):
    (tmp_path / "notes").write_text("not a folder")
    target = tmp_path / "notes" / "such" / "model.npz"
    code, out, err = run(capsys, "train", "--save", target)
    assert (code, out) == (1, "")
    notes = tmp_path / "notes"
    assert err == f"error: cannot save the model to {target}: {notes} is not a folder\n"


# -- saved models and evaluate -----------------------------------------------------------------


def test_train_save_then_evaluate_reproduces_the_accuracy(capsys, tutorial_model, mnist_dir):
    path, results = tutorial_model
    code, out, _ = run(capsys, "evaluate", path, "--data-dir", mnist_dir, "--json")
    assert code == 0
    evaluation = json.loads(out)
    assert evaluation["accuracy"] == results["accuracy"]
    assert evaluation["examples"] == 10000
    matrix = np.array(evaluation["confusion_matrix"])
    assert matrix.sum() == 10000
    assert np.trace(matrix) == round(results["accuracy"] * 10000)
    code, out, _ = run(
        capsys, "evaluate", path, "--data-dir", mnist_dir, *["--split", "validation", "--json"]
    )
    assert json.loads(out)["accuracy"] == results["validation_accuracy"]


def test_evaluate_prints_accuracy_precision_recall_and_the_confusion_matrix(
    capsys, synthetic_model, synthetic_dir
):
    code, out, _ = run(capsys, "evaluate", synthetic_model, "--data-dir", synthetic_dir)
    assert code == 0
    lines = out.splitlines()
    assert lines[1] == "Test accuracy: 1.0000 (200 images)"
    assert lines[3].split() == ["digit", "precision", "recall", "images"]
    assert lines[4].split() == ["0", "1.0000", "1.0000", "20"]
    assert lines[15].startswith("Confusion matrix")
    assert lines[16].split() == [str(digit) for digit in range(10)]
    assert lines[17].split() == ["0", "20"] + ["0"] * 9


def test_evaluate_uses_the_validation_size_the_model_was_trained_with(
    capsys, synthetic_model, synthetic_dir
):
    code, out, _ = run(
        capsys,
        "evaluate",
        synthetic_model,
        "--data-dir",
        synthetic_dir,
        *["--split", "validation", "--json"],
    )
    assert code == 0
    assert json.loads(out)["examples"] == SYNTHETIC_VALIDATION


def test_the_saved_metadata_records_model_settings_accuracy_seed_and_version(synthetic_model):
    metadata = models.read_model_metadata(synthetic_model)
    assert metadata["model"] == "softmax"
    assert metadata["hyperparameters"]["steps"] == 40
    assert metadata["hyperparameters"]["batch_size"] == 50
    assert metadata["hyperparameters"]["validation_size"] == SYNTHETIC_VALIDATION
    assert metadata["accuracy"] == 1.0
    assert metadata["seed"] == 0
    assert metadata["checkpoint"]["smallflow_version"]


def _damaged(tmp_path, model):
    path = tmp_path / "damaged.npz"
    data = model.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _foreign(tmp_path, model):
    path = tmp_path / "weights.npz"
    np.savez(path, W=np.zeros((784, 10)))
    return path


def _not_a_model(tmp_path, model):
    path = tmp_path / "notes.npz"
    path.write_text("my shopping list\n")
    return path


def _missing(tmp_path, model):
    return tmp_path / "nowhere.npz"


BAD_MODELS = [_missing, _damaged, _foreign, _not_a_model]
MODEL_COMMANDS = [
    ["evaluate"],
    ["predict", "{model}", "digit.png"],
    ["show", "weights"],
    ["show", "confusion"],
    ["show", "mistakes"],
]


@pytest.mark.parametrize("make", BAD_MODELS)
@pytest.mark.parametrize("command", MODEL_COMMANDS, ids=" ".join)
def test_a_missing_damaged_or_foreign_model_is_a_one_line_error_naming_it(
    capsys, tmp_path, synthetic_model, synthetic_dir, make, command
):
    bad = make(tmp_path, synthetic_model)
    argv = [arg.format(model=bad) for arg in command]
    if "{model}" not in command:
        argv.append(str(bad))
    if command[0] == "predict":
        (tmp_path / "digit.png").write_bytes(b"")  # never reached: the model fails first
        argv[-1] = str(tmp_path / "digit.png")
    code, out, err = run(capsys, *argv, *(["-o", tmp_path / "x.png"] if "show" in command else []))
    assert (code, out) == (1, "")
    assert err.startswith(f"error: {bad}: ")
    assert err.count("\n") == 1
    assert not (tmp_path / "x.png").exists()


def test_an_interrupted_save_leaves_the_previous_model_intact(
    capsys, tmp_path, synthetic_dir, monkeypatch
):
    path = tmp_path / "model.npz"
    flags = [*synthetic(synthetic_dir), "--batch-size", 50, "--save", path, "--json"]
    code, out, _ = run(capsys, "train", "--steps", 3, *flags)
    assert code == 0
    before = path.read_bytes(), (tmp_path / "model.json").read_bytes()

    real_replace = os.replace

    def interrupted(source, target):
        if pathlib.Path(target).parent == tmp_path:
            raise KeyboardInterrupt  # as if Ctrl-C came while the model was being written
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", interrupted)
    code, _, err = run(capsys, "train", "--steps", 30, *flags)
    monkeypatch.setattr(os, "replace", real_replace)
    assert code == 130
    assert err.endswith("interrupted\n")
    assert (path.read_bytes(), (tmp_path / "model.json").read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json", "model.npz"]
    code, out, _ = run(capsys, "evaluate", path, *synthetic(synthetic_dir)[:2], "--json")
    assert code == 0


# -- predict -----------------------------------------------------------------------------------


def _png(path, pixels):
    from PIL import Image

    Image.fromarray(pixels).save(path)
    return path


@pytest.fixture(scope="module")
def digit_pictures(tutorial_model, mnist_dir, tmp_path_factory):
    """PNGs of ten test digits (0..9) the tutorial model classifies correctly: [(path, digit)]."""
    pytest.importorskip("PIL")
    folder = tmp_path_factory.mktemp("digits")
    model, _ = tutorial_model
    test = input_data.read_data_sets(str(mnist_dir)).test
    sess, graph, _ = models.load_model(model)
    with sess:
        predicted = models.predict_probabilities(sess, graph, test.images).argmax(axis=1)
    pictures = []
    for digit in range(10):
        # The first test image of each digit that the model gets right.
        chosen = int(np.flatnonzero((test.labels == digit) & (predicted == digit))[0])
        pixels = np.round(test.images[chosen].reshape(28, 28) * 255).astype(np.uint8)
        if digit % 2:  # half of them as dark ink on white paper, four times as large
            pixels = np.kron(255 - pixels, np.ones((4, 4), dtype=np.uint8))
        pictures.append((_png(folder / f"digit{digit}.png", pixels), digit))
    return pictures


def test_predict_reads_correctly_classified_test_digits_back_from_pngs(
    capsys, tutorial_model, digit_pictures
):
    model, _ = tutorial_model
    files = [path for path, _ in digit_pictures]
    code, out, err = run(capsys, "predict", model, *files, "--json")
    assert (code, err) == (0, "")
    results = json.loads(out)
    assert [r["file"] for r in results] == [str(f) for f in files]
    right = sum(r["digit"] == digit for r, (_, digit) in zip(results, digit_pictures, strict=True))
    assert right >= 9
    for result in results:
        assert result["probability"] == max(result["probabilities"])
        assert sum(result["probabilities"]) == pytest.approx(1.0, abs=1e-5)


def test_predict_prints_the_digit_and_its_probability_for_each_file(
    capsys, tutorial_model, digit_pictures
):
    model, _ = tutorial_model
    (zero, _), (one, _) = digit_pictures[:2]
    code, out, _ = run(capsys, "predict", model, zero, one)
    assert code == 0
    lines = out.splitlines()
    assert [line.split(": ")[0] for line in lines] == [str(zero), str(one)]
    for line in lines:
        assert re.fullmatch(r".*: \d \(probability [01]\.\d{3}\)", line)


def test_unreadable_or_empty_images_are_named_and_the_rest_still_classified(
    capsys, tmp_path, tutorial_model, digit_pictures
):
    model, _ = tutorial_model
    good, _ = digit_pictures[3]
    (tmp_path / "text.png").write_text("not a picture")
    files = [
        good,
        _png(tmp_path / "blank.png", np.full((40, 40), 255, dtype=np.uint8)),
        tmp_path / "missing.png",
        tmp_path / "text.png",
        tmp_path,
    ]
    code, out, err = run(capsys, "predict", model, *files)
    assert code == 1
    assert out.startswith(f"{good}: 3 (probability")
    errors = err.splitlines()
    assert len(errors) == 4
    for line, bad in zip(errors, files[1:], strict=True):
        assert line.startswith(f"error: {bad}: ")
    assert "empty" in errors[0]


# -- show --------------------------------------------------------------------------------------


def _picture(path):
    from PIL import Image

    with Image.open(path) as picture:
        return np.asarray(picture.convert("RGB"), dtype=np.int16)


def test_show_weights_draws_ten_red_and_blue_maps(capsys, tmp_path, tutorial_model):
    pytest.importorskip("matplotlib")
    path, _ = tutorial_model
    output = tmp_path / "weights.png"
    code, out, _ = run(capsys, "show", "weights", path, "-o", output)
    assert code == 0
    assert out == f"Wrote {output} (1000x480 pixels)\n"
    pixels = _picture(output)
    assert pixels.shape == (480, 1000, 3)
    red, green, blue = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    reddish = (red - blue > 60) & (red - green > 60)
    bluish = (blue - red > 60) & (blue - green > 20)
    assert reddish.mean() > 0.01  # negative weights
    assert bluish.mean() > 0.01  # positive weights


SHOW_COMMANDS = [
    (["show", "samples"], (750, 860)),  # 36 digits: 6 x 6
    (["show", "confusion", "{model}"], (880, 780)),
    (["show", "mistakes", "{model}", "-n", "4"], (340, 400)),  # 4 digits: 2 x 2
]


@pytest.mark.parametrize(
    ("command", "size"), SHOW_COMMANDS, ids=["samples", "confusion", "mistakes"]
)
def test_show_commands_write_pictures_of_the_expected_size(
    capsys, tmp_path, synthetic_dir, command, size
):
    pytest.importorskip("matplotlib")
    model = tmp_path / "m.npz"
    # A model trained too briefly to be perfect, so there are mistakes to draw.
    run_quietly(
        "train",
        *synthetic(synthetic_dir),
        *["--steps", "1", "--batch-size", "20", "--learning-rate", "0.01"],
        "--save",
        model,
    )
    output = tmp_path / "picture.png"
    argv = [arg.format(model=model) for arg in command]
    code, out, _ = run(capsys, *argv, *synthetic(synthetic_dir), "-o", output)
    assert code == 0
    assert out == f"Wrote {output} ({size[0]}x{size[1]} pixels)\n"
    pixels = _picture(output)
    assert pixels.shape == (size[1], size[0], 3)
    assert pixels.std() > 20  # not blank


def test_show_weights_of_a_model_without_a_weight_map_is_an_error(
    capsys, tmp_path, synthetic_model, monkeypatch
):
    monkeypatch.delattr(models.softmax, "WEIGHT_MAP")
    code, _, err = run(capsys, "show", "weights", synthetic_model, "-o", tmp_path / "w.png")
    assert code == 1
    assert err.startswith(f"error: {synthetic_model}: ")
    assert not (tmp_path / "w.png").exists()
