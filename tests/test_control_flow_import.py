"""Graphs with tf.cond / tf.while_loop written to a .meta file and read back.

TF1 programs train in one script and predict (or go on training) in another through
``tf.train.import_meta_graph``; RNNs (``dynamic_rnn`` is a while loop) and conds (training
switches) must run there exactly as in the graph that wrote them, under any import scope.
"""

import numpy as np
import pytest

import smallflow as tf

# Meta-graph files are TensorFlow's protocol buffers: the tensorboard extra.
pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")


def _rnn_classifier():
    x = tf.placeholder(tf.float32, [None, 5, 3], name="x")
    labels = tf.placeholder(tf.int64, [None], name="labels")
    cell = tf.nn.rnn_cell.BasicLSTMCell(4)
    lengths = tf.placeholder_with_default(tf.constant([5, 3], tf.int32), [None], name="lengths")
    outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32)
    logits = tf.layers.dense(state.h, 3)
    tf.identity(logits, name="logits")
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    tf.identity(loss, name="loss")
    train = tf.train.AdamOptimizer(0.05).minimize(loss)
    tf.add_to_collection("train_op", train)


def _cond_and_nested_loop():
    x = tf.placeholder(tf.float32, [None], name="x")
    flag = tf.placeholder(tf.bool, [], name="flag")
    w = tf.Variable(np.float32(2.0), name="w")
    branch = tf.cond(flag, lambda: x * w, lambda: x - w)
    tf.identity(branch, name="branch")

    def outer_body(i, total):
        inner = tf.while_loop(lambda j, s: j < i, lambda j, s: (j + 1, s + tf.cast(j, tf.float32)),
                              [0, 0.0])[1]
        return i + 1, total + tf.cond(inner > 2.0, lambda: inner * w, lambda: inner)

    loop = tf.while_loop(lambda i, t: i < 5, outer_body, [0, 0.0])[1]
    tf.identity(loop, name="nested")
    tf.identity(tf.gradients(loop, w)[0], name="nested_grad")
    tf.identity(tf.gradients(tf.reduce_sum(branch), w)[0], name="branch_grad")


FEEDS = {
    "rnn": lambda: {"x:0": np.linspace(-1, 1, 30, dtype=np.float32).reshape(2, 5, 3),
                    "labels:0": np.array([0, 2])},
    "cond": lambda: {"x:0": np.array([1.0, -2.0, 3.0], np.float32), "flag:0": True},
}
BUILDERS = {"rnn": _rnn_classifier, "cond": _cond_and_nested_loop}
FETCHES = {"rnn": ["logits:0", "loss:0"],
           "cond": ["branch:0", "nested:0", "nested_grad:0", "branch_grad:0"]}


def _write(tmp_path, which):
    """Build, initialise and save; return the fetched values and the checkpoint prefix."""
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(1)
        BUILDERS[which]()
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            values = sess.run(FETCHES[which], FEEDS[which]())
            prefix = saver.save(sess, str(tmp_path / "model"))
    return values, prefix


@pytest.mark.parametrize("scope", [None, "restored"])
@pytest.mark.parametrize("which", ["rnn", "cond"])
def test_imported_control_flow_runs_as_written(tmp_path, which, scope):
    expected, prefix = _write(tmp_path, which)
    with tf.Graph().as_default(), tf.Session() as sess:
        saver = tf.train.import_meta_graph(prefix + ".meta", import_scope=scope)
        saver.restore(sess, prefix)
        name = (lambda n: f"{scope}/{n}") if scope else (lambda n: n)
        feeds = {name(k): v for k, v in FEEDS[which]().items()}
        got = sess.run([name(f) for f in FETCHES[which]], feeds)
    for want, have in zip(expected, got):
        np.testing.assert_array_equal(have, want)


def test_cond_branch_follows_the_fed_predicate_after_import(tmp_path):
    _, prefix = _write(tmp_path, "cond")
    with tf.Graph().as_default(), tf.Session() as sess:
        tf.train.import_meta_graph(prefix + ".meta").restore(sess, prefix)
        x = np.array([1.0, 4.0], np.float32)
        np.testing.assert_array_equal(sess.run("branch:0", {"x:0": x, "flag:0": True}), x * 2)
        np.testing.assert_array_equal(sess.run("branch:0", {"x:0": x, "flag:0": False}), x - 2)


def test_restored_rnn_training_step_continues_as_the_original(tmp_path):
    """The train_op restored from the collection (While's gradient, WhileGrad, the values the
    forward loop keeps for it) takes the same steps as the graph that wrote it."""
    feeds = FEEDS["rnn"]()
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(1)
        _rnn_classifier()
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            prefix = saver.save(sess, str(tmp_path / "model"))
            train = tf.get_collection("train_op")[0]
            original = [sess.run(["loss:0", train], feeds)[0] for _ in range(4)]
    with tf.Graph().as_default(), tf.Session() as sess:
        tf.train.import_meta_graph(prefix + ".meta").restore(sess, prefix)
        train = tf.get_collection("train_op")[0]
        restored = [sess.run(["loss:0", train], feeds)[0] for _ in range(4)]
    np.testing.assert_array_equal(restored, original)
    assert restored[-1] < restored[0]


def test_imported_graph_can_be_written_and_read_again(tmp_path):
    expected, prefix = _write(tmp_path, "rnn")
    with tf.Graph().as_default(), tf.Session() as sess:
        saver = tf.train.import_meta_graph(prefix + ".meta")
        saver.restore(sess, prefix)
        again = saver.save(sess, str(tmp_path / "again"))
    with tf.Graph().as_default(), tf.Session() as sess:
        tf.train.import_meta_graph(again + ".meta").restore(sess, again)
        got = sess.run("logits:0", FEEDS["rnn"]())
    np.testing.assert_array_equal(got, expected[0])
