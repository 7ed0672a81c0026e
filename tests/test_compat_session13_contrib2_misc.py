"""Session 13 (helper contrib2): what the TFGAN examples needed besides ``tf.contrib.gan``:
``tf.contrib.layers.linear`` and a LoggingTensorHook given a list of Tensors."""

import logging

import numpy as np

import smallflow as tf


def test_logging_tensor_hook_tags_tensors_by_themselves(caplog):
    # TensorFlow 2.21's compat.v1 logs exactly this line for the same hook.
    x = tf.constant(3.5, name="x")
    status = tf.string_join(["a", "b"], name="status")
    hook = tf.train.LoggingTensorHook([status, x, "x"], every_n_iter=1)
    step = tf.train.get_or_create_global_step()
    with caplog.at_level(logging.INFO, logger="smallflow"):
        with tf.train.MonitoredSession(hooks=[hook]) as sess:
            sess.run(step)
    assert ("Tensor(\"status:0\", shape=(), dtype=string) = b'ab', "
            "Tensor(\"x:0\", shape=(), dtype=float32) = 3.5, x = 3.5") in caplog.messages


def test_contrib_layers_linear_is_fully_connected_without_activation():
    x = tf.constant([[-1.0, 2.0]])
    init = tf.constant_initializer([[1.0], [-1.0]])
    with tf.contrib.framework.arg_scope([tf.contrib.layers.fully_connected],
                                        weights_initializer=init):
        out = tf.contrib.layers.linear(x, 1)
        relu = tf.contrib.layers.linear(x, 1, activation_fn=tf.nn.relu, scope="relu")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, got_relu = sess.run([out, relu])
    np.testing.assert_allclose(got, [[-3.0]])
    np.testing.assert_allclose(got_relu, [[0.0]])
    assert [v.op.name for v in tf.trainable_variables()][:2] == [
        "fully_connected/weights", "fully_connected/biases"]
