"""tf.contrib.layers (slim) repeat, stack and conv2d_transpose: scopes and variable names as
TF-Slim's VGG and DCGAN programs rely on, and the transpose against tf.nn's."""

import numpy as np
import pytest

import smallflow as tf

slim = tf.contrib.slim


def test_repeat_and_stack_scopes_as_slim_vgg():
    with tf.Graph().as_default():
        images = tf.placeholder(tf.float32, [None, 8, 8, 3])
        with slim.arg_scope([slim.conv2d], padding="SAME"):
            net = slim.repeat(images, 2, slim.conv2d, 4, [3, 3], scope="conv1")
            net = slim.max_pool2d(net, [2, 2], scope="pool1")
            net = slim.stack(net, slim.conv2d, [(8, [3, 3]), (6, [1, 1])], scope="conv2")
            unnamed = slim.repeat(net, 2, slim.conv2d, 6, [1, 1])
        names = [v.op.name for v in tf.global_variables()]
        assert names[:8] == ["conv1/conv1_1/weights", "conv1/conv1_1/biases",
                             "conv1/conv1_2/weights", "conv1/conv1_2/biases",
                             "conv2/conv2_1/weights", "conv2/conv2_1/biases",
                             "conv2/conv2_2/weights", "conv2/conv2_2/biases"]
        assert names[8].startswith("Repeat/")  # the default scope when none is given
        assert net.shape.as_list() == [None, 4, 4, 6]
        assert unnamed.shape.as_list() == [None, 4, 4, 6]
        with pytest.raises(ValueError, match="stack_args"):
            slim.stack(net, slim.conv2d, 8)


def test_conv2d_transpose_is_tf_nn_conv2d_transpose_with_biases():
    rng = np.random.default_rng(0)
    x_value = rng.normal(size=(2, 5, 5, 3)).astype(np.float32)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 5, 5, 3])
        same = tf.contrib.layers.conv2d_transpose(x, 4, [3, 3], stride=2, activation_fn=None,
                                                  biases_initializer=tf.ones_initializer())
        valid = slim.conv2d_transpose(x, 2, 3, stride=2, padding="VALID", scope="dec")
        assert same.shape.as_list() == [None, 10, 10, 4]
        assert valid.shape.as_list() == [None, 11, 11, 2]
        weights = tf.get_default_graph().get_tensor_by_name("Conv2d_transpose/weights:0")
        assert weights.shape.as_list() == [3, 3, 4, 3]
        reference = tf.nn.conv2d_transpose(x, weights, [2, 10, 10, 4], [1, 2, 2, 1]) + 1.0
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got, want, valid_value = sess.run([same, reference, valid], {x: x_value})
    np.testing.assert_allclose(got, want, rtol=1e-6)
    assert (valid_value >= 0).all()  # ReLU by default
    assert valid_value.shape == (2, 11, 11, 2)
