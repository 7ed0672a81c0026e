"""Plan fusion (smallflow/fusion.py): Conv2D + bias + Relu run as one kernel call, with the
same float results, bit for bit, as the three ops run one after the other."""

import numpy as np
import pytest

import smallflow as tf
from smallflow import fusion


def _unfused(monkeypatch):
    monkeypatch.setattr(fusion, "fuse", lambda steps, step_ops, kept: (steps, step_ops))


def _conv_add(x, w, b):
    return tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME") + b


def _bias_first(x, w, b):
    return b + tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME")


def _bias_add(x, w, b):
    return tf.nn.bias_add(tf.nn.conv2d(x, w, [1, 2, 2, 1], "VALID"), b)


def _bias_4d(x, w, b):  # broadcasts like a bias but is not 1-D: the unfused path at run time
    return tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME") + tf.reshape(b, [1, 1, 1, -1])


LAYERS = {"conv + b": _conv_add, "b + conv": _bias_first, "bias_add, VALID, stride 2": _bias_add,
          "bias reshaped to 4-D": _bias_4d}
# Pools after the ReLU: 2x2/2 on the 9x9 activation pads (SAME) or drops a row (VALID); 3x3/3
# tiles it exactly. Evaluation fuses the pool into the call; gradients keep it apart.
POOLS = {"2x2/2 SAME": ([1, 2, 2, 1], [1, 2, 2, 1], "SAME"),
         "2x2/2 VALID": ([1, 2, 2, 1], [1, 2, 2, 1], "VALID"),
         "3x3/3 SAME": ([1, 3, 3, 1], [1, 3, 3, 1], "SAME"),
         "3x3/1 VALID": ([1, 3, 3, 1], [1, 1, 1, 1], "VALID")}


def _values(dtype, special, channels=5):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 9, 9, channels)).astype(dtype)
    if special:
        x[0, 1, 1, 0] = np.nan
        x[1, 2, 3, 1] = np.inf
        x[2, 4, 4, 2] = -np.inf
    w = rng.standard_normal((3, 3, channels, channels + 2)).astype(dtype)
    b = rng.standard_normal(channels + 2).astype(dtype)
    return x, w, b


def _run(layer, dtype, special):
    """The ReLU's output and the gradients of its sum of squares, in a fresh graph."""
    x_value, w_value, b_value = _values(dtype, special)
    with tf.Graph().as_default():
        x = tf.placeholder(dtype, [None, 9, 9, 5])
        w = tf.Variable(w_value)
        b = tf.Variable(b_value)
        out = tf.nn.relu(layer(x, w, b))
        loss = tf.reduce_sum(out * out)
        grads = tf.gradients(loss, [x, w, b])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return sess.run([out, *grads], {x: x_value})


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("special", [False, True], ids=["finite", "nan and inf"])
@pytest.mark.parametrize("layer", LAYERS.values(), ids=LAYERS.keys())
def test_fused_results_equal_the_unfused_ones_bit_for_bit(monkeypatch, layer, dtype, special):
    fused = _run(layer, dtype, special)
    _unfused(monkeypatch)
    separate = _run(layer, dtype, special)
    for a, b in zip(fused, separate, strict=True):
        assert a.dtype == b.dtype
        assert a.shape == b.shape
        np.testing.assert_array_equal(a, b)


def _pooled(pool, dtype, special, batch):
    """The pooled activations of conv + b in a fresh graph (nothing else fetched)."""
    x_value, w_value, b_value = _values(dtype, special)
    with tf.Graph().as_default():
        x = tf.placeholder(dtype, [None, 9, 9, 5])
        relu = tf.nn.relu(_conv_add(x, tf.Variable(w_value), tf.Variable(b_value)))
        pooled = tf.nn.max_pool(relu, *pool)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return sess.run(pooled, {x: x_value[:batch]})


@pytest.mark.parametrize("batch", [6, 0])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("special", [False, True], ids=["finite", "nan and inf"])
@pytest.mark.parametrize("pool", POOLS.values(), ids=POOLS.keys())
def test_a_fused_pool_gives_the_unfused_results(monkeypatch, pool, dtype, special, batch):
    fused = _pooled(pool, dtype, special, batch)
    _unfused(monkeypatch)
    separate = _pooled(pool, dtype, special, batch)
    assert fused.dtype == separate.dtype
    assert fused.shape == separate.shape
    np.testing.assert_array_equal(fused, separate)


def _pooled_gradients(pool, dtype, special, channels=5):
    """The pooled result and the gradients through conv + b -> ReLU -> max-pool (the pool
    joins the forward call, which keeps the activation; ReluGrad and MaxPoolGrad fused)."""
    x_value, w_value, b_value = _values(dtype, special, channels)
    rng = np.random.default_rng(4)
    with tf.Graph().as_default():
        x = tf.placeholder(dtype, [None, 9, 9, channels])
        w, b = tf.Variable(w_value), tf.Variable(b_value)
        pooled = tf.nn.max_pool(tf.nn.relu(_conv_add(x, w, b)), *pool)
        # Upstream gradients of both signs, some infinite: inf * 0 must stay NaN.
        upstream = rng.standard_normal(pooled.shape.as_list()[1:]).astype(dtype)
        if special:
            upstream[0, 0, 0] = np.inf
        grads = tf.gradients(tf.reduce_sum(pooled * upstream), [x, w, b])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return sess.run([pooled, *grads], {x: x_value})


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("special", [False, True], ids=["finite", "nan and inf"])
@pytest.mark.parametrize("pool", POOLS.values(), ids=POOLS.keys())
@pytest.mark.parametrize("channels", [5, 8], ids=["im2col", "winograd"])
def test_fused_relu_and_pool_gradients_equal_the_unfused_ones(monkeypatch, pool, dtype,
                                                              special, channels):
    fused = _pooled_gradients(pool, dtype, special, channels)
    _unfused(monkeypatch)
    separate = _pooled_gradients(pool, dtype, special, channels)
    for a, b in zip(fused, separate, strict=True):
        assert a.dtype == b.dtype
        assert a.shape == b.shape
        np.testing.assert_array_equal(a, b)


def test_relu_and_pool_gradients_with_a_nan_first_element():
    """A window whose first element is NaN takes the gradient (TensorFlow's running argmax),
    and the ReLU's gradient there is grad * (NaN > 0) = 0, not grad * (max > 0)."""
    x_value = np.array([np.nan, 1, 2, 3], np.float32).reshape(1, 2, 2, 1)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 2, 2, 1])
        relu = tf.nn.relu(x)
        pooled = tf.nn.max_pool(relu, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
        (grad,) = tf.gradients(tf.reduce_sum(pooled * 5.0), [x])
        with tf.Session() as sess:
            result = sess.run(grad, {x: x_value})
    np.testing.assert_array_equal(result.ravel(), [0, 0, 0, 0])


def test_a_fused_pool_over_many_column_blocks(monkeypatch):
    """Blocks of a few examples each (conv_kernels._BLOCK_BYTES): every block pools its own."""
    from smallflow.ops import conv_kernels

    monkeypatch.setattr(conv_kernels, "_BLOCK_BYTES", 4096)
    test_a_fused_pool_gives_the_unfused_results(
        monkeypatch, POOLS["3x3/3 SAME"], np.float32, True, 6)


def _step_types(fetches_of):
    """Op types of the steps of the plan that runs the fetches ``fetches_of(net)`` builds."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 8, 8, 2])
        w = tf.Variable(np.ones((3, 3, 2, 4), np.float32))
        b = tf.Variable(np.zeros(4, np.float32))
        conv = tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME")
        added = conv + b
        relu = tf.nn.relu(added)
        loss = tf.reduce_sum(relu)
        pooled = tf.nn.max_pool(relu, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
        net = {"conv": conv, "added": added, "relu": relu, "loss": loss, "pooled": pooled,
               "pool loss": tf.reduce_sum(pooled),
               "train": tf.train.GradientDescentOptimizer(0.1).minimize(loss),
               "other": added * 2.0}
        net["pool train"] = tf.train.GradientDescentOptimizer(0.1).minimize(net["pool loss"])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(fetches_of(net), {x: np.ones((2, 8, 8, 2), np.float32)})
            plan = list(sess._plans.values())[-1]  # the one built for these fetches
            return [op.type for op in plan.step_ops]


@pytest.mark.parametrize(("fetches_of", "fused", "pooled"), [
    (lambda net: net["relu"], "Relu", False),
    (lambda net: net["train"], "Relu", False),  # the add's gradient reads the conv's shape
    (lambda net: net["pooled"], "MaxPool", True),
    # The pool's gradient reads the ReLU's result: the call keeps it and pools each block.
    (lambda net: net["pool train"], "MaxPool", True),
    (lambda net: [net["pooled"], net["relu"]], "MaxPool", True),
    (lambda net: [net["relu"], net["conv"]], None, False),  # a fetched conv output stays
    (lambda net: [net["relu"], net["added"]], None, False),
    (lambda net: [net["relu"], net["other"]], None, False),  # the sum has another reader
], ids=["forward", "training step", "pooled", "pooled training step", "pool and relu fetched",
        "conv fetched", "sum fetched", "sum read elsewhere"])
def test_which_chains_are_fused(fetches_of, fused, pooled):
    """``fused``: the op whose place the fused call takes; ``pooled``: the pool joined it."""
    types = _step_types(fetches_of)
    assert ("Conv2D" not in types and "AddV2" not in types) == (fused is not None)
    assert ("Relu" in types) != pooled


def test_a_training_step_fuses_the_relu_and_pool_gradients():
    """Only the filter and bias gradients read the ReLU's gradient (the input is fed): they
    and ReluGrad(MaxPoolGrad) become one step in the filter gradient's place (conv_phases)."""
    types = _step_types(lambda net: net["pool train"])
    assert "MaxPoolGrad" not in types
    assert "ReluGrad" not in types
    assert types.count("Conv2DBackpropFilter") == 1


def test_a_traced_run_lists_the_fused_step_under_the_relu():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 8, 8, 2])
        w = tf.Variable(np.ones((3, 3, 2, 4), np.float32))
        b = tf.Variable(np.zeros(4, np.float32))
        relu = tf.nn.relu(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME") + b, name="act")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            metadata = tf.RunMetadata()
            options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
            traced = sess.run(relu, {x: np.ones((2, 8, 8, 2), np.float32)}, options=options,
                              run_metadata=metadata)
            plain = sess.run(relu, {x: np.ones((2, 8, 8, 2), np.float32)})
    names = [s.node_name for d in metadata.step_stats.dev_stats for s in d.node_stats]
    assert "act" in names
    np.testing.assert_array_equal(traced, plain)



def _bits(array):
    return array.view(np.dtype(f"u{array.itemsize}"))


def _pool_of_relu(activation, bias, pool):
    from smallflow.ops import conv_kernels

    with np.errstate(all="ignore"):
        return conv_kernels.max_pool(np.maximum(activation + bias, 0), *pool)


# The pooled call pools first and adds the bias after when that is exact (a finite bias
# without -0.0), else it runs the written order. Each channel of the block below meets its
# bias with one hard window: a NaN window, +inf (with a -inf bias: inf - inf is NaN),
# -inf, -0.0 next to negatives (with a -0.0 bias the ReLU keeps a -0.0).
BIASES = {"finite": [0.5, -1.0, 0.0, 2.0],
          "a -0.0": [0.5, -1.0, -0.0, 2.0],
          "infinities": [np.inf, -np.inf, 0.0, -np.inf],
          "a NaN": [np.nan, -1.0, 0.0, 2.0]}


def _hard_block():
    rng = np.random.default_rng(11)
    block = rng.standard_normal((2, 4, 4, 4)).astype(np.float32)
    block[0, :2, :2, 0] = np.nan
    block[0, 2, 2, 1] = np.inf
    block[1, 0, 0, 3] = -np.inf
    block[1, 2:, 2:, 2] = [[-0.0, -1.0], [-2.0, -0.5]]
    block[1, :2, 2:, 1] = np.inf
    return block


@pytest.mark.parametrize("bias", BIASES.values(), ids=BIASES.keys())
def test_bias_relu_and_pool_on_a_block_equal_the_written_order_bit_for_bit(bias):
    from smallflow.ops import conv_blocks, conv_kernels

    block = _hard_block()
    b = np.array(bias, np.float32)
    pool = ((2, 2), (2, 2), "VALID")
    pool_geo, _ = conv_kernels._pool_setup(block.shape, *pool, "input")
    out = np.empty((2, 2, 2, 4), np.float32)
    with np.errstate(all="ignore"):
        conv_blocks.bias_relu_pool(block.copy(), b, pool_geo, out)
    np.testing.assert_array_equal(_bits(out), _bits(_pool_of_relu(block, b, pool)))


@pytest.mark.parametrize("filter_size", [3, 5], ids=["im2col", "winograd"])
def test_the_pooled_call_equals_pool_of_relu_of_conv_plus_bias_bit_for_bit(filter_size):
    """Both ways a fused call computes (im2col blocks, Winograd groups) pool first."""
    from smallflow.ops import conv_kernels

    rng = np.random.default_rng(12)
    x = rng.standard_normal((3, 8, 8, 9)).astype(np.float32)
    w = rng.standard_normal((filter_size, filter_size, 9, 9)).astype(np.float32)
    b = rng.standard_normal(9).astype(np.float32)
    pool = ((2, 2), (2, 2), "VALID")
    if filter_size == 3:
        w = w[:, :, :4]  # 4 input channels: under Winograd's minimum (im2col)
        x = x[..., :4]
    fused = conv_kernels.conv2d_bias_relu(x, w, b, (1, 1), "SAME", pool)
    written = _pool_of_relu(conv_kernels.conv2d(x, w, (1, 1), "SAME"), b, pool)
    np.testing.assert_array_equal(_bits(fused), _bits(written))
