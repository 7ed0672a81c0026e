"""Specification of the convolution and pooling kernels, checked against direct loop code."""

import contextlib
import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smallflow.ops import conv_kernels as ck

PADDINGS = ("SAME", "VALID")
CASES = settings(max_examples=60, deadline=None)


# ---------------------------------------------------------------------------------------------
# Reference implementations: loops over output positions and window taps, float64, with the
# padding written as bounds checks (no padded arrays), following TensorFlow's documented rules.


def ref_geometry(in_size, k, stride, padding):
    """(out_size, pad_before) from the formulas in TensorFlow's documentation."""
    if padding == "VALID":
        return math.ceil((in_size - k + 1) / stride), 0
    out = math.ceil(in_size / stride)
    pad_total = max((out - 1) * stride + k - in_size, 0)
    return out, pad_total // 2


def ref_taps(in_hw, k_hw, strides, padding):
    """Output size and, per output pixel, its in-bounds taps ``(di, dj, row, col)`` in order."""
    (h, w), (kh, kw), (sh, sw) = in_hw, k_hw, strides
    oh, top = ref_geometry(h, kh, sh, padding)
    ow, left = ref_geometry(w, kw, sw, padding)
    windows = {}
    for i in range(oh):
        for j in range(ow):
            taps = []
            for di in range(kh):
                for dj in range(kw):
                    row, col = i * sh + di - top, j * sw + dj - left
                    if 0 <= row < h and 0 <= col < w:
                        taps.append((di, dj, row, col))
            windows[i, j] = taps
    return (oh, ow), windows


def ref_conv2d(x, w, strides, padding):
    (oh, ow), windows = ref_taps(x.shape[1:3], w.shape[:2], strides, padding)
    out = np.zeros((x.shape[0], oh, ow, w.shape[3]))
    for (i, j), taps in windows.items():
        for di, dj, row, col in taps:
            out[:, i, j] += x[:, row, col] @ w[di, dj]
    return out


def ref_conv2d_backprop_input(x_shape, w, grad, strides, padding):
    _, windows = ref_taps(x_shape[1:3], w.shape[:2], strides, padding)
    dx = np.zeros(x_shape)
    for (i, j), taps in windows.items():
        for di, dj, row, col in taps:
            dx[:, row, col] += grad[:, i, j] @ w[di, dj].T
    return dx


def ref_conv2d_backprop_filter(x, w_shape, grad, strides, padding):
    _, windows = ref_taps(x.shape[1:3], w_shape[:2], strides, padding)
    dw = np.zeros(w_shape)
    for (i, j), taps in windows.items():
        for di, dj, row, col in taps:
            dw[di, dj] += x[:, row, col].T @ grad[:, i, j]
    return dw


def ref_pool(x, ksize, strides, padding, reduce):
    (oh, ow), windows = ref_taps(x.shape[1:3], ksize, strides, padding)
    out = np.zeros((x.shape[0], oh, ow, x.shape[3]))
    for (i, j), taps in windows.items():
        values = np.stack([x[:, row, col] for _, _, row, col in taps])
        out[:, i, j] = reduce(values, axis=0)
    return out


def ref_max_pool_grad(x, grad, ksize, strides, padding):
    """Each output gradient goes to the first maximum of its window (row-major order)."""
    _, windows = ref_taps(x.shape[1:3], ksize, strides, padding)
    dx = np.zeros(x.shape)
    for (i, j), taps in windows.items():
        values = np.stack([x[:, row, col] for _, _, row, col in taps])
        winner = np.argmax(values, axis=0)  # argmax returns the first maximum
        for t, (_, _, row, col) in enumerate(taps):
            dx[:, row, col] += np.where(winner == t, grad[:, i, j], 0.0)
    return dx


def ref_avg_pool_grad(x_shape, grad, ksize, strides, padding):
    _, windows = ref_taps(x_shape[1:3], ksize, strides, padding)
    dx = np.zeros(x_shape)
    for (i, j), taps in windows.items():
        for _, _, row, col in taps:
            dx[:, row, col] += grad[:, i, j] / len(taps)
    return dx


# ---------------------------------------------------------------------------------------------
# Helpers


def assert_matches(actual, expected, dtype=np.float32):
    """Same shape, the requested dtype, C-contiguous, and close to the float64 reference."""
    assert actual.dtype == dtype
    assert actual.flags.c_contiguous
    assert actual.shape == expected.shape
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(actual, expected, rtol=tolerance, atol=tolerance * scale)


def spec(pair, four):
    """A strides/ksize argument in either accepted form."""
    return [1, pair[0], pair[1], 1] if four else pair


@st.composite
def sliding_cases(draw, max_size=7, max_k=4):
    """A random 2-D sliding-window problem that TensorFlow accepts."""
    padding = draw(st.sampled_from(PADDINGS))
    n = draw(st.integers(1, 3))
    h = draw(st.integers(1, max_size))
    w = draw(st.integers(1, max_size))
    # Channel counts reach each way of building the column matrices: few channels
    # (transposed), more (row-major), and 8+ (the stride-1 input gradient as a convolution).
    c = draw(st.sampled_from([1, 2, 3, 5, 8, 9]))
    k_h_limit = max_k if padding == "SAME" else min(max_k, h)
    k_w_limit = max_k if padding == "SAME" else min(max_k, w)
    k = (draw(st.integers(1, k_h_limit)), draw(st.integers(1, k_w_limit)))
    strides = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    four = draw(st.booleans())
    seed = draw(st.integers(0, 2**32 - 1))
    return {
        "shape": (n, h, w, c),
        "k": k,
        "strides": strides,
        "padding": padding,
        "four": four,
        "rng": np.random.default_rng(seed),
    }


def random(rng, shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def ties(rng, shape, dtype=np.float32):
    """Values from a handful of levels (mostly negative) so that windows hold equal maxima."""
    return rng.integers(-3, 1, size=shape).astype(dtype)


# ---------------------------------------------------------------------------------------------
# padding_sizes


@pytest.mark.parametrize(
    ("in_size", "k", "stride", "padding", "expected"),
    [
        (28, 5, 1, "SAME", (28, 2, 2)),
        (28, 2, 2, "SAME", (14, 0, 0)),
        (7, 2, 2, "SAME", (4, 0, 1)),
        (4, 3, 2, "SAME", (2, 0, 1)),
        (3, 4, 1, "SAME", (3, 1, 2)),
        (1, 5, 1, "SAME", (1, 2, 2)),
        (2, 5, 3, "SAME", (1, 1, 2)),
        (10, 1, 3, "SAME", (4, 0, 0)),
        (28, 5, 1, "VALID", (24, 0, 0)),
        (5, 2, 2, "VALID", (2, 0, 0)),
        (6, 3, 3, "VALID", (2, 0, 0)),
        (4, 4, 3, "VALID", (1, 0, 0)),
    ],
)
def test_padding_sizes_follow_tensorflow(in_size, k, stride, padding, expected):
    assert ck.padding_sizes(in_size, k, stride, padding) == expected


@given(st.integers(1, 40), st.integers(1, 9), st.integers(1, 5), st.sampled_from(PADDINGS))
def test_padding_sizes_cover_the_input_with_the_smaller_half_before(in_size, k, stride, padding):
    if padding == "VALID" and k > in_size:
        with pytest.raises(ValueError, match=f"subtracting {k} from {in_size}"):
            ck.padding_sizes(in_size, k, stride, padding)
        return
    out, before, after = ck.padding_sizes(in_size, k, stride, padding)
    assert (out, before) == ref_geometry(in_size, k, stride, padding)
    assert before <= after <= before + 1 or (padding == "VALID" and before == after == 0)
    last_window_end = (out - 1) * stride + k
    assert last_window_end <= in_size + before + after  # every window lies in the padded input
    assert max(before, after) < k  # no window is padding only


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((5, 0, 1, "SAME"), "window size must be >= 1"),
        ((5, 2, 0, "VALID"), "stride must be >= 1"),
        ((5, 2, -1, "SAME"), "stride must be >= 1"),
        ((-1, 2, 1, "SAME"), "input size must be >= 0"),
        ((5, 2, 1, "same"), 'padding must be "SAME" or "VALID"'),
        ((5, 2.5, 1, "SAME"), "window size must be an integer"),
    ],
)
def test_padding_sizes_rejects_impossible_arguments(args, match):
    with pytest.raises(ValueError, match=match):
        ck.padding_sizes(*args)


# ---------------------------------------------------------------------------------------------
# Convolution against the loop reference


def conv_problem(case):
    rng = case["rng"]
    kh, kw = case["k"]
    out_c = int(rng.integers(1, 4))
    x = random(rng, case["shape"])
    w = random(rng, (kh, kw, case["shape"][3], out_c))
    strides = spec(case["strides"], case["four"])
    return x, w, strides, case["padding"]


@contextlib.contextmanager
def block_size(tiny):
    """With ``tiny``, the convolutions work one example per block (the many-block path)."""
    with pytest.MonkeyPatch.context() as patch:
        if tiny:
            patch.setattr(ck, "_BLOCK_BYTES", 1)
        yield


@CASES
@given(sliding_cases(), st.booleans())
def test_conv2d_matches_the_loop_reference(case, tiny_blocks):
    x, w, strides, padding = conv_problem(case)
    expected = ref_conv2d(x.astype(float), w.astype(float), case["strides"], padding)
    with block_size(tiny_blocks):
        assert_matches(ck.conv2d(x, w, strides, padding), expected)


@CASES
@given(sliding_cases(), st.booleans())
def test_conv2d_gradients_match_the_loop_reference(case, tiny_blocks):
    x, w, strides, padding = conv_problem(case)
    out_shape = ck.conv2d(x, w, strides, padding).shape
    grad = random(case["rng"], out_shape)
    x64, w64, g64 = x.astype(float), w.astype(float), grad.astype(float)
    with block_size(tiny_blocks):
        dx = ck.conv2d_backprop_input(x.shape, w, grad, strides, padding)
        dw = ck.conv2d_backprop_filter(x, w.shape, grad, strides, padding)
    assert_matches(dx, ref_conv2d_backprop_input(x.shape, w64, g64, case["strides"], padding))
    assert_matches(dw, ref_conv2d_backprop_filter(x64, w.shape, g64, case["strides"], padding))


@CASES
@given(sliding_cases(max_size=9, max_k=5))
def test_conv2d_gradients_are_adjoint_to_the_forward(case):
    """<conv(x, w), g> == <x, backprop_input(g)> == <w, backprop_filter(g)>."""
    rng = case["rng"]
    kh, kw = case["k"]
    x = random(rng, case["shape"], np.float64)
    w = random(rng, (kh, kw, case["shape"][3], 2), np.float64)
    strides, padding = spec(case["strides"], case["four"]), case["padding"]
    y = ck.conv2d(x, w, strides, padding)
    g = random(rng, y.shape, np.float64)
    dx = ck.conv2d_backprop_input(x.shape, w, g, strides, padding)
    dw = ck.conv2d_backprop_filter(x, w.shape, g, strides, padding)
    assert (y.dtype, dx.dtype, dw.dtype) == (np.float64,) * 3
    forward = np.vdot(y, g)
    assert np.vdot(x, dx) == pytest.approx(forward, rel=1e-10, abs=1e-10)
    assert np.vdot(w, dw) == pytest.approx(forward, rel=1e-10, abs=1e-10)


def numeric_gradient(f, array, eps=1e-6):
    """Central differences of the scalar function f with respect to every entry of array."""
    grad = np.zeros_like(array)
    flat, flat_grad = array.reshape(-1), grad.reshape(-1)
    for index in range(flat.size):
        saved = flat[index]
        flat[index] = saved + eps
        up = f()
        flat[index] = saved - eps
        down = f()
        flat[index] = saved
        flat_grad[index] = (up - down) / (2 * eps)
    return grad


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "strides", "padding"),
    [
        ((2, 5, 4, 2), (3, 2, 2, 3), (1, 1), "SAME"),
        ((1, 6, 5, 1), (2, 3, 1, 2), (2, 3), "SAME"),
        ((2, 5, 6, 2), (3, 3, 2, 1), (2, 2), "VALID"),
        ((1, 4, 4, 3), (4, 1, 3, 2), (3, 1), "VALID"),
    ],
)
def test_conv2d_gradients_match_numeric_differentiation(x_shape, w_shape, strides, padding):
    rng = np.random.default_rng(1)
    x = random(rng, x_shape, np.float64)
    w = random(rng, w_shape, np.float64)
    g = random(rng, ck.conv2d(x, w, strides, padding).shape, np.float64)

    def loss():
        return np.vdot(ck.conv2d(x, w, strides, padding), g)

    dx = ck.conv2d_backprop_input(x.shape, w, g, strides, padding)
    dw = ck.conv2d_backprop_filter(x, w.shape, g, strides, padding)
    np.testing.assert_allclose(dx, numeric_gradient(loss, x), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dw, numeric_gradient(loss, w), rtol=1e-6, atol=1e-8)


def test_conv2d_of_the_tutorial_cnn_shapes_matches_the_reference():
    """Big enough for more than one column block: batch 50, 14x14x32 -> 64, SAME."""
    rng = np.random.default_rng(2)
    x, w = random(rng, (50, 14, 14, 32)), random(rng, (5, 5, 32, 64))
    g = random(rng, (50, 14, 14, 64))
    x64, w64, g64 = x.astype(float), w.astype(float), g.astype(float)
    windows = np.lib.stride_tricks.sliding_window_view(
        np.pad(x64, ((0, 0), (2, 2), (2, 2), (0, 0))), (5, 5), axis=(1, 2)
    )  # [n, h, w, c, kh, kw]
    assert_matches(
        ck.conv2d(x, w, [1, 1, 1, 1], "SAME"), np.einsum("nhwcij,ijco->nhwo", windows, w64)
    )
    dw = ck.conv2d_backprop_filter(x, w.shape, g, [1, 1, 1, 1], "SAME")
    assert_matches(dw, np.einsum("nhwcij,nhwo->ijco", windows, g64))
    dx = ck.conv2d_backprop_input(x.shape, w, g, [1, 1, 1, 1], "SAME")
    assert_matches(dx, ref_conv2d_backprop_input(x.shape, w64, g64, (1, 1), "SAME"))


# ---------------------------------------------------------------------------------------------
# Pooling against the loop reference


def pool_problem(case, values=random):
    x = values(case["rng"], case["shape"])
    return x, spec(case["k"], case["four"]), spec(case["strides"], case["four"]), case["padding"]


@CASES
@given(sliding_cases(), st.sampled_from([random, ties]))
def test_max_pool_and_its_gradient_match_the_loop_reference(case, values):
    x, ksize, strides, padding = pool_problem(case, values)
    x64 = x.astype(float)
    y = ck.max_pool(x, ksize, strides, padding)
    assert_matches(y, ref_pool(x64, case["k"], case["strides"], padding, np.max))
    grad = random(case["rng"], y.shape)
    dx = ck.max_pool_grad(x, y, grad, ksize, strides, padding)
    expected = ref_max_pool_grad(x64, grad.astype(float), case["k"], case["strides"], padding)
    assert_matches(dx, expected)


@CASES
@given(sliding_cases())
def test_avg_pool_and_its_gradient_match_the_loop_reference(case):
    x, ksize, strides, padding = pool_problem(case)
    y = ck.avg_pool(x, ksize, strides, padding)
    assert_matches(y, ref_pool(x.astype(float), case["k"], case["strides"], padding, np.mean))
    grad = random(case["rng"], y.shape)
    dx = ck.avg_pool_grad(x.shape, grad, ksize, strides, padding)
    expected = ref_avg_pool_grad(x.shape, grad.astype(float), case["k"], case["strides"], padding)
    assert_matches(dx, expected)


@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("shape", [(3, 4, 6, 2), (2, 28, 28, 32), (1, 2, 2, 1)])
@pytest.mark.parametrize("values", [random, ties])
def test_2x2_stride_2_pooling_on_even_sizes_matches_the_loop_reference(shape, padding, values):
    """The reshape-based paths of the tutorial's pooling."""
    rng = np.random.default_rng(3)
    x = values(rng, shape)
    x64 = x.astype(float)
    y = ck.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], padding)
    grad = random(rng, y.shape)
    g64 = grad.astype(float)
    dx = ck.max_pool_grad(x, y, grad, [1, 2, 2, 1], [1, 2, 2, 1], padding)
    assert_matches(y, ref_pool(x64, (2, 2), (2, 2), padding, np.max))
    assert_matches(dx, ref_max_pool_grad(x64, g64, (2, 2), (2, 2), padding))
    avg = ck.avg_pool(x, (2, 2), (2, 2), padding)
    davg = ck.avg_pool_grad(x.shape, grad, (2, 2), (2, 2), padding)
    assert_matches(avg, ref_pool(x64, (2, 2), (2, 2), padding, np.mean))
    assert_matches(davg, ref_avg_pool_grad(x.shape, g64, (2, 2), (2, 2), padding))


@pytest.mark.parametrize(
    ("ksize", "strides", "padding"),
    [((2, 2), (2, 2), "VALID"), ((3, 2), (1, 2), "SAME"), ((2, 3), (2, 1), "VALID")],
)
def test_pool_gradients_match_numeric_differentiation(ksize, strides, padding):
    rng = np.random.default_rng(4)
    # Distinct values 0.1 apart: no ties, so max pooling is differentiable at x.
    x = (rng.permutation(2 * 5 * 6 * 2) * 0.1).reshape(2, 5, 6, 2)
    y = ck.max_pool(x, ksize, strides, padding)
    g = random(rng, y.shape, np.float64)
    numeric_max = numeric_gradient(lambda: np.vdot(ck.max_pool(x, ksize, strides, padding), g), x)
    numeric_avg = numeric_gradient(lambda: np.vdot(ck.avg_pool(x, ksize, strides, padding), g), x)
    dmax = ck.max_pool_grad(x, y, g, ksize, strides, padding)
    davg = ck.avg_pool_grad(x.shape, g, ksize, strides, padding)
    np.testing.assert_allclose(dmax, numeric_max, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(davg, numeric_avg, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("fill", [-5.0, -np.inf])
@pytest.mark.parametrize("shape", [(1, 3, 3, 1), (1, 4, 4, 2)])
def test_max_pool_padding_never_wins(fill, shape):
    """All-negative (even -inf) windows keep their real maximum and route to it, not padding."""
    x = np.full(shape, fill, dtype=np.float32)
    y = ck.max_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME")
    # An all -inf window gives the lowest finite float, as TensorFlow's does.
    assert np.all(y == max(np.float32(fill), np.finfo(np.float32).min))
    dx = ck.max_pool_grad(x, y, np.ones_like(y), [1, 3, 3, 1], [1, 2, 2, 1], "SAME")
    expected = ref_max_pool_grad(x.astype(float), np.ones(y.shape), (3, 3), (2, 2), "SAME")
    assert_matches(dx, expected)
    assert dx.sum() == y.size  # each output's gradient landed once, on a real element


NAN, INF, LOWEST = np.nan, np.inf, np.finfo(np.float32).min
# Values measured with TensorFlow (tf.nn.max_pool and its gradient, float32, one channel):
# the max skips NaN and starts at the lowest finite float; the gradient goes to the window's
# first real element when that is NaN or nothing beats it, else to the first maximum.
TF_NAN_POOLS = [
    # (x rows, k, stride, padding, y rows, dx rows for grad = 1, 2, 3, ...)
    ([[NAN, 1], [2, NAN]], 2, 2, "VALID", [[2]], [[1, 0], [0, 0]]),
    ([[1, NAN], [2, NAN]], 2, 2, "VALID", [[2]], [[0, 0], [1, 0]]),
    ([[NAN, NAN], [NAN, NAN]], 2, 2, "VALID", [[LOWEST]], [[1, 0], [0, 0]]),
    ([[-INF, -INF], [-INF, -INF]], 2, 2, "VALID", [[LOWEST]], [[1, 0], [0, 0]]),
    ([[NAN, 3, -INF], [2, NAN, 5], [1, 1, NAN]], 2, 1, "SAME",
     [[3, 5, 5], [2, 5, 5], [1, 1, LOWEST]], [[1, 0, 0], [4, 5, 11], [7, 8, 9]]),
    ([[-INF] * 3] * 3, 2, 1, "SAME", [[LOWEST] * 3] * 3, [[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
    ([[NAN, 3, -INF], [2, NAN, 5], [1, 1, NAN]], 3, 2, "SAME",
     [[3, 5], [2, 5]], [[1, 0, 0], [3, 4, 2], [0, 0, 0]]),
    ([[-INF, -INF, 1], [NAN, -INF, NAN], [-INF, -INF, -INF]], 3, 1, "SAME",
     None, None),  # checked against the running-argmax reference below
]


def ref_tf_max_pool(x, k, stride, padding):
    """TensorFlow's loop: a running max from the lowest float; argmax moves only up."""
    (oh, ow), windows = ref_taps(x.shape[1:3], (k, k), (stride, stride), padding)
    y = np.full((1, oh, ow, 1), LOWEST)
    winner = {}
    for (i, j), taps in windows.items():
        best, where = None, None
        for _, _, row, col in taps:
            value = x[0, row, col, 0]
            y[0, i, j, 0] = np.fmax(y[0, i, j, 0], value)
            if where is None or value > best:
                best, where = value, (row, col)
        winner[i, j] = where
    return y, winner


@pytest.mark.parametrize(("x", "k", "stride", "padding", "y", "dx"), TF_NAN_POOLS)
def test_max_pool_skips_nan_and_floors_at_the_lowest_float_like_tensorflow(
        x, k, stride, padding, y, dx):
    x = np.array(x, np.float32)[None, :, :, None]
    want_y, winner = ref_tf_max_pool(x, k, stride, padding)
    got_y = ck.max_pool(x, (k, k), (stride, stride), padding)
    grad = np.arange(1, got_y.size + 1, dtype=np.float32).reshape(got_y.shape)
    got_dx = ck.max_pool_grad(x, got_y, grad, (k, k), (stride, stride), padding)
    want_dx = np.zeros_like(x)
    for (i, j), (row, col) in winner.items():
        want_dx[0, row, col, 0] += grad[0, i, j, 0]
    np.testing.assert_array_equal(got_y, want_y.astype(np.float32))
    np.testing.assert_array_equal(got_dx, want_dx)
    if y is not None:  # the reference itself agrees with TensorFlow's measured answer
        np.testing.assert_array_equal(want_y[0, :, :, 0], np.array(y, np.float32))
        np.testing.assert_array_equal(want_dx[0, :, :, 0], np.array(dx, np.float32))


def test_max_pool_grad_routes_ties_to_the_first_maximum_in_row_major_order():
    x = np.array([[0, 1, 1], [1, 1, 0], [0, 0, 1]], dtype=np.float32).reshape(1, 3, 3, 1)
    y = ck.max_pool(x, (3, 3), (1, 1), "VALID")
    dx = ck.max_pool_grad(x, y, np.full_like(y, 7.0), (3, 3), (1, 1), "VALID")
    expected = np.zeros((1, 3, 3, 1), dtype=np.float32)
    expected[0, 0, 1, 0] = 7.0
    np.testing.assert_array_equal(dx, expected)


@pytest.mark.parametrize("special", [np.inf, -np.inf, np.nan])
def test_max_pool_grad_routes_special_gradient_values_unchanged(special):
    """The gradient is routed, not multiplied: inf and NaN stay where they are sent."""
    x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    for ksize in [(2, 2), (3, 3)]:
        y = ck.max_pool(x, ksize, (2, 2), "SAME")
        grad = np.ones_like(y)
        grad[0, 0, 0, 0] = special
        dx = ck.max_pool_grad(x, y, grad, ksize, (2, 2), "SAME")
        expected = ref_max_pool_grad(x.astype(float), grad.astype(float), ksize, (2, 2), "SAME")
        np.testing.assert_array_equal(dx, expected.astype(np.float32))


# ---------------------------------------------------------------------------------------------
# Arrays: dtypes, layouts, empty batches, no aliasing between calls


def every_kernel(x, w, strides, padding):
    """Run every function once on one problem; return the named results."""
    y = ck.conv2d(x, w, strides, padding)
    pooled = ck.max_pool(x, (2, 2), strides, padding)
    averaged = ck.avg_pool(x, (2, 2), strides, padding)
    return {
        "conv2d": y,
        "backprop_input": ck.conv2d_backprop_input(x.shape, w, y, strides, padding),
        "backprop_filter": ck.conv2d_backprop_filter(x, w.shape, y, strides, padding),
        "max_pool": pooled,
        "max_pool_grad": ck.max_pool_grad(x, pooled, pooled, (2, 2), strides, padding),
        "avg_pool": averaged,
        "avg_pool_grad": ck.avg_pool_grad(x.shape, averaged, (2, 2), strides, padding),
    }


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("padding", PADDINGS)
def test_results_keep_the_input_dtype_and_are_c_contiguous(dtype, padding):
    rng = np.random.default_rng(5)
    x, w = random(rng, (2, 6, 5, 3), dtype), random(rng, (3, 3, 3, 4), dtype)
    for name, result in every_kernel(x, w, (2, 1), padding).items():
        assert result.dtype == dtype, name
        assert result.flags.c_contiguous, name


@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("strides", [(1, 1), (2, 2)])
@pytest.mark.parametrize(
    ("x_shape", "w_shape"),
    [
        ((2, 8, 8, 3), (3, 3, 3, 2)),
        ((1, 5, 4, 2), (3, 1, 2, 2)),  # one example, padding in height only
        ((1, 4, 5, 2), (1, 3, 2, 2)),  # one example, padding in width only
    ],
)
def test_results_do_not_change_when_the_kernels_run_again(padding, strides, x_shape, w_shape):
    """Work buffers are reused between calls; results must never be one of them."""
    rng = np.random.default_rng(6)
    x, w = random(rng, x_shape), random(rng, w_shape)
    x_before, w_before = x.copy(), w.copy()
    first = every_kernel(x, w, strides, padding)
    np.testing.assert_array_equal(x, x_before)  # inputs are only read
    np.testing.assert_array_equal(w, w_before)
    kept = {name: result.copy() for name, result in first.items()}
    every_kernel(random(rng, x.shape), random(rng, w.shape), strides, padding)
    for name, result in first.items():
        np.testing.assert_array_equal(result, kept[name], err_msg=name)


def test_kernels_running_in_two_threads_at_once_do_not_disturb_each_other():
    rng = np.random.default_rng(9)
    problems = [(random(rng, (8, 16, 16, 4)), random(rng, (3, 3, 4, 8))) for _ in range(2)]
    expected = [every_kernel(x, w, (1, 1), "SAME") for x, w in problems]

    def run(index):
        x, w = problems[index]
        return [every_kernel(x, w, (1, 1), "SAME") for _ in range(20)]

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(run, [0, 1]))
    for index, runs in enumerate(outcomes):
        for results in runs:
            for name, result in results.items():
                np.testing.assert_array_equal(result, expected[index][name], err_msg=name)


def test_non_contiguous_inputs_give_the_same_results():
    rng = np.random.default_rng(7)
    x = random(rng, (3, 7, 6, 2))
    w = random(rng, (3, 2, 2, 4))
    x_strided = np.asfortranarray(x)
    w_strided = np.asfortranarray(w)
    expected = every_kernel(x, w, (2, 2), "SAME")
    for name, result in every_kernel(x_strided, w_strided, (2, 2), "SAME").items():
        np.testing.assert_allclose(result, expected[name], rtol=1e-6, err_msg=name)


@pytest.mark.parametrize("padding", PADDINGS)
def test_an_empty_batch_gives_empty_results(padding):
    x = np.zeros((0, 6, 6, 2), dtype=np.float32)
    w = np.ones((3, 3, 2, 4), dtype=np.float32)
    results = every_kernel(x, w, (1, 1), padding)
    dw = results.pop("backprop_filter")
    for name, result in results.items():
        assert result.shape[0] == 0, name
    assert dw.shape == w.shape
    assert not dw.any()


def test_zero_output_channels_give_empty_results():
    x = np.ones((2, 5, 5, 3), dtype=np.float32)
    w = np.ones((3, 3, 3, 0), dtype=np.float32)
    y = ck.conv2d(x, w, (1, 1), "SAME")
    assert y.shape == (2, 5, 5, 0)
    assert ck.conv2d_backprop_filter(x, w.shape, y, (1, 1), "SAME").shape == w.shape
    dx = ck.conv2d_backprop_input(x.shape, w, y, (1, 1), "SAME")
    np.testing.assert_array_equal(dx, np.zeros_like(x))


def test_strides_as_a_tensorflow_list_or_a_pair_agree():
    rng = np.random.default_rng(8)
    x, w = random(rng, (2, 7, 7, 2)), random(rng, (3, 3, 2, 2))
    np.testing.assert_array_equal(
        ck.conv2d(x, w, [1, 2, 3, 1], "SAME"), ck.conv2d(x, w, (2, 3), "SAME")
    )
    np.testing.assert_array_equal(
        ck.max_pool(x, [1, 3, 2, 1], [1, 2, 3, 1], "SAME"), ck.max_pool(x, (3, 2), (2, 3), "SAME")
    )
    for dilations in (None, [1, 1, 1, 1], (1, 1)):
        np.testing.assert_array_equal(
            ck.conv2d(x, w, (1, 1), "VALID", dilations=dilations), ck.conv2d(x, w, (1, 1), "VALID")
        )


# ---------------------------------------------------------------------------------------------
# Bad input: ValueError (TypeError for dtypes) whose message names the problem and the shapes

X = np.zeros((2, 5, 5, 3), dtype=np.float32)
W = np.zeros((3, 3, 3, 4), dtype=np.float32)
Y = np.zeros((2, 3, 3, 4), dtype=np.float32)  # conv2d(X, W, VALID)
P = np.zeros((2, 2, 2, 3), dtype=np.float32)  # max_pool(X, 2x2, stride 2, VALID)
ONES = [1, 1, 1, 1]
POOL = [1, 2, 2, 1]


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: ck.conv2d(X[0], W, ONES, "SAME"), ValueError, r"input must be 4-D.*\[5,5,3\]"),
        (lambda: ck.conv2d(X, W[0], ONES, "SAME"), ValueError, r"filter must be 4-D.*\[3,3,4\]"),
        (
            lambda: ck.conv2d(X, W[:, :, :2], ONES, "SAME"),
            ValueError,
            r"Dimensions must be equal, but are 3 and 2.*\[2,5,5,3\].*\[3,3,2,4\]",
        ),
        (
            lambda: ck.conv2d(X[:, :2], W, ONES, "VALID"),
            ValueError,
            r"Negative dimension size caused by subtracting 3 from 2.*\[2,2,5,3\]",
        ),
        (lambda: ck.conv2d(X, W, [1, 0, 1, 1], "SAME"), ValueError, "strides must be positive"),
        (lambda: ck.conv2d(X, W, (1, -2), "SAME"), ValueError, "strides must be positive"),
        (lambda: ck.conv2d(X, W, [2, 1, 1, 1], "SAME"), ValueError, "batch or channel"),
        (lambda: ck.conv2d(X, W, [1, 1, 1], "SAME"), ValueError, "4 entries.*or 2 entries"),
        (lambda: ck.conv2d(X, W, 1, "SAME"), ValueError, r"strides must be a sequence"),
        (lambda: ck.conv2d(X, W, ONES, "same"), ValueError, 'padding must be "SAME" or "VALID"'),
        (lambda: ck.conv2d(X, W, ONES, "SAME", [1, 2, 2, 1]), ValueError, "dilations other"),
        (lambda: ck.conv2d(X.astype(int), W, ONES, "SAME"), TypeError, "input must be a float"),
        (lambda: ck.conv2d(X, W.astype(float), ONES, "SAME"), TypeError, "filter has dtype"),
        (
            lambda: ck.conv2d_backprop_input(X.shape, W, Y[:, :2], ONES, "VALID"),
            ValueError,
            r"out_backprop has shape \[2,2,3,4\] but the forward output has shape \[2,3,3,4\]",
        ),
        (
            lambda: ck.conv2d_backprop_input((2, 5, 5), W, Y, ONES, "VALID"),
            ValueError,
            "input_shape must be 4 non-negative ints",
        ),
        (
            lambda: ck.conv2d_backprop_filter(X, (3, 3, 3, 5), Y, ONES, "VALID"),
            ValueError,
            r"out_backprop has shape \[2,3,3,4\] but the forward output has shape \[2,3,3,5\]",
        ),
        (
            lambda: ck.conv2d_backprop_filter(X, (3, 3, 2, 4), Y, ONES, "VALID"),
            ValueError,
            r"Dimensions must be equal.*filter shape \[3,3,2,4\]",
        ),
        (lambda: ck.max_pool(X, [1, 0, 2, 1], POOL, "VALID"), ValueError, "ksize must be positive"),
        (lambda: ck.max_pool(X, [2, 2, 2, 1], POOL, "VALID"), ValueError, "batch or channel"),
        (
            lambda: ck.max_pool(X, [1, 6, 2, 1], POOL, "VALID"),
            ValueError,
            r"subtracting 6 from 5.*\[2,5,5,3\], ksize \[6, 2\]",
        ),
        (lambda: ck.avg_pool(X[0], POOL, POOL, "VALID"), ValueError, r"input must be 4-D"),
        (lambda: ck.avg_pool(X, POOL, [1, 1, 0, 1], "SAME"), ValueError, "strides must be"),
        (
            lambda: ck.max_pool_grad(X, P[:, :1], P, POOL, POOL, "VALID"),
            ValueError,
            r"orig_output has shape \[2,1,2,3\] but the forward output has shape \[2,2,2,3\]",
        ),
        (
            lambda: ck.max_pool_grad(X, P, P[..., :1], POOL, POOL, "VALID"),
            ValueError,
            r"grad has shape \[2,2,2,1\]",
        ),
        (
            lambda: ck.avg_pool_grad(X.shape, P[:1], POOL, POOL, "VALID"),
            ValueError,
            r"grad has shape \[1,2,2,3\] but the forward output has shape \[2,2,2,3\]",
        ),
        (
            lambda: ck.max_pool_grad(X, P, P.astype(np.float64), POOL, POOL, "VALID"),
            TypeError,
            "grad has dtype float64",
        ),
    ],
)
def test_bad_input_is_a_clear_error_naming_the_shapes(call, error, match):
    with pytest.raises(error, match=match):
        call()
