"""workers.split_run: elementwise work cut over the threads the policy grants, same results."""

import os
import signal
import threading
import time
import warnings

import numpy as np
import pytest

import smallflow as tf
from smallflow import config, workers


@pytest.fixture
def threads(monkeypatch):
    """Pretend the thread policy applied this many threads."""

    def use(count):
        monkeypatch.setattr(config, "threads_in_use", lambda: count)

    return use


# (threads granted, size, grain) -> the chunks split_run makes (about 4 a thread, whole
# grains, the last with the rest)
PARTS = [
    (1, 1_000_000, 10, [(0, 1_000_000)]),
    (2, 1_000_000, 10, [(i * 125_000, (i + 1) * 125_000) for i in range(8)]),
    (2, 1_000_003, 10, [*[(i * 125_000, (i + 1) * 125_000) for i in range(7)],
                        (875_000, 1_000_003)]),
    (3, 100, 10, [(i * 10, (i + 1) * 10) for i in range(10)]),  # at least a grain each
    (2, 30, 10, [(0, 10), (10, 20), (20, 30)]),
    (2, 19, 10, [(0, 19)]),  # less than two grains: not worth a thread
    (2, 0, 10, [(0, 0)]),
]


@pytest.mark.parametrize(("count", "size", "grain", "expected"), PARTS)
def test_chunks_are_whole_grains_covering_the_range_once(threads, count, size, grain, expected):
    threads(count)
    seen = []
    lock = threading.Lock()

    def task(start, stop):
        with lock:
            seen.append((start, stop))

    workers.split_run(task, size, grain)
    assert sorted(seen) == expected


def test_chunks_run_on_helper_threads_too_and_nothing_nests(threads):
    threads(2)
    names = {}

    def inner(start, stop):
        names.setdefault("inner", set()).add(threading.current_thread().name)

    def task(start, stop):
        names[start] = threading.current_thread().name
        if names[start] != threading.main_thread().name:
            workers.split_run(inner, 100, 10)  # on a helper: one part, same thread
        time.sleep(0.05)  # the helper wakes meanwhile and takes chunks too

    workers.split_run(task, 100, 10)
    inner_names = names.pop("inner")
    # The calling thread starts at once; a helper takes chunks too.
    assert threading.main_thread().name in names.values()
    helpers = {name for name in names.values() if name.startswith("smallflow-worker")}
    assert len(helpers) == 1
    assert inner_names == helpers


def test_a_late_helper_leaves_its_chunks_to_the_calling_thread(threads):
    """The helper is busy elsewhere: the calling thread, which starts at once, runs every
    chunk instead of waiting with half the range for the helper to wake."""
    threads(2)
    pool = workers._executor(1)
    release = threading.Event()
    pool.submit(release.wait, 30)
    names = set()

    def run():
        workers.split_run(lambda start, stop: names.add(threading.current_thread().name),
                          100, 10)

    caller = threading.Thread(target=run, daemon=True)
    caller.start()
    caller.join(timeout=10)
    finished = not caller.is_alive()
    release.set()
    caller.join(timeout=30)
    assert finished
    assert names == {caller.name}


@pytest.mark.parametrize("failing_part", [0, 50])
def test_an_error_in_any_chunk_is_raised_after_all_others_finished(threads, failing_part):
    threads(2)
    finished = []

    def task(start, stop):
        if start == failing_part:
            raise ValueError(f"part at {start}")
        time.sleep(0.01)
        finished.append(start)

    with pytest.raises(ValueError, match=f"part at {failing_part}"):
        workers.split_run(task, 100, 10)
    assert sorted(finished) == [start for start in range(0, 100, 10) if start != failing_part]


def test_helpers_run_under_the_callers_numpy_error_state(threads):
    """Session.run silences float warnings with np.errstate; its helpers must too."""
    threads(2)
    zeros = np.zeros(100)

    def task(start, stop):
        np.divide(zeros[start:stop], zeros[start:stop])  # 0 / 0: "invalid value"

    with np.errstate(all="ignore"):
        workers.split_run(task, 100, 10)
    with pytest.raises(RuntimeWarning, match="invalid value"):
        workers.split_run(task, 100, 10)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_gets_its_own_helper_threads(threads):
    threads(2)
    workers.split_run(lambda start, stop: None, 100, 10)  # the parent's pool exists
    with warnings.catch_warnings():
        # Python 3.12+ warns that forking a process with threads may deadlock: the point here.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: its copy of the pool has no threads
        done = []
        try:
            workers.split_run(lambda start, stop: done.append(start), 100, 10)
            os._exit(0 if sorted(done) == list(range(0, 100, 10)) else 1)
        except BaseException:  # noqa: BLE001 - any failure is the child's exit code
            os._exit(2)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        finished, status = os.waitpid(pid, os.WNOHANG)
        if finished:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    pytest.fail("split_run in a forked child hung")


OPTIMIZERS = [
    ("adam", lambda: tf.train.AdamOptimizer(0.01)),
    ("momentum", lambda: tf.train.MomentumOptimizer(0.01, 0.9)),
    ("nesterov", lambda: tf.train.MomentumOptimizer(0.01, 0.9, use_nesterov=True)),
    ("adagrad", lambda: tf.train.AdagradOptimizer(0.01)),
    ("rmsprop", lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.5)),
    ("centered rmsprop", lambda: tf.train.RMSPropOptimizer(0.01, centered=True)),
]


def _train(make, start, target, steps=3):
    with tf.Graph().as_default():
        w = tf.Variable(start)
        train = make().minimize(tf.reduce_sum(0.5 * w * w - tf.constant(target) * w))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(steps):
                sess.run(train)
            return sess.run(w)


@pytest.mark.parametrize(("label", "make"), OPTIMIZERS, ids=[o[0] for o in OPTIMIZERS])
def test_optimizer_updates_on_several_threads_are_bit_identical(threads, label, make):
    # 1,100,000 elements: 17 blocks of 65,536, enough for two helper parts of 8+ blocks.
    rng = np.random.default_rng(5)
    start = rng.standard_normal(1_100_000).astype(np.float32)
    target = rng.standard_normal(1_100_000).astype(np.float32)
    threads(1)
    alone = _train(make, start, target)
    threads(2)
    shared = _train(make, start, target)
    np.testing.assert_array_equal(shared.view(np.uint32), alone.view(np.uint32))


def test_run_together_inside_a_helper_never_waits_for_a_helper(threads):
    """Nothing waits for ever: a helper's call asking for helpers (the one it would queue
    work for is itself) runs its first call at once on its own thread; the others too unless
    a thread of the region done with its own call takes them."""
    threads(2)
    seen = []

    def inner():
        return workers.run_together([lambda: seen.append(threading.current_thread().name),
                                     lambda: seen.append(threading.current_thread().name)])

    outer = threading.Thread(
        target=lambda: workers.run_together([lambda: time.sleep(0.2), inner]), daemon=True)
    outer.start()
    outer.join(timeout=30)
    assert not outer.is_alive()
    assert len(seen) == 2
    assert seen[0].startswith("smallflow-worker")


def _region_with_a_free_helper(inner_calls, errstate=None):
    """run_together([A, B]) where B returns at once and A, once B is done, runs
    ``run_together(inner_calls)`` (nested: posted to the region); A's result is returned."""
    helper_done = threading.Event()

    def a():
        assert helper_done.wait(30)
        time.sleep(0.05)  # B's thread is back waiting for posted work
        if errstate is None:
            return workers.run_together(inner_calls)
        with np.errstate(**errstate):
            return workers.run_together(inner_calls)

    def b():
        helper_done.set()
        return "b"

    return workers.run_together([a, b])


def test_a_thread_done_with_its_own_call_takes_posted_calls():
    """A run_together nested in a region's call: its later calls go to the region's thread
    that has finished (step_pairs: conv1's gradient parts after conv2's input gradient);
    results in order, the first run on the posting thread."""
    ran = {}

    def call(key, seconds):
        def run():
            ran[key] = threading.current_thread().name
            time.sleep(seconds)
            return key
        return run

    inner = [call("first", 0.3), call("second", 0.0), call("third", 0.0)]
    results = _region_with_a_free_helper(inner)
    assert results == [["first", "second", "third"], "b"]
    me = threading.current_thread().name
    assert ran["first"] == me
    assert ran["second"].startswith("smallflow-worker")
    assert ran["third"].startswith("smallflow-worker")


def test_a_taken_call_runs_in_the_posting_threads_numpy_error_state():
    zeros = np.zeros(4)

    def quiet_division():
        return np.divide(zeros, zeros)  # 0 / 0: "invalid value", silenced by the poster

    def slow():
        time.sleep(0.2)
        return threading.current_thread().name

    results = _region_with_a_free_helper([slow, quiet_division], errstate={"all": "ignore"})
    assert np.isnan(results[0][1]).all()


def test_an_error_of_a_taken_call_is_raised_by_the_poster_after_all_finished():
    finished = []

    def slow():
        time.sleep(0.2)
        finished.append("slow")

    def failing():
        raise ValueError("taken call failed")

    with pytest.raises(ValueError, match="taken call failed"):
        _region_with_a_free_helper([slow, failing])
    assert finished == ["slow"]


def test_calls_nested_in_a_taken_call_run_in_order_on_its_thread():
    seen = []

    def nested():
        return workers.run_together([lambda: seen.append(threading.current_thread().name),
                                     lambda: seen.append(threading.current_thread().name)])

    def slow():
        time.sleep(0.2)

    done = threading.Thread(target=lambda: _region_with_a_free_helper([slow, nested]),
                            daemon=True)
    done.start()
    done.join(timeout=30)
    assert not done.is_alive()
    assert len(seen) == 2
    assert len(set(seen)) == 1
    assert seen[0].startswith("smallflow-worker")


def test_a_call_no_helper_has_started_runs_on_the_calling_thread():
    """A helper late to wake (here: busy with other work) does not hold the region up: the
    calling thread, done with its own call, runs the helper's call itself."""
    pool = workers._executor(1)
    release = threading.Event()
    pool.submit(release.wait, 30)  # the one helper is busy
    ran = {}
    outcome = []

    def call(key):
        def run():
            ran[key] = threading.current_thread().name
            return key
        return run

    def region():
        outcome.append(workers.run_together([call("own"), call("helper's")]))

    caller = threading.Thread(target=region, daemon=True)
    caller.start()
    caller.join(timeout=10)
    finished = not caller.is_alive()
    release.set()
    caller.join(timeout=30)
    assert finished
    assert outcome == [["own", "helper's"]]
    assert ran["helper's"] == ran["own"] == caller.name
