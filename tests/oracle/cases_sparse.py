"""Oracle cases for sparse gradients (issue 8): the IndexedSlices that row gathers give as
gradients (values, indices, dense_shape, static shapes, whether a gradient is IndexedSlices
at all, the densifying warning), and every optimizer's sparse update over two steps with
repeated and untouched rows.

Imported by cases.py (both interpreters): NumPy and the TF1 API shared by both only.
"""

import warnings

from cases import Case

# -- gradients --------------------------------------------------------------------------------


def _table(tf, np, rows=4, cols=3):
    return tf.Variable(np.arange(rows * cols, dtype="float32").reshape(rows, cols) / 4.0)


def _parts(tf, grad, prefix="g"):
    """The fetches describing one gradient: its kind, and its parts or its dense value."""
    is_slices = isinstance(grad, tf.IndexedSlices)
    out = {f"{prefix}_is_indexed_slices": tf.constant(is_slices)}
    if is_slices:
        out[f"{prefix}_values"] = grad.values
        out[f"{prefix}_indices"] = grad.indices
        out[f"{prefix}_dense_shape"] = grad.dense_shape
        out[f"{prefix}_dense"] = tf.convert_to_tensor(grad)
    else:
        out[f"{prefix}_dense"] = grad
    return out


def _grad_case(name, make, rtol=None):
    """``make(tf, np)`` returns (loss, [x, ...], feed); every x's gradient is described."""

    def build(tf, np):
        loss, xs, feed = make(tf, np)
        grads = tf.gradients(loss, xs)
        fetches = {}
        for i, grad in enumerate(grads):
            fetches.update(_parts(tf, grad, f"g{i}"))
        return fetches, feed

    return Case(f"sparse/grad/{name}", build, init=True, rtol=rtol)


def _gather_variable(tf, np):
    w = _table(tf, np)
    rows = tf.gather(w, [0, 2, 2])
    return tf.reduce_sum(rows * rows), [w], {}


def _gather_fed_indices(tf, np):
    w = _table(tf, np)
    ids = tf.placeholder(tf.int32, [None])
    return tf.reduce_sum(tf.gather(w, ids) * [1.0, 2.0, 3.0]), [w], {ids: [3, 1, 3, 3]}


def _gather_unknown_params(tf, np):
    params = tf.placeholder(tf.float32, None)
    loss = tf.reduce_sum(tf.square(tf.gather(params, [1, 0])))
    return loss, [params], {params: np.ones((3, 2), "float32") * [[1.0], [2.0], [3.0]]}


def _gather_matrix_ids(tf, np):
    w = _table(tf, np)
    return tf.reduce_sum(tf.gather(w, [[0, 1], [3, 3]]) * 2.0), [w], {}


def _gather_int64_ids(tf, np):
    w = _table(tf, np)
    ids = tf.constant([2, 0], dtype=tf.int64)
    return tf.reduce_sum(tf.exp(tf.gather(w, ids) / 10.0)), [w], {}


def _two_gathers(tf, np):
    w = _table(tf, np)
    first = tf.reduce_sum(tf.gather(w, [0, 1]))
    second = tf.reduce_sum(tf.square(tf.gather(w, [1, 3])))
    return first + second, [w], {}


def _gather_and_dense_use(tf, np):
    w = _table(tf, np)
    return tf.reduce_sum(tf.gather(w, [1])) + tf.reduce_sum(w * w), [w], {}


def _gather_of_gather(tf, np):
    w = _table(tf, np)
    inner = tf.gather(w, [3, 0, 1])
    return tf.reduce_sum(tf.gather(inner, [2, 2]) * 3.0), [w], {}


def _gather_through_cast(tf, np):
    w = tf.Variable(np.arange(8, dtype="float64").reshape(4, 2))
    rows = tf.gather(tf.cast(w, tf.float32), [0, 3])
    return tf.reduce_sum(rows * rows), [w], {}


def _gather_read_value(tf, np):
    w = _table(tf, np)
    return tf.reduce_sum(tf.gather(w.read_value(), [1, 1]) * 2.0), [w], {}


def _gather_axis_1(tf, np):
    w = _table(tf, np)
    return tf.reduce_sum(tf.gather(w, [2, 0], axis=1) * 2.0), [w], {}


def _embedding_lookup(tf, np):
    w = _table(tf, np, 5, 2)
    looked_up = tf.nn.embedding_lookup(w, [[0, 4], [4, 2]])
    return tf.reduce_sum(looked_up * looked_up), [w], {}


def _partitioned(strategy):
    def make(tf, np):
        shards = [tf.Variable(np.arange(6, dtype="float32").reshape(3, 2)),
                  tf.Variable(np.arange(4, dtype="float32").reshape(2, 2) + 10.0)]
        # Fed ids: with constant ids TensorFlow's shape inference folds the partitioning
        # and knows every static shape, which real programs never see.
        ids = tf.placeholder(tf.int32, [2, 3])
        looked_up = tf.nn.embedding_lookup(shards, ids, partition_strategy=strategy)
        loss = tf.reduce_sum(looked_up * looked_up) + tf.reduce_sum(looked_up)
        return loss, shards, {ids: [[0, 1, 4], [3, 1, 2]]}

    return make


def _lookup_sparse(combiner, weighted):
    def make(tf, np):
        w = _table(tf, np, 5, 2)
        id_values = tf.placeholder(tf.int64, [5])  # fed, as above
        ids = tf.SparseTensor([[0, 0], [0, 1], [1, 0], [2, 0], [2, 1]], id_values, [3, 2])
        weights = None
        if weighted:
            weights = tf.SparseTensor(ids.indices, [1.0, 2.0, 0.5, 1.5, 1.0], ids.dense_shape)
        combined = tf.nn.embedding_lookup_sparse(w, ids, weights, combiner=combiner)
        return tf.reduce_sum(combined * [1.0, 3.0]), [w], {id_values: [3, 1, 3, 0, 3]}

    return make


def _densify_warnings(tf, np):
    """How many 'Converting sparse IndexedSlices' warnings making gradients dense gives:
    none for a known shape, one for an unknown one (TensorFlow 1.x's rule)."""
    known = _table(tf, np)
    unknown = tf.placeholder(tf.float32, [None, 3])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (grad_known,) = tf.gradients(tf.reduce_sum(tf.gather(known, [1])), [known])
        dense_known = tf.convert_to_tensor(grad_known)
        counted_known = sum("IndexedSlices" in str(w.message) for w in caught)
        (grad_unknown,) = tf.gradients(tf.reduce_sum(tf.gather(unknown, [1])), [unknown])
        dense_unknown = tf.convert_to_tensor(grad_unknown)
        counted = sum("IndexedSlices" in str(w.message) for w in caught)
    feed = {unknown: np.ones((2, 3), "float32")}
    return {"known_warnings": tf.constant(counted_known),
            "unknown_warnings": tf.constant(counted - counted_known),
            "dense_known": dense_known, "dense_unknown": dense_unknown}, feed


def _clipping(tf, np):
    """clip_by_global_norm / clip_by_norm / global_norm over a mix of IndexedSlices and
    dense gradients keep the IndexedSlices sparse."""
    w = _table(tf, np)
    b = tf.Variable([0.5, -1.0, 2.0])
    loss = tf.reduce_sum(tf.square(tf.gather(w, [0, 3, 0]))) + tf.reduce_sum(b * b * 3.0)
    grad_w, grad_b = tf.gradients(loss, [w, b])
    clipped, norm = tf.clip_by_global_norm([grad_w, grad_b], 5.0)
    by_norm = tf.clip_by_norm(grad_w, 2.0)
    out = {"global_norm": norm, "norm_alone": tf.global_norm([grad_w, grad_b])}
    out.update(_parts(tf, clipped[0], "clipped_w"))
    out.update(_parts(tf, clipped[1], "clipped_b"))
    out.update(_parts(tf, by_norm, "by_norm"))
    return out


GRAD_MAKERS = {
    "gather_variable": _gather_variable,
    "gather_fed_indices": _gather_fed_indices,
    "gather_unknown_params": _gather_unknown_params,
    "gather_matrix_ids": _gather_matrix_ids,
    "gather_int64_ids": _gather_int64_ids,
    "two_gathers": _two_gathers,
    "gather_and_dense_use": _gather_and_dense_use,
    "gather_of_gather": _gather_of_gather,
    "gather_through_cast": _gather_through_cast,
    "gather_read_value": _gather_read_value,
    "gather_axis_1": _gather_axis_1,
    "embedding_lookup": _embedding_lookup,
    "embedding_lookup_mod": _partitioned("mod"),
    "embedding_lookup_div": _partitioned("div"),
    "lookup_sparse_sum": _lookup_sparse("sum", False),
    "lookup_sparse_mean_weighted": _lookup_sparse("mean", True),
    "lookup_sparse_sqrtn_weighted": _lookup_sparse("sqrtn", True),
}

# -- optimizers' sparse updates -----------------------------------------------------------------


def _optimizer_case(name, make, rtol=1e-5):
    """Two steps on gathered rows of a 5 x 2 variable: step one reads rows [0, 3, 0] (row 0
    twice), step two rows [3, 1]; rows 2 and 4 are never read. The variable and every slot
    are compared after each step."""

    def build(tf, np):
        w = tf.Variable(np.array([[1.0, -2.0], [0.5, 0.0], [3.0, 1.0], [-1.0, 0.25],
                                  [2.0, 2.0]], dtype="float32"))
        global_step = tf.Variable(0, dtype=tf.int64, trainable=False)
        optimizer = make(tf, global_step)
        goal = tf.constant([0.3, -0.1])

        def loss(ids, scale):
            return tf.reduce_sum(tf.square(tf.gather(w, ids) - goal) * scale)

        first = optimizer.minimize(loss([0, 3, 0], [1.0, 2.0]), global_step=global_step)
        # "+ 0.0" copies: TensorFlow's identity of a variable aliases its buffer, so the
        # second step would show through a plain read fetched in the same run.
        with tf.control_dependencies([first]):
            after_one = {"w_1": w.read_value() + 0.0}
            after_one.update({f"slot_{s}_1": optimizer.get_slot(w, s).read_value() + 0.0
                              for s in sorted(optimizer.get_slot_names())})
        with tf.control_dependencies(list(after_one.values())):
            second = optimizer.minimize(loss([3, 1], [0.5, 1.5]), global_step=global_step)
        with tf.control_dependencies([second]):
            after_two = {"w_2": tf.identity(w.read_value())}
            after_two.update({f"slot_{s}_2": tf.identity(optimizer.get_slot(w, s))
                              for s in sorted(optimizer.get_slot_names())})
        return {**after_one, **after_two}

    return Case(f"sparse/optimizer/{name}", build, init=True, rtol=rtol)


OPTIMIZERS = {
    "gd": lambda tf, step: tf.train.GradientDescentOptimizer(0.1),
    "momentum": lambda tf, step: tf.train.MomentumOptimizer(0.1, 0.9),
    "nesterov": lambda tf, step: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
    "adam": lambda tf, step: tf.train.AdamOptimizer(0.1, 0.8, 0.9, 1e-7),
    "adagrad": lambda tf, step: tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.2),
    "rmsprop": lambda tf, step: tf.train.RMSPropOptimizer(0.1, 0.8, 0.5, 1e-6),
    "rmsprop_no_momentum": lambda tf, step: tf.train.RMSPropOptimizer(0.05),
    "rmsprop_centered": lambda tf, step: tf.train.RMSPropOptimizer(0.1, 0.9, 0.3,
                                                                   centered=True),
    "adadelta": lambda tf, step: tf.train.AdadeltaOptimizer(0.5, 0.9, 1e-6),
    "ftrl": lambda tf, step: tf.train.FtrlOptimizer(0.2, l1_regularization_strength=0.01,
                                                    l2_regularization_strength=0.02),
    "ftrl_power": lambda tf, step: tf.train.FtrlOptimizer(
        0.2, learning_rate_power=-0.7, initial_accumulator_value=0.3,
        l1_regularization_strength=0.5),
    "ftrl_shrinkage": lambda tf, step: tf.train.FtrlOptimizer(
        0.2, l1_regularization_strength=0.01, l2_regularization_strength=0.02,
        l2_shrinkage_regularization_strength=0.1),
    "proximal_adagrad": lambda tf, step: tf.train.ProximalAdagradOptimizer(
        0.3, l1_regularization_strength=0.05, l2_regularization_strength=0.1),
    "proximal_adagrad_l2": lambda tf, step: tf.train.ProximalAdagradOptimizer(
        0.3, l2_regularization_strength=0.1),
    "proximal_gd": lambda tf, step: tf.train.ProximalGradientDescentOptimizer(
        0.2, l1_regularization_strength=0.3, l2_regularization_strength=0.1),
    "proximal_gd_plain": lambda tf, step: tf.train.ProximalGradientDescentOptimizer(0.2),
    "adagrad_da": lambda tf, step: tf.train.AdagradDAOptimizer(
        0.5, step, l1_regularization_strength=0.05, l2_regularization_strength=0.1),
    "adagrad_da_plain": lambda tf, step: tf.train.AdagradDAOptimizer(0.5, step),
}


def _apply_gradients_case(tf, np):
    """compute_gradients gives IndexedSlices for a gathered variable; apply_gradients of
    clipped IndexedSlices updates only their rows."""
    w = _table(tf, np)
    loss = tf.reduce_sum(tf.square(tf.gather(w, [2, 0, 2])))
    optimizer = tf.train.GradientDescentOptimizer(0.1)
    grads_and_vars = optimizer.compute_gradients(loss)
    grads, variables = zip(*grads_and_vars)
    clipped, _ = tf.clip_by_global_norm(list(grads), 3.0)
    step = optimizer.apply_gradients(zip(clipped, variables))
    with tf.control_dependencies([step]):
        after = tf.identity(w.read_value())
    return {"is_indexed_slices": tf.constant(isinstance(grads[0], tf.IndexedSlices)),
            "w": after}


SPARSE_CASES = ([_grad_case(name, make) for name, make in GRAD_MAKERS.items()]
                + [Case("sparse/grad/densify_warnings", _densify_warnings, init=True),
                   Case("sparse/grad/clipping", _clipping, init=True, rtol=1e-5),
                   Case("sparse/optimizer/apply_clipped", _apply_gradients_case, init=True,
                        rtol=1e-5)]
                + [_optimizer_case(name, make) for name, make in OPTIMIZERS.items()])
