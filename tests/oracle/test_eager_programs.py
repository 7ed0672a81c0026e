"""Eager programs give TensorFlow's numbers and printouts: tensors, variables, tapes, seeded
random ops, optimizers, tf.data, Keras and tf.layers, control flow, a linear regression.

Both frameworks run cases_session10_eager.py with eager execution on (TensorFlow 2.21's
``compat.v1`` after ``tf.enable_eager_execution()``); values are compared with a relative
tolerance of 1e-4, printed texts exactly. Skipped without ``SMALLFLOW_ORACLE_PYTHON``.
"""

import pathlib
import sys

import numpy as np
import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from program_pair import ORACLE_PYTHON, run_program  # noqa: E402


def _run(backend, folder):
    return run_program("cases_session10_eager.py", backend, folder, cwd=HERE)


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
