"""Winograd minimal filtering: stride-1 float32 convolutions with fewer multiplications.

A stride-1 convolution with an ``r x r`` filter computes each ``m x m`` tile of its output
from an ``a x a`` tile of its input (``a = m + r - 1``). Winograd's minimal filtering
algorithm F(m x m, r x r) does it with ``a * a`` products per tile and channel pair instead of
``m * m * r * r``: both tiles are taken to "interpolation space" by small matrix products
(``V = B^T d B`` for the input tile, ``U = G g G^T`` for the filter), multiplied there element
by element and summed over input channels, and brought back (``Y = A^T M A``). Summed over
channels, the element-wise products at each of the ``a * a`` points are one matrix product
``[tiles, in_channels] x [in_channels, out_channels]``, so the work is ``a * a`` BLAS products
instead of one with ``r * r`` times more depth:

  5x5 filters: F(3x3, 5x5), 7x7 tiles: 49 products per 9 outputs instead of 225 (4.6x fewer)
  3x3 filters: F(4x4, 3x3), 6x6 tiles: 36 products per 16 outputs instead of 144 (4x fewer)

The matrices ``A``, ``B``, ``G`` come from polynomial interpolation (Toom-Cook): a linear
convolution of the filter with an output tile's weights is evaluated at ``a`` points (one of
them "infinity", the leading coefficient) and interpolated back; the correlation a
convolution layer computes is its transpose. They are computed here exactly with fractions
from the points in ``_POINTS``, which were chosen for float32 accuracy: small points (0, +-1,
+-2, +-1/2) keep the transforms' entries, and so their rounding errors, small.

Accuracy (measured against a float64 reference, relative to the largest output, see
tests/test_winograd.py and docs/architecture.md): about 2e-6 to 8e-6 for 5x5 and 1e-6 to
3e-6 for 3x3 filters over 32-64 channels, against 3e-7 to 7e-7 for the im2col product; well
below what float32 training notices, but not bit for bit the direct result.
``SMALLFLOW_CONV_ALGORITHM=direct`` (or ``smallflow.config.set_conv_algorithm("direct")``)
keeps every convolution on the direct path.

Layout, chosen so that every step is a few large BLAS calls with no Python loop over tiles
(measured on the CNN's second layer, batch 50, 32->64 channels, 14x14): a block of examples
is copied, padded, into ``[height, width, examples, channels]``; the input transform's first
half is one stacked product over tile rows, the second writes through a strided ``out=``
straight into ``V [a, a, tile rows, tile cols, examples, channels]``, where each point's
``[tiles, channels]`` matrix is contiguous; then ``a * a`` products with the transformed
filter; the output transform is one product, and ``m * m`` strided copies put the tiles
in place. Blocks of examples keep the work arrays near the L2 cache's size.
"""

import functools
import math
import threading
from fractions import Fraction

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .work_arrays import scratch

__all__ = ["conv2d", "matrices", "tile_size", "usable"]

INFINITY = None  # the point "at infinity" of an interpolation (the leading coefficient)
# Output tile size m and interpolation points for each filter size r (a = m + r - 1 points).
_POINTS = {
    3: (4, (0, 1, -1, Fraction(1, 2), -2, INFINITY)),
    5: (3, (0, 1, -1, 2, -2, Fraction(-1, 2), INFINITY)),
}
# Smallest channel counts (in and out) and output size worth the transforms; below them the
# direct (im2col) path is faster. Measured with benchmarks/bench_conv_kernels.py --sweep.
MIN_CHANNELS = 8
MIN_OUTPUT = 4
_FILTER_CACHE = threading.local()
_FILTER_CACHE_SIZE = 4


def tile_size(r):
    """The output tile size ``m`` used for ``r x r`` filters (``None``: not supported)."""
    entry = _POINTS.get(r)
    return entry[0] if entry else None


def usable(w_shape, out_h, out_w, dtype):
    """Whether a stride-1 convolution with an HWIO filter of ``w_shape`` and an output of
    ``out_h x out_w`` runs faster here than on the direct path (see MIN_CHANNELS)."""
    kh, kw, c, o = w_shape
    return (np.dtype(dtype) == np.float32 and kh == kw and kh in _POINTS
            and min(c, o) >= MIN_CHANNELS and min(out_h, out_w) >= MIN_OUTPUT)


def _inverse(matrix):
    """The inverse of a square matrix of Fractions (Gauss-Jordan, exact)."""
    n = len(matrix)
    rows = [list(row) + [Fraction(int(i == j)) for j in range(n)]
            for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = next(r for r in range(col, n) if rows[r][col] != 0)
        rows[col], rows[pivot] = rows[pivot], rows[col]
        lead = rows[col][col]
        rows[col] = [v / lead for v in rows[col]]
        for r in range(n):
            if r != col and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [v - factor * p for v, p in zip(rows[r], rows[col], strict=True)]
    return [row[n:] for row in rows]


def _evaluation(points, degree):
    """Rows evaluating a polynomial with ``degree`` coefficients at each point."""
    return [[Fraction(int(k == degree - 1)) for k in range(degree)] if p is INFINITY
            else [Fraction(p) ** k for k in range(degree)] for p in points]


@functools.lru_cache(maxsize=None)
def matrices(m, r):
    """``(AT [m, a], G [a, r], BT [a, a])`` of F(m, r) in float64, so that the correlation
    ``y[i] = sum_k d[i + k] g[k]`` of ``a`` inputs ``d`` with ``r`` taps ``g`` is
    ``AT @ ((G @ g) * (BT @ d))``.

    The linear convolution ``c = h * g`` of an ``m``-tap ``h`` with ``g`` is interpolated
    from the products of their values at the ``a`` points: ``c = V^-1 ((Vg g) * (Vh h))``.
    Since ``d . c = h . y``, the correlation is the transpose in ``h``:
    ``y = Vh^T ((Vg g) * (V^-T d))``.
    """
    tile, points = _POINTS[r]
    if tile != m:
        raise ValueError(f"F({m}, {r}) is not one of the tile sizes used here")
    a = m + r - 1
    inverse = _inverse(_evaluation(points, a))
    at = [[row[i] for row in _evaluation(points, m)] for i in range(m)]
    bt = [[inverse[i][j] for i in range(a)] for j in range(a)]
    as_array = functools.partial(np.array, dtype=np.float64)
    return (as_array([[float(v) for v in row] for row in at]),
            as_array([[float(v) for v in row] for row in _evaluation(points, r)]),
            as_array([[float(v) for v in row] for row in bt]))


def _transformed_filter(w, m):
    """``U [a * a, in, out]``: ``G w G^T`` at every point, in float64 then rounded once.

    The last few results are kept per thread with a copy of their filter: evaluating a large
    feed in chunks convolves with the same weights many times (a training step changes them).
    """
    cache = getattr(_FILTER_CACHE, "entries", None)
    if cache is None:
        cache = _FILTER_CACHE.entries = []
    for entry in cache:
        if entry[0].shape == w.shape and entry[0].dtype == w.dtype and np.array_equal(
                entry[0], w):
            return entry[1]
    r, _, c, o = w.shape
    _, g, _ = matrices(m, r)
    a = g.shape[0]
    rows = np.tensordot(g, w.astype(np.float64), axes=(1, 0))  # [a, r(j), c, o]
    both = np.tensordot(g, rows, axes=(1, 1))  # [a(nu), a(xi), c, o]
    u = np.ascontiguousarray(both.transpose(1, 0, 2, 3).reshape(a * a, c, o), dtype=w.dtype)
    cache.insert(0, (w.copy(), u))
    del cache[_FILTER_CACHE_SIZE:]
    return u


def conv2d(x, w, pad_top, pad_left, out_h, out_w, target, block_bytes):
    """Cross-correlate NHWC ``x`` with square HWIO ``w`` at stride 1, block by block.

    The input is read as if padded with ``pad_top`` zero rows and ``pad_left`` zero columns
    before it (and zeros after it as far as needed); the output is ``[n, out_h, out_w, out]``.
    For each block of examples ``start:stop``, ``target(start, stop)`` gives the array
    ``[stop - start, out_h, out_w, out]`` to write that block into; after writing it, the
    generator yields ``(start, stop, block)`` so that the caller can finish the block while
    it is in cache. ``block_bytes``: about how much work memory one block may use.
    """
    n, h, width, c = x.shape
    r, o = w.shape[0], w.shape[3]
    m = tile_size(r)
    a = m + r - 1
    at, _, bt = matrices(m, r)
    at2 = np.kron(at, at).astype(x.dtype)
    bt = bt.astype(x.dtype)
    u = _transformed_filter(w, m)
    th, tw = -(-out_h // m), -(-out_w // m)
    hp, wp = th * m + r - 1, tw * m + r - 1
    per_example = a * a * th * tw * (c + o) * x.dtype.itemsize
    size = max(1, min(n, block_bytes // per_example))
    size = math.ceil(n / math.ceil(n / size))  # near-equal blocks
    item = x.dtype.itemsize
    for start in range(0, n, size):
        stop = min(start + size, n)
        k = stop - start
        tiles = th * tw * k
        # The block, padded, as [height, width, examples, channels].
        xp = scratch("winograd_input", (hp, wp, k, c), x.dtype)
        bottom, right = pad_top + h, pad_left + width
        xp[:pad_top] = 0
        xp[bottom:] = 0
        xp[pad_top:bottom, :pad_left] = 0
        xp[pad_top:bottom, right:] = 0
        np.copyto(xp[pad_top:bottom, pad_left:right], x[start:stop].transpose(1, 2, 0, 3))
        # Input transform along the height: one product per tile row, all columns at once.
        row = wp * k * c
        across = as_strided(xp, (th, a, row), (m * row * item, row * item, item))
        rows = scratch("winograd_a", (th, a, wp, k * c), x.dtype)
        np.matmul(bt, across, out=rows.reshape(th, a, row))
        # Along the width, written through a strided view into V [a, a, th, tw, k * c].
        v = scratch("winograd_b", (a, a, th, tw, k * c), x.dtype)
        s = rows.strides
        windows = as_strided(rows, (th, a, tw, a, k * c), (s[0], s[1], m * s[2], s[2], item))
        s = v.strides
        v_view = as_strided(v, (th, a, tw, a, k * c), (s[2], s[0], s[3], s[1], item))
        np.matmul(bt, windows, out=v_view)
        # The a * a products, each [tiles, in] x [in, out].
        products = scratch("winograd_c", (a * a, tiles, o), x.dtype)
        np.matmul(v.reshape(a * a, tiles, c), u, out=products)
        # Output transform, A^T M A, as one product with the Kronecker product of A^T with
        # itself: more multiplications than two products (a * a against a + a * a / m per
        # output) but one pass over M; measured 0.37 against 0.51 ms a block of 7 examples.
        y = scratch("winograd_b", (m, m, th, tw, k, o), x.dtype)
        np.matmul(at2, products.reshape(a * a, tiles * o), out=y.reshape(m * m, tiles * o))
        block = target(start, stop)
        for alpha in range(m):
            count_h = len(range(alpha, out_h, m))
            for beta in range(m):
                count_w = len(range(beta, out_w, m))
                np.copyto(block[:, alpha::m, beta::m],
                          y[alpha, beta, :count_h, :count_w].transpose(2, 0, 1, 3))
        yield start, stop, block
