"""Specification of the Winograd convolutions (ops/winograd.py) and the switch that turns
them off: which convolutions use them, how close to the exact result they are, and that
training and the fused kernels work the same with them."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf
from smallflow import config
from smallflow.gradient_checker import compute_gradient
from smallflow.ops import conv_kernels as ck
from smallflow.ops import winograd

CASES = settings(max_examples=40, deadline=None)
STEPS = 30
# The accuracy promised in winograd.py's docstring and docs/architecture.md: the largest
# error over the outputs, relative to the largest sum of absolute products (|x| * |w|) that
# an output adds up. Measured over 48 random cases with 8-64 channels (normal, ReLU'd and
# all-positive inputs): up to 1.1e-6 (5x5; the filter gradient 2.9e-6) and 6e-7 (3x3); the
# im2col product up to 2.3e-7.
# The bounds leave room for unlucky draws.
BOUND = {3: 4e-6, 5: 1e-5}
DIRECT_BOUND = 1e-6


@pytest.fixture
def algorithm():
    """Set smallflow.config's convolution algorithm for one test, restoring it afterwards."""
    previous = config.get_conv_algorithm()
    yield config.set_conv_algorithm
    config.set_conv_algorithm(previous)


@pytest.fixture
def winograd_calls(monkeypatch):
    """The names of the winograd functions called (to check which path a convolution took)."""
    calls = []

    def spy(name):
        real = getattr(winograd, name)

        def counted(*args, **kwargs):
            calls.append(name)
            return real(*args, **kwargs)

        monkeypatch.setattr(winograd, name, counted)

    spy("conv2d")
    spy("filter_gradient")
    return calls


def reference(x, w, padding):
    """conv2d in float64 and the sums of absolute products each output adds up."""
    exact = ck.conv2d(x.astype(np.float64), w.astype(np.float64), (1, 1), padding)
    size = ck.conv2d(np.abs(x).astype(np.float64), np.abs(w).astype(np.float64), (1, 1),
                     padding)
    return exact, float(size.max(initial=0.0)) or 1.0


def relative_error(actual, exact, scale):
    return float(np.abs(actual - exact).max(initial=0.0)) / scale


@st.composite
def conv_cases(draw):
    """A stride-1 float32 convolution that the Winograd path takes."""
    k = draw(st.sampled_from([3, 5]))
    padding = draw(st.sampled_from(["SAME", "VALID"]))
    n = draw(st.integers(1, 3))
    extra = k - 1 if padding == "VALID" else 0
    h = draw(st.integers(winograd.MIN_OUTPUT, 15)) + extra
    w = draw(st.integers(winograd.MIN_OUTPUT, 15)) + extra
    c = draw(st.integers(winograd.MIN_CHANNELS, 40))
    o = draw(st.integers(winograd.MIN_CHANNELS, 40))
    seed = draw(st.integers(0, 2**32 - 1))
    kind = draw(st.sampled_from(["normal", "relu", "offset"]))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, h, w, c)).astype(np.float32)
    if kind == "relu":  # activations after a ReLU, as a CNN's second layer gets them
        x = np.maximum(x, 0)
    elif kind == "offset":  # all of one sign: no cancellation helps
        x = x + np.float32(3)
    filters = (rng.standard_normal((k, k, c, o)) * 0.1).astype(np.float32)
    return x, filters, padding


# --- the transforms -----------------------------------------------------------------------


@pytest.mark.parametrize("r", [3, 5])
def test_the_transforms_compute_the_one_dimensional_correlation_exactly(r):
    m = winograd.tile_size(r)
    at, g, bt = winograd.matrices(m, r)
    rng = np.random.default_rng(r)
    for _ in range(20):
        d, taps = rng.standard_normal(m + r - 1), rng.standard_normal(r)
        direct = np.array([d[i:i + r] @ taps for i in range(m)])
        np.testing.assert_allclose(at @ ((g @ taps) * (bt @ d)), direct, rtol=0, atol=1e-12)


def test_only_square_3x3_and_5x5_filters_have_tiles():
    assert [winograd.tile_size(r) for r in (1, 2, 3, 4, 5, 7)] == [None, None, 4, None, 3, None]


# --- accuracy -----------------------------------------------------------------------------


@CASES
@given(conv_cases())
def test_forward_is_within_the_bound_of_the_exact_result(case):
    x, w, padding = case
    exact, scale = reference(x, w, padding)
    result = ck.conv2d(x, w, (1, 1), padding)
    assert result.dtype == np.float32
    assert result.flags.c_contiguous
    assert result.shape == exact.shape
    assert relative_error(result, exact, scale) <= BOUND[w.shape[0]]


@CASES
@given(conv_cases())
def test_input_gradient_is_within_the_bound_of_the_exact_result(case):
    x, w, padding = case
    rng = np.random.default_rng(0)
    out_shape = ck.conv2d(x[:1, :, :, :1], w[:, :, :1], (1, 1), padding).shape[1:3]
    grad = rng.standard_normal((x.shape[0], *out_shape, w.shape[3])).astype(np.float32)
    exact = ck.conv2d_backprop_input(x.shape, w.astype(np.float64), grad.astype(np.float64),
                                     (1, 1), padding)
    size = ck.conv2d_backprop_input(x.shape, np.abs(w).astype(np.float64),
                                    np.abs(grad).astype(np.float64), (1, 1), padding)
    result = ck.conv2d_backprop_input(x.shape, w, grad, (1, 1), padding)
    assert result.dtype == np.float32
    assert result.shape == x.shape
    assert relative_error(result, exact, float(size.max())) <= BOUND[w.shape[0]]


@CASES
@given(conv_cases())
def test_filter_gradient_is_within_the_bound_of_the_exact_result(case):
    x, w, padding = case
    rng = np.random.default_rng(1)
    out_shape = ck.conv2d(x[:1, :, :, :1], w[:, :, :1], (1, 1), padding).shape[1:3]
    grad = rng.standard_normal((x.shape[0], *out_shape, w.shape[3])).astype(np.float32)
    exact = ck.conv2d_backprop_filter(x.astype(np.float64), w.shape, grad.astype(np.float64),
                                      (1, 1), padding)
    size = ck.conv2d_backprop_filter(np.abs(x).astype(np.float64), w.shape,
                                     np.abs(grad).astype(np.float64), (1, 1), padding)
    with pytest.MonkeyPatch.context() as patch:  # small outputs too (see usable)
        patch.setattr(winograd, "MIN_FILTER_OUTPUT", winograd.MIN_OUTPUT)
        result = ck.conv2d_backprop_filter(x, w.shape, grad, (1, 1), padding)
    assert result.dtype == np.float32
    assert result.shape == w.shape
    assert result.flags.c_contiguous
    assert relative_error(result, exact, float(size.max())) <= BOUND[w.shape[0]]


@pytest.mark.parametrize(("x_shape", "w_shape"), [
    ((50, 14, 14, 32), (5, 5, 32, 64)),  # the tutorial CNN's second layer
    ((8, 16, 16, 64), (3, 3, 64, 64)),
])
def test_tutorial_shapes_winograd_error_against_the_direct_path(x_shape, w_shape, algorithm,
                                                                 winograd_calls):
    """The measured figures of the docs: Winograd within its bound, the direct path within
    a tenth of it, on ReLU-like activations."""
    rng = np.random.default_rng(1)
    x = np.maximum(rng.standard_normal(x_shape), 0).astype(np.float32)
    w = (rng.standard_normal(w_shape) * 0.1).astype(np.float32)
    exact, scale = reference(x, w, "SAME")
    fast = ck.conv2d(x, w, (1, 1), "SAME")
    assert winograd_calls == ["conv2d"]
    algorithm("direct")
    direct = ck.conv2d(x, w, (1, 1), "SAME")
    assert winograd_calls == ["conv2d"]
    assert relative_error(fast, exact, scale) <= BOUND[w_shape[0]]
    assert relative_error(direct, exact, scale) <= DIRECT_BOUND


# --- which convolutions take the path -------------------------------------------------------


@pytest.mark.parametrize(("x_shape", "w_shape", "strides", "dtype", "used"), [
    ((2, 14, 14, 32), (5, 5, 32, 64), (1, 1), np.float32, True),
    ((2, 14, 13, 8), (3, 3, 8, 8), (1, 1), np.float32, True),
    ((2, 28, 28, 1), (5, 5, 1, 32), (1, 1), np.float32, False),  # one input channel
    ((2, 14, 14, 32), (5, 5, 32, 4), (1, 1), np.float32, False),  # few output channels
    ((2, 14, 14, 32), (5, 5, 32, 64), (2, 2), np.float32, False),  # strided
    ((2, 14, 14, 32), (5, 3, 32, 64), (1, 1), np.float32, False),  # not square
    ((2, 14, 14, 32), (7, 7, 32, 64), (1, 1), np.float32, False),  # no tile size
    ((2, 14, 14, 32), (5, 5, 32, 64), (1, 1), np.float64, False),  # float64: exact path
    ((2, 14, 14, 32), (5, 5, 32, 64), (1, 1), np.float16, False),
    ((2, 3, 3, 32), (3, 3, 32, 64), (1, 1), np.float32, False),  # tiny image
    ((2, 8, 8, 32), (3, 3, 32, 64), (1, 1), np.float32, "not the filter gradient"),
])
def test_winograd_is_used_for_stride_1_float32_square_filters_with_enough_channels(
        x_shape, w_shape, strides, dtype, used, winograd_calls):
    rng = np.random.default_rng(2)
    x = rng.standard_normal(x_shape).astype(dtype)
    w = rng.standard_normal(w_shape).astype(dtype)
    y = ck.conv2d(x, w, strides, "SAME")
    ck.conv2d_backprop_input(x_shape, w, np.ones_like(y), strides, "SAME")
    ck.conv2d_backprop_filter(x, w_shape, np.ones_like(y), strides, "SAME")
    expected = {True: ["conv2d", "conv2d", "filter_gradient"], False: [],
                "not the filter gradient": ["conv2d", "conv2d"]}[used]
    assert winograd_calls == expected


def test_the_direct_switch_gives_the_old_numerics_bit_for_bit(algorithm, winograd_calls):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 14, 14, 32)).astype(np.float32)
    w = rng.standard_normal((5, 5, 32, 64)).astype(np.float32)
    algorithm("direct")
    ck.conv2d_backprop_filter(x, w.shape, x[..., :1].repeat(64, axis=3), (1, 1), "SAME")
    direct = ck.conv2d(x, w, (1, 1), "SAME")
    old = ck._conv_products(ck._pad(x, ck._conv_setup(x.shape, w.shape, (1, 1), "SAME",
                                                     None)[0], 0), w,
                            ck._conv_setup(x.shape, w.shape, (1, 1), "SAME", None)[0])
    assert np.array_equal(direct, old)
    assert winograd_calls == []


@pytest.mark.parametrize(("value", "expected"), [
    ("direct", "direct"), ("DIRECT", "direct"), ("auto", "auto"), ("", "auto")])
def test_the_environment_variable_sets_the_algorithm(monkeypatch, value, expected):
    monkeypatch.setenv("SMALLFLOW_CONV_ALGORITHM", value)
    monkeypatch.setattr(config, "_conv_algorithm", None)
    assert config.get_conv_algorithm() == expected


def test_bad_algorithm_names_are_clear_errors(monkeypatch):
    with pytest.raises(ValueError, match="'auto', 'direct'.*'fast'"):
        config.set_conv_algorithm("fast")
    monkeypatch.setenv("SMALLFLOW_CONV_ALGORITHM", "winograd")
    monkeypatch.setattr(config, "_conv_algorithm", None)
    with pytest.raises(ValueError, match="SMALLFLOW_CONV_ALGORITHM must be one of"):
        config.get_conv_algorithm()


# --- the transformed filter's cache ---------------------------------------------------------


def test_a_filter_changed_in_place_is_transformed_again():
    """Optimizers update variables in place: the cached transform must notice."""
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 8, 8, 16)).astype(np.float32)
    w = rng.standard_normal((3, 3, 16, 16)).astype(np.float32)
    first = ck.conv2d(x, w, (1, 1), "SAME")
    w[1, 1, 3, 5] += 1.0
    w *= np.float32(0.5)
    exact, scale = reference(x, w, "SAME")
    second = ck.conv2d(x, w, (1, 1), "SAME")
    assert relative_error(second, exact, scale) <= BOUND[3]
    assert not np.allclose(first, second)


@pytest.mark.parametrize("examples", [1, 2, 7])
def test_blocks_of_any_number_of_examples_stay_within_the_bound(monkeypatch, examples):
    """Blocks of 1, 2 (the last one smaller) and all 7 examples; the work arrays of the
    smaller last block share memory with the others' (their zero borders must be redone)."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((7, 10, 9, 12)).astype(np.float32)
    w = rng.standard_normal((5, 5, 12, 10)).astype(np.float32)
    grad = rng.standard_normal((7, 10, 9, 10)).astype(np.float32)
    tiles = 4 * 3  # F(3x3, 5x5) over a 10x9 output
    monkeypatch.setattr(winograd, "_BLOCK_INPUT_COLUMNS", examples * tiles * 12)
    monkeypatch.setattr(winograd, "_COLUMNS", tiles * 10)  # output transform in chunks
    monkeypatch.setattr(winograd, "_FILTER_TILES", examples * tiles)
    monkeypatch.setattr(winograd, "MIN_FILTER_OUTPUT", winograd.MIN_OUTPUT)
    exact, scale = reference(x, w, "SAME")
    assert relative_error(ck.conv2d(x, w, (1, 1), "SAME"), exact, scale) <= BOUND[5]
    dw = ck.conv2d_backprop_filter(x.astype(np.float64), w.shape, grad.astype(np.float64),
                                   (1, 1), "SAME")
    size = ck.conv2d_backprop_filter(np.abs(x).astype(np.float64), w.shape,
                                     np.abs(grad).astype(np.float64), (1, 1), "SAME")
    result = ck.conv2d_backprop_filter(x, w.shape, grad, (1, 1), "SAME")
    assert relative_error(result, dw, float(size.max())) <= BOUND[5]


# --- fusion, gradients and training -----------------------------------------------------------


@pytest.mark.parametrize("group_bytes", [2 * 2**20, 120_000])  # 1 group; groups of 2 examples
@pytest.mark.parametrize("pool", [None, ((2, 2), (2, 2), "VALID"), ((3, 3), (2, 2), "VALID")])
def test_fused_bias_relu_pool_equals_the_unfused_ops(pool, group_bytes, winograd_calls,
                                                      monkeypatch):
    """The bias, ReLU and pooling run on groups of examples (conv_kernels._BLOCK_BYTES of
    the convolution's output), the last one smaller."""
    monkeypatch.setattr(ck, "_BLOCK_BYTES", group_bytes)
    rng = np.random.default_rng(6)
    x = rng.standard_normal((5, 14, 14, 32)).astype(np.float32)
    w = (rng.standard_normal((5, 5, 32, 64)) * 0.1).astype(np.float32)
    b = rng.standard_normal(64).astype(np.float32)
    fused = ck.conv2d_bias_relu(x, w, b, (1, 1), "SAME", pool)
    apart = np.maximum(ck.conv2d(x, w, (1, 1), "SAME") + b, 0)
    if pool is not None:
        apart = ck.max_pool(apart, *pool)
    assert winograd_calls == ["conv2d", "conv2d"]
    assert np.array_equal(fused, apart)


def test_conv2d_float32_gradients_match_the_numeric_jacobian(winograd_calls):
    """The gradient checker on a graph whose forward and input gradient run through Winograd
    (a convolution is linear, so float32 central differences are exact up to rounding)."""
    rng = np.random.default_rng(7)
    x_shape, w_shape = (1, 5, 4, 8), (3, 3, 8, 8)
    x = tf.placeholder(tf.float32, x_shape)
    w = tf.constant((rng.standard_normal(w_shape) * 0.3).astype(np.float32))
    y = tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME")
    init = rng.standard_normal(x_shape).astype(np.float32)
    theoretical, numeric = compute_gradient(x, list(x_shape), y, [1, 5, 4, 8],
                                            x_init_value=init, delta=1e-2)
    assert "conv2d" in winograd_calls  # the forward and the input gradient
    np.testing.assert_allclose(theoretical, numeric, rtol=0, atol=2e-3)


def test_conv2d_float32_filter_gradient_matches_the_numeric_jacobian(winograd_calls,
                                                                     monkeypatch):
    monkeypatch.setattr(winograd, "MIN_FILTER_OUTPUT", winograd.MIN_OUTPUT)
    rng = np.random.default_rng(9)
    x = tf.constant(rng.standard_normal((2, 5, 4, 8)).astype(np.float32))
    w = tf.placeholder(tf.float32, [3, 3, 8, 8])
    y = tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME")
    init = (rng.standard_normal((3, 3, 8, 8)) * 0.3).astype(np.float32)
    theoretical, numeric = compute_gradient(w, [3, 3, 8, 8], y, [2, 5, 4, 8],
                                            x_init_value=init, delta=1e-2)
    assert "filter_gradient" in winograd_calls
    np.testing.assert_allclose(theoretical, numeric, rtol=0, atol=2e-3)


def test_a_small_cnn_trains_as_well_with_winograd_as_without(algorithm):
    """A 2-conv-layer CNN on a separable toy problem: loss after 30 Adam steps, both ways."""

    def train():
        tf.reset_default_graph()
        tf.set_random_seed(0)
        rng = np.random.default_rng(8)
        images = rng.standard_normal((32, 12, 12, 8)).astype(np.float32)
        labels = (images[:, 3:9, 3:9, :4].sum(axis=(1, 2, 3)) > 0).astype(np.int64)
        x = tf.placeholder(tf.float32, [None, 12, 12, 8])
        y = tf.placeholder(tf.int64, [None])
        w1 = tf.Variable(tf.truncated_normal([3, 3, 8, 16], stddev=0.1))
        h1 = tf.nn.relu(tf.nn.conv2d(x, w1, [1, 1, 1, 1], "SAME") + tf.Variable(tf.zeros([16])))
        w2 = tf.Variable(tf.truncated_normal([5, 5, 16, 16], stddev=0.1))
        h2 = tf.nn.relu(tf.nn.conv2d(h1, w2, [1, 1, 1, 1], "SAME"))
        logits = tf.layers.dense(tf.reshape(tf.nn.max_pool(h2, [1, 2, 2, 1], [1, 2, 2, 1],
                                                           "SAME"), [-1, 6 * 6 * 16]), 2)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=y, logits=logits))
        step = tf.train.AdamOptimizer(1e-3).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(STEPS):
                sess.run(step, {x: images, y: labels})
            return sess.run(loss, {x: images, y: labels})

    fast = train()
    algorithm("direct")
    direct = train()
    print(f"loss after {STEPS} steps: Winograd {fast:.4f}, direct {direct:.4f}")
    assert fast < 0.2
    assert direct < 0.2
    assert abs(fast - direct) < 0.05
