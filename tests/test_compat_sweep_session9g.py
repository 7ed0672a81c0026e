"""Session 9 sweep G (tensorflow/nmt, wiseodd/generative-models): what those programs needed,
as specifications. TensorFlow's own answers for the constructs compat.v1 still has are in
tests/oracle/cases_sweep_session9g.py; the contrib-only ones (HParams, index_table_from_file,
ModeKeys, create_local_cluster) follow TF 1.15's definitions."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf
from smallflow.contrib.training import HParams


def _vocab(tmp_path, lines, name="vocab.txt"):
    path = tmp_path / name
    path.write_text("".join(f"{line}\n" for line in lines))
    return str(path)


# -- lookup tables (nmt/utils/vocab_utils.py, model_helper.py) -------------------------------


def test_index_tables_map_words_to_line_numbers_and_back(tmp_path):
    path = _vocab(tmp_path, ["<unk>", "<s>", "</s>", "hello", "world"])
    ids = tf.contrib.lookup.index_table_from_file(path, default_value=0)
    words = tf.contrib.lookup.index_to_string_table_from_file(path, default_value="<unk>")
    found = ids.lookup(tf.constant([["hello", "zz"], ["</s>", "world"]]))
    back = words.lookup(tf.constant([3, 4, 9], tf.int64))
    assert found.shape.as_list() == [2, 2]
    assert found.dtype == tf.int64
    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        got_ids, got_words = sess.run([found, back])
    np.testing.assert_array_equal(got_ids, [[3, 0], [2, 4]])
    assert list(got_words) == [b"hello", b"world", b"<unk>"]


def test_lookup_before_tables_initializer_fails_as_in_tensorflow(tmp_path):
    table = tf.contrib.lookup.index_table_from_file(_vocab(tmp_path, ["a", "b"]))
    looked_up = table.lookup(tf.constant(["a"]))
    with tf.Session() as sess, pytest.raises(tf.errors.FailedPreconditionError,
                                             match="Table not initialized"):
        sess.run(looked_up)


def test_oov_buckets_follow_the_vocabulary_and_fingerprint64(tmp_path):
    # ids past the vocabulary: size + Fingerprint64(key) % num_oov_buckets.
    path = _vocab(tmp_path, ["<unk>", "<s>", "</s>", "hello", "world"])
    table = tf.contrib.lookup.index_table_from_file(path, num_oov_buckets=3)
    keys = tf.constant(["a", "hello", "b", "zebra"])
    expected = tf.where(tf.equal(keys, "hello"), tf.fill([4], tf.constant(3, tf.int64)),
                        tf.string_to_hash_bucket_fast(keys, 3) + 5)
    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        got, want, size = sess.run([table.lookup(keys), expected, table.size()])
    np.testing.assert_array_equal(got, want)
    assert size == 8


def test_a_table_runs_inside_a_dataset_map_function(tmp_path):
    # NMT's input pipeline: split lines, then look each word up in a vocabulary table.
    path = _vocab(tmp_path, ["<unk>", "<s>", "</s>", "a", "b"])
    table = tf.contrib.lookup.index_table_from_file(path, default_value=0)
    lines = tf.data.Dataset.from_tensor_slices(tf.constant(["a b", "b zz a"]))
    words = lines.map(lambda line: tf.string_split([line]).values)
    ids = words.map(lambda w: tf.cast(table.lookup(w), tf.int32))
    batched = ids.padded_batch(2, padded_shapes=tf.TensorShape([None]), padding_values=2)
    iterator = batched.make_initializable_iterator()
    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        sess.run(iterator.initializer)
        got = sess.run(iterator.get_next())
    np.testing.assert_array_equal(got, [[3, 4, 2], [4, 0, 3]])


def test_initializing_again_with_other_data_is_refused_and_same_data_accepted():
    values = tf.placeholder(tf.int64, [2])
    init = tf.contrib.lookup.KeyValueTensorInitializer(tf.constant(["a", "b"]), values)
    table = tf.contrib.lookup.HashTable(init, -1)
    with tf.Session() as sess:
        sess.run(table.initializer, {values: [1, 2]})
        sess.run(table.initializer, {values: [1, 2]})
        with pytest.raises(tf.errors.FailedPreconditionError, match="different data"):
            sess.run(table.initializer, {values: [1, 3]})
        assert sess.run(table.lookup(tf.constant("b"))) == 2


def test_a_file_table_initialized_again_keeps_its_entries(tmp_path):
    # TensorFlow ignores a second text-file initialization of an initialized table.
    path = tmp_path / "v.txt"
    path.write_text("a\nb\n")
    table = tf.contrib.lookup.index_table_from_file(str(path))
    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        path.write_text("b\na\n")
        sess.run(tf.tables_initializer())
        assert list(sess.run(table.lookup(tf.constant(["a", "b"])))) == [0, 1]


def test_each_session_has_its_own_tables(tmp_path):
    table = tf.contrib.lookup.index_table_from_file(_vocab(tmp_path, ["a"]))
    size = table.size()
    with tf.Session() as first:
        first.run(tf.tables_initializer())
        assert first.run(size) == 1
    with tf.Session() as second:
        assert second.run(size) == 0


def test_integer_keys_of_another_width_are_cast_for_the_int64_table(tmp_path):
    path = _vocab(tmp_path, ["10", "20", "30"])
    table = tf.contrib.lookup.index_table_from_file(path, key_dtype=tf.int32)
    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        assert list(sess.run(table.lookup(tf.constant([30, 5, 10])))) == [2, -1, 0]


@pytest.mark.parametrize(("build", "error", "message"), [
    (lambda path: tf.contrib.lookup.index_table_from_file(""), ValueError,
     "vocabulary_file must be specified"),
    (lambda path: tf.contrib.lookup.index_table_from_file(path, num_oov_buckets=-1),
     ValueError, "num_oov_buckets must be greater or equal than 0, got -1"),
    (lambda path: tf.contrib.lookup.index_table_from_file(path, vocab_size=0), ValueError,
     "vocab_size must be greater than 0, got 0"),
    (lambda path: tf.contrib.lookup.index_table_from_file(path, key_dtype=tf.float32),
     TypeError, "Only integer and string keys are supported"),
    (lambda path: tf.contrib.lookup.index_table_from_file(path).lookup(tf.constant([1])),
     TypeError, "Keys must be dtype <dtype: 'string'>, got <dtype: 'int32'>"),
    (lambda path: tf.contrib.lookup.TextFileInitializer(path, tf.string, -1, tf.int64, -2),
     ValueError, "Keys must be dtype <dtype: 'int64'>"),
    (lambda path: tf.contrib.lookup.TextFileInitializer(path, tf.string, -3, tf.int64, -1),
     ValueError, "Invalid key index -3"),
])
def test_vocabulary_arguments_are_checked_when_building(tmp_path, build, error, message):
    with pytest.raises(error, match=message):
        build(_vocab(tmp_path, ["a", "b"]))


def test_a_missing_vocabulary_file_is_named_when_initializing(tmp_path):
    missing = str(tmp_path / "nope.txt")
    tf.contrib.lookup.index_table_from_file(missing)
    with tf.Session() as sess, pytest.raises(tf.errors.NotFoundError, match="nope.txt"):
        sess.run(tf.tables_initializer())


def test_table_graphs_serialize_with_resource_handles(tmp_path):
    # nmt's FileWriter writes the graph: the HashTableV2 output is a DT_RESOURCE tensor.
    pytest.importorskip("tensorboard")
    tf.contrib.lookup.index_table_from_file(_vocab(tmp_path, ["a"]))
    nodes = {n.name: n for n in tf.get_default_graph().as_graph_def(add_shapes=True).node}
    handle = nodes["string_to_index/hash_table/hash_table"]
    assert handle.op == "HashTableV2"
    assert handle.attr["_output_types"].list.type == [20]  # DT_RESOURCE


def test_container_scope_names_the_tables_container():
    with tf.container("train"):
        table = tf.contrib.lookup.HashTable(
            tf.contrib.lookup.KeyValueTensorInitializer(["a"], [1], tf.string, tf.int64), -1)
    assert table.resource_handle.op.get_attr("container") == "train"


def test_sparse_keys_give_sparse_values():
    table = tf.contrib.lookup.index_table_from_tensor(["x", "y"])
    keys = tf.SparseTensor([[0, 0], [1, 2]], ["y", "q"], [2, 3])
    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        got = sess.run(table.lookup(keys))
    np.testing.assert_array_equal(got.values, [1, -1])
    np.testing.assert_array_equal(got.dense_shape, [2, 3])


# -- tf.contrib.training.HParams (nmt.py's create_hparams, misc_utils) -----------------------


def test_hparams_keep_each_value_type_and_parse_overrides():
    hparams = HParams(learning_rate=1.0, num_layers=2, attention="", layers=[64, 32],
                      beam=False)
    hparams.parse("learning_rate=0.5,num_layers=4,attention=luong,layers=[8,16,4],beam=true")
    assert hparams.values() == {"learning_rate": 0.5, "num_layers": 4, "attention": "luong",
                                "layers": [8, 16, 4], "beam": True}
    hparams.set_hparam("learning_rate", 2)  # an int into a float hyperparameter: cast
    assert isinstance(hparams.learning_rate, float)
    assert "num_layers" in hparams
    assert hparams.get("missing", 7) == 7


@pytest.mark.parametrize(("change", "message"), [
    (lambda h: h.set_hparam("num_layers", 2.5), "Could not cast hparam 'num_layers'"),
    (lambda h: h.set_hparam("attention", 3), "Could not cast hparam 'attention'"),
    (lambda h: h.set_hparam("num_layers", True), "Could not cast hparam 'num_layers'"),
    (lambda h: h.set_hparam("num_layers", [1]), "Must not pass a list"),
    (lambda h: h.parse("num_layers=x"), "Could not parse hparam 'num_layers' of type 'int'"),
    (lambda h: h.parse("unknown=1"), "Unknown hyperparameter type for unknown"),
    (lambda h: h.parse("num_layers=1,num_layers=2"), "Multiple assignments"),
    (lambda h: h.add_hparam("values", 1), "Hyperparameter name is reserved: values"),
    (lambda h: h.add_hparam("empty", []), "Multi-valued hyperparameters cannot be empty"),
    (lambda h: h.get("num_layers", "a"), "is incompatible with default=a"),
])
def test_hparams_refuse_values_that_do_not_fit(change, message):
    hparams = HParams(num_layers=2, attention="")
    with pytest.raises(ValueError, match=message):
        change(hparams)


def test_hparams_json_round_trip_as_nmt_saves_and_loads_them():
    saved = HParams(src="vi", num_units=128, dropout=0.2, metrics=["bleu"], share_vocab=False)
    saved.add_hparam("best_bleu", 0)
    loaded = HParams(src="", num_units=32, dropout=0.0, metrics=["x"], share_vocab=True,
                     best_bleu=1)
    loaded.parse_json(saved.to_json())
    assert loaded.values() == saved.values()
    assert json.loads(saved.to_json(sort_keys=True))["num_units"] == 128
    assert str(HParams(a=1, b="x")) == "a=1,b=x"
    assert repr(HParams(b=2, a=1)) == "HParams([('a', 1), ('b', 2)])"


_SCALARS = st.one_of(st.integers(-1000, 1000), st.floats(-1e3, 1e3, allow_nan=False),
                     st.text(alphabet="abcxyz_", max_size=6), st.booleans())


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z][a-z_]{0,6}", fullmatch=True), _SCALARS,
                       max_size=6))
def test_hparams_to_json_then_parse_json_gives_the_same_values(values):
    reserved = {name for name in values if hasattr(HParams, name)}
    values = {k: v for k, v in values.items() if k not in reserved}
    hparams = HParams(**values)
    copy = HParams(**values)
    copy.parse_json(hparams.to_json())
    assert copy.values() == values


# -- the rest of what nmt imports -------------------------------------------------------------


def test_contrib_names_nmt_uses():
    assert tf.contrib.learn.ModeKeys.TRAIN == "train"
    assert tf.contrib.learn.ModeKeys.EVAL == "eval"
    assert tf.contrib.learn.ModeKeys.INFER == "infer"
    assert tf.contrib.framework.nest.map_structure is tf.nest.map_structure
    assert tf.contrib.data.group_by_window is tf.data.experimental.group_by_window
    assert tf.contrib.rnn.DeviceWrapper is tf.nn.rnn_cell.DeviceWrapper


def test_device_wrapper_places_the_cell_and_keeps_its_variable_names():
    cell = tf.contrib.rnn.DeviceWrapper(tf.contrib.rnn.BasicLSTMCell(4), "/cpu:0")
    inputs = tf.zeros([2, 3, 5])
    outputs, _ = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
    names = sorted(v.name for v in tf.trainable_variables())
    assert names == ["rnn/basic_lstm_cell/bias:0", "rnn/basic_lstm_cell/kernel:0"]
    matmuls = [op for op in tf.get_default_graph().get_operations() if op.type == "MatMul"]
    assert matmuls
    assert all(op.device.endswith("CPU:0") for op in matmuls)
    assert outputs.shape.as_list() == [2, 3, 4]


def test_dataset_shard_takes_every_nth_element_from_a_fed_index():
    index = tf.placeholder(tf.int64, [])
    iterator = tf.data.Dataset.range(7).shard(3, index).make_initializable_iterator()
    element = iterator.get_next()
    with tf.Session() as sess:
        for shard, want in ((0, [0, 3, 6]), (2, [2, 5])):
            sess.run(iterator.initializer, {index: shard})
            got = [sess.run(element) for _ in want]
            assert got == want
            with pytest.raises(tf.errors.OutOfRangeError):
                sess.run(element)


def test_create_local_cluster_gives_one_worker_whose_target_runs_sessions():
    workers, ps_servers = tf.test.create_local_cluster(1, 0)
    assert ps_servers == []
    with tf.Session(workers[0].target) as sess:
        assert sess.run(tf.constant(3)) == 3
    workers[0]._stop()
    workers, ps_servers = tf.test.create_local_cluster(2, 1)  # test_cluster_runtime.py
    assert len(workers) == 2
    assert len(ps_servers) == 1
    for server in workers + ps_servers:
        server._stop()


def test_sessions_on_one_server_share_variables_and_local_sessions_do_not():
    # nmt's model_test trains in one session on worker.target, evaluates in another.
    server = tf.train.Server.create_local_server()
    with tf.Graph().as_default():
        v = tf.Variable(1.0, name="w")
        with tf.Session(server.target) as sess:
            sess.run(v.initializer)
            sess.run(v.assign(5.0))
    with tf.Graph().as_default():
        w = tf.Variable(0.0, name="w")
        with tf.Session(server.target) as sess:
            assert sess.run(w) == 5.0
        with tf.Session() as local, pytest.raises(tf.errors.FailedPreconditionError):
            local.run(w)


class _GpuPinnedTest(tf.test.TestCase):
    __test__ = False  # run by the test below, not collected on its own

    def runTest(self):  # noqa: N802 - unittest's name
        with tf.device("/gpu:0"):
            total = tf.constant(2.0) * 3.0
        with self.session() as sess:
            assert sess.run(total) == 6.0
        with self.cached_session() as sess:
            assert sess.run(total) == 6.0
        with tf.Session() as plain, pytest.raises(tf.errors.InvalidArgumentError,
                                                  match="Cannot assign a device"):
            plain.run(total)


def test_test_case_sessions_allow_soft_placement_as_tensorflow_does():
    result = _GpuPinnedTest().run()
    assert result.wasSuccessful(), result.failures + result.errors


def test_gfile_in_text_mode_writes_bytes_unchanged(tmp_path):
    path = str(tmp_path / "attention.png")
    with tf.gfile.GFile(path, mode="w") as handle:
        handle.write("head ")
        handle.write(b"\x89PNG\r\n\x1a\n")
        handle.write("tail")
    assert (tmp_path / "attention.png").read_bytes() == b"head \x89PNG\r\n\x1a\ntail"


def test_list_devices_lists_the_local_cpu():
    with tf.Session() as sess:
        devices = sess.list_devices()
    assert [d.name for d in devices] == ["/job:localhost/replica:0/task:0/device:CPU:0"]
    assert devices[0].device_type == "CPU"
    assert "device:CPU:0, CPU" in repr(devices[0])


def test_group_by_window_flushes_open_windows_in_ascending_key_order():
    # nmt's bucketing (num_buckets > 1): the last, partial batch of each bucket comes out
    # by bucket id, as TensorFlow's ordered map of groups gives them.
    keys = tf.constant([4, 1, 3, 1, 0, 4], tf.int64)
    dataset = tf.data.Dataset.from_tensor_slices(keys).apply(tf.contrib.data.group_by_window(
        key_func=lambda x: x, reduce_func=lambda key, window: window.batch(8), window_size=2))
    element = dataset.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        got = [sess.run(element).tolist() for _ in range(4)]
    assert got == [[1, 1], [4, 4], [0], [3]]


# -- updates fetched together work on the variable as it is (wasserstein_gan, dual_gan) -------


def test_updates_fetched_together_all_take_effect():
    # Each update kernel works on the variable's current value, as on TF1's reference:
    # nothing another update of the same run wrote is lost.
    v = tf.Variable(0.0)
    updates = [v.assign_add(1.0), v.assign_add(2.0), v.assign_sub(0.5)]
    with tf.Session() as sess:
        sess.run(v.initializer)
        sess.run(updates)
        assert sess.run(v) == 2.5


def test_weight_clipping_fetched_with_the_optimizer_is_not_undone():
    # wgan_tensorflow.py runs [D_solver, D_loss, clip_D] in one step: the clipped value and
    # the optimizer's step must both reach the variable, whatever order they run in.
    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.Variable(np.full((3, 2), 0.5, np.float32))
    loss = tf.reduce_mean(tf.matmul(x, w))
    solver = tf.train.GradientDescentOptimizer(0.001).minimize(-loss)
    clip = w.assign(tf.clip_by_value(w, -0.01, 0.01))
    with tf.Session() as sess:
        sess.run(w.initializer)
        for _ in range(3):
            sess.run([solver, loss, clip], {x: np.ones((4, 3), np.float32)})
            value = sess.run(w)
            assert np.abs(value).max() <= 0.01 + 0.001 * 1.5 / 2 + 1e-7


def test_static_hash_table_takes_its_name_third():
    init = tf.lookup.KeyValueTensorInitializer(["a"], [1], tf.string, tf.int64)
    table = tf.lookup.StaticHashTable(init, -1, "vocab_table")
    assert table.resource_handle.op.name == "vocab_table"
    assert table.resource_handle.op.get_attr("shared_name") == ""
    assert table.lookup(tf.constant(["a"])).op.name.startswith("vocab_table_Lookup/")


def test_session_reset_clears_what_the_server_keeps():
    server = tf.train.Server.create_local_server()
    v = tf.Variable(1.0, name="kept")
    with tf.Session(server.target) as sess:
        sess.run(v.initializer)
    tf.Session.reset(server.target, ["another_container"])
    with tf.Session(server.target) as sess:
        assert sess.run(v) == 1.0
    tf.Session.reset(server.target)
    with tf.Session(server.target) as sess, pytest.raises(tf.errors.FailedPreconditionError):
        sess.run(v)
    tf.Session.reset("")  # nothing kept locally: accepted


# -- DropoutWrapper: variational masks and TF's default state filter ----------------------------


class _Echo(tf.nn.rnn_cell.RNNCell):
    """A cell whose output is its input (the masks can be read off it)."""

    @property
    def state_size(self):
        return 6

    @property
    def output_size(self):
        return 6

    def call(self, inputs, state):
        return inputs, state


def test_variational_dropout_keeps_one_mask_for_all_steps_and_rows():
    cell = tf.nn.rnn_cell.DropoutWrapper(_Echo(), input_keep_prob=0.5, variational_recurrent=True,
                                         input_size=6, dtype=tf.float32, seed=3)
    out, _ = tf.nn.dynamic_rnn(cell, tf.ones([4, 5, 6]), dtype=tf.float32)
    with tf.Session() as sess:
        first, second = sess.run(out), sess.run(out)
    assert (first == first[:1, :1]).all()  # one [1, 6] mask: every row, every step
    assert set(np.unique(first)) <= {0.0, 2.0}  # kept values scaled by 1 / keep_prob
    assert first.shape == second.shape  # a new mask each run (values may differ)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"variational_recurrent": True, "input_size": 6}, "dtype must be provided"),
    ({"variational_recurrent": True, "dtype": tf.float32}, "input_size must be provided"),
])
def test_variational_dropout_needs_dtype_and_input_size(kwargs, message):
    with pytest.raises(ValueError, match=message):
        tf.nn.rnn_cell.DropoutWrapper(_Echo(), input_keep_prob=0.5, **kwargs)


def test_state_dropout_leaves_every_lstm_memory_cell_alone():
    # TF's default filter visits the whole state: in a MultiRNNCell of LSTMs each c is
    # kept, each h dropped.
    stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(3), tf.nn.rnn_cell.LSTMCell(3)])
    wrapped = tf.nn.rnn_cell.DropoutWrapper(stack, state_keep_prob=0.5)
    start = wrapped.zero_state(2, tf.float32)
    with tf.variable_scope("cells"):
        _, dropped = wrapped(tf.ones([2, 4]), start)
    with tf.variable_scope("cells", reuse=True):
        _, plain = stack(tf.ones([2, 4]), start)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, want = sess.run([dropped, plain])
    for layer in range(2):
        np.testing.assert_array_equal(got[layer].c, want[layer].c)
        assert set(np.unique(got[layer].h / want[layer].h).round(4)) <= {0.0, 2.0}
