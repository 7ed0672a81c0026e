"""``tf.nn.max_pool_with_argmax``: max pooling that also returns where each maximum was.

The ``MaxPoolWithArgmax`` op (NHWC only, as in TensorFlow 1.x) gives the pooled output and,
for each output element, the flat index of the input element that won its window:
``(y * width + x) * channels + c``, or ``((b * height + y) * width + x) * channels + c``
with ``include_batch_in_index=True``. SegNet-style networks use the indices to "unpool".

Each window is scanned row by row, as TensorFlow's CPU kernel does: its first real element
is taken whatever it holds, and a later one only when strictly greater. So the first maximum
of a window wins ties, a NaN in first place stays (later NaNs never win), a window of -inf
gives -inf at its first element, and padding is never looked at.

``MaxPoolGradWithArgmax`` routes the output gradient back to the recorded indices (adding
where windows overlap). ``MaxPoolGradGradWithArgmax`` is declared but, as in TensorFlow
1.x, has no CPU kernel. As in
TensorFlow 1.x, ``MaxPoolGradWithArgmax`` has no registered gradient: the unpooling programs
of the time register their own (``@ops.RegisterGradient("MaxPoolGradWithArgmax")``, calling
``gen_nn_ops.max_pool_grad_grad_with_argmax``), which a registered one would refuse.
"""

import collections

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor
from ..op_signature import INDEX, REALS, signature
from ..registry import RegisterGradient, register_op
from ..tensor_shape import TensorShape
from .common import make_op
from .conv_kernels import padding_sizes

__all__ = ["max_pool_with_argmax"]

MaxPoolWithArgmax = collections.namedtuple("MaxPoolWithArgmax", ["output", "argmax"])


def _window(values, what):
    items = [int(v) for v in values]
    if len(items) != 4:
        raise ValueError(f"Sliding window {what} field must specify 4 dimensions, got {values!r}")
    if items[0] != 1 or items[3] != 1:
        raise ValueError(f"Pooling is not yet supported on the batch or depth dimensions "
                         f"({what} = {items})")
    return items[1], items[2]


def _geometry(shape, attrs):
    """Output sizes, the padding before each axis and the window/strides, from the attrs."""
    _, height, width, _ = shape
    kh, kw = _window(attrs["ksize"], "ksize")
    sh, sw = _window(attrs["strides"], "stride")
    out_h, top, _ = padding_sizes(height, kh, sh, attrs["padding"])
    out_w, left, _ = padding_sizes(width, kw, sw, attrs["padding"])
    return out_h, out_w, top, left, kh, kw, sh, sw


def _lowest(dtype):
    return np.finfo(dtype).min if dtype.kind == "f" else np.iinfo(dtype).min


def _taps(x, attrs):
    """Yield ``(values, flat_index)`` for each window cell, in TensorFlow's scan order:
    values ``[n, oh, ow, c]`` (padding as the lowest value or NaN, which never win) and
    the per-image flat index of that cell ``[oh, ow, 1]`` (-1 where it is padding)."""
    n, height, width, channels = x.shape
    out_h, out_w, top, left, kh, kw, sh, sw = _geometry(x.shape, attrs)
    pad_h = max((out_h - 1) * sh + kh - height - top, 0)
    pad_w = max((out_w - 1) * sw + kw - width - left, 0)
    fill = np.nan if x.dtype.kind == "f" else _lowest(x.dtype)
    padded = np.pad(x, [(0, 0), (top, pad_h), (left, pad_w), (0, 0)], constant_values=fill)
    for i in range(kh):
        rows = np.arange(out_h) * sh + i - top
        for j in range(kw):
            cols = np.arange(out_w) * sw + j - left
            inside = ((rows >= 0) & (rows < height))[:, None] & \
                ((cols >= 0) & (cols < width))[None, :]
            flat = np.where(inside, rows[:, None] * width + cols[None, :], -1)
            values = padded[:, i : i + (out_h - 1) * sh + 1 : sh,
                            j : j + (out_w - 1) * sw + 1 : sw]
            yield values, flat[:, :, None]


def _forward(x, attrs):
    n, height, width, channels = x.shape
    out_h, out_w = _geometry(x.shape, attrs)[:2]
    out = np.full((n, out_h, out_w, channels), _lowest(x.dtype), dtype=x.dtype)
    cell = np.full((n, out_h, out_w, channels), -1, dtype=np.int64)
    for values, flat in _taps(x, attrs):
        # The window's first real cell is taken whatever it holds (NaN, -inf); later cells
        # only when strictly greater. Padding (index -1) is never taken.
        better = (values > out) | ((cell < 0) & (flat >= 0))
        np.copyto(out, values, where=better)
        np.copyto(cell, np.broadcast_to(flat, cell.shape), where=better)
    channel = np.arange(channels, dtype=np.int64)
    index = np.where(cell >= 0, cell * channels + channel, -1)
    if attrs.get("include_batch_in_index", False):
        batch = np.arange(n, dtype=np.int64)[:, None, None, None] * (height * width * channels)
        index = np.where(index >= 0, index + batch, -1)
    return out, index.astype(attrs["Targmax"].as_numpy_dtype)


def _flat_targets(argmax, input_shape, include_batch, op_type):
    """Indices into the flattened input for each element of ``argmax`` (checked)."""
    n = input_shape[0]
    per_image = int(np.prod(input_shape[1:]))
    index = argmax.astype(np.int64)
    if not include_batch:
        index = index + (np.arange(n, dtype=np.int64) * per_image).reshape(
            (-1,) + (1,) * (argmax.ndim - 1))
    limit = n * per_image
    bad = (argmax >= 0) & ((index < 0) | (index >= limit))
    if bad.any():
        raise InvalidArgumentError(
            None, None, f"{op_type}: argmax index {int(argmax[bad].flat[0])} is outside the "
            f"input of shape [{','.join(map(str, input_shape))}]"
            + ("" if include_batch else " (indices count within one image)"))
    return index, argmax >= 0


def _check_grad_shape(op_type, grad, expected):
    if grad.shape != tuple(expected):
        raise InvalidArgumentError(
            None, None, f"{op_type}: expected grad shape [{','.join(map(str, expected))}], "
            f"got [{','.join(map(str, grad.shape))}]")


def _forward_kernel(attrs):
    return lambda x: _forward(x, attrs)


def _grad_kernel(attrs):
    def run(x, grad, argmax):
        _check_grad_shape("MaxPoolGradWithArgmax", grad,
                          (x.shape[0], *_geometry(x.shape, attrs)[:2], x.shape[3]))
        index, valid = _flat_targets(argmax, x.shape, attrs.get("include_batch_in_index",
                                                                False), "MaxPoolGradWithArgmax")
        out = np.zeros(x.size, dtype=grad.dtype)
        np.add.at(out, index[valid], grad[valid])
        return out.reshape(x.shape)

    return run


def _pooled_shape(shape, attrs):
    if shape.ndims is None:
        return TensorShape([None] * 4)
    if shape.ndims != 4:
        raise ValueError(f"input must be 4-dimensional (NHWC), got shape {shape}")
    n, height, width, channels = shape.as_list()
    kh, kw = _window(attrs["ksize"], "ksize")
    sh, sw = _window(attrs["strides"], "stride")
    out_h = None if height is None else padding_sizes(height, kh, sh, attrs["padding"])[0]
    out_w = None if width is None else padding_sizes(width, kw, sw, attrs["padding"])[0]
    return TensorShape([n, out_h, out_w, channels])


def _forward_shape(op):
    pooled = _pooled_shape(op.inputs[0].shape, op.attrs)
    return [pooled, pooled]


# TensorFlow 1.x declares int32 indices too but has CPU kernels for int64 only.
_CPU_KERNELS = {"Targmax": (dtypes.int64,)}
register_op("MaxPoolWithArgmax", _forward_kernel, _forward_shape,
            signature=signature("input: T -> output: T, argmax: Targmax", kernels=_CPU_KERNELS,
                                T=REALS, Targmax=INDEX))
register_op("MaxPoolGradWithArgmax", _grad_kernel, lambda op: [op.inputs[0].shape],
            signature=signature("input: T, grad: T, argmax: Targmax -> output: T",
                                kernels=_CPU_KERNELS, T=REALS, Targmax=INDEX))
# Declared as in TensorFlow 1.x, which has a kernel for it on GPUs only: a graph may hold it,
# running it on the CPU fails as there ("No OpKernel was registered...").
register_op("MaxPoolGradGradWithArgmax", lambda attrs: None, lambda op: [op.inputs[2].shape],
            signature=signature("input: T, grad: T, argmax: Targmax -> output: T",
                                kernels={"T": ()}, T=REALS, Targmax=INDEX))


def _attrs_of(op):
    return {key: op.attrs[key] for key in ("ksize", "strides", "padding", "Targmax",
                                            "include_batch_in_index")}


@RegisterGradient("MaxPoolWithArgmax")
def _max_pool_with_argmax_grad(op, grad, unused_argmax_grad):
    return make_op("MaxPoolGradWithArgmax", [op.inputs[0], grad, op.outputs[1]],
                   [grad.dtype], _attrs_of(op)).outputs[0]


def max_pool_with_argmax(input, ksize, strides, padding, data_format="NHWC",  # noqa: A002
                         Targmax=None, name=None, output_dtype=None,  # noqa: N803
                         include_batch_in_index=False):
    """``tf.nn.max_pool_with_argmax`` (TF 1.x signature): ``(output, argmax)``.

    ``Targmax`` (or its newer name ``output_dtype``) is ``tf.int64`` by default; ``tf.int32``
    builds but, as in TensorFlow, has no CPU kernel to run. Only NHWC is supported.
    """
    if data_format != "NHWC":
        raise ValueError("Data formats other than 'NHWC' are not yet supported")
    if Targmax is not None and output_dtype is not None and \
            dtypes.as_dtype(Targmax) != dtypes.as_dtype(output_dtype):
        raise ValueError("Cannot specify both 'output_dtype' and 'Targmax'")
    chosen = Targmax if Targmax is not None else output_dtype
    targmax = dtypes.int64 if chosen is None else dtypes.as_dtype(chosen)
    if targmax not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"Value passed to parameter 'Targmax' has DataType {targmax.name} not "
                        "in list of allowed values: int32, int64")
    value = convert_to_tensor(input, name="input")
    attrs = {"ksize": [int(k) for k in ksize], "strides": [int(s) for s in strides],
             "padding": padding, "Targmax": targmax,
             "include_batch_in_index": bool(include_batch_in_index)}
    _window(attrs["ksize"], "ksize")
    _window(attrs["strides"], "stride")
    if padding not in ("SAME", "VALID"):
        raise ValueError(f'padding must be "SAME" or "VALID", got {padding!r}')
    op = make_op("MaxPoolWithArgmax", [value], [value.dtype, targmax], attrs,
                 name or "MaxPoolWithArgmax")
    return MaxPoolWithArgmax(*op.outputs)
