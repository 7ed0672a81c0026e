"""GraphDef and MetaGraph files cross between smallflow and TensorFlow and run the same.

smallflow writes the tutorial's softmax regression, an MLP and a CNN (each with its training
step) as ``tf.train.write_graph`` and ``Saver.save``'s ``.meta``; TensorFlow imports them
(``tf.import_graph_def``, ``tf.train.import_meta_graph``), starts from the same variable
values, trains two steps on the same batch and must fetch the loss, accuracy and
probabilities smallflow fetched. Then the other way round: TensorFlow writes, smallflow
imports and runs. The programs are in graph_files.py. Skipped without
``SMALLFLOW_ORACLE_PYTHON`` (a Python with tensorflow-cpu), as the other oracle tests.
"""

import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

HERE = pathlib.Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"
ORACLE_PYTHON = os.environ.get("SMALLFLOW_ORACLE_PYTHON")
MODELS = ("softmax", "mlp", "cnn")
FORMS = ("graph_def", "meta_graph")
FETCHES = ("loss:0", "accuracy:0", "probabilities:0")


def _step(python, action, backend, folder):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    if backend == "smallflow":
        env["PYTHONPATH"] = str(SRC)
    else:
        env.pop("PYTHONPATH", None)
    result = subprocess.run([python, str(HERE / "graph_files.py"), action, backend,
                             str(folder)], capture_output=True, text=True, env=env,
                            timeout=1200)
    assert result.returncode == 0, f"{action} by {backend}:\n{result.stderr[-3000:]}"


@pytest.fixture(scope="module", params=["smallflow", "tensorflow"])
def crossed(request, tmp_path_factory):
    """``(writer, folder)``: files written by ``writer``, run by the other framework."""
    if not ORACLE_PYTHON:
        pytest.skip("TensorFlow oracle not configured: set SMALLFLOW_ORACLE_PYTHON to a Python "
                    "with tensorflow-cpu installed (see README, 'TensorFlow oracle')")
    writer = request.param
    reader = "tensorflow" if writer == "smallflow" else "smallflow"
    pythons = {"smallflow": sys.executable, "tensorflow": ORACLE_PYTHON}
    folder = tmp_path_factory.mktemp(f"written-by-{writer}")
    _step(pythons[writer], "write", writer, folder)
    _step(pythons[reader], "run", reader, folder)
    return writer, reader, folder


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("model", MODELS)
def test_graph_files_run_the_same_in_the_other_framework(crossed, model, form):
    writer, reader, folder = crossed
    with np.load(folder / f"{model}-results.npz") as arrays:
        expected = {name: arrays[name] for name in arrays.files}
    with np.load(folder / f"run-by-{reader}.npz") as arrays:
        got = {name: arrays[f"{model}/{form}/{name}"] for name in FETCHES}
    assert sorted(expected) == sorted(FETCHES)
    for name in FETCHES:
        np.testing.assert_allclose(got[name], expected[name], rtol=2e-5, atol=2e-5,
                                   err_msg=f"{model} written by {writer} as {form}, run by "
                                           f"{reader}: {name}")
