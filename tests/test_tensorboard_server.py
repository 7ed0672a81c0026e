"""TensorBoard itself reads what smallflow writes: a real server over HTTP, and the CLI's logs."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import numpy as np
import pytest

pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")

from tensorboard.backend.event_processing import event_accumulator  # noqa: E402

import smallflow as tf  # noqa: E402
from smallflow import cli  # noqa: E402
from smallflow.datasets import idx  # noqa: E402

STARTUP_SECONDS = 120


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        return response.read()


def _write_logs(logdir):
    """A short TF1-style run: a loss curve, a histogram and the graph, in logdir/train."""
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    with tf.name_scope("model"):
        w = tf.Variable([[1.0], [-1.0]], name="weights")
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w)), name="loss")
    tf.summary.scalar("loss", loss)
    tf.summary.histogram("weights", w)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    merged = tf.summary.merge_all()
    losses = []
    with tf.Session() as sess, tf.summary.FileWriter(os.path.join(logdir, "train"),
                                                     sess.graph) as writer:
        sess.run(tf.global_variables_initializer())
        for step in range(5):
            summary, value, _ = sess.run([merged, loss, train], {x: [[1.0, 2.0]]})
            writer.add_summary(summary, step)
            losses.append(float(value))
    return losses


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    logdir = tmp_path_factory.mktemp("tb")
    with tf.Graph().as_default():
        losses = _write_logs(str(logdir))
    port = _free_port()
    command = [sys.executable, "-m", "tensorboard.main", "--logdir", str(logdir),
               "--host", "127.0.0.1", "--port", str(port), "--load_fast", "false"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                runs = json.loads(_get(port, "/data/runs"))
                if "train" in runs:
                    break
            except (urllib.error.URLError, ConnectionError, json.JSONDecodeError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"tensorboard did not serve the run: {process.stderr.read()!r}")
            time.sleep(0.5)
        yield port, losses
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stderr.close()


def test_tensorboards_scalars_plugin_returns_the_values(server):
    port, losses = server
    tags = json.loads(_get(port, "/data/plugin/scalars/tags"))
    assert "loss" in tags["train"]
    query = urllib.parse.urlencode({"run": "train", "tag": "loss"})
    points = json.loads(_get(port, f"/data/plugin/scalars/scalars?{query}"))
    assert [p[1] for p in points] == [0, 1, 2, 3, 4]
    np.testing.assert_allclose([p[2] for p in points], losses, rtol=1e-6)


def test_tensorboards_graph_plugin_lists_the_run_and_serves_the_graph(server):
    port, _ = server
    info = json.loads(_get(port, "/data/plugin/graphs/info"))
    assert info["train"]["run_graph"] is True
    query = urllib.parse.urlencode({"run": "train"})
    graph_text = _get(port, f"/data/plugin/graphs/graph?{query}").decode()
    for name in ('name: "x"', 'name: "model/weights"', 'name: "model/loss"', 'op: "MatMul"'):
        assert name in graph_text


def test_tensorboards_histograms_plugin_lists_the_weights(server):
    port, _ = server
    tags = json.loads(_get(port, "/data/plugin/histograms/tags"))
    assert "weights" in tags["train"]


# -- smallflow train --logdir ----------------------------------------------------------------


def _tiny_mnist(folder):
    rng = np.random.default_rng(0)
    for stem, count in (("train", 300), ("t10k", 100)):
        labels = rng.integers(0, 10, count).astype(np.uint8)
        images = np.zeros((count, 28, 28), np.uint8)
        for i, label in enumerate(labels):  # a bright block whose row is the label
            images[i, 2 * label:2 * label + 4, 4:24] = 255
        idx.write_idx(folder / f"{stem}-images-idx3-ubyte", images)
        idx.write_idx(folder / f"{stem}-labels-idx1-ubyte", labels)


@pytest.mark.parametrize("model", ["softmax", pytest.param("mlp", marks=pytest.mark.slow)])
def test_cli_train_logdir_writes_curves_histograms_pictures_and_graph(tmp_path, capsys, model):
    _tiny_mnist(tmp_path)
    logdir = tmp_path / "runs"
    code = cli.main(["train", "--model", model, "--data-dir", str(tmp_path), "--steps", "20",
                     "--batch-size", "20", "--validation-size", "50", "--log-interval", "10",
                     "--logdir", str(logdir)])
    out = capsys.readouterr().out
    assert code == 0, out
    train = event_accumulator.EventAccumulator(str(logdir / "train"),
                                               size_guidance={"images": 0})
    train.Reload()
    tags = train.Tags()
    assert {"summaries/loss", "summaries/accuracy"} <= set(tags["scalars"])
    assert [s.step for s in train.Scalars("summaries/loss")] == [1, 2, 3, 4, 5, 6, 7, 8, 9,
                                                                 10, 11, 12, 13, 14, 15, 16,
                                                                 17, 18, 19, 20]
    assert tags["histograms"]
    assert any(tag.startswith("summaries/first_layer_weights/image") for tag in tags["images"])
    assert train.Graph().node
    validation = event_accumulator.EventAccumulator(str(logdir / "validation"))
    validation.Reload()
    assert [s.step for s in validation.Scalars("summaries/accuracy")] == [10, 20]


def test_cli_logdir_that_is_a_file_is_a_clear_error(tmp_path, capsys):
    _tiny_mnist(tmp_path)
    blocker = tmp_path / "runs"
    blocker.write_text("not a folder")
    code = cli.main(["train", "--data-dir", str(tmp_path), "--steps", "2", "--batch-size", "10",
                     "--validation-size", "50", "--logdir", str(blocker)])
    assert code != 0
    assert "cannot write TensorBoard logs" in capsys.readouterr().err
