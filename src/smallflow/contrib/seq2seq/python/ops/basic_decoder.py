"""``tf.contrib.seq2seq.python.ops.basic_decoder``: re-exports (smallflow's classes)."""

from ...decoder import BasicDecoder, BasicDecoderOutput

__all__ = ["BasicDecoder", "BasicDecoderOutput"]
