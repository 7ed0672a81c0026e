"""Specification of tf.layers: TF1 variable and op names, shapes, defaults and arithmetic."""

import numpy as np
import pytest

import smallflow as tf
from smallflow import layers

RNG = np.random.default_rng(99)


def _variable_names():
    return [v.name for v in tf.global_variables()]


def _op_names():
    return {op.name for op in tf.get_default_graph().get_operations()}


def test_layers_is_the_tf_layers_namespace():
    assert tf.layers is layers
    assert set(layers.__all__) >= {"dense", "conv2d", "max_pooling2d", "dropout", "flatten"}


def test_dense_layers_are_named_like_tensorflow():
    x = tf.placeholder(tf.float32, [None, 784])
    hidden = layers.dense(x, 100, activation=tf.nn.relu)
    logits = layers.dense(hidden, 10)
    named = layers.dense(logits, 2, name="head", use_bias=False)

    assert _variable_names() == ["dense/kernel:0", "dense/bias:0", "dense_1/kernel:0",
                                 "dense_1/bias:0", "head/kernel:0"]
    assert {"dense/MatMul", "dense/BiasAdd", "dense/Relu", "dense_1/MatMul"} <= _op_names()
    assert hidden.name == "dense/Relu:0"
    assert [t.shape.as_list() for t in (hidden, logits, named)] == [[None, 100], [None, 10],
                                                                     [None, 2]]
    assert [v.name for v in tf.trainable_variables()] == _variable_names()


def test_dense_computes_activation_of_x_w_plus_b():
    x_value = RNG.standard_normal((4, 3)).astype(np.float32)
    y = layers.dense(tf.constant(x_value), 5, activation=tf.tanh,
                     bias_initializer=tf.constant_initializer(0.5))
    kernel, bias = tf.global_variables()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        y_value, w, b = sess.run([y, kernel, bias])
    np.testing.assert_allclose(y_value, np.tanh(x_value @ w + b), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(b, np.full(5, 0.5, dtype=np.float32))


def test_dense_kernel_defaults_to_glorot_uniform_and_bias_to_zeros():
    layers.dense(tf.placeholder(tf.float32, [None, 300]), 200)
    kernel, bias = tf.global_variables()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w, b = sess.run([kernel, bias])
    limit = np.sqrt(6.0 / (300 + 200))
    assert np.abs(w).max() <= limit
    assert w.std() == pytest.approx(limit / np.sqrt(3), rel=0.05)
    np.testing.assert_array_equal(b, np.zeros(200, dtype=np.float32))


def test_dense_applies_to_the_last_axis_of_higher_rank_inputs():
    x_value = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 3, 4])
    y = layers.dense(x, 6, kernel_initializer=tf.ones_initializer())
    assert y.shape.as_list() == [None, 3, 6]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        value = sess.run(y, {x: x_value})
    np.testing.assert_allclose(value, np.repeat(x_value.sum(-1, keepdims=True), 6, -1),
                               rtol=1e-5)


def test_conv2d_and_pooling_layers_build_the_tutorial_network_shapes():
    images = tf.placeholder(tf.float32, [None, 28, 28, 1])
    conv1 = layers.conv2d(images, 32, 5, padding="same", activation=tf.nn.relu)
    pool1 = layers.max_pooling2d(conv1, pool_size=[2, 2], strides=2)
    conv2 = layers.conv2d(pool1, 64, [5, 5], padding="SAME", activation=tf.nn.relu)
    pool2 = layers.average_pooling2d(conv2, 2, 2)
    flat = layers.flatten(pool2)

    assert [t.shape.as_list() for t in (conv1, pool1, conv2, pool2, flat)] == [
        [None, 28, 28, 32], [None, 14, 14, 32], [None, 14, 14, 64], [None, 7, 7, 64],
        [None, 3136]]
    assert _variable_names() == ["conv2d/kernel:0", "conv2d/bias:0", "conv2d_1/kernel:0",
                                 "conv2d_1/bias:0"]
    assert tf.global_variables()[2].shape.as_list() == [5, 5, 32, 64]
    assert {"conv2d/Conv2D", "conv2d/BiasAdd", "conv2d/Relu", "max_pooling2d/MaxPool",
            "average_pooling2d/AvgPool"} <= _op_names()


def test_conv2d_layer_computes_the_convolution_plus_bias():
    x_value = RNG.standard_normal((2, 6, 6, 3)).astype(np.float32)
    y = layers.conv2d(tf.constant(x_value), 4, (3, 2), strides=(2, 1), padding="valid",
                      bias_initializer=tf.constant_initializer(1.0))
    kernel = tf.global_variables()[0]
    reference = tf.nn.conv2d(x_value, kernel, [1, 2, 1, 1], "VALID") + 1.0
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        value, expected = sess.run([y, reference])
    assert y.shape.as_list() == [2, 2, 5, 4]
    np.testing.assert_allclose(value, expected, rtol=1e-6)


def test_channels_first_layers_match_channels_last():
    x_value = RNG.standard_normal((2, 8, 8, 3)).astype(np.float32)
    last = layers.conv2d(x_value, 4, 3, padding="same",
                         kernel_initializer=tf.constant_initializer(0.1))
    first = layers.conv2d(x_value.transpose(0, 3, 1, 2), 4, 3, padding="same",
                          data_format="channels_first",
                          kernel_initializer=tf.constant_initializer(0.1))
    pooled = layers.max_pooling2d(first, 2, 2, data_format="channels_first")
    flat_last = layers.flatten(layers.max_pooling2d(last, 2, 2))
    flat_first = layers.flatten(pooled, data_format="channels_first")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b, fa, fb = sess.run([last, first, flat_last, flat_first])
    np.testing.assert_allclose(a, b.transpose(0, 2, 3, 1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(fa, fb, rtol=1e-5, atol=1e-6)


def test_flatten_keeps_an_unknown_batch_and_handles_unknown_inner_sizes():
    x = tf.placeholder(tf.float32, [None, None, 3])
    flat = layers.flatten(x)
    assert flat.shape.ndims == 2
    with tf.Session() as sess:
        assert sess.run(flat, {x: np.zeros((2, 5, 3))}).shape == (2, 15)


def test_dropout_layer_is_the_identity_unless_training():
    x = tf.ones([100, 100])
    assert layers.dropout(x, rate=0.5).op.type == "Identity"
    training = tf.placeholder(tf.bool, [])
    switched = layers.dropout(x, rate=0.5, training=training)
    always = layers.dropout(x, rate=0.25, training=True)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(switched, {training: False}), np.ones((100, 100)))
        on = sess.run(switched, {training: True})
        fixed = sess.run(always)
    assert set(np.unique(on)) == {0.0, 2.0}
    assert 0.45 < np.count_nonzero(on) / on.size < 0.55
    assert 0.7 < np.count_nonzero(fixed) / fixed.size < 0.8


def test_reuse_shares_the_variables_of_a_named_layer():
    x = tf.placeholder(tf.float32, [None, 4])
    layers.dense(x, 3, name="shared")
    layers.dense(x, 3, name="shared", reuse=True)
    assert _variable_names() == ["shared/kernel:0", "shared/bias:0"]
    with pytest.raises(ValueError, match="Variable shared/kernel already exists"):
        layers.dense(x, 3, name="shared")


LAYER_ERRORS = [
    (lambda: layers.dense(tf.placeholder(tf.float32, [None, None]), 3), ValueError,
     "The last dimension of the inputs to `Dense` should be defined"),
    (lambda: layers.dense(tf.placeholder(tf.int32, [None, 3]), 3), TypeError,
     "The inputs of dense must be floating point, got int32"),
    (lambda: layers.conv2d(tf.zeros([1, 8, 8, 1]), 2, 3, padding="full"), ValueError,
     'The `padding` argument must be one of "valid", "same". Received: \'full\''),
    (lambda: layers.conv2d(tf.zeros([1, 8, 8, 1]), 2, (3, 3, 3)), ValueError,
     "The `kernel_size` argument must be a tuple of 2 positive integers"),
    (lambda: layers.conv2d(tf.zeros([1, 8, 8]), 2, 3), ValueError,
     "the inputs 4-D. Found shape (1, 8, 8)"),
    (lambda: layers.conv2d(tf.zeros([1, 8, 8, 1]), 2, 3, data_format="NHWC"), ValueError,
     'The `data_format` argument must be one of "channels_last", "channels_first"'),
    (lambda: layers.max_pooling2d(tf.zeros([1, 8, 8, 1]), 0, 2), ValueError,
     "The `pool_size` argument must be a tuple of 2 positive integers. Received: 0"),
    (lambda: layers.max_pooling2d(tf.zeros([1, 2, 2, 1]), 3, 1), ValueError,
     "Negative dimension size caused by subtracting 3 from 2 for 'max_pooling2d/MaxPool'"),
    (lambda: layers.dense(tf.zeros([1, 3]), 2, kernel_constraint=abs), TypeError,
     "arguments smallflow does not support: ['kernel_constraint']"),
    (lambda: layers.dropout(tf.zeros([2]), training=tf.placeholder(tf.float32)), TypeError,
     "training must be a Python bool or a bool tensor, got float32"),
]


@pytest.mark.parametrize(("build", "error", "message"), LAYER_ERRORS)
def test_bad_layer_arguments_are_reported(build, error, message):
    with pytest.raises(error) as caught:
        build()
    assert message in str(caught.value)


def test_a_small_layers_network_trains():
    rng = np.random.default_rng(0)
    x_value = rng.standard_normal((64, 4, 4, 1)).astype(np.float32)
    labels = (x_value.sum(axis=(1, 2, 3)) > 0).astype(np.int64)
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, 4, 4, 1])
    hidden = layers.conv2d(x, 4, 3, padding="same", activation=tf.nn.relu)
    logits = layers.dense(layers.flatten(hidden), 2)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    train = tf.train.AdamOptimizer(0.05).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: x_value})
        for _ in range(60):
            sess.run(train, {x: x_value})
        last = sess.run(loss, {x: x_value})
    assert last < 0.3 * first
