"""Boosted-trees programs run the same way by TensorFlow (to write the fixtures) and by
smallflow (tests/test_compat_session12_gcp.py): a Titanic-like stand-in (sex, class, alone,
parch as indicator columns; age and fare bucketized) made from a seeded RandomState, and a
table of estimator settings covering every hyperparameter of TensorFlow 1.15's algorithm."""

import numpy as np

CASES = {
    "classifier_default_depth": {"n_trees": 2},
    "classifier_center_bias": {"n_trees": 5, "max_depth": 4, "center_bias": True},
    "classifier_l1_l2_rate": {"n_trees": 4, "max_depth": 3, "l2_regularization": 0.01,
                              "l1_regularization": 0.001, "learning_rate": 0.3},
    "classifier_post_pruning": {"n_trees": 4, "max_depth": 4, "pruning_mode": "post",
                                "tree_complexity": 0.001},
    "classifier_pre_pruning_min_weight": {"n_trees": 4, "max_depth": 4, "pruning_mode": "pre",
                                          "tree_complexity": 0.001, "min_node_weight": 0.02},
    "classifier_batches_per_layer": {"n_trees": 3, "max_depth": 3, "n_batches_per_layer": 3,
                                     "batch": 100, "center_bias": True},
    "classifier_in_memory": {"n_trees": 3, "max_depth": 3, "train_in_memory": True,
                             "center_bias": True},
    "regressor_center_bias": {"kind": "regressor", "n_trees": 4, "max_depth": 3,
                              "center_bias": True},
}


# Trained by TensorFlow's own V1 kernels (the ones TensorFlow 1.15's estimator calls:
# MakeStatsSummary, CalculateBestGainsPerFeature, UpdateEnsemble), driven as the 1.15 model_fn
# drives them: one deep tree on more data, where the estimator of TensorFlow 2.8 (V2 kernels)
# would break float ties otherwise.
V1_KERNEL_CASE = {"n_train": 500, "n_trees": 1, "max_depth": 6}
AGE_BOUNDARIES = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0]
FARE_BOUNDARIES = [5.0, 10.0, 20.0, 40.0, 80.0]


def bucket_ids(data):
    """The int32 bucket ids of each feature id (the columns sorted by name, one feature per
    category of an indicator column), as the estimator feeds them to the kernels."""
    ids = [np.searchsorted(AGE_BOUNDARIES, data["age"], side="right")]
    ids += [data["alone"] == value for value in ("y", "n")]
    ids += [data["class"] == value for value in ("First", "Second", "Third")]
    ids.append(np.searchsorted(FARE_BOUNDARIES, data["fare"], side="right"))
    ids += [data["parch"] == value for value in range(4)]
    ids += [data["sex"] == value for value in ("male", "female")]
    return [np.asarray(values, np.int32) for values in ids]


def v1_kernel_data():
    rng = np.random.RandomState(0)
    train = _data(rng, V1_KERNEL_CASE["n_train"], "classifier")
    evaluation = _data(rng, 60, "classifier")
    return train, evaluation


def _data(rng, n, kind):
    data = {"sex": rng.choice(["male", "female"], n),
            "class": rng.choice(["First", "Second", "Third"], n),
            "alone": rng.choice(["y", "n"], n),
            "age": rng.uniform(1, 80, n).astype(np.float32),
            "fare": rng.gamma(2.0, 15.0, n).astype(np.float32),
            "parch": rng.randint(0, 4, n)}
    score = (1.2 * (data["sex"] == "female") - 0.8 * (data["class"] == "Third")
             - 0.02 * (data["age"] - 30) + 0.01 * data["fare"] + 0.3 * rng.randn(n))
    labels = (score > 0).astype(np.int64) if kind == "classifier" else score.astype(np.float32)
    return data, labels


def columns(tf):
    fc = tf.feature_column
    cols = [fc.indicator_column(fc.categorical_column_with_vocabulary_list(key, vocabulary))
            for key, vocabulary in (("sex", ["male", "female"]),
                                    ("class", ["First", "Second", "Third"]),
                                    ("alone", ["y", "n"]))]
    cols.append(fc.indicator_column(fc.categorical_column_with_identity("parch", 4)))
    cols.append(fc.bucketized_column(fc.numeric_column("age"), AGE_BOUNDARIES))
    cols.append(fc.bucketized_column(fc.numeric_column("fare"), FARE_BOUNDARIES))
    return cols


def run(tf, name, model_dir, n_train=300, n_eval=60):
    """Trains case ``name`` in ``model_dir``; returns its eval metrics, evaluation-set
    logits (or predictions), importances and, with center_bias, bias and DFCs."""
    settings = dict(CASES[name])
    kind = settings.pop("kind", "classifier")
    n_batches = settings.pop("n_batches_per_layer", 1)
    batch = settings.pop("batch", None)
    rng = np.random.RandomState(0)
    train_x, train_y = _data(rng, n_train, kind)
    eval_x, eval_y = _data(rng, n_eval, kind)

    def input_fn(x, y, epochs=None, size=None):
        def make():
            dataset = tf.data.Dataset.from_tensor_slices((dict(x), y)).repeat(epochs)
            return dataset.batch(size or len(y))

        return make

    make = (tf.estimator.BoostedTreesClassifier if kind == "classifier"
            else tf.estimator.BoostedTreesRegressor)
    estimator = make(columns(tf), n_batches_per_layer=n_batches, model_dir=model_dir,
                     **settings)
    if settings.get("train_in_memory"):
        # In-memory training caches the whole input as a variable: TensorFlow takes it
        # from tensors (its cache cannot be initialized from a dataset iterator).
        def train_input():
            return ({k: tf.constant(v) for k, v in train_x.items()}, tf.constant(train_y))
    else:
        train_input = input_fn(train_x, train_y, size=batch)
    estimator.train(train_input)
    metrics = estimator.evaluate(input_fn(eval_x, eval_y, 1))
    key = "logits" if kind == "classifier" else "predictions"
    result = {"eval": {k: float(v) for k, v in metrics.items()},
              "predictions": [float(p[key][0])
                              for p in estimator.predict(input_fn(eval_x, eval_y, 1))],
              "importances": {k: float(v) for k, v in
                              estimator.experimental_feature_importances().items()}}
    if settings.get("center_bias"):
        explained = list(estimator.experimental_predict_with_explanations(
            input_fn(eval_x, eval_y, 1)))
        result["bias"] = float(explained[0]["bias"])
        result["dfc"] = [{k: float(v) for k, v in e["dfc"].items()} for e in explained]
    return result
