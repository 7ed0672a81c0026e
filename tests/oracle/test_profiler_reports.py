"""tf.profiler prints TensorFlow's reports and counts: profiler_program.py runs under both
frameworks and its standard output must be equal, line for line (the parameter view with
name scopes and variable shapes, the FLOP view sorted by FLOPs, the totals of the tutorial
CNN's training graph). Skipped without ``SMALLFLOW_ORACLE_PYTHON``."""

import os
import pathlib
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
ORACLE_PYTHON = os.environ.get("SMALLFLOW_ORACLE_PYTHON")


def _stdout(backend):
    python = sys.executable if backend == "smallflow" else ORACLE_PYTHON
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    if backend == "smallflow":
        env["PYTHONPATH"] = str(HERE.parents[1] / "src")
    else:
        env.pop("PYTHONPATH", None)
    result = subprocess.run([python, str(HERE / "profiler_program.py"), backend],
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_profiler_reports_match_tensorflow():
    if not ORACLE_PYTHON:
        pytest.skip("TensorFlow oracle not configured: set SMALLFLOW_ORACLE_PYTHON")
    ours, theirs = _stdout("smallflow"), _stdout("tensorflow")
    assert "total float ops: 173476801" in theirs  # the CNN's training graph
    assert ours.splitlines() == theirs.splitlines()
