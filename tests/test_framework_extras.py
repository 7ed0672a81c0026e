"""Top-level helpers: make_template, get_local_variable, init_scope, hessians, the graph-mode
switches, searchsorted/setdiff1d/histograms, extract_volume_patches, grad_pass_through."""

import numpy as np
import pytest

import smallflow as tf


def run(fetches, feed_dict=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed_dict)


def test_make_template_shares_variables_between_calls():
    def scale(x):
        w = tf.get_variable("w", [], initializer=tf.constant_initializer(3.0))
        return x * w

    template = tf.make_template("scale", scale)
    a = template(tf.constant(1.0))
    b = template(tf.constant(2.0))
    assert [v.op.name for v in tf.global_variables()] == ["scale/w"]
    assert run([a, b]) == [3.0, 6.0]


def test_get_local_variable_is_local_and_not_trainable():
    v = tf.get_local_variable("counter", [], initializer=tf.zeros_initializer())
    assert v in tf.local_variables()
    assert v not in tf.trainable_variables()


def test_init_scope_lifts_control_dependencies():
    with tf.control_dependencies([tf.no_op()]), tf.init_scope():
        c = tf.constant(1.0)
    assert c.op.control_inputs == []


def test_hessians_of_a_quadratic():
    x = tf.placeholder(tf.float64, [2])
    a = np.array([[2.0, 1.0], [1.0, 3.0]])
    y = 0.5 * tf.reduce_sum(x * tf.linalg.matvec(tf.constant(a), x))
    (hessian,) = tf.hessians(y, x)
    np.testing.assert_allclose(run(hessian, {x: [0.3, -0.7]}), a)


def test_graph_mode_switches_describe_smallflow():
    tf.disable_eager_execution()
    tf.disable_v2_behavior()
    assert tf.executing_eagerly() is False
    assert tf.resource_variables_enabled() is False


def test_searchsorted_setdiff1d_and_histograms():
    assert run(tf.searchsorted([[1, 3, 3, 7]], [[3, 8, 0]])).tolist() == [[1, 4, 0]]
    assert run(tf.searchsorted([[1, 3, 3, 7]], [[3]], side="right")).tolist() == [[3]]
    out, idx = run(tf.setdiff1d([1, 2, 3, 4, 5, 6], [1, 3, 5]))
    assert (out.tolist(), idx.tolist()) == ([2, 4, 6], [1, 3, 5])
    values = [-1.0, 0.0, 1.5, 2.0, 5.0, 15.0]
    assert run(tf.histogram_fixed_width(values, [0.0, 5.0], nbins=5)).tolist() == [
        2, 1, 1, 0, 2]


def test_extract_volume_patches_matches_slicing():
    x = np.arange(2 * 3 * 3 * 2, dtype=np.float32).reshape(1, 2, 3, 3, 2)
    patches = run(tf.extract_volume_patches(x, [1, 2, 2, 2, 1], [1, 1, 1, 1, 1], "VALID"))
    assert patches.shape == (1, 1, 2, 2, 16)
    np.testing.assert_array_equal(patches[0, 0, 1, 0], x[0, 0:2, 1:3, 0:2].reshape(-1))


def test_grad_pass_through_uses_the_identity_gradient():
    x = tf.constant([0.4, 1.6])
    y = tf.grad_pass_through(tf.round)(x)
    (grad,) = tf.gradients(tf.reduce_sum(y * 3.0), x)
    assert run([y, grad])[0].tolist() == [0.0, 2.0]
    assert run(grad).tolist() == [3.0, 3.0]


@pytest.mark.parametrize("name", ["VariableSynchronization", "VariableAggregation",
                                  "AggregationMethod"])
def test_enums_exist(name):
    assert getattr(tf, name) is not None
