"""Run one oracle program script under smallflow and under TensorFlow (the script records
its values in an .npz and its printed texts in a .json beside it)."""

import json
import os
import pathlib
import subprocess
import sys

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
SRC = HERE.parents[1] / "src"
ORACLE_PYTHON = os.environ.get("SMALLFLOW_ORACLE_PYTHON")


def run_program(script, backend, folder, cwd=None):
    """``(values, texts)`` of ``script`` (a file beside this one) run with ``backend``."""
    python = sys.executable if backend == "smallflow" else ORACLE_PYTHON
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    if backend == "smallflow":
        env["PYTHONPATH"] = str(SRC)
    else:
        env.pop("PYTHONPATH", None)
    out = str(folder / f"{backend}.npz")
    result = subprocess.run([python, str(HERE / script), backend, out],
                            capture_output=True, text=True, env=env, timeout=1200, cwd=cwd)
    assert result.returncode == 0, f"{backend}:\n{result.stderr[-3000:]}"
    with open(out + ".json") as file:
        return dict(np.load(out)), json.load(file)
