"""Session 13 (helper contrib2): ``tf.contrib.estimator``'s heads against NumPy statements of
TensorFlow 1.15's head losses, their prediction and metric keys, and an Estimator built on
one."""

import numpy as np
import pytest

import smallflow as tf

est = tf.contrib.estimator
_TRAIN, _EVAL, _PREDICT = tf.estimator.ModeKeys.TRAIN, tf.estimator.ModeKeys.EVAL, \
    tf.estimator.ModeKeys.PREDICT


def _run(fetches):
    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        return sess.run(fetches)


def _xent(labels, logits):
    return np.maximum(logits, 0) - logits * labels + np.log1p(np.exp(-np.abs(logits)))


_LOGITS = np.array([[1.5], [-0.5], [0.25], [-2.0]], np.float32)
_LABELS = np.array([[1], [0], [0], [1]], np.int64)
_WEIGHTS = np.array([1.0, 0.0, 2.0, 0.5], np.float32)


@pytest.mark.parametrize(("reduction", "divide"), [
    (tf.losses.Reduction.SUM_OVER_BATCH_SIZE, 4.0),
    (tf.losses.Reduction.SUM, 1.0),
    (tf.losses.Reduction.SUM_BY_NONZERO_WEIGHTS, 3.0),
    (tf.losses.Reduction.MEAN, 3.5),
])
def test_binary_head_loss_reductions(reduction, divide):
    head = est.binary_classification_head(weight_column="w", loss_reduction=reduction)
    spec = head.create_loss({"w": _WEIGHTS}, _TRAIN, _LOGITS, _LABELS)
    got = _run(spec.training_loss)
    per_example = _xent(_LABELS.astype(np.float32), _LOGITS)[:, 0]
    np.testing.assert_allclose(got, (per_example * _WEIGHTS).sum() / divide, rtol=1e-5)


def test_binary_head_predictions_and_metrics():
    head = est.binary_classification_head(thresholds=[0.7])
    assert head.logits_dimension == 1
    predict = head.create_estimator_spec({}, _PREDICT, _LOGITS)
    assert set(predict.predictions) == {"logits", "logistic", "probabilities", "class_ids",
                                        "classes", "all_class_ids", "all_classes"}
    assert set(predict.export_outputs) == {"serving_default", "classification", "regression",
                                           "predict"}
    evaluate = head.create_estimator_spec({}, _EVAL, _LOGITS, _LABELS)
    assert set(evaluate.eval_metric_ops) == {
        "average_loss", "accuracy", "precision", "recall", "prediction/mean", "label/mean",
        "accuracy_baseline", "auc", "auc_precision_recall", "accuracy/positive_threshold_0.7",
        "precision/positive_threshold_0.7", "recall/positive_threshold_0.7"}
    values = _run({"p": predict.predictions, "loss": evaluate.loss,
                   "updates": {k: v[1] for k, v in evaluate.eval_metric_ops.items()}})
    logistic = 1 / (1 + np.exp(-_LOGITS))
    np.testing.assert_allclose(values["p"]["probabilities"],
                               np.concatenate([1 - logistic, logistic], 1), rtol=1e-6)
    np.testing.assert_array_equal(values["p"]["class_ids"], [[1], [0], [1], [0]])
    np.testing.assert_array_equal(values["p"]["classes"], [[b"1"], [b"0"], [b"1"], [b"0"]])
    np.testing.assert_allclose(values["updates"]["accuracy"], 0.5)
    np.testing.assert_allclose(values["updates"]["label/mean"], 0.5)
    np.testing.assert_allclose(values["loss"], _xent(_LABELS, _LOGITS).mean(), rtol=1e-5)


def test_head_train_op_needs_exactly_one_of_optimizer_and_train_op_fn():
    w = tf.Variable([[0.5]])
    logits = tf.constant([[1.0], [2.0]]) * w
    head = est.binary_classification_head(name="bin")
    with pytest.raises(ValueError, match="cannot both be None"):
        head.create_estimator_spec({}, _TRAIN, logits, [[1], [0]])
    tf.train.get_or_create_global_step()
    with pytest.raises(ValueError, match="cannot both be set"):
        head.create_estimator_spec({}, _TRAIN, logits, [[1], [0]],
                                   optimizer=tf.train.GradientDescentOptimizer(0.1),
                                   train_op_fn=lambda loss: tf.no_op())
    spec = head.create_estimator_spec({}, _TRAIN, logits, [[1], [0]],
                                      optimizer=tf.train.GradientDescentOptimizer(0.1))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(spec.loss)
        sess.run(spec.train_op)
        assert sess.run(spec.loss) < before
        assert sess.run(tf.train.get_global_step()) == 1
    with pytest.raises(ValueError, match=r"logits shape must be \[D0, D1, ... DN, "
                                         r"logits_dimension\]"):
        head.create_loss({}, _TRAIN, tf.zeros([2, 3]), [[1], [0]])


def test_multi_class_head_with_vocabulary_and_named_metrics():
    head = est.multi_class_head(3, label_vocabulary=["a", "b", "c"], name="cls")
    logits = np.array([[2.0, 0.0, -1.0], [0.0, 1.0, 3.0]], np.float32)
    spec = head.create_estimator_spec({}, _EVAL, logits, tf.constant([["b"], ["c"]]))
    assert set(spec.eval_metric_ops) == {"average_loss/cls", "accuracy/cls"}
    loss, classes, acc = _run([spec.loss, spec.predictions["classes"],
                               spec.eval_metric_ops["accuracy/cls"][1]])
    log_p = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    np.testing.assert_allclose(loss, -(log_p[0, 1] + log_p[1, 2]) / 2, rtol=1e-5)
    np.testing.assert_array_equal(classes, [[b"a"], [b"c"]])
    assert acc == 0.5
    with pytest.raises(ValueError, match="n_classes must be > 2"):
        est.multi_class_head(2)


def test_regression_heads():
    logits = np.array([[0.5, 1.0], [-1.0, 2.0]], np.float32)
    labels = np.array([[1.0, 1.0], [0.0, 3.0]], np.float32)
    plain = est.regression_head(label_dimension=2)
    loss = plain.create_loss({}, _TRAIN, logits, labels).training_loss
    counts = np.array([[2.0], [0.0], [5.0]], np.float32)
    log_rates = np.array([[0.5], [-1.0], [1.5]], np.float32)
    poisson = est.poisson_regression_head()
    p_spec = poisson.create_estimator_spec({}, _EVAL, log_rates, counts)
    expected_poisson = tf.nn.log_poisson_loss(counts, log_rates, compute_full_loss=True)
    logistic = est.logistic_regression_head()
    l_pred = logistic.create_estimator_spec({}, _PREDICT, log_rates)
    got = _run([loss, p_spec.loss, tf.reduce_mean(expected_poisson), p_spec.predictions,
                l_pred.predictions["predictions"]])
    np.testing.assert_allclose(got[0], ((logits - labels) ** 2).mean(), rtol=1e-6)
    np.testing.assert_allclose(got[1], got[2], rtol=1e-6)
    np.testing.assert_allclose(got[3]["predictions"], np.exp(log_rates), rtol=1e-6)
    np.testing.assert_allclose(got[3]["logits"], log_rates)
    np.testing.assert_allclose(got[4], 1 / (1 + np.exp(-log_rates)), rtol=1e-6)
    assert set(p_spec.eval_metric_ops) == {"average_loss", "prediction/mean", "label/mean"}


def test_multi_label_head_averages_over_classes():
    head = est.multi_label_head(3)
    logits = np.array([[1.0, -1.0, 0.5], [0.0, 2.0, -3.0]], np.float32)
    labels = np.array([[1, 0, 1], [0, 1, 0]], np.int64)
    spec = head.create_estimator_spec({}, _EVAL, logits, labels)
    assert set(spec.predictions) == {"logits", "probabilities"}
    assert set(spec.eval_metric_ops) == {"average_loss", "auc", "auc_precision_recall"}
    np.testing.assert_allclose(_run(spec.loss), _xent(labels, logits).mean(), rtol=1e-5)


def test_multi_head_splits_logits_and_weights_losses():
    first = est.binary_classification_head(name="first")
    second = est.regression_head(label_dimension=2, name="second")
    head = est.multi_head([first, second], head_weights=[1.0, 0.5])
    assert head.logits_dimension == 3
    assert head.name == "first_second"
    logits = np.array([[1.0, 0.5, -0.5], [-1.0, 2.0, 0.0]], np.float32)
    labels = {"first": np.array([[1], [0]]), "second": np.array([[0.0, 0.0], [1.0, 1.0]],
                                                                    np.float32)}
    spec = head.create_estimator_spec({}, _EVAL, logits, labels)
    assert ("first", "logistic") in spec.predictions
    assert ("second", "predictions") in spec.predictions
    assert {"loss/first", "loss/second", "accuracy/first", "average_loss/second"} <= set(
        spec.eval_metric_ops)
    binary = _xent(np.array([[1.0], [0.0]]), logits[:, :1]).mean()
    squared = ((logits[:, 1:] - labels["second"]) ** 2).mean()
    np.testing.assert_allclose(_run(spec.loss), binary + 0.5 * squared, rtol=1e-5)
    with pytest.raises(ValueError, match="must have name specified"):
        est.multi_head([est.regression_head(), first])
    with pytest.raises(ValueError, match="Could not split logits of shape"):
        head.create_loss({}, _TRAIN, tf.zeros([2, 4]), labels)


def test_an_estimator_on_a_head_learns(tmp_path):
    rng = np.random.RandomState(0)
    x = rng.normal(size=(200, 2)).astype(np.float32)
    y = (x[:, :1] + x[:, 1:] > 0).astype(np.int64)
    head = est.binary_classification_head()

    def model_fn(features, labels, mode):
        logits = tf.layers.dense(features["x"], 1)
        return head.create_estimator_spec(features, mode, logits, labels,
                                          optimizer=tf.train.GradientDescentOptimizer(0.5))

    def input_fn():
        return tf.data.Dataset.from_tensor_slices(({"x": x}, y)).repeat().batch(50)

    model = tf.estimator.Estimator(model_fn, str(tmp_path))
    model.train(input_fn, steps=40)
    metrics = model.evaluate(input_fn, steps=4)
    assert metrics["accuracy"] > 0.9
    assert metrics["auc"] > 0.95


def test_replicate_model_fn_runs_one_tower_with_tower_optimizer(tmp_path):
    x = np.array([[1.0], [2.0], [3.0], [4.0]], np.float32)
    y = 2.0 * x + 1.0
    head = est.regression_head()

    def model_fn(features, labels, mode, params):
        assert params == {"lr": 0.05}
        logits = tf.layers.dense(features["x"], 1)
        optimizer = est.TowerOptimizer(lambda: tf.train.GradientDescentOptimizer(params["lr"]))
        return head.create_estimator_spec(features, mode, logits, labels, optimizer=optimizer)

    model = tf.estimator.Estimator(est.replicate_model_fn(model_fn), str(tmp_path),
                                   params={"lr": 0.05})
    model.train(tf.estimator.inputs.numpy_input_fn({"x": x}, y, batch_size=4, num_epochs=None,
                                                   shuffle=False), steps=200)
    names = model.get_variable_names()
    assert "dense/kernel" in names
    np.testing.assert_allclose(model.get_variable_value("dense/kernel"), [[2.0]], atol=0.1)
    with pytest.raises(ValueError, match="single tower"):
        est.replicate_model_fn(model_fn, devices=["/gpu:0", "/gpu:1"])
    with pytest.raises(ValueError, match="need to be reduced"):
        est.replicate_model_fn(model_fn, loss_reduction=tf.losses.Reduction.NONE)


def test_logit_fn_builders_and_call_logit_fn():
    columns = [tf.feature_column.numeric_column("x", shape=[2])]
    features = {"x": tf.constant([[1.0, 2.0], [3.0, 4.0]])}
    dnn = est.dnn_logit_fn_builder(3, [4], columns, tf.nn.relu, None, None, False)
    logits = est.call_logit_fn(dnn, features, _TRAIN, None, None)
    assert logits.shape.as_list() == [2, 3]
    assert {v.op.name for v in tf.trainable_variables()} >= {
        "dnn/hiddenlayer_0/kernel", "dnn/logits/kernel"}
    linear = est.linear_logit_fn_builder(2, columns)
    assert est.call_logit_fn(linear, features, _TRAIN, None, None).shape.as_list() == [2, 2]
    with pytest.raises(ValueError, match="units must be an int"):
        est.dnn_logit_fn_builder(2.0, [4], columns, tf.nn.relu, None, None, False)
    with pytest.raises(ValueError, match="logit_fn should return a Tensor"):
        est.call_logit_fn(lambda features: [1], features, _TRAIN, None, None)
