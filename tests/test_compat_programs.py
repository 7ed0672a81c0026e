"""Constructs found by the compatibility sweeps of TF1 example collections (docs/compatibility.md).

Each row is a few lines in the style of a course or book program, reduced to the construct that
broke, with what TensorFlow 1.x gives for it. The programs themselves are not copied here.
"""

import numpy as np
import pytest

import smallflow as tf


def _batch_norm_with_training_placeholder():
    # hunkim lab-10-7: contrib batch_norm fed `is_training` through a bool placeholder, then
    # fully_connected, which needs the last dimension.
    x = tf.placeholder(tf.float32, [None, 6])
    training = tf.placeholder(tf.bool, name="train_mode")
    dense = tf.layers.batch_normalization(x, training=training)
    contrib = tf.contrib.layers.batch_norm(x, is_training=training, updates_collections=None)
    out = tf.contrib.layers.fully_connected(contrib, 3)
    return [dense.shape.as_list(), contrib.shape.as_list(), out.shape.as_list()]


def _feed_lstm_state_tuple():
    # MorvanZhou 403: the final LSTMStateTuple of one run is fed back as the initial state.
    cell = tf.nn.rnn_cell.BasicLSTMCell(4)
    x = tf.placeholder(tf.float32, [1, 3, 2])
    init = cell.zero_state(1, tf.float32)
    out, final = tf.nn.dynamic_rnn(cell, x, initial_state=init)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        data = np.ones((1, 3, 2), np.float32)
        first = sess.run(final, {x: data})
        again = sess.run(final, {x: data, init: first})
        shape = sess.run(out, {x: data, init: first}).shape
    return [type(first).__name__, bool(np.all(first.h != again.h)), shape]


def _feed_nested_tuple_key():
    a, b, c = (tf.placeholder(tf.float32, [], name=n) for n in "abc")
    total = a + b * c
    with tf.Session() as sess:
        return sess.run(total, {(a, (b, c)): (1.0, [2.0, 3.0])})


def _feed_tuple_holding_a_sparse_tensor():
    # A SparseTensor is a namedtuple but one feed: inside a tuple key it stays a leaf.
    sparse = tf.sparse_placeholder(tf.float32, shape=[2, 2])
    scale = tf.placeholder(tf.float32, [])
    total = tf.sparse_reduce_sum(sparse) * scale
    value = tf.SparseTensorValue([[0, 0], [1, 1]], [1.0, 2.0], [2, 2])
    with tf.Session() as sess:
        return sess.run(total, {(sparse, scale): (value, 10.0)})


def _float64_logits_with_default_weights():
    # tensorflow/examples/learn iris_custom_model: sklearn's float64 features make float64
    # logits; tf.losses weights them in float32 and casts the loss back.
    logits = tf.constant([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]], tf.float64)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=[0, 2], logits=logits)
    with tf.Session() as sess:
        return [loss.dtype.name, round(float(sess.run(loss)), 4)]


def _dataset_made_in_another_graph():
    # get_started/regression: the datasets are made once, the Estimator's input_fn makes
    # the one-shot iterator in the Estimator's graph (TF1 captures the dataset by value).
    made = tf.data.Dataset.from_tensor_slices(([1.0, 2.0, 3.0], [4, 5, 6]))
    made = made.map(lambda x, y: (x * 10.0, y))
    with tf.Graph().as_default():
        x, y = made.batch(2).make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            first = sess.run([x, y])
            second = sess.run([x, y])
    return [first[0].tolist(), first[1].tolist(), second[0].tolist()]


def _variable_scope_object_reentered():
    # EffectiveTensorflow make_parallel: `variable_scope(tf.get_variable_scope(), reuse=...)`
    # at the top opens no name scope; a scope object re-entered elsewhere opens a new one.
    with tf.variable_scope(tf.get_variable_scope(), reuse=tf.AUTO_REUSE) as root:
        names = [root.name, root.original_name_scope, tf.constant(1).op.name]
    with tf.variable_scope("foo") as foo:
        pass
    with tf.variable_scope("outer"), tf.variable_scope(foo, reuse=tf.AUTO_REUSE) as again:
        names += [again.name, again.original_name_scope, tf.constant(1).op.name,
                  tf.get_variable("v", [1]).op.name]
    return names


def _batch_larger_than_queue_capacity():
    # how_tos/reading_data/fully_connected_preloaded: tf.train.batch(batch_size=100) keeps its
    # default capacity of 32; TF's dequeue_many takes elements as they arrive.
    (value,) = tf.train.slice_input_producer([tf.range(250)], num_epochs=1, shuffle=False)
    batch = tf.train.batch([value], batch_size=100)  # a list of one: one tensor back
    firsts = [type(batch).__name__, batch.op.name]
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        try:
            while True:
                firsts.append(int(sess.run(batch)[0]))
        except tf.errors.OutOfRangeError as error:
            end = error.message.splitlines()[0]
        coord.request_stop()
        coord.join(threads)
    return [firsts, end]


def _batch_structures():
    x = tf.constant([1.0, 2.0])
    single = tf.train.shuffle_batch([x], 4, capacity=10, min_after_dequeue=2)
    pair = tf.train.batch((x, x), 4)
    named = tf.train.batch_join([{"a": x}], 4)
    return [single.name, single.shape.as_list(), [t.name for t in pair], list(named)]


def _closed_queue_keeps_a_failed_batch():
    queue = tf.FIFOQueue(5, tf.int32, shapes=[])  # one dtype, one (scalar) shape
    with tf.Session() as sess:
        sess.run(queue.enqueue_many([[1, 2, 3]]))
        sess.run(queue.close())
        try:
            sess.run(queue.dequeue_many(4))
        except tf.errors.OutOfRangeError as error:
            message = error.message.splitlines()[0]
        return [message, sess.run(queue.dequeue_up_to(4)).tolist()]


CASES = [
    ("tf.train.batch larger than its queue's capacity", _batch_larger_than_queue_capacity,
     [["Tensor", "batch", 0, 100],
      "FIFOQueue 'batch/fifo_queue' is closed and has insufficient elements "
      "(requested 50, current size 0)"]),
    ("tf.train batching returns the structure it was given", _batch_structures,
     ["shuffle_batch:0", [4, 2], ["batch:0", "batch:1"], ["a"]]),
    ("a failed dequeue_many leaves the elements in the closed queue",
     _closed_queue_keeps_a_failed_batch,
     ["FIFOQueue 'fifo_queue' is closed and has insufficient elements (requested 1, current "
      "size 0)", [1, 2, 3]]),
    ("float64 logits in tf.losses", _float64_logits_with_default_weights,
     ["float64", 0.1755]),
    ("one-shot iterator over a dataset of another graph", _dataset_made_in_another_graph,
     [[10.0, 20.0], [4, 5], [30.0]]),
    ("variable scope objects re-entered", _variable_scope_object_reentered,
     ["", "", "Const", "foo", "foo/", "outer/foo/Const", "foo/v"]),
    ("batch norm, training placeholder, keeps shape", _batch_norm_with_training_placeholder,
     [[None, 6], [None, 6], [None, 3]]),
    ("LSTMStateTuple as a feed_dict key", _feed_lstm_state_tuple,
     ["LSTMStateTuple", True, (1, 3, 4)]),
    ("nested tuple of placeholders as a feed_dict key", _feed_nested_tuple_key, 7.0),
    ("a SparseTensor inside a tuple key", _feed_tuple_holding_a_sparse_tensor, 30.0),
]


@pytest.mark.parametrize(("build", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_construct_behaves_as_in_tensorflow(build, expected):
    assert build() == expected


def _feed_mismatched_nest():
    a, b = tf.placeholder(tf.float32, []), tf.placeholder(tf.float32, [])
    with tf.Session() as sess:
        sess.run(a + b, {(a, b): (1.0, 2.0, 3.0)})


def _one_shot_over_another_graphs_variable():
    with tf.Graph().as_default():
        scale = tf.Variable(2.0)
        made = tf.data.Dataset.from_tensors(scale * 1.0)
    made.make_one_shot_iterator()


ERRORS = [
    ("a one-shot iterator cannot capture another graph's variable",
     _one_shot_over_another_graphs_variable, ValueError,
     "Cannot capture a stateful node .*type:VariableV2.* by value"),
    ("a tuple key with a value of another length", _feed_mismatched_nest, ValueError,
     "Key had 2 elements, but value had 3 elements"),
]


@pytest.mark.parametrize(("build", "error", "message"), [c[1:] for c in ERRORS],
                         ids=[c[0] for c in ERRORS])
def test_construct_fails_as_in_tensorflow(build, error, message):
    with pytest.raises(error, match=message):
        build()


def test_the_projector_config_is_written_where_tensorboard_reads_it(tmp_path):
    # CS20 04_word2vec_visualize: name the embedding and its labels for TensorBoard.
    pytest.importorskip("tensorboard", reason="needs the tensorboard extra")
    from google.protobuf import text_format

    from smallflow.contrib.tensorboard.plugins import projector

    embedding = tf.Variable(tf.zeros([5, 2]), name="embedding")
    writer = tf.summary.FileWriter(str(tmp_path))
    config = projector.ProjectorConfig()
    entry = config.embeddings.add()
    entry.tensor_name = embedding.name
    entry.metadata_path = "vocab.tsv"
    projector.visualize_embeddings(writer, config)
    writer.close()
    text = (tmp_path / projector.PROJECTOR_FILENAME).read_text()
    parsed = text_format.Parse(text, projector.ProjectorConfig())
    assert [(e.tensor_name, e.metadata_path) for e in parsed.embeddings] == [
        ("embedding:0", "vocab.tsv")]
    assert tf.contrib.tensorboard.plugins.projector is projector
    with pytest.raises(TypeError, match="ProjectorConfig"):
        projector.visualize_embeddings(writer, {"embeddings": []})


def test_tensorflow_python_module_paths_answer_with_the_public_api():
    # hunkim lab-10-8 (a SELU dropout written against TensorFlow's internal modules).
    from smallflow.python.framework import ops, tensor_shape, tensor_util
    from smallflow.python.layers import utils
    from smallflow.python.ops import array_ops, math_ops, nn_ops, random_ops

    with ops.name_scope("selu") as scope:
        x = ops.convert_to_tensor([[-1.0, 2.5]], name="x")
    assert scope == "selu/"
    assert x.op.name == "selu/x"
    assert tensor_util.constant_value(ops.convert_to_tensor(1.0)) == 1.0
    keep = tf.placeholder(tf.float32, [])
    assert tensor_util.constant_value(keep) is None
    keep.get_shape().assert_is_compatible_with(tensor_shape.scalar())
    noise = random_ops.random_uniform(array_ops.shape(x), dtype=x.dtype)
    assert math_ops.floor(noise).shape.as_list() == [1, 2]
    assert nn_ops.relu is tf.nn.relu
    training = tf.placeholder(tf.bool, [])
    chosen = utils.smart_cond(training, lambda: x * 2.0, lambda: array_ops.identity(x))
    assert utils.smart_cond(True, lambda: "now", lambda: "never") == "now"
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(chosen, {training: True}), [[-2.0, 5.0]])
    with pytest.raises(AttributeError, match="math_ops.*no_such_function"):
        math_ops.no_such_function  # noqa: B018


@pytest.mark.parametrize(("name", "value"), [("ON_1", 1), ("ON_2", 2), ("OFF", -1), ("DEFAULT", 0),
                                        ("L1", 0), ("L0", -1)])
def test_optimizer_options_has_config_proto_enum_values(name, value):
    # TensorFlow's mnist_softmax_xla.py turns XLA on through the session config.
    config = tf.ConfigProto()
    config.graph_options.optimizer_options.global_jit_level = getattr(tf.OptimizerOptions, name)
    assert config.graph_options.optimizer_options.global_jit_level == value
