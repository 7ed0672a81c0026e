"""Variable scope names as TF 1.x gives them, so networks built twice share variables."""

import numpy as np
import pytest

import smallflow as tf


def _discriminator(x, reuse=False):
    with tf.variable_scope("Discriminator", reuse=reuse):
        h = tf.layers.conv2d(x, 4, 3, activation=tf.nn.relu)
        h = tf.layers.conv2d(h, 4, 3)
        return tf.layers.dense(tf.layers.flatten(h), 1)


def test_a_network_rebuilt_with_reuse_finds_its_default_named_layers():
    x = tf.placeholder(tf.float32, [None, 8, 8, 1])
    real = _discriminator(x)
    fake = _discriminator(x * 0.5, reuse=True)
    names = [v.name for v in tf.global_variables()]
    assert names == [
        "Discriminator/conv2d/kernel:0", "Discriminator/conv2d/bias:0",
        "Discriminator/conv2d_1/kernel:0", "Discriminator/conv2d_1/bias:0",
        "Discriminator/dense/kernel:0", "Discriminator/dense/bias:0",
    ]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        image = np.random.default_rng(0).random((2, 8, 8, 1), dtype=np.float32)
        a, b = sess.run([real, fake], {x: image})
    assert a.shape == b.shape == (2, 1)


def test_rebuilding_without_reuse_is_refused_naming_the_variable():
    x = tf.placeholder(tf.float32, [None, 8, 8, 1])
    _discriminator(x)
    with pytest.raises(ValueError, match="Discriminator/conv2d/kernel already exists"):
        _discriminator(x)


@pytest.mark.parametrize(("opened", "expected"), [
    ([None, None, None], ["s", "s_1", "s_2"]),
    (["outer", "outer"], ["outer/s", "outer/s"]),  # re-entering a scope numbers anew
    (["s", None], ["s/s", "s_1"]),
])
def test_default_names_are_numbered_per_enclosing_scope(opened, expected):
    got = []
    for outer in opened:
        if outer is None:
            with tf.variable_scope(None, default_name="s") as scope:
                got.append(scope.name)
        else:
            with tf.variable_scope(outer), tf.variable_scope(None, default_name="s") as scope:
                got.append(scope.name)
    assert got == expected


def test_reentering_a_scope_object_keeps_the_numbering_outside_it():
    with tf.variable_scope("model") as model:
        pass
    with tf.variable_scope(model), tf.variable_scope(None, default_name="layer") as a:
        pass
    with tf.variable_scope(model), tf.variable_scope(None, default_name="layer") as b:
        pass
    assert (a.name, b.name) == ("model/layer", "model/layer")
