"""tf.keras.applications against TensorFlow's (tf_keras): every case's layer names and
types, parameter count and output shape, and the predictions of smallflow's model loading
the weight file tf_keras saved (``keras_applications_layers.py`` runs each engine in a subprocess).
Skipped without ``SMALLFLOW_ORACLE_PYTHON`` or h5py.

The oracle is a later Keras than TensorFlow 1.15's (keras_applications 1.0.8), which
smallflow follows; the differences below are the documented renames and the padding layers
1.0.8 had and later Keras folded into 'same' convolutions. No weight-carrying layer differs.
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
sys.path.insert(0, str(HERE))
from keras_applications_layers import CASES  # noqa: E402

# TensorFlow 1.15's name -> tf_keras 2.x's, by model family
RENAMED = {
    "resnet": {"probs": "predictions"},
    "densenet": {"fc1000": "predictions"},
    "mobilenet_v2": {"Logits": "predictions"},
    "mobilenet": {"act_softmax": "predictions"},
}
ONLY_IN_1_15 = {"mobilenet": {"conv1_pad", "reshape_1"}, "mobilenet_v2": {"Conv1_pad"}}


def _family(case):
    for family in ("mobilenet_v2", "mobilenet", "densenet", "resnet",
                   "inception_resnet_v2"):
        if case.startswith(family):
            return family
    return case


def _as_tf_keras(case, names, types):
    family = _family(case)
    kept = [(name, kind) for name, kind in zip(names, types)
            if name not in ONLY_IN_1_15.get(family, ())]
    renamed = RENAMED.get(family, {})
    if family == "inception_resnet_v2":  # 1.0.8's scaled sum was a Lambda named after its
        count = 0                        # block; tf_keras has an unnamed CustomScaleLayer
        out = []
        for name, kind in kept:
            if kind == "Lambda":
                name = "custom_scale_layer" + (f"_{count}" if count else "")
                kind = "CustomScaleLayer"
                count += 1
            out.append((name, kind))
        kept = out
    return [renamed.get(name, name) for name, _ in kept], [kind for _, kind in kept]


def _run(backend, folder):
    python = sys.executable if backend == "smallflow" else ORACLE_PYTHON
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), str(HERE)] if backend == "smallflow"
                                        else [str(HERE)])
    result = subprocess.run([python, str(HERE / "keras_applications_layers.py"), backend,
                             str(folder)], capture_output=True, text=True, env=env,
                            timeout=3000)
    assert result.returncode == 0, f"{backend}:\n{result.stderr[-3000:]}"
    with open(folder / f"{backend}.json") as file:
        return json.load(file)


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    if not ORACLE_PYTHON:
        pytest.skip("TensorFlow oracle not configured: set SMALLFLOW_ORACLE_PYTHON to a Python "
                    "with tensorflow-cpu, tf-keras and h5py installed (see docs/oracle.md)")
    pytest.importorskip("h5py", reason="the h5 extra (pip install 'smallflow[h5]')")
    folder = tmp_path_factory.mktemp("applications")
    theirs = _run("tensorflow", folder)  # writes the weight files smallflow then loads
    ours = _run("smallflow", folder)
    return folder, theirs, ours


@pytest.mark.parametrize("case", [case[0] for case in CASES])
def test_architecture_matches_tensorflows(records, case):
    _, theirs, ours = records
    mine = ours[case]
    assert mine["params"] == theirs[case]["params"]
    assert mine["output_shape"] == theirs[case]["output_shape"]
    names, types = _as_tf_keras(case, mine["names"], mine["types"])
    assert names == theirs[case]["names"]
    assert types == theirs[case]["types"]


@pytest.mark.parametrize("case", [case[0] for case in CASES if case[3]])
def test_predictions_from_tensorflows_weight_file_match(records, case):
    folder, _, _ = records
    want = np.load(folder / f"{case}-tensorflow.npy")
    got = np.load(folder / f"{case}-smallflow.npy")
    scale = float(np.abs(want).max())
    assert scale > 1e-3  # the fixed weights keep the signal alive
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5 * scale)
