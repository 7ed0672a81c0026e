"""NumPy kernels for 2-D convolution and pooling (NHWC activations, HWIO filters), both ways.

Conventions shared by every function here:

- Activations are ``[batch, height, width, channels]`` (NHWC) and filters are
  ``[filter_height, filter_width, in_channels, out_channels]`` (HWIO), as in ``tf.nn.conv2d``.
- ``strides`` and ``ksize`` are given either TensorFlow's way, a 4-sequence ``[1, h, w, 1]``,
  or as a pair ``(h, w)``; both are turned into the pair at the door and only pairs are used
  inside. ``padding`` is the string ``"SAME"`` or ``"VALID"`` with TensorFlow's arithmetic
  (see :func:`padding_sizes`). Dilations other than 1 are refused.
- Arrays must share one dtype, float16, float32 or float64; results keep it (float32 in,
  float32 out: nothing is upcast), are C-contiguous and never share memory with anything.
- Bad shapes or arguments raise ``ValueError`` naming the shapes; a non-floating or mixed
  dtype raises ``TypeError``. Callers (the graph ops) add the op name.

How it is built (each choice measured on the tutorial's CNN at batch 50, see
``benchmarks/bench_conv_kernels.py``; Python loops run over kernel taps or blocks of
examples, never over pixels):

- All three convolution functions work through column matrices ``[output pixels,
  kh*kw*in_channels]``, ordered like a reshaped HWIO filter, and one BLAS product per block
  of examples: im2col (a strided window view copied into the matrix) for ``conv2d`` and
  ``conv2d_backprop_filter``; for ``conv2d_backprop_input`` the column gradient, whose taps
  are then added back into a strided view of the padded input gradient.
- Blocks hold about ``_BLOCK_BYTES`` (2 MB) of column matrix, so that a block written by
  im2col (or by the product, for the input gradient) is still in the core's 2 MB L2 cache
  when it is read back. Blocks used to be 16 MB: each threaded BLAS call is a meeting point
  of OpenBLAS's threads, and with another busy process on this 2-core machine eight calls
  instead of two made a convolution 4 times slower. smallflow.config now drops to one
  thread when another process takes a core, which removes that cost; measured in turns
  (25 rounds, one thread, the CNN's three conv2 kernels and two conv1 kernels, machine
  loaded): 1 MB and 2 MB blocks were each fastest in 11 rounds, 4 MB in 3, 16 MB in none;
  medians 673, 708, 756 and 767 ms. (Earlier, on an idle machine, 4 MB had been about 10%
  faster than 16 MB.) One product per kernel tap (25 calls) was slower than the column
  gradient for ``conv2d_backprop_input`` on an idle machine.
- Pooling reduces rows first, then columns, over strided views (``kh + kw`` whole-array
  operations); for the 2x2/stride-2 case this was as fast as reshape tricks. The gradients
  have reshape-based paths for that case, and walk the window taps otherwise.
- Stride-1 float32 convolutions with square 3x3 / 5x5 filters and enough channels go to
  Winograd's algorithm instead (winograd.py: fewer multiplications, not bit for bit the
  same results); ``config.set_conv_algorithm("direct")`` keeps them here.
- Work arrays (padded copies, im2col blocks, masks) are reused between calls from
  per-thread buffers, see :func:`work_arrays.scratch`.
"""

import math
import operator
from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import config
from . import winograd
from .conv_blocks import bias_relu_pool as _bias_relu_pool
from .conv_blocks import max_reduce as _max_reduce
from .conv_blocks import pooled_result as _pooled_result
from .conv_blocks import reduce_windows as _reduce_windows
from .conv_blocks import tap_sum_blocks as _tap_sum_blocks
from .work_arrays import scratch as _scratch

__all__ = [
    "avg_pool",
    "avg_pool_grad",
    "conv2d",
    "conv2d_bias_relu",
    "conv2d_backprop_filter",
    "conv2d_backprop_input",
    "max_pool",
    "max_pool_grad",
    "padding_sizes",
]

PADDINGS = ("SAME", "VALID")

# Target size of one block of the im2col matrix (see the module docstring).
_BLOCK_BYTES = 2 * 2**20
# The stride-1 input gradient is a convolution (see _backprop_input_full) from this many input
# channels on: its product then has that many columns; fewer starve the matrix product.
_FULL_CONV_MIN_CHANNELS = 8
# Inputs with at most this many channels get their column matrices built transposed, unless
# a wide filter has few output pixels (see transposed_columns; docs/architecture.md).
_FEW_CHANNELS = 4
_FEW_CHANNELS_MAX_TAPS = 1024
_FEW_CHANNELS_MIN_PLANE = 256
_FLOAT_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))


def _strided_slice(offset, count, stride):
    """``count`` indices ``offset, offset + stride, ...`` as a slice (empty when count is 0)."""
    stop = offset + (count - 1) * stride + 1 if count else offset
    return slice(offset, stop, stride)


class _Geometry(NamedTuple):
    """Where every window of a 2-D sliding operation starts and how the input is padded."""

    out_h: int
    out_w: int
    kh: int
    kw: int
    sh: int
    sw: int
    pad_top: int
    pad_bottom: int
    pad_left: int
    pad_right: int

    def rows(self, offset):
        """Slice over the padded height picking, for every output row, the row at ``offset``."""
        return _strided_slice(offset, self.out_h, self.sh)

    def cols(self, offset):
        """Slice over the padded width picking, for every output column, the one at ``offset``."""
        return _strided_slice(offset, self.out_w, self.sw)

    @property
    def padded(self):
        return any((self.pad_top, self.pad_bottom, self.pad_left, self.pad_right))


# ---------------------------------------------------------------------------------------------
# Argument checking


def _shape_str(shape):
    """Format a shape the way TensorFlow prints it in messages: ``[50,28,28,1]``."""
    return "[" + ",".join(str(d) for d in shape) + "]"


def _as_index(value, what):
    try:
        return operator.index(value)
    except TypeError:
        raise ValueError(f"{what} must be an integer, got {value!r}") from None


def padding_sizes(in_size, k, stride, padding):
    """Return ``(out_size, pad_before, pad_after)`` for one spatial dimension, as TensorFlow.

    VALID: ``out = ceil((in - k + 1) / stride)`` and no padding; the window must fit
    (``k <= in``). SAME: ``out = ceil(in / stride)``, total padding
    ``max((out - 1) * stride + k - in, 0)``, the smaller half before.
    """
    in_size = _as_index(in_size, "input size")
    k = _as_index(k, "window size")
    stride = _as_index(stride, "stride")
    if in_size < 0:
        raise ValueError(f"input size must be >= 0, got {in_size}")
    if k < 1:
        raise ValueError(f"window size must be >= 1, got {k}")
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    padding = _check_padding(padding)
    if padding == "VALID":
        if k > in_size:
            raise ValueError(
                f"Negative dimension size caused by subtracting {k} from {in_size}: "
                "a VALID window may not be larger than its input"
            )
        return (in_size - k) // stride + 1, 0, 0
    out_size = -(-in_size // stride)
    total = max((out_size - 1) * stride + k - in_size, 0)
    return out_size, total // 2, total - total // 2


def _check_padding(padding):
    if isinstance(padding, str) and padding in PADDINGS:
        return padding
    raise ValueError(f'padding must be "SAME" or "VALID", got {padding!r}')


def _spatial_pair(value, what):
    """Turn ``[1, h, w, 1]`` or ``(h, w)`` into the pair ``(h, w)`` of positive ints."""
    try:
        items = [operator.index(v) for v in value]
    except TypeError:
        raise ValueError(
            f"{what} must be a sequence of ints [1, height, width, 1] or (height, width), "
            f"got {value!r}"
        ) from None
    if len(items) == 4:
        if items[0] != 1 or items[3] != 1:
            raise ValueError(
                f"{what} {items} would slide over the batch or channel dimension; only "
                "[1, height, width, 1] is supported (TensorFlow: 'Current implementation does "
                "not yet support strides in the batch and depth dimensions.')"
            )
        items = items[1:3]
    elif len(items) != 2:
        raise ValueError(
            f"{what} must have 4 entries [1, height, width, 1] or 2 entries (height, width), "
            f"got {len(items)}: {value!r}"
        )
    if min(items) < 1:
        raise ValueError(f"{what} must be positive, got {value!r}")
    return items[0], items[1]


def _check_dilations(dilations):
    if dilations is None:
        return
    if _spatial_pair(dilations, "dilations") != (1, 1):
        raise ValueError(f"dilations other than 1 are not supported, got {dilations!r}")


def _float_arrays(named):
    """Check that the named arrays share one floating dtype; return them as ndarrays."""
    arrays = []
    for name, value in named:
        array = np.asarray(value)
        if array.dtype not in _FLOAT_DTYPES:
            raise TypeError(
                f"{name} must be a float16, float32 or float64 array, got dtype {array.dtype}"
            )
        arrays.append(array)
    first_name, first = named[0][0], arrays[0]
    for (name, _), array in zip(named[1:], arrays[1:], strict=True):
        if array.dtype != first.dtype:
            raise TypeError(
                f"{name} has dtype {array.dtype} but {first_name} has dtype {first.dtype}; "
                "they must match"
            )
    return arrays


def _check_rank(array, name, layout):
    if array.ndim != 4:
        raise ValueError(
            f"{name} must be 4-D {layout}, got shape {_shape_str(array.shape)} (rank {array.ndim})"
        )


def _shape4(shape, name, layout):
    try:
        dims = tuple(operator.index(d) for d in shape)
    except TypeError:
        raise ValueError(f"{name} must be a sequence of 4 ints {layout}, got {shape!r}") from None
    if len(dims) != 4 or min(dims) < 0:
        raise ValueError(f"{name} must be 4 non-negative ints {layout}, got {shape!r}")
    return dims


def _geometry(in_shape, kh, kw, strides, padding, context):
    """Output size and padding for NHWC ``in_shape``; ``context`` names shapes in errors."""
    sh, sw = strides
    padding = _check_padding(padding)
    _, in_h, in_w, _ = in_shape
    if padding == "VALID" and (kh > in_h or kw > in_w):
        big, small = (kh, in_h) if kh > in_h else (kw, in_w)
        raise ValueError(
            f"Negative dimension size caused by subtracting {big} from {small}: the "
            f"{kh}x{kw} window is larger than the {in_h}x{in_w} input with VALID padding; "
            f"{context}"
        )
    out_h, top, bottom = padding_sizes(in_h, kh, sh, padding)
    out_w, left, right = padding_sizes(in_w, kw, sw, padding)
    return _Geometry(out_h, out_w, kh, kw, sh, sw, top, bottom, left, right)


def _check_out_shape(array, name, expected, context):
    if tuple(array.shape) != tuple(expected):
        raise ValueError(
            f"{name} has shape {_shape_str(array.shape)} but the forward output has shape "
            f"{_shape_str(expected)}; {context}"
        )


# ---------------------------------------------------------------------------------------------
# Shared helpers


def _padded_shape(in_shape, geo):
    n, h, w, c = in_shape
    return (n, h + geo.pad_top + geo.pad_bottom, w + geo.pad_left + geo.pad_right, c)


def _interior(padded, in_shape, geo):
    """The view of ``padded`` that holds the real (unpadded) input."""
    _, h, w, _ = in_shape
    return padded[:, geo.pad_top : geo.pad_top + h, geo.pad_left : geo.pad_left + w]


def _pad(x, geo, value):
    """``x`` padded with ``value`` in a work array (``x`` itself when there is no padding)."""
    if not geo.padded:
        return x
    xp = _scratch("padded", _padded_shape(x.shape, geo), x.dtype)
    top, left = geo.pad_top, geo.pad_left
    bottom, right = top + x.shape[1], left + x.shape[2]
    xp[:, :top] = value
    xp[:, bottom:] = value
    xp[:, top:bottom, :left] = value
    xp[:, top:bottom, right:] = value
    xp[:, top:bottom, left:right] = x
    return xp


def _zeroed_padded(in_shape, geo, dtype):
    """A zero-filled gradient buffer of the padded input shape.

    Without padding it is the result itself (a fresh array); with padding it is a work
    array whose interior :func:`_result_from` copies out.
    """
    shape = _padded_shape(in_shape, geo)
    if not geo.padded:
        return np.zeros(shape, dtype=dtype)
    buffer = _scratch("padded_grad", shape, dtype)
    buffer.fill(0)
    return buffer


def _result_from(padded, in_shape, geo):
    """The real region of a buffer from :func:`_zeroed_padded` as a fresh C-contiguous array."""
    if not geo.padded:
        return padded
    # Always a copy: the interior of a work array can itself be contiguous (one example,
    # padding in height only), and np.ascontiguousarray would then hand out the work array.
    return np.array(_interior(padded, in_shape, geo), order="C", copy=True)


def _windows(xp, geo):
    """Read-only view ``[n, out_h, out_w, kh, kw, c]`` of the windows of padded ``xp``."""
    n, hp, wp, c = xp.shape
    assert (geo.out_h - 1) * geo.sh + geo.kh <= hp or n * c == 0
    assert (geo.out_w - 1) * geo.sw + geo.kw <= wp or n * c == 0
    s_n, s_h, s_w, s_c = xp.strides
    shape = (n, geo.out_h, geo.out_w, geo.kh, geo.kw, c)
    strides = (s_n, s_h * geo.sh, s_w * geo.sw, s_h, s_w, s_c)
    return as_strided(xp, shape=shape, strides=strides, writeable=False)


def _column_blocks(n, geo, c, dtype):
    """Split a batch into blocks for the column matrices; return the slices and a buffer.

    A column matrix has one row per output pixel and ``kh * kw * c`` columns ordered like a
    reshaped HWIO filter. Blocks hold about ``_BLOCK_BYTES`` of it and share the returned
    work buffer ``[block size, out_h, out_w, kh, kw, c]``.
    """
    if n == 0:
        return [], None
    bytes_per_example = max(geo.out_h * geo.out_w * geo.kh * geo.kw * c * dtype.itemsize, 1)
    size = max(1, min(n, _BLOCK_BYTES // bytes_per_example))
    size = math.ceil(n / math.ceil(n / size))  # near-equal blocks
    buffer = _scratch("columns", (size, geo.out_h, geo.out_w, geo.kh, geo.kw, c), dtype)
    return [slice(start, min(start + size, n)) for start in range(0, n, size)], buffer


def transposed_columns(geo, channels):
    """Whether a conv's column matrices are built transposed: few channels, and not a filter
    of many taps over planes so small that one copy per tap would mean millions of copies."""
    if channels > _FEW_CHANNELS:
        return False
    return (geo.kh * geo.kw * channels <= _FEW_CHANNELS_MAX_TAPS
            or geo.out_h * geo.out_w * channels >= _FEW_CHANNELS_MIN_PLANE)


def _im2col_blocks(xp, geo):
    """Yield ``(rows, cols)``: the output-pixel rows of each block and its im2col matrix.

    ``cols`` lives in a shared work buffer: it is only valid until the next one is produced.
    """
    n, _, _, c = xp.shape
    if transposed_columns(geo, c):
        yield from _im2col_t_blocks(xp, geo)
        return
    blocks, buffer = _column_blocks(n, geo, c, xp.dtype)
    pixels = geo.out_h * geo.out_w
    windows = _windows(xp, geo)  # one view, sliced per block (as_strided is slow to call)
    for block in blocks:
        count = block.stop - block.start
        cols = buffer[:count]
        np.copyto(cols, windows[block])
        rows = slice(block.start * pixels, block.stop * pixels)
        yield rows, cols.reshape(count * pixels, geo.kh * geo.kw * c)


def _im2col_t_blocks(xp, geo):
    """:func:`_im2col_blocks` for inputs with few channels (a grayscale or RGB image).

    Row-major columns would copy runs of ``c`` elements; here each block's matrix is built
    transposed, ``[kh, kw, c, examples, out_h, out_w]``, one copy of whole output-sized
    planes per tap and channel, and handed out as the transposed (Fortran-ordered) view,
    which BLAS reads as fast. Measured on the CNN's first layer (1 channel, 5x5, batch 50):
    forward 1.6 ms instead of 2.5, filter gradient 2.0 instead of 2.8.
    """
    n, _, _, c = xp.shape
    if n == 0:
        return
    depth = geo.kh * geo.kw * c
    pixels = geo.out_h * geo.out_w
    size = max(1, min(n, _BLOCK_BYTES // max(depth * pixels * xp.dtype.itemsize, 1)))
    size = math.ceil(n / math.ceil(n / size))  # near-equal blocks
    planes = _scratch("planes", (c, *xp.shape[:3]), xp.dtype)  # channels first
    np.copyto(planes, np.moveaxis(xp, 3, 0))
    flat = _scratch("columns", (depth * size * pixels,), xp.dtype)
    for start in range(0, n, size):
        stop = min(start + size, n)
        count = stop - start
        cols_t = flat[: depth * count * pixels].reshape(
            geo.kh, geo.kw, c, count, geo.out_h, geo.out_w)
        for i in range(geo.kh):
            for j in range(geo.kw):
                np.copyto(cols_t[i, j], planes[:, start:stop, geo.rows(i), geo.cols(j)])
        yield slice(start * pixels, stop * pixels), cols_t.reshape(depth, count * pixels).T


# ---------------------------------------------------------------------------------------------
# Convolution


def _conv_setup(x_shape, w_shape, strides, padding, dilations):
    """Check a convolution's shapes and arguments; return its geometry."""
    _check_dilations(dilations)
    context = f"input shape {_shape_str(x_shape)}, filter shape {_shape_str(w_shape)}"
    strides = _spatial_pair(strides, "strides")
    if x_shape[3] != w_shape[2]:
        raise ValueError(
            f"Dimensions must be equal, but are {x_shape[3]} and {w_shape[2]}: the input "
            f"has {x_shape[3]} channels but the filter expects {w_shape[2]}; {context}"
        )
    if w_shape[0] < 1 or w_shape[1] < 1:
        raise ValueError(f"the filter's height and width must be >= 1; {context}")
    return _geometry(x_shape, w_shape[0], w_shape[1], strides, padding, context), context


_NHWC = "[batch, height, width, channels]"
_HWIO = "[filter_height, filter_width, in_channels, out_channels]"


def conv2d(x, w, strides, padding, dilations=None):
    """Cross-correlate NHWC ``x`` with HWIO ``w`` exactly like ``tf.nn.conv2d``."""
    x, w = _float_arrays([("input", x), ("filter", w)])
    _check_rank(x, "input", _NHWC)
    _check_rank(w, "filter", _HWIO)
    geo, _ = _conv_setup(x.shape, w.shape, strides, padding, dilations)
    return _convolve(x, w, geo)


def conv2d_bias_relu(x, w, bias, strides, padding, pool=None, keep_activation=False):
    """``max(conv2d(x, w) + bias, 0)`` with the same float results as the three steps apart.

    ``bias`` is 1-D with one entry per output channel. The bias and the ReLU are applied to
    each block of the result right after its product, while it is still in cache, instead
    of in two more passes over the whole activation (the session fuses Conv2D + bias + Relu
    into this call, see fusion.py). Same operations on the same values, element by element:
    the results are bit-for-bit those of the unfused ops.

    ``pool``: ``(ksize, strides, padding)`` of a max-pool applied to the result, also block
    by block (the activation itself is then never written out whole); the blocks hold whole
    examples, so this is ``max_pool`` of the whole result. A pool that would pad its input
    runs on the whole activation instead. ``keep_activation`` (with ``pool``): return
    ``(activation, pooled)``, the activation written out whole and each block pooled while
    it is in cache (a training step: the pool's gradient reads the activation).
    """
    x, w, bias = _float_arrays([("input", x), ("filter", w), ("bias", bias)])
    _check_rank(x, "input", _NHWC)
    _check_rank(w, "filter", _HWIO)
    if bias.shape != (w.shape[3],):
        raise ValueError(f"bias must have shape [{w.shape[3]}] (one per output channel), "
                         f"got {_shape_str(bias.shape)}")
    geo, _ = _conv_setup(x.shape, w.shape, strides, padding, None)
    pool_geo = None
    if pool is not None:
        out_shape = (x.shape[0], geo.out_h, geo.out_w, w.shape[3])
        pool_geo, _ = _pool_setup(out_shape, *pool, "input")
        if pool_geo.padded or not x.shape[0]:
            activation = _convolve(x, w, geo, bias)
            pooled = max_pool(activation, *pool)
            return (activation, pooled) if keep_activation else pooled
    return _convolve(x, w, geo, bias, pool_geo, keep_activation and pool_geo is not None)


def _winograd_fits(w_shape, geo, dtype, gradient_of_filter=False):
    """Stride-1 convolutions that Winograd's algorithm computes faster (see winograd.py)."""
    return (geo.sh == geo.sw == 1 and config.get_conv_algorithm() == "auto"
            and winograd.usable(w_shape, geo.out_h, geo.out_w, dtype, gradient_of_filter))


def _convolve(x, w, geo, bias=None, pool_geo=None, keep=False):
    """The convolution of unpadded ``x`` with ``w`` (then bias, ReLU and pooling as in
    :func:`_conv_products`): by Winograd's algorithm where it fits, else im2col."""
    if not _winograd_fits(w.shape, geo, x.dtype) or not x.shape[0]:
        return _conv_products(_pad(x, geo, 0), w, geo, bias, pool_geo, keep)
    out_hw = (geo.out_h, geo.out_w) if pool_geo is None or keep else (
        pool_geo.out_h, pool_geo.out_w)
    out = np.empty((x.shape[0], *out_hw, w.shape[3]), dtype=x.dtype)
    pooled = _pooled_result(out, pool_geo) if keep else None

    def finish(first, stop, block):
        target = out[first:stop]
        if pool_geo is not None and not keep:
            _bias_relu_pool(block, bias, pool_geo, target)
            return
        if bias is None:
            np.copyto(target, block)
        else:  # the add writes the result out of the work array
            np.add(block, bias, out=target)
            np.maximum(target, 0, out=target)
        if keep:
            _max_reduce(target, pool_geo, pooled[first:stop])

    winograd.conv2d(x, w, (geo.pad_top, geo.pad_left), (geo.out_h, geo.out_w), finish,
                    _BLOCK_BYTES)
    return (out, pooled) if keep else out


def _conv_products(xp, w, geo, bias=None, pool_geo=None, keep=False):
    """The convolution of padded ``xp`` with HWIO ``w``: im2col and one product per block;
    with ``bias``, each block then gets the bias added and the ReLU while it is in cache,
    and with ``pool_geo`` (an unpadded max-pool) the block is pooled and only that is kept
    (``keep``: both are, returned as ``(activation, pooled)``)."""
    n, out_c = xp.shape[0], w.shape[3]
    w_mat = w.reshape(geo.kh * geo.kw * xp.shape[3], out_c)
    pixels = geo.out_h * geo.out_w
    if pool_geo is None or keep:
        out = np.empty((n, geo.out_h, geo.out_w, out_c), dtype=xp.dtype)
        out_rows = out.reshape(n * pixels, out_c)
    else:
        out = np.empty((n, pool_geo.out_h, pool_geo.out_w, out_c), dtype=xp.dtype)
    pooled = _pooled_result(out, pool_geo) if keep else None
    summed = _tap_sum_blocks(xp, w, geo)  # None unless the columns would be huge
    for rows, cols in summed or _im2col_blocks(xp, geo):
        if pool_geo is None or keep:
            block = out_rows[rows]
        else:
            block = _scratch("fused_block", (rows.stop - rows.start, out_c), xp.dtype)
        np.copyto(block, cols) if summed else np.matmul(cols, w_mat, out=block)
        examples = slice(rows.start // pixels, rows.stop // pixels)
        if pool_geo is None or keep:
            _bias_relu_pool(block, bias, None, None)
            if keep:
                _max_reduce(block.reshape(-1, geo.out_h, geo.out_w, out_c), pool_geo,
                            pooled[examples])
        else:
            _bias_relu_pool(block.reshape(-1, geo.out_h, geo.out_w, out_c), bias, pool_geo,
                            out[examples])
    return (out, pooled) if keep else out


def conv2d_backprop_filter(x, filter_shape, grad, strides, padding, dilations=None):
    """Gradient of ``conv2d(x, w, ...)`` with respect to ``w`` (of ``filter_shape``)."""
    x, grad = _float_arrays([("input", x), ("out_backprop", grad)])
    _check_rank(x, "input", _NHWC)
    filter_shape = _shape4(filter_shape, "filter_shape", _HWIO)
    geo, context = _conv_setup(x.shape, filter_shape, strides, padding, dilations)
    n, out_c = x.shape[0], filter_shape[3]
    _check_out_shape(grad, "out_backprop", (n, geo.out_h, geo.out_w, out_c), context)
    if n and _winograd_fits(filter_shape, geo, x.dtype, gradient_of_filter=True):
        return winograd.filter_gradient(x, grad, geo.kh, geo.pad_top, geo.pad_left)
    depth = geo.kh * geo.kw * x.shape[3]
    grad_rows = grad.reshape(n * geo.out_h * geo.out_w, out_c)
    dw = np.zeros((depth, out_c), dtype=x.dtype)
    part = _scratch("filter_part", (depth, out_c), x.dtype)
    for rows, cols in _im2col_blocks(_pad(x, geo, 0), geo):
        np.matmul(cols.T, grad_rows[rows], out=part)
        dw += part
    return dw.reshape(filter_shape)


def conv2d_backprop_input(input_shape, w, grad, strides, padding, dilations=None):
    """Gradient of ``conv2d(x, w, ...)`` with respect to ``x`` (of ``input_shape``)."""
    w, grad = _float_arrays([("filter", w), ("out_backprop", grad)])
    _check_rank(w, "filter", _HWIO)
    input_shape = _shape4(input_shape, "input_shape", _NHWC)
    geo, context = _conv_setup(input_shape, w.shape, strides, padding, dilations)
    n, _, _, c = input_shape
    out_c = w.shape[3]
    _check_out_shape(grad, "out_backprop", (n, geo.out_h, geo.out_w, out_c), context)
    if geo.sh == geo.sw == 1 and c >= _FULL_CONV_MIN_CHANNELS and n * c:
        return _backprop_input_full(input_shape, w, grad, geo)
    return _backprop_input_col2im(input_shape, w, grad, geo)


def _backprop_input_full(input_shape, w, grad, geo):
    """Stride 1: the input gradient is a VALID convolution of the output gradient, padded by
    ``k - 1 - pad`` on each side, with the filter turned half a turn and its in/out channels
    swapped. One im2col and one product per block, like the forward pass; no scatter-add."""
    _, h, width, _ = input_shape
    full = _Geometry(h, width, geo.kh, geo.kw, 1, 1, geo.kh - 1 - geo.pad_top,
                     geo.kh - 1 - geo.pad_bottom, geo.kw - 1 - geo.pad_left,
                     geo.kw - 1 - geo.pad_right)
    turned = w[::-1, ::-1].transpose(0, 1, 3, 2)
    if _winograd_fits(turned.shape, full, w.dtype):
        return _convolve(grad, turned, full)
    w_mat = _scratch("turned_filter", turned.shape, w.dtype)
    np.copyto(w_mat, turned)
    return _conv_products(_pad(grad, full, 0), w_mat, full)


def _backprop_input_col2im(input_shape, w, grad, geo):
    """Any stride: the column gradient of each block, its taps added back where they came
    from in the padded input gradient."""
    n, _, _, c = input_shape
    out_c = w.shape[3]
    dxp = _zeroed_padded(input_shape, geo, w.dtype)
    pixels = geo.out_h * geo.out_w
    depth = geo.kh * geo.kw * c
    w_rows_t = w.reshape(depth, out_c).T
    blocks, buffer = _column_blocks(n, geo, c, w.dtype)
    for block in blocks:
        count = block.stop - block.start
        # The column gradient of the block, then each tap's share added where it came from.
        dcols = buffer[:count]
        grad_rows = grad[block].reshape(count * pixels, out_c)
        np.matmul(grad_rows, w_rows_t, out=dcols.reshape(count * pixels, depth))
        target = dxp[block]
        if geo.kh * geo.kw <= pixels:
            for i in range(geo.kh):
                for j in range(geo.kw):
                    target[:, geo.rows(i), geo.cols(j)] += dcols[:, :, :, i, j]
            continue
        # A filter with more taps than there are output pixels (a wide filter over a short
        # input): each output pixel's whole window is added back at once instead.
        for oh in range(geo.out_h):
            top = oh * geo.sh
            for ow in range(geo.out_w):
                left = ow * geo.sw
                target[:, top:top + geo.kh, left:left + geo.kw] += dcols[:, oh, ow]
    return _result_from(dxp, input_shape, geo)


# ---------------------------------------------------------------------------------------------
# Pooling


def _pool_setup(x_shape, ksize, strides, padding, name):
    ksize = _spatial_pair(ksize, "ksize")
    strides = _spatial_pair(strides, "strides")
    context = f"{name} shape {_shape_str(x_shape)}, ksize {list(ksize)}, strides {list(strides)}"
    return _geometry(x_shape, ksize[0], ksize[1], strides, padding, context), context


def _is_2x2_stride_2(x_shape, geo):
    """The tutorial's pooling: 2x2 windows, stride 2, even sizes (so no padding either way)."""
    _, h, w, _ = x_shape
    even = h % 2 == 0 and w % 2 == 0
    return even and (geo.kh, geo.kw, geo.sh, geo.sw) == (2, 2, 2, 2) and not geo.padded


def _window_counts(in_shape, geo, dtype):
    """How many real (unpadded) elements each output's window holds, shaped ``[oh, ow, 1]``."""
    _, h, w, _ = in_shape

    def per_axis(out_size, k, stride, pad_before, in_size):
        starts = np.arange(out_size) * stride - pad_before
        return np.minimum(starts + k, in_size) - np.maximum(starts, 0)

    count_h = per_axis(geo.out_h, geo.kh, geo.sh, geo.pad_top, h)
    count_w = per_axis(geo.out_w, geo.kw, geo.sw, geo.pad_left, w)
    return np.multiply.outer(count_h, count_w).astype(dtype)[:, :, None]


def max_pool(x, ksize, strides, padding):
    """Max over each window like ``tf.nn.max_pool``; padding (-inf) never wins.

    As in TensorFlow, whose running maximum starts at the dtype's lowest finite value and
    only moves up: NaN is skipped, and a window of -inf and NaN alone gives that lowest value.
    """
    (x,) = _float_arrays([("input", x)])
    _check_rank(x, "input", _NHWC)
    geo, _ = _pool_setup(x.shape, ksize, strides, padding, "input")
    return _max_reduce(_pad(x, geo, -np.inf), geo)


def _first_max_masks(taps, y, taken):
    """Yield, for each tap view in window order, where it holds its window's first max.

    ``taken`` (output-shaped, bool) starts True for windows already decided and ends True
    for every window some tap matched.
    """
    hit = _scratch("hit", y.shape, bool)
    first = _scratch("first", y.shape, bool)
    for tap in taps:
        np.equal(tap, y, out=hit)
        np.greater(hit, taken, out=first)  # a max here and none earlier in the window
        yield first
        taken |= hit


def _select(grad, mask, out):
    """Write ``grad`` where ``mask`` holds and +0.0 elsewhere into ``out``.

    NumPy's masked copies (``np.where``, ``copyto(where=)``) were ten times slower here, and
    ``grad * mask`` would turn an infinite gradient into NaN; multiplying the raw bits by the
    0/1 mask selects exactly.
    """
    bits = np.dtype(f"u{grad.itemsize}")
    np.multiply(grad.view(bits), mask, out=out.view(bits))


def _max_pool_grad_2x2(x, y, grad):
    """``max_pool_grad`` for 2x2 windows with stride 2 on even sizes, via a reshape."""
    n, h, w, c = x.shape
    x6 = x.reshape(n, h // 2, 2, w // 2, 2, c)
    dx6 = np.empty_like(x6)  # the four taps below fill every element once
    order = ((0, 0), (0, 1), (1, 0), (1, 1))
    # The first tap is every window's first element: it wins when it equals the max or is
    # NaN (TensorFlow's running argmax starts there), i.e. unless it is below the max.
    taken = _scratch("taken", y.shape, bool)
    np.less(x6[:, :, 0, :, 0], y, out=taken)
    np.logical_not(taken, out=taken)
    _select(grad, taken, dx6[:, :, 0, :, 0])
    taps = (x6[:, :, a, :, b] for a, b in order[1:])
    for (a, b), mask in zip(order[1:], _first_max_masks(taps, y, taken), strict=True):
        _select(grad, mask, dx6[:, :, a, :, b])
    if not taken.all():
        _route_unmatched_to_first(grad, taken, dx6[:, :, 0, :, 0])
    return dx6.reshape(x.shape)


def _route_unmatched_to_first(grad, taken, first_view):
    """Windows of -inf and NaN alone (their max is the lowest float, which no element equals):
    TensorFlow's argmax never moves from the first element, so it takes the gradient."""
    routed = np.zeros_like(grad)
    np.logical_not(taken, out=taken)
    _select(grad, taken, routed)
    first_view += routed


def _first_real_cells(geo):
    """Each window's first unpadded element, as row and column indexes into padded arrays."""
    rows = np.maximum(np.arange(geo.out_h) * geo.sh, geo.pad_top)
    cols = np.maximum(np.arange(geo.out_w) * geo.sw, geo.pad_left)
    return rows[:, None], cols[None, :]


def max_pool_grad(x, y, grad, ksize, strides, padding):
    """Gradient of ``y = max_pool(x, ...)``: each ``grad`` entry goes to its window's max.

    On ties the first maximum in row-major window order receives it, as in TensorFlow.
    Padding is never chosen. ``y`` must be the forward result for this ``x``.
    """
    x, y, grad = _float_arrays([("orig_input", x), ("orig_output", y), ("grad", grad)])
    _check_rank(x, "orig_input", _NHWC)
    geo, context = _pool_setup(x.shape, ksize, strides, padding, "orig_input")
    n, _, _, c = x.shape
    expected = (n, geo.out_h, geo.out_w, c)
    _check_out_shape(y, "orig_output", expected, context)
    _check_out_shape(grad, "grad", expected, context)
    if _is_2x2_stride_2(x.shape, geo):
        return _max_pool_grad_2x2(x, y, grad)
    # NaN padding compares unequal to everything, so a padded cell never matches the max.
    xp = _pad(x, geo, np.nan)
    dxp = _zeroed_padded(x.shape, geo, x.dtype)
    # TensorFlow's running argmax starts at each window's first real element and moves only
    # to a larger one: a NaN there keeps the gradient, as does a window no element matches.
    rows, cols = _first_real_cells(geo)
    first_is_nan = np.isnan(xp[:, rows, cols])
    taken = _scratch("taken", y.shape, bool)
    np.copyto(taken, first_is_nan)
    order = [(slice(None), geo.rows(i), geo.cols(j)) for i in range(geo.kh) for j in range(geo.kw)]
    taps = (xp[window] for window in order)
    routed = _scratch("routed", grad.shape, grad.dtype)
    for window, mask in zip(order, _first_max_masks(taps, y, taken), strict=True):
        _select(grad, mask, routed)
        dxp[window] += routed
    to_first = first_is_nan | ~taken
    if to_first.any():
        batch, i, j, channel = np.nonzero(to_first)
        # Windows may share a first element (SAME padding): add.at sums repeated cells.
        np.add.at(dxp, (batch, rows[i, 0], cols[0, j], channel), grad[to_first])
    return _result_from(dxp, x.shape, geo)


def avg_pool(x, ksize, strides, padding):
    """Mean over each window like ``tf.nn.avg_pool``; SAME divides by the real elements only."""
    (x,) = _float_arrays([("input", x)])
    _check_rank(x, "input", _NHWC)
    geo, _ = _pool_setup(x.shape, ksize, strides, padding, "input")
    total = _reduce_windows(_pad(x, geo, 0), geo, np.add)
    total /= _window_counts(x.shape, geo, x.dtype)
    return total


def avg_pool_grad(input_shape, grad, ksize, strides, padding):
    """Gradient of ``avg_pool`` for an input of ``input_shape``: spread each mean back."""
    (grad,) = _float_arrays([("grad", grad)])
    input_shape = _shape4(input_shape, "orig_input_shape", _NHWC)
    geo, context = _pool_setup(input_shape, ksize, strides, padding, "orig_input_shape")
    n, h, w, c = input_shape
    _check_out_shape(grad, "grad", (n, geo.out_h, geo.out_w, c), context)
    share = _scratch("pool_share", grad.shape, grad.dtype)
    if _is_2x2_stride_2(input_shape, geo):
        np.divide(grad, 4, out=share)
        dx = np.empty(input_shape, dtype=grad.dtype)
        np.copyto(dx.reshape(n, h // 2, 2, w // 2, 2, c), share[:, :, None, :, None, :])
        return dx
    np.divide(grad, _window_counts(input_shape, geo, grad.dtype), out=share)
    # Spread over columns first (onto rows of the padded width), then over rows.
    rows = _scratch("pool_rows", (n, geo.out_h, _padded_shape(input_shape, geo)[2], c), grad.dtype)
    rows.fill(0)
    for j in range(geo.kw):
        rows[:, :, geo.cols(j)] += share
    dxp = _zeroed_padded(input_shape, geo, grad.dtype)
    for i in range(geo.kh):
        dxp[:, geo.rows(i)] += rows
    return _result_from(dxp, input_shape, geo)
