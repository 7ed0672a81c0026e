"""tf.linalg extras against NumPy/SciPy: SVD, eigh, LU and its solves, pinv, rank, expm,
logm, sqrtm, tridiagonal ops; gradients against numeric Jacobians (NaN-free)."""

import numpy as np
import pytest
import scipy.linalg

import smallflow as tf
from smallflow import errors
from smallflow.gradient_checker import compute_gradient

RNG = np.random.default_rng(11)
A = RNG.normal(size=(2, 4, 3))
SQ = RNG.normal(size=(3, 3)) + 3 * np.eye(3)
SPD = SQ @ SQ.T
TRI = np.array([[1.0, 2.0, 3.0, 0.0], [4.0, 5.0, 6.0, 7.0], [0.0, 8.0, 9.0, 1.5]])
TRI_DENSE = np.diag(TRI[1]) + np.diag(TRI[0, :-1], 1) + np.diag(TRI[2, 1:], -1)
RHS = RNG.normal(size=(4, 2))


def run(fetches):
    with tf.Session() as sess:
        return sess.run(fetches)


def _reconstruct_svd(values):
    s, u, v = values
    return (u * s[..., None, :]) @ np.swapaxes(v, -1, -2)


def _lu_back(lu, p):
    lower = np.tril(lu, -1) + np.eye(len(lu))
    product = lower @ np.triu(lu)
    out = np.empty_like(product)
    out[p] = product
    return out


CASES = [
    ("svd_values", lambda: tf.svd(A, compute_uv=False), lambda: np.linalg.svd(A)[1]),
    ("svd_reconstructs", lambda: tf.svd(A), lambda: A, _reconstruct_svd),
    ("svd_full_shapes", lambda: tf.concat([tf.shape(t) for t in tf.svd(A, full_matrices=True)],
                                          0), lambda: [2, 3, 2, 4, 4, 2, 3, 3]),
    ("eigvalsh", lambda: tf.self_adjoint_eigvals(SPD), lambda: np.linalg.eigvalsh(SPD)),
    ("eigh_lower_triangle_only", lambda: tf.linalg.eigvalsh(np.tril(SPD) + np.triu(
        np.full((3, 3), 99.0), 1)), lambda: np.linalg.eigvalsh(SPD)),
    ("eigh_vectors", lambda: tf.linalg.eigh(SPD), lambda: SPD,
     lambda r: r[1] @ np.diag(r[0]) @ r[1].T),
    ("lu", lambda: tf.linalg.lu(SQ), lambda: SQ, lambda r: _lu_back(*r)),
    ("lu_solve", lambda: tf.linalg.lu_solve(*tf.linalg.lu(SQ), RHS[:3]),
     lambda: np.linalg.solve(SQ, RHS[:3])),
    ("lu_matrix_inverse", lambda: tf.linalg.lu_matrix_inverse(*tf.linalg.lu(SQ)),
     lambda: np.linalg.inv(SQ)),
    ("lu_reconstruct_batch", lambda: tf.linalg.lu_reconstruct(*tf.linalg.lu(
        np.stack([SQ, SPD]))), lambda: np.stack([SQ, SPD])),
    ("pinv", lambda: tf.linalg.pinv(A), lambda: np.linalg.pinv(A)),
    ("pinv_singular", lambda: tf.linalg.pinv([[1.0, 2.0], [2.0, 4.0]]),
     lambda: np.linalg.pinv([[1.0, 2.0], [2.0, 4.0]])),
    ("matrix_rank", lambda: tf.linalg.matrix_rank([[1.0, 2.0], [2.0, 4.0]]), lambda: 1),
    ("expm", lambda: tf.linalg.expm(SQ), lambda: scipy.linalg.expm(SQ)),
    ("expm_scaled", lambda: tf.linalg.expm(10 * SQ), lambda: scipy.linalg.expm(10 * SQ)),
    ("logm", lambda: tf.linalg.logm(SPD.astype(np.complex128)),
     lambda: scipy.linalg.logm(SPD)),
    ("sqrtm", lambda: tf.linalg.sqrtm(SPD), lambda: scipy.linalg.sqrtm(SPD)),
    ("sqrtm_negative_is_nan", lambda: tf.matrix_square_root(-np.eye(2)),
     lambda: np.full((2, 2), np.nan)),
    ("tridiagonal_solve", lambda: tf.linalg.tridiagonal_solve(TRI, RHS),
     lambda: np.linalg.solve(TRI_DENSE, RHS)),
    ("tridiagonal_solve_vector", lambda: tf.linalg.tridiagonal_solve(
        list(TRI), RHS[:, 0], diagonals_format="sequence"),
     lambda: np.linalg.solve(TRI_DENSE, RHS[:, 0])),
    ("tridiagonal_matmul", lambda: tf.linalg.tridiagonal_matmul(TRI, RHS),
     lambda: TRI_DENSE @ RHS),
]


@pytest.mark.parametrize("row", CASES, ids=[c[0] for c in CASES])
def test_linalg_extra_matches_reference(row):
    _, build, expected, *post = row
    out = run(build())
    if post:
        out = post[0](out)
    np.testing.assert_allclose(np.asarray(out, dtype=np.complex128), np.asarray(
        expected(), dtype=np.complex128), rtol=1e-6, atol=1e-8, equal_nan=True)


GRADIENTS = [
    ("svd_values", lambda x: tf.svd(x, compute_uv=False), (4, 3)),
    ("svd_vectors_tall", lambda x: tf.matmul(tf.svd(x)[1], tf.svd(x)[2], transpose_b=True),
     (4, 3)),
    ("svd_vectors_wide", lambda x: tf.abs(tf.svd(x)[1]) + tf.reduce_sum(tf.svd(x)[0]), (3, 5)),
    ("svd_full", lambda x: tf.abs(tf.svd(x, full_matrices=True)[2]), (4, 3)),
    ("eigh", lambda x: tf.abs(tf.self_adjoint_eig(x + tf.transpose(x))[1]), (3, 3)),
    ("eigvalsh", lambda x: tf.self_adjoint_eigvals(x + tf.transpose(x)), (3, 3)),
    ("expm", tf.linalg.expm, (3, 3)),
    ("pinv", tf.linalg.pinv, (4, 3)),
    ("tridiagonal", lambda x: tf.linalg.tridiagonal_solve(x + [[0.0], [4.0], [0.0]],
                                                          np.ones((3, 2))), (3, 3)),
]


@pytest.mark.parametrize(("name", "fn", "shape"), GRADIENTS, ids=[g[0] for g in GRADIENTS])
def test_gradients_match_numeric_jacobians(name, fn, shape):
    x = tf.placeholder(tf.float64, shape)
    y = fn(x)
    init = RNG.normal(size=shape) + 2 * np.eye(*shape)
    symbolic, numeric = compute_gradient(x, list(shape), y, y.shape.as_list(),
                                         x_init_value=init)
    assert not np.isnan(symbolic).any()
    np.testing.assert_allclose(symbolic, numeric, atol=1e-5)


def test_lu_has_no_gradient_as_in_tensorflow():
    x = tf.constant(SQ)
    with pytest.raises(LookupError):
        tf.gradients(tf.linalg.lu(x)[0], x)


def test_lu_of_a_singular_matrix_is_an_error():
    with pytest.raises(errors.InvalidArgumentError, match="not invertible"):
        run(tf.linalg.lu(np.zeros((2, 2))))


def test_logm_takes_complex_matrices_only():
    with pytest.raises(TypeError, match="complex"):
        tf.linalg.logm(SPD)
