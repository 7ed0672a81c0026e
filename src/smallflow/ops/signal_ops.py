"""``tf.signal``'s framing, windows, short-time Fourier transforms, cosine transforms and mel
features (also ``tf.contrib.signal``, their TF 1.5-1.12 namespace).

All are composites of existing ops, written with TensorFlow 1.x's formulas and arithmetic
order (so results agree with TensorFlow's to float rounding and gradients come for free):
``frame`` gathers overlapping windows, the windows are raised cosines, ``stft`` is a
windowed ``rfft`` of the frames, ``overlap_and_add`` sums frames back with an unsorted segment
sum, the DCTs go through an ``rfft`` of twice the length, and ``mfccs_from_log_mel_spectrograms``
is a scaled DCT-II of log-mel spectrograms.
"""

import math

import numpy as np

from .. import dtypes
from ..graph import convert_to_tensor, name_scope
from . import array_ops, math_ops, special_math_ops
from .common import constant_value
from .complex_ops import complex as make_complex
from .complex_ops import real
from .fft_ops import irfft, rfft
from .sequence_ops import linspace, unsorted_segment_sum
from .sequence_ops import range as _range

__all__ = ["dct", "frame", "hamming_window", "hann_window", "idct", "inverse_stft",
           "inverse_stft_window_fn", "linear_to_mel_weight_matrix",
           "mfccs_from_log_mel_spectrograms", "overlap_and_add", "stft"]


def _int(value, what):
    static = constant_value(convert_to_tensor(value, dtype=dtypes.int32, name=what))
    if static is None:
        return None
    if np.ndim(static) != 0:
        raise ValueError(f"{what} must be a scalar, got {static!r}")
    return int(static)


def frame(signal, frame_length, frame_step, pad_end=False, pad_value=0, axis=-1, name=None):
    """Overlapping windows of ``frame_length`` every ``frame_step`` along ``axis``: the axis
    becomes ``[frames, frame_length]``. With ``pad_end`` the end is padded with
    ``pad_value`` so every sample starts... up to ``ceil(length / frame_step)`` frames."""
    with name_scope(name or "frame"):
        signal = convert_to_tensor(signal, name="signal")
        length_static = _int(frame_length, "frame_length")
        step_static = _int(frame_step, "frame_step")
        frame_length = convert_to_tensor(frame_length, dtype=dtypes.int32, name="frame_length")
        frame_step = convert_to_tensor(frame_step, dtype=dtypes.int32, name="frame_step")
        rank = signal.shape.ndims
        if rank is None:
            raise ValueError("frame needs a signal of known rank")
        if rank < 1:
            raise ValueError(f"Shape must be at least rank 1 but is rank {rank}")
        axis = axis + rank if axis < 0 else axis
        dims = signal.shape.as_list()
        length = array_ops.shape(signal)[axis]
        if pad_end:
            frames = -(-length // frame_step)
            padded_length = (frames - 1) * frame_step + frame_length
            extra = math_ops.maximum(padded_length - length, 0)
            paddings = array_ops.concat([
                array_ops.zeros([axis, 2], dtype=dtypes.int32),
                array_ops.reshape(array_ops.stack([0, extra]), [1, 2]),
                array_ops.zeros([rank - axis - 1, 2], dtype=dtypes.int32)], 0)
            signal = array_ops.pad(signal, paddings,
                                   constant_values=math_ops.cast(pad_value, signal.dtype))
        else:
            frames = math_ops.maximum(0, 1 + (length - frame_length) // frame_step)
        starts = array_ops.reshape(_range(frames) * frame_step, [-1, 1])
        offsets = array_ops.reshape(_range(frame_length), [1, -1])
        result = array_ops.gather(signal, starts + offsets, axis=axis)
        known = dims[axis]
        if known is not None and length_static is not None and step_static is not None:
            count = (-(-known // step_static) if pad_end
                     else max(0, 1 + (known - length_static) // step_static))
            result.set_shape(dims[:axis] + [count, length_static] + dims[axis + 1:])
        return result


def _raised_cosine(name, window_length, periodic, dtype, a, b):
    with name_scope(name):
        dtype = dtypes.as_dtype(dtype)
        if not dtype.is_floating:
            raise ValueError(f"dtype must be a floating point type. Found {dtype.name}")
        window_length = convert_to_tensor(window_length, dtype=dtypes.int32,
                                          name="window_length")
        periodic = math_ops.cast(convert_to_tensor(periodic, dtype=dtypes.bool,
                                                   name="periodic"), dtypes.int32)
        static = constant_value(window_length)
        if static is not None and int(static) == 1:
            return array_ops.ones([1], dtype=dtype)
        even = 1 - math_ops.mod(window_length, 2)
        n = math_ops.cast(window_length + periodic * even - 1, dtype=dtype)
        count = math_ops.cast(_range(window_length), dtype)
        cos_arg = array_ops.constant(2 * np.pi, dtype=dtype) * count / n
        window = array_ops.constant(a, dtype=dtype) - array_ops.constant(
            b, dtype=dtype) * special_math_ops.cos(cos_arg)
        if static is not None:
            window.set_shape([int(static)])
        return window


def hann_window(window_length, periodic=True, dtype=dtypes.float32, name=None):
    """``0.5 - 0.5 cos(2 pi n / N)`` (``N = length`` for even periodic windows, else
    ``length - 1``)."""
    return _raised_cosine(name or "hann_window", window_length, periodic, dtype, 0.5, 0.5)


def hamming_window(window_length, periodic=True, dtype=dtypes.float32, name=None):
    """``0.54 - 0.46 cos(2 pi n / N)``, N as for ``hann_window``."""
    return _raised_cosine(name or "hamming_window", window_length, periodic, dtype, 0.54,
                          0.46)


def _enclosing_power_of_two(value):
    return int(2 ** math.ceil(math.log2(value)))


def stft(signals, frame_length, frame_step, fft_length=None, window_fn=hann_window,
         pad_end=False, name=None):
    """``[..., frames, fft_length // 2 + 1]`` complex64: the ``rfft`` of each windowed
    frame (``fft_length`` defaults to the smallest power of two >= ``frame_length``)."""
    with name_scope(name or "stft"):
        signals = convert_to_tensor(signals, name="signals")
        if signals.shape.ndims is not None and signals.shape.ndims < 1:
            raise ValueError("signals must have rank at least 1")
        length = _int(frame_length, "frame_length")
        if fft_length is None:
            if length is None:
                raise ValueError("stft needs a static frame_length when fft_length is None")
            fft_length = _enclosing_power_of_two(length)
        framed = frame(signals, frame_length, frame_step, pad_end=pad_end)
        if window_fn is not None:
            framed = framed * window_fn(frame_length, dtype=framed.dtype)
        return rfft(framed, [fft_length])


def overlap_and_add(signal, frame_step, name=None):
    """Sum frames ``[..., frames, frame_length]`` placed every ``frame_step`` samples:
    ``[..., (frames - 1) * frame_step + frame_length]``."""
    with name_scope(name or "overlap_and_add"):
        signal = convert_to_tensor(signal, name="signal")
        rank = signal.shape.ndims
        if rank is None or rank < 2:
            raise ValueError("signal's rank must be known and at least 2")
        frame_step = convert_to_tensor(frame_step, dtype=dtypes.int32, name="frame_step")
        shape = array_ops.shape(signal)
        frames, frame_length = shape[-2], shape[-1]
        output_length = (frames - 1) * frame_step + frame_length
        positions = (array_ops.reshape(_range(frames) * frame_step, [-1, 1])
                     + array_ops.reshape(_range(frame_length), [1, -1]))
        # Frames' samples first, so each output position gathers its terms.
        perm = [rank - 2, rank - 1] + list(range(rank - 2))
        samples = array_ops.transpose(signal, perm)
        summed = unsorted_segment_sum(samples, positions, output_length)
        result = array_ops.transpose(summed, list(range(1, rank - 1)) + [0])
        dims = signal.shape.as_list()
        step = _int(frame_step, "frame_step")
        if dims[-2] is not None and dims[-1] is not None and step is not None:
            result.set_shape(dims[:-2] + [(dims[-2] - 1) * step + dims[-1]])
        return result


def inverse_stft(stfts, frame_length, frame_step, fft_length=None, window_fn=hann_window,
                 name=None):
    """Signals from their ``stft``: ``irfft`` of each frame, windowed, overlapped and added
    (pass ``inverse_stft_window_fn(frame_step)`` as ``window_fn`` for perfect
    reconstruction, as in TensorFlow)."""
    with name_scope(name or "inverse_stft"):
        stfts = convert_to_tensor(stfts, name="stfts")
        length = _int(frame_length, "frame_length")
        if fft_length is None:
            if length is None:
                raise ValueError("inverse_stft needs a static frame_length when fft_length "
                                 "is None")
            fft_length = _enclosing_power_of_two(length)
        frames = irfft(stfts, [fft_length])
        if length is not None and length > fft_length:
            frames = array_ops.pad(frames, [[0, 0]] * (frames.shape.ndims - 1)
                                   + [[0, length - fft_length]])
        frames = frames[..., :frame_length]
        if window_fn is not None:
            frames = frames * window_fn(frame_length, dtype=stfts.dtype.real_dtype)
        return overlap_and_add(frames, frame_step)


def inverse_stft_window_fn(frame_step, forward_window_fn=hann_window, name=None):
    """The window that makes ``inverse_stft`` invert ``stft`` with ``forward_window_fn``."""
    def window_fn(frame_length, dtype):
        with name_scope(name or "inverse_stft_window_fn"):
            forward = forward_window_fn(frame_length, dtype=dtype)
            squared = math_ops.square(forward)
            length = _int(frame_length, "frame_length")
            step = _int(frame_step, "frame_step")
            repeats = -(-length // step)
            padded = array_ops.pad(squared, [[0, repeats * step - length]])
            summed = math_ops.reduce_sum(array_ops.reshape(padded, [repeats, step]), 0,
                                         keepdims=True)
            tiled = array_ops.reshape(array_ops.tile(summed, [repeats, 1]), [repeats * step])
            return forward / tiled[:length]

    return window_fn


def dct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002
    """The discrete cosine transform of types 1, 2 and 3 over the last axis (``norm``
    None or "ortho"; type 1 has no "ortho"), as TensorFlow computes them."""
    if type not in (1, 2, 3):
        raise ValueError(f"Only Types I, II and III (I)DCT are supported, got type {type}")
    if n is not None:
        raise ValueError("The DCT length argument is not implemented: n must be None")
    if axis != -1:
        raise NotImplementedError(f"axis must be -1. Got: {axis}")
    if norm not in (None, "ortho"):
        raise ValueError(f"Unknown normalization. Expected None or 'ortho', got: {norm}")
    if type == 1 and norm == "ortho":
        raise ValueError("Normalization is not supported for the Type-I DCT.")
    with name_scope(name or "dct"):
        signals = convert_to_tensor(input, name="input")
        size = signals.shape.as_list()[-1] if signals.shape.ndims else None
        if size is None:
            raise ValueError("dct needs the size of the last axis to be known")
        dtype = signals.dtype
        if type == 1:
            reversed_inner = array_ops.reverse(signals[..., 1:-1], [-1])
            return real(rfft(array_ops.concat([signals, reversed_inner], -1)))
        if type == 2:
            angles = array_ops.constant(-np.arange(size) * np.pi * 0.5 / size, dtype=dtype)
            scale = 2.0 * math_ops.exp(make_complex(array_ops.zeros_like(angles), angles))
            result = real(rfft(signals, [2 * size])[..., :size] * scale)
            if norm == "ortho":
                first = 0.5 * math.sqrt(1.0 / size)
                weights = np.full(size, first * math.sqrt(2.0))
                weights[0] = first
                result = result * array_ops.constant(weights, dtype=dtype)
            return result
        if norm == "ortho":
            first = math.sqrt(size)
            weights = np.full(size, first * math.sqrt(0.5))
            weights[0] = first
            signals = signals * array_ops.constant(weights, dtype=dtype)
        else:
            signals = signals * array_ops.constant(float(size), dtype=dtype)
        angles = array_ops.constant(np.arange(size) * np.pi * 0.5 / size, dtype=dtype)
        scale = 2.0 * math_ops.exp(make_complex(array_ops.zeros_like(angles), angles))
        spectrum = scale * make_complex(signals, array_ops.zeros_like(signals))
        return irfft(spectrum, [2 * size])[..., :size]


def idct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002
    """The inverse DCT: ``dct`` of the inverse type (II and III swap, I is its own)."""
    return dct(input, type={1: 1, 2: 3, 3: 2}.get(type, type), n=n, axis=axis, norm=norm,
               name=name or "idct")


def _hertz_to_mel(frequencies):
    return 1127.0 * math_ops.log(1.0 + frequencies / 700.0)


def linear_to_mel_weight_matrix(num_mel_bins=20, num_spectrogram_bins=129, sample_rate=8000,
                                lower_edge_hertz=125.0, upper_edge_hertz=3800.0,
                                dtype=dtypes.float32, name=None):
    """``[num_spectrogram_bins, num_mel_bins]``: triangular mel filters over the linear
    frequency bins of an ``rfft`` (bin 0, the DC term, gets no weight)."""
    if num_mel_bins <= 0:
        raise ValueError(f"num_mel_bins must be positive. Got: {num_mel_bins}")
    if lower_edge_hertz < 0.0:
        raise ValueError(f"lower_edge_hertz must be non-negative. Got: {lower_edge_hertz}")
    if lower_edge_hertz >= upper_edge_hertz:
        raise ValueError(f"lower_edge_hertz {lower_edge_hertz} >= upper_edge_hertz "
                         f"{upper_edge_hertz}")
    if sample_rate <= 0.0:
        raise ValueError(f"sample_rate must be positive. Got: {sample_rate}")
    if upper_edge_hertz > sample_rate / 2:
        raise ValueError(f"upper_edge_hertz must not be larger than the Nyquist frequency "
                         f"(sample_rate / 2). Got {upper_edge_hertz} for sample_rate: "
                         f"{sample_rate}")
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"dtype must be a floating point type. Got: {dtype.name}")
    with name_scope(name or "linear_to_mel_weight_matrix"):
        nyquist = sample_rate / 2.0
        linear = linspace(array_ops.constant(0.0, dtype=dtype),
                          array_ops.constant(nyquist, dtype=dtype),
                          num_spectrogram_bins)[1:]
        bins_mel = array_ops.expand_dims(_hertz_to_mel(linear), 1)
        edges = linspace(_hertz_to_mel(array_ops.constant(lower_edge_hertz, dtype=dtype)),
                         _hertz_to_mel(array_ops.constant(upper_edge_hertz, dtype=dtype)),
                         num_mel_bins + 2)
        bands = frame(edges, 3, 1)
        lower, center, upper = (array_ops.reshape(bands[:, i], [1, num_mel_bins])
                                for i in range(3))
        lower_slopes = (bins_mel - lower) / (center - lower)
        upper_slopes = (upper - bins_mel) / (upper - center)
        weights = math_ops.maximum(array_ops.constant(0.0, dtype=dtype),
                                   math_ops.minimum(lower_slopes, upper_slopes))
        return array_ops.pad(weights, [[1, 0], [0, 0]])


def mfccs_from_log_mel_spectrograms(log_mel_spectrograms, name=None):
    """MFCCs: the DCT-II of log-mel spectrograms over the last axis, scaled by
    ``1 / sqrt(2 * num_mel_bins)`` (keep the first coefficients you need)."""
    with name_scope(name or "mfccs_from_log_mel_spectrograms"):
        spectrograms = convert_to_tensor(log_mel_spectrograms, name="log_mel_spectrograms")
        size = spectrograms.shape.as_list()[-1] if spectrograms.shape.ndims else None
        if size is None:
            raise ValueError("the number of mel bins (the last axis) must be known")
        return dct(spectrograms, type=2) * math_ops.rsqrt(
            array_ops.constant(float(size), dtype=spectrograms.dtype) * 2.0)


# -- fftshift / ifftshift ----------------------------------------------------------------------


def _shifted(x, axes, name, default_name, inverse):
    """``x`` rolled by half its size along ``axes`` (all axes when None): forward moves the
    zero frequency to the centre, inverse undoes it (they differ for odd sizes)."""
    from .math_extra_ops import roll

    with name_scope(name or default_name):
        x = convert_to_tensor(x, name="input")
        if axes is None:
            if x.shape.ndims is None:
                raise ValueError(f"{default_name} needs a known rank when axes is None")
            axes = list(range(x.shape.ndims))
        axes_list = [int(axes)] if isinstance(axes, int) else [int(a) for a in axes]
        dims = [x.shape.as_list()[a] if x.shape.ndims is not None else None for a in axes_list]
        if None not in dims:
            return roll(x, [-(d // 2) if inverse else d // 2 for d in dims], axes_list)
        # Sizes known only when run: element i of each axis comes from (i - shift) mod n.
        for axis in axes_list:
            size = array_ops.shape(x)[axis]
            half = math_ops.floordiv(size, 2)
            shift = math_ops.negative(half) if inverse else half
            source = math_ops.floormod(_range(size) - shift, size)
            x = array_ops.gather(x, source, axis=axis)
        return x


def fftshift(x, axes=None, name=None):
    """Move the zero-frequency term to the centre of the spectrum (``tf.signal.fftshift``)."""
    return _shifted(x, axes, name, "fftshift", inverse=False)


def ifftshift(x, axes=None, name=None):
    """Undo ``fftshift`` (``tf.signal.ifftshift``)."""
    return _shifted(x, axes, name, "ifftshift", inverse=True)
