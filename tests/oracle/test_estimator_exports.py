"""SavedModels that smallflow's Estimators export load and serve in TensorFlow alike.

smallflow trains a canned classifier, a canned regressor (both exported with a tf.Example
parsing receiver: TensorFlow Serving's classify/regress signatures, TensorFlow's
``ParseExample`` op) and a convolutional ``model_fn`` in the official MNIST model's style
(a raw image receiver, ``export_outputs`` of its own), and exports each with
``export_saved_model``. TensorFlow (``tensorflow.compat.v1`` in a subprocess) loads each
with ``tf.saved_model.loader.load``, runs every signature with the same inputs and must give
what smallflow's own loader gives. Skipped without a TensorFlow Python
(``SMALLFLOW_ORACLE_PYTHON``, or the project's /work/tf-venv).
"""

import base64
import json
import os
import subprocess

import numpy as np
import pytest

pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")

import smallflow as tf  # noqa: E402

_DEFAULT_TF_PYTHON = "/work/tf-venv/bin/python"
ORACLE_PYTHON = os.environ.get("SMALLFLOW_ORACLE_PYTHON") or (
    _DEFAULT_TF_PYTHON if os.path.exists(_DEFAULT_TF_PYTHON) else None)

# Run by TensorFlow: load each export, run each listed signature, print the outputs.
_TF_PROGRAM = r"""
import base64, json, sys
import numpy as np
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
results = {}
for job in json.loads(sys.argv[1]):
    with tf.Session(graph=tf.Graph()) as sess:
        meta = tf.saved_model.loader.load(sess, ["serve"], job["dir"])
        for key, feed in job["feeds"].items():
            signature = meta.signature_def[key]
            fed = {}
            for name, value in feed.items():
                if isinstance(value, dict):
                    value = [base64.b64decode(v) for v in value["examples"]]
                fed[signature.inputs[name].name] = value
            out = sess.run({k: v.name for k, v in signature.outputs.items()}, fed)
            results[job["name"] + "/" + key] = {
                "method": signature.method_name,
                "outputs": {k: [[s.decode() for s in row] for row in v.reshape(len(v), -1)]
                            if v.dtype == object else np.asarray(v, float).tolist()
                            for k, v in out.items()}}
print("RESULTS" + json.dumps(results))
"""

def _need_tensorflow():
    if not ORACLE_PYTHON:
        pytest.skip("TensorFlow oracle not configured: set SMALLFLOW_ORACLE_PYTHON to a Python "
                    "with tensorflow-cpu installed (see README, 'TensorFlow oracle')")


def _run_tensorflow(program, payload):
    """Run ``program`` in TensorFlow's Python with ``payload`` (JSON); its RESULTS line."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("PYTHONPATH", None)
    completed = subprocess.run([ORACLE_PYTHON, "-c", program, json.dumps(payload)],
                               capture_output=True, text=True, env=env, timeout=600)
    assert completed.returncode == 0, completed.stderr[-3000:]
    line = next(x for x in completed.stdout.splitlines() if x.startswith("RESULTS"))
    return json.loads(line[len("RESULTS"):])


RNG = np.random.default_rng(7)
X = RNG.standard_normal((40, 3)).astype(np.float32)
Y = (X[:, 0] + X[:, 1] > 0).astype(np.int64) + (X[:, 2] > 1)
IMAGES = RNG.random((16, 8, 8), dtype=np.float32)
DIGITS = RNG.integers(0, 4, 16)


def _examples(rows):
    return [tf.train.Example(features=tf.train.Features(feature={
        "x": tf.train.Feature(float_list=tf.train.FloatList(value=row))})).SerializeToString()
        for row in rows]


def _cnn_model_fn(features, labels, mode):
    image = features["image"] if isinstance(features, dict) else features
    net = tf.reshape(image, [-1, 8, 8, 1])
    net = tf.layers.conv2d(net, 4, 3, padding="same", activation=tf.nn.relu)
    net = tf.layers.max_pooling2d(net, 2, 2)
    logits = tf.layers.dense(tf.layers.flatten(net), 4)
    predictions = {"classes": tf.argmax(logits, axis=1),
                   "probabilities": tf.nn.softmax(logits)}
    if mode == tf.estimator.ModeKeys.PREDICT:
        return tf.estimator.EstimatorSpec(mode, predictions=predictions, export_outputs={
            "classify": tf.estimator.export.PredictOutput(predictions)})
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    train_op = tf.train.AdamOptimizer(0.01).minimize(loss, tf.train.get_global_step())
    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)


def _export_all(folder):
    """Train and export the three models; TensorFlow's jobs and smallflow's own answers."""
    columns = [tf.feature_column.numeric_column("x", shape=[3])]
    parse = tf.estimator.export.build_parsing_serving_input_receiver_fn(
        tf.feature_column.make_parse_example_spec(columns))
    examples = _examples(X[:6])
    encoded = {"examples": [base64.b64encode(e).decode() for e in examples]}
    classifier = tf.estimator.DNNClassifier([5], columns, n_classes=3,
                                            model_dir=str(folder / "dnn"))
    classifier.train(tf.estimator.inputs.numpy_input_fn({"x": X}, Y, batch_size=10,
                                                        num_epochs=None, shuffle=True), steps=8)
    regressor = tf.estimator.LinearRegressor(columns, model_dir=str(folder / "linear"))
    regressor.train(tf.estimator.inputs.numpy_input_fn({"x": X}, X[:, :1] * 3.0,
                                                       batch_size=10, num_epochs=None,
                                                       shuffle=True), steps=8)
    cnn = tf.estimator.Estimator(_cnn_model_fn, str(folder / "cnn"))
    cnn.train(tf.estimator.inputs.numpy_input_fn({"image": IMAGES}, DIGITS, batch_size=8,
                                                 num_epochs=None, shuffle=True), steps=6)

    def tensor_receiver():
        image = tf.placeholder(tf.float32, [None, 8, 8], name="image")
        return tf.estimator.export.TensorServingInputReceiver(image, {"image": image})

    jobs = [
        ("dnn", classifier.export_saved_model(str(folder / "e_dnn"), parse),
         {"serving_default": {"inputs": examples}, "predict": {"examples": examples}},
         {"serving_default": {"inputs": encoded}, "predict": {"examples": encoded}}),
        ("linear", regressor.export_saved_model(str(folder / "e_linear"), parse),
         {"serving_default": {"inputs": examples}, "predict": {"examples": examples}},
         {"serving_default": {"inputs": encoded}, "predict": {"examples": encoded}}),
        ("cnn", cnn.export_savedmodel(str(folder / "e_cnn"), tensor_receiver),
         {"classify": {"image": IMAGES[:5]}}, {"classify": {"image": IMAGES[:5].tolist()}}),
    ]
    expected, tf_jobs = {}, []
    for name, export_dir, feeds, tf_feeds in jobs:
        with tf.Session(graph=tf.Graph()) as sess:
            meta = tf.saved_model.loader.load(sess, ["serve"], export_dir)
            for key, feed in feeds.items():
                signature = meta.signature_def[key]
                expected[f"{name}/{key}"] = (signature.method_name, sess.run(
                    {k: v.name for k, v in signature.outputs.items()},
                    {signature.inputs[k].name: v for k, v in feed.items()}))
        tf_jobs.append({"name": name, "dir": os.fsdecode(export_dir), "feeds": tf_feeds})
    return tf_jobs, expected


def test_tensorflow_serves_the_estimator_exports_smallflow_wrote(tmp_path):
    _need_tensorflow()
    jobs, expected = _export_all(tmp_path)
    results = _run_tensorflow(_TF_PROGRAM, jobs)
    assert set(results) == set(expected)
    assert results["dnn/serving_default"]["method"] == "tensorflow/serving/classify"
    assert results["linear/serving_default"]["method"] == "tensorflow/serving/regress"
    for key, (method, ours) in expected.items():
        theirs = results[key]
        assert theirs["method"] == method, key
        assert set(theirs["outputs"]) == set(ours), key
        for name, value in ours.items():
            if value.dtype == object:
                rows = [[s.decode() for s in row] for row in value.reshape(len(value), -1)]
                assert theirs["outputs"][name] == rows, (key, name)
            else:
                np.testing.assert_allclose(theirs["outputs"][name], value, rtol=1e-5,
                                           atol=1e-6, err_msg=f"{key} {name}")


# Run by TensorFlow: serve the parsing export; bytes travel as base64, arrays as lists.
_TF_PARSE_PROGRAM = r"""
import base64, json, sys
import numpy as np
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
job = json.loads(sys.argv[1])
with tf.Session(graph=tf.Graph()) as sess:
    meta = tf.saved_model.loader.load(sess, ["serve"], job["dir"])
    signature = meta.signature_def["serving_default"]
    feed = {signature.inputs["examples"].name: [base64.b64decode(e) for e in job["examples"]]}
    out = sess.run({k: v.name for k, v in signature.outputs.items()}, feed)
print("RESULTS" + json.dumps({k: [x.decode() if isinstance(x, bytes) else x
                                 for x in np.asarray(v).ravel().tolist()]
                             for k, v in out.items()}))
"""


def test_tensorflow_parses_examples_with_the_parse_op_smallflow_wrote(tmp_path):
    """Dense features with defaults (a string among them) and sparse ones: TensorFlow's
    ParseExample lists its outputs sparse-first, smallflow dense-first."""
    _need_tensorflow()
    serialized = tf.placeholder(tf.string, [None], name="examples")
    parsed = tf.parse_example(serialized, {
        "dense": tf.FixedLenFeature([2], tf.float32, default_value=[7.0, 8.0]),
        "word": tf.FixedLenFeature([], tf.string, default_value="none"),
        "ids": tf.VarLenFeature(tf.int64),
        "tags": tf.VarLenFeature(tf.string),
    })
    outputs = {"dense": parsed["dense"], "word": parsed["word"],
               "ids_indices": parsed["ids"].indices, "ids_values": parsed["ids"].values,
               "ids_shape": parsed["ids"].dense_shape, "tags": parsed["tags"].values}
    examples = [tf.train.Example(features=tf.train.Features(feature={
        "ids": tf.train.Feature(int64_list=tf.train.Int64List(value=[3, 4])),
        "tags": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"a", b"b"])),
        "dense": tf.train.Feature(float_list=tf.train.FloatList(value=[1.5, 2.5])),
        "word": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"hi"]))}))
        .SerializeToString(), tf.train.Example().SerializeToString()]
    with tf.Session() as sess:
        ours = sess.run(outputs, {serialized: examples})
        tf.saved_model.simple_save(sess, str(tmp_path / "parse"), {"examples": serialized},
                                   outputs)
    job = {"dir": str(tmp_path / "parse"),
           "examples": [base64.b64encode(e).decode() for e in examples]}
    theirs = _run_tensorflow(_TF_PARSE_PROGRAM, job)
    for key, value in ours.items():
        flat = [x.decode() if isinstance(x, bytes) else x for x in value.ravel().tolist()]
        assert theirs[key] == flat, key
    assert theirs["word"] == ["hi", "none"]
