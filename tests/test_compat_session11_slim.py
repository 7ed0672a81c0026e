"""TF-Slim's training, evaluation and data modules (session 11): ``slim.learning``,
``slim.evaluation``, ``tf.contrib.training``'s loops, and the data pipeline
(``slim.dataset``, ``DatasetDataProvider``, ``tfexample_decoder``, ``parallel_reader``,
``prefetch_queue``, ``queues``), to TensorFlow 1.15's contrib semantics."""

import logging
import os
import re

import numpy as np
import pytest

import smallflow as tf

slim = tf.contrib.slim


def _regression_data(seed=0):
    rng = np.random.RandomState(seed)
    x = rng.randn(32, 3).astype(np.float32)
    y = (x @ np.array([[1.0], [2.0], [-1.0]], np.float32)).astype(np.float32)
    return x, y


def _linear_model(x, y):
    pred = slim.fully_connected(tf.constant(x), 1, activation_fn=None, scope="fc")
    tf.losses.mean_squared_error(tf.constant(y), pred)
    return tf.losses.get_total_loss()


def _step_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("global step")]


# -- slim.learning.train --------------------------------------------------------------------


def test_train_stops_at_number_of_steps_logs_tf_lines_and_saves_the_final_checkpoint(
        tmp_path, caplog):
    x, y = _regression_data()
    logdir = str(tmp_path / "train")
    total = _linear_model(x, y)
    train_op = slim.learning.create_train_op(total, tf.train.GradientDescentOptimizer(0.1))
    with caplog.at_level(logging.INFO, logger="smallflow"):
        loss = slim.learning.train(train_op, logdir, number_of_steps=6, log_every_n_steps=3,
                                   save_interval_secs=0, save_summaries_secs=0)
    lines = _step_lines(caplog)
    assert [int(line.split()[2].rstrip(":")) for line in lines] == [3, 6]
    assert all(re.fullmatch(r"global step \d+: loss = \d+\.\d{4} \(\d+\.\d{3} sec/step\)", line)
               for line in lines)
    assert float(lines[-1].split()[5]) == pytest.approx(float(loss), abs=1e-4)
    assert tf.train.latest_checkpoint(logdir).endswith("model.ckpt-6")


def test_train_resumes_from_the_checkpoint_in_logdir(tmp_path):
    x, y = _regression_data()
    logdir = str(tmp_path / "train")
    losses = []
    for steps in (4, 8):
        with tf.Graph().as_default():
            total = _linear_model(x, y)
            train_op = slim.learning.create_train_op(total,
                                                     tf.train.GradientDescentOptimizer(0.1))
            losses.append(slim.learning.train(train_op, logdir, number_of_steps=steps,
                                              save_interval_secs=0, save_summaries_secs=0))
    assert tf.train.latest_checkpoint(logdir).endswith("model.ckpt-8")
    assert losses[1] < losses[0]


def test_train_ends_quietly_when_the_input_runs_out(tmp_path):
    x, y = _regression_data()
    queue = tf.train.slice_input_producer([x, y], num_epochs=1, shuffle=False)
    xb, yb = tf.train.batch(queue, batch_size=8)
    pred = slim.fully_connected(xb, 1, activation_fn=None)
    total = tf.losses.mean_squared_error(yb, pred)
    train_op = slim.learning.create_train_op(total, tf.train.GradientDescentOptimizer(0.1))
    slim.learning.train(train_op, str(tmp_path), save_interval_secs=0, save_summaries_secs=0)
    # 32 examples in batches of 8: four steps, then OutOfRangeError ends the loop.
    assert tf.train.latest_checkpoint(str(tmp_path)).endswith("model.ckpt-4")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"train_op": None, "logdir": "x"}, "train_op cannot be None"),
    ({"logdir": None, "saver": "s"}, "Cannot provide saver because logdir=None"),
    ({"logdir": None, "summary_op": None}, "Cannot provide summary_op because logdir=None"),
    ({"logdir": None, "trace_every_n_steps": 1}, "Cannot provide trace_every_n_steps"),
    ({"logdir": "x", "number_of_steps": 0}, "`number_of_steps` must be either None"),
])
def test_train_refuses_bad_arguments(kwargs, message):
    kwargs.setdefault("train_op", tf.constant(1.0))
    with pytest.raises(ValueError, match=re.escape(message)):
        slim.learning.train(**kwargs)


def test_train_step_reports_loss_and_stop():
    x, y = _regression_data()
    total = _linear_model(x, y)
    train_op = slim.learning.create_train_op(total, tf.train.GradientDescentOptimizer(0.1))
    step = tf.train.get_global_step()
    kwargs = {"should_stop": tf.greater_equal(step, 2)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        results = [slim.learning.train_step(sess, train_op, step, kwargs) for _ in range(2)]
    assert [stop for _, stop in results] == [False, True]
    assert results[1][0] < results[0][0]


# -- create_train_op ------------------------------------------------------------------------


def _one_step(train_op, fetch):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(fetch)
        loss = sess.run(train_op)
        return loss, before, sess.run(fetch)


def test_create_train_op_runs_update_ops_first_and_returns_the_loss():
    w = tf.Variable(2.0)
    counter = tf.Variable(0.0, trainable=False)
    tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, tf.assign_add(counter, 1.0))
    loss = tf.square(w)
    train_op = slim.learning.create_train_op(loss, tf.train.GradientDescentOptimizer(0.25))
    assert train_op in tf.get_collection(tf.GraphKeys.TRAIN_OP)
    value, _, (w_after, count) = _one_step(train_op, [w, counter])
    assert value == pytest.approx(4.0)  # the loss before the step
    assert w_after == pytest.approx(2.0 - 0.25 * 4.0)
    assert count == 1.0


def test_create_train_op_warns_when_update_ops_leave_some_out(caplog):
    w = tf.Variable(1.0)
    counter = tf.Variable(0.0, trainable=False)
    tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, tf.assign_add(counter, 1.0))
    with caplog.at_level(logging.WARNING, logger="smallflow"):
        slim.learning.create_train_op(tf.square(w), tf.train.GradientDescentOptimizer(0.1),
                                      update_ops=[])
    assert any("does not contain all the update_ops" in r.getMessage() for r in caplog.records)


def test_gradient_multipliers_and_clipping_change_the_step():
    a = tf.Variable(3.0, name="a")
    b = tf.Variable(3.0, name="b")
    loss = tf.square(a) + tf.square(b)  # gradients 6 and 6
    opt = tf.train.GradientDescentOptimizer(0.1)
    train_op = slim.learning.create_train_op(loss, opt, gradient_multipliers={"a": 0.5, b: 2.0},
                                             clip_gradient_norm=10.0)
    _, _, (a_after, b_after) = _one_step(train_op, [a, b])
    assert a_after == pytest.approx(3.0 - 0.1 * 3.0)  # 6 * 0.5
    assert b_after == pytest.approx(3.0 - 0.1 * 10.0)  # 6 * 2 = 12, clipped to 10


def test_variables_to_train_leaves_the_others_alone():
    a = tf.Variable(1.0)
    b = tf.Variable(1.0)
    train_op = slim.learning.create_train_op(tf.square(a) + tf.square(b),
                                             tf.train.GradientDescentOptimizer(0.1),
                                             variables_to_train=[a])
    _, _, (a_after, b_after) = _one_step(train_op, [a, b])
    assert a_after == pytest.approx(0.8)
    assert b_after == 1.0


def test_check_numerics_names_a_nan_loss():
    w = tf.Variable(-1.0)
    train_op = slim.learning.create_train_op(tf.sqrt(w), tf.train.GradientDescentOptimizer(0.1))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError, match="LossTensor is inf or nan"):
            sess.run(train_op)


def test_summarize_gradients_adds_tf_named_summaries():
    pytest.importorskip("tensorboard")  # summaries / tf.train.Example protos
    w = tf.Variable(1.0, name="w")
    slim.learning.create_train_op(tf.square(w), tf.train.GradientDescentOptimizer(0.1),
                                  summarize_gradients=True)
    names = [t.op.name for t in tf.get_collection(tf.GraphKeys.SUMMARIES)]
    assert any(n.endswith("w_gradient") for n in names)
    assert any(n.endswith("w_gradient_norm") for n in names)


@pytest.mark.parametrize(("grads_and_vars", "multipliers", "message"), [
    ((), {"a": 1.0}, "`grads_and_vars` must be a list."),
    ([], {}, "`gradient_multipliers` is empty."),
    ([], [1.0], "`gradient_multipliers` must be a dict."),
])
def test_multiply_gradients_refuses_bad_arguments(grads_and_vars, multipliers, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        slim.learning.multiply_gradients(grads_and_vars, multipliers)


def test_multiply_gradients_refuses_a_missing_gradient():
    v = tf.Variable(1.0, name="v")
    with pytest.raises(ValueError, match="Requested multiple of `None` gradient"):
        slim.learning.multiply_gradients([(None, v)], {"v": 2.0})


def test_contrib_training_create_train_op_with_transform_and_global_step_none():
    w = tf.Variable(1.0)
    train_op = tf.contrib.training.create_train_op(
        tf.square(w), tf.train.GradientDescentOptimizer(0.5), global_step=None,
        transform_grads_fn=tf.contrib.training.clip_gradient_norms_fn(0.5))
    assert tf.train.get_global_step() is None
    _, _, w_after = _one_step(train_op, w)
    assert w_after == pytest.approx(1.0 - 0.5 * 0.5)


def test_contrib_training_train_runs_until_a_hook_stops(tmp_path):
    x, y = _regression_data()
    total = _linear_model(x, y)
    train_op = tf.contrib.training.create_train_op(total, tf.train.GradientDescentOptimizer(0.1))
    loss = tf.contrib.training.train(train_op, str(tmp_path),
                                     hooks=[tf.train.StopAtStepHook(num_steps=5)],
                                     save_summaries_steps=None)
    assert loss is not None
    assert tf.train.latest_checkpoint(str(tmp_path)).endswith("model.ckpt-5")


# -- evaluation -----------------------------------------------------------------------------


def _train_checkpoint(logdir, steps=5):
    x, y = _regression_data()
    with tf.Graph().as_default():
        total = _linear_model(x, y)
        train_op = slim.learning.create_train_op(total, tf.train.GradientDescentOptimizer(0.1))
        slim.learning.train(train_op, logdir, number_of_steps=steps, save_interval_secs=0,
                            save_summaries_secs=0)
    return x, y


def _eval_graph(x, y):
    pred = slim.fully_connected(tf.constant(x), 1, activation_fn=None, scope="fc")
    values, updates = slim.metrics.aggregate_metric_map({
        "mse": slim.metrics.streaming_mean_squared_error(pred, tf.constant(y))})
    tf.train.get_or_create_global_step()
    calls = tf.Variable(0, trainable=False, collections=[tf.GraphKeys.LOCAL_VARIABLES])
    eval_op = [*updates.values(), tf.assign_add(calls, 1)]
    return values, eval_op, calls, pred


def test_evaluate_once_runs_eval_op_num_evals_times_and_returns_final_op(tmp_path):
    x, y = _train_checkpoint(str(tmp_path / "train"))
    values, eval_op, calls, pred = _eval_graph(x, y)
    checkpoint = tf.train.latest_checkpoint(str(tmp_path / "train"))
    final = slim.evaluation.evaluate_once("", checkpoint, str(tmp_path / "eval"), num_evals=3,
                                          eval_op=eval_op, final_op=[values, calls, pred],
                                          summary_op=None)
    metric, count, predictions = final
    assert count == 3
    assert metric["mse"] == pytest.approx(np.mean((predictions - y) ** 2), rel=1e-5)


def test_evaluation_loop_evaluates_the_newest_checkpoint_and_stops(tmp_path):
    x, y = _train_checkpoint(str(tmp_path / "train"), steps=3)
    values, eval_op, calls, _ = _eval_graph(x, y)
    final = slim.evaluation.evaluation_loop(
        "", str(tmp_path / "train"), str(tmp_path / "eval"), num_evals=2, eval_op=eval_op,
        final_op=[values, calls, tf.train.get_global_step()], summary_op=None,
        eval_interval_secs=0, max_number_of_evaluations=1)
    assert final[1] == 2
    assert final[2] == 3  # the global step restored from model.ckpt-3


def test_evaluation_loop_without_checkpoints_ends_at_the_timeout(tmp_path):
    values, eval_op, _, _ = _eval_graph(*_regression_data())
    final = slim.evaluation.evaluation_loop("", str(tmp_path), str(tmp_path / "eval"),
                                            eval_op=eval_op, final_op=values, summary_op=None,
                                            eval_interval_secs=0, timeout=0.2)
    assert final is None


def test_evaluate_once_writes_its_summaries_to_logdir(tmp_path):
    pytest.importorskip("tensorboard")
    x, y = _train_checkpoint(str(tmp_path / "train"))
    values, eval_op, _, _ = _eval_graph(x, y)
    tf.summary.scalar("eval_mse", values["mse"])
    slim.evaluation.evaluate_once("", tf.train.latest_checkpoint(str(tmp_path / "train")),
                                  str(tmp_path / "eval"), num_evals=2, eval_op=eval_op)
    tf.summary.FileWriterCache.clear()
    events = [p for p in os.listdir(tmp_path / "eval") if p.startswith("events")]
    tags = []
    for event in tf.train.summary_iterator(str(tmp_path / "eval" / events[0])):
        tags.extend((v.tag, event.step) for v in event.summary.value)
    assert ("eval_mse", 5) in tags


def test_eval_step_is_one_local_int64_variable():
    step = tf.contrib.training.get_or_create_eval_step()
    assert step is tf.contrib.training.get_or_create_eval_step()
    assert step.dtype.base_dtype == tf.int64
    assert step in tf.local_variables()
    assert step not in tf.global_variables()


def test_summary_at_end_hook_needs_a_directory_or_a_writer():
    with pytest.raises(ValueError, match="One of log_dir or summary_writer should be used"):
        tf.contrib.training.SummaryAtEndHook()


def test_evaluate_repeatedly_without_eval_ops_runs_final_ops(tmp_path):
    _train_checkpoint(str(tmp_path), steps=2)
    w = tf.get_variable("fc/weights", [3, 1])
    tf.train.get_or_create_global_step()
    final = tf.contrib.training.evaluate_repeatedly(
        str(tmp_path), final_ops=w, eval_interval_secs=0, max_number_of_evaluations=1)
    assert final.shape == (3, 1)
    assert np.any(final != 0)


# -- data: tfexample_decoder, DatasetDataProvider, parallel_reader, prefetch_queue, queues ---


def _example(image_bytes, image_format, label, boxes=None):
    feature = {
        "image/encoded": tf.train.Feature(bytes_list=tf.train.BytesList(value=[image_bytes])),
        "image/format": tf.train.Feature(bytes_list=tf.train.BytesList(value=[image_format])),
        "image/class/label": tf.train.Feature(int64_list=tf.train.Int64List(value=[label])),
    }
    for side, values in (boxes or {}).items():
        feature[f"image/object/bbox/{side}"] = tf.train.Feature(
            float_list=tf.train.FloatList(value=values))
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


def _encoded(image, encoder):
    with tf.Graph().as_default(), tf.Session() as sess:
        return sess.run(encoder(tf.constant(image)))


def _mnist_style_decoder(shape=(4, 5, 1), channels=1):
    keys_to_features = {
        "image/encoded": tf.FixedLenFeature((), tf.string, default_value=""),
        "image/format": tf.FixedLenFeature((), tf.string, default_value="raw"),
        # TF-Slim's datasets give the default as a tensor.
        "image/class/label": tf.FixedLenFeature([1], tf.int64,
                                                default_value=tf.zeros([1], dtype=tf.int64)),
    }
    items_to_handlers = {
        "image": slim.tfexample_decoder.Image(shape=None if shape is None else list(shape),
                                              channels=channels),
        "label": slim.tfexample_decoder.Tensor("image/class/label", shape=[]),
    }
    return slim.tfexample_decoder.TFExampleDecoder(keys_to_features, items_to_handlers)


IMAGE = np.arange(20, dtype=np.uint8).reshape(4, 5, 1) * 12


@pytest.mark.parametrize(("image_format", "encode"), [
    (b"png", tf.image.encode_png),
    (b"raw", None),
    (b"RAW", None),
])
def test_tfexample_decoder_decodes_image_by_format_and_label(image_format, encode):
    data = IMAGE.tobytes() if encode is None else _encoded(IMAGE, encode)
    decoder = _mnist_style_decoder()
    image, label = decoder.decode(tf.constant(_example(data, image_format, 7)),
                                  ["image", "label"])
    assert image.shape.as_list() == [4, 5, 1]
    assert label.shape.as_list() == []
    with tf.Session() as sess:
        image_value, label_value = sess.run([image, label])
    np.testing.assert_array_equal(image_value, IMAGE)
    assert label_value == 7


def test_tfexample_decoder_reads_jpeg_through_decode_jpeg():
    rgb = np.full((8, 8, 3), 128, np.uint8)
    data = _encoded(rgb, lambda t: tf.image.encode_jpeg(t, quality=100))
    decoder = _mnist_style_decoder(shape=None, channels=3)
    (image,) = decoder.decode(tf.constant(_example(data, b"jpeg", 0)), ["image"])
    assert image.shape.as_list() == [None, None, 3]
    with tf.Session() as sess:
        value = sess.run(image)
    assert value.shape == (8, 8, 3)
    assert np.abs(value.astype(int) - 128).max() <= 2


def test_bounding_box_and_item_handler_callback():
    boxes = {"ymin": [0.1, 0.2], "xmin": [0.3, 0.4], "ymax": [0.5, 0.6], "xmax": [0.7, 0.8]}
    keys_to_features = {f"image/object/bbox/{side}": tf.VarLenFeature(tf.float32)
                        for side in boxes}
    keys_to_features["image/class/label"] = tf.FixedLenFeature([1], tf.int64)
    decoder = slim.tfexample_decoder.TFExampleDecoder(keys_to_features, {
        "boxes": slim.tfexample_decoder.BoundingBox(prefix="image/object/bbox/"),
        "twice": slim.tfexample_decoder.ItemHandlerCallback(
            ["image/class/label"], lambda keys: keys["image/class/label"] * 2),
    })
    assert sorted(decoder.list_items()) == ["boxes", "twice"]
    serialized = tf.constant(_example(b"", b"raw", 4, boxes))
    found, twice = decoder.decode(serialized)
    with tf.Session() as sess:
        found_value, twice_value = sess.run([found, twice])
    np.testing.assert_allclose(found_value, [[0.1, 0.3, 0.5, 0.7], [0.2, 0.4, 0.6, 0.8]])
    np.testing.assert_array_equal(twice_value, [8])


def test_bounding_box_needs_four_keys():
    with pytest.raises(ValueError, match="BoundingBox expects 4 keys but got 2"):
        slim.tfexample_decoder.BoundingBox(keys=["a", "b"])


def test_tensor_handler_refuses_shape_and_shape_keys_together():
    with pytest.raises(ValueError, match="Cannot specify both shape_keys and shape"):
        slim.tfexample_decoder.Tensor("a", shape_keys=["b"], shape=[2])


def test_a_tensor_default_that_is_not_constant_is_refused_by_name():
    default = tf.placeholder(tf.int64, [1])
    with pytest.raises(ValueError, match="default_value of FixedLenFeature 'label'"):
        tf.parse_single_example(tf.constant(b""), {"label": tf.FixedLenFeature([1], tf.int64,
                                                                               default_value=default)})


def test_parsed_scalar_string_can_be_reshaped():
    parsed = tf.parse_single_example(tf.constant(_example(b"abc", b"raw", 1)),
                                     {"image/encoded": tf.FixedLenFeature((), tf.string)})
    with tf.Session() as sess:
        assert sess.run(tf.reshape(parsed["image/encoded"], [])) == b"abc"


def _write_records(path, count, offset=0):
    with tf.python_io.TFRecordWriter(str(path)) as writer:
        for index in range(count):
            image = np.full((4, 5, 1), index + offset, np.uint8)
            writer.write(_example(image.tobytes(), b"raw", index + offset))


def _dataset(pattern, num_samples):
    return slim.dataset.Dataset(data_sources=pattern, reader=tf.TFRecordReader,
                                decoder=_mnist_style_decoder(), num_samples=num_samples,
                                items_to_descriptions={"image": "a 4x5 image",
                                                       "label": "its index"},
                                num_classes=10)


def test_dataset_keeps_extra_keywords_as_attributes():
    dataset = _dataset("x", 3)
    assert dataset.num_classes == 10
    assert dataset.num_samples == 3
    assert dataset.reader is tf.TFRecordReader


def test_dataset_data_provider_reads_every_record_of_the_files(tmp_path):
    pytest.importorskip("tensorboard")  # summaries / tf.train.Example protos
    _write_records(tmp_path / "a.tfrecord", 3)
    _write_records(tmp_path / "b.tfrecord", 3, offset=3)
    provider = slim.dataset_data_provider.DatasetDataProvider(
        _dataset(str(tmp_path / "*.tfrecord"), 6), num_readers=2, num_epochs=1,
        common_queue_capacity=8, common_queue_min=2, seed=1)
    assert provider.num_samples() == 6
    assert sorted(provider.list_items()) == ["image", "label", "record_key"]
    image, label, key = provider.get(["image", "label", "record_key"])
    seen = []
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        with slim.queues.QueueRunners(sess):
            try:
                while True:
                    image_value, label_value, key_value = sess.run([image, label, key])
                    assert np.all(image_value == label_value)
                    assert key_value.split(b":")[0].endswith(b".tfrecord")
                    seen.append(int(label_value))
            except tf.errors.OutOfRangeError:
                pass
    assert sorted(seen) == list(range(6))


def test_dataset_data_provider_refuses_an_unknown_item_and_a_clashing_record_key(tmp_path):
    pytest.importorskip("tensorboard")  # summaries / tf.train.Example protos
    _write_records(tmp_path / "a.tfrecord", 1)
    source = str(tmp_path / "a.tfrecord")
    provider = slim.dataset_data_provider.DatasetDataProvider(_dataset(source, 1))
    with pytest.raises(ValueError, match=r"Item \[nope\] is invalid"):
        provider.get(["nope"])
    with pytest.raises(ValueError, match="items must be a list or tuple"):
        provider.get("image")
    with pytest.raises(ValueError, match="cannot also be used for a dataset item: label"):
        slim.dataset_data_provider.DatasetDataProvider(_dataset(source, 1), record_key="label")


def test_get_data_files_expands_patterns_and_names_what_is_missing(tmp_path):
    _write_records(tmp_path / "a-1.tfrecord", 1)
    _write_records(tmp_path / "a-2.tfrecord", 1)
    found = slim.parallel_reader.get_data_files([str(tmp_path / "a-*.tfrecord"), "plain"])
    assert sorted(found[:2]) == [str(tmp_path / "a-1.tfrecord"), str(tmp_path / "a-2.tfrecord")]
    assert found[2] == "plain"
    with pytest.raises(ValueError, match="No data files found in .*nothing-"):
        slim.parallel_reader.get_data_files(str(tmp_path / "nothing-*"))


def test_single_pass_read_reads_each_record_once_in_order(tmp_path):
    _write_records(tmp_path / "a.tfrecord", 3)
    key, value = slim.parallel_reader.single_pass_read(str(tmp_path / "a.tfrecord"),
                                                       tf.TFRecordReader)
    keys = []
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        with slim.queues.QueueRunners(sess):
            for _ in range(3):
                keys.append(sess.run(key))
            with pytest.raises(tf.errors.OutOfRangeError):
                sess.run(key)
    assert [k.rsplit(b":", 1)[1] for k in keys] == [b"0", b"1", b"2"]


def test_parallel_reader_needs_a_string_pair_queue():
    queue = tf.FIFOQueue(4, [tf.string])
    with pytest.raises(TypeError, match=r"common_queue.dtypes must be \[tf.string, tf.string\]"):
        slim.parallel_reader.ParallelReader(tf.TFRecordReader, queue)


def test_prefetch_queue_hands_out_what_was_enqueued():
    pytest.importorskip("tensorboard")  # summaries / tf.train.Example protos
    counter = tf.Variable(0, trainable=False)
    step = tf.assign_add(counter, 1)
    queue = slim.prefetch_queue.prefetch_queue({"b": step * 2, "a": step}, capacity=2)
    assert queue.names == ["a", "b"]
    out = queue.dequeue()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with slim.queues.QueueRunners(sess):
            values = [sess.run(out) for _ in range(3)]
    assert all(v["b"] == 2 * v["a"] for v in values)
    assert [v["a"] for v in values] == sorted(v["a"] for v in values)


def test_queue_runners_cannot_be_nested():
    with tf.Session() as sess, slim.queues.QueueRunners(sess):
        inner = slim.queues.QueueRunners(sess)
        with pytest.raises(slim.queues.NestedQueueRunnerError):
            inner.__enter__()


# -- layers helpers the nets use --------------------------------------------------------------


def test_outputs_collections_record_full_scope_aliases():
    x = tf.placeholder(tf.float32, [2, 8, 8, 3])
    layers = [slim.conv2d, slim.max_pool2d, slim.dropout, slim.flatten]
    with tf.variable_scope("net"), slim.arg_scope(layers, outputs_collections="ends"):
        net = slim.conv2d(x, 4, [3, 3], scope="conv1")
        net = slim.max_pool2d(net, [2, 2], scope="pool1")
        net = slim.dropout(net, 0.5, scope="drop")
        slim.flatten(net)
    ends = slim.utils.convert_collection_to_dict("ends")
    assert list(ends) == ["net/conv1", "net/pool1", "net/drop", "net/Flatten"]
    assert ends["net/conv1"].shape.as_list() == [2, 8, 8, 4]


def test_separable_conv2d_variables_and_shapes():
    x = tf.placeholder(tf.float32, [1, 8, 8, 3])
    y = slim.separable_conv2d(x, 6, [3, 3], depth_multiplier=2, stride=2, scope="sep")
    z = slim.separable_conv2d(x, None, [3, 3], depth_multiplier=4, scope="depthwise")
    assert y.shape.as_list() == [1, 4, 4, 6]
    assert z.shape.as_list() == [1, 8, 8, 12]
    shapes = {v.op.name: v.shape.as_list() for v in slim.get_model_variables()}
    assert shapes == {"sep/depthwise_weights": [3, 3, 3, 2],
                      "sep/pointwise_weights": [1, 1, 6, 6], "sep/biases": [6],
                      "depthwise/depthwise_weights": [3, 3, 3, 4], "depthwise/biases": [12]}


def test_model_variable_takes_a_device_from_arg_scope():
    with slim.arg_scope([slim.model_variable, slim.variable], device="/cpu:0"):
        v = slim.model_variable("v", shape=[2])
    assert v.device.lower().endswith("cpu:0")
    assert v in slim.get_model_variables()


def test_batch_norm_variables_are_model_variables_and_join_variables_collections():
    x = tf.placeholder(tf.float32, [2, 4, 4, 3])
    slim.conv2d(x, 5, [3, 3], normalizer_fn=slim.batch_norm, scope="c",
                normalizer_params={"scale": True, "variables_collections": {
                    "moving_mean": ["moving_vars"], "moving_variance": ["moving_vars"]}})
    names = {v.op.name for v in slim.get_model_variables()}
    assert names == {"c/weights", "c/BatchNorm/beta", "c/BatchNorm/gamma",
                     "c/BatchNorm/moving_mean", "c/BatchNorm/moving_variance"}
    assert [v.op.name for v in tf.get_collection("moving_vars")] == [
        "c/BatchNorm/moving_mean", "c/BatchNorm/moving_variance"]


def test_trace_every_n_steps_writes_chrome_traces_into_logdir(tmp_path):
    x, y = _regression_data()
    total = _linear_model(x, y)
    train_op = slim.learning.create_train_op(total, tf.train.GradientDescentOptimizer(0.1))
    slim.learning.train(train_op, str(tmp_path), number_of_steps=4, trace_every_n_steps=2,
                        save_interval_secs=0, save_summaries_secs=0, summary_writer=None)
    traces = sorted(p for p in os.listdir(tmp_path) if p.startswith("tf_trace-"))
    # The trace test reads the step before the run: steps 0 and 2 are traced.
    assert traces == ["tf_trace-1.json", "tf_trace-3.json"]
    with open(tmp_path / traces[0]) as handle:
        assert '"traceEvents"' in handle.read()
