"""tf.train.ClusterSpec, tf.train.Server (in process), tf.device placement, replica_device_setter.

Expected placements are the ones TensorFlow 1.x records for the same programs (checked
against tensorflow.compat.v1 when these tests were written).
"""

import threading

import numpy as np
import pytest

import smallflow as tf

CLUSTER = {"ps": ["ps0:2222", "ps1:2222"], "worker": ["w0:2222", "w1:2222", "w2:2222"]}


# -- ClusterSpec ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "expected"), [
    (lambda c: c.jobs, ["ps", "worker"]),
    (lambda c: c.num_tasks("worker"), 3),
    (lambda c: c.task_indices("ps"), [0, 1]),
    (lambda c: c.task_address("ps", 1), "ps1:2222"),
    (lambda c: c.job_tasks("worker"), ["w0:2222", "w1:2222", "w2:2222"]),
    (lambda c: c.as_dict(), CLUSTER),
    (lambda c: repr(c), "ClusterSpec({'ps': ['ps0:2222', 'ps1:2222'], "
                        "'worker': ['w0:2222', 'w1:2222', 'w2:2222']})"),
    (lambda c: bool(c), True),
    (lambda c: c == tf.train.ClusterSpec(CLUSTER), True),
    (lambda c: tf.train.ClusterSpec(c).as_dict(), CLUSTER),
])
def test_cluster_spec_answers_like_tensorflows(query, expected):
    assert query(tf.train.ClusterSpec(CLUSTER)) == expected


def test_sparse_jobs_keep_their_indices():
    cluster = tf.train.ClusterSpec({"worker": {1: "w1:2222", 3: "w3:2222"}, "ps": ["p:1"]})
    assert cluster.num_tasks("worker") == 2
    assert cluster.task_indices("worker") == [1, 3]
    assert cluster.job_tasks("worker") == [None, "w1:2222", None, "w3:2222"]
    assert cluster.as_dict() == {"worker": {1: "w1:2222", 3: "w3:2222"}, "ps": ["p:1"]}


def test_cluster_def_round_trip():
    pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")
    cluster_def = tf.train.ClusterSpec(CLUSTER).as_cluster_def()
    assert isinstance(cluster_def, tf.train.ClusterDef)
    assert [job.name for job in cluster_def.job] == ["ps", "worker"]
    assert dict(cluster_def.job[1].tasks) == {0: "w0:2222", 1: "w1:2222", 2: "w2:2222"}
    assert tf.train.ClusterSpec(cluster_def).as_dict() == CLUSTER


@pytest.mark.parametrize(("make", "error", "words"), [
    (lambda: tf.train.ClusterSpec(["a:1"]), TypeError, "dictionary mapping"),
    (lambda: tf.train.ClusterSpec({"w": "a:1"}), TypeError, "must be a list"),
    (lambda: tf.train.ClusterSpec(CLUSTER).num_tasks("chief"), ValueError, "No such job"),
    (lambda: tf.train.ClusterSpec(CLUSTER).task_address("ps", 5), ValueError,
     "No task with index 5"),
    (lambda: tf.train.Server(CLUSTER), ValueError, "explicit `job_name`"),
    (lambda: tf.train.Server({"w": ["a:1", "b:2"]}), ValueError, "explicit `task_index`"),
    (lambda: tf.train.Server({"w": ["a:1"]}, task_index=3), ValueError, "No task with index"),
    (lambda: tf.train.Server(CLUSTER, "worker", 0), tf.errors.UnknownError,
     "Could not start the server of /job:worker/task:0 on w0:2222"),
    (lambda: tf.Session("grpc://ps0.example.com:2222"), tf.errors.UnavailableError,
     "No task answers for grpc://ps0.example.com:2222"),
    (lambda: tf.Session("local"), tf.errors.UnimplementedError, "'grpc://host:port'"),
    (lambda: tf.Session(tf.train.Server.create_local_server(start=False).target),
     tf.errors.UnavailableError, "server.start()"),
])
def test_cluster_and_server_mistakes_raise_named_errors(make, error, words):
    with pytest.raises(error, match=None) as raised:
        make()
    assert words in str(raised.value)


# -- Server --------------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: tf.train.Server.create_local_server(),
    lambda: tf.train.Server(tf.train.ClusterSpec({"local": ["localhost:2223"]}), "local", 0),
    lambda: tf.train.Server({"worker": ["localhost:2224"]}),
])
def test_a_one_task_servers_target_runs_sessions_in_process(make):
    server = make()
    assert server.target.startswith("grpc://localhost:")
    x = tf.placeholder(tf.float32, [2])
    w = tf.Variable([2.0, 3.0])
    with tf.Session(server.target) as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.sess_str == server.target
        np.testing.assert_allclose(sess.run(x * w, {x: [1.0, 1.0]}), [2.0, 3.0])
    server._stop()


def test_local_servers_get_distinct_targets_and_join_blocks_until_stopped():
    first = tf.train.Server.create_local_server()
    second = tf.train.Server.create_local_server()
    assert first.target != second.target
    assert first.server_def.job_name == "localhost"
    assert first.server_def.protocol == "grpc"
    joined = threading.Event()
    waiter = threading.Thread(target=lambda: (first.join(), joined.set()), daemon=True)
    waiter.start()
    assert not joined.wait(0.2)  # join blocks while the server runs
    first._stop()
    assert joined.wait(5)
    second._stop()


def test_monitored_training_session_accepts_a_local_master():
    server = tf.train.Server.create_local_server()
    step = tf.train.get_or_create_global_step()
    bump = tf.assign_add(step, 1)
    with tf.train.MonitoredTrainingSession(master=server.target, is_chief=True) as sess:
        sess.run(bump)
        assert sess.run(step) == 1
    server._stop()


# -- tf.device and replica_device_setter ---------------------------------------------------------

def test_device_scopes_merge_from_the_innermost_out_and_none_clears_them():
    with tf.device("/job:ps/task:0"):
        with tf.device("/cpu:0"):
            a = tf.constant(1.0)
        with tf.device(None):
            b = tf.constant(2.0)
        total = a + b
    assert a.device == "/job:ps/task:0/device:CPU:0"
    assert b.device == ""
    assert total.device == total.op.device == "/job:ps/task:0"
    assert tf.constant(3.0).device == ""


def test_replica_device_setter_places_variables_round_robin_and_slots_with_them():
    with tf.device(tf.train.replica_device_setter(cluster=tf.train.ClusterSpec(CLUSTER))):
        v1 = tf.Variable(1.0, name="v1")
        v2 = tf.Variable(2.0, name="v2")
        v3 = tf.Variable(3.0, name="v3")
        loss = v1 * v2 + v3
        train = tf.train.AdamOptimizer().minimize(loss)
    placed = {v.op.name: v.device for v in tf.global_variables()}
    # What TensorFlow 1.x records for this program:
    assert placed == {
        "v1": "/job:ps/task:0", "v2": "/job:ps/task:1", "v3": "/job:ps/task:0",
        "v1/Adam": "/job:ps/task:0", "v1/Adam_1": "/job:ps/task:0",
        "v2/Adam": "/job:ps/task:1", "v2/Adam_1": "/job:ps/task:1",
        "v3/Adam": "/job:ps/task:0", "v3/Adam_1": "/job:ps/task:0",
        "beta1_power": "/job:ps/task:0", "beta2_power": "/job:ps/task:0",
    }
    assert v1.initializer.device == "/job:ps/task:0"
    assert loss.device == train.device == "/job:worker"
    # A local session (target "") has no ps or worker job: TensorFlow refuses to place them.
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="explicitly assigned to /job:(ps|worker)"):
        sess.run(tf.global_variables_initializer())


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({}, None),
    ({"cluster": {"worker": ["w:1"]}}, None),
    ({"ps_tasks": 3, "worker_device": "/job:worker/task:2"},
     ["/job:ps/task:0", "/job:ps/task:1", "/job:ps/task:2", "/job:worker/task:2"]),
    ({"ps_tasks": 2, "ps_strategy": lambda op: 1},
     ["/job:ps/task:1", "/job:ps/task:1", "/job:ps/task:1", "/job:worker"]),
])
def test_replica_device_setter_arguments(kwargs, expected):
    setter = tf.train.replica_device_setter(**kwargs)
    if expected is None:
        assert setter is None
        return
    with tf.device(setter):
        made = [tf.Variable(float(i)) for i in range(3)]
        total = tf.add_n(made)
    assert [v.device for v in made] + [total.device] == expected
