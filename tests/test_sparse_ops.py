"""SparseTensor and the sparse ops against dense NumPy: feeding and fetching, conversions,
reorder/reshape/slice/split/concat/transpose/retain, add, reductions, softmax, products,
fill-empty-rows, max/min, merge, indicators, segments, embedding lookups; gradients."""

import numpy as np
import pytest

import smallflow as tf
from smallflow import errors
from smallflow.gradient_checker import compute_gradient

INDICES = [[0, 1], [1, 0], [2, 3]]
VALUES = np.array([1.0, 2.0, 3.0], np.float32)
DENSE = np.zeros((3, 4), np.float32)
DENSE[0, 1], DENSE[1, 0], DENSE[2, 3] = VALUES
OTHER = np.zeros((3, 4), np.float32)
OTHER[0, 1], OTHER[2, 2] = 5.0, -3.0


def sp(indices=INDICES, values=VALUES, shape=(3, 4)):
    return tf.SparseTensor(indices, values, list(shape))


def other():
    return tf.SparseTensor([[0, 1], [2, 2]], [5.0, -3.0], [3, 4])


def run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def dense(value):
    out = np.zeros(value.dense_shape, value.values.dtype)
    out[tuple(np.asarray(value.indices).T)] = value.values
    return out


def test_fetching_a_sparse_tensor_gives_a_sparse_tensor_value():
    value = run(sp())
    assert isinstance(value, tf.SparseTensorValue)
    assert value.indices.tolist() == INDICES
    assert value.dense_shape.tolist() == [3, 4]


def test_sparse_placeholder_is_fed_with_a_sparse_tensor_value():
    holder = tf.sparse_placeholder(tf.float32, shape=[3, 4], name="ids")
    total = tf.sparse_reduce_sum(holder)
    fed = tf.SparseTensorValue(INDICES, VALUES, [3, 4])
    assert run(total, {holder: fed}) == 6.0
    assert run(total, {holder: (INDICES[:1], VALUES[:1], [3, 4])}) == 1.0
    assert holder.values.name == "ids/values:0"
    assert holder.shape.as_list() == [3, 4]


def test_feeding_a_sparse_placeholder_something_else_is_a_type_error():
    holder = tf.sparse_placeholder(tf.float32)
    with pytest.raises(TypeError, match="SparseTensorValue"):
        run(tf.sparse_reduce_sum(holder), {holder: DENSE})


DENSE_RESULTS = [
    ("to_dense", lambda: tf.sparse_tensor_to_dense(sp()), DENSE),
    ("to_dense_default", lambda: tf.sparse.to_dense(sp(), default_value=-1.0),
     np.where(DENSE == 0, -1.0, DENSE)),
    ("sparse_to_dense_scalar", lambda: tf.sparse_to_dense([1, 3], [5], 7.0), [0, 7, 0, 7, 0]),
    ("add_sparse", lambda: tf.sparse.to_dense(tf.sparse_add(sp(), other())), DENSE + OTHER),
    ("add_dense", lambda: tf.sparse_add(sp(), np.ones((3, 4), np.float32)), DENSE + 1),
    ("reduce_sum_rows", lambda: tf.sparse_reduce_sum(sp(), 1), DENSE.sum(1)),
    ("reduce_sum_keepdims", lambda: tf.sparse_reduce_sum(sp(), 0, keepdims=True),
     DENSE.sum(0, keepdims=True)),
    # Stored values only; a column nothing reaches reads 0.
    ("reduce_max_stored_only", lambda: tf.sparse_reduce_max(sp(values=-VALUES), 0),
     [-2.0, -1.0, 0.0, -3.0]),
    ("matmul", lambda: tf.sparse_tensor_dense_matmul(sp(), np.arange(8.0, dtype=np.float32)
                                                    .reshape(4, 2)),
     DENSE @ np.arange(8.0).reshape(4, 2)),
    ("matmul_adjoint", lambda: tf.sparse.matmul(sp(), np.ones((2, 3), np.float32),
                                                adjoint_a=True, adjoint_b=True),
     DENSE.T @ np.ones((3, 2))),
    ("transpose", lambda: tf.sparse.to_dense(tf.sparse_transpose(sp())), DENSE.T),
    ("reshape", lambda: tf.sparse.to_dense(tf.sparse_reshape(sp(), [2, -1])),
     DENSE.reshape(2, 6)),
    ("slice", lambda: tf.sparse.to_dense(tf.sparse_slice(sp(), [1, 0], [2, 2])), DENSE[1:3, :2]),
    ("concat", lambda: tf.sparse.to_dense(tf.sparse_concat(1, [sp(), other()])),
     np.concatenate([DENSE, OTHER], 1)),
    ("retain", lambda: tf.sparse.to_dense(tf.sparse_retain(sp(), [True, False, True])),
     np.where(DENSE == 2, 0, DENSE)),
    ("maximum", lambda: tf.sparse.to_dense(tf.sparse_maximum(sp(), other())),
     np.maximum(DENSE, OTHER)),
    ("minimum", lambda: tf.sparse.to_dense(tf.sparse_minimum(sp(), other())),
     np.minimum(DENSE, OTHER)),
    ("from_dense", lambda: tf.sparse.to_dense(tf.sparse.from_dense(DENSE)), DENSE),
    ("indicator", lambda: tf.sparse_to_indicator(
        tf.SparseTensor([[0, 0], [0, 1], [1, 0]], [3, 1, 2], [2, 2]), 4),
     [[False, True, False, True], [False, False, True, False]]),
    ("segment_sum", lambda: tf.sparse_segment_sum(np.arange(12.0).reshape(4, 3), [0, 1, 3],
                                                  [0, 0, 2]),
     [[3, 5, 7], [0, 0, 0], [9, 10, 11]]),
    ("segment_sqrt_n", lambda: tf.sparse_segment_sqrt_n(np.arange(12.0).reshape(4, 3),
                                                        [0, 1], [0, 0], num_segments=2),
     [[3 / np.sqrt(2), 5 / np.sqrt(2), 7 / np.sqrt(2)], [0, 0, 0]]),
    ("eye", lambda: tf.sparse.to_dense(tf.sparse.eye(2, 3)), np.eye(2, 3)),
    ("softmax_rows", lambda: tf.sparse.to_dense(tf.sparse_softmax(
        tf.SparseTensor([[0, 0], [0, 2], [1, 1]], [1.0, 2.0, 5.0], [2, 3]))),
     [[1 / (1 + np.e), 0, np.e / (1 + np.e)], [0, 1, 0]]),
]


@pytest.mark.parametrize(("name", "build", "expected"), DENSE_RESULTS,
                         ids=[r[0] for r in DENSE_RESULTS])
def test_sparse_op_matches_dense_numpy(name, build, expected):
    np.testing.assert_allclose(np.asarray(run(build()), dtype=np.float64),
                               np.asarray(expected, dtype=np.float64), rtol=1e-6)


def test_reorder_sorts_entries_row_major():
    value = run(tf.sparse_reorder(sp([[2, 3], [0, 1], [1, 0]], [3.0, 1.0, 2.0])))
    assert value.indices.tolist() == INDICES
    assert value.values.tolist() == [1.0, 2.0, 3.0]


def test_split_gives_the_first_pieces_one_more_column():
    pieces = run(tf.sparse_split(sp_input=sp(), num_split=3, axis=1))
    assert [p.dense_shape.tolist() for p in pieces] == [[3, 2], [3, 1], [3, 1]]
    assert np.array_equal(np.concatenate([dense(p) for p in pieces], 1), DENSE)


def test_fill_empty_rows_adds_the_default_in_column_zero():
    filled, empty = run(tf.sparse_fill_empty_rows(sp([[0, 1], [2, 3]], [1.0, 2.0], (4, 4)),
                                                  -1.0))
    assert filled.indices.tolist() == [[0, 1], [1, 0], [2, 3], [3, 0]]
    assert filled.values.tolist() == [1.0, -1.0, 2.0, -1.0]
    assert empty.tolist() == [False, True, False, True]


@pytest.mark.parametrize(("indices", "message"), [
    ([[1, 0], [0, 1]], "out of order"),
    ([[0, 1], [0, 1]], "is repeated"),
    ([[0, 9]], "out of bounds"),
])
def test_to_dense_validates_indices(indices, message):
    with pytest.raises(errors.InvalidArgumentError, match=message):
        run(tf.sparse_tensor_to_dense(sp(indices, VALUES[:len(indices)])))


def test_add_refuses_different_shapes():
    with pytest.raises(ValueError, match="incompatible"):
        tf.sparse_add(sp(), tf.SparseTensor([[0, 0]], [1.0], [4, 4]))
    holder = tf.sparse_placeholder(tf.float32)
    with pytest.raises(errors.InvalidArgumentError, match="shapes"):
        run(tf.sparse_add(sp(), holder), {holder: ([[0, 0]], [1.0], [4, 4])})


def test_embedding_lookup_sparse_combiners():
    params = np.arange(12.0, dtype=np.float32).reshape(6, 2)
    ids = tf.SparseTensor([[0, 0], [0, 1], [2, 0]], tf.constant([1, 3, 5], tf.int64), [3, 2])
    weights = tf.SparseTensor([[0, 0], [0, 1], [2, 0]], [2.0, 1.0, 0.5], [3, 2])
    out = run({c: tf.nn.embedding_lookup_sparse(params, ids, weights, combiner=c)
               for c in ("sum", "mean", "sqrtn")})
    total = 2 * params[1] + params[3]
    np.testing.assert_allclose(out["sum"][0], total)
    np.testing.assert_allclose(out["mean"][0], total / 3)
    np.testing.assert_allclose(out["sqrtn"][0], total / np.sqrt(5), rtol=1e-6)
    np.testing.assert_allclose(out["sum"][2], 0.5 * params[5])


def test_safe_embedding_lookup_sparse_drops_invalid_ids_and_zeroes_empty_rows():
    params = np.arange(12.0, dtype=np.float32).reshape(6, 2)
    ids = tf.SparseTensor([[0, 0], [0, 1], [2, 0]], tf.constant([1, -1, 5], tf.int64), [3, 2])
    out = run(tf.nn.safe_embedding_lookup_sparse(params, ids))
    np.testing.assert_allclose(out, [params[1], [0, 0], params[5]])
    with_default = run(tf.nn.safe_embedding_lookup_sparse(params, ids, default_id=0))
    np.testing.assert_allclose(with_default[1], params[0])


GRADIENTS = [
    ("to_dense", lambda v: tf.reshape(tf.sparse_tensor_to_dense(sp(values=v)), [3, 4])),
    ("add", lambda v: tf.reshape(tf.sparse.to_dense(tf.sparse_add(
        sp(values=v), tf.SparseTensor([[0, 1], [2, 2]], tf.constant([5.0, -3.0], tf.float64),
                                      [3, 4]))), [3, 4])),
    ("reduce_sum", lambda v: tf.sparse_reduce_sum(sp(values=v), 1)),
    ("softmax", lambda v: tf.reshape(tf.sparse_softmax(sp([[0, 1], [0, 2], [2, 3]], v)).values,
                                     [3])),
    ("matmul", lambda v: tf.sparse_tensor_dense_matmul(sp(values=v), np.arange(8.0).reshape(
        4, 2))),
    ("reorder", lambda v: tf.reshape(tf.sparse_reorder(sp([[2, 3], [0, 1], [1, 0]], v)).values
                                     * [1.0, 2.0, 3.0], [3])),
    ("fill_empty_rows", lambda v: tf.reshape(tf.sparse_fill_empty_rows(
        sp([[0, 1], [2, 0], [2, 3]], v, (4, 4)), tf.constant(0.5, tf.float64))[0].values, [5])),
    ("dense_add", lambda v: tf.sparse_add(sp(values=v), tf.ones([3, 4], tf.float64))),
]


@pytest.mark.parametrize(("name", "fn"), GRADIENTS, ids=[g[0] for g in GRADIENTS])
def test_sparse_gradients_match_numeric_jacobians(name, fn):
    v = tf.placeholder(tf.float64, [3])
    y = fn(v)
    symbolic, numeric = compute_gradient(v, [3], y, y.shape.as_list(),
                                         x_init_value=np.array([0.3, -0.7, 1.1]))
    np.testing.assert_allclose(symbolic, numeric, atol=1e-6)
