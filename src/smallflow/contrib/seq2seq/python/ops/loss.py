"""``tf.contrib.seq2seq.python.ops.loss``: re-exports (smallflow's classes)."""

from ...loss import sequence_loss

__all__ = ["sequence_loss"]
