"""tf.keras.applications against TensorFlow's tf_keras: the same architectures (parameter
counts) and the same predictions once smallflow loads the weights tf_keras saved. Skipped
without ``SMALLFLOW_ORACLE_PYTHON`` or h5py."""

import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

HERE = pathlib.Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"
ORACLE_PYTHON = os.environ.get("SMALLFLOW_ORACLE_PYTHON")
sys.path.insert(0, str(HERE))

from keras_applications_program import MODELS  # noqa: E402


def _run(action, backend, folder):
    python = sys.executable if backend == "smallflow" else ORACLE_PYTHON
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(SRC) + os.pathsep + str(HERE))
    result = subprocess.run([python, str(HERE / "keras_applications_program.py"), action,
                             backend, str(folder)], capture_output=True, text=True, env=env,
                            timeout=1800)
    assert result.returncode == 0, f"{action} by {backend}:\n{result.stderr[-3000:]}"
    return dict(np.load(folder / f"{backend}.npz"))


def test_models_predict_what_tensorflow_predicts_with_its_weights(tmp_path):
    if not ORACLE_PYTHON:
        pytest.skip("TensorFlow oracle not configured: set SMALLFLOW_ORACLE_PYTHON to a Python "
                    "with tensorflow-cpu, tf-keras and h5py installed (see docs/oracle.md)")
    pytest.importorskip("h5py", reason="the h5 extra (pip install 'smallflow[h5]')")
    expected = _run("write", "tensorflow", tmp_path)
    got = _run("read", "smallflow", tmp_path)
    for name, _, _ in MODELS:
        assert got[name + "_params"] == expected[name + "_params"], name
        scale = np.abs(expected[name]).max()
        np.testing.assert_allclose(got[name], expected[name], rtol=2e-4, atol=2e-5 * scale,
                                   err_msg=name)
