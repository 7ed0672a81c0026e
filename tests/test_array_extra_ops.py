"""Array extras against NumPy: gather_nd/scatter_nd, top_k/sort/argsort, unique, masks,
partitions, space/depth/batch rearrangements and image patches."""

import numpy as np
import pytest

import smallflow as tf
from smallflow import errors
from smallflow.gradient_checker import compute_gradient_error

RNG = np.random.default_rng(3)


def run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


def test_gather_nd_of_elements_and_slices():
    params = np.arange(24).reshape(2, 3, 4)
    elements = run(tf.gather_nd(params, [[0, 1, 2], [1, 2, 3]]))
    slices = run(tf.gather_nd(params, [[[1, 0]], [[0, 2]]]))
    assert elements.tolist() == [6, 23]
    np.testing.assert_array_equal(slices, params[[[1], [0]], [[0], [2]]])
    assert tf.gather_nd(params, [[[1, 0]], [[0, 2]]]).shape.as_list() == [2, 1, 4]


def test_gather_nd_out_of_range_is_an_error():
    with pytest.raises(errors.InvalidArgumentError, match="does not index into param shape"):
        run(tf.gather_nd([[1, 2]], [[0, 5]]))


def test_scatter_nd_sums_duplicates():
    result = run(tf.scatter_nd([[4], [3], [1], [7], [1]], [9, 10, 11, 12, 1], [8]))
    assert result.tolist() == [0, 12, 0, 10, 9, 0, 0, 12]


def test_top_k_returns_largest_first_with_lower_index_on_ties():
    values, indices = run(tf.nn.top_k([[1.0, 3.0, 2.0, 3.0]], k=3))
    assert values.tolist() == [[3.0, 3.0, 2.0]]
    assert indices.tolist() == [[1, 3, 2]]
    assert indices.dtype == np.int32


SORTS = [
    (np.array([3.0, 1.0, 2.0]), -1, "ASCENDING"),
    (np.array([3, 1, 2, -5]), 0, "DESCENDING"),
    (RNG.normal(size=(3, 4)), 0, "ASCENDING"),
    (RNG.normal(size=(2, 3, 4)), 1, "DESCENDING"),
]


@pytest.mark.parametrize(("values", "axis", "direction"), SORTS)
def test_sort_and_argsort_match_numpy(values, axis, direction):
    expected_order = np.argsort(values if direction == "ASCENDING" else -values, axis=axis,
                                kind="stable")
    order, ordered = run([tf.argsort(values, axis, direction), tf.sort(values, axis, direction)])
    np.testing.assert_array_equal(order, expected_order)
    np.testing.assert_array_equal(ordered, np.take_along_axis(values, expected_order, axis))


def test_unique_keeps_order_of_first_appearance():
    y, idx, counts = run(tf.unique_with_counts([1, 1, 2, 4, 4, 4, 7, 8, 8]))
    assert y.tolist() == [1, 2, 4, 7, 8]
    assert idx.tolist() == [0, 0, 1, 2, 2, 2, 3, 4, 4]
    assert counts.tolist() == [2, 1, 3, 1, 2]
    y, idx = run(tf.unique([5, 3, 5]))
    assert (y.tolist(), idx.tolist()) == ([5, 3], [0, 1, 0])


def test_sequence_mask_default_and_given_lengths():
    assert run(tf.sequence_mask([1, 3, 2], 5)).tolist() == [
        [True, False, False, False, False],
        [True, True, True, False, False],
        [True, True, False, False, False],
    ]
    as_float = run(tf.sequence_mask([[1, 3], [2, 0]], dtype=tf.float32))
    assert as_float.shape == (2, 2, 3)
    assert as_float[0, 1].tolist() == [1.0, 1.0, 1.0]


def test_reverse_sequence_reverses_each_prefix():
    x = np.arange(12).reshape(3, 4)
    result = run(tf.reverse_sequence(x, [4, 0, 2], seq_axis=1, batch_axis=0))
    assert result.tolist() == [[3, 2, 1, 0], [4, 5, 6, 7], [9, 8, 10, 11]]


@pytest.mark.parametrize("indexing", ["xy", "ij"])
def test_meshgrid_matches_numpy(indexing):
    grids = run(tf.meshgrid([1, 2, 3], [4, 5], indexing=indexing))
    for got, want in zip(grids, np.meshgrid([1, 2, 3], [4, 5], indexing=indexing)):
        np.testing.assert_array_equal(got, want)


def test_dynamic_partition_and_stitch_round_trip():
    data = np.array([10, 20, 30, 40, 50])
    partitions = [0, 0, 1, 1, 0]
    parts = run(tf.dynamic_partition(data, partitions, 2))
    assert [p.tolist() for p in parts] == [[10, 20, 50], [30, 40]]
    stitched = run(tf.dynamic_stitch([[0, 1, 4], [2, 3]], [[10, 20, 50], [30, 40]]))
    assert stitched.tolist() == data.tolist()


def test_space_to_depth_and_back_match_tensorflows_layout():
    x = np.arange(16).reshape(1, 4, 4, 1)
    packed = run(tf.space_to_depth(x, 2))
    assert packed.shape == (1, 2, 2, 4)
    assert packed[0, 0, 0].tolist() == [0, 1, 4, 5]
    np.testing.assert_array_equal(run(tf.depth_to_space(packed, 2)), x)


def test_space_to_batch_and_back():
    x = np.arange(16).reshape(1, 4, 4, 1)
    batched = run(tf.space_to_batch(x, [[0, 0], [0, 0]], 2))
    assert batched.shape == (4, 2, 2, 1)
    assert batched[:, 0, 0, 0].tolist() == [0, 1, 4, 5]
    np.testing.assert_array_equal(run(tf.batch_to_space(batched, [[0, 0], [0, 0]], 2)), x)
    padded = run(tf.space_to_batch_nd(x[:, :3, :3], [2, 2], [[0, 1], [0, 1]]))
    restored = run(tf.batch_to_space_nd(padded, [2, 2], [[0, 1], [0, 1]]))
    np.testing.assert_array_equal(restored, x[:, :3, :3])


@pytest.mark.parametrize(("padding", "stride", "rate"), [("VALID", 1, 1), ("SAME", 2, 1),
                                                         ("VALID", 1, 2)])
def test_extract_image_patches_matches_loops(padding, stride, rate):
    x = RNG.normal(size=(2, 5, 5, 3))
    k = 2
    result = run(tf.extract_image_patches(x, [1, k, k, 1], [1, stride, stride, 1],
                                          [1, rate, rate, 1], padding))
    span = (k - 1) * rate + 1
    if padding == "SAME":
        out = -(-5 // stride)
        total = max((out - 1) * stride + span - 5, 0)
        x = np.pad(x, [(0, 0), (total // 2, total - total // 2)] * 1
                   + [(total // 2, total - total // 2), (0, 0)])
    out = (x.shape[1] - span) // stride + 1
    assert result.shape == (2, out, out, k * k * 3)
    for i in range(out):
        for j in range(out):
            patch = x[:, i * stride:i * stride + span:rate, j * stride:j * stride + span:rate]
            np.testing.assert_allclose(result[:, i, j], patch.reshape(2, -1))


def test_arg_min_and_arg_max_are_the_tf1_spellings():
    x = [[3, 1, 2], [0, 5, 4]]
    assert run(tf.arg_max(x, 1)).tolist() == [0, 1]
    assert run(tf.arg_min(x, dimension=1)).tolist() == [1, 0]


GRADIENT_CASES = [
    ("sort", lambda x: tf.sort(x, axis=1)),
    ("space_to_depth", lambda x: tf.space_to_depth(tf.reshape(x, [1, 2, 4, 3]), 2)),
    ("space_to_batch", lambda x: tf.space_to_batch(tf.reshape(x, [1, 2, 4, 3]),
                                                   [[0, 0], [0, 0]], 2)),
    ("extract_image_patches", lambda x: tf.extract_image_patches(
        tf.reshape(x, [1, 2, 4, 3]), [1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1], "SAME")),
]


@pytest.mark.parametrize(("label", "fn"), GRADIENT_CASES, ids=[c[0] for c in GRADIENT_CASES])
def test_composite_gradients_are_numerically_right(label, fn):
    x = tf.placeholder(tf.float64, [4, 6])
    y = fn(x)
    init = RNG.permutation(24).reshape(4, 6) * 0.1
    assert compute_gradient_error(x, [4, 6], y, y.shape.as_list(), x_init_value=init) < 1e-6
