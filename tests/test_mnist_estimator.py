"""examples/mnist_estimator.py: the tf.data + tf.estimator CNN runs, resumes and evaluates."""

import pathlib
import subprocess
import sys

import pytest

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "mnist_estimator.py"


@pytest.mark.slow
def test_estimator_example_trains_resumes_and_reports_test_accuracy(tmp_path):
    from smallflow.examples.tutorials.mnist import input_data

    data_dir = tmp_path / "MNIST_data"
    input_data.read_data_sets(str(data_dir))
    command = [sys.executable, str(EXAMPLE), "--data_dir", str(data_dir), "--model_dir",
               str(tmp_path / "model"), "--steps", "300"]
    first = subprocess.run(command, capture_output=True, text=True, check=True, timeout=1800)
    assert "global step 300: test accuracy" in first.stdout
    accuracy = float(first.stdout.split("test accuracy ")[1].split(",")[0])
    assert accuracy > 0.9
    second = subprocess.run(command, capture_output=True, text=True, check=True, timeout=1800)
    assert "global step 600: test accuracy" in second.stdout
