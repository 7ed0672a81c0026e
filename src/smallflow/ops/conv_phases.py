"""A few-channel convolution + bias + ReLU + 2x2 max-pool in a training step, computed per
pooling phase: the full-size activation is never written, only the pooled result and which
cell of each window won.

The CNN tutorials' first layer (one input channel, 5x5 filter, 32 outputs) is followed by a
ReLU and a 2x2/stride-2 max-pool. A training step needs the pooled result for the next layer
and, backwards, which cell of each window holds the window's first maximum (the max-pool's
gradient goes there) and whether the ReLU passed it. The plain way (conv_kernels, fusion.py)
writes the whole activation ([50, 28, 28, 32], 5 MB) and reads it again for the gradient.
Here the output pixels are split into the four pooling phases (row and column parity): the
column matrix of each block of examples is built phase by phase (one strided copy per block),
one product gives the four phases' outputs one after the other, and the elementwise maximum
of the four IS the pooled output. Each block is biased, ReLU'd, pooled and compared with its
pooled maximum while it is in cache; what leaves the cache is the pooled result, one byte
per pooled element naming the winning cell, and the column matrix (``PooledActivation``).
Backwards, :func:`relu_max_pool_grad` writes the ReLU + max-pool gradient from the codes;
when only the filter and bias gradients read it (the input is fed, as the first layer's
is), :func:`filter_bias_gradients` computes those two without writing it: each block's
gradient is built phase by phase in cache and multiplied by the kept column matrix.
Measured in the tutorial CNN's step (benchmarks/bench_conv.py, session 7): the first
layer's kernels 14.0 -> 9.7 ms, the step 0.95x in turns. Session 8: the column matrix
gathered from the 36 distinct input planes (see _phase_columns), the bias and the ReLU's
zero applied as whole rows of pooled pixels, and the winner codes in seven byte passes
instead of ten: the forward 0.83-0.87x in turns (same bits).

Same float results, bit for bit, as the plain fused call followed by the 2x2 pool gradient
(tests/test_conv_phases.py; the filter and bias gradients are the same sums in another
order, see filter_bias_gradients): every output pixel is the same product row (the same K order
over the same column values), then the same bias add, ReLU and ``np.fmax`` calls in the same
operand order (since session 11 the ReLU after the pool, on the pooled quarter: the same bits,
see conv2d_bias_relu_pool), and the winner is the first cell equal to the maximum in
TensorFlow's window order. Windows whose first cell is NaN (TensorFlow's running argmax stays
there, and the ReLU's factor is then that cell's, not the maximum's) are not handled here: the
activation is then recomputed the plain way (``PooledActivation.materialize``) and routed by
conv_kernels, as before.

A ``PooledActivation`` stands in the plan's slot of the ReLU's output only when fusion.py has
checked that nothing but the fused ReLU + max-pool gradient reads that slot.
"""

import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from . import conv_kernels
from .work_arrays import scratch

__all__ = ["PooledActivation", "conv2d_bias_relu_pool", "filter_bias_gradients",
           "relu_max_pool_grad"]

# Bytes of column matrix plus phase outputs per block of examples: both stay in the L2 cache
# between the copy, the product and the passes over the product.
_BLOCK_BYTES = 2 * 2**20
_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


class PooledActivation:
    """What a training step keeps of ``relu(conv2d(x, w) + bias)`` when only a 2x2 max-pool
    and that pool's (ReLU-fused) gradient read it: which cell of each window won (``codes``,
    uint8, 0-3 in the order (0, 0), (0, 1), (1, 0), (1, 1)), and the arguments to recompute
    the whole activation when a gradient cannot use the codes (``special``: a window's first
    cell is NaN)."""

    __slots__ = ("x", "w", "bias", "strides", "padding", "codes", "special", "shape", "dtype",
                 "columns", "block")

    def __init__(self, x, w, bias, strides, padding, codes, special, shape, columns, block):
        self.x, self.w, self.bias = x, w, bias
        self.strides, self.padding = strides, padding
        self.codes, self.special = codes, special
        self.shape, self.dtype = shape, x.dtype
        # The phase column matrices of the forward pass, kept for the filter gradient
        # (rebuilding them cost 1.1 ms of the CNN's step, keeping them nothing measurable),
        # one after the other, for blocks of ``block`` examples.
        self.columns, self.block = columns, block

    def block_columns(self, start, stop):
        """The column matrix of examples start:stop (a block of the forward pass)."""
        kh, kw, c, _ = self.w.shape
        _, oh, ow, _ = self.codes.shape
        per_example = kh * kw * c * 4 * oh * ow
        return self.columns[start * per_example: stop * per_example].reshape(kh * kw * c, -1)

    def materialize(self):
        """The activation itself, as the plain fused call computes it."""
        return conv_kernels.conv2d_bias_relu(self.x, self.w, self.bias, self.strides,
                                             self.padding)


def _phase_geometry(x, w, strides, padding, pool):
    """The conv's geometry when this module's way applies, else None."""
    if not (type(x) is np.ndarray and type(w) is np.ndarray and x.ndim == 4 and w.ndim == 4
            and x.dtype in _DTYPES and x.dtype == w.dtype and x.shape[0]
            and x.shape[3] <= conv_kernels._FEW_CHANNELS and x.shape[3] == w.shape[2]):
        return None
    if tuple(strides) != (1, 1) or pool is None:
        return None
    ksize, pool_strides, _ = pool
    if tuple(ksize) != (2, 2) or tuple(pool_strides) != (2, 2):
        return None
    if padding not in conv_kernels.PADDINGS:
        return None
    geo, _ = conv_kernels._conv_setup(x.shape, w.shape, (1, 1), padding, None)
    if geo.out_h % 2 or geo.out_w % 2 or not geo.out_h or conv_kernels._winograd_fits(
            w.shape, geo, x.dtype):
        return None
    # Bit for bit with the plain path only where that path builds its columns transposed too.
    if not conv_kernels.transposed_columns(geo, x.shape[3]):
        return None
    return geo


def _phase_columns(xp, geo, start, stop, out):
    """The column matrix ``[kh*kw*c, 4 * count * pooled pixels]`` of examples start:stop,
    output pixels in phase order: all (even row, even column) pixels, then (even, odd),
    (odd, even), (odd, odd); each phase's pixels in (example, row, column) order.

    Tap (i, j) of phase (a, b) reads the input at row ``2 * r + i + a`` and column
    ``2 * s + j + b``, so it depends on ``u = i + a`` and ``v = j + b`` only: there are
    (kh + 1) * (kw + 1) distinct planes ``x[e, 2r + u, 2s + v]`` (36 for a 5x5 filter), which
    are gathered first (a strided copy of 14-element rows), and every row of the column
    matrix is one plane, copied whole per example (196-element runs). Copying the 100 rows
    straight from the input took 14-element runs for all of them (measured: the columns of
    25 examples in ~0.7 ms, the step's biggest pass of the first layer). Same values in
    the same places."""
    _, _, _, c = xp.shape
    s_n, s_h, s_w, s_c = xp.strides
    count = stop - start
    oh, ow = geo.out_h // 2, geo.out_w // 2
    plane_shape = (geo.kh + 1, geo.kw + 1, c, count, oh, ow)
    view = as_strided(xp[start:], shape=plane_shape,
                      strides=(s_h, s_w, s_c, s_n, 2 * s_h, 2 * s_w), writeable=False)
    planes = scratch("phase_planes", plane_shape, xp.dtype)
    np.copyto(planes, view)
    p_u, p_v, p_c, p_n, _, p_s = planes.strides
    shape = (geo.kh, geo.kw, c, 2, 2, count, oh * ow)
    rows = as_strided(planes, shape=shape, strides=(p_u, p_v, p_c, p_u, p_v, p_n, p_s),
                      writeable=False)
    cols = out.reshape(shape)
    np.copyto(cols, rows)
    return cols.reshape(geo.kh * geo.kw * c, 4 * count * oh * ow)


def conv2d_bias_relu_pool(x, w, bias, strides, padding, pool):
    """``(PooledActivation, max_pool(relu(conv2d(x, w) + bias)))``, or None when this way does
    not apply (stride, pool, shapes or dtypes: the caller computes it the plain way).

    ``strides`` is the conv's ``(h, w)`` pair and ``pool`` the max-pool's ``(ksize, strides,
    padding)`` pairs, as ``conv_kernels.conv2d_bias_relu`` takes them.
    """
    geo = _phase_geometry(x, w, strides, padding, pool)
    if geo is None or not (type(bias) is np.ndarray and bias.shape == (w.shape[3],)
                           and bias.dtype == x.dtype):
        return None
    n, _, _, c = x.shape
    out_c = w.shape[3]
    oh, ow = geo.out_h // 2, geo.out_w // 2
    pixels = oh * ow
    depth = geo.kh * geo.kw * c
    itemsize = x.dtype.itemsize
    per_example = 4 * pixels * (depth + out_c) * itemsize
    size = max(1, min(n, _BLOCK_BYTES // per_example))
    size = math.ceil(n / math.ceil(n / size))  # near-equal blocks
    xp = conv_kernels._pad(x, geo, 0)
    w_mat = w.reshape(depth, out_c)
    pooled = np.empty((n, oh, ow, out_c), dtype=x.dtype)
    codes = np.empty((n, oh, ow, out_c), dtype=np.uint8)
    columns = np.empty(depth * 4 * n * pixels, dtype=x.dtype)  # kept: see PooledActivation
    block = scratch("phase_block", (4, size * pixels, out_c), x.dtype)
    pair = scratch("phase_pair", (size * pixels, out_c), x.dtype)
    taken = scratch("taken", (size * pixels, out_c), bool)
    equal = scratch("hit", (size * pixels, out_c), bool)
    lowest = np.finfo(x.dtype).min
    # The bias and the ReLU's zero as whole rows of ``pixels`` outputs: a block's product rows
    # are whole multiples of them, and NumPy's loops over 6,272-element rows run at about
    # twice the speed of loops over 32-element rows (the bias broadcast) or with a scalar
    # operand. The same operation on each element: the same results.
    period = pixels * out_c
    bias_runs = np.tile(bias, pixels)
    zero_runs = np.zeros(period, dtype=x.dtype)
    # The ReLU comes after the pool, on a quarter of the elements, when no window's first
    # cell is NaN: the same pooled bits (the ReLU of the maximum is the maximum of the ReLUs,
    # fmax skipping NaN cells alike, and np.maximum(z, +0.0) gives +0.0 for either zero), and
    # the same winners where the pooled value is above zero (there the ReLU changes no cell
    # equal to it and leaves every other cell below it); elsewhere every ReLU'd cell is
    # zero and the first cell wins: code 0. (tests/test_conv_phases.py: signed zeros, inf,
    # NaN, hypothesis extremes.)
    won = scratch("phase_won", (size * pixels, out_c), bool)
    special = False
    for start in range(0, n, size):
        stop = min(start + size, n)
        rows = (stop - start) * pixels
        cols = _phase_columns(xp, geo, start, stop,
                              columns[depth * 4 * start * pixels: depth * 4 * stop * pixels])
        # The block's leading elements (a shorter last block too): contiguous, so the
        # product below writes z itself (a reshape of block[:, :rows] would be a copy).
        z = block.reshape(-1)[: 4 * rows * out_c].reshape(4, rows, out_c)
        z_rows = z.reshape(4 * rows, out_c)
        np.matmul(cols.T, w_mat, out=z_rows)
        # The plain fused call's operations on each element: bias, ReLU (conv_blocks), then
        # max_pool's rows-first fmax and its floor at the lowest float (conv_blocks.max_reduce).
        z_runs = z_rows.reshape(-1, period)
        np.add(z_runs, bias_runs, out=z_runs)
        nan_first = bool(np.isnan(z[0]).any())  # the same cells after a ReLU
        special = special or nan_first
        # A window of NaN only pools to the lowest float after the ReLU: the written order.
        relu_after = not nan_first
        if not relu_after:
            np.maximum(z_runs, zero_runs, out=z_runs)
        y = pooled[start:stop].reshape(rows, out_c)
        first_pair = pair[:rows]
        np.fmax(z[0], z[2], out=first_pair)  # cells (0, 0) and (1, 0): the window's rows
        np.fmax(z[1], z[3], out=y)
        np.fmax(first_pair, y, out=y)
        if not relu_after:  # (after it, and no first cell NaN, no pooled value is NaN)
            np.fmax(y, lowest, out=y)
        # The winner: the first cell equal to the max (the first cell also when it is not
        # below it). lost_k: no cell up to k won (cell 0: it is below the max; cell 1 and 2:
        # also not equal to it); code = lost_0 + lost_1 + lost_2, counted in bytes.
        code = codes[start:stop].reshape(rows, out_c)
        lost, hit = taken[:rows], equal[:rows]
        np.less(z[0], y, out=lost)
        np.not_equal(z[1], y, out=hit)
        hit &= lost
        np.add(lost.view(np.uint8), hit.view(np.uint8), out=code)
        np.not_equal(z[2], y, out=lost)
        lost &= hit
        code += lost.view(np.uint8)
        if relu_after:  # the ReLU on the pooled quarter; code 0 where it gives zero
            above = won[:rows]
            np.greater(y, 0, out=above)
            np.multiply(code, above, out=code)
            y_runs = y.reshape(-1, period)
            np.maximum(y_runs, zero_runs, out=y_runs)
    shape = (n, geo.out_h, geo.out_w, out_c)
    activation = PooledActivation(x, w, bias, strides, padding, codes, special, shape,
                                  columns, size)
    return activation, pooled


def relu_max_pool_grad(activation, y, grad):
    """``ReluGrad(MaxPoolGrad(r, y, grad), r)`` for the activation ``r`` that ``activation``
    stands for, from its codes; None when they do not apply (the caller materializes ``r``).

    As pool_kernels.max_pool_grad_2x2 with ``relu``: the pooled gradient times ``y > 0``,
    written to each window's winning cell, +0.0 elsewhere (a masked copy by multiplying the
    raw bits by the 0/1 mask: exact for infinities and signed zeros)."""
    if (activation.special or type(y) is not np.ndarray or type(grad) is not np.ndarray
            or y.dtype != activation.dtype or grad.dtype != activation.dtype
            or y.shape != activation.codes.shape or grad.shape != y.shape):
        return None
    n, h, w, c = activation.shape
    routed = np.multiply(grad, y > 0)
    bits = np.dtype(f"u{routed.itemsize}")
    routed_bits = routed.view(bits)
    dx = np.empty(activation.shape, dtype=activation.dtype)
    dx6 = dx.view(bits).reshape(n, h // 2, 2, w // 2, 2, c)
    mask = scratch("phase_mask", y.shape, bool)
    for code, (a, b) in enumerate(((0, 0), (0, 1), (1, 0), (1, 1))):
        np.equal(activation.codes, code, out=mask)
        np.multiply(routed_bits, mask, out=dx6[:, :, a, :, b])
    return dx


def filter_bias_gradients(activation, y, grad, x, bias_shape=None):
    """The gradients of the conv's filter and bias for the pooled gradient ``grad``:
    ``Conv2DBackpropFilter(x, dz)`` and ``dz`` summed to ``bias_shape`` (None: no bias
    gradient), where ``dz = ReluGrad(MaxPoolGrad(r, y, grad), r)``, without writing ``dz``.
    None when the codes do not apply (the caller then computes ``dz`` and the rest).

    Each block's ``dz`` is built phase by phase in cache (the pooled gradient at each
    window's winning cell, +0.0 at the other three) and multiplied by the block's phase
    column matrix, kept from the forward pass. The sums are those of the
    plain path in another order (blocks of other sizes, pixels in phase order; the bias
    gradient over the pooled gradient, without the zeros): equal up to float rounding, about
    1e-7 of the sum of the terms' magnitudes in float32 (tests/test_conv_phases.py)."""
    if (activation.special or x is not activation.x or type(y) is not np.ndarray
            or type(grad) is not np.ndarray or y.dtype != x.dtype or grad.dtype != x.dtype
            or y.shape != activation.codes.shape or grad.shape != y.shape):
        return None
    n = x.shape[0]
    out_c = activation.shape[3]
    if bias_shape is not None and (math.prod(bias_shape) != out_c or (
            len(bias_shape) and tuple(bias_shape)[-1] != out_c)):
        return None
    pixels = y.shape[1] * y.shape[2]
    depth = math.prod(activation.w.shape[:3])
    routed = np.multiply(grad, y > 0).reshape(n * pixels, out_c)
    bias_grad = None
    if bias_shape is not None:  # one BLAS product, as ReduceToShapeOf sums a conv bias
        bias_grad = (np.ones(n * pixels, dtype=x.dtype) @ routed).reshape(bias_shape)
    bits = np.dtype(f"u{routed.itemsize}")
    routed_bits = routed.view(bits)
    codes = activation.codes.reshape(n * pixels, out_c)
    size = activation.block
    block = scratch("phase_block", (4, size * pixels, out_c), x.dtype)
    mask = scratch("phase_mask", (size * pixels, out_c), bool)
    dw = np.zeros((depth, out_c), dtype=x.dtype)
    part = scratch("filter_part", (depth, out_c), x.dtype)
    for start in range(0, n, size):
        stop = min(start + size, n)
        first, last = start * pixels, stop * pixels
        rows = last - first
        cols = activation.block_columns(start, stop)
        dz = block.reshape(-1)[: 4 * rows * out_c].reshape(4, rows, out_c)  # contiguous
        for code in range(4):
            np.equal(codes[first:last], code, out=mask[:rows])
            np.multiply(routed_bits[first:last], mask[:rows], out=dz[code].view(bits))
        np.matmul(cols, dz.reshape(4 * rows, out_c), out=part)
        dw += part
    return dw.reshape(activation.w.shape), bias_grad
