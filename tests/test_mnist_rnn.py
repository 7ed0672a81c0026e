"""examples/mnist_rnn.py runs as a TF1 program, and `smallflow train --model rnn` learns.

The example runs as a subprocess (a few steps, both unrollings); the model's short schedule
is a slow test that really trains on the full MNIST set.
"""

import os
import pathlib
import re
import subprocess
import sys

import pytest

from smallflow import models
from smallflow.examples.tutorials.mnist import input_data

ROOT = pathlib.Path(__file__).resolve().parents[1]
PROGRAM = ROOT / "examples" / "mnist_rnn.py"
STEP_LINE = re.compile(r"^Step (\d+), Minibatch Loss= ([0-9.]+), Training Accuracy= ([0-9.]+)$")
TEST_LINE = re.compile(r"^Testing Accuracy: ([0-9.e+-]+)$")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rnn") / "MNIST_data"
    input_data.read_data_sets(str(folder), one_hot=True)
    return folder


def _run(*args):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
               PYTHONPATH=str(ROOT / "src"))
    result = subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True,
                            check=True, timeout=600, env=env)
    return result.stdout.splitlines()


@pytest.mark.parametrize("flags", [
    [],
    # The static unrolling is the same program with another flag: checked in the slow run.
    pytest.param(["--static"], marks=pytest.mark.slow),
], ids=["dynamic_rnn", "static_rnn"])
def test_example_prints_progress_then_test_accuracy(data_dir, flags):
    lines = _run(PROGRAM, "--data_dir", data_dir, "--steps", "4", "--display_step", "2",
                 "--batch_size", "32", "--seed", "0", *flags)
    steps = [STEP_LINE.match(line) for line in lines[:-2]]
    assert all(steps), lines
    assert [int(m.group(1)) for m in steps] == [1, 2, 4]
    assert lines[-2] == "Optimization Finished!"
    final = TEST_LINE.match(lines[-1])
    assert final, lines
    assert 0.0 <= float(final.group(1)) <= 1.0


def test_rnn_model_is_registered_with_its_defaults():
    settings = models.hyperparameters("rnn")
    assert settings["batch_size"] == 128
    assert settings["optimizer"] == "adam"


@pytest.mark.slow
def test_rnn_model_short_schedule_reaches_95_percent(tmp_path, shared_mnist_dir):
    lines = _run("-m", "smallflow", "train", "--model", "rnn", "--steps", "600",
                 "--data-dir", shared_mnist_dir, "--seed", "0", "--json")
    text = "\n".join(lines)
    match = re.search(r'"accuracy": ([0-9.]+)', text)
    assert match, text
    assert float(match.group(1)) >= 0.95
