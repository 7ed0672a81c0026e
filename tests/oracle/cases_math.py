"""Oracle cases for the "math" namespaces of issue 9: tf.linalg extras (SVD, eigh, LU,
pinv, rank, expm/logm/sqrtm, tridiagonal ops), sparse tensors, stateless and other random
ops.

Same rules as cases.py: each build is a function of ``tf`` and ``np`` only. Eigenvectors and
singular vectors are compared up to sign (their absolute values).
"""

from cases import Case

M = [[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]]
A = [[1.0, 2.0, 0.5], [0.3, -1.0, 2.0], [2.0, 0.1, 0.4], [-1.5, 0.7, 1.0]]
NONSYM = [[0.2, 1.0, -0.3], [0.5, -0.4, 0.8], [0.1, 0.6, 0.3]]


def _c(tf, np, values, dtype="float64"):
    return tf.constant(np.array(values, dtype=dtype))


def _grad(tf, y, x):
    return tf.gradients(y, x)[0]


def _linalg_cases():
    def case(name, build, rtol=1e-6):
        return Case(f"math/linalg/{name}", build, rtol=rtol)

    def svd_build(values, dtype="float64", **kwargs):
        def build(tf, np):
            x = _c(tf, np, values, dtype)
            s, u, v = tf.svd(x, **kwargs)
            weights = _c(tf, np, np.arange(u.shape.num_elements()).reshape(u.shape.as_list()),
                         dtype)
            loss = tf.reduce_sum(s * s) + tf.reduce_sum(tf.abs(u) * weights)
            return {"s": s, "u": tf.abs(u), "v": tf.abs(v), "ds": _grad(tf, loss, x)}

        return build

    def eig_build(tf, np):
        x = _c(tf, np, M)
        e, v = tf.self_adjoint_eig(x)
        loss = tf.reduce_sum(e * [1.0, 2.0, 3.0]) + tf.reduce_sum(tf.square(v[:, 0]) * [1, 2, 3])
        return {"e": e, "v": tf.abs(v), "de": _grad(tf, loss, x),
                "vals": tf.self_adjoint_eigvals(x),
                "dvals": _grad(tf, tf.reduce_sum(tf.self_adjoint_eigvals(x) ** 2), x)}

    def lu_build(tf, np):
        x = _c(tf, np, NONSYM)
        lu, p = tf.linalg.lu(x)
        rhs = _c(tf, np, A[:3])
        return {"lu": lu, "p": p,
                "solve": tf.linalg.lu_solve(lu, p, rhs),
                "inverse": tf.linalg.lu_matrix_inverse(lu, p),
                "back": tf.linalg.lu_reconstruct(lu, p)}

    def tri(fmt):
        def build(tf, np):
            diags = np.array([[1.0, 2.0, 3.0, 0.0], [4.0, 5.0, 6.0, 7.0], [0.0, 8.0, 9.0, 1.5]])
            rhs = _c(tf, np, [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
            if fmt == "sequence":
                given = [_c(tf, np, d) for d in diags]
            elif fmt == "matrix":
                dense = np.diag(diags[1]) + np.diag(diags[0][:-1], 1) + np.diag(diags[2][1:], -1)
                given = _c(tf, np, dense)
            else:
                given = _c(tf, np, diags)
            solved = tf.linalg.tridiagonal_solve(given, rhs, diagonals_format=fmt)
            return {"x": solved, "dx": _grad(tf, tf.reduce_sum(solved), rhs)}

        return build

    return [
        case("svd_tall", svd_build(A)),
        case("svd_wide", svd_build([row[:3] for row in A[:2]])),
        case("svd_square_f32", svd_build(M, "float32"), rtol=1e-4),
        case("svd_full", svd_build(A, full_matrices=True)),
        case("svd_values_only", lambda tf, np: {
            "s": tf.svd(_c(tf, np, A), compute_uv=False),
            "batch": tf.svd(_c(tf, np, [A, A]), compute_uv=False)}),
        case("svd_grad_values_only", lambda tf, np: (lambda x: {
            "ds": _grad(tf, tf.reduce_sum(tf.svd(x, compute_uv=False) ** 2), x)})(
                _c(tf, np, A))),
        case("eigh", eig_build),
        case("eigh_linalg", lambda tf, np: {"e": tf.linalg.eigh(_c(tf, np, M))[0],
                                            "v": tf.linalg.eigvalsh(_c(tf, np, [M, M]))}),
        case("lu", lu_build),
        case("lu_has_no_gradient", lambda tf, np: (lambda x: {
            "d": _grad(tf, tf.reduce_sum(tf.linalg.lu(x)[0]), x)})(_c(tf, np, M))),
        case("pinv", lambda tf, np: (lambda x: {
            "y": tf.linalg.pinv(x), "d": _grad(tf, tf.reduce_sum(tf.linalg.pinv(x) ** 2), x),
            "singular": tf.linalg.pinv(_c(tf, np, [[1.0, 2.0], [2.0, 4.0]]))})(_c(tf, np, A))),
        case("matrix_rank", lambda tf, np: {
            "full": tf.linalg.matrix_rank(_c(tf, np, A)),
            "deficient": tf.linalg.matrix_rank(_c(tf, np, [[1.0, 2.0], [2.0, 4.0]])),
            "tol": tf.linalg.matrix_rank(_c(tf, np, M), tol=2.5)}),
        case("expm", lambda tf, np: (lambda x: {
            "y": tf.linalg.expm(x), "d": _grad(tf, tf.reduce_sum(tf.linalg.expm(x)), x)})(
                _c(tf, np, NONSYM))),
        case("expm_big", lambda tf, np: {"y": tf.linalg.expm(_c(tf, np, M) * 3.0)}),
        case("expm_f32", lambda tf, np: {"y": tf.linalg.expm(_c(tf, np, NONSYM, "float32"))},
             rtol=1e-5),
        case("sqrtm", lambda tf, np: {"y": tf.linalg.sqrtm(_c(tf, np, M)),
                                      "top": tf.matrix_square_root(_c(tf, np, M))}),
        case("logm", lambda tf, np: {"y": tf.linalg.logm(_c(tf, np, M, "complex128"))}),
        case("tridiagonal_compact", tri("compact")),
        case("tridiagonal_sequence", tri("sequence")),
        case("tridiagonal_matrix", tri("matrix")),
        case("tridiagonal_matmul", lambda tf, np: {"y": tf.linalg.tridiagonal_matmul(
            _c(tf, np, [[1.0, 2.0, 0.0], [4.0, 5.0, 6.0], [0.0, 8.0, 9.0]]),
            _c(tf, np, [[1.0], [2.0], [3.0]]))}),
        case("svd_rank1", lambda tf, np: {"s": tf.svd(_c(tf, np, A[0]))}),
    ]


MATH_CASES = _linalg_cases()
