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


SP_INDICES = [[0, 1], [1, 0], [2, 3]]
SP_VALUES = [1.0, 2.0, 3.0]


def _sparse_cases():
    def sp(tf, np, indices=None, values=None, shape=(3, 4)):
        return tf.SparseTensor(SP_INDICES if indices is None else indices,
                               np.array(SP_VALUES if values is None else values, "float32"),
                               list(shape))

    def other(tf, np):
        return tf.SparseTensor([[0, 1], [2, 2]], np.array([5.0, -3.0], "float32"), [3, 4])

    def parts(value, prefix=""):
        return {prefix + "indices": value.indices, prefix + "values": value.values,
                prefix + "shape": value.dense_shape}

    def case(name, build):
        return Case(f"math/sparse/{name}", build)

    def grad_case(name, fn):
        def build(tf, np):
            values = tf.constant(np.array([0.3, -0.7, 1.1]))
            y = fn(tf, np, values)
            weights = tf.constant(np.arange(1, 1 + y.shape.num_elements(), dtype="float64")
                                  .reshape(y.shape.as_list()))
            return {"y": y, "dv": tf.gradients(tf.reduce_sum(y * weights), values)[0]}

        return Case(f"math/sparse/grad_{name}", build)

    def sp64(tf, np, values, indices=None, shape=(3, 4)):
        return tf.SparseTensor(SP_INDICES if indices is None else indices, values, list(shape))

    return [
        case("to_dense", lambda tf, np: {"y": tf.sparse_tensor_to_dense(sp(tf, np))}),
        case("to_dense_default", lambda tf, np: {"y": tf.sparse.to_dense(sp(tf, np), -1.0)}),
        case("to_dense_unordered", lambda tf, np: {"y": tf.sparse_tensor_to_dense(
            sp(tf, np, [[1, 0], [0, 1], [2, 3]]))}),
        case("to_dense_unvalidated", lambda tf, np: {"y": tf.sparse_tensor_to_dense(
            sp(tf, np, [[1, 0], [0, 1], [2, 3]]), validate_indices=False)}),
        case("sparse_to_dense", lambda tf, np: {"y": tf.sparse_to_dense([1, 3], [5], 7.0),
                                                "m": tf.sparse_to_dense([[0, 1], [1, 2]],
                                                                        [2, 3], [4, 5], -1)}),
        case("add", lambda tf, np: parts(tf.sparse_add(sp(tf, np), other(tf, np)))),
        case("add_threshold", lambda tf, np: parts(tf.sparse_add(
            sp(tf, np, values=[-5.0, 2.0, 3.0]), other(tf, np), threshold=0.5))),
        case("add_dense", lambda tf, np: {"y": tf.sparse_add(sp(tf, np), tf.ones([3, 4]))}),
        case("reorder", lambda tf, np: parts(tf.sparse_reorder(sp(tf, np, [[2, 3], [0, 1],
                                                                          [1, 0]])))),
        case("reshape", lambda tf, np: parts(tf.sparse_reshape(sp(tf, np), [2, -1]))),
        case("reshape_3d", lambda tf, np: parts(tf.sparse_reshape(sp(tf, np), [2, 3, 2]))),
        case("slice", lambda tf, np: parts(tf.sparse_slice(sp(tf, np), [1, 0], [5, 2]))),
        case("split", lambda tf, np: {
            f"{i}{k}": v for i, piece in enumerate(tf.sparse_split(
                sp_input=sp(tf, np), num_split=3, axis=1)) for k, v in parts(piece).items()}),
        case("concat", lambda tf, np: parts(tf.sparse_concat(1, [sp(tf, np), other(tf, np)]))),
        case("concat_expand", lambda tf, np: parts(tf.sparse_concat(
            0, [sp(tf, np), sp(tf, np, shape=(3, 5))], expand_nonconcat_dim=True))),
        case("transpose", lambda tf, np: parts(tf.sparse_transpose(sp(tf, np)))),
        case("retain", lambda tf, np: parts(tf.sparse_retain(sp(tf, np), [True, False, True]))),
        case("reduce_sum", lambda tf, np: {
            "all": tf.sparse_reduce_sum(sp(tf, np)), "rows": tf.sparse_reduce_sum(sp(tf, np), 1),
            "keep": tf.sparse_reduce_sum(sp(tf, np), 0, keepdims=True)}),
        case("reduce_max", lambda tf, np: {"cols": tf.sparse_reduce_max(sp(tf, np), 0),
                                           "all": tf.sparse_reduce_max(sp(tf, np))}),
        case("reduce_sum_sparse", lambda tf, np: parts(tf.sparse_reduce_sum_sparse(
            sp(tf, np), 1))),
        case("softmax", lambda tf, np: parts(tf.sparse_softmax(
            sp(tf, np, [[0, 0], [0, 2], [1, 1]], [1.0, 2.0, 5.0], (2, 3))))),
        case("dense_matmul", lambda tf, np: {"y": tf.sparse_tensor_dense_matmul(
            sp(tf, np), tf.constant(np.arange(8.0, dtype="float32").reshape(4, 2)))}),
        case("dense_matmul_adjoint", lambda tf, np: {"y": tf.sparse_tensor_dense_matmul(
            sp(tf, np), tf.ones([2, 3]), adjoint_a=True, adjoint_b=True)}),
        case("fill_empty_rows", lambda tf, np: (lambda out: {**parts(out[0]), "empty": out[1]})(
            tf.sparse_fill_empty_rows(sp(tf, np, [[0, 1], [2, 3]], [1.0, 2.0], (4, 4)), -1.0))),
        case("maximum", lambda tf, np: parts(tf.sparse_maximum(sp(tf, np), other(tf, np)))),
        case("minimum", lambda tf, np: parts(tf.sparse_minimum(sp(tf, np), other(tf, np)))),
        case("merge", lambda tf, np: parts(tf.sparse_merge(
            tf.SparseTensor([[0, 0], [0, 1], [1, 0]], tf.constant([3, 1, 2], tf.int64), [2, 2]),
            tf.SparseTensor([[0, 0], [0, 1], [1, 0]], [0.5, 1.5, 2.5], [2, 2]), 4))),
        case("to_indicator", lambda tf, np: {"y": tf.sparse_to_indicator(
            tf.SparseTensor([[0, 0], [0, 1], [1, 0]], tf.constant([3, 1, 2], tf.int64),
                            [2, 2]), 4)}),
        case("segment_ops", lambda tf, np: {
            "sum": tf.sparse_segment_sum(tf.constant(np.arange(12.0).reshape(4, 3)),
                                         [0, 1, 3], [0, 0, 2]),
            "mean": tf.sparse_segment_mean(tf.constant(np.arange(12.0).reshape(4, 3)),
                                           [0, 1, 3], [0, 0, 2]),
            "sqrt_n": tf.sparse_segment_sqrt_n(tf.constant(np.arange(12.0).reshape(4, 3)),
                                               [0, 1, 3], [0, 0, 1], num_segments=3)}),
        case("placeholder", lambda tf, np: (lambda holder: (
            {"sum": tf.sparse_reduce_sum(holder), "dense": tf.sparse.to_dense(holder)},
            {holder: tf.SparseTensorValue(SP_INDICES, SP_VALUES, [3, 4])}))(
                tf.sparse_placeholder(tf.float32, shape=[3, 4]))),
        case("placeholder_fetch", lambda tf, np: (lambda holder: (
            parts(holder), {holder: tf.SparseTensorValue(SP_INDICES, SP_VALUES, [3, 5])}))(
                tf.sparse_placeholder(tf.float32))),
        case("embedding_lookup_sparse", lambda tf, np: {
            c: tf.nn.embedding_lookup_sparse(
                tf.constant(np.arange(12.0, dtype="float32").reshape(6, 2)),
                tf.SparseTensor([[0, 0], [0, 1], [2, 0]], tf.constant([1, 3, 5], tf.int64),
                                [3, 2]),
                tf.SparseTensor([[0, 0], [0, 1], [2, 0]], [2.0, 1.0, 0.5], [3, 2]),
                combiner=c) for c in ("sum", "mean", "sqrtn")}),
        case("safe_embedding_lookup_sparse", lambda tf, np: {
            "zeros": tf.nn.safe_embedding_lookup_sparse(
                tf.constant(np.arange(12.0, dtype="float32").reshape(6, 2)),
                tf.SparseTensor([[0, 0], [0, 1], [2, 0]], tf.constant([1, -1, 5], tf.int64),
                                [3, 2])),
            "default": tf.nn.safe_embedding_lookup_sparse(
                tf.constant(np.arange(12.0, dtype="float32").reshape(6, 2)),
                tf.SparseTensor([[0, 0], [0, 1], [2, 0]], tf.constant([1, -1, 5], tf.int64),
                                [3, 2]), default_id=2)}),
        case("bad_add", lambda tf, np: parts(tf.sparse_add(
            sp(tf, np), tf.SparseTensor([[0, 0]], [1.0], [4, 4])))),
        grad_case("to_dense", lambda tf, np, v: tf.sparse_tensor_to_dense(sp64(tf, np, v))),
        grad_case("add", lambda tf, np, v: tf.sparse.to_dense(tf.sparse_add(
            sp64(tf, np, v), tf.SparseTensor([[0, 1], [2, 2]], tf.constant([5.0, -3.0],
                                                                          tf.float64), [3, 4])),
            validate_indices=False)),
        grad_case("reduce_sum", lambda tf, np, v: tf.sparse_reduce_sum(sp64(tf, np, v), 1)),
        grad_case("softmax", lambda tf, np, v: tf.sparse_softmax(
            sp64(tf, np, v, [[0, 1], [0, 2], [2, 3]])).values),
        grad_case("dense_matmul", lambda tf, np, v: tf.sparse_tensor_dense_matmul(
            sp64(tf, np, v), tf.constant(np.arange(8.0).reshape(4, 2)))),
        grad_case("reorder", lambda tf, np, v: tf.sparse_reorder(
            sp64(tf, np, v, [[2, 3], [0, 1], [1, 0]])).values),
        grad_case("fill_empty_rows", lambda tf, np, v: tf.sparse_fill_empty_rows(
            sp64(tf, np, v, [[0, 1], [2, 0], [2, 3]], (4, 4)), tf.constant(0.5, tf.float64))[
                0].values),
    ]


def _random_cases():
    """Random values differ (Philox streams are consumed differently): dtypes, static and
    dynamic shapes, ranges, determinism and errors are compared."""

    def case(name, build):
        return Case(f"math/random/{name}", build)

    def summary(tf, x, low=None, high=None):
        out = {"x_shape": tf.shape(x), "x_static": tf.zeros_like(x)}
        if low is not None:
            inside = tf.logical_and(x >= low, x < high) if high is not None else x >= low
            out["inside"] = tf.reduce_all(inside)
        return out

    def same_twice(tf, fn):
        return {"same": tf.reduce_all(tf.equal(fn(), fn()))}

    seed = [7, 11]
    return [
        case("stateless_uniform", lambda tf, np: summary(
            tf, tf.random.stateless_uniform([3, 4], seed, 2.0, 5.0), 2.0, 5.0)),
        case("stateless_uniform_int", lambda tf, np: summary(
            tf, tf.random.stateless_uniform([5], seed, -3, 4, dtype=tf.int64), -3, 4)),
        case("stateless_uniform_int_needs_maxval", lambda tf, np: summary(
            tf, tf.random.stateless_uniform([5], seed, dtype=tf.int32))),
        case("stateless_uniform_f64_same", lambda tf, np: same_twice(
            tf, lambda: tf.random.stateless_uniform([6], seed, dtype=tf.float64))),
        case("stateless_normal", lambda tf, np: {
            **summary(tf, tf.random.stateless_normal([2, 3], tf.constant(seed, tf.int64))),
            **same_twice(tf, lambda: tf.random.stateless_normal([4], seed, 1.0, 2.0))}),
        case("stateless_truncated_normal", lambda tf, np: summary(
            tf, tf.random.stateless_truncated_normal([50], seed), -2.0, 2.0001)),
        case("stateless_categorical", lambda tf, np: summary(
            tf, tf.random.stateless_categorical([[0.0, 1.0, 2.0], [5.0, 0.0, 0.0]], 6, seed),
            0, 3)),
        case("stateless_multinomial_int32", lambda tf, np: summary(
            tf, tf.random.stateless_multinomial([[0.0, 1.0]], 4, seed,
                                                output_dtype=tf.int32), 0, 2)),
        case("stateless_gamma", lambda tf, np: summary(
            tf, tf.random.stateless_gamma([4, 2], seed, [1.0, 3.0]), 0.0)),
        case("stateless_poisson", lambda tf, np: summary(
            tf, tf.random.stateless_poisson([6], seed, 3.0), 0)),
        case("stateless_binomial", lambda tf, np: summary(
            tf, tf.random.stateless_binomial([6], seed, 5.0, 0.5), 0, 6)),
        case("stateless_bad_seed", lambda tf, np: summary(
            tf, tf.random.stateless_uniform([2], [1, 2, 3]))),
        case("gamma", lambda tf, np: summary(
            tf, tf.random.gamma([3], [[1.0, 2.0]], beta=[2.0, 4.0], seed=1), 0.0)),
        case("gamma_f64", lambda tf, np: summary(
            tf, tf.random_gamma([2, 2], 0.5, dtype=tf.float64, seed=1), 0.0)),
        case("poisson", lambda tf, np: summary(
            tf, tf.random.poisson([1.0, 4.0], [5], seed=2), 0.0)),
        case("poisson_int", lambda tf, np: summary(
            tf, tf.random_poisson(3.0, [2, 2], dtype=tf.int64, seed=2), 0)),
        case("candidate_samplers", lambda tf, np: {
            f"{name}{i}": t for name, outs in (
                ("fixed", tf.random.fixed_unigram_candidate_sampler(
                    tf.constant([[1], [2]], tf.int64), 1, 3, True, 5,
                    unigrams=[1.0, 2.0, 3.0, 4.0, 5.0], seed=1)),
                ("learned", tf.random.learned_unigram_candidate_sampler(
                    tf.constant([[1], [2]], tf.int64), 1, 3, False, 5, seed=1)),
                ("all", tf.random.all_candidate_sampler(
                    tf.constant([[1], [2]], tf.int64), 1, 4, True, seed=1)))
            for i, t in enumerate([tf.shape(outs[0]), outs[1] * 0, outs[2] * 0])}),
        case("all_candidate_values", lambda tf, np: dict(zip(
            ("sampled", "true", "expected"), tf.random.all_candidate_sampler(
                tf.constant([[1, 3]], tf.int64), 2, 5, True)))),
    ]


def _special_cases():
    def case(name, build, rtol=1e-6):
        return Case(f"math/special/{name}", build, rtol=rtol)

    a_values = [0.5, 1.0, 3.0, 10.0, 0.1, 50.0, -1.0, 2.0]
    x_values = [0.2, 1.0, 2.5, 12.0, 5.0, 45.0, 1.0, 0.0]

    def pair(fn, dtype="float64"):
        def build(tf, np):
            a = _c(tf, np, a_values, dtype)
            x = _c(tf, np, x_values, dtype)
            y = fn(tf)(a, x)
            da, dx = tf.gradients(tf.reduce_sum(y), [a, x])
            out = {"y": y}
            if da is not None:
                out["da"] = da
            if dx is not None:
                out["dx"] = dx
            return out

        return build

    def unary(fn, values, dtype="float64"):
        def build(tf, np):
            x = _c(tf, np, values, dtype)
            y = fn(tf)(x)
            return {"y": y, "dx": tf.gradients(tf.reduce_sum(y), x)[0]}

        return build

    bessel_x = [-30.0, -1.0, 0.5, 2.0, 14.0, 16.0, 100.0]
    return [
        case("igamma", pair(lambda tf: tf.math.igamma), rtol=1e-7),
        case("igamma_f32", pair(lambda tf: tf.igamma, "float32"), rtol=1e-4),
        case("igammac", pair(lambda tf: tf.math.igammac), rtol=1e-7),
        case("zeta", lambda tf, np: (lambda x, q: {
            "y": tf.zeta(x, q), "dq": tf.gradients(tf.reduce_sum(tf.zeta(x, q)), q)[0]})(
                _c(tf, np, [1.5, 2.0, 3.0, 1.0, 0.5, 4.0, 2.0]),
                _c(tf, np, [0.5, 1.0, 2.5, 1.0, 1.0, -2.0, -1.5]))),
        case("betainc", lambda tf, np: (lambda a, b, x: {
            "y": tf.math.betainc(a, b, x),
            "dx": tf.gradients(tf.reduce_sum(tf.math.betainc(a, b, x)), x)[0]})(
                _c(tf, np, [0.5, 1.0, 3.0, 10.0, 2.0, 0.2]),
                _c(tf, np, [2.0, 1.0, 0.5, 12.0, 2.0, 0.3]),
                _c(tf, np, [0.2, 0.5, 0.9, 0.4, 0.0, 0.999]))),
        case("betainc_invalid", lambda tf, np: {"y": tf.betainc(
            _c(tf, np, [-1.0, 1.0]), _c(tf, np, [1.0, 1.0]), _c(tf, np, [0.5, 1.5]))}),
        case("erfinv", unary(lambda tf: tf.math.erfinv, [-0.999, -0.5, 0.0, 0.3, 0.9999])),
        case("erfinv_edges", lambda tf, np: {"y": tf.math.erfinv(
            _c(tf, np, [-1.0, 1.0, 1.5]))}),
        case("ndtri", unary(lambda tf: tf.math.ndtri, [1e-12, 0.01, 0.5, 0.9, 0.999999])),
        case("erfcinv", lambda tf, np: {"y": tf.math.erfcinv(_c(tf, np, [0.1, 1.0, 1.5]))}),
        case("bessel_i0e", unary(lambda tf: tf.math.bessel_i0e, bessel_x)),
        case("bessel_i1e", unary(lambda tf: tf.math.bessel_i1e, bessel_x)),
        case("bessel_i0_i1", lambda tf, np: {
            "i0": tf.math.bessel_i0(_c(tf, np, [0.5, 3.0, -2.0])),
            "i1": tf.math.bessel_i1(_c(tf, np, [0.5, 3.0, -2.0]))}),
        case("erfinv_f32", unary(lambda tf: tf.math.erfinv, [-0.5, 0.25, 0.75], "float32"),
             rtol=1e-5),
    ]


def _operator_cases():
    def case(name, make):
        def build(tf, np):
            op = make(tf, np)
            x = _c(tf, np, [[1.0, 2.0], [0.5, -1.0], [3.0, 0.0]])
            return {"dense": op.to_dense(), "matmul": op.matmul(x),
                    "adjoint": op.matmul(x, adjoint=True), "solve": op.solve(x),
                    "det": op.determinant(), "logdet": op.log_abs_determinant(),
                    "trace": op.trace(), "diag": op.diag_part(), "matvec": op.matvec(x[:, 0])}

        return Case(f"math/linear_operator/{name}", build, rtol=1e-6)

    lin = "linalg"
    return [
        case("full", lambda tf, np: getattr(tf, lin).LinearOperatorFullMatrix(_c(tf, np, M))),
        case("diag", lambda tf, np: getattr(tf, lin).LinearOperatorDiag(
            _c(tf, np, [2.0, 5.0, -1.0]))),
        case("identity", lambda tf, np: getattr(tf, lin).LinearOperatorIdentity(
            3, dtype=tf.float64)),
        case("scaled_identity", lambda tf, np: getattr(tf, lin).LinearOperatorScaledIdentity(
            3, _c(tf, np, 2.5))),
        case("lower_triangular", lambda tf, np: getattr(tf, lin).LinearOperatorLowerTriangular(
            _c(tf, np, NONSYM) + 2.0 * tf.eye(3, dtype=tf.float64))),
        case("composition", lambda tf, np: getattr(tf, lin).LinearOperatorComposition([
            getattr(tf, lin).LinearOperatorFullMatrix(_c(tf, np, M)),
            getattr(tf, lin).LinearOperatorDiag(_c(tf, np, [2.0, 5.0, -1.0]))])),
        case("inversion", lambda tf, np: getattr(tf, lin).LinearOperatorInversion(
            getattr(tf, lin).LinearOperatorFullMatrix(_c(tf, np, M)))),
        case("adjoint", lambda tf, np: getattr(tf, lin).LinearOperatorAdjoint(
            getattr(tf, lin).LinearOperatorFullMatrix(_c(tf, np, NONSYM) + 2.0 * tf.eye(
                3, dtype=tf.float64)))),
    ]


def _ctc_cases():
    def logits(np, steps=6, batch=2, classes=4):
        count = steps * batch * classes
        return ((np.arange(count) * 37 % 23) / 7.0 - 1.5).reshape(steps, batch, classes)

    def labels(tf, values=(1, 2, 0, 0, 2), shape=(2, 3)):
        return tf.SparseTensor([[0, 0], [0, 1], [1, 0], [1, 1], [1, 2]],
                               tf.constant(list(values), tf.int32), list(shape))

    def loss_case(name, lengths=(6, 5), **kwargs):
        def build(tf, np):
            x = _c(tf, np, logits(np))
            loss = tf.nn.ctc_loss(labels(tf), x, list(lengths), **kwargs)
            return {"loss": loss, "dx": tf.gradients(tf.reduce_sum(loss * [1.0, 2.0]), x)[0]}

        return Case(f"math/ctc/{name}", build, rtol=1e-6)

    def greedy(tf, np, merge=True):
        decoded, scores = tf.nn.ctc_greedy_decoder(_c(tf, np, logits(np), "float32"), [6, 4],
                                                    merge_repeated=merge)
        return {"indices": decoded[0].indices, "values": decoded[0].values,
                "shape": decoded[0].dense_shape, "scores": scores}

    return [
        loss_case("loss"),
        loss_case("collapse", preprocess_collapse_repeated=True),
        loss_case("too_short", lengths=(2, 5)),
        loss_case("ignore_too_short", lengths=(2, 5), ignore_longer_outputs_than_inputs=True),
        Case("math/ctc/batch_major", lambda tf, np: {"loss": tf.nn.ctc_loss(
            labels(tf), tf.transpose(_c(tf, np, logits(np)), [1, 0, 2]), [6, 6],
            time_major=False)}),
        Case("math/ctc/greedy", greedy),
        Case("math/ctc/greedy_unmerged", lambda tf, np: greedy(tf, np, merge=False)),
    ]


MATH_CASES = (_linalg_cases() + _sparse_cases() + _random_cases() + _special_cases()
              + _operator_cases() + _ctc_cases())
