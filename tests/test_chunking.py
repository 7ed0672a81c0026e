"""Lean evaluation (smallflow/chunking.py): a big batch runs the row-wise part of a plan a
few rows at a time, with the same results as one plan over the whole batch."""

import numpy as np
import pytest

import smallflow as tf
from smallflow import chunking

ROWS = 50  # the batch fed; chunks of 7 rows below, so the last chunk is short


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(chunking, "_CHUNK_BYTES", 1)
    monkeypatch.setattr(chunking, "_MIN_CHUNK_ROWS", 7)


def _image_net(x, keep_prob):
    """conv + bias + relu + pool + dense + dropout + dense: the tutorial CNN in small."""
    rng = np.random.default_rng(1)
    w1 = tf.Variable(rng.standard_normal((3, 3, 1, 4)).astype(np.float32))
    b1 = tf.Variable(np.full(4, 0.1, np.float32))
    grid = tf.reshape(x, [-1, 6, 6, 1])
    h1 = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(grid, w1, [1, 1, 1, 1], "SAME"), b1))
    p1 = tf.nn.max_pool(h1, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    w2 = tf.Variable(rng.standard_normal((36, 5)).astype(np.float32))
    h2 = tf.nn.relu(tf.matmul(tf.reshape(p1, [-1, 36]), w2))
    w3 = tf.Variable(rng.standard_normal((5, 3)).astype(np.float32))
    return tf.matmul(tf.nn.dropout(h2, keep_prob), w3)


def _accuracy(logits, y):
    correct = tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1))
    return tf.reduce_mean(tf.cast(correct, tf.float32))


def _centered(x):
    """Subtracting the batch mean mixes rows: nothing after it may be chunked."""
    return tf.nn.softmax(x - tf.reduce_mean(x, axis=0)) * 2.0


def _row_sums_then_total(x):
    return tf.reduce_sum(tf.reduce_sum(tf.square(x), axis=1) + 1.0)


def _sparse_loss(x):
    labels = tf.cast(tf.argmax(x, axis=-1), tf.int64)
    logits = tf.expand_dims(x, 2) * tf.constant([[[1.0, -1.0]]])
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.minimum(labels, 1), logits=tf.reduce_max(logits, axis=1))
    return tf.reduce_mean(loss)


# name -> builder of the fetches from (x [None, 36], y [None, 3], keep_prob)
GRAPHS = {
    "cnn logits": lambda x, y, k: _image_net(x, k),
    "cnn accuracy": lambda x, y, k: _accuracy(_image_net(x, k), y),
    "cnn accuracy and logits": lambda x, y, k: (_accuracy(_image_net(x, k), y),
                                                _image_net(x, k)),
    "batch mean in the middle": lambda x, y, k: _centered(x),
    "row sums then a total": lambda x, y, k: _row_sums_then_total(x),
    "sparse cross entropy": lambda x, y, k: _sparse_loss(x),
    "softmax regression": lambda x, y, k: tf.reduce_mean(
        tf.nn.softmax_cross_entropy_with_logits(
            labels=y, logits=tf.matmul(x, tf.ones([36, 3])) + tf.zeros([3]))),
}


def _data():
    rng = np.random.default_rng(0)
    images = rng.random((ROWS, 36), dtype=np.float32)
    labels = np.eye(3, dtype=np.float32)[rng.integers(0, 3, ROWS)]
    return images, labels


def _run(name, keep):
    tf.reset_default_graph()
    tf.set_random_seed(3)
    x = tf.placeholder(tf.float32, [None, 36])
    y = tf.placeholder(tf.float32, [None, 3])
    keep_prob = tf.placeholder(tf.float32)
    fetches = GRAPHS[name](x, y, keep_prob)
    images, labels = _data()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        result = sess.run(fetches, {x: images, y: labels, keep_prob: keep})
        chunked = any(plan.split_plans is not None for plan in sess._plans.values())
    return result, chunked


@pytest.mark.parametrize("keep", [1.0, 0.5])
@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_chunked_run_gives_the_same_results(monkeypatch, name, keep):
    whole, chunked = _run(name, keep)
    assert not chunked  # a batch of 50 fits in one default chunk
    monkeypatch.setattr(chunking, "_CHUNK_BYTES", 1)
    monkeypatch.setattr(chunking, "_MIN_CHUNK_ROWS", 7)
    parts, chunked = _run(name, keep)
    expect_chunks = name not in ("batch mean in the middle",)
    assert chunked == expect_chunks
    for a, b in zip(np.atleast_1d(whole) if not isinstance(whole, tuple) else whole,
                    np.atleast_1d(parts) if not isinstance(parts, tuple) else parts):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _split_of(build, feeds_rows=True):
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [None, 36] if feeds_rows else [ROWS, 36])
    keep_prob = tf.placeholder(tf.float32)
    fetch = build(x, keep_prob)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        plan = sess._make_plan([fetch], (x, keep_prob))
    return plan.split, fetch


def test_dropout_noise_and_what_follows_it_run_once_on_the_whole_batch():
    split, _ = _split_of(_image_net)
    (frontier,) = split.frontier
    assert frontier.op.type == "Relu"  # the dense layer's output, which dropout reads
    assert split.rows_feeds == (0,)


@pytest.mark.parametrize(("case", "build"), [
    ("a training step", lambda x, k: tf.train.GradientDescentOptimizer(0.1).minimize(
        tf.reduce_sum(_image_net(x, k)))),
    ("a fixed batch size", None),
    ("only batch-wide ops", lambda x, k: tf.reduce_mean(x) * k),
    ("an assignment", lambda x, k: tf.Variable(0.0).assign(tf.reduce_sum(x * 2.0))),
])
def test_plans_that_are_not_split(case, build):
    if build is None:
        split, _ = _split_of(lambda x, k: tf.nn.relu(x) * 2.0, feeds_rows=False)
    else:
        split, _ = _split_of(build)
    assert split is None


def test_feeds_of_different_lengths_run_as_one_plan(small_chunks):
    x = tf.placeholder(tf.float32, [None, 2])
    z = tf.placeholder(tf.float32, [None, 2])
    total = tf.reduce_sum(tf.nn.relu(x)) + tf.reduce_sum(tf.nn.relu(z))
    with tf.Session() as sess:
        value = sess.run(total, {x: np.ones((30, 2)), z: np.ones((20, 2))})
    assert value == 100.0


def test_a_bad_feed_shape_is_still_reported(small_chunks):
    x = tf.placeholder(tf.float32, [None, 36])
    with tf.Session() as sess, pytest.raises(ValueError, match="Cannot feed value of shape"):
        sess.run(tf.reduce_sum(tf.nn.relu(x)), {x: np.ones((30, 35))})
