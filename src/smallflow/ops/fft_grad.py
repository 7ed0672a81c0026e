"""Gradients of the FFT family, built from the transforms themselves (TensorFlow's rules):
FFT's is IFFT times the size, IFFT's FFT divided by it; RFFT's is the real part of the
size-scaled inverse transform of the zero-completed spectrum, IRFFT's the RFFT weighted for
the frequencies the real inverse counts twice."""

import numpy as np

from ..graph import convert_to_tensor
from ..registry import RegisterGradient
from . import fft_ops
from .array_ops import pad, shape, slice
from .common import constant_value
from .complex_ops import complex, real
from .constant_op import cast
from .math_ops import reduce_prod

_INVERSE = {"FFT": fft_ops.ifft, "IFFT": fft_ops.fft, "FFT2D": fft_ops.ifft2d,
            "IFFT2D": fft_ops.fft2d, "FFT3D": fft_ops.ifft3d, "IFFT3D": fft_ops.fft3d}


def _size(grad, rank):
    """The number of points of one transform (product of the innermost ``rank`` sizes)."""
    count = reduce_prod(shape(grad)[-rank:])
    as_real = cast(count, grad.dtype.real_dtype)
    return complex(as_real, 0.0 * as_real)


def _complex_fft_grad(op_type):
    rank = fft_ops._COMPLEX_OPS[op_type][0]
    inverse = _INVERSE[op_type]
    forward = op_type.startswith("FFT")

    def grad_fn(op, grad):
        size = _size(grad, rank)
        return inverse(grad) * size if forward else inverse(grad) / size

    return grad_fn


for _op_type in fft_ops._COMPLEX_OPS:
    RegisterGradient(_op_type)(_complex_fft_grad(_op_type))


def _static_lengths(op):
    lengths = constant_value(op.inputs[1])
    dims = op.inputs[0].shape.as_list() if op.inputs[0].shape.ndims is not None else None
    rank = fft_ops._REAL_OPS[op.type][0]
    if lengths is None or dims is None or None in dims[-rank:]:
        raise LookupError(f"The gradient of {op.type} '{op.name}' needs fft_length and the "
                          f"innermost dimensions of its input known when the graph is built")
    return [int(n) for n in np.asarray(lengths).reshape(-1)], dims


def _fit(x, current, wanted):
    """Crop or zero-pad the innermost axes of ``x`` from sizes ``current`` to ``wanted``."""
    rank = len(wanted)
    outer = x.shape.ndims - rank
    cropped = [min(c, w) for c, w in zip(current, wanted, strict=True)]
    if cropped != list(current):
        x = slice(x, [0] * (outer + rank), [-1] * outer + cropped)
    extra = [w - c for c, w in zip(cropped, wanted, strict=True)]
    if any(extra):
        x = pad(x, [[0, 0]] * outer + [[0, e] for e in extra])
    return x


def _rfft_grad(op, grad):
    lengths, dims = _static_lengths(op)
    rank = len(lengths)
    spectrum = _fit(grad, lengths[:-1] + [lengths[-1] // 2 + 1], lengths)
    inverse = {1: fft_ops.ifft, 2: fft_ops.ifft2d, 3: fft_ops.ifft3d}[rank]
    points = float(np.prod(lengths))
    signal = real(inverse(spectrum)) * points
    return _fit(signal, lengths, dims[-rank:]), None


def _irfft_grad(op, grad):
    lengths, dims = _static_lengths(op)
    rank = len(lengths)
    forward = {1: fft_ops.rfft, 2: fft_ops.rfft2d, 3: fft_ops.rfft3d}[rank]
    spectrum = forward(grad, lengths)
    last = lengths[-1]
    weights = np.full(last // 2 + 1, 2.0, np.float32)
    weights[0] = 1.0
    if last % 2 == 0:
        weights[-1] = 1.0
    weights /= np.prod(lengths)
    weighted = spectrum * convert_to_tensor(weights.astype(np.complex64))
    return _fit(weighted, lengths[:-1] + [last // 2 + 1], dims[-rank:]), None


for _op_type, (_rank, _inverse) in fft_ops._REAL_OPS.items():
    RegisterGradient(_op_type)(_irfft_grad if _inverse else _rfft_grad)
