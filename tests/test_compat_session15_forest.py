"""tf.contrib.tensor_forest (session 15): ForestHParams.fill, RandomForestGraphs' training and
inference graphs, the forest learning real problems, checkpoints, and the errors."""

import json

import numpy as np
import pytest

import smallflow as tf
from smallflow.contrib.tensor_forest.python import tensor_forest
from smallflow.datasets import mnist
from smallflow.python.ops import resources


def _forest(num_classes, num_features, **kwargs):
    hparams = tensor_forest.ForestHParams(num_classes=num_classes, num_features=num_features,
                                          **kwargs).fill()
    return hparams, tensor_forest.RandomForestGraphs(hparams)


def _train(forest, sess, x, y, data, labels, steps, batch, rng):
    train_op = forest.training_graph(x, y)
    for _ in range(steps):
        rows = rng.integers(0, len(data), batch)
        sess.run(train_op, {x: data[rows], y: labels[rows]})


def test_fill_derives_tensorflows_settings():
    hparams = tensor_forest.ForestHParams(num_classes=10, num_features=784, num_trees=10,
                                          max_nodes=1000).fill()
    # floor(sqrt(784)) candidates, at least 10, at most 1000
    assert hparams.num_splits_to_consider == 28
    assert tensor_forest.ForestHParams(num_classes=2, num_features=20).fill() \
        .num_splits_to_consider == 10
    assert tensor_forest.ForestHParams(num_classes=2, num_features=4_000_000).fill() \
        .num_splits_to_consider == 1000
    assert hparams.num_output_columns == 11
    assert hparams.num_outputs == 1
    assert hparams.bagged_num_features == 784
    assert hparams.bagged_features is None
    assert hparams.split_after_samples == 250
    assert hparams.regression is False
    assert hparams.base_random_seed == 0
    assert hparams.prune_every_samples == 0
    assert hparams.values()["max_nodes"] == 1000
    bagged = tensor_forest.ForestHParams(num_classes=2, num_features=10, num_trees=3,
                                         feature_bagging_fraction=0.5).fill()
    assert bagged.bagged_num_features == 5
    assert [len(set(f)) for f in bagged.bagged_features] == [5, 5, 5]
    regression = tensor_forest.ForestHParams(num_classes=2, num_features=3,
                                             regression=True).fill()
    assert regression.num_outputs == 2
    with pytest.raises(AttributeError, match="num_classes"):
        tensor_forest.ForestHParams(num_features=3).fill()


def test_a_forest_learns_a_threshold_and_reports_its_size():
    rng = np.random.default_rng(0)
    data = rng.random((4000, 3)).astype(np.float32)
    labels = (data[:, 1] > 0.4).astype(np.int32)
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.placeholder(tf.int32, [None])
    _, forest = _forest(2, 3, num_trees=5, max_nodes=31, split_after_samples=50,
                        base_random_seed=3)
    probabilities, paths, variance = forest.inference_graph(x)
    assert probabilities.shape.as_list() == [None, 2]
    loss = forest.training_loss(x, y)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(loss) == -1.0  # one leaf per tree
        _train(forest, sess, x, y, data, labels, 60, 256, rng)
        probs, var, size = sess.run([probabilities, variance, forest.average_size()],
                                    {x: data[:1000]})
        paths_out = sess.run(paths, {x: data[:2]})
    assert np.mean(probs.argmax(1) == labels[:1000]) > 0.97
    np.testing.assert_allclose(probs.sum(1), 1, rtol=1e-5)
    assert var.shape == (1000, 2)
    assert (var >= 0).all()
    assert 3 <= size <= 31
    assert paths_out.shape == (0, 5)  # inference_tree_paths=False: no paths, as TensorFlow


def test_max_nodes_caps_every_tree():
    rng = np.random.default_rng(1)
    data = rng.random((3000, 4)).astype(np.float32)
    labels = (data.sum(1) * 2).astype(np.int32) % 3
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.placeholder(tf.int32, [None])
    hparams, forest = _forest(3, 4, num_trees=3, max_nodes=9, split_after_samples=20,
                              base_random_seed=1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        _train(forest, sess, x, y, data, labels, 40, 512, rng)
        sizes = sess.run([tree.size() for tree in forest.trees])
        usage = sess.run(forest.feature_importances())
    # A split adds two nodes while the tree has fewer than max_nodes: 9 nodes, then no more.
    assert sizes == [9, 9, 9]
    np.testing.assert_allclose(usage.sum(), 1.0, rtol=1e-6)


def test_seeded_forests_repeat_and_paths_name_the_nodes():
    rng = np.random.default_rng(2)
    data = rng.random((1000, 5)).astype(np.float32)
    labels = (data[:, 0] > data[:, 1]).astype(np.int32)

    def run(seed):
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float32, [None, 5])
            y = tf.placeholder(tf.int32, [None])
            _, forest = _forest(2, 5, num_trees=2, max_nodes=63, split_after_samples=30,
                                base_random_seed=seed, inference_tree_paths=True)
            train_op = forest.training_graph(x, y)
            probabilities, paths, _ = forest.inference_graph(x)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                for start in range(0, 1000, 100):
                    sess.run(train_op, {x: data[start:start + 100],
                                        y: labels[start:start + 100]})
                return sess.run([probabilities, paths], {x: data[:50]})

    first, again, other = run(7), run(7), run(8)
    np.testing.assert_array_equal(first[0], again[0])
    assert not np.array_equal(first[0], other[0])
    assert first[1].shape == (50, 2)
    path = json.loads(first[1][0, 0])["nodes"]
    assert path[0] == 0
    assert len(path) >= 2


def test_mnist_forest_as_tf1_programs_train_it(shared_mnist_dir):
    # The shape of aymericdamien/TensorFlow-Examples' random_forest.py: 10 trees of at most
    # 1000 nodes, batches of 1024, MonitoredSession, minus the average size as the loss.
    data = mnist.read_data_sets(str(shared_mnist_dir), one_hot=False, seed=0)
    x = tf.placeholder(tf.float32, shape=[None, 784])
    y = tf.placeholder(tf.int32, shape=[None])
    hparams, forest = _forest(10, 784, num_trees=10, max_nodes=1000, base_random_seed=1)
    train_op = forest.training_graph(x, y)
    loss_op = forest.training_loss(x, y)
    infer_op, _, _ = forest.inference_graph(x)
    correct = tf.equal(tf.argmax(infer_op, 1), tf.cast(y, tf.int64))
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    init = tf.group(tf.global_variables_initializer(),
                    resources.initialize_resources(resources.shared_resources()))
    losses = []
    with tf.train.MonitoredSession() as sess:
        sess.run(init)
        for _ in range(40):
            batch_x, batch_y = data.train.next_batch(1024)
            _, loss = sess.run([train_op, loss_op], {x: batch_x, y: batch_y})
            losses.append(loss)
        test = sess.run(accuracy, {x: data.test.images[:3000], y: data.test.labels[:3000]})
    assert losses[-1] < losses[0] <= -1.0  # the trees grow
    assert test > 0.8, test  # TensorFlow: ~0.92 after the program's 500 steps


def test_inference_result_is_the_probabilities_for_older_programs():
    # TensorFlow before 1.5 returned the probabilities alone; such programs argmax the result.
    x = tf.placeholder(tf.float32, [None, 2])
    _, forest = _forest(3, 2, num_trees=2)
    result = forest.inference_graph(x)
    predicted = tf.argmax(result, 1)
    assert result.dtype == tf.float32
    assert result.shape.as_list() == [None, 3]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        # an untrained tree predicts all zeros: class 0
        assert sess.run(predicted, {x: [[0.0, 1.0]]}).tolist() == [0]


def test_regression_forest_fits_means():
    rng = np.random.default_rng(3)
    data = rng.random((5000, 2)).astype(np.float32)
    targets = np.where(data[:, 0] > 0.5, 3.0, -1.0).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 2])
    y = tf.placeholder(tf.float32, [None])
    _, forest = _forest(1, 2, num_trees=3, max_nodes=15, split_after_samples=50,
                        regression=True, base_random_seed=4)
    mean, _, variance = forest.inference_graph(x)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        _train(forest, sess, x, y, data, targets, 40, 256, rng)
        predicted, var = sess.run([mean, variance], {x: data[:500]})
    assert predicted.shape == (500, 1)
    assert np.mean(np.abs(predicted[:, 0] - targets[:500])) < 0.3
    assert (var >= 0).all()


def test_trees_are_saved_and_restored(tmp_path):
    rng = np.random.default_rng(5)
    data = rng.random((2000, 3)).astype(np.float32)
    labels = (data[:, 2] > 0.6).astype(np.int32)

    def build():
        x = tf.placeholder(tf.float32, [None, 3])
        y = tf.placeholder(tf.int32, [None])
        _, forest = _forest(2, 3, num_trees=2, max_nodes=31, split_after_samples=40,
                            base_random_seed=9)
        return x, y, forest

    with tf.Graph().as_default():
        x, y, forest = build()
        probabilities = forest.inference_graph(x)[0]
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            _train(forest, sess, x, y, data, labels, 20, 200, rng)
            expected = sess.run(probabilities, {x: data[:100]})
            path = saver.save(sess, str(tmp_path / "forest"))
    with tf.Graph().as_default():
        x, y, forest = build()
        probabilities = forest.inference_graph(x)[0]
        size = forest.average_size()
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, path)
            np.testing.assert_array_equal(sess.run(probabilities, {x: data[:100]}), expected)
            before = sess.run(size)
            # training goes on from the restored trees
            _train(forest, sess, x, y, data, labels, 10, 200, rng)
            assert sess.run(size) >= before > 1


def test_bagging_runs_and_bad_input_is_named():
    rng = np.random.default_rng(6)
    data = rng.random((600, 6)).astype(np.float32)
    labels = (data[:, 0] > 0.5).astype(np.int32)
    x = tf.placeholder(tf.float32, [None, 6])
    y = tf.placeholder(tf.int32, [None])
    _, forest = _forest(2, 6, num_trees=2, bagging_fraction=0.5,
                        feature_bagging_fraction=0.5, split_after_samples=20,
                        base_random_seed=2)
    train_op = forest.training_graph(x, y)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train_op, {x: data, y: labels})
        assert sess.run(forest.average_size()) > 1
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 4])
        y = tf.placeholder(tf.int32, [None])
        _, forest = _forest(2, 6, num_trees=1)
        train_op = forest.training_graph(x, y)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[batch, 6\]"):
                sess.run(train_op, {x: np.zeros((2, 4)), y: [0, 1]})
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 2])
        y = tf.placeholder(tf.int32, [None])
        _, forest = _forest(2, 2, num_trees=1)
        train_op = forest.training_graph(x, y)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match=r"label 7 is outside \[0, 2\)"):
                sess.run(train_op, {x: np.zeros((3, 2)), y: [0, 7, 1]})
    with pytest.raises(ValueError, match="split_finish_name='hoeffding'"):
        _forest(2, 3, split_finish_name="hoeffding")


def test_contrib_namespace_and_tensorflow_paths():
    assert tf.contrib.tensor_forest.python.tensor_forest is tensor_forest
    with pytest.raises(AttributeError, match="tf.contrib.tensor_forest.hybrid"):
        _ = tf.contrib.tensor_forest.hybrid


def test_saver_keeps_trailing_nul_bytes_of_strings(tmp_path):
    # Found with the trees' bytes: a string variable ending in NUL bytes came back cut.
    value = tf.Variable(b"tree\x00\x00", dtype=tf.string)
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(value.initializer)
        path = saver.save(sess, str(tmp_path / "nul"))
    with tf.Session() as sess:
        saver.restore(sess, path)
        assert sess.run(value) == b"tree\x00\x00"
