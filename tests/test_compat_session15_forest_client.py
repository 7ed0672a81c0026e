"""tf.contrib.tensor_forest.client (TensorFlow 1.15): the forest Estimators and eval_metrics.

TF 2 has no tensor_forest, so there is no oracle: these check the model function's
documented behaviour (heads over the forest's probabilities, the early-stopping hook, the
prediction keys) and that the forests learn.
"""

import numpy as np
import pytest

import smallflow as tf
from smallflow.contrib.tensor_forest.client import eval_metrics, random_forest
from smallflow.contrib.tensor_forest.python import tensor_forest


def _blobs(n, classes, seed):
    """Well separated 2-D blobs, one per class (labels int32)."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, n).astype(np.int32)
    centers = np.array([[4.0 * c, -3.0 * c] for c in range(classes)], np.float32)
    data = centers[labels] + rng.normal(0, 0.3, (n, 2)).astype(np.float32)
    return data, labels


def _params(classes, **kwargs):
    values = dict(num_classes=classes, num_features=2, num_trees=3, max_nodes=31,
                  split_after_samples=20, base_random_seed=5)
    values.update(kwargs)
    return tensor_forest.ForestHParams(**values)


def test_names_reachable_as_in_tensorflow():
    assert tf.contrib.tensor_forest.client.random_forest is random_forest
    assert tf.contrib.tensor_forest.random_forest.TensorForestEstimator is (
        random_forest.TensorForestEstimator)
    assert tf.contrib.tensor_forest.eval_metrics.INFERENCE_PROB_NAME == "probabilities"
    assert eval_metrics.INFERENCE_PRED_NAME == "classes"
    assert random_forest.LOSS_NAME == "rf_training_loss"


def test_multi_class_estimator_learns_separable_blobs(tmp_path):
    pytest.importorskip("tensorboard")  # estimators write checkpoints with graphs
    x, y = _blobs(600, 3, seed=1)
    est = random_forest.TensorForestEstimator(_params(3), model_dir=str(tmp_path))
    est.fit(x=x, y=y, batch_size=200, steps=40)
    test_x, test_y = _blobs(300, 3, seed=2)
    results = est.evaluate(x=test_x, y=test_y, batch_size=100)
    assert sorted(results) == ["accuracy", "global_step", "loss"]
    # Thresholds are training values (extremely randomized), so unseen points near a
    # cluster's edge can fall on the wrong side; the training points are learned exactly.
    assert results["accuracy"] >= 0.95
    assert results["global_step"] == 40
    assert est.evaluate(x=x, y=y, batch_size=600)["accuracy"] == 1.0
    predictions = list(est.predict(x=test_x[:20]))
    assert set(predictions[0]) == {"logits", "probabilities", "classes",
                                   "prediction_variance"}
    logits = np.stack([p["logits"] for p in predictions])
    # The forest's averaged class probabilities are the head's logits (as TensorFlow).
    np.testing.assert_allclose(logits.sum(1), 1.0, rtol=1e-5)
    probabilities = np.stack([p["probabilities"] for p in predictions])
    softmax = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    np.testing.assert_allclose(probabilities, softmax, rtol=1e-5)
    assert [p["classes"] for p in predictions] == list(test_y[:20])
    assert predictions[0]["prediction_variance"].shape == (3,)


def test_binary_head_turns_log_odds_back_into_the_forest_probability(tmp_path):
    pytest.importorskip("tensorboard")  # estimators write checkpoints with graphs
    x, y = _blobs(400, 2, seed=3)
    est = random_forest.TensorForestEstimator(_params(2, inference_tree_paths=True),
                                              model_dir=str(tmp_path))
    est.fit(x=x, y=y, batch_size=100, steps=8)
    results = est.evaluate(x=x, y=y, batch_size=200)
    for key in ("accuracy", "auc", "auc_precision_recall", "labels/prediction_mean",
                "labels/actual_label_mean", "accuracy/baseline_label_mean",
                "accuracy/threshold_0.500000_mean",
                "precision/positive_threshold_0.500000_mean",
                "recall/positive_threshold_0.500000_mean", "loss", "global_step"):
        assert key in results, key
    assert results["accuracy"] == 1.0
    assert results["labels/actual_label_mean"] == pytest.approx(y.mean(), abs=1e-6)
    predictions = list(est.predict(x=x[:10]))
    assert "tree_paths" in predictions[0]
    for p in predictions:
        assert p["logits"].shape == (1,)
        assert p["logistic"][0] == pytest.approx(p["probabilities"][1], abs=1e-5)
        assert p["classes"] == int(p["logistic"][0] > 0.5)


def test_core_estimator_regression_and_keys(tmp_path):
    pytest.importorskip("tensorboard")  # estimators write checkpoints with graphs
    rng = np.random.default_rng(4)
    x = rng.uniform(-1, 1, (800, 2)).astype(np.float32)
    target = np.where(x[:, 0] > 0.2, 3.0, -1.0).astype(np.float32)[:, None]
    params = _params(1, regression=True, max_nodes=63)
    est = random_forest.CoreTensorForestEstimator(params, model_dir=str(tmp_path),
                                                  keys_name="id")
    ids = np.arange(800, dtype=np.int64)
    train = tf.estimator.inputs.numpy_input_fn({"x": x, "id": ids}, target, batch_size=200,
                                               num_epochs=None, shuffle=False)
    est.train(train, steps=20)
    evaluation = tf.estimator.inputs.numpy_input_fn({"x": x, "id": ids}, target,
                                                    batch_size=400, shuffle=False)
    results = est.evaluate(evaluation)
    # the targets' own variance is about 3.8
    assert results["average_loss"] < 0.1
    predict = tf.estimator.inputs.numpy_input_fn({"x": x[:50], "id": ids[:50]},
                                                 shuffle=False)
    predictions = list(est.predict(predict))
    assert [p["id"] for p in predictions] == list(range(50))
    values = np.array([p["predictions"][0] for p in predictions])
    far = np.abs(x[:50, 0] - 0.2) > 0.1  # thresholds are sampled: the edge is blurred
    np.testing.assert_allclose(values[far], target[:50, 0][far], atol=0.5)
    assert "prediction_variance" in predictions[0]


def test_weights_column_leaves_the_forest_features(tmp_path):
    pytest.importorskip("tensorboard")  # estimators write checkpoints with graphs
    x, y = _blobs(300, 3, seed=6)
    weights = np.ones(300, np.float32)
    est = random_forest.TensorForestEstimator(_params(3), model_dir=str(tmp_path),
                                              weights_name="w")
    train = tf.estimator.inputs.numpy_input_fn({"x": x, "w": weights}, y, batch_size=100,
                                               num_epochs=None, shuffle=True)
    # num_features=2: the forest reads x only (the weight column is popped first).
    est.fit(input_fn=train, steps=6)
    evaluation = tf.estimator.inputs.numpy_input_fn({"x": x, "w": weights}, y,
                                                    batch_size=300, shuffle=False)
    assert est.evaluate(input_fn=evaluation)["accuracy"] > 0.95


def test_early_stopping_hook_stops_when_the_loss_stops_falling():
    class Context:
        stopped = False

        def request_stop(self):
            self.stopped = True

    class Values:
        def __init__(self, loss, step):
            self.results = {"current_loss": loss, "global_step": step}

    hook = random_forest.TensorForestLossHook(2, early_stopping_loss_threshold=0.1)
    context = Context()
    # first call only records the step; 10 -> 8.5 falls by more than 10 %
    for step, loss in enumerate([10.0, 10.0, 8.5, 8.0, 8.0]):
        hook.after_run(context, Values(loss, step + 1))
        assert not context.stopped
    hook.after_run(context, Values(8.0, 6))  # 3 steps without a 10 % fall
    assert context.stopped
    assert hook.min_loss == 8.5


def test_early_stopping_ends_fit_before_its_steps(tmp_path):
    pytest.importorskip("tensorboard")  # estimators write checkpoints with graphs
    x, y = _blobs(200, 3, seed=7)
    est = random_forest.TensorForestEstimator(_params(3), model_dir=str(tmp_path),
                                              early_stopping_rounds=3)
    est.fit(x=x, y=y, batch_size=200, steps=300)
    step = est.get_variable_value("global_step")
    assert 4 < step < 300


def test_multi_forest_multi_head(tmp_path):
    pytest.importorskip("tensorboard")  # estimators write checkpoints with graphs
    x, y = _blobs(400, 3, seed=8)
    labels = np.stack([y, (y == 2).astype(np.int32)], axis=1)
    est = random_forest.MultiForestMultiHeadEstimator(
        [_params(3), _params(2)], model_dir=str(tmp_path))
    est.fit(x=x, y=labels, batch_size=200, steps=6)
    predictions = list(est.predict(x=x[:10]))
    assert predictions[0]["probabilities"].shape == (5,)  # 3 + 2 classes
    np.testing.assert_array_equal(np.stack([p["classes"] for p in predictions]),
                                  labels[:10])


def test_eval_metrics():
    assert eval_metrics.get_prediction_key("accuracy") == "classes"
    assert eval_metrics.get_prediction_key("r2") == "scores"
    with pytest.raises(KeyError):
        eval_metrics.get_metric("nope")
    with tf.Graph().as_default():
        probabilities = tf.constant([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6]])
        targets = tf.constant([[0], [1], [0]])
        accuracy, update = eval_metrics.get_metric("accuracy")(
            tf.argmax(probabilities, 1), tf.squeeze(targets, 1))
        log_loss, log_update = eval_metrics.get_metric("classification_log_loss")(
            probabilities, targets)
        r2, r2_update = eval_metrics.get_metric("r2")(
            tf.constant([[1.0], [2.0], [2.5]]), tf.constant([[1.0], [2.0], [3.0]]))
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            sess.run([update, log_update, r2_update])
            values = sess.run([accuracy, log_loss, r2])
    assert values[0] == pytest.approx(2 / 3)
    eps = 1e-7
    expected = -np.mean([np.log(0.9 + eps) + np.log(1 - 0.1 + eps),
                         np.log(1 - 0.2 + eps) + np.log(0.8 + eps),
                         np.log(0.4 + eps) + np.log(1 - 0.6 + eps)]) / 2
    assert values[1] == pytest.approx(expected, rel=1e-4)
    assert values[2] == pytest.approx(1 - 0.25 / 2, rel=1e-5)


def test_bad_params_rejected():
    with pytest.raises(TypeError, match="ForestHParams"):
        random_forest.TensorForestEstimator({"num_classes": 3})
    with pytest.raises(AttributeError, match="num_features"):
        random_forest.TensorForestEstimator(tensor_forest.ForestHParams(num_classes=3))


def test_trees_are_shared_resources_initialized_by_initialize_resources():
    from smallflow.python.ops import resources

    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (400, 2)).astype(np.float32)
    y = (x[:, 0] > 0.1).astype(np.int32)
    with tf.Graph().as_default():
        data = tf.placeholder(tf.float32, [None, 2])
        labels = tf.placeholder(tf.int32, [None])
        forest = tensor_forest.RandomForestGraphs(_params(2, num_trees=2).fill())
        train = forest.training_graph(data, labels)
        probabilities, _, _ = forest.inference_graph(data)
        assert len(resources.shared_resources()) == 2
        with tf.Session() as sess:
            assert sorted(sess.run(resources.report_uninitialized_resources())) == [
                b"tree-0:0", b"tree-1:0"]
            # TensorFlow's trees are resources: initializing the resources alone is enough.
            sess.run(resources.initialize_resources(resources.shared_resources()))
            assert len(sess.run(resources.report_uninitialized_resources())) == 0
            for _ in range(10):
                sess.run(train, {data: x, labels: y})
            accuracy = (sess.run(probabilities, {data: x}).argmax(1) == y).mean()
    assert accuracy == 1.0


def test_core_estimator_exports_every_prediction(tmp_path):
    pytest.importorskip("tensorboard")  # estimators write checkpoints with graphs
    x, y = _blobs(300, 3, seed=1)
    est = random_forest.CoreTensorForestEstimator(_params(3), model_dir=str(tmp_path / "m"),
                                                  include_all_in_serving=True)
    est.train(tf.estimator.inputs.numpy_input_fn({"x": x}, y, batch_size=100,
                                                 num_epochs=None, shuffle=False), steps=10)

    def serving():
        inputs = tf.placeholder(tf.float32, [None, 2])
        return tf.estimator.export.ServingInputReceiver({"x": inputs}, {"x": inputs})

    path = est.export_savedmodel(str(tmp_path / "export"), serving)
    expected = list(est.predict(tf.estimator.inputs.numpy_input_fn(
        {"x": x[:6]}, shuffle=False)))
    with tf.Graph().as_default(), tf.Session() as sess:
        meta_graph = tf.saved_model.loader.load(sess, ["serve"], path)
        signature = meta_graph.signature_def[random_forest.ALL_SERVING_KEY]
        assert random_forest.VARIANCE_PREDICTION_KEY in signature.outputs
        served = sess.run({key: value.name for key, value in signature.outputs.items()},
                          {signature.inputs["x"].name: x[:6]})
    np.testing.assert_allclose(served["probabilities"],
                               np.stack([p["probabilities"] for p in expected]), rtol=1e-6)
    np.testing.assert_array_equal(served["class_ids"][:, 0], y[:6])


def test_feature_columns_and_every_remaining_feature_is_read(tmp_path):
    pytest.importorskip("tensorboard")  # estimators write checkpoints with graphs
    x, y = _blobs(300, 3, seed=9)
    column = tf.feature_column.numeric_column("x", shape=[2])
    est = random_forest.CoreTensorForestEstimator(_params(3), model_dir=str(tmp_path / "a"),
                                                  feature_columns=[column])
    train = tf.estimator.inputs.numpy_input_fn({"x": x}, y, batch_size=100, num_epochs=None,
                                               shuffle=False)
    est.train(train, steps=10)
    evaluation = tf.estimator.inputs.numpy_input_fn({"x": x}, y, batch_size=300,
                                                    shuffle=False)
    assert est.evaluate(evaluation)["accuracy"] > 0.95
    # As TensorFlow: the features other than the weight and key columns stay in the dict
    # the forest reads, so num_features must count them.
    est = random_forest.CoreTensorForestEstimator(_params(3), model_dir=str(tmp_path / "b"),
                                                  feature_columns=[column])
    extra = tf.estimator.inputs.numpy_input_fn({"x": x, "other": x[:, :1]}, y,
                                               batch_size=100, num_epochs=None, shuffle=False)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[100, 3\].*num_features=2"):
        est.train(extra, steps=1)


def test_data_ops_parse_as_libraries_call_them():
    # TFLearn's RandomForest parses its inputs with data_ops before the forest sees them.
    from smallflow.contrib.tensor_forest.python.ops import data_ops

    with tf.Graph().as_default():
        features = {"b": tf.constant([[1.0, 2.0], [3.0, 4.0]]), "a": tf.constant([5, 6])}
        dense, sparse, spec = data_ops.ParseDataTensorOrDict(features)
        assert sparse is None
        assert dense.dtype == tf.float32
        assert [(c.name, c.original_type, c.size) for c in spec.dense.cols] == [
            ("a", data_ops.DATA_CATEGORICAL, 1), ("b", data_ops.DATA_FLOAT, 2)]
        assert spec.dense_features_size == 3
        assert spec.SerializeToString() == (
            "dense_features_size: 3 dense: [{name: a original_type: 1 size: 1}"
            "{name: b original_type: 0 size: 2}] sparse: []")
        labels = data_ops.ParseLabelTensorOrDict(tf.constant([[1], [0]], tf.int64))
        plain, _, plain_spec = data_ops.ParseDataTensorOrDict(tf.constant([[1.5, 2.5]]))
        with tf.Session() as sess:
            values = sess.run([dense, labels, plain])
        np.testing.assert_array_equal(values[0], [[5, 1, 2], [6, 3, 4]])
        assert values[1].dtype == np.float32
        assert plain_spec.dense.cols[0].name == "dense_features"
        with pytest.raises(NotImplementedError, match="'s' holds strings"):
            data_ops.ParseDataTensorOrDict({"s": tf.constant(["x"])})


def test_numpy_integer_hparams_and_factorization_long_path():
    # num_classes computed as np.max(labels) + 1 is a NumPy integer (TFLearn does this).
    x, y = _blobs(200, 3, seed=10)
    with tf.Graph().as_default():
        params = _params(np.uint8(3), num_features=np.int64(2)).fill()
        forest = tensor_forest.RandomForestGraphs(params)
        train = forest.training_graph(tf.constant(x), tf.constant(y))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(5):
                sess.run(train)
            assert sess.run(forest.average_size()) > 1
    from smallflow.contrib.factorization.python.ops import clustering_ops

    assert clustering_ops.KMeans is tf.contrib.factorization.KMeans
    assert clustering_ops.SQUARED_EUCLIDEAN_DISTANCE == "squared_euclidean"


def _one_split_forest(features, labels, dtype):
    """A 1-tree forest allowed a single split (max_nodes=3), trained on ``{'v': ...}``."""
    with tf.Graph().as_default():
        params = tensor_forest.ForestHParams(num_classes=2, num_features=1, num_trees=1,
                                             max_nodes=3, split_after_samples=30,
                                             num_splits_to_consider=10,
                                             base_random_seed=3).fill()
        forest = tensor_forest.RandomForestGraphs(params)
        data = {"v": tf.constant(features.astype(dtype))}
        train = forest.training_graph(data, tf.constant(labels))
        probabilities, _, _ = forest.inference_graph(data)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(4):
                sess.run(train)
            return sess.run(probabilities).argmax(1), sess.run(forest.average_size())


def test_integer_dict_columns_are_split_by_equality():
    # Class 1 exactly where v == 3: one equality test separates it, one threshold cannot.
    values = np.tile(np.arange(7), 30)
    labels = (values == 3).astype(np.int32)
    predicted, size = _one_split_forest(values, labels, np.int64)
    assert size == 3
    np.testing.assert_array_equal(predicted, labels)
    predicted, size = _one_split_forest(values, labels, np.float32)
    assert size == 3
    assert (predicted != labels).any()


def test_trees_written_before_equality_tests_still_load():
    from smallflow.contrib.tensor_forest import forest_core

    tree = forest_core.Tree(2)
    tree.split(0, 0, 0.5, (np.array([3.0, 0.0]), 0.0), (np.array([0.0, 2.0]), 0.0))
    current = tree.to_bytes()
    # the first format: its own mark and no equality flags after the weights
    old = forest_core._MAGIC_V1 + current[len(forest_core._MAGIC):-(tree.size + 1)] + b"\n"
    loaded = forest_core.Tree.from_bytes(old, 2)
    probabilities, _ = loaded.predict(np.array([[0.2], [0.9]], np.float32), False)
    np.testing.assert_array_equal(probabilities, [[1, 0], [0, 1]])
    assert not loaded.equal[:loaded.size].any()
