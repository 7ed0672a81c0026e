"""Session 12's sweep of TF1 course and book programs (CS20SI 2017, MIT 6.S191 2018,
dennybritz/reinforcement-learning, ...): what their programs showed smallflow doing
differently from TensorFlow 1.x, as specifications. TensorFlow's own answers for the same
graphs are in tests/oracle/cases_session12_sweep.py."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import smallflow as tf

# -- tf.make_tensor_proto: TensorFlow 1.x's storage rules (CS20SI's printed GraphDefs) -------


def _proto(*args, **kwargs):
    pytest.importorskip("tensorboard", reason="needs the tensorboard extra")
    return tf.make_tensor_proto(*args, **kwargs)


def test_a_scalar_goes_in_the_typed_field_not_in_bytes():
    proto = _proto(3)
    assert proto.tensor_content == b""
    assert list(proto.int_val) == [3]


@pytest.mark.parametrize(
    ("value", "dtype_enum"),
    [(3, 3), (2**40, 9), (1.5, 1), ([1, 2], 3), ([1.5, 2.5], 1), (np.float64(1.5), 2),
     (np.array([1, 2], np.int64), 9)],
)
def test_python_numbers_become_int32_and_float32_numpy_values_keep_their_dtype(value, dtype_enum):
    # DT_INT32 = 3, DT_INT64 = 9, DT_FLOAT = 1, DT_DOUBLE = 2
    assert _proto(value).dtype == dtype_enum


def test_several_numbers_are_stored_as_bytes():
    proto = _proto(np.arange(4, dtype=np.int32))
    assert proto.tensor_content == np.arange(4, dtype="<i4").tobytes()
    assert list(proto.int_val) == []


@pytest.mark.parametrize(
    ("values", "field", "expected"),
    [([True, False], "bool_val", [True, False]),
     (np.array([1 + 2j], np.complex64), "scomplex_val", [1.0, 2.0]),
     (np.array([1.0, 2.0], np.float16), "half_val", [15360, 16384])],
)
def test_booleans_complex_and_half_floats_use_typed_fields(values, field, expected):
    # TensorFlow 1.x stores only the plain number types as bytes (float16 joined in TF 2).
    proto = _proto(values)
    assert proto.tensor_content == b""
    assert list(getattr(proto, field)) == expected


def test_one_value_given_with_a_shape_is_stored_once():
    proto = _proto(0, shape=[2, 3])
    assert list(proto.int_val) == [0]
    assert [d.size for d in proto.tensor_shape.dim] == [2, 3]
    np.testing.assert_array_equal(tf.make_ndarray(proto), np.zeros([2, 3], np.int32))


def test_too_many_values_for_the_shape_are_refused():
    with pytest.raises(ValueError, match="Too many elements provided"):
        _proto([1, 2, 3], shape=[2])


def test_broadcasting_only_takes_one_value():
    with pytest.raises(TypeError, match="Expected Tensor's shape"):
        _proto([1, 2], shape=[3], allow_broadcast=True)


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(st.sampled_from([np.float32, np.float64, np.int32, np.int64, np.bool_,
                                   np.uint8, np.complex64, np.float16]),
                  hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3)))
def test_make_ndarray_gives_back_what_make_tensor_proto_stored(array):
    back = tf.make_ndarray(_proto(array))
    assert back.dtype == array.dtype
    np.testing.assert_array_equal(back, array)


def test_graph_def_constants_follow_the_same_rules():
    pytest.importorskip("tensorboard", reason="needs the tensorboard extra")
    graph = tf.Graph()
    with graph.as_default():
        tf.constant(2, name="a")
        tf.constant([1.0, 2.0], name="b")
    nodes = {n.name: n for n in graph.as_graph_def().node}
    assert list(nodes["a"].attr["value"].tensor.int_val) == [2]
    assert nodes["b"].attr["value"].tensor.tensor_content == np.array([1, 2], "<f4").tobytes()


# -- tf.ones_like of strings (CS20SI 02_simple_tf) --------------------------------------------


@pytest.mark.parametrize(
    "make",
    [lambda: tf.ones_like(["apple", "peach"]),
     lambda: tf.ones_like(tf.placeholder(tf.string)),
     lambda: tf.ones_like([1, 2], dtype=tf.string)],
)
def test_ones_like_of_strings_is_refused_as_tensorflow_refuses_a_string_one(make):
    with pytest.raises(TypeError, match=r"Expected string, got 1 of type 'int' instead\."):
        make()


def test_zeros_like_of_strings_still_gives_empty_strings():
    with tf.Session() as sess:
        assert list(sess.run(tf.zeros_like(["apple", "peach"]))) == [b"", b""]


# -- the global step found by name (dennybritz/reinforcement-learning) ------------------------


def test_a_variable_named_global_step_is_the_global_step():
    step = tf.Variable(0, name="global_step", trainable=False)
    assert tf.train.get_global_step() is step
    assert tf.contrib.framework.get_global_step() is step


def test_the_step_found_by_name_counts_training_steps():
    step = tf.Variable(0, name="global_step", trainable=False)
    x = tf.Variable(1.0)
    train = tf.train.GradientDescentOptimizer(0.1).minimize(
        x * x, global_step=tf.train.get_global_step())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        assert sess.run(step) == 3


def test_no_global_step_is_none():
    tf.Variable(0, name="other_step")
    assert tf.train.get_global_step() is None


def test_a_tensor_named_global_step_is_returned():
    named = tf.constant(4, name="global_step")
    assert tf.train.get_global_step() is named


def test_a_float_global_step_is_refused():
    tf.Variable(0.5, name="global_step")
    with pytest.raises(TypeError, match='Existing "global_step" does not have integer type'):
        tf.train.get_global_step()


def test_a_non_scalar_global_step_is_refused():
    tf.Variable([0, 0], name="global_step")
    with pytest.raises(TypeError, match='Existing "global_step" is not scalar'):
        tf.train.get_global_step()


def test_the_collection_wins_over_the_name():
    tf.Variable(0, name="global_step")
    created = tf.Variable(0, name="step", collections=[tf.GraphKeys.GLOBAL_VARIABLES,
                                                       tf.GraphKeys.GLOBAL_STEP])
    assert tf.train.get_global_step() is created


# -- tf.contrib.layers' summaries (the A3C estimators) -----------------------------------------


def _summary_values(fetch, feed):
    pytest.importorskip("tensorboard", reason="needs the tensorboard extra")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        event = tf.Summary.FromString(sess.run(fetch, feed))
    return {value.tag: value for value in event.value}


def test_summarize_activation_of_a_relu_counts_the_units_that_are_off():
    pytest.importorskip("tensorboard")  # summary ops need TensorBoard's protos
    x = tf.placeholder(tf.float32, [None, 4])
    act = tf.nn.relu(x - 0.5, name="act")
    hist = tf.contrib.layers.summarize_activation(act)
    assert hist.op.name == "act/activation"
    values = _summary_values(tf.summary.merge_all(), {x: [[0.0, 1.0, 2.0, 7.0]]})
    assert sorted(values) == ["act/activation", "act/zeros"]
    assert values["act/zeros"].simple_value == pytest.approx(0.25)
    assert values["act/activation"].histo.num == 4


def test_summarize_activation_of_relu6_also_counts_the_saturated_units():
    pytest.importorskip("tensorboard")  # summary ops need TensorBoard's protos
    x = tf.placeholder(tf.float32, [3])
    tf.contrib.layers.summarize_activation(tf.nn.relu6(x, name="r6"))
    values = _summary_values(tf.summary.merge_all(), {x: [-1.0, 3.0, 9.0]})
    assert values["r6/zeros"].simple_value == pytest.approx(1 / 3)
    assert values["r6/sixes"].simple_value == pytest.approx(1 / 3)


def test_summarize_activation_of_other_ops_is_only_a_histogram():
    pytest.importorskip("tensorboard")  # summary ops need TensorBoard's protos
    x = tf.placeholder(tf.float32, [3])
    tf.contrib.layers.summarize_activation(tf.tanh(x, name="t"))
    assert [s.op.name for s in tf.get_collection(tf.GraphKeys.SUMMARIES)] == ["t/activation"]


def test_summarize_tensor_by_rank_and_dtype():
    pytest.importorskip("tensorboard")  # summary ops need TensorBoard's protos
    scalar = tf.constant(2.0, name="s")
    vector = tf.constant([1.0, 2.0], name="v")
    assert tf.contrib.layers.summarize_tensor(scalar).op.type == "ScalarSummary"
    assert tf.contrib.layers.summarize_tensor(vector).op.type == "HistogramSummary"
    assert tf.contrib.layers.summarize_tensor(tf.constant("a")) is None
    assert tf.contrib.layers.summarize_tensor(tf.constant(True)) is None


def test_summarize_collection_filters_by_op_name():
    pytest.importorskip("tensorboard")  # summary ops need TensorBoard's protos
    tf.Variable(1.0, name="keep_a")
    tf.Variable([1.0, 2.0], name="keep_b")
    tf.Variable(3.0, name="drop")
    made = tf.contrib.layers.summarize_variables("keep")
    assert [s.op.name for s in made] == ["keep_a_summary", "keep_b_summary"]


def test_graph_keys_has_tensorflow_1_names():
    assert (tf.GraphKeys.WEIGHTS, tf.GraphKeys.BIASES, tf.GraphKeys.ACTIVATIONS) == (
        "weights", "biases", "activations")
    assert tf.GraphKeys.MOVING_AVERAGE_VARIABLES == "moving_average_variables"
    assert tf.GraphKeys.EVAL_STEP == "eval_step"


# -- tf.contrib.learn.read_batch_features (dennybritz/chatbot-retrieval's input_fn) ----------


def _write_records(path, count):
    pytest.importorskip("tensorboard", reason="needs the tensorboard extra")
    with tf.python_io.TFRecordWriter(str(path)) as writer:
        for i in range(count):
            example = tf.train.Example()
            example.features.feature["x"].int64_list.value.extend([i, 10 * i])
            example.features.feature["tags"].int64_list.value.extend(list(range(i % 3)))
            writer.write(example.SerializeToString())
    return str(path)


_FEATURES = {"x": tf.FixedLenFeature([2], tf.int64), "tags": tf.VarLenFeature(tf.int64)}


def _drain(fetch):
    batches = []
    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        try:
            while len(batches) < 50:
                batches.append(sess.run(fetch))
        except tf.errors.OutOfRangeError:
            pass
        coord.request_stop()
        coord.join(threads)
    return batches


def test_read_batch_features_reads_every_record_once_per_epoch(tmp_path):
    path = _write_records(tmp_path / "a.tfrecords", 10)
    features = tf.contrib.learn.io.read_batch_features(
        [path], batch_size=4, features=_FEATURES, reader=tf.TFRecordReader,
        randomize_input=False, num_epochs=2, name="read_batch_features_train")
    assert features["x"].shape.as_list() == [None, 2]
    assert isinstance(features["tags"], tf.SparseTensor)
    batches = _drain(features["x"])
    # 20 records in batches of 4: a smaller final batch is allowed with limited epochs.
    assert [len(b) for b in batches] == [4, 4, 4, 4, 4]
    firsts = sorted(int(row[0]) for batch in batches for row in batch)
    assert firsts == sorted(list(range(10)) * 2)
    names = {v.op.name for v in tf.local_variables()}
    assert "read_batch_features_train/file_name_queue/limit_epochs/epochs" in names


def test_read_batch_features_keeps_the_sparse_features(tmp_path):
    path = _write_records(tmp_path / "a.tfrecords", 3)
    features = tf.contrib.learn.read_batch_features(
        path, batch_size=3, features=_FEATURES, reader=tf.TFRecordReader,
        randomize_input=False, num_epochs=1)
    (tags,) = _drain(features["tags"])
    assert tags.indices.tolist() == [[1, 0], [2, 0], [2, 1]]
    assert tags.values.tolist() == [0, 0, 1]


def test_read_keyed_batch_features_gives_the_record_keys(tmp_path):
    path = _write_records(tmp_path / "a.tfrecords", 2)
    keys, features = tf.contrib.learn.io.read_keyed_batch_features(
        path, 2, _FEATURES, tf.TFRecordReader, randomize_input=False, num_epochs=1)
    ((got_keys, x),) = _drain([keys, features["x"]])
    assert [k.decode().endswith(f":{i}") for i, k in enumerate(got_keys)] == [True, True]
    assert x.tolist() == [[0, 0], [1, 10]]


def test_read_batch_examples_gives_serialized_records(tmp_path):
    path = _write_records(tmp_path / "a.tfrecords", 3)
    examples = tf.contrib.learn.read_batch_examples(
        [path], 1, tf.TFRecordReader, randomize_input=False, num_epochs=1)
    batches = _drain(examples)
    parsed = [tf.train.Example.FromString(b[0]) for b in batches]
    assert [list(p.features.feature["x"].int64_list.value) for p in parsed] == [
        [0, 0], [1, 10], [2, 20]]


def test_read_batch_record_features_reads_tfrecords(tmp_path):
    path = _write_records(tmp_path / "a.tfrecords", 4)
    features = tf.contrib.learn.read_batch_record_features(
        path, 2, {"x": _FEATURES["x"]}, randomize_input=False, num_epochs=1)
    assert [b.tolist() for b in _drain(features["x"])] == [[[0, 0], [1, 10]], [[2, 20], [3, 30]]]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"batch_size": 0}, "Invalid batch_size 0"),
     ({"batch_size": 20, "queue_capacity": 10}, "Invalid batch_size 20, with queue_capacity 10"),
     ({"num_epochs": 0}, "Invalid num_epochs 0"),
     ({"queue_capacity": 0}, "Invalid queue_capacity 0")],
)
def test_read_batch_features_argument_errors(tmp_path, kwargs, message):
    path = _write_records(tmp_path / "a.tfrecords", 1)
    arguments = {"batch_size": 2, **kwargs}
    with pytest.raises(ValueError, match=message):
        tf.contrib.learn.read_batch_features(path, features=_FEATURES,
                                             reader=tf.TFRecordReader, **arguments)


def test_read_batch_features_names_a_pattern_matching_nothing(tmp_path):
    with pytest.raises(ValueError, match="No files match"):
        tf.contrib.learn.read_batch_features(str(tmp_path / "none*"), 2, _FEATURES,
                                             tf.TFRecordReader)


# -- the input producers' names (contrib.learn's file_name_queue scope) -----------------------


def test_string_input_producer_names_its_queue_after_its_scope():
    queue = tf.train.string_input_producer(["a", "b"], num_epochs=2)
    assert queue.name == "input_producer"
    assert [v.op.name for v in tf.local_variables()] == ["input_producer/limit_epochs/epochs"]


def test_an_input_producer_given_a_scope_reuses_it():
    with tf.name_scope("files") as scope:
        queue = tf.train.string_input_producer(["a"], num_epochs=1, name=scope)
    assert queue.name == "files"
    assert [v.op.name for v in tf.local_variables()] == ["files/limit_epochs/epochs"]


def test_input_producers_summarize_how_full_their_queue_is():
    pytest.importorskip("tensorboard", reason="needs the tensorboard extra")
    tf.train.string_input_producer(["a", "b"], capacity=8)
    tf.train.range_input_producer(4)
    names = [s.op.name for s in tf.get_collection(tf.GraphKeys.SUMMARIES)]
    assert names == ["input_producer/fraction_of_8_full", "input_producer_1/fraction_of_32_full"]


def test_complex_values_with_infinite_parts_read_back_unchanged():
    values = np.array([complex(0, np.inf), complex(-np.inf, 1), complex(2, -3)], np.complex64)
    back = tf.make_ndarray(_proto(values))
    np.testing.assert_array_equal(back.real, values.real)
    np.testing.assert_array_equal(back.imag, values.imag)
