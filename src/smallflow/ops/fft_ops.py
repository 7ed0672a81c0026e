"""Fast Fourier transforms over the innermost 1, 2 or 3 dimensions (``tf.fft``,
``tf.spectral.*``, ``tf.signal.*``): complex FFT/IFFT keep their dtype; RFFT maps float32 to
complex64 keeping ``fft_length // 2 + 1`` frequencies, IRFFT back (TensorFlow 1.15's types),
the input cropped or zero-padded to ``fft_length`` as TensorFlow does. NumPy's pocketfft
computes them."""

import numpy as np

from .. import dtypes
from ..graph import convert_to_tensor, name_scope
from ..op_signature import COMPLEX, signature
from ..registry import register_op
from ..tensor_shape import TensorShape, unknown_shape
from .common import constant_value, make_op, same_shape

_COMPLEX_OPS = {
    "FFT": (1, np.fft.fftn), "IFFT": (1, np.fft.ifftn), "FFT2D": (2, np.fft.fftn),
    "IFFT2D": (2, np.fft.ifftn), "FFT3D": (3, np.fft.fftn), "IFFT3D": (3, np.fft.ifftn),
}


def _complex_fft_kernel(op_type):
    rank, function = _COMPLEX_OPS[op_type]
    axes = tuple(range(-rank, 0))

    def factory(attrs):
        def transform(x):
            return function(x, axes=axes).astype(x.dtype)

        return transform

    return factory


for _op_type in _COMPLEX_OPS:
    register_op(_op_type, _complex_fft_kernel(_op_type), same_shape,
                signature=signature("input: Tcomplex -> output: Tcomplex", Tcomplex=COMPLEX))


def _complex_fft(op_type, input, name):  # noqa: A002
    rank = _COMPLEX_OPS[op_type][0]
    with name_scope(name, op_type, [input]) as scope:
        x = convert_to_tensor(input, name="input")
        if x.shape.ndims is not None and x.shape.ndims < rank:
            raise ValueError(f"Shape must be at least rank {rank} but is rank "
                             f"{x.shape.ndims} for '{op_type}'")
        return make_op(op_type, [x], [x.dtype], None, scope).outputs[0]


def fft(input, name=None):  # noqa: A002 - TensorFlow's argument name
    """The discrete Fourier transform over the innermost dimension (complex input)."""
    return _complex_fft("FFT", input, name)


def ifft(input, name=None):  # noqa: A002
    """The inverse transform over the innermost dimension (divided by its length)."""
    return _complex_fft("IFFT", input, name)


def fft2d(input, name=None):  # noqa: A002
    return _complex_fft("FFT2D", input, name)


def ifft2d(input, name=None):  # noqa: A002
    return _complex_fft("IFFT2D", input, name)


def fft3d(input, name=None):  # noqa: A002
    return _complex_fft("FFT3D", input, name)


def ifft3d(input, name=None):  # noqa: A002
    return _complex_fft("IFFT3D", input, name)


# -- real transforms ---------------------------------------------------------------------------

_REAL_OPS = {"RFFT": (1, False), "IRFFT": (1, True), "RFFT2D": (2, False),
             "IRFFT2D": (2, True), "RFFT3D": (3, False), "IRFFT3D": (3, True)}


def _real_fft_kernel(op_type):
    rank, inverse = _REAL_OPS[op_type]
    axes = tuple(range(-rank, 0))

    def factory(attrs):
        def transform(x, fft_length):
            lengths = [int(n) for n in np.asarray(fft_length).reshape(-1)]
            if inverse:
                return np.fft.irfftn(x, s=lengths, axes=axes).astype(np.float32)
            return np.fft.rfftn(x, s=lengths, axes=axes).astype(np.complex64)

        return transform

    return factory


def _real_fft_shape(op):
    rank, inverse = _REAL_OPS[op.type]
    shape = op.inputs[0].shape
    lengths = constant_value(op.inputs[1])
    if shape.ndims is None:
        return [unknown_shape()]
    dims = shape.as_list()
    if lengths is None:
        return [TensorShape(dims[:-rank] + [None] * rank)]
    lengths = [int(n) for n in np.asarray(lengths).reshape(-1)]
    inner = lengths[:-1] + [lengths[-1] if inverse else lengths[-1] // 2 + 1]
    return [TensorShape(dims[:-rank] + inner)]


for _op_type, (_rank, _inverse) in _REAL_OPS.items():
    _types = ("input: complex64, fft_length: int32 -> output: float32" if _inverse else
              "input: float32, fft_length: int32 -> output: complex64")
    register_op(_op_type, _real_fft_kernel(_op_type), _real_fft_shape,
                signature=signature(_types))


def _fft_length(x, rank, inverse, fft_length):
    if fft_length is not None:
        return convert_to_tensor(fft_length, dtype=dtypes.int32, name="fft_length")
    dims = x.shape.as_list() if x.shape.ndims is not None else None
    inner = dims[-rank:] if dims is not None and len(dims) >= rank else None
    if inner is None or None in inner:
        raise ValueError("fft_length is needed when the innermost dimensions of the input "
                         "are not known statically")
    if inverse:
        inner = inner[:-1] + [2 * (inner[-1] - 1)]
    return convert_to_tensor(np.array(inner, np.int32), name="fft_length")


def _real_fft(op_type, input_tensor, fft_length, name):
    rank, inverse = _REAL_OPS[op_type]
    with name_scope(name, op_type, [input_tensor]) as scope:
        wanted = dtypes.complex64 if inverse else dtypes.float32
        x = convert_to_tensor(input_tensor, dtype=wanted if not hasattr(input_tensor, "dtype")
                              else None, name="input_tensor")
        if x.shape.ndims is not None and x.shape.ndims < rank:
            raise ValueError(f"Shape must be at least rank {rank} but is rank "
                             f"{x.shape.ndims} for '{op_type}'")
        lengths = _fft_length(x, rank, inverse, fft_length)
        out = dtypes.float32 if inverse else dtypes.complex64
        return make_op(op_type, [x, lengths], [out], None, scope).outputs[0]


def rfft(input_tensor, fft_length=None, name=None):
    """The transform of a real signal over the innermost dimension: ``fft_length // 2 + 1``
    complex64 frequencies (the input cropped or zero-padded to ``fft_length``)."""
    return _real_fft("RFFT", input_tensor, fft_length, name)


def irfft(input_tensor, fft_length=None, name=None):
    """The real signal of length ``fft_length`` whose ``rfft`` is the input (default length
    ``2 * (n - 1)`` for ``n`` frequencies)."""
    return _real_fft("IRFFT", input_tensor, fft_length, name)


def rfft2d(input_tensor, fft_length=None, name=None):
    return _real_fft("RFFT2D", input_tensor, fft_length, name)


def irfft2d(input_tensor, fft_length=None, name=None):
    return _real_fft("IRFFT2D", input_tensor, fft_length, name)


def rfft3d(input_tensor, fft_length=None, name=None):
    return _real_fft("RFFT3D", input_tensor, fft_length, name)


def irfft3d(input_tensor, fft_length=None, name=None):
    return _real_fft("IRFFT3D", input_tensor, fft_length, name)
