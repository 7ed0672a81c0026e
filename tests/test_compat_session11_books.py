"""Regression tests for the session 11 sweep of TF1-era books (docs/compatibility.md)."""

import numpy as np
import pytest

import smallflow as tf

learn = tf.contrib.learn


def _one_step(estimator, x, y, weights=None):
    """One gradient-descent step on the whole of (x, y) (plus an example-weight feature)."""
    features = {"x": x} if weights is None else {"x": x, "w": weights}

    def input_fn():
        return {k: tf.constant(v) for k, v in features.items()}, tf.constant(y)

    if hasattr(estimator, "train"):
        estimator.train(input_fn, steps=1)
    else:
        estimator.fit(input_fn=input_fn, steps=1)
    return estimator


def _data(n=8, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.uniform(-1, 1, size=(n, 1)).astype(np.float32)
    y = (3 * x[:, 0] + 1 + rng.normal(scale=0.1, size=n)).astype(np.float32)
    return x, y


def test_contrib_learn_linear_regressor_trains_on_the_mean_loss(tmp_path):
    # Hezi-Resheff ch. 7: learn.LinearRegressor with GradientDescent(0.1) on 506 rows diverged
    # (NaN) when the loss was the batch sum; contrib.learn's heads take its mean.
    x, y = _data()
    reg = learn.LinearRegressor(
        feature_columns=[tf.contrib.layers.real_valued_column("x")],
        optimizer=tf.train.GradientDescentOptimizer(0.1), model_dir=str(tmp_path))
    _one_step(reg, x, y)
    # From zero weights, one step down the mean squared error's gradient.
    np.testing.assert_allclose(reg.get_variable_value("linear/x/weight"),
                               [[0.1 * 2 * np.mean(y * x[:, 0])]], rtol=1e-5)
    np.testing.assert_allclose(reg.get_variable_value("linear/bias_weight"),
                               [0.1 * 2 * np.mean(y)], rtol=1e-5)


def test_contrib_learn_variable_names_are_contrib_learns(tmp_path):
    # Hezi-Resheff ch. 7 reads linear/Weight/weight, linear/Species/weights, linear/bias_weight.
    features = {"Weight": np.array([[70.0], [80.0], [75.0]], np.float32),
                "Species": np.array([["Goblin"], ["Human"], ["ManBears"]])}
    reg = learn.LinearRegressor(feature_columns=[
        tf.contrib.layers.real_valued_column("Weight"),
        tf.contrib.layers.sparse_column_with_keys("Species", ["Goblin", "Human", "ManBears"])],
        model_dir=str(tmp_path))
    reg.fit(input_fn=lambda: ({k: tf.constant(v) for k, v in features.items()},
                              tf.constant([1.6, 1.8, 1.9])), steps=2)
    names = reg.get_variable_names()
    assert {"linear/Weight/weight", "linear/Species/weights", "linear/bias_weight",
            "global_step"} <= set(names)
    assert reg.get_variable_value("linear/Weight/weight").shape == (1, 1)
    assert reg.get_variable_value("linear/Species/weights").shape == (3, 1)
    # tf.estimator's own name still reads the same variable
    np.testing.assert_array_equal(
        reg.get_variable_value("linear/linear_model/bias_weights"),
        reg.get_variable_value("linear/bias_weight"))


def test_contrib_learn_dnn_variable_names(tmp_path):
    x, y = _data()
    clf = learn.DNNClassifier(hidden_units=[4], n_classes=2, model_dir=str(tmp_path),
                              feature_columns=[tf.contrib.layers.real_valued_column("x")])
    _one_step(clf, x, (y > 1).astype(np.int64))
    names = set(clf.get_variable_names())
    assert {"dnn/hiddenlayer_0/weights", "dnn/hiddenlayer_0/biases", "dnn/logits/weights",
            "dnn/logits/biases"} <= names
    assert clf.get_variable_value("dnn/hiddenlayer_0/weights").shape == (1, 4)


@pytest.mark.parametrize(("reduction", "divisor"), [
    (None, lambda w: 1.0),
    (tf.losses.Reduction.SUM, lambda w: 1.0),
    (tf.losses.Reduction.MEAN, lambda w: w.sum()),
    (tf.losses.Reduction.SUM_OVER_BATCH_SIZE, lambda w: w.size),
    (tf.losses.Reduction.SUM_BY_NONZERO_WEIGHTS, lambda w: np.count_nonzero(w)),
])
def test_canned_estimators_reduce_the_loss_as_loss_reduction_says(tmp_path, reduction,
                                                                  divisor):
    x, y = _data()
    weights = np.array([[1], [2], [0], [1], [3], [0], [1], [1]], np.float32)
    reg = tf.estimator.LinearRegressor(
        [tf.feature_column.numeric_column("x")], model_dir=str(tmp_path), weight_column="w",
        optimizer=tf.train.GradientDescentOptimizer(0.01), loss_reduction=reduction)
    _one_step(reg, x, y, weights)
    w = weights[:, 0]
    expected = 0.01 * 2 * np.sum(w * y * x[:, 0]) / divisor(w)
    np.testing.assert_allclose(reg.get_variable_value("linear/linear_model/x/weights"),
                               [[expected]], rtol=1e-5)


@pytest.mark.parametrize("reduction", [tf.losses.Reduction.NONE, "bogus"])
def test_canned_estimators_refuse_an_invalid_loss_reduction(reduction):
    with pytest.raises(ValueError, match="Invalid loss_reduction"):
        tf.estimator.DNNClassifier([3], [tf.feature_column.numeric_column("x")],
                                   loss_reduction=reduction)


def test_contrib_learn_kmeans_takes_a_relative_tolerance_with_mini_batches(tmp_path):
    # TensorFlow 1.x Deep Learning Cookbook ch. 7 (iris): KMeansClustering(num_clusters=3,
    # relative_tolerance=0.0001, random_seed=2) with the default use_mini_batch=True was
    # refused; TensorFlow takes the pair (its docstring: the stop "may not work correctly").
    rng = np.random.RandomState(0)
    centers = np.array([[0.0, 0.0], [5.0, 5.0], [0.0, 5.0]], np.float32)
    points = np.concatenate([c + rng.normal(scale=0.3, size=(30, 2)) for c in centers])
    points = points.astype(np.float32)

    def input_fn():
        return tf.constant(points), None

    kmeans = learn.KMeansClustering(num_clusters=3, relative_tolerance=0.0001, random_seed=2,
                                    model_dir=str(tmp_path))
    kmeans.fit(input_fn=input_fn, steps=30)
    found = kmeans.clusters()
    assert found.shape == (3, 2)
    # each true center has a found center near it
    distances = np.linalg.norm(found[None, :, :] - centers[:, None, :], axis=-1)
    assert np.all(distances.min(axis=1) < 1.0)
    assignments = list(kmeans.predict_cluster_idx(input_fn=input_fn))
    assert len(assignments) == 90
    # tf.contrib.factorization's estimator takes the pair as well
    tf.contrib.factorization.KMeansClustering(3, relative_tolerance=0.01)


@pytest.mark.parametrize("flag", [True, False])
def test_where_takes_a_scalar_condition(flag):
    # TensorFlow 1.x Deep Learning Cookbook ch. 2 (Reading_csv_preprocessing.py):
    # tf.where(scalar_condition, tf.zeros(14), row) picks the whole of one branch.
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    y = -x
    condition = tf.placeholder(tf.bool, [])
    xs, ys = tf.constant(x), tf.constant(y)
    picked = tf.where(condition, xs, ys)
    assert picked.shape.as_list() == [2, 3]
    grads = tf.gradients(tf.reduce_sum(picked * 2.0), [xs, ys])
    with tf.Session() as sess:
        value, (gx, gy) = sess.run([picked, grads], {condition: flag})
    np.testing.assert_array_equal(value, x if flag else y)
    np.testing.assert_array_equal(gx, np.full_like(x, 2.0 if flag else 0.0))
    np.testing.assert_array_equal(gy, np.full_like(x, 0.0 if flag else 2.0))
