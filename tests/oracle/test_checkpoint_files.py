"""Checkpoints cross between smallflow and TensorFlow: what one saves, the other restores.

Each framework runs checkpoint_files.py ``write`` (variables of every saved dtype, a softmax
regression with Adam's slots, 10,000 tensors in one checkpoint) and the other runs
``read`` on the files: ``list_variables``, ``NewCheckpointReader``, ``Saver.restore`` into
a fresh graph, and ``import_meta_graph`` + ``restore`` + one more training step. Skipped
without ``SMALLFLOW_ORACLE_PYTHON`` (a Python with tensorflow-cpu), as the other oracle tests.
"""

import base64
import json
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

HERE = pathlib.Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"
ORACLE_PYTHON = os.environ.get("SMALLFLOW_ORACLE_PYTHON")
WRITERS = ("smallflow", "tensorflow")
OTHER = {"smallflow": "tensorflow", "tensorflow": "smallflow"}
# TensorFlow's names of the dtypes saved, as its readers' debug strings print them.
DT_NAMES = {"float32": "DT_FLOAT", "float64": "DT_DOUBLE", "float16": "DT_HALF",
            "int32": "DT_INT32", "int64": "DT_INT64", "uint8": "DT_UINT8", "int8": "DT_INT8",
            "int16": "DT_INT16", "complex64": "DT_COMPLEX64", "bool": "DT_BOOL",
            "object": "DT_STRING"}


def _step(action, backend, folder):
    python = sys.executable if backend == "smallflow" else ORACLE_PYTHON
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    if backend == "smallflow":
        env["PYTHONPATH"] = str(SRC)
    else:
        env.pop("PYTHONPATH", None)
    result = subprocess.run([python, str(HERE / "checkpoint_files.py"), action, backend,
                             str(folder)], capture_output=True, text=True, env=env, timeout=1200)
    assert result.returncode == 0, f"{action} by {backend}:\n{result.stderr[-3000:]}"


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """``{writer: folder}``: each framework's checkpoints, read by the other."""
    if not ORACLE_PYTHON:
        pytest.skip("TensorFlow oracle not configured: set SMALLFLOW_ORACLE_PYTHON to a Python "
                    "with tensorflow-cpu installed (see README, 'TensorFlow oracle')")
    found = {}
    for writer in WRITERS:
        folder = tmp_path_factory.mktemp(f"checkpoint-by-{writer}")
        _step("write", writer, folder)
        _step("read", OTHER[writer], folder)
        found[writer] = folder
    return found


def _load(folder, stem):
    """The values saved under ``stem`` (numbers from .npz, strings from .json) and the extras."""
    extra = json.loads((folder / f"{stem}.json").read_text())
    with np.load(folder / f"{stem}.npz") as arrays:
        values = {name: arrays[name] for name in arrays.files}
    for name, encoded in extra.pop("strings").items():
        strings = [base64.b64decode(item) for item in encoded["strings"]]
        array = np.empty(len(strings), object)
        array[:] = strings
        values[name] = array.reshape(encoded["shape"])
    return values, extra


def _assert_same_values(got, expected, what):
    assert sorted(got) == sorted(expected), what
    for name, value in expected.items():
        assert got[name].dtype == value.dtype, f"{what}: {name}"
        assert got[name].shape == value.shape, f"{what}: {name}"
        np.testing.assert_array_equal(got[name], value, err_msg=f"{what}: {name}")


@pytest.mark.parametrize("writer", WRITERS)
def test_the_other_framework_reads_every_tensor_with_its_dtype_and_shape(folders, writer):
    written, _ = _load(folders[writer], "written")
    read, extra = _load(folders[writer], "read-reader")
    _assert_same_values(read, written, f"written by {writer}, NewCheckpointReader")
    assert extra["listed"] == [[name, list(written[name].shape)] for name in sorted(written)]
    assert extra["dtypes"] == {
        name: {"object": "string"}.get(value.dtype.name, value.dtype.name)
        for name, value in written.items()
    }
    expected_debug = "".join(
        f"{name} ({DT_NAMES[value.dtype.name]}) [{','.join(map(str, value.shape))}]\n"
        for name, value in sorted(written.items())
    )
    assert extra["debug_string"] == expected_debug


@pytest.mark.parametrize("stem", ["read-restored", "read-by-graph-ops"])
@pytest.mark.parametrize("writer", WRITERS)
def test_saver_restore_in_the_other_framework_gives_the_saved_values(folders, writer, stem):
    """By ``Saver.restore``, and by running the imported graph's ``save/restore_all``."""
    written, _ = _load(folders[writer], "written")
    restored, _ = _load(folders[writer], stem)
    _assert_same_values(restored, written, f"written by {writer}, {stem}")


@pytest.mark.parametrize("writer", WRITERS)
def test_import_meta_graph_and_restore_resumes_training_in_the_other_framework(
    folders, writer
):
    _, written = _load(folders[writer], "written")
    _, read = _load(folders[writer], "read-reader")
    np.testing.assert_allclose(read["next_loss"], written["next_loss"], rtol=1e-5)


@pytest.mark.parametrize("writer", WRITERS)
def test_ten_thousand_tensors_in_one_checkpoint_are_read(folders, writer):
    _, read = _load(folders[writer], "read-reader")
    assert read["wide_ok"]


@pytest.mark.parametrize("suffix", [".index", ".data-00000-of-00001"])
def test_both_frameworks_write_the_same_bytes_for_the_same_tensors(folders, suffix):
    """The index of 10,000 entries spans several SSTable blocks: block boundaries, index
    separators and checksums all agree with TensorFlow's to the byte."""
    ours = (folders["smallflow"] / f"wide{suffix}").read_bytes()
    theirs = (folders["tensorflow"] / f"wide{suffix}").read_bytes()
    assert ours == theirs
