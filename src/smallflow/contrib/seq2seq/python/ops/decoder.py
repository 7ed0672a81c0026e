"""``tf.contrib.seq2seq.python.ops.decoder``: re-exports (smallflow's classes)."""

from ...decoder import Decoder, dynamic_decode

__all__ = ["Decoder", "dynamic_decode"]
