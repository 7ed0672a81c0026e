"""What a new user hit (issue 15): bad input of every kind gets one error line, never a
traceback; divergence stops training; limits on what a command will read or draw."""

import io
import json
import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from test_cli import run, synthetic, synthetic_dir, synthetic_model  # noqa: F401 - fixtures

from smallflow import cli, models
from smallflow.train import checkpoint_utils

Image = pytest.importorskip("PIL.Image")


# -- models damaged in ways a user met ----------------------------------------------------------


def _rewrite(source, target, change_arrays=None, change_metadata=None):
    """Copy the saved model ``source`` to ``target`` with its arrays or metadata changed."""
    prefix = models.model_prefix(source)
    reader = checkpoint_utils.load_checkpoint(prefix)
    arrays = {name: reader.get_tensor(name) for name in reader.get_variable_to_shape_map()}
    record = reader.metadata
    if change_arrays:
        change_arrays(arrays)
    if change_metadata:
        change_metadata(record["metadata"])
    checkpoint_utils.write_checkpoint(models.model_prefix(target), arrays, record)
    return target


def _nan_weights(model, folder):
    def poison(arrays):
        for array in arrays.values():
            array.fill(np.nan)

    return _rewrite(model, folder / "nan.npz", change_arrays=poison)


def _huge_shape(model, folder):
    """A member whose header claims 100000 x 100000 x 10 floats (37 GB) over a few bytes."""
    target = folder / "huge.npz"
    with zipfile.ZipFile(model) as original, zipfile.ZipFile(target, "w") as copy:
        for item in original.infolist():
            data = original.read(item)
            if item.filename != ":metadata.npy":
                header = io.BytesIO()
                np.lib.format.write_array_header_1_0(
                    header, {"descr": "<f4", "fortran_order": False, "shape": (100000, 100000, 10)}
                )
                data = header.getvalue() + b"\0" * 64
            copy.writestr(item, data)
    return target


def _mistyped_metadata(model, folder):
    def spoil(metadata):
        metadata["hyperparameters"]["validation_size"] = "lots"
        metadata["hyperparameters"]["steps"] = "many"

    return _rewrite(model, folder / "typed.npz", change_metadata=spoil)


def _hyperparameters_a_list(model, folder):
    def spoil(metadata):
        metadata["hyperparameters"] = [1, 2]

    return _rewrite(model, folder / "list.npz", change_metadata=spoil)


def _a_named_pipe(model, folder):
    target = folder / "pipe.npz"
    os.mkfifo(target)
    return target


def _a_folder(model, folder):
    target = folder / "dir.npz"
    target.mkdir()
    return target


BAD_MODELS = [_nan_weights, _huge_shape, _mistyped_metadata, _hyperparameters_a_list,
              _a_named_pipe, _a_folder]
MODEL_COMMANDS = [
    ["evaluate"],
    ["show", "weights"],
    ["show", "confusion"],
    ["show", "mistakes"],
    ["predict"],
]


def _one_error_line(err):
    lines = [line for line in err.splitlines() if "error:" in line]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("make", BAD_MODELS, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("command", MODEL_COMMANDS, ids=" ".join)
def test_every_model_command_gives_one_error_line_for_a_bad_model(
    capsys, tmp_path, synthetic_dir, synthetic_model, make, command  # noqa: F811
):
    bad = make(synthetic_model, tmp_path)
    picture = tmp_path / "digit.png"
    drawing = np.full((40, 40), 255, dtype=np.uint8)
    drawing[5:35, 18:22] = 0
    Image.fromarray(drawing).save(picture)
    argv = [*command, bad]
    if command == ["predict"]:
        argv.append(picture)
    elif command == ["show", "weights"]:
        pass
    elif make is _mistyped_metadata:
        argv += ["--data-dir", synthetic_dir]  # the validation size comes from the metadata
    else:
        argv += synthetic(synthetic_dir)
    if command[0] == "show":
        argv += ["-o", tmp_path / "out.png"]
    code, out, err = run(capsys, *argv)
    if make is _mistyped_metadata and command in (["predict"], ["show", "weights"]):
        assert code == 0, err  # these commands do not need the spoilt settings
        return
    assert code == 1
    line = _one_error_line(err)
    assert line.startswith("error: ")
    assert str(bad) in line
    if make is _nan_weights:
        assert "NaN" in line
        assert "diverged" in line
    if make is _huge_shape:
        assert "declares shape [100000, 100000, 10]" in line


# -- bad arguments and files, every command ------------------------------------------------------


def _corrupt_png(folder):
    """A real digit PNG with one byte of its image data changed."""
    buffer = io.BytesIO()
    picture = np.full((60, 60), 255, dtype=np.uint8)
    picture[10:50, 28:33] = 0
    Image.fromarray(picture).save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    data[data.index(b"IDAT") + 12] ^= 0x55
    target = folder / "corrupt.png"
    target.write_bytes(bytes(data))
    return target


def _bomb_png(folder):
    """A small file that declares 13000 x 13000 pixels."""
    target = folder / "bomb.png"
    Image.new("1", (13000, 13000), 1).save(target, optimize=True)
    return target


def _pipe(folder):
    target = folder / "pipe.png"
    os.mkfifo(target)
    return target


# (argv with {model}, {data}... placeholders, expected exit code, words in the error line)
BAD_INPUTS = [
    ("train --save {empty}", 2, "must not be empty"),
    ("train --threads -1", 2, "--threads"),
    ("train --steps 0", 2, "--steps"),
    ("train --learning-rate nan", 2, "--learning-rate"),
    ("train --data-dir {empty}", 2, "--data-dir"),
    ("train --data-dir {file} ", 1, "cannot read MNIST"),
    ("train --save {file}/model.npz {data}", 1, "is not a folder"),
    ("train --save {tmp} {data}", 1, "it is a folder"),
    ("evaluate {missing}", 1, "no such model file"),
    ("evaluate {model} --threads x", 2, "--threads"),
    ("predict {model} {missing_png}", 1, "no such file"),
    ("predict {model} {pipe}", 1, "not a regular file"),
    ("predict {model} {corrupt}", 1, "checksum"),
    ("predict {model} {bomb}", 1, "megapixels"),
    ("predict {model} {file}", 1, "not an image"),
    ("predict {model} {empty}", 2, "must not be empty"),
    ("predict {model} {digit} --show-input {tmp}", 1, "it is a folder"),
    ("show samples -n 100000 {data}", 2, "at most 400"),
    ("show mistakes {model} -n 0 {data}", 2, "positive"),
    ("show weights {model} -o {empty}", 2, "must not be empty"),
    ("show confusion {model} --data-dir {file} --validation-size 100", 1, "cannot read MNIST"),
    ("show", 2, "required"),
]


@pytest.mark.parametrize(("template", "code", "words"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_to_any_command_is_one_error_line_and_exit_1_or_2(
    capsys, tmp_path, synthetic_dir, synthetic_model, template, code, words  # noqa: F811
):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a picture\n")
    digit = tmp_path / "digit.png"
    picture = np.full((60, 60), 255, dtype=np.uint8)
    picture[10:50, 28:33] = 0
    Image.fromarray(picture).save(digit)
    places = {
        "model": synthetic_model,
        "data": " ".join(str(a) for a in synthetic(synthetic_dir)),
        "file": text_file,
        "tmp": tmp_path,
        "missing": tmp_path / "missing.npz",
        "missing_png": tmp_path / "missing.png",
        "digit": digit,
    }
    argv = []
    for word in template.split():
        if word == "{empty}":
            argv.append("")
        elif word == "{pipe}":
            argv.append(_pipe(tmp_path))
        elif word == "{corrupt}":
            argv.append(_corrupt_png(tmp_path))
        elif word == "{bomb}":
            argv.append(_bomb_png(tmp_path))
        else:
            argv.extend(word.format(**places).split())
    found, out, err = run(capsys, *argv)
    assert found == code, err
    assert words in _one_error_line(err)


def test_the_command_line_shows_no_traceback_in_a_real_process(tmp_path):
    picture = _bomb_png(tmp_path)
    completed = subprocess.run(
        [sys.executable, "-m", "smallflow", "predict", tmp_path / "none.npz", picture],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert completed.stderr.count("error:") == 1


# -- divergence -------------------------------------------------------------------------------


def test_a_diverging_run_stops_with_exit_1_saves_nothing_and_json_says_so(
    capsys, tmp_path, synthetic_dir  # noqa: F811
):
    target = tmp_path / "model.npz"
    code, out, err = run(
        capsys, "train", *synthetic(synthetic_dir), "--learning-rate", "1e38", "--steps", "50",
        "--save", target, "--json",
    )
    assert code == 1
    record = json.loads(out)  # strict JSON: no NaN
    assert record["status"] == "diverged"
    assert record["loss"] is None
    assert record["accuracy"] is None
    assert 1 <= record["diverged_at_step"] <= 50
    line = _one_error_line(err)
    assert "diverged" in line
    assert "--learning-rate" in line
    assert "nothing was saved" in line
    assert list(tmp_path.iterdir()) == []


def test_a_finished_run_reports_status_ok_in_json(capsys, synthetic_dir):  # noqa: F811
    code, out, _ = run(capsys, "train", *synthetic(synthetic_dir), "--steps", "5", "--json")
    assert code == 0
    assert json.loads(out)["status"] == "ok"


# -- smaller points ---------------------------------------------------------------------------


def test_the_final_loss_does_not_depend_on_the_log_interval(capsys, synthetic_dir):  # noqa: F811
    losses = set()
    for interval in ("0", "7", "25", "100"):
        code, out, _ = run(
            capsys, "train", *synthetic(synthetic_dir), "--steps", "60", "--batch-size", "20",
            "--log-interval", interval, "--json",
        )
        assert code == 0
        losses.add(json.loads(out)["loss"])
    assert len(losses) == 1


def test_train_save_creates_missing_folders_as_show_output_does(
    capsys, tmp_path, synthetic_dir, synthetic_model  # noqa: F811
):
    target = tmp_path / "new" / "deeper" / "model.npz"
    code, _, err = run(capsys, "train", *synthetic(synthetic_dir), "--steps", "3", "--save", target)
    assert code == 0, err
    assert target.is_file()
    picture = tmp_path / "other" / "weights.png"
    assert run(capsys, "show", "weights", synthetic_model, "-o", picture)[0] == 0
    assert picture.is_file()


def test_the_samples_picture_says_which_training_digits_it_shows(
    capsys, tmp_path, monkeypatch, synthetic_dir  # noqa: F811
):
    from smallflow import viz

    titles = []
    original = viz.samples_figure

    def spy(*args, **kwargs):
        titles.append(kwargs["title"])
        return original(*args, **kwargs)

    monkeypatch.setattr(viz, "samples_figure", spy)
    out_png = tmp_path / "s.png"
    arguments = ("show", "samples", *synthetic(synthetic_dir), "-n", "4", "-o", out_png)
    assert run(capsys, *arguments)[0] == 0
    assert titles[-1].startswith("Training digits 101-104 of the MNIST training file")
    run(capsys, "show", "samples", "--data-dir", synthetic_dir, "--validation-size", "0",
        "-n", "4", "-o", out_png)
    assert titles[-1].startswith("The first 4 digits of the MNIST training file")


def test_every_command_takes_threads(capsys):
    parser = cli._build_parser()
    leaves = list(cli._leaf_parsers(parser))
    assert len(leaves) >= 7
    for leaf in leaves:
        assert any("--threads" in action.option_strings for action in leaf._actions), leaf.prog


def test_threads_sets_the_blas_thread_count(capsys, synthetic_dir, monkeypatch):  # noqa: F811
    from smallflow import config

    chosen = []
    monkeypatch.setattr(config, "set_threads", chosen.append)
    run(capsys, "train", *synthetic(synthetic_dir), "--steps", "2", "--threads", "1")
    run(capsys, "show", "samples", "--threads", "0", *synthetic(synthetic_dir), "-o", os.devnull)
    assert chosen == [1, 0]


def test_a_ragged_feed_gives_a_short_error_message():
    import smallflow as tf

    x = tf.placeholder(tf.float32, [None, 3])
    with tf.Session() as sess, pytest.raises(ValueError, match="x|Placeholder") as caught:
        sess.run(x, {x: [[1, 2, 3]] * 100000 + [[1]]})
    assert len(str(caught.value)) < 1000


# -- predict: what the model saw, and doubtful pictures -------------------------------------------


def test_predict_show_input_writes_the_28x28_images_the_model_saw(
    capsys, tmp_path, synthetic_model  # noqa: F811
):
    paths = []
    for index in range(2):
        picture = np.full((80, 60), 255, dtype=np.uint8)
        picture[10:70, 25 + index * 5 : 32 + index * 5] = 0
        path = tmp_path / f"d{index}.png"
        Image.fromarray(picture).save(path)
        paths.append(path)
    shown = tmp_path / "seen" / "input.png"
    code, out, err = run(capsys, "predict", synthetic_model, *paths, "--show-input", shown,
                         "--json")
    assert code == 0, err
    with Image.open(shown) as picture:
        assert picture.size == (56, 28)
        seen = np.asarray(picture)
    from smallflow import imaging

    expected = np.round(imaging.load_digit(paths[0]).reshape(28, 28) * 255)
    np.testing.assert_array_equal(seen[:, :28], expected)
    assert [r["file"] for r in json.loads(out)] == [str(p) for p in paths]


def test_predict_warns_about_several_digits_or_ink_everywhere(
    capsys, tmp_path, synthetic_model  # noqa: F811
):
    two = np.full((100, 200), 255, dtype=np.uint8)
    two[20:80, 40:48] = 0
    two[20:80, 150:158] = 0
    Image.fromarray(two).save(tmp_path / "two.png")
    code, out, err = run(capsys, "predict", synthetic_model, tmp_path / "two.png", "--json")
    assert code == 0
    assert "warning:" in err
    assert "separate marks" in err
    assert any("separate marks" in note for note in json.loads(out)[0]["warnings"])
