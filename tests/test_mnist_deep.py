"""The "Deep MNIST for Experts" example program runs with its flags and prints as the tutorial."""

import os
import pathlib
import re
import subprocess
import sys

import pytest

from smallflow.examples.tutorials.mnist import input_data

ROOT = pathlib.Path(__file__).resolve().parents[1]
PROGRAM = ROOT / "examples" / "mnist_deep.py"
STEP_LINE = re.compile(r"^step (\d+), training accuracy ([0-9.e+-]+)$")
TEST_LINE = re.compile(r"^test accuracy ([0-9.e+-]+)$")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """A folder that already holds the MNIST files (copied and decoded once)."""
    folder = tmp_path_factory.mktemp("deep") / "MNIST_data"
    input_data.read_data_sets(str(folder), one_hot=True)
    return folder


def _run(data_dir, *flags):
    # One BLAS thread: the test checks behaviour, and a busy machine makes threads thrash.
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    result = subprocess.run(
        [sys.executable, str(PROGRAM), "--data_dir", str(data_dir), *flags],
        capture_output=True, text=True, check=True, timeout=600, env=env,
    )
    return result.stdout.splitlines()


def test_prints_training_accuracy_every_100_steps_then_test_accuracy(data_dir):
    lines = _run(data_dir, "--steps", "101", "--seed", "0")

    steps = [STEP_LINE.match(line) for line in lines[:-1]]
    assert all(steps), lines
    assert [int(m.group(1)) for m in steps] == [0, 100]
    assert all(0.0 <= float(m.group(2)) <= 1.0 for m in steps)
    final = TEST_LINE.match(lines[-1])
    assert final, lines
    # 101 Adam steps of 50 images already classify most digits (chance is 0.1).
    assert 0.6 < float(final.group(1)) <= 1.0


def test_help_states_the_tutorial_defaults():
    result = subprocess.run([sys.executable, str(PROGRAM), "--help"], capture_output=True,
                            text=True, check=True, timeout=60)
    assert "--steps" in result.stdout
    assert "(default: 20000)" in result.stdout
    assert "--seed" in result.stdout
    assert "--data_dir" in result.stdout
