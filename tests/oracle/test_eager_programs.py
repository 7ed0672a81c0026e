"""Eager programs give TensorFlow's numbers and printouts: tensors, variables, tapes, seeded
random ops, optimizers, tf.data, Keras and tf.layers, control flow, a linear regression.

Both frameworks run cases_session10_eager.py with eager execution on (TensorFlow 2.21's
``compat.v1`` after ``tf.enable_eager_execution()``); values are compared with a relative
tolerance of 1e-4, printed texts exactly. Skipped without ``SMALLFLOW_ORACLE_PYTHON``.
"""

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


def _run(backend, folder):
    python = sys.executable if backend == "smallflow" else ORACLE_PYTHON
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    if backend == "smallflow":
        env["PYTHONPATH"] = str(SRC)
    else:
        env.pop("PYTHONPATH", None)
    out = str(folder / f"{backend}.npz")
    result = subprocess.run([python, str(HERE / "cases_session10_eager.py"), backend, out],
                            capture_output=True, text=True, env=env, timeout=1200, cwd=HERE)
    assert result.returncode == 0, f"{backend}:\n{result.stderr[-3000:]}"
    with open(out + ".json") as file:
        return dict(np.load(out)), json.load(file)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    if not ORACLE_PYTHON:
        pytest.skip("TensorFlow oracle not configured: set SMALLFLOW_ORACLE_PYTHON to a Python "
                    "with tensorflow-cpu and tf-keras installed (see docs/oracle.md)")
    folder = tmp_path_factory.mktemp("eager-programs")
    return _run("smallflow", folder), _run("tensorflow", folder)


def test_every_recorded_value_matches_tensorflow(results):
    (ours, _), (theirs, _) = results
    assert sorted(ours) == sorted(theirs)
    for name in sorted(ours):
        assert ours[name].shape == theirs[name].shape, name
        np.testing.assert_allclose(ours[name], theirs[name], rtol=1e-4, atol=1e-6,
                                   err_msg=name)


def test_every_printed_text_matches_tensorflow(results):
    (_, our_texts), (_, their_texts) = results
    assert sorted(our_texts) == sorted(their_texts)
    for name in sorted(our_texts):
        assert our_texts[name] == their_texts[name], name
