"""Specification of TF1's queue pipelines: queues, readers, producers, batching, threads."""

import threading

import numpy as np
import pytest

import smallflow as tf


@pytest.fixture
def csv_files(tmp_path):
    first = tmp_path / "a.csv"
    second = tmp_path / "b.csv"
    first.write_text("x,1,2.5\ny,2,3.5\nz,3,4.5\n")
    second.write_text("w,4,5.5\n")
    return [str(first), str(second)]


def _no_queue_threads():
    return [t for t in threading.enumerate() if t.name.startswith("QueueRunner")]


def _drain(fetch, limit=100):
    """Every value of ``fetch`` until OutOfRangeError, with runners started and stopped."""
    values = []
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        try:
            for _ in range(limit):
                values.append(sess.run(fetch))
        except tf.errors.OutOfRangeError:
            pass
        finally:
            coord.request_stop()
        coord.join(threads)
    return values


def test_fifo_queue_enqueue_dequeue_size_and_close():
    queue = tf.FIFOQueue(3, [tf.int32, tf.float32], shapes=[[], [2]])
    enqueue = queue.enqueue([1, [2.0, 3.0]])
    many = queue.enqueue_many([[4, 5], [[6.0, 7.0], [8.0, 9.0]]])
    number, vector = queue.dequeue()
    batch = queue.dequeue_many(2)
    with tf.Session() as sess:
        sess.run([enqueue])
        sess.run(many)
        assert sess.run(queue.size()) == 3
        assert sess.run(number) == 1
        first, second = sess.run(batch)
        assert first.tolist() == [4, 5]
        assert second.shape == (2, 2)
        sess.run(queue.close())
        with pytest.raises(tf.errors.OutOfRangeError, match="is closed and has insufficient"):
            sess.run(number)
        with pytest.raises(tf.errors.CancelledError, match="is closed"):
            sess.run(enqueue)


def test_enqueue_of_a_wrong_shape_is_refused_when_built():
    queue = tf.FIFOQueue(3, [tf.float32], shapes=[[2]])
    with pytest.raises(ValueError, match="incompatible"):
        queue.enqueue([[1.0, 2.0, 3.0]])


def test_random_shuffle_queue_keeps_min_after_dequeue_until_closed():
    queue = tf.RandomShuffleQueue(10, min_after_dequeue=3, dtypes=[tf.int64], seed=1)
    fill = queue.enqueue_many([np.arange(5)])
    take = queue.dequeue()
    with tf.Session() as sess:
        sess.run(fill)
        taken = [sess.run(take) for _ in range(2)]
        assert sess.run(queue.size()) == 3
        sess.run(queue.close())
        taken += [sess.run(take) for _ in range(3)]
    assert sorted(taken) == [0, 1, 2, 3, 4]


def test_text_line_reader_and_decode_csv_over_epochs(csv_files):
    queue = tf.train.string_input_producer(csv_files, num_epochs=2, shuffle=False)
    key, value = tf.TextLineReader().read(queue)
    name, number, x = tf.decode_csv(value, record_defaults=[[""], [0], [0.0]])
    assert (name.dtype, number.dtype, x.dtype) == (tf.string, tf.int32, tf.float32)
    rows = _drain([key, name, number, x])
    assert [row[1] for row in rows] == [b"x", b"y", b"z", b"w"] * 2
    assert rows[0][0] == f"{csv_files[0]}:1".encode()
    assert rows[3][2:] == [4, 5.5]
    assert _no_queue_threads() == []


def test_batch_and_shuffle_batch_group_examples(csv_files):
    queue = tf.train.string_input_producer(csv_files, num_epochs=3, shuffle=True, seed=2)
    _, value = tf.TextLineReader().read(queue)
    _, number, _ = tf.decode_csv(value, [[""], [0], [0.0]])
    batched = tf.train.batch([number], batch_size=5, allow_smaller_final_batch=True)
    # A list of one tensor gives one tensor back, as in TensorFlow.
    assert isinstance(batched, tf.Tensor)
    assert batched.shape.as_list() == [None]
    batches = _drain(batched)
    assert [len(b) for b in batches] == [5, 5, 2]
    assert sorted(np.concatenate(batches).tolist()) == sorted([1, 2, 3, 4] * 3)


def test_shuffle_batch_of_slices_covers_every_example():
    data = np.arange(20, dtype=np.float32)
    labels = data * 10
    x, y = tf.train.slice_input_producer([data, labels], num_epochs=1, seed=3)
    xs, ys = tf.train.shuffle_batch([x, y], batch_size=4, capacity=20, min_after_dequeue=5,
                                    seed=3, allow_smaller_final_batch=True)
    batches = _drain([xs, ys])
    seen = np.concatenate([b[0] for b in batches])
    assert sorted(seen.tolist()) == data.tolist()
    assert all(np.array_equal(b[1], b[0] * 10) for b in batches)
    assert seen.tolist() != data.tolist()


def test_whole_file_fixed_length_and_decode_raw(tmp_path):
    path = tmp_path / "raw.bin"
    values = np.arange(6, dtype=np.int16)
    path.write_bytes(b"HD" + values.tobytes())
    queue = tf.train.string_input_producer([str(path)], num_epochs=1)
    key, contents = tf.WholeFileReader().read(queue)
    assert _drain(contents) == [b"HD" + values.tobytes()]
    tf.reset_default_graph()
    queue = tf.train.string_input_producer([str(path)], num_epochs=1)
    _, record = tf.FixedLengthRecordReader(record_bytes=4, header_bytes=2).read(queue)
    decoded = tf.decode_raw(record, tf.int16)
    assert [v.tolist() for v in _drain(decoded)] == [[0, 1], [2, 3], [4, 5]]


def test_queue_runners_without_a_coordinator_stop_when_the_session_closes():
    queue = tf.train.string_input_producer(["a", "b"], capacity=2)
    element = queue.dequeue()
    with tf.Session() as sess:
        threads = tf.train.start_queue_runners(sess)
        assert threads
        assert all(t.daemon for t in threads)
        assert sess.run(element) in (b"a", b"b")
    for thread in threads:
        thread.join(5)
    assert _no_queue_threads() == []


def test_a_program_with_running_queue_runners_exits(tmp_path):
    import subprocess
    import sys

    code = ("import smallflow as tf\n"
            "q = tf.train.string_input_producer(['a'])\n"
            "sess = tf.Session()\n"
            "tf.train.start_queue_runners(sess)\n"
            "print(sess.run(q.dequeue()))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip() == "b'a'"


def test_coordinator_reports_the_first_error_and_treats_out_of_range_as_clean():
    coord = tf.train.Coordinator()

    def fail():
        with coord.stop_on_exception():
            raise ValueError("boom")

    thread = threading.Thread(target=fail)
    thread.start()
    with pytest.raises(ValueError, match="boom"):
        coord.join([thread])
    clean = tf.train.Coordinator()
    clean.request_stop(tf.errors.OutOfRangeError(None, None, "done"))
    assert clean.should_stop()
    clean.join([])


def test_reader_of_a_missing_file_raises_not_found(tmp_path):
    queue = tf.train.string_input_producer([str(tmp_path / "missing.csv")], num_epochs=1)
    _, value = tf.TextLineReader().read(queue)
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        with pytest.raises(tf.errors.NotFoundError, match="missing.csv"):
            sess.run(value)
        coord.request_stop()
        coord.join(threads)


DECODE_CSV_ERRORS = [
    (["1,2"], lambda: [[0], [0], [0]], "Expect 3 fields but have 2"),
    (["a,2"], lambda: [[0], [0]], "is not a valid int32"),
    ([",2"], lambda: [tf.constant([], tf.int32), [0]], "Field 0 is required"),
]


@pytest.mark.parametrize(("records", "defaults", "message"), DECODE_CSV_ERRORS)
def test_decode_csv_errors_name_the_field(records, defaults, message):
    columns = tf.decode_csv(records, defaults())
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError, match=message):
        sess.run(columns)


def test_is_closed_says_whether_the_queue_was_closed():
    queue = tf.FIFOQueue(3, tf.float32, shapes=[[]])
    closed = queue.is_closed()
    assert closed.dtype == tf.bool
    assert closed.shape.as_list() == []
    with tf.Session() as sess:
        assert not sess.run(closed)
        sess.run(queue.close())
        assert sess.run(closed)
