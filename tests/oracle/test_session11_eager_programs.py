"""tf.function and AutoGraph while executing eagerly give TensorFlow's numbers: traced
conditionals and loops, a training step, a tape outside a function, variables made on the
first call, retracing, state changed in program order (eager_programs_session11.py, run by
both frameworks; values within 1e-5, texts exactly). Skipped without
``SMALLFLOW_ORACLE_PYTHON``."""

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
    folder = tmp_path_factory.mktemp("session11-eager")
    return (run_program("eager_programs_session11.py", "smallflow", folder, cwd=HERE),
            run_program("eager_programs_session11.py", "tensorflow", folder, cwd=HERE))


def test_every_recorded_value_matches_tensorflow(results):
    (ours, _), (theirs, _) = results
    assert sorted(ours) == sorted(theirs)
    for name in sorted(ours):
        assert ours[name].shape == theirs[name].shape, name
        np.testing.assert_allclose(ours[name], theirs[name], rtol=1e-5, atol=1e-6,
                                   err_msg=name)


def test_every_text_matches_tensorflow(results):
    (_, our_texts), (_, their_texts) = results
    assert our_texts == their_texts
