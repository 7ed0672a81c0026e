"""smallflow.distribute: collectives as graph ops, the averaging optimizer, data shards.

The multi-process tests start real MPI jobs of 2 processes with ``mpirun`` (from the
``smallflow[mpi]`` extra) on this machine; they are skipped, saying why, when mpi4py or
mpirun is missing. The rest runs in this process, as a job of one.
"""

import os
import pathlib
import shutil
import subprocess
import sys

import numpy as np
import pytest

import smallflow as tf
import smallflow.distribute as hvd
from smallflow import config as tf_config
from smallflow.distribute import _mpi
from smallflow.examples.tutorials.mnist import input_data

PROGRAMS = pathlib.Path(__file__).resolve().parent / "programs"
SRC = pathlib.Path(__file__).resolve().parents[1] / "src"
JOB_TIMEOUT = 240


def _mpirun():
    beside = pathlib.Path(sys.executable).parent / "mpirun"
    if beside.exists():
        return str(beside)
    return shutil.which("mpirun")


def _needs_mpi():
    pytest.importorskip("mpi4py", reason="mpi4py not installed (pip install 'smallflow[mpi]')")


@pytest.fixture
def job_of_one():
    """A job of this process alone; afterwards the process leaves it and gets back the
    thread setting init() chose (its share of the cores), so later tests run as before."""
    _needs_mpi()
    threads = tf_config.get_threads()
    hvd.init()
    assert hvd.size() == 1
    yield hvd
    hvd.shutdown()
    tf_config.set_threads(threads)


def _launch(program, *args, processes=2, timeout=JOB_TIMEOUT):
    _needs_mpi()
    mpirun = _mpirun()
    if mpirun is None:
        pytest.skip("mpirun not found (pip install 'smallflow[mpi]' brings Open MPI)")
    command = [mpirun, "-np", str(processes), "--oversubscribe"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-run-as-root")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])]),
        OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    for name in ("PYTHONPATH", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        command += ["-x", name]
    target = [program] if program == "-m" else [str(PROGRAMS / program)]
    command += [sys.executable, *target, *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env,
                          stdin=subprocess.DEVNULL, check=False)


# -- in one process ---------------------------------------------------------------------------


def test_collectives_before_init_say_to_call_init():
    _mpi.shutdown()
    x = tf.constant([1.0, 2.0])
    total = hvd.allreduce(x)
    with tf.Session() as sess, pytest.raises(tf.errors.OpError, match=r"init\(\)"):
        sess.run(total)
    with pytest.raises(ValueError, match="has not been initialized"):
        hvd.rank()


def test_a_job_of_one_reduces_gathers_and_broadcasts_to_itself(job_of_one):
    value = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    x = tf.placeholder(tf.float32, [None, 3])
    fetches = [hvd.allreduce(x), hvd.allreduce(x, average=False), hvd.allgather(x),
               hvd.broadcast(x, 0)]
    with tf.Session() as sess:
        results = sess.run(fetches, feed_dict={x: value})
    for result in results:
        np.testing.assert_array_equal(result, value)
        assert result.dtype == np.float32
    assert (hvd.rank(), hvd.local_rank(), hvd.local_size()) == (0, 0, 1)


def test_static_shapes_and_names(job_of_one):
    x = tf.placeholder(tf.float32, [5, 3], name="x")
    assert hvd.allreduce(x).shape.as_list() == [5, 3]
    assert hvd.allgather(x).shape.as_list() == [None, 3]
    assert hvd.broadcast(x, 0).shape.as_list() == [5, 3]
    assert hvd.allreduce(x, name="sum_me").op.name == "sum_me"
    outputs = hvd.grouped_allreduce([x, tf.constant([1, 2])])
    assert [t.dtype for t in outputs] == [tf.float32, tf.int32]
    assert outputs[0].op is outputs[1].op  # one fused op moves both


@pytest.mark.parametrize(("build", "error", "match"), [
    (lambda: hvd.allreduce(tf.constant([True])), TypeError, "allreduce of tensor .* bool"),
    (lambda: hvd.allreduce(tf.constant([1], dtype=tf.int8)), TypeError, "int8 is not supported"),
    (lambda: hvd.allgather(tf.constant(1.0)), ValueError, "rank >= 1"),
    (lambda: hvd.DistributedOptimizer("adam"), TypeError, "wraps a tf.train.Optimizer"),
])
def test_bad_arguments_are_refused_when_building(build, error, match):
    with pytest.raises(error, match=match):
        build()


def test_distributed_optimizer_in_a_job_of_one_trains_like_its_optimizer(job_of_one):
    def train(wrap):
        graph = tf.Graph()
        with graph.as_default():
            tf.set_random_seed(3)
            w = tf.Variable(tf.random_normal([4, 2]))
            x = tf.constant(np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4))
            loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 1.0))
            optimizer = tf.train.AdamOptimizer(0.1)
            if wrap:
                optimizer = hvd.DistributedOptimizer(optimizer)
            step = optimizer.minimize(loss)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                for _ in range(5):
                    sess.run(step)
                return sess.run(w), optimizer

    plain, _ = train(False)
    distributed, optimizer = train(True)
    np.testing.assert_allclose(distributed, plain, rtol=1e-6)
    assert optimizer.get_name() == "DistributedAdamOptimizer"
    assert optimizer.get_slot_names() == ["m", "v"]


@pytest.mark.parametrize("sparse_as_dense", [False, True])
def test_distributed_optimizer_gathers_sparse_gradients(job_of_one, sparse_as_dense):
    """Horovod's rule: IndexedSlices are allgathered (or made dense and allreduced)."""
    def train(wrap):
        with tf.Graph().as_default():
            table = tf.Variable(np.arange(8, dtype=np.float32).reshape(4, 2))
            loss = tf.reduce_sum(tf.square(tf.gather(table, [0, 3, 0])))
            optimizer = tf.train.AdagradOptimizer(0.1)
            if wrap:
                optimizer = hvd.DistributedOptimizer(optimizer, sparse_as_dense=sparse_as_dense)
            ((grad, var),) = optimizer.compute_gradients(loss)
            step = optimizer.apply_gradients([(grad, var)])
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                sess.run(step)
                return sess.run(table), grad

    plain, _ = train(False)
    distributed, grad = train(True)
    assert isinstance(grad, tf.IndexedSlices) is not sparse_as_dense
    np.testing.assert_allclose(distributed[[0, 3]], plain[[0, 3]], rtol=1e-6)


def test_broadcast_hook_runs_the_broadcast_after_the_session_starts(job_of_one):
    v = tf.Variable([1.0, 2.0])
    hook = hvd.BroadcastGlobalVariablesHook(0)
    hook.begin()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        hook.after_create_session(sess, None)
        np.testing.assert_array_equal(sess.run(v), [1.0, 2.0])
    assert hook.bcast_op.type == "NoOp"


def test_missing_mpi4py_names_the_extra():
    code = (
        "import sys; sys.modules['mpi4py'] = None\n"
        "import smallflow.distribute as hvd\n"
        "try:\n    hvd.init()\nexcept ImportError as e:\n    print(e)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(SRC))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, check=True)
    assert 'pip install "smallflow[mpi]"' in result.stdout


@pytest.mark.parametrize(("local_size", "cores", "threads"),
                         [(1, 2, 2), (2, 2, 1), (4, 2, 1), (2, 8, 4), (3, 8, 2)])
def test_each_process_gets_its_share_of_the_cores(local_size, cores, threads):
    assert hvd.default_threads(local_size, cores) == threads


def test_horovod_names_are_the_same_api():
    import smallflow.horovod as hvd_alias
    import smallflow.horovod.tensorflow as hvd_tf

    # smallflow.distribute also holds tf.distribute's strategies, which are not Horovod's.
    assert set(hvd_alias.__all__) <= set(hvd.__all__)
    assert "MirroredStrategy" not in hvd_alias.__all__
    for name in hvd_alias.__all__:
        assert getattr(hvd_alias, name) is getattr(hvd, name)
        assert getattr(hvd_tf, name) is getattr(hvd, name)


# -- shards -------------------------------------------------------------------------------------


def _labels_of(data):
    return data.labels.argmax(axis=1) if data.labels.ndim == 2 else data.labels


def test_shards_are_disjoint_and_cover_the_training_set(tmp_path):
    images = np.arange(10 * 4, dtype=np.uint8).reshape(10, 2, 2, 1)
    labels = np.arange(10, dtype=np.uint8)
    full = input_data.DataSet(images, labels, seed=5)
    parts = [full.shard(3, index) for index in range(3)]
    seen = np.concatenate([p.labels for p in parts])
    assert sorted(seen.tolist()) == list(range(10))
    assert [p.num_examples for p in parts] == [4, 3, 3]
    np.testing.assert_array_equal(parts[1].labels, [1, 4, 7])
    np.testing.assert_array_equal(parts[1].images,
                                  images[1::3].reshape(3, 4).astype(np.float32)
                                  * np.float32(1 / 255))


def test_a_shard_shuffles_with_tensorflows_permutation_of_its_own_examples():
    images = np.zeros((12, 1, 1, 1), np.uint8)
    labels = np.arange(12, dtype=np.uint8)
    part = input_data.DataSet(images, labels, seed=9).shard(2, 1)
    _, batch = part.next_batch(6)
    order = np.arange(6)
    np.random.RandomState(9).shuffle(order)
    np.testing.assert_array_equal(batch, labels[1::2][order])


def test_read_data_sets_shards_only_the_training_set(tmp_path):
    data = input_data.read_data_sets(str(tmp_path), one_hot=True, shard=(1, 4))
    whole = input_data.read_data_sets(str(tmp_path), one_hot=True)
    assert data.train.num_examples == 55000 // 4
    np.testing.assert_array_equal(data.train.labels, whole.train.labels[1::4])
    assert data.test.num_examples == 10000
    assert data.validation.num_examples == 5000


@pytest.mark.parametrize("shard", [(2, 2), (-1, 2), (0, 0), ("a", 2), (1,), 3])
def test_bad_shard_arguments_are_refused(tmp_path, shard):
    with pytest.raises(ValueError, match="shard"):
        input_data.read_data_sets(str(tmp_path), shard=shard)


# -- real MPI jobs of two processes --------------------------------------------------------------


def test_collectives_and_their_gradients_across_two_processes(tmp_path):
    result = _launch("distributed_ops.py", tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    w = np.array([1.0, 2.0, 3.0])
    rows = [np.array([[1.0, 10.0, 100.0]]), np.array([[2.0, 20.0, 200.0]] * 2)]
    for rank in range(2):
        got = np.load(tmp_path / f"ops{rank}.npz")
        assert (got["rank"], got["size"], got["local_size"]) == (rank, 2, 2)
        np.testing.assert_allclose(got["averaged"], [[1.5, 15.0, 150.0]])
        np.testing.assert_allclose(got["summed"], [[3.0, 30.0, 300.0]])
        np.testing.assert_allclose(got["broadcast"], rows[1][:1])
        np.testing.assert_array_equal(got["ints"], [(1 + 4) // 2, 7])
        np.testing.assert_allclose(got["gathered"], np.concatenate(rows))
        np.testing.assert_allclose(got["grad_avg"], [w])
        np.testing.assert_allclose(got["grad_gather"], np.tile(2 * w, (rank + 1, 1)))
        np.testing.assert_allclose(got["grad_bcast"], [2 * w if rank == 1 else 0 * w])


def _single_process_reference(data_dir, steps, batch_size):
    """The same model trained in one process on both ranks' batches concatenated."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("distributed_train",
                                                  PROGRAMS / "distributed_train.py")
    program = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(program)
    shards = [input_data.read_data_sets(str(data_dir), one_hot=True, seed=7, shard=(r, 2)).train
              for r in range(2)]
    x, y, loss, weights = program.build(seed=0)
    train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        initial = sess.run(weights)
        for _ in range(steps):
            batches = [shard.next_batch(batch_size) for shard in shards]
            images = np.concatenate([b[0] for b in batches])
            labels = np.concatenate([b[1] for b in batches])
            sess.run(train_op, feed_dict={x: images, y: labels})
        return initial, sess.run(weights)


def test_two_processes_train_as_one_process_on_the_concatenated_batches(tmp_path):
    data_dir = tmp_path / "data"
    result = _launch("distributed_train.py", "--data-dir", data_dir, "--out", tmp_path,
                     "--steps", 20, "--batch-size", 50)
    assert result.returncode == 0, result.stderr[-3000:]
    ranks = [np.load(tmp_path / f"rank{r}.npz") for r in range(2)]
    for name in ranks[0].files:
        np.testing.assert_array_equal(ranks[0][name], ranks[1][name])
    initial, expected = _single_process_reference(data_dir, steps=20, batch_size=50)
    for index, value in enumerate(expected):
        np.testing.assert_allclose(ranks[0][f"arr_{index}"], value, rtol=1e-4, atol=2e-6)
    # Twenty Adam steps at 1e-3 move every weight matrix well beyond that tolerance.
    assert all(np.abs(ranks[0][f"arr_{i}"] - v).max() > 5e-3 for i, v in enumerate(initial))


@pytest.mark.parametrize(("failure", "expected"), [
    ("die", r"exited on\s+signal 9"),
    ("raise", r"rank 1 of 2 failed with RuntimeError: rank 1 fails on purpose"),
])
def test_a_rank_that_dies_stops_the_job_instead_of_hanging(tmp_path, failure, expected):
    result = _launch("distributed_train.py", "--data-dir", tmp_path / "data", "--out", tmp_path,
                     "--steps", 20, "--fail", failure, timeout=120)
    assert result.returncode != 0
    assert __import__("re").search(expected, result.stdout + result.stderr), result.stderr[-3000:]
    assert not (tmp_path / "rank0.npz").exists()


def test_init_gives_blas_this_processs_share_unless_the_user_chose(job_of_one, monkeypatch):
    from smallflow import config

    monkeypatch.setattr(config, "_setting", 0)
    hvd.init()  # a job of one on this machine: every core
    assert config.get_threads() == hvd.default_threads(1)
    config.set_threads(1)
    hvd.init()
    assert config.get_threads() == 1


# -- the command line ---------------------------------------------------------------------------


def test_train_distributed_without_mpi_names_the_extra(tmp_path):
    code = (
        "import sys; sys.modules['mpi4py'] = None\n"
        "from smallflow.cli import main\n"
        "sys.exit(main(['train', '--distributed', '--steps', '1',"
        f" '--data-dir', {str(tmp_path)!r}]))"
    )
    env = dict(os.environ, PYTHONPATH=str(SRC))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, check=False)
    assert result.returncode == 1
    assert "smallflow[mpi]" in result.stderr
    assert "Traceback" not in result.stderr


def test_train_distributed_on_two_processes_reports_and_saves_once(tmp_path):
    _needs_mpi()
    result = _launch("-m", "smallflow", "train", "--distributed", "--steps", 30,
                     "--data-dir", tmp_path / "data", "--save", tmp_path / "model", "--json",
                     "--log-interval", 10)
    assert result.returncode == 0, result.stderr[-3000:]
    record = __import__("json").loads(result.stdout)  # one JSON object: rank 0's
    assert record["processes"] == 2
    assert record["global_batch_size"] == 200
    assert record["accuracy"] > 0.8
    assert result.stderr.count("Training softmax on 27,500 images (shard 0 of 2") == 1
    assert (tmp_path / "model.npz").exists()


def test_monitored_training_session_with_the_broadcast_hook_keeps_ranks_equal(tmp_path):
    result = _launch("distributed_hooks.py", tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    ranks = [np.load(tmp_path / f"hooks{r}.npy") for r in range(2)]
    assert ranks[0].shape == (5, 3)
    np.testing.assert_array_equal(ranks[0], ranks[1])
    # The averaged target is 1.5 x [1, -1, 2]: gradient descent moves toward it.
    distance = np.abs(ranks[0] - 1.5 * np.array([1.0, -1.0, 2.0])).sum(axis=1)
    assert np.all(np.diff(distance) < 0)
