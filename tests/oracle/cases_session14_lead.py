"""Oracle cases from session 14 (lead): TensorFlow 1.x argument names and orders that a
comparison of smallflow's signatures with TensorFlow's ``compat.v1`` ones showed to differ
(positional ``dtype`` of ``confusion_matrix``, ``parallel_stack``'s ``name``, keyword names
of ``max_pool2d``, ``conv2d_transpose``, ``string_to_number``, the ``*_at_*`` metrics, ...),
and ``batch_scatter_update``.

Same rules as cases.py (runs under both interpreters; NumPy only).
"""

from cases import Case


def _x(np, shape, seed=0):
    return np.random.RandomState(seed).standard_normal(shape).astype("float32")


def _positional_orders(tf, np):
    labels, predictions = [0, 1, 2, 1, 3], [0, 2, 2, 1, 3]
    a, b = tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])
    return {
        # TensorFlow 1.x: (labels, predictions, num_classes, dtype, name, weights).
        "confusion_float": tf.confusion_matrix(labels, predictions, 4, tf.float32),
        "confusion_weighted": tf.math.confusion_matrix(labels, predictions, 4, tf.int64, "cm",
                                                       [1, 2, 3, 4, 5]),
        "parallel_stack": tf.parallel_stack([a, b], "stacked"),
    }


def _keyword_names(tf, np):
    x = tf.constant(_x(np, (2, 6, 6, 3)))
    w = tf.constant(_x(np, (3, 3, 4, 3), 1))
    small = tf.constant(_x(np, (2, 3, 3, 3), 2))
    volume = tf.constant(_x(np, (1, 2, 3, 3, 3), 3))
    w3 = tf.constant(_x(np, (2, 2, 2, 4, 3), 4))
    strings = tf.constant(["1.5", "-2", "3e2"])
    return {
        "max_pool2d": tf.nn.max_pool2d(input=x, ksize=2, strides=2, padding="VALID"),
        "conv2d_transpose": tf.nn.conv2d_transpose(input=small, filters=w,
                                                   output_shape=[2, 6, 6, 4],
                                                   strides=[1, 2, 2, 1], padding="SAME"),
        "conv2d_transpose_positional": tf.nn.conv2d_transpose(
            small, w, [2, 5, 5, 4], 1, "VALID", "NHWC", "transposed", dilations=1),
        "conv3d_transpose": tf.nn.conv3d_transpose(volume, filters=w3,
                                                   output_shape=[1, 4, 6, 6, 4],
                                                   strides=[1, 2, 2, 2, 1]),
        "to_number": tf.strings.to_number(string_tensor=strings),
        "string_to_number": tf.string_to_number(input=strings, out_type=tf.float64),
        "space_to_batch": tf.space_to_batch(x, [[0, 0], [0, 0]], block_shape=2),
        "batch_to_space": tf.batch_to_space(tf.space_to_batch(x, [[0, 0], [0, 0]], 3),
                                            [[0, 0], [0, 0]], 3),
        "pool_dilations": tf.nn.pool(x, [2, 2], "AVG", "SAME", dilations=[1, 1]),
        "verify_finite": tf.verify_tensor_all_finite(x=x, message="finite"),
    }


def _at_target_metrics(tf, np):
    labels = tf.constant([0, 1, 1, 0, 1, 0, 1, 1])
    predictions = tf.constant([0.1, 0.8, 0.6, 0.4, 0.3, 0.7, 0.9, 0.55])
    _, sensitivity = tf.metrics.sensitivity_at_specificity(labels, predictions,
                                                           specificity=0.6)
    _, specificity = tf.metrics.specificity_at_sensitivity(labels=labels,
                                                           predictions=predictions,
                                                           sensitivity=0.7)
    return ({"sensitivity": sensitivity, "specificity": specificity}, None,
            [tf.local_variables_initializer()])


def _batch_scatter_update(tf, np):
    ref = tf.Variable(np.arange(24, dtype=np.float32).reshape(2, 3, 4))
    indices = tf.constant([[2, 0], [1, 2], [0, 0]][:2])
    updates = tf.constant(-_x(np, (2, 2, 4), 5) ** 2)
    return {"updated": tf.batch_scatter_update(ref, indices, updates)}


def _legacy_dataset_methods(tf, np):
    sparse = tf.SparseTensor([[0, 1], [2, 0], [2, 3]], [1.0, 2.0, 3.0], [4, 4])
    rows = tf.data.Dataset.from_sparse_tensor_slices(sparse)
    dense = (rows.map_with_legacy_function(
        lambda i, v, s: tf.sparse.to_dense(tf.SparseTensor(i, v, s)) * 2.0)
        .filter_with_legacy_function(lambda row: tf.reduce_sum(row) > 0))
    parts = rows.make_one_shot_iterator().get_next()
    # (TensorFlow 2's filter_with_legacy_function returns a dataset without TF1's iterator
    # methods: the module function makes the iterator on both sides.)
    return {"row": tf.data.make_one_shot_iterator(dense).get_next(), "indices": parts[0],
            "values": parts[1], "dense_shape": parts[2]}


def _keras_losses(tf, np):
    losses = tf.keras.losses
    rng = np.random.RandomState(0)
    labels01 = tf.constant(rng.randint(0, 2, (4, 3)).astype("float32"))
    scores = tf.constant(rng.randn(4, 3).astype("float32"))
    probabilities = tf.constant(rng.dirichlet(np.ones(3), 4).astype("float32"))
    onehot = tf.constant(np.eye(3, dtype="float32")[[0, 2, 1, 1]])
    out = {
        # 0/1 labels are the hinges' -1/1 (Keras converts them).
        "hinge": losses.hinge(labels01, scores),
        "squared_hinge": losses.squared_hinge(labels01, scores),
        "hinge_signed": losses.hinge(2.0 * labels01 - 1.0, scores),
        "logcosh": losses.logcosh(onehot, scores),
        "cosine_proximity": losses.cosine_proximity(onehot, scores),
    }
    objects = {"Hinge": losses.Hinge(), "SquaredHinge": losses.SquaredHinge(),
               "CategoricalHinge": losses.CategoricalHinge(), "LogCosh": losses.LogCosh(),
               "Poisson": losses.Poisson(), "KLDivergence": losses.KLDivergence(),
               "MAPE": losses.MeanAbsolutePercentageError(),
               "MSLE": losses.MeanSquaredLogarithmicError(), "Huber": losses.Huber(0.5),
               "CosineSimilarity": losses.CosineSimilarity(),
               "CategoricalCrossentropy": losses.CategoricalCrossentropy(False, 0.2)}
    for name, loss in objects.items():
        out[name] = loss(labels01 if "Hinge" in name else onehot, probabilities)
    # Positional (from_logits, label_smoothing), a sample weight, the reductions.
    weights = tf.constant([1.0, 0.5, 0.0, 2.0])
    out["BinaryCrossentropy"] = losses.BinaryCrossentropy(True, 0.1)(labels01, scores,
                                                                     sample_weight=weights)
    out["binary_sum"] = losses.BinaryCrossentropy(True, reduction="sum")(labels01, scores)
    out["binary_none"] = losses.BinaryCrossentropy(True, reduction="none")(labels01, scores)
    out["SparseCategoricalCrossentropy"] = losses.SparseCategoricalCrossentropy(True)(
        tf.constant([0, 2, 1, 1]), scores)
    return out


def _keras_schedules(tf, np):
    schedules = tf.keras.optimizers.schedules
    step = tf.constant(7)
    rates = {
        "exponential": schedules.ExponentialDecay(0.1, 3, 0.5)(step),
        "exponential_staircase": schedules.ExponentialDecay(0.1, 3, 0.5, staircase=True)(step),
        "piecewise": schedules.PiecewiseConstantDecay([2, 6], [1.0, 0.5, 0.1])(step),
        "polynomial": schedules.PolynomialDecay(0.1, 10, 0.01, power=2.0)(step),
        "polynomial_cycle": schedules.PolynomialDecay(0.1, 5, cycle=True)(step),
        "inverse_time": schedules.InverseTimeDecay(0.1, 2, 0.5)(step),
    }
    # An optimizer following a schedule: Adam's steps at iterations 0, 1, 2 (one per run).
    w = tf.Variable(np.array([1.0, -2.0], dtype="float32"), use_resource=True)
    optimizer = tf.keras.optimizers.Adam(schedules.ExponentialDecay(0.1, 1, 0.5))
    # (a callable loss: TensorFlow 2's Keras optimizers take no tensor without a tape)
    step1 = optimizer.minimize(lambda: tf.reduce_sum(w * w), var_list=[w])
    with tf.control_dependencies([step1]):
        after = tf.identity(w.read_value())
    return {**rates, "after_step": after}


def _ctc_loss_v2(tf, np):
    rng = np.random.RandomState(3)
    logits = tf.constant(rng.randn(6, 2, 5).astype("float32"))  # [time, batch, classes]
    labels = tf.constant([[1, 2, 2, 0], [3, 1, 0, 0]])
    label_length = tf.constant([3, 2])
    logit_length = tf.constant([6, 5])
    dense = tf.nn.ctc_loss_v2(labels, logits, label_length, logit_length)
    batch_major = tf.nn.ctc_loss_v2(labels, tf.transpose(logits, [1, 0, 2]), label_length,
                                    logit_length, logits_time_major=False, blank_index=-1)
    sparse = tf.SparseTensor([[0, 0], [0, 1], [1, 0]], [1, 3, 4], [2, 2])
    sparse_blank_2 = tf.nn.ctc_loss_v2(sparse, logits, None, logit_length, blank_index=2)
    low = tf.SparseTensor([[0, 0], [0, 1], [1, 0]], [0, 3, 2], [2, 2])
    sparse_blank_last = tf.nn.ctc_loss_v2(low, logits, None, logit_length, blank_index=-1)
    (grad,) = tf.gradients(tf.reduce_sum(dense), [logits])
    return {"dense": dense, "batch_major": batch_major, "sparse_blank_2": sparse_blank_2,
            "sparse_blank_last": sparse_blank_last, "grad": grad}


def _group_by_reducer(tf, np):
    numbers = tf.data.Dataset.from_tensor_slices(tf.constant([5, 2, 7, 4, 9, 6, 1], tf.int64))
    reducer = tf.data.experimental.Reducer(
        init_func=lambda key: (tf.constant(0, tf.int64), key * 10),
        reduce_func=lambda state, x: (state[0] + x, state[1] + 1),
        finalize_func=lambda total, count: (total, count))
    sums = numbers.apply(tf.data.experimental.group_by_reducer(lambda x: x % 3, reducer))
    pairs = tf.data.Dataset.from_tensor_slices((tf.constant([1, 2, 3, 4, 5]),
                                                tf.constant([1.0, 2.0, 3.0, 4.0, 5.0])))
    halves = tf.data.experimental.Reducer(lambda key: tf.constant(0.0),
                                          lambda state, pair: state + pair[1],
                                          lambda state: state * 2.0)
    doubled = pairs.apply(tf.data.experimental.group_by_reducer(
        lambda a, b: tf.cast(a % 2, tf.int64), halves))
    first = tf.data.make_one_shot_iterator(sums).get_next()
    second = tf.data.make_one_shot_iterator(doubled.repeat(2)).get_next()
    return {"total": first[0], "count": first[1], "doubled": second}


def _ssim_multiscale(tf, np):
    rng = np.random.RandomState(0)
    a = rng.rand(2, 180, 171, 3).astype("float32")  # odd widths on the way down
    b = np.clip(a + 0.1 * rng.randn(*a.shape), 0, 1).astype("float32")
    return {"float": tf.image.ssim_multiscale(a, b, 1.0),
            "uint8": tf.image.ssim_multiscale((a * 255).astype("uint8"),
                                              (b * 255).astype("uint8"), 255),
            "two_scales": tf.image.ssim_multiscale(a, b, 1.0, power_factors=(0.5, 0.5),
                                                   filter_size=7)}


def _dense_to_sparse_batch(tf, np):
    batches = (tf.data.Dataset.range(1, 6).map(lambda n: tf.fill([n], n))
               .apply(tf.data.experimental.dense_to_sparse_batch(2, [5])))
    grids = (tf.data.Dataset.range(1, 4).map(lambda n: tf.fill([n, 2], n))
             .apply(tf.data.experimental.dense_to_sparse_batch(3, [4, 2])))
    rows = tf.data.make_one_shot_iterator(batches).get_next()
    grid = tf.data.make_one_shot_iterator(grids.repeat()).get_next()
    return {"indices": rows.indices, "values": rows.values, "shape": rows.dense_shape,
            "grid_indices": grid.indices, "grid_shape": grid.dense_shape}


def _dense_to_sparse_batch_too_large(tf, np):
    batches = (tf.data.Dataset.range(1, 8).map(lambda n: tf.fill([n], n))
               .apply(tf.data.experimental.dense_to_sparse_batch(10, [3])))
    return {"values": tf.data.make_one_shot_iterator(batches).get_next().values}


def _keras_ftrl(tf, np):
    w = tf.Variable(np.array([[1.0, -2.0], [0.5, 3.0]], dtype="float32"), use_resource=True)
    optimizer = tf.keras.optimizers.Ftrl(0.1, l1_regularization_strength=0.01,
                                         l2_regularization_strength=0.02,
                                         l2_shrinkage_regularization_strength=0.03)
    # (a callable loss: TensorFlow 2's Keras optimizers take no tensor without a tape)
    step = optimizer.minimize(lambda: tf.reduce_sum(tf.square(w - 1.0)), var_list=[w])
    with tf.control_dependencies([step]):
        after = tf.identity(w.read_value())
    return {"after_step": after}


def _spd(np):
    rng = np.random.RandomState(5)
    a = rng.randn(2, 3, 3).astype("float64")
    return a @ np.transpose(a, [0, 2, 1]) + 3.0 * np.eye(3)


def _linear_operator_methods(tf, np):
    spd = tf.linalg.LinearOperatorFullMatrix(_spd(np), is_self_adjoint=True,
                                             is_positive_definite=True)
    wide = tf.linalg.LinearOperatorFullMatrix(np.arange(6.0).reshape(2, 3) + 1.0)
    checks = [spd.assert_non_singular(), spd.assert_positive_definite(),
              spd.assert_self_adjoint(), tf.linalg.LinearOperatorFullMatrix(
                  np.array([[2.0, 1.0], [0.5, 3.0]])).assert_non_singular()]
    with tf.control_dependencies(checks):
        cond = tf.identity(spd.cond())
    return {"batch_shape": spd.batch_shape_tensor(), "rank": spd.tensor_rank_tensor(),
            "domain": wide.domain_dimension_tensor(), "range": wide.range_dimension_tensor(),
            "cond": cond, "eigvals": spd.eigvals(), "wide_cond": wide.cond()}


def _linear_operator_singular(tf, np):
    singular = tf.linalg.LinearOperatorFullMatrix(np.array([[1.0, 2.0], [2.0, 4.0]]))
    with tf.control_dependencies([singular.assert_non_singular()]):
        return {"value": tf.identity(singular.to_dense())}


def _linear_operator_not_self_adjoint(tf, np):
    operator = tf.linalg.LinearOperatorFullMatrix(np.array([[1.0, 2.0], [0.0, 4.0]]))
    with tf.control_dependencies([operator.assert_self_adjoint()]):
        return {"value": tf.identity(operator.to_dense())}


SESSION14_LEAD_CASES = [
    Case("session14/positional_orders", _positional_orders),
    Case("session14/keyword_names", _keyword_names, rtol=1e-5, atol=1e-6),
    Case("session14/at_target_metrics", _at_target_metrics),
    Case("session14/batch_scatter_update", _batch_scatter_update, init=True),
    Case("session14/legacy_dataset_methods", _legacy_dataset_methods, runs=3),
    Case("session14/keras_losses", _keras_losses, rtol=1e-5, atol=1e-6),
    Case("session14/keras_schedules", _keras_schedules, init=True, runs=3, rtol=1e-5),
    Case("session14/ctc_loss_v2", _ctc_loss_v2, rtol=1e-4, atol=1e-5),
    Case("session14/group_by_reducer", _group_by_reducer, runs=4),
    Case("session14/ssim_multiscale", _ssim_multiscale, rtol=2e-5),
    Case("session14/dense_to_sparse_batch", _dense_to_sparse_batch, runs=4),
    Case("session14/dense_to_sparse_batch_too_large", _dense_to_sparse_batch_too_large),
    Case("session14/keras_ftrl", _keras_ftrl, init=True, runs=3, rtol=1e-5),
    Case("session14/linear_operator_methods", _linear_operator_methods, rtol=1e-9),
    Case("session14/linear_operator_singular", _linear_operator_singular),
    Case("session14/linear_operator_not_self_adjoint", _linear_operator_not_self_adjoint),
]
