"""Specification of Estimator SavedModel export: ``tf.estimator.export`` (receivers, export
outputs), ``Estimator.export_saved_model``/``export_savedmodel``, the canned estimators'
signatures, ``Exporter``s in ``train_and_evaluate`` and ``tf.contrib.predictor``.

TensorFlow itself loading these exports is tests/oracle/test_estimator_exports.py.
"""

import os

import numpy as np
import pytest

pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")

import smallflow as tf  # noqa: E402
from smallflow.estimator import saved_model_export  # noqa: E402

RNG = np.random.default_rng(3)
X = RNG.standard_normal((60, 3)).astype(np.float32)
Y = (X[:, 0] - X[:, 2] > 0).astype(np.int64)
EXPORT = tf.estimator.export


@pytest.fixture(autouse=True)
def _distinct_export_times(monkeypatch):
    """Exports are named by the second they start; a counter instead of the clock keeps
    several exports in one test from waiting a second each."""
    clock = iter(range(1_600_000_000, 1_700_000_000))
    monkeypatch.setattr(saved_model_export.time, "time", lambda: next(clock))


def _model_fn(features, labels, mode, params):
    logits = tf.layers.dense(features["x"], 2, name="logits")
    probabilities = tf.nn.softmax(logits)
    classes = tf.argmax(logits, 1)
    if mode == tf.estimator.ModeKeys.PREDICT:
        return tf.estimator.EstimatorSpec(mode, predictions={
            "classes": classes, "probabilities": probabilities}, export_outputs=params.get(
                "export_outputs", lambda p, c: None)(probabilities, classes))
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    train_op = tf.train.GradientDescentOptimizer(0.3).minimize(
        loss, global_step=tf.train.get_global_step())
    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op, eval_metric_ops={
        "accuracy": tf.metrics.accuracy(labels, classes)})


def _train_input():
    return tf.estimator.inputs.numpy_input_fn({"x": X}, Y, batch_size=20, num_epochs=None,
                                              shuffle=True)


EVAL_INPUT = tf.estimator.inputs.numpy_input_fn({"x": X}, Y, batch_size=30, shuffle=False)


def _raw_receiver():
    return EXPORT.build_raw_serving_input_receiver_fn(
        {"x": tf.placeholder(tf.float32, [None, 3], name="x")})


def _trained(tmp_path, steps=10, params=None, **config):
    estimator = tf.estimator.Estimator(_model_fn, str(tmp_path / "model"), params=params or {},
                                       config=tf.estimator.RunConfig(**config))
    estimator.train(_train_input(), steps=steps)
    return estimator


def _run_signature(export_dir, key, feed, tags=("serve",)):
    with tf.Session(graph=tf.Graph()) as sess:
        meta = tf.saved_model.loader.load(sess, list(tags), export_dir)
        signature = meta.signature_def[key]
        return signature.method_name, sess.run(
            {k: v.name for k, v in signature.outputs.items()},
            {signature.inputs[k].name: v for k, v in feed.items()})


def _examples(rows, key="x"):
    return [tf.train.Example(features=tf.train.Features(feature={
        key: tf.train.Feature(float_list=tf.train.FloatList(value=row))})).SerializeToString()
        for row in rows]


# -- receivers and export outputs ---------------------------------------------------------------

def test_receivers_wrap_single_tensors_under_tensorflows_default_names():
    x = tf.placeholder(tf.float32, [None, 3])
    receiver = EXPORT.ServingInputReceiver(x, x)
    assert receiver.features == {"feature": x}
    assert receiver.receiver_tensors == {"input": x}
    assert EXPORT.TensorServingInputReceiver(x, {"x": x}).features is x
    raw = EXPORT.build_raw_serving_input_receiver_fn(
        {"pixels": tf.placeholder(tf.uint8, [None, 4, 4], name="img")}, default_batch_size=8)
    with tf.Graph().as_default():
        made = raw()
        placeholder = made.receiver_tensors["pixels"]
        assert made.features["pixels"] is placeholder
        assert (placeholder.op.type, placeholder.op.name, placeholder.dtype) == (
            "Placeholder", "img", tf.uint8)
        assert placeholder.shape.as_list() == [8, 4, 4]
        parsing = EXPORT.build_parsing_serving_input_receiver_fn(
            {"x": tf.FixedLenFeature([3], tf.float32)})()
        examples = parsing.receiver_tensors["examples"]
        assert examples.op.name == "input_example_tensor"
        assert examples.dtype == tf.string
        assert parsing.features["x"].shape.as_list() == [None, 3]


RECEIVER_AND_OUTPUT_ERRORS = [
    (lambda x: EXPORT.ServingInputReceiver(None, x), ValueError, "features must be defined"),
    (lambda x: EXPORT.ServingInputReceiver({1.5: x}, x), ValueError, "feature keys must be"),
    (lambda x: EXPORT.ServingInputReceiver({"a": np.ones(2)}, x), ValueError,
     "feature a must be a Tensor or SparseTensor"),
    (lambda x: EXPORT.ServingInputReceiver(x, {3: x}), ValueError,
     "receiver_tensor keys must be strings"),
    (lambda x: EXPORT.ServingInputReceiver(x, x, [x]), ValueError,
     "receiver_tensors_alternatives must be a dict"),
    (lambda x: EXPORT.PredictOutput({"a": 1.0}), ValueError,
     "Prediction output value must be a Tensor"),
    (lambda x: EXPORT.ClassificationOutput(), ValueError, "scores and classes"),
    (lambda x: EXPORT.ClassificationOutput(classes=x), ValueError,
     "classes must be a string Tensor"),
    (lambda x: EXPORT.RegressionOutput(tf.cast(x, tf.int32)), ValueError,
     "must be a float32 Tensor"),
    (lambda x: EXPORT.ClassificationOutput(scores=x).as_signature_def({"x": x}), ValueError,
     "single tensor input of type tf.string"),
    (lambda x: tf.estimator.EstimatorSpec("infer", predictions=x, export_outputs=[x]),
     TypeError, "export_outputs must be dict"),
    (lambda x: tf.estimator.EstimatorSpec("infer", predictions=x, export_outputs={"a": x}),
     TypeError, "must be ExportOutput objects"),
    (lambda x: tf.estimator.EstimatorSpec("infer", predictions=x, export_outputs={
        "a": EXPORT.PredictOutput(x), "b": EXPORT.PredictOutput(x)}), ValueError,
     "none of them is specified as the default"),
]


@pytest.mark.parametrize(("build", "error", "message"), RECEIVER_AND_OUTPUT_ERRORS)
def test_receivers_and_export_outputs_reject_bad_arguments(build, error, message):
    x = tf.placeholder(tf.float32, [None, 3])
    with pytest.raises(error, match=message):
        build(x)


def test_a_lone_export_output_is_also_the_default_signature():
    x = tf.placeholder(tf.float32, [None, 3])
    output = EXPORT.PredictOutput(x)
    assert output.outputs == {"output": x}
    spec = tf.estimator.EstimatorSpec("infer", predictions=x, export_outputs={"mine": output})
    assert spec.export_outputs == {"mine": output, "serving_default": output}


# -- Estimator.export_saved_model --------------------------------------------------------------

def test_export_writes_a_timestamped_savedmodel_that_serves_the_predictions(tmp_path):
    estimator = _trained(tmp_path)
    export_dir = estimator.export_saved_model(str(tmp_path / "export"), _raw_receiver())
    assert isinstance(export_dir, bytes)
    name = os.path.basename(os.fsdecode(export_dir))
    assert len(name) == 10
    assert name.isdigit()
    assert sorted(os.listdir(tmp_path / "export")) == [name]  # no temp- directory left
    assert sorted(os.listdir(export_dir)) == [b"saved_model.pb", b"variables"]
    method, served = _run_signature(export_dir, "serving_default", {"x": X[:7]})
    assert method == "tensorflow/serving/predict"
    predicted = list(estimator.predict(tf.estimator.inputs.numpy_input_fn(
        {"x": X[:7]}, shuffle=False)))
    np.testing.assert_allclose(served["probabilities"],
                               [p["probabilities"] for p in predicted], rtol=1e-6)
    assert served["classes"].tolist() == [p["classes"] for p in predicted]


def test_export_options_text_assets_extra_checkpoint_path_and_the_old_name(tmp_path):
    estimator = _trained(tmp_path, steps=10, save_checkpoints_steps=5)
    extra = tmp_path / "vocab.txt"
    extra.write_text("a\nb\n")
    first = os.path.join(estimator.model_dir, "model.ckpt-5")
    export_dir = estimator.export_savedmodel(
        str(tmp_path / "export"), _raw_receiver(), assets_extra={"nested/v.txt": str(extra)},
        as_text=True, checkpoint_path=first, strip_default_attrs=True)
    assert os.path.isfile(os.path.join(export_dir, b"saved_model.pbtxt"))
    assert (tmp_path / "export" / os.fsdecode(os.path.basename(export_dir)) / "assets.extra" /
            "nested" / "v.txt").read_text() == "a\nb\n"
    with tf.Session(graph=tf.Graph()) as sess:
        tf.saved_model.loader.load(sess, ["serve"], export_dir)
        kernel = sess.run("logits/kernel:0")
    np.testing.assert_array_equal(kernel, tf.train.load_variable(first, "logits/kernel"))
    assert not np.array_equal(kernel, estimator.get_variable_value("logits/kernel"))


def test_custom_export_outputs_become_the_signatures(tmp_path):
    def outputs(probabilities, classes):
        scores = EXPORT.ClassificationOutput(scores=probabilities)
        return {"serving_default": scores, "scores": scores,
                "top": EXPORT.PredictOutput({"class": classes})}

    estimator = _trained(tmp_path, params={"export_outputs": outputs})
    receiver = EXPORT.build_parsing_serving_input_receiver_fn(
        {"x": tf.FixedLenFeature([3], tf.float32)})
    export_dir = estimator.export_saved_model(str(tmp_path / "export"), receiver)
    method, served = _run_signature(export_dir, "serving_default",
                                    {"inputs": _examples(X[:4])})
    assert method == "tensorflow/serving/classify"
    assert set(served) == {"scores"}
    method, top = _run_signature(export_dir, "top", {"examples": _examples(X[:4])})
    assert method == "tensorflow/serving/predict"
    assert top["class"].tolist() == np.argmax(served["scores"], 1).tolist()


def test_export_all_saved_models_adds_a_metagraph_per_mode(tmp_path):
    estimator = _trained(tmp_path)
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.int64, [None], name="y")
    supervised = tf.estimator.experimental.build_raw_supervised_input_receiver_fn({"x": x}, y)
    export_dir = estimator.experimental_export_all_saved_models(
        str(tmp_path / "export"), {"train": supervised, "eval": supervised,
                                   "infer": _raw_receiver()})
    method, evaluated = _run_signature(export_dir, "eval", {"x": X, "label": Y}, ["eval"])
    assert method == "tensorflow/supervised/eval"
    assert {"loss", "metrics/accuracy/value", "metrics/accuracy/update_op"} <= set(evaluated)
    method, _ = _run_signature(export_dir, "train", {"x": X, "label": Y}, ["train"])
    assert method == "tensorflow/supervised/training"
    assert _run_signature(export_dir, "serving_default", {"x": X[:2]})[1]["classes"].shape == (2,)


def test_export_without_a_checkpoint_names_the_model_dir(tmp_path):
    estimator = tf.estimator.Estimator(_model_fn, str(tmp_path), params={})
    with pytest.raises(ValueError, match="Couldn't find trained model at"):
        estimator.export_saved_model(str(tmp_path / "export"), _raw_receiver())


# -- canned estimators -----------------------------------------------------------------------

CANNED = [
    ("dnn, 3 classes", lambda cols: tf.estimator.DNNClassifier([4], cols, n_classes=3),
     {"serving_default", "classification", "predict"}),
    ("linear, 2 classes, vocabulary", lambda cols: tf.estimator.LinearClassifier(
        cols, label_vocabulary=["no", "yes"]),
     {"serving_default", "classification", "regression", "predict"}),
    ("dnn regressor", lambda cols: tf.estimator.DNNRegressor([4], cols),
     {"serving_default", "regression", "predict"}),
]


@pytest.mark.parametrize(("name", "build", "signatures"), CANNED, ids=[c[0] for c in CANNED])
def test_canned_estimators_export_tensorflows_signatures(tmp_path, name, build, signatures):
    columns = [tf.feature_column.numeric_column("x", shape=[3])]
    estimator = build(columns)
    labels = Y
    if "vocabulary" in name:
        labels = np.where(Y == 1, b"yes", b"no").astype(object)
    elif "regressor" in name:
        labels = X[:, :1] * 2.0
    estimator.train(tf.estimator.inputs.numpy_input_fn({"x": X}, labels, batch_size=20,
                                                       num_epochs=None, shuffle=True), steps=5)
    receiver = EXPORT.build_parsing_serving_input_receiver_fn(
        tf.feature_column.make_parse_example_spec(columns))
    export_dir = estimator.export_saved_model(str(tmp_path / "export"), receiver)
    with tf.Session(graph=tf.Graph()) as sess:
        meta = tf.saved_model.loader.load(sess, ["serve"], export_dir)
    assert set(meta.signature_def) == signatures
    predicted = list(estimator.predict(tf.estimator.inputs.numpy_input_fn(
        {"x": X[:5]}, shuffle=False)))
    method, served = _run_signature(export_dir, "serving_default",
                                    {"inputs": _examples(X[:5])})
    if "regressor" in name:
        assert method == "tensorflow/serving/regress"
        np.testing.assert_allclose(served["outputs"], [p["predictions"] for p in predicted],
                                   rtol=1e-5)
        return
    assert method == "tensorflow/serving/classify"
    np.testing.assert_allclose(served["scores"], [p["probabilities"] for p in predicted],
                               rtol=1e-5)
    assert served["classes"].tolist() == [p["all_classes"].tolist() for p in predicted]


def test_a_raw_receiver_gives_canned_classifiers_only_the_predict_signature(tmp_path):
    columns = [tf.feature_column.numeric_column("x", shape=[3])]
    estimator = tf.estimator.DNNClassifier([4], columns)
    estimator.train(tf.estimator.inputs.numpy_input_fn({"x": X}, Y, shuffle=False), steps=2)
    export_dir = estimator.export_saved_model(str(tmp_path / "e"), _raw_receiver())
    method, served = _run_signature(export_dir, "predict", {"x": X[:3]})
    assert method == "tensorflow/serving/predict"
    assert served["all_classes"].tolist() == [[b"0", b"1"]] * 3
    with tf.Session(graph=tf.Graph()) as sess:
        meta = tf.saved_model.loader.load(sess, ["serve"], export_dir)
    assert set(meta.signature_def) == {"predict"}


# -- exporters in train_and_evaluate ---------------------------------------------------------

def _versions(path):
    return sorted(os.listdir(path)) if os.path.isdir(path) else []


def test_exporters_export_after_evaluations_as_tensorflow_does(tmp_path):
    # Not worse counts as better: every evaluation is exported, whatever accuracies the
    # (unseeded) training reaches. With a strict comparison the first evaluation, which is in
    # the event files the exporter reads back, is not exported (as in TensorFlow) and a run
    # whose accuracy never improves exports nothing.
    def smaller_error(best_eval_result, current_eval_result):
        return current_eval_result["accuracy"] >= best_eval_result["accuracy"]

    estimator = tf.estimator.Estimator(
        _model_fn, str(tmp_path), params={},
        config=tf.estimator.RunConfig(save_checkpoints_steps=2))
    exporters = [tf.estimator.LatestExporter("latest", _raw_receiver(), exports_to_keep=2),
                 tf.estimator.FinalExporter("final", _raw_receiver()),
                 tf.estimator.BestExporter("best", _raw_receiver(),
                                           compare_fn=smaller_error)]
    result, exports = tf.estimator.train_and_evaluate(
        estimator, tf.estimator.TrainSpec(_train_input(), max_steps=8),
        tf.estimator.EvalSpec(EVAL_INPUT, steps=None, exporters=exporters, throttle_secs=0))
    assert result["global_step"] == 8
    base = tmp_path / "export"
    assert len(_versions(base / "latest")) == 2  # four evaluations, two kept
    assert len(_versions(base / "final")) == 1
    assert exports[1] == os.path.join(os.fsencode(base / "final"),
                                      _versions(base / "final")[0].encode())
    # Four evaluations, the first read back from the event files as the best so far.
    assert len(_versions(base / "best")) == 4
    assert sorted(os.listdir(tmp_path / "eval"))  # evaluations written as event files


def test_best_exporter_reads_the_best_loss_back_from_the_event_files(tmp_path):
    estimator = _trained(tmp_path, steps=10)
    estimator.evaluate(EVAL_INPUT)  # an event file with this model's loss
    exporter = tf.estimator.BestExporter(serving_input_receiver_fn=_raw_receiver())
    path = str(tmp_path / "best")
    checkpoint = estimator.latest_checkpoint()
    assert exporter.export(estimator, path, checkpoint, {"loss": 99.0}, False) is None
    assert exporter.export(estimator, path, checkpoint, {"loss": 0.0}, False) is not None
    assert exporter.export(estimator, path, checkpoint, {"loss": 0.1}, False) is None
    assert len(_versions(path)) == 1


EXPORTER_ERRORS = [
    (lambda: tf.estimator.EvalSpec(EVAL_INPUT, exporters=[
        tf.estimator.FinalExporter("a", None), tf.estimator.FinalExporter("a", None)]),
     ValueError, "Two Exporters cannot have the same name"),
    (lambda: tf.estimator.EvalSpec(EVAL_INPUT, exporters=tf.estimator.FinalExporter("", None)),
     ValueError, "cannot have a name that is `None` or empty"),
    (lambda: tf.estimator.EvalSpec(EVAL_INPUT, exporters=["latest"]), TypeError,
     "must be an Exporter"),
    (lambda: tf.estimator.LatestExporter("a", None, exports_to_keep=0), ValueError,
     "must be a positive number"),
    (lambda: tf.estimator.BestExporter(compare_fn=lambda a, b: True), ValueError,
     "must include best_eval_result argument"),
]


@pytest.mark.parametrize(("build", "error", "message"), EXPORTER_ERRORS)
def test_exporter_arguments_are_checked(build, error, message):
    with pytest.raises(error, match=message):
        build()


# -- tf.contrib.predictor ------------------------------------------------------------------

def test_contrib_predictor_serves_an_export_and_an_estimator_alike(tmp_path):
    estimator = _trained(tmp_path)
    export_dir = estimator.export_saved_model(str(tmp_path / "export"), _raw_receiver())
    from_export = tf.contrib.predictor.from_saved_model(export_dir)
    from_estimator = tf.contrib.predictor.from_estimator(estimator, _raw_receiver())
    first, second = from_export({"x": X[:6]}), from_estimator({"x": X[:6]})
    np.testing.assert_allclose(first["probabilities"], second["probabilities"], rtol=1e-6)
    assert set(from_export.feed_tensors) == {"x"}
    with pytest.raises(ValueError, match="unexpected keys in input_dict"):
        from_export({"y": X})
    with pytest.raises(ValueError, match="Available signatures are"):
        tf.contrib.predictor.from_saved_model(export_dir, signature_def_key="nope")
    from_export.session.close()
    from_estimator.session.close()
