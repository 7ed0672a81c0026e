"""tf.nn extras against NumPy formulas, with numeric gradient checks of the composites."""

import numpy as np
import pytest

import smallflow as tf
from smallflow.gradient_checker import compute_gradient_error

RNG = np.random.default_rng(5)


def run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


def _conv2d_numpy(x, w, stride=1, padding="VALID"):
    """Direct loops: cross-correlation of NHWC x with [kh, kw, in, out] w."""
    kh, kw = w.shape[:2]
    if padding == "SAME":
        out_h = -(-x.shape[1] // stride)
        out_w = -(-x.shape[2] // stride)
        pad_h = max((out_h - 1) * stride + kh - x.shape[1], 0)
        pad_w = max((out_w - 1) * stride + kw - x.shape[2], 0)
        x = np.pad(x, [(0, 0), (pad_h // 2, pad_h - pad_h // 2), (pad_w // 2, pad_w - pad_w // 2),
                       (0, 0)])
    out_h = (x.shape[1] - kh) // stride + 1
    out_w = (x.shape[2] - kw) // stride + 1
    out = np.zeros((x.shape[0], out_h, out_w, w.shape[3]))
    for i in range(out_h):
        for j in range(out_w):
            patch = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            out[:, i, j, :] = np.tensordot(patch, w, axes=([1, 2, 3], [0, 1, 2]))
    return out


# -- embeddings --------------------------------------------------------------------------------

TABLE = np.arange(14, dtype=np.float32).reshape(7, 2)


@pytest.mark.parametrize(("shards", "strategy"), [
    ([TABLE], "mod"),
    ([TABLE[0::3], TABLE[1::3], TABLE[2::3]], "mod"),
    ([TABLE[:3], TABLE[3:5], TABLE[5:]], "div"),
])
def test_embedding_lookup_of_one_or_partitioned_tables(shards, strategy):
    ids = np.array([[6, 0], [3, 3]])
    params = [tf.constant(s) for s in shards]
    result = run(tf.nn.embedding_lookup(params, tf.constant(ids), partition_strategy=strategy))
    np.testing.assert_array_equal(result, TABLE[ids])


def test_embedding_lookup_max_norm_clips_rows():
    table = tf.constant([[3.0, 4.0], [0.3, 0.4]])
    result = run(tf.nn.embedding_lookup(table, [0, 1], max_norm=1.0))
    np.testing.assert_allclose(result, [[0.6, 0.8], [0.3, 0.4]], rtol=1e-6)


def test_embedding_lookup_gradient_goes_to_looked_up_rows():
    table = tf.Variable(np.zeros((4, 2), np.float32))
    loss = tf.reduce_sum(tf.nn.embedding_lookup(table, [1, 1, 3]))
    (grad,) = tf.gradients(loss, [table])
    with tf.Session() as sess:
        sess.run(table.initializer)
        dense = sess.run(tf.convert_to_tensor(grad))
    np.testing.assert_array_equal(dense, [[0, 0], [2, 2], [0, 0], [1, 1]])


# -- normalization -------------------------------------------------------------------------------


def test_batch_normalization_matches_formula():
    x = RNG.normal(size=(4, 3))
    mean, var = x.mean(0), x.var(0)
    offset, scale = np.array([0.1, 0.2, 0.3]), np.array([1.0, 2.0, 0.5])
    result = run(tf.nn.batch_normalization(x, mean, var, offset, scale, 1e-3))
    np.testing.assert_allclose(result, scale * (x - mean) / np.sqrt(var + 1e-3) + offset)


def test_batch_normalization_without_offset_and_scale():
    x = RNG.normal(size=(4, 3))
    result = run(tf.nn.batch_normalization(x, 0.5, 4.0, None, None, 0.0))
    np.testing.assert_allclose(result, (x - 0.5) / 2.0)


def test_fused_batch_norm_training_returns_unbiased_variance():
    x = RNG.normal(size=(2, 3, 3, 4)).astype(np.float32)
    y, mean, var = run(tf.nn.fused_batch_norm(x, np.ones(4, np.float32),
                                              np.zeros(4, np.float32), epsilon=1e-3))
    axes = (0, 1, 2)
    np.testing.assert_allclose(mean, x.mean(axes), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(var, x.var(axes) * 18 / 17, rtol=1e-5)
    expected = (x - x.mean(axes)) / np.sqrt(x.var(axes) + 1e-3)
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-5)


def test_fused_batch_norm_inference_uses_the_given_statistics():
    x = RNG.normal(size=(1, 2, 2, 2)).astype(np.float32)
    mean = np.array([0.5, -0.5], np.float32)
    var = np.array([2.0, 0.5], np.float32)
    y, m, v = run(tf.nn.fused_batch_norm(x, [1.0, 1.0], [0.0, 0.0], mean, var, epsilon=0.01,
                                         is_training=False))
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 0.01), rtol=1e-5)
    np.testing.assert_array_equal(m, mean)


def test_weighted_moments_match_numpy_average():
    x = RNG.normal(size=(5, 3))
    w = RNG.uniform(0.1, 2, size=(5, 1))
    mean, var = run(tf.nn.weighted_moments(x, [0], w))
    expected_mean = np.average(x, axis=0, weights=np.broadcast_to(w, x.shape))
    expected_var = np.average((x - expected_mean) ** 2, axis=0, weights=np.broadcast_to(w, x.shape))
    np.testing.assert_allclose(mean, expected_mean)
    np.testing.assert_allclose(var, expected_var)


def test_l2_normalize():
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(run(tf.nn.l2_normalize(x, axis=1)), [[0.6, 0.8], [0.0, 0.0]])


def test_local_response_normalization_matches_the_sum_over_the_depth_window():
    x = RNG.normal(size=(1, 2, 2, 6)).astype(np.float32)
    r, bias, alpha, beta = 2, 1.0, 0.5, 0.75
    squares = np.pad(x ** 2, [(0, 0)] * 3 + [(r, r)])
    total = sum(squares[..., i:i + 6] for i in range(2 * r + 1))
    expected = x / (bias + alpha * total) ** beta
    result = run(tf.nn.lrn(x, r, bias, alpha, beta))
    np.testing.assert_allclose(result, expected, rtol=1e-5)


# -- activations and losses ----------------------------------------------------------------------

ALPHA, SCALE = 1.6732632423543772, 1.0507009873554805
ACTIVATIONS = [
    (tf.nn.selu, lambda x: SCALE * np.where(x > 0, x, ALPHA * (np.exp(x) - 1))),
    (tf.nn.swish, lambda x: x / (1 + np.exp(-x))),
    (tf.nn.crelu, lambda x: np.concatenate([np.maximum(x, 0), np.maximum(-x, 0)], -1)),
]


@pytest.mark.parametrize(("fn", "reference"), ACTIVATIONS, ids=lambda v: getattr(v, "__name__", ""))
def test_activation_matches_formula_and_gradient(fn, reference):
    x_value = RNG.uniform(0.2, 2, size=(2, 3)) * RNG.choice([-1, 1], size=(2, 3))
    np.testing.assert_allclose(run(fn(tf.constant(x_value))), reference(x_value), rtol=1e-12)
    x = tf.placeholder(tf.float64, [2, 3])
    y = fn(x)
    error = compute_gradient_error(x, [2, 3], y, y.shape.as_list(), x_init_value=x_value)
    assert error < 1e-6


def test_weighted_cross_entropy_matches_formula():
    x = RNG.normal(size=(3, 4)) * 5
    z = RNG.uniform(size=(3, 4))
    q = 3.0
    expected = q * z * -np.log(1 / (1 + np.exp(-x))) + (1 - z) * -np.log(1 - 1 / (1 + np.exp(-x)))
    result = run(tf.nn.weighted_cross_entropy_with_logits(targets=z, logits=x, pos_weight=q))
    np.testing.assert_allclose(result, expected, rtol=1e-9)


def test_log_poisson_loss_with_stirling_term():
    targets = np.array([0.0, 1.0, 3.0])
    log_input = np.array([0.1, -0.2, 1.0])
    stirling = np.where(targets > 1, targets * np.log(np.maximum(targets, 1)) - targets
                        + 0.5 * np.log(2 * np.pi * np.maximum(targets, 1)), 0)
    expected = np.exp(log_input) - log_input * targets + stirling
    result = run(tf.nn.log_poisson_loss(targets, log_input, compute_full_loss=True))
    np.testing.assert_allclose(result, expected)


def test_zero_fraction():
    assert run(tf.nn.zero_fraction([[0, 1], [0, 0]])) == pytest.approx(0.75)


# -- convolutions --------------------------------------------------------------------------------


def test_conv1d_matches_numpy():
    x = RNG.normal(size=(2, 7, 3))
    w = RNG.normal(size=(3, 3, 4))
    result = run(tf.nn.conv1d(x, w, stride=2, padding="VALID"))
    expected = _conv2d_numpy(x[:, None], w[None], stride=2)[:, 0]
    np.testing.assert_allclose(result, expected, rtol=1e-10)


def test_atrous_conv2d_is_a_conv_with_a_dilated_filter():
    x = RNG.normal(size=(1, 7, 7, 2))
    w = RNG.normal(size=(2, 2, 2, 3))
    dilated = np.zeros((3, 3, 2, 3))
    dilated[::2, ::2] = w
    result = run(tf.nn.atrous_conv2d(x, w, rate=2, padding="SAME"))
    np.testing.assert_allclose(result, _conv2d_numpy(x, dilated, padding="SAME"), rtol=1e-10)


def test_depthwise_and_separable_conv2d_match_numpy():
    x = RNG.normal(size=(1, 5, 5, 2))
    depthwise = RNG.normal(size=(3, 3, 2, 2))
    pointwise = RNG.normal(size=(1, 1, 4, 3))
    result = run(tf.nn.depthwise_conv2d(x, depthwise, [1, 1, 1, 1], "VALID"))
    expected = np.concatenate(
        [_conv2d_numpy(x[..., c:c + 1], depthwise[:, :, c:c + 1, :]) for c in range(2)], -1)
    np.testing.assert_allclose(result, expected, rtol=1e-10)
    separable = run(tf.nn.separable_conv2d(x, depthwise, pointwise, [1, 1, 1, 1], "VALID"))
    np.testing.assert_allclose(separable, _conv2d_numpy(expected, pointwise), rtol=1e-10)


def test_depthwise_conv2d_gradient_is_numerically_right():
    x = tf.placeholder(tf.float64, [1, 4, 4, 2])
    w = tf.constant(RNG.normal(size=(2, 2, 2, 2)))
    y = tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME")
    error = compute_gradient_error(x, [1, 4, 4, 2], y, [1, 4, 4, 4],
                                   x_init_value=RNG.normal(size=(1, 4, 4, 2)))
    assert error < 1e-6
