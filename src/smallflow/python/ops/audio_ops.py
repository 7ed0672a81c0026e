"""``tensorflow.python.ops.audio_ops``: decode_wav, encode_wav, audio_spectrogram, mfcc (the
speech commands tutorial imports them from here as ``contrib_audio``)."""

from ...ops.audio_ops import audio_spectrogram, decode_wav, encode_wav, mfcc

__all__ = ["audio_spectrogram", "decode_wav", "encode_wav", "mfcc"]
