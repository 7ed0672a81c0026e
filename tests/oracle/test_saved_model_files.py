"""A SavedModel smallflow writes loads and serves in TensorFlow with the same results.

smallflow trains a small classifier a few steps and exports it twice: with
``tf.saved_model.simple_save`` (the serving tutorials' way) and with ``SavedModelBuilder``
(a ``train`` and a ``serve`` MetaGraph, an asset file its main op reads the path of).
TensorFlow (``tensorflow.compat.v1`` in a subprocess) loads each with
``tf.saved_model.loader.load``, looks the signature's tensors up by name and must compute
what smallflow computed. The other direction (TensorFlow writes, smallflow loads) is
tests/test_saved_model.py with fixtures TensorFlow wrote. Skipped without a TensorFlow Python
(``SMALLFLOW_ORACLE_PYTHON``, or the project's /work/tf-venv).
"""

import json
import os
import pathlib
import subprocess

import numpy as np
import pytest

pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")

import smallflow as tf  # noqa: E402

_DEFAULT_TF_PYTHON = "/work/tf-venv/bin/python"
ORACLE_PYTHON = os.environ.get("SMALLFLOW_ORACLE_PYTHON") or (
    _DEFAULT_TF_PYTHON if os.path.exists(_DEFAULT_TF_PYTHON) else None)

# Run by TensorFlow: load each export, feed the signature's inputs, print the outputs.
_TF_PROGRAM = r"""
import json, sys
import numpy as np
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
jobs = json.loads(sys.argv[1])
results = {}
for job in jobs:
    graph = tf.Graph()
    with tf.Session(graph=graph) as sess:
        meta = tf.saved_model.loader.load(sess, job["tags"], job["dir"])
        signature = meta.signature_def[job["signature"]]
        feed = {signature.inputs[k].name: np.asarray(v, np.float32)
                for k, v in job["feed"].items()}
        outputs = sess.run({k: v.name for k, v in signature.outputs.items()}, feed)
        out = {k: np.asarray(v).tolist() for k, v in outputs.items()}
        for name in job.get("read", []):
            value = sess.run(graph.get_tensor_by_name(name))
            out[name] = value.decode() if isinstance(value, bytes) else np.asarray(value).tolist()
        out["method_name"] = signature.method_name
        results[job["name"]] = out
print("RESULTS" + json.dumps(results))
"""


def _export(folder):
    """Train a little, export both ways; return TensorFlow's jobs and the expected values."""
    rng = np.random.default_rng(4)
    images = rng.random((16, 6), dtype=np.float32)
    labels = rng.integers(0, 3, 16)
    x = tf.placeholder(tf.float32, [None, 6], name="x")
    y = tf.placeholder(tf.int64, [None], name="y")
    hidden = tf.layers.dense(x, 8, tf.nn.relu, name="hidden")
    logits = tf.layers.dense(hidden, 3, name="logits")
    probabilities = tf.nn.softmax(logits, name="probabilities")
    classes = tf.argmax(logits, 1, name="classes")
    loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
    step = tf.train.get_or_create_global_step()
    train = tf.train.AdamOptimizer(0.05).minimize(loss, global_step=step)
    vocab = folder / "classes.txt"
    vocab.write_text("a\nb\nc\n")
    vocab_path = tf.constant(str(vocab), name="vocab_path")
    vocab_file = tf.Variable("", trainable=False, name="vocab_file",
                             collections=[tf.GraphKeys.LOCAL_VARIABLES])
    main_op = tf.group(tf.assign(vocab_file, vocab_path), name="main_op")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(5):
            sess.run(train, {x: images, y: labels})
        expected = sess.run({"probabilities": probabilities, "classes": classes},
                            {x: images})
        tf.saved_model.simple_save(sess, str(folder / "simple"), {"x": x},
                                   {"probabilities": probabilities, "classes": classes})
        builder = tf.saved_model.builder.SavedModelBuilder(str(folder / "builder"))
        builder.add_meta_graph_and_variables(sess, [tf.saved_model.TRAINING],
                                             assets_collection=[vocab_path], main_op=main_op)
        builder.add_meta_graph([tf.saved_model.SERVING], signature_def_map={
            "predict": tf.saved_model.predict_signature_def({"images": x},
                                                            {"scores": probabilities})})
        builder.save()
    feed = images.tolist()
    jobs = [
        {"name": "simple", "dir": str(folder / "simple"), "tags": ["serve"],
         "signature": "serving_default", "feed": {"x": feed}},
        {"name": "builder", "dir": str(folder / "builder"), "tags": ["serve"],
         "signature": "predict", "feed": {"images": feed},
         "read": ["global_step:0", "vocab_file:0"]},
    ]
    return jobs, expected


def test_tensorflow_serves_savedmodels_smallflow_wrote(tmp_path):
    if not ORACLE_PYTHON:
        pytest.skip("TensorFlow oracle not configured: set SMALLFLOW_ORACLE_PYTHON to a Python "
                    "with tensorflow-cpu installed (see README, 'TensorFlow oracle')")
    jobs, expected = _export(tmp_path)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("PYTHONPATH", None)
    completed = subprocess.run([ORACLE_PYTHON, "-c", _TF_PROGRAM, json.dumps(jobs)],
                               capture_output=True, text=True, env=env, timeout=600)
    assert completed.returncode == 0, completed.stderr[-3000:]
    line = next(x for x in completed.stdout.splitlines() if x.startswith("RESULTS"))
    results = json.loads(line[len("RESULTS"):])
    simple, built = results["simple"], results["builder"]
    np.testing.assert_allclose(simple["probabilities"], expected["probabilities"], rtol=1e-5,
                               atol=1e-6)
    assert simple["classes"] == expected["classes"].tolist()
    assert simple["method_name"] == built["method_name"] == "tensorflow/serving/predict"
    np.testing.assert_allclose(built["scores"], expected["probabilities"], rtol=1e-5,
                               atol=1e-6)
    assert built["global_step:0"] == 5
    assert built["vocab_file:0"] == str(pathlib.Path(jobs[1]["dir"]) / "assets" /
                                        "classes.txt")
