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


def _values(dtype, special):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 9, 9, 5)).astype(dtype)
    if special:
        x[0, 1, 1, 0] = np.nan
        x[1, 2, 3, 1] = np.inf
        x[2, 4, 4, 2] = -np.inf
    w = rng.standard_normal((3, 3, 5, 7)).astype(dtype)
    b = rng.standard_normal(7).astype(dtype)
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
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


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
        net = {"conv": conv, "added": added, "relu": relu, "loss": loss,
               "train": tf.train.GradientDescentOptimizer(0.1).minimize(loss),
               "other": added * 2.0}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(fetches_of(net), {x: np.ones((2, 8, 8, 2), np.float32)})
            (plan,) = [p for key, p in sess._plans.items() if p.steps and any(
                op.type == "Relu" for op in p.step_ops)]
            return [op.type for op in plan.step_ops]


@pytest.mark.parametrize("fetches_of, fused", [
    (lambda net: net["relu"], True),
    (lambda net: net["train"], True),  # the add's gradient reads the conv output's shape
    (lambda net: [net["relu"], net["conv"]], False),  # a fetched conv output stays
    (lambda net: [net["relu"], net["added"]], False),
    (lambda net: [net["relu"], net["other"]], False),  # the sum has another reader
], ids=["forward", "training step", "conv fetched", "sum fetched", "sum read elsewhere"])
def test_which_chains_are_fused(fetches_of, fused):
    types = _step_types(fetches_of)
    assert ("Conv2D" not in types and "AddV2" not in types) == fused
    assert "Relu" in types


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
