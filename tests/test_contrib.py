"""tf.contrib: the provided aliases work; anything else names itself as not provided."""

import math

import numpy as np
import pytest

import smallflow as tf

slim = tf.contrib.slim


def run_after_init(fetches, feed_dict=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed_dict)


@pytest.mark.parametrize("path", ["contrib.foo", "contrib.layers.foo", "contrib.framework.foo",
                                  "contrib.slim.foo", "contrib.learn.foo",
                                  "contrib.learn.datasets.foo"])
def test_missing_contrib_names_say_smallflow_does_not_provide_them(path):
    module = tf
    *parents, last = path.split(".")
    for part in parents:
        module = getattr(module, part)
    with pytest.raises(AttributeError, match=f"smallflow does not provide 'tf.{path}'"):
        getattr(module, last)
    assert not hasattr(module, last)


def test_import_path_works_too():
    from smallflow.contrib import layers

    assert layers.fully_connected is tf.contrib.layers.fully_connected


INITIALIZERS = [
    # (initializer, shape, expected std of the draws)
    (tf.contrib.layers.xavier_initializer(seed=1), [400, 600], math.sqrt(2.0 / 1000)),
    (tf.contrib.layers.xavier_initializer(uniform=False, seed=1), [400, 600],
     None),
    (tf.contrib.layers.variance_scaling_initializer(seed=1), [500, 300], None),
    (tf.contrib.layers.variance_scaling_initializer(factor=1.0, mode="FAN_AVG", uniform=True,
                                                    seed=1), [3, 3, 40, 60],
     math.sqrt(1.0 / (9 * 50))),
]


@pytest.mark.parametrize(("init", "shape", "std"), INITIALIZERS)
def test_initializers_draw_with_contribs_variance(init, shape, std):
    values = run_after_init(init(shape))
    if std is None:
        # Truncated normal with stddev sqrt(1.3 * factor / n): its std is 0.8796 of that.
        fan_in, fan_out = shape[-2], shape[-1]
        factor, n = (1.0, (fan_in + fan_out) / 2) if shape == [400, 600] else (2.0, fan_in)
        limit = 2 * math.sqrt(1.3 * factor / n)
        std = 0.8796 * math.sqrt(1.3 * factor / n)
        assert np.abs(values).max() <= limit + 1e-6
    assert values.shape == tuple(shape)
    assert values.std() == pytest.approx(std, rel=0.03)


def test_fully_connected_names_its_variables_and_applies_relu():
    x = tf.constant([[1.0, -2.0, 3.0]])
    y = tf.contrib.layers.fully_connected(x, 2, weights_initializer=tf.ones_initializer(),
                                          biases_initializer=tf.constant_initializer(-1.0))
    names = [v.op.name for v in tf.model_variables()]
    assert names == ["fully_connected/weights", "fully_connected/biases"]
    assert y.op.name == "fully_connected/Relu"
    assert run_after_init(y).tolist() == [[1.0, 1.0]]


def test_conv2d_defaults_to_same_padding_and_conv_scope():
    x = tf.ones([1, 5, 5, 2])
    y = slim.conv2d(x, 3, [3, 3], activation_fn=None, weights_initializer=tf.ones_initializer())
    assert [v.op.name for v in tf.trainable_variables()] == ["Conv/weights", "Conv/biases"]
    out = run_after_init(y)
    assert out.shape == (1, 5, 5, 3)
    assert out[0, 2, 2, 0] == 18.0
    assert out[0, 0, 0, 0] == 8.0


def test_arg_scope_supplies_defaults_and_explicit_arguments_win():
    x = tf.ones([2, 3])
    with slim.arg_scope([slim.fully_connected], activation_fn=None,
                        weights_initializer=tf.ones_initializer()):
        a = slim.fully_connected(x, 2, scope="a")
        b = slim.fully_connected(x, 2, activation_fn=tf.nn.sigmoid, scope="b")
    c = slim.fully_connected(x, 2, scope="c")
    assert a.op.type == "BiasAdd"
    assert b.op.type == "Sigmoid"
    assert c.op.type == "Relu"
    assert run_after_init(a).tolist() == [[3.0, 3.0], [3.0, 3.0]]


def test_arg_scope_refuses_an_undecorated_function():
    with pytest.raises(ValueError, match="not decorated with @add_arg_scope"), \
            slim.arg_scope([tf.nn.relu], name="x"):
        pass


def test_flatten_and_pools_keep_contrib_shapes():
    x = tf.placeholder(tf.float32, [None, 4, 4, 3])
    assert slim.flatten(x).shape.as_list() == [None, 48]
    assert slim.max_pool2d(x, [2, 2]).shape.as_list() == [None, 2, 2, 3]
    assert slim.avg_pool2d(x, 2, stride=1, padding="SAME").shape.as_list() == [None, 4, 4, 3]


REGULARIZERS = [
    (tf.contrib.layers.l1_regularizer(0.5), 0.5 * 6.0),
    (tf.contrib.layers.l2_regularizer(0.5), 0.5 * 14.0 / 2),
    (tf.contrib.layers.l1_l2_regularizer(0.5, 0.5), 0.5 * 6.0 + 0.5 * 7.0),
]


@pytest.mark.parametrize(("regularizer", "expected"), REGULARIZERS)
def test_regularizers_match_their_formulas(regularizer, expected):
    w = tf.constant([1.0, -2.0, 3.0])
    assert run_after_init(regularizer(w)) == pytest.approx(expected)


@pytest.mark.parametrize("scale", [-0.1, 1])
def test_regularizer_scale_must_be_a_non_negative_float(scale):
    with pytest.raises(ValueError, match="scale"):
        tf.contrib.layers.l2_regularizer(scale)


def test_zero_scale_gives_no_penalty():
    assert tf.contrib.layers.l2_regularizer(0.0)(tf.constant([1.0])) is None


def test_apply_regularization_sums_and_collects():
    w1 = tf.constant([1.0, 2.0])
    w2 = tf.constant([3.0])
    total = tf.contrib.layers.apply_regularization(tf.contrib.layers.l1_regularizer(1.0),
                                                   [w1, w2])
    assert tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES) == [total]
    assert run_after_init(total) == pytest.approx(6.0)


@pytest.mark.parametrize("optimizer", ["SGD", "Adam", "Momentum", "RMSProp", "Adagrad",
                                       tf.train.GradientDescentOptimizer])
def test_optimize_loss_trains_a_linear_model(optimizer):
    x = tf.constant(np.linspace(-1, 1, 20, dtype=np.float32).reshape(-1, 1))
    y = 3.0 * x + 1.0
    w = tf.Variable([[0.0]])
    b = tf.Variable([0.0])
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
    step = tf.train.get_or_create_global_step()
    train = tf.contrib.layers.optimize_loss(loss, step, 0.1, optimizer, clip_gradients=10.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(train)
        for _ in range(200):
            last = sess.run(train)
        assert sess.run(step) == 201
    assert last < first / 10


def test_optimize_loss_refuses_unknown_optimizer_name():
    loss = tf.reduce_sum(tf.Variable([1.0]))
    with pytest.raises(ValueError, match="Optimizer name should be one of"):
        tf.contrib.layers.optimize_loss(loss, None, 0.1, "Nope")


def test_framework_global_step_and_variables_to_restore():
    step = tf.contrib.framework.get_or_create_global_step()
    with tf.variable_scope("keep"):
        keep = tf.contrib.framework.model_variable("w", [1])
    with tf.variable_scope("drop"):
        tf.contrib.framework.variable("w", [1])
    restored = slim.get_variables_to_restore(exclude=["drop"])
    assert restored == [step, keep]
    assert slim.get_model_variables() == [keep]


def test_learn_datasets_mnist_is_the_tutorial_reader():
    from smallflow.examples.tutorials.mnist import input_data

    assert tf.contrib.learn.datasets.mnist.read_data_sets is input_data.read_data_sets


def test_batch_norm_uses_contrib_names_and_updates_moving_averages():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.contrib.layers.batch_norm(x, decay=0.5, is_training=True, updates_collections=None)
    tf.contrib.layers.batch_norm(x, scale=True)
    names = sorted(v.op.name for v in tf.global_variables())
    assert names == ["BatchNorm/beta", "BatchNorm/moving_mean", "BatchNorm/moving_variance",
                     "BatchNorm_1/beta", "BatchNorm_1/gamma", "BatchNorm_1/moving_mean",
                     "BatchNorm_1/moving_variance"]
    batch = np.array([[1.0, 2.0, 3.0], [3.0, 6.0, 9.0]], np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run(y, {x: batch})
        moving_mean = sess.run(tf.global_variables()[1])
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(moving_mean, 0.5 * batch.mean(axis=0), rtol=1e-5)


def test_fully_connected_with_batch_norm_as_normalizer():
    x = tf.ones([4, 3])
    y = slim.fully_connected(x, 2, normalizer_fn=slim.batch_norm,
                             normalizer_params={"is_training": False})
    names = sorted(v.op.name for v in tf.global_variables())
    assert "fully_connected/biases" not in names
    assert "fully_connected/BatchNorm/beta" in names
    assert run_after_init(y).shape == (4, 2)


def test_conv2d_with_a_rate_is_atrous():
    x = tf.ones([1, 7, 7, 1])
    y = slim.conv2d(x, 1, [3, 3], rate=2, padding="VALID", activation_fn=None,
                    weights_initializer=tf.ones_initializer())
    assert y.shape.as_list() == [1, 3, 3, 1]
    assert run_after_init(y)[0, 0, 0, 0] == 9.0
