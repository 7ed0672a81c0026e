"""tf.linalg.LinearOperator subclasses against their dense matrices: matmul (with adjoints),
matvec, solve, determinants, trace, diagonal, adjoint/inverse/composition, shapes, errors."""

import numpy as np
import pytest

import smallflow as tf

L = tf.linalg
M = np.array([[4.0, 1.0, 0.5], [2.0, 3.0, 0.0], [1.0, -1.0, 2.0]], np.float32)
X = np.arange(6.0, dtype=np.float32).reshape(3, 2) - 2.0

OPERATORS = [
    ("full", lambda: L.LinearOperatorFullMatrix(M), M),
    ("diag", lambda: L.LinearOperatorDiag([2.0, 5.0, -1.0]), np.diag([2.0, 5.0, -1.0])),
    ("identity", lambda: L.LinearOperatorIdentity(3), np.eye(3)),
    ("scaled_identity", lambda: L.LinearOperatorScaledIdentity(3, 2.5), 2.5 * np.eye(3)),
    ("lower_triangular", lambda: L.LinearOperatorLowerTriangular(M), np.tril(M)),
    ("composition", lambda: L.LinearOperatorComposition(
        [L.LinearOperatorFullMatrix(M), L.LinearOperatorDiag([2.0, 5.0, -1.0])]),
     M @ np.diag([2.0, 5.0, -1.0])),
    ("adjoint", lambda: L.LinearOperatorFullMatrix(M).adjoint(), M.T),
    ("inverse", lambda: L.LinearOperatorFullMatrix(M).inverse(), np.linalg.inv(M)),
]


def run(fetches):
    with tf.Session() as sess:
        return sess.run(fetches)


@pytest.mark.parametrize(("name", "build", "dense"), OPERATORS, ids=[o[0] for o in OPERATORS])
def test_operator_agrees_with_its_dense_matrix(name, build, dense):
    op = build()
    assert op.shape.as_list() == [3, 3]
    out = run({"dense": op.to_dense(), "matmul": op.matmul(X),
               "adjoint": op.matmul(X, adjoint=True), "matvec": op.matvec(X[:, 0]),
               "solve": op.solve(X), "det": op.determinant(),
               "logdet": op.log_abs_determinant(), "trace": op.trace(),
               "diag": op.diag_part()})
    expected = {"dense": dense, "matmul": dense @ X, "adjoint": dense.T @ X,
                "matvec": dense @ X[:, 0], "solve": np.linalg.solve(dense, X),
                "det": np.linalg.det(dense), "logdet": np.log(abs(np.linalg.det(dense))),
                "trace": np.trace(dense), "diag": np.diag(dense)}
    for key, value in expected.items():
        np.testing.assert_allclose(out[key], value, rtol=1e-4, atol=1e-5, err_msg=key)


def test_batches_of_diagonals():
    op = L.LinearOperatorDiag([[1.0, 2.0], [3.0, 4.0]])
    assert op.batch_shape.as_list() == [2]
    np.testing.assert_allclose(run(op.determinant()), [2.0, 12.0])


def test_zeros_operator_is_singular():
    with pytest.raises(ValueError, match="is_square=True"):
        L.LinearOperatorZeros(2, 3)
    with pytest.raises(ValueError, match="always self adjoint"):
        L.LinearOperatorZeros(2, 3, is_self_adjoint=False)
    with pytest.raises(ValueError, match="always square"):
        L.LinearOperatorZeros(2, 3, is_square=False)  # the self-adjoint default implies it
    op = L.LinearOperatorZeros(2, 3, is_self_adjoint=False, is_square=False)
    assert op.shape.as_list() == [2, 3]
    np.testing.assert_allclose(run(op.matmul(np.ones((3, 1), np.float32))), np.zeros((2, 1)))
    with pytest.raises(ValueError, match="non square"):
        op.inverse()
    with pytest.raises(ValueError, match="singular"):
        L.LinearOperatorZeros(2).inverse()


def test_matmul_of_two_operators_is_a_composition():
    product = L.LinearOperatorDiag([2.0, 3.0]).matmul(L.LinearOperatorDiag([5.0, 7.0]))
    assert isinstance(product, L.LinearOperatorComposition)
    np.testing.assert_allclose(run(product.to_dense()), np.diag([10.0, 21.0]))


def test_gradients_flow_through_an_operator():
    matrix = tf.constant(M)
    loss = L.LinearOperatorFullMatrix(matrix).log_abs_determinant()
    np.testing.assert_allclose(run(tf.gradients(loss, matrix)[0]), np.linalg.inv(M).T,
                               rtol=1e-5)
