"""Specification of tf.data: datasets, transformations and iterators inside Session.run."""

import collections

import numpy as np
import pytest

import smallflow as tf

Dataset = tf.data.Dataset


def _drain(dataset_or_next, feed=None, initializer=None, limit=1000):
    """Every element an iterator yields until OutOfRangeError (values as Python lists)."""
    if isinstance(dataset_or_next, Dataset):
        dataset_or_next = dataset_or_next.make_one_shot_iterator().get_next()
    out = []
    with tf.Session() as sess:
        if initializer is not None:
            sess.run(initializer, feed)
        with pytest.raises(tf.errors.OutOfRangeError, match="End of sequence"):  # noqa: PT012 - reads until the end; which read ends is the point
            for _ in range(limit):
                out.append(_plain(sess.run(dataset_or_next, feed)))
    return out


def _plain(value):
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return np.asarray(value).tolist()


X = np.arange(6, dtype=np.float32)

PIPELINES = [
    ("range", lambda: Dataset.range(4), [0, 1, 2, 3]),
    ("range_start_stop_step", lambda: Dataset.range(2, 9, 3), [2, 5, 8]),
    ("slices", lambda: Dataset.from_tensor_slices(X[:3]), [0.0, 1.0, 2.0]),
    ("tensors", lambda: Dataset.from_tensors(X[:2]), [[0.0, 1.0]]),
    ("map", lambda: Dataset.range(3).map(lambda v: v * 10), [0, 10, 20]),
    ("filter", lambda: Dataset.range(6).filter(lambda v: tf.equal(v % 2, 0)), [0, 2, 4]),
    ("batch", lambda: Dataset.range(5).batch(2), [[0, 1], [2, 3], [4]]),
    ("batch_drop_remainder", lambda: Dataset.range(5).batch(2, drop_remainder=True),
     [[0, 1], [2, 3]]),
    ("repeat", lambda: Dataset.range(2).repeat(3), [0, 1, 0, 1, 0, 1]),
    ("take", lambda: Dataset.range(10).take(3), [0, 1, 2]),
    ("skip", lambda: Dataset.range(5).skip(3), [3, 4]),
    ("take_all", lambda: Dataset.range(3).take(-1), [0, 1, 2]),
    ("concatenate", lambda: Dataset.range(2).concatenate(Dataset.range(5, 6)), [0, 1, 5]),
    ("prefetch_cache", lambda: Dataset.range(3).cache().prefetch(2).repeat(2),
     [0, 1, 2, 0, 1, 2]),
    ("flat_map", lambda: Dataset.range(1, 4).flat_map(lambda n: Dataset.range(n)),
     [0, 0, 1, 0, 1, 2]),
    ("interleave", lambda: Dataset.range(1, 3).interleave(
        lambda n: Dataset.from_tensors(n).repeat(3), cycle_length=2, block_length=2),
     [1, 1, 2, 2, 1, 2]),
    ("unbatch", lambda: Dataset.range(4).batch(3).unbatch(), [0, 1, 2, 3]),
    ("padded_batch", lambda: Dataset.range(1, 4).map(lambda n: tf.fill([n], n)).padded_batch(
        2, padded_shapes=[None]), [[[1, 0], [2, 2]], [[3, 3, 3]]]),
    ("padded_batch_fixed", lambda: Dataset.range(1, 3).map(lambda n: tf.fill([n], n))
     .padded_batch(2, padded_shapes=[4], padding_values=tf.constant(-1, tf.int64)),
     [[[1, -1, -1, -1], [2, 2, -1, -1]]]),
    ("generator", lambda: Dataset.from_generator(lambda: iter([[1, 2], [3, 4]]), tf.int32,
                                                 [2]), [[1, 2], [3, 4]]),
    ("apply", lambda: Dataset.range(4).apply(tf.data.experimental.shuffle_and_repeat(1, 2)),
     [0, 1, 2, 3, 0, 1, 2, 3]),
]


@pytest.mark.parametrize(("build", "expected"), [p[1:] for p in PIPELINES],
                         ids=[p[0] for p in PIPELINES])
def test_pipelines_yield_tensorflows_elements(build, expected):
    assert _drain(build()) == expected


def test_structures_of_tuples_dicts_and_namedtuples_are_kept():
    point = collections.namedtuple("Point", "x y")
    features = {"a": np.arange(3), "b": np.ones((3, 2), np.float32)}
    dataset = Dataset.from_tensor_slices((features, np.array([7, 8, 9])))
    assert dataset.output_types == ({"a": tf.int64, "b": tf.float32}, tf.int64)
    assert dataset.output_shapes[0]["b"].as_list() == [2]
    pairs = dataset.map(lambda f, label: point(f["a"], label)).batch(2)
    assert pairs.output_shapes.x.as_list() == [None]
    element = pairs.make_one_shot_iterator().get_next()
    assert isinstance(element, point)
    with tf.Session() as sess:
        first = sess.run(element)
    assert isinstance(first, point)
    assert first.x.tolist() == [0, 1]
    assert first.y.tolist() == [7, 8]


def test_static_shapes_and_types_follow_the_transformations():
    images = Dataset.from_tensor_slices(np.zeros((10, 28, 28), np.float32))
    assert images.output_shapes.as_list() == [28, 28]
    batched = images.map(lambda im: tf.reshape(im, [784])).batch(32)
    assert batched.output_shapes.as_list() == [None, 784]
    assert images.batch(32, drop_remainder=True).output_shapes.as_list() == [32, 28, 28]
    assert batched.make_one_shot_iterator().get_next().shape.as_list() == [None, 784]


def test_initializable_iterator_takes_placeholders_and_restarts_with_new_feeds():
    data = tf.placeholder(tf.float32, [None])
    scale = tf.placeholder(tf.float32, [])
    iterator = Dataset.from_tensor_slices(data).map(lambda v: v * scale) \
        .make_initializable_iterator()
    element = iterator.get_next()
    with tf.Session() as sess:
        sess.run(iterator.initializer, {data: [1.0, 2.0], scale: 10.0})
        assert sess.run(element) == 10.0
        sess.run(iterator.initializer, {data: [5.0], scale: -1.0})
        assert sess.run(element) == -5.0
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(element)


def test_get_next_before_the_initializer_is_a_failed_precondition():
    iterator = Dataset.range(3).make_initializable_iterator()
    with tf.Session() as sess, pytest.raises(tf.errors.FailedPreconditionError,
                                             match="iterator has not been initialized"):
        sess.run(iterator.get_next())


def test_one_shot_iterator_refuses_to_capture_a_placeholder():
    with pytest.raises(ValueError, match="Cannot capture a placeholder"):
        Dataset.from_tensor_slices(tf.placeholder(tf.float32, [None])).make_one_shot_iterator()


def test_reinitializable_iterator_switches_between_datasets():
    train = Dataset.range(100, 103)
    valid = Dataset.range(3)
    iterator = tf.data.Iterator.from_structure(train.output_types, train.output_shapes)
    element = iterator.get_next()
    use_train = iterator.make_initializer(train)
    use_valid = iterator.make_initializer(valid)
    with tf.Session() as sess:
        sess.run(use_train)
        assert sess.run(element) == 100
        sess.run(use_valid)
        assert [sess.run(element) for _ in range(3)] == [0, 1, 2]
    with pytest.raises(TypeError, match="Expected output types"):
        iterator.make_initializer(Dataset.range(3).map(tf.to_float))


def test_one_run_advances_each_get_next_once():
    element = Dataset.range(10).make_one_shot_iterator().get_next()
    doubled = element * 2
    with tf.Session() as sess:
        assert sess.run([element, doubled]) == [0, 0]
        assert sess.run([element, doubled]) == [1, 2]


def test_each_session_has_its_own_iterator_state():
    element = Dataset.range(3).make_one_shot_iterator().get_next()
    with tf.Session() as first:
        assert first.run(element) == 0
        with tf.Session() as second:
            assert second.run(element) == 0
        assert first.run(element) == 1


def _shuffled(seed, graph_seed=None, reshuffle=None, epochs=2):
    tf.reset_default_graph()
    if graph_seed is not None:
        tf.set_random_seed(graph_seed)
    dataset = Dataset.range(20).shuffle(20, seed=seed, reshuffle_each_iteration=reshuffle)
    values = _drain(dataset.repeat(epochs))
    return [values[i * 20:(i + 1) * 20] for i in range(epochs)]


def test_shuffle_is_a_permutation_repeatable_with_seeds():
    first, second = _shuffled(seed=3)
    assert sorted(first) == list(range(20))
    assert first != list(range(20))
    assert first != second  # reshuffled each iteration by default
    assert _shuffled(seed=3) == [first, second]
    assert _shuffled(seed=None, graph_seed=5) == _shuffled(seed=None, graph_seed=5)
    assert _shuffled(seed=4) != [first, second]


def test_shuffle_without_reshuffling_repeats_its_order():
    first, second = _shuffled(seed=None, reshuffle=False)
    assert first == second
    assert sorted(first) == list(range(20))


def test_shuffle_with_a_small_buffer_keeps_elements_near_their_place():
    values = _drain(Dataset.range(100).shuffle(2, seed=1))
    assert sorted(values) == list(range(100))
    assert all(abs(v - i) <= 50 for i, v in enumerate(values))
    assert values[0] in (0, 1)


def test_map_functions_are_traced_once_and_may_use_random_ops():
    calls = []

    def augment(v):
        calls.append(v)
        return tf.to_float(v) + tf.random_uniform([], 0.0, 0.5, seed=1)

    values = _drain(Dataset.range(5).map(augment, num_parallel_calls=4))
    assert len(calls) == 1
    noise = np.array(values) - np.arange(5)
    assert np.all((noise >= 0) & (noise < 0.5))
    assert len(set(noise.tolist())) > 1


def test_feedable_iterator_from_string_handle():
    if not hasattr(tf, "string"):
        pytest.skip("tf.string tensors are not available yet")
    train = Dataset.range(10, 20).make_one_shot_iterator()
    valid = Dataset.range(3).make_initializable_iterator()
    handle = tf.placeholder(tf.string, [])
    iterator = tf.data.Iterator.from_string_handle(handle, train.output_types,
                                                   train.output_shapes)
    element = iterator.get_next()
    with tf.Session() as sess:
        train_handle, valid_handle = sess.run([train.string_handle(), valid.string_handle()])
        sess.run(valid.initializer)
        assert sess.run(element, {handle: train_handle}) == 10
        assert sess.run(element, {handle: valid_handle}) == 0
        assert sess.run(element, {handle: train_handle}) == 11


def test_a_model_trains_from_a_dataset():
    rng = np.random.default_rng(0)
    x_value = rng.standard_normal((64, 3)).astype(np.float32)
    y_value = x_value @ np.array([[1.0], [-2.0], [0.5]], np.float32)
    dataset = Dataset.from_tensor_slices((x_value, y_value)).shuffle(64, seed=0).repeat()
    x, y = dataset.batch(16).make_one_shot_iterator().get_next()
    w = tf.Variable(tf.zeros([3, 1]))
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(200):
            sess.run(train)
        assert sess.run(loss) < 1e-3


DATA_ERRORS = [
    (lambda: Dataset.from_tensor_slices((np.zeros(3), np.zeros(4))), ValueError,
     "Dimensions must be equal in the first dimension"),
    (lambda: Dataset.from_tensor_slices(np.float32(1)), ValueError, "Cannot slice a scalar"),
    (lambda: Dataset.range(3).filter(lambda v: v), ValueError,
     "`predicate` return type must be convertible to a scalar boolean tensor"),
    (lambda: Dataset.range(3).flat_map(lambda v: v), TypeError,
     "must return a `tf.data.Dataset` object"),
    (lambda: Dataset.zip((Dataset.range(3), 4)), TypeError,
     "must be a (nested) structure of `Dataset` objects"),
    (lambda: iter(Dataset.range(3)), RuntimeError, "use an iterator"),
]


@pytest.mark.parametrize(("build", "error", "message"), DATA_ERRORS)
def test_bad_pipelines_are_reported_when_built(build, error, message):
    with pytest.raises(error) as caught:
        build()
    assert message in str(caught.value)


RUN_ERRORS = [
    (lambda: Dataset.from_tensor_slices(np.arange(3)).batch(0), tf.errors.InvalidArgumentError,
     "Batch size must be greater than zero"),
    (lambda: Dataset.from_generator(lambda: iter([[1, 2], [3]]), tf.int32).batch(2),
     tf.errors.InvalidArgumentError, "Cannot batch tensors with different shapes"),
    (lambda: Dataset.from_generator(lambda: iter([[1, 2]]), tf.int32, [3]),
     tf.errors.InvalidArgumentError, "incompatible with the expected shape"),
]


@pytest.mark.parametrize(("build", "error", "message"), RUN_ERRORS)
def test_bad_elements_are_reported_when_run(build, error, message):
    element = build().make_one_shot_iterator().get_next()
    with tf.Session() as sess, pytest.raises(error) as caught:
        sess.run(element)
    assert message in str(caught.value)


def test_a_graph_with_pipelines_and_queues_can_be_checkpointed(tmp_path):
    element = Dataset.range(3).make_one_shot_iterator().get_next()
    queue = tf.FIFOQueue(2, [tf.int64])
    enqueue = queue.enqueue([element])
    counter = tf.Variable(0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(enqueue)
        prefix = tf.train.Saver().save(sess, str(tmp_path / "model.ckpt"))
    assert tf.train.latest_checkpoint(str(tmp_path)) == prefix
    assert counter.name == "Variable:0"
