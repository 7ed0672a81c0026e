"""Sparse gradients as TensorFlow 1.x has them: the gradient of a row gather is an
IndexedSlices of the rows read; gradients add up by concatenation; anything needing a plain
tensor makes it dense; optimizers update only the rows read (TF1's sparse Adam excepted)."""

import warnings

import numpy as np
import pytest

import smallflow as tf

TABLE = np.arange(12, dtype=np.float32).reshape(4, 3) / 4.0


def _run(fetches, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed)


# -- the gradient of a gather -------------------------------------------------------------------


def test_gather_gradient_is_indexed_slices_of_the_rows_read():
    w = tf.Variable(TABLE)
    (grad,) = tf.gradients(tf.reduce_sum(tf.square(tf.gather(w, [0, 2, 2]))), [w])

    assert isinstance(grad, tf.IndexedSlices)
    assert grad.values.shape.as_list() == [3, 3]
    assert grad.indices.shape.as_list() == [3]
    assert grad.dense_shape.dtype == tf.int32
    value = _run(grad)
    assert isinstance(value, tf.IndexedSlicesValue)
    np.testing.assert_array_equal(value.values, 2 * TABLE[[0, 2, 2]])
    assert value.indices.tolist() == [0, 2, 2]
    assert value.dense_shape.tolist() == [4, 3]


@pytest.mark.parametrize(("ids", "feed_ids", "values_shape"), [
    ([[0, 1], [3, 3]], None, [4, 3]),               # ids of any rank are flattened
    (tf.placeholder, [3, 1, 3], [None, 3]),          # fed ids: count unknown when built
])
def test_gradient_values_have_one_row_per_id(ids, feed_ids, values_shape):
    w = tf.Variable(TABLE)
    feed = None
    if ids is tf.placeholder:
        ids = tf.placeholder(tf.int32, [None])
        feed = {ids: feed_ids}
    (grad,) = tf.gradients(tf.reduce_sum(tf.gather(w, ids)), [w])

    assert grad.values.shape.as_list() == values_shape
    value = _run(grad, feed)
    assert value.values.shape == (len(np.ravel(feed_ids if feed else [[0, 1], [3, 3]])), 3)


@pytest.mark.parametrize(("make_loss", "sparse", "dense_grad"), [
    # two gathers: their IndexedSlices are concatenated, rows as read
    (lambda w: tf.reduce_sum(tf.gather(w, [0, 1])) + tf.reduce_sum(tf.gather(w, [1, 3])),
     True, [[1.0] * 3, [2.0] * 3, [0.0] * 3, [1.0] * 3]),
    # a gather and a dense use: the sum is dense
    (lambda w: tf.reduce_sum(tf.gather(w, [1])) + tf.reduce_sum(w),
     False, [[1.0] * 3, [2.0] * 3, [1.0] * 3, [1.0] * 3]),
    # a gather along axis 1 has a dense gradient, as in TensorFlow
    (lambda w: tf.reduce_sum(tf.gather(w, [2, 2], axis=1)),
     False, [[0.0, 0.0, 2.0]] * 4),
    # a cast between passes the IndexedSlices through
    (lambda w: tf.reduce_sum(tf.gather(tf.cast(w, tf.float64), [3])),
     True, [[0.0] * 3, [0.0] * 3, [0.0] * 3, [1.0] * 3]),
])
def test_gradients_aggregate_as_tensorflow_does(make_loss, sparse, dense_grad):
    w = tf.Variable(TABLE)
    (grad,) = tf.gradients(make_loss(w), [w])

    assert isinstance(grad, tf.IndexedSlices) is sparse
    assert _run(tf.convert_to_tensor(grad)).tolist() == dense_grad


def test_two_gathers_concatenate_values_and_indices():
    w = tf.Variable(TABLE)
    loss = tf.reduce_sum(tf.gather(w, [0, 1])) + 2.0 * tf.reduce_sum(tf.gather(w, [1, 3]))
    (grad,) = tf.gradients(loss, [w])

    value = _run(grad)
    assert sorted(value.indices.tolist()) == [0, 1, 1, 3]
    assert value.values.sum() == pytest.approx(3 * (1 + 1 + 2 + 2))


def test_embedding_lookup_of_shards_gives_each_shard_its_rows():
    shards = [tf.Variable(TABLE[:2]), tf.Variable(TABLE[2:])]
    ids = tf.placeholder(tf.int32, [None])
    looked_up = tf.nn.embedding_lookup(shards, ids)  # "mod": id i in shard i % 2, row i // 2
    grads = tf.gradients(tf.reduce_sum(looked_up), shards)

    assert all(isinstance(g, tf.IndexedSlices) for g in grads)
    first, second = _run(grads, {ids: [0, 3, 2]})
    assert first.indices.tolist() == [0, 1]
    assert first.dense_shape.tolist() == [2, 3]
    assert second.indices.tolist() == [1]


def test_embedding_lookup_sparse_gradient_is_indexed_slices():
    w = tf.Variable(TABLE)
    ids = tf.SparseTensor([[0, 0], [0, 1], [1, 0]], tf.constant([3, 1, 3], tf.int64), [2, 2])
    combined = tf.nn.embedding_lookup_sparse(w, ids, None, combiner="sum")
    (grad,) = tf.gradients(tf.reduce_sum(combined), [w])

    assert isinstance(grad, tf.IndexedSlices)
    dense = _run(tf.convert_to_tensor(grad))
    assert dense[:, 0].tolist() == [0.0, 1.0, 0.0, 2.0]


# -- making it dense ----------------------------------------------------------------------------


def test_densifying_a_known_shape_does_not_warn():
    w = tf.Variable(TABLE)
    (grad,) = tf.gradients(tf.reduce_sum(tf.gather(w, [1])), [w])

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dense = tf.convert_to_tensor(grad)
    assert dense.shape.as_list() == [4, 3]


def test_densifying_an_unknown_shape_warns_as_tensorflow_1():
    params = tf.placeholder(tf.float32, [None, 3])
    (grad,) = tf.gradients(tf.reduce_sum(tf.gather(params, [1])), [params])

    with pytest.warns(UserWarning, match="dense Tensor of unknown shape"):
        dense = tf.convert_to_tensor(grad)
    assert _run(dense, {params: TABLE}).tolist() == [[0.0] * 3, [1.0] * 3, [0.0] * 3,
                                                     [0.0] * 3]


def test_indexed_slices_without_dense_shape_cannot_be_made_dense():
    slices = tf.IndexedSlices(tf.constant([[1.0]]), tf.constant([0]))

    with pytest.raises(ValueError, match="without dense_shape"):
        tf.convert_to_tensor(slices)


def test_ops_that_need_a_tensor_get_the_dense_gradient():
    """``tf.gradients`` of a gradient: the reduction of IndexedSlices densifies them."""
    w = tf.Variable(TABLE)
    (grad,) = tf.gradients(tf.reduce_sum(tf.square(tf.gather(w, [0]))), [w])
    total = tf.reduce_sum(grad)

    assert _run(total) == pytest.approx(2 * TABLE[0].sum())


# -- clipping -----------------------------------------------------------------------------------


def test_clipping_keeps_indexed_slices_and_uses_their_values():
    w = tf.Variable(TABLE)
    (grad,) = tf.gradients(tf.reduce_sum(tf.gather(w, [0, 0])), [w])  # values: two rows of 1
    (clipped,), norm = tf.clip_by_global_norm([grad], 1.0)
    by_norm = tf.clip_by_norm(grad, 1.0)

    assert isinstance(clipped, tf.IndexedSlices)
    assert isinstance(by_norm, tf.IndexedSlices)
    norm_value, clipped_value, by_norm_value = _run([norm, clipped, by_norm])
    assert norm_value == pytest.approx(np.sqrt(6.0))
    np.testing.assert_allclose(clipped_value.values, np.full((2, 3), 1 / np.sqrt(6.0)),
                               rtol=1e-6)
    np.testing.assert_allclose(by_norm_value.values, clipped_value.values, rtol=1e-6)
    assert clipped_value.indices.tolist() == [0, 0]


# -- optimizers ---------------------------------------------------------------------------------

OPTIMIZERS = {
    "gd": lambda step: tf.train.GradientDescentOptimizer(0.1),
    "momentum": lambda step: tf.train.MomentumOptimizer(0.1, 0.9),
    "nesterov": lambda step: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
    "adagrad": lambda step: tf.train.AdagradOptimizer(0.1),
    "rmsprop": lambda step: tf.train.RMSPropOptimizer(0.1, momentum=0.5),
    "rmsprop_centered": lambda step: tf.train.RMSPropOptimizer(0.1, momentum=0.5,
                                                               centered=True),
    "adadelta": lambda step: tf.train.AdadeltaOptimizer(1.0),
    "ftrl": lambda step: tf.train.FtrlOptimizer(0.2, l1_regularization_strength=0.01),
    "ftrl_shrinkage": lambda step: tf.train.FtrlOptimizer(
        0.2, l2_shrinkage_regularization_strength=0.1),
    "proximal_gd": lambda step: tf.train.ProximalGradientDescentOptimizer(
        0.1, l1_regularization_strength=0.01),
    "proximal_adagrad": lambda step: tf.train.ProximalAdagradOptimizer(
        0.1, l1_regularization_strength=0.01),
    "adagrad_da": lambda step: tf.train.AdagradDAOptimizer(0.1, step),
    "adam": lambda step: tf.train.AdamOptimizer(0.1),
}
# Rows the batch does not read: kept by every sparse update but TF1's Adam, which decays
# all of m and v and so moves every row.
MOVES_UNTOUCHED_ROWS = {"adam"}
IDS = [0, 3, 0]  # row 0 twice, rows 1 and 2 never


def _two_steps(make, sparse):
    """The table and slots after two steps on rows IDS, with the gradient as IndexedSlices
    (``sparse``) or made dense first."""
    with tf.Graph().as_default():
        w = tf.Variable(TABLE)
        step = tf.Variable(0, dtype=tf.int64, trainable=False)
        optimizer = make(step)
        loss = tf.reduce_sum(tf.square(tf.gather(w, IDS) - 1.0) * [1.0, 2.0, 3.0])
        ((grad, var),) = optimizer.compute_gradients(loss, [w])
        assert isinstance(grad, tf.IndexedSlices)
        if not sparse:
            grad = tf.convert_to_tensor(grad)
        train = optimizer.apply_gradients([(grad, var)], global_step=step)
        slots = [optimizer.get_slot(w, name) for name in optimizer.get_slot_names()]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train)
            sess.run(train)
            return sess.run([w, *slots])


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_sparse_update_matches_dense_on_the_rows_read(name):
    sparse = _two_steps(OPTIMIZERS[name], sparse=True)
    dense = _two_steps(OPTIMIZERS[name], sparse=False)

    for got, want in zip(sparse, dense):
        np.testing.assert_allclose(got[IDS], want[IDS], rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(set(OPTIMIZERS) - MOVES_UNTOUCHED_ROWS))
def test_sparse_update_leaves_unread_rows_alone(name):
    table, *slots = _two_steps(OPTIMIZERS[name], sparse=True)

    np.testing.assert_array_equal(table[[1, 2]], TABLE[[1, 2]])
    for slot in slots:
        assert np.all(slot[[1, 2]] == slot[1, 0]), "slots of unread rows keep their start value"


@pytest.mark.parametrize(("name", "row_0_moves"), [("adam", True), ("adagrad", False),
                                                   ("momentum", False)])
def test_only_tensorflow_1_sparse_adam_moves_rows_read_in_an_earlier_step(name, row_0_moves):
    """Sparse Adam decays all of m and v each step, so a row read once keeps moving."""
    w = tf.Variable(TABLE)
    optimizer = OPTIMIZERS[name](None)
    first = optimizer.minimize(tf.reduce_sum(tf.gather(w, [0])))
    second = optimizer.minimize(tf.reduce_sum(tf.gather(w, [3])))

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(first)
        after_first = sess.run(w)
        sess.run(second)
        after_second = sess.run(w)
    assert not np.array_equal(after_second[3], after_first[3])
    assert (not np.array_equal(after_second[0], after_first[0])) is row_0_moves
    np.testing.assert_array_equal(after_second[[1, 2]], TABLE[[1, 2]])


def test_gradient_descent_sums_repeated_rows():
    w = tf.Variable(TABLE)
    train = tf.train.GradientDescentOptimizer(0.5).minimize(
        tf.reduce_sum(tf.gather(w, [2, 2, 2])))

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_allclose(sess.run(w)[2], TABLE[2] - 1.5)


def test_an_optimizer_without_apply_sparse_says_so():
    class DenseOnly(tf.train.Optimizer):
        def __init__(self):
            super().__init__(False, "DenseOnly")

        def _apply_dense(self, grad, var):
            return tf.assign_sub(var, grad).op

    w = tf.Variable(TABLE)
    with pytest.raises(NotImplementedError, match="_apply_sparse"):
        DenseOnly().minimize(tf.reduce_sum(tf.gather(w, [0])))


# -- the update kernels ---------------------------------------------------------------------------


def test_sparse_kernel_applies_repeated_rows_one_after_the_other():
    """Like TensorFlow's loop over the indices (optimizers sum repeats before this)."""
    from smallflow.ops import sparse_training_ops

    var = tf.Variable(np.ones((3, 2), np.float32))
    accum = tf.Variable(np.full((3, 2), 0.5, np.float32))
    grad = np.array([[1.0, 2.0], [3.0, 4.0], [0.5, 0.5]], np.float32)
    update = sparse_training_ops.sparse_apply_adagrad(var, accum, 0.1, grad, [1, 1, 0])

    want_var = np.ones((3, 2), np.float32)
    want_acc = np.full((3, 2), 0.5, np.float32)
    for row, g in zip([1, 1, 0], grad):
        want_acc[row] += g * g
        want_var[row] -= 0.1 * g / np.sqrt(want_acc[row])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got_var = sess.run(update)
        got_acc = sess.run(accum)
    np.testing.assert_allclose(got_var, want_var, rtol=1e-6)
    np.testing.assert_allclose(got_acc, want_acc, rtol=1e-6)


def test_sparse_kernel_refuses_rows_out_of_range():
    from smallflow.ops import sparse_training_ops

    var = tf.Variable(np.ones((3, 2), np.float32))
    accum = tf.Variable(np.ones((3, 2), np.float32))
    update = sparse_training_ops.sparse_apply_adagrad(var, accum, 0.1, np.ones((1, 2),
                                                                               np.float32), [3])

    with pytest.raises(tf.errors.InvalidArgumentError, match="Index 3 at offset 0"):
        _run(update)


def test_a_value_fetched_with_the_sparse_update_is_the_updated_table():
    """As TensorFlow 1.x: ``w.value()`` fetched with the update is the table after it (the
    variable's buffer), a copy the next update leaves alone; only the row read changes."""
    w = tf.Variable(TABLE)
    train = tf.train.AdagradOptimizer(0.1).minimize(tf.reduce_sum(tf.gather(w, [1])))

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(w)
        _, during = sess.run([train, w.value()])
        after = sess.run(w)
        sess.run(train)
    np.testing.assert_array_equal(during, after)
    assert not np.array_equal(after[1], before[1])
    np.testing.assert_array_equal(after[[0, 2, 3]], before[[0, 2, 3]])


def test_lazy_adam_updates_only_the_rows_read():
    """tf.contrib.opt.LazyAdamOptimizer: Adam's formula on the rows read, others untouched."""
    w = tf.Variable(TABLE)
    optimizer = tf.contrib.opt.LazyAdamOptimizer(0.1, 0.9, 0.99, 1e-8)
    ids = [1, 3, 1]
    train = optimizer.minimize(tf.reduce_sum(tf.gather(w, ids) * TABLE[:3]))

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        got, m, v = sess.run([w, optimizer.get_slot(w, "m"), optimizer.get_slot(w, "v")])
    grad = np.zeros_like(TABLE)
    np.add.at(grad, ids, TABLE[:3])
    want_m = 0.1 * grad
    want_v = 0.01 * grad * grad
    rate = 0.1 * np.sqrt(1 - 0.99) / (1 - 0.9)
    want = TABLE - rate * want_m / (np.sqrt(want_v) + 1e-8)
    np.testing.assert_allclose(m, want_m, rtol=1e-5)
    np.testing.assert_allclose(v, want_v, rtol=1e-5)
    np.testing.assert_allclose(got, want, rtol=1e-5)
    np.testing.assert_array_equal(got[[0, 2]], TABLE[[0, 2]])


def test_lazy_adam_on_a_dense_gradient_is_adam():
    results = []
    for make in (tf.train.AdamOptimizer, tf.contrib.opt.LazyAdamOptimizer):
        with tf.Graph().as_default():
            w = tf.Variable(TABLE)
            train = make(0.1).minimize(tf.reduce_sum(tf.square(w)))
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                sess.run(train)
                results.append(sess.run(w))
    np.testing.assert_array_equal(*results)


def test_sparse_read_gathers_rows_with_a_sparse_gradient():
    w = tf.Variable(TABLE)
    rows = w.sparse_read([3, 0])
    (grad,) = tf.gradients(tf.reduce_sum(rows), [w])

    assert isinstance(grad, tf.IndexedSlices)
    assert _run(rows).tolist() == TABLE[[3, 0]].tolist()


@pytest.mark.parametrize(("method", "want_row_1"), [
    ("scatter_sub", TABLE[1] - 2.0),
    ("scatter_add", TABLE[1] + 2.0),
    ("scatter_update", np.full(3, 2.0)),
    ("scatter_mul", TABLE[1] * 2.0),
])
def test_variable_scatter_methods_take_indexed_slices(method, want_row_1):
    w = tf.Variable(TABLE)
    delta = tf.IndexedSlices(tf.fill([1, 3], 2.0), tf.constant([1]))
    update = getattr(w, method)(delta)

    got = _run(update)
    np.testing.assert_allclose(got[1], want_row_1)
    np.testing.assert_array_equal(got[[0, 2, 3]], TABLE[[0, 2, 3]])


def test_variable_scatter_refuses_a_plain_tensor():
    w = tf.Variable(TABLE)
    with pytest.raises(TypeError, match="sparse_delta is not IndexedSlices"):
        w.scatter_sub(tf.ones([4, 3]))


def test_gathers_inside_a_while_loop_or_cond_give_a_usable_gradient():
    """Loop and branch gradients are carried dense (values as TensorFlow's)."""
    w = tf.Variable(TABLE)

    def body(i, total):
        return i + 1, total + tf.reduce_sum(tf.gather(w, [i, i]))

    _, looped = tf.while_loop(lambda i, _: i < 3, body, [tf.constant(0), tf.constant(0.0)])
    branched = tf.cond(tf.constant(True), lambda: tf.reduce_sum(tf.gather(w, [1])),
                       lambda: tf.constant(0.0))
    grads = tf.gradients(looped, [w]) + tf.gradients(branched, [w])
    train = tf.train.AdagradOptimizer(0.1).minimize(looped)

    loop_grad, cond_grad = _run([tf.convert_to_tensor(g) for g in grads])
    assert loop_grad[:, 0].tolist() == [2.0, 2.0, 2.0, 0.0]
    assert cond_grad[:, 0].tolist() == [0.0, 1.0, 0.0, 0.0]
    assert train is not None


def test_optimize_loss_scales_and_clips_sparse_gradients():
    w = tf.Variable(TABLE)
    step = tf.train.get_or_create_global_step()
    loss = tf.reduce_sum(tf.gather(w, [2]))
    train = tf.contrib.layers.optimize_loss(loss, step, 0.1, "SGD",
                                            gradient_multipliers={w: 2.0}, clip_gradients=10.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        got = sess.run(w)
    np.testing.assert_allclose(got[2], TABLE[2] - 0.2, rtol=1e-6)
    np.testing.assert_array_equal(got[[0, 1, 3]], TABLE[[0, 1, 3]])
