"""Clusters of several tasks: parameter servers keep the variables, workers share them.

The expected values are TensorFlow 1.x's for the same programs (the in-process cluster's
devices and trained values were compared with tensorflow.compat.v1's create_local_cluster when
this was written); the multi-process test runs the between-graph replication of TensorFlow's
"Distributed TensorFlow" how-to: one process per task.
"""

import os
import pickle
import socket
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import smallflow as tf
from smallflow import session_targets
from smallflow.train import cluster_runtime


def _replicated_model():
    with tf.device(tf.train.replica_device_setter(ps_tasks=2)):
        w = tf.Variable(tf.zeros([3]), name="w")
        b = tf.Variable(1.0, name="b")
        step = tf.train.get_or_create_global_step()
        loss = tf.reduce_sum((w - [1.0, 2.0, 3.0]) ** 2) + b * b
        train = tf.train.AdamOptimizer(0.1).minimize(loss, global_step=step)
    return w, b, step, train


def test_workers_of_an_in_process_cluster_train_one_copy_of_the_variables(local_cluster):
    workers, ps_servers = local_cluster(2, 2)
    with tf.Graph().as_default():
        w, b, step, train = _replicated_model()
        assert [v.device for v in tf.global_variables()] == [
            "/job:ps/task:0", "/job:ps/task:1", "/job:ps/task:0", "/job:ps/task:1",
            "/job:ps/task:1", "/job:ps/task:0", "/job:ps/task:0", "/job:ps/task:1",
            "/job:ps/task:1"]
        first, second = tf.Session(workers[0].target), tf.Session(workers[1].target)
        first.run(tf.global_variables_initializer())
        for i in range(50):
            (first if i % 2 else second).run(train)
        got_w, got_b, got_step = second.run([w, b, step])
        assert first.run(step) == 50 == got_step
        # TensorFlow 2.21 compat.v1 on its own local cluster, same program:
        np.testing.assert_allclose(got_w, [1.0048181, 2.0757642, 3.1688902], rtol=1e-6)
        np.testing.assert_allclose(got_b, -0.004817956, rtol=1e-5)
        # The variables live in the parameter servers, not in the workers' stores.
        stores = [session_targets.server_variables(server.target)
                  for server in workers + ps_servers]
        assert [sorted(store) for store in stores[:2]] == [[], []]
        assert "w" in stores[2]
        assert "b" in stores[3]
        assert "global_step" in stores[2]


def test_a_worker_sees_uninitialized_variables_until_the_chief_initializes_them(local_cluster):
    workers, ps_servers = local_cluster(2, 1)
    with tf.Graph().as_default():
        with tf.device(tf.train.replica_device_setter(ps_tasks=1)):
            v = tf.Variable(3.0, name="v")
        report = tf.report_uninitialized_variables()
        other = tf.Session(workers[1].target)
        assert other.run(report).tolist() == [b"v"]
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value v"):
            other.run(v)
        tf.Session(workers[0].target).run(v.initializer)
        assert other.run(report).tolist() == []
        assert other.run(v.assign_add(1.0)) == 4.0
        assert tf.Session(workers[0].target).run(v) == 4.0


def test_unplaced_variables_stay_in_each_workers_own_task(local_cluster):
    workers, ps_servers = local_cluster(2, 1)
    with tf.Graph().as_default():
        local = tf.Variable(0.0, name="local")
        bump = local.assign_add(1.0)
        one, two = tf.Session(workers[0].target), tf.Session(workers[1].target)
        for sess in (one, two):
            sess.run(local.initializer)
        one.run(bump)
        one.run(bump)
        assert (one.run(local), two.run(local)) == (2.0, 0.0)


def test_a_device_outside_the_cluster_is_an_error_naming_it(local_cluster):
    workers, ps_servers = local_cluster(1, 1)
    with tf.Graph().as_default():
        with tf.device("/job:ps/task:3"):
            v = tf.Variable(1.0, name="far")
        with pytest.raises(tf.errors.InvalidArgumentError, match="far.*task:3"):
            tf.Session(workers[0].target).run(v.initializer)


def test_a_task_answers_requests_that_carry_code_with_an_error_not_a_call(local_cluster):
    _, ps_servers = local_cluster(1, 1)
    address = ps_servers[0].target.split("://")[1]
    host, port = address.rsplit(":", 1)

    class Evil:
        def __reduce__(self):
            return (os.system, ("echo owned",))

    payload = pickle.dumps(("run", "Assign", b"", (Evil(),)))
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(cluster_runtime._HEADER.pack(len(payload)) + payload)
        answer = cluster_runtime._receive(sock)
    assert answer[0] == "error"
    assert "only data" in answer[2]
    assert "system" in answer[2]
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(cluster_runtime._HEADER.pack(cluster_runtime.MAX_FRAME + 1))
        answer = cluster_runtime._receive(sock)
    assert answer[0] == "error"
    assert "over the limit" in answer[2]
    # A task serves variable kernels only.
    ok = cluster_runtime._connection(address, "ps").call(("describe",))
    assert (ok["job"], ok["task"]) == ("ps", 0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="only variable kernels"):
        cluster_runtime._connection(address, "ps").call(
            ("run", "Add", pickle.dumps({}), (1, 2), True))
    with pytest.raises(tf.errors.InvalidArgumentError, match="bad cluster request"):
        cluster_runtime._connection(address, "ps").call(("run", "Add", 3))


_TASK = textwrap.dedent("""
    import sys
    import time

    import smallflow as tf

    job, index, ports = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
    cluster = tf.train.ClusterSpec({"ps": ["localhost:" + ports[0]],
                                    "worker": ["localhost:" + p for p in ports[1:]]})
    server = tf.train.Server(cluster, job_name=job, task_index=index)
    if job == "ps":
        print("ps up", flush=True)
        server.join()
    with tf.device(tf.train.replica_device_setter(
            worker_device="/job:worker/task:%d" % index, cluster=cluster)):
        x = tf.placeholder(tf.float32, [None])
        w = tf.Variable(0.0, name="w")
        step = tf.train.get_or_create_global_step()
        loss = tf.reduce_mean((x * w - 2.0 * x) ** 2)
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
    hooks = [tf.train.StopAtStepHook(last_step=300)]
    done = 0
    with tf.train.MonitoredTrainingSession(master=server.target, is_chief=(index == 0),
                                           hooks=hooks) as sess:
        print("training", flush=True)
        while not sess.should_stop():
            sess.run(train, {x: [1.0, 2.0]})
            done += 1
            if index == 0:
                time.sleep(0.02)  # leaves steps for the other worker, which starts later
    print("worker", index, "ran", done, flush=True)
    with tf.Session(server.target) as sess:
        print("final", sess.run(step), round(float(sess.run(w)), 4), flush=True)
""")


def _free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def test_parameter_server_and_two_worker_processes_train_together(tmp_path):
    script = tmp_path / "task.py"
    script.write_text(_TASK)
    ports = ",".join(str(p) for p in _free_ports(3))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.join(os.path.dirname(__file__), "..", "src"), os.environ.get("PYTHONPATH", "")]))

    def start(job, index):
        return subprocess.Popen([sys.executable, str(script), job, str(index), ports], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    # The chief starts first and waits for the parameter server, as TensorFlow's does; the
    # other worker starts once the chief trains (else it would wait for the model to be ready
    # for SessionManager's 30 s, TensorFlow's recovery_wait_secs).
    workers = [start("worker", 0)]
    ps = start("ps", 0)
    try:
        assert workers[0].stdout.readline() == "training\n"
        workers.append(start("worker", 1))
        outputs = [w.communicate(timeout=240) for w in workers]
    finally:
        ps.kill()
        ps.communicate()
        for w in workers:
            w.kill()
    for (_, err), proc in zip(outputs, workers):
        assert proc.returncode == 0, err
    runs = [int(out.split("ran ")[1].split()[0]) for out, _ in outputs]
    finals = [out.split("final ")[1].split() for out, _ in outputs]
    # Both workers advanced the one global step to the hook's last step (together).
    assert all(int(final[0]) >= 300 for final in finals)
    assert sum(runs) >= 300
    assert all(r > 0 for r in runs)
    # The shared weight converged to the solution 2.0.
    assert all(abs(float(final[1]) - 2.0) < 1e-3 for final in finals)


def test_supervisors_chief_initializes_and_the_other_worker_waits_for_it(tmp_path, local_cluster):
    # mnist_replica.py's flow: Supervisor(is_chief=...) + prepare_or_wait_for_session.
    workers, ps_servers = local_cluster(2, 1)
    with tf.Graph().as_default():
        with tf.device(tf.train.replica_device_setter(
                worker_device="/job:worker/task:1/cpu:0", ps_device="/job:ps/cpu:0",
                ps_tasks=1)):
            step = tf.Variable(0, name="global_step", trainable=False)
            w = tf.Variable(5.0, name="w")
            train = tf.train.GradientDescentOptimizer(0.25).minimize(w * w,
                                                                     global_step=step)
        assert w.device == "/job:ps/task:0/device:CPU:0"
        waiting = tf.train.Supervisor(is_chief=False, logdir=str(tmp_path / "w1"),
                                      recovery_wait_secs=0.05, global_step=step)
        done = []
        thread = threading.Thread(target=lambda: done.append(
            waiting.prepare_or_wait_for_session(workers[1].target)))
        thread.start()
        thread.join(0.3)
        assert thread.is_alive()  # the chief has not initialized the model yet
        chief = tf.train.Supervisor(is_chief=True, logdir=str(tmp_path / "w0"),
                                    global_step=step, save_model_secs=0,
                                    save_summaries_secs=0)
        chief_sess = chief.prepare_or_wait_for_session(workers[0].target)
        thread.join(10)
        other_sess = done[0]
        chief_sess.run(train)
        other_sess.run(train)
        assert other_sess.run([step, w]) == chief_sess.run([step, w]) == [2, 1.25]
        chief.stop()
        waiting.stop()
