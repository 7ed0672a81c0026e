"""The model registry and the softmax model: graph, defaults, optimizers, saved models."""

import json

import numpy as np
import pytest

import smallflow as tf
from smallflow import models
from smallflow.models import softmax

REQUIRED_DEFAULTS = {"steps", "batch_size", "optimizer", "learning_rate", "keep_prob"}


def _blocks(count, seed=0):
    """Separable fake digits: class k lights up block k of a 2 x 5 grid."""
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % 10
    images = rng.uniform(0.0, 0.2, size=(count, 28, 28)).astype(np.float32)
    for image, label in zip(images, labels, strict=True):
        row, col = divmod(int(label), 5)
        image[3 + 12 * row : 13 + 12 * row, 1 + 5 * col : 6 + 5 * col] = 1.0
    one_hot = np.eye(10, dtype=np.float32)[labels]
    return images.reshape(count, 784), one_hot


@pytest.mark.parametrize("name", list(models.MODELS))
def test_every_registered_model_follows_the_protocol(name):
    module = models.get_model(name)
    assert isinstance(module.DESCRIPTION, str)
    assert module.DESCRIPTION
    assert set(module.DEFAULTS) >= REQUIRED_DEFAULTS
    assert module.DEFAULTS["optimizer"] in models.OPTIMIZERS
    assert set(getattr(module, "LEARNING_RATES", {})) <= set(models.OPTIMIZERS)
    graph = models.build_graph(name)
    assert graph.logits.shape.as_list() == [None, 10]
    assert graph.model_variables
    assert graph.train_op is None


def test_softmax_defaults_are_the_tutorials():
    assert softmax.DEFAULTS == {
        "steps": 1000,
        "batch_size": 100,
        "optimizer": "sgd",
        "learning_rate": 0.5,
        "keep_prob": 1.0,
    }


def test_softmax_has_the_tutorials_variables_W_and_b_starting_at_zero():
    graph = models.build_graph("softmax")
    shapes = {v.op.name: v.shape.as_list() for v in graph.model_variables}
    assert shapes == {"softmax/W": [784, 10], "softmax/b": [10]}
    assert softmax.WEIGHT_MAP in shapes
    with tf.Session(graph=graph.graph) as sess:
        sess.run(graph.initializer)
        probabilities = sess.run(graph.probabilities, {graph.images: np.ones((3, 784))})
    np.testing.assert_allclose(probabilities, np.full((3, 10), 0.1), rtol=1e-6)


def test_softmax_logits_are_x_times_W_plus_b():
    graph = models.build_graph("softmax")
    rng = np.random.default_rng(0)
    W = rng.normal(size=(784, 10)).astype(np.float32)
    b = rng.normal(size=10).astype(np.float32)
    x = rng.uniform(size=(4, 784)).astype(np.float32)
    with tf.Session(graph=graph.graph) as sess:
        variables = {v.op.name: v for v in graph.model_variables}
        sess.run(variables["softmax/W"].assign(W))
        sess.run(variables["softmax/b"].assign(b))
        logits = sess.run(graph.logits, {graph.images: x})
    np.testing.assert_allclose(logits, x @ W + b, rtol=1e-5, atol=1e-5)


def test_build_graph_makes_a_fresh_graph_each_time_and_leaves_the_default_alone():
    first = models.build_graph("softmax")
    second = models.build_graph("softmax")
    assert first.graph is not second.graph
    assert tf.get_default_graph().get_operations() == []


# optimizer given, learning rate given -> expected (optimizer, learning rate)
HYPERPARAMETER_CASES = [
    (None, None, ("sgd", 0.5)),
    ("sgd", None, ("sgd", 0.5)),
    ("adam", None, ("adam", softmax.LEARNING_RATES["adam"])),
    ("adam", 0.02, ("adam", 0.02)),
    (None, 0.1, ("sgd", 0.1)),
]


@pytest.mark.parametrize(("optimizer", "rate", "expected"), HYPERPARAMETER_CASES)
def test_hyperparameters_use_the_models_rate_for_the_chosen_optimizer(optimizer, rate, expected):
    settings = models.hyperparameters("softmax", optimizer=optimizer, learning_rate=rate)
    assert (settings["optimizer"], settings["learning_rate"]) == expected
    assert settings["steps"] == 1000


def test_unknown_model_and_optimizer_are_refused_by_name():
    with pytest.raises(ValueError, match="unknown model 'linear'.*softmax"):
        models.get_model("linear")
    with pytest.raises(ValueError, match="unknown optimizer 'lbfgs'"):
        models.make_optimizer("lbfgs", 0.1)


@pytest.mark.parametrize("optimizer", models.OPTIMIZERS)
def test_softmax_learns_separable_blocks_with_every_optimizer(optimizer):
    images, labels = _blocks(200)
    rate = models.hyperparameters("softmax", optimizer=optimizer)["learning_rate"]
    graph = models.build_graph("softmax", optimizer, rate)
    with tf.Session(graph=graph.graph) as sess:
        sess.run(graph.initializer)
        feed = {graph.images: images, graph.labels: labels}
        first_loss = sess.run(graph.loss, feed)
        for _ in range(30):
            sess.run(graph.train_op, feed)
        last_loss, accuracy = sess.run((graph.loss, graph.accuracy), feed)
    assert last_loss < 0.75 * first_loss  # RMSProp starts slowly: TF1 sets its ms slot to 1
    assert accuracy == 1.0


def test_predict_probabilities_in_batches_equals_one_run():
    images, _ = _blocks(25)
    graph = models.build_graph("softmax")
    with tf.Session(graph=graph.graph) as sess:
        sess.run(graph.initializer)
        W = next(v for v in graph.model_variables if v.op.name == "softmax/W")
        sess.run(W.assign(np.random.default_rng(1).normal(size=(784, 10)).astype(np.float32)))
        whole = sess.run(graph.probabilities, {graph.images: images})
        batched = models.predict_probabilities(sess, graph, images, batch_size=7)
    assert batched.shape == (25, 10)
    # Row blocks of different sizes may take different BLAS paths: equal up to rounding.
    np.testing.assert_allclose(batched, whole, rtol=1e-5, atol=1e-7)


def _trained(seed=3):
    images, labels = _blocks(100, seed=seed)
    graph = models.build_graph("softmax", "sgd", 0.5)
    sess = tf.Session(graph=graph.graph)
    sess.run(graph.initializer)
    for _ in range(5):
        sess.run(graph.train_op, {graph.images: images, graph.labels: labels})
    return sess, graph, images


@pytest.mark.parametrize("spelling", ["model", "model.npz", "model.json"])
def test_a_saved_model_restores_the_same_predictions(tmp_path, spelling):
    sess, graph, images = _trained()
    with sess:
        expected = models.predict_probabilities(sess, graph, images)
        written = models.save_model(sess, graph, tmp_path / "model.npz", {"accuracy": 0.5})
    assert written == str(tmp_path / "model.npz")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json", "model.npz"]
    restored, restored_graph, metadata = models.load_model(tmp_path / spelling)
    with restored:
        again = models.predict_probabilities(restored, restored_graph, images)
    np.testing.assert_array_equal(again, expected)
    assert metadata["model"] == "softmax"
    assert metadata["accuracy"] == 0.5
    assert metadata["checkpoint"]["smallflow_version"] == tf.SMALLFLOW_VERSION


def test_the_metadata_is_readable_json_beside_the_values(tmp_path):
    sess, graph, _ = _trained()
    with sess:
        models.save_model(sess, graph, tmp_path / "m", {"seed": 7})
    record = json.loads((tmp_path / "m.json").read_text())
    assert record["metadata"]["model"] == "softmax"
    assert record["metadata"]["seed"] == 7
    assert models.read_model_metadata(tmp_path / "m")["seed"] == 7


def _plain_checkpoint(path):
    """A valid checkpoint of the same variables that is not a smallflow model."""
    sess, graph, _ = _trained()
    with sess, graph.graph.as_default():
        tf.train.Saver(graph.model_variables).save(sess, str(path), write_state=False)


def _other_model_name(path):
    sess, graph, _ = _trained()
    with sess:
        models.save_model(sess, graph, path, {})
    archive = dict(np.load(str(path) + ".npz"))
    record = json.loads(archive[":metadata"].tobytes())
    record["metadata"]["model"] = "transformer"
    archive[":metadata"] = np.frombuffer(json.dumps(record).encode(), dtype=np.uint8)
    np.savez(str(path) + ".npz", **archive)


# how the file is made -> words the error must contain
BAD_MODEL_FILES = [
    (lambda path: None, "no such model file"),
    (lambda path: (path.parent / "m.npz").write_bytes(b"not a zip"), "damaged or not a smallflow"),
    (lambda path: np.savez(path.parent / "m.npz", W=np.zeros(3)), "no smallflow metadata"),
    (_plain_checkpoint, "not a smallflow model"),
    (_other_model_name, "'transformer'"),
]


@pytest.mark.parametrize(("make", "words"), BAD_MODEL_FILES)
def test_missing_damaged_or_foreign_model_files_raise_model_file_error(tmp_path, make, words):
    path = tmp_path / "m"
    make(path)
    with pytest.raises(models.ModelFileError, match=words) as caught:
        models.load_model(str(path) + ".npz")
    assert caught.value.path == str(path) + ".npz"
    assert "\n" not in str(caught.value)
