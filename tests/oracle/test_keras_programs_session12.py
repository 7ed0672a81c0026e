"""Session 12's tf.keras programs give TensorFlow's numbers (keras_programs_session12.py):
Masking, stateful LSTM/GRU through predict/evaluate/train and reset_states, Conv3D and the
1-D/3-D shape layers, separable and depthwise convolutions, a decoder started from an
encoder's states (and rebuilt from its JSON), seeded Keras initializers.

Compared as test_keras_programs.py: rtol 1e-4, names, shapes and configs exactly. Skipped
without ``SMALLFLOW_ORACLE_PYTHON``.
"""

import pathlib
import sys

import numpy as np
import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from program_pair import ORACLE_PYTHON, run_program  # noqa: E402


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    if not ORACLE_PYTHON:
        pytest.skip("TensorFlow oracle not configured: set SMALLFLOW_ORACLE_PYTHON to a Python "
                    "with tensorflow-cpu and tf-keras installed (see docs/oracle.md)")
    folder = tmp_path_factory.mktemp("keras-programs-12")
    return (run_program("keras_programs_session12.py", "smallflow", folder, cwd=HERE),
            run_program("keras_programs_session12.py", "tensorflow", folder, cwd=HERE))


def test_every_recorded_value_matches_tensorflow(results):
    (ours, our_texts), (theirs, their_texts) = results
    assert sorted(ours) == sorted(theirs)
    for name in sorted(ours):
        assert ours[name].shape == theirs[name].shape, name
        np.testing.assert_allclose(ours[name], theirs[name], rtol=1e-4, atol=1e-6,
                                   err_msg=name)
    assert our_texts == their_texts
