"""Session 12 (lead): TensorFlow 1.x behaviours found missing by the lead."""
import numpy as np
import pytest

import smallflow as tf


@pytest.fixture(autouse=True)
def _fresh_graph():
    with tf.Graph().as_default() as graph:
        yield graph


def _train_op():
    step = tf.train.get_or_create_global_step()
    return tf.assign_add(step, 1)


@pytest.mark.parametrize("kind", ["monitored", "singular", "training"])
def test_a_monitored_session_finalizes_the_graph_while_it_is_open(tmp_path, kind):
    train = _train_op()
    make = {"monitored": lambda: tf.train.MonitoredSession(),
            "singular": lambda: tf.train.SingularMonitoredSession(),
            "training": lambda: tf.train.MonitoredTrainingSession(
                checkpoint_dir=str(tmp_path))}[kind]
    graph = tf.get_default_graph()
    assert not graph.finalized
    with make() as sess:
        assert graph.finalized
        sess.run(train)
        with pytest.raises(RuntimeError, match="Graph is finalized and cannot be modified."):
            tf.constant(1.0)
    # Closing gives the graph back as it was found.
    assert not graph.finalized
    tf.constant(1.0)


def test_a_graph_finalized_before_stays_finalized_and_an_error_unfinalizes_too():
    train = _train_op()
    graph = tf.get_default_graph()
    with pytest.raises(ValueError, match="boom"):
        with tf.train.MonitoredSession() as sess:
            sess.run(train)
            raise ValueError("boom")
    assert not graph.finalized
    scaffold = tf.train.Scaffold()
    scaffold.finalize()
    assert graph.finalized
    with tf.train.MonitoredSession(
            session_creator=tf.train.ChiefSessionCreator(scaffold=scaffold)) as sess:
        sess.run(train)
    assert graph.finalized


def test_hooks_may_add_ops_in_begin_but_not_after_the_session_is_created():
    train = _train_op()
    made = {}

    class Hook(tf.train.SessionRunHook):
        def begin(self):
            made["double"] = tf.train.get_global_step() * 2

        def after_create_session(self, session, coord):
            with pytest.raises(RuntimeError, match="finalized"):
                tf.constant(0)

        def before_run(self, run_context):
            return tf.train.SessionRunArgs(made["double"])

        def after_run(self, run_context, run_values):
            made.setdefault("seen", []).append(int(run_values.results))

    with tf.train.MonitoredSession(hooks=[Hook()]) as sess:
        for _ in range(3):
            sess.run(train)
    assert made["seen"] == [0, 2, 4]


def test_summaries_of_the_training_session_come_from_the_scaffold(tmp_path):
    pytest.importorskip("tensorboard")
    train = _train_op()
    tf.summary.scalar("step_value", tf.cast(tf.train.get_global_step(), tf.float32))
    with tf.train.MonitoredTrainingSession(checkpoint_dir=str(tmp_path),
                                           save_summaries_steps=1) as sess:
        for _ in range(3):
            sess.run(train)
    tags = []
    for path in tmp_path.glob("events.out.tfevents.*"):
        for event in tf.train.summary_iterator(str(path)):
            tags += [v.tag for v in event.summary.value]
    assert tags.count("step_value") == 3


def test_restoring_a_checkpoint_without_some_variables_initializes_those(tmp_path):
    a = tf.Variable(3.0, name="a")
    step = tf.train.get_or_create_global_step()
    saver = tf.train.Saver([a, step])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(a.assign(7.0))
        path = saver.save(sess, str(tmp_path / "model.ckpt"))
    b = tf.Variable(5.0, name="b")
    scaffold = tf.train.Scaffold(saver=saver)
    creator = tf.train.ChiefSessionCreator(scaffold=scaffold,
                                           checkpoint_filename_with_path=path)
    with tf.train.MonitoredSession(session_creator=creator) as sess:
        assert sess.run([a, b]) == [7.0, 5.0]


def test_sparse_softmax_cross_entropy_keeps_its_values_and_gradient():
    rng = np.random.RandomState(3)
    logits = rng.randn(6, 9).astype(np.float32) * 4
    labels = rng.randint(0, 9, 6)
    x = tf.constant(logits)
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=x)
    grad, = tf.gradients(tf.reduce_sum(loss), [x])
    with tf.Session() as sess:
        got_loss, got_grad = sess.run([loss, grad])
    shifted = logits.astype(np.float64) - logits.max(1, keepdims=True)
    soft = np.exp(shifted) / np.exp(shifted).sum(1, keepdims=True)
    np.testing.assert_allclose(got_loss, -np.log(soft[np.arange(6), labels]), rtol=1e-5)
    soft[np.arange(6), labels] -= 1
    np.testing.assert_allclose(got_grad, soft, rtol=1e-5, atol=1e-6)
    # The in-place work never writes into a fed array.
    fed = tf.placeholder(tf.float32, [None, 9])
    fed_loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=fed)
    kept = logits.copy()
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(fed_loss, {fed: logits}), got_loss)
    np.testing.assert_array_equal(logits, kept)
