"""Session 10 sweep H (TensorFlow's r1 guide and tutorials, snippet by snippet): what the
guide's snippets showed smallflow doing differently from TensorFlow, as specifications.
TensorFlow's own answers for the same snippets are in tests/oracle/cases_session10_swH.py."""

import collections

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf

CPU = "/job:localhost/replica:0/task:0/device:CPU:0"

# -- device placement (guide "Graphs and Sessions", "Using GPUs") ---------------------------


@pytest.mark.parametrize("soft", [False, True])
def test_a_local_session_has_no_ps_job_even_with_soft_placement(soft):
    # graphs.md: variables pinned to "/job:ps/task:0" cannot run in a local session.
    with tf.device("/job:ps/task:0"):
        weights = tf.Variable(tf.zeros([3]), name="weights")
    config = tf.ConfigProto(allow_soft_placement=soft)
    with tf.Session(config=config) as sess, pytest.raises(tf.errors.InvalidArgumentError) as err:
        sess.run(weights.initializer)
    assert "explicitly assigned to /job:ps/task:0 but available devices are" in str(err.value)


def test_the_whole_graph_is_placed_so_an_unrun_pinned_op_fails_every_run():
    # TensorFlow places every op of the graph at the first run, not only the ops needed.
    with tf.device("/device:GPU:0"):
        tf.square(tf.constant(2.0), name="on_gpu")
    three = tf.constant(3.0, name="three")
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="operation on_gpu: "):
        sess.run(three)


def _placement_lines(text):
    return [line for line in text.splitlines() if line.endswith(CPU)]


def test_log_device_placement_prints_the_whole_graph_generators_last_and_again_on_growth(capsys):
    a = tf.constant([1.0, 2.0], name="a")
    v = tf.Variable([3.0, 4.0], name="v")
    s = tf.add(a, v, name="s")
    t = tf.multiply(s, 2.0, name="t")
    tf.square(a, name="unrelated")
    sess = tf.Session(config=tf.ConfigProto(log_device_placement=True))
    sess.run(v.initializer)
    first = _placement_lines(capsys.readouterr().out)
    # What TensorFlow prints: ops with inputs (and variables) in creation order, then the
    # "generators" (constants, placeholders), which its placer puts with their consumers.
    expected = ["v: (VariableV2)", "v/Assign: (Assign)", "v/read: (Identity)", "s: (Add)",
                "t: (Mul)", "unrelated: (Square)", "a: (Const)", "v/initial_value: (Const)",
                "t/y: (Const)"]
    assert first == [f"{line}: {CPU}" for line in expected]
    sess.run(t)
    assert _placement_lines(capsys.readouterr().out) == []  # the graph has not changed
    tf.negative(t, name="u")
    sess.run(t)
    again = _placement_lines(capsys.readouterr().out)
    assert again == [f"{line}: {CPU}" for line in expected[:6] + ["u: (Neg)"] + expected[6:]]
    sess.close()


# -- tf.ragged (guide "Ragged Tensors", graph mode) ------------------------------------------


def _run(fetches):
    with tf.Session() as sess:
        return sess.run(fetches)


def test_ragged_constant_prints_its_parts_and_fetches_a_ragged_value():
    digits = tf.ragged.constant([[3, 1, 4, 1], [], [5, 9, 2], [6], []])
    assert str(digits) == (
        'tf.RaggedTensor(values=Tensor("RaggedConstant/values:0", shape=(8,), dtype=int32), '
        'row_splits=Tensor("RaggedConstant/Const:0", shape=(6,), dtype=int64))')
    assert digits.shape.as_list() == [5, None]
    assert (digits.dtype, digits.ragged_rank) == (tf.int32, 1)
    value = _run(digits)
    assert isinstance(value, tf.ragged.RaggedTensorValue)
    assert value.to_list() == [[3, 1, 4, 1], [], [5, 9, 2], [6], []]
    assert str(value) == "<tf.RaggedTensorValue [[3, 1, 4, 1], [], [5, 9, 2], [6], []]>"
    assert value.row_splits.tolist() == [0, 4, 4, 7, 8, 8]
    assert value.shape == (5, None)


def test_ragged_constant_checks_nesting_and_types():
    with pytest.raises(ValueError, match="same nesting depth"):
        tf.ragged.constant(["A", ["B", "C"]])
    with pytest.raises(TypeError, match="Failed to convert elements"):
        tf.ragged.constant([["one", "two"], [3, 4]])
    assert tf.ragged.constant([[], []]).dtype == tf.float32
    nested = tf.ragged.constant([[[1, 2, 3], [4]], [[5], [], [6]], [[7]], [[8, 9], [10]]])
    assert nested.ragged_rank == 2
    assert nested.shape.as_list() == [4, None, None]
    inner = tf.ragged.constant([[[1, 2], [3, 4], [5, 6]], [[7, 8]]], ragged_rank=1)
    assert inner.values.shape.as_list() == [4, 2]


ROWS = [3, 1, 4, 1, 5, 9, 2, 6]


@pytest.mark.parametrize("make", [
    lambda: tf.RaggedTensor.from_row_splits(ROWS, row_splits=[0, 4, 4, 7, 8, 8]),
    lambda: tf.RaggedTensor.from_row_lengths(ROWS, row_lengths=[4, 0, 3, 1, 0]),
    lambda: tf.RaggedTensor.from_row_starts(ROWS, row_starts=[0, 4, 4, 7, 8]),
    lambda: tf.RaggedTensor.from_row_limits(ROWS, row_limits=[4, 4, 7, 8, 8]),
    lambda: tf.RaggedTensor.from_value_rowids(ROWS, value_rowids=[0, 0, 0, 0, 2, 2, 2, 3],
                                              nrows=5),
])
def test_ragged_factories_agree(make):
    assert _run(make()).to_list() == [[3, 1, 4, 1], [], [5, 9, 2], [6], []]


def test_ragged_row_partition_accessors():
    rt = tf.RaggedTensor.from_row_splits(ROWS, row_splits=[0, 4, 4, 7, 8, 8])
    lengths, nrows, rowids, starts, limits, bound = _run(
        [rt.row_lengths(), rt.nrows(), rt.value_rowids(), rt.row_starts(), rt.row_limits(),
         rt.bounding_shape()])
    assert lengths.tolist() == [4, 0, 3, 1, 0]
    assert nrows == 5
    assert rowids.tolist() == [0, 0, 0, 0, 2, 2, 2, 3]
    assert (starts.tolist(), limits.tolist()) == ([0, 4, 4, 7, 8], [4, 4, 7, 8, 8])
    assert bound.tolist() == [5, 4]


def test_ragged_to_and_from_dense_and_sparse():
    words = tf.ragged.constant([["Hi"], ["Welcome", "to", "the", "fair"], ["Have", "fun"]])
    dense = _run(words.to_tensor(default_value=""))
    assert dense.tolist() == [[b"Hi", b"", b"", b""], [b"Welcome", b"to", b"the", b"fair"],
                              [b"Have", b"fun", b"", b""]]
    sparse = _run(words.to_sparse())
    assert sparse.indices.tolist() == [[0, 0], [1, 0], [1, 1], [1, 2], [1, 3], [2, 0], [2, 1]]
    assert sparse.dense_shape.tolist() == [3, 4]
    padded = tf.RaggedTensor.from_tensor([[1, 3, -1, -1], [2, -1, -1, -1], [4, 5, 8, 9]],
                                         padding=-1)
    assert _run(padded).to_list() == [[1, 3], [2], [4, 5, 8, 9]]
    st = tf.SparseTensor(indices=[[0, 0], [2, 0], [2, 1]], values=["a", "b", "c"],
                         dense_shape=[3, 3])
    assert _run(tf.RaggedTensor.from_sparse(st)).to_list() == [[b"a"], [], [b"b", b"c"]]
    nested = tf.ragged.constant([[[1, 2], [3]], [[4, 5]]])
    assert _run(nested.to_tensor()).tolist() == [[[1, 2], [3, 0]], [[4, 5], [0, 0]]]


def test_ragged_elementwise_ops_and_operators_keep_the_row_partition():
    digits = tf.ragged.constant([[3, 1, 4, 1], [], [5, 9, 2], [6], []])
    results = _run([tf.add(digits, 3), digits + digits, 2 - digits, -digits, digits > 2,
                    tf.ragged.map_flat_values(lambda x: x * 2 + 1, digits)])
    assert [r.to_list() for r in results] == [
        [[6, 4, 7, 4], [], [8, 12, 5], [9], []],
        [[6, 2, 8, 2], [], [10, 18, 4], [12], []],
        [[-1, 1, -2, 1], [], [-3, -7, 0], [-4], []],
        [[-3, -1, -4, -1], [], [-5, -9, -2], [-6], []],
        [[True, False, True, False], [], [True, True, False], [True], []],
        [[7, 3, 9, 3], [], [11, 19, 5], [13], []]]
    rows = tf.ragged.constant([[10, 87, 12], [19, 53], [12, 32]])
    assert _run(rows + [[1000], [2000], [3000]]).to_list() == [
        [1010, 1087, 1012], [2019, 2053], [3012, 3032]]
    pairs = tf.ragged.constant([[[1, 2], [3, 4], [5, 6]], [[7, 8]]], ragged_rank=1)
    assert _run(pairs + tf.constant([[10]])).to_list() == [[[11, 12], [13, 14], [15, 16]],
                                                          [[17, 18]]]
    with pytest.raises(tf.errors.InvalidArgumentError, match="identical ragged splits"):
        tf.ragged.constant([[1, 2, 3], [4], [5, 6]]) + tf.ragged.constant(
            [[10, 20], [30, 40], [50]])


def test_ragged_reductions_match_tensorflows_values():
    digits = tf.ragged.constant([[3, 1, 4, 1], [], [5, 9, 2], [6], []])
    fetched = _run({
        "sum1": tf.reduce_sum(digits, axis=1), "mean1": tf.reduce_mean(digits, axis=1),
        "max1": tf.reduce_max(digits, axis=1), "sum0": tf.reduce_sum(digits, axis=0),
        "mean0": tf.reduce_mean(digits, axis=0), "prod": tf.reduce_prod(digits),
        "mean": tf.reduce_mean(digits)})
    assert fetched["sum1"].tolist() == [9, 0, 16, 6, 0]
    assert fetched["mean1"].dtype == np.float64  # int32 sums over int32 counts
    np.testing.assert_allclose(fetched["mean1"], [2.25, np.nan, 16 / 3, 6.0, np.nan])
    assert fetched["max1"].tolist() == [4, -2**31, 9, 6, -2**31]
    assert fetched["sum0"].tolist() == [14, 10, 6, 1]
    np.testing.assert_allclose(fetched["mean0"], [14 / 3, 5.0, 3.0, 1.0])
    assert (fetched["prod"], fetched["mean"]) == (6480, 3.875)


def test_ragged_indexing_and_concat():
    rt = tf.ragged.constant([[[1, 2, 3], [4]], [[5], [], [6]], [[7]], [[8, 9], [10]]])
    first, item, middle, last = _run([rt[1], rt[3, 0], rt[:, 1:3], rt[:, -1:]])
    assert first.to_list() == [[5], [], [6]]
    assert item.tolist() == [8, 9]
    assert middle.to_list() == [[[4]], [[], [6]], [], [[10]]]
    assert last.to_list() == [[[4]], [[6]], [[7]], [[10]]]
    queries = tf.ragged.constant([["Who", "is", "George", "Washington"],
                                  ["What", "is", "the", "weather", "tomorrow"], ["Goodnight"]])
    assert queries[1].shape.as_list() == [5]
    word, rest, head = _run([queries[1, 2], queries[1:], queries[:, :3]])
    assert word == b"the"
    assert rest.to_list() == [[b"What", b"is", b"the", b"weather", b"tomorrow"], [b"Goodnight"]]
    assert head.to_list() == [[b"Who", b"is", b"George"], [b"What", b"is", b"the"],
                              [b"Goodnight"]]
    with pytest.raises(ValueError, match="inner ragged dimension"):
        queries[:, 1]
    x = tf.ragged.constant([["John"], ["a", "big", "dog"], ["my", "cat"]])
    y = tf.ragged.constant([["fell", "asleep"], ["barked"], ["is", "fuzzy"]])
    digits = tf.ragged.constant([[3, 1, 4, 1], [], [5, 9, 2], [6], []])
    rows, joined = _run([tf.concat([digits, [[5, 3]]], axis=0), tf.concat([x, y], axis=1)])
    assert rows.to_list() == [[3, 1, 4, 1], [], [5, 9, 2], [6], [], [5, 3]]
    assert joined.to_list() == [[b"John", b"fell", b"asleep"], [b"a", b"big", b"dog", b"barked"],
                                [b"my", b"cat", b"is", b"fuzzy"]]


def test_ragged_values_take_gradients():
    weights = tf.constant([1.0, 2.0, 3.0, 4.0])
    rt = tf.RaggedTensor.from_row_lengths(weights * weights, [3, 0, 1])
    total = tf.reduce_sum(tf.reduce_mean(rt, axis=1) * 0.0 + tf.reduce_sum(rt.to_tensor(),
                                                                           axis=1))
    gradient = _run(tf.gradients(total, weights)[0])
    assert gradient.tolist() == [2.0, 4.0, 6.0, 8.0]


@given(st.lists(st.lists(st.integers(-50, 50), max_size=4), min_size=1, max_size=5))
@settings(max_examples=25, deadline=None)
def test_ragged_constant_round_trips_and_row_sums_match_python(rows):
    with tf.Graph().as_default():
        rt = tf.ragged.constant(rows, dtype=tf.int64)
        value, sums, dense = _run([rt, tf.reduce_sum(rt, axis=1), rt.to_tensor()])
    assert value.to_list() == rows
    assert sums.tolist() == [sum(r) for r in rows]
    width = max(len(r) for r in rows)
    assert dense.tolist() == [r + [0] * (width - len(r)) for r in rows]


def test_sparse_tensor_prints_as_tensorflow_and_names_its_constants():
    st = tf.SparseTensor(indices=[[0, 0]], values=[1.0], dense_shape=[3, 3])
    assert repr(st) == (
        'SparseTensor(indices=Tensor("SparseTensor/indices:0", shape=(1, 2), dtype=int64), '
        'values=Tensor("SparseTensor/values:0", shape=(1,), dtype=float32), '
        'dense_shape=Tensor("SparseTensor/dense_shape:0", shape=(2,), dtype=int64))')


# -- names, messages and Graph APIs the guides print ------------------------------------------


def test_reshape_errors_use_tensorflows_wording():
    x = tf.ones([4, 3, 5])
    with pytest.raises(ValueError, match="evenly divisible") as err:
        tf.reshape(x, [13, 2, -1])  # tensors.md: "ERROR!"
    assert str(err.value) == (
        "Dimension size must be evenly divisible by 26 but is 60 for 'Reshape' (op: "
        "'Reshape') with input shapes: [4,3,5], [3] and with input tensors computed as partial "
        "shapes: input[1] = [13,2,?].")
    with pytest.raises(ValueError, match=r"to shape \[0,\?\] \(0 elements\)"):
        tf.reshape(x, [0, -1])


def test_a_second_get_variable_says_where_the_first_was_made():
    def make():
        return tf.get_variable("v", [1])

    make()
    with pytest.raises(ValueError, match="already exists") as err:
        make()
    message = str(err.value)
    assert message.startswith("Variable v already exists, disallowed. Did you mean to set "
                              "reuse=True or reuse=tf.AUTO_REUSE in VarScope? Originally "
                              "defined at:\n\n")
    frames = message.split("\n\n", 1)[1]
    assert frames.startswith(f'  File "{__file__}"')
    assert "in make" in frames.splitlines()[0]
    assert "smallflow" not in frames


def test_transpose_puts_its_perm_constant_in_its_scope():
    c = tf.constant([[1.0, 2.0]], name="c")
    tf.transpose(c)
    tf.transpose(c, [1, 0], name="t")
    names = [op.name for op in tf.get_default_graph().get_operations()]
    assert names == ["c", "transpose/perm", "transpose", "t/perm", "t"]


def test_operation_str_is_its_node_def_and_colocation_groups():
    pytest.importorskip("tensorboard")
    p = tf.placeholder(tf.float32, shape=[None, 2], name="p")
    text = str(p.op)
    assert text.startswith('name: "p"\nop: "Placeholder"\nattr {\n  key: "shape"')
    assert "_output_types" not in text
    assert "_sf_" not in text
    v = tf.Variable(tf.zeros([2]), name="v")
    with tf.get_default_graph().colocate_with(v):
        h = tf.identity(v, name="h")
    assert h.op.colocation_groups() == [b"loc:@v"]
    assert p.op.colocation_groups() == [b"loc:@p"]
    assert tf.get_default_graph().building_function is False


def test_prevent_feeding_and_fetching():
    graph = tf.get_default_graph()
    x = tf.placeholder(tf.float32, [], name="x")
    y = tf.identity(x, name="y")
    graph.prevent_feeding(x)
    graph.prevent_fetching(y.op)
    assert not graph.is_feedable(x)
    assert not graph.is_fetchable(y)
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="may not be fed"):
            sess.run(y * 2.0, {x: 1.0})
        with pytest.raises(ValueError, match="has been marked as not fetchable"):
            sess.run(y)


def test_searchsorted_with_nothing_to_place():
    with tf.Session() as sess:
        empty = sess.run(tf.searchsorted(tf.constant([0], tf.int64), tf.zeros([0], tf.int64)))
        none_sorted = sess.run(tf.searchsorted(tf.zeros([2, 0]), tf.ones([2, 2])))
    assert empty.shape == (0,)
    assert none_sorted.tolist() == [[0, 0], [0, 0]]


# -- tf.data (guide "Importing Data") ----------------------------------------------------------


def test_strings_parsed_in_a_dataset_map_come_out_as_bytes(tmp_path):
    path = str(tmp_path / "f.tfrecord")
    with tf.python_io.TFRecordWriter(path) as writer:
        for i in range(3):
            example = tf.train.Example(features=tf.train.Features(feature={
                "image": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"img%d" % i]))}))
            writer.write(example.SerializeToString())

    def parse(record):
        spec = {"image": tf.FixedLenFeature((), tf.string, default_value="")}
        return tf.parse_single_example(record, spec)["image"]

    one = tf.data.TFRecordDataset([path]).map(parse).make_one_shot_iterator().get_next()
    batch = tf.data.TFRecordDataset([path]).map(parse).batch(2).make_one_shot_iterator()
    with tf.Session() as sess:
        value = sess.run(one)
        values = sess.run(batch.get_next())
    assert type(value) is bytes
    assert value == b"img0"
    assert values.dtype == object
    assert values.tolist() == [b"img0", b"img1"]


def test_make_csv_dataset_fills_missing_values_and_gives_ordered_dicts(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("a,b,c,d\n1,2.5,,x\n3,,4.5,y\n")
    ds = tf.data.experimental.make_csv_dataset(str(path), batch_size=2, shuffle=False,
                                               num_epochs=1)
    assert type(ds.output_types) is collections.OrderedDict
    assert list(ds.output_types.items()) == [("a", tf.int32), ("b", tf.float32),
                                             ("c", tf.float32), ("d", tf.string)]
    with tf.Session() as sess:
        batch = sess.run(ds.make_one_shot_iterator().get_next())
    assert type(batch) is collections.OrderedDict
    assert batch["b"].tolist() == [2.5, 0.0]
    assert batch["c"].tolist() == [0.0, 4.5]


def test_tuple_and_with_dependencies_name_their_identities_as_tensorflow():
    from smallflow.ops.control_flow_ops import with_dependencies

    a = tf.constant(1, name="a")
    gated = tf.tuple([a, a])
    assert [t.name for t in gated] == ["tuple/control_dependency:0",
                                       "tuple/control_dependency_1:0"]
    assert with_dependencies([tf.no_op()], a).name == "control_dependency:0"


# -- feature columns (guide "Feature Columns") and Estimator checkpoints ----------------------


def _hot_index(column, features):
    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        dense = sess.run(tf.feature_column.input_layer(features, [column]))
    return dense.argmax(axis=1).tolist()


def test_hashed_columns_use_tensorflows_buckets():
    fc = tf.feature_column
    words = tf.constant(["a", "zz", "b"])
    # TensorFlow: Fingerprint64("a") % 100 = 39, ...
    hashed = fc.indicator_column(fc.categorical_column_with_hash_bucket("w", 100))
    with tf.Session() as sess:
        fingerprints = sess.run(tf.string_to_hash_bucket_fast(words, 100))
    assert fingerprints[0] == 39
    assert _hot_index(hashed, {"w": words}) == fingerprints.tolist()
    oov = fc.indicator_column(fc.categorical_column_with_vocabulary_list(
        "w", ["a", "b"], num_oov_buckets=2))
    assert _hot_index(oov, {"w": words}) == [0, 2, 1]
    ids = fc.indicator_column(fc.categorical_column_with_hash_bucket("n", 10, dtype=tf.int64))
    # integers hash as their decimal text (tf.as_string), as TensorFlow's column does
    with tf.Session() as sess:
        expected = sess.run(tf.string_to_hash_bucket_fast(tf.constant(["7", "12"]), 10))
    assert _hot_index(ids, {"n": tf.constant([7, 12], tf.int64)}) == expected.tolist()


def test_crossed_columns_use_tensorflows_fingerprint_concatenation():
    fc = tf.feature_column
    features = {"latitude": tf.constant([40.0, 10.0, 37.0]),
                "longitude": tf.constant([-100.0, 20.0, -120.0]),
                "product_class": tf.constant(["kitchenware", "electronics", "sports"]),
                "some_feature": tf.constant(["a", "zz", "b"])}
    lat = fc.bucketized_column(fc.numeric_column("latitude"), list(np.linspace(-90, 90, 5)))
    lon = fc.bucketized_column(fc.numeric_column("longitude"), list(np.linspace(-180, 180, 5)))
    # TensorFlow 2.21's input_layer gives these buckets for the guide's examples.
    assert _hot_index(fc.indicator_column(fc.crossed_column([lat, lon], 12)), features) == [
        0, 9, 0]
    strings = fc.indicator_column(fc.crossed_column(["product_class", "some_feature"], 7))
    assert _hot_index(strings, features) == [4, 6, 3]
    column = fc.input_layer(features, [strings])
    assert column.shape.as_list() == [3, 7]
    # Sparse inputs (categorical columns) come before dense (raw) ones, whatever the order
    # of the keys: TensorFlow's cross kernel takes them so.
    year = fc.bucketized_column(fc.numeric_column("latitude"), [0.0, 20.0])
    first = fc.indicator_column(fc.crossed_column(["product_class", year], 11))
    second = fc.indicator_column(fc.crossed_column([year, "product_class"], 11))
    assert _hot_index(first, features) == _hot_index(second, features)


def test_feature_columns_print_as_tensorflows_classes():
    fc = tf.feature_column
    year = fc.numeric_column("Year")
    assert repr(year) == ("NumericColumn(key='Year', shape=(1,), default_value=None, "
                          "dtype=tf.float32, normalizer_fn=None)")
    assert repr(fc.bucketized_column(year, [1960, 1980])).startswith(
        "BucketizedColumn(source_column=NumericColumn(key='Year'")
    assert repr(fc.bucketized_column(year, [1960, 1980])).endswith("boundaries=(1960, 1980))")
    with pytest.raises(ValueError, match="must be a _DenseColumn. You can wrap"):
        fc.input_layer({"c": tf.constant([1])}, [fc.categorical_column_with_identity("c", 2)])
    with pytest.raises(ValueError, match=r"shape: \(0,\), key: x"):
        fc.numeric_column("x", shape=0)


def test_checkpoint_saver_hook_writes_graph_pbtxt(tmp_path):
    pytest.importorskip("tensorboard")
    step = tf.train.get_or_create_global_step()
    train = tf.assign_add(step, 1)
    with tf.train.MonitoredTrainingSession(checkpoint_dir=str(tmp_path)) as sess:
        sess.run(train)
    assert (tmp_path / "graph.pbtxt").read_text().startswith("node {")


@pytest.mark.parametrize(("shape", "expected"), [
    (None, "with dtype float\n"), ([], "with dtype float\n"),
    ([None, 3], "with dtype float and shape [?,3]\n")])
def test_unfed_placeholder_names_its_shape_only_from_rank_one(shape, expected):
    x = tf.placeholder(tf.float32, shape=shape, name="x")
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError) as err:
        sess.run(x * 2.0)
    assert str(err.value).startswith(
        f"You must feed a value for placeholder tensor 'x' {expected}")


def test_python_complex_numbers_are_complex128():
    # tensors.md: tf.Variable(12.3 - 4.85j, tf.complex64) passes tf.complex64 as `trainable`;
    # the value's own dtype is TensorFlow's default for Python complex numbers.
    its_complicated = tf.Variable(12.3 - 4.85j, tf.complex64)
    assert its_complicated.dtype == tf.complex128_ref
    assert tf.constant([1 + 2j]).dtype == tf.complex128
    assert tf.constant(1j, dtype=tf.complex64).dtype == tf.complex64


def test_dtypes_from_tensorflows_enum_numbers():
    # pdes.ipynb: tf.constant(a, dtype=1) (DT_FLOAT)
    assert tf.constant([0.5], dtype=1).dtype == tf.float32
    assert tf.as_dtype(101) == tf.float32_ref
    assert tf.as_dtype(9) == tf.int64
    assert tf.float64.as_datatype_enum == 2
    assert tf.int64_ref.as_datatype_enum == 109
    with pytest.raises(TypeError, match="Cannot convert value 0 to a TensorFlow DType"):
        tf.as_dtype(0)


# -- the Keras guide (guide/keras.ipynb) in graph mode ----------------------------------------


def test_version_namespace():
    assert tf.version.VERSION == "1.15.0"
    assert tf.version.GRAPH_DEF_VERSION == tf.GRAPH_DEF_VERSION
    assert tf.keras.__version__ == "2.2.4-tf"


def test_keras_accepts_the_old_uniform_and_normal_initializer_names():
    for name, kind in (("uniform", tf.keras.initializers.RandomUniform),
                       ("normal", tf.keras.initializers.RandomNormal),
                       ("zero", tf.keras.initializers.Zeros), ("one", tf.keras.initializers.Ones)):
        assert isinstance(tf.keras.initializers.get(name), kind)
    assert tf.keras.initializers.get("uniform").maxval == 0.05


def test_keras_fit_validates_on_a_dataset_with_validation_steps(capsys):
    rng = np.random.default_rng(0)
    layers = tf.keras.layers
    model = tf.keras.Sequential([layers.Dense(8, activation="relu", input_shape=(4,)),
                                 layers.Dense(3, activation="softmax")])
    model.compile(optimizer=tf.train.AdamOptimizer(0.01), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    data = rng.random((64, 4)).astype(np.float32)
    labels = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 64)]
    train = tf.data.Dataset.from_tensor_slices((data, labels)).batch(16).repeat()
    valid = tf.data.Dataset.from_tensor_slices((data[:16], labels[:16])).batch(8).repeat()
    history = model.fit(train, epochs=2, steps_per_epoch=4, validation_data=valid,
                        validation_steps=2, verbose=0)
    assert sorted(history.history) == ["acc", "loss", "val_acc", "val_loss"]
    model.fit(train, epochs=1, steps_per_epoch=4, validation_data=valid, validation_steps=2,
              verbose=2)
    # TensorFlow 1.x's array loop counts a tf.data input in steps
    assert capsys.readouterr().out.startswith("Train on 4 steps, validate on 2 steps\n")
    assert len(model.evaluate(valid, steps=2, verbose=0)) == 2
    assert model.predict(valid, steps=3).shape == (24, 3)


def test_ragged_unary_ops_map_over_the_flat_values():
    digits = tf.ragged.constant([[3.0, 1.0, 4.0], [], [9.0]])
    words = tf.ragged.constant([["So", "long"], ["thanks", "for", "all", "the", "fish"]])
    results = _run([tf.sqrt(digits), tf.cast(digits, tf.int32), tf.abs(-digits),
                    tf.is_nan(digits), tf.strings.substr(words, 0, 2),
                    tf.strings.to_hash_bucket_fast(words, 10)])
    sqrt, as_int, absolute, nan, heads, buckets = (r.to_list() for r in results)
    assert sqrt == [[float(np.sqrt(np.float32(3.0))), 1.0, 2.0], [], [3.0]]
    assert as_int == [[3, 1, 4], [], [9]]
    assert absolute == [[3.0, 1.0, 4.0], [], [9.0]]
    assert nan == [[False, False, False], [], [False]]
    assert heads == [[b"So", b"lo"], [b"th", b"fo", b"al", b"th", b"fi"]]
    with tf.Session() as sess:
        flat = sess.run(tf.strings.to_hash_bucket_fast(words.flat_values, 10)).tolist()
    assert buckets == [flat[:2], flat[2:]]


# -- tf.sparse ----------------------------------------------------------------------------------


def _pair(words, numbers):
    return (tf.SparseTensor([[0, 0], [1, 0]], tf.constant(words), [2, 1]),
            tf.SparseTensor([[0, 0], [1, 0]], tf.constant(numbers, tf.int64), [2, 1]))


def test_sparse_cross_joins_values_row_by_row():
    words, other = _pair(["x", "y"], [3, 4])
    letters = tf.SparseTensor([[0, 0], [0, 1], [1, 0]], tf.constant(["a", "b", "c"]), [2, 2])
    with tf.Session() as sess:
        crossed = sess.run(tf.sparse.cross([words, letters]))
        mixed = sess.run(tf.sparse.cross([words, other]))
    assert crossed.values.tolist() == [b"x_X_a", b"x_X_b", b"y_X_c"]
    assert crossed.indices.tolist() == [[0, 0], [0, 1], [1, 0]]
    assert crossed.dense_shape.tolist() == [2, 2]
    assert mixed.values.tolist() == [b"x_X_3", b"y_X_4"]


def test_sparse_cross_hashed_matches_tensorflows_values():
    words, other = _pair(["x", "y"], [3, 4])
    dense = tf.constant([["a", "b"], ["c", "d"]])
    with tf.Session() as sess:
        bucketed = sess.run(tf.sparse.cross_hashed([words, other], num_buckets=100))
        unbounded = sess.run(tf.sparse.cross_hashed([dense, other], num_buckets=0))
    # TensorFlow 2.21's SparseCrossHashed kernel gives these
    assert bucketed.values.tolist() == [60, 24]
    assert unbounded.values.tolist() == [4855451275547336152, 3302797561873708220,
                                         1331082858915777792, 2605223674542502090]


def test_sparse_placeholder_makes_its_shape_first_and_sparse_tensor_rank_message():
    ph = tf.sparse.placeholder(tf.float32)
    assert (ph.dense_shape.op.name, ph.values.op.name, ph.indices.op.name) == (
        "Placeholder", "Placeholder_1", "Placeholder_2")
    with pytest.raises(ValueError, match=r"^Shape \(2,\) must have rank 2$"):
        tf.SparseTensor(indices=[0, 1], values=[1.0], dense_shape=[2])


def test_transpose_with_name_none_keeps_the_default_name():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    assert tf.transpose(x, [1, 0], name=None).op.name == "transpose"
    log_probs = tf.nn.log_softmax(x, axis=0)  # transposes with name=None inside
    (gradient,) = tf.gradients(log_probs, x)
    with tf.Session() as sess:
        assert sess.run(gradient).shape == (2, 2)


def test_ragged_tile_and_string_join_as_in_the_ragged_guide():
    digits = tf.ragged.constant([[3, 1, 4, 1], [], [5, 9, 2], [6], []])
    queries = tf.ragged.constant([["Who", "is"], ["Pause"], ["Will", "it", "rain"]])
    marker = tf.fill([queries.nrows(), 1], "#")
    padded = tf.concat([marker, queries, marker], axis=1)
    bigrams = tf.string_join([padded[:, :-1], padded[:, 1:]], separator="+")
    tiled, twice, pairs = _run([tf.tile(digits, [1, 2]), tf.tile(digits, [2, 1]), bigrams])
    assert tiled.to_list() == [[3, 1, 4, 1, 3, 1, 4, 1], [], [5, 9, 2, 5, 9, 2], [6, 6], []]
    assert twice.to_list() == [[3, 1, 4, 1], [], [5, 9, 2], [6], []] * 2
    assert pairs.to_list() == [[b"#+Who", b"Who+is", b"is+#"], [b"#+Pause", b"Pause+#"],
                               [b"#+Will", b"Will+it", b"it+rain", b"rain+#"]]
