"""Specification of the tf.layers classes, batch normalization and the transposed convolution."""

import numpy as np
import pytest

import smallflow as tf
from smallflow import layers

RNG = np.random.default_rng(7)


def _names(variables):
    return [v.name for v in variables]


def _run(fetches, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed)


def test_a_layer_object_builds_once_and_shares_its_variables_across_calls():
    dense = layers.Dense(3, name="proj")
    a = dense(tf.placeholder(tf.float32, [None, 4]))
    b = dense(tf.placeholder(tf.float32, [None, 4]))
    assert _names(tf.global_variables()) == ["proj/kernel:0", "proj/bias:0"]
    assert _names(dense.trainable_weights) == ["proj/kernel:0", "proj/bias:0"]
    assert dense.name == "proj"
    assert a.op.name.startswith("proj/")
    assert b.op.name.startswith("proj/")
    assert dense.kernel.shape.as_list() == [4, 3]


def test_unnamed_layer_objects_are_numbered_like_functional_layers():
    x = tf.placeholder(tf.float32, [None, 4])
    layers.Dense(2)(x)
    layers.dense(x, 2)
    layers.Conv1D(2, 3)(tf.placeholder(tf.float32, [None, 8, 1]))
    assert _names(tf.global_variables()) == [
        "dense/kernel:0", "dense/bias:0", "dense_1/kernel:0", "dense_1/bias:0",
        "conv1d/kernel:0", "conv1d/bias:0"]


def test_layer_subclass_with_build_call_and_add_weight():
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.factor = self.add_weight("factor", [input_shape[-1].value],
                                          initializer=tf.constant_initializer(3.0))
            super().build(input_shape)

        def call(self, inputs):
            return inputs * self.factor

    layer = Scale()
    y = layer(tf.constant([[1.0, 2.0]]))
    assert _names(layer.weights) == ["scale/factor:0"]
    np.testing.assert_allclose(_run(y), [[3.0, 6.0]])


def test_regularizers_add_to_the_regularization_losses_collection():
    def l2(weights):
        return tf.reduce_sum(tf.square(weights))

    x = tf.ones([1, 2])
    layer = layers.Dense(2, kernel_regularizer=l2, bias_regularizer=l2,
                         kernel_initializer=tf.ones_initializer(),
                         bias_initializer=tf.ones_initializer())
    layer(x)
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert len(losses) == 2
    assert len(layer.losses) == 2
    assert _run(tf.add_n(losses)) == pytest.approx(4.0 + 2.0)


def test_conv2d_transpose_names_shapes_and_is_the_gradient_of_conv2d():
    x_value = RNG.standard_normal((2, 4, 4, 3)).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 4, 4, 3])
    same = layers.conv2d_transpose(x, 5, 3, strides=2, padding="same", use_bias=False)
    valid = layers.conv2d_transpose(x, 2, (3, 3), strides=(2, 2))
    assert _names(tf.global_variables()) == [
        "conv2d_transpose/kernel:0", "conv2d_transpose_1/kernel:0",
        "conv2d_transpose_1/bias:0"]
    kernel = tf.global_variables()[0]
    assert kernel.shape.as_list() == [3, 3, 5, 3]
    assert same.shape.as_list() == [None, 8, 8, 5]
    assert valid.shape.as_list() == [None, 9, 9, 2]
    # conv2d_transpose(x) is the gradient of <conv2d(z, kernel), x> with respect to z.
    z = tf.zeros([2, 8, 8, 5])
    forward = tf.nn.conv2d(z, kernel, [1, 2, 2, 1], "SAME")
    expected = tf.gradients(forward, z, grad_ys=x)[0]
    got, want, valid_value = _run([same, expected, valid], {x: x_value})
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    assert valid_value.shape == (2, 9, 9, 2)


def test_conv1d_and_pooling1d_match_numpy():
    x_value = RNG.standard_normal((2, 7, 3)).astype(np.float32)
    x = tf.constant(x_value)
    y = layers.conv1d(x, 4, 3, use_bias=False)
    pooled = layers.max_pooling1d(x, 2, 2)
    averaged = layers.average_pooling1d(x, 2, 1)
    kernel = tf.global_variables()[0]
    y_value, w, p, a = _run([y, kernel, pooled, averaged])
    assert w.shape == (3, 3, 4)
    want = np.stack([np.einsum("bkc,kcf->bf", x_value[:, i:i + 3], w) for i in range(5)], 1)
    np.testing.assert_allclose(y_value, want, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(p, np.maximum(x_value[:, 0:6:2], x_value[:, 1:7:2]))
    np.testing.assert_allclose(a, (x_value[:, :-1] + x_value[:, 1:]) / 2, rtol=1e-6)


def test_batch_normalization_variables_and_update_ops_are_named_like_tensorflow():
    x = tf.placeholder(tf.float32, [None, 4, 4, 3])
    layers.batch_normalization(x, training=True)
    layers.batch_normalization(x, training=False)
    assert _names(tf.global_variables()) == [
        "batch_normalization/gamma:0", "batch_normalization/beta:0",
        "batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0",
        "batch_normalization_1/gamma:0", "batch_normalization_1/beta:0",
        "batch_normalization_1/moving_mean:0", "batch_normalization_1/moving_variance:0"]
    assert _names(tf.trainable_variables()) == [
        "batch_normalization/gamma:0", "batch_normalization/beta:0",
        "batch_normalization_1/gamma:0", "batch_normalization_1/beta:0"]
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert [op.name for op in updates] == ["batch_normalization/AssignMovingAvg",
                                           "batch_normalization/AssignMovingAvg_1"]


def _numpy_batch_norm(x, mean, variance, epsilon=1e-3):
    return (x - mean) / np.sqrt(variance + epsilon)


@pytest.mark.parametrize("training_as_tensor", [False, True])
def test_batch_normalization_training_uses_batch_statistics_and_moves_the_averages(
        training_as_tensor):
    x_value = (RNG.standard_normal((8, 3)) * 2 + 5).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 3])
    training = tf.placeholder(tf.bool, []) if training_as_tensor else True
    y = layers.batch_normalization(x, training=training, momentum=0.9)
    feed = {x: x_value}
    if training_as_tensor:
        feed[training] = True
    mean_var, variance_var = tf.global_variables()[2:]
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        step = tf.identity(y)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        y_value = sess.run(step, feed)
        moving_mean, moving_variance = sess.run([mean_var, variance_var])
        if training_as_tensor:
            inference = sess.run(step, {x: x_value, training: False})
            assert sess.run(mean_var) == pytest.approx(moving_mean)
            np.testing.assert_allclose(
                inference, _numpy_batch_norm(x_value, moving_mean, moving_variance),
                rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(
        y_value, _numpy_batch_norm(x_value, x_value.mean(0), x_value.var(0)), rtol=1e-4,
        atol=1e-4)
    np.testing.assert_allclose(moving_mean, 0.1 * x_value.mean(0), rtol=1e-5)
    np.testing.assert_allclose(moving_variance, 0.9 + 0.1 * x_value.var(0), rtol=1e-5)


def test_batch_normalization_of_images_moves_the_unbiased_variance_like_the_fused_kernel():
    x_value = RNG.standard_normal((2, 3, 3, 2)).astype(np.float32)
    y = layers.batch_normalization(tf.constant(x_value), training=True, momentum=0.0)
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        step = tf.identity(y)
    moving_variance = tf.global_variables()[3]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step)
        got = sess.run(moving_variance)
    np.testing.assert_allclose(got, x_value.var(axis=(0, 1, 2), ddof=1), rtol=1e-5)


def test_batch_normalization_inference_uses_moving_statistics_and_declares_no_update():
    x_value = RNG.standard_normal((4, 2)).astype(np.float32)
    y = layers.batch_normalization(
        tf.constant(x_value), training=False, epsilon=0.0,
        moving_mean_initializer=tf.constant_initializer(1.0),
        moving_variance_initializer=tf.constant_initializer(4.0),
        gamma_initializer=tf.constant_initializer(3.0),
        beta_initializer=tf.constant_initializer(-1.0))
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []
    np.testing.assert_allclose(_run(y), (x_value - 1.0) / 2.0 * 3.0 - 1.0, rtol=1e-6)


def test_batch_normalization_channels_first_normalises_axis_1():
    x_value = RNG.standard_normal((4, 3, 2, 2)).astype(np.float32)
    layer = layers.BatchNormalization(axis=1)
    y = layer(tf.constant(x_value), training=True)
    assert layer.gamma.shape.as_list() == [3]
    mean = x_value.mean(axis=(0, 2, 3), keepdims=True)
    variance = x_value.var(axis=(0, 2, 3), keepdims=True)
    np.testing.assert_allclose(_run(y), _numpy_batch_norm(x_value, mean, variance),
                               rtol=1e-4, atol=1e-4)
    assert len(layer.updates) == 2


def test_a_batch_norm_network_trains_with_update_ops():
    rng = np.random.default_rng(0)
    x_value = rng.standard_normal((64, 6)).astype(np.float32) * 3 + 2
    labels = (x_value[:, 0] > 2).astype(np.int64)
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, 6])
    training = tf.placeholder_with_default(False, [])
    hidden = layers.dense(x, 8, use_bias=False)
    hidden = tf.nn.relu(layers.batch_normalization(hidden, training=training,
                                                       momentum=0.9))
    logits = layers.dense(hidden, 2)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.AdamOptimizer(0.05).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(100):
            sess.run(train, {x: x_value, training: True})
        final = sess.run(loss, {x: x_value})
    assert final < 0.2


LAYER_ERRORS = [
    (lambda: layers.batch_normalization(tf.placeholder(tf.float32, [None, None])), ValueError,
     "Input has undefined `axis` dimension"),
    (lambda: layers.batch_normalization(tf.zeros([2, 3]), training=tf.placeholder(tf.float32, [])),
     TypeError, "training must be a Python bool or a bool tensor, got float32"),
    (lambda: layers.Dense(3, unknown_argument=1), TypeError,
     "Dense got arguments smallflow does not support: ['unknown_argument']"),
    (lambda: layers.conv2d_transpose(tf.zeros([1, 4, 4]), 2, 3), ValueError,
     "inputs 4-D"),
]


@pytest.mark.parametrize(("build", "error", "message"), LAYER_ERRORS)
def test_bad_layer_arguments_are_reported(build, error, message):
    with pytest.raises(error) as caught:
        build()
    assert message in str(caught.value)
