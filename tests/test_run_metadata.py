"""Traced runs: RunOptions(trace_level=FULL_TRACE) fills RunMetadata.step_stats; Timeline."""

import json

import numpy as np
import pytest

import smallflow as tf
from smallflow import errors
from smallflow.python.client import timeline

FULL = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)


def _program():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(tf.ones([3, 2]), name="w")
    y = tf.nn.relu(tf.matmul(x, w, name="product"), name="act")
    loss = tf.reduce_sum(y, name="loss")
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    return x, w, loss, train


def test_a_traced_run_records_every_op_it_ran_with_times_and_sizes():
    x, w, loss, train = _program()
    feed = {x: np.ones((4, 3), np.float32)}
    with tf.Session() as sess:
        sess.run(w.initializer)
        metadata = tf.RunMetadata()
        traced = sess.run([loss, train], feed, options=FULL, run_metadata=metadata)
        assert traced[0] == 24.0
        [device] = metadata.step_stats.dev_stats
        assert device.device.endswith("CPU:0")
        names = [node.node_name for node in device.node_stats]
        assert {"w", "product", "act", "loss"} <= set(names)
        assert names.index("product") < names.index("act") < names.index("loss")
        product = device.node_stats[names.index("product")]
        assert product.timeline_label == "product = MatMul(x, w/read)"
        assert product.all_start_micros > 1e15  # microseconds since the epoch
        assert product.op_end_rel_micros >= 0
        assert product.output[0].tensor_description.allocation_description.requested_bytes == (
            4 * 2 * 4)
        # The traced step really trained: the next (untraced) loss is lower.
        assert sess.run(loss, feed) < 24.0


def test_no_trace_level_and_no_metadata_leave_the_run_untouched():
    x, w, loss, _ = _program()
    with tf.Session() as sess:
        sess.run(w.initializer)
        metadata = tf.RunMetadata()
        value = sess.run(loss, {x: np.ones((1, 3))}, options=tf.RunOptions(),
                         run_metadata=metadata)
        assert value == 6.0
        assert metadata.step_stats.dev_stats == []


def test_a_failing_op_in_a_traced_run_is_named():
    x = tf.placeholder(tf.int32, [None], name="labels")
    logits = tf.constant([[1.0, 2.0]])
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=x, logits=logits)
    with tf.Session() as sess, pytest.raises(errors.InvalidArgumentError) as info:
        sess.run(loss, {x: [7]}, options=FULL, run_metadata=tf.RunMetadata())
    assert "SparseSoftmaxCrossEntropyWithLogits" in str(info.value)


def test_timeline_writes_a_chrome_trace_with_one_event_per_op_and_dataflow():
    x, w, loss, train = _program()
    with tf.Session() as sess:
        sess.run(w.initializer)
        metadata = tf.RunMetadata()
        sess.run(train, {x: np.ones((2, 3))}, options=FULL, run_metadata=metadata)
    trace = json.loads(timeline.Timeline(metadata.step_stats).generate_chrome_trace_format(
        show_memory=True))
    events = trace["traceEvents"]
    ops = [e for e in events if e["ph"] == "X"]
    assert len(ops) == len(metadata.step_stats.dev_stats[0].node_stats)
    product = next(e for e in ops if e["args"]["name"] == "product")
    assert product["name"] == "MatMul"
    assert product["args"]["input0"] == "x"
    assert any(e["ph"] == "s" for e in events)
    assert any(e["ph"] == "t" for e in events)
    assert any(e["ph"] == "M" and e["name"] == "process_name" for e in events)


def test_run_metadata_converts_to_tensorflows_message():
    pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")
    from smallflow import tb_protos

    x, w, loss, _ = _program()
    proto = tb_protos.load().config_pb2.RunMetadata()
    with tf.Session() as sess:
        sess.run(w.initializer)
        mine = tf.RunMetadata()
        sess.run(loss, {x: np.ones((1, 3))}, options=FULL, run_metadata=mine)
        sess.run(loss, {x: np.ones((1, 3))}, options=FULL, run_metadata=proto)
    converted = tb_protos.load().config_pb2.RunMetadata.FromString(mine.SerializeToString())
    mine_names = [n.node_name for n in converted.step_stats.dev_stats[0].node_stats]
    assert mine_names == [n.node_name for n in proto.step_stats.dev_stats[0].node_stats]
    assert json.loads(timeline.Timeline(proto.step_stats).generate_chrome_trace_format())
