"""Regression tests of the session 6 sweep (tensorflow/models r1 programs, TensorFlow r1.15's
own MNIST tutorials): each failure found, reduced to what broke.
docs/compatibility.md ("Session 6 sweep") lists the programs."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import smallflow as tf

SRC = os.path.join(os.path.dirname(__file__), os.pardir, "src")


def test_get_or_create_global_step_returns_the_existing_one():
    # official/mnist's model_fn calls it inside an Estimator, which made the step already:
    # a variable, like a tensor, refuses to be a Python bool.
    step = tf.train.create_global_step()
    assert tf.train.get_or_create_global_step() is step


def test_info_logs_reach_stderr_when_the_program_configures_no_logging():
    # TensorFlow 1.x adds its own stderr handler when the root logger has none, so that
    # set_verbosity(INFO) shows an Estimator's progress (every Estimator tutorial).
    program = textwrap.dedent("""
        import smallflow as tf
        tf.logging.info("hidden before set_verbosity")
        tf.logging.set_verbosity(tf.logging.INFO)
        tf.logging.info("loss = %s, step = %d", 0.5, 3)
    """)
    env = dict(os.environ, PYTHONPATH=os.path.abspath(SRC))
    completed = subprocess.run([sys.executable, "-c", program], capture_output=True,
                               text=True, env=env, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr.splitlines() == ["INFO:smallflow:loss = 0.5, step = 3"]


def test_logging_tensor_hook_prints_values_as_tensorflow_does(caplog):
    value = tf.constant(0.1, name="value")
    hook = tf.train.LoggingTensorHook({"value": value}, every_n_iter=1)
    with caplog.at_level("INFO", logger="smallflow"), tf.train.MonitoredSession(
            hooks=[hook]) as sess:
        sess.run(value)
    assert "value = 0.1" in caplog.messages  # str of a float32, not 0.10000000149011612


class _ArrayLike:
    """An object NumPy can convert (as a pandas Series is)."""

    def __init__(self, values):
        self._values = values

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self._values, dtype=dtype)


def test_array_likes_convert_to_tensors_through_numpy():
    # samples/core/get_started/iris_data.py slices pandas Series.
    dataset = tf.data.Dataset.from_tensor_slices(({"x": _ArrayLike([1.5, 2.5])},
                                                  _ArrayLike([0, 1])))
    features, label = dataset.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        assert sess.run([features["x"], label]) == [1.5, 0]
    assert tf.convert_to_tensor(_ArrayLike([[1, 2]])).shape.as_list() == [1, 2]


def test_one_reader_serves_several_queue_runner_threads(tmp_path):
    # tutorials/image/cifar10: shuffle_batch(num_threads=cpu_count()) runs one
    # FixedLengthRecordReader from two threads.
    records = np.arange(200, dtype=np.uint8).reshape(50, 4)
    path = tmp_path / "data.bin"
    path.write_bytes(records.tobytes())
    queue = tf.train.string_input_producer([str(path)], num_epochs=1, shuffle=False)
    _, value = tf.FixedLengthRecordReader(record_bytes=4).read(queue)
    row = tf.reshape(tf.decode_raw(value, tf.uint8), [4])
    batch = tf.train.batch([row], batch_size=10, num_threads=4, allow_smaller_final_batch=True)
    seen = []
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        try:
            while True:
                seen.extend(sess.run(batch).tolist())
        except tf.errors.OutOfRangeError:
            pass
        coord.request_stop()
        coord.join(threads)
    assert sorted(seen) == records.tolist()  # every record once, none torn


def _census_like_input():
    features = {"x": np.array([[0.5], [-1.0], [2.0], [0.1]], np.float32)}
    return tf.estimator.inputs.numpy_input_fn(features, np.array([1, 0, 1, 0]), batch_size=4,
                                              num_epochs=None, shuffle=False)


def test_canned_heads_name_their_losses_as_tensorflow_does(tmp_path):
    # official/wide_deep logs 'head/truediv' and 'head/weighted_loss/Sum' by name.
    logged = tf.train.LoggingTensorHook({"average_loss": "head/truediv",
                                         "loss": "head/weighted_loss/Sum"}, every_n_iter=1)
    estimator = tf.estimator.LinearClassifier(
        [tf.feature_column.numeric_column("x")], model_dir=str(tmp_path))
    estimator.train(_census_like_input(), steps=2, hooks=[logged])
    result = estimator.evaluate(_census_like_input(), steps=1)
    assert result["accuracy_baseline"] == pytest.approx(0.5)
    assert result["loss"] == pytest.approx(4 * result["average_loss"], rel=1e-5)


def test_canned_heads_write_the_training_loss_summaries(tmp_path):
    pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")
    estimator = tf.estimator.LinearRegressor(
        [tf.feature_column.numeric_column("x")], model_dir=str(tmp_path),
        config=tf.estimator.RunConfig(save_summary_steps=1))
    estimator.train(_census_like_input(), steps=2)
    from smallflow.summary.records import summary_iterator

    tags = {value.tag for name in os.listdir(tmp_path) if "tfevents" in name
            for event in summary_iterator(str(tmp_path / name))
            for value in event.summary.value}
    assert {"loss", "average_loss"} <= tags


def test_parse_example_is_written_in_tensorflows_form_and_read_back():
    pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")
    serialized = tf.placeholder(tf.string, [None], name="serialized")
    parsed = tf.parse_example(serialized, {
        "dense": tf.FixedLenFeature([2], tf.float32, default_value=[7.0, 8.0]),
        "word": tf.FixedLenFeature([], tf.string, default_value="none"),
        "ids": tf.VarLenFeature(tf.int64),
        "tags": tf.VarLenFeature(tf.string),
    })
    tf.add(tf.reduce_sum(parsed["dense"]), tf.cast(tf.sparse_reduce_sum(parsed["ids"]),
                                                    tf.float32), name="total")
    node = next(n for n in tf.get_default_graph().as_graph_def().node
                if n.op == "ParseExample")
    assert (node.attr["Nsparse"].i, node.attr["Ndense"].i) == (2, 2)
    assert len([name for name in node.input if not name.startswith("^")]) == 2 + 2 + 2 + 2
    examples = [tf.train.Example(features=tf.train.Features(feature={
        "ids": tf.train.Feature(int64_list=tf.train.Int64List(value=[3, 4])),
        "tags": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"a"])),
        "word": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"hi"]))}))
        .SerializeToString(), tf.train.Example().SerializeToString()]
    meta = tf.train.export_meta_graph()
    fetches = ["total:0", parsed["word"].name, parsed["tags"].values.name]
    with tf.Session() as sess:
        expected = sess.run(fetches, {serialized: examples})
    with tf.Graph().as_default():
        tf.train.import_meta_graph(meta)
        with tf.Session() as sess:
            got = sess.run(fetches, {"serialized:0": examples})
    assert expected[0] == got[0] == 2 * (7 + 8) + 7
    assert got[1].tolist() == expected[1].tolist() == [b"hi", b"none"]
    assert got[2].tolist() == [b"a"]
