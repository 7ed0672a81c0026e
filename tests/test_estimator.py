"""Specification of tf.estimator and tf.train.MonitoredTrainingSession with hooks."""

import numpy as np
import pytest

import smallflow as tf

RNG = np.random.default_rng(0)
X = RNG.standard_normal((200, 4)).astype(np.float32)
Y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)


def _model_fn(features, labels, mode, params):
    logits = tf.layers.dense(features["x"], 2)
    classes = tf.argmax(logits, 1)
    if mode == tf.estimator.ModeKeys.PREDICT:
        return tf.estimator.EstimatorSpec(mode, predictions={"class": classes})
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    optimizer = tf.train.GradientDescentOptimizer(params["learning_rate"])
    train_op = optimizer.minimize(loss, global_step=tf.train.get_global_step())
    return tf.estimator.EstimatorSpec(
        mode, loss=loss, train_op=train_op,
        eval_metric_ops={"accuracy": tf.metrics.accuracy(labels, classes)})


def _train_input(num_epochs=None):
    return tf.estimator.inputs.numpy_input_fn({"x": X}, Y, batch_size=20,
                                              num_epochs=num_epochs, shuffle=True)


EVAL_INPUT = tf.estimator.inputs.numpy_input_fn({"x": X}, Y, batch_size=50, shuffle=False)


def test_estimator_trains_evaluates_predicts_and_resumes_from_its_checkpoint(tmp_path):
    estimator = tf.estimator.Estimator(_model_fn, str(tmp_path), params={"learning_rate": 0.5})
    estimator.train(_train_input(), steps=30)
    assert estimator.latest_checkpoint().endswith("model.ckpt-30")
    first = estimator.evaluate(EVAL_INPUT)
    assert first["global_step"] == 30
    assert first["accuracy"] > 0.9
    assert set(first) == {"accuracy", "loss", "global_step"}
    again = tf.estimator.Estimator(_model_fn, str(tmp_path), params={"learning_rate": 0.5})
    again.train(_train_input(), steps=10)
    assert again.evaluate(EVAL_INPUT)["global_step"] == 40
    again.train(_train_input(), max_steps=40)  # already there: nothing to do
    assert again.get_variable_value("global_step") == 40
    assert "dense/kernel" in again.get_variable_names()
    predictions = list(again.predict(tf.estimator.inputs.numpy_input_fn(
        {"x": X[:5]}, shuffle=False)))
    kernel = again.get_variable_value("dense/kernel")
    bias = again.get_variable_value("dense/bias")
    expected = np.argmax(X[:5] @ kernel + bias, axis=1)
    assert [p["class"] for p in predictions] == expected.tolist()


def test_training_stops_when_the_input_ends(tmp_path):
    estimator = tf.estimator.Estimator(_model_fn, str(tmp_path), params={"learning_rate": 0.1})
    estimator.train(_train_input(num_epochs=1))
    assert estimator.get_variable_value("global_step") == 10


def test_evaluate_needs_a_checkpoint_and_steps_limit_the_batches(tmp_path):
    estimator = tf.estimator.Estimator(_model_fn, str(tmp_path), params={"learning_rate": 0.1})
    with pytest.raises(ValueError, match="Could not find trained model"):
        estimator.evaluate(EVAL_INPUT)
    estimator.train(_train_input(), steps=1)
    result = estimator.evaluate(EVAL_INPUT, steps=1)
    assert result["global_step"] == 1


def test_input_fn_may_return_a_dataset(tmp_path):
    def input_fn():
        dataset = tf.data.Dataset.from_tensor_slices(({"x": X}, Y))
        return dataset.repeat().batch(25)

    estimator = tf.estimator.Estimator(_model_fn, str(tmp_path), params={"learning_rate": 0.5})
    estimator.train(input_fn, max_steps=20)
    assert estimator.get_variable_value("global_step") == 20


def test_canned_dnn_and_linear_classifiers_learn(tmp_path):
    columns = [tf.feature_column.numeric_column("x", shape=[4])]
    # A fixed graph seed: with unseeded initial weights one run in about ten fell under 0.9.
    config = tf.estimator.RunConfig(tf_random_seed=0)
    dnn = tf.estimator.DNNClassifier([8], columns, model_dir=str(tmp_path / "dnn"),
                                     config=config)
    dnn.train(_train_input(), steps=100)
    result = dnn.evaluate(EVAL_INPUT)
    assert result["accuracy"] > 0.9
    assert result["auc"] > 0.95
    assert {"average_loss", "loss", "precision", "recall", "label/mean"} <= set(result)
    prediction = next(dnn.predict(tf.estimator.inputs.numpy_input_fn({"x": X[:1]},
                                                                      shuffle=False)))
    assert set(prediction) == {"logits", "logistic", "probabilities", "class_ids", "classes",
                               "all_class_ids", "all_classes"}
    assert prediction["probabilities"].sum() == pytest.approx(1.0)
    linear = tf.estimator.LinearClassifier(columns, model_dir=str(tmp_path / "linear"),
                                           n_classes=3, config=config)
    linear.train(_train_input(), steps=50)
    assert linear.evaluate(EVAL_INPUT)["accuracy"] > 0.85


def test_train_and_evaluate_returns_the_final_metrics(tmp_path):
    config = tf.estimator.RunConfig(model_dir=str(tmp_path), save_checkpoints_steps=10)
    estimator = tf.estimator.Estimator(_model_fn, config=config,
                                       params={"learning_rate": 0.5})
    train_spec = tf.estimator.TrainSpec(_train_input(), max_steps=20)
    eval_spec = tf.estimator.EvalSpec(EVAL_INPUT, steps=None, throttle_secs=0)
    result, _ = tf.estimator.train_and_evaluate(estimator, train_spec, eval_spec)
    assert result["global_step"] == 20


ESTIMATOR_ERRORS = [
    (lambda: tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.TRAIN, loss=tf.constant(1.0)),
     ValueError, "Missing train_op"),
    (lambda: tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.PREDICT), ValueError,
     "Missing predictions"),
    (lambda: tf.estimator.Estimator(lambda features: None, params={"a": 1}), ValueError,
     "does not include params argument"),
    (lambda: tf.estimator.inputs.numpy_input_fn({"x": X}, Y), ValueError,
     "shuffle must be provided and explicitly set as boolean"),
    (lambda: tf.estimator.Estimator(_model_fn, params={}).export_saved_model("d", None),
     ValueError, "Couldn't find trained model at"),
]


@pytest.mark.parametrize(("build", "error", "message"), ESTIMATOR_ERRORS)
def test_estimator_errors_name_the_problem(build, error, message):
    with pytest.raises(error) as caught:
        build()
    assert message in str(caught.value)


def test_monitored_training_session_checkpoints_restores_and_runs_hooks(tmp_path):
    def build():
        tf.reset_default_graph()
        step = tf.train.get_or_create_global_step()
        weight = tf.Variable(0.0)
        train = tf.group(weight.assign_add(1.0), step.assign_add(1))
        return step, weight, train

    class Recorder(tf.train.SessionRunHook):
        def __init__(self):
            self.calls = []

        def begin(self):
            self.calls.append("begin")

        def before_run(self, run_context):
            return tf.train.SessionRunArgs(weight)

        def after_run(self, run_context, run_values):
            self.calls.append(float(run_values.results))

        def end(self, session):
            self.calls.append("end")

    step, weight, train = build()
    recorder = Recorder()
    hooks = [tf.train.StopAtStepHook(last_step=3), recorder]
    with tf.train.MonitoredTrainingSession(checkpoint_dir=str(tmp_path), hooks=hooks) as sess:
        while not sess.should_stop():
            sess.run(train)
    # The hook fetches the variable itself: its value at the end of each run, after the
    # increment, as TensorFlow 1.x gives it (see test_fetched_variables.py).
    assert recorder.calls == ["begin", 1.0, 2.0, 3.0, "end"]
    assert tf.train.latest_checkpoint(str(tmp_path)).endswith("model.ckpt-3")
    step, weight, train = build()
    with tf.train.MonitoredTrainingSession(checkpoint_dir=str(tmp_path),
                                           hooks=[tf.train.StopAtStepHook(num_steps=2)]) as sess:
        assert sess.run(weight) == 3.0
        while not sess.should_stop():
            sess.run(train)
        assert sess.run(step) == 5


def test_monitored_session_ends_quietly_when_the_input_is_exhausted():
    element = tf.data.Dataset.range(3).make_one_shot_iterator().get_next()
    seen = []
    with tf.train.MonitoredSession() as sess:
        while not sess.should_stop():
            seen.append(sess.run(element))
    assert seen == [0, 1, 2]


def test_nan_tensor_hook_stops_training():
    tf.train.get_or_create_global_step()
    loss = tf.constant(np.nan)
    with pytest.raises(tf.train.NanLossDuringTrainingError), \
            tf.train.MonitoredSession(hooks=[tf.train.NanTensorHook(loss)]) as sess:
        sess.run(loss)


def test_pandas_input_fn_reads_dataframe_columns():
    pandas = pytest.importorskip("pandas", reason="pandas_input_fn needs pandas")
    frame = pandas.DataFrame({"a": [1.0, 2.0, 3.0], "b": [4, 5, 6]})
    features, labels = tf.estimator.inputs.pandas_input_fn(
        frame, pandas.Series([0, 1, 0]), batch_size=2, shuffle=False)()
    with tf.Session() as sess:
        first = sess.run([features, labels])
    assert first[0]["a"].tolist() == [1.0, 2.0]
    assert first[1].tolist() == [0, 1]
