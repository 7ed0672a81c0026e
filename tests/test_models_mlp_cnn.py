"""The mlp and cnn models: variables, forward pass, training, decay, dropout, saved models."""

import json

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

import smallflow as tf
from smallflow import cli, models
from smallflow.datasets import idx
from smallflow.examples.tutorials.mnist import input_data

# model -> {variable name: shape}
VARIABLES = {
    "mlp": {
        "hidden1/weights": [784, 512],
        "hidden1/biases": [512],
        "hidden2/weights": [512, 256],
        "hidden2/biases": [256],
        "softmax_linear/weights": [256, 10],
        "softmax_linear/biases": [10],
    },
    "cnn": {
        "conv1/weights": [5, 5, 1, 32],
        "conv1/biases": [32],
        "conv2/weights": [5, 5, 32, 64],
        "conv2/biases": [64],
        "fc1/weights": [3136, 1024],
        "fc1/biases": [1024],
        "fc2/weights": [1024, 10],
        "fc2/biases": [10],
    },
}
NAMES = list(VARIABLES)
# Weights start with standard deviation sqrt(gain / fan-in): He's gain 2 for layers followed
# by a ReLU (and the cnn's readout), 1 for the mlp's linear readout.
GAINS = {"softmax_linear/weights": 1.0}


def _blocks(count, seed=0):
    """Separable fake digits: class k lights up block k of a 2 x 5 grid, on faint noise."""
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % 10
    images = rng.uniform(0.0, 0.2, size=(count, 28, 28)).astype(np.float32)
    for image, label in zip(images, labels, strict=True):
        row, col = divmod(int(label), 5)
        image[3 + 12 * row : 13 + 12 * row, 1 + 5 * col : 6 + 5 * col] = 1.0
    one_hot = np.eye(10, dtype=np.float32)[labels]
    return images.reshape(count, 784), one_hot


def _random_weights(graph, seed=0):
    """Give every model variable values from a normal of scale 1/sqrt(fan-in); return them."""
    rng = np.random.default_rng(seed)
    values = {}
    for variable in graph.model_variables:
        shape = variable.shape.as_list()
        scale = 1.0 / np.sqrt(np.prod(shape[:-1])) if len(shape) > 1 else 0.1
        values[variable.op.name] = (scale * rng.standard_normal(shape)).astype(np.float32)
    return values


def _assign(sess, graph, values):
    for variable in graph.model_variables:
        sess.run(variable.assign(values[variable.op.name]))


def _relu(x):
    return np.maximum(x, 0.0)


def _conv_same_5x5(x, w):
    """Stride-1 SAME cross-correlation (NHWC, HWIO) written with a window view."""
    padded = np.pad(x, [(0, 0), (2, 2), (2, 2), (0, 0)])
    windows = sliding_window_view(padded, (5, 5), axis=(1, 2))  # [n, h, w, c, 5, 5]
    return np.einsum("nhwcij,ijco->nhwo", windows, w)


def _max_pool_2x2(x):
    n, h, w, c = x.shape
    return x.reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))


def _mlp_reference(x, v):
    h1 = _relu(x @ v["hidden1/weights"] + v["hidden1/biases"])
    h2 = _relu(h1 @ v["hidden2/weights"] + v["hidden2/biases"])
    return h2 @ v["softmax_linear/weights"] + v["softmax_linear/biases"]


def _cnn_reference(x, v):
    grid = x.reshape(-1, 28, 28, 1)
    h1 = _max_pool_2x2(_relu(_conv_same_5x5(grid, v["conv1/weights"]) + v["conv1/biases"]))
    h2 = _max_pool_2x2(_relu(_conv_same_5x5(h1, v["conv2/weights"]) + v["conv2/biases"]))
    flat = h2.reshape(len(x), 7 * 7 * 64)
    fc1 = _relu(flat @ v["fc1/weights"] + v["fc1/biases"])
    return fc1 @ v["fc2/weights"] + v["fc2/biases"]


REFERENCES = {"mlp": _mlp_reference, "cnn": _cnn_reference}


# -- graph -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_model_variables_have_their_documented_names_and_shapes(name):
    graph = models.build_graph(name)
    shapes = {v.op.name: v.shape.as_list() for v in graph.model_variables}
    assert shapes == VARIABLES[name]
    assert graph.logits.shape.as_list() == [None, 10]


@pytest.mark.parametrize("name", NAMES)
def test_logits_equal_the_network_written_out_in_numpy(name):
    graph = models.build_graph(name)
    values = _random_weights(graph)
    images, _ = _blocks(3)
    with tf.Session(graph=graph.graph) as sess:
        _assign(sess, graph, values)
        logits = sess.run(graph.logits, {graph.images: images})
    expected = REFERENCES[name](images.astype(np.float64), values)
    assert logits.shape == (3, 10)
    assert logits.dtype == np.float32
    np.testing.assert_allclose(logits, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name", NAMES)
def test_initial_weights_follow_the_seed(name):
    def initial(seed):
        graph = models.build_graph(name, seed=seed)
        with tf.Session(graph=graph.graph) as sess:
            sess.run(graph.initializer)
            return sess.run(graph.model_variables)

    first, again, other = initial(1), initial(1), initial(2)
    for a, b, c in zip(first, again, other, strict=True):
        np.testing.assert_array_equal(a, b)
        if a.ndim > 1:
            assert not np.array_equal(a, c)


@pytest.mark.parametrize("name", NAMES)
def test_weights_start_he_initialised_and_biases_at_zero(name):
    graph = models.build_graph(name, seed=0)
    with tf.Session(graph=graph.graph) as sess:
        sess.run(graph.initializer)
        values = {
            v.op.name: value
            for v, value in zip(graph.model_variables, sess.run(graph.model_variables), strict=True)
        }
    for variable, shape in VARIABLES[name].items():
        value = values[variable]
        if variable.endswith("/biases"):
            np.testing.assert_array_equal(value, 0.0)
            continue
        stddev = np.sqrt(GAINS.get(variable, 2.0) / np.prod(shape[:-1]))
        # A normal truncated at two standard deviations keeps 0.88 of its standard deviation.
        assert np.std(value) == pytest.approx(0.88 * stddev, rel=0.1)
        assert np.abs(value).max() <= 2.0 * stddev


# -- training ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_a_few_steps_with_the_default_settings_lower_the_loss(name):
    settings = models.hyperparameters(name)
    graph = models.build_graph(name, settings["optimizer"], settings["learning_rate"], seed=0)
    images, labels = _blocks(50)
    with tf.Session(graph=graph.graph) as sess:
        sess.run(graph.initializer)
        feed = {graph.images: images, graph.labels: labels}
        first_loss = sess.run(graph.loss, feed)
        for _ in range(8):
            sess.run(graph.train_op, {**feed, graph.keep_prob: settings["keep_prob"]})
        last_loss = sess.run(graph.loss, feed)
    assert last_loss < 0.5 * first_loss


@pytest.mark.parametrize("name", NAMES)
def test_the_learning_rate_decays_exponentially_with_the_global_step(name):
    settings = models.hyperparameters(name)
    rate = settings["learning_rate"]
    graph = models.build_graph(name, settings["optimizer"], rate)
    images, labels = _blocks(10)
    with tf.Session(graph=graph.graph) as sess:
        sess.run(graph.initializer)
        decayed = graph.graph.get_tensor_by_name("ExponentialDecay:0")
        assert sess.run(decayed) == pytest.approx(rate)
        for _ in range(3):
            sess.run(graph.train_op, {graph.images: images, graph.labels: labels})
        step = sess.run(tf.train.get_global_step(graph.graph))
        factor = settings["decay_rate"] ** (3 / settings["decay_steps"])
        assert step == 3
        assert sess.run(decayed) == pytest.approx(rate * factor, rel=1e-6)
    # The step counter is training state, not part of the saved model.
    assert "global_step" not in {v.op.name for v in graph.model_variables}


WARMUP_TABLE = [
    # global step -> fraction of the decayed rate (warm-up over 100 steps)
    (0, 0.01),
    (49, 0.5),
    (98, 0.99),
    (99, 1.0),
    (1000, 1.0),
]


@pytest.mark.parametrize(("step", "fraction"), WARMUP_TABLE)
def test_warmup_steps_scale_the_decayed_rate_up_linearly(monkeypatch, step, fraction):
    model = models.get_model("cnn")
    monkeypatch.setitem(model.DEFAULTS, "warmup_steps", 100)
    monkeypatch.setitem(model.DEFAULTS, "decay_steps", 550)
    graph = models.build_graph("cnn", "adam", 0.003)
    with tf.Session(graph=graph.graph) as sess:
        sess.run(graph.initializer)
        tf.train.get_global_step(graph.graph).load(step, sess)
        warmed = graph.graph.get_tensor_by_name("warmed_up_learning_rate:0")
        decayed = 0.003 * model.DEFAULTS["decay_rate"] ** (step / 550)
        assert sess.run(warmed) == pytest.approx(decayed * fraction, rel=1e-6)


def test_a_model_without_decay_settings_keeps_a_constant_rate_and_no_step_counter():
    assert "decay_steps" not in models.get_model("softmax").DEFAULTS
    graph = models.build_graph("softmax", "sgd", 0.5)
    names = {op.name for op in graph.graph.get_operations()}
    assert "global_step" not in names
    assert "ExponentialDecay" not in names


def test_cnn_dropout_acts_only_when_keep_prob_is_fed():
    graph = models.build_graph("cnn", seed=0)
    images, _ = _blocks(4)
    with tf.Session(graph=graph.graph) as sess:
        sess.run(graph.initializer)
        plain = [sess.run(graph.logits, {graph.images: images}) for _ in range(2)]
        feed = {graph.images: images, graph.keep_prob: 0.5}
        dropped = [sess.run(graph.logits, feed) for _ in range(2)]
    np.testing.assert_array_equal(plain[0], plain[1])
    assert not np.array_equal(dropped[0], dropped[1])
    assert not np.array_equal(dropped[0], plain[0])


@pytest.mark.parametrize("name", NAMES)
def test_predictions_come_in_bounded_batches_that_agree_with_one_run(name):
    module = models.get_model(name)
    assert getattr(module, "PREDICT_BATCH", models.PREDICT_BATCH) <= 2000
    graph = models.build_graph(name, seed=0)
    images, _ = _blocks(7)
    with tf.Session(graph=graph.graph) as sess:
        sess.run(graph.initializer)
        whole = sess.run(graph.probabilities, {graph.images: images})
        batched = models.predict_probabilities(sess, graph, images, batch_size=3)
    np.testing.assert_allclose(batched, whole, rtol=1e-5, atol=1e-6)


# -- the command line --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def blocks_dir(tmp_path_factory):
    """A small MNIST-layout folder of block digits (IDX files used as they are)."""
    folder = tmp_path_factory.mktemp("blocks")
    for stem, count, seed in (("train", 300, 0), ("t10k", 100, 1)):
        images, one_hot = _blocks(count, seed)
        pixels = np.round(images.reshape(count, 28, 28) * 255).astype(np.uint8)
        idx.write_idx(folder / f"{stem}-images-idx3-ubyte", pixels)
        idx.write_idx(folder / f"{stem}-labels-idx1-ubyte", one_hot.argmax(1).astype(np.uint8))
    return folder


def _command(capsys, *argv):
    code = cli.main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("name", NAMES)
def test_a_model_trained_and_saved_by_the_command_evaluates_the_same(
    capsys, tmp_path, blocks_dir, name
):
    path = tmp_path / f"{name}.npz"
    data = ["--data-dir", blocks_dir, "--validation-size", 50]
    trained = _command(
        capsys,
        "train",
        "--model",
        name,
        *data,
        "--steps",
        10,
        "--batch-size",
        25,
        "--log-interval",
        0,
        "--save",
        path,
        "--json",
    )
    assert trained["model"] == name
    assert trained["saved"] == str(path)
    evaluated = _command(capsys, "evaluate", path, "--data-dir", blocks_dir, "--json")
    assert evaluated["accuracy"] == trained["accuracy"]
    metadata = models.read_model_metadata(path)
    assert metadata["model"] == name
    assert (
        metadata["hyperparameters"]["decay_steps"] == models.get_model(name).DEFAULTS["decay_steps"]
    )
    sess, graph, _ = models.load_model(path)
    with sess:
        restored = {v.op.name: v.shape.as_list() for v in graph.model_variables}
    assert restored == VARIABLES[name]


# -- real data (slow) --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mnist_dir(tmp_path_factory):
    """A folder holding the real MNIST files, copied from smallflow's bundled copy."""
    folder = tmp_path_factory.mktemp("mnist")
    input_data.read_data_sets(str(folder))
    return folder


# model, training steps (batch: the model's default), lowest acceptable test accuracy
SHORT_SCHEDULES = [
    ("mlp", 1100, 0.96),
    ("cnn", 1000, 0.98),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "steps", "lowest"), SHORT_SCHEDULES)
def test_a_short_schedule_on_real_mnist_reaches_its_bound(capsys, mnist_dir, name, steps, lowest):
    results = _command(
        capsys,
        "train",
        "--model",
        name,
        "--data-dir",
        mnist_dir,
        "--steps",
        steps,
        "--log-interval",
        0,
        "--json",
    )
    assert results["steps"] == steps
    assert results["accuracy"] >= lowest
