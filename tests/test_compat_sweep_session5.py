"""Constructs found by the session 5 sweep (docs/compatibility.md, "Session 5 sweep":
FirstContactWithTensorFlow, easy-tensorflow), reduced to a few lines, with what TensorFlow
1.x gives.
"""

import importlib

import numpy as np
import pytest

import smallflow as tf


def _saver_var_list():
    weights = tf.Variable([1.0, 2.0], name="weights")
    bias = tf.Variable(0.5, name="bias")
    listed = tf.train.Saver()._var_list  # easy-tensorflow's Save_and_Restore lists them so
    chosen = tf.train.Saver({"w": weights})._var_list
    return [v.op.name for v in listed], list(chosen), bias


def test_saver_keeps_the_variables_it_saves_in_var_list():
    listed, chosen, _ = _saver_var_list()
    assert listed == ["weights", "bias"]
    assert chosen == ["w"]


@pytest.mark.parametrize(("module", "attribute"), [
    # FirstContactWithTensorFlow's rnn.py and slim_contrib.py import MNIST this way.
    ("smallflow.contrib.learn.python.learn.datasets.mnist", "read_data_sets"),
    ("smallflow.contrib.learn.python.learn.datasets.base", "load_csv_with_header"),
])
def test_tf1_long_module_paths_import_as_modules(module, attribute):
    assert callable(getattr(importlib.import_module(module), attribute))


def test_device_lib_lists_this_processs_cpu():
    from smallflow.python.client import device_lib

    devices = device_lib.list_local_devices()
    assert [(d.name, d.device_type) for d in devices] == [("/device:CPU:0", "CPU")]


# -- tf.train.Supervisor (tensorflow/models' PTB tutorial and pre-1.2 programs) -----------------

def _supervised_model():
    step = tf.train.get_or_create_global_step()
    weight = tf.Variable(3.0, name="w")
    loss = tf.square(weight)
    tf.summary.scalar("loss", loss)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
    item = tf.train.range_input_producer(4, num_epochs=1, shuffle=False).dequeue()
    return step, weight, train, item


def test_supervisor_initializes_runs_queues_and_stops_at_the_end_of_input(tmp_path):
    pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")
    step, weight, train, item = _supervised_model()
    sv = tf.train.Supervisor(logdir=str(tmp_path), save_model_secs=0)  # no saving thread
    assert tf.get_default_graph().finalized  # as in TensorFlow
    seen = []
    with sv.managed_session() as sess:
        for _ in range(3):
            seen.append(sess.run([train, item])[1])
        sv.saver.save(sess, sv.save_path, global_step=sv.global_step)
        while not sv.should_stop():
            seen.append(sess.run(item))  # OutOfRangeError ends the block quietly
    assert seen == [0, 1, 2, 3]
    assert tf.train.latest_checkpoint(str(tmp_path)).endswith("model.ckpt-3")
    assert sv.should_stop()
    # A new Supervisor on the same logdir restores instead of initializing.
    with tf.Graph().as_default():
        step, weight, train, _ = _supervised_model()
        restarted = tf.train.Supervisor(logdir=str(tmp_path), save_model_secs=0)
        with restarted.managed_session() as sess:
            assert sess.run(step) == 3
            assert sess.run(weight) == pytest.approx(3.0 * 0.8 ** 3)


def test_supervisor_reraises_errors_from_the_training_block():
    tf.Variable(1.0)
    sv = tf.train.Supervisor(logdir=None)
    with pytest.raises(ValueError, match="broken"), sv.managed_session():
        raise ValueError("broken")
    assert sv.summary_writer is None
    assert sv.save_path is None


# -- MetaGraphs with input queues (PTB exports its graph and re-imports it) --------------------

def test_queue_pipelines_and_their_runners_survive_export_and_import_meta_graph():
    pytest.importorskip("tensorboard", reason="the tensorboard extra is not installed")
    with tf.Graph().as_default():
        tf.train.range_input_producer(5, shuffle=False).dequeue(name="item")
        rate = tf.Variable(0.5, trainable=False, name="lr")
        tf.add_to_collection("lr", rate)  # a variable in a collection of the program's own
        (original,) = tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)
        meta = tf.train.export_meta_graph()
    assert len(meta.collection_def["queue_runners"].bytes_list.value) == 1
    with tf.Graph().as_default() as graph:
        tf.train.import_meta_graph(meta)
        (runner,) = tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)
        (imported_rate,) = tf.get_collection_ref("lr")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            coord = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(sess, coord)
            items = [sess.run(graph.get_tensor_by_name("item:0")) for _ in range(7)]
            assert sess.run(imported_rate) == pytest.approx(0.5)
            coord.request_stop()
            coord.join(threads)
    assert items == [0, 1, 2, 3, 4, 0, 1]
    assert runner.name == original.name
    assert [op.name for op in runner.enqueue_ops] == [op.name for op in original.enqueue_ops]
    assert imported_rate.name == "lr:0"


# -- PTB's version check: tf.__version__ names TensorFlow 1.15, so it picks LSTMBlockCell -----

def test_version_strings_name_tensorflow_1_15_and_smallflow_keeps_its_own():
    # ptb_word_lm.py picks BasicLSTMCell when `StrictVersion(tf.__version__) < "1.3.0"`.
    assert tf.__version__ == tf.VERSION == "1.15.0"
    assert tuple(int(part) for part in tf.__version__.split(".")) >= (1, 3, 0)
    assert tf.SMALLFLOW_VERSION in tf.GIT_VERSION


_WEIGHT_SEEDS = {"kernel": 0, "bias": 1, "w_f_diag": 2, "w_i_diag": 3, "w_o_diag": 4}


def _lstm_outputs(make_cell):
    with tf.Graph().as_default():
        tf.set_random_seed(3)
        inputs = tf.constant(np.linspace(-1.0, 1.0, 2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4))
        outputs, (c, h) = tf.nn.dynamic_rnn(make_cell(), inputs, dtype=tf.float32)
        names = [v.name for v in tf.global_variables()]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for variable in tf.global_variables():
                # Values keyed by the variable's own name, so cells that create the same
                # variables in another order (LSTMBlockCell's peepholes) get the same weights.
                index = _WEIGHT_SEEDS[variable.op.name.rsplit("/", 1)[-1]]
                shape = variable.shape.as_list()
                values = np.sin(np.arange(np.prod(shape)) * 0.37 + index).reshape(shape)
                variable.load(values.astype(np.float32), sess)
            return names, sess.run([outputs, c, h])


@pytest.mark.parametrize(("block", "plain"), [
    (lambda: tf.contrib.rnn.LSTMBlockCell(5, forget_bias=0.0),
     lambda: tf.nn.rnn_cell.LSTMCell(5, forget_bias=0.0, name="lstm_cell")),
    (lambda: tf.contrib.rnn.LSTMBlockCell(5, use_peephole=True, cell_clip=0.5),
     lambda: tf.nn.rnn_cell.LSTMCell(5, use_peepholes=True, cell_clip=0.5, name="lstm_cell")),
])
def test_lstm_block_cell_is_lstm_cell_arithmetic_under_tensorflows_names(block, plain):
    block_names, block_values = _lstm_outputs(block)
    plain_names, plain_values = _lstm_outputs(plain)
    assert block_names[:2] == ["rnn/lstm_cell/kernel:0", "rnn/lstm_cell/bias:0"]
    # TensorFlow's LSTMBlockCell makes its peepholes in the order i, f, o (LSTMCell: f, i, o).
    assert block_names[2:] in ([], [f"rnn/lstm_cell/w_{g}_diag:0" for g in "ifo"])
    assert sorted(block_names) == sorted(plain_names)
    for got, want in zip(block_values, plain_values):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


def test_lstm_block_cell_reads_a_negative_clip_as_no_clipping():
    _, clipped = _lstm_outputs(lambda: tf.contrib.rnn.LSTMBlockCell(5, cell_clip=-1.0))
    _, plain = _lstm_outputs(lambda: tf.contrib.rnn.LSTMBlockCell(5))
    np.testing.assert_array_equal(clipped[1], plain[1])
