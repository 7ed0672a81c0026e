"""tf.keras programs give TensorFlow's numbers: forward passes with set weights, one SGD step,
Adam and momentum fits with validation, batch normalization in fit, a functional model.

Both frameworks run keras_programs.py; values are compared with a relative tolerance of
1e-4 (float32 training over a few steps), names and shapes exactly. Skipped without
``SMALLFLOW_ORACLE_PYTHON``, as the other oracle tests.
"""

import pathlib
import sys

import numpy as np
import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from program_pair import ORACLE_PYTHON, run_program  # noqa: E402


def _run(backend, folder):
    return run_program("keras_programs.py", backend, folder)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    if not ORACLE_PYTHON:
        pytest.skip("TensorFlow oracle not configured: set SMALLFLOW_ORACLE_PYTHON to a Python "
                    "with tensorflow-cpu and tf-keras installed (see docs/oracle.md)")
    folder = tmp_path_factory.mktemp("keras-programs")
    return _run("smallflow", folder), _run("tensorflow", folder)


def test_every_recorded_value_matches_tensorflow(results):
    (ours, our_texts), (theirs, their_texts) = results
    assert sorted(ours) == sorted(theirs)
    for name in sorted(ours):
        assert ours[name].shape == theirs[name].shape, name
        np.testing.assert_allclose(ours[name], theirs[name], rtol=1e-4, atol=1e-6,
                                   err_msg=name)
    assert sorted(our_texts) == sorted(their_texts)
    for name in sorted(our_texts):
        # history keys included: TF 1.x's 'acc' for metrics=['accuracy']
        assert our_texts[name] == their_texts[name], name
