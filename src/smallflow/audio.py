"""``tf.audio``: WAV files as float32 samples (see ops/audio_ops.py)."""

from .ops.audio_ops import decode_wav, encode_wav

__all__ = ["decode_wav", "encode_wav"]
