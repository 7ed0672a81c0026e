"""Specification of the image transforms used for augmentation and the cnn-bn model preset."""

import json
import math

import numpy as np
import pytest

import smallflow as tf
from smallflow import cli, models
from smallflow.examples.tutorials.mnist import input_data


def _one_pixel(row, col, size=5):
    image = np.zeros((1, size, size, 1), np.float32)
    image[0, row, col, 0] = 1.0
    return image


def _where(result):
    return [tuple(p) for p in np.argwhere(result[0, :, :, 0] > 0.5)]


TRANSFORMS = [
    ("translate_right_down", lambda im: tf.contrib.image.translate(im, [[1.0, 2.0]]), [(3, 3)]),
    ("translate_off_the_image", lambda im: tf.contrib.image.translate(im, [[5.0, 0.0]]), []),
    ("rotate_quarter_turn_counterclockwise",
     lambda im: tf.contrib.image.rotate(im, math.pi / 2), [(2, 1)]),
    ("rotate_half_turn", lambda im: tf.contrib.image.rotate(im, math.pi), [(3, 2)]),
    ("identity_transform", lambda im: tf.contrib.image.transform(im, [1, 0, 0, 0, 1, 0, 0, 0]),
     [(1, 2)]),
    ("flip_left_right", lambda im: tf.image.flip_left_right(im), [(1, 2)]),
    ("flip_up_down", lambda im: tf.image.flip_up_down(im), [(3, 2)]),
]


@pytest.mark.parametrize(("build", "expected"), [t[1:] for t in TRANSFORMS],
                         ids=[t[0] for t in TRANSFORMS])
def test_geometric_transforms_move_pixels_as_tensorflow_does(build, expected):
    with tf.Session() as sess:
        assert _where(sess.run(build(_one_pixel(1, 2)))) == expected


def test_bilinear_interpolation_spreads_a_pixel_over_its_neighbours():
    rotated = tf.contrib.image.rotate(_one_pixel(2, 2, 7), math.pi / 7, "BILINEAR")
    shifted = tf.contrib.image.translate(_one_pixel(2, 2, 7), [[0.5, 0.0]], "BILINEAR")
    with tf.Session() as sess:
        rotated_value, shifted_value = sess.run([rotated, shifted])
    assert 0 < rotated_value.max() < 1
    assert rotated_value.sum() == pytest.approx(1.0, abs=0.1)
    assert shifted_value[0, 2, 2:4, 0] == pytest.approx([0.5, 0.5])


def test_per_image_transforms_and_ranks():
    images = np.concatenate([_one_pixel(1, 2), _one_pixel(1, 2)])
    moved = tf.contrib.image.translate(images, [[1.0, 0.0], [0.0, 1.0]])
    single = tf.contrib.image.rotate(images[0, :, :, 0], math.pi)
    with tf.Session() as sess:
        moved_value, single_value = sess.run([moved, single])
    assert _where(moved_value[:1]) == [(1, 3)]
    assert _where(moved_value[1:]) == [(2, 2)]
    assert single_value.shape == (5, 5)
    assert single_value[3, 2] == 1.0


def test_cnn_bn_is_built_from_layers_with_batch_norm_updates_in_the_train_step():
    graph = models.build_graph("cnn-bn", "adam", 0.002, seed=0)
    names = [v.op.name for v in graph.model_variables]
    assert "conv1/batch_normalization/moving_mean" in names
    assert "fc1/batch_normalization/moving_variance" in names
    with graph.graph.as_default():
        updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(updates) == 6
    rng = np.random.default_rng(0)
    images = rng.random((8, 784), dtype=np.float32)
    labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 8)]
    moving = graph.graph.get_tensor_by_name("conv1/batch_normalization/moving_mean:0")
    with tf.Session(graph=graph.graph) as sess:
        sess.run(graph.initializer)
        first = sess.run(graph.probabilities, {graph.images: images})
        assert np.array_equal(first, sess.run(graph.probabilities, {graph.images: images}))
        sess.run(graph.train_op, {graph.images: images, graph.labels: labels,
                                  graph.keep_prob: 0.6})
        assert np.abs(sess.run(moving)).sum() > 0


CENTRE = 13.5  # of a 28x28 image, in pixel coordinates
AUGMENT_MOVES = [
    # (angle, scale, [dx, dy], an input point, where the transform puts it)
    ("identity", 0.0, 1.0, [0.0, 0.0], (5.0, 7.0), (5.0, 7.0)),
    ("shift_right_and_down", 0.0, 1.0, [1.0, 2.0], (5.0, 5.0), (6.0, 7.0)),
    ("twice_as_large_about_the_centre", 0.0, 2.0, [0.0, 0.0], (CENTRE + 1, CENTRE - 2),
     (CENTRE + 2, CENTRE - 4)),
    ("scaled_then_shifted", 0.0, 0.5, [1.0, -1.0], (CENTRE + 4, CENTRE), (CENTRE + 3, CENTRE - 1)),
]


@pytest.mark.parametrize(("angle", "scale", "shift", "source", "target"),
                         [m[1:] for m in AUGMENT_MOVES], ids=[m[0] for m in AUGMENT_MOVES])
def test_the_augmentation_transform_scales_about_the_centre_then_shifts(angle, scale, shift,
                                                                       source, target):
    cnn_bn = models.get_model("cnn-bn")
    rows = cnn_bn.transform_rows(tf.constant([angle]), tf.constant([scale]),
                                  tf.constant([shift]))
    with tf.Session() as sess:
        a0, a1, a2, b0, b1, b2, c0, c1 = sess.run(rows)[0]
    # A projective transform maps each output pixel (x, y) to the input point it reads.
    x, y = target
    assert (c0, c1) == (0.0, 0.0)
    assert (a0 * x + a1 * y + a2, b0 * x + b1 * y + b2) == pytest.approx(source, abs=1e-5)


def test_the_augmentation_rotates_as_tf_contrib_image_rotate_does():
    angles = tf.constant([0.3, -0.1])
    ours = models.get_model("cnn-bn").transform_rows(angles, tf.ones([2]), tf.zeros([2, 2]))
    theirs = tf.contrib.image.angles_to_projective_transforms(angles, 28, 28)
    with tf.Session() as sess:
        np.testing.assert_allclose(*sess.run([ours, theirs]), atol=1e-5)


def test_cnn_bn_predicts_and_saves_the_moving_averages_of_its_weights(tmp_path):
    graph = models.build_graph("cnn-bn", "adam", 0.01, seed=0)
    rng = np.random.default_rng(1)
    images = rng.random((8, 784), dtype=np.float32)
    labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 8)]
    with graph.graph.as_default():
        raw = {v.op.name: v for v in tf.trainable_variables()}
    averaged = {name: graph.saved_values[name] for name in raw}
    assert all(v.op.name == f"{name}/ExponentialMovingAverage" for name, v in averaged.items())
    # Batch norm's moving statistics are averages already: saved as they are.
    moving = "conv1/batch_normalization/moving_mean"
    assert graph.saved_values[moving].op.name == moving
    with tf.Session(graph=graph.graph) as sess:
        sess.run(graph.initializer)
        untrained = models.predict_probabilities(sess, graph, images)
        for _ in range(3):
            sess.run(graph.train_op, {graph.images: images, graph.labels: labels,
                                      graph.keep_prob: 0.6})
        raw_values, average_values = sess.run([raw, averaged])
        predicted = models.predict_probabilities(sess, graph, images)
        # Predictions come from the evaluation network: no dropout, whatever keep_prob says.
        with_dropout = sess.run(graph.probabilities, {graph.images: images,
                                                      graph.keep_prob: 0.5})
        models.save_model(sess, graph, tmp_path / "model", {})
    assert not np.array_equal(predicted, untrained)
    np.testing.assert_array_equal(with_dropout, predicted)
    assert not np.allclose(raw_values["fc1/dense/kernel"], average_values["fc1/dense/kernel"])
    loaded_sess, loaded, _ = models.load_model(tmp_path / "model")
    with loaded_sess:
        restored = loaded_sess.run({v.op.name: v for v in loaded.model_variables})
        reloaded = models.predict_probabilities(loaded_sess, loaded, images)
    for name, value in average_values.items():
        np.testing.assert_array_equal(restored[name], value)
    np.testing.assert_allclose(reloaded, predicted, rtol=1e-5, atol=1e-6)


SCHEDULES = [
    # (the model's DEFAULTS, the run's steps, global step, learning rate at that step)
    ("constant", {}, 100, 50, 0.1),
    ("exponential", {"decay_steps": 10, "decay_rate": 0.5}, 100, 20, 0.025),
    ("cosine_start", {"decay": "cosine", "steps": 7}, 100, 0, 0.1),
    ("cosine_middle_of_the_run", {"decay": "cosine", "steps": 7}, 100, 50, 0.05),
    ("cosine_end_of_the_run", {"decay": "cosine", "steps": 7}, 100, 100, 0.0),
    ("cosine_over_the_default_steps", {"decay": "cosine", "steps": 200}, None, 100, 0.05),
]


@pytest.mark.parametrize(("defaults", "steps", "step", "expected"), [c[1:] for c in SCHEDULES],
                         ids=[c[0] for c in SCHEDULES])
def test_a_model_decays_its_learning_rate_by_its_schedule(defaults, steps, step, expected):
    class Model:
        DEFAULTS = defaults

    with tf.Graph().as_default():
        global_step = tf.constant(step, tf.int64)
        rate = models._learning_rate(Model, 0.1, global_step, steps)
        with tf.Session() as sess:
            value = sess.run(tf.convert_to_tensor(rate))
        assert float(value) == pytest.approx(expected, abs=1e-7)


def _pipeline_batches(seed, steps=3, count=12, batch=5):
    """The first ``steps`` batches of cnn-bn's training pipeline over a small fake set whose
    label says which image each row is (image i is filled with 20 * i / 255)."""
    import threading

    from smallflow.datasets.mnist import DataSet
    from smallflow.models import pipeline

    pixels = np.repeat(np.arange(count, dtype=np.uint8)[:, None] * 20, 784, 1)
    labels = np.eye(10, dtype=np.float32)[np.arange(count) % 10]
    train = DataSet(pixels.reshape(count, 28, 28, 1), labels, seed=seed)
    images = pixels.astype(np.float32) / 255
    graph = models.build_graph("cnn-bn", "adam", 0.002, seed=seed, augment_in_graph=False)
    with tf.Session(graph=graph.graph) as sess:
        next_batch = pipeline.training_batches(sess, graph, train, batch, seed,
                                               models.get_model("cnn-bn").augment_batch)
        batches = [next_batch() for _ in range(steps)]
        assert any(t.name.startswith("tf.data-prefetch") for t in threading.enumerate())
    assert not any(t.name.startswith("tf.data-") for t in threading.enumerate())
    return batches, images


def test_the_training_pipeline_shuffles_augments_and_repeats_reproducibly():
    batches, images = _pipeline_batches(seed=3)
    again, _ = _pipeline_batches(seed=3)
    other, _ = _pipeline_batches(seed=4)
    for (x, y), (x2, y2) in zip(batches, again):
        np.testing.assert_array_equal(x, x2)
        np.testing.assert_array_equal(y, y2)
    assert not all(np.array_equal(a[1], b[1]) for a, b in zip(batches, other))
    seen = np.concatenate([y for _, y in batches])
    assert [x.shape for x, _ in batches] == [(5, 784)] * 3
    # An epoch of 12 then the next: the first 12 labels are each class once or twice.
    assert sorted(np.argmax(seen[:12], 1).tolist()) == sorted(np.arange(12) % 10)
    for x, _ in batches:
        # Rotated and shifted: each image keeps its level inside and gains a dark border.
        inside = x.reshape(-1, 28, 28)[:, 12:16, 12:16].reshape(len(x), -1)
        assert np.allclose(inside, inside[:, :1], atol=1e-5)
        assert any(np.allclose(row, images[i, 0], atol=1e-5) for row in inside[:, 0]
                   for i in range(12))
        assert np.all(x <= inside.max(1, keepdims=True) + 1e-5)
    darker_edges = [(x.reshape(-1, 28, 28)[:, 0] < x.reshape(-1, 28, 28)[:, 14, 14:15] - 1e-3)
                    .any() for x, _ in batches]
    assert any(darker_edges)


def test_the_cli_graph_of_cnn_bn_leaves_augmentation_to_the_pipeline():
    inline = models.build_graph("cnn-bn", "adam", 0.002, seed=0)
    fed = models.build_graph("cnn-bn", "adam", 0.002, seed=0, augment_in_graph=False)
    assert any(op.name.startswith("augment/") for op in inline.graph.get_operations())
    assert not any(op.name.startswith("augment/") for op in fed.graph.get_operations())


@pytest.fixture(scope="module")
def mnist_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mnist")
    input_data.read_data_sets(str(folder))
    return folder


@pytest.mark.slow
def test_cnn_bn_short_schedule_on_real_mnist(capsys, mnist_dir):
    # One epoch. With the previous recipe (no weight averages, x0.75 per epoch) 600 steps
    # were jumpy (seeds 0, 1, 2: 95.4%, 98.8%, 95.4%) and 1,100 steps gave 98.3% and 98.6%
    # (seeds 0, 2). The current recipe (averaged weights, cosine to zero) passed this bound
    # again on 2026-12-01; its 3-epoch run had 98.94% validation accuracy after epoch 1.
    code = cli.main(["train", "--model", "cnn-bn", "--data-dir", str(mnist_dir), "--steps",
                     "1100", "--log-interval", "0", "--seed", "0", "--json"])
    assert code in (0, None)
    results = json.loads(capsys.readouterr().out)  # --json prints one (indented) object
    assert results["steps"] == 1100
    assert results["accuracy"] >= 0.97
