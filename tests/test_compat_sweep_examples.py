"""Constructs found by the session 6 sweep of aymericdamien/TensorFlow-Examples
(docs/compatibility.md, "Session 6 sweep: aymericdamien/TensorFlow-Examples"), reduced to a
few lines, with what TensorFlow 1.x gives.
"""

import re

import numpy as np
import pytest

import smallflow as tf
from smallflow.contrib.factorization import KMeans
from smallflow.ops.clustering_ops import (
    kmc2_chain_initialization,
    kmeans_plus_plus_initialization,
    nearest_neighbors,
)

BLOBS = np.array([[0.0, 0.1], [0.2, -0.1], [0.1, 0.0],
                  [5.0, 5.2], [5.1, 4.8], [4.9, 5.0],
                  [-4.0, 3.0], [-4.2, 3.1]], np.float32)
START = np.array([[1.0, 1.0], [4.0, 4.0], [-3.0, 2.0]], np.float32)


def _run(fetches, feed=None, setup=()):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer(), feed)
        for op in setup:
            sess.run(op, feed)
        return sess.run(fetches, feed)


# -- the kernels --------------------------------------------------------------------------------

@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_nearest_neighbors_ranks_centers_by_squared_distance(k):
    rng = np.random.default_rng(k)
    points = rng.normal(size=(7, 4)).astype(np.float32)
    centers = rng.normal(size=(3, 4)).astype(np.float32)
    indices, distances = _run(nearest_neighbors(points, centers, k))
    squared = ((points[:, None, :] - centers[None]) ** 2).sum(-1)
    want = np.argsort(squared, axis=1, kind="stable")[:, :min(k, 3)]
    assert indices.dtype == np.int64
    assert distances.dtype == np.float32
    np.testing.assert_array_equal(indices, want)
    np.testing.assert_allclose(distances, np.take_along_axis(squared, want, 1), rtol=1e-5,
                               atol=1e-5)


def test_nearest_neighbors_static_shapes_are_unknown_as_in_tensorflow():
    indices, distances = nearest_neighbors(BLOBS, START, 1)
    assert indices.shape.ndims is None
    assert distances.shape.ndims is None


@pytest.mark.parametrize(("points", "centers", "message"), [
    (np.zeros((3, 2), np.float32), np.zeros((2, 3), np.float32),
     "Expected point_dimensions == center_dimensions: 2 vs 3."),
    (np.zeros((0, 2), np.float32), np.zeros((2, 2), np.float32), "Expected points.rows() > 0."),
])
def test_nearest_neighbors_rejects_bad_shapes(points, centers, message):
    with pytest.raises(tf.errors.InvalidArgumentError, match=re.escape(message)):
        _run(nearest_neighbors(points, centers, 1))


def test_kmeans_plus_plus_picks_distinct_rows_the_same_for_one_seed():
    first = _run(kmeans_plus_plus_initialization(BLOBS, 3, 7, 2))
    again = _run(kmeans_plus_plus_initialization(BLOBS, 3, 7, 2))
    np.testing.assert_array_equal(first, again)
    rows = [int(np.flatnonzero((row == BLOBS).all(1))[0]) for row in first]
    assert len(set(rows)) == 3
    # far-apart blobs: k-means++ takes one center from each
    assert sorted(r // 3 for r in rows) == [0, 1, 2]


def test_kmeans_plus_plus_refuses_more_samples_than_points():
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_to_sample <= points.rows"):
        _run(kmeans_plus_plus_initialization(BLOBS, 9, 0, 2))


def test_kmc2_chain_ends_at_a_candidate_index():
    distances = np.array([0.0, 0.0, 5.0, 0.0], np.float32)
    # only candidate 2 has a positive distance: the chain moves there and stays
    assert _run(kmc2_chain_initialization(distances, 3)) == 2


# -- KMeans (kmeans.py of the collection) -------------------------------------------------------

def _graph(**kwargs):
    x = tf.placeholder(tf.float32, [None, 2])
    built = KMeans(x, 3, **kwargs).training_graph()
    assert len(built) == 7  # contrib's form, which TF1 programs unpack
    return x, built


def test_full_batch_kmeans_is_lloyds_algorithm():
    x, (all_scores, idx, scores, initialized, centers, init_op, train_op) = _graph(
        initial_clusters=START)
    feed = {x: BLOBS}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer(), feed)
        assert not sess.run(initialized)
        sess.run(init_op, feed)
        assert sess.run(initialized)
        np.testing.assert_array_equal(sess.run(centers), START)
        got_idx, _ = sess.run([idx[0], train_op], feed)
        np.testing.assert_array_equal(got_idx, [0, 0, 0, 1, 1, 1, 2, 2])
        means = np.stack([BLOBS[got_idx == j].mean(0) for j in range(3)])
        np.testing.assert_allclose(sess.run(centers), means, rtol=1e-5)
        d = sess.run(scores[0], feed)
        np.testing.assert_allclose(d, ((BLOBS - means[got_idx]) ** 2).sum(1), atol=1e-4)
        assert sess.run(all_scores[0], feed).shape == (8, 3)


def test_mini_batch_update_moves_each_center_by_one_over_its_count():
    x, (_, idx, _, _, centers, init_op, train_op) = _graph(initial_clusters=START,
                                                             use_mini_batch=True)
    feed = {x: BLOBS[:4]}  # three points of blob 0 and one of blob 1
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer(), feed)
        sess.run(init_op, feed)
        sess.run(train_op, feed)
        got = sess.run(centers)
    want = START.copy()
    for j, members in ((0, BLOBS[:3]), (1, BLOBS[3:4])):
        k = len(members)  # counts start at 1: x += (sum - k x) / (1 + k)
        want[j] += (members.sum(0) - k * START[j]) / (1 + k)
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_random_init_waits_for_enough_points():
    x, (_, _, _, initialized, centers, init_op, _) = _graph()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer(), {x: BLOBS[:2]})
        sess.run(init_op, {x: BLOBS[:2]})  # two points for three clusters: all taken
        assert not sess.run(initialized)
        assert sess.run(tf.shape(centers.value())).tolist() == [2, 2]
        sess.run(init_op, {x: BLOBS[5:]})
        assert sess.run(initialized)
        assert sess.run(centers).shape == (3, 2)


@pytest.mark.parametrize("init", ["random", "kmeans_plus_plus", "kmc2"])
@pytest.mark.parametrize("metric", ["squared_euclidean", "cosine"])
def test_every_initialization_and_metric_clusters_separate_blobs(init, metric):
    x, (_, idx, scores, initialized, _, init_op, train_op) = _graph(
        initial_clusters=init, distance_metric=metric, use_mini_batch=(init == "kmc2"),
        kmc2_chain_length=2)
    feed = {x: BLOBS}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer(), feed)
        while not sess.run(initialized):
            sess.run(init_op, feed)
        for _ in range(5):
            sess.run(train_op, feed)
        got = sess.run(idx[0], feed)
    assert len(set(got)) >= 2
    if init == "kmeans_plus_plus" and metric == "squared_euclidean":
        assert len({tuple(got[i:i + 3]) for i in (0, 3)}) == 2  # blobs are kept apart


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"initial_clusters": "best"}, "Unsupported initialization algorithm 'best'"),
    ({"distance_metric": "manhattan"}, "Unsupported distance metric 'manhattan'"),
])
def test_kmeans_rejects_unknown_choices(kwargs, message):
    with pytest.raises(ValueError, match=message):
        KMeans(tf.zeros([4, 2]), 2, **kwargs)


def test_factorization_names_what_it_does_not_provide():
    with pytest.raises(AttributeError, match="tf.contrib.factorization.WALSModel"):
        tf.contrib.factorization.WALSModel  # noqa: B018


# -- engine changes the sweep needed ------------------------------------------------------------

def test_random_uniform_integer_bounds_may_be_tensors():
    n = tf.placeholder(tf.int64, [])
    draws = _run(tf.random_uniform([50], minval=0, maxval=n, dtype=tf.int64), {n: 4})
    assert draws.dtype == np.int64
    assert draws.min() >= 0
    assert draws.max() < 4


def test_shapes_built_from_sliced_constant_shapes_are_static():
    c = tf.constant(np.zeros((3, 2), np.float32))
    assert tf.zeros([tf.shape(c)[0]]).shape.as_list() == [3]
    assert tf.ones(tf.reshape(tf.convert_to_tensor(3), [1])).shape.as_list() == [3]
    assert tf.zeros([tf.shape(c)[-1], tf.shape(c)[0]]).shape.as_list() == [2, 3]


@pytest.mark.parametrize(("rows", "segments", "values"), [
    (200, 25, "finite"),     # a product with the one-hot segment matrix
    (200, 25, "inf"),        # not finite: rows sorted by segment
    (300, 1000, "finite"),   # many segments: sorted runs
    (10, 3, "finite"),       # few rows: np.add.at
])
def test_unsorted_segment_sum_of_rows_matches_a_plain_loop(rows, segments, values):
    rng = np.random.default_rng(rows + segments)
    data = rng.normal(size=(rows, 6)).astype(np.float32)
    if values == "inf":
        data[3, 2] = np.inf
    ids = rng.integers(-1, segments, size=rows).astype(np.int32)  # -1 rows are dropped
    want = np.zeros((segments, 6), np.float32)
    for row, i in zip(data, ids):
        if i >= 0:
            want[i] += row
    got = _run(tf.unsorted_segment_sum(data, ids, segments))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


# -- device placement (6_MultiGPU): a CPU-only process, as TensorFlow without GPUs -----------

def _pinned(device):
    with tf.device(device):
        x = tf.placeholder(tf.float32, [2])
        doubled = x * 2.0
    return x, doubled


@pytest.mark.parametrize(("device", "config", "runs"), [
    ("/gpu:0", {}, False),
    ("/device:GPU:1", {}, False),
    ("/cpu:1", {}, False),
    ("/gpu:0", {"allow_soft_placement": True}, True),
    ("/cpu:0", {}, True),
    ("/cpu:1", {"device_count": {"CPU": 2}}, True),
    # another job's device: a local session has only /job:localhost (soft placement or not)
    ("/job:ps/task:0", {}, False),
    ("/job:ps/task:0", {"allow_soft_placement": True}, False),
])
def test_ops_pinned_to_missing_devices_need_soft_placement(device, config, runs):
    x, doubled = _pinned(device)
    with tf.Session(config=tf.ConfigProto(**config)) as sess:
        if runs:
            assert sess.run(doubled, {x: [1.0, 2.0]}).tolist() == [2.0, 4.0]
            return
        with pytest.raises(tf.errors.InvalidArgumentError) as raised:
            sess.run(doubled, {x: [1.0, 2.0]})
    message = str(raised.value)
    # the first op placed (here the constant 2.0 or the product) is named
    assert re.match(r"Cannot assign a device for operation (\S+): \{\{node \1\}\} was "
                    rf"explicitly assigned to {re.escape(doubled.op.device)} but", message)
    assert "available devices are [ /job:localhost/replica:0/task:0/device:CPU:0 ]" in message


def test_log_device_placement_prints_each_ops_device_once(capsys):
    x, doubled = _pinned("/gpu:0")
    config = tf.ConfigProto(log_device_placement=True, allow_soft_placement=True)
    with tf.Session(config=config) as sess:
        sess.run(doubled, {x: [1.0, 2.0]})
        sess.run(doubled, {x: [1.0, 2.0]})
    err = capsys.readouterr().err
    line = f"{doubled.op.name}: (Mul): /job:localhost/replica:0/task:0/device:CPU:0"
    assert err.count(line) == 1


def test_estimators_and_keras_place_softly_as_in_tensorflow(tmp_path):
    # TensorFlow's Estimator (no session_config given) and Keras' session allow soft
    # placement: TensorFlow's learn/multiple_gpu example pins layers to '/gpu:1'.
    def model_fn(features, labels, mode):
        with tf.device("/gpu:1"):
            w = tf.get_variable("w", [], initializer=tf.zeros_initializer())
            loss = tf.reduce_mean(tf.square(features["x"] * w - labels))
        step = tf.train.get_or_create_global_step()
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
        return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train)

    x = np.ones((8, 1), np.float32)
    input_fn = tf.estimator.inputs.numpy_input_fn({"x": x}, 2 * x, batch_size=4,
                                                  shuffle=False, num_epochs=1)
    estimator = tf.estimator.Estimator(model_fn, model_dir=str(tmp_path))
    estimator.train(input_fn)
    assert estimator.get_variable_value("w") > 0
    with tf.Graph().as_default():
        with tf.device("/gpu:0"):
            y = tf.keras.backend.constant(3.0) * 2.0
        assert tf.keras.backend.get_session().run(y) == 6.0

