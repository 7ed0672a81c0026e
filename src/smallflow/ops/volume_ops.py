"""3-D convolution and pooling (``conv3d``, ``max_pool3d``, ``avg_pool3d``,
``conv3d_transpose``), composed from a gather of the patches and existing ops, so that
their gradients come from those ops. NDHWC layout, as TensorFlow's default."""

import numpy as np

from .. import dtypes
from ..gradients import gradients
from ..graph import convert_to_tensor, name_scope
from . import array_ops, math_ops
from .common import renamed_argument


def _triple(values, what):
    items = list(values)
    if len(items) != 5 or items[0] != 1 or items[4] != 1:
        raise ValueError(f"{what} must have 5 entries with 1 for batch and depth "
                         f"(NDHWC), got {values!r}")
    return [int(v) for v in items[1:4]]


def _geometry(sizes, kernel, strides, padding):
    """Output sizes and the (before, after) padding of each spatial axis."""
    out, pads = [], []
    for size, k, s in zip(sizes, kernel, strides):
        if padding == "SAME":
            n = -(-size // s)
            total = max((n - 1) * s + k - size, 0)
            pads.append((total // 2, total - total // 2))
        elif padding == "VALID":
            n = (size - k) // s + 1
            if n < 1:
                raise ValueError(f"Computed output size would be negative: {n} [input_size: "
                                 f"{size}, effective_filter_size: {k}, stride: {s}]")
            pads.append((0, 0))
        else:
            raise ValueError(f"padding must be SAME or VALID, got {padding!r}")
        out.append(n)
    return out, pads


def _patches(x, kernel, strides, padding, fill=0.0):
    """``[batch, oD, oH, oW, kd * kh * kw, channels]``: the window of each output position."""
    dims = x.shape.as_tuple()
    if dims is None or len(dims) != 5 or any(d is None for d in dims[1:]):
        raise ValueError(f"3-D convolution and pooling need a 5-D NDHWC input with known "
                         f"spatial sizes and channels, got {x.name} of shape {x.shape}")
    _, depth, height, width, channels = dims
    out, pads = _geometry([depth, height, width], kernel, strides, padding)
    padded = array_ops.pad(x, [[0, 0], *[list(p) for p in pads], [0, 0]],
                           constant_values=fill)
    sizes = [depth + sum(pads[0]), height + sum(pads[1]), width + sum(pads[2])]
    grids = np.meshgrid(*[np.arange(n) * s for n, s in zip(out, strides)], indexing="ij")
    offsets = np.meshgrid(*[np.arange(k) for k in kernel], indexing="ij")
    starts = [g.reshape(-1, 1) for g in grids]
    steps = [o.reshape(1, -1) for o in offsets]
    d, h, w = (a + b for a, b in zip(starts, steps))
    flat_index = ((d * sizes[1] + h) * sizes[2] + w).reshape(-1).astype(np.int32)
    flat = array_ops.reshape(padded, [-1, sizes[0] * sizes[1] * sizes[2], channels])
    picked = array_ops.gather(flat, flat_index, axis=1)
    window = int(np.prod(kernel))
    return array_ops.reshape(picked, [-1, *out, window, channels]), out, pads


def conv3d(input, filter=None, strides=None, padding=None, data_format="NDHWC",  # noqa: A002
           dilations=(1, 1, 1, 1, 1), name=None, filters=None):
    """Cross-correlate ``input [batch, d, h, w, in]`` with ``filter [kd, kh, kw, in, out]``."""
    filter = filters if filter is None else filter  # noqa: A001
    if data_format != "NDHWC":
        raise ValueError("conv3d supports data_format NDHWC only")
    if list(dilations) != [1, 1, 1, 1, 1]:
        raise ValueError("conv3d: dilations other than 1 are not supported")
    with name_scope(name or "Conv3D"):
        x = convert_to_tensor(input, name="input")
        w = convert_to_tensor(filter, dtype=x.dtype, name="filter")
        kernel_dims = w.shape.as_tuple()
        if kernel_dims is None or len(kernel_dims) != 5 or None in kernel_dims:
            raise ValueError(f"conv3d needs a filter of known 5-D shape, got {w.shape}")
        kd, kh, kw, cin, cout = kernel_dims
        if x.shape.ndims == 5 and x.shape[4].value not in (None, cin):
            raise ValueError(f"Depth of input ({x.shape[4].value}) must match the filter's "
                             f"input depth ({cin})")
        windows, out, _ = _patches(x, [kd, kh, kw], _triple(strides, "strides"), padding)
        rows = array_ops.reshape(windows, [-1, kd * kh * kw * cin])
        product = math_ops.matmul(rows, array_ops.reshape(w, [kd * kh * kw * cin, cout]))
        return array_ops.reshape(product, [-1, *out, cout])


def _pool_input(x, op_type):
    # TensorFlow 1.15 registers the 3-D pools for half and float only.
    x = convert_to_tensor(x, name="input")
    if x.dtype not in (dtypes.float16, dtypes.float32):
        raise TypeError(f"Value passed to parameter 'input' has DataType {x.dtype.name} not in "
                        f"list of allowed values: float16, bfloat16, float32 (op '{op_type}')")
    return x


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    """The maximum of each ``ksize`` window (padding never wins)."""
    if data_format != "NDHWC":
        raise ValueError("max_pool3d supports data_format NDHWC only")
    with name_scope(name or "MaxPool3D"):
        x = _pool_input(input, "MaxPool3D")
        lowest = np.finfo(x.dtype.as_numpy_dtype).min if x.dtype.is_floating else \
            np.iinfo(x.dtype.as_numpy_dtype).min
        windows, _, _ = _patches(x, _triple(ksize, "ksize"), _triple(strides, "strides"),
                                 padding, fill=lowest)
        return math_ops.reduce_max(windows, axis=4)


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    """The mean of each window over its real (unpadded) elements."""
    if data_format != "NDHWC":
        raise ValueError("avg_pool3d supports data_format NDHWC only")
    with name_scope(name or "AvgPool3D"):
        x = _pool_input(input, "AvgPool3D")
        kernel = _triple(ksize, "ksize")
        stride = _triple(strides, "strides")
        windows, out, pads = _patches(x, kernel, stride, padding)
        total = math_ops.reduce_sum(windows, axis=4)
        # How many real elements each window covers, known when the graph is built.
        sizes = x.shape.as_list()[1:4]
        counts = np.ones(1)
        for n, s, k, (before, _), size in zip(out, stride, kernel, pads, sizes):
            starts = np.arange(n) * s - before
            covered = np.minimum(starts + k, size) - np.maximum(starts, 0)
            counts = np.multiply.outer(counts, covered)
        counts = counts.reshape([1, *out, 1]).astype(x.dtype.as_numpy_dtype)
        return total / array_ops.constant(counts)


def _five(values, data_format):
    """``dilations`` of a 3-D convolution (an int, or 1, 3 or 5 ints) as 5 ints."""
    if values is None:
        return [1, 1, 1, 1, 1]
    items = [int(v) for v in np.ravel(values)]
    if len(items) == 5:
        return items
    if len(items) == 1:
        items = items * 3
    elif len(items) != 3:
        raise ValueError(f"dilations should be of length 1, 3 or 5 but was {len(items)}")
    return [1, 1, *items] if data_format == "NCDHW" else [1, *items, 1]


def conv3d_transpose(value, filter=None, output_shape=None, strides=None,  # noqa: A002
                     padding="SAME", data_format="NDHWC", name=None, input=None,  # noqa: A002
                     filters=None, dilations=None):
    """The transpose (gradient with respect to the input) of ``conv3d``: ``value`` is
    ``[batch, d, h, w, out]``, the filter ``[kd, kh, kw, in, out]``, the result has
    ``output_shape`` (TensorFlow 1.15's arguments: ``filters`` is TensorFlow 2's name of
    ``filter``; ``value`` is required positionally, as there, so ``input`` can only repeat
    it, which is an error)."""
    value = renamed_argument("input", input, "value", value)
    filter = renamed_argument("filters", filters, "filter", filter)  # noqa: A001
    with name_scope(name or "conv3d_transpose"):
        value = convert_to_tensor(value, name="value")
        shape = [int(d) for d in np.ravel(output_shape)]
        probe = array_ops.zeros(shape, dtype=value.dtype)
        forward = conv3d(probe, filter, strides, padding, data_format,
                         dilations=_five(dilations, data_format))
        if not forward.shape.is_compatible_with(value.shape):
            raise ValueError(f"conv3d_transpose: value of shape {value.shape} does not match "
                             f"the convolution of output_shape {shape} ({forward.shape})")
        (result,) = gradients(forward, probe, grad_ys=value)
        return result


def extract_volume_patches(input, ksizes, strides, padding, name=None):  # noqa: A002
    """``[batch, oD, oH, oW, kd * kh * kw * channels]``: the 3-D patch seen at each output
    position, flattened depth-major (``extract_image_patches`` in three dimensions)."""
    with name_scope(name or "ExtractVolumePatches"):
        x = convert_to_tensor(input, name="input")
        kernel = _triple(ksizes, "ksizes")
        windows, out, _ = _patches(x, kernel, _triple(strides, "strides"), padding)
        channels = x.shape.as_list()[-1]
        return array_ops.reshape(windows, [-1, *out, int(np.prod(kernel)) * channels])
