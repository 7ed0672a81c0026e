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


# Run by TensorFlow: TensorFlow Serving's classification signature of a smallflow export,
# fed serialized tf.train.Examples (the inputs a model server's Classify call gets).
_TF_CLASSIFY = r"""
import json, sys
import numpy as np
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
job = json.loads(sys.argv[1])
examples = [tf.train.Example(features=tf.train.Features(feature={
    "x": tf.train.Feature(float_list=tf.train.FloatList(value=row))})).SerializeToString()
    for row in job["rows"]]
with tf.Session(graph=tf.Graph()) as sess:
    meta = tf.saved_model.loader.load(sess, ["serve"], job["dir"])
    classify = meta.signature_def["serving_default"]
    predict = meta.signature_def["predict_images"]
    classes, scores = sess.run([classify.outputs["classes"].name, classify.outputs["scores"].name],
                               {classify.inputs["inputs"].name: examples})
    probabilities = sess.run(predict.outputs["scores"].name,
                             {predict.inputs["images"].name: np.asarray(job["rows"], np.float32)})
print("RESULTS" + json.dumps({"classes": [[c.decode() for c in row] for row in classes],
                              "scores": scores.tolist(), "probabilities": probabilities.tolist(),
                              "method": classify.method_name}))
"""


def test_tensorflow_classifies_examples_with_the_serving_tutorials_export(tmp_path):
    """TensorFlow Serving's ``mnist_saved_model.py`` written through the ``tensorflow.python.
    saved_model`` module paths, with a bytes export path, a parse_example input, a string
    lookup table of class names initialized by ``legacy_init_op``: TensorFlow loads it and
    classifies serialized Examples as smallflow does."""
    if not ORACLE_PYTHON:
        pytest.skip("TensorFlow oracle not configured: set SMALLFLOW_ORACLE_PYTHON to a Python "
                    "with tensorflow-cpu installed (see README, 'TensorFlow oracle')")
    from smallflow.python.saved_model import (
        builder as saved_model_builder,
    )
    from smallflow.python.saved_model import (
        signature_constants,
        signature_def_utils,
        tag_constants,
        utils,
    )

    rng = np.random.default_rng(7)
    rows = rng.random((6, 5), dtype=np.float32)
    serialized = tf.placeholder(tf.string, name="tf_example")
    parsed = tf.parse_example(serialized, {"x": tf.FixedLenFeature(shape=[5], dtype=tf.float32)})
    x = tf.identity(parsed["x"], name="x")
    w = tf.Variable(rng.normal(size=(5, 4)).astype(np.float32))
    b = tf.Variable(rng.normal(size=4).astype(np.float32))
    y = tf.nn.softmax(tf.matmul(x, w) + b, name="y")
    values, indices = tf.nn.top_k(y, 4)
    table = tf.contrib.lookup.index_to_string_table_from_tensor(
        tf.constant(["zero", "one", "two", "three"]))
    prediction_classes = table.lookup(tf.to_int64(indices))
    export_dir = os.path.join(os.fsencode(str(tmp_path)), b"1")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.tables_initializer())
        examples = [tf.train.Example(features=tf.train.Features(feature={
            "x": tf.train.Feature(float_list=tf.train.FloatList(value=row))}))
            .SerializeToString() for row in rows]
        expected_classes, expected_scores, expected_y = sess.run(
            [prediction_classes, values, y], {serialized: examples})
        builder = saved_model_builder.SavedModelBuilder(export_dir)
        classify = signature_def_utils.build_signature_def(
            inputs={signature_constants.CLASSIFY_INPUTS: utils.build_tensor_info(serialized)},
            outputs={
                signature_constants.CLASSIFY_OUTPUT_CLASSES:
                    utils.build_tensor_info(prediction_classes),
                signature_constants.CLASSIFY_OUTPUT_SCORES: utils.build_tensor_info(values)},
            method_name=signature_constants.CLASSIFY_METHOD_NAME)
        predict = signature_def_utils.build_signature_def(
            inputs={"images": utils.build_tensor_info(x)},
            outputs={"scores": utils.build_tensor_info(y)},
            method_name=signature_constants.PREDICT_METHOD_NAME)
        builder.add_meta_graph_and_variables(
            sess, [tag_constants.SERVING],
            signature_def_map={"predict_images": predict,
                               signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY: classify},
            legacy_init_op=tf.group(tf.tables_initializer(), name="legacy_init_op"))
        builder.save()
    job = {"dir": os.fsdecode(export_dir), "rows": rows.tolist()}
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("PYTHONPATH", None)
    completed = subprocess.run([ORACLE_PYTHON, "-c", _TF_CLASSIFY, json.dumps(job)],
                               capture_output=True, text=True, env=env, timeout=600)
    assert completed.returncode == 0, completed.stderr[-3000:]
    line = next(x for x in completed.stdout.splitlines() if x.startswith("RESULTS"))
    results = json.loads(line[len("RESULTS"):])
    assert results["method"] == "tensorflow/serving/classify"
    assert results["classes"] == [[c.decode() for c in row] for row in expected_classes]
    np.testing.assert_allclose(results["scores"], expected_scores, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(results["probabilities"], expected_y, rtol=1e-5, atol=1e-7)
