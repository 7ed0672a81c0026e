"""Oracle cases from session 13 (lead): ``tf.keras.backend``'s layer-level functions
(convolutions, pooling, padding, normalization, CTC, the recurrent loop) that TF1-era Keras
programs call as ``K.conv2d``, ``K.ctc_batch_cost``, ``K.rnn``, ... TensorFlow's side is
tf_keras's backend (runner.py sets TF_USE_LEGACY_KERAS=1).

Same rules as cases.py (runs under both interpreters; NumPy only).
"""

from cases import Case


def _rng(np, seed=0):
    return np.random.RandomState(seed)


def _x(np, shape, seed=0):
    return _rng(np, seed).standard_normal(shape).astype("float32")


def _convolutions(tf, np):
    K = tf.keras.backend
    x4 = tf.constant(_x(np, (2, 7, 6, 3)))
    x4f = tf.constant(_x(np, (2, 3, 7, 6), 1))
    k = tf.constant(_x(np, (3, 3, 3, 4), 2))
    x3 = tf.constant(_x(np, (2, 9, 3), 3))
    k1 = tf.constant(_x(np, (3, 3, 5), 4))
    x5 = tf.constant(_x(np, (1, 5, 4, 6, 2), 5))
    k3 = tf.constant(_x(np, (2, 2, 3, 2, 3), 6))
    dw = tf.constant(_x(np, (3, 3, 3, 2), 7))
    pw = tf.constant(_x(np, (1, 1, 6, 4), 8))
    kt = tf.constant(_x(np, (3, 3, 4, 3), 9))
    return {
        "conv2d_same": K.conv2d(x4, k, strides=(2, 1), padding="same"),
        "conv2d_first": K.conv2d(x4f, k, padding="valid", data_format="channels_first"),
        "conv2d_dilated": K.conv2d(x4, k, padding="same", dilation_rate=(2, 2)),
        "conv1d_causal": K.conv1d(x3, k1, padding="causal", dilation_rate=2),
        "conv1d_valid": K.conv1d(x3, k1, strides=2),
        "conv3d": K.conv3d(x5, k3, padding="same"),
        "depthwise": K.depthwise_conv2d(x4, dw, strides=(1, 1), padding="same"),
        "separable": K.separable_conv2d(x4, dw, pw, padding="valid"),
        "transpose": K.conv2d_transpose(x4, kt, (2, 15, 13, 4), strides=(2, 2),
                                        padding="valid"),
    }


def _pooling_and_padding(tf, np):
    K = tf.keras.backend
    x4 = tf.constant(_x(np, (2, 7, 6, 3)))
    x4f = tf.constant(_x(np, (2, 3, 7, 6), 1))
    x5 = tf.constant(_x(np, (1, 5, 4, 6, 2), 5))
    x3 = tf.constant(_x(np, (2, 4, 3), 3))
    return {
        "max_same": K.pool2d(x4, (3, 3), strides=(2, 2), padding="same"),
        "avg_first": K.pool2d(x4f, (2, 2), strides=(2, 2), data_format="channels_first",
                              pool_mode="avg"),
        "pool3d_avg": K.pool3d(x5, (2, 2, 2), strides=(1, 2, 2), pool_mode="avg"),
        "pool3d_max": K.pool3d(x5, (2, 2, 2), strides=(2, 2, 2), padding="same"),
        "temporal": K.temporal_padding(x3, (2, 1)),
        "spatial2d": K.spatial_2d_padding(x4, ((1, 0), (2, 3))),
        "spatial2d_first": K.spatial_2d_padding(x4f, ((0, 1), (1, 1)),
                                                data_format="channels_first"),
        "spatial3d": K.spatial_3d_padding(x5, ((1, 0), (0, 1), (1, 1))),
        "resize_nearest": K.resize_images(x4, 2, 3, "channels_last"),
        "resize_bilinear_first": K.resize_images(x4f, 2, 2, "channels_first",
                                                 interpolation="bilinear"),
        "resize_volumes": K.resize_volumes(x5, 2, 1, 2, "channels_last"),
        "reverse": K.reverse(x4, (1, 2)),
        "reverse_int": K.reverse(x3, 1),
        "cumsum": K.cumsum(x3, axis=1),
        "cumprod": K.cumprod(x3),
    }


def _bias_and_normalization(tf, np):
    K = tf.keras.backend
    x4 = tf.constant(_x(np, (2, 5, 4, 3)))
    x4f = tf.constant(_x(np, (2, 3, 5, 4), 1))
    x3 = tf.constant(_x(np, (4, 6, 3), 2))
    gamma = tf.constant(_x(np, (3,), 3) + 1.5)
    beta = tf.constant(_x(np, (3,), 4))
    full_bias = tf.constant(_x(np, (5, 4, 3), 5))
    normed, mean, var = K.normalize_batch_in_training(x3, gamma, beta, [0, 1])
    normed_b, mean_b, var_b = K.normalize_batch_in_training(
        x4f, tf.constant(_x(np, (5, 4), 6)), None, [0, 1])
    return {
        "bias_last": K.bias_add(x4, beta),
        "bias_first": K.bias_add(x4f, beta, data_format="channels_first"),
        "bias_full": K.bias_add(x4, full_bias),
        "bias_full_first": K.bias_add(x4f, full_bias, data_format="channels_first"),
        "normed": normed, "mean": mean, "var": var,
        "normed_broadcast": normed_b, "mean_broadcast": mean_b, "var_broadcast": var_b,
        "batch_normalization": K.batch_normalization(x3, mean, var, beta, gamma,
                                                     epsilon=1e-2),
    }


def _ctc(tf, np):
    K = tf.keras.backend
    rng = _rng(np, 11)
    logits = rng.standard_normal((3, 8, 5)).astype("float32")
    y_pred = tf.nn.softmax(tf.constant(logits))
    labels = tf.constant(np.array([[1, 2, 2, 0], [3, 1, 0, 0], [2, 0, 0, 0]], "int32"))
    label_length = tf.constant(np.array([[3], [2], [1]], "int32"))
    input_length = tf.constant(np.array([[8], [7], [5]], "int32"))
    sparse = K.ctc_label_dense_to_sparse(labels, tf.constant(np.array([3, 2, 1], "int32")))
    greedy, greedy_prob = K.ctc_decode(y_pred, tf.constant(np.array([8, 7, 5], "int32")))
    beam, beam_prob = K.ctc_decode(y_pred, tf.constant(np.array([8, 7, 5], "int32")),
                                   greedy=False, beam_width=4, top_paths=2)
    return {
        "sparse_indices": sparse.indices, "sparse_values": sparse.values,
        "sparse_shape": sparse.dense_shape,
        "cost": K.ctc_batch_cost(labels, y_pred, input_length, label_length),
        "greedy": greedy[0], "greedy_prob": greedy_prob,
        "beam0": beam[0], "beam1": beam[1], "beam_prob": beam_prob,
    }


def _recurrent(tf, np):
    K = tf.keras.backend
    x = tf.constant(_x(np, (3, 5, 4)))
    w = tf.constant(_x(np, (4, 2), 1))
    u = tf.constant(_x(np, (2, 2), 2))
    c = tf.constant(_x(np, (2,), 3))
    mask = tf.constant(np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 1, 1, 0]], bool))

    def step(inputs, states):
        h = tf.tanh(tf.matmul(inputs, w) + tf.matmul(states[0], u) + states[1])
        return h, [h]

    h0 = [tf.zeros([3, 2])]
    out = {}
    for unroll in (False, True):
        for backwards in (False, True):
            tag = f"{'unrolled' if unroll else 'loop'}_{'back' if backwards else 'fwd'}"
            last, seq, states = K.rnn(step, x, h0, go_backwards=backwards, unroll=unroll,
                                      constants=[c])
            out[f"{tag}_last"], out[f"{tag}_seq"], out[f"{tag}_state"] = last, seq, states[0]
            last, seq, states = K.rnn(step, x, h0, go_backwards=backwards, mask=mask,
                                      unroll=unroll, constants=[c])
            out[f"{tag}_masked_last"], out[f"{tag}_masked_seq"] = last, seq
            out[f"{tag}_masked_state"] = states[0]
            last, seq, _ = K.rnn(step, x, h0, mask=mask, unroll=unroll, constants=[c],
                                 zero_output_for_mask=True)
            out[f"{tag}_zero_last"], out[f"{tag}_zero_seq"] = last, seq
    grad = tf.gradients(tf.reduce_sum(out["loop_fwd_masked_seq"] ** 2), [w, u])
    out["grad_w"], out["grad_u"] = grad
    return out


def _small_functions(tf, np):
    K = tf.keras.backend
    x3 = tf.constant(_x(np, (2, 4, 3)))
    preds = tf.constant(np.array([[0.1, 0.5, 0.4], [0.3, 0.3, 0.4]], "float32"))
    inputs = tf.constant(_x(np, (2, 6, 3), 4))
    kernel1 = tf.constant(_x(np, (2, 6, 5), 5))        # 2 outputs, patches of 2x3
    inputs2 = tf.constant(_x(np, (2, 4, 6, 2), 6))
    kernel2 = tf.constant(_x(np, (6, 8, 3), 7))        # 2x3 outputs, patches 2x2x2
    return {
        "in_top_k": K.in_top_k(preds, tf.constant(np.array([1, 0], "int32")), 1),
        "in_top_k2": K.in_top_k(preds, tf.constant(np.array([2, 1], "int32")), 2),
        "local1d": K.local_conv1d(inputs, kernel1, (2,), (3,)),
        "local2d": K.local_conv2d(inputs2, kernel2, (2, 2), (2, 2), (2, 3)),
        "count": tf.constant(K.count_params(x3)),
        "bernoulli": K.random_bernoulli((3, 4), p=0.4, seed=7),
        "map_fn": K.map_fn(lambda t: t * 2.0, x3),
        "foldl": K.foldl(lambda a, t: a + t, x3),
        "foldr": K.foldr(lambda a, t: a * 0.5 + t, x3),
    }


SESSION13_LEAD_CASES = [
    Case("session13/keras_backend_convolutions", _convolutions, rtol=1e-4),
    Case("session13/keras_backend_pooling_padding", _pooling_and_padding, rtol=1e-4),
    Case("session13/keras_backend_bias_normalization", _bias_and_normalization, rtol=1e-4),
    Case("session13/keras_backend_ctc", _ctc, rtol=1e-4),
    Case("session13/keras_backend_rnn", _recurrent, rtol=1e-3),
    Case("session13/keras_backend_small", _small_functions, rtol=1e-4),
]


def _dilated_convolutions(tf, np):
    x1 = tf.constant(_x(np, (2, 11, 3)))
    x2 = tf.constant(_x(np, (2, 9, 8, 3), 1))
    x3 = tf.constant(_x(np, (1, 7, 6, 5, 2), 2))
    k1 = tf.constant(_x(np, (3, 3, 4), 3))
    k2 = tf.constant(_x(np, (3, 2, 3, 4), 4))
    k3 = tf.constant(_x(np, (2, 3, 2, 2, 3), 5))
    out = {}
    for padding in ("SAME", "VALID"):
        out[f"1d_{padding}"] = tf.nn.convolution(x1, k1, padding, dilation_rate=[3])
        out[f"2d_{padding}"] = tf.nn.convolution(x2, k2, padding, dilation_rate=[2, 3])
        out[f"3d_{padding}"] = tf.nn.convolution(x3, k3, padding, dilation_rate=[1, 2, 2])
    loss = tf.reduce_sum(out["2d_SAME"] ** 2) + tf.reduce_sum(out["1d_VALID"] ** 2)
    out["grad_x2"], out["grad_k2"], out["grad_k1"] = tf.gradients(loss, [x2, k2, k1])
    return out


def _bool_fills(tf, np):
    x = tf.placeholder(tf.float32, [None, 2])
    return ({"ones_like": tf.ones_like(x, dtype=tf.bool),
             "ones": tf.ones(tf.shape(x), tf.bool),
             "zeros": tf.zeros(tf.shape(x), tf.bool),
             "zeros_string": tf.zeros(tf.shape(x), tf.string)},
            {x: np.zeros((3, 2), np.float32)})


SESSION13_LEAD_CASES += [
    Case("session13/convolution_dilated", _dilated_convolutions, rtol=1e-4),
    Case("session13/bool_fills", _bool_fills, rtol=1e-4),
]


def _const_init(tf, array):
    return tf.keras.initializers.Constant(array)


def _keras_layers(tf, np):
    L = tf.keras.layers
    rng = _rng(np, 21)
    x1 = tf.constant(rng.standard_normal((2, 7, 3)).astype("float32"))
    x2 = tf.constant(rng.standard_normal((2, 5, 6, 2)).astype("float32"))
    k1 = rng.standard_normal((3, 6, 4)).astype("float32")       # 3 positions, patch 2x3
    b1 = rng.standard_normal((3, 4)).astype("float32")
    k2 = rng.standard_normal((4, 8, 3)).astype("float32")       # 2x2 positions, patch 2x2x2
    b2 = rng.standard_normal((2, 2, 3)).astype("float32")
    local1 = L.LocallyConnected1D(4, 2, strides=2, activation="relu",
                                  kernel_initializer=_const_init(tf, k1),
                                  bias_initializer=_const_init(tf, b1))(x1)
    local2 = L.LocallyConnected2D(3, (2, 2), strides=(2, 3),
                                  kernel_initializer=_const_init(tf, k2),
                                  bias_initializer=_const_init(tf, b2))(x2)
    gamma = rng.standard_normal((3,)).astype("float32")
    beta = rng.standard_normal((3,)).astype("float32")
    norm_last = L.LayerNormalization(gamma_initializer=_const_init(tf, gamma),
                                     beta_initializer=_const_init(tf, beta))(x1)
    gamma2 = rng.standard_normal((7, 3)).astype("float32")
    norm_two = L.LayerNormalization(axis=[1, 2], epsilon=1e-5,
                                    gamma_initializer=_const_init(tf, gamma2))(x1)
    query = tf.constant(rng.standard_normal((2, 4, 3)).astype("float32"))
    value = tf.constant(rng.standard_normal((2, 5, 3)).astype("float32"))
    key = tf.constant(rng.standard_normal((2, 5, 3)).astype("float32"))
    qmask = tf.constant(np.array([[1, 1, 1, 0], [1, 0, 1, 1]], bool))
    vmask = tf.constant(np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool))
    dot = L.Attention()([query, value])
    dot_masked = L.Attention(use_scale=True)([query, value, key], mask=[qmask, vmask])
    add = L.AdditiveAttention(use_scale=False)([query, value, key], mask=[None, vmask])
    add_scaled = L.AdditiveAttention()
    add_scaled_out = add_scaled([query, value])
    return {"local1": local1, "local2": local2, "norm_last": norm_last, "norm_two": norm_two,
            "dot": dot, "dot_masked": dot_masked, "add": add,
            "scale_shape": tf.constant(np.array(add_scaled.scale.shape.as_list(), "int32")),
            "add_scaled": add_scaled_out - add_scaled_out}


SESSION13_LEAD_CASES += [Case("session13/keras_layers", _keras_layers, init=True, rtol=1e-4)]


def _nn_backprops(tf, np):
    rng = _rng(np, 31)
    x5 = tf.constant(rng.standard_normal((2, 5, 6, 4, 3)).astype("float32"))
    g5 = tf.constant(rng.standard_normal((2, 3, 3, 4, 2)).astype("float32"))
    x4 = tf.constant(rng.standard_normal((2, 7, 6, 3)).astype("float32"))
    w4 = tf.constant(rng.standard_normal((3, 3, 3, 2)).astype("float32"))
    g4 = tf.constant(rng.standard_normal((2, 4, 3, 6)).astype("float32"))
    t_in = tf.constant(rng.standard_normal((2, 4, 3, 5)).astype("float32"))
    t_w = tf.constant(rng.standard_normal((3, 3, 2, 5)).astype("float32"))
    t1_in = tf.constant(rng.standard_normal((2, 5, 4)).astype("float32"))
    t1_w = tf.constant(rng.standard_normal((3, 2, 4)).astype("float32"))
    label_values = np.array([[1, 1, 2, 2, 2, 3], [4, 4, 4, 5, 1, 1], [7, 7, 7, 7, 7, 7]],
                            "int32")
    labels = tf.placeholder_with_default(label_values, [None, 6])
    collapsed, lengths = tf.nn.collapse_repeated(labels, tf.constant([5, 6, 3]))
    unique, ids = tf.nn.ctc_unique_labels(labels)
    return {
        "conv3d_filter": tf.nn.conv3d_backprop_filter_v2(x5, [2, 3, 2, 3, 2], g5,
                                                         [1, 2, 2, 1, 1], "SAME"),
        "depthwise_input": tf.nn.depthwise_conv2d_native_backprop_input(
            [2, 7, 6, 3], w4, g4, [1, 2, 2, 1], "SAME"),
        "depthwise_filter": tf.nn.depthwise_conv2d_native_backprop_filter(
            x4, [3, 3, 3, 2], g4, [1, 2, 2, 1], "SAME"),
        "transpose2d": tf.nn.conv_transpose(t_in, t_w, [2, 8, 6, 2], [1, 2, 2, 1], "SAME"),
        "transpose1d": tf.nn.conv_transpose(t1_in, t1_w, [2, 11, 2], 2, "VALID"),
        "collapsed": collapsed, "lengths": lengths, "unique": unique, "ids": ids,
    }


SESSION13_LEAD_CASES += [Case("session13/nn_backprops", _nn_backprops, rtol=1e-4)]


def _sequence_columns(tf, np):
    fc = tf.feature_column
    rng = _rng(np, 41)
    table = rng.standard_normal((6, 3)).astype("float32")
    ids = tf.SparseTensor(indices=[[0, 0], [0, 1], [0, 2], [1, 0], [2, 0], [2, 1]],
                          values=np.array([1, 5, 2, 3, 0, 4], "int64"), dense_shape=[3, 4])
    words = tf.SparseTensor(indices=[[0, 0], [0, 2], [1, 0], [2, 0], [2, 1]],
                            values=np.array([1, 0, 2, 2, 0], "int64"), dense_shape=[3, 4])
    values = tf.SparseTensor(
        indices=[[0, 0], [0, 1], [0, 2], [0, 3], [0, 4], [0, 5], [1, 0], [1, 1],
                 [2, 0], [2, 1], [2, 2], [2, 3]],
        values=rng.standard_normal(12).astype("float32"), dense_shape=[3, 8])
    columns = [
        fc.embedding_column(fc.sequence_categorical_column_with_identity("ids", 6), 3,
                            initializer=tf.constant_initializer(table)),
        fc.indicator_column(fc.sequence_categorical_column_with_identity("words", 3)),
        fc.sequence_numeric_column("values", shape=(2,)),
    ]
    features = {"ids": ids, "words": words, "values": values}
    if hasattr(tf, "contrib"):
        dense, length = tf.contrib.feature_column.sequence_input_layer(features, columns)
    else:
        dense, length = tf.keras.experimental.SequenceFeatures(columns)(features)
    return {"dense": dense, "length": length}


SESSION13_LEAD_CASES += [
    Case("session13/sequence_columns", _sequence_columns, init=True, rtol=1e-4)]
