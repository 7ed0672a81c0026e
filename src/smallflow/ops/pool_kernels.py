"""The tutorials' max-pooling (2x2 windows, stride 2, even sizes, NHWC) forward and backward.

``conv_kernels`` pools any window; this module takes the case every TF1 CNN tutorial uses
and does it in fewer NumPy passes, with the batch cut over the threads the thread policy
grants (``workers.split_run``: NumPy releases the GIL inside its loops). Results are bit for
bit those of ``conv_kernels.max_pool`` / ``max_pool_grad`` (and of the ReLU gradient after
the pool's, see fusion.py); tests/test_pool_kernels.py compares them, signed zeros, NaN and
infinities included. Anything else (other windows, odd sizes, other dtypes than float) goes
to ``conv_kernels``.

The gradient routes each window's gradient to the window's first maximum (TensorFlow's
order). ``conv_kernels`` does it tap by tap: for each of the four cells a comparison with
the maximum, a test against the cells before it and a masked copy into a strided view of
the result, sixteen passes with short inner loops. Here one broadcast comparison gives all
four cells' equality at once (a full-size bool array), three passes over quarter-size views
keep only the first match of each window, and one broadcast masked copy writes the result.
That holds when a window's first maximum is its first equal cell, i.e. when no window's
first cell is NaN (it keeps TensorFlow's running argmax) and no window lacks a match (all
-inf: the max is the lowest float, which nothing equals); both are checked, and such inputs
take ``conv_kernels``'s way. The gradient runs over blocks of about 1 MB of activation,
each checked and routed while it is in cache (session 6: the first layer's 4.5 -> 3.9 ms,
the checks over the whole 5 MB activation had cost ~0.8 ms from memory). Measured (1 thread,
CPU time, load 8; see bench_conv.py): ReLU + max-pool gradient 3.0 instead of 4.0 ms for the
first layer's [50, 28, 28, 32], 1.1 instead of 1.6 ms for the second's [50, 14, 14, 64].
"""

import numpy as np

from .. import workers
from . import conv_kernels

__all__ = ["is_2x2_pool", "max_pool_2x2", "max_pool_grad_2x2"]

# Images a helper thread gets at least: below that, a thread costs more than it saves.
_MIN_IMAGES = 4
# Activation bytes per block of the gradient (see max_pool_grad_2x2).
_BLOCK_BYTES = 2**20
_FLOATS = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))


def is_2x2_pool(x, ksize, strides, padding):
    """True for the case this module handles: 2x2 windows, stride 2, a float NHWC array of
    even height and width (no padding then, SAME or VALID alike)."""
    return (type(x) is np.ndarray and x.ndim == 4 and x.dtype in _FLOATS
            and tuple(ksize) == (2, 2) and tuple(strides) == (2, 2)
            and padding in ("SAME", "VALID") and x.shape[1] % 2 == 0 and x.shape[2] % 2 == 0
            and x.flags.c_contiguous)


def _windows(x):
    n, h, w, c = x.shape
    return x.reshape(n, h // 2, 2, w // 2, 2, c)


def max_pool_2x2(x):
    """``max_pool(x, 2x2, stride 2)``: rows first, then columns, floored at the lowest float
    (the same fmax calls as conv_kernels, so the same signed zeros and NaN skipping)."""
    n, h, w, c = x.shape
    out = np.empty((n, h // 2, w // 2, c), dtype=x.dtype)
    x6 = _windows(x)
    lowest = np.finfo(x.dtype).min

    def part(start, stop):
        rows = np.fmax(x6[start:stop, :, 0], x6[start:stop, :, 1])  # [n, h/2, w/2, 2, c]
        result = out[start:stop]
        np.fmax(rows[:, :, :, 0], rows[:, :, :, 1], out=result)
        np.fmax(result, lowest, out=result)

    workers.split_run(part, n, _MIN_IMAGES)
    return out


def _route_first_max(x6, y, routed, dx6):
    """Write ``routed`` (output-shaped) to each window's first cell equal to its maximum
    ``y``, +0.0 elsewhere, into ``dx6`` (all [n, h/2, 2, w/2, 2, c] or output-shaped)."""
    equal = np.equal(x6, y[:, :, None, :, None, :])
    seen = equal[:, :, 0, :, 0].copy()
    for a, b in ((0, 1), (1, 0), (1, 1)):
        cell = equal[:, :, a, :, b]
        np.greater(cell, seen, out=cell)  # equal here and at no earlier cell
        if (a, b) != (1, 1):
            seen |= cell
    # A masked copy by multiplying the raw bits by the 0/1 mask (conv_kernels._select):
    # exact for every value, infinities and signed zeros included.
    bits = np.dtype(f"u{dx6.itemsize}")
    np.multiply(routed.view(bits)[:, :, None, :, None, :], equal, out=dx6.view(bits))


def _has_no_special_windows(x6, y):
    """No window's first cell is NaN and every window holds its maximum.

    Only first cells matter: a NaN elsewhere equals nothing, in conv_kernels' way as here,
    and a first cell that is not NaN is below the max or equal to it, so "not below" (how
    conv_kernels decides for the first cell) is "equal" (how it is decided here).
    """
    return (not np.isnan(x6[:, :, 0, :, 0]).any()
            and (y.size == 0 or y.min() > np.finfo(y.dtype).min))


def max_pool_grad_2x2(x, y, grad, relu=False):
    """The gradient of ``y = max_pool_2x2(x)`` for ``grad``, or None when this way does not
    apply (a NaN input, an all -inf window, mismatched arrays: the caller uses conv_kernels).

    ``relu``: also apply the gradient of a ReLU whose output ``x`` is (ReluGrad(MaxPoolGrad(x,
    y, grad), x), as fusion.py fuses it): the factor ``x > 0`` at the routed cell is ``y > 0``,
    applied to the pooled gradient before routing, the same multiplication as unfused.
    """
    if not (type(y) is type(grad) is np.ndarray and x.dtype == y.dtype == grad.dtype
            and y.shape == grad.shape == (x.shape[0], x.shape[1] // 2, x.shape[2] // 2,
                                          x.shape[3])
            and y.flags.c_contiguous and grad.flags.c_contiguous):
        return None
    x6 = _windows(x)
    dx = np.empty_like(x)
    dx6 = _windows(dx)
    special = []
    # Blocks of a few images (about 1 MB of activation), checked and routed while they are
    # in cache: whole-array passes over the CNN's first layer (5 MB) ran from memory.
    block = max(1, _BLOCK_BYTES // max(x[:1].nbytes, 1))

    def part(start, stop):
        for first in range(start, stop, block):
            last = min(first + block, stop)
            part_x, part_y = x6[first:last], y[first:last]
            if special or not _has_no_special_windows(part_x, part_y):
                special.append(first)
                return
            routed = grad[first:last]
            if relu:
                routed = np.multiply(routed, part_y > 0)
            _route_first_max(part_x, part_y, routed, dx6[first:last])

    workers.split_run(part, x.shape[0], _MIN_IMAGES)
    return None if special else dx


def max_pool(x, ksize, strides, padding):
    """``conv_kernels.max_pool``, the 2x2 case done here."""
    if is_2x2_pool(x, ksize, strides, padding):
        return max_pool_2x2(x)
    return conv_kernels.max_pool(x, ksize, strides, padding)


def max_pool_grad(x, y, grad, ksize, strides, padding):
    """``conv_kernels.max_pool_grad``, the 2x2 case done here when it applies."""
    if is_2x2_pool(x, ksize, strides, padding):
        result = max_pool_grad_2x2(x, y, grad)
        if result is not None:
            return result
    return conv_kernels.max_pool_grad(x, y, grad, ksize, strides, padding)
