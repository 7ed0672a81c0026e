"""pool_kernels: the 2x2/stride-2 max-pool and its gradient give conv_kernels' results bit for
bit (signed zeros, NaN and infinities included), on one thread and cut over two."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smallflow import config
from smallflow.ops import conv_kernels, nn_ops, pool_kernels

POOL = ((2, 2), (2, 2))


@pytest.fixture(params=[1, 2], ids=["1 thread", "2 threads"])
def threads(request, monkeypatch):
    monkeypatch.setattr(config, "threads_in_use", lambda: request.param)
    return request.param


@pytest.fixture(params=[False, True], ids=["one block", "a block per image"])
def blocks(request, monkeypatch):
    """The gradient runs in blocks of images: specials found in any block of the batch."""
    if request.param:
        monkeypatch.setattr(pool_kernels, "_BLOCK_BYTES", 1)
    return request.param


def _bits(a):
    return a.view(f"u{a.itemsize}")


def _activation(dtype, case, shape=(9, 6, 8, 3)):
    """A ReLU output (>= 0, many zeros: ties) with the special values of ``case``."""
    rng = np.random.default_rng(11)
    x = np.maximum(rng.standard_normal(shape), 0).astype(dtype)
    x[0, :2] = 1.5  # whole windows of equal values: the first cell wins
    if case == "signed zeros":
        x[1] = -0.0
        x[1, 0, 1] = 0.0
    elif case == "infinities":
        x[2, 0, 0] = np.inf
        x[2, 2:4, 2:4] = -np.inf  # a window of -inf alone: its max is the lowest float
        x[3, 1, 1] = -np.inf
    elif case == "nan first":
        x[4, 0, 0] = np.nan  # TensorFlow's running argmax stays on a NaN first cell
        x[4, 2, 3] = np.nan
    elif case == "nan elsewhere":  # NaN in no window's first cell: equal to nothing
        x[5, 0, 1] = np.nan
        x[5, 3, 2] = np.nan
        x[5, 5, 7] = np.nan
    elif case == "negative":
        x -= dtype(0.7)
    return x


CASES = ["plain", "signed zeros", "infinities", "nan first", "nan elsewhere", "negative"]
DTYPES = [np.float16, np.float32, np.float64]


def _upstream(shape, dtype, special):
    rng = np.random.default_rng(12)
    grad = rng.standard_normal(shape).astype(dtype)
    grad[0, 0, 0] = -0.0
    if special:
        grad[1, 0, 0, 0] = np.inf
        grad[2, 1, 1, 1] = -np.inf
    return grad


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES)
def test_forward_equals_conv_kernels(threads, case, dtype, padding):
    x = _activation(dtype, case)
    expected = conv_kernels.max_pool(x, *POOL, padding)
    got = pool_kernels.max_pool(x, *POOL, padding)
    assert got.dtype == expected.dtype
    assert got.shape == expected.shape
    np.testing.assert_array_equal(_bits(got), _bits(expected))


@pytest.mark.parametrize("special", [False, True], ids=["finite grad", "infinite grad"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES)
def test_gradient_equals_conv_kernels(threads, blocks, case, dtype, special):
    x = _activation(dtype, case)
    y = conv_kernels.max_pool(x, *POOL, "VALID")
    grad = _upstream(y.shape, dtype, special)
    expected = conv_kernels.max_pool_grad(x, y, grad, *POOL, "VALID")
    got = pool_kernels.max_pool_grad(x, y, grad, *POOL, "VALID")
    assert got.dtype == expected.dtype
    assert got.shape == expected.shape
    np.testing.assert_array_equal(_bits(got), _bits(expected))


@pytest.mark.parametrize("special", [False, True], ids=["finite grad", "infinite grad"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES)
def test_relu_gradient_after_the_pools_equals_the_two_kernels(threads, blocks, case, dtype,
                                                               special):
    """ReluGrad(MaxPoolGrad(x, y, g), x) in one call: where it applies, the same bits as the
    two kernels one after the other; where it does not (NaN, all -inf), it says so."""
    x = _activation(dtype, case)
    y = conv_kernels.max_pool(x, *POOL, "VALID")
    grad = _upstream(y.shape, dtype, special)
    with np.errstate(invalid="ignore"):  # inf * 0: NaN, as in Session.run
        expected = nn_ops._relu_grad(conv_kernels.max_pool_grad(x, y, grad, *POOL, "VALID"), x)
        got = pool_kernels.max_pool_grad_2x2(x, y, grad, relu=True)
    if case in ("infinities", "nan first"):
        assert got is None
        return
    assert got is not None
    np.testing.assert_array_equal(_bits(got), _bits(expected))


# (what is given, why this module leaves it to conv_kernels)
NOT_HANDLED = [
    (np.zeros((2, 5, 4, 1), np.float32), POOL, "odd height"),
    (np.zeros((2, 4, 4, 1), np.float32), ((3, 3), (2, 2)), "3x3 windows"),
    (np.zeros((2, 4, 4, 1), np.float32), ((2, 2), (1, 1)), "stride 1"),
    (np.zeros((2, 4, 4, 1), np.int32), POOL, "integers"),
    (np.zeros((2, 4, 8, 1), np.float32)[:, :, ::2], POOL, "a strided view"),
    (np.zeros((4, 4, 1), np.float32), POOL, "rank 3"),
    ([[[[1.0]]]], POOL, "a list"),
]


@pytest.mark.parametrize(("x", "pool", "why"), NOT_HANDLED, ids=[n[2] for n in NOT_HANDLED])
def test_other_pools_are_left_to_conv_kernels(x, pool, why):
    assert not pool_kernels.is_2x2_pool(x, *pool, "VALID")


def test_bad_input_gets_conv_kernels_errors():
    with pytest.raises(ValueError, match="orig_output"):
        pool_kernels.max_pool_grad(np.zeros((1, 4, 4, 1), np.float32),
                                   np.zeros((1, 3, 3, 1), np.float32),
                                   np.zeros((1, 2, 2, 1), np.float32), *POOL, "VALID")


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(0, 9),
    half_h=st.integers(1, 4),
    half_w=st.integers(1, 4),
    c=st.integers(1, 4),
    seed=st.integers(0, 2**32 - 1),
    two=st.booleans(),
)
def test_random_shapes_and_small_integer_values(n, half_h, half_w, c, seed, two):
    """Values from a handful of integers: ties in every position of the windows."""
    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, (n, 2 * half_h, 2 * half_w, c)).astype(np.float32)
    grad = rng.standard_normal((n, half_h, half_w, c)).astype(np.float32)
    original = config.threads_in_use
    config.threads_in_use = lambda: 2 if two else 1
    try:
        y = pool_kernels.max_pool(x, *POOL, "SAME")
        got = pool_kernels.max_pool_grad(x, y, grad, *POOL, "SAME")
    finally:
        config.threads_in_use = original
    np.testing.assert_array_equal(_bits(y), _bits(conv_kernels.max_pool(x, *POOL, "SAME")))
    expected = conv_kernels.max_pool_grad(x, y, grad, *POOL, "SAME")
    np.testing.assert_array_equal(_bits(got), _bits(expected))
