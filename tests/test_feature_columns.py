"""Specification of tf.feature_column's categorical columns, linear_model and
make_parse_example_spec, and of the canned linear and wide-and-deep estimators over them."""

import numpy as np
import pytest

import smallflow as tf

fc = tf.feature_column


def _run(tensor, init=True):
    with tf.Session() as sess:
        if init:
            sess.run(tf.global_variables_initializer())
        return sess.run(tensor)


def _one_hot(column, features):
    return _run(fc.input_layer(features, [fc.indicator_column(column)]))


IDS = [
    ("vocabulary_list", lambda: fc.categorical_column_with_vocabulary_list(
        "c", ["red", "green", "blue"]), ["blue", "red", "pink"], [2, 0, -1]),
    ("vocabulary_list_default", lambda: fc.categorical_column_with_vocabulary_list(
        "c", ["red", "green"], default_value=1), ["pink", "red"], [1, 0]),
    ("vocabulary_ints", lambda: fc.categorical_column_with_vocabulary_list(
        "c", [10, 20, 30]), [30, 10, 5], [2, 0, -1]),
    ("identity", lambda: fc.categorical_column_with_identity("c", 4), [3, 0], [3, 0]),
]


@pytest.mark.parametrize(("build", "values", "ids"), [i[1:] for i in IDS], ids=[i[0] for i in IDS])
def test_categorical_columns_give_tensorflows_ids(build, values, ids):
    column = build()
    assert _run(column.ids({"c": tf.constant(values)}), init=False).ravel().tolist() == ids
    hot = _one_hot(column, {"c": tf.constant(values)})
    expected = np.zeros((len(ids), column.num_buckets), np.float32)
    for row, index in enumerate(ids):
        if index >= 0:
            expected[row, index] = 1
    np.testing.assert_array_equal(hot, expected)


def test_out_of_vocabulary_values_go_to_stable_hash_buckets():
    column = fc.categorical_column_with_vocabulary_list("c", ["a", "b"], num_oov_buckets=3)
    assert column.num_buckets == 5
    values = tf.constant(["a", "zz", "b", "zz", "q"])
    ids = _run(column.ids({"c": values}), init=False).ravel().tolist()
    assert ids[0] == 0
    assert ids[2] == 1
    assert ids[1] == ids[3]
    assert min(ids[1], ids[4]) >= 2
    assert max(ids) < 5


def test_hash_bucket_and_crossed_columns_are_deterministic_and_in_range(tmp_path):
    hashed = fc.categorical_column_with_hash_bucket("word", 7)
    crossed = fc.crossed_column(["word", fc.categorical_column_with_identity("n", 3)], 11)
    features = {"word": tf.constant(["cat", "dog", "cat"]), "n": tf.constant([1, 2, 1])}
    first = _run([hashed.ids(features), crossed.ids(features)], init=False)
    again = _run([hashed.ids(features), crossed.ids(features)], init=False)
    for a, b, size in zip(first, again, (7, 11)):
        assert a.tolist() == b.tolist()
        assert a[0] == a[2]
        assert a.min() >= 0
        assert a.max() < size
    assert crossed.name == "n_X_word"
    vocabulary = tmp_path / "words.txt"
    vocabulary.write_text("cat\ndog\n")
    from_file = fc.categorical_column_with_vocabulary_file("word", str(vocabulary))
    assert _run(from_file.ids(features), init=False).ravel().tolist() == [0, 1, 0]


def test_linear_model_weights_each_bucket_and_dense_value():
    features = {"color": tf.constant(["blue", "red", "blue"]), "size": tf.constant([[1.0],
                                                                                  [2.0],
                                                                                  [0.0]]),
                "w": tf.constant([2.0, 1.0, 0.5])}
    color = fc.categorical_column_with_vocabulary_list("color", ["red", "blue"])
    columns = [fc.numeric_column("size"), fc.weighted_categorical_column(color, "w")]
    logits = fc.linear_model(features, columns, units=2)
    names = [v.op.name for v in tf.global_variables()]
    assert names == ["linear_model/color_weighted_by_w/weights", "linear_model/size/weights",
                     "linear_model/bias_weights"]
    variables = {v.op.name.split("/")[1]: v for v in tf.global_variables()}
    setup = [tf.assign(variables["color_weighted_by_w"], [[1.0, 0.0], [10.0, 1.0]]),
             tf.assign(variables["size"], [[3.0, -1.0]]),
             tf.assign(variables["bias_weights"], [0.5, 0.25])]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(setup)
        value = sess.run(logits)
    expected = [[20 + 3 + 0.5, 2 - 1 + 0.25], [1 + 6 + 0.5, 0 - 2 + 0.25],
                [5 + 0 + 0.5, 0.5 + 0.25]]
    np.testing.assert_allclose(value, expected, rtol=1e-6)


def test_make_parse_example_spec_names_each_raw_feature():
    color = fc.categorical_column_with_vocabulary_list("color", ["r", "g"])
    spec = fc.make_parse_example_spec([
        fc.numeric_column("age", shape=[2]),
        fc.bucketized_column(fc.numeric_column("height"), [1.0, 2.0]),
        fc.embedding_column(color, 3),
        fc.crossed_column(["city", color], 10),
        fc.weighted_categorical_column(fc.categorical_column_with_identity("id", 5), "idw"),
    ])
    assert spec == {"age": tf.FixedLenFeature((2,), tf.float32),
                    "height": tf.FixedLenFeature((1,), tf.float32),
                    "color": tf.VarLenFeature(tf.string), "city": tf.VarLenFeature(tf.string),
                    "id": tf.VarLenFeature(tf.int64), "idw": tf.VarLenFeature(tf.float32)}


@pytest.mark.parametrize(("build", "message"), [
    (lambda: fc.categorical_column_with_vocabulary_list("c", []), "non-empty"),
    (lambda: fc.categorical_column_with_vocabulary_list("c", ["a", "a"]), "Duplicate"),
    (lambda: fc.categorical_column_with_vocabulary_list("c", ["a"], num_oov_buckets=2,
                                                        default_value=0), "both"),
    (lambda: fc.categorical_column_with_hash_bucket("c", 0), "at least 1"),
    (lambda: fc.crossed_column(["a"], 5), "length > 1"),
    (lambda: fc.linear_model({}, []), "must not be empty"),
])
def test_bad_columns_are_refused_naming_the_problem(build, message):
    with pytest.raises(ValueError, match=message):
        build()


# -- canned estimators over categorical columns ---------------------------------------------

RNG = np.random.default_rng(12)
COLORS = np.array(["red", "green", "blue"])
COLOR = RNG.integers(0, 3, 300)
SIZE = RNG.normal(size=300).astype(np.float32)
# The label depends on the category (blue is positive) and on the size.
LABEL = ((COLOR == 2) | (SIZE > 1.0)).astype(np.int64)


def _input(shuffle=True, epochs=None):
    return tf.estimator.inputs.numpy_input_fn(
        {"color": COLORS[COLOR], "size": SIZE}, LABEL, batch_size=30, shuffle=shuffle,
        num_epochs=epochs)


COLOR_COLUMN = fc.categorical_column_with_vocabulary_list("color", list(COLORS))
SIZE_COLUMN = fc.numeric_column("size")


def test_linear_classifier_learns_from_a_categorical_column_with_ftrl(tmp_path):
    estimator = tf.estimator.LinearClassifier([COLOR_COLUMN, SIZE_COLUMN],
                                              model_dir=str(tmp_path))
    estimator.train(_input(), steps=150)
    metrics = estimator.evaluate(_input(False, 1))
    assert metrics["accuracy"] >= 0.9
    names = estimator.get_variable_names()
    assert "linear/linear_model/color/weights" in names
    assert any("Ftrl" in name for name in names)  # TF1's default optimizer, with its slots


def test_wide_and_deep_classifier_trains_both_parts(tmp_path):
    estimator = tf.estimator.DNNLinearCombinedClassifier(
        model_dir=str(tmp_path), linear_feature_columns=[COLOR_COLUMN],
        dnn_feature_columns=[SIZE_COLUMN, fc.indicator_column(COLOR_COLUMN)],
        dnn_hidden_units=[8])
    estimator.train(_input(), steps=150)
    metrics = estimator.evaluate(_input(False, 1))
    assert metrics["accuracy"] >= 0.85
    assert metrics["global_step"] == 150
    names = estimator.get_variable_names()
    assert "dnn/hiddenlayer_0/kernel" in names
    assert "linear/linear_model/color/weights" in names
    start = estimator.get_variable_value("linear/linear_model/color/weights")
    assert np.abs(start).sum() > 0  # the linear part moved too


def test_wide_and_deep_regressor_fits_a_linear_target(tmp_path):
    x = RNG.normal(size=(200, 1)).astype(np.float32)
    y = (3 * x[:, 0] + 1).astype(np.float32)
    feed = tf.estimator.inputs.numpy_input_fn({"x": x}, y, batch_size=20, shuffle=True,
                                              num_epochs=None)
    estimator = tf.estimator.DNNLinearCombinedRegressor(
        model_dir=str(tmp_path), linear_feature_columns=[fc.numeric_column("x")],
        dnn_feature_columns=[fc.numeric_column("x")], dnn_hidden_units=[4],
        linear_optimizer=tf.train.FtrlOptimizer(0.5))
    estimator.train(feed, steps=200)
    metrics = estimator.evaluate(tf.estimator.inputs.numpy_input_fn(
        {"x": x}, y, batch_size=50, shuffle=False, num_epochs=1))
    assert metrics["average_loss"] < 0.5


def test_wide_and_deep_needs_some_columns():
    with pytest.raises(ValueError, match="must be defined"):
        tf.estimator.DNNLinearCombinedClassifier()


def test_label_vocabulary_maps_string_labels_and_names_the_classes(tmp_path):
    words = np.array(["no", "yes"])[LABEL]
    feed = tf.estimator.inputs.numpy_input_fn({"color": COLORS[COLOR], "size": SIZE}, words,
                                              batch_size=30, shuffle=True, num_epochs=None)
    estimator = tf.estimator.LinearClassifier([COLOR_COLUMN, SIZE_COLUMN],
                                              model_dir=str(tmp_path),
                                              label_vocabulary=["no", "yes"])
    estimator.train(feed, steps=100)
    metrics = estimator.evaluate(tf.estimator.inputs.numpy_input_fn(
        {"color": COLORS[COLOR], "size": SIZE}, words, batch_size=50, shuffle=False,
        num_epochs=1))
    assert metrics["accuracy"] >= 0.9
    predicted = next(estimator.predict(tf.estimator.inputs.numpy_input_fn(
        {"color": np.array(["blue"]), "size": np.array([0.0], np.float32)}, shuffle=False)))
    assert predicted["classes"] == [b"yes"]
    with pytest.raises(ValueError, match="n_classes"):
        tf.estimator.DNNClassifier([8], [SIZE_COLUMN], label_vocabulary=["a", "b", "c"])


def test_weight_column_weighs_the_loss_and_the_metrics(tmp_path):
    # Weight 0 on every blue example: the model never learns that blue is positive.
    weights = np.where(COLOR == 2, 0.0, 1.0).astype(np.float32)
    features = {"color": COLORS[COLOR], "size": SIZE, "w": weights}
    estimator = tf.estimator.LinearClassifier([COLOR_COLUMN, SIZE_COLUMN],
                                              model_dir=str(tmp_path), weight_column="w")
    estimator.train(tf.estimator.inputs.numpy_input_fn(features, LABEL, batch_size=30,
                                                       shuffle=True, num_epochs=None),
                    steps=100)
    blue = estimator.get_variable_value("linear/linear_model/color/weights")[2]
    assert abs(float(blue[0])) < 1e-6  # no gradient ever reached it
    metrics = estimator.evaluate(tf.estimator.inputs.numpy_input_fn(
        features, LABEL, batch_size=50, shuffle=False, num_epochs=1))
    assert metrics["accuracy"] >= 0.9  # measured on the weighted (non-blue) examples


def test_baseline_estimators_learn_the_label_prior_and_mean(tmp_path):
    feed = _input()
    classifier = tf.estimator.BaselineClassifier(model_dir=str(tmp_path / "c"),
                                                 optimizer=tf.train.GradientDescentOptimizer(
                                                     0.01))
    classifier.train(feed, steps=150)
    probability = next(classifier.predict(_input(False, 1)))["probabilities"][1]
    assert probability == pytest.approx(LABEL.mean(), abs=0.05)
    assert classifier.get_variable_names().count("baseline/bias") == 1
    y = RNG.normal(3.0, 1.0, 300).astype(np.float32)
    regressor = tf.estimator.BaselineRegressor(model_dir=str(tmp_path / "r"),
                                               optimizer=tf.train.GradientDescentOptimizer(
                                                   0.005))
    regressor.train(tf.estimator.inputs.numpy_input_fn({"size": SIZE}, y, batch_size=30,
                                                       shuffle=True, num_epochs=None),
                    steps=150)
    assert regressor.get_variable_value("baseline/bias")[0] == pytest.approx(y.mean(),
                                                                             abs=0.2)


def test_add_metrics_reports_more_metrics_on_evaluation(tmp_path):
    estimator = tf.estimator.LinearClassifier([COLOR_COLUMN, SIZE_COLUMN],
                                              model_dir=str(tmp_path))
    estimator.train(_input(), steps=20)

    def metric_fn(labels, predictions):
        return {"mean_logistic": tf.metrics.mean(predictions["logistic"])}

    both = tf.estimator.add_metrics(estimator, metric_fn)
    metrics = both.evaluate(_input(False, 1))
    assert {"accuracy", "mean_logistic"} <= set(metrics)
    with pytest.raises(ValueError, match="not expected args: \\['logits'\\]"):
        tf.estimator.add_metrics(estimator, lambda labels, logits: {})


def test_parse_example_specs_add_the_label_and_weight():
    spec = tf.estimator.classifier_parse_example_spec([SIZE_COLUMN], "label",
                                                      weight_column="w")
    assert spec == {"size": tf.FixedLenFeature((1,), tf.float32),
                    "label": tf.FixedLenFeature((1,), tf.int64),
                    "w": tf.FixedLenFeature((1,), tf.float32)}
    spec = tf.estimator.regressor_parse_example_spec([SIZE_COLUMN], "y", label_dimension=2)
    assert spec["y"] == tf.FixedLenFeature((2,), tf.float32)
    with pytest.raises(ValueError, match="label should not be used as feature"):
        tf.estimator.classifier_parse_example_spec([SIZE_COLUMN], "size")
    assert tf.estimator.StopAtStepHook is tf.train.StopAtStepHook


def test_shared_embedding_columns_share_one_table():
    a = fc.categorical_column_with_identity("a", 4)
    b = fc.categorical_column_with_identity("b", 4)
    shared = fc.shared_embedding_columns([a, b], 3)
    dense = fc.input_layer({"a": tf.constant([1, 2]), "b": tf.constant([1, 3])}, shared)
    (table,) = tf.global_variables()
    assert table.shape.as_list() == [4, 3]
    assert table.op.name.endswith("embedding_weights")
    value, weights = _run([dense, table])
    np.testing.assert_allclose(value, np.concatenate([weights[[1, 2]], weights[[1, 3]]], 1))
    with pytest.raises(ValueError, match="same number of buckets"):
        fc.shared_embedding_columns([a, fc.categorical_column_with_identity("c", 5)], 2)
