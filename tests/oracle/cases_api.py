"""Oracle cases for the rest of the TF1 API (issue 9): state functions, linear algebra,
segments, array extras, nn extras, losses, clipping, schedules, optimizers, assertions.

Same rules as cases.py: each build is a function of ``tf`` and ``np`` only.
"""

from cases import Case

M = [[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]]
B = [[1.0, 2.0], [0.5, -1.0], [3.0, 0.0]]
DATA = [[1.0, 2.0], [3.0, -4.0], [5.0, 6.0], [0.0, 8.0]]


def _c(tf, np, values, dtype="float64"):
    return tf.constant(np.array(values, dtype=dtype))


def _grad(tf, y, x):
    return tf.gradients(y, x)[0]


def _linalg_cases():
    def case(name, build, rtol=1e-6):
        return Case(f"api/linalg/{name}", build, rtol=rtol)

    def with_grad(fn):
        def build(tf, np):
            m = _c(tf, np, M)
            y = fn(tf, m)
            return {"y": y, "dm": _grad(tf, tf.reduce_sum(y), m)}

        return build

    return [
        case("inverse", with_grad(lambda tf, m: tf.matrix_inverse(m))),
        case("determinant", with_grad(lambda tf, m: tf.matrix_determinant(m))),
        case("slogdet", with_grad(lambda tf, m: tf.linalg.slogdet(m)[1])),
        case("cholesky", with_grad(lambda tf, m: tf.cholesky(m))),
        case("solve", lambda tf, np: {"x": tf.matrix_solve(_c(tf, np, M), _c(tf, np, B))}),
        case("triangular_solve", lambda tf, np: {
            "x": tf.matrix_triangular_solve(_c(tf, np, M), _c(tf, np, B), lower=False)}),
        case("band_part", lambda tf, np: {"y": tf.matrix_band_part(_c(tf, np, M), 0, 1)}),
        case("trace", lambda tf, np: {"y": tf.trace(_c(tf, np, M))}),
        case("diag_part", lambda tf, np: {"y": tf.matrix_diag_part(_c(tf, np, [M, M]))}),
        case("eye", lambda tf, np: {"y": tf.eye(2, 3, batch_shape=[2], dtype=tf.float64)}),
        case("einsum", lambda tf, np: {"y": tf.einsum("ij,jk->ik", _c(tf, np, M),
                                                      _c(tf, np, B))}),
        case("tensordot", lambda tf, np: {"y": tf.tensordot(_c(tf, np, M), _c(tf, np, B), 1)}),
        case("norm", lambda tf, np: {"e": tf.norm(_c(tf, np, B)),
                                     "one": tf.norm(_c(tf, np, B), ord=1, axis=0)}),
        case("qr_r_abs", lambda tf, np: {"r": tf.abs(tf.qr(_c(tf, np, M))[1])}),
        case("singular", lambda tf, np: {"y": tf.matrix_inverse(tf.zeros([2, 2]))}),
    ]


def _segment_cases():
    def case(name, fn, ids, *count):
        def build(tf, np):
            data = _c(tf, np, DATA)
            y = fn(tf)(data, tf.constant(ids), *count)
            return {"y": y, "dd": _grad(tf, tf.reduce_sum(y * y), data)}

        return Case(f"api/segment/{name}", build)

    sorted_ids = [0, 0, 1, 3]
    unsorted_ids = [1, 0, 1, 2]
    return [
        case("segment_sum", lambda tf: tf.segment_sum, sorted_ids),
        case("segment_mean", lambda tf: tf.segment_mean, sorted_ids),
        case("segment_max", lambda tf: tf.segment_max, [0, 0, 1, 1]),
        case("segment_min", lambda tf: tf.segment_min, [0, 1, 1, 1]),
        case("segment_prod", lambda tf: tf.segment_prod, sorted_ids),
        case("unsorted_max", lambda tf: tf.unsorted_segment_max, unsorted_ids, 3),
        case("unsorted_min", lambda tf: tf.unsorted_segment_min, unsorted_ids, 3),
        case("unsorted_prod", lambda tf: tf.unsorted_segment_prod, unsorted_ids, 3),
        case("unsorted_mean", lambda tf: tf.unsorted_segment_mean, unsorted_ids, 3),
        case("unsorted_sqrt_n", lambda tf: tf.unsorted_segment_sqrt_n, unsorted_ids, 3),
    ]


def _array_cases():
    def case(name, build):
        return Case(f"api/array/{name}", build)

    def values(tf, np):
        return tf.constant(np.array([[3.0, 1.0, 2.0, 1.0], [0.5, -1.0, 4.0, 2.0]]))

    return [
        case("gather_nd", lambda tf, np: {
            "y": tf.gather_nd(tf.constant(np.arange(12).reshape(3, 4)), [[0, 1], [2, 3]])}),
        case("gather_nd_grad", lambda tf, np: (lambda x: {
            "dx": _grad(tf, tf.reduce_sum(tf.gather_nd(x, [[0, 1], [0, 1]])), x)})(
                values(tf, np))),
        case("scatter_nd", lambda tf, np: {
            "y": tf.scatter_nd([[4], [3], [1], [1]], [9, 10, 11, 12], [8])}),
        case("top_k", lambda tf, np: dict(zip(("v", "i"), tf.nn.top_k(values(tf, np), 3)))),
        case("top_k_grad", lambda tf, np: (lambda x: {
            "dx": _grad(tf, tf.reduce_sum(tf.nn.top_k(x, 2)[0] * 3.0), x)})(values(tf, np))),
        case("sort", lambda tf, np: {"a": tf.sort(values(tf, np)),
                                     "d": tf.sort(values(tf, np), direction="DESCENDING")}),
        case("argsort", lambda tf, np: {"a": tf.argsort(values(tf, np), axis=0)}),
        case("unique", lambda tf, np: dict(zip(("y", "idx", "count"), tf.unique_with_counts(
            [1, 1, 2, 4, 4, 4, 7, 8, 8])))),
        case("sequence_mask", lambda tf, np: {"m": tf.sequence_mask([1, 3, 2], 5),
                                              "f": tf.sequence_mask([2, 0], dtype=tf.float32)}),
        case("reverse_sequence", lambda tf, np: {"y": tf.reverse_sequence(
            np.arange(12).reshape(3, 4), [4, 0, 2], seq_axis=1, batch_axis=0)}),
        case("meshgrid", lambda tf, np: dict(zip(("x", "y"), tf.meshgrid([1, 2, 3], [4, 5])))),
        case("dynamic_partition", lambda tf, np: dict(zip(("a", "b"), tf.dynamic_partition(
            tf.constant([10, 20, 30, 40, 50]), [0, 0, 1, 1, 0], 2)))),
        case("dynamic_stitch", lambda tf, np: {"y": tf.dynamic_stitch(
            [[0, 1, 4], [2, 3]], [[10, 20, 50], [30, 40]])}),
        case("space_to_depth", lambda tf, np: {"y": tf.space_to_depth(
            np.arange(32.0).reshape(1, 4, 4, 2), 2)}),
        case("depth_to_space", lambda tf, np: {"y": tf.depth_to_space(
            np.arange(32.0).reshape(1, 2, 2, 8), 2)}),
        case("space_to_batch", lambda tf, np: {"y": tf.space_to_batch(
            np.arange(18.0).reshape(1, 3, 3, 2), [[0, 1], [0, 1]], 2)}),
        case("batch_to_space", lambda tf, np: {"y": tf.batch_to_space(
            np.arange(32.0).reshape(4, 2, 2, 2), [[0, 1], [1, 0]], 2)}),
        case("extract_image_patches", lambda tf, np: {"y": tf.extract_image_patches(
            np.arange(50.0).reshape(1, 5, 5, 2), [1, 2, 3, 1], [1, 2, 1, 1], [1, 1, 1, 1],
            "SAME")}),
        case("arg_max", lambda tf, np: {"a": tf.arg_max(values(tf, np), 1),
                                        "b": tf.arg_min(values(tf, np), 0)}),
        case("tensor_scatter", lambda tf, np: {"u": tf.tensor_scatter_nd_update(
            tf.constant([1.0, 2.0, 3.0]), [[0], [2]], [9.0, 8.0])}),
    ]


def _volume(np):
    return np.linspace(-1, 1, 48, dtype="float32").reshape(1, 2, 3, 4, 2)


def _nn_cases():
    def case(name, build, rtol=None):
        return Case(f"api/nn/{name}", build, rtol=rtol)

    def x(tf, np):
        return tf.constant(np.linspace(-2, 2, 24).reshape(1, 2, 3, 4))

    return [
        case("batch_normalization", lambda tf, np: {"y": tf.nn.batch_normalization(
            x(tf, np), 0.5, 2.0, 0.1, 3.0, 1e-3)}),
        case("fused_batch_norm", lambda tf, np: dict(zip(("y", "m", "v"), tf.nn.fused_batch_norm(
            tf.cast(x(tf, np), tf.float32), tf.ones([4]), tf.zeros([4]))))),
        case("moments", lambda tf, np: dict(zip(("m", "v"), tf.nn.moments(x(tf, np), [0, 1, 2])))),
        case("weighted_moments", lambda tf, np: dict(zip(("m", "v"), tf.nn.weighted_moments(
            x(tf, np), [3], tf.constant([[[[1.0]], [[2.0]]]], tf.float64))))),
        case("l2_normalize", lambda tf, np: {"y": tf.nn.l2_normalize(x(tf, np), axis=3)}),
        case("lrn", lambda tf, np: {"y": tf.nn.lrn(tf.cast(x(tf, np), tf.float32), 1, 1.0,
                                                    0.5, 0.75)}, rtol=1e-5),
        case("selu_swish_crelu", lambda tf, np: {"s": tf.nn.selu(x(tf, np)),
                                                 "w": tf.nn.swish(x(tf, np)),
                                                 "c": tf.nn.crelu(x(tf, np))}),
        case("embedding_lookup", lambda tf, np: {"y": tf.nn.embedding_lookup(
            [tf.constant(np.arange(8.0).reshape(4, 2)), tf.constant(np.arange(6.0).reshape(3, 2))],
            [[0, 6], [3, 1]])}),
        case("embedding_lookup_div", lambda tf, np: {"y": tf.nn.embedding_lookup(
            [tf.constant(np.arange(8.0).reshape(4, 2)), tf.constant(np.arange(6.0).reshape(3, 2))],
            [0, 6, 4], partition_strategy="div")}),
        case("conv1d", lambda tf, np: {"y": tf.nn.conv1d(
            np.linspace(-1, 1, 14).reshape(1, 7, 2), np.linspace(-1, 1, 12).reshape(3, 2, 2), 2,
            "SAME")}),
        case("depthwise_conv2d", lambda tf, np: {"y": tf.nn.depthwise_conv2d(
            x(tf, np), np.linspace(-1, 1, 32).reshape(2, 2, 4, 2), [1, 1, 1, 1], "SAME")}),
        case("atrous_conv2d", lambda tf, np: {"y": tf.nn.atrous_conv2d(
            tf.constant(np.linspace(-1, 1, 50).reshape(1, 5, 5, 2)),
            np.linspace(-1, 1, 8).reshape(2, 2, 2, 1), 2, "VALID")}),
        case("weighted_xent", lambda tf, np: {"y": tf.nn.weighted_cross_entropy_with_logits(
            targets=tf.constant([[0.0, 1.0, 0.5]]), logits=tf.constant([[-3.0, 0.5, 20.0]]),
            pos_weight=2.0)}),
        case("zero_fraction", lambda tf, np: {"z": tf.nn.zero_fraction([[0, 1], [0, 0]])}),
        case("conv3d", lambda tf, np: {"y": tf.nn.conv3d(
            np.linspace(-1, 1, 48).reshape(1, 2, 3, 4, 2), np.linspace(-1, 1, 16).reshape(
                2, 2, 2, 2, 1), [1, 1, 1, 1, 1], "SAME")}),
        case("pool3d", lambda tf, np: {
            "m": tf.nn.max_pool3d(_volume(np), [1, 2, 2, 2, 1], [1, 1, 2, 2, 1], "SAME"),
            "a": tf.nn.avg_pool3d(_volume(np), [1, 2, 2, 2, 1], [1, 1, 2, 2, 1], "SAME")},
             rtol=1e-5),
        case("pool3d_float64", lambda tf, np: {"m": tf.nn.max_pool3d(
            np.zeros((1, 2, 2, 2, 1)), [1, 1, 1, 1, 1], [1, 1, 1, 1, 1], "VALID")}),
    ]


def _loss_cases():
    labels = [[0.0, 1.0, 1.0], [1.0, 0.0, 1.0]]
    preds = [[0.2, 0.7, 0.9], [0.6, 0.1, 0.4]]
    weights = [[1.0], [0.0]]

    def case(name, fn):
        def build(tf, np):
            return {"plain": fn(tf, 1.0), "weighted": fn(tf, tf.constant(weights))}

        return Case(f"api/losses/{name}", build, rtol=1e-5)

    return [
        case("absolute_difference", lambda tf, w: tf.losses.absolute_difference(labels, preds, w)),
        case("huber", lambda tf, w: tf.losses.huber_loss(labels, [[3.0, -1.0, 0.5]] * 2, w)),
        case("log_loss", lambda tf, w: tf.losses.log_loss(labels, preds, w)),
        case("hinge", lambda tf, w: tf.losses.hinge_loss(labels, preds, w)),
        case("sigmoid_xent", lambda tf, w: tf.losses.sigmoid_cross_entropy(
            labels, preds, w, label_smoothing=0.1)),
        case("cosine", lambda tf, w: tf.losses.cosine_distance(labels, preds, axis=1,
                                                               weights=w)),
        case("compute_weighted", lambda tf, w: tf.losses.compute_weighted_loss(
            preds, w, reduction=tf.losses.Reduction.MEAN)),
        case("pairwise", lambda tf, w: tf.losses.mean_pairwise_squared_error(labels, preds)),
    ]


def _training_cases():
    def case(name, build, init=False):
        return Case(f"api/train/{name}", build, init=init, rtol=1e-5)

    def schedules(tf, np):
        step = tf.constant(7, tf.int64)
        return {
            "piecewise": tf.train.piecewise_constant(step, [5, 10], [1.0, 0.5, 0.1]),
            "polynomial": tf.train.polynomial_decay(0.1, step, 10, 0.01, power=2.0),
            "polynomial_cycle": tf.train.polynomial_decay(0.1, step * 2, 10, 0.01, cycle=True),
            "natural_exp": tf.train.natural_exp_decay(0.1, step, 10, 0.5, staircase=True),
            "inverse_time": tf.train.inverse_time_decay(0.1, step, 10, 0.5),
            "cosine": tf.train.cosine_decay(0.1, step, 10, alpha=0.1),
            "restarts": tf.train.cosine_decay_restarts(0.1, step, 4, m_mul=0.5),
            "linear_cosine": tf.train.linear_cosine_decay(0.1, step, 10),
        }

    def clipping(tf, np):
        a = tf.constant([3.0, 4.0])
        b = tf.constant([[12.0]])
        clipped, norm = tf.clip_by_global_norm([a, b], 6.5)
        return {"norm": norm, "a": clipped[0], "b": clipped[1],
                "by_norm": tf.clip_by_norm(a, 1.0), "avg": tf.clip_by_average_norm(a, 1.0)}

    def optimizer(make):
        def build(tf, np):
            w = tf.Variable([1.0, -2.0, 0.5])
            loss = tf.reduce_sum(tf.square(w - [0.3, 0.1, -0.4]) * [1.0, 2.0, 3.0])
            step = make(tf).minimize(loss)
            with tf.control_dependencies([step]):
                after = tf.identity(w.read_value())
            return {"w": after}

        return build

    def ema(tf, np):
        v = tf.Variable(10.0)
        average = tf.train.ExponentialMovingAverage(0.9, num_updates=5)
        update = average.apply([v])
        with tf.control_dependencies([update]):
            shadow = tf.identity(average.average(v))
        return {"shadow": shadow, "names": tf.constant(sorted(average.variables_to_restore()))}

    def custom_getter_sum(tf, np):
        # TensorFlow's own example: a "variable" made of two, summed outside any name scope.
        def two_parts(getter, name, *args, **kwargs):
            first = getter(name + "/0", *args, **kwargs)
            second = getter(name + "/1", *args, **kwargs)
            with tf.name_scope("custom_getter"):
                return first + second

        with tf.variable_scope("scope", custom_getter=two_parts):
            v = tf.get_variable("v", [2, 3], initializer=tf.constant_initializer(1.5))
        names = [p.name for p in tf.trainable_variables()] + [v.name]
        return {"v": v, "names": tf.constant(names)}

    def custom_getter_averaged_dense(tf, np):
        # Evaluating with moving averages: the layer rebuilt, reading its weights' averages.
        x = tf.constant([[1.0, 2.0], [-1.0, 0.5]])
        dense = tf.layers.dense(x, 2, name="fc", kernel_initializer=tf.constant_initializer(
            [[1.0, -1.0], [0.5, 2.0]]), bias_initializer=tf.constant_initializer(0.25))
        averages = tf.train.ExponentialMovingAverage(0.5)
        kernel, bias = tf.trainable_variables()
        with tf.control_dependencies([tf.assign_add(kernel, tf.ones([2, 2])),
                                      tf.assign(bias, [1.0, -1.0])]):
            update = averages.apply([kernel, bias])

        def read_average(getter, name, *args, **kwargs):
            return averages.average(getter(name, *args, **kwargs))

        with tf.variable_scope(tf.get_variable_scope(), reuse=True,
                               custom_getter=read_average):
            averaged = tf.layers.dense(x, 2, name="fc")
        names = [v.op.name for v in tf.global_variables()]
        # The update runs once before the fetch (setup), so no read races with it.
        return {"dense": dense, "averaged": averaged, "names": tf.constant(names)}, {}, [update]

    def state(tf, np):
        v = tf.Variable([1.0, 2.0, 3.0])
        a = tf.assign_add(v, [1.0, 1.0, 1.0])
        with tf.control_dependencies([a]):
            s = tf.scatter_update(v, [0, 2], [7.0, 8.0])
        with tf.control_dependencies([s]):
            n = tf.scatter_nd_add(v, [[1]], [5.0])
        # The values are compared; the update ops' ref dtype (float32_ref) is not at issue.
        return {"v": tf.identity(n)}

    return [
        case("schedules", schedules),
        case("clipping", clipping),
        case("adadelta", optimizer(lambda tf: tf.train.AdadeltaOptimizer(0.5, 0.9, 1e-6)),
             init=True),
        case("ftrl", optimizer(lambda tf: tf.train.FtrlOptimizer(
            0.2, l1_regularization_strength=0.01, l2_regularization_strength=0.02)), init=True),
        case("proximal_gd", optimizer(lambda tf: tf.train.ProximalGradientDescentOptimizer(
            0.1, 0.05, 0.1)), init=True),
        case("proximal_adagrad", optimizer(lambda tf: tf.train.ProximalAdagradOptimizer(
            0.3, l1_regularization_strength=0.05, l2_regularization_strength=0.1)), init=True),
        case("ema", ema, init=True),
        case("custom_getter_sum", custom_getter_sum, init=True),
        case("custom_getter_averaged_dense", custom_getter_averaged_dense, init=True),
        case("state_functions", state, init=True),
    ]


def _assert_cases():
    def case(name, build):
        return Case(f"api/assert/{name}", build)

    def run_assert(fn):
        def build(tf, np):
            x = tf.placeholder(tf.int32, [2])
            with tf.control_dependencies([fn(tf)(x, tf.constant([1, 2]))]):
                y = tf.identity(x)
            return {"y": y}, {x: [1, 3]}

        return build

    return [
        case("assert_equal_static", lambda tf, np: {"o": tf.assert_equal([1, 2], [1, 3])}),
        case("assert_equal_run", run_assert(lambda tf: tf.assert_equal)),
        case("assert_greater_equal_run", run_assert(lambda tf: tf.assert_greater_equal)),
        case("check_numerics", lambda tf, np: {"y": tf.check_numerics(
            tf.constant([1.0, np.nan]), "bad")}),
        case("is_non_decreasing", lambda tf, np: {"a": tf.is_non_decreasing([1, 2, 2]),
                                                  "b": tf.is_strictly_increasing([1, 2, 2])}),
    ]


API_CASES = (_linalg_cases() + _segment_cases() + _array_cases() + _nn_cases()
             + _loss_cases() + _training_cases() + _assert_cases())
