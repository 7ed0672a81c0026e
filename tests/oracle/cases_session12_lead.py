"""Oracle cases of session 12's lead: the audio ops (WAV files, spectrograms, MFCCs) as the
speech commands tutorial uses them.

Same rules as cases.py: each build is a function of ``tf`` and ``np`` only. TensorFlow 2.21
keeps AudioSpectrogram and Mfcc as ``tf.raw_ops``; TF 1.x programs reached them through
``tf.contrib.framework.python.ops.audio_ops``, which is where smallflow has them.
"""

from cases import Case


class _RawAudio:
    def __init__(self, raw):
        self._raw = raw

    def audio_spectrogram(self, input, window_size, stride, magnitude_squared=False):  # noqa: A002
        return self._raw.AudioSpectrogram(input=input, window_size=window_size, stride=stride,
                                          magnitude_squared=magnitude_squared)

    def mfcc(self, spectrogram, sample_rate, **attrs):
        return self._raw.Mfcc(spectrogram=spectrogram, sample_rate=sample_rate, **attrs)


def _audio(tf):
    raw = getattr(tf, "raw_ops", None)
    if raw is not None:
        return _RawAudio(raw)
    return tf.contrib.framework.python.ops.audio_ops


def _signal(np, samples, channels, seed):
    rng = np.random.RandomState(seed)
    t = np.arange(samples)[:, None] / 16000.0
    tone = 0.3 * np.sin(2 * np.pi * np.array([440.0, 1250.0][:channels]) * t)
    return (tone + 0.05 * rng.randn(samples, channels)).astype(np.float32)


def _wav_round_trip(tf, np):
    audio = _signal(np, 1000, 2, 0)
    audio[:4, 0] = [1.5, -1.5, 0.5 / 32768, -0.5 / 32768]  # clamped, and halves rounded
    wav = tf.audio.encode_wav(audio, 16000)
    out = {"wav": wav}
    decoded, rate = tf.audio.decode_wav(wav)
    out["audio"], out["rate"] = decoded, rate
    out["mono_cut"] = tf.audio.decode_wav(wav, desired_channels=1, desired_samples=600)[0]
    out["three_padded"] = tf.audio.decode_wav(wav, desired_channels=3,
                                              desired_samples=1200)[0]
    return out


def _spectrograms(tf, np):
    ops = _audio(tf)
    out = {}
    audio = tf.constant(_signal(np, 4000, 2, 1))
    for window, stride, squared in ((480, 160, True), (480, 160, False), (256, 100, True),
                                    (300, 300, False), (5000, 10, True)):
        out[f"spec_{window}_{stride}_{squared}"] = ops.audio_spectrogram(
            audio, window_size=window, stride=stride, magnitude_squared=squared)
    return out


def _mfccs(tf, np):
    ops = _audio(tf)
    audio = tf.constant(_signal(np, 16000, 1, 2))
    spec = ops.audio_spectrogram(audio, window_size=480, stride=160, magnitude_squared=True)
    out = {"default": ops.mfcc(spec, 16000)}
    out["speech_commands"] = ops.mfcc(spec, 16000, dct_coefficient_count=40)
    out["wide_band"] = ops.mfcc(spec, 16000, upper_frequency_limit=7600.0,
                                lower_frequency_limit=125.0, filterbank_channel_count=30,
                                dct_coefficient_count=20)
    quiet = ops.audio_spectrogram(tf.zeros([2000, 1]), window_size=256, stride=128,
                                  magnitude_squared=True)
    out["silence"] = ops.mfcc(quiet, 8000, upper_frequency_limit=3900.0)
    return out


SESSION12_LEAD_CASES = [
    Case("session12/wav_encode_decode", _wav_round_trip),
    Case("session12/audio_spectrogram", _spectrograms),
    Case("session12/mfcc", _mfccs),
]
