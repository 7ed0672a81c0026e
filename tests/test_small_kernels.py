"""Small-array fast paths of the tutorial's kernels give NumPy's / the shifted formula's results.

Sums over a short last axis or over leading axes run as BLAS products with ones, and the
softmax skips the per-row maximum when the logits are bounded; both must agree with the
plain formulas, and everything outside the fast paths (ints, long rows, inf, NaN, huge
logits, other layouts) must keep the plain path's results.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from smallflow.ops.common import blas_sum
from smallflow.ops.nn_ops import _softmax


def _shifted_softmax(x):
    shifted = x - x.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


@pytest.mark.parametrize(("shape", "axes", "used"), [
    ((100, 10), (1,), True),  # the tutorial's loss and softmax-gradient sums
    ((100, 10), (0,), True),  # its bias gradient
    ((4, 5, 6), (2,), True),
    ((4, 5, 6), (0, 1), True),
    ((3, 200), (1,), False),  # a long row keeps NumPy's pairwise sum
    ((4, 5, 6), (1,), False),  # a middle axis
    ((4, 5, 6), (0, 2), False),
    ((4, 5), (0, 1), False),  # a full reduction
    ((7,), (0,), False),
    ((0, 3), (1,), False),  # empty
    ((3, 3), (1, 1), False),  # a repeated axis is the caller's error to report
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("keepdims", [False, True])
def test_blas_sums_match_numpy_where_they_apply(shape, axes, used, dtype, keepdims):
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    got = blas_sum(x, axes, keepdims)
    if not used:
        assert got is None
        return
    want = np.add.reduce(x, axis=axes, keepdims=keepdims)
    assert got.shape == want.shape
    assert got.dtype == want.dtype
    # Sums near zero cancel: their error is relative to the terms, not to the sum.
    single = dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-6 if single else 1e-13,
                               atol=1e-5 if single else 1e-12)


@pytest.mark.parametrize("x", [
    np.ones((4, 3), np.int32),
    np.ones((4, 3), np.float16),
    np.ones((4, 6), np.float32)[:, ::2],  # not contiguous
])
def test_blas_sums_leave_other_arrays_to_numpy(x):
    assert blas_sum(x, (1,), False) is None


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float32, hnp.array_shapes(min_dims=1, max_dims=3, max_side=12),
                  elements=st.floats(-40, 40, width=32)))
def test_softmax_is_as_accurate_as_the_shifted_formula(x):
    # Both float32 forms round differently (the shift itself rounds x - max); each is within
    # a few float32 ulps of the float64 result.
    exact = _shifted_softmax(x.astype(np.float64))
    got = _softmax(x.copy())
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, exact, rtol=1e-5, atol=1e-37)
    np.testing.assert_allclose(_shifted_softmax(x), exact, rtol=1e-5, atol=1e-37)


@pytest.mark.parametrize("row", [
    [1000.0, 0.0, -1000.0],  # huge logits: the shifted path
    [-200.0, -201.0, -202.0],  # all tiny: unshifted exp would underflow to 0/0
    [np.inf, 0.0, 1.0],
    [np.nan, 0.0, 1.0],
    [29.9, -29.9, 0.0],  # inside the bounds
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_of_extreme_rows_is_the_shifted_formulas(row, dtype):
    x = np.array([row, [0.0, 1.0, 2.0]], dtype)
    with np.errstate(all="ignore"):
        want = _shifted_softmax(x)
        got = _softmax(x.copy())
    assert got.dtype == dtype
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=0)
