"""``tf.image.extract_glimpse``: windows cut out of each image around given points, as the
visual-attention models of 2015-2018 (recurrent attention on MNIST) read their inputs.

The ``ExtractGlimpse`` op follows TensorFlow's kernel for it (the TF 1.x op, which TF 2 keeps
under ``compat.v1``): an offset ``(y, x)`` becomes a pixel position (``normalized``: scaled
by the image size; ``centered``: halved and moved to the image's center), is moved back by
half the glimpse, and is truncated toward zero to the window's corner. A window reaching
outside the image is first filled with noise — uniform between the image's minimum and
maximum (the op's ``noise`` attr, "uniform" by default, decides, so ``uniform_noise=False``
alone changes nothing, as in TensorFlow; "gaussian": per channel, with the channel's mean and
deviation, clipped to its range; "zero") — and the part inside is copied over it. As in
TensorFlow, the noise is the same at every run (its generator restarts with a fixed seed).
"""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor
from ..op_signature import signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape
from .common import constant_value, make_op

__all__ = ["extract_glimpse"]


def _corner(offset, size, glimpse, attrs):
    """The glimpse's first row (or column) in the image, from one offset coordinate."""
    position = np.float32(offset)
    if attrs["normalized"]:
        position = np.float32(position * np.float32(size))
    if attrs["centered"]:
        position = np.float32(position / np.float32(2.0))
        position = np.float32(position + np.float32(size / 2.0))
    position = np.float32(position - np.float32(glimpse / 2.0))
    return int(position)  # toward zero, as C's cast


def _span(corner, glimpse, size):
    """``(source start, count, destination start, partial)`` along one axis."""
    if corner < 0:
        count = max(0, glimpse + corner)
        return 0, min(size, count), glimpse - count, True
    if corner + glimpse >= size:
        return corner, min(size, max(0, size - corner)), 0, True
    return corner, min(size, glimpse), 0, False


def _noise(image, shape, kind, rng):
    if kind == "zero":
        return np.zeros(shape, image.dtype)
    if kind == "uniform":
        low = image.min()
        spread = np.float32(image.max() - low)
        return (low + rng.random(shape, dtype=np.float32) * spread).astype(image.dtype)
    flat = image.reshape(-1, image.shape[-1]).astype(np.float32)
    mean, sigma = flat.mean(0), flat.std(0)
    values = mean + rng.standard_normal(shape, dtype=np.float32) * sigma
    return np.clip(values, flat.min(0), flat.max(0)).astype(image.dtype)


def _noise_kind(attrs):
    """TensorFlow's rule: the ``noise`` attr ("uniform" by default) decides; an empty one
    falls back on ``uniform_noise`` (so ``uniform_noise=False`` alone still gives uniform
    noise, as in TensorFlow 1.14+)."""
    kind = attrs.get("noise", "uniform")
    if kind == "":
        return "uniform" if attrs["uniform_noise"] else "gaussian"
    if attrs["uniform_noise"] and kind != "uniform":
        raise InvalidArgumentError(None, None, "The uniform_noise and noise should not be "
                                   "specified at the same time")
    if kind not in ("uniform", "gaussian", "zero"):
        raise InvalidArgumentError(None, None, f"noise must be uniform, gaussian or zero, "
                                   f"got {kind!r}")
    return kind


def _kernel(attrs):
    kind = _noise_kind(attrs)

    def run(images, size, offsets):
        # TensorFlow's kernel makes its generator afresh at each run, with a fixed seed: the
        # noise is the same every time (not TensorFlow's values, which are Eigen's).
        rng = np.random.default_rng(0)
        if images.ndim != 4:
            raise InvalidArgumentError(None, None, f"input must be 4-dimensional, got shape "
                                       f"[{','.join(map(str, images.shape))}]")
        if size.shape != (2,):
            raise InvalidArgumentError(None, None, "input must be a vector of size 2 (height, "
                                       "width)")
        if offsets.shape != (images.shape[0], 2):
            raise InvalidArgumentError(None, None, f"offsets must be a matrix [batch, 2] "
                                       f"(y, x) for {images.shape[0]} images, got shape "
                                       f"[{','.join(map(str, offsets.shape))}]")
        batch, height, width, channels = images.shape
        glimpse_h, glimpse_w = int(size[0]), int(size[1])
        if glimpse_h < 1 or glimpse_w < 1:
            raise InvalidArgumentError(None, None, f"glimpse size must be positive, got "
                                       f"[{glimpse_h}, {glimpse_w}]")
        out = np.empty((batch, glimpse_h, glimpse_w, channels), images.dtype)
        for b in range(batch):
            top = _corner(offsets[b, 0], height, glimpse_h, attrs)
            left = _corner(offsets[b, 1], width, glimpse_w, attrs)
            row, rows, out_row, partial_rows = _span(top, glimpse_h, height)
            col, cols, out_col, partial_cols = _span(left, glimpse_w, width)
            if partial_rows or partial_cols:
                out[b] = _noise(images[b], out[b].shape, kind, rng)
            if rows and cols:
                out[b, out_row:out_row + rows, out_col:out_col + cols] = \
                    images[b, row:row + rows, col:col + cols]
        return out

    return run


def _shape(op):
    images = op.inputs[0].shape
    batch = images.as_list()[0] if images.ndims == 4 else None
    channels = images.as_list()[3] if images.ndims == 4 else None
    size = constant_value(op.inputs[1])
    sizes = [None, None] if size is None else [int(s) for s in np.ravel(size)]
    return [TensorShape([batch, *sizes, channels])]


register_op("ExtractGlimpse", _kernel, _shape,
            signature=signature("input: float32, size: int32, offsets: float32 -> "
                                "glimpse: float32"))
NotDifferentiable("ExtractGlimpse")


def extract_glimpse(input, size, offsets, centered=True, normalized=True,  # noqa: A002
                    uniform_noise=True, name=None):
    """Glimpses ``[batch, size[0], size[1], channels]`` of ``input`` at ``offsets``
    ``[batch, 2]`` (y, x); see the module's docstring for the coordinates."""
    images = convert_to_tensor(input, dtype=dtypes.float32, name="input")
    size = convert_to_tensor(size, dtype=dtypes.int32, name="size")
    offsets = convert_to_tensor(offsets, dtype=dtypes.float32, name="offsets")
    attrs = {"centered": bool(centered), "normalized": bool(normalized),
             "uniform_noise": bool(uniform_noise), "noise": "uniform"}
    return make_op("ExtractGlimpse", [images, size, offsets], [dtypes.float32], attrs,
                   name).outputs[0]
