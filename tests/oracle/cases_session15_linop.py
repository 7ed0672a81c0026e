"""Oracle cases from session 15 (helper linop): tf.linalg's structured LinearOperators
(Kronecker, BlockDiag, BlockLowerTriangular, Circulant/2D/3D, Toeplitz, LowRankUpdate,
Householder, Permutation, Tridiag, Zeros, Adjoint, Inversion) built the same way in both
engines; each case fetches the dense matrix and what the operator computes (matmul with
its adjoints, matvec, solve, solvevec, determinants, diagonal, trace, add_to_tensor,
shape), for real and complex dtypes and batch shapes that broadcast; the hint checks'
errors; and gradients through an operator.

Same rules as cases.py (runs under both interpreters; NumPy only).
"""

from cases import Case


def _rng(np, seed):
    return np.random.RandomState(seed)


def _mat(np, shape, dtype, seed, shift=0.0):
    """A well-conditioned (batch of) matrix: random plus ``shift`` on the diagonal."""
    rng = _rng(np, seed)
    values = rng.standard_normal(shape)
    if dtype.startswith("complex"):
        values = values + 1j * rng.standard_normal(shape)
    if shift:
        values = values + shift * np.eye(shape[-1])
    return values.astype(dtype)


def _vec(np, shape, dtype, seed, low=0.5, high=2.0):
    rng = _rng(np, seed)
    values = rng.uniform(low, high, shape)
    if dtype.startswith("complex"):
        values = values + 1j * rng.uniform(-1.0, 1.0, shape)
    return values.astype(dtype)


def _methods(tf, np, op, dtype, batch=(), rhs_cols=2, solve=True, det=True, seed=50):
    """Everything an operator computes, against ``x`` of shape batch + [N, rhs_cols]."""
    n = op.shape.as_list()[-1]
    m = op.shape.as_list()[-2]
    x = tf.constant(_mat(np, list(batch) + [n, rhs_cols], dtype, seed))
    xm = tf.constant(_mat(np, list(batch) + [m, rhs_cols], dtype, seed + 1))
    xt = tf.constant(_mat(np, list(batch) + [rhs_cols, n], dtype, seed + 2))
    out = {
        "dense": op.to_dense(),
        "matmul": op.matmul(x),
        "matmul_adjoint": op.matmul(xm, adjoint=True),
        "matmul_adjoint_arg": op.matmul(xt, adjoint_arg=True),
        "matvec": op.matvec(x[..., 0]),
        "matvec_adjoint": op.matvec(xm[..., 0], adjoint=True),
        "diag_part": op.diag_part(),
        "trace": op.trace(),
        "add_to_tensor": op.add_to_tensor(tf.constant(_mat(np, op.shape.as_list(), dtype,
                                                           seed + 3))),
        "shape_tensor": op.shape_tensor(),
    }
    if solve:
        out["solve"] = op.solve(xm)
        out["solve_adjoint"] = op.solve(x, adjoint=True)
        out["solve_adjoint_arg"] = op.solve(tf.constant(
            _mat(np, list(batch) + [rhs_cols, m], dtype, seed + 4)), adjoint_arg=True)
        out["solvevec"] = op.solvevec(xm[..., 0])
    if det:
        out["determinant"] = op.determinant()
        out["log_abs_determinant"] = op.log_abs_determinant()
    return out


def _hints(op):
    """The hints as numbers (None -> -1) so that both engines' values compare."""
    return [-1 if h is None else int(h) for h in (op.is_non_singular, op.is_self_adjoint,
                                                    op.is_positive_definite, op.is_square)]


# -- Kronecker ---------------------------------------------------------------------------------

def _kronecker(dtype):
    def build(tf, np):
        L = tf.linalg
        # (TensorFlow's dense Kronecker product broadcasts through rank 5 at most, so one
        # batch dimension; and its complex log-determinant needs factors with complex ones,
        # not LowerTriangular's real one.)
        a = L.LinearOperatorFullMatrix(_mat(np, [2, 2, 2], dtype, 1, shift=3.0))
        b = L.LinearOperatorDiag(_vec(np, [1, 3], dtype, 2))
        op = L.LinearOperatorKronecker([a, b])
        out = _methods(tf, np, op, dtype, batch=[2])
        out["hints"] = tf.constant(_hints(op))
        third = (L.LinearOperatorFullMatrix(_mat(np, [2, 2], dtype, 3, shift=3.0))
                 if dtype.startswith("complex") else
                 L.LinearOperatorLowerTriangular(_mat(np, [2, 2], dtype, 3, shift=3.0)))
        three = L.LinearOperatorKronecker([a, b, third])
        x = _mat(np, [2, 12, 2], dtype, 4)
        out.update({"three_dense": three.to_dense(), "three_matmul": three.matmul(x),
                    "three_solve": three.solve(x), "three_det": three.determinant(),
                    "three_log_abs_det": three.log_abs_determinant(),
                    "three_trace": three.trace(), "three_diag": three.diag_part()})
        return out
    return build


def _kronecker_spd(tf, np):
    L = tf.linalg
    spd = _mat(np, [3, 3], "float64", 4)
    spd = spd @ spd.T + 3.0 * np.eye(3)
    a = L.LinearOperatorFullMatrix(spd, is_self_adjoint=True, is_positive_definite=True)
    b = L.LinearOperatorDiag(np.array([1.0, 2.0]), is_positive_definite=True)
    op = L.LinearOperatorKronecker([a, b])
    out = _methods(tf, np, op, "float64")
    out["hints"] = tf.constant(_hints(op))
    out["cholesky"] = op.cholesky().to_dense()
    out["inverse"] = op.inverse().to_dense()
    out["adjoint"] = op.adjoint().to_dense()
    return out


def _kronecker_rectangular(tf, np):
    L = tf.linalg
    a = L.LinearOperatorFullMatrix(_mat(np, [2, 3], "float32", 5))
    b = L.LinearOperatorFullMatrix(_mat(np, [3, 2], "float32", 6))
    op = L.LinearOperatorKronecker([a, b])
    return {"dense": op.to_dense(), "matmul": op.matmul(_mat(np, [4, 2], "float32", 7)),
            "shape": op.shape_tensor(), "trace": op.trace()}


# -- block diagonal and block lower triangular --------------------------------------------------

def _block_diag(dtype):
    def build(tf, np):
        L = tf.linalg
        a = L.LinearOperatorFullMatrix(_mat(np, [2, 2, 2], dtype, 8, shift=3.0))
        # (complex: TensorFlow's LowerTriangular log-determinant is real, its sum with the
        # others' complex ones fails there)
        b = (L.LinearOperatorFullMatrix if dtype.startswith("complex") else
             L.LinearOperatorLowerTriangular)(_mat(np, [3, 3], dtype, 9, shift=3.0))
        c = L.LinearOperatorDiag(_vec(np, [1], dtype, 10))
        op = L.LinearOperatorBlockDiag([a, b, c])
        out = _methods(tf, np, op, dtype, batch=[2])
        out["hints"] = tf.constant(_hints(op))
        out["inverse"] = op.inverse().to_dense()
        out["adjoint"] = op.adjoint().matmul(_mat(np, [6, 2], dtype, 11))
        return out
    return build


def _block_lower_triangular(dtype):
    def build(tf, np):
        L = tf.linalg
        d0 = L.LinearOperatorFullMatrix(_mat(np, [2, 2, 2], dtype, 12, shift=3.0))
        d1 = L.LinearOperatorDiag(_vec(np, [3], dtype, 13))
        low = L.LinearOperatorFullMatrix(_mat(np, [3, 2], dtype, 14))
        d2 = (L.LinearOperatorFullMatrix if dtype.startswith("complex") else
              L.LinearOperatorLowerTriangular)(_mat(np, [1, 1], dtype, 15, shift=2.0))
        mid = L.LinearOperatorFullMatrix(_mat(np, [1, 2], dtype, 16))
        mid2 = L.LinearOperatorFullMatrix(_mat(np, [1, 3], dtype, 17))
        op = L.LinearOperatorBlockLowerTriangular([[d0], [low, d1], [mid, mid2, d2]])
        out = _methods(tf, np, op, dtype, batch=[2])
        out["hints"] = tf.constant(_hints(op))
        return out
    return build


# -- circulant and Toeplitz ---------------------------------------------------------------------

def _circulant(depth, spectrum_kind, io_dtype):
    def build(tf, np):
        L = tf.linalg
        shape = {1: [2, 4], 2: [2, 2, 3], 3: [2, 2, 2]}[depth]
        cls = {1: L.LinearOperatorCirculant, 2: L.LinearOperatorCirculant2D,
               3: L.LinearOperatorCirculant3D}[depth]
        rng = _rng(np, 20 + depth)
        if spectrum_kind == "real":
            spectrum = rng.uniform(1.0, 3.0, shape).astype("float32")
        elif spectrum_kind == "hermitian":
            kernel = rng.standard_normal(shape)
            axes = tuple(range(len(shape) - depth, len(shape)))
            spectrum = np.fft.fftn(kernel, axes=axes)
            spectrum = (spectrum + 4.0 * np.prod(shape[-depth:]) ** 0.5).astype("complex64")
        else:
            spectrum = (rng.uniform(1.0, 3.0, shape)
                        + 1j * rng.uniform(-1.0, 1.0, shape)).astype("complex128")
        op = cls(spectrum, input_output_dtype=getattr(tf, io_dtype))
        out = _methods(tf, np, op, io_dtype, batch=[2])
        out["hints"] = tf.constant(_hints(op))
        out["kernel"] = op.convolution_kernel()
        out["block_shape"] = op.block_shape_tensor()
        return out
    return build


def _circulant_ops(tf, np):
    L = tf.linalg
    spectrum = np.array([[3.0 + 1.0j, 2.0 - 0.5j, 1.5 + 0.2j], [2.0, 2.5 + 1.0j, 1.0]],
                        np.complex64)
    op = L.LinearOperatorCirculant(spectrum)
    x = _mat(np, [3, 2], "complex64", 24)
    return {"adjoint": op.adjoint().matmul(x), "inverse": op.inverse().matmul(x),
            "cond": op.cond(), "spectrum": op.spectrum}


def _toeplitz(dtype):
    def build(tf, np):
        L = tf.linalg
        col = _vec(np, [2, 4], dtype, 25, 0.1, 0.5)
        col[..., 0] += 3.0
        row = _vec(np, [2, 4], dtype, 26, -0.5, 0.5)  # TF's matmul wants equal batches
        op = L.LinearOperatorToeplitz(col, row)
        return _methods(tf, np, op, dtype, batch=[2])
    return build


# -- low-rank update, Householder, permutation, tridiagonal --------------------------------------

def _low_rank_update(dtype, variant):
    def build(tf, np):
        L = tf.linalg
        base = L.LinearOperatorDiag(_vec(np, [2, 4], dtype, 27, 1.0, 3.0).real.astype(
            dtype) if variant == "spd" else _vec(np, [2, 4], dtype, 27, 1.0, 3.0),
            is_positive_definite=variant == "spd", is_self_adjoint=variant == "spd" or None)
        u = _mat(np, [4, 2], dtype, 28) * 0.5
        kwargs = {}
        if variant == "spd":
            kwargs["diag_update"] = np.array([1.0, 2.0], dtype)
            kwargs["is_diag_update_positive"] = True
        elif variant == "general":
            kwargs["diag_update"] = _vec(np, [2], dtype, 29, 1.0, 2.0)
            kwargs["v"] = _mat(np, [2, 4, 2], dtype, 30) * 0.5
        op = L.LinearOperatorLowRankUpdate(base, u, **kwargs)
        out = _methods(tf, np, op, dtype, batch=[2])
        out["hints"] = tf.constant(_hints(op))
        out["diag_operator"] = op.diag_operator.to_dense()
        return out
    return build


def _householder(dtype):
    def build(tf, np):
        op = tf.linalg.LinearOperatorHouseholder(_mat(np, [2, 3], dtype, 31))
        out = _methods(tf, np, op, dtype, batch=[2])
        out["hints"] = tf.constant(_hints(op))
        return out
    return build


def _permutation(dtype):
    def build(tf, np):
        perm = np.array([[2, 0, 3, 1], [0, 1, 3, 2]], np.int32)
        op = tf.linalg.LinearOperatorPermutation(perm, dtype=getattr(tf, dtype))
        out = _methods(tf, np, op, dtype, batch=[2])
        out["hints"] = tf.constant(_hints(op))
        out["perm"] = op.perm
        return out
    return build


def _tridiag(fmt):
    def build(tf, np):
        L = tf.linalg
        diagonals = _mat(np, [2, 3, 4], "float64", 32)
        diagonals[:, 1, :] += 4.0
        if fmt == "compact":
            op = L.LinearOperatorTridiag(diagonals, diagonals_format="compact")
        elif fmt == "sequence":
            op = L.LinearOperatorTridiag([diagonals[:, i, :] for i in range(3)],
                                         diagonals_format="sequence")
        else:
            matrix = _mat(np, [2, 4, 4], "float64", 33, shift=4.0)
            # (TensorFlow's to_dense keeps the entries off the band, its products don't)
            matrix = matrix * (np.abs(np.subtract.outer(np.arange(4), np.arange(4))) <= 1)
            op = L.LinearOperatorTridiag(matrix, diagonals_format="matrix")
        return _methods(tf, np, op, "float64", batch=[2])
    return build


# -- Zeros, Adjoint, Inversion ------------------------------------------------------------------

def _zeros(tf, np):
    L = tf.linalg
    op = L.LinearOperatorZeros(3, batch_shape=[2], dtype=tf.float64)
    square = L.LinearOperatorZeros(3, dtype=tf.float64)
    wide = L.LinearOperatorZeros(2, 3, is_square=False, is_self_adjoint=False)
    x = _mat(np, [2, 3, 2], "float64", 34)
    # (TensorFlow's matmul and add_to_tensor of a batch of zeros fail building, and its
    # add_to_tensor gives a tensor whose shape is a tuple)
    return {"dense": op.to_dense(), "matmul": square.matmul(x), "diag": op.diag_part(),
            "trace": op.trace(), "det": op.determinant(),
            "wide": wide.to_dense(), "wide_matmul": wide.matmul(_mat(np, [3, 1], "float32", 5)),
            "hints": tf.constant(_hints(op) + _hints(wide))}


def _adjoint_inversion(dtype):
    def build(tf, np):
        L = tf.linalg
        full = L.LinearOperatorFullMatrix(_mat(np, [2, 3, 3], dtype, 35, shift=4.0))
        adjoint = L.LinearOperatorAdjoint(full)
        inverse = L.LinearOperatorInversion(full)
        out = {f"adjoint_{k}": v for k, v in _methods(tf, np, adjoint, dtype, [2]).items()}
        out.update({f"inverse_{k}": v
                    for k, v in _methods(tf, np, inverse, dtype, [2], seed=60).items()})
        out["adjoint_of_inverse"] = L.LinearOperatorAdjoint(inverse).to_dense()
        return out
    return build


# -- hint checks and errors ---------------------------------------------------------------------

def _error(build_op):
    def build(tf, np):
        build_op(tf, np)
        return {"value": tf.constant(0.0)}
    return build


_ERRORS = {
    "kron_non_singular": lambda tf, np: tf.linalg.LinearOperatorKronecker(
        [tf.linalg.LinearOperatorDiag([1.0, 2.0], is_non_singular=True)],
        is_non_singular=False),
    "kron_dtypes": lambda tf, np: tf.linalg.LinearOperatorKronecker(
        [tf.linalg.LinearOperatorDiag([1.0, 2.0]),
         tf.linalg.LinearOperatorDiag(np.array([1.0, 2.0]))]),
    "block_diag_self_adjoint": lambda tf, np: tf.linalg.LinearOperatorBlockDiag(
        [tf.linalg.LinearOperatorDiag([1.0, 2.0])], is_self_adjoint=False),
    "block_diag_empty": lambda tf, np: tf.linalg.LinearOperatorBlockDiag([]),
    "circulant_real_spectrum": lambda tf, np: tf.linalg.LinearOperatorCirculant(
        [1.0, 2.0], is_self_adjoint=False),
    "circulant_not_square": lambda tf, np: tf.linalg.LinearOperatorCirculant(
        np.array([1.0 + 1j, 2.0]), is_square=False),
    "householder_pd": lambda tf, np: tf.linalg.LinearOperatorHouseholder(
        [1.0, 2.0], is_positive_definite=True),
    "householder_scalar": lambda tf, np: tf.linalg.LinearOperatorHouseholder(1.0),
    "permutation_float": lambda tf, np: tf.linalg.LinearOperatorPermutation([0.0, 1.0]),
    "permutation_singular": lambda tf, np: tf.linalg.LinearOperatorPermutation(
        [1, 0], is_non_singular=False),
    "toeplitz_not_square": lambda tf, np: tf.linalg.LinearOperatorToeplitz(
        [1.0, 2.0], [1.0, 3.0], is_square=False),
    "low_rank_diag_positive": lambda tf, np: tf.linalg.LinearOperatorLowRankUpdate(
        tf.linalg.LinearOperatorDiag([1.0, 2.0]), [[1.0], [2.0]],
        is_diag_update_positive=False),
    "low_rank_spd": lambda tf, np: tf.linalg.LinearOperatorLowRankUpdate(
        tf.linalg.LinearOperatorDiag([1.0, 2.0], is_positive_definite=True,
                                     is_self_adjoint=True), [[1.0], [2.0]],
        is_positive_definite=False),
    "positive_definite_singular": lambda tf, np: tf.linalg.LinearOperatorFullMatrix(
        [[1.0]], is_positive_definite=True, is_non_singular=False),
    "non_singular_not_square": lambda tf, np: tf.linalg.LinearOperatorFullMatrix(
        [[1.0]], is_non_singular=True, is_square=False),
    "zeros_non_square": lambda tf, np: tf.linalg.LinearOperatorZeros(2, 3),
    "zeros_non_singular": lambda tf, np: tf.linalg.LinearOperatorZeros(
        2, is_non_singular=True),
    "inversion_singular": lambda tf, np: tf.linalg.LinearOperatorInversion(
        tf.linalg.LinearOperatorFullMatrix([[1.0]], is_non_singular=False)),
    "adjoint_contradiction": lambda tf, np: tf.linalg.LinearOperatorAdjoint(
        tf.linalg.LinearOperatorFullMatrix([[1.0]], is_self_adjoint=True),
        is_self_adjoint=False),
    "blt_row_length": lambda tf, np: tf.linalg.LinearOperatorBlockLowerTriangular(
        [[tf.linalg.LinearOperatorDiag([1.0])], [tf.linalg.LinearOperatorDiag([1.0])]]),
}


# -- gradients ----------------------------------------------------------------------------------

def _gradients(tf, np):
    L = tf.linalg
    matrix = tf.constant(_mat(np, [2, 2], "float64", 40, shift=3.0))
    diag = tf.constant(np.array([1.5, 2.0, 0.5]))
    spectrum = tf.constant(np.array([2.0, 1.5, 3.0, 1.2]))
    axis = tf.constant(np.array([1.0, -2.0, 0.5]))
    u = tf.constant(_mat(np, [3, 1], "float64", 41))
    x = tf.constant(_mat(np, [6, 2], "float64", 42))
    kron = L.LinearOperatorKronecker([L.LinearOperatorFullMatrix(matrix),
                                      L.LinearOperatorDiag(diag)])
    block = L.LinearOperatorBlockDiag([L.LinearOperatorFullMatrix(matrix),
                                       L.LinearOperatorDiag(diag)])
    circ = L.LinearOperatorCirculant(spectrum, input_output_dtype=tf.float64)
    house = L.LinearOperatorHouseholder(axis)
    update = L.LinearOperatorLowRankUpdate(L.LinearOperatorDiag(diag), u)
    loss = (tf.reduce_sum(kron.matmul(x) ** 2) + kron.log_abs_determinant()
            + tf.reduce_sum(block.solve(x[:5]) ** 2) + block.trace()
            + tf.reduce_sum(circ.matmul(x[:4]) ** 2) + circ.log_abs_determinant()
            + tf.reduce_sum(house.matmul(x[:3]) ** 2) + tf.reduce_sum(house.diag_part())
            + tf.reduce_sum(update.solve(x[:3]) ** 2) + update.log_abs_determinant())
    grads = tf.gradients(loss, [matrix, diag, spectrum, axis, u])
    return {f"grad_{i}": g for i, g in enumerate(grads)}


def _cases():
    cases = []
    for dtype in ("float32", "float64", "complex64"):
        cases.append(Case(f"session15/linop/kronecker/{dtype}", _kronecker(dtype),
                          rtol=1e-3 if dtype != "float64" else 1e-9))
        cases.append(Case(f"session15/linop/block_diag/{dtype}", _block_diag(dtype),
                          rtol=1e-4 if dtype != "float64" else 1e-9))
        cases.append(Case(f"session15/linop/block_lower_triangular/{dtype}",
                          _block_lower_triangular(dtype),
                          rtol=1e-4 if dtype != "float64" else 1e-9))
        cases.append(Case(f"session15/linop/low_rank_update/general/{dtype}",
                          _low_rank_update(dtype, "general"),
                          rtol=1e-4 if dtype != "float64" else 1e-9))
        cases.append(Case(f"session15/linop/householder/{dtype}", _householder(dtype),
                          rtol=1e-4 if dtype != "float64" else 1e-9))
        cases.append(Case(f"session15/linop/toeplitz/{dtype}", _toeplitz(dtype),
                          rtol=1e-4 if dtype != "float64" else 1e-9))
        cases.append(Case(f"session15/linop/adjoint_inversion/{dtype}",
                          _adjoint_inversion(dtype),
                          rtol=1e-4 if dtype != "float64" else 1e-9))
    for dtype in ("float32", "float64"):
        cases.append(Case(f"session15/linop/low_rank_update/spd/{dtype}",
                          _low_rank_update(dtype, "spd"),
                          rtol=1e-4 if dtype != "float64" else 1e-9))
        cases.append(Case(f"session15/linop/low_rank_update/identity/{dtype}",
                          _low_rank_update(dtype, "identity"),
                          rtol=1e-4 if dtype != "float64" else 1e-9))
        cases.append(Case(f"session15/linop/permutation/{dtype}", _permutation(dtype)))
    cases.append(Case("session15/linop/permutation/complex64", _permutation("complex64")))
    cases.append(Case("session15/linop/kronecker_spd", _kronecker_spd, rtol=1e-9))
    cases.append(Case("session15/linop/kronecker_rectangular", _kronecker_rectangular,
                      rtol=1e-5))
    for depth in (1, 2, 3):
        for kind, io_dtype in (("real", "float32"), ("hermitian", "float32"),
                               ("real", "complex64"), ("complex", "complex128")):
            cases.append(Case(f"session15/linop/circulant{depth}d/{kind}/{io_dtype}",
                              _circulant(depth, kind, io_dtype),
                              rtol=1e-9 if io_dtype == "complex128" else 1e-3,
                              atol=1e-9 if io_dtype == "complex128" else 1e-4))
    cases.append(Case("session15/linop/circulant_ops", _circulant_ops, rtol=1e-4,
                      atol=1e-5))
    for fmt in ("compact", "sequence", "matrix"):
        cases.append(Case(f"session15/linop/tridiag/{fmt}", _tridiag(fmt), rtol=1e-9))
    cases.append(Case("session15/linop/zeros", _zeros))
    for name, build_op in _ERRORS.items():
        cases.append(Case(f"session15/linop/error/{name}", _error(build_op)))
    cases.append(Case("session15/linop/gradients", _gradients, rtol=1e-8, atol=1e-10))
    return cases


SESSION15_LINOP_CASES = _cases()
