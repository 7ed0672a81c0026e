"""Linear algebra, einsum/tensordot/norm and segment reductions against NumPy."""

import numpy as np
import pytest

import smallflow as tf
from smallflow import errors

RNG = np.random.default_rng(9)


def run(fetches):
    with tf.Session() as sess:
        return sess.run(fetches)


def _spd(n, batch=()):
    a = RNG.normal(size=(*batch, n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


A = RNG.normal(size=(2, 3, 3)) + 3 * np.eye(3)
B = RNG.normal(size=(2, 3, 2))

LINALG = [
    ("inverse", lambda: tf.matrix_inverse(A), lambda: np.linalg.inv(A)),
    ("inverse_adjoint", lambda: tf.matrix_inverse(A, adjoint=True),
     lambda: np.linalg.inv(np.swapaxes(A, -1, -2))),
    ("determinant", lambda: tf.matrix_determinant(A), lambda: np.linalg.det(A)),
    ("slogdet", lambda: tf.linalg.slogdet(A)[1], lambda: np.linalg.slogdet(A)[1]),
    ("solve", lambda: tf.matrix_solve(A, B), lambda: np.linalg.solve(A, B)),
    ("solve_adjoint", lambda: tf.matrix_solve(A, B, adjoint=True),
     lambda: np.linalg.solve(np.swapaxes(A, -1, -2), B)),
    ("triangular_solve", lambda: tf.matrix_triangular_solve(A, B),
     lambda: np.linalg.solve(np.tril(A), B)),
    ("triangular_solve_upper_adjoint",
     lambda: tf.matrix_triangular_solve(A, B, lower=False, adjoint=True),
     lambda: np.linalg.solve(np.swapaxes(np.triu(A), -1, -2), B)),
    ("cholesky", lambda: tf.cholesky(_SPD), lambda: np.linalg.cholesky(_SPD)),
    ("cholesky_solve", lambda: tf.cholesky_solve(tf.cholesky(_SPD), B),
     lambda: np.linalg.solve(_SPD, B)),
    ("band_part", lambda: tf.matrix_band_part(A, 1, 0),
     lambda: np.triu(np.tril(A), -1)),
    ("band_part_all_upper", lambda: tf.matrix_band_part(A, 0, -1), lambda: np.triu(A)),
    ("diag_part", lambda: tf.matrix_diag_part(A), lambda: np.diagonal(A, axis1=-2, axis2=-1)),
    ("matrix_diag", lambda: tf.matrix_diag([[1.0, 2.0]]), lambda: np.array([[[1, 0], [0, 2]]])),
    ("trace", lambda: tf.trace(A), lambda: np.trace(A, axis1=-2, axis2=-1)),
    ("eye", lambda: tf.eye(2, 3, batch_shape=[2]), lambda: np.broadcast_to(np.eye(2, 3),
                                                                          (2, 2, 3))),
    ("matrix_transpose", lambda: tf.matrix_transpose(B), lambda: np.swapaxes(B, -1, -2)),
    ("einsum_matmul", lambda: tf.einsum("bij,bjk->bik", A, B), lambda: A @ B),
    ("einsum_implicit", lambda: tf.einsum("ij,jk", A[0], B[0]), lambda: A[0] @ B[0]),
    ("einsum_outer_trace", lambda: tf.einsum("bij->b", A), lambda: A.sum((1, 2))),
    ("tensordot_int", lambda: tf.tensordot(A, B[0], 1), lambda: np.tensordot(A, B[0], 1)),
    ("tensordot_pairs", lambda: tf.tensordot(A, B, [[0, 1], [0, 1]]),
     lambda: np.tensordot(A, B, [[0, 1], [0, 1]])),
    ("norm_euclidean", lambda: tf.norm(B), lambda: np.linalg.norm(B.ravel())),
    ("norm_axis_1", lambda: tf.norm(B, ord=1, axis=1), lambda: np.abs(B).sum(1)),
    ("norm_inf", lambda: tf.norm(B, ord=np.inf, axis=-1), lambda: np.abs(B).max(-1)),
    ("norm_p3", lambda: tf.norm(B, ord=3, axis=-1, keepdims=True),
     lambda: (np.abs(B) ** 3).sum(-1, keepdims=True) ** (1 / 3)),
    ("norm_fro", lambda: tf.norm(A, ord="fro", axis=[-2, -1]),
     lambda: np.linalg.norm(A, "fro", axis=(-2, -1))),
    ("norm_matrix_1", lambda: tf.norm(A, ord=1, axis=[1, 2]),
     lambda: np.linalg.norm(A, 1, axis=(1, 2))),
    ("norm_matrix_inf", lambda: tf.norm(A, ord=np.inf, axis=[1, 2]),
     lambda: np.linalg.norm(A, np.inf, axis=(1, 2))),
    ("euclidean_norm", lambda: tf.math.reduce_euclidean_norm(B, 1),
     lambda: np.sqrt((B ** 2).sum(1))),
]
_SPD = _spd(3, (2,))


@pytest.mark.parametrize(("label", "build", "reference"), LINALG, ids=[c[0] for c in LINALG])
def test_linalg_matches_numpy(label, build, reference):
    np.testing.assert_allclose(run(build()), reference(), rtol=1e-9, atol=1e-12)


def test_singular_matrix_is_an_invalid_argument():
    with pytest.raises(errors.InvalidArgumentError, match="not invertible"):
        run(tf.matrix_inverse(tf.zeros([2, 2])))


def test_cholesky_of_a_non_positive_definite_matrix_is_an_invalid_argument():
    with pytest.raises(errors.InvalidArgumentError, match="Cholesky"):
        run(tf.cholesky(tf.constant([[1.0, 2.0], [2.0, 1.0]])))


def test_einsum_static_shape():
    a = tf.placeholder(tf.float32, [None, 3, 4])
    b = tf.placeholder(tf.float32, [4, 5])
    assert tf.einsum("bij,jk->bik", a, b).shape.as_list() == [None, 3, 5]


LOWEST = np.finfo(np.float64).min
DATA = np.array([[1.0, 2.0], [3.0, -4.0], [5.0, 6.0], [0.0, 8.0]])
SORTED_IDS = [0, 0, 1, 3]
UNSORTED_IDS = [1, 0, 1, -1]


def _segments(reduce, ids, count, empty):
    out = np.full((count, 2), empty)
    for row, i in zip(DATA, ids):
        if i >= 0:
            out[i] = row if np.all(out[i] == empty) and empty != 0 else reduce(out[i], row)
    return out


SEGMENTS = [
    (tf.segment_sum, SORTED_IDS, lambda: _segments(np.add, SORTED_IDS, 4, 0.0)),
    # An empty sorted segment (id 2 here) is 0 for max and min, as in TensorFlow.
    (tf.segment_max, SORTED_IDS, lambda: np.array([[3.0, 2.0], [5.0, 6.0], [0, 0], [0, 8]])),
    (tf.segment_min, SORTED_IDS, lambda: np.array([[1.0, -4.0], [5.0, 6.0], [0, 0], [0, 8]])),
    (tf.segment_prod, SORTED_IDS,
     lambda: np.array([[3.0, -8.0], [5.0, 6.0], [1.0, 1.0], [0.0, 8.0]])),
    (tf.segment_mean, SORTED_IDS, lambda: np.array([[2.0, -1.0], [5.0, 6.0], [0, 0], [0, 8]])),
]


@pytest.mark.parametrize(("fn", "ids", "reference"), SEGMENTS,
                         ids=lambda v: getattr(v, "__name__", ""))
def test_sorted_segments_match_numpy(fn, ids, reference):
    np.testing.assert_allclose(run(fn(DATA, ids)), reference())


UNSORTED = [
    # An empty segment holds the lowest (highest) finite value, as in TensorFlow.
    (tf.unsorted_segment_max, np.array([[3.0, -4.0], [5.0, 6.0], [LOWEST, LOWEST]])),
    (tf.unsorted_segment_min, np.array([[3.0, -4.0], [1.0, 2.0], [-LOWEST, -LOWEST]])),
    (tf.unsorted_segment_prod, np.array([[3.0, -4.0], [5.0, 12.0], [1.0, 1.0]])),
    (tf.unsorted_segment_mean, np.array([[3.0, -4.0], [3.0, 4.0], [0.0, 0.0]])),
    (tf.unsorted_segment_sqrt_n, np.array([[3.0, -4.0], [6 / np.sqrt(2), 8 / np.sqrt(2)],
                                           [0.0, 0.0]])),
]


@pytest.mark.parametrize(("fn", "expected"), UNSORTED, ids=lambda v: getattr(v, "__name__", ""))
def test_unsorted_segments_drop_negative_ids_and_fill_empty_ones(fn, expected):
    np.testing.assert_allclose(run(fn(DATA, UNSORTED_IDS, 3)), expected)
