"""tf.ConditionalAccumulator and tf.train.SyncReplicasOptimizer (synchronous replicas).

Expected values are TensorFlow 2.21 compat.v1's for the same programs where the program is
deterministic (accumulator steps); training checks use what synchronous training guarantees:
each global step applies the mean of ``replicas_to_aggregate`` gradients.
"""

import threading

import numpy as np
import pytest

import smallflow as tf


def test_accumulator_sums_drops_stale_gradients_and_counts_like_tensorflows():
    with tf.Graph().as_default():
        acc = tf.ConditionalAccumulator(tf.float32, shape=[2], shared_name="a")
        grad = tf.placeholder(tf.float32, [2])
        local = tf.placeholder(tf.int64, [])
        apply = acc.apply_grad(grad, local_step=local)
        take = acc.take_grad(2)
        count = acc.num_accumulated()
        with tf.Session() as sess:
            sess.run(apply, {grad: [1, 2], local: 0})
            sess.run(apply, {grad: [3, 4], local: 0})
            assert sess.run(count) == 2
            np.testing.assert_array_equal(sess.run(take), [2.0, 3.0])
            assert sess.run(count) == 0
            sess.run(apply, {grad: [9, 9], local: 0})  # step 0 < the accumulator's 1: dropped
            assert sess.run(count) == 0
            sess.run(acc.set_global_step(5))
            sess.run(apply, {grad: [1, 1], local: 5})
            assert sess.run(count) == 1
            sess.run(acc.set_global_step(2))  # set back (TensorFlow only warns)
            sess.run(apply, {grad: [1, 1], local: 3})
            assert sess.run(count) == 2
        assert acc.accumulator_ref.name == "conditional_accumulator:0"
        assert take.shape.as_list() == [2]
        assert count.op.name == "conditional_accumulator_NumAccumulated"


def test_accumulator_sum_reduction_and_mistakes():
    with tf.Graph().as_default():
        acc = tf.ConditionalAccumulator(tf.float64, shape=[], reduction_type="SUM")
        with tf.Session() as sess:
            sess.run(acc.apply_grad(1.5))
            sess.run(acc.apply_grad(2.0))
            assert sess.run(acc.take_grad(2)) == 3.5
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match="num_required must be positive, but was 0"):
                sess.run(acc.take_grad(0))
        with pytest.raises(ValueError, match="incompatible"):
            acc.apply_grad([1.0, 2.0])
        with pytest.raises(ValueError, match="reduction_type"):
            tf.ConditionalAccumulator(tf.float32, reduction_type="MAX")


def test_take_grad_blocks_until_enough_gradients_arrive():
    with tf.Graph().as_default():
        acc = tf.ConditionalAccumulator(tf.float32, shape=[1])
        take = acc.take_grad(2)
        apply = acc.apply_grad([4.0])
        with tf.Session() as sess:
            got = []
            thread = threading.Thread(target=lambda: got.append(sess.run(take)))
            thread.start()
            sess.run(apply)
            thread.join(0.3)
            assert thread.is_alive()
            sess.run(apply)
            thread.join(10)
            np.testing.assert_array_equal(got[0], [4.0])


def _sync_model(replicas, total):
    x = tf.placeholder(tf.float32, [None])
    w = tf.Variable(0.0, name="w")
    step = tf.train.get_or_create_global_step()
    loss = tf.reduce_mean((x * w - 2.0 * x) ** 2)
    opt = tf.train.SyncReplicasOptimizer(tf.train.GradientDescentOptimizer(0.1),
                                         replicas_to_aggregate=replicas,
                                         total_num_replicas=total)
    return x, w, step, opt, opt.minimize(loss, global_step=step)


def test_one_worker_trains_through_the_chiefs_queue_runner():
    with tf.Graph().as_default():
        x, w, step, opt, train = _sync_model(1, 1)
        names = {op.name for op in tf.get_default_graph().get_operations()}
        assert {"sync_rep_local_step", "sync_token_q", "dummy_queue",
                "sync_replicas/conditional_accumulator", "sync_replicas/SetGlobalStep"} <= names
        assert tf.get_collection(tf.GraphKeys.LOCAL_VARIABLES)[0].op.name == \
            "sync_rep_local_step"
        hooks = [opt.make_session_run_hook(True), tf.train.StopAtStepHook(last_step=30)]
        runs = 0
        with tf.train.MonitoredTrainingSession(hooks=hooks, stop_grace_period_secs=1) as sess:
            while not sess.should_stop():
                sess.run(train, {x: [1.0, 2.0]})
                runs += 1
            final_w, final_step = sess.run([w, step])
        assert final_step >= 30
        assert runs >= 30
        assert abs(final_w - 2.0) < 1e-3


def test_sync_replicas_mistakes_name_the_problem():
    with tf.Graph().as_default():
        opt = tf.train.SyncReplicasOptimizer(tf.train.GradientDescentOptimizer(0.1), 2, 3)
        with pytest.raises(ValueError, match="after apply_gradients"):
            opt.get_chief_queue_runner()
        with pytest.raises(ValueError, match="after apply_gradients"):
            opt.get_init_tokens_op()
        w = tf.Variable(1.0)
        with pytest.raises(ValueError, match="Global step is required"):
            opt.apply_gradients([(tf.constant(1.0), w)])
        _, _, _, opt, _ = _sync_model(3, 2)
        with pytest.raises(ValueError, match="Too few tokens to finish the first step: 0 "
                                             r"\(given\) vs 1 \(needed\)"):
            opt.get_init_tokens_op(0)


def test_two_workers_of_a_cluster_apply_the_mean_of_their_gradients_each_step(local_cluster):
    workers, ps_servers = local_cluster(2, 1)
    errors = []
    steps_seen = [[], []]
    # Both workers feed x = 1. A gradient is taken only at the step it was computed
    # for (a later one is stale and dropped), so every step applies the mean of
    # gradients at the same w: plain gradient descent, whoever sent them.
    feeds = [[1.0], [1.0]]

    def work(index):
        # Between-graph replication, as TF1 programs run it: each worker builds its own
        # graph (a MonitoredSession finalizes the graph it runs), sharing the variables on
        # the parameter server by name.
        try:
            with tf.Graph().as_default():
                with tf.device(tf.train.replica_device_setter(ps_tasks=1)):
                    x, w, step, opt, train = _sync_model(2, 2)
                assert opt._local_step.device == "/job:worker"  # beside the worker's ops
                hook = opt.make_session_run_hook(index == 0)
                with tf.train.MonitoredTrainingSession(
                        master=workers[index].target, is_chief=index == 0,
                        hooks=[hook, tf.train.StopAtStepHook(last_step=5)],
                        stop_grace_period_secs=1) as sess:
                    assert tf.get_default_graph().finalized
                    while not sess.should_stop():
                        _, seen = sess.run([train, step], {x: feeds[index]})
                        steps_seen[index].append(seen)
                assert not tf.get_default_graph().finalized
        except Exception as err:  # reported by the assertion below
            errors.append(err)

    chief = threading.Thread(target=work, args=(0,))
    chief.start()
    chief.join(0.5)
    other = threading.Thread(target=work, args=(1,))
    other.start()
    chief.join(60)
    other.join(60)
    assert not errors, errors
    with tf.Graph().as_default():
        with tf.device(tf.train.replica_device_setter(ps_tasks=1)):
            _, w, step, _, _ = _sync_model(2, 2)
        with tf.Session(workers[0].target) as sess:
            final_w, final_step = sess.run([w, step])
    assert final_step >= 5
    expected = np.float32(0.0)
    for _ in range(int(final_step)):
        expected -= np.float32(0.1) * np.float32(2.0) * (expected - np.float32(2.0))
    assert final_w == pytest.approx(expected, rel=1e-6)
    assert steps_seen[0]
    assert steps_seen[1]
