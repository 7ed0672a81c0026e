"""Oracle grids for the op families added in session 2 (issue 8): each op crossed with dtypes
and special values, static shapes through placeholders, gradients, and the errors TensorFlow
raises (class and stage). Families: array extras, segments, scatters, cumulative sums,
einsum/tensordot, linear algebra, nn extras, losses and the optimizers' updates.

Same rules as cases.py: each build is a function of ``tf`` and ``np`` only.
"""

import itertools

from cases import Case

NAN, INF = float("nan"), float("inf")
# One 2x3 matrix per dtype: ties, zeros of both signs, infinities and NaN where they exist.
VALUES = {
    "float": [[1.5, -2.5, NAN], [INF, 0.0, -0.0]],
    "int": [[3, -1, 3], [0, 7, -8]],
    "uint8": [[3, 1, 3], [0, 7, 200]],
    "bool": [[True, False, True], [False, False, True]],
    "string": [["b", "a", "b"], ["", "c", "a"]],
    "complex": [[1 + 2j, -1j, 3], [0, 2 - 1j, 1j]],
}
GRID_DTYPES = ("float16", "float32", "float64", "int32", "int64", "uint8", "bool", "string",
               "complex64")


def _values(dtype):
    if dtype.startswith("float"):
        return VALUES["float"]
    if dtype.startswith("complex"):
        return VALUES["complex"]
    if dtype.startswith("int"):
        return VALUES["int"]
    return VALUES[dtype]


def _matrix(tf, np, dtype, values=None):
    values = _values(dtype) if values is None else values
    if dtype == "string":
        return tf.constant(values)
    return tf.constant(np.array(values).astype(dtype))


def _grad(tf, y, x):
    return tf.gradients(y, x)[0]


# -- dtype grids: which dtypes each op accepts, what it returns, and its values -------------

GRID = {
    "gather_nd": lambda tf, x: tf.gather_nd(x, [[1, 2], [0, 0]]),
    "scatter_nd": lambda tf, x: tf.scatter_nd([[1], [0], [1]], tf.concat([x, x[:1]], 0),
                                              [3, 3]),
    "top_k": lambda tf, x: tf.nn.top_k(x, 2),
    "sort": lambda tf, x: tf.sort(x),
    "unique": lambda tf, x: tf.unique(tf.reshape(x, [-1])),
    "unique_with_counts": lambda tf, x: tf.unique_with_counts(tf.reshape(x, [-1])),
    "reverse_sequence": lambda tf, x: tf.reverse_sequence(x, [3, 1], seq_axis=1, batch_axis=0),
    "dynamic_partition": lambda tf, x: tf.dynamic_partition(x, [1, 0], 2),
    "dynamic_stitch": lambda tf, x: tf.dynamic_stitch([[1], [0]], [x[:1], x[1:]]),
    "setdiff1d": lambda tf, x: tf.setdiff1d(x[0], x[1]),
    "searchsorted": lambda tf, x: tf.searchsorted(x, x[:, :2]),
    "unsorted_segment_sum": lambda tf, x: tf.unsorted_segment_sum(x, [2, 0], 3),
    "unsorted_segment_max": lambda tf, x: tf.unsorted_segment_max(x, [2, 0], 3),
    "unsorted_segment_min": lambda tf, x: tf.unsorted_segment_min(x, [0, 0], 2),
    "unsorted_segment_prod": lambda tf, x: tf.unsorted_segment_prod(x, [1, 1], 3),
    "segment_sum": lambda tf, x: tf.segment_sum(x, [0, 2]),
    "segment_max": lambda tf, x: tf.segment_max(x, [0, 0]),
    "segment_mean": lambda tf, x: tf.segment_mean(x, [0, 1]),
    "cumsum": lambda tf, x: tf.cumsum(x, 1, exclusive=True),
    "cumprod": lambda tf, x: tf.cumprod(x, 1, reverse=True),
    "einsum": lambda tf, x: tf.einsum("ij,kj->ik", x, x),
    "tensordot": lambda tf, x: tf.tensordot(x, x, [[1], [1]]),
    "space_to_depth": lambda tf, x: tf.space_to_depth(tf.reshape(tf.concat([x, x], 1),
                                                                 [1, 2, 6, 1])[:, :, :2], 2),
    "meshgrid": lambda tf, x: tf.meshgrid(x[0], x[1]),
    "tensor_scatter_update": lambda tf, x: tf.tensor_scatter_nd_update(x, [[1]], x[:1]),
    "tensor_scatter_add": lambda tf, x: tf.tensor_scatter_nd_add(x, [[1], [1]], x),
    "identity_n": lambda tf, x: tf.identity_n([x, x[0]]),
    "check_numerics": lambda tf, x: tf.check_numerics(x[:, :2], "checked"),
    "random_shuffle_shape": lambda tf, x: tf.shape(tf.random_shuffle(x, seed=3)),
    "l2_normalize": lambda tf, x: tf.nn.l2_normalize(x, 1),
    "selu": lambda tf, x: tf.nn.selu(x),
    "moments": lambda tf, x: tf.nn.moments(x, [1]),
    "matrix_band_part": lambda tf, x: tf.matrix_band_part(x, 0, 1),
    "matrix_diag_part": lambda tf, x: tf.matrix_diag_part(x),
    "matrix_set_diag": lambda tf, x: tf.matrix_set_diag(x, x[0, :2]),
    "matrix_diag": lambda tf, x: tf.matrix_diag(x),
    "trace": lambda tf, x: tf.trace(x[:, :2]),
    "roll": lambda tf, x: tf.roll(x, 1, 1),
    "reverse": lambda tf, x: tf.reverse(x, [1]),
    "bincount_weights": lambda tf, x: tf.bincount([0, 2, 2], weights=x[0], minlength=4),
    "clip_by_value": lambda tf, x: tf.clip_by_value(x, x[0, 0], x[1, 1]),
    "batch_to_space": lambda tf, x: tf.batch_to_space_nd(tf.reshape(tf.concat([x, x], 0),
                                                                    [4, 1, 1, 3]),
                                                         [2, 2], [[0, 0], [0, 0]]),
    "depth_to_space": lambda tf, x: tf.depth_to_space(tf.reshape(tf.concat(
        [x, x[:, :1]], 1), [1, 1, 2, 4]), 2),
    "histogram_fixed_width": lambda tf, x: tf.histogram_fixed_width(x, [-3, 3], nbins=4),
    "lgamma": lambda tf, x: tf.lgamma(x),
    "digamma": lambda tf, x: tf.digamma(x),
    "erf": lambda tf, x: tf.erf(x),
}


def _grid_case(op, dtype):
    def build(tf, np):
        out = GRID[op](tf, _matrix(tf, np, dtype))
        if isinstance(out, (list, tuple)):
            return {f"y{i}": t for i, t in enumerate(out)}
        return {"y": out}

    return Case(f"fam/grid/{op}/{dtype}", build, rtol=1e-3 if dtype == "float16" else 1e-6)


# -- special values and edge cases ------------------------------------------------------------


def _special_cases():
    def case(name, build, **kwargs):
        return Case(f"fam/edge/{name}", build, **kwargs)

    def f64(tf, np, values):
        return tf.constant(np.array(values, dtype="float64"))

    nan_row = [[NAN, 1.0, 3.0, 3.0, -INF]]
    return [
        case("top_k_nan_ties", lambda tf, np: dict(zip("vi", tf.nn.top_k(f64(tf, np, nan_row),
                                                                         4)))),
        case("top_k_k_too_big", lambda tf, np: dict(zip("vi", tf.nn.top_k(
            f64(tf, np, nan_row), 6)))),
        case("top_k_k_too_big_run", lambda tf, np: (lambda k: (
            dict(zip("vi", tf.nn.top_k(f64(tf, np, nan_row), k))), {k: 6}))(
                tf.placeholder(tf.int32, []))),
        case("top_k_negative_k", lambda tf, np: dict(zip("vi", tf.nn.top_k(
            f64(tf, np, nan_row), -1)))),
        case("sort_nan", lambda tf, np: {"a": tf.sort(f64(tf, np, nan_row)),
                                         "d": tf.sort(f64(tf, np, nan_row), direction="DESCENDING"),
                                         "i": tf.argsort(f64(tf, np, nan_row), stable=True)}),
        case("unique_zero_signs", lambda tf, np: dict(zip("yi", tf.unique(
            f64(tf, np, [0.0, -0.0, 1.0, 0.0]))))),
        case("unique_int64_index", lambda tf, np: dict(zip("yi", tf.unique(
            tf.constant([5, 5, 2]), out_idx=tf.int64)))),
        case("unsorted_segment_empty", lambda tf, np: {
            "max": tf.unsorted_segment_max(f64(tf, np, [1.0, NAN]), [0, 0], 3),
            "min": tf.unsorted_segment_min(tf.constant([4, 2]), [2, 2], 3),
            "prod": tf.unsorted_segment_prod(f64(tf, np, [2.0, 3.0]), [1, 1], 3),
            "max32": tf.unsorted_segment_max(tf.constant([1.0], tf.float32), [1], 2)}),
        case("unsorted_segment_negative_ids", lambda tf, np: {
            "s": tf.unsorted_segment_sum(f64(tf, np, [1.0, 2.0, 4.0]), [0, -1, 0], 2)}),
        case("unsorted_segment_id_too_big", lambda tf, np: {
            "s": tf.unsorted_segment_max(f64(tf, np, [1.0, 2.0]), [0, 5], 2)}),
        case("segment_max_nan", lambda tf, np: {
            "m": tf.segment_max(f64(tf, np, [1.0, NAN, 2.0]), [0, 0, 1]),
            "n": tf.segment_min(f64(tf, np, [NAN, 1.0, 2.0]), [0, 0, 1])}),
        case("segment_unsorted_ids", lambda tf, np: {
            "s": tf.segment_sum(f64(tf, np, [1.0, 2.0, 4.0]), [1, 0, 1])}),
        case("cumsum_special", lambda tf, np: {
            "s": tf.cumsum(f64(tf, np, [1.0, INF, -INF, 2.0])),
            "p": tf.cumprod(f64(tf, np, [2.0, 0.0, INF, NAN])),
            "e": tf.cumprod(tf.constant([2, 3, 4]), exclusive=True, reverse=True)}),
        case("cumsum_axis_tensor", lambda tf, np: {
            "s": tf.cumsum(f64(tf, np, [[1.0, 2.0], [3.0, 4.0]]), tf.constant(-1))}),
        case("cumsum_bad_axis", lambda tf, np: {"s": tf.cumsum(f64(tf, np, [1.0, 2.0]), 1)}),
        case("gather_nd_out_of_range", lambda tf, np: {
            "y": tf.gather_nd(f64(tf, np, [[1.0, 2.0]]), [[0, 2]])}),
        case("gather_nd_slices", lambda tf, np: {
            "y": tf.gather_nd(tf.constant(np.arange(24).reshape(2, 3, 4)), [[[1], [0]]]),
            "z": tf.gather_nd(tf.constant(np.arange(6).reshape(2, 3)), tf.zeros([0, 2],
                                                                                 tf.int32))}),
        case("scatter_nd_out_of_range", lambda tf, np: {
            "y": tf.scatter_nd([[3]], f64(tf, np, [1.0]), [3])}),
        case("scatter_nd_bad_updates_shape", lambda tf, np: {
            "y": tf.scatter_nd([[1]], f64(tf, np, [1.0, 2.0]), [3])}),
        case("dynamic_partition_bad_index", lambda tf, np: dict(zip("ab", tf.dynamic_partition(
            f64(tf, np, [1.0, 2.0]), [0, 2], 2)))),
        case("dynamic_stitch_gap", lambda tf, np: {"y": tf.dynamic_stitch(
            [[0], [3]], [f64(tf, np, [1.0]), f64(tf, np, [2.0])])}),
        case("reverse_sequence_too_long", lambda tf, np: {"y": tf.reverse_sequence(
            f64(tf, np, [[1.0, 2.0]]), [3], seq_axis=1, batch_axis=0)}),
        case("reverse_sequence_int32_lengths", lambda tf, np: {"y": tf.reverse_sequence(
            tf.constant([[1, 2, 3]]), tf.constant([2], tf.int32), seq_axis=1, batch_axis=0)}),
        case("searchsorted_sides", lambda tf, np: {
            "l": tf.searchsorted(f64(tf, np, [[1.0, 2.0, 2.0, 3.0]]), f64(tf, np, [[2.0, 9.0]])),
            "r": tf.searchsorted(f64(tf, np, [[1.0, 2.0, 2.0, 3.0]]), f64(tf, np, [[2.0, 0.0]]),
                                 side="right", out_type=tf.int64)}),
        case("setdiff1d_int64_index", lambda tf, np: dict(zip("yi", tf.setdiff1d(
            [4, 1, 4, 2], [2], index_dtype=tf.int64)))),
        case("einsum_forms", lambda tf, np: {
            "trace": tf.einsum("ii", f64(tf, np, [[1.0, 2.0], [3.0, 4.0]])),
            "outer": tf.einsum("i,j->ij", f64(tf, np, [1.0, 2.0]), f64(tf, np, [3.0, 4.0, 5.0])),
            "batch": tf.einsum("bij,bjk->bik", tf.ones([2, 2, 3], tf.float64),
                               tf.ones([2, 3, 1], tf.float64)),
            "sum": tf.einsum("ij->", f64(tf, np, [[1.0, 2.0], [3.0, 4.0]]))}),
        case("einsum_mismatch", lambda tf, np: {"y": tf.einsum(
            "ij,jk->ik", tf.ones([2, 3]), tf.ones([2, 3]))}),
        case("einsum_mixed_dtypes", lambda tf, np: {"y": tf.einsum(
            "ij,jk->ik", tf.ones([2, 3]), tf.ones([3, 2], tf.float64))}),
        case("tensordot_axes", lambda tf, np: {
            "0": tf.tensordot(f64(tf, np, [1.0, 2.0]), f64(tf, np, [3.0, 4.0]), 0),
            "2": tf.tensordot(tf.ones([2, 3, 4], tf.float64), tf.ones([3, 4, 5], tf.float64),
                              2)}),
        case("cholesky_not_pd", lambda tf, np: {"y": tf.cholesky(f64(tf, np, [[1.0, 2.0],
                                                                              [2.0, 1.0]]))}),
        case("inverse_not_square", lambda tf, np: {"y": tf.matrix_inverse(tf.ones([2, 3]))}),
        case("determinant_batch_empty", lambda tf, np: {
            "d": tf.matrix_determinant(tf.zeros([0, 2, 2])),
            "e": tf.matrix_determinant(tf.zeros([3, 0, 0]))}),
        case("solve_adjoint", lambda tf, np: {"x": tf.matrix_solve(
            f64(tf, np, [[2.0, 1.0], [0.5, 3.0]]), f64(tf, np, [[1.0], [2.0]]), adjoint=True)}),
        case("triangular_solve_lower_adjoint", lambda tf, np: {
            "x": tf.matrix_triangular_solve(f64(tf, np, [[2.0, 9.0], [0.5, 3.0]]),
                                            f64(tf, np, [[1.0], [2.0]]), lower=True,
                                            adjoint=True)}),
        case("solve_int", lambda tf, np: {"x": tf.matrix_solve(tf.constant([[1, 0], [0, 1]]),
                                                               tf.constant([[1], [2]]))}),
        case("l2_normalize_zeros", lambda tf, np: {
            "y": tf.nn.l2_normalize(f64(tf, np, [[0.0, 0.0], [3.0, 4.0]]), axis=1)}),
        case("moments_keep_dims", lambda tf, np: dict(zip("mv", tf.nn.moments(
            f64(tf, np, [[1.0, 2.0], [3.0, 5.0]]), [0], keep_dims=True)))),
        case("batch_norm_zero_variance", lambda tf, np: {"y": tf.nn.batch_normalization(
            f64(tf, np, [1.0, 2.0]), 1.0, 0.0, None, None, 0.0)}),
        case("lrn_int", lambda tf, np: {"y": tf.nn.lrn(tf.ones([1, 1, 1, 2], tf.int32))}),
        case("unique_nan", lambda tf, np: dict(zip("yi", tf.unique(
            f64(tf, np, [NAN, 1.0, NAN, 1.0]))))),
        case("scatter_int_variable", lambda tf, np: {
            "div": tf.scatter_div(tf.Variable([7, -7, 9]), [0, 1, 1], [2, 2, 3]),
            "mul": tf.scatter_mul(tf.Variable([7, -7, 9]), [2, 2], [2, 3]),
            "max": tf.scatter_max(tf.Variable([1.0, NAN, 3.0]), [0, 1, 2], [NAN, 2.0, 1.0])},
             init=True),
        case("sequence_mask_unknown_length", lambda tf, np: (lambda n: (
            {"m": tf.sequence_mask(n)}, {n: [1, 3]}))(tf.placeholder(tf.int32, [None]))),
    ]


# -- static shapes: placeholders with unknown dimensions ---------------------------------------


def _shape_cases():
    def case(name, build):
        return Case(f"fam/shape/{name}", build)

    def fed(tf, np, shape, value, dtype="float64"):
        x = tf.placeholder(dtype, shape)
        return x, {x: np.array(value, dtype=dtype)}

    def with_input(shape, value, make, dtype="float64"):
        def build(tf, np):
            x, feed = fed(tf, np, shape, value, dtype)
            out = make(tf, x)
            if isinstance(out, (list, tuple)):
                return {f"y{i}": t for i, t in enumerate(out)}, feed
            return {"y": out}, feed

        return build

    m23 = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    return [
        case("gather_nd", with_input([None, 3], m23, lambda tf, x: tf.gather_nd(x, [[0, 1]]))),
        case("gather_nd_unknown_rank", with_input(None, m23, lambda tf, x: tf.gather_nd(
            x, [[0, 1]]))),
        case("top_k", with_input([None, None], m23, lambda tf, x: tf.nn.top_k(x, 2))),
        case("unique", with_input([None], [1.0, 1.0], lambda tf, x: tf.unique(x))),
        case("dynamic_partition", with_input([None, 3], m23, lambda tf, x: tf.dynamic_partition(
            x, [0, 1], 2))),
        case("segment_sum", with_input([None, 3], m23, lambda tf, x: tf.segment_sum(
            x, [0, 0]))),
        case("unsorted_segment_fed_count", lambda tf, np: (lambda n: (
            {"y": tf.unsorted_segment_max(tf.ones([2, 3]), [0, 1], n)}, {n: 4}))(
                tf.placeholder(tf.int32, []))),
        case("cumsum", with_input([None, None], m23, lambda tf, x: tf.cumsum(x, 1))),
        case("einsum", with_input([None, 3], m23, lambda tf, x: tf.einsum("ij,kj->ik", x, x))),
        case("tensordot", with_input([2, None], m23, lambda tf, x: tf.tensordot(
            x, tf.ones([3, 4], tf.float64), 1))),
        case("matrix_inverse", with_input([None, None], [[2.0, 1.0], [1.0, 3.0]],
                                          lambda tf, x: tf.matrix_inverse(x))),
        case("slogdet", with_input([None, 2, 2], [[[2.0, 1.0], [1.0, 3.0]]],
                                   lambda tf, x: tf.linalg.slogdet(x))),
        case("qr", with_input([3, None], [[2.0, 1.0], [1.0, 3.0], [0.0, 1.0]],
                              lambda tf, x: tf.abs(tf.qr(x)[1]))),
        case("reverse_sequence", with_input([None, None], m23, lambda tf, x: tf.reverse_sequence(
            x, [1, 2], seq_axis=1, batch_axis=0))),
        case("scatter_nd_fed_shape", lambda tf, np: (lambda s: (
            {"y": tf.scatter_nd([[1]], tf.ones([1, 2]), s)}, {s: [3, 2]}))(
                tf.placeholder(tf.int32, [2]))),
        case("space_to_depth", with_input([None, 2, 2, 1], [[[[1.0], [2.0]], [[3.0], [4.0]]]],
                                          lambda tf, x: tf.space_to_depth(x, 2))),
        case("l2_normalize", with_input(None, m23, lambda tf, x: tf.nn.l2_normalize(x, 0))),
        case("moments", with_input([None, 3], m23, lambda tf, x: tf.nn.moments(x, [0]))),
    ]


# -- gradients ------------------------------------------------------------------------------------


def _gradient_cases():
    def case(name, make, values, rtol=1e-6):
        def build(tf, np):
            x = tf.constant(np.array(values, dtype="float64"))
            y = make(tf, x)
            # A weighting that tells positions apart, so routed gradients are checked.
            w = tf.reshape(tf.range(1.0, 1.0 + tf.cast(tf.size(y), tf.float64),
                                    dtype=tf.float64), tf.shape(y))
            return {"y": y, "dx": _grad(tf, tf.reduce_sum(y * w), x)}

        return Case(f"fam/grad/{name}", build, rtol=rtol)

    m23 = [[1.0, -2.0, 3.0], [0.5, 4.0, -1.5]]
    spd = [[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]]
    return [
        case("cumsum_exclusive_reverse", lambda tf, x: tf.cumsum(x, 1, exclusive=True,
                                                                 reverse=True), m23),
        case("cumprod", lambda tf, x: tf.cumprod(x, 1), m23),
        case("cumprod_zero", lambda tf, x: tf.cumprod(x, 1, exclusive=True),
             [[2.0, 0.0, 3.0], [1.0, 2.0, 0.0]]),
        case("einsum", lambda tf, x: tf.einsum("ij,kj->ik", x, x * 2.0), m23),
        case("tensordot", lambda tf, x: tf.tensordot(x, tf.transpose(x), 1), m23),
        case("unsorted_segment_max_ties", lambda tf, x: tf.unsorted_segment_max(
            x, [0, 0], 2), [[1.0, 2.0, 3.0], [1.0, 5.0, 3.0]]),
        case("unsorted_segment_min", lambda tf, x: tf.unsorted_segment_min(x, [1, 0], 3), m23),
        case("unsorted_segment_prod", lambda tf, x: tf.unsorted_segment_prod(x, [1, 1], 2),
             [[2.0, 0.0, 3.0], [1.0, 2.0, 0.0]]),
        case("segment_mean", lambda tf, x: tf.segment_mean(x, [0, 0]), m23),
        case("segment_max_ties", lambda tf, x: tf.segment_max(x, [0, 0]),
             [[1.0, 2.0, 3.0], [1.0, 5.0, 3.0]]),
        case("scatter_nd", lambda tf, x: tf.scatter_nd([[1], [1]], x, [3, 3]), m23),
        case("tensor_scatter_update", lambda tf, x: tf.tensor_scatter_nd_update(
            x, [[0, 1]], tf.constant([9.0], tf.float64)), m23),
        case("reverse_sequence", lambda tf, x: tf.reverse_sequence(x, [2, 3], seq_axis=1,
                                                                   batch_axis=0), m23),
        case("dynamic_partition", lambda tf, x: tf.dynamic_partition(x, [1, 0], 2)[1], m23),
        case("dynamic_stitch", lambda tf, x: tf.dynamic_stitch([[1], [0]], [x[:1], x[1:]]),
             m23),
        case("gather_nd", lambda tf, x: tf.gather_nd(x, [[1, 2], [1, 2], [0, 0]]), m23),
        case("batch_to_space", lambda tf, x: tf.batch_to_space_nd(
            tf.reshape(tf.concat([x, x], 1), [4, 1, 1, 3]), [2, 2], [[0, 0], [0, 1]]), m23),
        case("space_to_depth", lambda tf, x: tf.space_to_depth(
            tf.reshape(tf.concat([x, x], 0)[:, :2], [1, 2, 4, 1])[:, :, :2], 2), m23),
        case("l2_normalize", lambda tf, x: tf.nn.l2_normalize(x, 1), m23),
        case("moments", lambda tf, x: tf.add_n(list(tf.nn.moments(x, [1]))), m23),
        case("batch_normalization", lambda tf, x: tf.nn.batch_normalization(
            x, tf.reduce_mean(x, 0), tf.ones([3], tf.float64), 0.5, x[0], 1e-3), m23),
        case("selu_elu", lambda tf, x: tf.nn.selu(x) + tf.nn.elu(x), m23),
        case("lrn", lambda tf, x: tf.nn.lrn(tf.reshape(x, [1, 1, 2, 3]), 1, 1.0, 0.5, 0.75),
             m23, rtol=1e-5),
        case("log_softmax_axis0", lambda tf, x: tf.nn.log_softmax(x, axis=0), m23),
        case("top_k_ties", lambda tf, x: tf.nn.top_k(x, 2)[0], [[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]),
        case("matrix_solve", lambda tf, x: tf.matrix_solve(x, x[:, :1] + 1.0), spd),
        case("triangular_solve", lambda tf, x: tf.matrix_triangular_solve(x, x[:, :2]), spd),
        case("matrix_determinant_batch", lambda tf, x: tf.matrix_determinant(tf.stack([x, x * 2])),
             spd),
        case("qr_r_square", lambda tf, x: tf.qr(x)[1] * tf.sign(tf.linalg.diag_part(
            tf.qr(x)[1]))[:, None], spd),
        case("digamma_lgamma", lambda tf, x: tf.digamma(x) + tf.lgamma(x),
             [[0.5, 2.0, 3.5], [1.5, 4.0, 7.0]]),
        case("erfc_expm1", lambda tf, x: tf.erfc(x) + tf.expm1(x), m23),
        case("atan2", lambda tf, x: tf.atan2(x, x[::-1]), m23),
        case("squared_difference", lambda tf, x: tf.squared_difference(x, x[::-1]), m23),
    ]


# -- losses: reductions, weights, and all-zero weights -----------------------------------------


def _loss_cases():
    labels = [[0.0, 1.0], [1.0, 1.0], [0.0, 0.0]]
    preds = [[0.3, 0.8], [0.6, 0.2], [0.1, 0.5]]

    def case(name, fn, weights, reduction):
        def build(tf, np):
            p = tf.constant(np.array(preds, dtype="float32"))
            loss = fn(tf)(tf.constant(labels), p, weights=tf.constant(weights),
                          reduction=getattr(tf.losses.Reduction, reduction))
            return {"loss": loss, "dp": _grad(tf, tf.reduce_sum(loss), p),
                    "collected": tf.add_n(tf.losses.get_losses())}

        return Case(f"fam/loss/{name}/{reduction}", build, rtol=1e-5)

    losses = {
        "mse": lambda tf: tf.losses.mean_squared_error,
        "abs": lambda tf: tf.losses.absolute_difference,
        "log": lambda tf: tf.losses.log_loss,
        "sigmoid": lambda tf: (lambda labels, logits, weights, reduction:
                               tf.losses.sigmoid_cross_entropy(labels, logits, weights,
                                                               reduction=reduction)),
        "hinge": lambda tf: (lambda labels, logits, weights, reduction:
                             tf.losses.hinge_loss(labels, logits, weights,
                                                  reduction=reduction)),
        "huber": lambda tf: tf.losses.huber_loss,
    }
    weights = {"row": [[1.0], [2.0], [0.0]], "zero": [[0.0, 0.0]] * 3}
    out = []
    for (name, fn), reduction in itertools.product(losses.items(), (
            "NONE", "SUM", "MEAN", "SUM_OVER_BATCH_SIZE", "SUM_BY_NONZERO_WEIGHTS")):
        out.append(case(f"{name}/row", fn, weights["row"], reduction))
    for name, fn in losses.items():
        out.append(case(f"{name}/zero", fn, weights["zero"], "SUM_BY_NONZERO_WEIGHTS"))
    out.append(Case("fam/loss/softmax_smoothing", lambda tf, np: {
        "l": tf.losses.softmax_cross_entropy(
            tf.constant([[0, 1, 0], [1, 0, 0]]), tf.constant([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]]),
            weights=tf.constant([1.0, 3.0]), label_smoothing=0.2)}, rtol=1e-5))
    out.append(Case("fam/loss/sparse_softmax", lambda tf, np: {
        "l": tf.losses.sparse_softmax_cross_entropy(tf.constant([1, 2]), tf.constant(
            [[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]]), weights=tf.constant([[1.0], [0.5]]))},
        rtol=1e-5))
    return out


# -- optimizers: two steps of each update rule, dense and sparse gradients ----------------------


def _optimizer_cases():
    def case(name, make, sparse=False, steps=2):
        def build(tf, np):
            w = tf.Variable(np.array([[1.0, -2.0], [0.5, 0.0], [3.0, 1.0]], dtype="float32"))
            target = tf.constant([[0.3, 0.1], [-0.4, 0.2], [1.0, 1.0]])
            rows = tf.gather(w, [0, 2, 0]) if sparse else w
            goal = tf.gather(target, [0, 2, 0]) if sparse else target
            loss = tf.reduce_sum(tf.square(rows - goal) * [[1.0, 2.0]])
            optimizer = make(tf)
            step = optimizer.minimize(loss)
            # Run the update `steps` times in one session run, each after the previous one.
            for _ in range(steps - 1):
                with tf.control_dependencies([step]):
                    step = optimizer.minimize(tf.reduce_sum(tf.square(
                        (tf.gather(w, [0, 2, 0]) if sparse else w) - goal) * [[1.0, 2.0]]))
            with tf.control_dependencies([step]):
                after = tf.identity(w.read_value())
                slots = {f"slot_{s}": tf.identity(optimizer.get_slot(w, s))
                         for s in sorted(optimizer.get_slot_names())}
            return {"w": after, **slots}

        return Case(f"fam/optimizer/{name}{'/sparse' if sparse else ''}", build, init=True,
                    rtol=1e-5)

    makers = {
        "gd": lambda tf: tf.train.GradientDescentOptimizer(0.1),
        "momentum": lambda tf: tf.train.MomentumOptimizer(0.1, 0.9),
        "nesterov": lambda tf: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
        "adam": lambda tf: tf.train.AdamOptimizer(0.1, 0.8, 0.9, 1e-7),
        "adagrad": lambda tf: tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.2),
        "rmsprop": lambda tf: tf.train.RMSPropOptimizer(0.1, 0.8, 0.5, 1e-6),
        "rmsprop_centered": lambda tf: tf.train.RMSPropOptimizer(0.1, centered=True),
        "adadelta": lambda tf: tf.train.AdadeltaOptimizer(0.5, 0.9, 1e-6),
        "ftrl": lambda tf: tf.train.FtrlOptimizer(0.2, l1_regularization_strength=0.01,
                                                  l2_regularization_strength=0.02),
        "proximal_adagrad": lambda tf: tf.train.ProximalAdagradOptimizer(
            0.3, l1_regularization_strength=0.05, l2_regularization_strength=0.1),
    }
    return [case(name, make, sparse) for name, make in makers.items()
            for sparse in (False, True)]


FAMILY_CASES = ([_grid_case(op, dtype) for op, dtype in itertools.product(GRID, GRID_DTYPES)]
                + _special_cases() + _shape_cases() + _gradient_cases() + _loss_cases()
                + _optimizer_cases())
