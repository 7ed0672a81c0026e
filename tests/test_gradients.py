"""tf.gradients and GradientDescentOptimizer (tf1-semantics §4)."""

import numpy as np
import pytest

import smallflow as tf
from smallflow.registry import GRADIENTS, register_op


def run(fetches, feed_dict=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed_dict)


def test_gradient_ops_are_added_to_the_graph_under_gradients():
    x = tf.constant(3.0)
    (grad,) = tf.gradients(x * x, [x])
    assert grad.name.startswith("gradients/")
    assert run(grad) == 6.0


def test_gradients_over_several_paths_are_summed():
    x = tf.constant(2.0)
    y = x * x + 3.0 * x
    assert run(tf.gradients(y, x)[0]) == 7.0


def test_unconnected_x_gets_none():
    x = tf.constant(1.0)
    z = tf.constant(2.0)
    assert tf.gradients(x * 2.0, [x, z])[1] is None


def test_d_y_d_y_is_ones():
    y = tf.constant([1.0, 2.0])
    assert run(tf.gradients(y, y)[0]).tolist() == [1.0, 1.0]


def test_grad_ys_weights_the_seed():
    x = tf.constant([1.0, 2.0])
    (grad,) = tf.gradients(x * 3.0, x, grad_ys=tf.constant([1.0, 10.0]))
    assert run(grad).tolist() == [3.0, 30.0]


def test_stop_gradient_blocks_the_path():
    x = tf.constant(2.0)
    y = tf.stop_gradient(x * x) + x
    assert run(tf.gradients(y, x)[0]) == 1.0


def test_broadcast_input_gradient_is_summed_back_to_its_shape():
    x = tf.placeholder(tf.float32, [None, 3])
    b = tf.Variable(tf.zeros([3]))
    (grad,) = tf.gradients(tf.reduce_sum(x + b), [b])
    assert run(grad, {x: np.ones((4, 3))}).tolist() == [4.0, 4.0, 4.0]


def test_missing_gradient_function_is_a_lookup_error_naming_the_op():
    register_op("TestOnlyNoGradient", lambda attrs: lambda x: x, lambda op: [op.inputs[0].shape])
    try:
        x = tf.constant(1.0)
        from smallflow.ops.common import make_op

        y = make_op("TestOnlyNoGradient", [x], [tf.float32], name="mystery").outputs[0]
        with pytest.raises(LookupError, match=r"No gradient defined for operation 'mystery' "
                                              r"\(op type: TestOnlyNoGradient\)"):
            tf.gradients(y, x)
    finally:
        from smallflow.registry import OP_DEFS

        OP_DEFS._entries.pop("TestOnlyNoGradient")
    assert "TestOnlyNoGradient" not in GRADIENTS


def test_minimize_updates_every_variable_from_pre_update_values():
    w1 = tf.Variable(2.0)
    w2 = tf.Variable(3.0)
    loss = w1 * w2
    step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step)
        # d/dw1 = w2 = 3, d/dw2 = w1 = 2, both from the values before the step.
        np.testing.assert_allclose(sess.run([w1, w2]), [2.0 - 0.3, 3.0 - 0.2], rtol=1e-6)


def test_minimize_returns_an_op_named_after_the_optimizer():
    w = tf.Variable(1.0)
    step = tf.train.GradientDescentOptimizer(0.5).minimize(w * w)
    assert step.name == "GradientDescent"
    assert isinstance(step, tf.Operation)


def test_minimize_with_global_step_increments_it():
    w = tf.Variable(1.0)
    global_step = tf.Variable(0, trainable=False, name="global_step")
    step = tf.train.GradientDescentOptimizer(0.5).minimize(w * w, global_step=global_step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step)
        sess.run(step)
        assert sess.run(global_step) == 2


def test_compute_gradients_pairs_in_creation_order():
    a = tf.Variable(1.0)
    b = tf.Variable(2.0)
    unused = tf.Variable(3.0)
    pairs = tf.train.GradientDescentOptimizer(0.1).compute_gradients(a * b)
    assert [v for _, v in pairs] == [a, b, unused]
    assert pairs[2][0] is None


def test_no_variables_to_optimize():
    with pytest.raises(ValueError, match="No variables to optimize."):
        tf.train.GradientDescentOptimizer(0.1).minimize(tf.constant(1.0) * 2.0)


def test_no_gradients_for_any_variable():
    tf.Variable(1.0)
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        tf.train.GradientDescentOptimizer(0.1).minimize(tf.constant(1.0) * 2.0)


def test_learning_rate_may_be_a_placeholder():
    w = tf.Variable(1.0)
    rate = tf.placeholder(tf.float32, [])
    step = tf.train.GradientDescentOptimizer(rate).minimize(w * w)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step, {rate: 0.25})
        assert sess.run(w) == pytest.approx(0.5)


def test_naive_and_fused_softmax_losses_have_the_same_gradient():
    rng = np.random.default_rng(0)
    logits_value = rng.normal(size=(5, 4)).astype(np.float32)
    labels_value = np.eye(4, dtype=np.float32)[rng.integers(0, 4, 5)]
    logits = tf.constant(logits_value)
    labels = tf.constant(labels_value)
    naive = tf.reduce_mean(-tf.reduce_sum(labels * tf.log(tf.nn.softmax(logits)),
                                          reduction_indices=[1]))
    fused = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=labels,
                                                                   logits=logits))
    g_naive, g_fused = run([tf.gradients(naive, logits)[0], tf.gradients(fused, logits)[0]])
    np.testing.assert_allclose(g_naive, g_fused, rtol=1e-5, atol=1e-6)
