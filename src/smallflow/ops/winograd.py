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

Accuracy (measured against a float64 reference over random cases with 8-64 channels, see
docs/architecture.md): the largest error relative to the largest output is up to about
7e-6 for 5x5 filters and 3e-6 for 3x3, against 1e-6 for the im2col product; well below
what float32 training notices, but not bit for bit the direct result.
``SMALLFLOW_CONV_ALGORITHM=direct`` (or ``smallflow.config.set_conv_algorithm("direct")``)
keeps every convolution on the direct path.

The same transforms give the filter gradient: with V the input transform and dM the
output gradient taken back through the output transform (its adjoint), the gradient of the
transformed filter at each point is ``V^T dM``, a product whose depth is the number of
tiles, and ``dW = G^T dU G``.

Layout, chosen so that every step is a few BLAS calls with no Python loop over tiles
(measured on the CNN's second layer, batch 50, 32->64 channels, 14x14): a block of examples
is copied, padded, into ``[height, width, examples, channels]``; the input transform's first
half is one stacked product over tile rows, the second writes through a strided ``out=``
straight into ``V [a, a, tile rows, tile cols, examples, channels]``, where each point's
``[tiles, channels]`` matrix is contiguous; then ``a * a`` products with the transformed
filter; the output transform is one product with ``A^T (x) A^T`` (Kronecker), and ``m * m``
strided copies put the tiles in place. Blocks are small (a few examples of the CNN) and the
output transform is cut into products of at most _COLUMNS columns: OpenBLAS multiplies
matrices with few rows fastest below about a million multiply-adds, where it skips packing
them (the output transform ran at 10 ns a column instead of 25-30, which halved the forward
pass). The views of each block size are made once per call.
"""

import functools
import math
import threading
from fractions import Fraction

import numpy as np

from .work_arrays import scratch

__all__ = ["conv2d", "filter_gradient", "matrices", "tile_size", "usable"]

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
# The filter gradient's direct product is as deep as the batch's pixels, efficient on small
# images: measured slower here at 4x4-8x8 outputs (1.2-1.4x), faster from 14x14 (1.5x).
MIN_FILTER_OUTPUT = 12
_FILTER_CACHE = threading.local()
_FILTER_CACHE_SIZE = 4
# Most columns of one output-transform product (see _Block).
_COLUMNS = 2048
# Most input columns (tiles x input channels) of one block of conv2d. The block's input
# transform is ~175 tiny products whose per-call costs a bigger block shares; the output
# transform is cut into chunks of at most _COLUMNS whatever the block. Session 10: blocks
# of 5 examples instead of 1 for the CNN's conv2 forward (32 input channels), 5.5 vs 5.9 ms
# (same results, bit for bit: each example's arithmetic is unchanged); its input gradient
# (64 input channels) keeps its 2 examples.
_BLOCK_INPUT_COLUMNS = 4096
# Tiles per block of the filter gradient (the depth of its products). Session 10: 150 (6
# examples of the CNN's conv2, whose point products [49, 150, 64] stay in L2) instead of
# 400: 6.5 vs 8.0 ms; the gradient is summed over other blocks, so it differs by float32
# rounding (about 1e-5 of its largest entry, as between any two block sizes).
_FILTER_TILES = 150


def tile_size(r):
    """The output tile size ``m`` used for ``r x r`` filters (``None``: not supported)."""
    entry = _POINTS.get(r)
    return entry[0] if entry else None


def usable(w_shape, out_h, out_w, dtype, gradient_of_filter=False):
    """Whether a stride-1 convolution with an HWIO filter of ``w_shape`` and an output of
    ``out_h x out_w`` runs faster here than on the direct path (see MIN_CHANNELS); for the
    filter's gradient the output must be larger (see MIN_FILTER_OUTPUT)."""
    kh, kw, c, o = w_shape
    smallest = MIN_FILTER_OUTPUT if gradient_of_filter else MIN_OUTPUT
    return (np.dtype(dtype) == np.float32 and kh == kw and kh in _POINTS
            and min(c, o) >= MIN_CHANNELS and min(out_h, out_w) >= smallest)


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


@functools.cache
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
    a = m + r - 1
    # U[nu, xi] = sum over taps (i, j) of G[nu, i] G[xi, j] w[i, j]: one float64 product with
    # the Kronecker product of G with itself (two tensordots took ~1.3 ms for the CNN's conv2).
    flat = w.astype(np.float64).reshape(r * r, c * o)
    u = (_kron_t(m, r).T @ flat).astype(w.dtype).reshape(a * a, c, o)
    cache.insert(0, (w.copy(), u))
    del cache[_FILTER_CACHE_SIZE:]
    return u


def _strided(array, shape, strides):
    """A view of contiguous ``array`` with the given shape and strides in elements (the
    ndarray constructor: as_strided costs about 40 us a call, this about 1)."""
    item = array.dtype.itemsize
    return np.ndarray(shape, array.dtype, buffer=array,
                      strides=tuple(stride * item for stride in strides))


class _Block:
    """The work arrays and views for blocks of ``k`` examples (see conv2d)."""

    def __init__(self, k, geometry, dtype):
        m, r, th, tw, c, o = geometry
        a = m + r - 1
        self.hp, self.wp = th * m + r - 1, tw * m + r - 1
        self.input = scratch("winograd_input", (self.hp, self.wp, k, c), dtype)
        row = self.wp * k * c
        self.across = _strided(self.input, (th, a, row), (m * row, row, 1))
        self.rows = scratch("winograd_a", (th, a, row), dtype)
        self.v = scratch("winograd_b", (a, a, th, tw, k * c), dtype)
        self.windows = _strided(self.rows, (th, a, tw, a, k * c),
                                (a * row, row, m * k * c, k * c, 1))
        tiles = th * tw * k
        self.v_view = _strided(self.v, (th, a, tw, a, k * c),
                               (tw * k * c, a * tiles * c, k * c, tiles * c, 1))
        self.points = self.v.reshape(a * a, tiles, c)
        self.products = scratch("winograd_c", (a * a, tiles, o), dtype)
        self.y = scratch("winograd_y", (m, m, th, tw, k, o), dtype)
        # The output transform in products small enough for OpenBLAS's small-matrix kernels
        # (no packing): [m*m, a*a] x [a*a, columns], columns <= _COLUMNS (measured: 10 ns a
        # column at 1,600 columns, 25-30 at 3,200 and more).
        columns = tiles * o
        chunks = max(1, min(th * tw, -(-columns // _COLUMNS)))
        while (th * tw) % chunks:
            chunks += 1
        width = columns // chunks
        self.product_chunks = _strided(self.products, (chunks, a * a, width),
                                       (width, columns, 1))
        self.y_chunks = _strided(self.y, (chunks, m * m, width), (width, columns, 1))
        self.fresh = True


def conv2d(x, w, pads, out_hw, finish, group_bytes=2 * 2**20):
    """Cross-correlate NHWC ``x`` with square HWIO ``w`` at stride 1.

    The input is read as if padded with ``pads = (top, left)`` zero rows and columns before
    it (and zeros after it as far as needed). The result is made in a work array per group
    of examples (about ``group_bytes`` of it: Winograd's own blocks are single examples of
    the CNN, too small for per-call costs of what follows): after each group,
    ``finish(first, stop, block)`` gets the group's result ``block`` ``[examples, out_h,
    out_w, out]``, a strided view valid until the next call, while it is in cache (the
    caller copies it out, or adds the bias, applies the ReLU and pools it on the way).
    """
    n, _, _, c = x.shape
    r, o = w.shape[0], w.shape[3]
    out_h, out_w = out_hw
    m = tile_size(r)
    at, _, bt = matrices(m, r)
    at2 = np.kron(at, at).astype(x.dtype)
    bt = bt.astype(x.dtype)
    u = _transformed_filter(w, m)
    th, tw = -(-out_h // m), -(-out_w // m)
    # Blocks of a few examples (see _BLOCK_INPUT_COLUMNS).
    size = max(1, min(n, _BLOCK_INPUT_COLUMNS // (th * tw * c)))
    size = math.ceil(n / math.ceil(n / size))  # near-equal blocks
    group = max(size, group_bytes // (out_h * out_w * o * x.dtype.itemsize))
    # Whole tiles: the result padded to th * m x tw * m, so that each block's tiles go in
    # place with one copy (the m * m strided copies per block cost 1.6 of the CNN's 9 ms).
    results = scratch("winograd_group", (group, th * m, tw * m, o), x.dtype)
    first = 0  # the first example of the group being filled
    for start, stop, plan in _transformed_blocks(x, size, (m, r, th, tw, c, o), pads, bt):
        # The a * a products, each [tiles, in] x [in, out].
        np.matmul(plan.points, u, out=plan.products)
        # Output transform A^T M A: one product with the Kronecker product of A^T with
        # itself (one pass over M; two products of A^T were slower).
        np.matmul(at2, plan.product_chunks, out=plan.y_chunks)
        if stop - first > group:
            finish(first, start, results[: start - first, :out_h, :out_w])
            first = start
        # y [m(alpha), m(beta), th, tw, k, o] -> [k, th, m(alpha), tw, m(beta), o]
        tiles = results[start - first : stop - first].reshape(stop - start, th, m, tw, m, o)
        np.copyto(tiles, plan.y.transpose(4, 2, 0, 3, 1, 5))
    finish(first, n, results[: n - first, :out_h, :out_w])


def _fill_input(plan, x, start, stop, pad_top, pad_left):
    """Copy examples start:stop of ``x`` into the block's padded input; zero its borders
    when the work array may hold something else there."""
    xp = plan.input
    bottom, right = pad_top + x.shape[1], pad_left + x.shape[2]
    if plan.fresh:
        xp[:pad_top] = 0
        xp[bottom:] = 0
        xp[pad_top:bottom, :pad_left] = 0
        xp[pad_top:bottom, right:] = 0
        plan.fresh = False
    np.copyto(xp[pad_top:bottom, pad_left:right], x[start:stop].transpose(1, 2, 0, 3))


def _transformed_blocks(x, size, geometry, pads, bt):
    """Yield ``(start, stop, plan)`` over blocks of ``size`` examples (the last may be
    smaller) with the block's input transform in ``plan.v``; the work arrays and views of
    each block size are made once."""
    plans = {}
    for start in range(0, x.shape[0], size):
        stop = min(start + size, x.shape[0])
        plan = plans.get(stop - start)
        if plan is None:
            for other in plans.values():
                other.fresh = True  # shares the work arrays: its zero borders are gone
            plan = plans[stop - start] = _Block(stop - start, geometry, x.dtype)
        _fill_input(plan, x, start, stop, *pads)
        # Along the height, one product per tile row; along the width, written through a
        # strided view into V [a, a, th, tw, k * c].
        np.matmul(bt, plan.across, out=plan.rows)
        np.matmul(bt, plan.windows, out=plan.v_view)
        yield start, stop, plan


def filter_gradient(x, grad, r, pad_top, pad_left):
    """The gradient of conv2d's filter (``x`` and ``grad`` as conv2d's input and output).

    With V the input transform and dM = (A (x) A) dY the adjoint of the output transform,
    the gradient at each point is V^T dM, a product whose depth is the number of tiles;
    then dW = G^T dU G.
    """
    n, _, _, c = x.shape
    _, out_h, out_w, o = grad.shape
    m = tile_size(r)
    a = m + r - 1
    at, g, bt = matrices(m, r)
    at2_t = np.ascontiguousarray(np.kron(at, at).T, dtype=x.dtype)  # [a * a, m * m]
    bt = bt.astype(x.dtype)
    th, tw = -(-out_h // m), -(-out_w // m)
    size = max(1, min(n, _FILTER_TILES // (th * tw)))
    size = math.ceil(n / math.ceil(n / size))
    du = np.zeros((a * a, c, o), dtype=x.dtype)
    part = scratch("winograd_du", (a * a, c, o), x.dtype)
    # The output gradient padded with zeros to whole tiles: each block's tiles are then one
    # copy (m * m strided copies per block before).
    padded = scratch("winograd_grad", (n, th * m, tw * m, o), x.dtype)
    padded[:, out_h:] = 0
    padded[:, :out_h, out_w:] = 0
    np.copyto(padded[:, :out_h, :out_w], grad)
    geometry = (m, r, th, tw, c, o)
    for start, stop, plan in _transformed_blocks(x, size, geometry, (pad_top, pad_left), bt):
        # The output gradient as tiles [m(alpha), m(beta), th, tw, k, o].
        tiles = padded[start:stop].reshape(stop - start, th, m, tw, m, o)
        np.copyto(plan.y, tiles.transpose(2, 4, 1, 3, 0, 5))
        np.matmul(at2_t, plan.y_chunks, out=plan.product_chunks)
        np.matmul(plan.points.transpose(0, 2, 1), plan.products, out=part)
        du += part
    # dW[i, j] = sum over points (nu, xi) of G[nu, i] G[xi, j] dU[nu, xi]: one float64
    # product with the Kronecker product of G with itself (two tensordots with their
    # transposes took 1.2 ms of the CNN's 9 ms filter gradient).
    dw = _kron_t(m, r) @ du.reshape(a * a, c * o).astype(np.float64)
    return dw.astype(x.dtype).reshape(r, r, c, o)


@functools.cache
def _kron_t(m, r):
    """``kron(G, G)^T`` ``[r * r, a * a]`` of F(m, r) in float64, made once (its transpose
    takes a filter to the points, it takes their gradient back to the filter)."""
    g = matrices(m, r)[1]
    return np.ascontiguousarray(np.kron(g, g).T)
