"""Oracle cases for tf.layers (issue 12): variable names and shapes, outputs and gradients
with fixed weights, batch normalization in training and inference with its UPDATE_OPS.

Same rules as cases.py: each build is a function of ``tf`` and ``np`` only. Weights come
from ``tf.constant_initializer`` with fixed arrays, so both libraries compute from the same
numbers; names and shapes are compared as string and integer tensors.
"""

from cases import Case


def _ramp(np, shape, scale=1.0, dtype="float64"):
    """Deterministic, sign-varying values of ``shape`` (no random streams are compared).
    Float64 by default: float32 sums in a different order differ in the last bits."""
    count = int(np.prod(shape))
    return (np.sin(np.arange(count) * 0.7 + 0.3) * scale).reshape(shape).astype(dtype)


def _init(tf, np, shape, scale=0.5):
    return tf.constant_initializer(_ramp(np, shape, scale))


def _names_and_shapes(tf, np):
    """Every global variable's name, and its shape padded with -1 to rank 5."""
    variables = tf.global_variables()
    names = tf.constant([v.name for v in variables])
    shapes = [v.shape.as_list() + [-1] * (5 - len(v.shape.as_list())) for v in variables]
    return names, tf.constant(np.array(shapes, dtype="int32"))


def _with_names(tf, np, fetches):
    names, shapes = _names_and_shapes(tf, np)
    fetches.update({"variable_names": names, "variable_shapes": shapes})
    return fetches


def _layer_case(name, make, input_shape, grads=True, rtol=1e-6, dtype="float64"):
    """``make(tf, np, x)`` builds the layer(s) on a fixed input; fetch output, gradients
    of the summed output with respect to the input and every variable, names and shapes."""

    def build(tf, np):
        x = tf.constant(_ramp(np, input_shape, dtype=dtype))
        y = make(tf, np, x)
        fetches = {"y": y}
        if grads:
            variables = tf.trainable_variables()
            for index, grad in enumerate(tf.gradients(tf.reduce_sum(y * y), [x, *variables])):
                fetches[f"grad{index}"] = grad
        return _with_names(tf, np, fetches)

    return Case(f"layers/{name}", build, init=True, rtol=rtol)


def _separable2d(tf, np, x):
    return tf.layers.separable_conv2d(
        x, 4, 3, strides=2, padding="same", depth_multiplier=2,
        depthwise_initializer=_init(tf, np, [3, 3, 3, 2]),
        pointwise_initializer=_init(tf, np, [1, 1, 6, 4]),
        bias_initializer=tf.constant_initializer(0.1), activation=tf.nn.relu)


def _separable2d_class(tf, np, x):
    layer = tf.layers.SeparableConv2D(2, [2, 3], padding="valid", name="sep",
                                      depthwise_initializer=_init(tf, np, [2, 3, 3, 1]),
                                      pointwise_initializer=_init(tf, np, [1, 1, 3, 2]))
    return layer(x) + layer(x * 2.0)


def _separable1d(tf, np, x):
    return tf.layers.separable_conv1d(x, 3, 3, depth_multiplier=2,
                                      depthwise_initializer=_init(tf, np, [3, 2, 2]),
                                      pointwise_initializer=_init(tf, np, [1, 4, 3]))


def _conv3d(tf, np, x):
    return tf.layers.conv3d(x, 3, [2, 3, 2], strides=[1, 2, 1], padding="same",
                            kernel_initializer=_init(tf, np, [2, 3, 2, 2, 3]),
                            bias_initializer=tf.constant_initializer(-0.2),
                            activation=tf.nn.tanh)


def _conv3d_valid(tf, np, x):
    return tf.layers.Conv3D(2, 2, kernel_initializer=_init(tf, np, [2, 2, 2, 2, 2]),
                            name="volume")(x)


def _conv3d_transpose(tf, np, x):
    return tf.layers.conv3d_transpose(x, 3, 3, strides=2, padding="same",
                                      kernel_initializer=_init(tf, np, [3, 3, 3, 3, 2]))


def _conv3d_transpose_valid(tf, np, x):
    return tf.layers.conv3d_transpose(x, 2, [2, 3, 2], strides=[2, 1, 2], padding="valid",
                                      kernel_initializer=_init(tf, np, [2, 3, 2, 2, 2]),
                                      bias_initializer=tf.constant_initializer(0.3))


def _pools3d(tf, np, x):
    return tf.concat([tf.layers.max_pooling3d(x, 2, 2, padding="same"),
                      tf.layers.average_pooling3d(x, 2, 2, padding="same"),
                      tf.layers.MaxPooling3D([2, 1, 2], [2, 1, 2], padding="same")(x)[:, :, :2],
                      ], axis=-1)


def _pools3d_valid(tf, np, x):
    return tf.layers.average_pooling3d(x, [2, 2, 3], [1, 2, 1])


def _conv_stack(tf, np, x):
    net = tf.layers.conv2d(x, 4, 3, padding="same", activation=tf.nn.relu,
                           kernel_initializer=_init(tf, np, [3, 3, 3, 4]))
    net = tf.layers.max_pooling2d(net, 2, 2)
    net = tf.layers.conv2d_transpose(net, 2, 3, strides=2, padding="same",
                                     kernel_initializer=_init(tf, np, [3, 3, 2, 4]))
    net = tf.layers.average_pooling2d(net, 3, 1, padding="same")
    net = tf.layers.flatten(net)
    return tf.layers.dense(net, 5, kernel_initializer=_init(tf, np, [8 * 8 * 2, 5], 0.1))


def _conv1d_stack(tf, np, x):
    net = tf.layers.conv1d(x, 3, 2, kernel_initializer=_init(tf, np, [2, 2, 3]))
    net = tf.layers.max_pooling1d(net, 2, 1)
    return tf.layers.average_pooling1d(net, 2, 2, padding="same")


def _batch_norm(training, momentum=0.9):
    def build(tf, np):
        x = tf.constant(_ramp(np, [6, 4], 3.0) + 1.0)
        y = tf.layers.batch_normalization(
            x, training=training, momentum=momentum,
            gamma_initializer=tf.constant_initializer(_ramp(np, [4]) + 1.5),
            beta_initializer=tf.constant_initializer(0.25),
            moving_mean_initializer=tf.constant_initializer(0.5),
            moving_variance_initializer=tf.constant_initializer(2.0))
        updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        variables = {v.op.name.split("/")[-1]: v for v in tf.global_variables()}
        fetches = {"y": y, "update_count": tf.constant(len(updates)),
                   "dx": tf.gradients(tf.reduce_sum(y * x), x)[0]}
        names, shapes = _names_and_shapes(tf, np)
        fetches.update({"variable_names": names, "variable_shapes": shapes})
        # The update ops run once (setup), then the moving statistics are read.
        fetches.update({key: tf.identity(v) for key, v in variables.items()
                        if key.startswith("moving")})
        return fetches, {}, updates

    return build


def _batch_norm_4d(tf, np):
    x = tf.constant(_ramp(np, [2, 3, 3, 2], 2.0))
    training = tf.placeholder_with_default(True, [])
    y = tf.layers.batch_normalization(x, training=training, axis=-1, center=False,
                                      scale=True, epsilon=0.01)
    names, shapes = _names_and_shapes(tf, np)
    return {"y": y, "variable_names": names, "variable_shapes": shapes,
            "update_count": tf.constant(len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)))}


def _dense_regularized(tf, np):
    x = tf.constant(_ramp(np, [3, 4]))
    y = tf.layers.dense(x, 2, kernel_initializer=_init(tf, np, [4, 2]),
                        kernel_regularizer=lambda w: 0.5 * tf.reduce_sum(w * w),
                        name="head")
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    return _with_names(tf, np, {"y": y, "losses": tf.add_n(losses),
                                "loss_count": tf.constant(len(losses))})


def _default_names(tf, np):
    # Unnamed layers take TF1's default names, numbered per scope.
    x = tf.constant(_ramp(np, [2, 4, 4, 4, 2]))
    tf.layers.conv3d(x, 1, 1)
    tf.layers.conv3d(x, 1, 1)
    tf.layers.separable_conv2d(x[:, 0], 1, 1)
    with tf.variable_scope("block"):
        tf.layers.separable_conv2d(x[:, 0], 1, 1, use_bias=False)
        tf.layers.conv3d_transpose(x, 1, 1)
    names, shapes = _names_and_shapes(tf, np)
    return {"variable_names": names, "variable_shapes": shapes}


LAYER_CASES = [
    _layer_case("separable_conv2d", _separable2d, [2, 5, 5, 3]),
    _layer_case("separable_conv2d_class_called_twice", _separable2d_class, [1, 4, 5, 3]),
    _layer_case("separable_conv1d", _separable1d, [2, 7, 2]),
    _layer_case("conv3d_same_strided", _conv3d, [2, 3, 5, 4, 2]),
    _layer_case("conv3d_valid_class", _conv3d_valid, [1, 3, 3, 4, 2]),
    _layer_case("conv3d_transpose_same", _conv3d_transpose, [2, 2, 3, 2, 2]),
    _layer_case("conv3d_transpose_valid", _conv3d_transpose_valid, [1, 2, 2, 3, 2]),
    # TensorFlow's 3-D pools take half and float32 only.
    _layer_case("pooling3d_same", _pools3d, [2, 3, 4, 5, 2], rtol=1e-5, dtype="float32"),
    _layer_case("pooling3d_valid", _pools3d_valid, [1, 3, 5, 4, 2], rtol=1e-5,
                dtype="float32"),
    _layer_case("conv2d_pool_transpose_dense", _conv_stack, [2, 8, 8, 3]),
    _layer_case("conv1d_pool1d", _conv1d_stack, [2, 6, 2]),
    Case("layers/batch_normalization_training", _batch_norm(True), init=True),
    Case("layers/batch_normalization_inference", _batch_norm(False), init=True),
    Case("layers/batch_normalization_momentum", _batch_norm(True, 0.5), init=True),
    Case("layers/batch_normalization_4d_tensor_training", _batch_norm_4d, init=True,
         rtol=1e-5),
    Case("layers/dense_regularizer", _dense_regularized, init=True),
    Case("layers/default_names", _default_names),
]
