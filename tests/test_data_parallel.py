"""Specification of tf.data's background work: ``map(num_parallel_calls=N)`` and
``prefetch(n)`` run in threads, keep TF1's order, surface errors at ``get_next`` with their
class, and leave no thread behind once the iterator or session is closed."""

import threading
import time

import numpy as np
import pytest

import smallflow as tf

Dataset = tf.data.Dataset
AUTOTUNE = tf.data.experimental.AUTOTUNE


def _pipeline_threads():
    return [t for t in threading.enumerate() if t.name.startswith("tf.data-")]


@pytest.fixture(autouse=True)
def _no_threads_left():
    yield
    assert _pipeline_threads() == []


def _drain(next_element, sess, limit=1000):
    out = []
    with pytest.raises(tf.errors.OutOfRangeError):  # noqa: PT012 - reads until the end; which read ends is the point
        for _ in range(limit):
            out.append(sess.run(next_element))
    return out


def _slow_square(value):
    """A map function whose kernel sleeps a varying time, so workers finish out of order."""
    def square(v):
        time.sleep(0.002 * (int(v) % 3))
        return v * v

    return tf.py_func(square, [value], tf.int64, stateful=False)


# (name, pipeline, elements) -- the sequential pipeline's elements, in its order.
PIPELINES = [
    ("map_2", lambda: Dataset.range(20).map(lambda v: v * 3, num_parallel_calls=2),
     [3 * i for i in range(20)]),
    ("map_autotune", lambda: Dataset.range(20).map(lambda v: v + 1,
                                                    num_parallel_calls=AUTOTUNE),
     list(range(1, 21))),
    ("map_slow_out_of_order_4", lambda: Dataset.range(15).map(_slow_square,
                                                              num_parallel_calls=4),
     [i * i for i in range(15)]),
    ("map_tensor_calls", lambda: Dataset.range(9).map(lambda v: v - 1,
                                                      num_parallel_calls=tf.constant(3)),
     list(range(-1, 8))),
    ("prefetch_1", lambda: Dataset.range(12).prefetch(1),
     list(range(12))),
    ("prefetch_autotune_batch", lambda: Dataset.range(10).batch(3).prefetch(AUTOTUNE),
     [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]),
    ("prefetch_0", lambda: Dataset.range(4).prefetch(0),
     list(range(4))),
    ("map_prefetch_repeat", lambda: Dataset.range(5).map(lambda v: v * 2, 3).prefetch(2)
     .repeat(2),
     [0, 2, 4, 6, 8] * 2),
    ("nested_prefetch", lambda: Dataset.range(6).prefetch(2).map(lambda v: -v, 2).prefetch(3),
     [0, -1, -2, -3, -4, -5]),
]


@pytest.mark.parametrize(("build", "expected"), [p[1:] for p in PIPELINES],
                         ids=[p[0] for p in PIPELINES])
def test_background_work_keeps_the_elements_and_their_order(build, expected):
    with tf.Session() as sess:
        got = _drain(build().make_one_shot_iterator().get_next(), sess)
    assert [np.asarray(v).tolist() for v in got] == expected


def test_seeded_shuffle_then_parallel_map_gives_the_sequential_order():
    dataset = Dataset.range(30).shuffle(10, seed=4).map(lambda v: v * v, 2)
    sequential = Dataset.range(30).shuffle(10, seed=4).map(lambda v: v * v)
    with tf.Session() as sess:
        a = _drain(dataset.make_one_shot_iterator().get_next(), sess)
        b = _drain(sequential.make_one_shot_iterator().get_next(), sess)
    assert a == b
    assert sorted(int(v) for v in a) == [i * i for i in range(30)]


def test_parallel_map_runs_elements_at_the_same_time():
    # Four elements each waiting for the others at a barrier: only possible when at least
    # four calls are in flight together (a sequential map would time out).
    barrier = threading.Barrier(4, timeout=20)

    def wait(v):
        barrier.wait()
        return v

    dataset = Dataset.range(8).map(lambda v: tf.py_func(wait, [v], tf.int64),
                                   num_parallel_calls=4)
    with tf.Session() as sess:
        got = _drain(dataset.make_one_shot_iterator().get_next(), sess)
    assert [int(v) for v in got] == list(range(8))


def test_prefetch_produces_ahead_into_a_bounded_buffer():
    produced = []

    def record(v):
        produced.append(int(v))
        return v

    dataset = Dataset.range(100).map(lambda v: tf.py_func(record, [v], tf.int64)).prefetch(3)
    next_element = dataset.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        assert sess.run(next_element) == 0
        deadline = time.monotonic() + 20
        while len(produced) < 5 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)
        # One taken, three buffered, one more made and waiting for room: never the rest.
        assert 4 <= len(produced) <= 5
        assert sess.run(next_element) == 1


@pytest.mark.parametrize("stage", ["map", "prefetch"])
def test_an_error_in_the_map_function_surfaces_at_get_next_with_its_class(stage):
    def build(v):
        return tf.debugging.check_numerics(1.0 / tf.cast(v - 3, tf.float32), "bad element")

    if stage == "map":
        dataset = Dataset.range(6).map(build, num_parallel_calls=2)
    else:
        dataset = Dataset.range(6).map(build).prefetch(2)
    next_element = dataset.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        assert [sess.run(next_element) for _ in range(3)] == pytest.approx(
            [-1 / 3, -0.5, -1.0])
        with pytest.raises(tf.errors.InvalidArgumentError, match="bad element"):
            sess.run(next_element)


@pytest.mark.parametrize("end", ["session_closed", "reinitialised", "context_exit"])
def test_no_thread_outlives_its_iterator(end):
    slow = Dataset.range(1000).map(_slow_square, num_parallel_calls=3).prefetch(4)
    iterator = slow.make_initializable_iterator()
    next_element = iterator.get_next()
    sess = tf.Session()
    sess.run(iterator.initializer)
    for _ in range(5):
        sess.run(next_element)
    assert len(_pipeline_threads()) == 4  # three map workers and one producer
    if end == "reinitialised":
        sess.run(iterator.initializer)
        sess.run(next_element)
        assert len(_pipeline_threads()) == 4
        sess.close()
    elif end == "session_closed":
        sess.close()
    else:
        with sess:
            pass
    assert _pipeline_threads() == []


@pytest.mark.parametrize(("calls", "message"),
                         [(0, "num_parallel_calls"), (-3, "num_parallel_calls")])
def test_bad_parallelism_is_an_invalid_argument(calls, message):
    dataset = Dataset.range(3).map(lambda v: v, num_parallel_calls=calls)
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError, match=message):
        sess.run(dataset.make_one_shot_iterator().get_next())


def test_num_parallel_calls_must_be_an_integer_scalar():
    with pytest.raises(ValueError, match="num_parallel_calls"):
        Dataset.range(3).map(lambda v: v, num_parallel_calls=1.5)


def test_a_program_that_never_closes_its_session_still_exits(tmp_path):
    import os
    import subprocess
    import sys

    program = tmp_path / "forgetful.py"
    program.write_text(
        "import smallflow as tf\n"
        "d = tf.data.Dataset.range(10**6).map(lambda v: v * 2, num_parallel_calls=2)\n"
        "n = d.prefetch(8).make_one_shot_iterator().get_next()\n"
        "sess = tf.Session()\n"
        "print(sum(int(sess.run(n)) for _ in range(20)))\n")
    src = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
    result = subprocess.run([sys.executable, str(program)], capture_output=True, text=True,
                            timeout=120, env=dict(os.environ, PYTHONPATH=src))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(sum(2 * i for i in range(20)))
