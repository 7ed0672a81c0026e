"""tf.contrib.learn's Estimator, SKCompat, MetricSpec, monitors, Experiment and learn_runner
(TensorFlow 1.0-1.x's high-level API; TensorFlow 2 has no contrib, so the rules checked here
are the ones TensorFlow 1.x's contrib/learn sources state)."""

import importlib
import logging as py_logging

import numpy as np
import pytest

import smallflow as tf
from smallflow.contrib import learn
from smallflow.contrib.learn import learn_io


def _regression_data(n=64, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.uniform(-1, 1, size=(n, 3)).astype(np.float32)
    y = (x @ np.array([[1.5], [-2.0], [0.5]], np.float32) + 0.3).astype(np.float32)
    return x, y


def _linear_model_fn(features, labels):
    predictions = tf.reshape(tf.layers.dense(features, 1, name="w"), [-1])
    loss = tf.losses.mean_squared_error(tf.reshape(labels, [-1]), predictions)
    train_op = tf.contrib.layers.optimize_loss(
        loss, tf.contrib.framework.get_global_step(), optimizer="SGD", learning_rate=0.1)
    return predictions, loss, train_op


# -- the data feeder ---------------------------------------------------------------------------
def test_data_feeder_batches_follow_tensorflows_order():
    x = np.arange(10, dtype=np.float32)
    y = np.arange(10, dtype=np.int64).reshape(10, 1) * 10
    feeder = learn_io.DataFeeder(x, y, None, batch_size=4, shuffle=True, epochs=2)
    with tf.Graph().as_default():
        features, labels = feeder.input_builder()
        assert features.shape.as_list() == [None, 1]  # a 1-D x is one column
        assert labels.shape.as_list() == [None]  # a second dimension of 1 is dropped
        assert labels.dtype == tf.int64
        feed = feeder.get_feed_dict_fn()
        generator = np.random.RandomState(42)
        rows = []
        for _ in range(2):
            order = generator.permutation(10)
            rows.extend([order[0:4], order[4:8], order[8:10]])  # the last batch is short
        for expected in rows:
            batch = feed()
            np.testing.assert_array_equal(batch[features.name], x[expected].reshape(-1, 1))
            np.testing.assert_array_equal(batch[labels.name], y[expected, 0])
        with pytest.raises(StopIteration):
            feed()


def test_data_feeder_rejects_bad_arguments():
    with pytest.raises(ValueError, match="Invalid batch_size"):
        learn_io.DataFeeder(np.zeros((4, 2)), None, None, batch_size=0)
    with pytest.raises(ValueError, match="different numbers of examples"):
        learn_io.DataFeeder(np.zeros((4, 2)), np.zeros(3), None)
    with pytest.raises(TypeError, match="x must be"):
        learn_io.DataFeeder("abc", None, None)
    assert [len(b) for b in learn_io.setup_predict_data_feeder(np.zeros(5), 2)] == [2, 2, 1]


# -- Estimator ---------------------------------------------------------------------------------
def test_estimator_fits_evaluates_and_predicts_from_arrays(tmp_path):
    x, y = _regression_data()
    estimator = learn.Estimator(model_fn=_linear_model_fn, model_dir=str(tmp_path))
    with pytest.raises(learn.NotFittedError, match="Couldn't find trained model"):
        estimator.evaluate(x=x, y=y)
    before = None
    estimator.fit(x=x, y=y, batch_size=16, steps=1)
    before = estimator.evaluate(x=x, y=y)["loss"]
    estimator.fit(x=x, y=y, batch_size=16, steps=199)
    result = estimator.evaluate(x=x, y=y, batch_size=20)
    assert result["global_step"] == 200
    assert result["loss"] < 0.01 * before
    predictions = list(estimator.predict(x=x[:5]))
    np.testing.assert_allclose(predictions, y[:5, 0], atol=0.05)
    first = estimator.predict(x=x, batch_size=4, as_iterable=False)
    assert first.shape == (4,)  # one batch, as TensorFlow's non-iterable predict
    batches = list(estimator.predict(x=x, batch_size=30, iterate_batches=True))
    assert [len(b) for b in batches] == [30, 30, 4]
    assert np.isclose(estimator.get_variable_value("w/kernel")[0, 0], 1.5, atol=0.05)


def test_model_fn_receives_mode_params_config_and_model_dir(tmp_path):
    seen = []

    def model_fn(features, labels, mode, params, config, model_dir):
        seen.append((mode, params["units"], type(config).__name__, model_dir))
        return _linear_model_fn(features, labels)

    x, y = _regression_data(16)
    estimator = learn.Estimator(model_fn, model_dir=str(tmp_path), params={"units": 1})
    estimator.fit(x, y, steps=2)
    estimator.evaluate(x, y)
    list(estimator.predict(x))
    assert [s[0] for s in seen] == ["train", "eval", "infer"]
    assert {s[1:] for s in seen} == {(1, "RunConfig", str(tmp_path))}
    with pytest.raises(ValueError, match="does not have a params argument"):
        learn.Estimator(_linear_model_fn, params={"units": 1})


def test_prediction_gets_label_placeholders_like_training(tmp_path):
    # TF1 books reshape the labels unconditionally; contrib.learn gave the model function
    # placeholders shaped like the training labels when predicting.
    shapes = []

    def model_fn(features, labels):
        shapes.append(None if labels is None else labels.shape.as_list())
        return _linear_model_fn(features, labels)

    x, y = _regression_data(16)
    estimator = learn.Estimator(model_fn, model_dir=str(tmp_path))
    estimator.fit(x, y, steps=1)
    assert len(list(estimator.predict(x))) == 16
    assert shapes == [[None], [None]]


def test_metric_specs_adapt_to_argument_names(tmp_path):
    def model_fn(features, labels, mode):
        logits = tf.layers.dense(features, 2)
        loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
        train_op = tf.train.GradientDescentOptimizer(0.5).minimize(
            loss, tf.train.get_global_step())
        return learn.ModelFnOps(mode, {"class": tf.argmax(logits, 1), "logits": logits}, loss,
                                train_op)

    rng = np.random.RandomState(1)
    x = rng.normal(size=(40, 2)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    estimator = learn.Estimator(model_fn, model_dir=str(tmp_path))
    estimator.fit(x, y, steps=50)
    metrics = {
        "new": learn.MetricSpec(tf.metrics.accuracy, prediction_key="class"),
        "old": learn.MetricSpec(tf.contrib.metrics.streaming_accuracy, prediction_key="class"),
        "own": learn.MetricSpec(lambda targets, prediction: tf.metrics.mean(
            tf.cast(tf.equal(targets, prediction), tf.float32)), prediction_key="class"),
    }
    result = estimator.evaluate(x, y, metrics=metrics)
    predicted = np.array([p["class"] for p in estimator.predict(x, outputs=["class"])])
    accuracy = np.mean(predicted == y)
    assert result["new"] == pytest.approx(accuracy)
    assert result["old"] == pytest.approx(accuracy)
    assert result["own"] == pytest.approx(accuracy)
    with pytest.raises(ValueError, match="prediction_key"):
        estimator.evaluate(x, y, metrics={"a": learn.MetricSpec(tf.metrics.accuracy)})
    with pytest.raises(ValueError, match="should be None or dict"):
        estimator.evaluate(x, y, metrics=[tf.metrics.accuracy])
    with pytest.raises(ValueError, match="Expected to run at least one output"):
        list(estimator.predict(x, outputs=["nothing"]))


def test_model_fn_ops_checks_as_tensorflow():
    with tf.Graph().as_default():
        loss = tf.constant([2.0])
        ops = learn.ModelFnOps("eval", predictions=tf.constant([1.0]), loss=loss)
        assert ops.loss.shape.ndims == 0  # a one-element loss becomes a scalar
        with pytest.raises(ValueError, match="Missing train_op"):
            learn.ModelFnOps("train", predictions=tf.constant(1.0), loss=loss)
        with pytest.raises(ValueError, match="Missing predictions"):
            learn.ModelFnOps("infer")
        with pytest.raises(ValueError, match="Loss must be scalar"):
            learn.ModelFnOps("eval", predictions=loss, loss=tf.constant([1.0, 2.0]))
        with pytest.raises(TypeError, match="SessionRunHook"):
            learn.ModelFnOps("eval", predictions=loss, loss=loss, training_hooks=[object()])


def test_skcompat_fits_scores_and_predicts_arrays(tmp_path):
    x, y = _regression_data(300)
    model = learn.SKCompat(learn.Estimator(model_fn=_linear_model_fn,
                                           model_dir=str(tmp_path)))
    model.fit(x, y, batch_size=32, steps=300)
    score = model.score(x, y)
    assert score["global_step"] == 300
    assert score["loss"] < 1e-3
    predicted = model.predict(x)  # batches of 128, concatenated
    assert predicted.shape == (300,)
    np.testing.assert_allclose(predicted, y[:, 0], atol=0.05)


# -- monitors ----------------------------------------------------------------------------------
def test_every_n_and_capture_variable_schedules(tmp_path, caplog):
    x, y = _regression_data(16)
    capture = learn.monitors.CaptureVariable("global_step:0", every_n=3, first_n=2)
    printer = learn.monitors.PrintTensor({"the_loss": "mean_squared_error/value:0"},
                                         every_n=4, first_n=0)
    estimator = learn.Estimator(_linear_model_fn, model_dir=str(tmp_path))
    with caplog.at_level(py_logging.INFO):
        estimator.fit(x, y, steps=10, monitors=[capture, printer,
                                                learn.monitors.StopAtStep(num_steps=7)])
    assert sorted(capture.values) == [1, 2, 5]  # the first 2 steps, then every 3
    assert all(int(v) == step for step, v in capture.values.items())
    logged = [r.getMessage() for r in caplog.records if "the_loss" in r.getMessage()]
    assert [m.split(":")[0] for m in logged] == ["Step 4"]
    assert estimator.get_variable_value("global_step") == 7  # StopAtStep stopped training


def test_validation_monitor_stops_early(tmp_path):
    x, y = _regression_data(32)
    config = learn.RunConfig(save_checkpoints_steps=5)
    estimator = learn.Estimator(_linear_model_fn, model_dir=str(tmp_path), config=config)
    # A validation set the model cannot learn: its loss stops improving at once.
    monitor = learn.monitors.ValidationMonitor(
        x, -y, every_n_steps=5, early_stopping_rounds=10, check_interval_secs=0)
    estimator.fit(x, y, steps=500, monitors=[monitor])
    assert monitor.early_stopped
    assert monitor.best_step == 5
    assert "loss" in monitor.best_metrics
    assert estimator.get_variable_value("global_step") == 15
    with pytest.raises(ValueError, match="Either x or input_fn"):
        learn.monitors.ValidationMonitor()


def test_monitors_run_with_the_canned_estimators(tmp_path):
    iris = learn.datasets.load_dataset("iris")
    x, y = iris.data.astype(np.float32), iris.target
    classifier = learn.DNNClassifier(
        hidden_units=[8], n_classes=3, model_dir=str(tmp_path),
        feature_columns=[tf.contrib.layers.real_valued_column("", dimension=4)],
        config=learn.RunConfig(save_checkpoints_steps=20))
    metrics = {"acc": learn.MetricSpec(tf.contrib.metrics.streaming_accuracy,
                                       prediction_key=learn.PredictionKey.CLASSES)}
    monitor = learn.monitors.ValidationMonitor(x, y, every_n_steps=20, metrics=metrics,
                                               check_interval_secs=0,
                                               early_stopping_rounds=1000)
    classifier.fit(x=x, y=y, steps=60, monitors=[monitor])
    assert monitor.best_step in (20, 40, 60)
    result = classifier.evaluate(x=x, y=y, metrics=metrics)
    classes = np.array(list(classifier.predict(x)))
    assert result["acc"] == pytest.approx(np.mean(classes == y))
    assert result["acc"] == pytest.approx(result["accuracy"])
    # contrib.learn's loss is the mean per example (tf.estimator reports the batch's sum).
    probabilities = np.array(list(classifier.predict_proba(x)))
    mean_loss = -np.mean(np.log(probabilities[np.arange(len(y)), y]))
    assert result["loss"] == pytest.approx(mean_loss, rel=1e-4)
    assert "average_loss" not in result


# -- Experiment and learn_runner ---------------------------------------------------------------
def _input_fns():
    x, y = _regression_data(64)

    def train_input_fn():
        data = tf.data.Dataset.from_tensor_slices((x, y)).repeat().batch(16)
        return data.make_one_shot_iterator().get_next()

    def eval_input_fn():
        return tf.data.Dataset.from_tensor_slices((x, y)).batch(32).make_one_shot_iterator(
        ).get_next()

    return train_input_fn, eval_input_fn


def test_learn_runner_trains_and_evaluates_an_experiment(tmp_path):
    train_input_fn, eval_input_fn = _input_fns()
    exported = []

    def export_fn(estimator, export_dir_base, checkpoint_path, eval_result):
        exported.append((eval_result["global_step"], checkpoint_path))
        return export_dir_base

    def experiment_fn(output_dir):
        return learn.Experiment(
            learn.Estimator(_linear_model_fn, model_dir=output_dir), train_input_fn,
            eval_input_fn, train_steps=60, eval_steps=None,
            export_strategies=[learn.ExportStrategy("mine", export_fn)])

    eval_result, exports = learn.learn_runner.run(experiment_fn, str(tmp_path))
    assert eval_result["global_step"] == 60
    assert exports == [str(tmp_path / "export" / "mine").encode()]
    assert exported[0][0] == 60
    assert exported[0][1].endswith("model.ckpt-60")


def test_continuous_train_and_eval_with_a_core_estimator(tmp_path):
    train_input_fn, eval_input_fn = _input_fns()

    def model_fn(features, labels, mode, params):
        predictions, loss, train_op = _linear_model_fn(features, labels)
        return tf.estimator.EstimatorSpec(mode, predictions, loss, train_op)

    evaluations = []

    def experiment_fn(run_config, hparams):
        estimator = tf.estimator.Estimator(model_fn, config=run_config, params=hparams)
        return learn.Experiment(estimator, train_input_fn, eval_input_fn, train_steps=40,
                                eval_steps=1, train_steps_per_iteration=15)

    def keep_going(eval_result):
        evaluations.append(None if eval_result is None else eval_result["global_step"])
        return True

    config = learn.RunConfig(model_dir=str(tmp_path))
    experiment = experiment_fn(config, {"a": 1})
    result, _ = experiment.continuous_train_and_eval(continuous_eval_predicate_fn=keep_going)
    assert evaluations == [None, 15, 30, 45]
    assert result["global_step"] == 45
    with pytest.raises(ValueError, match="eval_metrics"):
        learn.Experiment(experiment.estimator, train_input_fn, eval_input_fn,
                         eval_metrics={"a": None})
    result = learn.learn_runner.run(experiment_fn, run_config=config, hparams={},
                                    schedule="test")
    assert result["global_step"] == 46


def test_learn_runner_checks_its_arguments(tmp_path):
    train_input_fn, eval_input_fn = _input_fns()
    with pytest.raises(TypeError, match="not callable"):
        learn.learn_runner.run("nope", str(tmp_path))
    with pytest.raises(ValueError, match="either `output_dir` or `run_config`"):
        learn.learn_runner.run(lambda d: None)
    with pytest.raises(TypeError, match="did not return an Experiment"):
        learn.learn_runner.run(lambda d: 3, str(tmp_path))
    experiment = learn.Experiment(learn.Estimator(_linear_model_fn, model_dir=str(tmp_path)),
                                  train_input_fn, eval_input_fn)
    with pytest.raises(ValueError, match="non-existent task"):
        learn.learn_runner.run(lambda d: experiment, str(tmp_path), schedule="fly")
    with pytest.raises(ValueError, match="tf.contrib.learn.RunConfig"):
        learn.learn_runner.run(lambda c, h: experiment, run_config=tf.estimator.RunConfig())


def test_tf1_long_import_paths():
    names = {
        "smallflow.contrib.learn.python.learn.learn_runner": "run",
        "smallflow.contrib.learn.python.learn.experiment": "Experiment",
        "smallflow.contrib.learn.python.learn.metric_spec": "MetricSpec",
        "smallflow.contrib.learn.python.learn.monitors": "ValidationMonitor",
        "smallflow.contrib.learn.python.learn.estimators.estimator": "SKCompat",
        "smallflow.contrib.learn.python.learn.estimators.model_fn": "ModelFnOps",
        "smallflow.contrib.learn.python.learn.estimators.run_config": "RunConfig",
        "smallflow.contrib.learn.python.learn.estimators.prediction_key": "PredictionKey",
    }
    for module, name in names.items():
        assert hasattr(importlib.import_module(module), name), module
    assert tf.contrib.learn.learn_runner.run is learn.learn_runner.run
    assert learn.ModeKeys.INFER == "infer"


def test_export_strategies_write_saved_models(tmp_path):
    pytest.importorskip("tensorboard")  # SavedModels are TensorFlow's protocol buffers
    x, y = _regression_data(16)
    columns = [tf.contrib.layers.real_valued_column("x", dimension=3)]
    regressor = learn.DNNRegressor(hidden_units=[4], feature_columns=columns,
                                   model_dir=str(tmp_path / "canned"))
    regressor.fit(x={"x": x}, y=y[:, 0], steps=5)
    spec = tf.contrib.layers.create_feature_spec_for_parsing(columns)
    strategy = learn.make_export_strategy(learn.build_parsing_serving_input_fn(spec),
                                          exports_to_keep=1)
    assert strategy.name == "Servo"
    first = strategy.export(regressor, str(tmp_path / "exports"))
    second = strategy.export(regressor, str(tmp_path / "exports"))
    assert first != second
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == [
        second.decode().rsplit("/", 1)[-1]]  # only the newest kept

    estimator = learn.Estimator(_linear_model_fn, model_dir=str(tmp_path / "custom"))
    estimator.fit(x, y, steps=3)

    def serving_input_fn():
        inputs = tf.placeholder(tf.float32, [None, 3], name="x")
        return learn.InputFnOps(inputs, None, {"x": inputs})

    path = estimator.export_savedmodel(str(tmp_path / "custom_export"), serving_input_fn)
    with tf.Session(graph=tf.Graph()) as session:
        meta = tf.saved_model.loader.load(session, ["serve"], path.decode())
        signature = meta.signature_def["serving_default"]
        output = session.run(signature.outputs["output"].name,
                             {signature.inputs["x"].name: x[:2]})
    expected = list(estimator.predict(x=x[:2]))
    np.testing.assert_allclose(output, expected, rtol=1e-6)


def test_kmeans_clustering_estimator_runs_lloyd_iterations(tmp_path):
    rng = np.random.RandomState(3)
    points = rng.uniform(0, 100, size=(60, 2)).astype(np.float32)

    def input_fn():
        return tf.train.limit_epochs(tf.convert_to_tensor(points), num_epochs=1)

    kmeans = tf.contrib.factorization.KMeansClustering(
        num_clusters=4, use_mini_batch=False, model_dir=str(tmp_path / "core"))
    kmeans.train(input_fn)  # the first call only chooses the centers (from the points)
    centers = kmeans.cluster_centers()
    assert all(any(np.allclose(c, p) for p in points) for c in centers)
    scores = []
    for _ in range(3):
        nearest = np.argmin(((points[:, None, :] - centers[None]) ** 2).sum(-1), axis=1)
        expected = np.array([points[nearest == k].mean(axis=0) for k in range(4)])
        kmeans.train(input_fn)  # one Lloyd iteration per call (the input has one batch)
        centers = kmeans.cluster_centers()
        np.testing.assert_allclose(centers, expected, rtol=1e-5)
        scores.append(kmeans.score(input_fn))
    assert scores[-1] <= scores[0]
    distances = ((points[:, None, :] - centers[None]) ** 2).sum(-1)
    assert list(kmeans.predict_cluster_index(input_fn)) == list(np.argmin(distances, axis=1))
    assert scores[-1] == pytest.approx(distances.min(axis=1).sum(), rel=1e-4)
    np.testing.assert_allclose(np.array(list(kmeans.transform(input_fn))), distances,
                               rtol=1e-3, atol=1e-2)

    old = learn.KMeansClustering(num_clusters=4, use_mini_batch=False,
                                 model_dir=str(tmp_path / "learn"))
    old.fit(input_fn=input_fn, steps=1)
    assert old.clusters().shape == (4, 2)
    assert len(list(old.predict_cluster_idx(input_fn=input_fn))) == 60
    tf.contrib.factorization.KMeansClustering(2, relative_tolerance=0.1)  # accepted, as TF
