"""``tf.contrib.seq2seq.python.ops.beam_search_ops``: re-exports (smallflow's classes)."""

from ...beam_search_decoder import gather_tree

__all__ = ["gather_tree"]
