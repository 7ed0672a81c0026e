"""tf.train.SessionManager and tf.train.checkpoints_iterator, as TF 1.x documents them."""

import threading
import time

import numpy as np
import pytest

import smallflow as tf


def _model():
    w = tf.Variable([1.0, 2.0], name="w")
    step = tf.Variable(0, name="step")
    bump = tf.assign_add(step, 1)
    return w, step, bump


def test_prepare_session_initializes_then_restores(tmp_path):
    with tf.Graph().as_default():
        w, step, bump = _model()
        saver = tf.train.Saver()
        manager = tf.train.SessionManager(ready_op=tf.report_uninitialized_variables())
        sess = manager.prepare_session("", init_op=tf.global_variables_initializer(),
                                       saver=saver, checkpoint_dir=str(tmp_path))
        sess.run(bump)
        sess.run([bump, tf.assign(w, [5.0, 6.0])])
        saver.save(sess, str(tmp_path / "model.ckpt"), global_step=2)
        sess.close()
        # A second process (here a second session) restores instead of initializing.
        again = manager.prepare_session("", init_op=tf.global_variables_initializer(),
                                        saver=saver, checkpoint_dir=str(tmp_path))
        assert again.run(step) == 2
        np.testing.assert_array_equal(again.run(w), [5.0, 6.0])
        assert saver.last_checkpoints == [str(tmp_path / "model.ckpt-2")]
        again.close()
        # Or from a checkpoint file named directly.
        named = manager.prepare_session(
            "", saver=saver, checkpoint_filename_with_path=str(tmp_path / "model.ckpt-2"))
        assert named.run(step) == 2
        named.close()


def test_prepare_session_errors(tmp_path):
    with tf.Graph().as_default():
        w, step, _ = _model()
        manager = tf.train.SessionManager(ready_op=tf.report_uninitialized_variables())
        with pytest.raises(RuntimeError, match="no init_op or init_fn or local_init_op"):
            manager.prepare_session("")
        with pytest.raises(RuntimeError, match="Variables not initialized: step"):
            manager.prepare_session("", init_op=tf.variables_initializer([w]))
        with pytest.raises(ValueError, match="both checkpoint_dir and"):
            manager.prepare_session("", init_op=tf.global_variables_initializer(),
                                    saver=tf.train.Saver(), checkpoint_dir=str(tmp_path),
                                    checkpoint_filename_with_path=str(tmp_path / "x"))
        # init_fn alone is enough.
        sess = manager.prepare_session("", init_fn=lambda s: s.run(
            tf.global_variables_initializer()))
        assert sess.run(step) == 0
        sess.close()


def test_ready_for_local_init_needs_ready_op():
    with tf.Graph().as_default(), pytest.raises(ValueError, match="ready_op"):
        tf.train.SessionManager(ready_for_local_init_op=tf.report_uninitialized_variables())


def test_local_init_op_runs_after_the_model_is_ready():
    with tf.Graph().as_default():
        w, _, _ = _model()
        counter = tf.Variable(0, name="counter", collections=[tf.GraphKeys.LOCAL_VARIABLES])
        manager = tf.train.SessionManager(
            local_init_op=tf.local_variables_initializer(),
            ready_op=tf.report_uninitialized_variables(),
            ready_for_local_init_op=tf.report_uninitialized_variables(tf.global_variables()))
        sess = manager.prepare_session("", init_op=tf.global_variables_initializer())
        assert sess.run(counter) == 0
        sess.close()


def test_recover_session(tmp_path):
    with tf.Graph().as_default():
        _, step, bump = _model()
        saver = tf.train.Saver()
        manager = tf.train.SessionManager(ready_op=tf.report_uninitialized_variables())
        sess, initialized = manager.recover_session("", saver=saver,
                                                    checkpoint_dir=str(tmp_path))
        assert initialized is False
        sess.run(tf.global_variables_initializer())
        sess.run(bump)
        saver.save(sess, str(tmp_path / "model.ckpt"))
        sess.close()
        sess, initialized = manager.recover_session("", saver=saver,
                                                    checkpoint_dir=str(tmp_path))
        assert initialized is True
        assert sess.run(step) == 1
        sess.close()


def test_wait_for_session():
    with tf.Graph().as_default():
        manager = tf.train.SessionManager(ready_op=tf.report_uninitialized_variables(),
                                          recovery_wait_secs=0.01)
        sess = manager.wait_for_session("", max_wait_secs=1)  # no variables: ready at once
        sess.close()
        _model()
        manager = tf.train.SessionManager(ready_op=tf.report_uninitialized_variables(),
                                          recovery_wait_secs=0.01)
        with pytest.raises(tf.errors.DeadlineExceededError, match="not ready after waiting"):
            manager.wait_for_session("", max_wait_secs=0.05)


def test_checkpoints_iterator_yields_each_new_checkpoint(tmp_path):
    with tf.Graph().as_default():
        _, _, bump = _model()
        saver = tf.train.Saver(max_to_keep=10)
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        prefix = str(tmp_path / "model.ckpt")

        def trainer():
            for step in (1, 2, 3):
                time.sleep(0.3)
                sess.run(bump)
                saver.save(sess, prefix, global_step=step)

        thread = threading.Thread(target=trainer)
        thread.start()
        seen = list(tf.train.checkpoints_iterator(str(tmp_path), timeout=2.0))
        thread.join()
        sess.close()
    # Each checkpoint once, in order (a fast writer may skip one between two polls, never
    # repeat one): the last one is always seen.
    assert seen == sorted(set(seen), key=seen.index)
    assert seen[-1] == prefix + "-3"
    assert set(seen) <= {prefix + "-1", prefix + "-2", prefix + "-3"}


def test_checkpoints_iterator_timeout_fn(tmp_path):
    calls = []

    def timeout_fn():
        calls.append(time.time())
        return len(calls) == 2  # wait once more, then stop

    start = time.time()
    assert list(tf.train.checkpoints_iterator(str(tmp_path), timeout=0.2,
                                              timeout_fn=timeout_fn)) == []
    assert len(calls) == 2
    assert time.time() - start < 5
