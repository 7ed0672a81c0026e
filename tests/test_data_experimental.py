"""Specification of tf.data.experimental and the Dataset methods that go with it: element
values and order, whole-dataset ops, cardinality, CSV input, TFRecord output, options."""

import numpy as np
import pytest

import smallflow as tf

Dataset = tf.data.Dataset
E = tf.data.experimental


def _drain(dataset, limit=1000):
    next_element = dataset.make_one_shot_iterator().get_next()
    out = []
    with tf.Session() as sess, pytest.raises(tf.errors.OutOfRangeError):  # noqa: PT012 - reads until the end; which read ends is the point
        for _ in range(limit):
            out.append(_plain(sess.run(next_element)))
    return out


def _plain(value):
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return np.asarray(value).tolist()


def _ragged():
    return Dataset.range(1, 7).map(lambda n: tf.fill([n], n))


PIPELINES = [
    ("enumerate_method", lambda: Dataset.range(3).enumerate(5), [(5, 0), (6, 1), (7, 2)]),
    ("enumerate_dataset", lambda: Dataset.from_tensor_slices([7, 8]).apply(
        E.enumerate_dataset()), [(0, 7), (1, 8)]),
    ("scan_running_sum", lambda: Dataset.range(5).apply(E.scan(
        tf.constant(0, tf.int64), lambda state, v: (state + v, state))), [0, 0, 1, 3, 6]),
    ("scan_tuple_state", lambda: Dataset.range(4).apply(E.scan(
        (tf.constant(0, tf.int64), tf.constant(1, tf.int64)),
        lambda state, v: ((state[1], state[0] + state[1]), state[0]))), [0, 1, 1, 2]),
    ("take_while", lambda: Dataset.range(10).apply(E.take_while(lambda v: v < 3)), [0, 1, 2]),
    ("unique", lambda: Dataset.from_tensor_slices(["b", "a", "b", "c"]).apply(E.unique()),
     [b"b", b"a", b"c"]),
    ("ignore_errors_map", lambda: Dataset.range(5).map(
        lambda v: tf.debugging.check_numerics(1.0 / tf.cast(v - 1, tf.float32), "x"))
     .apply(E.ignore_errors()), [-1.0, 1.0, 0.5, 1 / 3]),
    ("ignore_errors_parallel_map", lambda: Dataset.range(4).map(
        lambda v: tf.debugging.check_numerics(tf.cast(1 / (v - 2), tf.float32), "x"), 2)
     .apply(E.ignore_errors()), [-0.5, -1.0, 1.0]),
    ("counter", lambda: E.Counter(3, 4).take(3), [3, 7, 11]),
    ("counter_float", lambda: E.Counter(0.5, 0.25, tf.float32).take(2), [0.5, 0.75]),
    ("choose", lambda: E.choose_from_datasets(
        [Dataset.range(2), Dataset.range(10, 12)],
        Dataset.from_tensor_slices(np.array([1, 1, 0, 1, 0, 0], np.int64))), [10, 11, 0, 1]),
    ("group_by_window", lambda: Dataset.range(7).apply(E.group_by_window(
        lambda v: v % 2, lambda key, window: window.batch(2), 2)),
     [[0, 2], [1, 3], [4, 6], [5]]),
    ("group_by_window_size_func", lambda: Dataset.range(6).apply(E.group_by_window(
        lambda v: v % 2, lambda key, window: window.batch(5),
        window_size_func=lambda key: key + 2)), [[0, 2], [1, 3, 5], [4]]),
    ("bucket_by_sequence_length", lambda: _ragged().apply(E.bucket_by_sequence_length(
        lambda x: tf.size(x), [3], [2, 3])),
     [[[1, 0], [2, 2]], [[3, 3, 3, 0, 0], [4, 4, 4, 4, 0], [5, 5, 5, 5, 5]], [[6] * 6]]),
    ("parallel_interleave", lambda: Dataset.range(1, 3).apply(E.parallel_interleave(
        lambda n: Dataset.from_tensors(n).repeat(2), cycle_length=2)), [1, 2, 1, 2]),
    ("map_and_batch_parallel", lambda: Dataset.range(5).apply(E.map_and_batch(
        lambda v: v + 1, 2, num_parallel_calls=2)), [[1, 2], [3, 4], [5]]),
    ("window", lambda: Dataset.range(7).window(3, 2).flat_map(lambda w: w.batch(3)),
     [[0, 1, 2], [2, 3, 4], [4, 5, 6], [6]]),
    ("window_drop_remainder_stride", lambda: Dataset.range(9).window(
        2, 3, 2, drop_remainder=True).flat_map(lambda w: w.batch(2)), [[0, 2], [3, 5], [6, 8]]),
    ("window_of_pairs", lambda: Dataset.zip((Dataset.range(3), Dataset.range(5, 8))).window(
        2).flat_map(lambda a, b: Dataset.zip((a.batch(2), b.batch(2)))),
     [([0, 1], [5, 6]), ([2], [7])]),
    ("copy_and_prefetch_to_device", lambda: Dataset.range(3).apply(E.copy_to_device("/gpu:0"))
     .apply(E.prefetch_to_device("/gpu:0")), [0, 1, 2]),
]


@pytest.mark.parametrize(("build", "expected"), [p[1:] for p in PIPELINES],
                         ids=[p[0] for p in PIPELINES])
def test_experimental_transformations_yield_tensorflows_elements(build, expected):
    got = _drain(build())
    if expected and isinstance(expected[0], float):
        assert got == pytest.approx(expected)
    else:
        assert got == expected


def test_sample_from_datasets_draws_every_element_once_by_the_weights():
    sampled = E.sample_from_datasets([Dataset.range(50), Dataset.range(100, 150)],
                                     weights=[0.9, 0.1], seed=7)
    first = _drain(sampled)
    assert sorted(first) == list(range(50)) + list(range(100, 150))
    assert sum(v < 100 for v in first[:30]) >= 20  # mostly the heavy dataset first
    assert _drain(E.sample_from_datasets([Dataset.range(50), Dataset.range(100, 150)],
                                         weights=[0.9, 0.1], seed=7)) == first


def test_whole_dataset_ops_run_a_fresh_pass_each_time():
    data = Dataset.range(1, 5)
    single = E.get_single_element(data.batch(10))
    total = data.reduce(tf.constant(0, tf.int64), lambda acc, v: acc + v)
    pair = Dataset.from_tensor_slices(([1.0, 2.0], [3, 4])).reduce(
        (tf.constant(0.0), tf.constant(1)), lambda acc, x: (acc[0] + x[0], acc[1] * x[1]))
    with tf.Session() as sess:
        for _ in range(2):
            assert sess.run(single).tolist() == [1, 2, 3, 4]
            assert sess.run(total) == 10
        assert sess.run(pair) == (3.0, 12)


@pytest.mark.parametrize(("dataset", "message"), [
    (lambda: Dataset.range(0), "empty"),
    (lambda: Dataset.range(2), "more than one element"),
])
def test_get_single_element_needs_exactly_one(dataset, message):
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError, match=message):
        sess.run(E.get_single_element(dataset()))


CARDINALITIES = [
    (lambda: Dataset.range(10), 10),
    (lambda: Dataset.range(10).batch(3), 4),
    (lambda: Dataset.range(10).batch(3, drop_remainder=True), 3),
    (lambda: Dataset.range(3).repeat(), E.INFINITE_CARDINALITY),
    (lambda: Dataset.range(3).repeat().take(5), 5),
    (lambda: Dataset.range(3).repeat(4).skip(2), 10),
    (lambda: Dataset.range(3).filter(lambda v: v > 0), E.UNKNOWN_CARDINALITY),
    (lambda: Dataset.zip((Dataset.range(3), Dataset.range(7))), 3),
    (lambda: Dataset.from_tensor_slices(np.zeros((6, 2))).map(lambda v: v * 2), 6),
    (lambda: Dataset.range(2).concatenate(Dataset.range(5)), 7),
]


@pytest.mark.parametrize(("build", "count"), CARDINALITIES)
def test_cardinality_counts_what_the_graph_tells(build, count):
    with tf.Session() as sess:
        assert sess.run(E.cardinality(build())) == count
    assert (E.INFINITE_CARDINALITY, E.UNKNOWN_CARDINALITY) == (-1, -2)


CSV = 'id,score,name\n1,0.5,ann\n2,,"bo, b"\n30000000000,2,cy\n'


def test_csv_dataset_types_fields_by_record_defaults(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text(CSV)
    dataset = E.CsvDataset(str(path), [tf.int64, tf.constant(-1.0), tf.string], header=True)
    assert dataset.output_types == (tf.int64, tf.float32, tf.string)
    assert _drain(dataset) == [(1, 0.5, b"ann"), (2, -1.0, b"bo, b"),
                               (30000000000, 2.0, b"cy")]
    selected = E.CsvDataset(str(path), [tf.string], header=True, select_cols=[2])
    assert _drain(selected) == [(b"ann",), (b"bo, b",), (b"cy",)]


def test_csv_dataset_reports_a_missing_required_field(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text(CSV)
    dataset = E.CsvDataset(str(path), [tf.int64, tf.float32, tf.string], header=True)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Field 1 is required"):
        _drain(dataset)
    assert len(_drain(dataset.apply(E.ignore_errors()))) == 2


def test_make_csv_dataset_infers_types_and_splits_the_label(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,b,label\n1,2.5,0\n3,4,1\n5,6.5,0\n")
    dataset = E.make_csv_dataset(str(path), 2, label_name="label", num_epochs=1,
                                 shuffle=False)
    features, label = dataset.output_types
    assert features == {"a": tf.int32, "b": tf.float32}
    assert label == tf.int32
    assert _drain(dataset) == [({"a": [1, 3], "b": [2.5, 4.0]}, [0, 1]),
                               ({"a": [5], "b": [6.5]}, [0])]
    repeated = E.make_csv_dataset(str(path), 2, shuffle_seed=1)
    assert repeated.output_shapes["a"].as_list() == [2]  # endless: full batches only


def test_tfrecord_writer_writes_a_dataset_of_strings(tmp_path):
    path = str(tmp_path / "out.tfrecord")
    write = E.TFRecordWriter(path).write(Dataset.from_tensor_slices(["x", "yz", ""]))
    with tf.Session() as sess:
        sess.run(write)
    assert _drain(tf.data.TFRecordDataset(path)) == [b"x", b"yz", b""]
    with pytest.raises(TypeError, match="scalar `DT_STRING`"):
        E.TFRecordWriter(path).write(Dataset.range(3))


def test_options_are_accepted_and_refuse_unknown_settings():
    options = tf.data.Options()
    options.experimental_threading.private_threadpool_size = 4
    options.experimental_optimization.map_parallelization = True
    dataset = Dataset.range(3).with_options(options)
    assert _drain(dataset) == [0, 1, 2]
    with pytest.raises(AttributeError, match="no_such_option"):
        options.no_such_option = 1
    assert tf.data.AUTOTUNE == E.AUTOTUNE == -1


@pytest.mark.parametrize(("build", "error", "message"), [
    (lambda: Dataset.range(3).apply(E.scan(tf.constant(0, tf.int64), lambda s, v: s)),
     TypeError, "pair"),
    (lambda: Dataset.range(3).apply(E.scan(tf.constant(0, tf.int64),
                                           lambda s, v: (tf.cast(s, tf.float32), v))),
     TypeError, "new state"),
    (lambda: Dataset.range(3).apply(E.group_by_window(lambda v: v, lambda k, w: w)),
     ValueError, "window_size"),
    (lambda: Dataset.range(3).apply(E.take_while(lambda v: v)), ValueError, "boolean"),
    (lambda: Dataset.range(3).map(lambda v: tf.cast(v, tf.float32)).apply(E.unique()),
     TypeError, "single component"),
    (lambda: E.choose_from_datasets([Dataset.range(2)], Dataset.range(2).map(
        lambda v: tf.cast(v, tf.int32))), TypeError, "int64"),
])
def test_bad_transformations_are_refused_when_built(build, error, message):
    with pytest.raises(error, match=message):
        build()


def test_string_slices_can_be_batched():
    dataset = Dataset.from_tensor_slices(["a", "bc", "d"]).batch(2)
    assert _drain(dataset) == [[b"a", b"bc"], [b"d"]]


def test_random_dataset_is_endless_and_reproducible_with_a_seed():
    first = _drain(E.RandomDataset(seed=5).take(4))
    assert first == _drain(E.RandomDataset(seed=5).take(4))
    assert len(set(first)) == 4
    with tf.Session() as sess:
        assert sess.run(E.cardinality(E.RandomDataset(1))) == E.INFINITE_CARDINALITY


@pytest.mark.parametrize(("expected", "message"), [(2, "at least 3"), (4, "only 3")])
def test_assert_cardinality_fails_when_the_count_differs(expected, message):
    assert _drain(Dataset.range(3).apply(E.assert_cardinality(3))) == [0, 1, 2]
    with pytest.raises(tf.errors.FailedPreconditionError, match=message):
        _drain(Dataset.range(3).apply(E.assert_cardinality(expected)))


def test_make_batched_features_dataset_parses_example_records(tmp_path):
    pytest.importorskip("google.protobuf", reason="tf.train.Example needs the tensorboard extra")
    path = str(tmp_path / "examples.tfrecord")
    with tf.python_io.TFRecordWriter(path) as writer:
        for i in range(3):
            feature = {"x": tf.train.Feature(float_list=tf.train.FloatList(value=[i, i + 0.5])),
                       "y": tf.train.Feature(int64_list=tf.train.Int64List(value=[i % 2]))}
            writer.write(tf.train.Example(features=tf.train.Features(feature=feature))
                         .SerializeToString())
    features = {"x": tf.FixedLenFeature([2], tf.float32), "y": tf.FixedLenFeature([], tf.int64)}
    dataset = E.make_batched_features_dataset(path, 2, features, label_key="y", num_epochs=1,
                                              shuffle=False)
    assert _drain(dataset) == [({"x": [[0.0, 0.5], [1.0, 1.5]]}, [0, 1]),
                               ({"x": [[2.0, 2.5]]}, [0])]
    parsed = tf.data.TFRecordDataset(path).batch(3).apply(E.parse_example_dataset(features))
    assert _drain(parsed)[0]["y"] == [0, 1, 0]


def test_get_next_as_optional_has_no_value_at_the_end():
    iterator = Dataset.range(2).make_initializable_iterator()
    optional = E.get_next_as_optional(iterator)
    has_value, value = optional.has_value(), optional.get_value()
    with tf.Session() as sess:
        sess.run(iterator.initializer)
        assert sess.run(has_value)  # (each run of has_value takes an element)
        assert sess.run([has_value, value]) == [True, 1]
        assert not sess.run(has_value)
        with pytest.raises(tf.errors.InvalidArgumentError, match="does not have a value"):
            sess.run(value)
    given = E.Optional.from_value((tf.constant(3), tf.constant("x")))
    empty = E.Optional.none_from_structure((tf.float32, tf.TensorShape([2])))
    with tf.Session() as sess:
        assert sess.run(given.get_value()) == (3, b"x")
        assert not sess.run(empty.has_value())
