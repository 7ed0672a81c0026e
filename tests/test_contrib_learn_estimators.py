"""tf.contrib.learn's TF 1.0 Estimators and tf.contrib.layers' TF 1.0 feature columns, as
the "tf.contrib.learn Quickstart" (iris) uses them: input functions returning a bare
features tensor, NumPy x/y, predict yielding class ids, constant inputs predicted once."""

import numpy as np
import pytest

import smallflow as tf


def _iris():
    data = tf.contrib.learn.datasets.load_dataset("iris")
    order = np.random.RandomState(0).permutation(150)
    x = data.data.astype(np.float32)
    y = data.target.astype(np.int64)
    return x[order[:120]], y[order[:120]], x[order[120:]], y[order[120:]]


def test_quickstart_with_input_functions(tmp_path):
    train_x, train_y, test_x, test_y = _iris()
    columns = [tf.contrib.layers.real_valued_column("", dimension=4)]
    # A fixed graph seed: unseeded, an initialization now and then stalls at 2/3 here.
    classifier = tf.contrib.learn.DNNClassifier(feature_columns=columns,
                                                hidden_units=[10, 20, 10], n_classes=3,
                                                model_dir=str(tmp_path / "iris"),
                                                config=tf.estimator.RunConfig(tf_random_seed=3))
    classifier.fit(input_fn=lambda: (tf.constant(train_x), tf.constant(train_y)), steps=600)
    scores = classifier.evaluate(input_fn=lambda: (tf.constant(test_x), tf.constant(test_y)),
                                 steps=1)
    assert scores["accuracy"] >= 0.85
    assert scores["global_step"] == 600
    # A constant input (no queue behind it) is predicted once, as contrib.learn did.
    samples = np.array([[6.4, 3.2, 4.5, 1.5], [5.8, 3.1, 5.0, 1.7]], np.float32)
    predictions = list(classifier.predict(input_fn=lambda: samples))
    assert len(predictions) == 2
    assert all(p in (0, 1, 2) for p in predictions)
    probabilities = classifier.predict_proba(input_fn=lambda: samples, as_iterable=False)
    assert probabilities.shape == (2, 3)
    np.testing.assert_allclose(probabilities.sum(1), 1, rtol=1e-5)
    assert list(probabilities.argmax(1)) == predictions
    # Training resumes from the checkpoint.
    classifier.fit(input_fn=lambda: (tf.constant(train_x), tf.constant(train_y)), steps=10)
    assert classifier.get_variable_value("global_step") == 610


def test_numpy_x_and_y_and_regressors():
    train_x, train_y, test_x, test_y = _iris()
    columns = tf.contrib.learn.infer_real_valued_columns_from_input(train_x)
    classifier = tf.contrib.learn.LinearClassifier(feature_columns=columns, n_classes=3)
    classifier.fit(x=train_x, y=train_y, steps=300)
    assert classifier.evaluate(x=test_x, y=test_y)["accuracy"] >= 0.8
    assert len(classifier.predict(x=test_x, as_iterable=False)) == 30
    rng = np.random.RandomState(1)
    x = rng.rand(200, 3).astype(np.float32)
    y = (x @ np.array([1.0, -2.0, 0.5], np.float32) + 0.3).astype(np.float32)
    regressor = tf.contrib.learn.LinearRegressor(
        feature_columns=[tf.contrib.layers.real_valued_column("", dimension=3)])
    regressor.fit(x=x, y=y, steps=300, batch_size=50)  # 1-D labels, as NumPy programs give
    predicted = regressor.predict(x=x[:5], as_iterable=False)
    np.testing.assert_allclose(predicted, y[:5], atol=0.1)


def test_old_feature_columns_map_to_the_new_ones():
    layers = tf.contrib.layers
    color = layers.sparse_column_with_keys("color", ["red", "green"])
    assert color.name == tf.feature_column.categorical_column_with_vocabulary_list(
        "color", ["red", "green"]).name
    assert layers.embedding_column(color, dimension=3).dimension == 3
    assert layers.bucketized_column(layers.real_valued_column("age"), [18, 65]).boundaries == \
        (18, 65)
    with pytest.raises(ValueError, match="dimension"):
        layers.real_valued_column("x", dimension=0)
    with pytest.raises(ValueError, match="Can not provide both input_fn and x or y"):
        tf.contrib.learn.DNNClassifier([4], [layers.real_valued_column("", 4)]).fit(
            x=np.zeros((2, 4)), y=[0, 1], input_fn=lambda: None)
