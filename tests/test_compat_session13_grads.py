"""Session 13's gradient sweep (helper grads): each mismatch with TensorFlow 1.x's
``tf.gradients`` that the op-by-op oracle comparison found, as a specification."""

import numpy as np
import pytest

import smallflow as tf


def _run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


def _second(y, x):
    """d/dx of sum(dy/dx * w) for a fixed weighting w."""
    (first,) = tf.gradients(y, x)
    weight = tf.constant(np.linspace(-1.0, 2.0, int(np.prod(x.shape.as_list()))).reshape(
        x.shape.as_list()).astype(x.dtype.as_numpy_dtype))
    return tf.gradients(tf.reduce_sum(first * weight), x)[0]


# -- second derivatives of piecewise-linear ops are zeros, not None ----------------------------


@pytest.mark.parametrize("activation", [tf.nn.relu, tf.nn.relu6,
                                        lambda x: tf.nn.leaky_relu(x, 0.3)],
                         ids=["relu", "relu6", "leaky_relu"])
def test_second_derivative_of_a_kinked_activation_is_zeros(activation):
    x = tf.constant([[-1.0, 0.5, 7.0]])
    second = _second(activation(x), x)
    assert second is not None
    np.testing.assert_array_equal(_run(second), np.zeros((1, 3), np.float32))


def test_second_derivative_of_max_pool_is_zeros_for_its_input():
    x = tf.constant(np.arange(16.0).reshape(1, 4, 4, 1))
    pooled = tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    second = _second(pooled, x)
    assert second is not None
    np.testing.assert_array_equal(_run(second), np.zeros((1, 4, 4, 1)))


def test_second_derivative_of_softmax_xent_reaches_the_labels_as_zeros():
    logits = tf.constant([[1.0, 2.0, 0.5]])
    labels = tf.constant([[0.2, 0.5, 0.3]])
    loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
    d_logits, d_labels = tf.gradients(loss, [logits, labels])
    second = tf.gradients(tf.reduce_sum(d_logits * [[1.0, -2.0, 0.5]]), [logits, labels])
    assert second[1] is not None
    np.testing.assert_array_equal(_run(second[1]), np.zeros((1, 3), np.float32))


def test_softsign_has_no_second_derivative():
    x = tf.constant([0.5, -1.0])
    (first,) = tf.gradients(tf.nn.softsign(x), x)
    assert first.op.type == "SoftsignGrad"
    np.testing.assert_allclose(_run(first), 1.0 / np.square(1.0 + np.abs([0.5, -1.0])))
    with pytest.raises(LookupError, match="SoftsignGrad"):
        tf.gradients(first, x)


# -- fused batch norm ---------------------------------------------------------------------------


def _bn_inputs():
    rng = np.random.default_rng(3)
    x = tf.constant(rng.uniform(-2, 2, (2, 3, 3, 4)).astype(np.float32))
    scale = tf.constant(rng.uniform(0.5, 2, 4).astype(np.float32))
    offset = tf.constant(rng.uniform(-1, 1, 4).astype(np.float32))
    return x, scale, offset


def test_fused_batch_norm_inference_gives_no_gradient_to_the_population_statistics():
    x, scale, offset = _bn_inputs()
    mean = tf.constant(np.full(4, 0.1, np.float32))
    variance = tf.constant(np.full(4, 1.5, np.float32))
    y, _, _ = tf.nn.fused_batch_norm(x, scale, offset, mean, variance, is_training=False)
    grads = tf.gradients(y, [x, scale, offset, mean, variance])
    assert grads[3] is None
    assert grads[4] is None
    assert all(g is not None for g in grads[:3])


def test_fused_batch_norm_statistics_outputs_pass_no_gradient_to_x():
    x, scale, offset = _bn_inputs()
    y, mean, variance = tf.nn.fused_batch_norm(x, scale, offset, is_training=True)
    with_stats = tf.gradients([y, mean, variance], x)[0]
    without = tf.gradients(y, x)[0]
    np.testing.assert_allclose(*_run([with_stats, without]), rtol=1e-6)


def test_fused_batch_norm_second_derivative_is_exact():
    # TensorFlow's fused op has the exact second derivative (nn.moments' stop_gradient at the
    # mean would lose a term): checked here against central differences of the gradient.
    rng = np.random.default_rng(5)
    value = rng.uniform(-2, 2, (2, 2, 2, 3))
    x = tf.placeholder(tf.float64, value.shape)
    scale = tf.constant(np.array([0.5, 1.5, 2.0]))
    offset = tf.constant(np.zeros(3))
    y, _, _ = tf.nn.fused_batch_norm(x, scale, offset, is_training=True)
    upstream = tf.constant(rng.standard_normal(value.shape))
    (first,) = tf.gradients(y, x, grad_ys=upstream)
    weight = rng.standard_normal(value.shape)
    weighted = tf.reduce_sum(first * weight)
    (second,) = tf.gradients(weighted, x)
    with tf.Session() as sess:
        analytic = sess.run(second, {x: value})
        step = 1e-5
        for index in [(0, 0, 0, 0), (1, 1, 0, 2), (0, 1, 1, 1)]:
            bump = np.zeros_like(value)
            bump[index] = step
            numeric = (sess.run(weighted, {x: value + bump})
                       - sess.run(weighted, {x: value - bump})) / (2 * step)
            np.testing.assert_allclose(analytic[index], numeric, rtol=1e-5, atol=1e-7)


# -- shapes, errors -----------------------------------------------------------------------------


def test_concat_gradient_keeps_the_known_shape_of_each_input():
    a = tf.placeholder(tf.float32, [None, 3])
    b = tf.constant(np.ones((1, 3), np.float32))
    grad_a, grad_b = tf.gradients(tf.concat([a, b], axis=0), [a, b])
    assert grad_b.shape.as_list() == [1, 3]
    assert grad_a.shape.as_list() == [None, 3]


def test_second_order_gradient_of_a_while_loop_is_a_type_error():
    x = tf.constant([0.5, 1.0])
    _, out = tf.while_loop(lambda i, v: i < 2, lambda i, v: (i + 1, tf.tanh(v)), (0, x))
    (first,) = tf.gradients(out, x)
    with pytest.raises(TypeError, match="Second-order gradient for while loops not supported"):
        tf.gradients(first, x)


def test_clip_by_average_norm_is_float32_only_and_named_by_its_scope():
    t = tf.constant(np.full((2, 3), 3.0, np.float32))
    clipped = tf.clip_by_average_norm(t, 0.5)
    assert clipped.name == "clip_by_average_norm:0"
    # 0.5 * 3 * size / l2norm = 0.5 * 3 * 6 / sqrt(54)
    np.testing.assert_allclose(_run(clipped), np.full((2, 3), 9.0 / np.sqrt(54.0)), rtol=1e-6)
    with pytest.raises(TypeError, match="Input 'y' of 'Mul' Op has type float32"):
        tf.clip_by_average_norm(tf.constant(np.ones(3)), 0.5)


# -- second derivatives through tf.cond, einsum diagonals -----------------------------------------


@pytest.mark.parametrize("taken", [True, False])
def test_second_derivative_through_cond_reaches_values_read_inside_the_branch(taken):
    x_value = np.array([0.3, -1.2, 0.7])
    y_value = np.array([1.5, 0.4, -0.8])
    x = tf.constant(x_value)
    y = tf.constant(y_value)
    weight = np.array([1.0, 2.0, 3.0])
    out = tf.cond(tf.constant(taken), lambda: tf.sin(x) * y, lambda: tf.exp(x) + y * y)
    _, d_y = tf.gradients(out, [x, y])
    d_x2, d_y2 = tf.gradients(tf.reduce_sum(d_y * weight), [x, y])
    # Each branch's gradient reads x and y, so both get a tensor (TensorFlow's values).
    got_x, got_y = _run([d_x2, d_y2])
    if taken:  # d_y = sin(x): d/dx = cos(x) * w
        np.testing.assert_allclose(got_x, np.cos(x_value) * weight)
        np.testing.assert_array_equal(got_y, np.zeros(3))
    else:  # d_y = 2y: d/dy = 2w
        np.testing.assert_array_equal(got_x, np.zeros(3))
        np.testing.assert_allclose(got_y, 2.0 * weight)
    assert d_x2.shape.as_list() == [3]


def test_second_derivative_through_cond_is_none_where_no_branch_reads_the_input():
    x = tf.constant([0.3, -1.2])
    y = tf.constant([1.5, 0.4])
    out = tf.cond(tf.constant(True), lambda: tf.sin(x) * y, lambda: x)
    _, d_y = tf.gradients(out, [x, y])
    d_x2, d_y2 = tf.gradients(tf.reduce_sum(d_y), [x, y])
    assert d_y2 is None
    np.testing.assert_allclose(_run(d_x2), np.cos([0.3, -1.2]))


def test_cond_gradient_is_none_for_an_input_no_differentiated_output_reads():
    x = tf.constant([1.0, 2.0])
    y = tf.constant([3.0, 4.0])
    first, _ = tf.cond(tf.constant(True), lambda: (x * 2.0, y * 3.0), lambda: (x, y))
    d_x, d_y = tf.gradients(first, [x, y])
    assert d_y is None
    np.testing.assert_allclose(_run(d_x), [2.0, 2.0])


@pytest.mark.parametrize(("equation", "shape"), [("ii->i", (3, 3)), ("ii->", (3, 3)),
                                                 ("bii->b", (2, 3, 3)), ("iji->j", (3, 2, 3)),
                                                 ("bii->bi", (2, 3, 3))])
def test_einsum_gradient_with_a_repeated_subscript_lands_on_the_diagonal(equation, shape):
    rng = np.random.default_rng(7)
    value = rng.standard_normal(shape)
    x = tf.constant(value)
    y = tf.einsum(equation, x)
    upstream = rng.standard_normal(y.shape.as_list())
    (grad,) = tf.gradients(y, x, grad_ys=tf.constant(upstream))
    # The einsum is linear in x: its gradient is the Jacobian's transpose times upstream.
    basis = np.eye(value.size).reshape(value.size, *shape)
    jacobian = np.stack([np.einsum(equation, b) for b in basis])
    expected = np.tensordot(jacobian, upstream, axes=upstream.ndim).reshape(shape)
    np.testing.assert_allclose(_run(grad), expected, rtol=1e-12, atol=1e-12)
