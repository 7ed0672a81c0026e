"""conv_phases: a few-channel Conv2D + bias + ReLU + 2x2 max-pool computed per pooling phase
in a training step gives the plain path's pooled result and ReLU + max-pool gradient bit for
bit (signed zeros, ties, NaN and infinities included), and the plan uses it only when nothing
but that gradient reads the activation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import smallflow as tf
from smallflow import fusion
from smallflow.ops import conv_kernels, conv_phases

POOL = ((2, 2), (2, 2), "VALID")
# (input shape, filter shape, padding): even conv outputs of the tutorial's kind.
GEOMETRIES = {
    "1 channel 5x5 SAME": ((3, 8, 8, 1), (5, 5, 1, 6), "SAME"),
    "3 channels 3x3 SAME, 6x10": ((2, 6, 10, 3), (3, 3, 3, 4), "SAME"),
    "2 channels 3x3 VALID": ((2, 10, 8, 2), (3, 3, 2, 5), "VALID"),
    # the tutorial's first layer: 36 input planes, rows of 196 pooled pixels x 32 channels
    "tutorial 28x28, 5x5x1x32 SAME": ((3, 28, 28, 1), (5, 5, 1, 32), "SAME"),
}
CASES = ["plain", "ties", "signed zeros", "infinities", "nan", "negative bias"]


def _bits(a):
    return a.view(f"u{a.itemsize}")


def _values(geometry, dtype, case, seed=0):
    x_shape, w_shape, _ = GEOMETRIES[geometry]
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(x_shape).astype(dtype)
    w = rng.standard_normal(w_shape).astype(dtype)
    b = rng.standard_normal(w_shape[3]).astype(dtype)
    if case == "ties":
        w[:, :, :, :2] = 0  # two channels of the bias alone: every window a tie
        x[0, :4, :4] = 1
    elif case == "signed zeros":
        w[:, :, :, 0] = -0.0
        b[0] = -0.0
        b[1] = 0.0
    elif case == "infinities":
        x[0, 1, 1, 0] = np.inf
        x[1, 3, 2, 0] = -np.inf
    elif case == "nan":  # NaN outputs, also in windows' first cells: the plain way takes over
        x[0, 2, 2, 0] = np.nan
    elif case == "negative bias":
        b -= dtype(3)  # most windows all zero after the ReLU
    grad_shape = (x_shape[0], *(d // 2 for d in _out_hw(geometry)), w_shape[3])
    grad = rng.standard_normal(grad_shape).astype(dtype)
    if case in ("infinities", "nan"):
        grad[0, 0, 0, :] = np.inf  # inf * 0 must give NaN where the ReLU cut
    return x, w, b, grad


def _out_hw(geometry):
    x_shape, w_shape, padding = GEOMETRIES[geometry]
    if padding == "SAME":
        return x_shape[1:3]
    return tuple(x_shape[1 + i] - w_shape[i] + 1 for i in (0, 1))


def _plain(x, w, b, grad, padding):
    """The plain fused call and the unfused gradients: ReluGrad(MaxPoolGrad(r, y, g), r)."""
    r, y = conv_kernels.conv2d_bias_relu(x, w, b, (1, 1), padding, POOL, True)
    routed = conv_kernels.max_pool_grad(r, y, grad, *POOL)
    return r, y, np.multiply(routed, r > 0)


def _phases(x, w, b, grad, padding):
    activation, y = conv_phases.conv2d_bias_relu_pool(x, w, b, (1, 1), padding, POOL)
    dz = conv_phases.relu_max_pool_grad(activation, y, grad)
    if dz is None:  # what fusion.py then does
        r = activation.materialize()
        dz = np.multiply(conv_kernels.max_pool_grad(r, y, grad, *POOL), r > 0)
    return activation, y, dz


@pytest.fixture(autouse=True)
def _quiet():
    """Kernels run with floating-point warnings off, as in a session's plan."""
    with np.errstate(all="ignore"):
        yield


@pytest.fixture(params=[None, 1, 2], ids=["one block", "a block per example",
                                          "two examples a block"])
def blocks(request, monkeypatch):
    """Examples per block (None: the default, one block here). Two a block cuts the three
    examples of the first geometry into 2 + 1: a shorter last block."""
    return request.param


def _set_block(examples, x, w, monkeypatch):
    if examples is not None:
        pixels = (x.shape[1] // 2) * (x.shape[2] // 2)
        depth = w.shape[0] * w.shape[1] * w.shape[2]
        per_example = 4 * pixels * (depth + w.shape[3]) * x.itemsize
        monkeypatch.setattr(conv_phases, "_BLOCK_BYTES", examples * per_example)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_pooled_result_and_gradient_equal_the_plain_path_bit_for_bit(geometry, dtype, case,
                                                                     blocks, monkeypatch):
    x, w, b, grad = _values(geometry, dtype, case)
    _set_block(blocks, x, w, monkeypatch)
    padding = GEOMETRIES[geometry][2]
    r, y_plain, dz_plain = _plain(x, w, b, grad, padding)
    activation, y, dz = _phases(x, w, b, grad, padding)
    assert activation.shape == r.shape
    assert activation.dtype == r.dtype
    assert activation.special == (case == "nan")
    np.testing.assert_array_equal(_bits(y), _bits(y_plain))
    np.testing.assert_array_equal(_bits(dz), _bits(dz_plain))
    np.testing.assert_array_equal(_bits(activation.materialize()), _bits(r))


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_values_give_the_plain_bits(data):
    """Hypothesis arrays with extremes (huge, tiny, signed zeros, inf, NaN)."""
    floats = st.floats(width=32, allow_nan=True, allow_infinity=True)
    small = st.sampled_from([0.0, -0.0, 1.0, -1.0, 1e-45, 3e38, -3e38])
    elements = st.one_of(floats, small)
    x = data.draw(hnp.arrays(np.float32, (2, 4, 6, 1), elements=elements))
    w = data.draw(hnp.arrays(np.float32, (3, 3, 1, 3), elements=elements))
    b = data.draw(hnp.arrays(np.float32, (3,), elements=elements))
    grad = data.draw(hnp.arrays(np.float32, (2, 2, 3, 3), elements=elements))
    _, y_plain, dz_plain = _plain(x, w, b, grad, "SAME")
    _, y, dz = _phases(x, w, b, grad, "SAME")
    np.testing.assert_array_equal(_bits(y), _bits(y_plain))
    np.testing.assert_array_equal(_bits(dz), _bits(dz_plain))


@pytest.mark.parametrize("args", [
    pytest.param(((1, 8, 8, 1), (5, 5, 1, 4), (2, 2), "SAME", POOL), id="conv stride 2"),
    pytest.param(((1, 7, 7, 1), (3, 3, 1, 4), (1, 1), "SAME", POOL), id="odd output"),
    pytest.param(((1, 8, 8, 1), (3, 3, 1, 4), (1, 1), "SAME", ((3, 3), (2, 2), "VALID")),
                 id="3x3 pool"),
    pytest.param(((1, 8, 8, 8), (3, 3, 8, 8), (1, 1), "SAME", POOL), id="8 channels"),
])
def test_other_shapes_are_left_to_the_plain_path(args):
    x_shape, w_shape, strides, padding, pool = args
    x = np.ones(x_shape, np.float32)
    w = np.ones(w_shape, np.float32)
    b = np.zeros(w_shape[3], np.float32)
    assert conv_phases.conv2d_bias_relu_pool(x, w, b, strides, padding, pool) is None


def _training_values(dtype, case):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((5, 12, 12, 1)).astype(dtype)
    if case == "nan":
        x[1, 0, 0, 0] = np.nan
    w = rng.standard_normal((5, 5, 1, 6)).astype(dtype)
    b = rng.standard_normal(6).astype(dtype)
    upstream = rng.standard_normal((5, 6, 6, 6)).astype(dtype)
    return x, w, b, upstream


def _train(dtype, case, fetch_activation=False, input_gradient=True):
    """Gradients of a loss through conv -> +b -> ReLU -> max-pool (x, w and b; without
    ``input_gradient`` w and b only), and the activation when asked."""
    x_value, w_value, b_value, upstream = _training_values(dtype, case)
    with tf.Graph().as_default():
        x = tf.placeholder(dtype, [None, 12, 12, 1])
        w, b = tf.Variable(w_value), tf.Variable(b_value)
        relu = tf.nn.relu(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME") + b)
        pooled = tf.nn.max_pool(relu, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
        wanted = [x, w, b] if input_gradient else [w, b]
        grads = tf.gradients(tf.reduce_sum(pooled * upstream), wanted)
        fetches = [pooled, *grads] + ([relu] if fetch_activation else [])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return sess.run(fetches, {x: x_value})


@pytest.mark.parametrize("fetch_activation", [False, True], ids=["step", "activation fetched"])
@pytest.mark.parametrize("case", ["plain", "nan"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_training_step_gives_the_unfused_results(monkeypatch, dtype, case,
                                                   fetch_activation):
    calls = []
    real = conv_phases.conv2d_bias_relu_pool

    def counted(*args):
        result = real(*args)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(conv_phases, "conv2d_bias_relu_pool", counted)
    fused = _train(dtype, case, fetch_activation)
    # The phase path runs unless the activation is fetched (it is then written whole).
    assert calls == ([] if fetch_activation else [True])
    monkeypatch.setattr(fusion, "fuse", lambda steps, step_ops, kept: (steps, step_ops))
    separate = _train(dtype, case, fetch_activation)
    for a, b in zip(fused, separate, strict=True):
        assert type(a) is np.ndarray
        assert (a.dtype, a.shape) == (b.dtype, b.shape)
        np.testing.assert_array_equal(_bits(a), _bits(b))


def _counted(monkeypatch, name):
    """Record whether each call of conv_phases.<name> gave a result (not None)."""
    calls = []
    real = getattr(conv_phases, name)

    def counted(*args):
        result = real(*args)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(conv_phases, name, counted)
    return calls


def _summed_magnitudes(dtype, case):
    """Per filter and bias entry, the sum of the magnitudes of the terms its gradient adds
    (float64), from the plain kernels: the scale of a reordered sum's rounding."""
    x, w, b, upstream = (v.astype(np.float64) for v in _training_values(dtype, case))
    r, y = conv_kernels.conv2d_bias_relu(x, w, b, (1, 1), "SAME", POOL, True)
    dz = np.abs(np.multiply(conv_kernels.max_pool_grad(r, y, upstream, *POOL), r > 0))
    filter_terms = conv_kernels.conv2d_backprop_filter(np.abs(x), w.shape, dz, (1, 1), "SAME")
    return filter_terms, dz.sum(axis=(0, 1, 2))


@pytest.mark.parametrize("examples", [None, 2], ids=["one block", "blocks of 2, 2 and 1"])
@pytest.mark.parametrize("case", ["plain", "nan"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_filter_and_bias_gradients_from_the_codes(monkeypatch, dtype, case, examples):
    """Only the filter and bias gradients read the ReLU's gradient: one call computes both
    from the codes without writing it. The sums run in another order than the plain kernels'
    (blocks, pixels in phase order): equal within 64 ulps of the sum of the terms'
    magnitudes; NaN in a window's first cell takes the plain kernels (bit for bit)."""
    x, w = _training_values(dtype, case)[:2]
    _set_block(examples, x, w, monkeypatch)
    calls = _counted(monkeypatch, "filter_bias_gradients")
    pooled, dw, db = _train(dtype, case, input_gradient=False)
    assert calls == [case == "plain"]
    monkeypatch.setattr(fusion, "fuse", lambda steps, step_ops, kept: (steps, step_ops))
    pooled_plain, dw_plain, db_plain = _train(dtype, case, input_gradient=False)
    np.testing.assert_array_equal(_bits(pooled), _bits(pooled_plain))
    if case != "plain":
        np.testing.assert_array_equal(_bits(dw), _bits(dw_plain))
        np.testing.assert_array_equal(_bits(db), _bits(db_plain))
        return
    eps = np.finfo(dtype).eps
    for fused, plain, magnitude in zip((dw, db), (dw_plain, db_plain),
                                       _summed_magnitudes(dtype, case), strict=True):
        assert (fused.dtype, fused.shape) == (plain.dtype, plain.shape)
        assert np.all(np.abs(fused - plain) <= 64 * eps * magnitude)
        assert not np.array_equal(magnitude, 0 * magnitude)  # the check is not vacuous


def test_an_input_gradient_keeps_the_relu_gradient_whole(monkeypatch):
    """The input's gradient reads the ReLU's gradient too: it is written whole (from the
    codes) and the filter gradient reads it, as unfused."""
    calls = _counted(monkeypatch, "filter_bias_gradients")
    _train(np.float32, "plain", input_gradient=True)
    assert calls == []
