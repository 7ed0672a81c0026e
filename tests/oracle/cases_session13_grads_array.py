"""Session 13 gradient rows (see cases_session13_grads.py): array manipulation, indexing,
segments, selection and linear algebra."""

from cases_session13_grads import FC, D, F, spec

# -- shapes and layout ---------------------------------------------------------------------------


@spec("array/reshape", FC, second=True)
def _reshape(tf, inputs):
    x = inputs.x((2, 3, 2))
    return [tf.reshape(x, [3, -1]), tf.reshape(x, [-1])]


@spec("array/transpose", FC, second=True)
def _transpose(tf, inputs):
    x = inputs.x((2, 3, 4))
    return [tf.transpose(x), tf.transpose(x, [1, 2, 0]), tf.matrix_transpose(x)]


@spec("array/conjugate_transpose", ("complex128",))
def _conjugate_transpose(tf, inputs):
    x = inputs.x((2, 3))
    return tf.transpose(x, conjugate=True)


@spec("array/expand_squeeze")
def _expand_squeeze(tf, inputs):
    x = inputs.x((2, 1, 3))
    return [tf.expand_dims(x, -1), tf.squeeze(x), tf.squeeze(x, axis=[-2])]


@spec("array/concat", FC, second=True)
def _concat(tf, inputs):
    a = inputs.x((2, 3))
    b = inputs.x((2, 1))
    c = inputs.x((2, 0))
    return [tf.concat([a, b, c], axis=-1), tf.concat([a, a], 0)]


@spec("array/concat_placeholder")
def _concat_placeholder(tf, inputs):
    a = inputs.p((2, 3), [None, 3])
    b = inputs.x((1, 3))
    return tf.reduce_sum(tf.concat([a, b], axis=0) * 2.0)


@spec("array/split", FC)
def _split(tf, inputs):
    x = inputs.x((4, 6))
    a, _, c = tf.split(x, 3, axis=-1)
    d, e = tf.split(x, [1, 3], axis=0)
    return [a, c, e]


@spec("array/split_unused_all")
def _split_one(tf, inputs):
    x = inputs.x((4, 6))
    return tf.split(x, [2, -1, 1], axis=1)[1]


@spec("array/stack_unstack", FC, second=True)
def _stack(tf, inputs):
    a = inputs.x((2, 3))
    b = inputs.x((2, 3))
    parts = tf.unstack(a, axis=-1)
    return [tf.stack([a, b], axis=-1), tf.stack([a, b]), parts[0], parts[2]]


@spec("array/tile", FC, second=True)
def _tile(tf, inputs):
    x = inputs.x((2, 3))
    return [tf.tile(x, [2, 3]), tf.tile(x, [1, 1])]


@spec("array/tile_placeholder")
def _tile_placeholder(tf, inputs):
    x = inputs.p((2, 3), [None, None])
    return tf.reduce_sum(tf.tile(x, [3, 2]) * 2.0)


@spec("array/pad", FC, second=True)
def _pad(tf, inputs):
    x = inputs.x((3, 4))
    paddings = [[1, 2], [0, 3]]
    return [tf.pad(x, paddings), tf.pad(x, paddings, constant_values=2),
            tf.pad(x, [[1, 2], [2, 1]], mode="REFLECT"),
            tf.pad(x, [[1, 2], [3, 1]], mode="SYMMETRIC")]


@spec("array/slice", FC, second=True)
def _slice(tf, inputs):
    x = inputs.x((3, 4, 2))
    return [tf.slice(x, [1, 0, 0], [2, -1, 1]), x[1:, ::2, -1]]


@spec("array/strided_slice", FC, second=True)
def _strided_slice(tf, inputs):
    x = inputs.x((3, 4, 5))
    return [x[::-1, 1:3, ::2], x[..., 1], x[:, None, 2, -3:], x[-1], x[1:2, ..., None, ::-2],
            x[:, 3:1:-1]]


@spec("array/strided_slice_empty")
def _strided_slice_empty(tf, inputs):
    x = inputs.x((3, 4))
    return [x[2:1], x[:, 5:]]


@spec("array/reverse", FC, second=True)
def _reverse(tf, inputs):
    x = inputs.x((2, 3, 4))
    return [tf.reverse(x, [-1]), tf.reverse(x, [0, 2])]


@spec("array/reverse_sequence")
def _reverse_sequence(tf, inputs):
    x = inputs.x((3, 4, 2))
    return tf.reverse_sequence(x, [1, 4, 2], seq_axis=1, batch_axis=0)


@spec("array/broadcast_to", FC, second=True)
def _broadcast_to(tf, inputs):
    x = inputs.x((3, 1))
    return tf.broadcast_to(x, [2, 3, 4])


@spec("array/fill_identity_n")
def _fill(tf, inputs):
    v = inputs.x(1.5)
    x = inputs.x((2, 3))
    a, b = tf.identity_n([x, v])
    return [tf.fill([2, 3], v), a, b * 2.0, tf.placeholder_with_default(x, [2, 3])]


@spec("array/diag", FC, second=True)
def _diag(tf, inputs):
    d = inputs.x((3,))
    m = inputs.x((3, 3))
    b = inputs.x((2, 3, 3))
    return [tf.diag(d), tf.diag_part(m), tf.matrix_diag(d), tf.matrix_diag_part(b),
            tf.matrix_set_diag(b, tf.ones([2, 3], b.dtype)), tf.trace(b),
            tf.matrix_band_part(b, 1, 0)]


@spec("array/one_hot_where_select", second=True)
def _where(tf, inputs):
    x = inputs.x((2, 3))
    y = inputs.x((2, 3))
    row = inputs.x((3,))
    cond = tf.constant([[True, False, True], [False, False, True]])
    return [tf.where(cond, x, y), tf.where_v2(cond, x, row), tf.where_v2(cond[0], x, 0.0),
            tf.where(tf.constant([True, False]), x, y)]


# -- gathers and scatters -----------------------------------------------------------------------


@spec("index/gather", FC, second=True)
def _gather(tf, inputs):
    params = inputs.x((4, 3))
    return [tf.gather(params, [2, 0, 2]), tf.gather(params, [[1, 2], [0, 0]], axis=-1),
            tf.gather(params, [[1], [3]])]


@spec("index/gather_batch_dims")
def _gather_batch_dims(tf, inputs):
    params = inputs.x((2, 4, 3))
    return tf.gather(params, [[0, 3], [1, 1]], axis=1, batch_dims=1)


@spec("index/gather_placeholder")
def _gather_placeholder(tf, inputs):
    params = inputs.p((4, 3), [None, 3])
    return tf.reduce_sum(tf.gather(params, [1, 1, 3]) * 2.0)


@spec("index/gather_nd", FC, second=True)
def _gather_nd(tf, inputs):
    params = inputs.x((3, 4, 2))
    return [tf.gather_nd(params, [[0, 1], [2, 3], [0, 1]]),
            tf.gather_nd(params, [[[1, 2, 0]], [[0, 0, 1]]]), tf.gather_nd(params, [[2]])]


@spec("index/scatter_nd", FC, second=True)
def _scatter_nd(tf, inputs):
    updates = inputs.x((3, 2))
    return tf.scatter_nd([[1], [3], [1]], updates, [5, 2])


@spec("index/tensor_scatter")
def _tensor_scatter(tf, inputs):
    x = inputs.x((5, 2))
    updates = inputs.x((3, 2))
    indices = [[1], [3], [1]]
    return [tf.tensor_scatter_nd_update(x, [[1], [3]], updates[:2]),
            tf.tensor_scatter_nd_add(x, indices, updates),
            tf.tensor_scatter_nd_sub(x, indices, updates)]


@spec("index/dynamic_partition_stitch", second=True)
def _partition_stitch(tf, inputs):
    x = inputs.x((5, 2))
    a = inputs.x((2, 2))
    b = inputs.x((3, 2))
    parts = tf.dynamic_partition(x, [0, 1, 1, 0, 1], 2)
    stitched = tf.dynamic_stitch([[0, 2], [1, 2, 3]], [a, b])
    return [parts[0], parts[1] * 2.0, stitched]


@spec("index/top_k", second=True)
def _top_k(tf, inputs):
    x = inputs.x([[1.0, 3.0, 3.0, 0.5], [2.0, 2.0, 2.0, 1.0]])
    values, _ = tf.nn.top_k(x, 2)
    return values


@spec("index/top_k_random")
def _top_k_random(tf, inputs):
    x = inputs.x((2, 3, 5))
    # sorted=True: the order of sorted=False is the kernel's own (TensorFlow's heap order).
    return tf.nn.top_k(x, 3).values


@spec("index/boolean_mask")
def _boolean_mask(tf, inputs):
    x = inputs.x((3, 2))
    return tf.boolean_mask(x, [True, False, True])


# -- segments -----------------------------------------------------------------------------------


@spec("segment/unsorted", second=True)
def _unsorted_segments(tf, inputs):
    x = inputs.x((5, 2), 0.5, 2)
    ids = [0, 2, 0, -1, 2]
    return [tf.unsorted_segment_sum(x, ids, 4), tf.unsorted_segment_prod(x, ids, 4),
            tf.unsorted_segment_max(x, ids, 4), tf.unsorted_segment_min(x, ids, 4),
            tf.math.unsorted_segment_mean(x, ids, 4), tf.math.unsorted_segment_sqrt_n(x, ids, 4)]


@spec("segment/unsorted_ties")
def _unsorted_ties(tf, inputs):
    x = inputs.x([[1.0, 2.0], [1.0, 0.0], [3.0, 2.0], [0.0, 2.0]])
    ids = [0, 0, 1, 1]
    return [tf.unsorted_segment_max(x, ids, 2), tf.unsorted_segment_min(x, ids, 3)]


@spec("segment/unsorted_prod_zero")
def _unsorted_prod_zero(tf, inputs):
    x = inputs.x([[1.0, 0.0], [0.0, 0.0], [3.0, 2.0], [0.0, 2.0]])
    return tf.unsorted_segment_prod(x, [0, 0, 1, 1], 2)


@spec("segment/sorted", second=True)
def _sorted_segments(tf, inputs):
    x = inputs.x((5, 2))
    ids = [0, 0, 1, 3, 3]
    return [tf.segment_sum(x, ids), tf.segment_mean(x, ids), tf.segment_max(x, ids),
            tf.segment_min(x, ids), tf.segment_prod(x, ids)]


@spec("segment/sparse", second=True)
def _sparse_segments(tf, inputs):
    x = inputs.x((4, 2))
    indices = [0, 2, 2, 3]
    ids = [0, 0, 1, 1]
    return [tf.sparse_segment_sum(x, indices, ids), tf.sparse_segment_mean(x, indices, ids),
            tf.sparse_segment_sqrt_n(x, indices, ids)]


# -- matrix products and linear algebra -----------------------------------------------------------


@spec("linalg/matmul", FC, second=True)
def _matmul(tf, inputs):
    a = inputs.x((2, 3))
    b = inputs.x((3, 4))
    at = inputs.x((3, 2))
    bt = inputs.x((4, 3))
    return [tf.matmul(a, b), tf.matmul(at, b, transpose_a=True),
            tf.matmul(a, bt, transpose_b=True), tf.matmul(at, bt, adjoint_a=True, adjoint_b=True)]


@spec("linalg/batch_matmul", FC, second=True)
def _batch_matmul(tf, inputs):
    a = inputs.x((2, 1, 2, 3))
    b = inputs.x((3, 3, 4))
    c = inputs.x((4, 2))
    return [tf.matmul(a, b), tf.matmul(b, c), tf.linalg.matvec(b, c[:, 0])]


@spec("linalg/einsum", F, second=True)
def _einsum(tf, inputs):
    a = inputs.x((2, 3))
    b = inputs.x((3, 4))
    c = inputs.x((2, 2, 3))
    return [tf.einsum("ij,jk->ik", a, b), tf.einsum("bij,jk->bik", c, b),
            tf.einsum("ij->", a), tf.tensordot(c, a, [[2], [1]])]


@spec("linalg/einsum_repeated", F)
def _einsum_repeated(tf, inputs):
    c = inputs.x((2, 2, 3))
    return [tf.einsum("ii->i", c[0, :, :2]), tf.einsum("bii->b", c[:, :, 1:])]


def _spd(tf, inputs, batch=()):
    m = inputs.x((*batch, 3, 3))
    eye = tf.eye(3, batch_shape=list(batch), dtype=m.dtype)
    return tf.matmul(m, m, adjoint_b=True) + 3.0 * eye


@spec("linalg/inverse_det", F + ("complex128",), second=True)
def _inverse_det(tf, inputs):
    m = inputs.x((2, 3, 3))
    eye = tf.eye(3, batch_shape=[2], dtype=m.dtype)
    shifted = m + 4.0 * eye
    sign, logdet = tf.linalg.slogdet(shifted)
    return [tf.matrix_inverse(shifted), tf.matrix_determinant(shifted), logdet,
            tf.matrix_inverse(shifted, adjoint=True)]


@spec("linalg/cholesky", F, second=True)
def _cholesky(tf, inputs):
    spd = _spd(tf, inputs, (2,))
    chol = tf.cholesky(spd)
    return [chol, tf.cholesky_solve(chol, tf.ones([2, 3, 1], spd.dtype)),
            tf.linalg.logdet(spd)]


@spec("linalg/solve", F, second=True)
def _solve(tf, inputs):
    m = inputs.x((3, 3))
    rhs = inputs.x((3, 2))
    shifted = m + 4.0 * tf.eye(3, dtype=m.dtype)
    return [tf.matrix_solve(shifted, rhs), tf.matrix_solve(shifted, rhs, adjoint=True),
            tf.matrix_solve_ls(shifted, rhs)]


@spec("linalg/triangular_solve", F, second=True)
def _triangular_solve(tf, inputs):
    m = inputs.x((2, 3, 3))
    rhs = inputs.x((2, 3, 2))
    shifted = m + 4.0 * tf.eye(3, batch_shape=[2], dtype=m.dtype)
    return [tf.matrix_triangular_solve(shifted, rhs),
            tf.matrix_triangular_solve(shifted, rhs, lower=False),
            tf.matrix_triangular_solve(shifted, rhs, adjoint=True)]


@spec("linalg/qr", D)
def _qr(tf, inputs):
    m = inputs.x((2, 4, 3))
    q, r = tf.qr(m)
    return [q, r]


@spec("linalg/svd", D)
def _svd(tf, inputs):
    m = inputs.x((2, 4, 3))
    s = tf.svd(m, compute_uv=False)
    s2, u, v = tf.svd(m[:, :3, :])
    return [s, s2, tf.matmul(u * s2[:, None, :], v, adjoint_b=True)]


@spec("linalg/eigh", D)
def _eigh(tf, inputs):
    spd = _spd(tf, inputs)
    e, v = tf.self_adjoint_eig(spd)
    return [e, tf.abs(v), tf.self_adjoint_eigvals(spd)]


@spec("linalg/expm", D)
def _expm(tf, inputs):
    m = inputs.x((3, 3), -0.5, 0.5)
    return tf.linalg.expm(m)


# -- sparse tensors (gradients of their values and of the dense operands) --------------------------

_SP_INDICES = [[0, 0], [0, 2], [1, 1], [2, 0], [2, 3]]


def _sparse(tf, inputs, shape=(3, 4)):
    values = inputs.x((len(_SP_INDICES),))
    return tf.SparseTensor(_SP_INDICES, values, list(shape))


@spec("sparse/dense_matmul_add", second=True)
def _sparse_matmul(tf, inputs):
    sp = _sparse(tf, inputs)
    dense = inputs.x((4, 2))
    other = inputs.x((3, 4))
    at = inputs.x((3, 2))
    return [tf.sparse_tensor_dense_matmul(sp, dense),
            tf.sparse_tensor_dense_matmul(sp, at, adjoint_a=True),
            tf.sparse_add(other, sp), tf.sparse.to_dense(sp)]


@spec("sparse/reduce_softmax_reorder")
def _sparse_reduce(tf, inputs):
    sp = _sparse(tf, inputs)
    shuffled = tf.SparseTensor([[2, 3], [0, 0], [1, 1], [0, 2], [2, 0]], inputs.x((5,)), [3, 4])
    return [tf.sparse_reduce_sum(sp, axis=1), tf.sparse_reduce_sum(sp),
            tf.sparse.softmax(sp).values, tf.sparse_reorder(shuffled).values]


@spec("sparse/add_fill_cwise")
def _sparse_add(tf, inputs):
    a = _sparse(tf, inputs)
    b = tf.SparseTensor([[0, 0], [1, 3], [2, 3]], inputs.x((3,)), [3, 4])
    dense = inputs.x((3, 4), 0.5, 2)
    row = inputs.x((4,), 0.5, 2)
    filled, _ = tf.sparse_fill_empty_rows(
        tf.SparseTensor([[0, 1], [2, 0]], inputs.x((2,)), [4, 3]), 0.0)
    return [tf.sparse_add(a, b).values, filled.values, (a * dense).values, (a / row).values,
            tf.sparse_to_dense([[0, 1], [2, 2]], [3, 3], inputs.x((2,)))]


# -- TensorArrays ----------------------------------------------------------------------------------


@spec("tensor_array/write_read_stack_gather")
def _tensor_array(tf, inputs):
    x = inputs.x((4, 3))
    y = inputs.x((3,))
    ta = tf.TensorArray(x.dtype, size=4)
    ta = ta.unstack(x)
    ta2 = tf.TensorArray(x.dtype, size=2).write(0, y * 2.0).write(1, tf.sin(y))
    scattered = tf.TensorArray(x.dtype, size=4).scatter([3, 0, 1, 2], x * x)
    split = tf.TensorArray(x.dtype, size=2, infer_shape=False).split(
        tf.reshape(x, [12]), [5, 7])
    # stack()'s static shape: TF 1.15 leaves the size unknown, as smallflow; TF 2 knows it.
    return [ta.read(2), ta.gather([3, 1]), tf.reshape(ta2.stack(), [2, 3]),
            tf.reshape(scattered.stack(), [4, 3]),
            tf.reshape(tf.TensorArray(x.dtype, size=2).unstack(x[:2]).concat(), [6]),
            split.read(1)]


@spec("tensor_array/in_while_loop")
def _tensor_array_loop(tf, inputs):
    x = inputs.x((4, 3))
    ta = tf.TensorArray(x.dtype, size=4).unstack(x)
    out = tf.TensorArray(x.dtype, size=4)

    def body(i, acc, out):
        acc = tf.tanh(acc + ta.read(i))
        return i + 1, acc, out.write(i, acc)

    _, final, out = tf.while_loop(lambda i, a, o: i < 4, body,
                                  (0, tf.zeros([3], x.dtype), out))
    return [final, tf.reshape(out.stack(), [4, 3])]
