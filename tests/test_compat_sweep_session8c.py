"""Session 8 sweep C (Google's Machine Learning Crash Course TF1 exercises, BinRoot's
TensorFlow-Book): what those programs needed, as specifications. TensorFlow's own answers
for the same constructs, where TensorFlow 2 still has them, are in
tests/oracle/cases_sweep_session8c.py."""

import importlib

import numpy as np
import pytest

import smallflow as tf

# -- import paths TF1 programs use ---------------------------------------------------------------


@pytest.mark.parametrize(("module", "name", "public"), [
    ("smallflow.python.data", "Dataset", "data.Dataset"),
    ("smallflow.python.data", "Iterator", "data.Iterator"),
    ("smallflow.python.data", "TextLineDataset", "data.TextLineDataset"),
    ("smallflow.python.data", "TFRecordDataset", "data.TFRecordDataset"),
    ("smallflow.python.data", "make_one_shot_iterator", "data.make_one_shot_iterator"),
    ("smallflow.python.data.ops.dataset_ops", "Dataset", "data.Dataset"),
    ("smallflow.python.data.ops.iterator_ops", "Iterator", "data.Iterator"),
    ("smallflow.python.data.ops.readers", "TFRecordDataset", "data.TFRecordDataset"),
    ("smallflow.train", "match_filenames_once", "io.match_filenames_once"),
])
def test_tf1_import_paths_answer_with_the_public_names(module, name, public):
    # `from tensorflow.python.data import Dataset` (every MLCC exercise)
    expected = tf
    for part in public.split("."):
        expected = getattr(expected, part)
    assert getattr(importlib.import_module(module), name) is expected


def test_python_data_ops_refuse_names_tf_data_lacks():
    from smallflow.python.data.ops import dataset_ops

    with pytest.raises(AttributeError, match="no attribute 'NoSuchDataset'"):
        dataset_ops.NoSuchDataset  # noqa: B018


# -- tf.contrib.estimator ------------------------------------------------------------------------


def _one_step(optimizer, grad_scale):
    """w after one step of ``optimizer`` on ``loss = grad_scale . w`` from w = 0."""
    with tf.Graph().as_default():
        w = tf.Variable(np.zeros(3, np.float32))
        loss = tf.reduce_sum(tf.constant(grad_scale, tf.float32) * w)
        step = optimizer().minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(step)
            return sess.run(w)


@pytest.mark.parametrize(("gradient", "clip_norm"), [
    ([3.0, 4.0, 0.0], 1.0),     # norm 5: scaled down to norm 1
    ([3.0, 4.0, 0.0], 10.0),    # norm 5 < 10: unchanged
    ([-600.0, 20.0, 1e4], 5.0),  # MLCC's clip of 5 on a large squared-error gradient
])
def test_clip_gradients_by_norm_clips_the_global_norm_before_applying(gradient, clip_norm):
    gradient = np.array(gradient, np.float32)
    clipped = _one_step(lambda: tf.contrib.estimator.clip_gradients_by_norm(
        tf.train.GradientDescentOptimizer(0.1), clip_norm), gradient)
    norm = np.linalg.norm(gradient)
    np.testing.assert_allclose(clipped, -0.1 * gradient * clip_norm / max(norm, clip_norm),
                               rtol=1e-5)


def test_clip_gradients_by_norm_keeps_the_wrapped_optimizers_slots_and_name():
    adagrad = tf.train.AdagradOptimizer(0.1)
    clipped = tf.contrib.estimator.clip_gradients_by_norm(adagrad, 5.0)
    assert isinstance(clipped, tf.train.Optimizer)
    assert clipped.get_name() == "ClipByNormAdagrad"
    w = tf.Variable([1.0, 2.0])
    clipped.minimize(tf.reduce_sum(w * w))
    assert clipped.get_slot_names() == ["accumulator"]
    assert clipped.get_slot(w, "accumulator") is adagrad.get_slot(w, "accumulator")
    with pytest.raises(TypeError, match="tf.train.Optimizer"):
        tf.contrib.estimator.clip_gradients_by_norm("Adagrad", 5.0)


def test_contrib_estimator_names_what_it_lacks():
    with pytest.raises(AttributeError, match="tf.contrib.estimator.multi_head is not"):
        tf.contrib.estimator.multi_head  # noqa: B018


def _housing_input(num_epochs=None, batch_size=10):
    rows = np.random.RandomState(0).uniform(0, 1, (40, 2)).astype(np.float32)
    features = {"rooms": rows[:, 0], "income": rows[:, 1]}
    targets = 3 * rows[:, 0] - rows[:, 1] + 0.5

    def input_fn():
        ds = tf.data.Dataset.from_tensor_slices((features, targets))
        ds = ds.batch(batch_size).repeat(num_epochs)
        return ds.make_one_shot_iterator().get_next()

    return input_fn


def test_canned_regressor_trains_with_a_clipped_optimizer(tmp_path):
    # The MLCC pattern: GradientDescent wrapped by clip_gradients_by_norm, given to a
    # canned LinearRegressor; the variables it reads back after training.
    optimizer = tf.contrib.estimator.clip_gradients_by_norm(
        tf.train.GradientDescentOptimizer(0.1), 5.0)
    regressor = tf.estimator.LinearRegressor(
        [tf.feature_column.numeric_column("rooms"),
         tf.feature_column.numeric_column("income")],
        model_dir=str(tmp_path), optimizer=optimizer)
    regressor.train(_housing_input(), steps=60)
    weight = regressor.get_variable_value("linear/linear_model/rooms/weights")
    assert weight.shape == (1, 1)
    assert weight[0, 0] > 1.0
    predictions = list(regressor.predict(_housing_input(num_epochs=1)))
    assert len(predictions) == 40
    assert predictions[0]["predictions"].shape == (1,)


def test_add_metrics_replaces_a_metric_of_the_same_name_and_takes_any_allowed_args(tmp_path):
    regressor = tf.estimator.LinearRegressor([tf.feature_column.numeric_column("rooms")],
                                             model_dir=str(tmp_path))
    regressor.train(_housing_input(), steps=5)

    def metric_fn(labels, features):   # no `predictions`: allowed, as in TensorFlow
        return {"label/mean": tf.metrics.mean(tf.zeros_like(labels)),
                "rooms_max": (tf.reduce_max(features["rooms"]), tf.no_op())}

    for add_metrics in (tf.estimator.add_metrics, tf.contrib.estimator.add_metrics):
        metrics = add_metrics(regressor, metric_fn).evaluate(_housing_input(1), steps=2)
        assert metrics["label/mean"] == 0.0     # the estimator's own label/mean is replaced
        assert "rooms_max" in metrics
        assert "average_loss" in metrics


@pytest.mark.parametrize(("keys", "expected"), [
    ("rooms", {"rooms"}),
    (["rooms", "income"], {"rooms", "income"}),
    (None, {"rooms", "income"}),
])
def test_forward_features_adds_the_named_features_to_the_predictions(tmp_path, keys, expected):
    regressor = tf.estimator.LinearRegressor([tf.feature_column.numeric_column("rooms")],
                                             model_dir=str(tmp_path))
    regressor.train(_housing_input(), steps=2)
    forwarding = tf.contrib.estimator.forward_features(regressor, keys)
    first = next(iter(forwarding.predict(_housing_input(num_epochs=1))))
    assert set(first) == {"predictions"} | expected
    assert first["rooms"] == pytest.approx(
        np.random.RandomState(0).uniform(0, 1, (40, 2))[0, 0], rel=1e-6)


@pytest.mark.parametrize(("keys", "error", "message"), [
    (3, TypeError, "keys should be either a string or a list"),
    (["rooms", 3], TypeError, "should be a string"),
    ("size", ValueError, 'Key "size" is not in features'),
    ("predictions", None, None),
])
def test_forward_features_refuses_bad_keys(tmp_path, keys, error, message):
    regressor = tf.estimator.LinearRegressor([tf.feature_column.numeric_column("rooms")],
                                             model_dir=str(tmp_path))
    if error is TypeError:
        with pytest.raises(TypeError, match=message):
            tf.contrib.estimator.forward_features(regressor, keys)
        return
    regressor.train(_housing_input(), steps=1)
    forwarding = tf.contrib.estimator.forward_features(regressor, keys)
    if error is None:   # a feature named like a prediction key cannot be forwarded
        def input_fn():
            features, labels = _housing_input(num_epochs=1)()
            return dict(features, predictions=features["rooms"]), labels
        with pytest.raises(ValueError, match="Cannot forward feature key"):
            next(iter(forwarding.predict(input_fn)))
        return
    with pytest.raises(error, match=message):
        next(iter(forwarding.predict(_housing_input(num_epochs=1))))
