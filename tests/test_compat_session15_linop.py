"""tf.linalg's structured LinearOperators (session 15): each against the NumPy matrix it
stands for (products, solves, determinants, diagonal, trace), their properties, the hint
checks, and gradients through them. TensorFlow's own values are compared in
tests/oracle/cases_session15_linop.py."""

import numpy as np
import pytest

import smallflow as tf

L = tf.linalg
RNG = np.random.RandomState(7)
A = RNG.standard_normal((2, 2)) + 3.0 * np.eye(2)
B = RNG.standard_normal((3, 3)) + 3.0 * np.eye(3)
X6 = RNG.standard_normal((6, 2))


def run(fetches):
    with tf.Session() as sess:
        return sess.run(fetches)


def check_against_dense(op, dense, x, rtol=1e-9):
    """Every method of ``op`` agrees with NumPy on ``dense``."""
    got = run({"dense": op.to_dense(), "matmul": op.matmul(x),
               "adjoint": op.matmul(x, adjoint=True), "solve": op.solve(x),
               "solve_adjoint": op.solve(x, adjoint=True), "det": op.determinant(),
               "lad": op.log_abs_determinant(), "diag": op.diag_part(), "trace": op.trace()})
    np.testing.assert_allclose(got["dense"], dense, rtol=rtol, atol=1e-12)
    np.testing.assert_allclose(got["matmul"], dense @ x, rtol=rtol, atol=1e-12)
    np.testing.assert_allclose(got["adjoint"], dense.conj().T @ x, rtol=rtol, atol=1e-12)
    np.testing.assert_allclose(got["solve"], np.linalg.solve(dense, x), rtol=1e-7)
    np.testing.assert_allclose(got["solve_adjoint"], np.linalg.solve(dense.conj().T, x),
                               rtol=1e-7)
    np.testing.assert_allclose(got["det"], np.linalg.det(dense), rtol=1e-7)
    np.testing.assert_allclose(got["lad"], np.log(abs(np.linalg.det(dense))), rtol=1e-7,
                               atol=1e-12)
    np.testing.assert_allclose(got["diag"], np.diag(dense), rtol=rtol, atol=1e-12)
    np.testing.assert_allclose(got["trace"], np.trace(dense), rtol=rtol)


def test_kronecker_is_numpys_kron():
    op = L.LinearOperatorKronecker([L.LinearOperatorFullMatrix(A),
                                    L.LinearOperatorFullMatrix(B)])
    assert op.shape.as_list() == [6, 6]
    assert op.name == "LinearOperatorFullMatrix_x_LinearOperatorFullMatrix"
    check_against_dense(op, np.kron(A, B), X6)


def test_kronecker_broadcasts_batches_and_keeps_structure():
    batch = np.stack([A, 2.0 * A])
    op = L.LinearOperatorKronecker([L.LinearOperatorFullMatrix(batch),
                                    L.LinearOperatorDiag(np.array([1.0, 2.0, 3.0]))])
    assert op.batch_shape.as_list() == [2]
    dense = run(op.to_dense())
    np.testing.assert_allclose(dense[1], np.kron(2.0 * A, np.diag([1.0, 2.0, 3.0])))
    inverse = op.inverse()
    assert isinstance(inverse, L.LinearOperatorKronecker)
    np.testing.assert_allclose(run(inverse.to_dense()), np.linalg.inv(dense), rtol=1e-9)


def test_kronecker_hints_follow_the_factors():
    spd = L.LinearOperatorDiag([1.0, 2.0], is_positive_definite=True)
    op = L.LinearOperatorKronecker([spd, spd])
    assert (op.is_non_singular, op.is_self_adjoint, op.is_positive_definite,
            op.is_square) == (True, True, True, True)
    with pytest.raises(ValueError, match="always positive-definite"):
        L.LinearOperatorKronecker([spd, spd], is_positive_definite=False)
    with pytest.raises(TypeError, match="same dtype"):
        L.LinearOperatorKronecker([spd, L.LinearOperatorDiag(np.array([1.0]))])
    with pytest.raises(ValueError, match=">=1 operators"):
        L.LinearOperatorKronecker([])


def test_kronecker_of_rectangular_factors_uses_the_dense_diagonal():
    a = RNG.standard_normal((2, 3))
    b = RNG.standard_normal((3, 2))
    op = L.LinearOperatorKronecker([L.LinearOperatorFullMatrix(a),
                                    L.LinearOperatorFullMatrix(b)])
    np.testing.assert_allclose(run(op.diag_part()), np.diag(np.kron(a, b)), rtol=1e-12)
    np.testing.assert_allclose(run(op.trace()), np.trace(np.kron(a, b)), rtol=1e-12)


def test_block_diag_and_block_lower_triangular():
    full, diag = L.LinearOperatorFullMatrix(A), L.LinearOperatorDiag(np.array([2.0, 3.0, 4.0,
                                                                                   5.0]))
    block = L.LinearOperatorBlockDiag([full, diag])
    assert block.name == "LinearOperatorFullMatrix_ds_LinearOperatorDiag"
    dense = np.zeros((6, 6))
    dense[:2, :2], dense[2:, 2:] = A, np.diag([2.0, 3.0, 4.0, 5.0])
    check_against_dense(block, dense, X6)
    low = RNG.standard_normal((4, 2))
    triangular = L.LinearOperatorBlockLowerTriangular(
        [[full], [L.LinearOperatorFullMatrix(low), diag]])
    dense[2:, :2] = low
    check_against_dense(triangular, dense, X6)
    assert triangular.is_non_singular is None
    with pytest.raises(ValueError, match="must contain `2` blocks"):
        L.LinearOperatorBlockLowerTriangular([[full], [diag]])
    with pytest.raises(ValueError, match="square"):
        L.LinearOperatorBlockDiag([L.LinearOperatorFullMatrix(np.ones((2, 3)))])
    with pytest.raises(ValueError, match="always non-singular"):
        L.LinearOperatorBlockDiag([L.LinearOperatorDiag([1.0], is_non_singular=True)],
                                  is_non_singular=False)


def _circulant(column):
    n = len(column)
    return np.array([[column[(i - j) % n] for j in range(n)] for i in range(n)])


def test_circulant_is_the_matrix_of_its_kernel():
    kernel = np.array([4.0, 1.0, -0.5, 0.25])
    spectrum = np.fft.fft(kernel)
    op = L.LinearOperatorCirculant(spectrum.astype(np.complex128),
                                   input_output_dtype=tf.float64)
    assert op.dtype == tf.float64
    assert op.block_depth == 1
    assert op.block_shape.as_list() == [4]
    check_against_dense(op, _circulant(kernel), RNG.standard_normal((4, 2)), rtol=1e-9)
    np.testing.assert_allclose(run(op.convolution_kernel()), kernel, atol=1e-12)
    run(op.assert_hermitian_spectrum())


def test_circulant_2d_and_3d_are_nested_block_circulants():
    kernel = RNG.standard_normal((2, 3))
    op = L.LinearOperatorCirculant2D(np.fft.fft2(kernel), input_output_dtype=tf.float64)
    dense = run(op.to_dense())
    # block (p, q) is the circulant of row (p - q) mod 2 of the kernel
    for p in range(2):
        for q in range(2):
            np.testing.assert_allclose(dense[3 * p:3 * p + 3, 3 * q:3 * q + 3],
                                       _circulant(kernel[(p - q) % 2]), atol=1e-12)
    cube = L.LinearOperatorCirculant3D(np.ones((2, 2, 2), np.complex64) * 2.0)
    np.testing.assert_allclose(run(cube.to_dense()), 2.0 * np.eye(8), atol=1e-6)
    assert cube.shape.as_list() == [8, 8]


def test_circulant_checks():
    with pytest.raises(ValueError, match="self-adjoint"):
        L.LinearOperatorCirculant([1.0, 2.0], is_self_adjoint=False)
    with pytest.raises(ValueError, match="always square"):
        L.LinearOperatorCirculant(np.array([1.0 + 1j, 2.0]), is_square=False)
    with pytest.raises(TypeError, match="spectrum"):
        L.LinearOperatorCirculant([1, 2])
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        L.LinearOperatorCirculant2D([1.0, 2.0])
    not_hermitian = L.LinearOperatorCirculant(np.array([1.0, 2.0 + 1j, 3.0], np.complex64))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Hermitian"):
        run(not_hermitian.assert_hermitian_spectrum())


def test_toeplitz():
    col, row = np.array([4.0, 1.0, 0.5]), np.array([9.0, -1.0, 0.25])
    dense = np.array([[4.0, -1.0, 0.25], [1.0, 4.0, -1.0], [0.5, 1.0, 4.0]])
    check_against_dense(L.LinearOperatorToeplitz(col, row), dense,
                        RNG.standard_normal((3, 2)))
    with pytest.raises(ValueError, match="Only square"):
        L.LinearOperatorToeplitz(col, row, is_square=False)


@pytest.mark.parametrize("variant", ["identity", "diag", "general"])
def test_low_rank_update_uses_woodbury_and_the_determinant_lemma(variant):
    base = np.array([2.0, 3.0, 1.5, 4.0])
    u = RNG.standard_normal((4, 2)) * 0.5
    kwargs, d, v = {}, np.eye(2), u
    if variant != "identity":
        kwargs["diag_update"] = np.array([1.5, 0.5])
        d = np.diag(kwargs["diag_update"])
    if variant == "general":
        v = kwargs["v"] = RNG.standard_normal((4, 2)) * 0.5
    op = L.LinearOperatorLowRankUpdate(L.LinearOperatorDiag(base), u, **kwargs)
    check_against_dense(op, np.diag(base) + u @ d @ v.T, RNG.standard_normal((4, 3)))
    assert op.is_self_adjoint is (True if variant != "general" else None)
    assert op.u is not None
    assert op.base_operator is not None
    diag_operator = op.diag_operator
    assert isinstance(diag_operator, L.LinearOperatorIdentity if variant == "identity"
                      else L.LinearOperatorDiag)


def test_low_rank_update_hints():
    spd = L.LinearOperatorDiag([1.0, 2.0], is_positive_definite=True, is_self_adjoint=True)
    op = L.LinearOperatorLowRankUpdate(spd, [[1.0], [2.0]])
    assert op.is_positive_definite
    assert op.is_self_adjoint
    with pytest.raises(ValueError, match="self-adjoint positive-definite"):
        L.LinearOperatorLowRankUpdate(spd, [[1.0], [2.0]], is_non_singular=False)
    with pytest.raises(ValueError, match="identity, which is positive"):
        L.LinearOperatorLowRankUpdate(spd, [[1.0], [2.0]], is_diag_update_positive=False)


def test_householder_reflects():
    axis = np.array([1.0, -2.0, 0.5])
    dense = np.eye(3) - 2.0 * np.outer(axis, axis) / axis.dot(axis)
    op = L.LinearOperatorHouseholder(axis)
    check_against_dense(op, dense, RNG.standard_normal((3, 2)))
    assert (op.is_self_adjoint, op.is_positive_definite, op.is_square) == (True, False, True)
    assert op.inverse() is op
    assert op.adjoint() is op
    with pytest.raises(ValueError, match="always self adjoint"):
        L.LinearOperatorHouseholder(axis, is_self_adjoint=False)


def test_complex_householder_is_unitary():
    axis = np.array([1.0 + 1.0j, -0.5j, 2.0])
    dense = run(L.LinearOperatorHouseholder(axis).to_dense())
    np.testing.assert_allclose(dense @ dense.conj().T, np.eye(3), atol=1e-12)


def test_permutation():
    op = L.LinearOperatorPermutation([2, 0, 1], dtype=tf.float64)
    dense = np.eye(3)[[2, 0, 1]]
    check_against_dense(op, dense, RNG.standard_normal((3, 2)))
    np.testing.assert_allclose(run(op.matvec([10.0, 20.0, 30.0])), [30.0, 10.0, 20.0])
    with pytest.raises(TypeError, match="integer"):
        L.LinearOperatorPermutation([0.0, 1.0])
    with pytest.raises(ValueError, match="always non-singular"):
        L.LinearOperatorPermutation([1, 0], is_non_singular=False)


def test_tridiag_formats_agree():
    sup, main, sub = np.array([1.0, 2.0, 0.0]), np.array([5.0, 6.0, 7.0]), \
        np.array([0.0, -1.0, 0.5])
    dense = np.diag(main) + np.diag(sup[:-1], 1) + np.diag(sub[1:], -1)
    x = RNG.standard_normal((3, 2))
    for op in (L.LinearOperatorTridiag(np.stack([sup, main, sub])),
               L.LinearOperatorTridiag([sup, main, sub], diagonals_format="sequence"),
               L.LinearOperatorTridiag(dense, diagonals_format="matrix")):
        check_against_dense(op, dense, x)
    with pytest.raises(ValueError, match="Diagonals Format"):
        L.LinearOperatorTridiag(dense, diagonals_format="band")


def test_base_hint_implications():
    op = L.LinearOperatorFullMatrix(A, is_positive_definite=True)
    assert op.is_non_singular
    assert op.is_square
    with pytest.raises(ValueError, match="always non-singular"):
        L.LinearOperatorFullMatrix(A, is_positive_definite=True, is_non_singular=False)
    with pytest.raises(ValueError, match="always square"):
        L.LinearOperatorFullMatrix(A, is_self_adjoint=True, is_square=False)
    with pytest.raises(ValueError, match="is_square hint to False"):
        _ = L.LinearOperatorFullMatrix(A, is_square=False).is_square
    with pytest.raises(ValueError, match="adjoint is self-adjoint"):
        L.LinearOperatorAdjoint(L.LinearOperatorFullMatrix(A, is_self_adjoint=True),
                                is_self_adjoint=False)


def test_complex_adjoint_conjugates():
    m = A + 1j * RNG.standard_normal((2, 2))
    x = RNG.standard_normal((2, 1)) + 1j
    op = L.LinearOperatorFullMatrix(m)
    got = run({"adjoint": op.adjoint().to_dense(), "matmul": op.matmul(x, adjoint=True),
               "det": L.LinearOperatorAdjoint(op).determinant(),
               "diag": L.LinearOperatorDiag(np.diag(m)).solve(x, adjoint=True)})
    np.testing.assert_allclose(got["adjoint"], m.conj().T)
    np.testing.assert_allclose(got["matmul"], m.conj().T @ x)
    np.testing.assert_allclose(got["det"], np.linalg.det(m).conjugate())
    np.testing.assert_allclose(got["diag"], x / np.diag(m).conj()[:, None])


def test_gradient_of_a_low_rank_log_determinant():
    diag = tf.constant(np.array([2.0, 3.0, 1.5]))
    u = RNG.standard_normal((3, 1))
    op = L.LinearOperatorLowRankUpdate(L.LinearOperatorDiag(diag), u)
    grad = run(tf.gradients(op.log_abs_determinant(), diag)[0])
    # d log|det(D + u u^T)| / dD_ii = (D + u u^T)^-1_ii
    np.testing.assert_allclose(grad, np.diag(np.linalg.inv(np.diag([2.0, 3.0, 1.5])
                                                           + u @ u.T)), rtol=1e-9)


def test_gradient_through_a_circulant_product():
    spectrum = tf.constant(np.array([2.0, 1.5, 3.0, 1.5]))
    x = RNG.standard_normal((4, 1))
    op = L.LinearOperatorCirculant(spectrum, input_output_dtype=tf.float64)
    grad = run(tf.gradients(tf.reduce_sum(op.matmul(x)), spectrum)[0])
    # sum(F^-1 diag(s) F x) keeps only the zero frequency: s_0 * sum(x)
    np.testing.assert_allclose(grad, [x.sum(), 0.0, 0.0, 0.0], atol=1e-12)
