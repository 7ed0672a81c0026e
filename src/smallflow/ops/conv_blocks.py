"""What a convolution does to a block of its output while the block is in cache: the bias,
the ReLU and a max-pool (window reductions), as fused calls run them (fusion.py).

``conv_kernels`` and ``winograd`` compute the convolution block by block (about 2 MB of
output at a time) and hand each block here. Geometries (``geo``) are
``conv_kernels._Geometry`` tuples: the window size, stride and output size of a pool.
"""

import numpy as np

from .work_arrays import scratch

__all__ = ["bias_relu_pool", "max_reduce", "pooled_result", "reduce_windows", "tap_sum_blocks"]

# One example's column matrix above this is never built: the conv is summed tap by tap.
TAP_SUM_BYTES = 256 * 2**20


def reduce_windows(xp, geo, ufunc, out=None):
    """Combine each window of padded ``xp`` with ``ufunc``: rows first, then columns (into
    ``out`` when given)."""
    n, _, wp, c = xp.shape
    rows = scratch("pool_rows", (n, geo.out_h, wp, c), xp.dtype)
    # The first two taps straight into the result: no pass that only copies.
    if geo.kh == 1:
        np.copyto(rows, xp[:, geo.rows(0)])
    else:
        ufunc(xp[:, geo.rows(0)], xp[:, geo.rows(1)], out=rows)
    for i in range(2, geo.kh):
        ufunc(rows, xp[:, geo.rows(i)], out=rows)
    if geo.kw == 1:
        if out is None:
            return rows[:, :, geo.cols(0)].copy()
        np.copyto(out, rows[:, :, geo.cols(0)])
        return out
    out = ufunc(rows[:, :, geo.cols(0)], rows[:, :, geo.cols(1)], out=out)
    for j in range(2, geo.kw):
        ufunc(out, rows[:, :, geo.cols(j)], out=out)
    return out


def max_reduce(xp, geo, out=None):
    """max_pool of padded ``xp`` (into ``out`` when given): NaN skipped, floored at the
    lowest finite value."""
    result = reduce_windows(xp, geo, np.fmax)
    if out is None:
        out = result
    np.fmax(result, np.finfo(result.dtype).min, out=out)
    return out


def bias_relu_pool(block, bias, pool_geo, out):
    """``max_pool(relu(block + bias))`` into ``out`` (without ``pool_geo``: ``relu(block +
    bias)`` in place; without ``bias``: only the pool).

    Adding a bias (rounded) and the ReLU are monotone, so the maximum of a window after
    them is the maximum before them taken through them: with the pool first, the bias and
    the ReLU run over a quarter of the elements (2x2 pools). Bit for bit the same, NaN
    (skipped by the pool either way) and infinities included, as long as the bias is finite
    (``inf + -inf`` would make a NaN where the other order makes a 0) and holds no -0.0 (a
    sum is -0.0 only when both terms are: it could reach a pooled max either way with
    another sign); otherwise the three steps run in the written order.
    """
    if pool_geo is None:
        if bias is not None:
            np.add(block, bias, out=block)
            np.maximum(block, 0, out=block)
        return
    if bias is None:
        max_reduce(block, pool_geo, out)
        return
    if not _bias_commutes_with_max(bias):
        np.add(block, bias, out=block)
        np.maximum(block, 0, out=block)
        max_reduce(block, pool_geo, out)
        return
    reduce_windows(block, pool_geo, np.fmax, out)
    np.add(out, bias, out=out)
    np.maximum(out, 0, out=out)
    np.fmax(out, np.finfo(out.dtype).min, out=out)  # a window of NaN alone: max_pool's floor


def _bias_commutes_with_max(bias):
    """A finite bias without -0.0 entries (see bias_relu_pool)."""
    return bool(np.isfinite(bias).all()) and not (np.signbit(bias) & (bias == 0)).any()


def _tap_sum(xp, taps, geo):
    """The convolution of padded ``xp`` as a sum over the filter's taps, one product of a
    shifted input plane per tap: for filters so big that one example's column matrix would
    not fit in memory (a 100x100 blur over a 512x512 image: 10 GB of columns)."""
    n, _, _, c = xp.shape
    out = np.zeros((n, geo.out_h, geo.out_w, taps.shape[3]), dtype=xp.dtype)
    for i in range(geo.kh):
        for j in range(geo.kw):
            window = xp[:, geo.rows(i), geo.cols(j), :]
            if c == 1:
                out += window * taps[i, j, 0]
            else:
                out += window @ taps[i, j]
    return out


def tap_sum_blocks(xp, w, geo):
    """``[(all output rows, their values)]`` from ``_tap_sum`` when one example's column
    matrix would pass ``TAP_SUM_BYTES``; None (build the columns) otherwise."""
    n, _, _, c = xp.shape
    pixels = geo.out_h * geo.out_w
    if geo.kh * geo.kw * c * pixels * xp.dtype.itemsize <= TAP_SUM_BYTES:
        return None
    taps = w.reshape(geo.kh, geo.kw, c, -1)
    values = _tap_sum(xp, taps, geo)
    return [(slice(0, n * pixels), values.reshape(n * pixels, taps.shape[3]))]


def pooled_result(activation, pool_geo):
    """An empty array for ``activation`` max-pooled with ``pool_geo``."""
    n, _, _, c = activation.shape
    return np.empty((n, pool_geo.out_h, pool_geo.out_w, c), dtype=activation.dtype)
