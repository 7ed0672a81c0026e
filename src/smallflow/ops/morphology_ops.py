"""Grayscale morphology: ``tf.nn.dilation2d`` and ``tf.nn.erosion2d`` (TensorFlow 1.x
signatures), with the ``Dilation2D`` op and its two backprop ops.

Dilation takes, for each output pixel and channel, the maximum over the filter's window of
``input + filter``: ``out[b, y, x, c] = max over (i, j) of in[b, y*s_h + i*r_h - top,
x*s_w + j*r_w - left, c] + filter[i, j, c]``, where the window's taps are ``rates`` apart and
SAME padding is computed for the dilated window (padding is never taken). Erosion is its
dual: ``-dilation2d(-value, reverse(kernel, [0, 1]))``. As in TensorFlow's kernel, taps are
scanned row by row and a later one wins only when strictly greater, so the gradient of each
output goes to the first maximum of its window, both into the input (``Dilation2DBackprop
Input``) and into the filter (``Dilation2DBackpropFilter``).
"""

import numpy as np

from ..errors import UnimplementedError
from ..graph import convert_to_tensor, get_default_graph
from ..op_signature import REALS, signature
from ..registry import RegisterGradient, register_op
from ..tensor_shape import TensorShape
from .common import make_op
from .conv_kernels import padding_sizes
from .cwise_ops import negative
from .pad_ops import reverse

__all__ = ["dilation2d", "erosion2d"]


def _pair(values, what):
    """The two spatial entries of a 4-entry ``strides``/``rates`` list (checked)."""
    items = [int(v) for v in values]
    if len(items) < 4:
        raise ValueError(f"Attr '{what}' of 'Dilation2D' Op passed list of length "
                         f"{len(items)} less than minimum 4.")
    if len(items) != 4:
        raise ValueError(f"Dilation2D requires the {what} attribute to contain 4 values, but "
                         f"got: {len(items)}")
    return items


def _geometry(in_h, in_w, k_h, k_w, attrs):
    """``(out_h, out_w, top, left)`` for the dilated window."""
    _, s_h, s_w, _ = attrs["strides"]
    _, r_h, r_w, _ = attrs["rates"]
    eff_h = (k_h - 1) * r_h + 1
    eff_w = (k_w - 1) * r_w + 1
    out_h, top = _output_size(in_h, eff_h, s_h, attrs["padding"])
    out_w, left = _output_size(in_w, eff_w, s_w, attrs["padding"])
    return out_h, out_w, top, left


def _output_size(size, effective, stride, padding):
    if padding == "VALID" and effective > size:
        raise ValueError(f"Computed output size would be negative: {size - effective + 1} "
                         f"[input_size: {size}, effective_filter_size: {effective}, "
                         f"stride: {stride}]")
    out, before, _ = padding_sizes(size, effective, stride, padding)
    return out, before


def _check_runnable(attrs):
    strides, rates = attrs["strides"], attrs["rates"]
    if strides[0] != 1 or strides[3] != 1:
        raise UnimplementedError(None, None, "Current implementation does not yet support "
                                 "strides in the batch and depth dimensions.")
    if rates[0] != 1 or rates[3] != 1:
        raise UnimplementedError(None, None, "Current implementation does not yet support "
                                 "rates in the batch and depth dimensions.")


def _taps(x, kernel, attrs):
    """Yield ``(i, j, values, valid, rows, cols)`` per filter tap in TensorFlow's scan order:
    ``values[n, oh, ow, c] = x[...] + kernel[i, j, c]``, ``valid[oh, ow]`` false on padding."""
    _, in_h, in_w, _ = x.shape
    k_h, k_w, _ = kernel.shape
    out_h, out_w, top, left = _geometry(in_h, in_w, k_h, k_w, attrs)
    _, s_h, s_w, _ = attrs["strides"]
    _, r_h, r_w, _ = attrs["rates"]
    for i in range(k_h):
        rows = np.arange(out_h) * s_h + i * r_h - top
        row_ok = (rows >= 0) & (rows < in_h)
        for j in range(k_w):
            cols = np.arange(out_w) * s_w + j * r_w - left
            col_ok = (cols >= 0) & (cols < in_w)
            picked = x[:, np.clip(rows, 0, in_h - 1)][:, :, np.clip(cols, 0, in_w - 1)]
            values = picked + kernel[i, j]
            yield i, j, values, row_ok[:, None] & col_ok[None, :], rows, cols


def _winners(x, kernel, attrs):
    """The dilation and, per output element, the winning tap's (i, j) (-1: none)."""
    n, in_h, in_w, depth = x.shape
    k_h, k_w, _ = kernel.shape
    out_h, out_w, _, _ = _geometry(in_h, in_w, k_h, k_w, attrs)
    shape = (n, out_h, out_w, depth)
    lowest = np.finfo(x.dtype).min if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    best = np.full(shape, lowest, dtype=x.dtype)
    tap = np.full(shape, -1, dtype=np.int64)
    with np.errstate(over="ignore", invalid="ignore"):
        for i, j, values, valid, _, _ in _taps(x, kernel, attrs):
            better = (values > best) & valid[None, :, :, None]
            np.copyto(best, values.astype(x.dtype), where=better)
            tap[better] = i * k_w + j
    return best, tap


def _forward_kernel(attrs):
    _check_runnable(attrs)
    return lambda x, kernel: _winners(x, kernel, attrs)[0]


def _input_grad_kernel(attrs):
    _check_runnable(attrs)

    def run(x, kernel, grad):
        _, tap = _winners(x, kernel, attrs)
        k_w = kernel.shape[1]
        out = np.zeros_like(x)
        n, _, _, depth = x.shape
        for i, j, _, _, rows, cols in _taps(x, kernel, attrs):
            hit = tap == i * k_w + j
            b, oh, ow, c = np.nonzero(hit)
            np.add.at(out, (b, rows[oh], cols[ow], c), grad[b, oh, ow, c])
        return out

    return run


def _filter_grad_kernel(attrs):
    _check_runnable(attrs)

    def run(x, kernel, grad):
        _, tap = _winners(x, kernel, attrs)
        k_h, k_w, depth = kernel.shape
        out = np.zeros_like(kernel)
        for i in range(k_h):
            for j in range(k_w):
                hit = tap == i * k_w + j
                out[i, j] = np.where(hit, grad, 0).sum(axis=(0, 1, 2)).astype(kernel.dtype)
        return out

    return run


def _forward_shape(op):
    x_shape, k_shape = op.inputs[0].shape, op.inputs[1].shape
    x_dims = x_shape.with_rank(4).as_list() if x_shape.ndims is not None else [None] * 4
    k_dims = k_shape.with_rank(3).as_list() if k_shape.ndims is not None else [None] * 3
    where = (f"for '{op.name}' (op: '{op.type}') with input shapes: {_dims(x_dims)}, "
             f"{_dims(k_dims)}.")
    depth = x_dims[3]
    if depth is not None and k_dims[2] is not None and depth != k_dims[2]:
        raise ValueError(f"Dimensions must be equal, but are {depth} and {k_dims[2]} {where}")
    depth = depth if depth is not None else k_dims[2]
    out = [x_dims[0], None, None, depth]
    if None not in (x_dims[1], x_dims[2], k_dims[0], k_dims[1]):
        try:
            out_h, out_w, _, _ = _geometry(x_dims[1], x_dims[2], k_dims[0], k_dims[1],
                                           op.attrs)
        except ValueError as err:
            raise ValueError(f"{err} {where}") from None
        out[1:3] = [out_h, out_w]
    return [TensorShape(out)]


def _dims(dims):
    return "[" + ",".join("?" if d is None else str(d) for d in dims) + "]"


_SIGNATURE = signature("input: T, filter: T -> output: T", T=REALS)
register_op("Dilation2D", _forward_kernel, _forward_shape, signature=_SIGNATURE)
register_op("Dilation2DBackpropInput", _input_grad_kernel, lambda op: [op.inputs[0].shape],
            signature=signature("input: T, filter: T, out_backprop: T -> in_backprop: T",
                                T=REALS))
register_op("Dilation2DBackpropFilter", _filter_grad_kernel, lambda op: [op.inputs[1].shape],
            signature=signature("input: T, filter: T, out_backprop: T -> filter_backprop: T",
                                T=REALS))


def _attrs(strides, rates, padding):
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"Attr 'padding' of 'Dilation2D' Op passed string '{padding}' not "
                         'in: "SAME", "VALID".')
    return {"strides": _pair(strides, "strides"), "rates": _pair(rates, "rates"),
            "padding": padding}


def _dilation(x, kernel, attrs, name):
    return make_op("Dilation2D", [x, kernel], [x.dtype], attrs, name, "Dilation2D").outputs[0]


def dilation2d(input=None, filter=None, strides=None, rates=None, padding=None,  # noqa: A002
               name=None, filters=None, dilations=None):
    """Grayscale dilation of NHWC ``input`` by a ``[height, width, depth]`` ``filter``
    (``tf.nn.dilation2d``; ``filters``/``dilations`` are the newer names of ``filter`` and
    ``rates``)."""
    if filter is None:
        filter = filters  # noqa: A001
    if rates is None:
        rates = dilations
    if filter is None or strides is None or rates is None or padding is None:
        raise TypeError("dilation2d() needs input, filter, strides, rates and padding")
    attrs = _attrs(strides, rates, padding)
    x = convert_to_tensor(input, name="input")
    kernel = convert_to_tensor(filter, dtype=x.dtype, name="filter")
    return _dilation(x, kernel, attrs, name)


def erosion2d(value, kernel, strides, rates, padding, name=None):
    """Grayscale erosion (``tf.nn.erosion2d``): ``-dilation2d(-value, kernel reversed in
    height and width)``."""
    attrs = _attrs(strides, rates, padding)
    with get_default_graph().name_scope(name or "erosion2d") as scope:
        x = convert_to_tensor(value, name="value")
        flipped = reverse(convert_to_tensor(kernel, dtype=x.dtype, name="kernel"), [0, 1])
        return negative(_dilation(negative(x), flipped, attrs, scope.rstrip("/")))


@RegisterGradient("Dilation2D")
def _dilation2d_grad(op, grad):
    x, kernel = op.inputs
    attrs = {key: op.attrs[key] for key in ("strides", "rates", "padding")}
    to_input = make_op("Dilation2DBackpropInput", [x, kernel, grad], [x.dtype], attrs)
    to_filter = make_op("Dilation2DBackpropFilter", [x, kernel, grad], [x.dtype], attrs)
    return [to_input.outputs[0], to_filter.outputs[0]]
