"""Session 13 gradient rows (see cases_session13_grads.py): nn ops, convolutions, pooling,
normalization, losses, clipping, images, spectral ops and control flow."""

from cases_session13_grads import D, F, spec

# -- softmax and cross entropies -----------------------------------------------------------------


@spec("nn/softmax", second=True)
def _softmax(tf, inputs):
    x = inputs.x((3, 4))
    return [tf.nn.softmax(x), tf.nn.log_softmax(x), tf.nn.softmax(x, axis=0),
            tf.nn.log_softmax(x, axis=-2)]


@spec("nn/softmax_xent", second=True)
def _softmax_xent(tf, inputs):
    logits = inputs.x((3, 4))
    labels = inputs.x((3, 4), 0.0, 1.0)
    return [tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits),
            tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits, axis=0)]


@spec("nn/softmax_xent_v1", second=True)
def _softmax_xent_v1(tf, inputs):
    logits = inputs.x((3, 4))
    labels = inputs.x((3, 4), 0.0, 1.0)
    return tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)


def _sparse_xent(tf, inputs):
    logits = inputs.x((3, 4))
    return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[1, 0, 3], logits=logits)


spec("nn/sparse_softmax_xent")(_sparse_xent)
spec("nn/sparse_softmax_xent_second", second=True)(_sparse_xent)


@spec("nn/sigmoid_xent", second=True)
def _sigmoid_xent(tf, inputs):
    logits = inputs.x((3, 4))
    labels = inputs.x((3, 4), 0.0, 1.0)
    return [tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits),
            tf.nn.weighted_cross_entropy_with_logits(labels, logits, 2.0)]


@spec("nn/losses")
def _losses(tf, inputs):
    pred = inputs.x((4, 3), 0.1, 0.9)
    label = inputs.x((4, 3), 0.0, 1.0)
    weights = tf.constant([[1.0], [0.0], [2.0], [0.5]], pred.dtype)
    return [tf.losses.mean_squared_error(label, pred, weights),
            tf.losses.absolute_difference(label, pred),
            tf.losses.huber_loss(label, pred * 3.0, delta=0.5),
            tf.losses.log_loss(label, pred),
            tf.losses.hinge_loss(tf.round(label), pred),
            tf.losses.cosine_distance(tf.nn.l2_normalize(label, 1), pred, axis=1),
            tf.losses.sigmoid_cross_entropy(tf.round(label), pred, label_smoothing=0.1),
            tf.losses.softmax_cross_entropy(label, pred, label_smoothing=0.2),
            tf.losses.sparse_softmax_cross_entropy([0, 2, 1, 1], pred)]


# -- bias, convolution and pooling ----------------------------------------------------------------


@spec("nn/bias_add", F, second=True)
def _bias_add(tf, inputs):
    x = inputs.x((2, 3, 4))
    b = inputs.x((4,))
    bc = inputs.x((3,))
    nchw = inputs.x((2, 3, 2, 2))
    return [tf.nn.bias_add(x, b), tf.nn.bias_add(nchw, bc, data_format="NCHW")]


@spec("nn/conv2d", F, second=True)
def _conv2d(tf, inputs):
    x = inputs.x((2, 5, 6, 3))
    w = inputs.x((3, 2, 3, 4))
    return [tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME"), tf.nn.conv2d(x, w, [1, 2, 2, 1], "VALID"),
            tf.nn.conv2d(x, w, [1, 2, 1, 1], "SAME")]


@spec("nn/conv2d_transpose", F, second=True)
def _conv2d_transpose(tf, inputs):
    x = inputs.x((2, 3, 3, 4))
    w = inputs.x((3, 3, 2, 4))
    return [tf.nn.conv2d_transpose(x, w, [2, 6, 6, 2], [1, 2, 2, 1], "SAME"),
            tf.nn.conv2d_transpose(x, w, [2, 7, 7, 2], [1, 2, 2, 1], "VALID")]


@spec("nn/conv1d_depthwise_separable", F)
def _conv_other(tf, inputs):
    x = inputs.x((2, 5, 5, 2))
    dw = inputs.x((3, 3, 2, 2))
    pw = inputs.x((1, 1, 4, 3))
    seq = inputs.x((2, 7, 3))
    k1 = inputs.x((3, 3, 2))
    return [tf.nn.depthwise_conv2d(x, dw, [1, 1, 1, 1], "SAME"),
            tf.nn.depthwise_conv2d(x, dw, [1, 2, 2, 1], "VALID"),
            tf.nn.separable_conv2d(x, dw, pw, [1, 1, 1, 1], "SAME"),
            tf.nn.conv1d(seq, k1, 2, "SAME")]


@spec("nn/conv3d", F)
def _conv3d(tf, inputs):
    x = inputs.x((1, 4, 4, 3, 2))
    w = inputs.x((2, 2, 2, 2, 3))
    return [tf.nn.conv3d(x, w, [1, 1, 1, 1, 1], "SAME"),
            tf.nn.conv3d(x, w, [1, 2, 2, 1, 1], "VALID")]


@spec("nn/pools", F, second=True)
def _pools(tf, inputs):
    x = inputs.x((2, 5, 6, 3))
    return [tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID"),
            tf.nn.max_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME"),
            tf.nn.avg_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID"),
            tf.nn.avg_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME")]


@spec("nn/max_pool_ties", F, second=True)
def _max_pool_ties(tf, inputs):
    x = inputs.x([[[[1.0], [1.0], [0.0]], [[1.0], [1.0], [2.0]], [[2.0], [2.0], [2.0]]]])
    return [tf.nn.max_pool(x, [1, 2, 2, 1], [1, 1, 1, 1], "VALID"),
            tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")]


@spec("nn/max_pool_with_argmax", F)
def _max_pool_argmax(tf, inputs):
    x = inputs.x((2, 4, 4, 2))
    ties = inputs.x([[[[1.0], [1.0]], [[1.0], [0.0]]]])
    return [tf.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")[0],
            tf.nn.max_pool_with_argmax(ties, [1, 2, 2, 1], [1, 1, 1, 1], "VALID")[0]]


@spec("nn/pool3d", ("float32",))
def _pool3d(tf, inputs):
    x = inputs.x((1, 4, 4, 4, 2))
    return [tf.nn.max_pool3d(x, [1, 2, 2, 2, 1], [1, 2, 2, 2, 1], "VALID"),
            tf.nn.avg_pool3d(x, [1, 2, 2, 2, 1], [1, 1, 2, 2, 1], "SAME")]


@spec("nn/pool_nchw_1d", F)
def _pool_1d(tf, inputs):
    x = inputs.x((2, 7, 3))
    return [tf.nn.pool(x, [2], "MAX", "SAME", strides=[2]),
            tf.nn.pool(x, [3], "AVG", "VALID", strides=[1])]


# -- normalization --------------------------------------------------------------------------------


@spec("nn/fused_batch_norm_training", ("float32",), second=True)
def _fused_bn(tf, inputs):
    x = inputs.x((2, 3, 3, 4))
    scale = inputs.x((4,), 0.5, 2)
    offset = inputs.x((4,))
    y, mean, var = tf.nn.fused_batch_norm(x, scale, offset, is_training=True)
    return [y, mean, var]


@spec("nn/fused_batch_norm_inference", ("float32",), second=True)
def _fused_bn_inference(tf, inputs):
    x = inputs.x((2, 3, 3, 4))
    scale = inputs.x((4,), 0.5, 2)
    offset = inputs.x((4,))
    mean = inputs.x((4,))
    variance = inputs.x((4,), 0.5, 2)
    y, _, _ = tf.nn.fused_batch_norm(x, scale, offset, mean, variance, is_training=False)
    return y


@spec("nn/fused_batch_norm_nchw", ("float32",))
def _fused_bn_nchw(tf, inputs):
    x = inputs.x((2, 4, 3, 3))
    scale = inputs.x((4,), 0.5, 2)
    offset = inputs.x((4,))
    y, _, _ = tf.nn.fused_batch_norm(x, scale, offset, data_format="NCHW")
    return y


@spec("nn/batch_normalization_moments", F, second=True)
def _batch_normalization(tf, inputs):
    x = inputs.x((4, 3))
    scale = inputs.x((3,), 0.5, 2)
    offset = inputs.x((3,))
    mean, variance = tf.nn.moments(x, axes=[0])
    return [tf.nn.batch_normalization(x, mean, variance, offset, scale, 1e-3), mean, variance]


@spec("nn/lrn", ("float32",))
def _lrn(tf, inputs):
    x = inputs.x((1, 2, 2, 5))
    return tf.nn.local_response_normalization(x, depth_radius=2, bias=1.0, alpha=0.5, beta=0.75)


@spec("nn/l2_normalize_zero_row")
def _l2_normalize_zero(tf, inputs):
    x = inputs.x([[0.0, 0.0, 0.0], [1.0, 2.0, 2.0]])
    return tf.nn.l2_normalize(x, axis=1)


# -- clipping ------------------------------------------------------------------------------------


@spec("clip/by_norm_global_norm", second=True)
def _clip_norms(tf, inputs):
    a = inputs.x((2, 3))
    b = inputs.x((4,))
    small = inputs.x((3,), -0.1, 0.1)
    clipped, norm = tf.clip_by_global_norm([a, b], 1.5)
    return [tf.clip_by_norm(a, 1.0), tf.clip_by_norm(small, 1.0), clipped[0], clipped[1], norm,
            tf.clip_by_norm(a, 1.0, axes=[1])]


@spec("clip/by_average_norm", F)
def _clip_average(tf, inputs):
    a = inputs.x((2, 3))
    return [tf.clip_by_average_norm(a, 0.5), tf.clip_by_average_norm(a * 0.01, 0.5)]


# -- images --------------------------------------------------------------------------------------


@spec("image/resize", ("float32",))
def _resize(tf, inputs):
    x = inputs.x((1, 3, 4, 2))
    method = tf.image.ResizeMethod
    return [tf.image.resize_bilinear(x, [5, 7]),
            tf.image.resize_bilinear(x, [5, 7], align_corners=True),
            tf.image.resize_bilinear(x, [2, 3], half_pixel_centers=True),
            tf.image.resize_nearest_neighbor(x, [5, 7]),
            tf.image.resize_nearest_neighbor(x, [2, 3], align_corners=True),
            tf.image.resize_images(x, [6, 8], method=method.NEAREST_NEIGHBOR),
            tf.image.resize_bicubic(x, [5, 7])]


@spec("image/resize_float64", D)
def _resize64(tf, inputs):
    x = inputs.x((1, 3, 4, 2))
    return [tf.image.resize_bilinear(x, [5, 7]), tf.image.resize_nearest_neighbor(x, [6, 8])]


@spec("image/crop_and_resize", ("float32",))
def _crop_and_resize(tf, inputs):
    x = inputs.x((2, 5, 5, 2))
    boxes = inputs.x([[0.1, 0.1, 0.8, 0.7], [0.0, 0.2, 1.0, 0.9]], dtype="float32")
    return tf.image.crop_and_resize(x, boxes, [1, 0], [3, 3])


@spec("image/layout")
def _image_layout(tf, inputs):
    x = inputs.x((1, 4, 4, 2))
    return [tf.space_to_depth(x, 2), tf.depth_to_space(tf.space_to_depth(x, 2), 2),
            tf.space_to_batch_nd(x, [2, 2], [[0, 0], [0, 0]]),
            tf.batch_to_space_nd(tf.tile(x, [4, 1, 1, 1]), [2, 2], [[0, 0], [1, 1]]),
            tf.image.flip_left_right(x), tf.image.rot90(x)]


@spec("image/extract_patches_dilation", ("float32",))
def _patches(tf, inputs):
    x = inputs.x((1, 5, 5, 2))
    f = inputs.x((2, 2, 2), -0.5, 0.5)
    return [tf.extract_image_patches(x, [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1], "VALID"),
            tf.nn.dilation2d(x, f, [1, 1, 1, 1], [1, 1, 1, 1], "SAME")]


@spec("image/ops", ("float32",))
def _image_ops(tf, inputs):
    x = inputs.x((1, 3, 3, 3), 0.0, 1.0)
    return [tf.image.per_image_standardization(x[0]), tf.image.adjust_brightness(x, 0.2),
            tf.image.rgb_to_grayscale(x),
            tf.image.total_variation(x)]


# -- losses with structure: ctc -------------------------------------------------------------------


@spec("nn/ctc_loss", ("float32",))
def _ctc(tf, inputs):
    logits = inputs.x((5, 2, 4))
    labels = tf.SparseTensor([[0, 0], [0, 1], [1, 0]], tf.constant([1, 2, 1], tf.int32), [2, 2])
    return tf.nn.ctc_loss(labels, logits, [5, 4])


# -- spectral ------------------------------------------------------------------------------------


@spec("fft/complex", ("complex128",))
def _fft(tf, inputs):
    x = inputs.x((2, 4))
    y = inputs.x((2, 2, 4))
    return [tf.fft(x), tf.ifft(x), tf.fft2d(y), tf.ifft2d(y)]


@spec("fft/real", ("float32",))
def _rfft(tf, inputs):
    x = inputs.x((2, 6))
    y = inputs.x((2, 4, 4))
    return [tf.spectral.rfft(x), tf.spectral.rfft2d(y),
            tf.spectral.irfft(tf.complex(x, x[:, ::-1])[:, :4])]


# -- quantization and debugging -------------------------------------------------------------------


@spec("quant/fake_quant", ("float32",))
def _fake_quant(tf, inputs):
    x = inputs.x([-3.0, -1.0, 0.0, 0.3, 2.0, 6.5])
    low = inputs.x(-1.5)
    high = inputs.x(2.5)
    return [tf.quantization.fake_quant_with_min_max_args(x, -1.0, 2.0),
            tf.quantization.fake_quant_with_min_max_vars(x, low, high),
            tf.quantization.fake_quant_with_min_max_vars_per_channel(
                tf.reshape(x, [3, 2]), tf.stack([low, low]), tf.stack([high, high * 2.0])),
            tf.quantization.quantize_and_dequantize(x, -1.0, 2.0, range_given=True)]


@spec("debug/print_identity", ("float32",))
def _print(tf, inputs):
    x = inputs.x((2, 3))
    return [tf.Print(x, [], message=""), tf.debugging.check_numerics(x * 2.0, "x")]


# -- control flow --------------------------------------------------------------------------------


def _cond(tf, inputs):
    x = inputs.x((2, 3))
    y = inputs.x((3,))
    return [tf.cond(tf.constant(True), lambda: tf.sin(x) * y, lambda: x),
            tf.cond(tf.constant(False), lambda: x * 2.0, lambda: tf.exp(y) + x)]


spec("control/cond", F)(_cond)
spec("control/cond_second", F, second=True)(_cond)


def _while(tf, inputs):
    x = inputs.x((3,))
    w = inputs.x((3,), 0.5, 1.0)
    _, out = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, tf.tanh(v * w)), (0, x))
    return out


spec("control/while_loop", F)(_while)
spec("control/while_loop_second", F, second=True)(_while)


@spec("control/map_fn_scan", F)
def _map_fn(tf, inputs):
    x = inputs.x((3, 2))
    return [tf.map_fn(lambda row: row * row, x), tf.scan(lambda a, b: a * b, x),
            tf.foldl(lambda a, b: a + tf.sin(b), x)]


@spec("fft/three_d", ("complex128",))
def _fft3d(tf, inputs):
    x = inputs.x((2, 2, 3, 4))
    return [tf.fft3d(x), tf.ifft3d(x)]


@spec("fft/real_inverse", ("float32",))
def _irfft(tf, inputs):
    x = inputs.x((2, 3, 4, 4))
    z = tf.complex(x[0], x[1])
    return tf.spectral.irfft2d(z[:, :, :3])


@spec("fft/real_three_d", ("float32",))
def _rfft3d(tf, inputs):
    x = inputs.x((2, 3, 4, 4))
    z = tf.complex(x[0], x[1])
    return [tf.spectral.rfft3d(x), tf.spectral.irfft3d(z[:, :, :3])]


# -- functions and dropout -------------------------------------------------------------------------


def _functions(tf, inputs):
    x = inputs.x((2, 3))
    w = inputs.x((3,))
    f = tf.function(lambda a, b: tf.tanh(a) * b)
    return f(x, w)


spec("function/tf_function", F)(_functions)
spec("function/tf_function_second", F, second=True)(_functions)


@spec("nn/dropout_seeded", ("float32",))
def _dropout(tf, inputs):
    x = inputs.x((4, 5))
    return [tf.nn.dropout(x, keep_prob=0.5, seed=7), tf.nn.dropout(x, rate=0.3, seed=3),
            tf.nn.dropout(x, keep_prob=1.0)]


# -- more of what TF1 programs differentiate -------------------------------------------------------


@spec("wide/activations_composites", F, second=True)
def _activation_composites(tf, inputs):
    x = inputs.x((2, 5))
    return [tf.nn.crelu(x), tf.log_sigmoid(x), tf.nn.swish(x), tf.nn.softmax(x * 3.0),
            tf.nn.log_poisson_loss(tf.abs(x), x), tf.nn.log_poisson_loss(tf.abs(x), x, True)]


@spec("wide/moments", F, second=True)
def _moments(tf, inputs):
    x = inputs.x((3, 4, 2))
    w = inputs.x((3, 4, 1), 0.5, 2.0)
    mean, var = tf.nn.moments(x, axes=[0, 1], keep_dims=True)
    wmean, wvar = tf.nn.weighted_moments(x, [0, 1], w)
    return [mean, var, wmean, wvar]


@spec("wide/embedding_lookup", F)
def _embedding(tf, inputs):
    table = inputs.x((5, 3))
    other = inputs.x((4, 3))
    ids = tf.constant([[0, 4], [2, 4]])
    sparse_ids = tf.SparseTensor([[0, 0], [0, 1], [1, 0]], tf.constant([1, 3, 3], tf.int64),
                                 [2, 2])
    return [tf.nn.embedding_lookup(table, ids),
            tf.nn.embedding_lookup([table, other], [0, 7, 3, 8], partition_strategy="mod"),
            tf.nn.embedding_lookup([table, other], [0, 7, 3, 8], partition_strategy="div"),
            tf.nn.embedding_lookup_sparse(table, sparse_ids, None, combiner="mean"),
            tf.nn.embedding_lookup(table, ids, max_norm=1.0)]


@spec("wide/atrous_transpose_3d", ("float32",))
def _atrous(tf, inputs):
    x = inputs.x((1, 6, 6, 2))
    w = inputs.x((3, 3, 2, 2))
    v = inputs.x((1, 2, 3, 3, 2))
    wv = inputs.x((2, 2, 2, 3, 2))
    return [tf.nn.atrous_conv2d(x, w, 2, "SAME"),
            tf.nn.convolution(x, w, "VALID", dilation_rate=[2, 2]),
            tf.nn.conv3d_transpose(v, wv, [1, 4, 6, 6, 3], [1, 2, 2, 2, 1], "SAME")]


def _rnn(tf, inputs, cell_name):
    x = inputs.x((2, 4, 3))
    initializer = tf.constant_initializer(0.3)
    with tf.variable_scope(cell_name, initializer=initializer):
        if cell_name == "lstm":
            cell = tf.nn.rnn_cell.LSTMCell(5)
        elif cell_name == "gru":
            cell = tf.nn.rnn_cell.GRUCell(5)
        else:
            cell = tf.nn.rnn_cell.BasicRNNCell(5)
        outputs, _ = tf.nn.dynamic_rnn(cell, x, sequence_length=[4, 2], dtype=x.dtype)
    inputs.xs.extend(tf.trainable_variables())  # the weights' gradients too
    return outputs


for _cell in ("lstm", "gru", "basic"):
    spec(f"wide/dynamic_rnn_{_cell}", F)(
        lambda tf, inputs, _cell=_cell: _rnn(tf, inputs, _cell))


@spec("wide/static_rnn_lstm", F)
def _static_rnn(tf, inputs):
    x = inputs.x((2, 3, 3))
    with tf.variable_scope("static", initializer=tf.constant_initializer(-0.2)):
        cell = tf.nn.rnn_cell.BasicLSTMCell(4)
        outputs, state = tf.nn.static_rnn(cell, tf.unstack(x, axis=1), dtype=x.dtype)
    inputs.xs.extend(tf.trainable_variables())
    return [outputs[-1], state.c]
