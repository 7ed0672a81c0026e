"""TF1 TensorBoard tutorial programs run on smallflow with only their import lines changed.

``tests/programs/`` holds programs written against TensorFlow's API in the style of the
tutorial's ``fully_connected_feed.py`` and ``mnist_with_summaries.py`` (the
``smallflow.examples.tutorials.mnist.mnist`` model module, summaries, FileWriters, traced
runs, Saver). When ``SMALLFLOW_TF_EXAMPLES`` names a folder holding TensorFlow's own two
files, those are run too, with their ``tensorflow`` imports pointed at smallflow.
"""

import os
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")

from tensorboard.backend.event_processing import event_accumulator  # noqa: E402

import smallflow as tf  # noqa: E402
from smallflow.examples.tutorials.mnist import mnist  # noqa: E402

PROGRAMS = pathlib.Path(__file__).resolve().parent / "programs"
SRC = pathlib.Path(__file__).resolve().parents[1] / "src"


def _run(script, *args, cwd):
    env = dict(os.environ, PYTHONPATH=str(SRC))
    result = subprocess.run([sys.executable, str(script), *map(str, args)], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _accumulator(path):
    acc = event_accumulator.EventAccumulator(str(path), size_guidance={"images": 0})
    acc.Reload()
    return acc


def test_the_mnist_module_builds_the_tutorials_network():
    images = tf.placeholder(tf.float32, [None, mnist.IMAGE_PIXELS])
    labels = tf.placeholder(tf.int32, [None])
    logits = mnist.inference(images, 16, 8)
    loss = mnist.loss(logits, labels)
    train = mnist.training(loss, 0.1)
    correct = mnist.evaluation(logits, labels)
    assert (mnist.NUM_CLASSES, mnist.IMAGE_SIZE, mnist.IMAGE_PIXELS) == (10, 28, 784)
    assert [v.op.name for v in tf.trainable_variables()] == [
        "hidden1/weights", "hidden1/biases", "hidden2/weights", "hidden2/biases",
        "softmax_linear/weights", "softmax_linear/biases"]
    assert logits.shape.as_list() == [None, 10]
    assert correct.dtype == tf.int32
    assert tf.get_collection(tf.GraphKeys.SUMMARIES)[0].op.name == "loss"
    rng = np.random.default_rng(0)
    feed = {images: rng.random((20, 784), dtype=np.float32), labels: rng.integers(0, 10, 20)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(loss, feed)
        for _ in range(20):
            sess.run(train, feed)
        assert sess.run(loss, feed) < before
        assert sess.run("global_step:0") == 20
        assert 0 <= sess.run(correct, feed) <= 20


def test_fully_connected_feed_trains_logs_and_checkpoints(tmp_path):
    out = _run(PROGRAMS / "fully_connected_feed.py", "--max_steps", 300,
               "--log_dir", tmp_path / "logs", "--input_data_dir", tmp_path / "data",
               cwd=tmp_path)
    precisions = [float(p) for p in re.findall(r"Precision @ 1: ([0-9.]+)", out)]
    assert len(precisions) == 3
    # Chance is 0.1; 300 unseeded steps of plain gradient descent at 0.01 reach 0.48-0.8.
    assert min(precisions) > 0.3
    logs = tmp_path / "logs"
    acc = _accumulator(logs)
    assert [s.step for s in acc.Scalars("loss")] == [0, 100, 200]
    assert "hidden1/weights" in {n.name for n in acc.Graph().node}
    assert (logs / "model.ckpt-299.meta").is_file()
    with tf.Graph().as_default():
        saver = tf.train.import_meta_graph(str(logs / "model.ckpt-299.meta"))
        with tf.Session() as sess:
            saver.restore(sess, str(logs / "model.ckpt-299"))
            assert sess.run("global_step:0") == 300


@pytest.mark.slow  # 100 steps of a 500-unit network with summaries: seconds, in a subprocess
def test_mnist_with_summaries_writes_every_dashboard(tmp_path):
    out = _run(PROGRAMS / "mnist_with_summaries.py", "--fake_data", "--max_steps", 100,
               "--log_dir", tmp_path / "logs", "--data_dir", tmp_path / "data", cwd=tmp_path)
    assert "Adding run metadata for 99" in out
    train = _accumulator(tmp_path / "logs" / "train")
    tags = train.Tags()
    assert "cross_entropy_1" in tags["scalars"]
    assert "layer1/weights/summaries/mean_1" in tags["scalars"]
    assert "layer1/activations" in tags["histograms"]
    assert "input_reshape/input/image/9" in tags["images"]
    assert tags["run_metadata"] == ["step099"]
    steps = [s.step for s in train.Scalars("cross_entropy_1")]
    assert steps == [i for i in range(100) if i % 10]
    stats = train.RunMetadata("step099").step_stats.dev_stats[0].node_stats
    assert any(n.node_name == "layer1/Wx_plus_b/MatMul" for n in stats)
    assert "layer2/Wx_plus_b/MatMul" in {n.name for n in train.Graph().node}
    test = _accumulator(tmp_path / "logs" / "test")
    assert [s.step for s in test.Scalars("accuracy_1")] == list(range(0, 100, 10))


@pytest.mark.slow
def test_mnist_with_summaries_learns_on_real_data(tmp_path):
    _run(PROGRAMS / "mnist_with_summaries.py", "--max_steps", 101,
         "--log_dir", tmp_path / "logs", "--data_dir", tmp_path / "data", cwd=tmp_path)
    test = _accumulator(tmp_path / "logs" / "test")
    assert test.Scalars("accuracy_1")[-1].value > 0.88  # TensorFlow: about 0.92 at step 100


def _tensorflow_original(name):
    folder = os.environ.get("SMALLFLOW_TF_EXAMPLES")
    path = pathlib.Path(folder) / name if folder else None
    if path is None or not path.is_file():
        pytest.skip(f"set SMALLFLOW_TF_EXAMPLES to a folder with TensorFlow's {name} (its "
                    "r1.15 tensorflow/examples/tutorials/mnist/; no TensorFlow wheel ships it)")
    return path.read_text()


def _with_smallflow_imports(source):
    source = source.replace("import tensorflow as tf", "import smallflow as tf")
    return source.replace("from tensorflow.examples.", "from smallflow.examples.")


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("fully_connected_feed.py", ["--max_steps", "200", "--fake_data"]),
        ("mnist_with_summaries.py", ["--max_steps", "100", "--fake_data"]),
    ],
)
def test_tensorflows_own_programs_run_with_only_their_imports_changed(tmp_path, name, args):
    program = tmp_path / name
    program.write_text(_with_smallflow_imports(_tensorflow_original(name)))
    _run(program, *args, "--log_dir", tmp_path / "logs", cwd=tmp_path)
    assert list((tmp_path / "logs").rglob("events.out.tfevents.*"))
