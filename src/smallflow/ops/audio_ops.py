"""Audio ops: WAV files, spectrograms and MFCCs (``tf.audio``, ``contrib.framework``'s
``audio_ops``), as TensorFlow's speech-commands tutorial uses them.

The numbers follow TensorFlow's kernels: 16-bit PCM samples are ``s / 32768`` (and back with
``round(x * 32768)`` clamped to int16); a spectrogram frame is the samples times a periodic
Hann window in double precision, zero-padded to the next power of two, its real FFT's
squared magnitude rounded to float32 (``sqrtf`` of that unless ``magnitude_squared``); MFCCs
are a mel filterbank of triangular windows over the square roots of a squared-magnitude
spectrogram (HTK's layout: DC skipped, each FFT bin split between two neighbouring channels),
floored at 1e-12, logged, and a DCT-II with ``sqrt(2 / channels)`` scaling, all in double
precision summed in TensorFlow's order, then rounded to float32.
"""

import collections
import struct

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..op_signature import signature
from ..registry import register_op
from ..tensor_shape import TensorShape
from .common import convert_to_tensor, make_op

__all__ = ["audio_spectrogram", "decode_wav", "encode_wav", "mfcc"]

# What decode_wav returns, as TensorFlow's generated op wrapper: ``sess.run(decoded).audio``.
DecodeWav = collections.namedtuple("DecodeWav", ["audio", "sample_rate"])

_CHUNKS_BEFORE_FORMAT = {b"JUNK", b"bext", b"iXML", b"qlty", b"mext", b"levl", b"link", b"axml"}


def _bad(message):
    return InvalidArgumentError(None, None, message)


class _WavReader:
    """Reads a WAV file's fields in order, refusing to run past its end."""

    def __init__(self, data):
        self.data = data
        self.offset = 0

    def take(self, count):
        end = self.offset + count
        if end > len(self.data):
            raise _bad("Data too short when trying to read string")
        piece = self.data[self.offset:end]
        self.offset = end
        return piece

    def expect(self, text):
        found = self.take(len(text))
        if found != text:
            raise _bad(f"Header mismatch: Expected {text.decode()} but found "
                       f"{found.decode('latin-1')}")

    def value(self, fmt):
        return struct.unpack("<" + fmt, self.take(struct.calcsize(fmt)))[0]


def _decode_lin16(data):
    """(samples as float32 [count * channels], count, channels, rate) of a 16-bit PCM WAV."""
    reader = _WavReader(data)
    reader.expect(b"RIFF")
    reader.value("I")
    reader.expect(b"WAVE")
    chunk = reader.take(4)
    while chunk != b"fmt ":
        # Padding chunks may come between "WAVE" and "fmt " (broadcast WAV tags and the like).
        if chunk not in _CHUNKS_BEFORE_FORMAT:
            raise _bad(f"Unexpected field {chunk.decode('latin-1')}")
        reader.take(reader.value("I"))
        chunk = reader.take(4)
    format_size = reader.value("I")
    if format_size not in (16, 18):
        raise _bad(f"Bad format chunk size for WAV: Expected 16 or 18, but got{format_size}")
    audio_format = reader.value("H")
    if audio_format != 1:
        raise _bad(f"Bad audio format for WAV: Expected 1 (PCM), but got{audio_format}")
    channels = reader.value("H")
    if channels < 1:
        raise _bad(f"Bad number of channels for WAV: Expected at least 1, but got {channels}")
    rate = reader.value("I")
    bytes_per_second = reader.value("I")
    bytes_per_sample = reader.value("H")
    bits = reader.value("H")
    if bits != 16:
        raise _bad(f"Can only read 16-bit WAV files, but received {bits}")
    expected = (bits * channels + 7) // 8
    if bytes_per_sample != expected:
        raise _bad(f"Bad bytes per sample in WAV header: Expected {expected} but got "
                   f"{bytes_per_sample}")
    if bytes_per_second != bytes_per_sample * rate:
        raise _bad(f"Bad bytes per second in WAV header: Expected {bytes_per_sample * rate} "
                   f"but got {bytes_per_second} (sample_rate={rate}, bytes_per_sample="
                   f"{bytes_per_sample})")
    if format_size == 18:
        reader.offset += 2
    samples = None
    count = 0
    while reader.offset < len(data):
        chunk_id = reader.take(4)
        size = reader.value("I")
        if size > 2**31 - 1:
            raise _bad(f"WAV data chunk '{chunk_id.decode('latin-1')}' is too large: {size} "
                       f"bytes, but the limit is {2**31 - 1}")
        if chunk_id == b"data":
            if samples is not None:
                raise _bad("More than one data chunk found in WAV")
            count = size // bytes_per_sample
            raw = reader.take(2 * count * channels)
            samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) * np.float32(2**-15)
        else:
            reader.offset += size
    if samples is None:
        raise _bad("No data chunk found in WAV")
    return samples, count, channels, rate


def _decode_wav_kernel(attrs):
    want_channels = attrs["desired_channels"]
    want_samples = attrs["desired_samples"]

    def decode(contents):
        if np.ndim(contents) != 0:
            raise _bad(f"contents must be scalar, got shape {list(np.shape(contents))}")
        data = contents.item() if isinstance(contents, np.ndarray) else contents
        if isinstance(data, str):
            data = data.encode("latin-1")
        samples, count, channels, rate = _decode_lin16(bytes(data))
        if want_channels < -1:
            raise _bad(f"desired_channels must be >= -1, got {want_channels}")
        if want_samples < -1:
            raise _bad(f"desired_samples must be >= -1, got {want_samples}")
        out_samples = count if want_samples == -1 else want_samples
        out_channels = channels if want_channels == -1 else want_channels
        audio = np.zeros((out_samples, out_channels), np.float32)
        decoded = samples.reshape(count, channels)
        rows = min(out_samples, count)
        # More channels than the file has repeat its last one; fewer take the first ones.
        source = np.minimum(np.arange(out_channels), channels - 1)
        audio[:rows] = decoded[:rows][:, source]
        return audio, np.int32(rate)

    return decode


def _decode_wav_shapes(op):
    samples = op.attrs["desired_samples"]
    channels = op.attrs["desired_channels"]
    return [TensorShape([None if samples == -1 else samples,
                         None if channels == -1 else channels]), TensorShape([])]


register_op("DecodeWav", _decode_wav_kernel, _decode_wav_shapes,
            signature=signature("contents: string -> audio: float32, sample_rate: int32"))


def _encode_wav_kernel(attrs):
    def encode(audio, sample_rate):
        if np.ndim(audio) != 2:
            raise _bad(f"audio must be 2-dimensional (samples, channels), got "
                       f"{list(np.shape(audio))}")
        if np.ndim(sample_rate) != 0:
            raise _bad(f"Input sample_rate should be a scalar tensor, got "
                       f"{list(np.shape(sample_rate))} instead.")
        frames, channels = audio.shape
        rate = int(sample_rate)
        if rate <= 0 or rate >= 2**32:
            raise _bad(f"sample_rate must be in (0, 2^32), got: {rate}")
        if channels == 0 or channels >= 2**16:
            raise _bad(f"num_channels must be in (0, 2^16), got: {channels}")
        scaled = np.asarray(audio, np.float32) * np.float32(32768)
        # roundf: halves away from zero, then clamped to int16.
        rounded = np.trunc(scaled + np.copysign(np.float32(0.5), scaled))
        pcm = np.clip(rounded, -32768, 32767).astype("<i2").tobytes()
        header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + len(pcm), b"WAVE", b"fmt ",
                             16, 1, channels, rate, rate * 2 * channels, 2 * channels, 16,
                             b"data", len(pcm))
        return np.array(header + pcm, dtype=object)

    return encode


register_op("EncodeWav", _encode_wav_kernel, lambda op: [TensorShape([])],
            signature=signature("audio: float32, sample_rate: int32 -> contents: string"))


def _next_power_of_two(value):
    return 1 << (int(value) - 1).bit_length()


def _spectrogram_kernel(attrs):
    window_size = attrs["window_size"]
    stride = attrs["stride"]
    squared = attrs["magnitude_squared"]
    fft_length = _next_power_of_two(window_size)
    index = np.arange(window_size, dtype=np.float64)
    window = 0.5 - 0.5 * np.cos((2 * np.pi * index) / window_size)

    def spectrogram(audio):
        if np.ndim(audio) != 2:
            raise _bad(f"input must be 2-dimensional{list(np.shape(audio))}")
        samples, channels = audio.shape
        frames = 0 if samples < window_size else 1 + (samples - window_size) // stride
        width = 1 + fft_length // 2
        if frames == 0:
            return np.zeros((channels, 0, width), np.float32)
        starts = np.arange(frames) * stride
        # [channels, frames, window]: every frame of every channel, windowed in doubles.
        taken = np.asarray(audio, np.float64).T[:, starts[:, None] + np.arange(window_size)]
        spectrum = np.fft.rfft(taken * window, n=fft_length, axis=-1)
        power = (spectrum.real * spectrum.real + spectrum.imag * spectrum.imag).astype(
            np.float32)
        return power if squared else np.sqrt(power)

    return spectrogram


def _spectrogram_shapes(op):
    shape = op.inputs[0].shape.with_rank(2)
    window_size = op.attrs["window_size"]
    length = shape.dims[0].value
    if length is not None:
        length = 0 if length < window_size else 1 + (length - window_size) // op.attrs["stride"]
    return [TensorShape([shape.dims[1].value, length,
                         1 + _next_power_of_two(window_size) // 2])]


register_op("AudioSpectrogram", _spectrogram_kernel, _spectrogram_shapes,
            signature=signature("input: float32 -> spectrogram: float32"))


def _mel(freq):
    return 1127.0 * np.log1p(freq / 700.0)


class _MfccPlan:
    """TensorFlow's MFCC filterbank and DCT tables for one spectrogram width and rate."""

    def __init__(self, bins, rate, channels, coefficients, lower, upper):
        if channels < 1:
            raise ValueError("Number of filterbank channels must be positive.")
        if rate <= 0:
            raise ValueError("Sample rate must be positive.")
        if bins < 2:
            raise ValueError("Input length must greater than 1.")
        if lower < 0:
            raise ValueError("Lower frequency limit must be nonnegative.")
        if upper <= lower:
            raise ValueError("Upper frequency limit must be greater than lower frequency "
                             "limit.")
        if coefficients < 1 or coefficients > channels:
            raise ValueError("Coefficient count must be positive and at most the number of "
                             "filterbank channels.")
        mel_low = _mel(lower)
        spacing = (_mel(upper) - mel_low) / (channels + 1)
        centers = mel_low + spacing * np.arange(1, channels + 2, dtype=np.float64)
        hz_per_bin = 0.5 * rate / (bins - 1)
        self.start = int(1.5 + lower / hz_per_bin)
        self.end = int(upper / hz_per_bin)
        if self.end >= bins:
            raise ValueError("Input too short to compute filterbank")
        self.channels = channels
        self.band = []
        self.weight = []
        channel = 0
        for i in range(self.start, self.end + 1):
            melf = _mel(i * hz_per_bin)
            while channel < channels and centers[channel] < melf:
                channel += 1
            band = channel - 1
            if band >= 0:
                weight = (centers[band + 1] - melf) / (centers[band + 1] - centers[band])
            else:
                weight = (centers[0] - melf) / (centers[0] - mel_low)
            self.band.append(band)
            self.weight.append(weight)
        norm = np.sqrt(2.0 / channels)
        arg = np.pi / channels
        self.cosines = norm * np.cos(np.arange(coefficients, dtype=np.float64)[:, None] * arg
                                     * (np.arange(channels, dtype=np.float64) + 0.5))

    def __call__(self, power):
        """MFCCs of ``power`` [..., bins] (float32) as float32 [..., coefficients]."""
        power = np.asarray(power, np.float64)
        lead = power.shape[:-1]
        bank = np.zeros((*lead, self.channels))
        # Bin by bin in increasing order, as TensorFlow accumulates each channel.
        for offset, (band, weight) in enumerate(zip(self.band, self.weight, strict=True)):
            value = np.sqrt(power[..., self.start + offset])
            weighted = value * weight
            if band >= 0:
                bank[..., band] += weighted
            if band + 1 < self.channels:
                bank[..., band + 1] += value - weighted
        logs = np.log(np.maximum(bank, 1e-12))
        out = np.zeros((*lead, len(self.cosines)))
        for j in range(self.channels):
            out += logs[..., j:j + 1] * self.cosines[:, j]
        return out.astype(np.float32)


def _mfcc_kernel(attrs):
    def mfcc_values(spectrogram, sample_rate):
        if np.ndim(spectrogram) != 3:
            raise _bad(f"spectrogram must be 3-dimensional{list(np.shape(spectrogram))}")
        if np.ndim(sample_rate) != 0:
            raise _bad(f"Input sample_rate should be a scalar tensor, got "
                       f"{list(np.shape(sample_rate))} instead.")
        bins = spectrogram.shape[2]
        try:
            plan = _MfccPlan(bins, int(sample_rate), attrs["filterbank_channel_count"],
                             attrs["dct_coefficient_count"],
                             float(np.float32(attrs["lower_frequency_limit"])),
                             float(np.float32(attrs["upper_frequency_limit"])))
        except ValueError as err:
            raise _bad(f"Mfcc initialization failed for channel count {bins} and sample "
                       f"rate {int(sample_rate)}: {err}") from None
        return plan(spectrogram)

    return mfcc_values


def _mfcc_shapes(op):
    shape = op.inputs[0].shape.with_rank(3)
    return [TensorShape([shape.dims[0].value, shape.dims[1].value,
                         op.attrs["dct_coefficient_count"]])]


register_op("Mfcc", _mfcc_kernel, _mfcc_shapes,
            signature=signature("spectrogram: float32, sample_rate: int32 -> output: float32"))


def decode_wav(contents, desired_channels=-1, desired_samples=-1, name=None):
    """Decode a 16-bit PCM WAV file: (audio float32 [samples, channels] in [-1, 1),
    sample_rate int32). ``desired_channels``/``desired_samples`` pad or cut the result (a
    missing channel repeats the file's last one; missing samples are zeros)."""
    contents = convert_to_tensor(contents, dtype=dtypes.string, name="contents")
    attrs = {"desired_channels": int(desired_channels), "desired_samples": int(desired_samples)}
    op = make_op("DecodeWav", [contents], [dtypes.float32, dtypes.int32], attrs,
                 name or "DecodeWav")
    return DecodeWav(op.outputs[0], op.outputs[1])


def encode_wav(audio, sample_rate, name=None):
    """A 16-bit PCM WAV file (string scalar) of float32 ``audio`` [samples, channels]."""
    audio = convert_to_tensor(audio, dtype=dtypes.float32, name="audio")
    sample_rate = convert_to_tensor(sample_rate, dtype=dtypes.int32, name="sample_rate")
    return make_op("EncodeWav", [audio, sample_rate], [dtypes.string], None,
                   name or "EncodeWav").outputs[0]


def audio_spectrogram(input, window_size, stride, magnitude_squared=False, name=None):  # noqa: A002
    """Spectrogram [channels, frames, 1 + fft_length // 2] of ``input`` [samples, channels]."""
    value = convert_to_tensor(input, dtype=dtypes.float32, name="input")
    attrs = {"window_size": int(window_size), "stride": int(stride),
             "magnitude_squared": bool(magnitude_squared)}
    if attrs["window_size"] <= 1:
        raise ValueError(f"window_size must be > 1, got {attrs['window_size']}")
    if attrs["stride"] <= 0:
        raise ValueError(f"stride must be > 0, got {attrs['stride']}")
    return make_op("AudioSpectrogram", [value], [dtypes.float32], attrs,
                   name or "AudioSpectrogram").outputs[0]


def mfcc(spectrogram, sample_rate, upper_frequency_limit=4000, lower_frequency_limit=20,
         filterbank_channel_count=40, dct_coefficient_count=13, name=None):
    """Mel-frequency cepstral coefficients [channels, frames, dct_coefficient_count] of a
    squared-magnitude spectrogram (``audio_spectrogram(..., magnitude_squared=True)``)."""
    spectrogram = convert_to_tensor(spectrogram, dtype=dtypes.float32, name="spectrogram")
    sample_rate = convert_to_tensor(sample_rate, dtype=dtypes.int32, name="sample_rate")
    attrs = {"upper_frequency_limit": float(upper_frequency_limit),
             "lower_frequency_limit": float(lower_frequency_limit),
             "filterbank_channel_count": int(filterbank_channel_count),
             "dct_coefficient_count": int(dct_coefficient_count)}
    return make_op("Mfcc", [spectrogram, sample_rate], [dtypes.float32], attrs,
                   name or "Mfcc").outputs[0]

