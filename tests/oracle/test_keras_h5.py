"""Keras HDF5 files cross between smallflow and TensorFlow: each engine loads the models the
other saved (a CNN with batch normalization, a functional embedding + LSTM model) and
predicts what the writer predicted. Skipped without ``SMALLFLOW_ORACLE_PYTHON`` or h5py."""

import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

HERE = pathlib.Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"
ORACLE_PYTHON = os.environ.get("SMALLFLOW_ORACLE_PYTHON")
OTHER = {"smallflow": "tensorflow", "tensorflow": "smallflow"}


def _step(action, backend, folder):
    python = sys.executable if backend == "smallflow" else ORACLE_PYTHON
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env["PYTHONPATH"] = str(SRC) if backend == "smallflow" else str(HERE)
    if backend == "smallflow":
        env["PYTHONPATH"] += os.pathsep + str(HERE)
    result = subprocess.run([python, str(HERE / "keras_h5.py"), action, backend, str(folder)],
                            capture_output=True, text=True, env=env, timeout=1200)
    assert result.returncode == 0, f"{action} by {backend}:\n{result.stderr[-3000:]}"
    return dict(np.load(folder / f"{action}-{backend}.npz"))


@pytest.mark.parametrize("writer", ["smallflow", "tensorflow"])
def test_the_other_engine_loads_and_predicts_the_same(writer, tmp_path):
    if not ORACLE_PYTHON:
        pytest.skip("TensorFlow oracle not configured: set SMALLFLOW_ORACLE_PYTHON to a Python "
                    "with tensorflow-cpu, tf-keras and h5py installed (see docs/oracle.md)")
    pytest.importorskip("h5py", reason="the h5 extra (pip install 'smallflow[h5]')")
    written = _step("write", writer, tmp_path)
    read = _step("read", OTHER[writer], tmp_path)
    for name in ("cnn", "text"):
        np.testing.assert_allclose(read[name], written[name], rtol=1e-5, atol=1e-6,
                                   err_msg=name)
    np.testing.assert_allclose(read["cnn_config"], [0.002], rtol=1e-6)
